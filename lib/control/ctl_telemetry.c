/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands (/carp/status, /carp/stats, /carp/lcores, /carp/ports), so that
 * dpdk-telemetry.py and scripts/carp-status.py can read the node. The callbacks run on
 * DPDK's telemetry thread, never on the control lcore: they read a snapshot the control
 * lcore refreshes with a try-lock (it never waits), and per-lcore counters with relaxed
 * atomic loads (each counter has one writer).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "ctl.h"

#define SNAP_PERIOD_NS (100 * 1000 * 1000ull)

static struct ctl_node *tel_node;

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

/*
 * Telemetry names may hold only letters, digits, '_' and '/': a VHID is "<port>/<vhid>"
 * (e.g. "lan/1"), and a '-' of a port name becomes '_'.
 */
static void
tel_name(char *out, size_t cap, const char *port, int vhid)
{
	if (vhid >= 0)
		snprintf(out, cap, "%s/%d", port, vhid);
	else
		snprintf(out, cap, "%s", port);
	for (char *c = out; *c; c++)
		if (*c == '-')
			*c = '_';
}

static void
vhid_key(const struct ctl_node *n, uint16_t i, char *key, size_t cap)
{
	tel_name(key, cap, n->port[n->vhid[i].port].cfg->name, n->vhid[i].cfg->vhid);
}

static void
vip_list(const struct carp_config_vhid *cv, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < cv->n_vip4 + cv->n_vip6 && len < cap; i++) {
		char a[INET6_ADDRSTRLEN];
		uint32_t v4;

		if (i < cv->n_vip4) {
			v4 = htonl(cv->vip4[i]);
			inet_ntop(AF_INET, &v4, a, sizeof(a));
		} else {
			inet_ntop(AF_INET6, cv->vip6[i - cv->n_vip4].b, a, sizeof(a));
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", a);
	}
}

