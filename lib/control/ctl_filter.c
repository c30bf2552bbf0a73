/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter from the control lcore: expiry in slices and the rates it shows, and the
 * operator's view (/carp/filter, /carp/states, /carp/states_of, /carp/filter_log). Counters are summed over
 * every lcore's (one writer each, read with relaxed loads); the table is walked live, so
 * a count is a sum of moments, as any count of live states is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "dp_filter.h"
#include "flt_state.h"

#define RATE_PERIOD_NS 1000000000ull

static inline uint64_t
rd(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

/* Every lcore's filter counters: the control lcore's, then the workers'. */
static const struct dp_filter_lcore *
lcore_flt(const struct ctl_node *n, unsigned int i)
{
	return i == 0 ? n->ctl_lc->flt : n->workers[i - 1]->flt;
}

static uint64_t
sum_created(const struct ctl_node *n)
{
	uint64_t s = 0;

	for (unsigned int i = 0; i <= n->n_workers; i++)
		s += rd(&lcore_flt(n, i)->states_created);
	return s;
}

void
ctl_filter_tick(struct ctl_node *n, uint64_t now)
{
	struct ctl_filter_stats *s = &n->flt_st;
	unsigned int removed;

	if (n->sh->filter == NULL)
		return;
	removed = dp_filter_expire(n->sh->filter);
	if (removed)
		__atomic_store_n(&s->expired, s->expired + removed, __ATOMIC_RELAXED);
	if (now < s->next_rate_ns)
		return;
	uint64_t created = sum_created(n);

	if (s->next_rate_ns) {
		__atomic_store_n(&s->inserts_per_s, created - s->last_inserts, __ATOMIC_RELAXED);
		__atomic_store_n(&s->expiries_per_s, s->expired - s->last_expired,
				 __ATOMIC_RELAXED);
	}
	s->last_inserts = created;
	s->last_expired = s->expired;
	s->next_rate_ns = now + RATE_PERIOD_NS;
}

static const char *const action_names[] = { "pass", "block", "reject" };

/* Bytes of JSON one rule's entry may take. */
#define RULE_SIZE 160
#define FILTER_PAGE_BUDGET 12000

int
ctl_filter_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	const struct dp_filter *f = n->sh->filter;
	uint32_t total, i, shown = 0;
	long start = ctl_tel_page_start(params);

	rte_tel_data_start_dict(d);
	if (f == NULL) {
		rte_tel_data_add_dict_string(d, "filter", "none: stateless forwarding");
		return 0;
	}
	if (start < 0)
		return -EINVAL;
	total = f->rs->n_rules + 1;
	for (i = (uint32_t)start; i < total && (shown + 1) * RULE_SIZE <= FILTER_PAGE_BUDGET &&
				  shown < RTE_TEL_MAX_DICT_ENTRIES - 4;
	     i++, shown++) {
		struct rte_tel_data *v = rte_tel_data_alloc();
		uint64_t packets = 0, bytes = 0, states = 0;
		char key[32];

		if (v == NULL)
			break;
		for (unsigned int l = 0; l <= n->n_workers; l++) {
			const struct dp_filter_rule_cnt *c = &lcore_flt(n, l)->rule[i];

			packets += rd(&c->packets);
			bytes += rd(&c->bytes);
			states += rd(&c->states);
		}
		rte_tel_data_start_dict(v);
		if (i < f->rs->n_rules) {
			const struct flt_rule *r = &f->rs->rules[i];

			rte_tel_data_add_dict_int(v, "line", (int)r->line);
			rte_tel_data_add_dict_string(v, "action", action_names[r->action]);
			rte_tel_data_add_dict_int(v, "keep_state", r->keep_state);
			snprintf(key, sizeof(key), "rule%u", i);
		} else {
			rte_tel_data_add_dict_string(v, "action",
						     action_names[f->rs->default_action]);
			snprintf(key, sizeof(key), "default");
		}
		rte_tel_data_add_dict_u64(v, "packets", packets);
		rte_tel_data_add_dict_u64(v, "bytes", bytes);
		rte_tel_data_add_dict_u64(v, "states", states);
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	rte_tel_data_add_dict_u64(d, "classifier_rules", flt_acl_size(f->acl));
	ctl_tel_page_end(d, i, total);
	return 0;
}

/* A state's protocol group as /carp/states counts them. */
static unsigned int
proto_slot(uint8_t proto)
{
	switch (proto) {
	case FLT_PROTO_TCP:
		return 0;
	case FLT_PROTO_UDP:
		return 1;
	case FLT_PROTO_ICMP:
	case FLT_PROTO_ICMP6:
		return 2;
	default:
		return 3;
	}
}

int
ctl_states_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	static const char *const protos[] = { "tcp", "udp", "icmp", "other" };
	const struct dp_filter *f = n->sh->filter;
	uint64_t by_proto[4] = { 0 }, tcp[11][11] = { { 0 } }, drop[FLT_DROP_COUNT] = { 0 };
	uint64_t passed = 0, by_state = 0, created = 0, fragments = 0, reassembled = 0;
	struct rte_tel_data *t, *dr;
	const struct flt_state *st;
	uint32_t next = 0;

	(void)params;
	rte_tel_data_start_dict(d);
	if (f == NULL) {
		rte_tel_data_add_dict_string(d, "filter", "none: stateless forwarding");
		return 0;
	}
	while ((st = flt_table_next(f->table, &next)) != NULL) {
		uint8_t a = st->peer[st->init_side].state, b = st->peer[st->init_side ^ 1].state;

		by_proto[proto_slot(st->key.proto)]++;
		if (st->key.proto == FLT_PROTO_TCP && a <= 10 && b <= 10)
			tcp[a][b]++;
	}
	for (unsigned int i = 0; i <= n->n_workers; i++) {
		const struct dp_filter_lcore *fl = lcore_flt(n, i);

		passed += rd(&fl->passed);
		by_state += rd(&fl->by_state);
		created += rd(&fl->states_created);
		for (unsigned int r = 1; r < FLT_DROP_COUNT; r++)
			drop[r] += rd(&fl->drop[r]);
		if (fl->reasm != NULL) {
			fragments += rd(&fl->reasm->fragments);
			reassembled += rd(&fl->reasm->reassembled);
		}
	}
	rte_tel_data_add_dict_u64(d, "states", by_proto[0] + by_proto[1] + by_proto[2] +
						       by_proto[3]);
	rte_tel_data_add_dict_u64(d, "limit", flt_table_limit(f->table));
	rte_tel_data_add_dict_u64(d, "allocated", flt_table_count(f->table));
	rte_tel_data_add_dict_u64(d, "bytes_per_state", flt_table_bytes_per_state(f->table));
	for (unsigned int p = 0; p < 4; p++)
		rte_tel_data_add_dict_u64(d, protos[p], by_proto[p]);
	rte_tel_data_add_dict_u64(d, "created", created);
	rte_tel_data_add_dict_u64(d, "expired", rd(&n->flt_st.expired));
	rte_tel_data_add_dict_u64(d, "inserts_per_s", rd(&n->flt_st.inserts_per_s));
	rte_tel_data_add_dict_u64(d, "expiries_per_s", rd(&n->flt_st.expiries_per_s));
	rte_tel_data_add_dict_u64(d, "passed", passed);
	rte_tel_data_add_dict_u64(d, "passed_by_state", by_state);
	rte_tel_data_add_dict_string(d, "reassemble", f->rs->reassemble ? "ipv4 ipv6" : "off");
	rte_tel_data_add_dict_u64(d, "fragments", fragments);
	rte_tel_data_add_dict_u64(d, "reassembled", reassembled);
	t = rte_tel_data_alloc();
	if (t) {
		rte_tel_data_start_dict(t);
		for (unsigned int a = 0; a <= 10; a++)
			for (unsigned int b = 0; b <= 10; b++) {
				char key[40];

				if (!tcp[a][b])
					continue;
				/* DPDK's telemetry takes no ':' in a name. */
				snprintf(key, sizeof(key), "%s/%s", flt_tcps_name((uint8_t)a),
					 flt_tcps_name((uint8_t)b));
				rte_tel_data_add_dict_u64(t, key, tcp[a][b]);
			}
		rte_tel_data_add_dict_container(d, "tcp_states", t, 0);
	}
	dr = rte_tel_data_alloc();
	if (dr) {
		rte_tel_data_start_dict(dr);
		for (unsigned int r = 1; r < FLT_DROP_COUNT; r++)
			rte_tel_data_add_dict_u64(dr, flt_drop_name((enum flt_drop)r), drop[r]);
		rte_tel_data_add_dict_container(d, "drops", dr, 0);
	}
	return 0;
}

