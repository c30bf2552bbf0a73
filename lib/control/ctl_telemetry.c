/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands (/carp/status, /carp/stats, /carp/lcores, /carp/ports), so that
 * dpdk-telemetry.py and scripts/carp-status.py can read the node. The callbacks run on
 * DPDK's telemetry thread, never on the control lcore: they read a snapshot the control
 * lcore refreshes with a try-lock (it never waits), and per-lcore counters with relaxed
 * atomic loads (each counter has one writer).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "ctl.h"
#include "ctl_sync.h"

#define SNAP_PERIOD_NS (100 * 1000 * 1000ull)

/*
 * The node the commands read, under tel_lock: the telemetry thread is DPDK's and outlives
 * the node, so every callback holds the lock while it reads, and ctl_telemetry_detach
 * (before shutdown frees anything) takes it and clears the pointer. The control lcore
 * never takes this lock; it only try-locks the snapshot.
 */
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ctl_node *tel_node;

/*
 * Replies larger than the telemetry socket's buffer (16 KiB in DPDK 22.11) lose entries
 * silently, and a dict holds at most RTE_TEL_MAX_DICT_ENTRIES. /carp/status and
 * /carp/stats are therefore paged: "/carp/status,N" starts at entry N, each page stops
 * before it would pass PAGE_BUDGET bytes (estimated from what each entry holds), and
 * "_next" gives the first entry of the next page; "_total" counts them all.
 * scripts/carp-status.py follows the pages.
 */
#define PAGE_BUDGET 12000
#define PAGE_ENTRIES_MAX (RTE_TEL_MAX_DICT_ENTRIES - 4)

void
ctl_telemetry_snapshot(struct ctl_node *n, uint64_t now, bool force)
{
	if (!force && !n->snap_dirty && now < n->next_snap)
		return;
	if (force)
		pthread_mutex_lock(&n->snap_lock);
	else if (pthread_mutex_trylock(&n->snap_lock) != 0)
		return; /* a reader holds it: try again on the next pass */
	for (uint16_t i = 0; i < n->n_vhids; i++) {
		const struct carp_fsm *f = &n->engine.fsm[i];
		struct ctl_vhid_snap *s = &n->snap[i];

		s->state = f->state;
		s->since_ns = f->since_ns;
		s->master_heard = f->master_heard;
		s->master_heard_ns = f->master_heard_ns;
		s->advskew_tx = carp_fsm_tx_advskew(f);
		s->demote = f->demote;
		s->st = n->vhid[i].st;
	}
	pthread_mutex_unlock(&n->snap_lock);
	n->snap_dirty = false;
	n->next_snap = now + SNAP_PERIOD_NS;
}

void
ctl_telemetry_name(char *out, size_t cap, const char *name, int vhid)
{
	if (vhid >= 0)
		snprintf(out, cap, "%s/%d", name, vhid);
	else
		snprintf(out, cap, "%s", name);
	for (char *c = out; *c; c++)
		if (*c == '-')
			*c = '_';
}

static void
vhid_key(const struct ctl_node *n, uint16_t i, char *key, size_t cap)
{
	ctl_telemetry_name(key, cap, n->iface[n->vhid[i].iface].cfg->name, n->vhid[i].cfg->vhid);
}

/* Every VIP as a string array: no list is ever cut. */
static struct rte_tel_data *
vip_array(const struct carp_config_vhid *cv)
{
	struct rte_tel_data *a = rte_tel_data_alloc();

	if (a == NULL)
		return NULL;
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (unsigned int i = 0; i < cv->n_vip4 + cv->n_vip6; i++) {
		char s[INET6_ADDRSTRLEN];
		uint32_t v4;

		if (i < cv->n_vip4) {
			v4 = htonl(cv->vip4[i]);
			inet_ntop(AF_INET, &v4, s, sizeof(s));
		} else {
			inet_ntop(AF_INET6, cv->vip6[i - cv->n_vip4].b, s, sizeof(s));
		}
		rte_tel_data_add_array_string(a, s);
	}
	return a;
}

