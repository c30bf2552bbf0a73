/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the worker's frame path (dp_rx_burst: destination check, VLAN and
 * source checks, classifier, ARP and ICMP answers, the IPv4 router checks, forwarding)
 * on a real EAL with two ring-backed ports, as the component test sets them up, and two
 * VLANs: 20 on the LAN port (VHID 1 again, another segment), 30 on the WAN port. The first
 * byte picks which VHIDs are MASTER and whether the "device" stripped a VLAN tag (and
 * which); the rest is one frame received on the LAN port. Whatever it holds:
 *   - every frame is accounted for by exactly one counter, and no mbuf is leaked;
 *   - nothing leaves with a tag its port does not carry, or untagged on a port whose
 *     untagged side it is not, to a group address, or from a MAC that is not ours on the
 *     interface its tag names;
 *   - a BACKUP answers nothing for its VIP.
 * Built with -DWITH_FILTER (fuzz_dataplane_filter), the same with a stateful filter in
 * the path (pass and keep state from the LAN, reject TCP 22 and UDP 53, block pings to
 * the node, default block; a table of 64 states, emptied every 256 inputs): a frame may
 * also end in one of the filter's drops, and a reject's answer obeys the same rules.
 * Built with -DWITH_REASSEMBLY as well (fuzz_dataplane_reasm), the filter reassembles
 * IPv4, and an input is up to 8 frames (each a 2-byte length and its bytes) received in
 * one burst: fragments (IPv4 and IPv6) meet the fragments of the inputs before them.
 * Then no frame has more than one outcome (a datagram's fragments have one between
 * them), what leaves is in one mbuf and no larger than the egress MTU, and no fragment
 * passes the rules without its datagram: nothing leaves that is, or starts, TCP to 22
 * or UDP to 53 (the rejected ports), and every later fragment that leaves is of a
 * datagram whose first one left in the same input. Every 64 inputs the reassembly table starts over, and then no
 * mbuf may be in use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_mbuf.h>

#include "../component/eal_test.h"
#include "carp_frame.h"
#include "carp_nd.h"
#include "dp.h"
#ifdef WITH_FILTER
#include "dp_filter.h"
#endif

#define LAN 0
#define WAN 1
#define V20 2 /* VLAN 20 on the LAN port */
#define V30 3 /* VLAN 30 on the WAN port */

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
add_route(uint32_t prefix, uint8_t len, uint32_t via, uint16_t iface, bool local)
{
	uint32_t mask = len ? ~0u << (32 - len) : 0;

	sh->nexthop[sh->n_nexthops] = (struct dp_nexthop){
		.ip = via, .iface = iface, .local = local,
		.net = via || local ? 0 : prefix & mask, .bcast = via || local ? 0 : prefix | ~mask,
	};
	check(rte_lpm_add(sh->lpm, prefix & mask, len, sh->n_nexthops++) == 0);
}

static const struct carp_in6 none6;
static struct dp_icmp icmp;

static void
add_route6(const struct carp_in6 *prefix, uint8_t len, const struct carp_in6 *via, uint16_t iface,
	   bool local)
{
	sh->nexthop6[sh->n_nexthops6] = (struct dp_nexthop6){ .ip = *via, .iface = iface,
							      .local = local };
	check(rte_lpm6_add(sh->lpm6, prefix->b, len, sh->n_nexthops6++) == 0);
}

/* Interface @p i on port @p port, VLAN @p vlan (0: untagged), address @p addr/24, and
 * VHID @p vhid (index @p i) holding addr - 1; a /32 local route to each. */
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
	di->vhid_idx[vhid] = i;
	carp_vmac(vhid, sh->vmac[i].addr_bytes);
	check(carp_vip_table_add(&sh->vips, i, addr - 1, i) == 0);
	check(dp_shared_add_local(sh, addr - 1, i) == 0);
	check(dp_shared_add_local(sh, addr, (uint16_t)(DP_LOCAL_PORT_ADDR | i)) == 0);
	add_route(addr, 24, 0, i, false);
	add_route(addr - 1, 32, 0, i, true);
	/* IPv6: the link-local from the MAC, 2001:db8:<second byte>::2, VIP ...::1 */
	struct carp_in6 a6 = { { 0x20, 0x01, 0x0d, 0xb8, 0, (uint8_t)(addr >> 16), [15] = 2 } };
	struct carp_in6 vip6 = a6;

	vip6.b[15] = 1;
	carp_in6_link_local(di->mac.addr_bytes, &di->addr6[0]);
	di->addr6[1] = a6;
	di->n_addr6 = 2;
	check(dp_shared_add_local6(sh, &a6, (uint16_t)(DP_LOCAL_PORT_ADDR | i)) == 0);
	check(carp_addr6_table_add(&sh->vips6, i, &vip6, i) == 0);
	check(dp_shared_add_local6(sh, &vip6, i) == 0);
	sh->first_vip4[i] = addr - 1;
	sh->first_vip6[i] = vip6;
	/* and its IPv6 routes, as ctl_fwd6.c builds them */
	add_route6(&a6, 64, &none6, i, false);
	add_route6(&a6, 128, &none6, i, true);
	add_route6(&vip6, 128, &none6, i, true);
}

