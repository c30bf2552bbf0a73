/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_L2_H
#define CARP_DP_L2_H

/**
 * @file
 * Layer 2 of the data plane: which interface a frame belongs to (its port's untagged side
 * or an 802.1Q VLAN on the port), whether it is addressed to us there, and the header a
 * frame leaves with.
 *
 * A tag arrives in the frame, or stripped by the device into the mbuf
 * (RTE_MBUF_F_RX_VLAN_STRIPPED and vlan_tci); both lead to the same interface. A frame is
 * taken only on an interface that is configured: a VLAN the port does not have, a
 * priority tag, two tags, an untagged frame on a trunk whose untagged side is unused each
 * drop under a name of their own. No tag ever travels from one interface to another:
 * every frame sent gets the whole header of its egress interface, the tag in software or
 * by the device's insert offload.
 */

#include <rte_mbuf.h>

#include "carp_bytes.h"
#include "dp.h"

#define DP_ETHERTYPE_VLAN 0x8100
#define DP_ETHERTYPE_QINQ 0x88a8     /* 802.1ad S-tag */
#define DP_ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard QinQ */

/* Frames are rewritten in place: a tag added to an untagged frame moves its start 4 bytes
 * into the headroom. */
_Static_assert(RTE_PKTMBUF_HEADROOM >= 4, "dp_l2_write needs 4 bytes of headroom");

static inline bool
dp_l2_is_tpid(uint16_t type)
{
	return type == DP_ETHERTYPE_VLAN || type == DP_ETHERTYPE_QINQ ||
	       type == DP_ETHERTYPE_QINQ_OLD;
}

/**
 * The interface frame @p f (@p len >= 14 bytes of mbuf @p m, received on port index @p p)
 * belongs to, with its L3 offset (14, or 18 behind a tag in the frame) in @p l3; or
 * DP_NO_IFACE with the reason in @p why.
 */
