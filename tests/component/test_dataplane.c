/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component test of the data plane: real mbufs through dp_rx_burst on an EAL with two
 * ring-backed ethdev ports (lan, wan). Frames in, the frames that come out checked byte by
 * byte (routes, TTL, checksum, MACs), and every drop counted under its reason.
 */
#include "../unit/test_util.h"
#include "eal_test.h"

#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_mbuf.h>
#include <unistd.h>

#include "carp_arp.h"
#include "carp_bytes.h"
#include "carp_cksum.h"
#include "carp_frame.h"
#include "carp_nd.h"
#include "dp.h"
#include "dp_filter.h"

#define LAN 0
#define WAN 1
/* Interfaces beyond the ports' untagged sides (0: LAN, 1: WAN): two VLANs on the LAN port. */
#define V20 2 /* VLAN 20, 10.20.0.2/24, VHID 1 (the LAN's number too: another segment) */
#define V30 3 /* VLAN 30, 10.30.0.2/24, no VHID */

static struct rte_mempool *mp;
static struct rte_ring *rx_ring[2], *tx_ring[2];
static struct dp_shared *sh;
static struct dp_lcore *lc;
static struct rte_mbuf *punted[64], *resolved[64];
static unsigned int n_punted, n_resolved, n_carp, n_arp;

static const uint8_t server_mac[6] = { 0x02, 0, 0, 0, 0x10, 0x09 };
static const uint8_t gateway_mac[6] = { 0x02, 0, 0, 0, 0x10, 0xfe };
static const uint8_t client_mac[6] = { 0x02, 0, 0, 0, 0x63, 0x09 };

/* Room for @p len bytes in @p m; tests have no use for a frame that does not fit. */
static uint8_t *
append(struct rte_mbuf *m, uint16_t len)
{
	uint8_t *f = m ? (uint8_t *)rte_pktmbuf_append(m, len) : NULL;

	if (f == NULL)
		abort();
	return f;
}

static void
on_carp(struct dp_lcore *l, struct rte_mbuf *m)
{
	(void)l;
	n_carp++;
	punted[n_punted++ % 64] = m;
}

static void
on_arp(struct dp_lcore *l, struct rte_mbuf *m)
{
	(void)l;
	n_arp++;
	punted[n_punted++ % 64] = m;
}

static void
on_resolve(struct dp_lcore *l, struct rte_mbuf *m)
{
	(void)l;
	resolved[n_resolved++ % 64] = m;
}

static uint16_t
make_port(int i, const char *name)
{
	char rn[32];
	struct rte_eth_conf conf = { 0 };
	int port;

	snprintf(rn, sizeof(rn), "rx_%s", name);
	rx_ring[i] = rte_ring_create(rn, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rn, sizeof(rn), "tx_%s", name);
	tx_ring[i] = rte_ring_create(rn, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	port = rte_eth_from_rings(name, &rx_ring[i], 1, &tx_ring[i], 1, 0);
	assert_true(port >= 0);
	assert_int_equal(rte_eth_dev_configure((uint16_t)port, 1, 1, &conf), 0);
	assert_int_equal(rte_eth_rx_queue_setup((uint16_t)port, 0, 256, 0, NULL, mp), 0);
	assert_int_equal(rte_eth_tx_queue_setup((uint16_t)port, 0, 256, 0, NULL), 0);
	assert_int_equal(rte_eth_dev_start((uint16_t)port), 0);
	return (uint16_t)port;
}

static void
add_route(uint32_t prefix, uint8_t len, uint32_t via, uint16_t iface)
{
	uint32_t mask = ~0u << (32 - len);

	/* As ctl_fwd builds them: connected subnets refuse their network/broadcast address. */
	sh->nexthop[sh->n_nexthops] = (struct dp_nexthop){
		.ip = via, .iface = iface,
		.net = via ? 0 : prefix & mask, .bcast = via ? 0 : prefix | ~mask,
	};
	assert_int_equal(rte_lpm_add(sh->lpm, prefix, len, sh->n_nexthops++), 0);
}

/* The control lcore's messages, applied as a worker applies them between bursts. */
static void
set_master(uint16_t idx, bool master)
{
	dp_apply_msg(lc, &(struct dp_msg){ .type = DP_MSG_MASTER, .idx = idx, .flag = master });
}

static void
set_neighbor_on(uint32_t ip, const uint8_t mac[6], uint16_t iface)
{
	struct dp_msg msg = { .type = DP_MSG_NEIGH_SET, .ip = fwd_addr4(ip), .iface = iface };

	memcpy(msg.mac, mac, 6);
	dp_apply_msg(lc, &msg);
}

static void
set_neighbor(uint32_t ip, const uint8_t mac[6])
{
	set_neighbor_on(ip, mac, WAN);
}

static void
forget_neighbor(uint32_t ip)
{
	dp_apply_msg(lc, &(struct dp_msg){ .type = DP_MSG_NEIGH_DEL, .ip = fwd_addr4(ip) });
}

/* Interface @p i on port index @p port (VLAN @p vlan, 0: untagged) with address @p addr/24,
 * and VHID @p vhid (0: none) of index @p i holding addr - 1 as its VIP. */
static void
init_iface(uint16_t i, uint16_t port, uint16_t vlan, uint32_t addr, uint8_t vhid)
{
	struct dp_iface *di = &sh->iface[i];

	di->port = port;
	di->vlan = vlan;
	di->mac = sh->port[port].mac;
	di->addr4[0] = addr;
	di->plen4[0] = 24;
	di->n_addr4 = 1;
	di->mtu = 1500;
	for (int v = 0; v < 256; v++)
		di->vhid_idx[v] = DP_NO_VHID;
	if (vlan)
		sh->vlan_iface[port][vlan] = i;
	else
		sh->port[port].untagged = i;
	assert_int_equal(dp_shared_add_local(sh, addr, (uint16_t)(DP_LOCAL_PORT_ADDR | i)), 0);
	if (vhid == 0)
		return;
	di->vhid_idx[vhid] = i; /* VHID index = interface index here */
	carp_vmac(vhid, sh->vmac[i].addr_bytes);
	assert_int_equal(carp_vip_table_add(&sh->vips, i, addr - 1, i), 0);
	assert_int_equal(dp_shared_add_local(sh, addr - 1, i), 0);
	sh->first_vip4[i] = addr - 1;
}

/* 2001:db8:<net>::<host> */
static struct carp_in6
in6(uint16_t net, uint8_t host)
{
	struct carp_in6 a = { { 0x20, 0x01, 0x0d, 0xb8, (uint8_t)(net >> 8), (uint8_t)net,
				[15] = host } };

	return a;
}

static const struct carp_in6 ll_vip = { { 0xfe, 0x80, [15] = 1 } };
static const struct carp_in6 client6_ll = { { 0xfe, 0x80, [15] = 9 } };

/* Interface @p i's IPv6: its link-local from its MAC, 2001:db8:<net>::2 and, with VHID
 * index @p vhid, the VIP 2001:db8:<net>::1. */
static void
init_iface6(uint16_t i, uint16_t net, uint16_t vhid)
{
	struct dp_iface *di = &sh->iface[i];
	struct carp_in6 a = in6(net, 2), vip = in6(net, 1);

	carp_in6_link_local(di->mac.addr_bytes, &di->addr6[0]);
	di->addr6[1] = a;
	di->n_addr6 = 2;
	assert_int_equal(dp_shared_add_local6(sh, &a,
					      (uint16_t)(DP_LOCAL_PORT_ADDR | i)), 0);
	if (vhid == DP_NO_VHID)
		return;
	assert_int_equal(carp_addr6_table_add(&sh->vips6, i, &vip, vhid), 0);
	assert_int_equal(dp_shared_add_local6(sh, &vip, vhid), 0);
}

static void
add_route6(const struct carp_in6 *prefix, uint8_t len, const struct carp_in6 *via, uint16_t iface,
	   bool local)
{
	sh->nexthop6[sh->n_nexthops6] = (struct dp_nexthop6){ .ip = *via, .iface = iface,
							      .local = local };
	assert_int_equal(rte_lpm6_add(sh->lpm6, prefix->b, len, sh->n_nexthops6++), 0);
}

static const struct carp_in6 gw6_ll = { { 0xfe, 0x80, [15] = 0xfe } };

/* As ctl_fwd6.c builds them: the connected IPv6 subnets of the LAN and the WAN, our
 * addresses and VIPs as local /128s, 2001:db8:200::/48 via the WAN gateway's link-local
 * and 2001:db8:300::/48 via its global address 2001:db8:100::fe. */
static void
init_routes6(void)
{
	struct rte_lpm6_config c = { .max_rules = 16, .number_tbl8s = 64 };
	struct carp_in6 none = { { 0 } }, p;

	sh->lpm6 = rte_lpm6_create("test_routes6", 0, &c);
	sh->nexthop6 = calloc(16, sizeof(*sh->nexthop6));
	assert_non_null(sh->lpm6);
	assert_non_null(sh->nexthop6);
	p = in6(0x99, 0);
	add_route6(&p, 64, &none, LAN, false);
	p = in6(0x100, 0);
	add_route6(&p, 64, &none, WAN, false);
	for (uint8_t h = 1; h <= 2; h++) {
		p = in6(0x99, h);
		add_route6(&p, 128, &none, LAN, true);
		p = in6(0x100, h);
		add_route6(&p, 128, &none, WAN, true);
	}
	p = in6(0x200, 0);
	add_route6(&p, 48, &gw6_ll, WAN, false);
	p = in6(0x300, 0);
	{
		struct carp_in6 gw = in6(0x100, 0xfe);

		add_route6(&p, 48, &gw, WAN, false);
	}
}

static int
setup(void **state)
{
	struct rte_lpm_config lpmc = { .max_rules = 16, .number_tbl8s = 32 };

	(void)state;
	mp = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	sh = calloc(1, sizeof(*sh));
	lc = calloc(1, sizeof(*lc));
	assert_non_null(mp);
	assert_non_null(sh);
	assert_non_null(lc);
	assert_int_equal(carp_vip_table_init(&sh->vips, 4), 0);
	assert_int_equal(carp_vip_table_init(&sh->local, 16), 0);
	assert_int_equal(carp_addr6_table_init(&sh->vips6, 4), 0);
	assert_int_equal(carp_addr6_table_init(&sh->local6, 8), 0);
	memset(sh->vlan_iface, 0xff, sizeof(sh->vlan_iface));
	for (int p = 0; p < 2; p++) {
		struct dp_port *dp = &sh->port[p];

		dp->port_id = make_port(p, p == LAN ? "lan" : "wan");
		rte_eth_macaddr_get(dp->port_id, &dp->mac);
		sh->port_of_id[dp->port_id] = (uint16_t)p;
	}
	init_iface(LAN, LAN, 0, 0x0a630002, 1); /* 10.99.0.2, VIP 10.99.0.1 */
	init_iface(WAN, WAN, 0, 0x0a640002, 2); /* 10.100.0.2, VIP 10.100.0.1 */
	init_iface(V20, LAN, 20, 0x0a140002, 1); /* 10.20.0.2, VIP 10.20.0.1 */
	init_iface(V30, LAN, 30, 0x0a1e0002, 0); /* 10.30.0.2 */
	init_iface6(LAN, 0x99, LAN);
	init_iface6(WAN, 0x100, WAN);
	init_iface6(V20, 0x20, DP_NO_VHID);
	/* VLAN 20's VIP is fe80::1: a link-local VIP, known on its interface only. */
	assert_int_equal(carp_addr6_table_add(&sh->vips6, V20, &ll_vip, V20), 0);
	sh->n_ports = 2;
	sh->n_ifaces = 4;
	sh->n_vhids = 3;
	sh->lpm = rte_lpm_create("test_routes", 0, &lpmc);
	sh->nexthop = calloc(8, sizeof(*sh->nexthop));
	assert_non_null(sh->lpm);
	add_route(0x0a630000, 24, 0, LAN);          /* 10.99.0.0/24 connected */
	add_route(0x0a640000, 24, 0, WAN);          /* 10.100.0.0/24 connected */
	add_route(0x0ac80000, 16, 0x0a6400fe, WAN); /* 10.200.0.0/16 via 10.100.0.254 */
	add_route(0x0a630001, 32, 0, LAN);          /* our lan VIP: a local /32 */
	sh->nexthop[sh->n_nexthops - 1].local = true;
	add_route(0x0a630002, 32, 0, LAN);          /* and our lan address */
	sh->nexthop[sh->n_nexthops - 1].local = true;
	add_route(0x0a140000, 24, 0, V20);          /* 10.20.0.0/24 connected, VLAN 20 */
	add_route(0x0a1e0000, 24, 0, V30);          /* 10.30.0.0/24 connected, VLAN 30 */
	add_route(0x0ac90000, 16, 0x0a1e00fe, V30); /* 10.201.0.0/16 via 10.30.0.254 */

	init_routes6();
	assert_int_equal(dp_lcore_init(lc, sh, 0, 16), 0);
	lc->carp.fn = on_carp;
	lc->arp.fn = on_arp;
	lc->resolve.fn = on_resolve;
	/* From here on the lcore learns only what the control lcore would tell it. */
	set_neighbor(0x0a640009, server_mac);
	set_neighbor(0x0a6400fe, gateway_mac);
	set_master(LAN, 1);
	set_master(WAN, 1);
	set_master(V20, 1);
	return 0;
}

/* The control lcore's message for an IPv6 neighbour. */
static void
set_neighbor6(const struct carp_in6 *ip, const uint8_t mac[6], uint16_t iface)
{
	struct dp_msg msg = { .type = DP_MSG_NEIGH_SET, .ip = fwd_addr6(ip->b), .iface = iface };

	memcpy(msg.mac, mac, 6);
	dp_apply_msg(lc, &msg);
}

/* Build an Ethernet/IPv4/UDP frame from the client to @p dst; returns the mbuf. */
static struct rte_mbuf *
udp_frame(const uint8_t eth_dst[6], uint32_t dst, uint8_t ttl)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, 60);
	uint16_t c;

	memset(f, 0, 60);
	memcpy(f, eth_dst, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08;
	hex_to_bytes("45 00 00 2a 12 34 00 00 40 11 00 00 0a 63 00 09", f + 14, 16);
	f[22] = ttl;
	f[30] = (uint8_t)(dst >> 24);
	f[31] = (uint8_t)(dst >> 16);
	f[32] = (uint8_t)(dst >> 8);
	f[33] = (uint8_t)dst;
	c = carp_cksum(f + 14, 20);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
	hex_to_bytes("30 39 00 35 00 16 00 00 68 65 6c 6c 6f", f + 34, 13);
	return m;
}

