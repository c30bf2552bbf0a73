/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore's side of IPv6 forwarding, beside ctl_fwd.c's IPv4: the route table
 * (connected IPv6 subnets, static routes and our own addresses as /128 local routes in
 * one rte_lpm6, built once), neighbour solicitations for next hops (the shared neighbour
 * table holds both families, fwd_addr.h), learning from neighbour advertisements
 * (fwd_nd.h), and packets the workers could not resolve.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lpm6.h>

#include "carp_nd.h"
#include "ctl.h"
#include "fwd_nd.h"

/* tbl8 groups a rule of @p depth may need beyond the 24-bit first level. */
static uint32_t
tbl8s_for(uint8_t depth)
{
	return depth > 24 ? (depth - 24 + 7) / 8 : 0;
}

static int
add_route6(struct ctl_node *n, const struct carp_in6 *prefix, uint8_t len,
	   const struct carp_in6 *via, uint16_t iface, bool local)
{
	struct dp_shared *sh = n->sh;
	uint32_t i = sh->n_nexthops6++;

	sh->nexthop6[i].ip = *via;
	sh->nexthop6[i].iface = iface;
	sh->nexthop6[i].local = local;
	return rte_lpm6_add(sh->lpm6, prefix->b, len, i);
}

int
ctl_fwd6_init(struct ctl_node *n)
{
	static const struct carp_in6 none;
	const struct carp_config *cfg = n->cfg;
	struct rte_lpm6_config lc = { .number_tbl8s = 64 };
	uint32_t n_routes = 0;
	int rc = 0;

	for (unsigned int r = 0; r < cfg->n_routes; r++)
		if (cfg->routes[r].prefix.family == 6) {
			n_routes++;
			lc.number_tbl8s += tbl8s_for(cfg->routes[r].prefix.prefixlen);
		}
	for (unsigned int i = 0; i < cfg->n_ifaces; i++)
		for (unsigned int a = 0; a < cfg->ifaces[i].n_addrs; a++)
			if (cfg->ifaces[i].addrs[a].family == 6) {
				n_routes += 2; /* connected subnet and local /128 */
				lc.number_tbl8s += tbl8s_for(cfg->ifaces[i].addrs[a].prefixlen) +
						   tbl8s_for(128);
			}
	for (unsigned int v = 0; v < cfg->n_vhids; v++) {
		n_routes += cfg->vhids[v].n_vip6;
		lc.number_tbl8s += cfg->vhids[v].n_vip6 * tbl8s_for(128);
	}
	if (n_routes == 0)
		return 0; /* no IPv6: workers drop IPv6 to elsewhere as no_route */
	lc.max_rules = n_routes + 16;
	n->sh->lpm6 = rte_lpm6_create("carp_routes6", (int)rte_socket_id(), &lc);
	n->sh->nexthop6 = calloc(n_routes, sizeof(*n->sh->nexthop6));
	if (n->sh->lpm6 == NULL || n->sh->nexthop6 == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < cfg->n_ifaces && rc == 0; i++)
		for (unsigned int k = 0; k < cfg->ifaces[i].n_addrs && rc == 0; k++) {
			const struct carp_config_addr *a = &cfg->ifaces[i].addrs[k];

			/* fe80::/64 is every interface's: nothing is forwarded to it */
			if (a->family == 6 && !carp_in6_is_link_local(&a->v6))
				rc = add_route6(n, &a->v6, a->prefixlen, &none, (uint16_t)i, false);
		}
	for (unsigned int r = 0; r < cfg->n_routes && rc == 0; r++) {
		const struct carp_config_route *cr = &cfg->routes[r];

		if (cr->prefix.family == 6)
			rc = add_route6(n, &cr->prefix.v6, cr->prefix.prefixlen, &cr->via.v6,
					(uint16_t)cr->iface, false);
	}
	/* Our own addresses as /128 local routes, as for IPv4. */
	for (unsigned int i = 0; i < cfg->n_ifaces && rc == 0; i++)
		for (unsigned int k = 0; k < cfg->ifaces[i].n_addrs && rc == 0; k++) {
			const struct carp_config_addr *a = &cfg->ifaces[i].addrs[k];

			if (a->family == 6 && !carp_in6_is_link_local(&a->v6))
				rc = add_route6(n, &a->v6, 128, &none, (uint16_t)i, true);
		}
	for (unsigned int v = 0; v < cfg->n_vhids && rc == 0; v++)
		for (unsigned int k = 0; k < cfg->vhids[v].n_vip6 && rc == 0; k++)
			if (!carp_in6_is_link_local(&cfg->vhids[v].vip6[k]))
				rc = add_route6(n, &cfg->vhids[v].vip6[k], 128, &none,
						(uint16_t)cfg->vhids[v].iface, true);
	return rc;
}

