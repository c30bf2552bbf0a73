/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors for packets a data-plane lcore does not forward (time exceeded, no route,
 * too big for the egress MTU): the error is built in place of the packet it answers
 * (fwd_icmp.h), so nothing is allocated, and leaves by the interface the packet came in
 * on, to the station that sent it, from the interface's forwarding source MAC. Only the
 * slow path comes here; one node-wide rate bounds what a flood of expiring packets can
 * make the node send.
 */
#include <rte_cycles.h>

#include "carp_nd.h"
#include "dp_frag.h"
#include "dp_internal.h"
#include "fwd_icmp.h"

void
dp_shared_set_icmp(struct dp_shared *sh, struct dp_icmp *icmp, uint32_t per_s, bool source_vip)
{
	/* A burst of a tenth of a second's worth, at least a traceroute's three probes. */
	uint32_t burst = per_s / 10 > 3 ? per_s / 10 : 3;

	fwd_rate_init(&icmp->rate, per_s, burst, rte_get_tsc_hz());
	icmp->source_vip = source_vip;
	icmp->tat = 0;
	sh->icmp = icmp;
}

static bool
rate_allows(struct dp_icmp *icmp)
{
	if (icmp == NULL)
		return false;
	uint64_t now = rte_rdtsc(), tat = __atomic_load_n(&icmp->tat, __ATOMIC_RELAXED), next;

	do {
		if (!fwd_rate_allows(&icmp->rate, tat, now, &next))
			return false;
	} while (!__atomic_compare_exchange_n(&icmp->tat, &tat, next, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

bool
dp_icmp_rate_allows(const struct dp_shared *sh)
{
	return rate_allows(sh->icmp);
}

/* The VHID index MASTER on interface @p i here, or DP_NO_VHID. */
static uint16_t
master_on(const struct dp_lcore *lc, uint16_t i)
{
	const struct dp_iface *ifc = &lc->sh->iface[i];

	for (unsigned int v = 1; v < 256; v++)
		if (ifc->vhid_idx[v] != DP_NO_VHID && lc->master[ifc->vhid_idx[v]])
			return ifc->vhid_idx[v];
	return DP_NO_VHID;
}

/* The error's source on interface @p i: its VIP (icmp_source: vip, while MASTER), else
 * its first address of the family (IPv6: a global one, link-local only without). */
static bool
source_of(const struct dp_lcore *lc, uint16_t i, int family, uint8_t src[16])
{
	const struct dp_shared *sh = lc->sh;
	const struct dp_iface *ifc = &sh->iface[i];
	uint16_t v = sh->icmp->source_vip ? master_on(lc, i) : DP_NO_VHID;

	if (family == 4) {
		uint32_t a = v != DP_NO_VHID && sh->first_vip4[v] ? sh->first_vip4[v]
				   : ifc->n_addr4 ? ifc->addr4[0] : 0;

		carp_wr32(src, a);
		return a != 0;
	}
	if (v != DP_NO_VHID && !carp_in6_is_unspecified(&sh->first_vip6[v])) {
		memcpy(src, sh->first_vip6[v].b, 16);
		return true;
	}
	for (unsigned int k = 0; k < ifc->n_addr6; k++)
		if (!carp_in6_is_link_local(&ifc->addr6[k])) {
			memcpy(src, ifc->addr6[k].b, 16);
			return true;
		}
	if (ifc->n_addr6 == 0)
		return false;
	memcpy(src, ifc->addr6[0].b, 16);
	return true;
}

/* True when the packet at @p ip is addressed to the node itself: its TTL ran out at its
 * destination, which is no reason for Time Exceeded (the TTL check comes before the
 * lookup that would have found it local). */
static bool
to_us(const struct dp_shared *sh, uint16_t i, const uint8_t *ip, int family)
{
	struct carp_in6 a;

	if (family == 4)
		return carp_vip_table_lookup(&sh->local, 0, carp_rd32(ip + 16)) != CARP_VIP_NONE;
	memcpy(a.b, ip + 24, 16);
	return carp_addr6_table_lookup(&sh->local6, 0, &a) != CARP_ADDR6_NONE ||
	       carp_addr6_table_lookup(&sh->vips6, i, &a) != CARP_ADDR6_NONE ||
	       dp_is_iface_address6(&sh->iface[i], &a);
}

void
dp_icmp_error(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t p, unsigned int l3, int family,
	      uint8_t type, uint8_t code, uint32_t mtu)
{
	const struct dp_shared *sh = lc->sh;
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), src[16];
	size_t len, at = 0, n;
	enum dp_drop unused;
	uint16_t i;

	dp_mbuf_keep_head(m); /* a reassembled datagram: its start is what an error quotes */
	len = rte_pktmbuf_data_len(m);
	i = dp_l2_iface(sh, p, m, f, len, &at, &unused);
	if (sh->icmp == NULL || i == DP_NO_IFACE || at != l3 || (f[0] & 1) || len <= l3)
		goto drop; /* nothing to answer to a group frame (RFC 1812 4.3.2.7) */
	if (family == 4 ? !fwd_icmp4_may_answer(f + l3, len - l3)
			: !fwd_icmp6_may_answer(f + l3, len - l3,
						type == FWD_ICMP6_PACKET_TOO_BIG))
		goto drop;
	if (type == (family == 4 ? FWD_ICMP4_TIME_EXCEEDED : FWD_ICMP6_TIME_EXCEEDED) &&
	    len >= l3 + (family == 4 ? 20 : 40) && to_us(sh, i, f + l3, family))
		goto drop;
	if (!source_of(lc, i, family, src))
		goto drop;
	if (!rate_allows(sh->icmp)) {
		lc->cnt.icmp_rate_limited++;
		goto drop;
	}
	n = family == 4 ? fwd_icmp4_error(f + l3, len - l3, rte_pktmbuf_tailroom(m),
					  carp_rd32(src), type, code, (uint16_t)mtu)
			: fwd_icmp6_error(f + l3, len - l3, rte_pktmbuf_tailroom(m), src, type,
					  code, mtu);
	if (n == 0)
		goto drop;
	if (l3 + n > len)
		rte_pktmbuf_append(m, (uint16_t)(l3 + n - len)); /* the room was checked */
	else
		rte_pktmbuf_trim(m, (uint16_t)(len - l3 - n));
	lc->cnt.icmp_errors++;
	dp_reply_to_sender(lc, m, i, l3);
	return;
drop:
	rte_pktmbuf_free(m);
}
