/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding a batch: one bulk LPM lookup for the burst; for a route via a resolved
 * gateway the lcore's prebuilt header (dp_lcore.c) gives the egress port and the 12 bytes
 * of MACs at once; for a host on a connected subnet its MAC comes from the lcore's
 * neighbour cache. Then TTL - 1 with an incremental checksum, onto the egress port's tx
 * buffer. Packets whose next hop is not resolved go to the control lcore, which asks by
 * ARP and holds a few of them.
 */
#include <rte_ether.h>
#include <rte_lpm.h>

#include "carp_bytes.h"
#include "dp.h"

void
dp_fwd_rewrite(const struct dp_lcore *lc, struct rte_mbuf *m, const uint8_t mac[6], uint16_t port)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	fwd_ipv4_dec_ttl(f + m->l2_len);
	memcpy(f, mac, RTE_ETHER_ADDR_LEN);
	memcpy(f + RTE_ETHER_ADDR_LEN, lc->src_mac[port].addr_bytes, RTE_ETHER_ADDR_LEN);
}

void
dp_fwd_batch(struct dp_lcore *lc, struct rte_mbuf **pkts, const uint32_t *dst, uint16_t n)
{
	const struct dp_shared *sh = lc->sh;
	uint32_t hops[DP_BURST];
	uint64_t forwarded = 0;

	rte_lpm_lookup_bulk(sh->lpm, dst, hops, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_nexthop *nh;
		const struct fwd_cache_entry *e;
		const struct dp_adj *adj;
		uint32_t via;

		if (likely(hops[i] & RTE_LPM_LOOKUP_SUCCESS)) {
			/* A resolved gateway: never local, never a directed broadcast. */
			adj = &lc->adj[hops[i] & 0x00ffffff];
			if (likely(adj->mtu != 0) &&
			    likely(carp_rd16(rte_pktmbuf_mtod(m, uint8_t *) + m->l2_len + 2) <=
				   adj->mtu)) {
				uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

				fwd_ipv4_dec_ttl(f + m->l2_len);
				memcpy(f, adj->hdr, sizeof(adj->hdr));
				forwarded++;
				dp_queue_tx(lc, adj->port, m);
				continue;
			}
		}
		if (!(hops[i] & RTE_LPM_LOOKUP_SUCCESS)) {
			lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE]++;
			rte_pktmbuf_free(m);
			continue;
		}
		nh = &sh->nexthop[hops[i] & 0x00ffffff];
		if (nh->local) {
			lc->cnt.drop[DP_DROP_IPV4_NOT_LOCAL]++; /* for us, nothing we answer */
			rte_pktmbuf_free(m);
			continue;
		}
		if (nh->ip == 0 && nh->bcast && (dst[i] == nh->bcast || dst[i] == nh->net)) {
			lc->cnt.fwd_drop[FWD_DROP_BAD_DST]++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* The IPv4 total length, not the frame: short frames carry Ethernet padding. */
		if (carp_rd16(rte_pktmbuf_mtod(m, uint8_t *) + m->l2_len + 2) >
		    sh->port[nh->port].mtu) {
			lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED]++;
			rte_pktmbuf_free(m);
			continue;
		}
		via = nh->ip ? nh->ip : dst[i];
		e = fwd_cache_lookup(&lc->neigh, via);
		if (e == NULL) {
			m->hash.fdir.lo = via;
			m->hash.fdir.hi = nh->port;
			lc->cnt.to_resolve++;
			if (lc->resolve.ring == NULL)
				lc->resolve.fn(lc, m);
			else if (rte_ring_enqueue(lc->resolve.ring, m) != 0) {
				lc->cnt.drop[DP_DROP_RESOLVE_FULL]++;
				rte_pktmbuf_free(m);
			}
			continue;
		}
		dp_fwd_rewrite(lc, m, e->mac, nh->port);
		forwarded++;
		dp_queue_tx(lc, nh->port, m);
	}
	lc->cnt.forwarded += forwarded;
}
