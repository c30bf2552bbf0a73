/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reference matcher (flt_rule.h) on hand-written rules: first match wins, in/out
 * interfaces and out: self, families, prefixes (IPv4 as IPv4-mapped), port ranges, ICMP
 * type and code, TCP flags with the implicit S/SA of stateful rules.
 */
#include "test_util.h"

#include "flt_rule.h"

#define A4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define LAN 0
#define WAN 1

static struct flt_prefix prefixes[] = {
	{ .len = 96 + 24, .af = 4 }, /* 10.0.0.0/24, set up in main */
	{ .len = 96 + 32, .af = 4 }, /* 198.18.1.9/32 */
	{ .len = 32, .af = 6 },      /* 2001:db8::/32 */
	{ .len = 0, .af = 6 },       /* ::/0 */
};

static struct flt_port_range ports[] = { { 22, 22 }, { 53, 53 }, { 1000, 2000 }, { 8080, 8080 } };

static struct flt_rule
rule(enum flt_action a)
{
	struct flt_rule r = { .action = a, .keep_state = a == FLT_PASS, .in = FLT_IFACE_ANY,
			      .out = FLT_IFACE_ANY, .icmp_type = -1, .icmp_code = -1 };

	if (r.keep_state)
		r.flags = FLT_TH_SYN, r.flags_mask = FLT_TH_SYN | FLT_TH_ACK;
	return r;
}

static struct flt_pkt
pkt4(uint8_t proto, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint8_t flags)
{
	struct flt_pkt p = { 0 };

	p.t.af = 4;
	p.t.proto = proto;
	p.t.src = fwd_addr4(src);
	p.t.dst = fwd_addr4(dst);
	p.t.sport = sp;
	p.t.dport = dp;
	p.tcp.flags = flags;
	return p;
}

static void
test_first_match_and_default(void **state)
{
	struct flt_rule rules[3];
	struct flt_ruleset rs = { .rules = rules, .n_rules = 3, .prefixes = prefixes,
				  .n_prefixes = 4, .ports = ports, .n_ports = 4, .default_action = FLT_BLOCK };
	struct flt_path lan_wan = { LAN, WAN }, wan_lan = { WAN, LAN };
	struct flt_pkt p;

	(void)state;
	/* 0: block in on wan to port 22; 1: pass in on lan from 10.0.0.0/24 tcp; 2: pass out
	 * on wan udp to 198.18.1.9 port 53. */
	rules[0] = rule(FLT_BLOCK);
	rules[0].in = WAN, rules[0].proto = 6, rules[0].dport = (struct flt_port_list){ 0, 1 };
	rules[1] = rule(FLT_PASS);
	rules[1].in = LAN, rules[1].proto = 6, rules[1].src = (struct flt_addr_list){ 0, 1 };
	rules[2] = rule(FLT_PASS);
	rules[2].out = WAN, rules[2].proto = 17, rules[2].dst = (struct flt_addr_list){ 1, 1 };
	rules[2].dport = (struct flt_port_list){ 1, 1 };

	p = pkt4(6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 40000, 22, FLT_TH_SYN);
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), 1);
	assert_int_equal(flt_match_ref(&rs, &p, &wan_lan), 0);
	/* Not from the LAN's prefix. */
	p = pkt4(6, A4(10, 0, 1, 9), A4(198, 18, 1, 9), 40000, 80, FLT_TH_SYN);
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), -1);
	/* A stateful rule takes only a first packet: an ACK is left to the state. */
	p = pkt4(6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 40000, 80, FLT_TH_ACK);
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), -1);
	p = pkt4(6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 40000, 80, FLT_TH_SYN | FLT_TH_ACK);
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), -1);
	/* UDP looks like a SYN to the flags check: rule 2 by its out interface. */
	p = pkt4(17, A4(10, 0, 7, 9), A4(198, 18, 1, 9), 5353, 53, 0);
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), 2);
	p.t.dport = 54;
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), -1);
	p.t.dport = 53;
	p.t.dst = fwd_addr4(A4(198, 18, 1, 8));
	assert_int_equal(flt_match_ref(&rs, &p, &lan_wan), -1);
}

