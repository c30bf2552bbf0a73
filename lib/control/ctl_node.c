/* SPDX-License-Identifier: BSD-3-Clause */
/* Building the control state from the validated config. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_malloc.h>

#include "carp_frame.h"
#include "carp_nd.h"
#include "ctl.h"
#include "ctl_sync.h"
#include "ctl_counter_file.h"

RTE_LOG_REGISTER(carp_logtype, carp, INFO);

uint64_t
ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
random_u64(void)
{
	uint64_t v = 0;

	/* The counter start only needs to differ between nodes; fall back to the clock. */
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = ctl_now_ns() * 0x9e3779b97f4a7c15ull;
	return v;
}

static bool
any_replay_protection(const struct carp_config *cfg)
{
	for (unsigned int i = 0; i < cfg->n_vhids; i++)
		if (cfg->vhids[i].replay_protection)
			return true;
	return false;
}

/* Write the reservation @p value; on failure say so (the counters go on regardless). */
static void
store_reserve(const char *path, uint64_t value)
{
	int rc = ctl_counter_file_store(path, value);

	if (rc)
		CARP_LOG(WARNING, "replay counter file %s not written (%s): a restart after the "
			 "wall clock went back would reuse counters", path, strerror(-rc));
}

/*
 * Where replay-protection counters start: above the wall clock (ms) and above what the
 * counter file reserved last time, so they grow across restarts even when the clock went
 * back. Then the file reserves the next stretch. Neither failure stops the node: without
 * the file the clock alone orders restarts (logged).
 */
