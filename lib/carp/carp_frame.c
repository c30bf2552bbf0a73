/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_frame.h"

#include <stdbool.h>
#include <string.h>

#include "carp_bytes.h"
#include "carp_cksum.h"

const uint8_t carp_mcast4_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 };
const uint8_t carp_mcast6_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x12 };
const struct carp_in6 carp_mcast6 = { { 0xff, 0x02, [15] = 0x12 } };

#define IPV6_NH_HOPOPTS 0
#define IPV6_NH_ROUTING 43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_DSTOPTS 60
#define IPV6_MAX_EXT_HDRS 8 /* bound the walk: a frame cannot make us loop */

static enum carp_drop
parse_ipv4(const uint8_t *ip, size_t avail, struct carp_rx_frame *out)
{
	size_t ihl, total;

	if (avail >= 10 && ip[9] != CARP_IPPROTO)
		return CARP_DROP_NOTCARP;
	if (avail < 20)
		return CARP_DROP_BADLEN;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = carp_rd16(ip + 2);
	if (ip[0] >> 4 != 4 || ihl < 20 || total < ihl)
		return CARP_DROP_BADIP;
	if (total > avail || ihl > avail)
		return CARP_DROP_BADLEN;
	if (carp_cksum(ip, ihl) != 0)
		return CARP_DROP_BADIP;
	if (carp_rd16(ip + 6) & 0x3fff) /* MF set or non-zero offset: adverts are never fragmented */
		return CARP_DROP_FRAGMENT;
	out->df = (carp_rd16(ip + 6) & 0x4000) != 0;
	out->family = 4;
	out->tos = ip[1];
	out->ttl = ip[8];
	out->src4 = carp_rd32(ip + 12);
	out->dst4 = carp_rd32(ip + 16);
	out->carp = ip + ihl;
	out->carp_len = total - ihl;
	return CARP_DROP_NONE;
}

/* Next headers that are CARP or may lead to it; anything else is other traffic. */
static bool
ipv6_may_carry_carp(uint8_t nh)
{
	return nh == CARP_IPPROTO || nh == IPV6_NH_HOPOPTS || nh == IPV6_NH_ROUTING ||
	       nh == IPV6_NH_DSTOPTS || nh == IPV6_NH_FRAGMENT;
}