#ifdef WITH_FILTER
static struct flt_rule rules[] = {
	{ .action = FLT_REJECT, .in = FLT_IFACE_ANY, .out = FLT_IFACE_ANY, .proto = FLT_PROTO_TCP,
	  .dport = { 0, 1 }, .icmp_type = -1, .icmp_code = -1 },
	{ .action = FLT_REJECT, .in = FLT_IFACE_ANY, .out = FLT_IFACE_ANY, .proto = FLT_PROTO_UDP,
	  .dport = { 1, 1 }, .icmp_type = -1, .icmp_code = -1, .log = true },
	{ .action = FLT_BLOCK, .in = FLT_IFACE_ANY, .out = FLT_IFACE_SELF, .icmp_type = -1,
	  .icmp_code = -1, .log = true },
	{ .action = FLT_PASS, .keep_state = true, .in = LAN, .out = FLT_IFACE_ANY,
	  .icmp_type = -1, .icmp_code = -1, .flags = FLT_TH_SYN,
	  .flags_mask = FLT_TH_SYN | FLT_TH_ACK },
	{ .action = FLT_PASS, .in = V20, .out = FLT_IFACE_ANY, .icmp_type = -1, .icmp_code = -1 },
};
static struct flt_port_range ports[] = { { 22, 22 }, { 53, 53 } };
static struct flt_ruleset ruleset = {
	.rules = rules, .n_rules = 5, .ports = ports, .n_ports = 2,
	.default_action = FLT_BLOCK, .state_limit = 64,
#ifdef WITH_REASSEMBLY
	.reassemble = true, .frag_max = 8,
#endif
};

/* At exit, before the EAL's cleanup (atexit runs in reverse): what is not in DPDK memory
 * would be reported as leaked. */
static void
free_filter(void)
{
	dp_lcore_free(lc);
	dp_filter_free(sh->filter);
	sh->filter = NULL;
}

/* Every frame the filter ended. */
/* Defer mode on: what the filter holds back (a new state's first packet) is released at
 * once, as the control lcore would when the peer acknowledges it. */
static struct rte_ring *defer_ring;

static void
release_deferred(void)
{
	struct dp_deferred d;

	while (rte_ring_sc_dequeue_elem(defer_ring, &d, sizeof(d)) == 0)
		dp_defer_release(lc, &d);
	dp_tx_flush(lc);
}

