/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 frames that are not plain forwarding: ICMP echo for our own addresses (answered in
 * place, from the owner's MAC), and everything else checked for forwarding.
 */
#include <netinet/in.h>

#include "carp_icmp.h"
#include "dp_filter.h"
#include "dp_ipv4.h"

/* True when @p a is the broadcast address of a subnet of interface @p ifc (/30 and wider). */
static bool
subnet_broadcast(const struct dp_iface *ifc, uint32_t a)
{
	for (unsigned int i = 0; i < ifc->n_addr4; i++) {
		uint8_t len = ifc->plen4[i];
		uint32_t host = len ? ~0u >> len : ~0u;

		if (len <= 30 && (a & host) == host && ((a ^ ifc->addr4[i]) & ~host) == 0)
			return true;
	}
	return false;
}

/*
 * Which MAC answers a ping to IPv4 address @p a arriving on interface @p i: the vMAC of
 * its VHID while MASTER when the VHID lives on @p i; the ingress interface's own MAC for
 * any other address of the node (a router answers for all of its addresses on any
 * interface, and the packet came to a MAC of ours). Never the vMAC of a VHID of another
 * interface: a switch would learn it on this segment, where the same VHID number may
 * belong to another group (or the peer), and send that segment's traffic to us. NULL
 * when we must not answer (a BACKUP never does for a VIP, counted as vmac_backup) or @p a
 * is not ours at all (*why left as it was).
 */
static const struct rte_ether_addr *
echo_owner_mac(const struct dp_lcore *lc, uint16_t i, uint32_t a, enum dp_drop *why)
{
	const struct dp_shared *sh = lc->sh;
	uint16_t v = carp_vip_table_lookup(&sh->local, 0, a);

	if (v == CARP_VIP_NONE)
		return NULL;
	if (v & DP_LOCAL_PORT_ADDR)
		return &sh->iface[i].mac;
	if (!lc->master[v]) {
		*why = DP_DROP_VMAC_BACKUP;
		return NULL;
	}
	if (sh->iface[i].vhid_idx[sh->vmac[v].addr_bytes[5]] == v)
		return &sh->vmac[v];
	return &sh->iface[i].mac;
}

/*
 * A sync datagram (dp_shared.sync_*): UDP to the sync port and group (or our address on
 * the link, from a unicast peer), in one unfragmented IPv4 packet without options sent
 * with TTL 255 (so from the link itself: RFC 5082's check, as CARP's). Its MAC is for the
 * control lcore to check.
 */
static bool
sync_datagram(const struct dp_shared *sh, const uint8_t *f, size_t len, size_t l3)
{
	const uint8_t *ip = f + l3;
	uint32_t dst;

	if (!(len >= l3 + 28 && ip[0] == 0x45 && ip[9] == IPPROTO_UDP && ip[8] == 255 &&
	      (carp_rd16(ip + 6) & 0x3fff) == 0 && carp_rd16(ip + 2) <= len - l3 &&
	      carp_rd16(ip + 22) == sh->sync_port))
		return false;
	dst = carp_rd32(ip + 16);
	return dst == sh->sync_group || (sh->sync_addr != 0 && dst == sh->sync_addr);
}

uint16_t
dp_ipv4_take_sync(struct dp_lcore *lc, struct dp_fwd_burst *b, uint32_t *hops)
{
	const struct dp_shared *sh = lc->sh;
	uint16_t n = 0;

	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i];

		if (b->dst[i] == sh->sync_addr && b->in[i] == sh->sync_iface &&
		    sync_datagram(sh, rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m),
				  b->l3[i])) {
			dp_punt(lc, m, b->in[i], b->l3[i], &lc->carp, DP_DROP_CARP_PUNT_FULL);
			continue;
		}
		b->m[n] = m;
		b->ip[n] = b->ip[i];
		b->dst[n] = b->dst[i];
		b->total[n] = b->total[i];
		b->l3[n] = b->l3[i];
		b->in[n] = b->in[i];
		hops[n++] = hops[i];
	}
	b->n = n;
	return n;
}

void
dp_ipv4_input(struct dp_lcore *lc, uint16_t i, struct rte_mbuf *m, uint8_t *f, size_t len,
	      size_t l3, struct dp_fwd_burst *b)
{
	const struct rte_ether_addr *mac;
	enum dp_drop why = DP_DROP_IPV4_NOT_LOCAL;
	uint32_t echo_dst;

	/* Only ICMP pays for the echo parser; other traffic to our own addresses meets a
	 * local /32 route in the batch lookup and is dropped there. */
	if (len >= l3 + 20 && f[l3 + 9] == IPPROTO_ICMP &&
	    carp_icmp_echo_request(f, len, l3, &echo_dst)) {
		mac = echo_owner_mac(lc, i, echo_dst, &why);
		if (mac != NULL) {
			uint32_t src = carp_rd32(f + l3 + 12);

			/* The reply would go to a group (a smurf reflection): never. */
			if (!dp_ipv4_unicast(src) || subnet_broadcast(&lc->sh->iface[i], src)) {
				dp_drop(lc, m, DP_DROP_ECHO_BAD_SRC);
				return;
			}
			/* The echo parser checked the total length against the frame. */
			if (lc->sh->filter &&
			    !dp_filter_to_self(lc, i, m, f + l3, carp_rd16(f + l3 + 2), 4))
				return;
			carp_icmp_echo_make_reply(f, l3, mac->addr_bytes);
			lc->cnt.echo_replies++;
			dp_reply(lc, m, i, l3);
			return;
		}
		if (why != DP_DROP_IPV4_NOT_LOCAL) {
			dp_drop(lc, m, why); /* a BACKUP never answers for a VIP */
			return;
		}
	}
	if (unlikely(lc->sh->sync_port != 0) && i == lc->sh->sync_iface &&
	    sync_datagram(lc->sh, f, len, l3)) {
		/* The pair's state sync: to the control lcore, beside the adverts. */
		dp_punt(lc, m, i, l3, &lc->carp, DP_DROP_CARP_PUNT_FULL);
		return;
	}
	if (f[0] & 1) {
		dp_drop(lc, m, DP_DROP_L2_MULTICAST);
		return;
	}
	dp_ipv4_take_for_forwarding(lc, m, f, len, l3, i, b, false);
}
