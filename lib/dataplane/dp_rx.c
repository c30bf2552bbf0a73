/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-frame decisions of a data-plane lcore: accept by destination MAC, classify, answer
 * ARP and ICMP echo for addresses this node owns, punt CARP to the control lcore, drop
 * the rest with a named reason. Replies are rewritten in place and sent from the lcore's
 * own tx queue on the port they came from.
 */
#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "carp_arp.h"
#include "carp_bytes.h"
#include "carp_icmp.h"
#include "carp_wire.h"
#include "dp.h"

#define DP_STR(e, s, d) [DP_DROP_##e] = s,
static const char *const drop_names[] = { DP_DROP_LIST(DP_STR) };
#undef DP_STR

/* The bytes at @p p equal the constant bytes @p c (length 4): one load, one compare. */
static inline bool
eq4(const uint8_t *p, const uint8_t c[4])
{
	uint32_t a, b;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, c, sizeof(b));
	return a == b;
}

/* A CARP/VRRP virtual MAC, 00:00:5e:00:01:vhid (RFC 5798, spec §1.5). */
static inline bool
is_vmac(const uint8_t *mac)
{
	static const uint8_t prefix[4] = { 0x00, 0x00, 0x5e, 0x00 };

	return eq4(mac, prefix) && mac[4] == 0x01;
}

const char *
dp_drop_name(enum dp_drop d)
{
	return (unsigned)d < DP_DROP_COUNT ? drop_names[d] : "?";
}

static inline void
drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop why)
{
	lc->cnt.drop[why]++;
	rte_pktmbuf_free(m);
}

/* Hand @p m to the control lcore on path @p to: its ring, or a direct call on the control
 * lcore itself. */
static inline void
punt(struct dp_lcore *lc, struct rte_mbuf *m, const struct dp_to_control *to, enum dp_drop full)
{
	if (to->ring == NULL) {
		lc->cnt.punted++;
		to->fn(lc, m);
	} else if (rte_ring_enqueue(to->ring, m) != 0) {
		drop(lc, m, full);
	} else {
		lc->cnt.punted++;
	}
}

/* Unicast IPv4 (RFC 1122 3.2.1.3): not zero/"this network", loopback, multicast, class E
 * or the limited broadcast. Host order. */
static inline bool
ipv4_unicast(uint32_t a)
{
	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 0xe;
}

/* True when @p a is the broadcast address of a subnet of port @p p (/30 and wider). */
static bool
port_subnet_broadcast(const struct dp_port *port, uint32_t a)
{
	for (unsigned int i = 0; i < port->n_addr4; i++) {
		uint8_t len = port->plen4[i];
		uint32_t host = len ? ~0u >> len : ~0u;

		if (len <= 30 && (a & host) == host && ((a ^ port->addr4[i]) & ~host) == 0)
			return true;
	}
	return false;
}

/* A sender that a reply may go back to: a unicast station, from a unicast address. */
static inline bool
mac_unicast(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

/*
 * ARP handed to the control lcore is rate-limited per port on every lcore (GCRA: one
 * comparison and one store per frame), so a flood of announcements costs the control
 * lcore a bounded share of its time whatever the attacker's rate.
 */
static inline bool
arp_punt_allowed(struct dp_lcore *lc, unsigned int bucket, uint16_t p)
{
	const struct dp_shared *sh = lc->sh;
	uint64_t now, tat;

	if (sh->arp_interval == 0)
		return true;
	now = rte_rdtsc();
	tat = lc->arp_tat[bucket][p] > now ? lc->arp_tat[bucket][p] : now;
	if (tat - now > sh->arp_tolerance)
		return false;
	lc->arp_tat[bucket][p] = tat + sh->arp_interval;
	return true;
}

static bool
is_port_address(const struct dp_port *port, uint32_t a)
{
	for (unsigned int i = 0; i < port->n_addr4; i++)
		if (port->addr4[i] == a)
			return true;
	return false;
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
			drop(lc, lc->tx[p][i], DP_DROP_TX_FULL);
		lc->n_tx[p] = 0;
	}
}

/*
 * Which MAC answers a ping to IPv4 address @p a arriving on port @p p: the vMAC of its
 * VHID while MASTER (a VIP of another port too: a router answers for all of its addresses
 * on any interface, and the packet came to a MAC of ours), the ingress port's MAC for any
 * address of the node's ports. NULL when we must not answer (a BACKUP never does, counted
 * as vmac_backup) or @p a is not ours at all (*why left as it was).
 */
