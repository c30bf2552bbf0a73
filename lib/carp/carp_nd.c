/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_nd.h"

#include <string.h>

#include "carp_bytes.h"
#include "carp_cksum.h"

#define ND_HOP_LIMIT 255 /* NS and NA: anything else came through a router */
#define ND_MSG_LEN 24    /* type, code, checksum, flags/reserved, target */
#define ECHO_REPLY_HLIM 64
#define ETHERTYPE_IPV6 0x86dd

const struct carp_in6 carp_in6_all_nodes = { { 0xff, 0x02, [15] = 0x01 } };
const struct carp_in6 carp_in6_mld2_routers = { { 0xff, 0x02, [15] = 0x16 } };

bool
carp_in6_is_unspecified(const struct carp_in6 *a)
{
	static const struct carp_in6 zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

bool
carp_in6_is_unicast(const struct carp_in6 *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t loopback[16] = { [15] = 1 };

	return !carp_in6_is_unspecified(a) && !carp_in6_is_multicast(a) &&
	       memcmp(a->b, loopback, 16) != 0 && memcmp(a->b, mapped, 12) != 0;
}

void
carp_in6_solicited_node(const struct carp_in6 *a, struct carp_in6 *group)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(group->b, prefix, sizeof(prefix));
	memcpy(group->b + 13, a->b + 13, 3);
}

void
carp_in6_multicast_mac(const struct carp_in6 *group, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->b + 12, 4);
}

void
carp_in6_link_local(const uint8_t mac[6], struct carp_in6 *out)
{
	memset(out, 0, sizeof(*out));
	out->b[0] = 0xfe;
	out->b[1] = 0x80;
	out->b[8] = mac[0] ^ 0x02; /* the universal/local bit inverted (RFC 4291 2.5.1) */
	out->b[9] = mac[1];
	out->b[10] = mac[2];
	out->b[11] = 0xff;
	out->b[12] = 0xfe;
	out->b[13] = mac[3];
	out->b[14] = mac[4];
	out->b[15] = mac[5];
}

uint16_t
carp_icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	uint32_t sum = carp_cksum_add(0, ip6 + 8, 32); /* source and destination */

	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + CARP_IPPROTO_ICMPV6;
	return carp_cksum_finish(carp_cksum_add(sum, icmp, len));
}

/* The ICMPv6 message of the IPv6 packet at @p ip6 (no extension headers): its length from
 * the payload length, 0 when the packet is not ICMPv6 or runs past @p avail. */
static size_t
icmp6_len(const uint8_t *ip6, size_t avail)
{
	size_t plen;

	if (avail < CARP_IPV6_HDR_LEN || ip6[0] >> 4 != 6 || ip6[6] != CARP_IPPROTO_ICMPV6)
		return 0;
	plen = carp_rd16(ip6 + 4);
	return plen <= avail - CARP_IPV6_HDR_LEN ? plen : 0;
}

/* Walk the options after the fixed part; the link-layer option of @p want (the last one
 * wins, as in the kernels) goes to @p lladdr. False when an option is malformed. */
