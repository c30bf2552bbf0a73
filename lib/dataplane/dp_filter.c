/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter on the forwarding batch: parse, one bulk state lookup, states updated in
 * place by the one lcore their flow hashes to; the first packets of flows classified
 * together by rte_acl, then taken in order, so that a state the burst's first packet
 * of a flow creates serves the packets behind it. Dropped packets leave the batch; the
 * rest keep their order.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "dp_filter.h"
#include "dp_internal.h"
#include "flt_key.h"
#include "flt_reject.h"
#include "flt_state.h"
#include "fwd_icmp.h"

struct dp_filter *
dp_filter_create(const struct flt_ruleset *rs, unsigned int readers, int socket, char *err,
		 size_t errlen)
{
	struct flt_table_params tp = { .name = "flt", .limit = rs->state_limit,
				       .readers = readers, .socket = socket };
	struct dp_filter *f = rte_zmalloc_socket("dp_filter", sizeof(*f), RTE_CACHE_LINE_SIZE,
						 socket);

	if (f == NULL) {
		snprintf(err, errlen, "filter: out of memory");
		return NULL;
	}
	f->rs = rs;
	f->readers = readers;
	f->ns_per_tsc = 1e9 / (double)rte_get_tsc_hz();
	if (flt_acl_build(rs, socket, &f->acl, err, errlen) != 0 ||
	    (f->table = flt_table_create(&tp, err, errlen)) == NULL) {
		dp_filter_free(f);
		return NULL;
	}
	return f;
}

void
dp_filter_free(struct dp_filter *f)
{
	if (f == NULL)
		return;
	flt_acl_free(f->acl);
	flt_table_free(f->table);
	rte_free(f);
}

int
dp_filter_lcore_init(struct dp_lcore *lc)
{
	const struct dp_filter *f = lc->sh->filter;
	int reader;

	lc->flt = NULL;
	if (f == NULL)
		return 0;
	lc->flt = rte_zmalloc("dp_filter_lcore",
			      sizeof(*lc->flt) + (f->rs->n_rules + 1) * sizeof(lc->flt->rule[0]),
			      RTE_CACHE_LINE_SIZE);
	if (lc->flt == NULL)
		return -ENOMEM;
	if (f->rs->reassemble &&
	    (lc->flt->reasm = dp_reasm_create(f->rs->frag_max, f->rs->timeouts.sec[FLT_TO_FRAG],
					      (int)rte_socket_id())) == NULL)
		return -ENOMEM;
	reader = lc->queue < f->readers ? (int)lc->queue : -1;
	lc->flt->reader = reader;
	fwd_rate_init(&lc->flt->log.rate, DP_FILTER_LOG_RATE, DP_FILTER_LOG_RATE / 10,
		      rte_get_tsc_hz());
	if (reader >= 0 && rte_rcu_qsbr_thread_register(flt_table_rcu(f->table),
							 (unsigned int)reader) != 0)
		return -EINVAL;
	return 0;
}

void
dp_filter_lcore_free(struct dp_lcore *lc)
{
	if (lc->flt != NULL)
		dp_reasm_free(lc->flt->reasm);
	rte_free(lc->flt);
	lc->flt = NULL;
}

/* The counters of the rule a state or a match stands for (the default's last). */
static inline struct dp_filter_rule_cnt *
rule_cnt(struct dp_filter_lcore *fl, const struct flt_ruleset *rs, uint32_t rule)
{
	return &fl->rule[rule < rs->n_rules ? rule : rs->n_rules];
}

/* Rule @p r (a log rule) decided packet @p p: an entry in this lcore's log, rate allowing. */
static void
log_packet(struct dp_lcore *lc, const struct flt_pkt *p, uint32_t rule, const struct flt_path *path,
	   enum flt_action act, enum flt_drop why)
{
	struct dp_filter_log *l = &lc->flt->log;
	struct dp_filter_log_entry *e;
	uint64_t next, seq;

	if (!fwd_rate_allows(&l->rate, l->tat, rte_rdtsc(), &next)) {
		l->suppressed++;
		return;
	}
	l->tat = next;
	seq = ++l->next_seq;
	e = &l->e[seq % DP_FILTER_LOG_SIZE];
	__atomic_store_n(&e->seq, 0, __ATOMIC_RELAXED); /* being written */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e->ns = dp_filter_now_ns(lc->sh->filter);
	e->t = p->t;
	e->rule = rule;
	e->in = path->in;
	e->out = path->out;
	e->action = (uint8_t)act;
	e->why = (uint8_t)why;
	__atomic_store_n(&e->seq, seq, __ATOMIC_RELEASE);
}