/* Bytes of JSON a status entry may take: its fixed fields and every VIP. */
static size_t
status_size(const struct carp_config_vhid *cv)
{
	return 560 + (size_t)cv->n_vip4 * 18 + (size_t)cv->n_vip6 * 42;
}

long
ctl_tel_page_start(const char *params)
{
	char *end;
	long v;

	if (params == NULL || *params == '\0')
		return 0;
	v = strtol(params, &end, 10);
	return (*end != '\0' || v < 0) ? -1 : v;
}

void
ctl_tel_page_end(struct rte_tel_data *d, uint32_t next, uint32_t total)
{
	rte_tel_data_add_dict_u64(d, "_total", total);
	if (next < total)
		rte_tel_data_add_dict_u64(d, "_next", next);
}

static int
status_page(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	uint64_t now = ctl_now_ns();
	long start = ctl_tel_page_start(params);
	size_t used = 0;
	uint32_t i, shown = 0;

	if (start < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&n->snap_lock);
	for (i = (uint32_t)start; i < n->n_vhids && shown < PAGE_ENTRIES_MAX; i++) {
		const struct ctl_vhid_snap *s = &n->snap[i];
		const struct carp_config_vhid *cv = n->vhid[i].cfg;
		struct rte_tel_data *v, *vips;
		char key[64];

		if (shown && used + status_size(cv) > PAGE_BUDGET)
			break;
		v = rte_tel_data_alloc();
		vips = vip_array(cv);
		if (v == NULL || vips == NULL) {
			rte_tel_data_free(v);
			rte_tel_data_free(vips);
			break;
		}
		used += status_size(cv);
		shown++;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_int(v, "vhid", cv->vhid);
		rte_tel_data_add_dict_string(v, "interface", n->iface[n->vhid[i].iface].cfg->name);
		rte_tel_data_add_dict_string(v, "port", n->port[n->vhid[i].port].cfg->name);
		rte_tel_data_add_dict_int(v, "vlan", n->iface[n->vhid[i].iface].cfg->vlan);
		rte_tel_data_add_dict_string(v, "state", carp_state_name(s->state));
		rte_tel_data_add_dict_container(v, "vips", vips, 0);
		rte_tel_data_add_dict_int(v, "advbase", cv->advbase);
		rte_tel_data_add_dict_int(v, "advskew", cv->advskew);
		rte_tel_data_add_dict_int(v, "advskew_effective", s->advskew_tx);
		rte_tel_data_add_dict_int(v, "demotion", s->demote);
		rte_tel_data_add_dict_string(v, "profile", carp_profile_name(cv->profile));
		rte_tel_data_add_dict_int(v, "preempt", cv->preempt);
		rte_tel_data_add_dict_int(v, "replay_protection", cv->replay_protection);
		rte_tel_data_add_dict_u64(v, "time_in_state_ms", (now - s->since_ns) / 1000000);
		/* Milliseconds as u64 (an int ran out after 24.8 days); -1: never heard. */
		if (s->master_heard)
			rte_tel_data_add_dict_u64(v, "last_master_heard_ms",
						  (now - s->master_heard_ns) / 1000000);
		else
			rte_tel_data_add_dict_int(v, "last_master_heard_ms", -1);
		vhid_key(n, (uint16_t)i, key, sizeof(key));
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	pthread_mutex_unlock(&n->snap_lock);
	ctl_tel_page_end(d, i, n->n_vhids);
	return 0;
}

#define STATS_SIZE (64 + 30 * (7 + CARP_DROP_COUNT))

static void
add_drop_counters(struct rte_tel_data *v, const uint64_t *drop, bool atomic)
{
	for (int r = 1; r < CARP_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(v, carp_drop_name(r),
					  atomic ? __atomic_load_n(&drop[r], __ATOMIC_RELAXED) : drop[r]);
}

/*
 * Stats entries: the VHIDs (index 0 .. n_vhids - 1), then the interfaces (their drops
 * before a VHID was known, keyed by the port or VLAN name alone).
 */
static int
stats_page(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	uint32_t total = (uint32_t)n->n_vhids + n->n_ifaces, i, shown = 0;
	long start = ctl_tel_page_start(params);

	if (start < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&n->snap_lock);
	for (i = (uint32_t)start; i < total && shown < PAGE_ENTRIES_MAX; i++) {
		struct rte_tel_data *v;
		char key[64];

		if ((shown + 1) * STATS_SIZE > PAGE_BUDGET)
			break;
		v = rte_tel_data_alloc();
		if (v == NULL)
			break;
		shown++;
		rte_tel_data_start_dict(v);
		if (i < n->n_vhids) {
			const struct ctl_vhid_stats *st = &n->snap[i].st;

			rte_tel_data_add_dict_u64(v, "adverts_sent", st->adverts_sent);
			rte_tel_data_add_dict_u64(v, "adverts_received", st->adverts_received);
			rte_tel_data_add_dict_u64(v, "garps_sent", st->garps_sent);
			rte_tel_data_add_dict_u64(v, "nas_sent", st->nas_sent);
			rte_tel_data_add_dict_u64(v, "transitions", st->transitions);
			rte_tel_data_add_dict_u64(v, "send_errors", st->send_errors);
			rte_tel_data_add_dict_u64(v, "id_clashes", st->id_clashes);
			add_drop_counters(v, st->drop, false);
			vhid_key(n, (uint16_t)i, key, sizeof(key));
		} else {
			const struct ctl_iface *ci = &n->iface[i - n->n_vhids];

			add_drop_counters(v, ci->drop, true);
			ctl_telemetry_name(key, sizeof(key), ci->cfg->name, -1);
		}
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	pthread_mutex_unlock(&n->snap_lock);
	ctl_tel_page_end(d, i, total);
	return 0;
}

/* An lcore's counters as read now (one writer each: relaxed loads), added to @p sum. */
static void
read_counters(const struct dp_counters *c, struct dp_counters *sum)
{
	sum->rx += __atomic_load_n(&c->rx, __ATOMIC_RELAXED);
	sum->tx += __atomic_load_n(&c->tx, __ATOMIC_RELAXED);
	sum->punted += __atomic_load_n(&c->punted, __ATOMIC_RELAXED);
	sum->arp_replies += __atomic_load_n(&c->arp_replies, __ATOMIC_RELAXED);
	sum->echo_replies += __atomic_load_n(&c->echo_replies, __ATOMIC_RELAXED);
	sum->nd_replies += __atomic_load_n(&c->nd_replies, __ATOMIC_RELAXED);
	sum->nd_dad_defended += __atomic_load_n(&c->nd_dad_defended, __ATOMIC_RELAXED);
	sum->icmp_errors += __atomic_load_n(&c->icmp_errors, __ATOMIC_RELAXED);
	sum->icmp_rate_limited += __atomic_load_n(&c->icmp_rate_limited, __ATOMIC_RELAXED);
	sum->forwarded += __atomic_load_n(&c->forwarded, __ATOMIC_RELAXED);
	sum->to_resolve += __atomic_load_n(&c->to_resolve, __ATOMIC_RELAXED);
	sum->fragmented += __atomic_load_n(&c->fragmented, __ATOMIC_RELAXED);
	for (int r = 0; r < DP_DROP_COUNT; r++)
		sum->drop[r] += __atomic_load_n(&c->drop[r], __ATOMIC_RELAXED);
	for (int r = 0; r < FWD_DROP_COUNT; r++)
		sum->fwd_drop[r] += __atomic_load_n(&c->fwd_drop[r], __ATOMIC_RELAXED);
}

/* Counters @p c into @p d under @p key; false when out of memory (the page ends there). */
static bool
add_counters(struct rte_tel_data *d, const char *key, const struct dp_counters *c,
	     const struct ctl_pub_worker *pw, const struct ctl_pub *pub)
{
	struct rte_tel_data *v = rte_tel_data_alloc();

	if (v == NULL)
		return false;
	rte_tel_data_start_dict(v);
	rte_tel_data_add_dict_u64(v, "rx", c->rx);
	rte_tel_data_add_dict_u64(v, "tx", c->tx);
	rte_tel_data_add_dict_u64(v, "punted", c->punted);
	rte_tel_data_add_dict_u64(v, "arp_replies", c->arp_replies);
	rte_tel_data_add_dict_u64(v, "echo_replies", c->echo_replies);
	rte_tel_data_add_dict_u64(v, "nd_replies", c->nd_replies);
	rte_tel_data_add_dict_u64(v, "nd_dad_defended", c->nd_dad_defended);
	rte_tel_data_add_dict_u64(v, "icmp_errors", c->icmp_errors);
	rte_tel_data_add_dict_u64(v, "icmp_rate_limited", c->icmp_rate_limited);
	rte_tel_data_add_dict_u64(v, "forwarded", c->forwarded);
	rte_tel_data_add_dict_u64(v, "to_resolve", c->to_resolve);
	rte_tel_data_add_dict_u64(v, "fragmented", c->fragmented);
	for (int r = 0; r < DP_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(v, dp_drop_name(r), c->drop[r]);
	for (int r = 1; r < FWD_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(v, fwd_drop_name(r), c->fwd_drop[r]);
	/* Updates from the control lcore: how many waited for room, how often the whole view
	 * was sent again (a worker), how many neighbour updates were folded (the control). */
	if (pw) {
		rte_tel_data_add_dict_u64(v, "updates_delayed",
					  __atomic_load_n(&pw->delayed, __ATOMIC_RELAXED));
		rte_tel_data_add_dict_u64(v, "resyncs",
					  __atomic_load_n(&pw->resyncs, __ATOMIC_RELAXED));
	}
	if (pub)
		rte_tel_data_add_dict_u64(v, "updates_coalesced",
					  __atomic_load_n(&pub->coalesced, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_container(d, key, v, 0);
	return true;
}

/* Bytes of JSON one lcore's counters may take. */
#define LCORE_SIZE (64 + 36 * (12 + DP_DROP_COUNT + FWD_DROP_COUNT))

/*
 * Lcore entries: the control lcore (index 0), worker 0 .. n_workers - 1, then "total",
 * every lcore's counters summed (read one lcore after the other: a sum of moments a few
 * microseconds apart, as any sum of live counters).
 */
static int
lcores_page(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	uint32_t total = n->n_workers + 2, i, shown = 0;
	long start = ctl_tel_page_start(params);
	char key[32];

	if (start < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	for (i = (uint32_t)start; i < total && (shown + 1) * LCORE_SIZE <= PAGE_BUDGET;
	     i++, shown++) {
		struct dp_counters c = { 0 };
		bool ok;

		if (i == 0) {
			read_counters(&n->ctl_lc->cnt, &c);
			ok = add_counters(d, "control", &c, NULL, &n->pub);
		} else if (i <= n->n_workers) {
			snprintf(key, sizeof(key), "worker%u", i - 1);
			read_counters(&n->workers[i - 1]->cnt, &c);
			ok = add_counters(d, key, &c, &n->pub.w[i - 1], NULL);
		} else {
			read_counters(&n->ctl_lc->cnt, &c);
			for (unsigned int w = 0; w < n->n_workers; w++)
				read_counters(&n->workers[w]->cnt, &c);
			ok = add_counters(d, "total", &c, NULL, NULL);
		}
		if (!ok)
			break; /* _next points at the lcore not shown */
	}
	ctl_tel_page_end(d, i, total);
	return 0;
}

static int
ports_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	(void)params;
	rte_tel_data_start_dict(d);
	for (uint16_t p = 0; p < n->n_ports; p++) {
		const struct ctl_port *cp = &n->port[p];
		struct rte_tel_data *v = rte_tel_data_alloc();
		char key[64];

		if (v == NULL)
			break;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_int(v, "port_id", cp->port_id);
		rte_tel_data_add_dict_string(v, "driver", cp->caps.driver);
		rte_tel_data_add_dict_string(v, "link",
			__atomic_load_n(&cp->link_up, __ATOMIC_RELAXED) ? "up" : "down");
		rte_tel_data_add_dict_string(v, "link_method",
					     cp->caps.link_from_kernel ? "kernel" : "ethdev");
		rte_tel_data_add_dict_string(v, "steering",
					     cp->caps.flow_steering ? "rte_flow" : "software");
		rte_tel_data_add_dict_string(v, "vmac_filter",
					     cp->caps.mac_filter ? "mac_addr_add" : "promiscuous");
		rte_tel_data_add_dict_int(v, "promiscuous", cp->caps.promiscuous);
		rte_tel_data_add_dict_int(v, "mtu", cp->cfg->mtu);
		rte_tel_data_add_dict_string(v, "mtu_set", cp->caps.mtu_set_error[0]
					     ? cp->caps.mtu_set_error : "ok");
		rte_tel_data_add_dict_string(v, "idle",
					     n->ctl_lc->adaptive_idle ? "adaptive" : "poll");
		rte_tel_data_add_dict_string(v, "spread", cp->caps.spread);
		/* Who reads, writes and filters the tags of the port's VLANs. */
		rte_tel_data_add_dict_int(v, "vlans", (int)cp->cfg->n_vlans);
		rte_tel_data_add_dict_string(v, "untagged",
					     n->sh->port[p].untagged == DP_NO_IFACE ? "unused" : "used");
		rte_tel_data_add_dict_string(v, "vlan_strip",
					     cp->caps.vlan_strip ? "device" : "software");
		rte_tel_data_add_dict_string(v, "vlan_insert",
					     cp->caps.vlan_insert ? "device" : "software");
		rte_tel_data_add_dict_string(v, "vlan_filter",
					     cp->caps.vlan_filter ? "device" : "software");
		rte_tel_data_add_dict_int(v, "workers", (int)n->n_workers);
		rte_tel_data_add_dict_int(v, "demotion", (int)n->demotion);
		ctl_telemetry_name(key, sizeof(key), cp->cfg->name, -1);
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	return 0;
}

static int
forwarding_show(struct ctl_node *n, const char *params, struct rte_tel_data *d)
{
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "routes", n->sh->n_nexthops);
	rte_tel_data_add_dict_u64(d, "neighbors", __atomic_load_n(&n->neigh.n, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "arp_requests",
				  __atomic_load_n(&n->fwd_st.arp_requests, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "released",
				  __atomic_load_n(&n->fwd_st.released, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "unresolved_drops",
				  __atomic_load_n(&n->fwd_st.unresolved_drops, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "arp_request_nombuf",
				  __atomic_load_n(&n->fwd_st.arp_request_nombuf, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "held", __atomic_load_n(&n->neigh.held, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "mld_reports",
				  __atomic_load_n(&n->fwd_st.mld_reports, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "mld_queries",
				  __atomic_load_n(&n->fwd_st.mld_queries, __ATOMIC_RELAXED));
	/* What became of every ARP the workers handed over, and why packets were not held. */
	for (int r = 0; r < FWD_ARP_COUNT; r++)
		rte_tel_data_add_dict_u64(d, fwd_arp_name(r),
					  __atomic_load_n(&n->neigh.st.arp[r], __ATOMIC_RELAXED));
	/* The same for neighbour advertisements: nd_resolved, nd_not_on_link, ... */
	for (int r = 0; r < FWD_ARP_COUNT; r++) {
		char key[40];

		snprintf(key, sizeof(key), "nd_%s", fwd_arp_name(r) + strlen("arp_"));
		rte_tel_data_add_dict_u64(d, key,
					  __atomic_load_n(&n->neigh.st.nd[r], __ATOMIC_RELAXED));
	}
	rte_tel_data_add_dict_u64(d, "nd_solicits",
				  __atomic_load_n(&n->fwd_st.nd_solicits, __ATOMIC_RELAXED));
	for (int r = 0; r < FWD_HOLD_COUNT; r++)
		rte_tel_data_add_dict_u64(d, fwd_hold_name(r),
					  __atomic_load_n(&n->neigh.st.hold[r], __ATOMIC_RELAXED));
	return 0;
}

typedef int (*tel_show_fn)(struct ctl_node *n, const char *params, struct rte_tel_data *d);

static const struct {
	const char *cmd;
	tel_show_fn fn;
	const char *help;
} commands[] = {
	/* Help texts stay under RTE_TEL_MAX_STRING_LEN: DPDK refuses longer ones. */
	{ "/carp/status", status_page,
	  "Per VHID: state, VIPs, advbase, advskew, demotion, times. Paged: ,N from entry N" },
	{ "/carp/stats", stats_page,
	  "Per VHID: adverts, transitions, drops; per port or VLAN: early drops. Paged: ,N" },
	{ "/carp/lcores", lcores_page,
	  "Per lcore: rx, tx, punted, replies, every drop reason, updates. Paged: ,N" },
	{ "/carp/forwarding", forwarding_show,
	  "Routes, neighbours, ARP requests, held packets, what became of every ARP" },
	{ "/carp/ports", ports_show,
	  "Per port: link and how it is read, steering, vMAC filter, VLAN offloads, MTU, idle" },
	{ "/carp/filter", ctl_filter_show,
	  "Per filter rule: line, action, packets, bytes, states; the default. Paged: ,N" },
	{ "/carp/states", ctl_states_show,
	  "State table: use, limit, by protocol and TCP state, rates, drops by reason" },
	{ "/carp/filter_log", ctl_filter_log_show,
	  "The newest packets decided by rules with log: true (rate-limited), newest first" },
	{ "/carp/states_of", ctl_states_of_show,
	  "The states of one address (,ADDR): ends, state, expiry, packets. Paged: ,ADDR,N" },
	{ "/carp/sync", ctl_sync_show,
	  "State sync: bulk update, demotion, messages and states each way, loss, errors" },
};

static void
error_reply(struct rte_tel_data *d, const char *why)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", why);
}

int
ctl_telemetry_call(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc = -ENOENT;

	for (size_t i = 0; i < RTE_DIM(commands); i++) {
		if (strcmp(cmd, commands[i].cmd) != 0)
			continue;
		pthread_mutex_lock(&tel_lock);
		if (tel_node == NULL) {
			error_reply(d, "the node is stopping");
			rc = 0;
		} else {
			rc = commands[i].fn(tel_node, params, d);
			if (rc == -EINVAL) {
				error_reply(d, "the parameter must be an entry number (see _next)");
				rc = 0;
			}
		}
		pthread_mutex_unlock(&tel_lock);
		break;
	}
	return rc;
}

void
ctl_telemetry_attach(struct ctl_node *n)
{
	pthread_mutex_lock(&tel_lock);
	tel_node = n;
	pthread_mutex_unlock(&tel_lock);
}

void
ctl_telemetry_detach(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_node = NULL; /* from here on no callback reads the node */
	pthread_mutex_unlock(&tel_lock);
}

int
ctl_telemetry_register(struct ctl_node *n)
{
	int rc = 0;

	ctl_telemetry_attach(n);
	for (size_t i = 0; i < RTE_DIM(commands); i++)
		rc |= rte_telemetry_register_cmd(commands[i].cmd, ctl_telemetry_call,
						 commands[i].help);
	return rc ? -1 : 0;
}
