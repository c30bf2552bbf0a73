/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_IPV4_H
#define CARP_DP_IPV4_H

/*
 * IPv4 on a data-plane lcore: the router's checks that decide whether a packet joins the
 * forwarding batch (inlined into the burst loop's fast path), and the per-frame path for
 * the rest (ICMP echo for our addresses, multicast frames).
 */

#include "carp_bytes.h"
#include "dp_internal.h"

/*
 * A source address of this node's own: an interface address, or a VIP while we are MASTER
 * of it. Spoofed, for no packet from us comes back in from the wire. (A VIP we are BACKUP
 * of lives on the peer, which may send from it.) One load per packet; a filter hit is
 * confirmed in the local table.
 */
static inline bool
dp_own_source(const struct dp_lcore *lc, const uint8_t *src)
{
	uint32_t h = dp_own_src_bit(src);
	uint16_t v;

	if (likely(!(lc->sh->own_src_bits[h / 64] >> (h % 64) & 1)))
		return false;
	v = carp_vip_table_lookup(&lc->sh->local, 0, carp_rd32(src));
	return v != CARP_VIP_NONE && ((v & DP_LOCAL_PORT_ADDR) || lc->master[v]);
}

/*
 * The router's checks on an IPv4 packet at offset @p l3 of frame @p f: when @p m may be
 * forwarded it joins burst @p b, else it is counted and freed. Always inlined: as a call
 * its prologue and epilogue cost more than the own-source check in it. @p plain: the
 * caller saw version 4, IHL 5. @p iface: the interface it came in on.
 */
static __rte_always_inline void
dp_ipv4_take_for_forwarding(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t *f, size_t len,
			    size_t l3, uint16_t iface, struct dp_fwd_burst *b, bool plain)
{
	bool csum_checked = (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			    RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	enum fwd_drop fd = plain ? fwd_ipv4_check_plain(f + l3, len - l3, csum_checked)
				 : fwd_ipv4_check(f + l3, len - l3, csum_checked);

	if (likely(fd == FWD_OK) && unlikely(dp_own_source(lc, f + l3 + 12)))
		fd = FWD_DROP_OWN_SRC;
	if (unlikely(fd != FWD_OK)) {
		lc->cnt.fwd_drop[fd]++;
		if (fd == FWD_DROP_TTL_EXCEEDED) /* what traceroute counts on */
			dp_icmp_error(lc, m, b->port, (unsigned int)l3, 4, FWD_ICMP4_TIME_EXCEEDED,
				      0, 0);
		else
			rte_pktmbuf_free(m);
		return;
	}
	/* The index read once: the byte store below may alias b->n for the compiler, which
	 * would read it again after it. */
	uint16_t n = b->n;

	b->m[n] = m;
	b->ip[n] = f + l3;
	b->dst[n] = carp_rd32(f + l3 + 16);
	b->l3[n] = (uint8_t)l3;
	b->in[n] = iface;
	b->total[n] = carp_rd16(f + l3 + 2);
	b->n = (uint16_t)(n + 1);
}

/**
 * Sync datagrams from a unicast peer (dp_shared.sync_addr set): unicast UDP to our own
 * address, which the fast path takes into burst @p b (with its next hops @p hops) like any
 * packet, are handed to the control lcore before the filter sees them, as the group's are.
 * Returns what is left in the burst.
 */
uint16_t dp_ipv4_take_sync(struct dp_lcore *lc, struct dp_fwd_burst *b, uint32_t *hops);

/**
 * IPv4 that is not plain forwarding (dp_rx.c decides): answer pings to addresses we own
 * on interface @p iface; take the rest for forwarding when the frame was addressed to us
 * at layer 2 and the header passes the router's checks.
 */
void dp_ipv4_input(struct dp_lcore *lc, uint16_t iface, struct rte_mbuf *m, uint8_t *f,
		   size_t len, size_t l3, struct dp_fwd_burst *b);

#endif