static inline void
drop(struct dp_lcore *lc, struct rte_mbuf *m, enum flt_drop why)
{
	lc->flt->drop[why]++;
	rte_pktmbuf_free(m);
}

/*
 * A reject rule's answer, sent back out of the ingress interface @p in at the node's ICMP
 * rate: an RST for TCP (from the destination, as pf sends it), else port unreachable.
 */
static void
reject(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t *ip, const struct flt_pkt *p, uint16_t in,
       uint8_t l3, uint16_t port)
{
	size_t n;

	lc->flt->drop[FLT_DROP_REJECT]++;
	if (p->t.proto != FLT_PROTO_TCP) {
		if (p->t.af == 4)
			dp_icmp_error(lc, m, port, l3, 4, FWD_ICMP4_UNREACH, 3, 0);
		else
			dp_icmp_error(lc, m, port, l3, 6, FWD_ICMP6_UNREACH, 4, 0);
		return;
	}
	if (!dp_icmp_rate_allows(lc->sh)) {
		lc->cnt.icmp_rate_limited++;
		rte_pktmbuf_free(m);
		return;
	}
	dp_mbuf_keep_head(m); /* a reassembled datagram: the answer is built on its start */
	n = flt_reject_tcp(ip, p);
	if (n == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - l3 - n));
	dp_reply_to_sender(lc, m, in, l3);
}

/* One batch, whichever family: what the core needs of each packet. */
struct batch {
	struct rte_mbuf **m;
	uint8_t **ip;
	const uint16_t *total, *in;
	const uint8_t *l3;
	uint16_t out[DP_BURST]; /* egress interface, FLT_IFACE_NONE without a route */
	uint16_t n, port;
	int af;
	bool keep[DP_BURST];
};

/*
 * Tell the pair's sync that state @p st was made (@p kind SYNC_T_INS) or changed: once
 * until the sync has read it (its sync_pending flag), so a busy flow costs one event per
 * message, not one per packet. A full ring loses the event: counted, and healed by the
 * flow's next packet after the sync has caught up.
 */
static inline void
sync_note(struct dp_lcore *lc, struct flt_state *st, uint8_t kind)
{
	struct dp_sync_event ev;

	if (lc->sync_events == NULL ||
	    (kind != SYNC_EV_INS && __atomic_load_n(&st->sync_pending, __ATOMIC_RELAXED)))
		return;
	__atomic_store_n(&st->sync_pending, 1, __ATOMIC_RELAXED);
	ev.key = st->key;
	ev.kind = kind;
	if (rte_ring_sp_enqueue_elem(lc->sync_events, &ev, sizeof(ev)) != 0) {
		__atomic_store_n(&st->sync_pending, 0, __ATOMIC_RELAXED);
		lc->flt->sync_events_lost++;
	}
}

/*
 * Defer mode: the first packet @p i of a new state (key @p k) goes to the control lcore,
 * which holds it until a peer has the state. A reassembled datagram goes on at once (a
 * chain of mbufs the release would have to refragment), as does one whose ring is full.
 */
static bool
defer_first(struct dp_lcore *lc, const struct batch *b, uint16_t i, const struct flt_key *k)
{
	struct dp_deferred d = { .m = b->m[i], .key = *k, .port = b->port, .iface = b->in[i],
				 .l3 = b->l3[i], .af = (uint8_t)b->af };

	if (b->total[i] == DP_FRAG_CHAINED)
		return false;
	if (rte_ring_sp_enqueue_elem(lc->defer, &d, sizeof(d)) != 0) {
		lc->flt->defer_ring_full++;
		return false;
	}
	lc->flt->deferred++;
	return true;
}

void
dp_defer_release(struct dp_lcore *lc, const struct dp_deferred *d)
{
	uint8_t *ip = rte_pktmbuf_mtod(d->m, uint8_t *) + d->l3;

	if (d->af == 4) {
		struct dp_fwd_burst b = { .n = 1, .port = d->port };

		b.m[0] = d->m;
		b.ip[0] = ip;
		b.dst[0] = carp_rd32(ip + 16);
		b.total[0] = carp_rd16(ip + 2);
		b.l3[0] = d->l3;
		b.in[0] = d->iface;
		dp_fwd_batch_passed(lc, &b);
	} else {
		struct dp_fwd6_burst b = { .n = 1, .port = d->port };

		b.m[0] = d->m;
		b.ip[0] = ip;
		memcpy(b.dst[0], ip + 24, 16);
		b.total[0] = (uint16_t)(40 + carp_rd16(ip + 4));
		b.l3[0] = d->l3;
		b.in[0] = d->iface;
		dp_fwd6_batch_passed(lc, &b);
	}
	lc->flt->passed++;
}