static uint8_t *
data(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, uint8_t *);
}

/* Resealing after a test broke a field on purpose. */
static void
reseal(struct rte_mbuf *m)
{
	uint8_t *ip = data(m) + 14;
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = carp_cksum(ip, (size_t)(ip[0] & 0xf) * 4);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void
rx(struct rte_mbuf *m)
{
	dp_rx_burst(lc, LAN, &m, 1);
	dp_tx_flush(lc);
}

/* The one frame sent on port @p p, or NULL. */
static struct rte_mbuf *
sent_on(int p)
{
	struct rte_mbuf *m = NULL;

	if (rte_ring_dequeue(tx_ring[p], (void **)&m) != 0)
		return NULL;
	return m;
}

static void
assert_nothing_sent(void)
{
	assert_null(sent_on(LAN));
	assert_null(sent_on(WAN));
}


/* An ARP request from @p sha / @p spa for @p tpa, broadcast, padded to 60 bytes. */
static struct rte_mbuf *
arp_request(const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, 60);

	memset(f, 0, 60);
	carp_build_garp(f, 60, sha, spa);
	f[14 + 24] = (uint8_t)(tpa >> 24);
	f[14 + 25] = (uint8_t)(tpa >> 16);
	f[14 + 26] = (uint8_t)(tpa >> 8);
	f[14 + 27] = (uint8_t)tpa;
	return m;
}

/* An ICMP echo request from @p src (Ethernet: the client) to @p dst at @p eth_dst. */
static struct rte_mbuf *
echo_request(const uint8_t eth_dst[6], uint32_t src, uint32_t dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, 60), *ip = f + 14, *icmp = f + 34;
	uint16_t c;

	memset(f, 0, 60);
	memcpy(f, eth_dst, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08;
	hex_to_bytes("45 00 00 20 00 01 00 00 40 01 00 00", ip, 12);
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	c = carp_cksum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	hex_to_bytes("08 00 00 00 12 34 00 01 70 69 6e 67", icmp, 12);
	c = carp_cksum(icmp, 12);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	return m;
}

/* Insert a VLAN tag (TPID @p tpid, VLAN @p vid) after the MACs, as a hostile host would. */
static struct rte_mbuf *
tagged(struct rte_mbuf *m, uint16_t tpid, uint16_t vid)
{
	uint8_t macs[12], *f;

	memcpy(macs, data(m), sizeof(macs));
	f = (uint8_t *)rte_pktmbuf_prepend(m, 4);
	assert_non_null(f);
	memcpy(f, macs, sizeof(macs));
	f[12] = (uint8_t)(tpid >> 8);
	f[13] = (uint8_t)tpid;
	f[14] = (uint8_t)(vid >> 8);
	f[15] = (uint8_t)vid;
	return m;
}

/* Feed @p m on the LAN port; nothing may come out anywhere, and @p reason must rise by 1. */
static void
assert_dropped_as(struct rte_mbuf *m, int reason, const char *what)
{
	uint64_t before = lc->cnt.drop[reason], fwd = lc->cnt.forwarded;
	unsigned int punts = n_punted, resolves = n_resolved;

	print_message("# %s\n", what);
	rx(m);
	assert_nothing_sent();
	assert_int_equal(n_punted, punts);
	assert_int_equal(n_resolved, resolves);
	assert_true(lc->cnt.forwarded == fwd);
	assert_true(lc->cnt.drop[reason] == before + 1);
}

/* Feed @p m on the LAN port: nothing may come out, and forwarding drop @p reason rises. */
static void
assert_fwd_dropped_as(struct rte_mbuf *m, int reason, const char *what)
{
	uint64_t before = lc->cnt.fwd_drop[reason], fwd = lc->cnt.forwarded;
	unsigned int resolves = n_resolved;

	print_message("# %s\n", what);
	rx(m);
	assert_nothing_sent();
	assert_int_equal(n_resolved, resolves);
	assert_true(lc->cnt.forwarded == fwd);
	assert_true(lc->cnt.fwd_drop[reason] == before + 1);
}

static void
test_routed_to_connected_host_with_ttl_checksum_and_vmac(void **state)
{
	struct rte_mbuf *out;
	uint64_t before = lc->cnt.forwarded;

	(void)state;
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64)); /* to the lan VIP's vMAC */
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), server_mac, 6);
	assert_memory_equal(data(out) + 6, sh->vmac[WAN].addr_bytes, 6); /* egress MASTER */
	assert_int_equal(data(out)[22], 63);
	assert_int_equal(carp_cksum(data(out) + 14, 20), 0);
	assert_int_equal(rte_pktmbuf_data_len(out), 60);
	assert_hex_equal(data(out) + 34, 13, "30 39 00 35 00 16 00 00 68 65 6c 6c 6f");
	assert_true(lc->cnt.forwarded == before + 1);
	rte_pktmbuf_free(out);
	assert_nothing_sent();
}

static void
test_static_route_goes_to_its_gateway(void **state)
{
	struct rte_mbuf *out;

	(void)state;
	rx(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0ac80105, 64)); /* to the port MAC */
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), gateway_mac, 6);
	assert_int_equal(data(out)[22], 63);
	rte_pktmbuf_free(out);
}

static void
test_egress_backup_sources_real_mac(void **state)
{
	struct rte_mbuf *out;

	(void)state;
	set_master(WAN, 0);
	/* To a host on a connected subnet and through a gateway (its prebuilt header). */
	rx(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0a640009, 64));
	rx(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0ac80105, 64));
	for (int i = 0; i < 2; i++) {
		out = sent_on(WAN);
		assert_non_null(out);
		assert_memory_equal(data(out) + 6, sh->iface[WAN].mac.addr_bytes, 6);
		rte_pktmbuf_free(out);
	}
	set_master(WAN, 1);
	rx(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0ac80105, 64));
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), gateway_mac, 6);
	assert_memory_equal(data(out) + 6, sh->vmac[WAN].addr_bytes, 6); /* MASTER again */
	rte_pktmbuf_free(out);
}

static void
test_gateway_forgotten_then_relearned(void **state)
{
	static const uint8_t new_mac[6] = { 0x02, 0, 0, 0, 0x10, 0xfd };
	unsigned int before = n_resolved;
	struct rte_mbuf *m;

	(void)state;
	forget_neighbor(0x0a6400fe);
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0ac80105, 64));
	assert_nothing_sent();
	assert_int_equal(n_resolved, before + 1);
	m = resolved[before % 64];
	assert_int_equal(m->hash.fdir.lo, 0x0a6400fe); /* the gateway is what to resolve */
	assert_int_equal(m->hash.fdir.hi, WAN);
	rte_pktmbuf_free(m);
	set_neighbor(0x0a6400fe, new_mac); /* it moved: a new MAC */
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0ac80105, 64));
	m = sent_on(WAN);
	assert_non_null(m);
	assert_memory_equal(data(m), new_mac, 6);
	rte_pktmbuf_free(m);
	set_neighbor(0x0a6400fe, gateway_mac);
}

static void
test_ipv4_with_options_is_forwarded(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *out;
	uint8_t *f = append(m, 64);

	(void)state;
	/* The slow path's packet (IHL 6: a 4-byte NOP/EOL option) must come out as the fast
	 * path's would: TTL - 1, a valid checksum, the gateway's header. */
	memset(f, 0, 64);
	memcpy(f, sh->vmac[LAN].addr_bytes, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08;
	hex_to_bytes("46 00 00 2e 12 34 00 00 40 11 00 00 0a 63 00 09 0a c8 01 05 01 01 01 00",
		     f + 14, 24);
	reseal(m);
	rx(m);
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), gateway_mac, 6);
	assert_int_equal(data(out)[22], 63);
	assert_int_equal(carp_cksum(data(out) + 14, 24), 0);
	rte_pktmbuf_free(out);
}

static void
test_backup_forwards_nothing_sent_to_its_vmac(void **state)
{
	uint64_t before = lc->cnt.drop[DP_DROP_VMAC_BACKUP];

	(void)state;
	set_master(LAN, 0);
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64));
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0ac80105, 64)); /* also through a gateway */
	assert_nothing_sent();
	assert_true(lc->cnt.drop[DP_DROP_VMAC_BACKUP] == before + 2);
	set_master(LAN, 1);
}

static void
test_unresolved_next_hop_goes_to_control_with_its_next_hop(void **state)
{
	unsigned int before = n_resolved;
	struct rte_mbuf *m;

	(void)state;
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640077, 64));
	assert_nothing_sent();
	assert_int_equal(n_resolved, before + 1);
	m = resolved[before % 64];
	assert_int_equal(m->hash.fdir.lo, 0x0a640077);
	assert_int_equal(m->hash.fdir.hi, WAN);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(data(m)[22], 64); /* not rewritten yet: the control lcore does it */
	rte_pktmbuf_free(m);
}

struct bad_case {
	const char *what;
	void (*spoil)(struct rte_mbuf *m);
	uint32_t dst;
	bool l2_bcast;
	int fwd_reason; /* FWD_DROP_*, or -1 */
	int dp_reason;  /* DP_DROP_*, or -1 */
};

static void spoil_none(struct rte_mbuf *m) { (void)m; }
static void spoil_ttl1(struct rte_mbuf *m) { data(m)[22] = 1; reseal(m); }
static void spoil_ttl0(struct rte_mbuf *m) { data(m)[22] = 0; reseal(m); }
static void spoil_csum(struct rte_mbuf *m) { data(m)[25] ^= 0x5a; }
static void spoil_ihl(struct rte_mbuf *m) { data(m)[14] = 0x43; }
static void spoil_ihl_long(struct rte_mbuf *m) { data(m)[14] = 0x4f; reseal(m); }
static void spoil_version(struct rte_mbuf *m) { data(m)[14] = 0x65; }
static void spoil_total_len(struct rte_mbuf *m) { data(m)[16] = 0x01; reseal(m); }
static void spoil_truncate(struct rte_mbuf *m) { rte_pktmbuf_trim(m, 60 - 14 - 12); }
static void spoil_src_mcast(struct rte_mbuf *m) { data(m)[26] = 224; reseal(m); }

static void
test_bad_ipv4_is_counted_and_never_forwarded(void **state)
{
	static const struct bad_case cases[] = {
		{ "ttl 1", spoil_ttl1, 0x0a640009, false, FWD_DROP_TTL_EXCEEDED, -1 },
		{ "ttl 0", spoil_ttl0, 0x0a640009, false, FWD_DROP_TTL_EXCEEDED, -1 },
		{ "bad checksum", spoil_csum, 0x0a640009, false, FWD_DROP_BAD_CSUM, -1 },
		{ "ihl 3", spoil_ihl, 0x0a640009, false, FWD_DROP_BAD_IHL, -1 },
		{ "ihl past the packet", spoil_ihl_long, 0x0a640009, false, FWD_DROP_BAD_IHL, -1 },
		{ "version 6 in 0x0800", spoil_version, 0x0a640009, false, FWD_DROP_BAD_VERSION, -1 },
		{ "total length past the frame", spoil_total_len, 0x0a640009, false,
		  FWD_DROP_TRUNCATED, -1 },
		{ "truncated header", spoil_truncate, 0x0a640009, false, -1, DP_DROP_RUNT },
		{ "multicast destination", spoil_none, 0xe0000005, false, FWD_DROP_BAD_DST, -1 },
		{ "broadcast destination", spoil_none, 0xffffffff, false, FWD_DROP_BAD_DST, -1 },
		{ "multicast source", spoil_src_mcast, 0x0a640009, false, FWD_DROP_BAD_SRC, -1 },
		{ "no route", spoil_none, 0x0b000001, false, FWD_DROP_NO_ROUTE, -1 },
		{ "UDP to our own VIP", spoil_none, 0x0a630001, false, -1, DP_DROP_IPV4_NOT_LOCAL },
		{ "connected subnet broadcast", spoil_none, 0x0a6400ff, false, FWD_DROP_BAD_DST, -1 },
		{ "connected subnet network address", spoil_none, 0x0a640000, false,
		  FWD_DROP_BAD_DST, -1 },
		{ "unicast IP in an Ethernet broadcast", spoil_none, 0x0a640009, true, -1,
		  DP_DROP_L2_MULTICAST },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		struct rte_mbuf *m = udp_frame(c->l2_bcast ? bcast : sh->vmac[LAN].addr_bytes,
					       c->dst, 64);
		uint64_t fwd_before = c->fwd_reason >= 0 ? lc->cnt.fwd_drop[c->fwd_reason] : 0;
		uint64_t dp_before = c->dp_reason >= 0 ? lc->cnt.drop[c->dp_reason] : 0;
		uint64_t forwarded = lc->cnt.forwarded;

		reseal(m);
		c->spoil(m);
		rx(m);
		print_message("# %s\n", c->what);
		assert_nothing_sent();
		assert_true(lc->cnt.forwarded == forwarded);
		if (c->fwd_reason >= 0)
			assert_true(lc->cnt.fwd_drop[c->fwd_reason] == fwd_before + 1);
		if (c->dp_reason >= 0)
			assert_true(lc->cnt.drop[c->dp_reason] == dp_before + 1);
	}
	assert_int_equal(rte_mempool_in_use_count(mp), 0); /* nothing leaked */
}