void
ctl_fwd6_free(struct ctl_node *n)
{
	rte_lpm6_free(n->sh->lpm6);
	free(n->sh->nexthop6);
	n->sh->lpm6 = NULL;
	n->sh->nexthop6 = NULL;
	n->sh->n_nexthops6 = 0;
}

void
ctl_fwd6_solicit(struct ctl_node *n, const struct fwd_neigh *nb)
{
	const struct dp_iface *ifc = &n->sh->iface[nb->iface];
	struct rte_mbuf *m;
	struct carp_in6 target;
	uint8_t *f;

	if (ifc->n_addr6 == 0)
		return; /* the config puts IPv6 next hops on interfaces with IPv6 only */
	m = rte_pktmbuf_alloc(n->mp);
	f = m ? (uint8_t *)rte_pktmbuf_append(m, CARP_NA_FRAME_LEN) : NULL;
	if (f == NULL) {
		rte_pktmbuf_free(m);
		n->fwd_st.arp_request_nombuf++;
		return;
	}
	/* From the link-local address, which every neighbour on the link can answer. */
	memcpy(target.b, nb->ip.b, 16);
	carp_build_ns(f, CARP_NA_FRAME_LEN, ifc->mac.addr_bytes, &ifc->addr6[0], &target);
	ctl_send_frame(n, nb->iface, m);
	n->fwd_st.nd_solicits++;
}

bool
ctl_fwd6_next_hop(const struct ctl_node *n, const struct rte_mbuf *m, struct fwd_addr *via)
{
	const uint8_t *ip6 = rte_pktmbuf_mtod(m, const uint8_t *) + m->l2_len;
	uint32_t hop = m->hash.fdir.lo;
	const struct dp_nexthop6 *nh;

	if (hop >= n->sh->n_nexthops6)
		return false;
	nh = &n->sh->nexthop6[hop];
	*via = carp_in6_is_unspecified(&nh->ip) ? fwd_addr6(ip6 + 24) : fwd_addr6(nh->ip.b);
	return true;
}

static bool
is_own_addr6(const void *arg, const struct carp_in6 *a)
{
	const struct ctl_node *n = arg;

	return carp_addr6_table_lookup(&n->sh->local6, 0, a) != CARP_ADDR6_NONE;
}

enum fwd_arp
ctl_fwd6_advert(struct ctl_node *n, uint16_t i, struct rte_mbuf *m,
		const struct fwd_neigh_ops *ops)
{
	const struct dp_iface *dp = &n->sh->iface[i];
	uint8_t plen6[DP_IFACE_ADDR6_MAX];
	const struct fwd_nd_iface in = {
		.iface = i, .addr6 = dp->addr6, .plen6 = plen6, .n_addr6 = dp->n_addr6,
		.own_macs = (const uint8_t(*)[6])n->iface[i].own_macs,
		.n_own_macs = n->iface[i].n_own_macs, .is_own_addr = is_own_addr6, .arg = n,
	};
	const struct carp_config_iface *ci = n->iface[i].cfg;

	/* The prefix lengths of the interface's IPv6 addresses, in dp->addr6's order. */
	for (unsigned int k = 0; k < dp->n_addr6; k++) {
		plen6[k] = 64;
		for (unsigned int a = 0; a < ci->n_addrs; a++)
			if (ci->addrs[a].family == 6 &&
			    memcmp(&ci->addrs[a].v6, &dp->addr6[k], 16) == 0)
				plen6[k] = ci->addrs[a].prefixlen;
	}
	return fwd_nd_input(&n->neigh, &in, rte_pktmbuf_mtod(m, const uint8_t *) + m->l2_len,
			    rte_pktmbuf_data_len(m) - m->l2_len, ctl_now_ns(), ops);
}