static void
addr_str(const struct fwd_addr *a, uint16_t port, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];

	if (fwd_addr_is4(a)) {
		inet_ntop(AF_INET, a->b + 12, ip, sizeof(ip));
		snprintf(out, cap, "%s:%u", ip, port);
	} else {
		inet_ntop(AF_INET6, a->b, ip, sizeof(ip));
		snprintf(out, cap, "[%s]:%u", ip, port);
	}
}

static const char *
iface_name(const struct ctl_node *n, uint16_t i)
{
	if (i == FLT_IFACE_SELF)
		return "self";
	if (i >= n->n_ifaces)
		return "none";
	return n->iface[i].cfg->name;
}

#define LOG_SHOWN 40

static int
newer_first(const void *a, const void *b)
{
	const struct dp_filter_log_entry *x = a, *y = b;

	return (x->ns < y->ns) - (x->ns > y->ns);
}

int
ctl_filter_log_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	static struct dp_filter_log_entry all[(RTE_MAX_LCORE + 1) * DP_FILTER_LOG_SIZE];
	const struct dp_filter *f = n->sh->filter;
	uint64_t suppressed = 0, now;
	unsigned int got = 0;

	(void)params;
	rte_tel_data_start_dict(d);
	if (f == NULL) {
		rte_tel_data_add_dict_string(d, "filter", "none: stateless forwarding");
		return 0;
	}
	for (unsigned int l = 0; l <= n->n_workers && l <= RTE_MAX_LCORE; l++) {
		const struct dp_filter_log *lg = &lcore_flt(n, l)->log;

		suppressed += rd(&lg->suppressed);
		for (unsigned int k = 0; k < DP_FILTER_LOG_SIZE; k++) {
			const struct dp_filter_log_entry *e = &lg->e[k];
			uint64_t seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);

			if (seq == 0)
				continue;
			all[got] = *e;
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			/* Rewritten while copied: leave it out. */
			if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) == seq)
				got++;
		}
	}
	qsort(all, got, sizeof(all[0]), newer_first);
	now = dp_filter_now_ns(f);
	for (unsigned int k = 0; k < got && k < LOG_SHOWN; k++) {
		const struct dp_filter_log_entry *e = &all[k];
		struct rte_tel_data *v = rte_tel_data_alloc();
		char key[16], a[64], b[64];

		if (v == NULL)
			break;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_u64(v, "age_ms", now > e->ns ? (now - e->ns) / 1000000 : 0);
		rte_tel_data_add_dict_string(v, "action", action_names[e->action]);
		if (e->rule < f->rs->n_rules)
			rte_tel_data_add_dict_int(v, "rule_line", (int)f->rs->rules[e->rule].line);
		rte_tel_data_add_dict_int(v, "proto", e->t.proto);
		addr_str(&e->t.src, e->t.sport, a, sizeof(a));
		addr_str(&e->t.dst, e->t.dport, b, sizeof(b));
		rte_tel_data_add_dict_string(v, "from", a);
		rte_tel_data_add_dict_string(v, "to", b);
		rte_tel_data_add_dict_string(v, "in", iface_name(n, e->in));
		rte_tel_data_add_dict_string(v, "out", iface_name(n, e->out));
		snprintf(key, sizeof(key), "%u", k);
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	rte_tel_data_add_dict_u64(d, "_total", got);
	rte_tel_data_add_dict_u64(d, "suppressed", suppressed);
	return 0;
}