static inline uint16_t
dp_l2_iface(const struct dp_shared *sh, uint16_t p, const struct rte_mbuf *m, const uint8_t *f,
	    size_t len, size_t *l3, enum dp_drop *why)
{
	uint16_t type = carp_rd16(f + 12), vid, i;

	*l3 = 14;
	if (unlikely(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		/* Another tag in the frame, or a second one stripped too: QinQ. */
		if ((m->ol_flags & RTE_MBUF_F_RX_QINQ) || dp_l2_is_tpid(type)) {
			*why = DP_DROP_VLAN_DOUBLE;
			return DP_NO_IFACE;
		}
		vid = m->vlan_tci & 0x0fff;
	} else if (type == DP_ETHERTYPE_VLAN) {
		if (len < 18) {
			*why = DP_DROP_RUNT;
			return DP_NO_IFACE;
		}
		if (dp_l2_is_tpid(carp_rd16(f + 16))) {
			*why = DP_DROP_VLAN_DOUBLE;
			return DP_NO_IFACE;
		}
		vid = carp_rd16(f + 14) & 0x0fff;
		*l3 = 18;
	} else if (type == DP_ETHERTYPE_QINQ || type == DP_ETHERTYPE_QINQ_OLD) {
		*why = DP_DROP_VLAN_DOUBLE; /* an outer (service) tag */
		return DP_NO_IFACE;
	} else {
		i = sh->port[p].untagged;
		if (i == DP_NO_IFACE)
			*why = DP_DROP_UNTAGGED_UNUSED;
		return i;
	}
	/* VLAN 0 says "priority only, no VLAN": to take it as untagged would let a host on
	 * a trunk reach the untagged segment with a tag the switch may not filter. */
	if (vid == 0) {
		*why = DP_DROP_VLAN_PRIORITY;
		return DP_NO_IFACE;
	}
	i = sh->vlan_iface[p][vid];
	if (i == DP_NO_IFACE)
		*why = DP_DROP_VLAN_UNKNOWN;
	return i;
}

/* A CARP/VRRP virtual MAC, 00:00:5e:00:01:vhid (RFC 5798, spec §1.5): one load, one compare. */
static inline bool
dp_l2_is_vmac(const uint8_t *mac)
{
	static const uint8_t prefix[4] = { 0x00, 0x00, 0x5e, 0x00 };
	uint32_t a, b;

	memcpy(&a, mac, sizeof(a));
	memcpy(&b, prefix, sizeof(b));
	return a == b && mac[4] == 0x01;
}

/*
 * Accept a frame on interface @p i by destination: broadcast and multicast, the port's
 * MAC, or the vMAC of a VHID that is MASTER on this interface. Devices without a MAC
 * filter run promiscuous, so this check is what keeps a BACKUP from taking traffic meant
 * for the master. The same VHID number on two VLANs is two vMAC states.
 */
static inline bool
dp_l2_accept_dst(const struct dp_lcore *lc, uint16_t i, const uint8_t *dst, enum dp_drop *why)
{
	uint64_t k = dp_mac_key(dst);

	if (k == lc->accept[i].own || k == lc->accept[i].vmac || (dst[0] & 1))
		return true;
	if (dp_l2_is_vmac(dst)) {
		uint8_t st = lc->vmac_state[i][dst[5]];

		if (st == DP_VMAC_MASTER)
			return true;
		*why = st == DP_VMAC_BACKUP ? DP_DROP_VMAC_BACKUP : DP_DROP_NOT_FOR_US;
		return false;
	}
	*why = DP_DROP_NOT_FOR_US;
	return false;
}

/*
 * Give packet @p m, whose layer-3 header is at @p l3h (offset @p l3 in the frame), the
 * header @p h: the MACs (and the tag) stored up to the EtherType (which stays), the start
 * of the frame moved by what the old and new headers differ (a tag removed or added), and
 * the device asked for the tag where it inserts them. Always inlined: it is the
 * forwarding path's whole layer 2.
 */
static __rte_always_inline void
dp_l2_write(struct rte_mbuf *m, uint8_t *l3h, unsigned int l3, const struct dp_l2_hdr *h)
{
	uint8_t *start;
	int delta;

	/* Untagged in, untagged out, the device adding no tag: the MACs, and nothing else. */
	if (likely(l3 == 14 && h->hlen == 12 && !h->tag_by_device)) {
		memcpy(l3h - 14, h->img + 4, 12);
		return;
	}
	start = l3h - 2 - h->hlen;
	/* From the L3 offset the caller knows, not from the mbuf: between ports of the same
	 * kind the mbuf is not touched at all. */
	delta = (int)l3 - 2 - h->hlen;
	/* Stored from the frame's new start, which the pool aligns: 16 bytes from 4 before
	 * it would straddle a cache line with every untagged frame (3-4 % of the worker's
	 * samples on the store alone). */
	if (h->hlen == 16)
		memcpy(start, h->img, 16);
	else
		memcpy(start, h->img + 4, 12);
	if (unlikely(delta != 0)) {
		m->data_off = (uint16_t)(m->data_off + delta);
		m->data_len = (uint16_t)(m->data_len - delta);
		m->pkt_len = (uint32_t)((int64_t)m->pkt_len - delta);
	}
	if (unlikely(h->tag_by_device)) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = h->tci;
	}
}

/**
 * Give frame @p m (its MACs written, layer 3 at @p l3: 14, or 18 behind a tag) the tag of
 * interface @p i, in software or by the device, for a reply or a frame of the control
 * lcore's. Returns false when a tag cannot be added (no headroom; never for our pool).
 */
bool dp_l2_retag(const struct dp_shared *sh, struct rte_mbuf *m, uint16_t i, size_t l3);

/** Build interface @p i's header with source @p src and a zero destination into @p h. */
void dp_l2_hdr_init(struct dp_l2_hdr *h, const struct dp_iface *ifc, const uint8_t src[6]);

#endif