static uint64_t
filter_outcomes(void)
{
	uint64_t n = 0;

	for (int r = 1; r < FLT_DROP_COUNT; r++)
		n += lc->flt->drop[r];
	return n;
}
#endif

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[64];
	char *eal[] = { (*argv)[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci",
			"--no-telemetry", "--log-level", "error", prefix, NULL };
	struct rte_lpm_config lpmc = { .max_rules = 16, .number_tbl8s = 32 };
	struct rte_lpm6_config lpm6c = { .max_rules = 16, .number_tbl8s = 64 };
	static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 9 };
	static const uint8_t server[6] = { 2, 0, 0, 0, 0x10, 9 }, gw[6] = { 2, 0, 0, 0, 0x10, 0xfe };
	struct dp_msg msg = { .type = DP_MSG_NEIGH_SET, .iface = WAN };

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzzdp%d", (int)getpid());
	check(rte_eal_init(11, eal) >= 0);
	atexit(eal_test_cleanup); /* libFuzzer ends with exit(): leave no runtime directory */
	mp = rte_pktmbuf_pool_create("fz_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	sh = calloc(1, sizeof(*sh));
	lc = calloc(1, sizeof(*lc));
	check(mp && sh && lc);
	check(carp_vip_table_init(&sh->vips, 8) == 0 && carp_vip_table_init(&sh->local, 16) == 0);
	check(carp_addr6_table_init(&sh->vips6, 8) == 0 && carp_addr6_table_init(&sh->local6, 16) == 0);
	memset(sh->vlan_iface, 0xff, sizeof(sh->vlan_iface));
	for (int p = 0; p < 2; p++) {
		struct dp_port *dp = &sh->port[p];

		dp->port_id = make_port(p, p == LAN ? "flan" : "fwan");
		rte_eth_macaddr_get(dp->port_id, &dp->mac);
		sh->port_of_id[dp->port_id] = (uint16_t)p;
	}
	sh->lpm = rte_lpm_create("fz_routes", 0, &lpmc);
	sh->nexthop = calloc(12, sizeof(*sh->nexthop));
	sh->lpm6 = rte_lpm6_create("fz_routes6", 0, &lpm6c);
	sh->nexthop6 = calloc(16, sizeof(*sh->nexthop6));
	check(sh->lpm && sh->nexthop && sh->lpm6 && sh->nexthop6);
	init_iface(LAN, LAN, 0, 0x0a630002, 1); /* 10.99.0.2 */
	init_iface(WAN, WAN, 0, 0x0a640002, 2); /* 10.100.0.2 */
	init_iface(V20, LAN, 20, 0x0a140002, 1); /* 10.20.0.2 */
	init_iface(V30, WAN, 30, 0x0a1e0002, 3); /* 10.30.0.2 */
	sh->n_ports = 2;
	sh->n_ifaces = 4;
	sh->n_vhids = 4;
	add_route(0x0ac80000, 16, 0x0a6400fe, WAN, false);
	add_route(0x0ac90000, 16, 0x0a1e00fe, V30, false);
	/* State sync on the LAN from a unicast peer, so the group's and the peer's datagrams
	 * are taken aside too. */
	sh->sync_port = 8240;
	sh->sync_iface = LAN;
	sh->sync_group = 0xe00000f0;
	sh->sync_addr = 0x0a630002;
	/* ICMP errors on, at a rate the fuzzer does not exhaust, from the VIP where MASTER */
	dp_shared_set_icmp(sh, &icmp, 100000, true);
#ifdef WITH_FILTER
	{
		char err[256];

		flt_timeouts_default(&ruleset.timeouts, ruleset.state_limit);
		sh->filter = dp_filter_create(&ruleset, 0, 0, err, sizeof(err));
		check(sh->filter != NULL);
		atexit(free_filter);
	}
#endif
	check(dp_lcore_init(lc, sh, 0, 16) == 0);
	lc->carp.fn = lc->arp.fn = lc->resolve.fn = to_control;
#ifdef WITH_FILTER
	defer_ring = rte_ring_create_elem("fz_defer", sizeof(struct dp_deferred), 64, 0,
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
	check(defer_ring != NULL);
	lc->defer = defer_ring;
#endif
	msg.ip = fwd_addr4(0x0a640009);
	memcpy(msg.mac, server, 6);
	dp_apply_msg(lc, &msg);
	msg.ip = fwd_addr4(0x0a6400fe);
	memcpy(msg.mac, gw, 6);
	dp_apply_msg(lc, &msg);
	msg.ip = fwd_addr4(0x0a1e00fe);
	msg.iface = V30;
	dp_apply_msg(lc, &msg);
	msg.ip = fwd_addr4(0x0a140009);
	msg.iface = V20;
	dp_apply_msg(lc, &msg);
	msg.ip = fwd_addr6(host6); /* 2001:db8:64::9 on the WAN */
	msg.iface = WAN;
	dp_apply_msg(lc, &msg);
	return 0;
}

static uint64_t
outcomes(void)
{
	uint64_t n = lc->cnt.forwarded + lc->cnt.punted + lc->cnt.to_resolve +
		     lc->cnt.arp_replies + lc->cnt.echo_replies + lc->cnt.nd_replies +
		     lc->cnt.fragmented;

	for (int r = 0; r < DP_DROP_COUNT; r++)
		n += lc->cnt.drop[r];
	for (int r = 1; r < FWD_DROP_COUNT; r++)
		n += lc->cnt.fwd_drop[r];
#ifdef WITH_FILTER
	n += filter_outcomes();
#endif
	return n;
}

/* A frame we sent on port @p port: on one of its interfaces, to a station, from our MAC
 * there or the vMAC of a VHID MASTER on that interface. */
static void
check_sent(struct rte_mbuf *m, int port)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t type, i, idx;

	check(rte_pktmbuf_data_len(m) >= 14);
	check(!(m->ol_flags & RTE_MBUF_F_TX_VLAN)); /* ring ports insert no tags */
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == 0x8100) {
		check(rte_pktmbuf_data_len(m) >= 18);
		i = sh->vlan_iface[port][(f[14] << 8 | f[15]) & 0x0fff];
		type = (uint16_t)(f[16] << 8 | f[17]);
	} else {
		i = sh->port[port].untagged;
	}
	check(i != DP_NO_IFACE && sh->iface[i].port == port);
	check(type != 0x8100 && type != 0x88a8 && type != 0x9100);
	if (f[0] & 1) {
		/* To a group only to defend an address against DAD: an NA to ff02::1. */
		static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
		size_t l3 = f[12] == 0x81 ? 18 : 14;

		check(type == 0x86dd && memcmp(f, all_nodes, 6) == 0 &&
		      rte_pktmbuf_data_len(m) == l3 + 72 && f[l3 + 6] == 58 && f[l3 + 40] == 136);
	}
	if (memcmp(f + 6, sh->iface[i].mac.addr_bytes, 6) == 0)
		return;
	check(memcmp(f + 6, sh->vmac[0].addr_bytes, 5) == 0); /* 00:00:5e:00:01 */
	idx = sh->iface[i].vhid_idx[f[11]];
	check(idx != DP_NO_VHID && lc->master[idx]);
}