static const struct rte_ether_addr *
echo_owner_mac(const struct dp_lcore *lc, uint16_t p, uint32_t a, enum dp_drop *why)
{
	uint16_t v = carp_vip_table_lookup(&lc->sh->local, 0, a);

	if (v == CARP_VIP_NONE)
		return NULL;
	if (v & DP_LOCAL_PORT_ADDR)
		return &lc->sh->port[p].mac;
	if (lc->master[v])
		return &lc->sh->vmac[v];
	*why = DP_DROP_VMAC_BACKUP;
	return NULL;
}

/*
 * Which MAC answers an ARP request for @p a on port @p p. ARP is strict where ping is not:
 * only the ingress port's own addresses and VIPs are answered, because an answer draws
 * the asker's traffic to this port, and traffic for another port's address would be
 * dropped here (the local /32 routes) instead of reaching it. NULL with the reason in
 * @p why otherwise.
 */
static const struct rte_ether_addr *
arp_owner_mac(const struct dp_lcore *lc, uint16_t p, uint32_t a, enum dp_drop *why)
{
	const struct dp_port *port = &lc->sh->port[p];
	uint16_t v = carp_vip_table_lookup(&lc->sh->vips, p, a);

	if (v != CARP_VIP_NONE) {
		if (lc->master[v])
			return &lc->sh->vmac[v];
		*why = DP_DROP_ARP_BACKUP;
		return NULL;
	}
	if (is_port_address(port, a))
		return &port->mac;
	*why = carp_vip_table_lookup(&lc->sh->local, 0, a) != CARP_VIP_NONE
		       ? DP_DROP_ARP_OTHER_PORT
		       : DP_DROP_ARP_OTHER;
	return NULL;
}

static void
handle_arp(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m, uint8_t *f, size_t len)
{
	struct carp_arp a;
	const struct rte_ether_addr *mac;
	enum dp_drop why = DP_DROP_ARP_OTHER;

	if (!carp_arp_parse(f, len, &a)) {
		drop(lc, m, DP_DROP_ARP_OTHER);
		return;
	}
	/* A reply goes to the sender hardware address: never to a group, never from a
	 * non-unicast address (0.0.0.0 is a probe's, RFC 5227, and is answered). */
	if (!mac_unicast(a.sha) || (a.spa != 0 && !ipv4_unicast(a.spa))) {
		drop(lc, m, DP_DROP_ARP_BAD_SENDER);
		return;
	}
	if (a.op == CARP_ARP_REPLY || carp_arp_is_gratuitous(&a)) {
		/* Replies and announcements teach the control lcore where next hops are. */
		unsigned int bucket = a.op == CARP_ARP_REPLY &&
				      is_port_address(&lc->sh->port[p], a.tpa);

		if (!arp_punt_allowed(lc, bucket, p)) {
			drop(lc, m, DP_DROP_ARP_RATE_LIMITED);
			return;
		}
		punt(lc, m, &lc->arp, DP_DROP_ARP_PUNT_FULL);
		return;
	}
	if (a.op != CARP_ARP_REQUEST) {
		drop(lc, m, DP_DROP_ARP_OTHER);
		return;
	}
	mac = arp_owner_mac(lc, p, a.tpa, &why);
	if (mac == NULL) {
		drop(lc, m, why);
		return;
	}
	carp_arp_make_reply(f, &a, mac->addr_bytes);
	lc->cnt.arp_replies++;
	dp_queue_tx(lc, p, m);
}

/*
 * A source address of this node's own: a port address, or a VIP while we are MASTER of it.
 * Spoofed, for no packet from us comes back in from the wire. (A VIP we are BACKUP of
 * lives on the peer, which may send from it.) One load per packet; a filter hit is
 * confirmed in the local table.
 */
static inline bool
own_source(const struct dp_lcore *lc, const uint8_t *src)
{
	uint32_t h = dp_own_src_bit(src);
	uint16_t v;

	if (likely(!(lc->sh->own_src_bits[h / 64] >> (h % 64) & 1)))
		return false;
	v = carp_vip_table_lookup(&lc->sh->local, 0, carp_rd32(src));
	return v != CARP_VIP_NONE && ((v & DP_LOCAL_PORT_ADDR) || lc->master[v]);
}

