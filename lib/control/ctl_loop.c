/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control loop: links, the control rx queue of every port, CARP frames punted by the
 * workers, timers, transmission, the filter's expiry (a bounded slice a pass), telemetry.
 * In adaptive idle mode it sleeps until the next timer (at most 1 ms) when a pass found
 * nothing to do; timers stay millisecond-accurate.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "ctl.h"
#include "ctl_sync.h"
#include "dp_filter.h"

#define LINK_POLL_NS (50 * 1000 * 1000ull)
#define MAX_NAP_NS (1000 * 1000ull)

void
ctl_link_poll(struct ctl_node *n, uint64_t now)
{

	for (uint16_t p = 0; p < n->n_ports; p++) {
		struct ctl_port *cp = &n->port[p];
		bool up = dp_port_link_up(cp->port_id, &cp->caps);

		if (up != cp->link_up) {
			CARP_LOG(WARNING, "port %s: link %s", cp->cfg->name, up ? "up" : "down");
			cp->link_up = up;
			for (uint16_t i = 0; i < n->n_vhids; i++)
				if (n->vhid[i].port == p)
					carp_engine_link(&n->engine, i, up, now);
			n->snap_dirty = true;
		}
	}
	ctl_sync_link(n);
	ctl_demotion_update(n, now);
}

void
ctl_demotion_update(struct ctl_node *n, uint64_t now)
{
	unsigned int down = 0, sync = ctl_sync_demotion(n), total;

	/* Each port without link demotes the node by one (OpenBSD's "carpdev" demotion),
	 * however many VLANs it carries: the VHIDs on our other ports then advertise it so
	 * peers take those over too. The sync adds pfsync's: 32 until its bulk update is
	 * done, one while its link is down. */
	for (uint16_t p = 0; p < n->n_ports; p++)
		down += !n->port[p].link_up;
	total = down + sync > 255 ? 255 : down + sync;
	if (total != n->demotion) {
		CARP_LOG(WARNING, "demotion %u -> %u (%u port(s) without link, %u by sync)",
			 n->demotion, total, down, sync);
		n->demotion = total;
		carp_engine_demote(&n->engine, total, now);
	}
}

/*
 * What one pass of the control loop takes from each source, at most. Every pass ends with
 * the timers, so however hard the wire pushes, adverts leave on time; CARP goes first and
 * gets the largest share, because it is what the pair's correctness hangs on and only key
 * holders can make valid adverts, while anyone can send ARP. A ring that holds more keeps
 * it for the next pass, a few microseconds later.
 */
#define PASS_CARP (4 * DP_BURST)
#define PASS_ARP DP_BURST
#define PASS_RESOLVE DP_BURST

static unsigned int
poll_control_queues(struct ctl_node *n)
{
	struct rte_mbuf *pkts[PASS_CARP];
	unsigned int work = 0, got;

	got = rte_ring_dequeue_burst(n->carp_ring, (void **)pkts, PASS_CARP, NULL);
	for (unsigned int i = 0; i < got; i++)
		ctl_carp_input(n, dp_meta_iface(pkts[i]), pkts[i]);
	work += got;
	for (uint16_t p = 0; p < n->n_ports; p++) {
		uint16_t k = rte_eth_rx_burst(n->port[p].port_id, n->ctl_lc->queue, pkts, DP_BURST);

		if (k) {
			dp_rx_burst(n->ctl_lc, p, pkts, k);
			work += k;
		}
	}
	dp_filter_between_bursts(n->ctl_lc);
	got = rte_ring_dequeue_burst(n->arp_ring, (void **)pkts, PASS_ARP, NULL);
	for (unsigned int i = 0; i < got; i++)
		ctl_fwd_arp_input(n, dp_meta_iface(pkts[i]), pkts[i]);
	work += got;
	got = rte_ring_dequeue_burst(n->resolve, (void **)pkts, PASS_RESOLVE, NULL);
	for (unsigned int i = 0; i < got; i++)
		ctl_fwd_resolve(n, pkts[i]);
	return work + got;
}

static void
nap(struct ctl_node *n, uint64_t now)
{
	uint64_t next = carp_engine_next_deadline(&n->engine), until = now + MAX_NAP_NS;

	if (next < until)
		until = next;
	if (until > now + 20000) /* below ~20 us a sleep costs more than it saves */
		rte_delay_us_sleep((unsigned int)((until - now) / 1000));
}