static void
test_larger_than_egress_mtu_with_df_is_counted_not_sent(void **state)
{
	uint64_t before = lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED];
	struct rte_mbuf *m;

	(void)state;
	sh->iface[WAN].mtu = 41; /* our packet is 42 bytes (in a padded 60-byte frame) */
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
	data(m)[20] = 0x40; /* DF: the sender wants to hear the MTU, not fragments */
	reseal(m);
	rx(m);
	sh->iface[WAN].mtu = 1500;
	assert_nothing_sent();
	assert_true(lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED] == before + 1);
	sh->iface[WAN].mtu = 42; /* exactly the MTU passes */
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64));
	sh->iface[WAN].mtu = 1500;
	m = sent_on(WAN);
	assert_non_null(m);
	rte_pktmbuf_free(m);
	/* Through a gateway: its prebuilt header carries the MTU of when it was resolved. */
	sh->iface[WAN].mtu = 41;
	set_neighbor(0x0a6400fe, gateway_mac);
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0ac80105, 64);
	data(m)[20] = 0x40;
	reseal(m);
	rx(m);
	sh->iface[WAN].mtu = 1500;
	set_neighbor(0x0a6400fe, gateway_mac);
	assert_nothing_sent();
	assert_true(lc->cnt.fwd_drop[FWD_DROP_MTU_EXCEEDED] == before + 2);
}

/*
 * IPv4 datagram of @p len bytes in @p ip, from the client (10.99.0.9) to 10.100.0.9:
 * UDP (or a TCP SYN) to port @p dport, id @p id, TTL 64, its header checksum set, the
 * payload a pattern.
 */
static void
make_datagram(uint8_t *ip, size_t len, uint8_t proto, uint16_t dport, uint16_t id)
{
	uint16_t c;

	memset(ip, 0, 40);
	hex_to_bytes("45 00 00 00 00 00 00 00 40 00 00 00 0a 63 00 09 0a 64 00 09", ip, 20);
	carp_wr16(ip + 2, (uint16_t)len);
	carp_wr16(ip + 4, id);
	ip[9] = proto;
	c = carp_cksum(ip, 20);
	carp_wr16(ip + 10, c);
	carp_wr16(ip + 20, 40000);
	carp_wr16(ip + 22, dport);
	if (proto == 6) {
		ip[32] = 0x50; /* data offset 5 */
		ip[33] = 0x02; /* SYN */
		for (size_t i = 40; i < len; i++)
			ip[i] = (uint8_t)(i * 7);
	} else {
		carp_wr16(ip + 24, (uint16_t)(len - 20));
		for (size_t i = 28; i < len; i++)
			ip[i] = (uint8_t)(i * 7);
	}
}

/* A frame to @p eth_dst with bytes [@p off, @p off + @p n) of datagram @p ip's payload as a
 * fragment, MF when @p more. */
static struct rte_mbuf *
fragment_frame(const uint8_t eth_dst[6], const uint8_t *ip, size_t off, size_t n, bool more)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, (uint16_t)(14 + 20 + n < 60 ? 60 : 14 + 20 + n)), *h = f + 14;

	memset(f, 0, 60);
	memcpy(f, eth_dst, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08;
	memcpy(h, ip, 20);
	memcpy(h + 20, ip + 20 + off, n);
	carp_wr16(h + 2, (uint16_t)(20 + n));
	carp_wr16(h + 6, (uint16_t)((more ? 0x2000 : 0) | off / 8));
	reseal(m);
	return m;
}

/*
 * Everything sent on the WAN, as one datagram: the frames' fragments put back together by
 * offset, each checked on the way (to the server's MAC, one segment, header checksum,
 * TTL 63, no DF, at most @p mtu bytes, the same id). Returns the number of frames and the
 * datagram's length in @p *len (0 when the pieces do not make one).
 */
static unsigned int
collect_wan(uint8_t *out, size_t *len, uint16_t mtu)
{
	struct rte_mbuf *m;
	unsigned int n = 0;
	size_t end = 0;
	bool last = false;

	*len = 0;
	while ((m = sent_on(WAN)) != NULL) {
		const uint8_t *f = data(m), *ip = f + 14;
		uint16_t total = carp_rd16(ip + 2), fo = carp_rd16(ip + 6);
		size_t off = (size_t)(fo & 0x1fff) * 8;

		n++;
		assert_int_equal(m->nb_segs, 1);
		assert_memory_equal(f, server_mac, 6);
		assert_int_equal(carp_rd16(f + 12), 0x0800);
		assert_int_equal(carp_cksum(ip, 20), 0);
		assert_int_equal(ip[8], 63);
		assert_int_equal(fo & 0x4000, 0);
		assert_true(total <= mtu);
		assert_true(rte_pktmbuf_data_len(m) >= 14u + total);
		if (off == 0)
			memcpy(out, ip, 20);
		memcpy(out + 20 + off, ip + 20, total - 20u);
		if (off + total - 20 > end)
			end = off + total - 20;
		last |= !(fo & 0x2000);
		rte_pktmbuf_free(m);
	}
	if (n && last) {
		*len = 20 + end;
		carp_wr16(out + 2, (uint16_t)*len);
		carp_wr16(out + 6, 0);
		out[8] = 64; /* as sent, to compare with the original */
	}
	return n;
}

/* The original's bytes beyond the header (the header's TTL, length and checksum change). */
static void
assert_same_payload(const uint8_t *a, const uint8_t *b, size_t len)
{
	assert_memory_equal(a + 12, b + 12, 8); /* addresses */
	assert_memory_equal(a + 20, b + 20, len - 20);
}

static void
test_df_clear_larger_than_egress_mtu_leaves_in_fragments(void **state)
{
	static uint8_t ip[1228], back[1228 + 64];
	uint64_t fragmented = lc->cnt.fragmented, fwd = lc->cnt.forwarded;
	size_t len;

	(void)state;
	make_datagram(ip, sizeof(ip), 17, 53, 0x4242);
	sh->iface[WAN].mtu = 576;
	/* One frame of 1242 bytes: the datagram whole, DF clear. */
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, sizeof(ip) - 20, false));
	sh->iface[WAN].mtu = 1500;
	/* 552 + 552 + 104 bytes of payload: multiples of 8 but the last (RFC 791). */
	assert_int_equal(collect_wan(back, &len, 576), 3);
	assert_int_equal(len, sizeof(ip));
	assert_same_payload(ip, back, len);
	assert_true(lc->cnt.fragmented == fragmented + 1);
	assert_true(lc->cnt.forwarded == fwd); /* the datagram counts once, as fragmented */
	/* An MTU no fragment fits (a header and 8 bytes): counted, nothing sent. */
	fragmented = lc->cnt.fwd_drop[FWD_DROP_FRAG_FAILED];
	sh->iface[WAN].mtu = 27;
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, sizeof(ip) - 20, false));
	sh->iface[WAN].mtu = 1500;
	assert_nothing_sent();
	assert_true(lc->cnt.fwd_drop[FWD_DROP_FRAG_FAILED] == fragmented + 1);
}

/* The filter of the reassembly tests: UDP and TCP to port 53 from the LAN pass (keep
 * state), the rest is blocked; IPv4 reassembly on, 16 datagrams at a time, 1 s each. */
static struct flt_rule frag_rules[] = {
	{ .action = FLT_PASS, .keep_state = true, .in = LAN, .out = FLT_IFACE_ANY,
	  .proto = FLT_PROTO_UDP, .dport = { 0, 1 }, .icmp_type = -1, .icmp_code = -1,
	  .flags = FLT_TH_SYN, .flags_mask = FLT_TH_SYN | FLT_TH_ACK },
	{ .action = FLT_PASS, .keep_state = true, .in = LAN, .out = FLT_IFACE_ANY,
	  .proto = FLT_PROTO_TCP, .dport = { 0, 1 }, .icmp_type = -1, .icmp_code = -1,
	  .flags = FLT_TH_SYN, .flags_mask = FLT_TH_SYN | FLT_TH_ACK },
};
static struct flt_port_range frag_ports[] = { { 53, 53 } };
static struct flt_ruleset frag_rs = {
	.rules = frag_rules, .n_rules = 2, .ports = frag_ports, .n_ports = 1,
	.default_action = FLT_BLOCK, .state_limit = 64, .reassemble = true, .frag_max = 16,
};

static uint64_t
flt_drops(enum flt_drop d)
{
	return lc->flt->drop[d];
}

/* Fragments of datagram @p ip (@p len bytes) at the LAN vMAC: [0, @p cut) and the rest,
 * the second first. */
static void
rx_in_two(const uint8_t *ip, size_t len, size_t cut)
{
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, cut, len - 20 - cut, false));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, cut, true));
}

static void
test_fragments_are_reassembled_before_the_filter(void **state)
{
	static uint8_t ip[3000], back[3000 + 64];
	unsigned int in_use = rte_mempool_in_use_count(mp);
	uint64_t before, t0;
	struct dp_reasm *r;
	char err[256];
	size_t len;

	(void)state;
	flt_timeouts_default(&frag_rs.timeouts, frag_rs.state_limit);
	frag_rs.timeouts.sec[FLT_TO_FRAG] = 1;
	sh->filter = dp_filter_create(&frag_rs, 0, 0, err, sizeof(err));
	assert_non_null(sh->filter);
	assert_int_equal(dp_filter_lcore_init(lc), 0);
	r = lc->flt->reasm;
	assert_non_null(r);

	print_message("# UDP to 53 in two fragments, the last first: one datagram, one state\n");
	make_datagram(ip, 1228, 17, 53, 1);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 800, 1228 - 20 - 800, false));
	assert_nothing_sent();
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 800, true));
	assert_int_equal(collect_wan(back, &len, 1500), 1); /* it fits the WAN: whole */
	assert_int_equal(len, 1228);
	assert_same_payload(ip, back, len);
	assert_true(r->fragments == 2 && r->reassembled == 1);
	assert_true(lc->flt->states_created == 1);

	print_message("# the same to port 54: blocked whole, once\n");
	before = flt_drops(FLT_DROP_BLOCK);
	make_datagram(ip, 1228, 17, 54, 2);
	rx_in_two(ip, 1228, 800);
	assert_nothing_sent();
	assert_true(flt_drops(FLT_DROP_BLOCK) == before + 1);

	print_message("# 3000 bytes, more than an mbuf holds: a chain, sent in fragments\n");
	make_datagram(ip, 3000, 17, 53, 3);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 1960, 3000 - 20 - 1960, false));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 984, true));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 984, 976, true));
	assert_int_equal(collect_wan(back, &len, 1500), 3);
	assert_int_equal(len, 3000);
	assert_same_payload(ip, back, len);

	print_message("# reassembled, then too big for the WAN: fragments of its MTU\n");
	sh->iface[WAN].mtu = 576;
	make_datagram(ip, 1228, 17, 53, 4);
	rx_in_two(ip, 1228, 800);
	sh->iface[WAN].mtu = 1500;
	assert_int_equal(collect_wan(back, &len, 576), 3);
	assert_int_equal(len, 1228);
	assert_same_payload(ip, back, len);

	print_message("# a TCP SYN split inside its header: whole in one mbuf, it is read whole\n");
	before = lc->flt->states_created;
	make_datagram(ip, 60, 6, 53, 5);
	rx_in_two(ip, 60, 8);
	assert_int_equal(collect_wan(back, &len, 1500), 1);
	assert_int_equal(len, 60);
	assert_true(lc->flt->states_created == before + 1);

	print_message("# the same in a chain: its first fragment lacks the header (RFC 1858)\n");
	before = flt_drops(FLT_DROP_FRAG_TINY);
	make_datagram(ip, 3000, 6, 53, 15);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 8, true));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 8, 1480, true));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 1488, 3000 - 20 - 1488, false));
	assert_nothing_sent();
	assert_true(flt_drops(FLT_DROP_FRAG_TINY) == before + 1);

	print_message("# overlapping fragments: discarded, every one\n");
	before = flt_drops(FLT_DROP_FRAG_DISCARDED);
	make_datagram(ip, 68, 17, 53, 6);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 24, true));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 16, 16, true));
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 32, 16, false));
	assert_nothing_sent();
	assert_true(flt_drops(FLT_DROP_FRAG_DISCARDED) == before + 3);

	print_message("# the pieces of one datagram from the LAN and from VLAN 20\n");
	before = flt_drops(FLT_DROP_FRAG_IFACE);
	make_datagram(ip, 1228, 17, 53, 7);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 800, 1228 - 20 - 800, false));
	rx(tagged(fragment_frame(sh->vmac[V20].addr_bytes, ip, 0, 800, true), 0x8100, 20));
	assert_nothing_sent();
	assert_true(flt_drops(FLT_DROP_FRAG_IFACE) == before + 1);

	print_message("# a fragment whose datagram never completes: discarded at its timeout\n");
	before = flt_drops(FLT_DROP_FRAG_DISCARDED);
	make_datagram(ip, 1228, 17, 53, 8);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 800, true));
	t0 = rte_get_tsc_cycles();
	while (flt_drops(FLT_DROP_FRAG_DISCARDED) == before &&
	       rte_get_tsc_cycles() - t0 < 5 * rte_get_tsc_hz()) {
		dp_filter_between_bursts(lc);
		usleep(10000);
	}
	assert_true(flt_drops(FLT_DROP_FRAG_DISCARDED) == before + 1);
	assert_nothing_sent();

	/* Held fragments go back to the pool with the table. */
	make_datagram(ip, 1228, 17, 53, 9);
	rx(fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 800, true));
	dp_filter_lcore_free(lc);
	dp_filter_free(sh->filter);
	sh->filter = NULL;
	assert_int_equal(rte_mempool_in_use_count(mp), in_use);
}

static void
test_fragment_is_forwarded_intact(void **state)
{
	struct rte_mbuf *m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64), *out;

	(void)state;
	data(m)[20] = 0x20; /* more fragments: routers forward fragments as they are */
	reseal(m);
	rx(m);
	out = sent_on(WAN);
	assert_non_null(out);
	assert_int_equal(data(out)[20], 0x20);
	assert_int_equal(data(out)[22], 63);
	assert_int_equal(carp_cksum(data(out) + 14, 20), 0);
	rte_pktmbuf_free(out);
}

