/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Carrying out what the state machines ask: adverts (v4 and/or v6, source MAC = vMAC),
 * gratuitous ARP for every IPv4 VIP and unsolicited neighbour advertisements for every
 * IPv6 one, and transitions, which are logged with their reason
 * and published to every data-plane lcore.
 */
#include <rte_ethdev.h>
#include <rte_random.h>

#include "carp_frame.h"
#include "carp_nd.h"
#include "ctl.h"
#include "dp_l2.h"

#define TOS_FREEBSD 0xe0 /* DSCP 56 (CS7), FreeBSD's default */

static uint8_t *
alloc_frame(struct ctl_node *n, struct rte_mbuf **m, uint16_t len)
{
	*m = rte_pktmbuf_alloc(n->mp);
	if (*m == NULL)
		return NULL;
	return (uint8_t *)rte_pktmbuf_append(*m, len);
}

void
ctl_send_frame(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m)
{
	/* The frame was built untagged; a VLAN's tag goes in now (or to the device). */
	if (!dp_l2_retag(n->sh, m, iface, RTE_ETHER_HDR_LEN)) {
		rte_pktmbuf_free(m);
		n->ctl_lc->cnt.drop[DP_DROP_NO_HEADROOM]++;
		return;
	}
	dp_queue_tx(n->ctl_lc, n->sh->iface[iface].port, m);
}

static void
send_advert(struct ctl_node *n, uint32_t idx, const struct carp_action *a)
{
	struct ctl_vhid *v = &n->vhid[idx];
	struct carp_hdr h = {
		.version = CARP_VERSION, .type = CARP_TYPE_ADVERTISEMENT, .vhid = v->cfg->vhid,
		.advskew = a->advert.advskew, .authlen = CARP_AUTHLEN,
		.demote = a->advert.demote, .advbase = a->advert.advbase,
	};
	uint8_t carp[CARP_HDR_LEN], tos;
	struct rte_mbuf *m;
	uint8_t *f;

	tos = v->cfg->profile == CARP_PROFILE_FREEBSD ? TOS_FREEBSD : CARP_TOS_LOWDELAY;
	for (int family = 4; family <= 6; family += 2) {
		if ((family == 4 && !v->cfg->n_vip4) || (family == 6 && !v->cfg->n_vip6))
			continue;
		h.counter = carp_counter_take(&v->counter, h.advbase, h.advskew);
		if (v->cfg->replay_protection)
			ctl_replay_reserve_ahead(n, carp_counter_seq(h.counter));
		if (carp_hmac_sign(&v->hmac, h.counter, h.md) != 0) {
			v->st.send_errors++;
			continue;
		}
		carp_hdr_encode(&h, carp);
		f = alloc_frame(n, &m, family == 4 ? CARP_ADVERT_V4_LEN : CARP_ADVERT_V6_LEN);
		if (f == NULL) {
			if (m)
				rte_pktmbuf_free(m);
			v->st.send_errors++;
			continue;
		}
		if (family == 4)
			carp_build_advert4(f, CARP_ADVERT_V4_LEN, v->vmac.addr_bytes, v->src4, tos,
					   (uint16_t)rte_rand(), carp);
		else
			carp_build_advert6(f, CARP_ADVERT_V6_LEN, v->vmac.addr_bytes, &v->src6, tos,
					   carp);
		ctl_send_frame(n, v->iface, m);
		v->st.adverts_sent++;
	}
}

static void
send_garps(struct ctl_node *n, uint32_t idx)
{
	struct ctl_vhid *v = &n->vhid[idx];

	for (unsigned int i = 0; i < v->cfg->n_vip4; i++) {
		struct rte_mbuf *m;
		uint8_t *f = alloc_frame(n, &m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);

		if (f == NULL) {
			if (m)
				rte_pktmbuf_free(m);
			v->st.send_errors++;
			continue;
		}
		memset(f, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN); /* pad to 60 bytes */
		carp_build_garp(f, CARP_GARP_LEN, v->vmac.addr_bytes, v->cfg->vip4[i]);
		ctl_send_frame(n, v->iface, m);
		v->st.garps_sent++;
	}
	/* And an unsolicited neighbour advertisement per IPv6 VIP, repeated as the ARP is
	 * (the BSDs send one; a switch or host that missed it would wait for its neighbour
	 * entry to go stale). Router set: this node forwards. */
	for (unsigned int i = 0; i < v->cfg->n_vip6; i++) {
		struct rte_mbuf *m;
		uint8_t *f = alloc_frame(n, &m, CARP_NA_FRAME_LEN);

		if (f == NULL) {
			if (m)
				rte_pktmbuf_free(m);
			v->st.send_errors++;
			continue;
		}
		carp_build_unsolicited_na(f, CARP_NA_FRAME_LEN, v->vmac.addr_bytes,
					  &v->cfg->vip6[i], true);
		ctl_send_frame(n, v->iface, m);
		v->st.nas_sent++;
	}
}

static void
publish(struct ctl_node *n, uint32_t idx, const struct carp_action *a)
{
	struct ctl_vhid *v = &n->vhid[idx];
	bool master = a->transition.to == CARP_STATE_MASTER;
	int level = (a->transition.from == CARP_STATE_MASTER || master) ? RTE_LOG_NOTICE
									 : RTE_LOG_INFO;

	rte_log(level, carp_logtype, "carp: vhid %u@%s: %s -> %s (%s)\n", v->cfg->vhid,
		n->iface[v->iface].cfg->name, carp_state_name(a->transition.from),
		carp_state_name(a->transition.to), carp_reason_name(a->transition.reason));
	v->st.transitions++;
	n->snap_dirty = true;
	if (n->draining && a->transition.from == CARP_STATE_MASTER) {
		/* Bowed out: keep answering and forwarding until the peer has taken over, so a
		 * graceful stop loses nothing (see ctl_run). */
		n->handover[idx] = 1;
		n->n_handover++;
		return;
	}
	ctl_pub_master(&n->pub, (uint16_t)idx, master);
	n->snap_dirty = true;
	if (master && v->cfg->n_vip6)
		ctl_mld_announce(n, v->iface, ctl_now_ns()); /* snooping switches: we are here */
}

void
ctl_engine_output(void *arg, uint32_t idx, const struct carp_action *a)
{
	struct ctl_node *n = arg;

	switch (a->type) {
	case CARP_ACT_SEND_ADVERT:
		send_advert(n, idx, a);
		break;
	case CARP_ACT_SEND_GARP:
		send_garps(n, idx);
		break;
	case CARP_ACT_TRANSITION:
		publish(n, idx, a);
		break;
	default:
		break;
	}
}