static enum carp_drop
parse_ipv6(const uint8_t *ip, size_t avail, struct carp_rx_frame *out)
{
	size_t plen, off = 40;
	uint8_t nh;

	if (avail >= 7 && !ipv6_may_carry_carp(ip[6]))
		return CARP_DROP_NOTCARP; /* other traffic is not ours to judge */
	if (avail < 40)
		return CARP_DROP_BADLEN;
	nh = ip[6];
	if (ip[0] >> 4 != 6)
		return CARP_DROP_BADIP;
	plen = carp_rd16(ip + 4);
	if (40 + plen > avail)
		return CARP_DROP_BADLEN;
	for (int i = 0; nh != CARP_IPPROTO; i++) {
		size_t ext;

		if (nh == IPV6_NH_FRAGMENT)
			return CARP_DROP_FRAGMENT;
		if (nh != IPV6_NH_HOPOPTS && nh != IPV6_NH_ROUTING && nh != IPV6_NH_DSTOPTS)
			return CARP_DROP_NOTCARP;
		if (i == IPV6_MAX_EXT_HDRS || off + 8 > 40 + plen)
			return CARP_DROP_BADIP;
		ext = ((size_t)ip[off + 1] + 1) * 8;
		nh = ip[off];
		off += ext;
	}
	if (off > 40 + plen)
		return CARP_DROP_BADIP;
	out->family = 6;
	out->tos = (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	out->ttl = ip[7];
	memcpy(out->src6.b, ip + 8, 16);
	memcpy(out->dst6.b, ip + 24, 16);
	out->carp = ip + off;
	out->carp_len = 40 + plen - off;
	return CARP_DROP_NONE;
}

enum carp_drop
carp_frame_parse(const uint8_t *frame, size_t len, struct carp_rx_frame *out)
{
	size_t l3 = CARP_ETHER_HDR_LEN;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (len < CARP_ETHER_HDR_LEN)
		return CARP_DROP_BADLEN;
	out->eth_dst = frame;
	out->eth_src = frame + 6;
	type = carp_rd16(frame + 12);
	if (type == CARP_ETHERTYPE_VLAN) {
		if (len < CARP_ETHER_HDR_LEN + CARP_VLAN_HDR_LEN)
			return CARP_DROP_BADLEN;
		out->vlan = carp_rd16(frame + 14) & 0x0fff;
		type = carp_rd16(frame + 16);
		l3 += CARP_VLAN_HDR_LEN;
	}
	if (type == CARP_ETHERTYPE_IPV4)
		return parse_ipv4(frame + l3, len - l3, out);
	if (type == CARP_ETHERTYPE_IPV6)
		return parse_ipv6(frame + l3, len - l3, out);
	return CARP_DROP_NOTCARP;
}

void
carp_vmac(uint8_t vhid, uint8_t out[6])
{
	static const uint8_t prefix[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };

	memcpy(out, prefix, sizeof(prefix));
	out[5] = vhid;
}

static uint8_t *
put_ether(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	carp_wr16(p + 12, type);
	return p + CARP_ETHER_HDR_LEN;
}

size_t
carp_build_advert4(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint32_t src_ip,
		   uint8_t tos, uint16_t ip_id, const uint8_t carp[CARP_HDR_LEN])
{
	uint8_t *ip;

	if (cap < CARP_ADVERT_V4_LEN)
		return 0;
	ip = put_ether(buf, carp_mcast4_mac, src_mac, CARP_ETHERTYPE_IPV4);
	ip[0] = 0x45;
	ip[1] = tos;
	carp_wr16(ip + 2, 20 + CARP_HDR_LEN);
	carp_wr16(ip + 4, ip_id);
	carp_wr16(ip + 6, 0x4000); /* DF */
	ip[8] = CARP_TTL;
	ip[9] = CARP_IPPROTO;
	carp_wr16(ip + 10, 0);
	carp_wr32(ip + 12, src_ip);
	carp_wr32(ip + 16, CARP_MCAST4);
	carp_wr16(ip + 10, carp_cksum(ip, 20));
	memcpy(ip + 20, carp, CARP_HDR_LEN);
	return CARP_ADVERT_V4_LEN;
}

size_t
carp_build_advert6(uint8_t *buf, size_t cap, const uint8_t src_mac[6],
		   const struct carp_in6 *src_ip, uint8_t tclass, const uint8_t carp[CARP_HDR_LEN])
{
	uint8_t *ip;

	if (cap < CARP_ADVERT_V6_LEN)
		return 0;
	ip = put_ether(buf, carp_mcast6_mac, src_mac, CARP_ETHERTYPE_IPV6);
	carp_wr32(ip, 6u << 28 | (uint32_t)tclass << 20);
	carp_wr16(ip + 4, CARP_HDR_LEN);
	ip[6] = CARP_IPPROTO;
	ip[7] = CARP_TTL;
	memcpy(ip + 8, src_ip->b, 16);
	memcpy(ip + 24, carp_mcast6.b, 16);
	memcpy(ip + 40, carp, CARP_HDR_LEN);
	return CARP_ADVERT_V6_LEN;
}

size_t
carp_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], uint32_t vip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *arp;

	if (cap < CARP_GARP_LEN)
		return 0;
	arp = put_ether(buf, bcast, mac, CARP_ETHERTYPE_ARP);
	carp_wr16(arp, 1);                    /* hardware: Ethernet */
	carp_wr16(arp + 2, CARP_ETHERTYPE_IPV4);
	arp[4] = 6;
	arp[5] = 4;
	carp_wr16(arp + 6, 1);                /* request, as the BSDs send it */
	memcpy(arp + 8, mac, 6);
	carp_wr32(arp + 14, vip);
	memset(arp + 18, 0, 6);
	carp_wr32(arp + 24, vip);
	return CARP_GARP_LEN;
}