static void
replay_start(struct ctl_node *n)
{
	const char *path = n->cfg->global.replay_counter_file;
	struct timespec ts;
	uint64_t saved = 0;
	int rc;

	if (!any_replay_protection(n->cfg))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	rc = ctl_counter_file_load(path, &saved);
	if (rc)
		CARP_LOG(WARNING, "replay counter file %s unreadable (%s): starting from the clock",
			 path, strerror(-rc));
	n->replay_seq_start = carp_replay_seq_start(
		(uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000, saved);
	n->replay_reserved = n->replay_seq_start + CTL_COUNTER_RESERVE;
	store_reserve(path, n->replay_reserved); /* at start: nothing is on time yet */
}

static void *
reserve_thread(void *arg)
{
	struct ctl_node *n = arg;
	uint64_t value = n->replay_next_reserve;

	store_reserve(n->cfg->global.replay_counter_file, value);
	__atomic_store_n(&n->replay_reserved, value, __ATOMIC_RELEASE);
	__atomic_store_n(&n->replay_writing, false, __ATOMIC_RELEASE);
	return NULL;
}

void
ctl_replay_reserve_ahead(struct ctl_node *n, uint64_t seq)
{
	/*
	 * Half-way through the reservation the next one is written, off the control lcore:
	 * fsync can take longer than a sub-second master-down interval on a busy disk. Half
	 * a reservation (2 M adverts, hours) is far more than the write ever takes.
	 */
	if (__atomic_load_n(&n->replay_writing, __ATOMIC_ACQUIRE) ||
	    seq + CTL_COUNTER_RESERVE / 2 < __atomic_load_n(&n->replay_reserved, __ATOMIC_ACQUIRE))
		return;
	if (n->replay_thread_started)
		pthread_join(n->replay_thread, NULL); /* the last one has finished */
	n->replay_next_reserve = seq + CTL_COUNTER_RESERVE;
	n->replay_writing = true;
	n->replay_thread_started = pthread_create(&n->replay_thread, NULL, reserve_thread, n) == 0;
	if (!n->replay_thread_started)
		reserve_thread(n); /* no thread: write here, once */
}

static const struct carp_vhid_auth *
lookup_vhid(void *arg, uint8_t vhid, int family)
{
	const struct ctl_node *n = ((void **)arg)[0];
	uint16_t i = (uint16_t)(uintptr_t)((void **)arg)[1];
	uint16_t idx = n->sh->iface[i].vhid_idx[vhid];
	const struct ctl_vhid *v;

	if (idx == DP_NO_VHID)
		return NULL;
	v = &n->vhid[idx];
	if ((family == 4 && v->cfg->n_vip4 == 0) || (family == 6 && v->cfg->n_vip6 == 0))
		return NULL;
	return &v->auth;
}

static void
first_addrs(const struct carp_config_iface *cp, uint32_t *v4, struct carp_in6 *v6)
{
	bool have4 = false, have6 = false;

	for (unsigned int i = 0; i < cp->n_addrs; i++) {
		if (cp->addrs[i].family == 4 && !have4) {
			*v4 = cp->addrs[i].v4;
			have4 = true;
		} else if (cp->addrs[i].family == 6 && !have6) {
			*v6 = cp->addrs[i].v6;
			have6 = true;
		}
	}
}

static int
init_vhid(struct ctl_node *n, uint16_t idx, struct carp_fsm_config *fc)
{
	const struct carp_config_vhid *cv = &n->cfg->vhids[idx];
	struct ctl_vhid *v = &n->vhid[idx];
	struct carp_hmac_input in = {
		.vhid = cv->vhid, .v4 = cv->vip4, .n4 = cv->n_vip4, .v6 = cv->vip6, .n6 = cv->n_vip6,
		.tx_with_v6_ll = cv->profile == CARP_PROFILE_FREEBSD,
	};
	int rc;

	v->cfg = cv;
	v->iface = (uint16_t)cv->iface;
	v->port = (uint16_t)n->cfg->ifaces[cv->iface].port;
	carp_vmac(cv->vhid, v->vmac.addr_bytes);
	first_addrs(&n->cfg->ifaces[cv->iface], &v->src4, &v->src6);
	/* IPv6 adverts come from the interface's link-local address, as the BSDs' in
	 * practice (and ND's rules for link-scoped traffic) have it. */
	if (n->sh->iface[cv->iface].n_addr6)
		v->src6 = n->sh->iface[cv->iface].addr6[0];
	rc = carp_hmac_prepare(&v->hmac, &cv->key, &in);
	if (rc)
		return rc;
	v->auth.hmac = &v->hmac;
	v->auth.counter = &v->counter;
	v->auth.own_src4 = v->src4;
	v->auth.own_src6 = n->sh->iface[cv->iface].n_addr6 ? &v->src6 : NULL;
	if (cv->replay_protection) {
		/* The id is ours alone in the group (config_validate.c sees to it). */
		uint16_t id = n->cfg->global.node_id ? n->cfg->global.node_id
						     : (uint16_t)(v->src4 & 0xffff);

		carp_counter_init_node(&v->counter, id, n->replay_seq_start);
		CARP_LOG(INFO, "vhid %u@%s: replay protection, node id %u", cv->vhid,
			 n->cfg->ifaces[cv->iface].name, id);
		carp_replay_init(&v->replay);
		v->auth.replay = &v->replay;
	} else {
		carp_counter_init(&v->counter, random_u64());
	}

	*fc = (struct carp_fsm_config){
		.vhid = cv->vhid, .advbase = cv->advbase, .advskew = cv->advskew,
		.preempt = cv->preempt, .profile = cv->profile,
		.has_v4 = cv->n_vip4 > 0, .has_v6 = cv->n_vip6 > 0, .src4 = v->src4,
	};
	n->sh->vmac[idx] = v->vmac;
	/* The VIPs an ICMP error may come from (icmp_source: vip). */
	n->sh->first_vip4[idx] = cv->n_vip4 ? cv->vip4[0] : 0;
	for (unsigned int i = 0; i < cv->n_vip6; i++)
		if (!carp_in6_is_link_local(&cv->vip6[i])) {
			n->sh->first_vip6[idx] = cv->vip6[i];
			break;
		}
	n->sh->iface[v->iface].vhid_idx[cv->vhid] = idx;
	for (unsigned int i = 0; i < cv->n_vip4 && rc == 0; i++) {
		rc = carp_vip_table_add(&n->sh->vips, v->iface, cv->vip4[i], idx);
		if (rc == 0)
			rc = dp_shared_add_local(n->sh, cv->vip4[i], idx);
	}
	for (unsigned int i = 0; i < cv->n_vip6 && rc == 0; i++) {
		rc = carp_addr6_table_add(&n->sh->vips6, v->iface, &cv->vip6[i], idx);
		if (rc == 0 && !carp_in6_is_link_local(&cv->vip6[i]))
			rc = dp_shared_add_local6(n->sh, &cv->vip6[i], idx);
	}
	if (rc)
		return rc;
	return 0;
}

int
ctl_node_init(struct ctl_node *n, const struct carp_config *cfg, struct dp_shared *sh,
	      struct rte_mempool *mp)
{
	struct carp_fsm_config *fc;
	unsigned int n_vips = 0, n_vips6 = 0, n_addrs = 0;
	int rc;

	n->cfg = cfg;
	n->sh = sh;
	n->mp = mp;
	replay_start(n);
	n->n_vhids = (uint16_t)cfg->n_vhids;
	sh->n_vhids = n->n_vhids;
	for (unsigned int i = 0; i < cfg->n_vhids; i++) {
		n_vips += cfg->vhids[i].n_vip4;
		n_vips6 += cfg->vhids[i].n_vip6;
	}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		n_addrs += cfg->ifaces[i].n_addrs;
	rc = carp_vip_table_init(&sh->vips, n_vips);
	if (rc == 0)
		rc = carp_vip_table_init(&sh->local, n_vips + n_addrs);
	if (rc == 0)
		rc = carp_addr6_table_init(&sh->vips6, n_vips6);
	if (rc == 0)
		rc = carp_addr6_table_init(&sh->local6, n_vips6 + n_addrs);
	for (unsigned int i = 0; i < cfg->n_ifaces && rc == 0; i++)
		for (unsigned int a = 0; a < cfg->ifaces[i].n_addrs && rc == 0; a++)
			if (cfg->ifaces[i].addrs[a].family == 4)
				rc = dp_shared_add_local(sh, cfg->ifaces[i].addrs[a].v4,
							 (uint16_t)(DP_LOCAL_PORT_ADDR | i));
			else if (!carp_in6_is_link_local(&cfg->ifaces[i].addrs[a].v6))
				rc = dp_shared_add_local6(sh, &cfg->ifaces[i].addrs[a].v6,
							  (uint16_t)(DP_LOCAL_PORT_ADDR | i));
	n->vhid = calloc(n->n_vhids, sizeof(*n->vhid));
	n->snap = calloc(n->n_vhids, sizeof(*n->snap));
	n->handover = calloc(n->n_vhids, 1);
	fc = calloc(n->n_vhids, sizeof(*fc));
	if (rc || !n->vhid || !n->snap || !n->handover || !fc) {
		free(fc);
		return -ENOMEM;
	}
	for (uint16_t i = 0; i < n->n_vhids && rc == 0; i++)
		rc = init_vhid(n, i, &fc[i]);
	if (rc == 0)
		rc = carp_engine_init(&n->engine, fc, n->n_vhids, ctl_engine_output, n);
	free(fc);
	pthread_mutex_init(&n->snap_lock, NULL);
	return rc;
}

void
ctl_node_free(struct ctl_node *n)
{
	if (n->replay_thread_started) /* a reservation being written is finished first */
		pthread_join(n->replay_thread, NULL);
	n->replay_thread_started = false;
	for (uint16_t i = 0; n->vhid && i < n->n_vhids; i++)
		carp_hmac_release(&n->vhid[i].hmac);
	carp_engine_free(&n->engine);
	carp_vip_table_free(&n->sh->vips);
	carp_vip_table_free(&n->sh->local);
	carp_addr6_table_free(&n->sh->vips6);
	carp_addr6_table_free(&n->sh->local6);
	free(n->vhid);
	free(n->snap);
	free(n->handover);
	n->handover = NULL;
	n->vhid = NULL;
	n->snap = NULL;
	pthread_mutex_destroy(&n->snap_lock);
}

/*
 * Two nodes given one node id by mistake still tell each other apart (each knows the
 * sequence it sent), but the operator must hear of it: say so every 10 s at most.
 */
static void
check_id_clash(struct ctl_node *n, uint16_t idx, uint64_t counter)
{
	struct ctl_vhid *v = &n->vhid[idx];
	uint64_t now;

	if (!carp_counter_id_clash(&v->counter, counter))
		return;
	v->st.id_clashes++;
	now = ctl_now_ns();
	if (v->clash_logged_ns && now - v->clash_logged_ns < 10000000000ull)
		return;
	v->clash_logged_ns = now;
	CARP_LOG(WARNING, "vhid %u@%s: another node advertises with our node id %u: give each "
		 "node its own global node_id", v->cfg->vhid, n->iface[v->iface].cfg->name,
		 v->counter.node_id);
}

void
ctl_carp_input(struct ctl_node *n, uint16_t p, struct rte_mbuf *m)
{
	void *lookup_arg[2] = { n, (void *)(uintptr_t)p }; /* p: the interface */
	struct carp_rx_frame rx;
	struct carp_hdr h;
	enum carp_drop d;
	uint16_t idx = DP_NO_VHID;

	/* The state sync shares the adverts' path (dp_ipv4.c). */
	if (ctl_sync_frame(n, m)) {
		ctl_sync_input(n, p, m);
		return;
	}

	d = carp_frame_parse(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m), &rx);
	if (d == CARP_DROP_NONE)
		d = carp_advert_verify(&rx, lookup_vhid, lookup_arg, &h);
	if (d == CARP_DROP_NONE || rx.carp_len >= CARP_HDR_LEN)
		idx = n->sh->iface[p].vhid_idx[h.vhid];
	if (d == CARP_DROP_NONE && n->engine.fsm[idx].state == CARP_STATE_INIT) {
		d = CARP_DROP_INACTIVE;
		if (n->draining && n->handover[idx] &&
		    !(h.advbase == CARP_BOWOUT && h.advskew == CARP_BOWOUT)) {
			/* A peer advertises as master: our part is done. */
			n->handover[idx] = 0;
			n->n_handover--;
			CARP_LOG(NOTICE, "vhid %u@%s: taken over by the peer, stopping",
				 n->vhid[idx].cfg->vhid, n->iface[p].cfg->name);
		}
	}
	if (d != CARP_DROP_NONE) {
		if (idx != DP_NO_VHID)
			n->vhid[idx].st.drop[d]++;
		else
			n->iface[p].drop[d]++;
		if (d == CARP_DROP_BADAUTH || d == CARP_DROP_BADTTL || d == CARP_DROP_LOOP)
			CARP_LOG(DEBUG, "advert dropped on %s: %s", n->iface[p].cfg->name,
				 carp_drop_name(d));
	} else {
		struct carp_fsm_advert ad = {
			.family = rx.family, .advbase = h.advbase, .advskew = h.advskew,
			.demote = h.demote, .src4 = rx.src4,
		};

		n->vhid[idx].st.adverts_received++;
		if (n->vhid[idx].cfg->replay_protection)
			check_id_clash(n, idx, h.counter);
		carp_engine_advert(&n->engine, idx, &ad, ctl_now_ns());
		n->snap_dirty = true;
	}
	rte_pktmbuf_free(m);
}
