/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding a batch of IPv6 packets, as dp_fwd.c does IPv4: one bulk rte_lpm6 lookup for
 * the burst; a resolved gateway's prebuilt header (struct dp_adj), or for a host on a
 * connected subnet its MAC from the lcore's neighbour cache; hop limit - 1 (no checksum
 * to update); onto the egress port's tx buffer. Next hops not in the cache go to the
 * control lcore, which solicits them and holds a few packets meanwhile; no route and too
 * big get their ICMPv6 error (dp_icmp.c).
 */
#include <rte_lpm6.h>

#include "carp_nd.h"
#include "dp_filter.h"
#include "dp_frag.h"
#include "dp_internal.h"
#include "fwd_ipv6.h"

static void
no_route(struct dp_lcore *lc, struct dp_fwd6_burst *b, uint16_t i)
{
	lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE]++;
	dp_icmp_error(lc, b->m[i], b->port, b->l3[i], 6, FWD_ICMP6_UNREACH,
		      FWD_ICMP6_UNREACH_NOROUTE, 0);
}

/* To the control lcore: next hop @p hop of interface @p iface is not in the cache. Not
 * counted for a fragment we made (its packet is counted once, as fragmented). */
static void
to_resolve(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t l3, uint32_t hop, uint16_t iface,
	   bool count)
{
	m->l2_len = l3;
	m->hash.fdir.lo = hop;
	m->hash.fdir.hi = DP_META_RESOLVE6 | iface;
	lc->cnt.to_resolve += count;
	if (lc->resolve.ring == NULL)
		lc->resolve.fn(lc, m);
	else if (rte_ring_enqueue(lc->resolve.ring, m) != 0) {
		lc->cnt.drop[DP_DROP_RESOLVE_FULL] += count;
		rte_pktmbuf_free(m);
	}
}

/* The slow path's way out for packet @p m (IPv6 at offset @p l3) to next hop @p hop. */
static void
output(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t l3, const uint8_t dst[16],
       int32_t hop, bool count)
{
	const struct dp_nexthop6 *nh = &lc->sh->nexthop6[hop];
	struct fwd_addr via = carp_in6_is_unspecified(&nh->ip) ? fwd_addr6(dst)
								: fwd_addr6(nh->ip.b);
	const struct fwd_cache_entry *e = fwd_cache_lookup(&lc->neigh, &via);

	m->l2_len = l3;
	if (e == NULL) {
		to_resolve(lc, m, l3, (uint32_t)hop, nh->iface, count);
		return;
	}
	lc->cnt.forwarded += count;
	dp_queue_tx(lc, dp_fwd_rewrite(lc, m, e->mac, nh->iface), m);
}

/*
 * A reassembled packet (dp_frag.h) leaves in fragments again, as pf sends it on: none
 * larger than its first fragment was, nor than the egress MTU, nor below IPv6's
 * minimum link MTU (which any path carries).
 */
static void
refragment(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t l3, const uint8_t dst[16],
	   int32_t hop)
{
	uint16_t mtu = lc->sh->iface[lc->sh->nexthop6[hop].iface].mtu;
	uint16_t size = dp_frag_meta(m)->size6;
	struct rte_mbuf *frag[DP_FRAG_OUT_MAX];
	int n;

	size = size < 1280 ? 1280 : size;
	size = size > mtu ? mtu : size;
	n = dp_frag6_split(m, l3, size, frag);
	if (n < 0) {
		lc->cnt.fwd_drop[FWD_DROP_FRAG_FAILED]++;
		return;
	}
	lc->cnt.fragmented++;
	for (int k = 0; k < n; k++)
		output(lc, frag[k], 0, dst, hop, false);
}

/* @p filter: false for packets the filter has passed already (a deferred one released). */
static __rte_always_inline void
fwd6_batch(struct dp_lcore *lc, struct dp_fwd6_burst *b, bool filter)
{
	const struct dp_shared *sh = lc->sh;
	int32_t hops[DP_BURST];
	uint64_t forwarded = 0;

	if (sh->lpm6 != NULL)
		rte_lpm6_lookup_bulk_func(sh->lpm6, b->dst, hops, b->n);
	else
		for (uint16_t i = 0; i < b->n; i++)
			hops[i] = -1;
	if (filter && sh->filter)
		dp_filter_batch6(lc, b, hops);
	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i];
		const struct dp_nexthop6 *nh;
		const struct dp_adj *adj;

		if (hops[i] < 0) {
			no_route(lc, b, i);
			continue;
		}
		nh = &sh->nexthop6[hops[i]];
		adj = &lc->adj6[hops[i]];
		/* A resolved gateway; an unresolved one has MTU 0, which no packet fits. */
		if (likely(b->total[i] <= adj->mtu)) {
			fwd_ipv6_dec_hlim(b->ip[i]);
			dp_l2_write(m, b->ip[i], b->l3[i], &adj->l2);
			forwarded++;
			dp_queue_tx(lc, adj->l2.port, m);
			continue;
		}
		if (nh->local) {
			dp_drop(lc, m, DP_DROP_IPV6_NOT_LOCAL); /* for us, nothing we answer */
			continue;
		}
		if (b->total[i] == DP_FRAG_CHAINED) {
			refragment(lc, m, b->l3[i], b->dst[i], hops[i]);
			continue;
		}
		if (b->total[i] > sh->iface[nh->iface].mtu) {
			/* IPv6 routers never fragment: path MTU discovery needs to hear it. */
			lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED]++;
			dp_icmp_error(lc, m, b->port, b->l3[i], 6, FWD_ICMP6_PACKET_TOO_BIG, 0,
				      sh->iface[nh->iface].mtu);
			continue;
		}
		output(lc, m, b->l3[i], b->dst[i], hops[i], true);
	}
	lc->cnt.forwarded += forwarded;
}

void
dp_fwd6_batch(struct dp_lcore *lc, struct dp_fwd6_burst *b)
{
	fwd6_batch(lc, b, true);
}

void
dp_fwd6_batch_passed(struct dp_lcore *lc, struct dp_fwd6_burst *b)
{
	fwd6_batch(lc, b, false);
}
