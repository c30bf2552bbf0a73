/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the worker's frame path (dp_rx_burst: destination check, VLAN and
 * source checks, classifier, ARP and ICMP answers, the IPv4 router checks, forwarding)
 * on a real EAL with two ring-backed ports, as the component test sets them up. The first
 * byte picks which VHIDs are MASTER and whether the "device" stripped a VLAN tag; the rest
 * is one frame received on the LAN port. Whatever it holds:
 *   - every frame is accounted for by exactly one counter, and no mbuf is leaked;
 *   - nothing leaves tagged, to a group address, or from a MAC that is not ours;
 *   - a BACKUP answers nothing for its VIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>

#include "../component/eal_test.h"
#include "carp_frame.h"
#include "dp.h"

#define LAN 0
#define WAN 1

static struct rte_mempool *mp;
static struct rte_ring *rx_ring[2], *tx_ring[2];
static struct dp_shared *sh;
static struct dp_lcore *lc;

/* A broken invariant: say which, then crash so libFuzzer keeps the input. */
#define check(ok) \
	do { \
		if (!(ok)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #ok); \
			abort(); \
		} \
	} while (0)

static void
to_control(struct dp_lcore *l, struct rte_mbuf *m)
{
	(void)l;
	rte_pktmbuf_free(m); /* the control lcore's side has harnesses of its own */
}

