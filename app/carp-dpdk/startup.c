/* SPDX-License-Identifier: BSD-3-Clause */
#include "startup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "carp_nd.h"
#include "ctl_sync.h"
#include "dp_filter.h"

#define MBUF_CACHE 256
#define RING_MIN 1024
#define PUNT_RING_SIZE 1024 /* each of the three rings to the control lcore (mbufs) */
#define SYNC_RING_SIZE 8192 /* each lcore's changes to the sync, between two control passes */
#define DEFER_RING_SIZE 256 /* each lcore's first packets to hold (defer mode) */
#define PUNT_RINGS 3

static int
fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "carp-dpdk: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	return -1;
}

static bool
is_pci_address(const char *dev)
{
	unsigned int d, b, s, f;
	char tail;

	return sscanf(dev, "%x:%x:%x.%x%c", &d, &b, &s, &f, &tail) == 4 ||
	       sscanf(dev, "%x:%x.%x%c", &b, &s, &f, &tail) == 3;
}

/*
 * Find or create the ethdev of a config port. Virtual devices are hot-plugged after the
 * EAL has started, when the lcore count is known: af_packet must have one queue pair per
 * queue we use, or its fanout would hand frames to a queue nobody polls.
 */
static int
attach_device(const struct carp_config_port *cp, uint16_t nb_queues, uint16_t *port_id)
{
	char devargs[512], name[128];
	size_t n = strcspn(cp->device, ",");

	snprintf(name, sizeof(name), "%.*s", (int)n, cp->device);
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	if (is_pci_address(cp->device))
		return fail("port '%s': PCI device %s not found: is it bound to a DPDK driver "
			    "(vfio-pci) and not excluded with --no-pci or -b?", cp->name, name);
	/* DPDK's af_packet copies a frame of up to framesz bytes into one mbuf without a
	 * check: a larger ring frame would let a big datagram (its fanout reassembles
	 * fragments) run past the mbuf, whose room is RTE_MBUF_DEFAULT_DATAROOM (2048). */
	_Static_assert(RTE_MBUF_DEFAULT_DATAROOM == 2048, "the message below says 2048");
	if (strncmp(cp->device, "net_af_packet", 13) == 0 && strstr(cp->device, "framesz=") &&
	    strtoul(strstr(cp->device, "framesz=") + 8, NULL, 0) > 2048)
		return fail("port '%s': framesz above 2048 in '%s': af_packet would copy frames "
			    "that large into mbufs of 2048 bytes; leave framesz out or lower it",
			    cp->name, cp->device);
	if (strncmp(cp->device, "net_af_packet", 13) == 0 && !strstr(cp->device, "qpairs="))
		snprintf(devargs, sizeof(devargs), "%s,qpairs=%u", cp->device, nb_queues);
	else
		snprintf(devargs, sizeof(devargs), "%s", cp->device);
	if (rte_dev_probe(devargs) != 0)
		return fail("port '%s': cannot create device '%s' (check the device arguments "
			    "and that the interface exists)", cp->name, devargs);
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0)
		return fail("port '%s': device '%s' created but no ethdev port appeared",
			    cp->name, name);
	return 0;
}

