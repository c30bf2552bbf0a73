/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP on a data-plane lcore: answer requests for the addresses and VIPs of the interface
 * they arrive on (a VIP only while MASTER), hand replies and announcements to the control
 * lcore for learning, at a bounded rate, and drop the rest with a named reason.
 */
#include "carp_arp.h"
#include "dp_internal.h"

/*
 * Which MAC answers an ARP request for @p a on interface @p i. ARP is strict where ping
 * is not: only the ingress interface's own addresses and VIPs are answered, because an
 * answer draws the asker's traffic to this segment, and traffic for another interface's
 * address would be dropped here (the local /32 routes) instead of reaching it. NULL with
 * the reason in @p why otherwise.
 */
static const struct rte_ether_addr *
arp_owner_mac(const struct dp_lcore *lc, uint16_t i, uint32_t a, enum dp_drop *why)
{
	const struct dp_iface *ifc = &lc->sh->iface[i];
	uint16_t v = carp_vip_table_lookup(&lc->sh->vips, i, a);

	if (v != CARP_VIP_NONE) {
		if (lc->master[v])
			return &lc->sh->vmac[v];
		*why = DP_DROP_ARP_BACKUP;
		return NULL;
	}
	if (dp_is_iface_address(ifc, a))
		return &ifc->mac;
	*why = carp_vip_table_lookup(&lc->sh->local, 0, a) != CARP_VIP_NONE
		       ? DP_DROP_ARP_OTHER_PORT
		       : DP_DROP_ARP_OTHER;
	return NULL;
}

void
dp_arp_input(struct dp_lcore *lc, uint16_t i, struct rte_mbuf *m, uint8_t *f, size_t len)
{
	struct carp_arp a;
	const struct rte_ether_addr *mac;
	enum dp_drop why = DP_DROP_ARP_OTHER;

	if (!carp_arp_parse(f, len, &a)) {
		dp_drop(lc, m, DP_DROP_ARP_OTHER);
		return;
	}
	/* A reply goes to the sender hardware address: never to a group, never from a
	 * non-unicast address (0.0.0.0 is a probe's, RFC 5227, and is answered). */
	if (!dp_mac_unicast(a.sha) || (a.spa != 0 && !dp_ipv4_unicast(a.spa))) {
		dp_drop(lc, m, DP_DROP_ARP_BAD_SENDER);
		return;
	}
	if (a.op == CARP_ARP_REPLY || carp_arp_is_gratuitous(&a)) {
		/* Replies and announcements teach the control lcore where next hops are. */
		enum dp_punt_bucket bucket = a.op == CARP_ARP_REPLY &&
						     dp_is_iface_address(&lc->sh->iface[i], a.tpa)
					     ? DP_PUNT_ARP_REPLY
					     : DP_PUNT_ARP;

		if (!dp_punt_allowed(lc, bucket, i)) {
			dp_drop(lc, m, DP_DROP_ARP_RATE_LIMITED);
			return;
		}
		dp_punt(lc, m, i, a.offset, &lc->arp, DP_DROP_ARP_PUNT_FULL);
		return;
	}
	if (a.op != CARP_ARP_REQUEST) {
		dp_drop(lc, m, DP_DROP_ARP_OTHER);
		return;
	}
	mac = arp_owner_mac(lc, i, a.tpa, &why);
	if (mac == NULL) {
		dp_drop(lc, m, why);
		return;
	}
	carp_arp_make_reply(f, &a, mac->addr_bytes);
	lc->cnt.arp_replies++;
	dp_reply(lc, m, i, a.offset);
}