/* Bow-outs are repeated this often while waiting, in case one is lost. */
#define HANDOVER_RESEND_NS (50 * 1000 * 1000ull)
/* Without a peer nobody takes over: stop waiting after handover_wait_ns(), never less. */
#define HANDOVER_MIN_NS (500 * 1000 * 1000ull)

/*
 * How long to keep working for the peer after bowing out. A conformant backup takes over
 * as soon as it hears the bow-out; ucarp checks its timers only when its poll() wakes,
 * which is at most one of its own advert intervals later (advbase + advskew/256, up to
 * advbase + 1 s for a peer with our advbase). Waiting that long loses nothing when the
 * peer is ucarp; waiting longer would only delay a lone node's exit.
 */
static uint64_t
handover_wait_ns(const struct ctl_node *n)
{
	uint64_t wait = HANDOVER_MIN_NS;

	for (uint16_t i = 0; i < n->n_vhids; i++) {
		uint64_t w = (uint64_t)(n->engine.fsm[i].cfg.advbase + 1) * 1000000000ull;

		if (n->handover[i] && w > wait)
			wait = w;
	}
	return wait;
}

/*
 * Orderly stop: bow out of every MASTER VHID (advbase 255, advskew 255) so the backups
 * take over at once, and keep the data plane answering and forwarding for those VHIDs
 * until each one's peer has advertised as master, so that a graceful stop loses nothing.
 */
static void
handover(struct ctl_node *n)
{
	uint64_t start = ctl_now_ns(), next_bow = start + HANDOVER_RESEND_NS, wait;

	CARP_LOG(NOTICE, "shutting down: bow-out adverts for MASTER VHIDs");
	n->draining = true;
	carp_engine_shutdown(&n->engine, start);
	dp_tx_flush(n->ctl_lc);
	wait = handover_wait_ns(n);
	while (n->n_handover && ctl_now_ns() < start + wait) {
		uint64_t now = ctl_now_ns();

		if (poll_control_queues(n) == 0)
			rte_delay_us_sleep(100);
		ctl_pub_flush(&n->pub);
		if (now >= next_bow) {
			for (uint16_t i = 0; i < n->n_vhids; i++) {
				if (!n->handover[i])
					continue;
				struct carp_action bow = { .type = CARP_ACT_SEND_ADVERT,
					.advert = { CARP_BOWOUT, CARP_BOWOUT,
						    carp_fsm_tx_demote(&n->engine.fsm[i]) } };

				ctl_engine_output(n, i, &bow);
			}
			next_bow = now + HANDOVER_RESEND_NS;
		}
		dp_tx_flush(n->ctl_lc);
	}
	if (n->n_handover)
		CARP_LOG(WARNING, "%u VHID(s) not taken over within %llu ms; stopping anyway",
			 n->n_handover, (unsigned long long)(wait / 1000000));
	for (uint16_t i = 0; i < n->n_vhids; i++)
		if (n->handover[i] || n->ctl_lc->master[i])
			ctl_pub_master(&n->pub, i, false);
	ctl_pub_flush(&n->pub);
	dp_tx_flush(n->ctl_lc);
}

int
ctl_run(struct ctl_node *n, volatile int *quit)
{
	uint64_t now = ctl_now_ns();

	/* The sync's bulk request and its demotion first: no VHID starts undemoted. */
	ctl_sync_tick(n);
	ctl_link_poll(n, now);
	for (uint16_t i = 0; i < n->n_vhids; i++)
		carp_engine_start(&n->engine, i, n->port[n->vhid[i].port].link_up, now);
	n->next_link_poll = now + LINK_POLL_NS;
	ctl_mld_start(n, now);
	ctl_pub_flush(&n->pub);
	dp_tx_flush(n->ctl_lc);

	while (!*quit) {
		unsigned int work;

		now = ctl_now_ns();
		if (now >= n->next_link_poll) {
			ctl_link_poll(n, now);
			n->next_link_poll = now + LINK_POLL_NS;
		}
		work = poll_control_queues(n);
		ctl_fwd_tick(n, now);
		ctl_mld_tick(n, now);
		ctl_filter_tick(n, now);
		ctl_sync_tick(n);
		work += carp_engine_run_timers(&n->engine, ctl_now_ns());
		ctl_pub_flush(&n->pub);
		dp_tx_flush(n->ctl_lc);
		ctl_telemetry_snapshot(n, now, false);
		if (!work && n->ctl_lc->adaptive_idle)
			nap(n, now);
	}

	handover(n);
	ctl_telemetry_snapshot(n, ctl_now_ns(), true);
	return 0;
}