static uint16_t
make_port(int i, const char *name)
{
	struct rte_eth_conf conf = { 0 };
	char rn[32];
	int port;

	snprintf(rn, sizeof(rn), "frx_%s", name);
	rx_ring[i] = rte_ring_create(rn, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rn, sizeof(rn), "ftx_%s", name);
	tx_ring[i] = rte_ring_create(rn, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	port = rte_eth_from_rings(name, &rx_ring[i], 1, &tx_ring[i], 1, 0);
	check(port >= 0 && rte_eth_dev_configure((uint16_t)port, 1, 1, &conf) == 0 &&
	      rte_eth_rx_queue_setup((uint16_t)port, 0, 256, 0, NULL, mp) == 0 &&
	      rte_eth_tx_queue_setup((uint16_t)port, 0, 256, 0, NULL) == 0 &&
	      rte_eth_dev_start((uint16_t)port) == 0);
	return (uint16_t)port;
}

static void
add_route(uint32_t prefix, uint8_t len, uint32_t via, uint16_t port, bool local)
{
	uint32_t mask = len ? ~0u << (32 - len) : 0;

	sh->nexthop[sh->n_nexthops] = (struct dp_nexthop){
		.ip = via, .port = port, .local = local,
		.net = via || local ? 0 : prefix & mask, .bcast = via || local ? 0 : prefix | ~mask,
	};
	check(rte_lpm_add(sh->lpm, prefix & mask, len, sh->n_nexthops++) == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[64];
	char *eal[] = { (*argv)[0], "-l", "0", "--no-huge", "-m", "128", "--no-pci",
			"--no-telemetry", "--log-level", "error", prefix, NULL };
	struct rte_lpm_config lpmc = { .max_rules = 16, .number_tbl8s = 32 };
	static const uint32_t addr[2] = { 0x0a630002, 0x0a640002 };
	static const uint8_t vhid[2] = { 1, 2 };
	static const uint8_t server[6] = { 2, 0, 0, 0, 0x10, 9 }, gw[6] = { 2, 0, 0, 0, 0x10, 0xfe };
	struct dp_msg msg = { .type = DP_MSG_NEIGH_SET, .port = WAN };

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzzdp%d", (int)getpid());
	check(rte_eal_init(11, eal) >= 0);
	atexit(eal_test_cleanup); /* libFuzzer ends with exit(): leave no runtime directory */
	mp = rte_pktmbuf_pool_create("fz_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	sh = calloc(1, sizeof(*sh));
	lc = calloc(1, sizeof(*lc));
	check(mp && sh && lc);
	check(carp_vip_table_init(&sh->vips, 4) == 0 && carp_vip_table_init(&sh->local, 8) == 0);
	for (int p = 0; p < 2; p++) {
		struct dp_port *dp = &sh->port[p];

		dp->port_id = make_port(p, p == LAN ? "flan" : "fwan");
		rte_eth_macaddr_get(dp->port_id, &dp->mac);
		dp->addr4[0] = addr[p];
		dp->plen4[0] = 24;
		dp->n_addr4 = 1;
		dp->mtu = 1500;
		for (int v = 0; v < 256; v++)
			dp->vhid_idx[v] = DP_NO_VHID;
		dp->vhid_idx[vhid[p]] = (uint16_t)p;
		carp_vmac(vhid[p], sh->vmac[p].addr_bytes);
		sh->port_of_id[dp->port_id] = (uint16_t)p;
		check(carp_vip_table_add(&sh->vips, (uint16_t)p, addr[p] - 1, (uint16_t)p) == 0);
		check(dp_shared_add_local(sh, addr[p] - 1, (uint16_t)p) == 0);
		check(dp_shared_add_local(sh, addr[p], (uint16_t)(DP_LOCAL_PORT_ADDR | p)) == 0);
	}
	sh->n_ports = 2;
	sh->n_vhids = 2;
	sh->lpm = rte_lpm_create("fz_routes", 0, &lpmc);
	sh->nexthop = calloc(8, sizeof(*sh->nexthop));
	check(sh->lpm && sh->nexthop);
	add_route(0x0a630000, 24, 0, LAN, false);
	add_route(0x0a640000, 24, 0, WAN, false);
	add_route(0x0ac80000, 16, 0x0a6400fe, WAN, false);
	add_route(0x0a630001, 32, 0, LAN, true);
	add_route(0x0a640001, 32, 0, WAN, true);
	check(dp_lcore_init(lc, sh, 0, 16) == 0);
	lc->carp.fn = lc->arp.fn = lc->resolve.fn = to_control;
	msg.ip = 0x0a640009;
	memcpy(msg.mac, server, 6);
	dp_apply_msg(lc, &msg);
	msg.ip = 0x0a6400fe;
	memcpy(msg.mac, gw, 6);
	dp_apply_msg(lc, &msg);
	return 0;
}

static uint64_t
outcomes(void)
{
	uint64_t n = lc->cnt.forwarded + lc->cnt.punted + lc->cnt.to_resolve +
		     lc->cnt.arp_replies + lc->cnt.echo_replies;

	for (int r = 0; r < DP_DROP_COUNT; r++)
		n += lc->cnt.drop[r];
	for (int r = 1; r < FWD_DROP_COUNT; r++)
		n += lc->cnt.fwd_drop[r];
	return n;
}

/* A frame we sent: untagged, to a station, from one of our MACs. */
static void
check_sent(struct rte_mbuf *m, int port)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t type;

	check(rte_pktmbuf_data_len(m) >= 14);
	type = (uint16_t)(f[12] << 8 | f[13]);
	check(type != 0x8100 && type != 0x88a8 && type != 0x9100);
	check(!(m->ol_flags & RTE_MBUF_F_TX_VLAN));
	check(!(f[0] & 1));
	check(memcmp(f + 6, sh->port[port].mac.addr_bytes, 6) == 0 ||
	      (memcmp(f + 6, sh->vmac[port].addr_bytes, 6) == 0 && lc->master[port]));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *out;
	uint64_t before;
	uint8_t *f;

	if (size < 1 || size > 1 + RTE_MBUF_DEFAULT_DATAROOM)
		return 0;
	for (uint16_t v = 0; v < 2; v++)
		if (lc->master[v] != ((data[0] >> v) & 1))
			dp_apply_msg(lc, &(struct dp_msg){ .type = DP_MSG_MASTER, .idx = v,
							   .flag = (data[0] >> v) & 1 });
	m = rte_pktmbuf_alloc(mp);
	check(m != NULL);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(size - 1));
	check(size == 1 || f != NULL);
	if (size > 1)
		memcpy(f, data + 1, size - 1);
	if (data[0] & 4)
		m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	if (data[0] & 8)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	m->port = sh->port[LAN].port_id;
	before = outcomes();
	dp_rx_burst(lc, LAN, &m, 1);
	dp_tx_flush(lc);
	check(outcomes() == before + 1); /* exactly one outcome per frame */
	for (int p = 0; p < 2; p++)
		while (rte_ring_dequeue(tx_ring[p], (void **)&out) == 0) {
			check_sent(out, p);
			rte_pktmbuf_free(out);
		}
	check(rte_mempool_in_use_count(mp) == 0);
	return 0;
}
