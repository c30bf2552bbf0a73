/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_ICMP_H
#define CARP_FWD_ICMP_H

/**
 * @file
 * The ICMP errors of a router (RFC 1812 4.3.2, RFC 4443 2.4, 3), over plain bytes: whether
 * a packet that will not be forwarded may be answered at all, and the error built in
 * place of the packet it answers (the offending packet's start moved back to make room
 * for the new headers, cut to 576 bytes of IPv4 or 1280 of IPv6), and a rate limit.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FWD_ICMP4_MAX 576  /* an IPv4 error is at most this long (RFC 1812 4.3.2.3) */
#define FWD_ICMP6_MAX 1280 /* an IPv6 error fits the minimum MTU (RFC 4443 2.4(c)) */
#define FWD_ICMP4_ROOM 28  /* what an error adds in front: IPv4 and ICMP headers */
#define FWD_ICMP6_ROOM 48  /* IPv6 and ICMPv6 headers */

#define FWD_ICMP4_UNREACH 3
#define FWD_ICMP4_UNREACH_NET 0
#define FWD_ICMP4_UNREACH_NEEDFRAG 4
#define FWD_ICMP4_TIME_EXCEEDED 11
#define FWD_ICMP6_UNREACH 1
#define FWD_ICMP6_UNREACH_NOROUTE 0
#define FWD_ICMP6_PACKET_TOO_BIG 2
#define FWD_ICMP6_TIME_EXCEEDED 3

/**
 * May the IPv4 packet at @p ip (@p len bytes to the frame's end) be answered with an error?
 * Not when it is itself an ICMP error, a fragment other than the first, or to or from an
 * address that is not one host's (RFC 1812 4.3.2.7); the caller adds "not in a group
 * frame".
 */
bool fwd_icmp4_may_answer(const uint8_t *ip, size_t len);

/** The same for IPv6 (RFC 4443 2.4(e)); a Packet Too Big may answer a multicast. */
bool fwd_icmp6_may_answer(const uint8_t *ip6, size_t len, bool packet_too_big);

/**
 * Turn the IPv4 packet at @p ip (@p len bytes there, with @p room more after them) into
 * ICMP error @p type / @p code from @p src (host order) back to its source, quoting as
 * much of it as fits in 576 bytes; @p mtu goes into a Fragmentation Needed. The packet
 * must have passed fwd_icmp4_may_answer. @return the error's length, or 0 when @p room
 * is too small.
 */
size_t fwd_icmp4_error(uint8_t *ip, size_t len, size_t room, uint32_t src, uint8_t type,
		       uint8_t code, uint16_t mtu);

/** The same for IPv6, from @p src (16 bytes), with @p param (Packet Too Big: the MTU). */
size_t fwd_icmp6_error(uint8_t *ip6, size_t len, size_t room, const uint8_t src[16],
		       uint8_t type, uint8_t code, uint32_t param);

/**
 * A rate limit (GCRA: virtual scheduling) of @p per_s errors a second with bursts of
 * @p burst, on a clock of @p hz ticks a second. rate 0: no errors at all.
 */
struct fwd_rate {
	uint64_t interval, tolerance;
	bool off;
};

void fwd_rate_init(struct fwd_rate *r, uint32_t per_s, uint32_t burst, uint64_t hz);

/**
 * Whether one more may go at @p now, given the theoretical arrival time @p tat; the new
 * one goes to @p next_tat (the caller stores it, atomically where lcores share it).
 */
bool fwd_rate_allows(const struct fwd_rate *r, uint64_t tat, uint64_t now, uint64_t *next_tat);

#endif
