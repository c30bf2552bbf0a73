/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A data-plane lcore's receive path: the burst loop and its fast path for plain IPv4 to
 * forward, and for every other frame its interface (dp_l2.h), its destination, its class,
 * then ARP (dp_arp.c), IPv4 (dp_ipv4.c), neighbour discovery (dp_nd.c), other IPv6
 * (dp_ipv6.c), CARP to the control lcore, or a named drop.
 */
#include <netinet/in.h>

#include <rte_prefetch.h>

#include "carp_classify.h"
#include "carp_frame.h"
#include "carp_wire.h"
#include "dp_ipv4.h"
#include "dp_ipv6.h"

#define DP_STR(e, s, d) [DP_DROP_##e] = s,
static const char *const drop_names[] = { DP_DROP_LIST(DP_STR) };
#undef DP_STR

const char *
dp_drop_name(enum dp_drop d)
{
	return (unsigned)d < DP_DROP_COUNT ? drop_names[d] : "?";
}

/* Everything but the common case: answered, punted, dropped, or added to burst @p b. */
static void
handle_one(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m, struct dp_fwd_burst *b,
	   struct dp_fwd6_burst *b6)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	size_t len = rte_pktmbuf_data_len(m), l3 = 0;
	enum dp_drop why;
	uint16_t i;

	if (m->nb_segs != 1) {
		dp_drop(lc, m, DP_DROP_MULTISEG);
		return;
	}
	if (len < 14) {
		dp_drop(lc, m, DP_DROP_RUNT);
		return;
	}
	i = dp_l2_iface(lc->sh, p, m, f, len, &l3, &why);
	if (i == DP_NO_IFACE || !dp_l2_accept_dst(lc, i, f, &why)) {
		dp_drop(lc, m, why);
		return;
	}
	/* Nothing we answer may go back to a group address. */
	if (f[6] & 1) {
		dp_drop(lc, m, DP_DROP_SRC_MAC_MULTICAST);
		return;
	}
	switch (carp_classify(f, len, &l3)) {
	case CARP_CLASS_CARP:
		dp_punt(lc, m, i, l3, &lc->carp, DP_DROP_CARP_PUNT_FULL);
		return;
	case CARP_CLASS_ARP:
		dp_arp_input(lc, i, m, f, len);
		return;
	case CARP_CLASS_IPV4:
		dp_ipv4_input(lc, i, m, f, len, l3, b);
		return;
	case CARP_CLASS_ND:
		dp_nd_input(lc, i, m, f, len, l3);
		return;
	case CARP_CLASS_IPV6:
		dp_ipv6_input(lc, i, m, f, len, l3, b6);
		return;
	case CARP_CLASS_RUNT:
		dp_drop(lc, m, DP_DROP_RUNT);
		return;
	default:
		dp_drop(lc, m, DP_DROP_ETHERTYPE);
		return;
	}
}

/* EtherType IPv4, version 4 and IHL 5 in the 4 bytes at @p w: one compare, TOS masked. */
static inline bool
ipv4_ihl5(const uint8_t *w)
{
	static const uint8_t ipv4_ihl5[4] = { 0x08, 0x00, 0x45, 0x00 };
	static const uint8_t no_tos[4] = { 0xff, 0xff, 0xff, 0x00 };
	uint32_t x, want, mask;

	memcpy(&x, w, sizeof(x));
	memcpy(&want, ipv4_ihl5, sizeof(want));
	memcpy(&mask, no_tos, sizeof(mask));
	return (x & mask) == want;
}

/*
 * The common case, decided with a few loads and compares: a single-segment IPv4 frame
 * without options on a configured interface (untagged, or one 802.1Q tag in the frame or
 * stripped by the device), sent to us at layer 2 (unicast) from a unicast source, neither
 * ICMP (a ping may be for us) nor CARP. Returns its L3 offset (14 or 18) and its
 * interface in @p *iface, or 0 for everything else, which takes handle_one's full path
 * and its named drops.
 */