static const uint16_t stripped_tci[4] = { 0, 20, 30, 0x2014 }; /* 0x2014: prio 1, 20 */

/* Frame @p f of @p n bytes as received on the LAN port, with what flags byte @p mode says
 * the device did (stripped a tag, checked the IPv4 checksum). */
static struct rte_mbuf *
received(uint8_t mode, const uint8_t *f, size_t n)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *d;

	check(m != NULL);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)n);
	check(n == 0 || d != NULL);
	if (n)
		memcpy(d, f, n);
	if (mode & 0x10) {
		m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		m->vlan_tci = stripped_tci[(mode >> 6) & 3];
	}
	if (mode & 0x20)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	m->port = sh->port[LAN].port_id;
	return m;
}

#ifdef WITH_REASSEMBLY
/* The datagrams whose first fragment (or whole self) left in this input: a hash of
 * their addresses, and their identification. */
static struct {
	uint64_t addrs;
	uint32_t id;
} firsts[64];
static unsigned int n_firsts;

static uint64_t
addrs_hash(const uint8_t *a, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ a[i]) * 1099511628211ull;
	return h;
}

/* A datagram (or first fragment) that left: never to a rejected port; remembered. */
static void
first_left(uint8_t proto, const uint8_t *l4, size_t avail, uint64_t addrs, uint32_t id)
{
	if (avail >= 4 && (proto == 6 || proto == 17))
		check(carp_rd16(l4 + 2) != (proto == 6 ? 22 : 53));
	if (n_firsts < 64)
		firsts[n_firsts++] = (typeof(firsts[0])){ addrs, id };
}

static void
later_left(uint64_t addrs, uint32_t id)
{
	bool found = false;

	for (unsigned int k = 0; k < n_firsts; k++)
		found |= firsts[k].addrs == addrs && firsts[k].id == id;
	check(found);
}

/* What left on the WAN: one mbuf, within the MTU, never the rejected ports, no later
 * fragment without its first. */
