/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_IPV6_H
#define CARP_FWD_IPV6_H

/**
 * @file
 * The IPv6 checks of a router's per-packet path, over plain bytes, the twin of fwd_ipv4.h:
 * the header against the frame (RFC 8200 3), the addresses a router never forwards from or
 * to (RFC 4291 2.5: unspecified, loopback, IPv4-mapped, multicast sources, link-local
 * either way), the hop limit. IPv6 has no header checksum and routers never fragment it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "carp_bytes.h"
#include "fwd_ipv4.h" /* enum fwd_drop: the reasons are shared */

#define FWD_IPV6_HDR_LEN 40

/* Neither a source nor a destination of anything forwarded: ::, ::1, ::ffff:0:0/96 and
 * fe80::/10. Multicast is judged apart (a destination, never a source). */
static inline bool
fwd_ipv6_unroutable(const uint8_t *a)
{
	static const uint8_t zero[10];
	uint16_t w5;

	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return true; /* link-local: valid on its own link only */
	if (memcmp(a, zero, sizeof(zero)) != 0)
		return false;
	w5 = carp_rd16(a + 10);
	if (w5 == 0xffff)
		return true; /* IPv4-mapped */
	return w5 == 0 && carp_rd32(a + 12) <= 1; /* :: and ::1 */
}

/**
 * The router's checks on the IPv6 packet at @p ip6 with @p avail bytes to the frame's
 * end: FWD_OK when it may be forwarded (its hop limit then decremented by the caller).
 */
static inline enum fwd_drop
fwd_ipv6_check(const uint8_t *ip6, size_t avail)
{
	if (avail < FWD_IPV6_HDR_LEN)
		return FWD_DROP_TRUNCATED;
	if (ip6[0] >> 4 != 6)
		return FWD_DROP_BAD_VERSION;
	if ((size_t)carp_rd16(ip6 + 4) > avail - FWD_IPV6_HDR_LEN)
		return FWD_DROP_TRUNCATED;
	if (ip6[8] == 0xff || fwd_ipv6_unroutable(ip6 + 8))
		return FWD_DROP_BAD_SRC;
	if (ip6[24] == 0xff || fwd_ipv6_unroutable(ip6 + 24))
		return FWD_DROP_BAD_DST;
	if (ip6[7] <= 1)
		return FWD_DROP_TTL_EXCEEDED;
	return FWD_OK;
}

/** One hop less: IPv6 has no header checksum to update. */
static inline void
fwd_ipv6_dec_hlim(uint8_t *ip6)
{
	ip6[7]--;
}

#endif
