/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 that is not neighbour discovery: ICMPv6 echo for our addresses (answered in place,
 * from the owner's MAC, as dp_ipv4.c does for IPv4), MLD queries to the control lcore,
 * which answers them with the groups it listens to, and the router's checks (fwd_ipv6.h)
 * for the rest, which joins the burst's IPv6 forwarding batch (dp_fwd6.c).
 */
#include "carp_nd.h"
#include "dp_filter.h"
#include "dp_ipv6.h"

/*
 * Which MAC answers a ping to @p a arriving on interface @p i, by dp_ipv4.c's rules: the
 * vMAC of a VIP of this interface while MASTER, the ingress interface's MAC for any other
 * address of the node; NULL for a VIP we are BACKUP of (why: vmac_backup) or an address
 * that is not ours (why left as it was). Link-local addresses only on their interface.
 */
static const struct rte_ether_addr *
echo6_owner_mac(const struct dp_lcore *lc, uint16_t i, const struct carp_in6 *a,
		enum dp_drop *why)
{
	const struct dp_shared *sh = lc->sh;
	uint16_t v = carp_addr6_table_lookup(&sh->vips6, i, a);

	if (v != CARP_ADDR6_NONE) {
		if (lc->master[v])
			return &sh->vmac[v];
		*why = DP_DROP_VMAC_BACKUP;
		return NULL;
	}
	if (dp_is_iface_address6(&sh->iface[i], a))
		return &sh->iface[i].mac;
	v = carp_addr6_table_lookup(&sh->local6, 0, a);
	if (v == CARP_ADDR6_NONE)
		return NULL;
	if (!(v & DP_LOCAL_PORT_ADDR) && !lc->master[v]) {
		*why = DP_DROP_VMAC_BACKUP;
		return NULL;
	}
	return &sh->iface[i].mac;
}

/* True when @p a, link-local, is an address of interface @p i (its own or a VIP). The
 * node's other addresses are local /128 routes: the batch's lookup finds them. */
static bool
is_local_link6(const struct dp_shared *sh, uint16_t i, const struct carp_in6 *a)
{
	return carp_addr6_table_lookup(&sh->vips6, i, a) != CARP_ADDR6_NONE ||
	       dp_is_iface_address6(&sh->iface[i], a);
}

void
dp_ipv6_input(struct dp_lcore *lc, uint16_t i, struct rte_mbuf *m, uint8_t *f, size_t len,
	      size_t l3, struct dp_fwd6_burst *b6)
{
	uint8_t *ip6 = f + l3;
	size_t avail = len - l3;
	enum dp_drop why = DP_DROP_IPV6_NOT_LOCAL;
	const struct rte_ether_addr *mac;
	struct carp_mld_query q;
	struct carp_in6 dst;

	if (avail > CARP_IPV6_HDR_LEN && ip6[6] == CARP_IPPROTO_ICMPV6 &&
	    ip6[CARP_IPV6_HDR_LEN] == CARP_ICMP6_ECHO_REQUEST &&
	    carp_icmp6_echo_request(ip6, avail, &dst)) {
		mac = echo6_owner_mac(lc, i, &dst, &why);
		if (mac != NULL && lc->sh->filter &&
		    !dp_filter_to_self(lc, i, m, ip6, CARP_IPV6_HDR_LEN + carp_rd16(ip6 + 4), 6))
			return;
		if (mac != NULL) {
			carp_icmp6_echo_make_reply(f, l3, mac->addr_bytes);
			lc->cnt.echo_replies++;
			dp_reply(lc, m, i, l3);
			return;
		}
		if (why != DP_DROP_IPV6_NOT_LOCAL) {
			dp_drop(lc, m, why); /* a BACKUP never answers for a VIP */
			return;
		}
	}
	if (lc->sh->iface[i].n_addr6 && carp_mld_query_parse(ip6, avail, &q)) {
		if (!dp_punt_allowed(lc, DP_PUNT_MLD, i)) {
			dp_drop(lc, m, DP_DROP_MLD_RATE_LIMITED);
			return;
		}
		dp_punt(lc, m, i, l3, &lc->arp, DP_DROP_ARP_PUNT_FULL);
		return;
	}
	if (avail >= CARP_IPV6_HDR_LEN && ip6[24] == 0xfe && (ip6[25] & 0xc0) == 0x80) {
		memcpy(dst.b, ip6 + 24, 16);
		if (is_local_link6(lc->sh, i, &dst)) {
			dp_drop(lc, m, DP_DROP_IPV6_NOT_LOCAL);
			return;
		}
	}
	if (f[0] & 1) {
		dp_drop(lc, m, DP_DROP_L2_MULTICAST);
		return;
	}
	dp_ipv6_take_for_forwarding(lc, m, f, len, l3, i, b6);
}
