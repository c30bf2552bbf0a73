/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pair's state sync on the control lcore: lib/sync's engine given the filter's state
 * table, the sync link (UDP in IPv4 to pfsync's group, TTL 255, from the control lcore's
 * own queue), the changes the lcores report through their rings, and CARP's demotion
 * while a bulk update is due or the sync link is down. The control lcore is the only one
 * that removes states, and on a BACKUP no worker touches them, so the states it adds and
 * merges there have one writer; on a MASTER a peer's copy arrives only when the peer
 * holds a newer one (a push-back), a race this version accepts (docs/ARCHITECTURE.md).
 */
#include <time.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_telemetry.h>

#include "carp_bytes.h"
#include "carp_cksum.h"
#include "ctl.h"
#include "ctl_sync.h"
#include "dp_filter.h"
#include "sync_state.h"

_Static_assert(SYNC_EV_INS == SYNC_T_INS && SYNC_EV_UPD == SYNC_T_UPD,
	       "the lcores' events are the engine's kinds");

#define SYNC_DEMOTE_BULK_BY 32 /* pfsync's "pfsync bulk start" demotion */
#define SYNC_DEMOTE_LINK_BY 1  /* and its "pfsync link" one */
#define EVENTS_PER_PASS 256

struct ctl_sync {
	struct sync_auth *auth;
	struct sync_engine *e;
	const struct dp_filter *f;
	uint16_t iface;
	uint32_t src, group;
	uint32_t peer;       /* a unicast peer (host order), or 0: the group */
	uint64_t peer_unresolved; /* messages not sent: the peer's MAC not known yet */
	uint16_t udp_port;
	bool demoted[2];
	bool started, link_up;
	uint64_t frames_bad; /* datagrams on the sync port that were not ours to read */
	/* Defer mode: first packets held until a peer acknowledges their state, oldest
	 * first (a ring of CTL_SYNC_DEFER_MAX), each until its deadline. */
	bool defer;
	uint64_t defer_ns;
	struct held {
		struct dp_deferred d;
		uint64_t deadline;
	} held[CTL_SYNC_DEFER_MAX];
	unsigned int held_first, n_held;
	uint64_t defer_acked, defer_timeouts, defer_full, defer_link_down;
};

static uint64_t
now_ns(const struct ctl_sync *s)
{
	return dp_filter_now_ns(s->f); /* the states' clock */
}

/* The state table, for the engine. */

