/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MLDv2 listener (RFC 3810 6) for the groups the node must receive: ff02::12 for IPv6
 * adverts, and the solicited-node group of every IPv6 address and VIP, to which
 * neighbour solicitations go. With an MLD-snooping switch on the segment, a node that
 * never reports them receives neither. The groups never change while the node runs (a
 * BACKUP listens too: it must hear the master's adverts, and it takes over later), so
 * there is no leaving: reports on start, on takeover, and in answer to queries, each
 * unsolicited one sent twice a second apart (the robustness variable's default).
 */
#include <rte_random.h>

#include "carp_nd.h"
#include "ctl.h"

#define MLD_REPEAT_NS (1000 * 1000 * 1000ull) /* unsolicited report interval */
#define MLD_GROUPS_MAX 512
#define MLD_MAX_DELAY_MS 10000 /* a query asking for longer is answered within 10 s */

static void
add_group(struct carp_in6 *g, size_t *n, const struct carp_in6 *a)
{
	for (size_t i = 0; i < *n; i++)
		if (memcmp(&g[i], a, sizeof(*a)) == 0)
			return;
	if (*n < MLD_GROUPS_MAX)
		g[(*n)++] = *a;
}

static size_t
iface_groups(const struct ctl_node *n, uint16_t i, struct carp_in6 *g)
{
	static const struct carp_in6 carp6 = { { 0xff, 0x02, [15] = 0x12 } };
	const struct dp_iface *di = &n->sh->iface[i];
	struct carp_in6 sn;
	size_t k = 0;

	for (unsigned int a = 0; a < di->n_addr6; a++) {
		carp_in6_solicited_node(&di->addr6[a], &sn);
		add_group(g, &k, &sn);
	}
	for (uint16_t v = 0; v < n->n_vhids; v++) {
		const struct carp_config_vhid *cv = n->vhid[v].cfg;

		if (n->vhid[v].iface != i || cv->n_vip6 == 0)
			continue;
		add_group(g, &k, &carp6);
		for (unsigned int a = 0; a < cv->n_vip6; a++) {
			carp_in6_solicited_node(&cv->vip6[a], &sn);
			add_group(g, &k, &sn);
		}
	}
	return k;
}

/* Send @p n groups of interface @p i, as many reports as the MTU needs. */
static void
send_report(struct ctl_node *n, uint16_t i, const struct carp_in6 *g, size_t k, uint8_t record)
{
	const struct dp_iface *di = &n->sh->iface[i];
	size_t per = (n->iface[i].cfg->mtu - CARP_MLD2_HDR_LEN) / CARP_MLD2_RECORD_LEN;

	for (size_t at = 0; at < k; at += per) {
		size_t cnt = k - at < per ? k - at : per;
		uint16_t len = (uint16_t)(14 + CARP_MLD2_HDR_LEN + cnt * CARP_MLD2_RECORD_LEN);
		struct rte_mbuf *m = rte_pktmbuf_alloc(n->mp);
		uint8_t *f = m ? (uint8_t *)rte_pktmbuf_append(m, len) : NULL;

		if (f == NULL) {
			rte_pktmbuf_free(m);
			n->fwd_st.arp_request_nombuf++;
			return;
		}
		/* From the link-local address (RFC 3810 5.2.13) and the interface's MAC. */
		carp_build_mld2_report(f, len, di->mac.addr_bytes, &di->addr6[0], g + at, cnt,
				       record);
		ctl_send_frame(n, i, m);
		__atomic_store_n(&n->fwd_st.mld_reports, n->fwd_st.mld_reports + 1,
				 __ATOMIC_RELAXED);
	}
}

static void
report_now(struct ctl_node *n, uint16_t i, uint8_t record)
{
	struct carp_in6 g[MLD_GROUPS_MAX];
	size_t k = iface_groups(n, i, g);

	if (k)
		send_report(n, i, g, k, record);
}

void
ctl_mld_announce(struct ctl_node *n, uint16_t i, uint64_t now)
{
	struct ctl_iface *ci = &n->iface[i];

	if (n->sh->iface[i].n_addr6 == 0)
		return;
	report_now(n, i, CARP_MLD2_CHANGE_TO_EXCLUDE);
	ci->mld_record = CARP_MLD2_CHANGE_TO_EXCLUDE;
	ci->mld_repeats = 0;
	ci->mld_due_ns = now + MLD_REPEAT_NS;
}

void
ctl_mld_start(struct ctl_node *n, uint64_t now)
{
	for (uint16_t i = 0; i < n->n_ifaces; i++)
		ctl_mld_announce(n, i, now);
}

void
ctl_mld_query(struct ctl_node *n, uint16_t i, struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	struct ctl_iface *ci = &n->iface[i];
	struct carp_in6 g[MLD_GROUPS_MAX];
	struct carp_mld_query q;
	uint64_t now = ctl_now_ns(), due;
	uint32_t delay_ms;
	bool ours = false;
	size_t k;

	if (!carp_mld_query_parse(f + m->l2_len, rte_pktmbuf_data_len(m) - m->l2_len, &q)) {
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_free(m);
	k = iface_groups(n, i, g);
	for (size_t a = 0; a < k && !ours; a++)
		ours = memcmp(&g[a], &q.group, sizeof(q.group)) == 0;
	if (!carp_in6_is_unspecified(&q.group) && !ours)
		return; /* a query for a group we do not listen to */
	__atomic_store_n(&n->fwd_st.mld_queries, n->fwd_st.mld_queries + 1, __ATOMIC_RELAXED);
	/* Answer at a random point of the querier's window (RFC 3810 6.2), so the
	 * listeners of a segment do not all answer at once; sooner if one is due. */
	delay_ms = q.max_resp_ms < MLD_MAX_DELAY_MS ? q.max_resp_ms : MLD_MAX_DELAY_MS;
	due = now + (delay_ms ? rte_rand() % ((uint64_t)delay_ms * 1000000ull) : 0);
	if (ci->mld_due_ns == 0 || due < ci->mld_due_ns) {
		ci->mld_due_ns = due;
		ci->mld_record = CARP_MLD2_MODE_IS_EXCLUDE;
		ci->mld_repeats = 0;
	}
}

void
ctl_mld_tick(struct ctl_node *n, uint64_t now)
{
	for (uint16_t i = 0; i < n->n_ifaces; i++) {
		struct ctl_iface *ci = &n->iface[i];

		if (ci->mld_due_ns == 0 || now < ci->mld_due_ns)
			continue;
		report_now(n, i, ci->mld_record);
		if (ci->mld_repeats) {
			ci->mld_repeats--;
			ci->mld_due_ns = now + MLD_REPEAT_NS;
		} else {
			ci->mld_due_ns = 0;
		}
	}
}
