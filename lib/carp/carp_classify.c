/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_classify.h"

#include <errno.h>
#include <stdlib.h>

#include "carp_bytes.h"
#include "carp_frame.h"
#include "carp_wire.h"

#define IPPROTO_ICMPV6_NH 58
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define IPV6_NH_HOPOPTS 0
#define IPV6_NH_ROUTING 43
#define IPV6_NH_DSTOPTS 60

static enum carp_class
classify_ipv6(const uint8_t *ip, size_t avail)
{
	uint8_t nh;

	if (avail < 40)
		return CARP_CLASS_RUNT;
	nh = ip[6];
	/* ICMPv6 behind one hop-by-hop header is MLD (its Router Alert): the data plane's. */
	if (nh == IPV6_NH_HOPOPTS && avail >= 48 && ip[40] == IPPROTO_ICMPV6_NH)
		return CARP_CLASS_IPV6;
	if (nh == CARP_IPPROTO)
		return CARP_CLASS_CARP;
	/* Extension headers: rare; to a group (ff02::12) the control lcore walks them to an
	 * advert, to a unicast address the packet is forwarded or ours. */
	if (nh == IPV6_NH_HOPOPTS || nh == IPV6_NH_ROUTING || nh == IPV6_NH_DSTOPTS)
		return ip[24] == 0xff ? CARP_CLASS_CARP : CARP_CLASS_IPV6;
	if (nh == IPPROTO_ICMPV6_NH) {
		if (avail < 41)
			return CARP_CLASS_RUNT;
		if (ip[40] == ND_NEIGHBOR_SOLICIT || ip[40] == ND_NEIGHBOR_ADVERT)
			return CARP_CLASS_ND;
	}
	return CARP_CLASS_IPV6;
}

enum carp_class
carp_classify(const uint8_t *frame, size_t len, size_t *l3)
{
	size_t off = CARP_ETHER_HDR_LEN;
	uint16_t type;

	if (len < CARP_ETHER_HDR_LEN)
		return CARP_CLASS_RUNT;
	type = carp_rd16(frame + 12);
	if (type == CARP_ETHERTYPE_VLAN) {
		if (len < CARP_ETHER_HDR_LEN + CARP_VLAN_HDR_LEN)
			return CARP_CLASS_RUNT;
		type = carp_rd16(frame + 16);
		off += CARP_VLAN_HDR_LEN;
	}
	*l3 = off;
	switch (type) {
	case CARP_ETHERTYPE_ARP:
		return CARP_CLASS_ARP;
	case CARP_ETHERTYPE_IPV4:
		if (len < off + 20)
			return CARP_CLASS_RUNT;
		return frame[off + 9] == CARP_IPPROTO ? CARP_CLASS_CARP : CARP_CLASS_IPV4;
	case CARP_ETHERTYPE_IPV6:
		return classify_ipv6(frame + off, len - off);
	default:
		return CARP_CLASS_OTHER;
	}
}

static uint32_t
slot_of(const struct carp_vip_table *t, uint16_t port, uint32_t vip)
{
	/* Fibonacci hashing spreads consecutive VIPs of one subnet over the table. */
	uint64_t key = (uint64_t)port << 32 | vip;

	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & t->mask;
}

int
carp_vip_table_init(struct carp_vip_table *t, uint32_t n)
{
	uint32_t cap = 8;

	while (cap < 2 * n)
		cap <<= 1;
	t->slots = malloc(cap * sizeof(*t->slots));
	if (t->slots == NULL)
		return -ENOMEM;
	t->mask = cap - 1;
	for (uint32_t i = 0; i < cap; i++)
		t->slots[i].vhid_idx = CARP_VIP_NONE;
	return 0;
}

void
carp_vip_table_free(struct carp_vip_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = 0;
}

int
carp_vip_table_add(struct carp_vip_table *t, uint16_t port, uint32_t vip, uint16_t vhid_idx)
{
	uint32_t i = slot_of(t, port, vip);

	for (uint32_t probe = 0; probe <= t->mask; probe++, i = (i + 1) & t->mask) {
		struct carp_vip_slot *s = &t->slots[i];

		if (s->vhid_idx == CARP_VIP_NONE) {
			s->vip = vip;
			s->port = port;
			s->vhid_idx = vhid_idx;
			return 0;
		}
		if (s->vip == vip && s->port == port)
			return -EEXIST;
	}
	return -ENOSPC;
}

uint16_t
carp_vip_table_lookup(const struct carp_vip_table *t, uint16_t port, uint32_t vip)
{
	uint32_t i = slot_of(t, port, vip);

	for (uint32_t probe = 0; probe <= t->mask; probe++, i = (i + 1) & t->mask) {
		const struct carp_vip_slot *s = &t->slots[i];

		if (s->vhid_idx == CARP_VIP_NONE)
			return CARP_VIP_NONE;
		if (s->vip == vip && s->port == port)
			return s->vhid_idx;
	}
	return CARP_VIP_NONE;
}