static bool
t_get(void *ctx, const struct flt_key *k, uint64_t now, struct sync_state_rec *r)
{
	struct ctl_node *n = ctx;
	struct flt_state *st = flt_table_lookup(n->sync->f->table, k);

	if (st == NULL)
		return false;
	/* Cleared before it is read: a change after this is told again. */
	__atomic_store_n(&st->sync_pending, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sync_state_export(st, now, r);
	return true;
}

static int
t_apply(void *ctx, const struct sync_state_rec *r, uint64_t now, bool rules_match, bool replace)
{
	struct ctl_node *n = ctx;
	struct flt_table *t = n->sync->f->table;
	struct flt_state *st = flt_table_lookup(t, &r->key);

	if (st != NULL && !replace)
		return (int)sync_state_merge(st, r, now);
	if (st != NULL) {
		sync_state_import(st, r, now, rules_match);
		return 0;
	}
	st = flt_table_alloc(t);
	if (st == NULL)
		return -1;
	sync_state_import(st, r, now, rules_match);
	return flt_table_publish(t, st) == 0 ? 0 : -1;
}

static void
t_remove(void *ctx, const struct flt_key *k)
{
	struct ctl_node *n = ctx;

	(void)flt_table_remove(n->sync->f->table, k);
}

static bool
t_walk(void *ctx, uint64_t *pos, uint64_t now, struct sync_state_rec *r)
{
	struct ctl_node *n = ctx;
	uint32_t next = (uint32_t)*pos;
	const struct flt_state *st = flt_table_next(n->sync->f->table, &next);

	*pos = next;
	if (st == NULL)
		return false;
	sync_state_export(st, now, r);
	return true;
}

static uint32_t
t_count(void *ctx)
{
	struct ctl_node *n = ctx;

	return flt_table_count(n->sync->f->table);
}

static uint32_t
ms_of(uint64_t ns)
{
	return ns / 1000000u > UINT32_MAX ? UINT32_MAX : (uint32_t)(ns / 1000000u);
}

static bool
t_walk_key(void *ctx, uint64_t *pos, uint64_t now, struct flt_key *key, uint32_t *age_ms,
	   uint32_t *left_ms)
{
	struct ctl_node *n = ctx;
	struct flt_table *t = n->sync->f->table;
	uint32_t next = (uint32_t)*pos;
	const struct flt_state *st = flt_table_next(t, &next);
	uint64_t expiry;

	*pos = next;
	if (st == NULL)
		return false;
	/* Read while its worker may write it: a digest that is off by a packet is off for
	 * one round, which is why a slice must differ twice. */
	*key = st->key;
	*age_ms = now > st->created_ns ? ms_of(now - st->created_ns) : 0;
	expiry = flt_state_expiry(st, &n->sync->f->rs->timeouts, flt_table_count(t));
	*left_ms = expiry > now ? ms_of(expiry - now) : 0;
	return true;
}

/* The link. */

static void
io_send(void *ctx, const uint8_t *buf, size_t len)
{
	struct ctl_node *n = ctx;
	struct ctl_sync *s = n->sync;
	const uint8_t *peer_mac = NULL;
	struct rte_mbuf *m;
	uint8_t *f, *ip, *udp;
	uint16_t c;

	/* A lost message is asked for again (NACK) and a bulk request retried: while the
	 * peer's MAC is being resolved, nothing is held. */
	if (s->peer != 0 && (peer_mac = ctl_fwd_neighbor_mac(n, s->peer, s->iface)) == NULL) {
		s->peer_unresolved++;
		return;
	}
	m = rte_pktmbuf_alloc(n->mp);
	if (m == NULL || (f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(42 + len))) == NULL) {
		rte_pktmbuf_free(m);
		n->ctl_lc->cnt.drop[DP_DROP_NO_HEADROOM]++;
		return;
	}
	if (peer_mac != NULL) {
		memcpy(f, peer_mac, 6);
	} else { /* 01:00:5e and the group's low 23 bits (RFC 1112) */
		f[0] = 0x01, f[1] = 0x00, f[2] = 0x5e;
		f[3] = (uint8_t)(s->group >> 16 & 0x7f);
		f[4] = (uint8_t)(s->group >> 8);
		f[5] = (uint8_t)s->group;
	}
	memcpy(f + 6, n->sh->iface[s->iface].mac.addr_bytes, 6);
	carp_wr16(f + 12, RTE_ETHER_TYPE_IPV4);
	ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = 0xe0; /* CS7, as CARP's */
	carp_wr16(ip + 2, (uint16_t)(28 + len));
	carp_wr16(ip + 4, (uint16_t)rte_rand());
	carp_wr16(ip + 6, 0x4000); /* DF */
	ip[8] = 255;
	ip[9] = IPPROTO_UDP;
	carp_wr32(ip + 12, s->src);
	carp_wr32(ip + 16, s->peer ? s->peer : s->group);
	c = carp_cksum(ip, 20);
	carp_wr16(ip + 10, c);
	udp = ip + 20;
	carp_wr16(udp, s->udp_port);
	carp_wr16(udp + 2, s->udp_port);
	carp_wr16(udp + 4, (uint16_t)(8 + len));
	carp_wr16(udp + 6, 0); /* the HMAC covers what a checksum would */
	memcpy(udp + 8, buf, len);
	ctl_send_frame(n, s->iface, m);
}

/* Defer mode. */

static struct held *
held_at(struct ctl_sync *s, unsigned int k)
{
	return &s->held[(s->held_first + k) % CTL_SYNC_DEFER_MAX];
}