static void
test_arp_for_vip_answered_by_master_only(void **state)
{
	struct rte_mbuf *m, *out;
	uint8_t *f;
	struct carp_arp a;
	uint64_t before = lc->cnt.drop[DP_DROP_ARP_BACKUP];

	(void)state;
	for (int master = 1; master >= 0; master--) {
		set_master(LAN, master);
		m = rte_pktmbuf_alloc(mp);
		f = append(m, 60);
		memset(f, 0, 60);
		carp_build_garp(f, 60, client_mac, 0x0a630009);
		f[14 + 27] = 1; /* target 10.99.0.1: a request from the client for the VIP */
		rx(m);
		out = sent_on(LAN);
		if (master) {
			assert_non_null(out);
			assert_true(carp_arp_parse(data(out), 60, &a));
			assert_int_equal(a.op, CARP_ARP_REPLY);
			assert_memory_equal(a.sha, sh->vmac[LAN].addr_bytes, 6);
			assert_memory_equal(data(out) + 6, sh->vmac[LAN].addr_bytes, 6);
			rte_pktmbuf_free(out);
		} else {
			assert_null(out);
			assert_true(lc->cnt.drop[DP_DROP_ARP_BACKUP] == before + 1);
		}
	}
	set_master(LAN, 1);
}

static void
test_carp_and_arp_replies_go_to_control(void **state)
{
	unsigned int before = n_punted;
	uint8_t carp[CARP_HDR_LEN] = { 0x21, 1 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, CARP_ADVERT_V4_LEN);

	(void)state;
	carp_build_advert4(f, CARP_ADVERT_V4_LEN, sh->vmac[LAN].addr_bytes, 0x0a630003, 0x10, 1,
			   carp);
	rx(m);
	m = rte_pktmbuf_alloc(mp);
	f = append(m, 60);
	memset(f, 0, 60);
	carp_build_garp(f, 60, server_mac, 0x0a640009); /* an announcement teaches neighbours */
	rx(m);
	assert_int_equal(n_punted, before + 2);
	assert_int_equal(n_carp, 1); /* each on its own path */
	assert_int_equal(n_arp, 1);
	for (unsigned int i = before; i < n_punted; i++)
		rte_pktmbuf_free(punted[i % 64]);
	assert_nothing_sent();
}

/* A sync datagram from a unicast peer: UDP to port 8240 of our LAN address, TTL @p ttl. */
static struct rte_mbuf *
sync_unicast_frame(uint8_t ttl, uint16_t dport)
{
	struct rte_mbuf *m = udp_frame(sh->port[LAN].mac.addr_bytes, 0x0a630002, ttl);

	data(m)[36] = (uint8_t)(dport >> 8);
	data(m)[37] = (uint8_t)dport;
	return m;
}

static void
test_sync_from_a_unicast_peer_goes_to_control_anything_like_it_does_not(void **state)
{
	uint64_t not_local = lc->cnt.drop[DP_DROP_IPV4_NOT_LOCAL];
	unsigned int before = n_punted, carp = n_carp;

	(void)state;
	sh->sync_port = 8240;
	sh->sync_iface = LAN;
	sh->sync_group = 0xe00000f0;
	sh->sync_addr = 0x0a630002;
	rx(sync_unicast_frame(255, 8240));
	assert_int_equal(n_punted, before + 1);
	assert_int_equal(n_carp, carp + 1); /* beside the adverts */
	assert_int_equal(dp_meta_iface(punted[before % 64]), LAN);
	assert_int_equal(punted[before % 64]->l2_len, 14);
	rte_pktmbuf_free(punted[before % 64]);
	/* Routed on its way (TTL 254), to another port, on another interface: ours to drop. */
	rx(sync_unicast_frame(254, 8240));
	rx(sync_unicast_frame(255, 8241));
	sh->sync_iface = WAN;
	rx(sync_unicast_frame(255, 8240));
	/* Without a unicast peer only the group's are taken. */
	sh->sync_iface = LAN;
	sh->sync_addr = 0;
	rx(sync_unicast_frame(255, 8240));
	sh->sync_port = 0;
	sh->sync_group = 0;
	assert_int_equal(n_punted, before + 1);
	assert_int_equal(lc->cnt.drop[DP_DROP_IPV4_NOT_LOCAL], not_local + 4);
	assert_nothing_sent();
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}


static void
test_frames_of_unconfigured_vlans_are_dropped_never_answered_nor_forwarded(void **state)
{
	uint8_t carp[CARP_HDR_LEN] = { 0x21, 1 };
	struct rte_mbuf *m;
	uint8_t *f;

	(void)state;
	/* The LAN port carries VLANs 20 and 30: every other tag names a segment we are not on. */
	assert_dropped_as(tagged(arp_request(client_mac, 0x0a630009, 0x0a630001), 0x8100, 5),
			  DP_DROP_VLAN_UNKNOWN, "ARP for the VIP on VLAN 5");
	assert_dropped_as(tagged(arp_request(client_mac, 0x0a630009, 0x0a630001), 0x8100, 0),
			  DP_DROP_VLAN_PRIORITY, "ARP for the VIP, priority-tagged (VLAN 0)");
	assert_dropped_as(tagged(arp_request(client_mac, 0x0a630009, 0x0a630001), 0x8100, 4095),
			  DP_DROP_VLAN_UNKNOWN, "ARP for the VIP on VLAN 4095 (reserved)");
	assert_dropped_as(tagged(echo_request(sh->vmac[LAN].addr_bytes, 0x0a630009, 0x0a630001),
				 0x8100, 5), DP_DROP_VLAN_UNKNOWN, "ping to the VIP on VLAN 5");
	assert_dropped_as(tagged(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64), 0x8100, 7),
			  DP_DROP_VLAN_UNKNOWN, "UDP to forward on VLAN 7");
	assert_dropped_as(tagged(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64), 0x88a8, 20),
			  DP_DROP_VLAN_DOUBLE, "UDP to forward under an 802.1ad S-tag 20");
	assert_dropped_as(tagged(tagged(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0ac80105, 64),
					0x8100, 20), 0x8100, 20),
			  DP_DROP_VLAN_DOUBLE, "two C-tags, both VLAN 20");
	assert_dropped_as(tagged(tagged(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0ac80105, 64),
					0x8100, 7), 0x88a8, 100),
			  DP_DROP_VLAN_DOUBLE, "QinQ: S-tag 100, C-tag 7");
	m = rte_pktmbuf_alloc(mp);
	f = append(m, CARP_ADVERT_V4_LEN);
	carp_build_advert4(f, CARP_ADVERT_V4_LEN, sh->vmac[LAN].addr_bytes, 0x0a630003, 0x10, 1,
			   carp);
	assert_dropped_as(tagged(m, 0x8100, 5), DP_DROP_VLAN_UNKNOWN, "an advert on VLAN 5");
	/* A device that stripped the tag into the mbuf: the frame looks untagged. */
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 7;
	assert_dropped_as(m, DP_DROP_VLAN_UNKNOWN, "UDP whose tag (VLAN 7) the device stripped");
	m = arp_request(client_mac, 0x0a630009, 0x0a630001);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 0x2000; /* priority 1, VLAN 0 */
	assert_dropped_as(m, DP_DROP_VLAN_PRIORITY, "ARP whose priority tag the device stripped");
	m = tagged(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64), 0x8100, 20);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 30;
	assert_dropped_as(m, DP_DROP_VLAN_DOUBLE, "a stripped tag and one more in the frame");
	/* A trunk whose untagged side is unused takes no untagged frame. */
	sh->port[LAN].untagged = DP_NO_IFACE;
	assert_dropped_as(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0a640009, 64),
			  DP_DROP_UNTAGGED_UNUSED, "untagged UDP on a trunk without an untagged side");
	assert_dropped_as(arp_request(client_mac, 0x0a630009, 0x0a630002),
			  DP_DROP_UNTAGGED_UNUSED, "untagged ARP on a trunk without an untagged side");
	sh->port[LAN].untagged = LAN;
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

/* The VLAN a frame sent on a port carries in its data: 0 for none. */
static uint16_t
vlan_of(struct rte_mbuf *m)
{
	const uint8_t *f = data(m);

	return f[12] == 0x81 && f[13] == 0x00 ? (uint16_t)((f[14] << 8 | f[15]) & 0x0fff) : 0;
}

/* Forwarded: to @p dst_mac, TTL 63 and a valid checksum, behind @p hlen bytes of header. */
static void
assert_forwarded_frame(struct rte_mbuf *out, const uint8_t dst_mac[6], size_t hlen,
		       uint16_t data_len)
{
	assert_non_null(out);
	assert_memory_equal(data(out), dst_mac, 6);
	assert_int_equal(data(out)[hlen - 2], 0x08);
	assert_int_equal(data(out)[hlen - 1], 0x00);
	assert_int_equal(data(out)[hlen + 8], 63);
	assert_int_equal(carp_cksum(data(out) + hlen, 20), 0);
	assert_int_equal(rte_pktmbuf_data_len(out), data_len);
	assert_int_equal(rte_pktmbuf_pkt_len(out), data_len);
	assert_hex_equal(data(out) + hlen + 20, 13, "30 39 00 35 00 16 00 00 68 65 6c 6c 6f");
}

static void
test_forwarding_between_vlans_and_ports_carries_the_egress_tag_only(void **state)
{
	struct rte_mbuf *out, *m;

	(void)state;
	set_neighbor_on(0x0a1e0009, server_mac, V30); /* 10.30.0.9 */
	set_neighbor_on(0x0a140009, server_mac, V20); /* 10.20.0.9 */
	set_neighbor_on(0x0a1e00fe, gateway_mac, V30); /* 10.30.0.254, a gateway */
	/* VLAN 20 to VLAN 30, on the same port: the tag rewritten, the source the port's MAC
	 * (no VHID on VLAN 30). A frame for VLAN 30 never leaves on VLAN 20. */
	rx(tagged(udp_frame(sh->vmac[V20].addr_bytes, 0x0a1e0009, 64), 0x8100, 20));
	out = sent_on(LAN);
	assert_forwarded_frame(out, server_mac, 18, 64);
	assert_int_equal(vlan_of(out), 30);
	assert_memory_equal(data(out) + 6, sh->port[LAN].mac.addr_bytes, 6);
	rte_pktmbuf_free(out);
	/* Through a gateway on VLAN 30: the prebuilt header carries the tag. */
	rx(tagged(udp_frame(sh->vmac[V20].addr_bytes, 0x0ac90105, 64), 0x8100, 20));
	out = sent_on(LAN);
	assert_forwarded_frame(out, gateway_mac, 18, 64);
	assert_int_equal(vlan_of(out), 30);
	rte_pktmbuf_free(out);
	/* VLAN 20 to the WAN port's untagged side: the tag removed. */
	rx(tagged(udp_frame(sh->vmac[V20].addr_bytes, 0x0a640009, 64), 0x8100, 20));
	out = sent_on(WAN);
	assert_forwarded_frame(out, server_mac, 14, 60);
	assert_int_equal(vlan_of(out), 0);
	assert_memory_equal(data(out) + 6, sh->vmac[WAN].addr_bytes, 6);
	rte_pktmbuf_free(out);
	/* Untagged LAN to VLAN 20: a tag added; the source the vMAC of VLAN 20's MASTER VHID. */
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a140009, 64));
	out = sent_on(LAN);
	assert_forwarded_frame(out, server_mac, 18, 64);
	assert_int_equal(vlan_of(out), 20);
	assert_memory_equal(data(out) + 6, sh->vmac[V20].addr_bytes, 6);
	rte_pktmbuf_free(out);
	/* A tag the device stripped leads to the same interface; the egress tag in the data. */
	m = udp_frame(sh->vmac[V20].addr_bytes, 0x0a1e0009, 64);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 0x6014; /* priority 3, VLAN 20 */
	rx(m);
	out = sent_on(LAN);
	assert_forwarded_frame(out, server_mac, 18, 64);
	assert_int_equal(vlan_of(out), 30);
	rte_pktmbuf_free(out);
	/* A port whose device inserts tags: the frame leaves untagged, the tag in the mbuf. */
	sh->port[LAN].tx_vlan_insert = sh->iface[V30].tag_by_device = true;
	dp_lcore_refresh(lc);
	rx(tagged(udp_frame(sh->vmac[V20].addr_bytes, 0x0a1e0009, 64), 0x8100, 20));
	out = sent_on(LAN);
	assert_forwarded_frame(out, server_mac, 14, 60);
	assert_true(out->ol_flags & RTE_MBUF_F_TX_VLAN);
	assert_int_equal(out->vlan_tci, 30);
	rte_pktmbuf_free(out);
	rx(tagged(udp_frame(sh->vmac[V20].addr_bytes, 0x0ac90105, 64), 0x8100, 20));
	out = sent_on(LAN);
	assert_forwarded_frame(out, gateway_mac, 14, 60);
	assert_int_equal(out->vlan_tci, 30);
	rte_pktmbuf_free(out);
	sh->port[LAN].tx_vlan_insert = sh->iface[V30].tag_by_device = false;
	dp_lcore_refresh(lc);
	assert_nothing_sent();
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

/* The ARP reply to a request on VLAN @p vlan for @p tpa: sent on the LAN port, tagged. */
static struct rte_mbuf *
arp_reply_on_vlan(uint16_t vlan, uint32_t tpa, struct carp_arp *a)
{
	struct rte_mbuf *out;

	rx(tagged(arp_request(client_mac, 0x0a140009, tpa), 0x8100, vlan));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_int_equal(vlan_of(out), vlan);
	assert_true(carp_arp_parse(data(out), rte_pktmbuf_data_len(out), a));
	assert_int_equal(a->op, CARP_ARP_REPLY);
	return out;
}

