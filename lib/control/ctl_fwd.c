/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore's side of forwarding: the route table (connected subnets and static
 * routes in one rte_lpm, built once; IPv6's in ctl_fwd6.c), neighbour resolution by ARP
 * (or neighbour solicitation) with a bounded hold queue, learning from ARP replies (and
 * neighbour advertisements), aging, and publishing resolved neighbours to every lcore.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lpm.h>

#include "carp_arp.h"
#include "carp_bytes.h"
#include "carp_frame.h"
#include "ctl.h"
#include "fwd_arp.h"

#define NEIGH_TICK_NS (100 * 1000 * 1000ull)
#define ARP_FRAME_LEN (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)

static uint32_t
mask_of(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

static int
add_route(struct ctl_node *n, uint32_t prefix, uint8_t len, uint32_t via, uint16_t iface)
{
	struct dp_shared *sh = n->sh;
	uint32_t i = sh->n_nexthops++;

	sh->nexthop[i].ip = via;
	sh->nexthop[i].iface = iface;
	if (via == 0 && len <= 30) {
		sh->nexthop[i].net = prefix & mask_of(len);
		sh->nexthop[i].bcast = prefix | ~mask_of(len);
	}
	return rte_lpm_add(sh->lpm, prefix & mask_of(len), len, i);
}

static int
add_local(struct ctl_node *n, uint32_t addr, uint16_t iface)
{
	int rc = add_route(n, addr, 32, 0, iface);

	n->sh->nexthop[n->sh->n_nexthops - 1].local = true;
	return rc;
}

/* Every MAC of ours a frame on interface @p i may claim: the ports' and its own vMACs. */
static int
own_macs_init(struct ctl_node *n, uint16_t i)
{
	struct ctl_iface *ci = &n->iface[i];
	unsigned int k = 0;

	ci->own_macs = calloc(n->cfg->n_ports + 255, sizeof(*ci->own_macs));
	if (ci->own_macs == NULL)
		return -ENOMEM;
	for (unsigned int q = 0; q < n->cfg->n_ports; q++)
		memcpy(ci->own_macs[k++], n->sh->port[q].mac.addr_bytes, 6);
	for (unsigned int v = 0; v < n->cfg->n_vhids; v++)
		if (n->cfg->vhids[v].iface == i)
			carp_vmac(n->cfg->vhids[v].vhid, ci->own_macs[k++]);
	ci->n_own_macs = k;
	return 0;
}

int
ctl_fwd_init(struct ctl_node *n)
{
	const struct carp_config *cfg = n->cfg;
	struct rte_lpm_config lc = { .number_tbl8s = 256 };
	uint32_t n_routes = cfg->n_routes;
	int rc = 0;

	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		n_routes += 2 * cfg->ifaces[i].n_addrs; /* connected subnet and local /32 */
	for (unsigned int v = 0; v < cfg->n_vhids; v++)
		n_routes += cfg->vhids[v].n_vip4;
	lc.number_tbl8s += n_routes; /* a /32 may need a tbl8 group of its own */
	/* Each prefix longer than /24 may need a tbl8 group of its own. */
	for (unsigned int r = 0; r < cfg->n_routes; r++)
		lc.number_tbl8s += cfg->routes[r].prefix.family == 4 &&
				   cfg->routes[r].prefix.prefixlen > 24;
	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		for (unsigned int a = 0; a < cfg->ifaces[i].n_addrs; a++)
			lc.number_tbl8s += cfg->ifaces[i].addrs[a].prefixlen > 24;
	lc.max_rules = n_routes + 16;
	n->sh->lpm = rte_lpm_create("carp_routes", (int)rte_socket_id(), &lc);
	n->sh->nexthop = calloc(n_routes + 1, sizeof(*n->sh->nexthop));
	if (n->sh->lpm == NULL || n->sh->nexthop == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < cfg->n_ifaces && rc == 0; i++)
		for (unsigned int a = 0; a < cfg->ifaces[i].n_addrs && rc == 0; a++)
			if (cfg->ifaces[i].addrs[a].family == 4)
				rc = add_route(n, cfg->ifaces[i].addrs[a].v4,
					       cfg->ifaces[i].addrs[a].prefixlen, 0, (uint16_t)i);
	for (unsigned int r = 0; r < cfg->n_routes && rc == 0; r++)
		if (cfg->routes[r].prefix.family == 4)
			rc = add_route(n, cfg->routes[r].prefix.v4, cfg->routes[r].prefix.prefixlen,
				       cfg->routes[r].via.v4, (uint16_t)cfg->routes[r].iface);
	/* Our own addresses as /32 local routes: the per-burst lookup tells workers what is
	 * for us, with no second table lookup per packet. */
	for (unsigned int i = 0; i < cfg->n_ifaces && rc == 0; i++)
		for (unsigned int a = 0; a < cfg->ifaces[i].n_addrs && rc == 0; a++)
			if (cfg->ifaces[i].addrs[a].family == 4)
				rc = add_local(n, cfg->ifaces[i].addrs[a].v4, (uint16_t)i);
	for (unsigned int v = 0; v < cfg->n_vhids && rc == 0; v++)
		for (unsigned int i = 0; i < cfg->vhids[v].n_vip4 && rc == 0; i++)
			rc = add_local(n, cfg->vhids[v].vip4[i], (uint16_t)cfg->vhids[v].iface);
	for (unsigned int i = 0; i < cfg->n_ifaces && rc == 0; i++)
		rc = own_macs_init(n, (uint16_t)i);
	if (rc == 0)
		rc = ctl_fwd6_init(n);
	if (rc == 0) {
		struct fwd_neigh_params np = {
			.max = ctl_neigh_capacity(cfg),
			.hold_per_entry = cfg->global.neighbor_queue,
			.hold_total = cfg->global.neighbor_hold_max,
			.timeout_ns = (uint64_t)cfg->global.neighbor_timeout_s * 1000000000ull,
			.resolve_rate = cfg->global.neighbor_resolve_rate,
		};

		rc = fwd_neigh_init(&n->neigh, &np);
	}
	return rc;
}

void
ctl_fwd_free(struct ctl_node *n)
{
	struct fwd_neigh_table *t = &n->neigh;

	for (uint32_t i = 0; t->e && i <= t->mask; i++)
		for (unsigned int k = 0; k < t->e[i].n_held; k++)
			rte_pktmbuf_free(t->e[i].held[k]);
	fwd_neigh_free(t);
	for (uint16_t i = 0; i < DP_MAX_IFACES; i++) {
		free(n->iface[i].own_macs);
		n->iface[i].own_macs = NULL;
	}
	ctl_fwd6_free(n);
	rte_lpm_free(n->sh->lpm);
	free(n->sh->nexthop);
	n->sh->lpm = NULL;
	n->sh->nexthop = NULL;
}

/* The interface address to ask from: the first one whose subnet holds @p target. */
static uint32_t
source_for(const struct carp_config_iface *cp, uint32_t target)
{
	uint32_t first = 0;

	for (unsigned int a = 0; a < cp->n_addrs; a++) {
		const struct carp_config_addr *ad = &cp->addrs[a];

		if (ad->family != 4)
			continue;
		if (first == 0)
			first = ad->v4;
		if (((ad->v4 ^ target) & mask_of(ad->prefixlen)) == 0)
			return ad->v4;
	}
	return first;
}

static void
send_request(void *arg, const struct fwd_neigh *nb)
{
	struct ctl_node *n = arg;
	uint32_t target;
	const struct dp_iface *ifc = &n->sh->iface[nb->iface];
	struct rte_mbuf *m;
	uint8_t *f, *arp;

	if (!fwd_addr_is4(&nb->ip)) {
		ctl_fwd6_solicit(n, nb);
		return;
	}
	m = rte_pktmbuf_alloc(n->mp);

	if (m == NULL || (f = (uint8_t *)rte_pktmbuf_append(m, ARP_FRAME_LEN)) == NULL) {
		rte_pktmbuf_free(m);
		n->fwd_st.arp_request_nombuf++;
		return;
	}
	/* Start from a gratuitous ARP of our own address, then ask for the target. */
	target = fwd_addr_to4(&nb->ip);
	memset(f, 0, ARP_FRAME_LEN);
	carp_build_garp(f, ARP_FRAME_LEN, ifc->mac.addr_bytes,
			source_for(n->iface[nb->iface].cfg, target));
	arp = f + CARP_ETHER_HDR_LEN;
	carp_wr32(arp + 24, target);
	ctl_send_frame(n, nb->iface, m);
	n->fwd_st.arp_requests++;
}

static void
neigh_resolved(void *arg, const struct fwd_neigh *nb, void **held, unsigned int n_held)
{
	struct ctl_node *n = arg;

	ctl_pub_neigh_set(&n->pub, &nb->ip, nb->mac, nb->iface);
	for (unsigned int i = 0; i < n_held; i++) {
		struct rte_mbuf *m = held[i];

		dp_queue_tx(n->ctl_lc, dp_fwd_rewrite(n->ctl_lc, m, nb->mac, dp_meta_iface(m)), m);
		n->fwd_st.released++;
		n->ctl_lc->cnt.forwarded++;
	}
}

static void
neigh_removed(void *arg, const struct fwd_addr *ip, void **held, unsigned int n_held)
{
	struct ctl_node *n = arg;

	ctl_pub_neigh_del(&n->pub, ip);
	for (unsigned int i = 0; i < n_held; i++)
		rte_pktmbuf_free(held[i]);
	n->fwd_st.unresolved_drops += n_held;
	n->ctl_lc->cnt.fwd_drop[FWD_DROP_NO_NEIGHBOR] += n_held;
}

static const struct fwd_neigh_ops *
ops(struct ctl_node *n)
{
	n->neigh_ops = (struct fwd_neigh_ops){ send_request, neigh_removed, neigh_resolved, n };
	return &n->neigh_ops;
}

int
ctl_fwd_start(struct ctl_node *n)
{
	for (unsigned int i = 0; i < n->cfg->n_neighbors; i++) {
		const struct carp_config_neighbor *cn = &n->cfg->neighbors[i];
		struct fwd_addr key = cn->addr.family == 4 ? fwd_addr4(cn->addr.v4)
							   : fwd_addr6(cn->addr.v6.b);
		int rc = fwd_neigh_add_static(&n->neigh, &key, (uint16_t)cn->iface, cn->mac);

		if (rc)
			return rc;
		neigh_resolved(n, fwd_neigh_find(&n->neigh, &key), NULL, 0);
	}
	return 0;
}

void
ctl_fwd_resolve(struct ctl_node *n, struct rte_mbuf *m)
{
	struct fwd_addr via = fwd_addr4(m->hash.fdir.lo);
	uint16_t iface = dp_meta_iface(m);
	const struct fwd_neigh *nb;
	int rc;

	if ((m->hash.fdir.hi & DP_META_RESOLVE6) && !ctl_fwd6_next_hop(n, m, &via)) {
		n->ctl_lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE]++;
		rte_pktmbuf_free(m);
		return;
	}
	rc = fwd_neigh_hold(&n->neigh, &via, iface, m, ctl_now_ns(), ops(n));

	if (rc == 0)
		return; /* held; why a packet was not is counted in neigh.st.hold */
	if (rc == -EEXIST && (nb = fwd_neigh_find(&n->neigh, &via)) != NULL) {
		/* resolved meanwhile */
		dp_queue_tx(n->ctl_lc, dp_fwd_rewrite(n->ctl_lc, m, nb->mac, iface), m);
		n->fwd_st.released++;
		n->ctl_lc->cnt.forwarded++;
		return;
	}
	n->fwd_st.unresolved_drops++;
	n->ctl_lc->cnt.fwd_drop[FWD_DROP_NO_NEIGHBOR]++;
	rte_pktmbuf_free(m);
}