/* A packet of a flow with state @p st: true when it goes on. */
static inline bool
by_state(struct dp_lcore *lc, struct flt_state *st, const struct flt_pkt *p, unsigned int side,
	 uint64_t now, bool *restart)
{
	struct dp_filter_lcore *fl = lc->flt;
	enum flt_drop d;

	*restart = false;
	d = p->icmp_error ? flt_state_icmp_error(st, p, side)
			  : flt_state_update(st, p, side, now, restart);
	if (d != FLT_OK) {
		fl->drop[d]++;
		return false;
	}
	if (*restart)
		return false;
	sync_note(lc, st, SYNC_EV_UPD);
	struct dp_filter_rule_cnt *rc = rule_cnt(fl, lc->sh->filter->rs, st->rule);

	rc->packets++;
	rc->bytes += p->l3_len;
	fl->by_state++;
	return true;
}

/*
 * The first packets of flows, in the batch's order, with their rules' verdicts. A state
 * created here may serve a later packet of the same flow in this batch, so after the
 * first insert each flow looks again. @p reuse[i]: the closed state a SYN reuses.
 */
static void
first_packets(struct dp_lcore *lc, struct batch *b, struct flt_pkt *p, struct flt_key *k,
	      uint8_t *side, const uint16_t *miss, unsigned int nm, struct flt_state **reuse,
	      uint64_t now)
{
	const struct dp_filter *f = lc->sh->filter;
	const struct flt_ruleset *rs = f->rs;
	struct dp_filter_lcore *fl = lc->flt;
	struct flt_acl_input in[DP_BURST];
	const struct flt_acl_input *inp[DP_BURST];
	int32_t rule[DP_BURST];
	bool inserted = false;

	for (unsigned int j = 0; j < nm; j++) {
		uint16_t i = miss[j];
		struct flt_path path = { .in = b->in[i], .out = b->out[i] };

		flt_acl_input_of(&p[i], &path, &in[j]);
		inp[j] = &in[j];
	}
	flt_acl_classify(f->acl, inp, rule, nm);
	for (unsigned int j = 0; j < nm; j++) {
		uint16_t i = miss[j];
		const struct flt_rule *r = rule[j] >= 0 ? &rs->rules[rule[j]] : NULL;
		enum flt_action act = r ? r->action : rs->default_action;
		struct dp_filter_rule_cnt *rc = rule_cnt(fl, rs, r ? (uint32_t)rule[j] : UINT32_MAX);
		struct flt_state *st;
		bool restart;

		if (inserted && reuse[i] == NULL &&
		    (st = flt_table_lookup(f->table, &k[i])) != NULL) {
			b->keep[i] = by_state(lc, st, &p[i], side[i], now, &restart);
			if (!restart) {
				if (!b->keep[i])
					rte_pktmbuf_free(b->m[i]);
				continue;
			}
			/* A SYN for a state this burst made and closed: the rules again. */
			reuse[i] = st;
		}
		rc->packets++;
		rc->bytes += p[i].l3_len;
		if (r != NULL && r->log) {
			struct flt_path path = { .in = b->in[i], .out = b->out[i] };

			log_packet(lc, &p[i], (uint32_t)rule[j], &path, act,
				   act == FLT_PASS ? FLT_OK
				   : act == FLT_BLOCK ? FLT_DROP_BLOCK : FLT_DROP_REJECT);
		}
		if (act == FLT_BLOCK) {
			/* Without a rule, TCP that opens nothing is named for what it is. */
			drop(lc, b->m[i], r == NULL && p[i].t.proto == FLT_PROTO_TCP &&
						  !(p[i].tcp.flags & FLT_TH_SYN)
						  ? FLT_DROP_NO_STATE : FLT_DROP_BLOCK);
			continue;
		}
		if (act == FLT_REJECT) {
			reject(lc, b->m[i], b->ip[i], &p[i], b->in[i], b->l3[i], b->port);
			continue;
		}
		/* Pass. A state for flows that go somewhere, never for an ICMP error. */
		if (r != NULL && r->keep_state && !p[i].icmp_error && b->out[i] != FLT_IFACE_NONE) {
			st = reuse[i];
			if (st == NULL && (st = flt_table_alloc(f->table)) == NULL) {
				drop(lc, b->m[i], FLT_DROP_STATE_LIMIT);
				continue;
			}
			flt_state_init(st, &p[i], &k[i], side[i], (uint32_t)rule[j], now);
			if (reuse[i] == NULL) {
				if (flt_table_publish(f->table, st) != 0) {
					drop(lc, b->m[i], FLT_DROP_STATE_LIMIT);
					continue;
				}
				inserted = true;
			}
			sync_note(lc, st, SYNC_EV_INS);
			fl->states_created++;
			rc->states++;
			if (unlikely(lc->defer != NULL) && defer_first(lc, b, i, &k[i]))
				continue; /* the control lcore's now: not kept, not freed */
		}
		b->keep[i] = true;
	}
}