#define STATES_OF_MAX 40

int
ctl_states_of_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	const struct dp_filter *f = n->sh->filter;
	const struct flt_state *st;
	uint8_t raw[16];
	struct fwd_addr want;
	uint32_t next = 0, matched = 0, shown = 0;
	char addr[INET6_ADDRSTRLEN + 1] = "", *comma, *end;
	unsigned long start = 0;
	uint64_t now;

	rte_tel_data_start_dict(d);
	if (f == NULL) {
		rte_tel_data_add_dict_string(d, "filter", "none: stateless forwarding");
		return 0;
	}
	/* ADDR, or ADDR,N for the page from the N-th state of the address on. */
	if (params)
		snprintf(addr, sizeof(addr), "%s", params);
	comma = strchr(addr, ',');
	if (comma) {
		*comma = '\0';
		start = strtoul(comma + 1, &end, 10);
		if (*end != '\0')
			return -EINVAL;
	}
	if (inet_pton(AF_INET, addr, raw) == 1) {
		want = fwd_addr4((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
				 (uint32_t)raw[2] << 8 | raw[3]);
	} else if (inet_pton(AF_INET6, addr, raw) == 1) {
		want = fwd_addr6(raw);
	} else {
		rte_tel_data_add_dict_string(d, "error",
					     "give an address: /carp/states_of,ADDR[,N]");
		return 0;
	}
	now = dp_filter_now_ns(f);
	while ((st = flt_table_next(f->table, &next)) != NULL) {
		unsigned int i = st->init_side;
		struct rte_tel_data *v;
		char key[16], a[64], b[64], state[48];
		uint64_t exp;

		if (!fwd_addr_eq(&st->key.addr[0], &want) && !fwd_addr_eq(&st->key.addr[1], &want))
			continue;
		if (matched++ < start || shown >= STATES_OF_MAX ||
		    (v = rte_tel_data_alloc()) == NULL)
			continue;
		shown++;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_int(v, "proto", st->key.proto);
		addr_str(&st->key.addr[i], st->key.port[i], a, sizeof(a));
		addr_str(&st->key.addr[i ^ 1], st->key.port[i ^ 1], b, sizeof(b));
		rte_tel_data_add_dict_string(v, "from", a);
		rte_tel_data_add_dict_string(v, "to", b);
		if (st->key.proto == FLT_PROTO_TCP)
			snprintf(state, sizeof(state), "%s:%s", flt_tcps_name(st->peer[i].state),
				 flt_tcps_name(st->peer[i ^ 1].state));
		else
			snprintf(state, sizeof(state), "%u:%u", st->peer[i].state,
				 st->peer[i ^ 1].state);
		rte_tel_data_add_dict_string(v, "state", state);
		rte_tel_data_add_dict_string(v, "timeout",
					     flt_timeout_name((enum flt_timeout)st->timeout));
		exp = flt_state_expiry(st, &f->rs->timeouts, flt_table_count(f->table));
		rte_tel_data_add_dict_u64(v, "expires_in_s", exp > now ? (exp - now) / 1000000000 : 0);
		rte_tel_data_add_dict_u64(v, "packets_out", st->packets[i]);
		rte_tel_data_add_dict_u64(v, "packets_in", st->packets[i ^ 1]);
		rte_tel_data_add_dict_u64(v, "bytes_out", st->bytes[i]);
		rte_tel_data_add_dict_u64(v, "bytes_in", st->bytes[i ^ 1]);
		if (st->rule < f->rs->n_rules)
			rte_tel_data_add_dict_int(v, "rule_line", (int)f->rs->rules[st->rule].line);
		snprintf(key, sizeof(key), "%u", matched - 1);
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	rte_tel_data_add_dict_u64(d, "_total", matched);
	if (start + shown < matched)
		rte_tel_data_add_dict_u64(d, "_next", start + shown);
	return 0;
}