static void
test_families_and_self(void **state)
{
	struct flt_rule rules[3];
	struct flt_ruleset rs = { .rules = rules, .n_rules = 3, .prefixes = prefixes,
				  .n_prefixes = 4, .ports = ports, .n_ports = 4, .default_action = FLT_BLOCK };
	struct flt_path to_self = { WAN, FLT_IFACE_SELF }, fwd = { WAN, LAN };
	struct flt_pkt p = { 0 };

	(void)state;
	/* 0: block ICMP echo requests to the node from the WAN; 1: pass IPv6 to 2001:db8::/32;
	 * 2: pass ICMP code 0 of type 3 anywhere. */
	rules[0] = rule(FLT_BLOCK);
	rules[0].in = WAN, rules[0].out = FLT_IFACE_SELF, rules[0].proto = 1, rules[0].icmp_type = 8;
	rules[1] = rule(FLT_PASS);
	rules[1].af = 6, rules[1].dst = (struct flt_addr_list){ 2, 1 };
	rules[2] = rule(FLT_PASS);
	rules[2].proto = 1, rules[2].icmp_type = 3, rules[2].icmp_code = 0;

	p = pkt4(1, A4(203, 0, 113, 5), A4(198, 18, 1, 2), 7, 7, 0);
	p.icmp_type = 8;
	assert_int_equal(flt_match_ref(&rs, &p, &to_self), 0);
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), -1);
	p.icmp_type = 3;
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), 2);
	/* Rule 2 names no out: it never matches traffic to the node, nor does any rule but
	 * one with out: self. Without a route (out none) it does. */
	assert_int_equal(flt_match_ref(&rs, &p, &to_self), -1);
	struct flt_path no_route = { WAN, FLT_IFACE_NONE };

	assert_int_equal(flt_match_ref(&rs, &p, &no_route), 2);
	p.icmp_code = 1;
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), -1);

	memset(&p, 0, sizeof(p));
	p.t.af = 6;
	p.t.proto = 17;
	p.t.dst.b[0] = 0x20, p.t.dst.b[1] = 0x01, p.t.dst.b[2] = 0x0d, p.t.dst.b[3] = 0xb8;
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), 1);
	p.t.dst.b[3] = 0xb9;
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), -1);
	/* An IPv4 packet never matches an IPv6 prefix, not even ::/0. */
	rules[1].af = 0;
	p = pkt4(17, A4(10, 0, 0, 9), A4(32, 1, 13, 184), 1, 2, 0);
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), -1);
	rules[1].dst = (struct flt_addr_list){ 3, 1 };
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), -1);
	p.t.af = 6;
	assert_int_equal(flt_match_ref(&rs, &p, &fwd), 1);
}

static void
test_port_lists(void **state)
{
	struct flt_rule r = rule(FLT_PASS);
	struct flt_ruleset rs = { .rules = &r, .n_rules = 1, .ports = ports, .n_ports = 4 };
	struct flt_path path = { LAN, WAN };
	struct flt_pkt p = pkt4(17, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 5000, 999, 0);

	(void)state;
	r.proto = 17;
	r.dport = (struct flt_port_list){ 2, 2 }; /* 1000-2000 and 8080 */
	r.sport = (struct flt_port_list){ 2, 1 };
	assert_int_equal(flt_match_ref(&rs, &p, &path), -1);
	p.t.dport = 1000;
	assert_int_equal(flt_match_ref(&rs, &p, &path), -1); /* source 5000 */
	p.t.sport = 2000;
	assert_int_equal(flt_match_ref(&rs, &p, &path), 0);
	p.t.dport = 8080;
	assert_int_equal(flt_match_ref(&rs, &p, &path), 0);
	p.t.dport = 8081;
	assert_int_equal(flt_match_ref(&rs, &p, &path), -1);
}

static void
test_prefix_edges(void **state)
{
	struct flt_prefix all = { .len = 0 }, v4all = { .addr = fwd_addr4(0), .len = 96 };
	struct flt_prefix odd = { .addr = fwd_addr4(A4(10, 0, 0, 128)), .len = 96 + 25 };
	struct fwd_addr a = fwd_addr4(A4(10, 0, 0, 200)), b = fwd_addr4(A4(10, 0, 0, 127));
	struct fwd_addr v6 = { { 0x20, 0x01 } };

	(void)state;
	assert_true(flt_prefix_has(&all, &a));
	assert_true(flt_prefix_has(&all, &v6));
	assert_true(flt_prefix_has(&v4all, &a));
	assert_false(flt_prefix_has(&v4all, &v6));
	assert_true(flt_prefix_has(&odd, &a));
	assert_false(flt_prefix_has(&odd, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_match_and_default),
		cmocka_unit_test(test_families_and_self),
		cmocka_unit_test(test_port_lists),
		cmocka_unit_test(test_prefix_edges),
	};

	prefixes[0].addr = fwd_addr4(A4(10, 0, 0, 0));
	prefixes[1].addr = fwd_addr4(A4(198, 18, 1, 9));
	prefixes[2].addr.b[0] = 0x20, prefixes[2].addr.b[1] = 0x01;
	prefixes[2].addr.b[2] = 0x0d, prefixes[2].addr.b[3] = 0xb8;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
