/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A data-plane lcore's own tables and how the control lcore's messages change them.
 *
 * Everything the per-packet path needs is precomputed here, when a message arrives, so
 * that a packet costs compares and loads only: the accepted MACs per interface (the port's
 * MAC as one 64-bit key, the vMACs of VHIDs that are MASTER here), the header of frames
 * forwarded out of each interface (source MAC, tag), and for each gateway next hop the
 * whole header to write. Messages are rare (a transition, a neighbour learned or aged out);
 * the rebuilds scan the next hops, which is cheap at that rate.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "dp_filter.h"
#include "dp_l2.h"

int
dp_shared_add_local(struct dp_shared *sh, uint32_t addr, uint16_t value)
{
	uint8_t wire[4] = { (uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
			    (uint8_t)addr };
	uint32_t h = dp_own_src_bit(wire);

	sh->own_src_bits[h / 64] |= 1ull << (h % 64);
	return carp_vip_table_add(&sh->local, 0, addr, value);
}

int
dp_shared_add_local6(struct dp_shared *sh, const struct carp_in6 *addr, uint16_t value)
{
	/* The same filter as IPv4's, on the address's last four bytes: a hit is confirmed
	 * in the table of its family. */
	uint32_t h = dp_own_src_bit(addr->b + 12);

	sh->own_src_bits[h / 64] |= 1ull << (h % 64);
	return carp_addr6_table_add(&sh->local6, 0, addr, value);
}

void
dp_shared_set_arp_rate(struct dp_shared *sh, uint32_t per_port_per_s)
{
	/*
	 * The full rate on every lcore, not a share: ARP carries no flow hash, so RSS and
	 * fanout put all of a port's ARP on one queue, and a share would cut the port's
	 * limit by the number of lcores. The control lcore takes at most lcores x rate.
	 */
	uint64_t burst = per_port_per_s / 10 > 8 ? per_port_per_s / 10 : 8; /* 100 ms' worth */

	if (per_port_per_s == 0) {
		sh->arp_interval = sh->arp_tolerance = 0;
		return;
	}
	sh->arp_interval = rte_get_tsc_hz() / per_port_per_s;
	if (sh->arp_interval == 0)
		sh->arp_interval = 1;
	sh->arp_tolerance = (burst - 1) * sh->arp_interval;
}

int
dp_lcore_init(struct dp_lcore *lc, const struct dp_shared *sh, uint16_t queue,
	      uint32_t neigh_max)
{
	lc->sh = sh;
	lc->queue = queue;
	lc->adj = calloc(sh->n_nexthops ? sh->n_nexthops : 1, sizeof(*lc->adj));
	lc->adj6 = calloc(sh->n_nexthops6 ? sh->n_nexthops6 : 1, sizeof(*lc->adj6));
	if (lc->adj == NULL || lc->adj6 == NULL || fwd_cache_init(&lc->neigh, neigh_max) != 0 ||
	    dp_filter_lcore_init(lc) != 0) {
		dp_lcore_free(lc);
		return -ENOMEM;
	}
	dp_lcore_refresh(lc);
	return 0;
}

void
dp_lcore_free(struct dp_lcore *lc)
{
	fwd_cache_free(&lc->neigh);
	free(lc->adj);
	free(lc->adj6);
	lc->adj = lc->adj6 = NULL;
	dp_filter_lcore_free(lc);
}

/* The prebuilt header of gateway next hop @p a on interface @p iface: to @p mac, or
 * unresolved (NULL). */
static void
set_adj(struct dp_lcore *lc, struct dp_adj *a, uint16_t iface, const uint8_t *mac)
{
	if (mac == NULL) {
		a->mtu = 0;
		return;
	}
	a->l2 = lc->l2[iface];
	memcpy(dp_l2_hdr_dst(&a->l2), mac, RTE_ETHER_ADDR_LEN);
	a->mtu = lc->sh->iface[iface].mtu;
}

/* Point every gateway next hop whose gateway is @p addr at @p mac (NULL: unresolved). */
static void
set_gateway(struct dp_lcore *lc, const struct fwd_addr *addr, const uint8_t *mac)
{
	const struct dp_shared *sh = lc->sh;
	uint32_t ip;

	if (!fwd_addr_is4(addr)) {
		for (uint32_t i = 0; i < sh->n_nexthops6; i++) {
			const struct dp_nexthop6 *nh = &sh->nexthop6[i];

			if (!nh->local && memcmp(nh->ip.b, addr->b, 16) == 0)
				set_adj(lc, &lc->adj6[i], nh->iface, mac);
		}
		return;
	}
	ip = fwd_addr_to4(addr);
	for (uint32_t i = 0; i < sh->n_nexthops; i++) {
		const struct dp_nexthop *nh = &sh->nexthop[i];
		struct dp_adj *a = &lc->adj[i];

		if (nh->ip != ip || nh->local)
			continue;
		set_adj(lc, a, nh->iface, mac);
	}
}

static void
refresh_adj(struct dp_lcore *lc, struct dp_adj *a, uint16_t iface)
{
	uint8_t dst[RTE_ETHER_ADDR_LEN];

	if (!a->mtu)
		return;
	memcpy(dst, dp_l2_hdr_dst(&a->l2), sizeof(dst));
	a->l2 = lc->l2[iface];
	memcpy(dp_l2_hdr_dst(&a->l2), dst, sizeof(dst));
}

void
dp_lcore_refresh(struct dp_lcore *lc)
{
	const struct dp_shared *sh = lc->sh;

	for (uint16_t i = 0; i < sh->n_ifaces; i++) {
		const struct dp_iface *ifc = &sh->iface[i];
		const struct rte_ether_addr *src = &ifc->mac;
		uint8_t key[8] = { 0 };

		memcpy(key, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		lc->accept[i].own = dp_mac_key(key);
		lc->accept[i].vmac = UINT64_MAX; /* no MAC: the top two bytes are never set */
		for (unsigned int v = 0; v < 256; v++) {
			uint16_t idx = ifc->vhid_idx[v];

			lc->vmac_state[i][v] = idx == DP_NO_VHID ? DP_VMAC_UNKNOWN
					       : lc->master[idx] ? DP_VMAC_MASTER
								 : DP_VMAC_BACKUP;
		}
		/* Frames leave with the vMAC of a VHID we are MASTER of on that segment, so
		 * the switches keep pointing the VIP's MAC at the master. */
		for (unsigned int v = 1; v < 256; v++) {
			if (lc->vmac_state[i][v] == DP_VMAC_MASTER) {
				memcpy(key, sh->vmac[ifc->vhid_idx[v]].addr_bytes, RTE_ETHER_ADDR_LEN);
				lc->accept[i].vmac = dp_mac_key(key);
				if (!ifc->source_real)
					src = &sh->vmac[ifc->vhid_idx[v]];
				break;
			}
		}
		dp_l2_hdr_init(&lc->l2[i], ifc, src->addr_bytes);
	}
	/* The source half of every resolved gateway's header follows its interface's. */
	for (uint32_t i = 0; lc->adj && i < sh->n_nexthops; i++)
		refresh_adj(lc, &lc->adj[i], sh->nexthop[i].iface);
	for (uint32_t i = 0; lc->adj6 && i < sh->n_nexthops6; i++)
		refresh_adj(lc, &lc->adj6[i], sh->nexthop6[i].iface);
}

void
dp_apply_msg(struct dp_lcore *lc, const struct dp_msg *msg)
{
	switch (msg->type) {
	case DP_MSG_MASTER:
		lc->master[msg->idx] = msg->flag;
		dp_lcore_refresh(lc);
		break;
	case DP_MSG_NEIGH_SET:
		fwd_cache_set(&lc->neigh, &msg->ip, msg->mac, msg->iface);
		set_gateway(lc, &msg->ip, msg->mac);
		break;
	case DP_MSG_NEIGH_DEL:
		fwd_cache_del(&lc->neigh, &msg->ip);
		set_gateway(lc, &msg->ip, NULL);
		break;
	case DP_MSG_RESET:
		fwd_cache_clear(&lc->neigh);
		memset(lc->master, 0, sizeof(lc->master));
		for (uint32_t i = 0; i < lc->sh->n_nexthops; i++)
			lc->adj[i].mtu = 0;
		for (uint32_t i = 0; i < lc->sh->n_nexthops6; i++)
			lc->adj6[i].mtu = 0;
		dp_lcore_refresh(lc);
		break;
	default:
		break;
	}
}

unsigned int
dp_apply_msgs(struct dp_lcore *lc)
{
	struct dp_msg msgs[DP_BURST];
	unsigned int n, total = 0;

	if (lc->msgs == NULL)
		return 0;
	while ((n = rte_ring_dequeue_burst_elem(lc->msgs, msgs, sizeof(msgs[0]), DP_BURST,
						NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++)
			dp_apply_msg(lc, &msgs[i]);
		total += n;
	}
	return total;
}