/* Send on held packet @p k (0: the oldest), counted under @p why; the ring closes up. */
static void
release(struct ctl_node *n, unsigned int k, uint64_t *why)
{
	struct ctl_sync *s = n->sync;

	dp_defer_release(n->ctl_lc, &held_at(s, k)->d);
	(*why)++;
	for (; k > 0; k--) /* the older ones move up one */
		*held_at(s, k) = *held_at(s, k - 1);
	s->held_first = (s->held_first + 1) % CTL_SYNC_DEFER_MAX;
	s->n_held--;
}

static void
io_acked(void *ctx, const struct flt_key *key)
{
	struct ctl_node *n = ctx;
	struct ctl_sync *s = n->sync;

	for (unsigned int k = 0; k < s->n_held; k++)
		if (memcmp(&held_at(s, k)->d.key, key, sizeof(*key)) == 0) {
			release(n, k, &s->defer_acked);
			return;
		}
}

/* The lcores' first packets of new states: the state to the peers at once, flagged, and
 * the packet held; the oldest goes on when there is no room, all at once without a link. */
static void
defer_take(struct ctl_node *n, struct rte_ring *r, uint64_t now)
{
	struct ctl_sync *s = n->sync;
	struct dp_deferred d[16];
	unsigned int got;

	while ((got = rte_ring_sc_dequeue_burst_elem(r, d, sizeof(d[0]), RTE_DIM(d), NULL)) > 0)
		for (unsigned int k = 0; k < got; k++) { /* sent by the caller, all at once */
			if (!s->link_up) {
				dp_defer_release(n->ctl_lc, &d[k]);
				s->defer_link_down++;
				continue;
			}
			if (s->n_held == CTL_SYNC_DEFER_MAX)
				release(n, 0, &s->defer_full);
			*held_at(s, s->n_held) = (struct held){ d[k], now + s->defer_ns };
			s->n_held++;
			sync_engine_queue_ack(s->e, &d[k].key, now);
		}
}

static void
defer_expire(struct ctl_node *n, uint64_t now)
{
	struct ctl_sync *s = n->sync;

	while (s->n_held > 0 && held_at(s, 0)->deadline <= now)
		release(n, 0, &s->defer_timeouts);
}

static void
io_demote(void *ctx, enum sync_demote d, bool on, const char *why)
{
	struct ctl_node *n = ctx;

	CARP_LOG(WARNING, "sync: %s (%s demotion %s)", why,
		 d == SYNC_DEMOTE_BULK ? "bulk update" : "sync link", on ? "raised" : "cleared");
	n->sync->demoted[d] = on;
	ctl_demotion_update(n, ctl_now_ns());
}

static const struct sync_table_ops table_ops = { t_get,  t_apply, t_remove,
						 t_walk, t_count, t_walk_key };
static const struct sync_io_ops io_ops = { io_send, io_demote, io_acked };

/* A digest of the rules, so that a peer's rule numbers are used only when they are ours. */
static uint64_t
ruleset_digest(const struct flt_ruleset *rs)
{
	uint64_t h = 14695981039346656037ull;

	for (uint32_t i = 0; i < rs->n_rules; i++) {
		const struct flt_rule *r = &rs->rules[i];
		uint64_t v[] = { r->action, r->keep_state, r->af, r->proto, r->in, r->out,
				 r->src.count, r->dst.count, r->sport.count, r->dport.count,
				 (uint64_t)(uint16_t)r->icmp_type, (uint64_t)(uint16_t)r->icmp_code,
				 r->flags, r->flags_mask };

		for (size_t j = 0; j < RTE_DIM(v); j++)
			h = (h ^ v[j]) * 1099511628211ull;
	}
	return h ^ rs->default_action;
}

unsigned int
ctl_sync_demotion(const struct ctl_node *n)
{
	const struct ctl_sync *s = n->sync;

	if (s == NULL)
		return 0;
	return (s->demoted[SYNC_DEMOTE_BULK] ? SYNC_DEMOTE_BULK_BY : 0) +
	       (s->demoted[SYNC_DEMOTE_LINK] ? SYNC_DEMOTE_LINK_BY : 0);
}

