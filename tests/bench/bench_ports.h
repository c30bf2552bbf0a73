/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_BENCH_PORTS_H
#define CARP_BENCH_PORTS_H

/*
 * The benchmarks' data plane without a NIC (bench_dataplane.c, bench_filter.c): two ring
 * ports on a real EAL, lan 10.99.0.2/24 and wan 10.100.0.2/24, each the MASTER of its
 * VHID, a route 10.200.0.0/16 via the resolved gateway 10.100.0.254, set up as
 * tests/component/test_dataplane.c does. Compiled against older trees too (the #ifdefs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>

#include "carp_frame.h"
#include "dp.h"

#ifndef BENCH_MBUFS
#define BENCH_MBUFS 8191
#endif

#define LAN 0
#define WAN 1

static struct rte_mempool *mp;
static struct rte_ring *rx_ring[2], *tx_ring[2];
static struct dp_shared *sh;
static struct dp_lcore *lc;

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static void
to_control(struct dp_lcore *l, struct rte_mbuf *m)
{
	(void)l;
	rte_pktmbuf_free(m);
}

static uint16_t
make_port(int i, const char *name)
{
	struct rte_eth_conf conf = { 0 };
	char rn[32];
	int port;

	snprintf(rn, sizeof(rn), "brx_%s", name);
	rx_ring[i] = rte_ring_create(rn, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rn, sizeof(rn), "btx_%s", name);
	tx_ring[i] = rte_ring_create(rn, 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	port = rte_eth_from_rings(name, &rx_ring[i], 1, &tx_ring[i], 1, 0);
	if (port < 0 || rte_eth_dev_configure((uint16_t)port, 1, 1, &conf) ||
	    rte_eth_rx_queue_setup((uint16_t)port, 0, 1024, 0, NULL, mp) ||
	    rte_eth_tx_queue_setup((uint16_t)port, 0, 1024, 0, NULL) ||
	    rte_eth_dev_start((uint16_t)port))
		die("ring port");
	return (uint16_t)port;
}

static void
add_local(uint32_t addr, uint16_t value)
{
#ifdef DP_OWN_SRC_BITS
	if (dp_shared_add_local(sh, addr, value))
		die("local table");
#else /* a build from before the spoofed-source filter */
	if (carp_vip_table_add(&sh->local, 0, addr, value))
		die("local table");
#endif
}

static void
setup(void)
{
	struct rte_lpm_config lpmc = { .max_rules = 16, .number_tbl8s = 32 };
	static const uint32_t addr[2] = { 0x0a630002, 0x0a640002 };
	static const uint8_t gw[6] = { 2, 0, 0, 0, 0x10, 0xfe };
	struct dp_msg msg = { .type = DP_MSG_NEIGH_SET, .ip = fwd_addr4(0x0a6400fe), .iface = WAN };

	mp = rte_pktmbuf_pool_create("b_mbufs", BENCH_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	sh = calloc(1, sizeof(*sh));
	lc = calloc(1, sizeof(*lc));
	if (!mp || !sh || !lc || carp_vip_table_init(&sh->vips, 4) ||
	    carp_vip_table_init(&sh->local, 8))
		die("memory");
	memset(sh->vlan_iface, 0xff, sizeof(sh->vlan_iface));
	for (int p = 0; p < 2; p++) {
		struct dp_port *dp = &sh->port[p];
		struct dp_iface *di = &sh->iface[p];

		dp->port_id = make_port(p, p == LAN ? "blan" : "bwan");
		rte_eth_macaddr_get(dp->port_id, &dp->mac);
		dp->untagged = (uint16_t)p; /* interface p: port p's untagged side */
		di->port = (uint16_t)p;
		di->mac = dp->mac;
		di->addr4[0] = addr[p];
		di->plen4[0] = 24;
		di->n_addr4 = 1;
		di->mtu = 1500;
		for (int v = 0; v < 256; v++)
			di->vhid_idx[v] = DP_NO_VHID;
		di->vhid_idx[p + 1] = (uint16_t)p;
		carp_vmac((uint8_t)(p + 1), sh->vmac[p].addr_bytes);
		sh->port_of_id[dp->port_id] = (uint16_t)p;
		carp_vip_table_add(&sh->vips, (uint16_t)p, addr[p] - 1, (uint16_t)p);
		add_local(addr[p] - 1, (uint16_t)p);
		add_local(addr[p], (uint16_t)(DP_LOCAL_PORT_ADDR | p));
	}
	sh->n_ports = 2;
	sh->n_ifaces = 2;
	sh->n_vhids = 2;
	sh->lpm = rte_lpm_create("b_routes", 0, &lpmc);
	sh->nexthop = calloc(8, sizeof(*sh->nexthop));
	if (!sh->lpm || !sh->nexthop)
		die("routes");
	sh->nexthop[0] = (struct dp_nexthop){ .ip = 0x0a6400fe, .iface = WAN };
	sh->n_nexthops = 1;
	rte_lpm_add(sh->lpm, 0x0ac80000, 16, 0); /* 10.200.0.0/16 via 10.100.0.254 */
	if (dp_lcore_init(lc, sh, 0, 16))
		die("lcore");
#ifdef DP_OWN_SRC_BITS
	lc->carp.fn = lc->arp.fn = lc->resolve.fn = to_control;
#else
	lc->punt_fn = lc->resolve_fn = to_control;
#endif
	memcpy(msg.mac, gw, 6);
	dp_apply_msg(lc, &msg);
	for (uint16_t v = 0; v < 2; v++)
		dp_apply_msg(lc, &(struct dp_msg){ .type = DP_MSG_MASTER, .idx = v, .flag = 1 });
}

#endif
