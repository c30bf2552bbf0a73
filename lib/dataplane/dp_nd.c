/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery on a data-plane lcore, the IPv6 twin of dp_arp.c: answer
 * solicitations for the addresses and VIPs of the interface they arrive on (a VIP only
 * while MASTER, from its vMAC), defend them against duplicate address detection, and drop
 * the rest with a named reason.
 */
#include "carp_nd.h"
#include "dp_internal.h"

static const enum dp_drop verdict_drop[] = {
	[CARP_ND_BAD_LEN] = DP_DROP_ND_MALFORMED,
	[CARP_ND_BAD_HLIM] = DP_DROP_ND_BAD_HLIM,
	[CARP_ND_BAD_CKSUM] = DP_DROP_ND_BAD_CKSUM,
	[CARP_ND_BAD_CODE] = DP_DROP_ND_MALFORMED,
	[CARP_ND_BAD_OPT] = DP_DROP_ND_MALFORMED,
	[CARP_ND_BAD_SRC] = DP_DROP_ND_BAD_SRC,
	[CARP_ND_BAD_TARGET] = DP_DROP_ND_BAD_TARGET,
};

/*
 * Which MAC answers a solicitation for @p target on interface @p i: strict, as for ARP
 * (dp_arp.c), because an answer draws the asker's traffic to this segment. NULL with the
 * reason in @p why otherwise.
 */
static const struct rte_ether_addr *
nd_owner_mac(const struct dp_lcore *lc, uint16_t i, const struct carp_in6 *target,
	     enum dp_drop *why)
{
	const struct dp_shared *sh = lc->sh;
	uint16_t v = carp_addr6_table_lookup(&sh->vips6, i, target);

	if (v != CARP_ADDR6_NONE) {
		if (lc->master[v])
			return &sh->vmac[v];
		*why = DP_DROP_ND_BACKUP;
		return NULL;
	}
	if (dp_is_iface_address6(&sh->iface[i], target))
		return &sh->iface[i].mac;
	*why = carp_addr6_table_lookup(&sh->local6, 0, target) != CARP_ADDR6_NONE
		       ? DP_DROP_ND_OTHER_PORT
		       : DP_DROP_ND_OTHER;
	return NULL;
}

/* Make @p m exactly @p want bytes long: an advertisement may be longer than the
 * solicitation (no source option) or shorter (options, padding). */
static bool
resize(struct rte_mbuf *m, size_t want)
{
	size_t have = rte_pktmbuf_data_len(m);

	if (have < want)
		return rte_pktmbuf_append(m, (uint16_t)(want - have)) != NULL;
	return rte_pktmbuf_trim(m, (uint16_t)(have - want)) == 0;
}

/*
 * Advertisements teach the control lcore where IPv6 next hops are, at a bounded rate per
 * interface as ARP does; those answering our solicitations (Solicited, to one of our
 * addresses) have an allowance of their own, so a flood of unsolicited ones never starves
 * them.
 */
static void
na_input(struct dp_lcore *lc, uint16_t i, struct rte_mbuf *m, const struct carp_nd *nd,
	 size_t l3)
{
	const struct dp_iface *ifc = &lc->sh->iface[i];
	enum dp_punt_bucket bucket = (nd->flags & CARP_NA_SOLICITED) &&
					     dp_is_iface_address6(ifc, &nd->dst)
				     ? DP_PUNT_ARP_REPLY
				     : DP_PUNT_ARP;

	if (ifc->n_addr6 == 0) {
		dp_drop(lc, m, DP_DROP_ND_ADVERT);
		return;
	}
	if (!dp_punt_allowed(lc, bucket, i)) {
		dp_drop(lc, m, DP_DROP_ARP_RATE_LIMITED);
		return;
	}
	dp_punt(lc, m, i, l3, &lc->arp, DP_DROP_ARP_PUNT_FULL);
}

void
dp_nd_input(struct dp_lcore *lc, uint16_t i, struct rte_mbuf *m, uint8_t *f, size_t len,
	    size_t l3)
{
	enum dp_drop why = DP_DROP_ND_OTHER;
	const struct rte_ether_addr *mac;
	enum carp_nd_verdict verdict;
	struct carp_nd nd;

	verdict = carp_nd_parse(f + l3, len - l3, &nd);
	if (verdict != CARP_ND_OK) {
		dp_drop(lc, m, verdict_drop[verdict]);
		return;
	}
	if (nd.type == CARP_ICMP6_ND_NA) {
		na_input(lc, i, m, &nd, l3);
		return;
	}
	/* The answer goes to this link-layer address: never to a group. */
	if (nd.lladdr != NULL && !dp_mac_unicast(nd.lladdr)) {
		dp_drop(lc, m, DP_DROP_ND_BAD_SRC);
		return;
	}
	mac = nd_owner_mac(lc, i, &nd.target, &why);
	if (mac == NULL) {
		dp_drop(lc, m, why);
		return;
	}
	if (!resize(m, l3 + CARP_IPV6_HDR_LEN + CARP_NA_LEN)) {
		dp_drop(lc, m, DP_DROP_NO_HEADROOM);
		return;
	}
	/* Router set: the node forwards, and hosts may use the VIP as their gateway. */
	carp_nd_make_na(f, l3, &nd, mac->addr_bytes, true);
	lc->cnt.nd_replies++;
	if (carp_nd_is_dad(&nd))
		lc->cnt.nd_dad_defended++;
	dp_reply(lc, m, i, l3);
}