int
ctl_sync_init(struct ctl_node *n)
{
	const struct carp_config_sync *c = n->cfg->sync;
	const struct carp_config_iface *ci;
	struct sync_params p = { 0 };
	struct ctl_sync *s;

	n->sync = NULL;
	if (c == NULL)
		return 0;
	if (n->sh->filter == NULL)
		return -EINVAL; /* refused before: config and start-up say why */
	s = rte_zmalloc("ctl_sync", sizeof(*s), 0);
	if (s == NULL)
		return -ENOMEM;
	ci = &n->cfg->ifaces[c->iface];
	s->f = n->sh->filter;
	s->iface = (uint16_t)c->iface;
	s->group = CARP_CONFIG_SYNC_GROUP;
	s->peer = c->peer;
	s->defer = c->defer;
	s->defer_ns = (uint64_t)c->defer_ms * 1000000ull;
	s->udp_port = c->port;
	s->link_up = true;
	for (unsigned int i = 0; i < ci->n_addrs; i++)
		if (ci->addrs[i].family == 4) {
			s->src = ci->addrs[i].v4;
			break;
		}
	p.node = c->node;
	if (p.node == 0) { /* the link's MAC, whose low bytes differ between nodes */
		const uint8_t *mac = n->sh->iface[s->iface].mac.addr_bytes;

		p.node = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
			 (uint32_t)mac[4] << 8 | mac[5];
		p.node = p.node ? p.node : 1;
	}
	p.epoch = (uint32_t)time(NULL); /* a larger one after every restart */
	p.ruleset = ruleset_digest(n->cfg->filter);
	p.msg_max = (size_t)ci->mtu - 28 > SYNC_MSG_MAX ? SYNC_MSG_MAX : (size_t)ci->mtu - 28;
	p.batch_ns = (uint64_t)c->batch_ms * 1000000ull;
	p.nack_ns = 10 * 1000000ull;
	p.retry_ns = 2 * 1000000000ull;
	p.retries = 12;
	p.pace_ns = 1000000ull;
	p.pace_msgs = 8;
	p.queue = 8192;
	p.digest_ns = (uint64_t)c->digest_s * 1000000000ull;
	s->auth = sync_auth_new(c->key, c->key_len);
	n->sync = s;
	s->e = s->auth ? sync_engine_new(&p, s->auth, &table_ops, &io_ops, n) : NULL;
	if (s->e == NULL) {
		ctl_sync_free(n);
		return -ENOMEM;
	}
	n->sh->sync_iface = s->iface;
	n->sh->sync_group = s->group;
	n->sh->sync_port = s->udp_port;
	n->sh->sync_addr = s->peer ? s->src : 0;
	if (s->peer)
		CARP_LOG(INFO, "sync: on %s, unicast to %u.%u.%u.%u port %u, node %u, run %u",
			 ci->name, s->peer >> 24, s->peer >> 16 & 0xff, s->peer >> 8 & 0xff,
			 s->peer & 0xff, s->udp_port, p.node, p.epoch);
	else
		CARP_LOG(INFO, "sync: on %s, group 224.0.0.240 port %u, node %u, run %u",
			 ci->name, s->udp_port, p.node, p.epoch);
	return 0;
}

void
ctl_sync_free(struct ctl_node *n)
{
	struct ctl_sync *s = n->sync;

	if (s == NULL)
		return;
	/* Held packets go on: nothing accepted is lost to a stop. */
	while (s->n_held > 0)
		release(n, 0, &s->defer_timeouts);
	dp_tx_flush(n->ctl_lc);
	sync_engine_free(s->e);
	sync_auth_free(s->auth);
	rte_free(s);
	n->sync = NULL;
}

bool
ctl_sync_frame(const struct ctl_node *n, const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *) + m->l2_len;

	return n->sync != NULL && rte_pktmbuf_data_len(m) >= m->l2_len + 20u &&
	       ip[0] >> 4 == 4 && ip[9] == IPPROTO_UDP;
}