static void
test_each_vlan_answers_for_its_own_addresses_and_vhids(void **state)
{
	struct rte_mbuf *out, *m;
	struct carp_arp a;
	uint8_t carp[CARP_HDR_LEN] = { 0x21, 1 };
	unsigned int before;
	uint8_t *f;

	(void)state;
	/* VHID 1 on VLAN 20 answers for its VIP with its vMAC, tagged 20. */
	out = arp_reply_on_vlan(20, 0x0a140001, &a);
	assert_memory_equal(a.sha, sh->vmac[V20].addr_bytes, 6);
	assert_memory_equal(data(out) + 6, sh->vmac[V20].addr_bytes, 6);
	rte_pktmbuf_free(out);
	/* The VLAN's own address: the real MAC. */
	out = arp_reply_on_vlan(30, 0x0a1e0002, &a);
	assert_memory_equal(a.sha, sh->port[LAN].mac.addr_bytes, 6);
	rte_pktmbuf_free(out);
	/* Another segment's addresses are not answered here. */
	assert_dropped_as(tagged(arp_request(client_mac, 0x0a1e0009, 0x0a140001), 0x8100, 30),
			  DP_DROP_ARP_OTHER_PORT, "VLAN 30 asks for VLAN 20's VIP");
	assert_dropped_as(tagged(arp_request(client_mac, 0x0a140009, 0x0a630001), 0x8100, 20),
			  DP_DROP_ARP_OTHER_PORT, "VLAN 20 asks for the untagged side's VIP");
	assert_dropped_as(arp_request(client_mac, 0x0a630009, 0x0a140001),
			  DP_DROP_ARP_OTHER_PORT, "the untagged side asks for VLAN 20's VIP");
	/* The same VHID number on two segments is two state machines: BACKUP on VLAN 20,
	 * MASTER untagged. */
	set_master(V20, 0);
	assert_dropped_as(tagged(arp_request(client_mac, 0x0a140009, 0x0a140001), 0x8100, 20),
			  DP_DROP_ARP_BACKUP, "VLAN 20's VIP while its VHID is BACKUP");
	assert_dropped_as(tagged(udp_frame(sh->vmac[V20].addr_bytes, 0x0a640009, 64), 0x8100,
				 20), DP_DROP_VMAC_BACKUP, "to the vMAC on VLAN 20 while BACKUP");
	rx(arp_request(client_mac, 0x0a630009, 0x0a630001));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_int_equal(vlan_of(out), 0);
	rte_pktmbuf_free(out);
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64));
	out = sent_on(WAN);
	assert_non_null(out);
	rte_pktmbuf_free(out);
	/* A ping on VLAN 20 for the untagged side's VIP (the router answers for all of its
	 * addresses) leaves from VLAN 20's own MAC: the untagged side's vMAC is VLAN 20's
	 * vMAC too, whose VHID is BACKUP here, and a switch would move it to us. */
	rx(tagged(echo_request(sh->port[LAN].mac.addr_bytes, 0x0a140009, 0x0a630001), 0x8100,
		  20));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_int_equal(vlan_of(out), 20);
	assert_memory_equal(data(out) + 6, sh->port[LAN].mac.addr_bytes, 6);
	rte_pktmbuf_free(out);
	set_master(V20, 1);
	/* A ping on VLAN 20 to the VLAN's address: answered on VLAN 20. */
	rx(tagged(echo_request(sh->port[LAN].mac.addr_bytes, 0x0a140009, 0x0a140002), 0x8100, 20));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_int_equal(vlan_of(out), 20);
	assert_int_equal(data(out)[18 + 20], 0); /* echo reply */
	assert_memory_equal(data(out), client_mac, 6);
	rte_pktmbuf_free(out);
	/* A request whose tag the device stripped: the reply gets the tag back. */
	m = arp_request(client_mac, 0x0a140009, 0x0a140001);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 20;
	rx(m);
	out = sent_on(LAN);
	assert_non_null(out);
	assert_int_equal(vlan_of(out), 20);
	assert_true(carp_arp_parse(data(out), rte_pktmbuf_data_len(out), &a));
	assert_memory_equal(a.sha, sh->vmac[V20].addr_bytes, 6);
	rte_pktmbuf_free(out);
	/* Adverts on VLAN 20 reach the control lcore with their interface. */
	before = n_punted;
	m = rte_pktmbuf_alloc(mp);
	f = append(m, CARP_ADVERT_V4_LEN);
	carp_build_advert4(f, CARP_ADVERT_V4_LEN, sh->vmac[V20].addr_bytes, 0x0a140003, 0x10, 1,
			   carp);
	rx(tagged(m, 0x8100, 20));
	assert_int_equal(n_punted, before + 1);
	assert_int_equal(dp_meta_iface(punted[before % 64]), V20);
	assert_int_equal(punted[before % 64]->l2_len, 18);
	rte_pktmbuf_free(punted[before % 64]);
	assert_nothing_sent();
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

static void
test_arp_answered_only_for_the_ingress_ports_own_addresses(void **state)
{
	struct rte_mbuf *out;
	struct carp_arp a;

	(void)state;
	/* The WAN VIP and the WAN address live on WAN: the LAN must not attract their traffic. */
	assert_dropped_as(arp_request(client_mac, 0x0a630009, 0x0a640001), DP_DROP_ARP_OTHER_PORT,
			  "LAN asks for the WAN VIP");
	assert_dropped_as(arp_request(client_mac, 0x0a630009, 0x0a640002), DP_DROP_ARP_OTHER_PORT,
			  "LAN asks for the WAN port address");
	assert_dropped_as(arp_request(client_mac, 0x0a630009, 0x0a630077), DP_DROP_ARP_OTHER,
			  "LAN asks for a host that is not us");
	/* The LAN's own address is answered with the real MAC. */
	rx(arp_request(client_mac, 0x0a630009, 0x0a630002));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_true(carp_arp_parse(data(out), 60, &a));
	assert_int_equal(a.op, CARP_ARP_REPLY);
	assert_int_equal(a.spa, 0x0a630002);
	assert_memory_equal(a.sha, sh->iface[LAN].mac.addr_bytes, 6);
	assert_memory_equal(data(out), client_mac, 6);
	rte_pktmbuf_free(out);
	assert_nothing_sent();
}

static void
test_nothing_is_answered_to_a_group_address(void **state)
{
	static const uint8_t mcast_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint32_t bad_src[] = { 0xffffffff, 0xe0000009, 0x0a6300ff, 0x00000000,
					    0x7f000001, 0xf0000001 };
	struct rte_mbuf *m, *out;

	(void)state;
	/* Ethernet source a group: no station sends from one, a reply would flood. */
	m = arp_request(client_mac, 0x0a630009, 0x0a630001);
	memcpy(data(m) + 6, mcast_mac, 6);
	assert_dropped_as(m, DP_DROP_SRC_MAC_MULTICAST, "ARP from a multicast Ethernet source");
	m = echo_request(sh->vmac[LAN].addr_bytes, 0x0a630009, 0x0a630001);
	memcpy(data(m) + 6, bcast_mac, 6);
	assert_dropped_as(m, DP_DROP_SRC_MAC_MULTICAST, "ping from the broadcast Ethernet source");
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
	memcpy(data(m) + 6, mcast_mac, 6);
	assert_dropped_as(m, DP_DROP_SRC_MAC_MULTICAST, "UDP to forward from a multicast source");
	/* ARP whose sender (where the reply goes) is not a unicast station. */
	m = arp_request(mcast_mac, 0x0a630009, 0x0a630001);
	memcpy(data(m) + 6, client_mac, 6);
	assert_dropped_as(m, DP_DROP_ARP_BAD_SENDER, "ARP with a multicast sender MAC");
	m = arp_request((const uint8_t[6]){ 0 }, 0x0a630009, 0x0a630001);
	memcpy(data(m) + 6, client_mac, 6);
	assert_dropped_as(m, DP_DROP_ARP_BAD_SENDER, "ARP with a zero sender MAC");
	assert_dropped_as(arp_request(client_mac, 0xffffffff, 0x0a630001), DP_DROP_ARP_BAD_SENDER,
			  "ARP with a broadcast sender IP");
	/* Pings from a group address (a smurf's reflection): never answered. */
	for (size_t i = 0; i < sizeof(bad_src) / sizeof(bad_src[0]); i++)
		assert_dropped_as(echo_request(sh->vmac[LAN].addr_bytes, bad_src[i], 0x0a630001),
				  DP_DROP_ECHO_BAD_SRC, "ping to the VIP from a non-unicast source");
	/* A DAD probe (sender 0.0.0.0) for the VIP is answered: the owner defends it. */
	rx(arp_request(client_mac, 0, 0x0a630001));
	out = sent_on(LAN);
	assert_non_null(out);
	rte_pktmbuf_free(out);
	/* And a plain ping is. */
	rx(echo_request(sh->vmac[LAN].addr_bytes, 0x0a630009, 0x0a630001));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_memory_equal(data(out), client_mac, 6);
	rte_pktmbuf_free(out);
	assert_nothing_sent();
}

static void
test_martian_and_own_sources_are_never_forwarded(void **state)
{
	static const uint32_t own[] = { 0x0a640001, 0x0a640002, 0x0a630001, 0x0a630002 };
	uint32_t lookalike = 0;
	struct rte_mbuf *m, *out;

	(void)state;
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
	data(m)[26] = 0; /* source 0.99.0.9: "this network" */
	reseal(m);
	print_message("# source in 0.0.0.0/8\n");
	rx(m);
	assert_nothing_sent();
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		uint64_t before = lc->cnt.fwd_drop[FWD_DROP_OWN_SRC];

		m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
		for (int k = 0; k < 4; k++)
			data(m)[26 + k] = (uint8_t)(own[i] >> (24 - 8 * k));
		reseal(m);
		rx(m);
		assert_nothing_sent();
		assert_true(lc->cnt.fwd_drop[FWD_DROP_OWN_SRC] == before + 1);
	}
	/* The slow path (IP options) checks the same. */
	m = rte_pktmbuf_alloc(mp);
	{
		uint8_t *f = append(m, 64);
		uint64_t before = lc->cnt.fwd_drop[FWD_DROP_OWN_SRC];

		memset(f, 0, 64);
		memcpy(f, sh->vmac[LAN].addr_bytes, 6);
		memcpy(f + 6, client_mac, 6);
		f[12] = 0x08;
		hex_to_bytes("46 00 00 2e 12 34 00 00 40 11 00 00 0a 64 00 01 0a c8 01 05 01 01 01 00",
			     f + 14, 24);
		reseal(m);
		rx(m);
		assert_nothing_sent();
		assert_true(lc->cnt.fwd_drop[FWD_DROP_OWN_SRC] == before + 1);
	}
	/* A VIP we are BACKUP of lives on the peer, which may send from it: forwarded. */
	set_master(WAN, 0);
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
	for (int k = 0; k < 4; k++)
		data(m)[26 + k] = (uint8_t)(0x0a640001 >> (24 - 8 * k));
	reseal(m);
	rx(m);
	set_master(WAN, 1);
	out = sent_on(WAN);
	assert_non_null(out);
	rte_pktmbuf_free(out);
	/* A foreign source that shares the filter's bit with our VIP still passes. */
	for (uint32_t a = 0x0a630100; a < 0x0a63ff00 && !lookalike; a++)
		if (dp_own_src_bit((const uint8_t[4]){ a >> 24, a >> 16, a >> 8, a }) ==
		    dp_own_src_bit((const uint8_t[4]){ 10, 100, 0, 1 }))
			lookalike = a;
	assert_true(lookalike != 0);
	m = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);
	for (int k = 0; k < 4; k++)
		data(m)[26 + k] = (uint8_t)(lookalike >> (24 - 8 * k));
	reseal(m);
	rx(m);
	out = sent_on(WAN);
	assert_non_null(out);
	rte_pktmbuf_free(out);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