static bool
nd_options(const uint8_t *opt, size_t len, uint8_t want, const uint8_t **lladdr)
{
	*lladdr = NULL;
	while (len > 0) {
		size_t olen;

		if (len < 2)
			return false;
		olen = (size_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return false; /* RFC 4861 7.1: a zero-length option is invalid */
		if (opt[0] == want) {
			if (olen != 8)
				return false; /* an Ethernet address option is 8 bytes */
			*lladdr = opt + 2;
		}
		opt += olen;
		len -= olen;
	}
	return true;
}

enum carp_nd_verdict
carp_nd_parse(const uint8_t *ip6, size_t avail, struct carp_nd *out)
{
	size_t len = icmp6_len(ip6, avail);
	const uint8_t *icmp = ip6 + CARP_IPV6_HDR_LEN;
	struct carp_in6 group;

	if (len < ND_MSG_LEN)
		return CARP_ND_BAD_LEN;
	if (ip6[7] != ND_HOP_LIMIT)
		return CARP_ND_BAD_HLIM;
	if (carp_icmp6_cksum(ip6, icmp, len) != 0)
		return CARP_ND_BAD_CKSUM;
	if (icmp[1] != 0)
		return CARP_ND_BAD_CODE;
	out->type = icmp[0];
	out->flags = icmp[0] == CARP_ICMP6_ND_NA ? icmp[4] & 0xe0 : 0;
	memcpy(out->src.b, ip6 + 8, 16);
	memcpy(out->dst.b, ip6 + 24, 16);
	memcpy(out->target.b, icmp + 8, 16);
	if (!nd_options(icmp + ND_MSG_LEN, len - ND_MSG_LEN,
			icmp[0] == CARP_ICMP6_ND_NS ? CARP_ND_OPT_SLLA : CARP_ND_OPT_TLLA,
			&out->lladdr))
		return CARP_ND_BAD_OPT;
	/* No one holds ::, and an answer for it would come from :: (found by fuzz_nd). */
	if (carp_in6_is_multicast(&out->target) || carp_in6_is_unspecified(&out->target))
		return CARP_ND_BAD_TARGET;
	if (carp_in6_is_multicast(&out->src))
		return CARP_ND_BAD_SRC;
	if (out->type == CARP_ICMP6_ND_NS && carp_nd_is_dad(out)) {
		carp_in6_solicited_node(&out->target, &group);
		if (memcmp(&out->dst, &group, sizeof(group)) != 0 || out->lladdr != NULL)
			return CARP_ND_BAD_SRC;
	}
	if (out->type == CARP_ICMP6_ND_NA) {
		if (carp_nd_is_dad(out))
			return CARP_ND_BAD_SRC; /* only a solicitation may come from :: */
		if (carp_in6_is_multicast(&out->dst) && (out->flags & CARP_NA_SOLICITED))
			return CARP_ND_BAD_TARGET;
	}
	return CARP_ND_OK;
}

/* The IPv6 header of an ND or echo message we send: version 6, no class or flow label. */
static void
ip6_header(uint8_t *ip6, uint16_t payload_len, uint8_t hlim, const struct carp_in6 *src,
	   const struct carp_in6 *dst)
{
	memset(ip6, 0, 4);
	ip6[0] = 0x60;
	carp_wr16(ip6 + 4, payload_len);
	ip6[6] = CARP_IPPROTO_ICMPV6;
	ip6[7] = hlim;
	memcpy(ip6 + 8, src->b, 16);
	memcpy(ip6 + 24, dst->b, 16);
}

/* The advertisement's ICMPv6 message at @p icmp, then its checksum. */
static void
na_message(uint8_t *ip6, const struct carp_in6 *target, uint8_t flags, const uint8_t mac[6])
{
	uint8_t *icmp = ip6 + CARP_IPV6_HDR_LEN;

	memset(icmp, 0, CARP_NA_LEN);
	icmp[0] = CARP_ICMP6_ND_NA;
	icmp[4] = flags;
	memcpy(icmp + 8, target->b, 16);
	icmp[24] = CARP_ND_OPT_TLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	carp_wr16(icmp + 2, carp_icmp6_cksum(ip6, icmp, CARP_NA_LEN));
}

size_t
carp_nd_make_na(uint8_t *frame, size_t l3, const struct carp_nd *ns, const uint8_t mac[6],
		bool router)
{
	uint8_t *ip6 = frame + l3;
	uint8_t flags = CARP_NA_OVERRIDE | (router ? CARP_NA_ROUTER : 0);
	const struct carp_in6 *to = &ns->src;

	if (carp_nd_is_dad(ns)) {
		/* The prober has no address yet: tell everyone (RFC 4861 7.2.4). */
		to = &carp_in6_all_nodes;
		carp_in6_multicast_mac(to, frame);
	} else {
		flags |= CARP_NA_SOLICITED;
		/* Back to the station that asked: its link-layer option when it gave one
		 * (RFC 4861 7.2.4 allows either), else the frame's source. */
		memmove(frame, ns->lladdr != NULL ? ns->lladdr : frame + 6, 6);
	}
	memcpy(frame + 6, mac, 6);
	ip6_header(ip6, CARP_NA_LEN, ND_HOP_LIMIT, &ns->target, to);
	na_message(ip6, &ns->target, flags, mac);
	return l3 + CARP_IPV6_HDR_LEN + CARP_NA_LEN;
}

size_t
carp_build_unsolicited_na(uint8_t *buf, size_t cap, const uint8_t mac[6],
			  const struct carp_in6 *target, bool router)
{
	if (cap < CARP_NA_FRAME_LEN)
		return 0;
	carp_in6_multicast_mac(&carp_in6_all_nodes, buf);
	memcpy(buf + 6, mac, 6);
	carp_wr16(buf + 12, ETHERTYPE_IPV6);
	ip6_header(buf + 14, CARP_NA_LEN, ND_HOP_LIMIT, target, &carp_in6_all_nodes);
	na_message(buf + 14, target, CARP_NA_OVERRIDE | (router ? CARP_NA_ROUTER : 0), mac);
	return CARP_NA_FRAME_LEN;
}

size_t
carp_build_ns(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct carp_in6 *src,
	      const struct carp_in6 *target)
{
	uint8_t *ip6 = buf + 14, *icmp = ip6 + CARP_IPV6_HDR_LEN;
	struct carp_in6 group;

	if (cap < CARP_NA_FRAME_LEN)
		return 0;
	carp_in6_solicited_node(target, &group);
	carp_in6_multicast_mac(&group, buf);
	memcpy(buf + 6, mac, 6);
	carp_wr16(buf + 12, ETHERTYPE_IPV6);
	ip6_header(ip6, CARP_NA_LEN, ND_HOP_LIMIT, src, &group);
	memset(icmp, 0, CARP_NA_LEN);
	icmp[0] = CARP_ICMP6_ND_NS;
	memcpy(icmp + 8, target->b, 16);
	icmp[24] = CARP_ND_OPT_SLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	carp_wr16(icmp + 2, carp_icmp6_cksum(ip6, icmp, CARP_NA_LEN));
	return CARP_NA_FRAME_LEN;
}

bool
carp_icmp6_echo_request(const uint8_t *ip6, size_t avail, struct carp_in6 *dst)
{
	size_t len = icmp6_len(ip6, avail);
	const uint8_t *icmp = ip6 + CARP_IPV6_HDR_LEN;
	struct carp_in6 src;

	if (len < 8 || icmp[0] != CARP_ICMP6_ECHO_REQUEST || icmp[1] != 0)
		return false;
	memcpy(src.b, ip6 + 8, 16);
	if (!carp_in6_is_unicast(&src) || carp_icmp6_cksum(ip6, icmp, len) != 0)
		return false;
	memcpy(dst->b, ip6 + 24, 16);
	return true;
}

void
carp_icmp6_echo_make_reply(uint8_t *frame, size_t l3, const uint8_t mac[6])
{
	uint8_t *ip6 = frame + l3, *icmp = ip6 + CARP_IPV6_HDR_LEN, addr[16];

	memcpy(frame, frame + 6, 6);
	memcpy(frame + 6, mac, 6);
	memcpy(addr, ip6 + 8, 16);
	memcpy(ip6 + 8, ip6 + 24, 16);
	memcpy(ip6 + 24, addr, 16);
	ip6[7] = ECHO_REPLY_HLIM;
	icmp[0] = CARP_ICMP6_ECHO_REPLY;
	carp_wr16(icmp + 2, carp_cksum_update16(carp_rd16(icmp + 2), CARP_ICMP6_ECHO_REQUEST << 8,
					   CARP_ICMP6_ECHO_REPLY << 8));
}

size_t
carp_build_mld2_report(uint8_t *buf, size_t cap, const uint8_t src_mac[6],
		       const struct carp_in6 *src, const struct carp_in6 *groups, size_t n,
		       uint8_t record_type)
{
	/* Hop-by-hop: next header ICMPv6, length 0 (8 bytes), Router Alert (RFC 2711) with
	 * value 0 (MLD), then a PadN of 2 bytes. */
	static const uint8_t hbh[8] = { CARP_IPPROTO_ICMPV6, 0, 5, 2, 0, 0, 1, 0 };
	size_t mld_len = 8 + n * CARP_MLD2_RECORD_LEN, len = 14 + CARP_MLD2_HDR_LEN - 8 + mld_len;
	uint8_t *ip6 = buf + 14, *mld = ip6 + CARP_IPV6_HDR_LEN + 8;

	if (n == 0 || n > 0xffff || len > cap)
		return 0;
	carp_in6_multicast_mac(&carp_in6_mld2_routers, buf);
	memcpy(buf + 6, src_mac, 6);
	carp_wr16(buf + 12, ETHERTYPE_IPV6);
	ip6_header(ip6, (uint16_t)(8 + mld_len), 1, src, &carp_in6_mld2_routers);
	ip6[6] = CARP_IPV6_NH_HOPOPTS;
	memcpy(ip6 + CARP_IPV6_HDR_LEN, hbh, sizeof(hbh));
	memset(mld, 0, mld_len);
	mld[0] = CARP_ICMP6_MLD2_REPORT;
	carp_wr16(mld + 6, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *rec = mld + 8 + i * CARP_MLD2_RECORD_LEN;

		rec[0] = record_type;
		memcpy(rec + 4, groups[i].b, 16);
	}
	carp_wr16(mld + 2, carp_icmp6_cksum(ip6, mld, mld_len));
	return len;
}

/* An MLDv2 Maximum Response Code in milliseconds (RFC 3810 5.1.3). */
static uint32_t
mld2_max_resp_ms(uint16_t code)
{
	if (code < 32768)
		return code;
	return (uint32_t)((code & 0x0fff) | 0x1000) << (((code >> 12) & 0x7) + 3);
}

bool
carp_mld_query_parse(const uint8_t *ip6, size_t avail, struct carp_mld_query *q)
{
	size_t plen, off = CARP_IPV6_HDR_LEN, len;
	const uint8_t *icmp;
	struct carp_in6 src;
	uint8_t nh;

	if (avail < CARP_IPV6_HDR_LEN || ip6[0] >> 4 != 6 || ip6[7] != 1)
		return false;
	plen = carp_rd16(ip6 + 4);
	if (plen > avail - CARP_IPV6_HDR_LEN)
		return false;
	memcpy(src.b, ip6 + 8, 16);
	if (!carp_in6_is_link_local(&src))
		return false; /* RFC 3810 5.1.14: queries come from a link-local address */
	nh = ip6[6];
	if (nh == CARP_IPV6_NH_HOPOPTS) {
		/* One hop-by-hop header, the Router Alert's home; nothing else is walked. */
		size_t hlen;

		if (plen < 8)
			return false;
		hlen = ((size_t)ip6[off + 1] + 1) * 8;
		if (hlen > plen)
			return false;
		nh = ip6[off];
		off += hlen;
	}
	if (nh != CARP_IPPROTO_ICMPV6)
		return false;
	icmp = ip6 + off;
	len = CARP_IPV6_HDR_LEN + plen - off;
	if (len < 24 || icmp[0] != CARP_ICMP6_MLD_QUERY || (len > 24 && len < 28))
		return false;
	/* The pseudo-header's length is the ICMPv6 message's, not the payload's. */
	if (carp_icmp6_cksum(ip6, icmp, len) != 0)
		return false;
	q->v2 = len >= 28;
	q->max_resp_ms = q->v2 ? mld2_max_resp_ms(carp_rd16(icmp + 4)) : carp_rd16(icmp + 4);
	memcpy(q->group.b, icmp + 8, 16);
	return q->group.b[0] == 0xff || carp_in6_is_unspecified(&q->group);
}
