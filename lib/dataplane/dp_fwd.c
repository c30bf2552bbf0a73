/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding a batch: one bulk LPM lookup for the burst; for a route via a resolved
 * gateway the lcore's prebuilt header (dp_lcore.c) gives the egress port and the whole
 * Ethernet header, the egress VLAN's tag included, at once; for a host on a connected
 * subnet its MAC comes from the lcore's neighbour cache. Then TTL - 1 with an incremental
 * checksum, onto the egress port's tx buffer. Packets whose next hop is not resolved go to
 * the control lcore, which asks by ARP and holds a few of them.
 */
#include <rte_ether.h>
#include <rte_lpm.h>

#include "carp_bytes.h"
#include "dp_filter.h"
#include "dp_frag.h"
#include "dp_ipv4.h"
#include "dp_l2.h"
#include "fwd_ipv6.h"

uint16_t
dp_fwd_rewrite(const struct dp_lcore *lc, struct rte_mbuf *m, const uint8_t mac[6],
	       uint16_t iface)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + m->l2_len;
	struct dp_l2_hdr h = lc->l2[iface];

	memcpy(dp_l2_hdr_dst(&h), mac, RTE_ETHER_ADDR_LEN);
	if (ip[0] >> 4 == 6)
		fwd_ipv6_dec_hlim(ip);
	else
		fwd_ipv4_dec_ttl(ip);
	dp_l2_write(m, ip, m->l2_len, &h);
	return h.port;
}

/* What rte_lpm_lookupx4 reports for a miss: no next hop index (24 bits) is ever this. */
#define LPM_MISS UINT32_MAX

/*
 * Next hops of @p n destinations, as rte_lpm_lookup_bulk reports them (the index with
 * RTE_LPM_LOOKUP_SUCCESS, or 0 for a miss): four at a time with the vector lookup
 * (rte_lpm_lookupx4 issues the four tbl24 loads together), the rest one by one.
 */
static inline void
lpm_lookup(const struct rte_lpm *lpm, const uint32_t *dst, uint32_t *hops, uint16_t n)
{
	uint16_t i = 0;

	for (; i + 4 <= n; i += 4) {
		xmm_t ip = _mm_loadu_si128((const __m128i *)(const void *)(dst + i));
		uint32_t h[4];

		rte_lpm_lookupx4(lpm, ip, h, LPM_MISS);
		for (int k = 0; k < 4; k++)
			hops[i + k] = h[k] == LPM_MISS ? 0 : h[k] | RTE_LPM_LOOKUP_SUCCESS;
	}
	if (i < n)
		rte_lpm_lookup_bulk(lpm, dst + i, hops + i, (unsigned int)(n - i));
}

/*
 * The slow path's way out for packet @p m (its L3 offset in l2_len) to next hop @p nh
 * (@p via: the gateway, or the destination on a connected subnet): the neighbour
 * cache's MAC, or the control lcore, which resolves it. Counted as forwarded or
 * to_resolve when @p count: a fragment is not a packet received, its datagram is counted
 * once, as fragmented.
 */
static void
output(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_nexthop *nh, uint32_t via,
       bool count)
{
	struct fwd_addr key = fwd_addr4(via);
	const struct fwd_cache_entry *e = fwd_cache_lookup(&lc->neigh, &key);

	if (e == NULL) {
		m->hash.fdir.lo = via;
		m->hash.fdir.hi = nh->iface;
		lc->cnt.to_resolve += count;
		if (lc->resolve.ring == NULL)
			lc->resolve.fn(lc, m);
		else if (rte_ring_enqueue(lc->resolve.ring, m) != 0) {
			lc->cnt.drop[DP_DROP_RESOLVE_FULL]++;
			rte_pktmbuf_free(m);
		}
		return;
	}
	lc->cnt.forwarded += count;
	dp_queue_tx(lc, dp_fwd_rewrite(lc, m, e->mac, nh->iface), m);
}

/*
 * Packet @p m (header @p ip) is larger than the egress interface's MTU, or a reassembled
 * datagram in several mbufs. One that fits after all goes out whole, in one mbuf; with DF
 * the sender does path MTU discovery and hears the MTU (RFC 1191); without, it leaves in
 * fragments (RFC 1812 4.2.2.7), reassembled datagrams (which never keep DF) included.
 */