static inline unsigned int
plain_ipv4_to_forward(const struct dp_lcore *lc, uint16_t p, const struct rte_mbuf *m,
		      const uint8_t *f, uint16_t *iface)
{
	const struct dp_shared *sh = lc->sh;
	enum dp_drop unused;
	unsigned int l3;
	uint16_t i;

	if (m->nb_segs != 1 || rte_pktmbuf_data_len(m) < 38)
		return 0;
	if (likely(ipv4_ihl5(f + 12))) {
		l3 = 14;
		if (likely(!(m->ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_QINQ))))
			i = sh->port[p].untagged;
		else if (m->ol_flags & RTE_MBUF_F_RX_QINQ)
			return 0;
		else
			i = sh->vlan_iface[p][m->vlan_tci & 0x0fff]; /* VLAN 0: none */
	} else if (carp_rd16(f + 12) == DP_ETHERTYPE_VLAN && ipv4_ihl5(f + 16) &&
		   !(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		l3 = 18;
		i = sh->vlan_iface[p][carp_rd16(f + 14) & 0x0fff];
	} else {
		return 0;
	}
	*iface = i;
	if (i != DP_NO_IFACE && f[l3 + 9] != IPPROTO_ICMP && f[l3 + 9] != CARP_IPPROTO &&
	    !((f[0] | f[6]) & 1) && dp_l2_accept_dst(lc, i, f, &unused))
		return l3;
	return 0;
}

/*
 * The IPv6 twin: a single-segment IPv6 frame on a configured interface, unicast at layer 2
 * from a unicast source, carrying neither ICMPv6 (neighbour discovery, echo, MLD), nor
 * CARP, nor an extension header that may lead to them, to an address that is not
 * link-local. Returns its L3 offset and interface, or 0 (handle_one's full path).
 */
static inline unsigned int
plain_ipv6_to_forward(const struct dp_lcore *lc, uint16_t p, const struct rte_mbuf *m,
		      const uint8_t *f, uint16_t *iface)
{
	const struct dp_shared *sh = lc->sh;
	enum dp_drop unused;
	unsigned int l3;
	uint16_t i;
	uint8_t nh;

	if (m->nb_segs != 1 || rte_pktmbuf_data_len(m) < 58)
		return 0;
	if (carp_rd16(f + 12) == CARP_ETHERTYPE_IPV6) {
		l3 = 14;
		if (likely(!(m->ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_QINQ))))
			i = sh->port[p].untagged;
		else if (m->ol_flags & RTE_MBUF_F_RX_QINQ)
			return 0;
		else
			i = sh->vlan_iface[p][m->vlan_tci & 0x0fff];
	} else if (carp_rd16(f + 12) == DP_ETHERTYPE_VLAN &&
		   carp_rd16(f + 16) == CARP_ETHERTYPE_IPV6 &&
		   !(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		l3 = 18;
		i = sh->vlan_iface[p][carp_rd16(f + 14) & 0x0fff];
	} else {
		return 0;
	}
	nh = f[l3 + 6];
	*iface = i;
	if (i != DP_NO_IFACE && nh != 58 && nh != CARP_IPPROTO && nh != 0 && nh != 43 &&
	    nh != 60 && f[l3 + 24] != 0xfe && !((f[0] | f[6]) & 1) &&
	    dp_l2_accept_dst(lc, i, f, &unused))
		return l3;
	return 0;
}

/* How far ahead of the packet in hand its successors' headers are prefetched, and their
 * mbufs further still: the header's address is read from the mbuf. */
#define DP_PREFETCH_AHEAD 4
#define DP_PREFETCH_MBUF_AHEAD 8

void
dp_rx_burst(struct dp_lcore *lc, uint16_t p, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_fwd_burst b;
	struct dp_fwd6_burst b6;
	uint16_t i;

	b.n = 0;
	b.port = p;
	b6.n = 0;
	b6.port = p;
	lc->cnt.rx += n;
	for (i = 0; i < n && i < DP_PREFETCH_MBUF_AHEAD; i++)
		rte_prefetch0(pkts[i]);
	for (i = 0; i < n && i < DP_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		unsigned int l3;
		uint16_t in;

		if (i + DP_PREFETCH_MBUF_AHEAD < n)
			rte_prefetch0(pkts[i + DP_PREFETCH_MBUF_AHEAD]);
		if (i + DP_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH_AHEAD], void *));
		l3 = plain_ipv4_to_forward(lc, p, m, f, &in);
		if (likely(l3 != 0))
			dp_ipv4_take_for_forwarding(lc, m, f, rte_pktmbuf_data_len(m), l3, in, &b,
						    true);
		else if ((l3 = plain_ipv6_to_forward(lc, p, m, f, &in)) != 0)
			dp_ipv6_take_for_forwarding(lc, m, f, rte_pktmbuf_data_len(m), l3, in,
						    &b6);
		else
			handle_one(lc, p, m, &b, &b6);
	}
	if (b.n)
		dp_fwd_batch(lc, &b);
	if (b6.n)
		dp_fwd6_batch(lc, &b6);
}