static void
check_not_bypassed(struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *), *ip;
	size_t l3 = f[12] == 0x81 ? 18 : 14, len = rte_pktmbuf_data_len(m);
	uint16_t type, mtu = sh->iface[WAN].mtu > sh->iface[V30].mtu ? sh->iface[WAN].mtu
								      : sh->iface[V30].mtu;

	check(m->nb_segs == 1);
	if (len < l3 + 40)
		return;
	type = carp_rd16(f + l3 - 2);
	ip = f + l3;
	/* The datagram within the MTU (the frame may carry what followed it in the frame
	 * received: the ring ports take frames of any size). */
	if (type == 0x0800) {
		size_t ihl = (size_t)(ip[0] & 0xf) * 4;
		uint16_t fo = carp_rd16(ip + 6);
		uint64_t a = addrs_hash(ip + 12, 8);

		check(carp_rd16(ip + 2) <= mtu);
		if ((fo & 0x1fff) == 0)
			first_left(ip[9], ip + ihl, len - l3 - ihl, a, carp_rd16(ip + 4));
		else
			later_left(a, carp_rd16(ip + 4));
	} else if (type == 0x86dd) {
		uint64_t a = addrs_hash(ip + 8, 32);

		check(40u + carp_rd16(ip + 4) <= mtu);
		if (ip[6] != 44)
			first_left(ip[6], ip + 40, len - l3 - 40, a, 0);
		else if (len >= l3 + 48 && (carp_rd16(ip + 42) & 0xfff8) == 0)
			first_left(ip[40], ip + 48, len - l3 - 48, a, carp_rd32(ip + 44));
		else if (len >= l3 + 48)
			later_left(a, carp_rd32(ip + 44));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned int inputs;
	struct rte_mbuf *ms[8], *out;
	uint16_t n = 0;
	size_t at = 1;

	if (size < 1)
		return 0;
	for (uint16_t v = 0; v < 4; v++)
		if (lc->master[v] != ((data[0] >> v) & 1))
			dp_apply_msg(lc, &(struct dp_msg){ .type = DP_MSG_MASTER, .idx = v,
							   .flag = (data[0] >> v) & 1 });
	while (n < 8 && at + 2 <= size) {
		size_t len = (size_t)carp_rd16(data + at) % (RTE_MBUF_DEFAULT_DATAROOM + 1);

		at += 2;
		if (len > size - at)
			len = size - at;
		ms[n++] = received(data[0], data + at, len);
		at += len;
	}
	if (++inputs % 256 == 0)
		flt_table_expire(sh->filter->table, &ruleset.timeouts, UINT64_MAX / 2, 1024);
	n_firsts = 0;
	dp_rx_burst(lc, LAN, ms, n);
	dp_tx_flush(lc);
	release_deferred();
	/* Never two outcomes for one frame (held fragments may end in a later input). */
	check(outcomes() <= lc->cnt.rx);
	for (int p = 0; p < 2; p++)
		while (rte_ring_dequeue(tx_ring[p], (void **)&out) == 0) {
			check_sent(out, p);
			if (p == WAN)
				check_not_bypassed(out);
			rte_pktmbuf_free(out);
		}
	if (inputs % 64 == 0) {
		/* What the table holds goes back to the pool with it. */
		dp_reasm_free(lc->flt->reasm);
		lc->flt->reasm = dp_reasm_create(ruleset.frag_max, 60, 0);
		check(lc->flt->reasm != NULL);
		check(rte_mempool_in_use_count(mp) == 0);
	}
	return 0;
}
#else
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *out;
	uint64_t before;

	if (size < 1 || size > 1 + RTE_MBUF_DEFAULT_DATAROOM)
		return 0;
	for (uint16_t v = 0; v < 4; v++)
		if (lc->master[v] != ((data[0] >> v) & 1))
			dp_apply_msg(lc, &(struct dp_msg){ .type = DP_MSG_MASTER, .idx = v,
							   .flag = (data[0] >> v) & 1 });
	m = received(data[0], data + 1, size - 1);
#ifdef WITH_FILTER
	{
		static unsigned int inputs;

		/* Not the control lcore's clock: every state expires, and is reclaimed at
		 * once (this lcore is no RCU reader). */
		if (++inputs % 256 == 0)
			flt_table_expire(sh->filter->table, &ruleset.timeouts, UINT64_MAX / 2, 1024);
	}
#endif
	before = outcomes();
	dp_rx_burst(lc, LAN, &m, 1);
	dp_tx_flush(lc);
#ifdef WITH_FILTER
	release_deferred();
#endif
	check(outcomes() == before + 1); /* exactly one outcome per frame */
	for (int p = 0; p < 2; p++)
		while (rte_ring_dequeue(tx_ring[p], (void **)&out) == 0) {
			check_sent(out, p);
			rte_pktmbuf_free(out);
		}
	check(rte_mempool_in_use_count(mp) == 0);
	return 0;
}
#endif