static void
too_big(struct dp_lcore *lc, struct rte_mbuf *m, const uint8_t *ip, uint16_t port,
	const struct dp_nexthop *nh, uint32_t via)
{
	uint16_t mtu = lc->sh->iface[nh->iface].mtu;
	struct rte_mbuf *frag[DP_FRAG_OUT_MAX];
	int n;

	if (m->nb_segs > 1 && rte_pktmbuf_pkt_len(m) - m->l2_len <= mtu &&
	    rte_pktmbuf_linearize(m) == 0) {
		output(lc, m, nh, via, true);
		return;
	}
	if (m->nb_segs == 1 && (ip[6] & 0x40)) {
		lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED]++;
		dp_icmp_error(lc, m, port, m->l2_len, 4, FWD_ICMP4_UNREACH,
			      FWD_ICMP4_UNREACH_NEEDFRAG, mtu);
		return;
	}
	n = dp_frag4_split(m, m->l2_len, mtu, frag);
	if (n < 0) {
		lc->cnt.fwd_drop[FWD_DROP_FRAG_FAILED]++;
		return;
	}
	lc->cnt.fragmented++;
	for (int k = 0; k < n; k++)
		output(lc, frag[k], nh, via, false);
}

/* @p filter: false for packets the filter has passed already (a deferred one released). */
static __rte_always_inline void
fwd_batch(struct dp_lcore *lc, struct dp_fwd_burst *b, bool filter)
{
	const struct dp_shared *sh = lc->sh;
	uint32_t hops[DP_BURST];
	uint64_t forwarded = 0;

	lpm_lookup(sh->lpm, b->dst, hops, b->n);
	if (unlikely(sh->sync_addr != 0) && filter && dp_ipv4_take_sync(lc, b, hops) == 0)
		return;
	if (filter && sh->filter)
		dp_filter_batch4(lc, b, hops);
	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i];
		uint8_t *ip = b->ip[i];
		const struct dp_nexthop *nh;
		const struct dp_adj *adj;
		uint32_t via;

		if (likely(hops[i] & RTE_LPM_LOOKUP_SUCCESS)) {
			/* A resolved gateway: never local, never a directed broadcast. An
			 * unresolved one has MTU 0, which no packet fits: one compare. */
			adj = &lc->adj[hops[i] & 0x00ffffff];
			if (likely(b->total[i] <= adj->mtu)) {
				fwd_ipv4_dec_ttl(ip);
				dp_l2_write(m, ip, b->l3[i], &adj->l2);
				forwarded++;
				dp_queue_tx(lc, adj->l2.port, m);
				continue;
			}
		}
		if (!(hops[i] & RTE_LPM_LOOKUP_SUCCESS)) {
			lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE]++;
			dp_icmp_error(lc, m, b->port, b->l3[i], 4, FWD_ICMP4_UNREACH,
				      FWD_ICMP4_UNREACH_NET, 0);
			continue;
		}
		nh = &sh->nexthop[hops[i] & 0x00ffffff];
		if (nh->local) {
			lc->cnt.drop[DP_DROP_IPV4_NOT_LOCAL]++; /* for us, nothing we answer */
			rte_pktmbuf_free(m);
			continue;
		}
		if (nh->ip == 0 && nh->bcast && (b->dst[i] == nh->bcast || b->dst[i] == nh->net)) {
			lc->cnt.fwd_drop[FWD_DROP_BAD_DST]++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* The slow path and the control lcore find the L3 offset in l2_len. */
		m->l2_len = b->l3[i];
		via = nh->ip ? nh->ip : b->dst[i];
		if (b->total[i] > sh->iface[nh->iface].mtu) /* a reassembled chain too */
			too_big(lc, m, ip, b->port, nh, via);
		else
			output(lc, m, nh, via, true);
	}
	lc->cnt.forwarded += forwarded;
}

void
dp_fwd_batch(struct dp_lcore *lc, struct dp_fwd_burst *b)
{
	fwd_batch(lc, b, true);
}

void
dp_fwd_batch_passed(struct dp_lcore *lc, struct dp_fwd_burst *b)
{
	fwd_batch(lc, b, false);
}
