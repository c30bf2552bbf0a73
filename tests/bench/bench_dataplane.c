/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's per-packet cost without a NIC: bursts of 32 IPv4/UDP frames through
 * dp_rx_burst on a real EAL with two ring ports, as tests/component/test_dataplane.c sets
 * them up (a route via a resolved gateway, the vMAC of a MASTER VHID as destination).
 * Deterministic enough for callgrind, which counts instructions whatever else the machine
 * does (scripts/bench-dataplane.sh runs it that way against a baseline build):
 *
 *   bench_dataplane [BURSTS]        (default 200000)
 *
 * Prints the packets forwarded and the wall-clock rate (a rough figure on a shared host).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>

#include "carp_cksum.h"
#include "carp_frame.h"
#include "dp.h"

#define LAN 0
#define WAN 1

static struct rte_mempool *mp;
static struct rte_ring *rx_ring[2], *tx_ring[2];
static struct dp_shared *sh;
static struct dp_lcore *lc;

static void
die(const char *what)
{
	fprintf(stderr, "bench_dataplane: %s\n", what);
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

	mp = rte_pktmbuf_pool_create("b_mbufs", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
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

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci",
			"--no-telemetry", "--log-level", "error", prefix, NULL };
	long bursts = argc > 1 ? atol(argv[1]) : 200000;
	uint8_t frame[60] = { 0 };
	struct rte_mbuf *pkts[DP_BURST], *out[DP_BURST];
	struct timespec t0, t1;
	uint64_t done = 0;
	uint16_t c;

	snprintf(prefix, sizeof(prefix), "--file-prefix=benchdp%d", (int)getpid());
	if (rte_eal_init(11, eal) < 0)
		die("EAL");
	setup();
	carp_vmac(1, frame);
	memcpy(frame + 6, (const uint8_t[6]){ 2, 0, 0, 0, 0x63, 9 }, 6);
	frame[12] = 0x08;
	memcpy(frame + 14, (const uint8_t[20]){ 0x45, 0, 0, 0x2a, 0x12, 0x34, 0, 0, 64, 17, 0, 0,
					      10, 99, 0, 9, 10, 200, 1, 5 }, 20);
	c = carp_cksum(frame + 14, 20);
	frame[24] = (uint8_t)(c >> 8);
	frame[25] = (uint8_t)c;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long b = 0; b < bursts; b++) {
		unsigned int n;

		if (rte_pktmbuf_alloc_bulk(mp, pkts, DP_BURST))
			die("mbufs");
		for (int i = 0; i < DP_BURST; i++) {
			memcpy(rte_pktmbuf_append(pkts[i], sizeof(frame)), frame, sizeof(frame));
			pkts[i]->port = sh->port[LAN].port_id;
		}
		dp_rx_burst(lc, LAN, pkts, DP_BURST);
		dp_tx_flush(lc);
		while ((n = rte_ring_dequeue_burst(tx_ring[WAN], (void **)out, DP_BURST, NULL)) > 0) {
			rte_pktmbuf_free_bulk(out, n);
			done += n;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("forwarded %llu of %llu packets, %.2f Mpps (wall clock)\n",
	       (unsigned long long)done, (unsigned long long)bursts * DP_BURST,
	       done / ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3));
	rte_eal_cleanup();
	return done == (uint64_t)bursts * DP_BURST ? 0 : 1;
}