static void
filter_batch(struct dp_lcore *lc, struct batch *b)
{
	const struct dp_filter *f = lc->sh->filter;
	struct flt_pkt p[DP_BURST];
	struct flt_key k[DP_BURST];
	const struct flt_key *kp[DP_BURST];
	struct flt_state *st[DP_BURST], *reuse[DP_BURST];
	uint8_t side[DP_BURST];
	uint16_t at[DP_BURST], miss[DP_BURST];
	unsigned int nk = 0, nm = 0;
	uint64_t now = dp_filter_now_ns(f);

	for (uint16_t i = 0; i < b->n; i++) {
		const struct rte_mbuf *m = b->m[i];
		enum flt_drop d;

		if (unlikely(b->total[i] == DP_FRAG_CHAINED)) {
			/* Reassembled: its length is the mbufs', its headers in the first. */
			size_t head = rte_pktmbuf_data_len(m) - b->l3[i];
			size_t whole = rte_pktmbuf_pkt_len(m) - b->l3[i];

			d = b->af == 4 ? flt_pkt_parse4_head(b->ip[i], head, whole, &p[i])
				       : flt_pkt_parse6_head(b->ip[i], head, whole, &p[i]);
		} else {
			d = b->af == 4 ? flt_pkt_parse4(b->ip[i], b->total[i], &p[i])
				       : flt_pkt_parse6(b->ip[i], b->total[i], &p[i]);
		}

		b->keep[i] = false;
		reuse[i] = NULL;
		if (unlikely(d != FLT_OK)) {
			drop(lc, b->m[i], d);
			continue;
		}
		/* An ICMP error belongs to the state of the packet it quotes. */
		side[i] = (uint8_t)flt_key_make(p[i].icmp_error ? &p[i].inner : &p[i].t, &k[i]);
		kp[nk] = &k[i];
		at[nk++] = i;
	}
	flt_table_lookup_bulk(f->table, kp, nk, st);
	/* In a big table every state is a cache miss: start them all before the first. */
	for (unsigned int j = 0; j < nk; j++)
		if (st[j] != NULL)
			rte_prefetch0(st[j]);
	for (unsigned int j = 0; j < nk; j++) {
		uint16_t i = at[j];
		bool restart;

		if (st[j] == NULL) {
			miss[nm++] = i;
			continue;
		}
		b->keep[i] = by_state(lc, st[j], &p[i], side[i], now, &restart);
		if (restart) {
			reuse[i] = st[j]; /* a SYN reusing a closed flow's ports: rules again */
			miss[nm++] = i;
		} else if (!b->keep[i]) {
			rte_pktmbuf_free(b->m[i]);
		}
	}
	if (nm)
		first_packets(lc, b, p, k, side, miss, nm, reuse, now);
	for (uint16_t i = 0; i < b->n; i++)
		lc->flt->passed += b->keep[i];
}

void
dp_filter_batch4(struct dp_lcore *lc, struct dp_fwd_burst *b, uint32_t *hops)
{
	const struct dp_shared *sh = lc->sh;
	struct batch fb = { .m = b->m, .ip = b->ip, .total = b->total, .in = b->in, .l3 = b->l3,
			    .n = b->n, .port = b->port, .af = 4 };
	uint16_t n = 0;

	if (lc->flt->reasm != NULL) {
		dp_reasm4_batch(lc->flt->reasm, b, hops, lc->flt->drop);
		fb.n = b->n;
	}
	for (uint16_t i = 0; i < b->n; i++) {
		const struct dp_nexthop *nh = &sh->nexthop[hops[i] & 0x00ffffff];

		fb.out[i] = !(hops[i] & RTE_LPM_LOOKUP_SUCCESS) ? FLT_IFACE_NONE
			    : nh->local				  ? FLT_IFACE_SELF
								  : nh->iface;
	}
	filter_batch(lc, &fb);
	for (uint16_t i = 0; i < b->n; i++) {
		if (!fb.keep[i])
			continue;
		b->m[n] = b->m[i];
		b->ip[n] = b->ip[i];
		b->dst[n] = b->dst[i];
		b->total[n] = b->total[i];
		b->l3[n] = b->l3[i];
		b->in[n] = b->in[i];
		hops[n++] = hops[i];
	}
	b->n = n;
}

