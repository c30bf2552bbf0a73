/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules compiled with rte_acl (flt_acl.h) against the reference matcher
 * (flt_match_ref) on random rule sets and random packets drawn from the same few
 * addresses and ports, so that rules overlap and packets hit their edges; and the
 * expansion limit refused with the rule's line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_common.h>
#include <rte_eal.h>

#include "eal_test.h"
#include "flt_acl.h"
#include "flt_rule.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const uint8_t pool6[][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 },
	{ 0xfe, 0x80, [15] = 1 },
};
static const uint32_t pool4[] = { 0x0a010203, 0x0a010204, 0x0a010305, 0xc0000201, 0x0a000000 };
static const uint16_t port_pool[] = { 0, 22, 53, 80, 443, 1023, 1024, 8080, 65535 };
static const uint8_t proto_pool[] = { 6, 17, 1, 58, 47 };

static struct fwd_addr
pool_addr(uint8_t af)
{
	return af == 4 ? fwd_addr4(pool4[rnd(RTE_DIM(pool4))])
		       : fwd_addr6(pool6[rnd(RTE_DIM(pool6))]);
}

static struct flt_prefix
rand_prefix(uint8_t af)
{
	struct flt_prefix p = { .addr = pool_addr(af), .af = af };
	unsigned int len = af == 4 ? 96 + rnd(33) : rnd(129);

	/* Lengths a prefix list really holds, more often than the rest. */
	if (rnd(2))
		len = af == 4 ? 96 + 8 * rnd(5) : 16 * rnd(9);
	p.len = (uint8_t)len;
	for (unsigned int bit = len; bit < 128; bit++)
		p.addr.b[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	return p;
}

struct gen {
	struct flt_ruleset rs;
	struct flt_rule rules[24];
	struct flt_prefix prefixes[24 * 8];
	struct flt_port_range ports[24 * 8];
};

static uint16_t
rand_iface(bool out)
{
	uint32_t r = rnd(6);

	if (r < 2)
		return FLT_IFACE_ANY;
	if (out && r == 5)
		return FLT_IFACE_SELF;
	return (uint16_t)rnd(3);
}

static void
rand_addr_list(struct gen *g, struct flt_addr_list *l, uint8_t af)
{
	l->first = g->rs.n_prefixes;
	l->count = rnd(3) ? 0 : 1 + rnd(3);
	for (uint32_t i = 0; i < l->count; i++)
		g->prefixes[g->rs.n_prefixes++] = rand_prefix(af ? af : rnd(2) ? 4 : 6);
}

static void
rand_port_list(struct gen *g, struct flt_port_list *l)
{
	l->first = g->rs.n_ports;
	l->count = rnd(2) ? 0 : 1 + rnd(3);
	for (uint32_t i = 0; i < l->count; i++) {
		uint16_t a = port_pool[rnd(RTE_DIM(port_pool))];
		uint16_t b = port_pool[rnd(RTE_DIM(port_pool))];

		if (rnd(2))
			b = a;
		g->ports[g->rs.n_ports++] = (struct flt_port_range){ a < b ? a : b, a < b ? b : a };
	}
}

/* A rule the config could have built: the same constraints on what goes with what. */
static void
rand_rule(struct gen *g, struct flt_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->action = (enum flt_action)rnd(3);
	r->keep_state = r->action == FLT_PASS && rnd(4) != 0;
	r->in = rand_iface(false);
	r->out = rand_iface(true);
	r->af = (uint8_t)(rnd(3) == 0 ? 0 : rnd(2) ? 4 : 6);
	r->proto = rnd(3) == 0 ? 0 : proto_pool[rnd(RTE_DIM(proto_pool))];
	if ((r->proto == 1 && r->af == 6) || (r->proto == 58 && r->af == 4))
		r->af = r->proto == 1 ? 4 : 6;
	rand_addr_list(g, &r->src, r->af);
	rand_addr_list(g, &r->dst, r->af);
	if (r->proto == 6 || r->proto == 17) {
		rand_port_list(g, &r->sport);
		rand_port_list(g, &r->dport);
	}
	r->icmp_type = r->icmp_code = -1;
	if ((r->proto == 1 || r->proto == 58) && rnd(2)) {
		r->icmp_type = (int16_t)(r->proto == 1 ? (rnd(2) ? 8 : 3) : (rnd(2) ? 128 : 1));
		if (rnd(2))
			r->icmp_code = (int16_t)rnd(2);
	}
	if (r->keep_state) {
		r->flags = 0x02;
		r->flags_mask = 0x12;
	}
	if (r->proto == 6 && rnd(3) == 0) {
		r->flags_mask = (uint8_t)(rnd(256) | 1);
		r->flags = (uint8_t)(rnd(256) & r->flags_mask);
	}
}

static void
rand_ruleset(struct gen *g)
{
	memset(&g->rs, 0, sizeof(g->rs));
	g->rs.rules = g->rules;
	g->rs.prefixes = g->prefixes;
	g->rs.ports = g->ports;
	g->rs.n_rules = 1 + rnd(RTE_DIM(g->rules));
	for (uint32_t i = 0; i < g->rs.n_rules; i++) {
		rand_rule(g, &g->rules[i]);
		g->rules[i].line = 100 + i;
	}
}

static void
rand_packet(struct flt_pkt *p, struct flt_path *path)
{
	uint8_t af = rnd(2) ? 4 : 6;

	memset(p, 0, sizeof(*p));
	p->t.af = af;
	p->t.proto = proto_pool[rnd(RTE_DIM(proto_pool))];
	if ((p->t.proto == 1 && af == 6) || (p->t.proto == 58 && af == 4))
		p->t.proto = af == 4 ? 1 : 58;
	p->t.src = pool_addr(af);
	p->t.dst = pool_addr(af);
	if (rnd(2))
		p->t.src.b[15] ^= (uint8_t)rnd(256);
	if (rnd(4) == 0)
		p->t.dst.b[af == 4 ? 13 : 2] ^= (uint8_t)(1u << rnd(8));
	p->t.sport = rnd(3) ? port_pool[rnd(RTE_DIM(port_pool))] : (uint16_t)rnd(65536);
	p->t.dport = rnd(3) ? port_pool[rnd(RTE_DIM(port_pool))] : (uint16_t)rnd(65536);
	p->tcp.flags = (uint8_t)(rnd(2) ? 0x02 : rnd(256));
	p->icmp_type = (uint8_t)(rnd(2) ? (af == 4 ? 8 : 128) : rnd(4));
	p->icmp_code = (uint8_t)rnd(2);
	path->in = (uint16_t)rnd(3);
	path->out = rnd(4) == 0 ? FLT_IFACE_SELF : rnd(8) == 0 ? FLT_IFACE_NONE : (uint16_t)rnd(3);
}

static void
test_classifier_agrees_with_the_reference(void **state)
{
	static struct gen g;
	unsigned int compared = 0, matched = 0;

	(void)state;
	for (int round = 0; round < 150; round++) {
		struct flt_acl *acl;
		char err[256];

		rand_ruleset(&g);
		assert_int_equal(flt_acl_build(&g.rs, 0, &acl, err, sizeof(err)), 0);
		for (int b = 0; b < 8; b++) {
			struct flt_pkt pk[32];
			struct flt_path path[32];
			struct flt_acl_input in[32];
			const struct flt_acl_input *inp[32];
			int32_t got[32];

			for (int i = 0; i < 32; i++) {
				rand_packet(&pk[i], &path[i]);
				flt_acl_input_of(&pk[i], &path[i], &in[i]);
				inp[i] = &in[i];
			}
			flt_acl_classify(acl, inp, got, 32);
			for (int i = 0; i < 32; i++) {
				int32_t want = flt_match_ref(&g.rs, &pk[i], &path[i]);

				if (want != got[i])
					fprintf(stderr, "round %d: rule %d by reference, %d by rte_acl "
						"(proto %u af %u in %u out %u ports %u>%u flags %#x)\n",
						round, want, got[i], pk[i].t.proto, pk[i].t.af,
						path[i].in, path[i].out, pk[i].t.sport, pk[i].t.dport,
						pk[i].tcp.flags);
				assert_int_equal(got[i], want);
				compared++;
				matched += want >= 0;
			}
		}
		flt_acl_free(acl);
	}
	/* The draw is only worth something if it hits rules and misses them. */
	assert_true(matched > compared / 10);
	assert_true(matched < compared - compared / 10);
}

static void
test_expansion_limit_names_the_rule(void **state)
{
	static struct flt_prefix prefixes[2048];
	static struct flt_port_range ports[1];
	struct flt_rule rules[2];
	struct flt_ruleset rs = { .rules = rules, .n_rules = 2, .prefixes = prefixes,
				  .n_prefixes = 2048, .ports = ports, .n_ports = 1 };
	struct flt_acl *acl = (struct flt_acl *)&rs;
	char err[256];

	(void)state;
	for (unsigned int i = 0; i < 2048; i++)
		prefixes[i] = (struct flt_prefix){ .addr = fwd_addr4(0x0a000000 + i), .len = 128,
						   .af = 4 };
	memset(rules, 0, sizeof(rules));
	for (int i = 0; i < 2; i++) {
		rules[i].in = rules[i].out = FLT_IFACE_ANY;
		rules[i].icmp_type = rules[i].icmp_code = -1;
	}
	rules[0].src = (struct flt_addr_list){ 0, 16 };
	rules[0].line = 20;
	rules[1].src = (struct flt_addr_list){ 0, 1024 };
	rules[1].dst = (struct flt_addr_list){ 0, 2048 };
	rules[1].line = 21;
	assert_int_equal(flt_acl_build(&rs, 0, &acl, err, sizeof(err)), -E2BIG);
	assert_null(acl);
	assert_non_null(strstr(err, "line 21"));
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci",
			"--log-level", "error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classifier_agrees_with_the_reference),
		cmocka_unit_test(test_expansion_limit_names_the_rule),
	};
	int rc;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=acltest%d", (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "EAL did not start\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("flt_acl", tests, NULL, NULL);
	eal_test_cleanup();
	return rc;
}
