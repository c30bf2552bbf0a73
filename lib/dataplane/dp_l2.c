/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layer 2 out: the headers frames leave with, tags added or moved for replies and the
 * control lcore's frames, and the per-port transmit buffers of an lcore.
 */
#include <rte_ethdev.h>

#include "dp_internal.h"

void
dp_l2_hdr_init(struct dp_l2_hdr *h, const struct dp_iface *ifc, const uint8_t src[6])
{
	memset(h, 0, sizeof(*h));
	h->port = ifc->port;
	h->tci = ifc->vlan;
	h->tag_by_device = ifc->vlan && ifc->tag_by_device;
	h->hlen = ifc->vlan && !ifc->tag_by_device ? 16 : 12;
	memcpy(dp_l2_hdr_src(h), src, RTE_ETHER_ADDR_LEN);
	if (h->hlen == 16) {
		carp_wr16(h->img + 12, DP_ETHERTYPE_VLAN);
		carp_wr16(h->img + 14, ifc->vlan);
	}
}

bool
dp_l2_retag(const struct dp_shared *sh, struct rte_mbuf *m, uint16_t i, size_t l3)
{
	const struct dp_iface *ifc = &sh->iface[i];
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	if (ifc->vlan == 0 || ifc->tag_by_device) {
		/* No tag in the frame: none, or the device's. */
		if (l3 == 18) {
			memmove(f + 4, f, 2 * RTE_ETHER_ADDR_LEN);
			rte_pktmbuf_adj(m, 4);
		}
		if (ifc->vlan) {
			m->ol_flags |= RTE_MBUF_F_TX_VLAN;
			m->vlan_tci = ifc->vlan;
		}
		return true;
	}
	if (l3 == 14) {
		uint8_t *n = (uint8_t *)rte_pktmbuf_prepend(m, 4);

		if (n == NULL)
			return false;
		memmove(n, n + 4, 2 * RTE_ETHER_ADDR_LEN);
		f = n;
		carp_wr16(f + 12, DP_ETHERTYPE_VLAN);
	}
	/* Our tag, priority 0, whatever the asker's frame carried. */
	carp_wr16(f + 14, ifc->vlan);
	return true;
}

void
dp_queue_tx(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m)
{
	if (lc->n_tx[p] == DP_BURST)
		dp_tx_flush(lc);
	lc->tx[p][lc->n_tx[p]++] = m;
}

void
dp_tx_flush(struct dp_lcore *lc)
{
	for (uint16_t p = 0; p < lc->sh->n_ports; p++) {
		uint16_t n = lc->n_tx[p], sent;

		if (n == 0)
			continue;
		sent = rte_eth_tx_burst(lc->sh->port[p].port_id, lc->queue, lc->tx[p], n);
		lc->cnt.tx += sent;
		for (uint16_t i = sent; i < n; i++)
			dp_drop(lc, lc->tx[p][i], DP_DROP_TX_FULL);
		lc->n_tx[p] = 0;
	}
}