static int
cmd_status(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ctl_node *n = tel_node;
	uint64_t now = ctl_now_ns();

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&n->snap_lock);
	for (uint16_t i = 0; i < n->n_vhids && i < RTE_TEL_MAX_DICT_ENTRIES; i++) {
		const struct ctl_vhid_snap *s = &n->snap[i];
		const struct carp_config_vhid *cv = n->vhid[i].cfg;
		struct rte_tel_data *v = rte_tel_data_alloc();
		char key[64], vips[RTE_TEL_MAX_STRING_LEN];

		if (v == NULL)
			break;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_int(v, "vhid", cv->vhid);
		rte_tel_data_add_dict_string(v, "port", n->port[n->vhid[i].port].cfg->name);
		rte_tel_data_add_dict_string(v, "state", carp_state_name(s->state));
		vip_list(cv, vips, sizeof(vips));
		rte_tel_data_add_dict_string(v, "vips", vips);
		rte_tel_data_add_dict_int(v, "advbase", cv->advbase);
		rte_tel_data_add_dict_int(v, "advskew", cv->advskew);
		rte_tel_data_add_dict_int(v, "advskew_effective", s->advskew_tx);
		rte_tel_data_add_dict_int(v, "demotion", s->demote);
		rte_tel_data_add_dict_string(v, "profile", carp_profile_name(cv->profile));
		rte_tel_data_add_dict_int(v, "preempt", cv->preempt);
		rte_tel_data_add_dict_u64(v, "time_in_state_ms", (now - s->since_ns) / 1000000);
		rte_tel_data_add_dict_int(v, "last_master_heard_ms",
			s->master_heard ? (int)((now - s->master_heard_ns) / 1000000) : -1);
		vhid_key(n, i, key, sizeof(key));
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	pthread_mutex_unlock(&n->snap_lock);
	return 0;
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ctl_node *n = tel_node;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&n->snap_lock);
	for (uint16_t i = 0; i < n->n_vhids && i < RTE_TEL_MAX_DICT_ENTRIES - DP_MAX_PORTS; i++) {
		const struct ctl_vhid_stats *st = &n->snap[i].st;
		struct rte_tel_data *v = rte_tel_data_alloc();
		char key[64];

		if (v == NULL)
			break;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_u64(v, "adverts_sent", st->adverts_sent);
		rte_tel_data_add_dict_u64(v, "adverts_received", st->adverts_received);
		rte_tel_data_add_dict_u64(v, "garps_sent", st->garps_sent);
		rte_tel_data_add_dict_u64(v, "transitions", st->transitions);
		rte_tel_data_add_dict_u64(v, "send_errors", st->send_errors);
		for (int r = 1; r < CARP_DROP_COUNT; r++)
			rte_tel_data_add_dict_u64(v, carp_drop_name(r), st->drop[r]);
		vhid_key(n, i, key, sizeof(key));
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	pthread_mutex_unlock(&n->snap_lock);
	/* Adverts dropped before a local VHID was known, keyed by the port name alone. */
	for (uint16_t p = 0; p < n->n_ports; p++) {
		struct rte_tel_data *v = rte_tel_data_alloc();
		char key[64];

		if (v == NULL)
			break;
		rte_tel_data_start_dict(v);
		for (int r = 1; r < CARP_DROP_COUNT; r++)
			rte_tel_data_add_dict_u64(v, carp_drop_name(r),
				__atomic_load_n(&n->port[p].drop[r], __ATOMIC_RELAXED));
		tel_name(key, sizeof(key), n->port[p].cfg->name, -1);
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	return 0;
}

static void
add_lcore(struct rte_tel_data *d, const char *key, const struct dp_lcore *lc,
	  const struct ctl_pub_worker *pw, const struct ctl_pub *pub)
{
	struct rte_tel_data *v = rte_tel_data_alloc();

	if (v == NULL)
		return;
	rte_tel_data_start_dict(v);
	rte_tel_data_add_dict_u64(v, "rx", __atomic_load_n(&lc->cnt.rx, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(v, "tx", __atomic_load_n(&lc->cnt.tx, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(v, "punted", __atomic_load_n(&lc->cnt.punted, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(v, "arp_replies",
				  __atomic_load_n(&lc->cnt.arp_replies, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(v, "echo_replies",
				  __atomic_load_n(&lc->cnt.echo_replies, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(v, "forwarded",
				  __atomic_load_n(&lc->cnt.forwarded, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(v, "to_resolve",
				  __atomic_load_n(&lc->cnt.to_resolve, __ATOMIC_RELAXED));
	for (int r = 0; r < DP_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(v, dp_drop_name(r),
					  __atomic_load_n(&lc->cnt.drop[r], __ATOMIC_RELAXED));
	for (int r = 1; r < FWD_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(v, fwd_drop_name(r),
					  __atomic_load_n(&lc->cnt.fwd_drop[r], __ATOMIC_RELAXED));
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
}

static int
cmd_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ctl_node *n = tel_node;
	char key[32];

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	add_lcore(d, "control", n->ctl_lc, NULL, &n->pub);
	for (unsigned int w = 0; w < n->n_workers; w++) {
		snprintf(key, sizeof(key), "worker%u", w);
		add_lcore(d, key, n->workers[w], &n->pub.w[w], NULL);
	}
	return 0;
}

static int
cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ctl_node *n = tel_node;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (uint16_t p = 0; p < n->n_ports; p++) {
		const struct ctl_port *cp = &n->port[p];
		struct rte_tel_data *v = rte_tel_data_alloc();

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
		rte_tel_data_add_dict_string(v, "idle",
					     n->ctl_lc->adaptive_idle ? "adaptive" : "poll");
		rte_tel_data_add_dict_int(v, "demotion", (int)n->demotion);
		char key[64];

		tel_name(key, sizeof(key), cp->cfg->name, -1);
		rte_tel_data_add_dict_container(d, key, v, 0);
	}
	return 0;
}

static int
cmd_forwarding(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ctl_node *n = tel_node;

	(void)cmd;
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
	/* What became of every ARP the workers handed over, and why packets were not held. */
	for (int r = 0; r < FWD_ARP_COUNT; r++)
		rte_tel_data_add_dict_u64(d, fwd_arp_name(r),
					  __atomic_load_n(&n->neigh.st.arp[r], __ATOMIC_RELAXED));
	for (int r = 0; r < FWD_HOLD_COUNT; r++)
		rte_tel_data_add_dict_u64(d, fwd_hold_name(r),
					  __atomic_load_n(&n->neigh.st.hold[r], __ATOMIC_RELAXED));
	return 0;
}

int
ctl_telemetry_register(struct ctl_node *n)
{
	int rc = 0;

	tel_node = n;
	rc |= rte_telemetry_register_cmd("/carp/status", cmd_status,
		"Per VHID: state, VIPs, advbase, advskew (configured and advertised), demotion, "
		"time in state, last master heard");
	rc |= rte_telemetry_register_cmd("/carp/stats", cmd_stats,
		"Per VHID: adverts sent/received, transitions, every drop reason; per port: "
		"drops before a VHID was known");
	rc |= rte_telemetry_register_cmd("/carp/lcores", cmd_lcores,
		"Per lcore: rx, tx, punted, replies, every data-plane drop reason");
	rc |= rte_telemetry_register_cmd("/carp/forwarding", cmd_forwarding,
		"Routes, neighbours, ARP requests sent, held packets released or dropped");
	rc |= rte_telemetry_register_cmd("/carp/ports", cmd_ports,
		"Per port: link and how it is read, CARP steering, vMAC filter, idle method");
	return rc ? -1 : 0;
}