void
ctl_sync_input(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m)
{
	struct ctl_sync *s = n->sync;
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *), *ip = f + m->l2_len;
	size_t avail = rte_pktmbuf_data_len(m) - m->l2_len, udp_len;
	uint32_t src = carp_rd32(ip + 12);
	const struct carp_config_iface *ci = &n->cfg->ifaces[s->iface];
	bool on_link = false;

	/* The data plane checked the header, TTL 255, group and port; here: from another
	 * node of the link, and a UDP length that fits. */
	for (unsigned int i = 0; i < ci->n_addrs; i++) {
		const struct carp_config_addr *a = &ci->addrs[i];
		uint32_t mask = a->prefixlen ? ~0u << (32 - a->prefixlen) : 0;

		if (a->family == 4 && src != a->v4 && ((src ^ a->v4) & mask) == 0)
			on_link = true;
	}
	udp_len = carp_rd16(ip + 24);
	/* With a unicast peer, that peer only: a third node on the link is not one of ours. */
	if (iface != s->iface || !on_link || (s->peer != 0 && src != s->peer) || udp_len < 8 ||
	    20 + udp_len > avail) {
		s->frames_bad++;
		rte_pktmbuf_free(m);
		return;
	}
	sync_engine_input(s->e, ip + 28, udp_len - 8, now_ns(s));
	rte_pktmbuf_free(m);
}

void
ctl_sync_link(struct ctl_node *n)
{
	struct ctl_sync *s = n->sync;
	bool up;

	if (s == NULL)
		return;
	up = n->port[n->sh->iface[s->iface].port].link_up;
	if (up != s->link_up) {
		s->link_up = up;
		sync_engine_link(s->e, up, now_ns(s));
	}
}

void
ctl_sync_tick(struct ctl_node *n)
{
	struct ctl_sync *s = n->sync;
	struct dp_sync_event ev[64];
	uint64_t t;
	unsigned int got, total = 0;

	if (s == NULL)
		return;
	t = now_ns(s);
	if (!s->started) {
		s->started = true;
		sync_engine_start(s->e, t); /* never master with an empty table */
	}
	for (unsigned int i = 0; i <= n->n_workers; i++) {
		struct rte_ring *r = i == 0 ? n->ctl_lc->sync_events : n->workers[i - 1]->sync_events;

		if (r == NULL)
			continue;
		while (total < EVENTS_PER_PASS &&
		       (got = rte_ring_sc_dequeue_burst_elem(r, ev, sizeof(ev[0]), RTE_DIM(ev),
							     NULL)) > 0) {
			for (unsigned int k = 0; k < got; k++)
				sync_engine_queue(s->e, (enum sync_type)ev[k].kind, &ev[k].key, t);
			total += got;
		}
	}
	if (s->defer) {
		for (unsigned int i = 0; i <= n->n_workers; i++) {
			struct rte_ring *r = i == 0 ? n->ctl_lc->defer : n->workers[i - 1]->defer;

			if (r != NULL)
				defer_take(n, r, t);
		}
		sync_engine_flush(s->e, t); /* the states packets wait on: now */
		defer_expire(n, t);
	}
	sync_engine_poll(s->e, t);
}

const struct sync_stats *
ctl_sync_stats(const struct ctl_node *n, enum sync_bulk_state *bulk, uint64_t *bad)
{
	if (n->sync == NULL)
		return NULL;
	*bulk = sync_engine_bulk_state(n->sync->e);
	*bad = n->sync->frames_bad;
	return sync_engine_stats(n->sync->e);
}

