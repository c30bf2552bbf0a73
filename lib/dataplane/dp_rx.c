/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-frame decisions of a data-plane lcore: accept by destination MAC, classify, answer
 * ARP and ICMP echo for addresses this node owns, punt CARP to the control lcore, drop
 * the rest with a named reason. Replies are rewritten in place and sent from the lcore's
 * own tx queue on the port they came from.
 */
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "carp_arp.h"
#include "carp_icmp.h"
#include "dp.h"

#define DP_STR(e, s, d) [DP_DROP_##e] = s,
static const char *const drop_names[] = { DP_DROP_LIST(DP_STR) };
#undef DP_STR

static const uint8_t vmac_prefix[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };

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

static inline void
queue_tx(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m)
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

static bool
is_port_addr(const struct dp_port *port, uint32_t a)
{
	for (unsigned int i = 0; i < port->n_addr4; i++)
		if (port->addr4[i] == a)
			return true;
	return false;
}

/*
 * Which MAC answers for IPv4 address @p a on port @p p: the vMAC of its VHID while MASTER,
 * the port's MAC for the port's own address. Returns NULL when we must not answer, and
 * says why in @p why.
 */
static const struct rte_ether_addr *
owner_mac(const struct dp_lcore *lc, uint16_t p, uint32_t a, enum dp_drop *why,
	  enum dp_drop backup_reason)
{
	uint16_t idx = carp_vip_table_lookup(&lc->sh->vips, p, a);

	if (idx != CARP_VIP_NONE) {
		if (lc->master[idx])
			return &lc->sh->vmac[idx];
		*why = backup_reason; /* never answer for a VIP as BACKUP */
		return NULL;
	}
	if (is_port_addr(&lc->sh->port[p], a))
		return &lc->sh->port[p].mac;
	return NULL;
}

static void
handle_arp(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m, uint8_t *f, size_t len)
{
	struct carp_arp a;
	const struct rte_ether_addr *mac;
	enum dp_drop why = DP_DROP_ARP_OTHER;

	if (!carp_arp_parse(f, len, &a) || a.op != CARP_ARP_REQUEST || carp_arp_is_gratuitous(&a)) {
		drop(lc, m, DP_DROP_ARP_OTHER);
		return;
	}
	mac = owner_mac(lc, p, a.tpa, &why, DP_DROP_ARP_BACKUP);
	if (mac == NULL) {
		drop(lc, m, why);
		return;
	}
	carp_arp_make_reply(f, &a, mac->addr_bytes);
	lc->cnt.arp_replies++;
	queue_tx(lc, p, m);
}

static void
handle_ipv4(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m, uint8_t *f, size_t len,
	    size_t l3)
{
	const struct rte_ether_addr *mac;
	enum dp_drop why = DP_DROP_IPV4_NOT_LOCAL;
	uint32_t dst;

	if (!carp_icmp_echo_request(f, len, l3, &dst)) {
		drop(lc, m, DP_DROP_IPV4_NOT_LOCAL);
		return;
	}
	mac = owner_mac(lc, p, dst, &why, DP_DROP_VMAC_BACKUP);
	if (mac == NULL) {
		drop(lc, m, why);
		return;
	}
	carp_icmp_echo_make_reply(f, l3, mac->addr_bytes);
	lc->cnt.echo_replies++;
	queue_tx(lc, p, m);
}

/*
 * Accept a frame by destination: broadcast and multicast, the port's MAC, or the vMAC of
 * a VHID that is MASTER here. Devices without a MAC filter run promiscuous, so this check
 * is what keeps a BACKUP from taking traffic meant for the master.
 */
static bool
accept_dst(struct dp_lcore *lc, uint16_t p, const uint8_t *dst, enum dp_drop *why)
{
	const struct dp_port *port = &lc->sh->port[p];
	uint16_t idx;

	if (dst[0] & 1)
		return true;
	if (memcmp(dst, port->mac.addr_bytes, 6) == 0)
		return true;
	if (memcmp(dst, vmac_prefix, sizeof(vmac_prefix)) == 0) {
		idx = port->vhid_idx[dst[5]];
		if (idx != DP_NO_VHID && lc->master[idx])
			return true;
		*why = idx != DP_NO_VHID ? DP_DROP_VMAC_BACKUP : DP_DROP_NOT_FOR_US;
		return false;
	}
	*why = DP_DROP_NOT_FOR_US;
	return false;
}

static void
handle_one(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m)
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
	switch (carp_classify(f, len, &l3)) {
	case CARP_CLASS_CARP:
		lc->cnt.punted++;
		if (lc->punt == NULL)
			lc->punt_fn(lc, m);
		else if (rte_ring_enqueue(lc->punt, m) != 0)
			drop(lc, m, DP_DROP_PUNT_FULL);
		break;
	case CARP_CLASS_ARP:
		handle_arp(lc, p, m, f, len);
		break;
	case CARP_CLASS_IPV4:
		handle_ipv4(lc, p, m, f, len, l3);
		break;
	case CARP_CLASS_ND:
	case CARP_CLASS_IPV6:
		drop(lc, m, DP_DROP_IPV6);
		break;
	case CARP_CLASS_RUNT:
		drop(lc, m, DP_DROP_RUNT);
		break;
	default:
		drop(lc, m, DP_DROP_ETHERTYPE);
		break;
	}
}

void
dp_rx_burst(struct dp_lcore *lc, uint16_t p, struct rte_mbuf **pkts, uint16_t n)
{
	lc->cnt.rx += n;
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		handle_one(lc, p, pkts[i]);
	}
}

unsigned int
dp_apply_msgs(struct dp_lcore *lc)
{
	void *objs[DP_BURST];
	unsigned int n, total = 0;

	if (lc->msgs == NULL)
		return 0;
	while ((n = rte_ring_dequeue_burst(lc->msgs, objs, DP_BURST, NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			/* A message is packed into the pointer itself: no allocation, no free. */
			uintptr_t v = (uintptr_t)objs[i];

			lc->master[v >> 1] = v & 1;
		}
		total += n;
	}
	return total;
}
