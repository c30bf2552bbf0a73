/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_icmp.h"

#include <string.h>

#include "carp_bytes.h"
#include "carp_cksum.h"
#include "fwd_ipv4.h"
#include "fwd_ipv6.h"

#define IPPROTO_ICMP_NUM 1
#define IPPROTO_ICMPV6_NUM 58
#define IPPROTO_FRAGMENT6 44
#define ERROR_TTL 64

bool
fwd_icmp4_may_answer(const uint8_t *ip, size_t len)
{
	size_t ihl;
	uint32_t src, dst;
	uint8_t type;

	if (len < 20 || ip[0] >> 4 != 4 || (ihl = (size_t)(ip[0] & 0xf) * 4) < 20 || ihl > len)
		return false;
	src = carp_rd32(ip + 12);
	dst = carp_rd32(ip + 16);
	if (fwd_ipv4_bad_source(src) || fwd_ipv4_bad_destination(dst))
		return false; /* not one host's: nobody, or everybody, would get it */
	if (carp_rd16(ip + 6) & 0x1fff)
		return false; /* a later fragment: the first one was, or will be, answered */
	if (ip[9] != IPPROTO_ICMP_NUM)
		return true;
	if (len < ihl + 1)
		return false;
	type = ip[ihl];
	/* Never an error about an error: unreachable, source quench, redirect, time
	 * exceeded, parameter problem. Queries (echo, timestamp, ...) are answered. */
	return type != 3 && type != 4 && type != 5 && type != 11 && type != 12;
}

bool
fwd_icmp6_may_answer(const uint8_t *ip6, size_t len, bool packet_too_big)
{
	if (len < FWD_IPV6_HDR_LEN || ip6[0] >> 4 != 6)
		return false;
	if (ip6[8] == 0xff || fwd_ipv6_unroutable(ip6 + 8))
		return false; /* from nobody we could answer */
	if (ip6[24] == 0xff && !packet_too_big)
		return false; /* to a group: only PTB, for path MTU discovery (RFC 4443 2.4(e.3)) */
	if (ip6[6] == IPPROTO_ICMPV6_NUM)
		return len > FWD_IPV6_HDR_LEN && ip6[40] >= 128; /* errors are types 0..127 */
	if (ip6[6] == IPPROTO_FRAGMENT6)
		return len >= FWD_IPV6_HDR_LEN + 8 && (carp_rd16(ip6 + 42) & 0xfff8) == 0;
	return true;
}

size_t
fwd_icmp4_error(uint8_t *ip, size_t len, size_t room, uint32_t src, uint8_t type, uint8_t code,
		uint16_t mtu)
{
	size_t keep = carp_rd16(ip + 2), total;
	uint8_t *icmp = ip + 20;

	if (keep > len)
		keep = len;
	if (keep > FWD_ICMP4_MAX - FWD_ICMP4_ROOM)
		keep = FWD_ICMP4_MAX - FWD_ICMP4_ROOM;
	if (keep + FWD_ICMP4_ROOM > len + room)
		return 0;
	total = keep + FWD_ICMP4_ROOM;
	memmove(ip + FWD_ICMP4_ROOM, ip, keep);
	/* IPv4 to the offender's source (now at the quoted header's 12..15). */
	memcpy(ip + 16, ip + FWD_ICMP4_ROOM + 12, 4);
	ip[0] = 0x45;
	ip[1] = 0xc0; /* precedence "internetwork control", as the kernels send errors */
	carp_wr16(ip + 2, (uint16_t)total);
	carp_wr32(ip + 4, 0);
	ip[8] = ERROR_TTL;
	ip[9] = IPPROTO_ICMP_NUM;
	carp_wr16(ip + 10, 0);
	carp_wr32(ip + 12, src);
	carp_wr16(ip + 10, carp_cksum(ip, 20));
	icmp[0] = type;
	icmp[1] = code;
	carp_wr16(icmp + 2, 0);
	carp_wr16(icmp + 4, 0);
	carp_wr16(icmp + 6, type == FWD_ICMP4_UNREACH && code == FWD_ICMP4_UNREACH_NEEDFRAG ? mtu : 0);
	carp_wr16(icmp + 2, carp_cksum(icmp, 8 + keep));
	return total;
}

size_t
fwd_icmp6_error(uint8_t *ip6, size_t len, size_t room, const uint8_t src[16], uint8_t type,
		uint8_t code, uint32_t param)
{
	size_t keep = FWD_IPV6_HDR_LEN + carp_rd16(ip6 + 4), plen;
	uint8_t *icmp = ip6 + FWD_IPV6_HDR_LEN;

	if (keep > len)
		keep = len;
	if (keep > FWD_ICMP6_MAX - FWD_ICMP6_ROOM)
		keep = FWD_ICMP6_MAX - FWD_ICMP6_ROOM;
	if (keep + FWD_ICMP6_ROOM > len + room)
		return 0;
	plen = 8 + keep;
	memmove(ip6 + FWD_ICMP6_ROOM, ip6, keep);
	memcpy(ip6 + 24, ip6 + FWD_ICMP6_ROOM + 8, 16); /* back to the offender's source */
	carp_wr32(ip6, 0x60000000u);
	carp_wr16(ip6 + 4, (uint16_t)plen);
	ip6[6] = IPPROTO_ICMPV6_NUM;
	ip6[7] = ERROR_TTL;
	memcpy(ip6 + 8, src, 16);
	icmp[0] = type;
	icmp[1] = code;
	carp_wr16(icmp + 2, 0);
	carp_wr32(icmp + 4, param);
	{
		/* The checksum with the pseudo-header (RFC 8200 8.1). */
		uint32_t sum = carp_cksum_add(0, ip6 + 8, 32);

		sum += (uint32_t)(plen >> 16) + (uint32_t)(plen & 0xffff) + IPPROTO_ICMPV6_NUM;
		carp_wr16(icmp + 2, carp_cksum_finish(carp_cksum_add(sum, icmp, plen)));
	}
	return FWD_IPV6_HDR_LEN + plen;
}

void
fwd_rate_init(struct fwd_rate *r, uint32_t per_s, uint32_t burst, uint64_t hz)
{
	r->off = per_s == 0;
	r->interval = per_s ? hz / per_s : 0;
	if (r->interval == 0)
		r->interval = 1;
	r->tolerance = (uint64_t)(burst ? burst - 1 : 0) * r->interval;
}

bool
fwd_rate_allows(const struct fwd_rate *r, uint64_t tat, uint64_t now, uint64_t *next_tat)
{
	if (r->off)
		return false;
	if (tat < now)
		tat = now;
	if (tat - now > r->tolerance)
		return false;
	*next_tat = tat + r->interval;
	return true;
}