static void
test_arp_to_control_is_rate_limited_per_port(void **state)
{
	uint64_t limited = lc->cnt.drop[DP_DROP_ARP_RATE_LIMITED];
	unsigned int arps = n_arp, before = n_punted;

	(void)state;
	/* 1 a second on each port: the burst allowance of 8, then nothing for a second. */
	dp_shared_set_arp_rate(sh, 1);
	for (int i = 0; i < 20; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint8_t *f = append(m, 60);

		memset(f, 0, 60);
		carp_build_garp(f, 60, server_mac, 0x0a630050);
		rx(m);
	}
	assert_int_equal(n_arp, arps + 8);
	assert_true(lc->cnt.drop[DP_DROP_ARP_RATE_LIMITED] == limited + 12);
	/* The flood of announcements leaves the answers to our own requests their allowance:
	 * a reply addressed to the LAN port's address still goes through. */
	{
		struct rte_mbuf *m = arp_request(server_mac, 0x0a630050, 0x0a630002);

		data(m)[14 + 7] = CARP_ARP_REPLY;
		rx(m);
	}
	assert_int_equal(n_arp, arps + 9);
	/* The WAN has its own allowance. */
	{
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint8_t *f = append(m, 60);

		memset(f, 0, 60);
		carp_build_garp(f, 60, server_mac, 0x0a640009);
		dp_rx_burst(lc, WAN, &m, 1);
	}
	assert_int_equal(n_arp, arps + 10);
	dp_shared_set_arp_rate(sh, 0);
	for (unsigned int i = before; i < n_punted; i++)
		rte_pktmbuf_free(punted[i % 64]);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

static void
test_carp_keeps_its_own_ring_when_arp_fills_its_own(void **state)
{
	struct rte_ring *carp_ring = rte_ring_create("t_carp", 8, 0, RING_F_SC_DEQ);
	struct rte_ring *arp_ring = rte_ring_create("t_arp", 8, 0, RING_F_SC_DEQ);
	uint8_t carp[CARP_HDR_LEN] = { 0x21, 1 };
	uint64_t full = lc->cnt.drop[DP_DROP_ARP_PUNT_FULL];
	struct rte_mbuf *m;
	uint8_t *f;

	(void)state;
	assert_non_null(carp_ring);
	assert_non_null(arp_ring);
	lc->carp = (struct dp_to_control){ .ring = carp_ring };
	lc->arp = (struct dp_to_control){ .ring = arp_ring };
	for (int i = 0; i < 50; i++) { /* an ARP flood a worker cannot hand on */
		m = rte_pktmbuf_alloc(mp);
		f = append(m, 60);
		memset(f, 0, 60);
		carp_build_garp(f, 60, server_mac, 0x0a630060);
		rx(m);
	}
	assert_int_equal(rte_ring_count(arp_ring), 7);
	assert_true(lc->cnt.drop[DP_DROP_ARP_PUNT_FULL] == full + 43);
	m = rte_pktmbuf_alloc(mp);
	f = append(m, CARP_ADVERT_V4_LEN);
	carp_build_advert4(f, CARP_ADVERT_V4_LEN, sh->vmac[LAN].addr_bytes, 0x0a630003, 0x10, 1,
			   carp);
	rx(m);
	assert_int_equal(rte_ring_count(carp_ring), 1); /* the advert got through */
	while (rte_ring_dequeue(arp_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	while (rte_ring_dequeue(carp_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	lc->carp = (struct dp_to_control){ .fn = on_carp };
	lc->arp = (struct dp_to_control){ .fn = on_arp };
	rte_ring_free(carp_ring);
	rte_ring_free(arp_ring);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

static void
test_a_burst_of_mixed_destinations_goes_each_its_own_way(void **state)
{
	/* Bursts are looked up four at a time: hits and misses mixed within each group. */
	static const uint32_t dsts[10] = { 0x0ac80105, 0x0a640009, 0x0b000001, 0x0ac80106,
					   0x0a630001, 0x0a640009, 0x0c000001, 0x0ac80107,
					   0x0a640009, 0x0d000001 };
	uint64_t no_route = lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE];
	uint64_t local = lc->cnt.drop[DP_DROP_IPV4_NOT_LOCAL];
	struct rte_mbuf *pkts[10], *out;
	unsigned int to_gw = 0, to_host = 0;

	(void)state;
	for (int i = 0; i < 10; i++)
		pkts[i] = udp_frame(sh->vmac[LAN].addr_bytes, dsts[i], 64);
	dp_rx_burst(lc, LAN, pkts, 10);
	dp_tx_flush(lc);
	while ((out = sent_on(WAN)) != NULL) {
		if (memcmp(data(out), gateway_mac, 6) == 0 && data(out)[30] == 10 && data(out)[31] == 200)
			to_gw++;
		else if (memcmp(data(out), server_mac, 6) == 0 && data(out)[33] == 9)
			to_host++;
		assert_int_equal(data(out)[22], 63);
		rte_pktmbuf_free(out);
	}
	assert_int_equal(to_gw, 3);
	assert_int_equal(to_host, 3);
	assert_true(lc->cnt.fwd_drop[FWD_DROP_NO_ROUTE] == no_route + 3);
	assert_true(lc->cnt.drop[DP_DROP_IPV4_NOT_LOCAL] == local + 1);
	assert_nothing_sent();
}

/* An IPv6 frame from the client (@p src) to @p dst at @p eth_dst: @p icmp_len bytes of
 * ICMPv6 @p icmp, its checksum filled in, hop limit @p hlim. */
static struct rte_mbuf *
icmp6_frame(const uint8_t eth_dst[6], const struct carp_in6 *src, const struct carp_in6 *dst,
	    uint8_t hlim, const uint8_t *icmp, uint16_t icmp_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, (uint16_t)(54 + icmp_len)), *ip6 = f + 14;
	uint16_t c;

	memcpy(f, eth_dst, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	ip6[4] = (uint8_t)(icmp_len >> 8);
	ip6[5] = (uint8_t)icmp_len;
	ip6[6] = CARP_IPPROTO_ICMPV6;
	ip6[7] = hlim;
	memcpy(ip6 + 8, src->b, 16);
	memcpy(ip6 + 24, dst->b, 16);
	memcpy(ip6 + 40, icmp, icmp_len);
	ip6[42] = ip6[43] = 0;
	c = carp_icmp6_cksum(ip6, ip6 + 40, icmp_len);
	ip6[42] = (uint8_t)(c >> 8);
	ip6[43] = (uint8_t)c;
	return m;
}

/* A neighbour solicitation from the client's link-local (or :: for DAD) for @p target, to
 * its solicited-node group, with the client's MAC as source option unless DAD. */
static struct rte_mbuf *
ns_frame(const struct carp_in6 *target, bool dad, uint8_t hlim)
{
	uint8_t icmp[32] = { CARP_ICMP6_ND_NS }, mac[6];
	struct carp_in6 group, none = { { 0 } };

	memcpy(icmp + 8, target->b, 16);
	icmp[24] = CARP_ND_OPT_SLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, client_mac, 6);
	carp_in6_solicited_node(target, &group);
	carp_in6_multicast_mac(&group, mac);
	return icmp6_frame(mac, dad ? &none : &client6_ll, &group, hlim, icmp, dad ? 24 : 32);
}

/* The advertisement @p out must be: for @p target, from @p mac, to the client (or to all
 * nodes for a DAD defence). */
static void
assert_na(struct rte_mbuf *out, size_t l3, const struct carp_in6 *target, const uint8_t mac[6],
	  bool dad)
{
	uint8_t *f = data(out);
	struct carp_nd nd;

	assert_non_null(out);
	assert_int_equal(rte_pktmbuf_data_len(out), l3 + 72);
	assert_int_equal(carp_nd_parse(f + l3, 72, &nd), CARP_ND_OK);
	assert_int_equal(nd.type, CARP_ICMP6_ND_NA);
	assert_memory_equal(nd.target.b, target->b, 16);
	assert_memory_equal(nd.lladdr, mac, 6);
	assert_memory_equal(f + 6, mac, 6);
	if (dad) {
		assert_int_equal(nd.flags, CARP_NA_ROUTER | CARP_NA_OVERRIDE);
		assert_memory_equal(nd.dst.b, carp_in6_all_nodes.b, 16);
		assert_hex_equal(f, 6, "33 33 00 00 00 01");
	} else {
		assert_int_equal(nd.flags, CARP_NA_ROUTER | CARP_NA_SOLICITED | CARP_NA_OVERRIDE);
		assert_memory_equal(nd.dst.b, client6_ll.b, 16);
		assert_memory_equal(f, client_mac, 6);
	}
	rte_pktmbuf_free(out);
}

static void
test_ns_for_vip_answered_by_master_only_from_the_vmac(void **state)
{
	struct carp_in6 vip = in6(0x99, 1);
	uint64_t replies = lc->cnt.nd_replies;

	(void)state;
	rx(ns_frame(&vip, false, 255));
	assert_na(sent_on(LAN), 14, &vip, sh->vmac[LAN].addr_bytes, false);
	assert_true(lc->cnt.nd_replies == replies + 1);
	set_master(LAN, 0);
	assert_dropped_as(ns_frame(&vip, false, 255), DP_DROP_ND_BACKUP, "NS for a VIP, BACKUP");
	assert_dropped_as(ns_frame(&vip, true, 255), DP_DROP_ND_BACKUP, "DAD for a VIP, BACKUP");
	set_master(LAN, 1);
}

static void
test_ns_for_own_addresses_answered_with_the_real_mac(void **state)
{
	struct carp_in6 a = in6(0x99, 2);

	(void)state;
	rx(ns_frame(&a, false, 255));
	assert_na(sent_on(LAN), 14, &a, sh->iface[LAN].mac.addr_bytes, false);
	rx(ns_frame(&sh->iface[LAN].addr6[0], false, 255)); /* its link-local */
	assert_na(sent_on(LAN), 14, &sh->iface[LAN].addr6[0], sh->iface[LAN].mac.addr_bytes,
		  false);
	assert_nothing_sent();
}

static void
test_dad_probe_for_a_held_vip_is_defended(void **state)
{
	struct carp_in6 vip = in6(0x99, 1);
	uint64_t defended = lc->cnt.nd_dad_defended;

	(void)state;
	rx(ns_frame(&vip, true, 255));
	assert_na(sent_on(LAN), 14, &vip, sh->vmac[LAN].addr_bytes, true);
	assert_true(lc->cnt.nd_dad_defended == defended + 1);
}

static void
test_ns_answered_only_on_the_interface_of_its_target(void **state)
{
	struct carp_in6 wan_vip = in6(0x100, 1), wan_addr = in6(0x100, 2), stranger = in6(0x99, 7);

	(void)state;
	assert_dropped_as(ns_frame(&wan_vip, false, 255), DP_DROP_ND_OTHER_PORT,
			  "NS on the LAN for the WAN's VIP");
	assert_dropped_as(ns_frame(&wan_addr, false, 255), DP_DROP_ND_OTHER_PORT,
			  "NS on the LAN for the WAN's address");
	assert_dropped_as(ns_frame(&stranger, false, 255), DP_DROP_ND_OTHER,
			  "NS for an address nobody here holds");
	assert_dropped_as(ns_frame(&ll_vip, false, 255), DP_DROP_ND_OTHER,
			  "NS on the LAN for VLAN 20's link-local VIP");
}

static void
test_ns_on_a_vlan_for_its_link_local_vip_is_answered_tagged(void **state)
{
	struct rte_mbuf *out;

	(void)state;
	rx(tagged(ns_frame(&ll_vip, false, 255), 0x8100, 20));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_hex_equal(data(out) + 12, 4, "81 00 00 14");
	assert_na(out, 18, &ll_vip, sh->vmac[V20].addr_bytes, false);
	/* VLAN 30 holds no such VIP */
	assert_dropped_as(tagged(ns_frame(&ll_vip, false, 255), 0x8100, 30), DP_DROP_ND_OTHER,
			  "NS on VLAN 30 for VLAN 20's link-local VIP");
}

static void
test_bad_neighbour_discovery_is_dropped_by_name(void **state)
{
	struct carp_in6 vip = in6(0x99, 1);
	struct rte_mbuf *m;
	uint8_t na[32] = { CARP_ICMP6_ND_NA, 0, 0, 0, CARP_NA_OVERRIDE };
	uint8_t mac[6];

	(void)state;
	assert_dropped_as(ns_frame(&vip, false, 254), DP_DROP_ND_BAD_HLIM,
			  "NS with hop limit 254: from off-link");
	m = ns_frame(&vip, false, 255);
	data(m)[14 + 40 + 2] ^= 0x40;
	assert_dropped_as(m, DP_DROP_ND_BAD_CKSUM, "NS with a wrong checksum");
	m = ns_frame(&vip, false, 255);
	rte_pktmbuf_trim(m, 10);
	assert_dropped_as(m, DP_DROP_ND_MALFORMED, "NS shorter than its payload length");
	m = ns_frame(&vip, false, 255);
	data(m)[14 + 40 + 24] = 0; /* the option's type 0 keeps the checksum: length below */
	data(m)[14 + 40 + 25] = 0;
	data(m)[14 + 40 + 2] = data(m)[14 + 40 + 3] = 0;
	{
		uint16_t c = carp_icmp6_cksum(data(m) + 14, data(m) + 54, 32);

		data(m)[14 + 40 + 2] = (uint8_t)(c >> 8);
		data(m)[14 + 40 + 3] = (uint8_t)c;
	}
	assert_dropped_as(m, DP_DROP_ND_MALFORMED, "NS with an option of length 0");
	/* A source link-layer option naming a group: the answer would go to everyone. */
	{
		uint8_t icmp[32] = { CARP_ICMP6_ND_NS };
		struct carp_in6 group;

		memcpy(icmp + 8, vip.b, 16);
		icmp[24] = CARP_ND_OPT_SLLA;
		icmp[25] = 1;
		memset(icmp + 26, 0xff, 6);
		carp_in6_solicited_node(&vip, &group);
		carp_in6_multicast_mac(&group, mac);
		assert_dropped_as(icmp6_frame(mac, &client6_ll, &group, 255, icmp, 32),
				  DP_DROP_ND_BAD_SRC, "NS with a broadcast source link-layer option");
	}
	memcpy(na + 8, vip.b, 16);
	na[24] = CARP_ND_OPT_TLLA;
	na[25] = 1;
	memcpy(na + 26, client_mac, 6);
	/* Advertisements go to the control lcore, which learns next hops from them by
	 * fwd_nd's rules (one claiming our VIP is refused there), except on an interface
	 * without IPv6. */
	{
		unsigned int arp = n_arp;

		rx(icmp6_frame(sh->iface[LAN].mac.addr_bytes, &client6_ll,
			       &sh->iface[LAN].addr6[0], 255, na, 32));
		assert_int_equal(n_arp, arp + 1);
		assert_nothing_sent();
		rte_pktmbuf_free(punted[(n_punted - 1) % 64]);
	}
	assert_dropped_as(tagged(icmp6_frame(sh->iface[LAN].mac.addr_bytes, &client6_ll,
					     &sh->iface[LAN].addr6[0], 255, na, 32), 0x8100, 30),
			  DP_DROP_ND_ADVERT, "an NA on VLAN 30, which has no IPv6");
}

static void
test_ping6_answered_for_our_addresses_and_master_vips(void **state)
{
	static const uint8_t echo[12] = { CARP_ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1,
					  'p', 'i', 'n', 'g' };
	struct carp_in6 vip = in6(0x99, 1), client = in6(0x99, 9), wan_vip = in6(0x100, 1);
	struct rte_mbuf *out;

	(void)state;
	rx(icmp6_frame(sh->vmac[LAN].addr_bytes, &client, &vip, 64, echo, sizeof(echo)));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_int_equal(data(out)[54], CARP_ICMP6_ECHO_REPLY);
	assert_memory_equal(data(out) + 6, sh->vmac[LAN].addr_bytes, 6);
	assert_memory_equal(data(out) + 14 + 8, vip.b, 16);
	assert_memory_equal(data(out) + 14 + 24, client.b, 16);
	assert_int_equal(carp_icmp6_cksum(data(out) + 14, data(out) + 54, sizeof(echo)), 0);
	rte_pktmbuf_free(out);
	/* another interface's VIP: from the ingress interface's MAC, never the WAN's vMAC */
	rx(icmp6_frame(sh->iface[LAN].mac.addr_bytes, &client, &wan_vip, 64, echo, sizeof(echo)));
	out = sent_on(LAN);
	assert_non_null(out);
	assert_memory_equal(data(out) + 6, sh->iface[LAN].mac.addr_bytes, 6);
	rte_pktmbuf_free(out);
	set_master(LAN, 0);
	assert_dropped_as(icmp6_frame(sh->iface[LAN].mac.addr_bytes, &client, &vip, 64, echo,
				      sizeof(echo)), DP_DROP_VMAC_BACKUP, "ping6 to a VIP, BACKUP");
	set_master(LAN, 1);
}

static void
test_other_ipv6_dropped_by_name_and_mld_queries_go_to_control(void **state)
{
	static const uint8_t udp[8] = { 0x30, 0x39, 0, 53, 0, 8, 0, 0 };
	/* an MLDv2 general query from fe80::1: hop-by-hop with Router Alert, then ICMPv6 */
	static const char *query = "33 33 00 00 00 01 02 00 00 00 00 fe 86 dd "
		"60 00 00 00 00 24 00 01 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01 "
		"ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01 3a 00 05 02 00 00 01 00 "
		"82 00 59 13 27 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
		"00 00 00 00 00 00";
	struct carp_in6 client = in6(0x99, 9), addr = in6(0x99, 2), far = in6(0x555, 1);
	struct rte_mbuf *m;
	unsigned int arp = n_arp;
	uint8_t *f;

	(void)state;
	m = icmp6_frame(sh->iface[LAN].mac.addr_bytes, &client, &far, 64, udp, sizeof(udp));
	data(m)[14 + 6] = 17;
	assert_fwd_dropped_as(m, FWD_DROP_NO_ROUTE, "IPv6 to where no route leads");
	m = icmp6_frame(sh->iface[LAN].mac.addr_bytes, &client, &addr, 64, udp, sizeof(udp));
	data(m)[14 + 6] = 17;
	assert_dropped_as(m, DP_DROP_IPV6_NOT_LOCAL, "UDP to our address");
	m = rte_pktmbuf_alloc(mp);
	f = append(m, 90);
	assert_int_equal(hex_to_bytes(query, f, 90), 90);
	rx(m);
	assert_int_equal(n_arp, arp + 1);
	assert_nothing_sent();
	rte_pktmbuf_free(punted[(n_punted - 1) % 64]);
}

/* A UDP packet from the LAN client 2001:db8:99::9 to @p dst at @p eth_dst. */
static struct rte_mbuf *
udp6_frame(const uint8_t eth_dst[6], const struct carp_in6 *dst, uint8_t hlim)
{
	static const uint8_t udp[13] = { 0x30, 0x39, 0, 53, 0, 13, 0, 0, 'h', 'e', 'l', 'l', 'o' };
	struct carp_in6 src = in6(0x99, 9);
	struct rte_mbuf *m = icmp6_frame(eth_dst, &src, dst, hlim, udp, sizeof(udp));

	data(m)[14 + 6] = 17; /* icmp6_frame wrote an ICMPv6 checksum: UDP's is not checked */
	return m;
}

static void
test_ipv6_routed_to_a_connected_host_with_hop_limit_and_vmac(void **state)
{
	struct carp_in6 server = in6(0x100, 9);
	struct rte_mbuf *out;
	uint64_t before = lc->cnt.forwarded;

	(void)state;
	set_neighbor6(&server, server_mac, WAN);
	rx(udp6_frame(sh->vmac[LAN].addr_bytes, &server, 64));
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), server_mac, 6);
	assert_memory_equal(data(out) + 6, sh->vmac[WAN].addr_bytes, 6); /* egress MASTER */
	assert_int_equal(data(out)[14 + 7], 63);
	assert_memory_equal(data(out) + 14 + 24, server.b, 16);
	assert_hex_equal(data(out) + 54 + 8, 5, "68 65 6c 6c 6f");
	assert_true(lc->cnt.forwarded == before + 1);
	rte_pktmbuf_free(out);
	assert_nothing_sent();
}

static void
test_ipv6_routes_via_link_local_and_global_gateways(void **state)
{
	struct carp_in6 far1 = in6(0x200, 5), far2 = in6(0x300, 5), gw = in6(0x100, 0xfe);
	struct rte_mbuf *out;

	(void)state;
	set_neighbor6(&gw6_ll, gateway_mac, WAN);
	set_neighbor6(&gw, client_mac, WAN); /* another router, told apart by its MAC */
	rx(udp6_frame(sh->iface[LAN].mac.addr_bytes, &far1, 64));
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), gateway_mac, 6);
	assert_int_equal(data(out)[14 + 7], 63);
	rte_pktmbuf_free(out);
	rx(udp6_frame(sh->iface[LAN].mac.addr_bytes, &far2, 64));
	out = sent_on(WAN);
	assert_non_null(out);
	assert_memory_equal(data(out), client_mac, 6);
	rte_pktmbuf_free(out);
}