static uint64_t
rd(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

int
ctl_sync_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	static const char *const bulk_names[] = { "done", "requested", "receiving" };
	struct ctl_sync *s = n->sync;
	const struct sync_stats *st;
	struct rte_tel_data *err;

	(void)params;
	rte_tel_data_start_dict(d);
	if (s == NULL) {
		rte_tel_data_add_dict_string(d, "sync", "none");
		return 0;
	}
	st = sync_engine_stats(s->e);
	rte_tel_data_add_dict_string(d, "bulk", bulk_names[sync_engine_bulk_state(s->e)]);
	rte_tel_data_add_dict_int(d, "demotion", (int)ctl_sync_demotion(n));
	rte_tel_data_add_dict_int(d, "link_up", s->link_up);
#define U64(f) rte_tel_data_add_dict_u64(d, #f, rd(&st->f))
	U64(msgs_out); U64(bytes_out); U64(msgs_in); U64(bytes_in);
	U64(ins_out); U64(upd_out); U64(del_out); U64(ins_in); U64(upd_in); U64(del_in);
	U64(replays); U64(lost); U64(late); U64(restarts); U64(stale); U64(no_room);
	U64(queue_full); U64(skipped); U64(nacks_out); U64(nacks_in); U64(resent);
	U64(resend_gone); U64(req_in); U64(bulks_out); U64(bulk_states_out); U64(bulks_in);
	U64(bulk_timeouts); U64(bulk_unanswered); U64(rulesets_differ); U64(peers_full);
	U64(send_failed); U64(digest_rounds); U64(digest_slices_differ);
	U64(digest_slices_repaired); U64(digest_pushed); U64(digest_incomplete);
#undef U64
	rte_tel_data_add_dict_u64(d, "frames_bad", rd(&s->frames_bad));
	rte_tel_data_add_dict_u64(d, "peer_unresolved", rd(&s->peer_unresolved));
	rte_tel_data_add_dict_u64(d, "iacks_out", rd(&st->iacks_out));
	rte_tel_data_add_dict_u64(d, "iacks_in", rd(&st->iacks_in));
	rte_tel_data_add_dict_int(d, "defer", s->defer);
	if (s->defer) {
		uint64_t deferred = 0, ring_full = 0;

		for (unsigned int i = 0; i <= n->n_workers; i++) {
			const struct dp_lcore *lc = i == 0 ? n->ctl_lc : n->workers[i - 1];

			if (lc->flt != NULL) {
				deferred += rd(&lc->flt->deferred);
				ring_full += rd(&lc->flt->defer_ring_full);
			}
		}
		rte_tel_data_add_dict_u64(d, "deferred", deferred);
		rte_tel_data_add_dict_u64(d, "defer_held", s->n_held);
		rte_tel_data_add_dict_u64(d, "defer_acked", s->defer_acked);
		rte_tel_data_add_dict_u64(d, "defer_timeouts", s->defer_timeouts);
		rte_tel_data_add_dict_u64(d, "defer_full", s->defer_full);
		rte_tel_data_add_dict_u64(d, "defer_link_down", s->defer_link_down);
		rte_tel_data_add_dict_u64(d, "defer_ring_full", ring_full);
	}
	/* The latency of a new state, made on the peer to present here: the percentiles
	 * of the INS ages, as the upper bound of their bucket. */
	{
		uint64_t h[SYNC_AGE_BUCKETS], total = 0, acc = 0;
		long p50 = -1, p99 = -1;

		for (unsigned int b = 0; b < SYNC_AGE_BUCKETS; b++)
			total += h[b] = rd(&st->ins_age_ms[b]);
		for (unsigned int b = 0; b < SYNC_AGE_BUCKETS && total; b++) {
			acc += h[b];
			if (p50 < 0 && acc * 2 >= total)
				p50 = b < SYNC_AGE_BUCKETS - 1 ? (long)sync_age_bucket_max(b) : -2;
			if (p99 < 0 && acc * 100 >= total * 99)
				p99 = b < SYNC_AGE_BUCKETS - 1 ? (long)sync_age_bucket_max(b) : -2;
		}
		rte_tel_data_add_dict_int(d, "ins_latency_p50_ms", (int)p50);
		rte_tel_data_add_dict_int(d, "ins_latency_p99_ms", (int)p99);
		rte_tel_data_add_dict_u64(d, "ins_latency_samples", total);
	}
	err = rte_tel_data_alloc();
	if (err != NULL) {
		rte_tel_data_start_dict(err);
		for (int e = 1; e < SYNC_ERR_COUNT; e++)
			rte_tel_data_add_dict_u64(err, sync_err_name((enum sync_err)e),
						  rd(&st->err[e]));
		if (rte_tel_data_add_dict_container(d, "errors", err, 0) != 0)
			rte_tel_data_free(err);
	}
	return 0;
}