const uint8_t *
ctl_fwd_neighbor_mac(struct ctl_node *n, uint32_t ip, uint16_t iface)
{
	struct fwd_addr key = fwd_addr4(ip);
	const struct fwd_neigh *nb = fwd_neigh_find(&n->neigh, &key);

	if (nb != NULL && nb->state != FWD_NEIGH_INCOMPLETE && nb->iface == iface)
		return nb->mac;
	if (nb == NULL)
		(void)fwd_neigh_hold(&n->neigh, &key, iface, NULL, ctl_now_ns(), ops(n));
	return NULL;
}

static bool
is_own_addr(const void *arg, uint32_t ip)
{
	const struct ctl_node *n = arg;

	return carp_vip_table_lookup(&n->sh->local, 0, ip) != CARP_VIP_NONE;
}

void
ctl_fwd_arp_input(struct ctl_node *n, uint16_t i, struct rte_mbuf *m)
{
	const struct dp_iface *dp = &n->sh->iface[i];
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	/* The ARP path also carries neighbour advertisements (dp_nd.c) and MLD queries
	 * (dp_ipv6.c). */
	if (m->l2_len >= 14 && carp_rd16(f + m->l2_len - 2) == CARP_ETHERTYPE_IPV6) {
		const uint8_t *ip6 = f + m->l2_len;

		if (rte_pktmbuf_data_len(m) > m->l2_len + 40 && ip6[6] == 58 &&
		    ip6[40] == 136) {
			if (ctl_fwd6_advert(n, i, m, ops(n)) == FWD_ARP_OWN_ADDRESS)
				CARP_LOG(DEBUG, "%s: a neighbour advertisement from another "
					 "station claims one of our addresses",
					 n->iface[i].cfg->name);
			rte_pktmbuf_free(m);
			return;
		}
		ctl_mld_query(n, i, m);
		return;
	}
	const struct fwd_arp_iface in = {
		.iface = i, .addr4 = dp->addr4, .plen4 = dp->plen4, .n_addr4 = dp->n_addr4,
		.own_macs = (const uint8_t(*)[6])n->iface[i].own_macs,
		.n_own_macs = n->iface[i].n_own_macs, .is_own_addr = is_own_addr, .arg = n,
	};

	if (fwd_arp_input(&n->neigh, &in, rte_pktmbuf_mtod(m, uint8_t *),
			  rte_pktmbuf_data_len(m), ctl_now_ns(), ops(n)) == FWD_ARP_OWN_ADDRESS)
		CARP_LOG(DEBUG, "%s: ARP from another station claims one of our addresses",
			 n->iface[i].cfg->name);
	rte_pktmbuf_free(m);
}

void
ctl_fwd_tick(struct ctl_node *n, uint64_t now)
{
	if (now < n->next_neigh_tick)
		return;
	n->next_neigh_tick = now + NEIGH_TICK_NS;
	fwd_neigh_tick(&n->neigh, now, ops(n));
}
