/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_IPV4_H
#define CARP_FWD_IPV4_H

/**
 * @file
 * The IPv4 checks and rewrite of a router's per-packet path, over plain bytes: validate
 * the header (RFC 1812 §5.2.2), refuse what must not be forwarded, decrement TTL with an
 * incremental checksum update (RFC 1624). The workers call these on mbuf data.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why an IPv4 packet is not forwarded. X(enum suffix, counter name, explanation) */
#define FWD_DROP_LIST(X) \
	X(TRUNCATED, "ip_truncated", "IPv4 total length beyond the frame (or below the header)") \
	X(BAD_VERSION, "ip_bad_version", "IP version is not 4") \
	X(BAD_IHL, "ip_bad_ihl", "header length below 20 bytes or beyond the packet") \
	X(BAD_CSUM, "ip_bad_csum", "IPv4 header checksum is wrong") \
	X(TTL_EXCEEDED, "ttl_exceeded", "TTL 0 or 1: would expire here") \
	X(BAD_DST, "ip_bad_dst", "multicast, broadcast (also a connected subnet's), reserved or zero destination") \
	X(BAD_SRC, "ip_bad_src", "multicast, broadcast or loopback source") \
	X(NO_ROUTE, "no_route", "no route to the destination") \
	X(NO_NEIGHBOR, "no_neighbor", "next hop MAC not resolved (yet)") \
	X(MTU_EXCEEDED, "mtu_exceeded", "larger than the egress port's MTU (no fragmentation, no ICMP yet)")

#define FWD_ENUM_DROP(e, s, d) FWD_DROP_##e,
enum fwd_drop { FWD_OK = 0, FWD_DROP_LIST(FWD_ENUM_DROP) FWD_DROP_COUNT };
#undef FWD_ENUM_DROP

/** Counter name of a forwarding drop reason ("ok" for FWD_OK). */
const char *fwd_drop_name(enum fwd_drop d);

/**
 * Check the IPv4 header at @p ip with @p avail bytes after it in the frame.
 * @param csum_checked true when the NIC verified the header checksum (offload).
 * @return FWD_OK or the reason not to forward.
 */
enum fwd_drop fwd_ipv4_check(const uint8_t *ip, size_t avail, bool csum_checked);

/** Decrement TTL and patch the header checksum incrementally (RFC 1624 eqn. 3). */
void fwd_ipv4_dec_ttl(uint8_t *ip);

#endif
