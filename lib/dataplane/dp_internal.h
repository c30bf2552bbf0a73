/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_INTERNAL_H
#define CARP_DP_INTERNAL_H

/*
 * Shared by the data plane's files (dp_rx.c, dp_arp.c, dp_ipv4.c, dp_l2.c), not by
 * anyone else: counting drops and handing frames to the control lcore.
 */

#include <rte_cycles.h>

#include "dp.h"
#include "dp_l2.h"

static inline void
dp_drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop why)
{
	lc->cnt.drop[why]++;
	rte_pktmbuf_free(m);
}

/* Hand @p m, received on interface @p iface with layer 3 at @p l3, to the control lcore
 * on path @p to: its ring, or a direct call on the control lcore itself. */
static inline void
dp_punt(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t iface, size_t l3,
	const struct dp_to_control *to, enum dp_drop full)
{
	dp_meta_set(m, iface, (uint8_t)l3);
	if (to->ring == NULL) {
		lc->cnt.punted++;
		to->fn(lc, m);
	} else if (rte_ring_enqueue(to->ring, m) != 0) {
		dp_drop(lc, m, full);
	} else {
		lc->cnt.punted++;
	}
}

/*
 * What goes to the control lcore on the ARP path (ARP, MLD queries) is rate-limited per
 * interface and bucket on every lcore (GCRA: one comparison and one store per frame), so
 * a flood costs the control lcore a bounded share of its time whatever the attacker's
 * rate.
 */
static inline bool
dp_punt_allowed(struct dp_lcore *lc, enum dp_punt_bucket bucket, uint16_t i)
{
	const struct dp_shared *sh = lc->sh;
	uint64_t now, tat;

	if (sh->arp_interval == 0)
		return true;
	now = rte_rdtsc();
	tat = lc->arp_tat[bucket][i] > now ? lc->arp_tat[bucket][i] : now;
	if (tat - now > sh->arp_tolerance)
		return false;
	lc->arp_tat[bucket][i] = tat + sh->arp_interval;
	return true;
}

/* Unicast IPv4 (RFC 1122 3.2.1.3): not zero/"this network", loopback, multicast, class E
 * or the limited broadcast. Host order. */
static inline bool
dp_ipv4_unicast(uint32_t a)
{
	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 0xe;
}

/* A sender that a reply may go back to: a unicast station, from a unicast address. */
static inline bool
dp_mac_unicast(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

/* True when @p a is one of interface @p ifc's own addresses. */
static inline bool
dp_is_iface_address(const struct dp_iface *ifc, uint32_t a)
{
	for (unsigned int i = 0; i < ifc->n_addr4; i++)
		if (ifc->addr4[i] == a)
			return true;
	return false;
}

/* True when @p a is one of interface @p ifc's own IPv6 addresses (its link-local too). */
static inline bool
dp_is_iface_address6(const struct dp_iface *ifc, const struct carp_in6 *a)
{
	for (unsigned int i = 0; i < ifc->n_addr6; i++)
		if (memcmp(&ifc->addr6[i], a, sizeof(*a)) == 0)
			return true;
	return false;
}

/* Send a reply rewritten in place (layer 3 at @p l3) back out of interface @p iface. */
static inline void
dp_reply(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t iface, size_t l3)
{
	if (unlikely(!dp_l2_retag(lc->sh, m, iface, l3))) {
		dp_drop(lc, m, DP_DROP_NO_HEADROOM);
		return;
	}
	dp_queue_tx(lc, lc->sh->iface[iface].port, m);
}

/*
 * Send @p m, an answer the node built in place of the packet it answers (an ICMP error, a
 * reject's RST), back to the station that sent that packet: out of interface @p iface,
 * from the MAC this interface forwards from.
 */
static inline void
dp_reply_to_sender(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t iface, size_t l3)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	memcpy(f, f + 6, RTE_ETHER_ADDR_LEN);
	memcpy(f + 6, dp_l2_hdr_src(&lc->l2[iface]), RTE_ETHER_ADDR_LEN);
	dp_reply(lc, m, iface, l3);
}

/* dp_arp.c, dp_nd.c, dp_ipv6.c: the per-frame paths of dp_rx.c's handle_one */
void dp_arp_input(struct dp_lcore *lc, uint16_t iface, struct rte_mbuf *m, uint8_t *f,
		  size_t len);
void dp_nd_input(struct dp_lcore *lc, uint16_t iface, struct rte_mbuf *m, uint8_t *f,
		 size_t len, size_t l3);
void dp_ipv6_input(struct dp_lcore *lc, uint16_t iface, struct rte_mbuf *m, uint8_t *f,
		   size_t len, size_t l3, struct dp_fwd6_burst *b6);

#endif
