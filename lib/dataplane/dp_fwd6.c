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
#include "dp_internal.h"
#include "fwd_ipv6.h"

static void
no_route(struct dp_lcore *lc, struct dp_fwd6_burst *b, uint16_t i)
{
	lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE]++;
	dp_icmp_error(lc, b->m[i], b->port, b->l3[i], 6, FWD_ICMP6_UNREACH,
		      FWD_ICMP6_UNREACH_NOROUTE, 0);
}

/* To the control lcore: next hop @p hop of interface @p iface is not in the cache. */
static void
to_resolve(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t l3, uint32_t hop, uint16_t iface)
{
	m->l2_len = l3;
	m->hash.fdir.lo = hop;
	m->hash.fdir.hi = DP_META_RESOLVE6 | iface;
	lc->cnt.to_resolve++;
	if (lc->resolve.ring == NULL)
		lc->resolve.fn(lc, m);
	else if (rte_ring_enqueue(lc->resolve.ring, m) != 0)
		dp_drop(lc, m, DP_DROP_RESOLVE_FULL);
}

void
dp_fwd6_batch(struct dp_lcore *lc, struct dp_fwd6_burst *b)
{
	const struct dp_shared *sh = lc->sh;
	int32_t hops[DP_BURST];
	uint64_t forwarded = 0;

	if (sh->lpm6 != NULL)
		rte_lpm6_lookup_bulk_func(sh->lpm6, b->dst, hops, b->n);
	else
		for (uint16_t i = 0; i < b->n; i++)
			hops[i] = -1;
	if (sh->filter)
		dp_filter_batch6(lc, b, hops);
	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i];
		const struct dp_nexthop6 *nh;
		const struct fwd_cache_entry *e;
		const struct dp_adj *adj;
		struct fwd_addr via;

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
		if (b->total[i] > sh->iface[nh->iface].mtu) {
			/* IPv6 routers never fragment: path MTU discovery needs to hear it. */
			lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED]++;
			dp_icmp_error(lc, m, b->port, b->l3[i], 6, FWD_ICMP6_PACKET_TOO_BIG, 0,
				      sh->iface[nh->iface].mtu);
			continue;
		}
		m->l2_len = b->l3[i];
		via = carp_in6_is_unspecified(&nh->ip) ? fwd_addr6(b->dst[i]) : fwd_addr6(nh->ip.b);
		e = fwd_cache_lookup(&lc->neigh, &via);
		if (e == NULL) {
			to_resolve(lc, m, b->l3[i], (uint32_t)hops[i], nh->iface);
			continue;
		}
		forwarded++;
		dp_queue_tx(lc, dp_fwd_rewrite(lc, m, e->mac, nh->iface), m);
	}
	lc->cnt.forwarded += forwarded;
}