void
dp_filter_batch6(struct dp_lcore *lc, struct dp_fwd6_burst *b, int32_t *hops)
{
	const struct dp_shared *sh = lc->sh;
	struct batch fb = { .m = b->m, .ip = b->ip, .total = b->total, .in = b->in, .l3 = b->l3,
			    .n = b->n, .port = b->port, .af = 6 };
	uint16_t n = 0;

	if (lc->flt->reasm != NULL) {
		dp_reasm6_batch(lc->flt->reasm, b, hops, lc->flt->drop);
		fb.n = b->n;
	}

	for (uint16_t i = 0; i < b->n; i++)
		fb.out[i] = hops[i] < 0			   ? FLT_IFACE_NONE
			    : sh->nexthop6[hops[i]].local ? FLT_IFACE_SELF
							   : sh->nexthop6[hops[i]].iface;
	filter_batch(lc, &fb);
	for (uint16_t i = 0; i < b->n; i++) {
		if (!fb.keep[i])
			continue;
		b->m[n] = b->m[i];
		b->ip[n] = b->ip[i];
		memcpy(b->dst[n], b->dst[i], 16);
		b->total[n] = b->total[i];
		b->l3[n] = b->l3[i];
		b->in[n] = b->in[i];
		hops[n++] = hops[i];
	}
	b->n = n;
}

bool
dp_filter_to_self(struct dp_lcore *lc, uint16_t iface, struct rte_mbuf *m, uint8_t *ip, size_t len,
		  int af)
{
	const struct dp_filter *f = lc->sh->filter;
	const struct flt_acl_input *inp;
	struct flt_acl_input in;
	struct flt_path path = { .in = iface, .out = FLT_IFACE_SELF };
	struct flt_pkt p;
	enum flt_drop d = af == 4 ? flt_pkt_parse4(ip, len, &p) : flt_pkt_parse6(ip, len, &p);
	int32_t rule;

	if (d != FLT_OK) {
		drop(lc, m, d);
		return false;
	}
	flt_acl_input_of(&p, &path, &in);
	inp = &in;
	flt_acl_classify(f->acl, &inp, &rule, 1);
	/* Only a rule naming the node matches here, and no match passes (flt_rule.h). */
	if (rule < 0) {
		lc->flt->passed++;
		return true;
	}
	struct dp_filter_rule_cnt *rc = rule_cnt(lc->flt, f->rs, (uint32_t)rule);

	rc->packets++;
	rc->bytes += p.l3_len;
	if (f->rs->rules[rule].log)
		log_packet(lc, &p, (uint32_t)rule, &path, f->rs->rules[rule].action,
			   f->rs->rules[rule].action == FLT_PASS    ? FLT_OK
			   : f->rs->rules[rule].action == FLT_BLOCK ? FLT_DROP_BLOCK
								    : FLT_DROP_REJECT);
	switch (f->rs->rules[rule].action) {
	case FLT_PASS:
		lc->flt->passed++;
		return true;
	case FLT_REJECT:
		reject(lc, m, ip, &p, iface, (uint8_t)(ip - rte_pktmbuf_mtod(m, uint8_t *)),
		       lc->sh->port_of_id[m->port]);
		return false;
	default:
		drop(lc, m, FLT_DROP_BLOCK);
		return false;
	}
}

unsigned int
dp_filter_expire(const struct dp_filter *f)
{
	uint32_t limit = flt_table_limit(f->table);
	unsigned int budget = limit / 1000;

	/* A whole pass over a full table in about a thousand control passes (a second
	 * when the control lcore naps), never more than a few microseconds' work each. */
	budget = budget < 64 ? 64 : budget > 4096 ? 4096 : budget;
	return flt_table_expire(f->table, &f->rs->timeouts, dp_filter_now_ns(f), budget);
}