/*
 * The router's checks on an IPv4 packet at offset @p l3 of frame @p f: when @p m may be
 * forwarded it joins burst @p b, else it is counted and freed. Always inlined: as a call
 * its prologue and epilogue cost more than the own-source check in it.
 */
static __rte_always_inline void
take_for_forwarding(struct dp_lcore *lc, struct rte_mbuf *m, uint8_t *f, size_t len,
		    size_t l3, struct dp_fwd_burst *b, bool plain)
{
	bool csum_checked = (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			    RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	/* @p plain: the caller saw version 4, IHL 5 (plain_ipv4_to_forward). */
	enum fwd_drop fd = plain ? fwd_ipv4_check_plain(f + l3, len - l3, csum_checked)
				 : fwd_ipv4_check(f + l3, len - l3, csum_checked);

	if (likely(fd == FWD_OK) && unlikely(own_source(lc, f + l3 + 12)))
		fd = FWD_DROP_OWN_SRC;
	if (unlikely(fd != FWD_OK)) {
		lc->cnt.fwd_drop[fd]++;
		rte_pktmbuf_free(m);
		return;
	}
	b->m[b->n] = m;
	b->ip[b->n] = f + l3;
	b->dst[b->n] = carp_rd32(f + l3 + 16);
	b->total[b->n++] = carp_rd16(f + l3 + 2);
}

/*
 * IPv4: answer pings to addresses we own; queue everything else for forwarding when the
 * frame was addressed to us at layer 2 and the header passes the router's checks (then it
 * joins burst @p b).
 */
static void
handle_ipv4(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m, uint8_t *f, size_t len,
	    size_t l3, struct dp_fwd_burst *b)
{
	const struct rte_ether_addr *mac;
	enum dp_drop why = DP_DROP_IPV4_NOT_LOCAL;
	uint32_t echo_dst;

	/* Only ICMP pays for the echo parser; other traffic to our own addresses meets a
	 * local /32 route in the batch lookup and is dropped there. */
	if (len >= l3 + 20 && f[l3 + 9] == IPPROTO_ICMP &&
	    carp_icmp_echo_request(f, len, l3, &echo_dst)) {
		mac = echo_owner_mac(lc, p, echo_dst, &why);
		if (mac != NULL) {
			uint32_t src = carp_rd32(f + l3 + 12);

			/* The reply would go to a group (a smurf reflection): never. */
			if (!ipv4_unicast(src) || port_subnet_broadcast(&lc->sh->port[p], src)) {
				drop(lc, m, DP_DROP_ECHO_BAD_SRC);
				return;
			}
			carp_icmp_echo_make_reply(f, l3, mac->addr_bytes);
			lc->cnt.echo_replies++;
			dp_queue_tx(lc, p, m);
			return;
		}
		if (why != DP_DROP_IPV4_NOT_LOCAL) {
			drop(lc, m, why); /* a BACKUP never answers for a VIP */
			return;
		}
	}
	if (f[0] & 1) {
		drop(lc, m, DP_DROP_L2_MULTICAST);
		return;
	}
	take_for_forwarding(lc, m, f, len, l3, b, false);
}

/*
 * Accept a frame by destination: broadcast and multicast, the port's MAC, or the vMAC of
 * a VHID that is MASTER here. Devices without a MAC filter run promiscuous, so this check
 * is what keeps a BACKUP from taking traffic meant for the master.
 */
static inline bool
accept_dst(const struct dp_lcore *lc, uint16_t p, const uint8_t *dst, enum dp_drop *why)
{
	uint64_t key = dp_mac_key(dst);

	if (key == lc->port_key[p] || (dst[0] & 1))
		return true;
	if (is_vmac(dst)) {
		uint8_t st = lc->vmac_state[p][dst[5]];

		if (st == DP_VMAC_MASTER)
			return true;
		*why = st == DP_VMAC_BACKUP ? DP_DROP_VMAC_BACKUP : DP_DROP_NOT_FOR_US;
		return false;
	}
	*why = DP_DROP_NOT_FOR_US;
	return false;
}

/*
 * A frame that carries, or carried, a VLAN tag: 802.1Q (C-tag), 802.1ad (S-tag) or the
 * old QinQ EtherType in the frame, or a tag the device stripped into the mbuf. Until a
 * port has VLAN sub-ports every such frame belongs to a segment we are not on, priority
 * tags (VLAN 0) included: answering or forwarding it would join two segments.
 */
static inline bool
vlan_tagged(const struct rte_mbuf *m, const uint8_t *f)
{
	uint16_t type = carp_rd16(f + 12);

	return type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ ||
	       type == RTE_ETHER_TYPE_QINQ1 ||
	       (m->ol_flags & (RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_QINQ));
}

/* Everything but the common case: answered, punted, dropped, or added to burst @p b. */
static void
handle_one(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m, struct dp_fwd_burst *b)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	size_t len = rte_pktmbuf_data_len(m), l3 = 0;
	enum dp_drop why;

	if (m->nb_segs != 1) {
		drop(lc, m, DP_DROP_MULTISEG);
		return;
	}
	if (len < 14) {
		drop(lc, m, DP_DROP_RUNT);
		return;
	}
	if (!accept_dst(lc, p, f, &why)) {
		drop(lc, m, why);
		return;
	}
	/* Nothing we answer may go back to a group address. */
	if (f[6] & 1) {
		drop(lc, m, DP_DROP_SRC_MAC_MULTICAST);
		return;
	}
	if (vlan_tagged(m, f)) {
		drop(lc, m, DP_DROP_VLAN_TAGGED);
		return;
	}
	switch (carp_classify(f, len, &l3)) {
	case CARP_CLASS_CARP:
		punt(lc, m, &lc->carp, DP_DROP_CARP_PUNT_FULL);
		return;
	case CARP_CLASS_ARP:
		handle_arp(lc, p, m, f, len);
		return;
	case CARP_CLASS_IPV4:
		handle_ipv4(lc, p, m, f, len, l3, b);
		return;
	case CARP_CLASS_ND:
	case CARP_CLASS_IPV6:
		drop(lc, m, DP_DROP_IPV6);
		return;
	case CARP_CLASS_RUNT:
		drop(lc, m, DP_DROP_RUNT);
		return;
	default:
		drop(lc, m, DP_DROP_ETHERTYPE);
		return;
	}
}