static struct rte_mempool *
create_pool(const struct carp_config *cfg, uint16_t nb_queues, unsigned int n_lcores)
{
	/* Rings stay full, caches and tx buffers hold some, the rings to the control lcore
	 * and the packets held for next hops may be full, and the control lcore needs a few
	 * for adverts: refuse to start rather than run dry under load or attack. */
	unsigned int need = n_lcores * (MBUF_CACHE + DP_BURST * (cfg->n_ports + 1)) + 1024 +
			    PUNT_RINGS * PUNT_RING_SIZE + cfg->global.neighbor_hold_max;
	struct rte_mempool *mp;
	char a[32], b[32];

	for (unsigned int p = 0; p < cfg->n_ports; p++)
		need += nb_queues * (cfg->ports[p].rx_desc + cfg->ports[p].tx_desc);
	/* Each lcore's unfinished reassemblies hold up to 8 fragments each. */
	if (cfg->filter != NULL && cfg->filter->reassemble)
		need += n_lcores * cfg->filter->frag_max * RTE_LIBRTE_IP_FRAG_MAX_FRAG;
	/* Defer mode: each lcore's ring of first packets, and those the control lcore holds. */
	if (cfg->sync != NULL && cfg->sync->defer)
		need += n_lcores * DEFER_RING_SIZE + CTL_SYNC_DEFER_MAX;
	if (cfg->global.mbufs < need) {
		snprintf(a, sizeof(a), "%u", cfg->global.mbufs);
		snprintf(b, sizeof(b), "%u", need);
		fail("mbuf pool too small: global.mbufs is %s, these ports and lcores need at "
		     "least %s; raise global.mbufs or lower rx_desc/tx_desc", a, b);
		return NULL;
	}
	mp = rte_pktmbuf_pool_create("carp_mbufs", cfg->global.mbufs, MBUF_CACHE, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (mp == NULL)
		fail("cannot create the mbuf pool (%s); give the EAL more memory (-m) or lower "
		     "global.mbufs%s", rte_strerror(rte_errno), "");
	return mp;
}

static void
carp_on_control(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct ctl_node *n = lc->punt_arg;

	ctl_carp_input(n, dp_meta_iface(m), m);
}

static void
arp_on_control(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct ctl_node *n = lc->punt_arg;

	ctl_fwd_arp_input(n, dp_meta_iface(m), m);
}

static void
resolve_on_control(struct dp_lcore *lc, struct rte_mbuf *m)
{
	ctl_fwd_resolve(lc->punt_arg, m);
}

static int
setup_lcores(struct app_node *a, unsigned int nb_queues)
{
	unsigned int ring_size = RING_MIN, w = 0, lcore;
	char name[RTE_RING_NAMESIZE];

	/* Room for every VHID and every neighbour to change several times between polls. */
	while (ring_size < 4u * (a->sh->n_vhids + ctl_neigh_capacity(a->ctl.cfg)))
		ring_size <<= 1;
	a->lcores = rte_zmalloc("carp_lcores", sizeof(*a->lcores) * nb_queues, RTE_CACHE_LINE_SIZE);
	a->workers = calloc(a->n_workers, sizeof(*a->workers));
	a->ctl.carp_ring = rte_ring_create("carp_punt", PUNT_RING_SIZE, (int)rte_socket_id(),
					   RING_F_SC_DEQ);
	a->ctl.arp_ring = rte_ring_create("carp_arp", PUNT_RING_SIZE, (int)rte_socket_id(),
					  RING_F_SC_DEQ);
	a->ctl.resolve = rte_ring_create("carp_resolve", PUNT_RING_SIZE, (int)rte_socket_id(),
					 RING_F_SC_DEQ);
	if (!a->lcores || !a->workers || !a->ctl.carp_ring || !a->ctl.arp_ring || !a->ctl.resolve)
		return fail("out of memory for lcore state%s%s", "", "");
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct dp_lcore *lc = &a->lcores[w];

		snprintf(name, sizeof(name), "carp_state_%u", w);
		lc->msgs = rte_ring_create_elem(name, sizeof(struct dp_msg), ring_size,
						(int)rte_lcore_to_socket_id(lcore),
						RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (lc->msgs == NULL)
			return fail("cannot create ring %s: %s", name, rte_strerror(rte_errno));
		lc->carp.ring = a->ctl.carp_ring;
		lc->arp.ring = a->ctl.arp_ring;
		lc->resolve.ring = a->ctl.resolve;
		a->workers[w++] = lc;
	}
	for (unsigned int q = 0; q < nb_queues; q++) {
		a->lcores[q].adaptive_idle = a->ctl.cfg->global.idle == CARP_IDLE_ADAPTIVE;
		if (dp_lcore_init(&a->lcores[q], a->sh, (uint16_t)q,
				  ctl_neigh_capacity(a->ctl.cfg)))
			return fail("out of memory for lcore tables%s%s", "", "");
		/* The states it makes and changes, to the sync (the control lcore's too). */
		if (a->ctl.cfg->sync) {
			snprintf(name, sizeof(name), "carp_sync_%u", q);
			a->lcores[q].sync_events = rte_ring_create_elem(
				name, sizeof(struct dp_sync_event), SYNC_RING_SIZE,
				(int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (a->lcores[q].sync_events == NULL)
				return fail("cannot create ring %s: %s", name,
					    rte_strerror(rte_errno));
		}
		/* Defer mode: the first packets of new states, to be held by the control
		 * lcore (which holds DEFER_MAX; a burst's worth more waits here). */
		if (a->ctl.cfg->sync && a->ctl.cfg->sync->defer) {
			snprintf(name, sizeof(name), "carp_defer_%u", q);
			a->lcores[q].defer = rte_ring_create_elem(
				name, sizeof(struct dp_deferred), DEFER_RING_SIZE,
				(int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (a->lcores[q].defer == NULL)
				return fail("cannot create ring %s: %s", name,
					    rte_strerror(rte_errno));
		}
	}
	/* The control lcore handles its own queue with the same code and punts to itself. */
	a->ctl.ctl_lc = &a->lcores[a->n_workers];
	a->ctl.ctl_lc->carp.fn = carp_on_control;
	a->ctl.ctl_lc->arp.fn = arp_on_control;
	a->ctl.ctl_lc->resolve.fn = resolve_on_control;
	a->ctl.ctl_lc->punt_arg = &a->ctl;
	a->ctl.workers = a->workers;
	a->ctl.n_workers = a->n_workers;
	if (ctl_pub_init(&a->ctl.pub, a->ctl.ctl_lc, a->workers, a->n_workers))
		return fail("out of memory for the update queues%s%s", "", "");
	return 0;
}

/*
 * Interface @p i's IPv6 addresses: its link-local first (the configured one, else derived
 * from the MAC as a kernel would), then the others. Only an interface with IPv6 (an
 * address or a VIP) gets one: an IPv4-only interface stays silent to IPv6.
 */
static void
fill_addr6(struct dp_iface *di, const struct carp_config *cfg, unsigned int i)
{
	const struct carp_config_iface *ci = &cfg->ifaces[i];
	bool any = false, have_ll = false;

	for (unsigned int k = 0; k < ci->n_addrs; k++)
		if (ci->addrs[k].family == 6) {
			any = true;
			have_ll |= carp_in6_is_link_local(&ci->addrs[k].v6);
		}
	for (unsigned int v = 0; v < cfg->n_vhids; v++)
		any |= cfg->vhids[v].iface == i && cfg->vhids[v].n_vip6 > 0;
	di->n_addr6 = 0;
	if (!any)
		return;
	if (!have_ll)
		carp_in6_link_local(di->mac.addr_bytes, &di->addr6[di->n_addr6++]);
	for (unsigned int k = 0; k < ci->n_addrs && di->n_addr6 < RTE_DIM(di->addr6); k++) {
		if (ci->addrs[k].family != 6)
			continue;
		if (carp_in6_is_link_local(&ci->addrs[k].v6) && di->n_addr6 > 0) {
			/* the link-local goes first */
			di->addr6[di->n_addr6++] = di->addr6[0];
			di->addr6[0] = ci->addrs[k].v6;
		} else {
			di->addr6[di->n_addr6++] = ci->addrs[k].v6;
		}
	}
}

/*
 * The interfaces as every lcore reads them: each port's untagged side (unused on a trunk
 * without addresses of its own), then the VLANs, and the (port, VLAN id) map the receive
 * path looks a tag up in. Ports must be set up: a VLAN is tagged by its port's device
 * where that inserts tags.
 */
static void
fill_ifaces(struct dp_shared *sh, const struct carp_config *cfg)
{
	memset(sh->vlan_iface, 0xff, sizeof(sh->vlan_iface)); /* DP_NO_IFACE everywhere */
	for (unsigned int i = 0; i < cfg->n_ifaces; i++) {
		const struct carp_config_iface *ci = &cfg->ifaces[i];
		struct dp_iface *di = &sh->iface[i];

		di->port = (uint16_t)ci->port;
		di->vlan = ci->vlan;
		di->tag_by_device = sh->port[ci->port].tx_vlan_insert;
		di->mac = sh->port[ci->port].mac;
		for (unsigned int k = 0; k < ci->n_addrs && di->n_addr4 < RTE_DIM(di->addr4); k++) {
			if (ci->addrs[k].family != 4)
				continue;
			di->plen4[di->n_addr4] = ci->addrs[k].prefixlen;
			di->addr4[di->n_addr4++] = ci->addrs[k].v4;
		}
		fill_addr6(di, cfg, i);
		for (unsigned int v = 0; v < 256; v++)
			di->vhid_idx[v] = DP_NO_VHID;
		di->source_real = ci->source_mac == CARP_SOURCE_MAC_REAL;
		di->mtu = ci->mtu;
		if (ci->vlan)
			sh->vlan_iface[ci->port][ci->vlan] = (uint16_t)i;
		else
			sh->port[ci->port].untagged = ci->n_addrs ? (uint16_t)i : DP_NO_IFACE;
	}
	sh->n_ifaces = (uint16_t)cfg->n_ifaces;
}

/* What port @p p must accept: the vMACs of the VHIDs on all its interfaces (one each:
 * VHID 1 on two VLANs is one MAC), the ids of its VLANs. */
static void
port_needs(const struct carp_config *cfg, uint16_t p, struct rte_ether_addr *vmacs,
	   uint16_t *vlans, struct dp_port_needs *needs)
{
	bool seen[256] = { false };

	memset(needs, 0, sizeof(*needs));
	needs->vmacs = vmacs;
	needs->vlans = vlans;
	for (unsigned int i = 0; i < cfg->n_vhids; i++) {
		const struct carp_config_vhid *v = &cfg->vhids[i];

		if (cfg->ifaces[v->iface].port != p || seen[v->vhid])
			continue;
		seen[v->vhid] = true;
		carp_vmac(v->vhid, vmacs[needs->n_vmacs++].addr_bytes);
	}
	for (unsigned int i = cfg->n_ports; i < cfg->n_ifaces; i++)
		if (cfg->ifaces[i].port == p)
			vlans[needs->n_vlans++] = cfg->ifaces[i].vlan;
}

static int
setup_ports(struct app_node *a, const struct carp_config *cfg, uint16_t nb_queues)
{
	for (uint16_t p = 0; p < cfg->n_ports; p++) {
		const struct carp_config_port *cp = &cfg->ports[p];
		const struct dp_port_caps *caps = &a->ctl.port[p].caps;
		struct rte_ether_addr vmacs[255];
		uint16_t vlans[CARP_CONFIG_VLANS_MAX];
		struct dp_port_needs needs;
		uint16_t port_id;
		char err[512];

		if (attach_device(cp, nb_queues, &port_id))
			return -1;
		port_needs(cfg, p, vmacs, vlans, &needs);
		if (dp_port_setup(port_id, cp, nb_queues, a->mp, &needs, &a->ctl.port[p].caps,
				  err, sizeof(err)))
			return fail("%s%s", err, "");
		if (caps->mtu_set_error[0])
			CARP_LOG(WARNING, "port %s: the device refused MTU %u (%s); larger frames "
				 "than its own MTU may not be received", cp->name, cp->mtu,
				 caps->mtu_set_error);
		a->ctl.port[p].cfg = cp;
		a->ctl.port[p].port_id = port_id;
		a->sh->port[p].port_id = port_id;
		rte_eth_macaddr_get(port_id, &a->sh->port[p].mac);
		a->sh->port[p].tx_vlan_insert = caps->vlan_insert;
		a->sh->port_of_id[port_id] = p;
		CARP_LOG(INFO, "port %s: %s, queues %u, steering %s, vMACs by %s, link from %s, "
			 "flows spread by %s", cp->name, caps->driver, nb_queues,
			 caps->flow_steering ? "rte_flow" : "software punt",
			 caps->mac_filter ? "MAC filter" : "promiscuous mode",
			 caps->link_from_kernel ? "kernel" : "ethdev", caps->spread);
		if (needs.n_vlans)
			CARP_LOG(INFO, "port %s: %u VLAN(s), untagged side %s; tags stripped by %s, "
				 "inserted by %s, filtered by %s", cp->name, needs.n_vlans,
				 cfg->ifaces[p].n_addrs ? "used" : "unused",
				 caps->vlan_strip ? "the device" : "software",
				 caps->vlan_insert ? "the device" : "software",
				 caps->vlan_filter ? "the device" : "software");
	}
	a->sh->n_ports = (uint16_t)cfg->n_ports;
	a->ctl.n_ports = (uint16_t)cfg->n_ports;
	fill_ifaces(a->sh, cfg);
	for (uint16_t i = 0; i < cfg->n_ifaces; i++)
		a->ctl.iface[i].cfg = &cfg->ifaces[i];
	a->ctl.n_ifaces = (uint16_t)cfg->n_ifaces;
	return 0;
}

int
app_node_start(struct app_node *a, const struct carp_config *cfg)
{
	unsigned int n_lcores = rte_lcore_count();
	uint16_t nb_queues;

	memset(a, 0, sizeof(*a));
	if (n_lcores < 2)
		return fail("needs at least 2 lcores (one control, one worker), e.g. -l 0-1; "
			    "got %s%s", n_lcores ? "1" : "0", "");
	a->n_workers = n_lcores - 1;
	nb_queues = (uint16_t)(a->n_workers + 1);
	a->ctl.cfg = cfg;
	a->sh = rte_zmalloc("carp_shared", sizeof(*a->sh), RTE_CACHE_LINE_SIZE);
	if (a->sh == NULL)
		return fail("out of memory for the shared tables%s%s", "", "");
	a->sh->n_vhids = (uint16_t)cfg->n_vhids;
	dp_shared_set_arp_rate(a->sh, cfg->global.arp_punt_rate);
	dp_shared_set_icmp(a->sh, &a->icmp, cfg->global.icmp_rate,
			   cfg->global.icmp_source == CARP_ICMP_SOURCE_VIP);
	a->mp = create_pool(cfg, nb_queues, n_lcores);
	if (a->mp == NULL || setup_ports(a, cfg, nb_queues))
		return -1;
	if (ctl_node_init(&a->ctl, cfg, a->sh, a->mp) || ctl_fwd_init(&a->ctl))
		return fail("cannot set up the VHIDs and routes (HMAC contexts, timers, LPM)%s%s",
			    "", "");
	a->ctl_ready = true;
	if (cfg->filter) {
		char err[256];

		a->sh->filter = dp_filter_create(cfg->filter, a->n_workers, (int)rte_socket_id(),
						 err, sizeof(err));
		if (a->sh->filter == NULL)
			return fail("%s%s", err, "");
		CARP_LOG(INFO, "filter: %u rule(s) as %u classifier rule(s), up to %u states "
			 "(%zu bytes each)", cfg->filter->n_rules, flt_acl_size(a->sh->filter->acl),
			 cfg->filter->state_limit,
			 flt_table_bytes_per_state(a->sh->filter->table));
	}
	if (setup_lcores(a, nb_queues) || ctl_fwd_start(&a->ctl))
		return -1;
	if (ctl_sync_init(&a->ctl))
		return fail("cannot set up the state sync (HMAC context, engine)%s%s", "", "");
	if (cfg->global.telemetry && ctl_telemetry_register(&a->ctl))
		CARP_LOG(WARNING, "telemetry commands could not be registered");
	return 0;
}

void
app_node_launch(struct app_node *a)
{
	unsigned int lcore, w = 0;

	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(dp_worker_main, a->workers[w++], lcore);
}

void
app_node_stop(struct app_node *a)
{
	ctl_telemetry_detach(); /* DPDK's telemetry thread outlives the node */
	dp_stop = true;
	rte_eal_mp_wait_lcore();
	for (uint16_t p = 0; p < a->ctl.n_ports; p++)
		dp_port_teardown(a->ctl.port[p].port_id);
	if (a->ctl_ready) {
		ctl_sync_free(&a->ctl);
		ctl_fwd_free(&a->ctl);
		ctl_node_free(&a->ctl);
	}
	ctl_pub_free(&a->ctl.pub);
	for (unsigned int w = 0; a->workers && w < a->n_workers; w++)
		if (a->workers[w])
			rte_ring_free(a->workers[w]->msgs);
	for (unsigned int q = 0; a->lcores && q <= a->n_workers; q++) {
		rte_ring_free(a->lcores[q].sync_events);
		rte_ring_free(a->lcores[q].defer);
		dp_lcore_free(&a->lcores[q]);
	}
	rte_ring_free(a->ctl.carp_ring);
	rte_ring_free(a->ctl.arp_ring);
	rte_ring_free(a->ctl.resolve);
	free(a->workers);
	rte_free(a->lcores);
	rte_mempool_free(a->mp);
	if (a->sh)
		dp_filter_free(a->sh->filter);
	rte_free(a->sh);
}