static void
test_ipv6_unresolved_next_hop_goes_to_control(void **state)
{
	struct carp_in6 host = in6(0x100, 0x42);
	struct rte_mbuf *m;
	uint32_t hop = 0;

	(void)state;
	rx(udp6_frame(sh->vmac[LAN].addr_bytes, &host, 64));
	assert_nothing_sent();
	m = resolved[(n_resolved - 1) % 64];
	assert_true(m->hash.fdir.hi & DP_META_RESOLVE6);
	assert_int_equal(dp_meta_iface(m), WAN);
	assert_int_equal(rte_lpm6_lookup(sh->lpm6, host.b, &hop), 0);
	assert_int_equal(m->hash.fdir.lo, hop); /* the control lcore finds the next hop there */
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(data(m)[14 + 7], 64); /* rewritten only once resolved */
	rte_pktmbuf_free(m);
}

static void
test_bad_ipv6_is_counted_and_never_forwarded(void **state)
{
	struct carp_in6 server = in6(0x100, 9), vip = in6(0x99, 1), far = in6(0x555, 1);
	const uint8_t *to = sh->vmac[LAN].addr_bytes;
	struct rte_mbuf *m;

	(void)state;
	set_neighbor6(&server, server_mac, WAN);
	assert_fwd_dropped_as(udp6_frame(to, &server, 1), FWD_DROP_TTL_EXCEEDED, "hop limit 1");
	m = udp6_frame(to, &server, 64);
	data(m)[14 + 8] = 0xfe; /* source fe80:db8:99::9 */
	data(m)[14 + 9] = 0x80;
	assert_fwd_dropped_as(m, FWD_DROP_BAD_SRC, "link-local source");
	m = udp6_frame(to, &server, 64);
	data(m)[14 + 8] = 0xff;
	assert_fwd_dropped_as(m, FWD_DROP_BAD_SRC, "multicast source");
	m = udp6_frame(to, &server, 64);
	data(m)[14 + 24] = 0xfe;
	data(m)[14 + 25] = 0x80;
	assert_fwd_dropped_as(m, FWD_DROP_BAD_DST, "link-local destination");
	m = udp6_frame(to, &server, 64);
	data(m)[14 + 5] = 200; /* payload length beyond the frame */
	assert_fwd_dropped_as(m, FWD_DROP_TRUNCATED, "payload length beyond the frame");
	m = udp6_frame(to, &server, 64);
	memcpy(data(m) + 14 + 8, vip.b, 16); /* from our own VIP */
	assert_fwd_dropped_as(m, FWD_DROP_OWN_SRC, "our VIP as the source");
	assert_fwd_dropped_as(udp6_frame(to, &far, 64), FWD_DROP_NO_ROUTE, "no route");
	m = rte_pktmbuf_alloc(mp);
	append(m, 14 + 40 + 1500);
	memset(data(m), 0, 14 + 40 + 1500);
	{
		struct rte_mbuf *small = udp6_frame(to, &server, 64);

		memcpy(data(m), data(small), 54);
		rte_pktmbuf_free(small);
	}
	data(m)[14 + 4] = 1500 >> 8; /* 1540 bytes of IPv6 for an MTU of 1500 */
	data(m)[14 + 5] = 1500 & 0xff;
	assert_fwd_dropped_as(m, FWD_DROP_MTU_EXCEEDED, "larger than the egress MTU");
	assert_dropped_as(udp6_frame((const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 9 }, &server, 64),
			  DP_DROP_L2_MULTICAST, "to a foreign address in a group frame");
}

static struct dp_icmp icmp_state;

/* The ICMP error @p out must be: IPv4 from @p src to the client, type/code, from the LAN's
 * forwarding source MAC to the client's, quoting the offending header. */
static void
assert_icmp4(struct rte_mbuf *out, uint32_t src, uint8_t type, uint8_t code, uint16_t mtu)
{
	uint8_t *f;

	assert_non_null(out);
	f = data(out);
	assert_memory_equal(f, client_mac, 6);
	assert_memory_equal(f + 6, sh->vmac[LAN].addr_bytes, 6);
	assert_int_equal(f[14 + 9], 1);
	assert_int_equal(carp_rd32(f + 14 + 12), src);
	assert_int_equal(carp_rd32(f + 14 + 16), 0x0a630009);
	assert_int_equal(carp_cksum(f + 14, 20), 0);
	assert_int_equal(f[34], type);
	assert_int_equal(f[35], code);
	assert_int_equal(carp_rd16(f + 40), mtu);
	assert_int_equal(carp_cksum(f + 34, rte_pktmbuf_data_len(out) - 34), 0);
	assert_int_equal(carp_rd32(f + 42 + 12), 0x0a630009); /* the quoted header */
	rte_pktmbuf_free(out);
}

static void
test_icmp_errors_for_ipv4_not_forwarded(void **state)
{
	struct rte_mbuf *m;
	uint64_t sent = lc->cnt.icmp_errors;

	(void)state;
	dp_shared_set_icmp(sh, &icmp_state, 1000, false);
	/* TTL 1, on the fast path: Time Exceeded from the ingress address */
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 1));
	assert_icmp4(sent_on(LAN), 0x0a630002, 11, 0, 0);
	assert_null(sent_on(WAN));
	/* TTL 1 to one of our own addresses: it arrived, nothing expired */
	rx(udp_frame(sh->iface[LAN].mac.addr_bytes, 0x0a640002, 1));
	assert_nothing_sent();
	/* no route: Destination Unreachable, net */
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0b000001, 64));
	assert_icmp4(sent_on(LAN), 0x0a630002, 3, 0, 0);
	/* too big with DF: Fragmentation Needed with the egress MTU; without DF: dropped */
	m = rte_pktmbuf_alloc(mp);
	append(m, 14 + 1600);
	{
		struct rte_mbuf *small = udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 64);

		memcpy(data(m), data(small), 60);
		rte_pktmbuf_free(small);
	}
	carp_wr16(data(m) + 16, 1600);
	data(m)[20] = 0x40;
	reseal(m);
	rx(m);
	assert_icmp4(sent_on(LAN), 0x0a630002, 3, 4, 1500);
	assert_nothing_sent();
	/* icmp_source: vip: the VIP the hosts use as their gateway, whichever node is master */
	dp_shared_set_icmp(sh, &icmp_state, 1000, true);
	rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 1));
	assert_icmp4(sent_on(LAN), 0x0a630001, 11, 0, 0);
	assert_true(lc->cnt.icmp_errors == sent + 4); /* and none for the one to us */
	sh->icmp = NULL;
}

static void
test_icmp_errors_for_ipv6_not_forwarded(void **state)
{
	struct carp_in6 server = in6(0x100, 9), far = in6(0x555, 1), us = in6(0x99, 2);
	struct rte_mbuf *m, *out;

	(void)state;
	dp_shared_set_icmp(sh, &icmp_state, 1000, false);
	set_neighbor6(&server, server_mac, WAN);
	for (int k = 0; k < 3; k++) {
		uint8_t type = k == 0 ? 3 : k == 1 ? 1 : 2; /* time exceeded, unreachable, PTB */

		if (k == 0) {
			m = udp6_frame(sh->vmac[LAN].addr_bytes, &server, 1);
		} else if (k == 1) {
			m = udp6_frame(sh->vmac[LAN].addr_bytes, &far, 64);
		} else {
			struct rte_mbuf *small = udp6_frame(sh->vmac[LAN].addr_bytes, &server, 64);

			m = rte_pktmbuf_alloc(mp);
			append(m, 14 + 40 + 1500);
			memcpy(data(m), data(small), 54 + 21);
			rte_pktmbuf_free(small);
			carp_wr16(data(m) + 14 + 4, 1500);
		}
		rx(m);
		out = sent_on(LAN);
		assert_non_null(out);
		assert_memory_equal(data(out), client_mac, 6);
		assert_int_equal(data(out)[14 + 6], 58);
		assert_memory_equal(data(out) + 14 + 8, us.b, 16);
		assert_int_equal(data(out)[54], type);
		assert_int_equal(carp_rd32(data(out) + 58), k == 2 ? 1500 : 0);
		assert_int_equal(carp_icmp6_cksum(data(out) + 14, data(out) + 54,
						  carp_rd16(data(out) + 18)), 0);
		assert_true(rte_pktmbuf_data_len(out) <= 14 + 1280);
		rte_pktmbuf_free(out);
	}
	assert_nothing_sent();
	sh->icmp = NULL;
}

static void
test_icmp_errors_are_rate_limited_and_never_answer_errors(void **state)
{
	uint64_t limited = lc->cnt.icmp_rate_limited, sent = lc->cnt.icmp_errors;
	struct rte_mbuf *m, *out;
	unsigned int got = 0;

	(void)state;
	dp_shared_set_icmp(sh, &icmp_state, 10, false); /* 10 a second, bursts of 3 */
	for (int k = 0; k < 10; k++) {
		rx(udp_frame(sh->vmac[LAN].addr_bytes, 0x0a640009, 1));
		while ((out = sent_on(LAN)) != NULL) {
			got++;
			rte_pktmbuf_free(out);
		}
	}
	assert_int_equal(got, 3);
	assert_true(lc->cnt.icmp_rate_limited == limited + 7);
	assert_true(lc->cnt.icmp_errors == sent + 3);
	/* An ICMP error that expires is not answered with another. */
	dp_shared_set_icmp(sh, &icmp_state, 1000, false);
	m = echo_request(sh->vmac[LAN].addr_bytes, 0x0a630009, 0x0a640009);
	data(m)[14 + 8] = 1;  /* TTL 1 */
	data(m)[34] = 3;      /* an unreachable, not an echo */
	reseal(m);
	rx(m);
	assert_nothing_sent();
	sh->icmp = NULL;
}