/*
 * The common case, decided with a few loads and compares: a single-segment untagged
 * IPv4 frame without options, sent to us at layer 2 (unicast) from a unicast source,
 * neither ICMP (a ping may be for us) nor CARP. Everything else takes handle_one's full
 * path.
 */
static inline bool
plain_ipv4_to_forward(const struct dp_lcore *lc, uint16_t p, const struct rte_mbuf *m,
		      const uint8_t *f)
{
	enum dp_drop unused;

	/* EtherType IPv4 and version 4 with IHL 5 in one compare (the TOS byte masked). */
	static const uint8_t ipv4_ihl5[4] = { 0x08, 0x00, 0x45, 0x00 };
	static const uint8_t no_tos[4] = { 0xff, 0xff, 0xff, 0x00 };
	uint32_t w, want, mask;

	memcpy(&w, f + 12, sizeof(w));
	memcpy(&want, ipv4_ihl5, sizeof(want));
	memcpy(&mask, no_tos, sizeof(mask));
	return m->nb_segs == 1 && rte_pktmbuf_data_len(m) >= 34 && (w & mask) == want &&
	       f[23] != IPPROTO_ICMP && f[23] != CARP_IPPROTO && !((f[0] | f[6]) & 1) &&
	       !(m->ol_flags & (RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_QINQ)) &&
	       accept_dst(lc, p, f, &unused);
}

/* How far ahead of the packet in hand its successors' headers are prefetched. */
#define DP_PREFETCH_AHEAD 4

void
dp_rx_burst(struct dp_lcore *lc, uint16_t p, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_fwd_burst b;
	uint16_t i;

	b.n = 0;
	lc->cnt.rx += n;
	for (i = 0; i < n && i < DP_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

		if (i + DP_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH_AHEAD], void *));
		if (plain_ipv4_to_forward(lc, p, m, f))
			take_for_forwarding(lc, m, f, rte_pktmbuf_data_len(m), 14, &b, true);
		else
			handle_one(lc, p, m, &b);
	}
	if (b.n)
		dp_fwd_batch(lc, &b);
}
