/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_IPV6_H
#define CARP_DP_IPV6_H

/*
 * IPv6 on a data-plane lcore, the twin of dp_ipv4.h: the router's checks that decide
 * whether a packet joins the burst's IPv6 forwarding batch (inlined into the burst loop's
 * fast path), and the per-frame path for the rest (dp_ipv6.c).
 */

#include "carp_bytes.h"
#include "dp_internal.h"
#include "fwd_ipv6.h"

/* A source of this node's own (an address, or a VIP while MASTER): spoofed, as in IPv4.
 * One load for most sources (the filter); a hit is confirmed in the local table. */
static inline bool
dp_own_source6(const struct dp_lcore *lc, const uint8_t *src)
{
	uint32_t h = dp_own_src_bit(src + 12);
	struct carp_in6 a;
	uint16_t v;

	if (likely(!(lc->sh->own_src_bits[h / 64] >> (h % 64) & 1)))
		return false;
	memcpy(a.b, src, 16);
	v = carp_addr6_table_lookup(&lc->sh->local6, 0, &a);
	return v != CARP_ADDR6_NONE && ((v & DP_LOCAL_PORT_ADDR) || lc->master[v]);
}

/*
 * The router's checks on the IPv6 packet at offset @p l3 of frame @p f (@p len bytes):
 * when @p m may be forwarded it joins batch @p b6, else it is counted and freed (with Time
 * Exceeded for a hop limit that ran out).
 */
static __rte_always_inline void
dp_ipv6_take_for_forwarding(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t *f, size_t len,
			    size_t l3, uint16_t iface, struct dp_fwd6_burst *b6)
{
	uint8_t *ip6 = f + l3;
	enum fwd_drop fd = fwd_ipv6_check(ip6, len - l3);

	if (likely(fd == FWD_OK) && unlikely(dp_own_source6(lc, ip6 + 8)))
		fd = FWD_DROP_OWN_SRC;
	if (unlikely(fd != FWD_OK)) {
		lc->cnt.fwd_drop[fd]++;
		if (fd == FWD_DROP_TTL_EXCEEDED)
			dp_icmp_error(lc, m, b6->port, (unsigned int)l3, 6, FWD_ICMP6_TIME_EXCEEDED,
				      0, 0);
		else
			rte_pktmbuf_free(m);
		return;
	}
	/* The index read once: the byte stores below may alias b6->n for the compiler, which
	 * would read it again after each. */
	uint16_t n = b6->n;

	b6->m[n] = m;
	b6->ip[n] = ip6;
	memcpy(b6->dst[n], ip6 + 24, 16);
	b6->total[n] = (uint16_t)(FWD_IPV6_HDR_LEN + carp_rd16(ip6 + 4));
	b6->in[n] = iface;
	b6->l3[n] = (uint8_t)l3;
	b6->n = (uint16_t)(n + 1);
}

#endif