static void
test_every_frame_is_accounted_for(void **state)
{
	uint64_t out = lc->cnt.forwarded + lc->cnt.punted + lc->cnt.to_resolve +
		       lc->cnt.arp_replies + lc->cnt.echo_replies + lc->cnt.nd_replies +
		       lc->cnt.fragmented;

	(void)state;
	for (int r = 0; r < DP_DROP_COUNT; r++)
		out += lc->cnt.drop[r];
	for (int r = 1; r < FWD_DROP_COUNT; r++)
		out += lc->cnt.fwd_drop[r];
	assert_true(out == lc->cnt.rx);
}

/* A TCP segment from the client (10.99.0.9:40000) to the server's port 53, at the LAN
 * vMAC. */
static struct rte_mbuf *
tcp_frame(uint8_t flags, uint32_t seq, uint32_t ack)
{
	static uint8_t ip[40];

	make_datagram(ip, sizeof(ip), 6, 53, 7);
	ip[33] = flags;
	carp_wr32(ip + 24, seq);
	carp_wr32(ip + 28, ack);
	carp_wr16(ip + 34, 64240); /* window */
	return fragment_frame(sh->vmac[LAN].addr_bytes, ip, 0, 20, false);
}

static void
test_syn_for_a_state_its_own_burst_closed_meets_the_rules_again(void **state)
{
	struct rte_mbuf *burst[3];
	uint64_t created;
	unsigned int frames = 0;
	struct rte_mbuf *m;
	char err[256];

	(void)state;
	flt_timeouts_default(&frag_rs.timeouts, frag_rs.state_limit);
	sh->filter = dp_filter_create(&frag_rs, 0, 0, err, sizeof(err));
	assert_non_null(sh->filter);
	assert_int_equal(dp_filter_lcore_init(lc), 0);
	created = lc->flt->states_created;
	/* One burst: the SYN makes a state, the RST closes it, and a new SYN on the same
	 * ports finds it closed: the rules again, and the state made anew in place. */
	burst[0] = tcp_frame(FLT_TH_SYN, 1000, 0);
	burst[1] = tcp_frame(FLT_TH_RST, 1001, 0);
	burst[2] = tcp_frame(FLT_TH_SYN, 99000, 0);
	dp_rx_burst(lc, LAN, burst, 3);
	dp_tx_flush(lc);
	while ((m = sent_on(WAN)) != NULL) {
		frames++;
		rte_pktmbuf_free(m);
	}
	assert_int_equal(frames, 3);
	assert_true(lc->flt->states_created == created + 2);
	assert_int_equal(flt_table_count(sh->filter->table), 1);
	assert_true(lc->flt->rule[1].packets == 3 && lc->flt->rule[1].states == 2);
	dp_filter_lcore_free(lc);
	dp_filter_free(sh->filter);
	sh->filter = NULL;
}

/* Defer mode: a new state's first packet goes to the defer ring, not out; the next packet
 * of the flow passes by the state; the held one, released, leaves routed and rewritten. */
static void
test_first_packet_of_a_new_state_is_deferred_then_released(void **state)
{
	struct rte_ring *r = rte_ring_create_elem("t_defer", sizeof(struct dp_deferred), 8, 0,
						  RING_F_SP_ENQ | RING_F_SC_DEQ);
	struct dp_deferred d;
	struct rte_mbuf *m;
	char err[256];

	(void)state;
	assert_non_null(r);
	flt_timeouts_default(&frag_rs.timeouts, frag_rs.state_limit);
	sh->filter = dp_filter_create(&frag_rs, 0, 0, err, sizeof(err));
	assert_non_null(sh->filter);
	assert_int_equal(dp_filter_lcore_init(lc), 0);
	lc->defer = r;
	rx(tcp_frame(FLT_TH_SYN, 1000, 0));
	assert_nothing_sent();
	assert_int_equal(rte_ring_count(r), 1);
	assert_true(lc->flt->deferred == 1 && lc->flt->states_created == 1);
	/* The client sends again before the SYN has left: its state lets it pass. */
	rx(tcp_frame(FLT_TH_SYN, 1000, 0));
	m = sent_on(WAN);
	assert_non_null(m);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_ring_count(r), 1);
	/* Released (the control lcore's part): out on the WAN, TTL 63. */
	assert_int_equal(rte_ring_sc_dequeue_elem(r, &d, sizeof(d)), 0);
	assert_int_equal(d.af, 4);
	assert_int_equal(d.iface, LAN);
	dp_defer_release(lc, &d);
	dp_tx_flush(lc);
	m = sent_on(WAN);
	assert_non_null(m);
	assert_int_equal(data(m)[22], 63);
	assert_memory_equal(data(m), server_mac, 6); /* 10.100.0.9, on the WAN */
	rte_pktmbuf_free(m);
	assert_nothing_sent();
	lc->defer = NULL;
	rte_ring_free(r);
	dp_filter_lcore_free(lc);
	dp_filter_free(sh->filter);
	sh->filter = NULL;
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

/*
 * An IPv6 fragment to @p eth_dst from 2001:db8:99::9 to 2001:db8:100::9: bytes [@p off,
 * @p off + @p n) of the @p len bytes of UDP in @p l4 (to port @p l4's), id @p id.
 */
static struct rte_mbuf *
fragment6_frame(const uint8_t eth_dst[6], const uint8_t *l4, size_t off, size_t n, bool more,
		uint32_t id)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f = append(m, (uint16_t)(14 + 48 + n)), *ip6 = f + 14;
	struct carp_in6 src = in6(0x99, 9), dst = in6(0x100, 9);

	memcpy(f, eth_dst, 6);
	memcpy(f + 6, client_mac, 6);
	carp_wr16(f + 12, 0x86dd);
	memset(ip6, 0, 48);
	ip6[0] = 0x60;
	carp_wr16(ip6 + 4, (uint16_t)(8 + n));
	ip6[6] = 44;
	ip6[7] = 64;
	memcpy(ip6 + 8, src.b, 16);
	memcpy(ip6 + 24, dst.b, 16);
	ip6[40] = 17;
	carp_wr16(ip6 + 42, (uint16_t)(off | (more ? 1 : 0)));
	carp_wr32(ip6 + 44, id);
	memcpy(ip6 + 48, l4 + off, n);
	return m;
}

static void
test_ipv6_fragments_are_reassembled_and_leave_as_they_came(void **state)
{
	static uint8_t l4[2000], back[2000];
	struct carp_in6 server = in6(0x100, 9);
	unsigned int in_use = rte_mempool_in_use_count(mp), frames = 0;
	uint64_t fragmented = lc->cnt.fragmented, before;
	struct rte_mbuf *m;
	size_t end = 0;
	char err[256];

	(void)state;
	flt_timeouts_default(&frag_rs.timeouts, frag_rs.state_limit);
	sh->filter = dp_filter_create(&frag_rs, 0, 0, err, sizeof(err));
	assert_non_null(sh->filter);
	assert_int_equal(dp_filter_lcore_init(lc), 0);
	set_neighbor6(&server, server_mac, WAN);
	for (size_t i = 0; i < sizeof(l4); i++)
		l4[i] = (uint8_t)(i * 13);
	carp_wr16(l4, 40000);
	carp_wr16(l4 + 2, 53);
	carp_wr16(l4 + 4, sizeof(l4));

	print_message("# 2000 bytes of UDP in fragments of 1280 bytes, the last first\n");
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 1232, 2000 - 1232, false, 0xabcd0001));
	assert_nothing_sent();
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 0, 1232, true, 0xabcd0001));
	/* Out again in fragments no larger than the first was, with the same id. */
	while ((m = sent_on(WAN)) != NULL) {
		const uint8_t *ip6 = data(m) + 14;
		size_t off = carp_rd16(ip6 + 42) & 0xfff8, n = carp_rd16(ip6 + 4) - 8u;

		frames++;
		assert_int_equal(m->nb_segs, 1);
		assert_memory_equal(data(m), server_mac, 6);
		assert_int_equal(carp_rd16(data(m) + 12), 0x86dd);
		assert_int_equal(ip6[6], 44);
		assert_int_equal(ip6[7], 63);
		assert_int_equal(ip6[40], 17);
		assert_true(carp_rd32(ip6 + 44) == 0xabcd0001);
		assert_true(40 + 8 + n <= 1280);
		assert_true(off + n <= sizeof(back));
		memcpy(back + off, ip6 + 48, n);
		if (!(carp_rd16(ip6 + 42) & 1))
			end = off + n;
		rte_pktmbuf_free(m);
	}
	assert_int_equal(frames, 2);
	assert_int_equal(end, sizeof(l4));
	assert_memory_equal(back, l4, sizeof(l4));
	assert_true(lc->cnt.fragmented == fragmented + 1);
	assert_true(lc->flt->reasm->reassembled == 1 && lc->flt->states_created == 1);

	print_message("# to port 54: blocked once, whole\n");
	before = lc->flt->drop[FLT_DROP_BLOCK];
	carp_wr16(l4 + 2, 54);
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 0, 1232, true, 2));
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 1232, 2000 - 1232, false, 2));
	assert_nothing_sent();
	assert_true(lc->flt->drop[FLT_DROP_BLOCK] == before + 1);

	print_message("# an atomic fragment (offset 0, no more): dropped by name\n");
	before = lc->flt->drop[FLT_DROP_FRAGMENT];
	carp_wr16(l4 + 2, 53);
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 0, 64, false, 3));
	assert_nothing_sent();
	assert_true(lc->flt->drop[FLT_DROP_FRAGMENT] == before + 1);

	print_message("# overlapping: every fragment discarded\n");
	before = lc->flt->drop[FLT_DROP_FRAG_DISCARDED];
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 0, 1232, true, 4));
	rx(fragment6_frame(sh->vmac[LAN].addr_bytes, l4, 1224, 2000 - 1224, false, 4));
	assert_nothing_sent();
	assert_true(lc->flt->drop[FLT_DROP_FRAG_DISCARDED] == before + 2);

	dp_filter_lcore_free(lc);
	dp_filter_free(sh->filter);
	sh->filter = NULL;
	assert_int_equal(rte_mempool_in_use_count(mp), in_use);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci",
			"--log-level", "error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routed_to_connected_host_with_ttl_checksum_and_vmac),
		cmocka_unit_test(test_static_route_goes_to_its_gateway),
		cmocka_unit_test(test_egress_backup_sources_real_mac),
		cmocka_unit_test(test_gateway_forgotten_then_relearned),
		cmocka_unit_test(test_ipv4_with_options_is_forwarded),
		cmocka_unit_test(test_backup_forwards_nothing_sent_to_its_vmac),
		cmocka_unit_test(test_unresolved_next_hop_goes_to_control_with_its_next_hop),
		cmocka_unit_test(test_bad_ipv4_is_counted_and_never_forwarded),
		cmocka_unit_test(test_larger_than_egress_mtu_with_df_is_counted_not_sent),
		cmocka_unit_test(test_df_clear_larger_than_egress_mtu_leaves_in_fragments),
		cmocka_unit_test(test_fragment_is_forwarded_intact),
		cmocka_unit_test(test_arp_for_vip_answered_by_master_only),
		cmocka_unit_test(test_carp_and_arp_replies_go_to_control),
		cmocka_unit_test(test_sync_from_a_unicast_peer_goes_to_control_anything_like_it_does_not),
		cmocka_unit_test(test_frames_of_unconfigured_vlans_are_dropped_never_answered_nor_forwarded),
		cmocka_unit_test(test_forwarding_between_vlans_and_ports_carries_the_egress_tag_only),
		cmocka_unit_test(test_each_vlan_answers_for_its_own_addresses_and_vhids),
		cmocka_unit_test(test_arp_answered_only_for_the_ingress_ports_own_addresses),
		cmocka_unit_test(test_nothing_is_answered_to_a_group_address),
		cmocka_unit_test(test_martian_and_own_sources_are_never_forwarded),
		cmocka_unit_test(test_arp_to_control_is_rate_limited_per_port),
		cmocka_unit_test(test_carp_keeps_its_own_ring_when_arp_fills_its_own),
		cmocka_unit_test(test_a_burst_of_mixed_destinations_goes_each_its_own_way),
		cmocka_unit_test(test_ns_for_vip_answered_by_master_only_from_the_vmac),
		cmocka_unit_test(test_ns_for_own_addresses_answered_with_the_real_mac),
		cmocka_unit_test(test_dad_probe_for_a_held_vip_is_defended),
		cmocka_unit_test(test_ns_answered_only_on_the_interface_of_its_target),
		cmocka_unit_test(test_ns_on_a_vlan_for_its_link_local_vip_is_answered_tagged),
		cmocka_unit_test(test_bad_neighbour_discovery_is_dropped_by_name),
		cmocka_unit_test(test_ping6_answered_for_our_addresses_and_master_vips),
		cmocka_unit_test(test_other_ipv6_dropped_by_name_and_mld_queries_go_to_control),
		cmocka_unit_test(test_ipv6_routed_to_a_connected_host_with_hop_limit_and_vmac),
		cmocka_unit_test(test_ipv6_routes_via_link_local_and_global_gateways),
		cmocka_unit_test(test_ipv6_unresolved_next_hop_goes_to_control),
		cmocka_unit_test(test_bad_ipv6_is_counted_and_never_forwarded),
		cmocka_unit_test(test_icmp_errors_for_ipv4_not_forwarded),
		cmocka_unit_test(test_icmp_errors_for_ipv6_not_forwarded),
		cmocka_unit_test(test_icmp_errors_are_rate_limited_and_never_answer_errors),
		cmocka_unit_test(test_every_frame_is_accounted_for),
		/* After the tally: its frames end in the filter's counters, or are merged. */
		cmocka_unit_test(test_fragments_are_reassembled_before_the_filter),
		cmocka_unit_test(test_ipv6_fragments_are_reassembled_and_leave_as_they_came),
		cmocka_unit_test(test_syn_for_a_state_its_own_burst_closed_meets_the_rules_again),
		cmocka_unit_test(test_first_packet_of_a_new_state_is_deferred_then_released),
	};
	int rc;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dptest%d", (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "EAL did not start\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("dataplane", tests, setup, NULL);
	eal_test_cleanup();
	return rc;
}
