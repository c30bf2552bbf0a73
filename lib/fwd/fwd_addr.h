/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_ADDR_H
#define CARP_FWD_ADDR_H

/**
 * @file
 * A next hop's address, IPv4 or IPv6, as the neighbour tables (the control lcore's and the
 * workers' copies) and the control -> worker messages key it: 16 bytes in network order,
 * an IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d, RFC 4291 2.5.5.2). One table, one
 * hash and one compare serve both families, and no IPv4-mapped address is ever an IPv6
 * next hop (the config refuses them), so the two never meet.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct fwd_addr {
	uint8_t b[16];
};

/** IPv4 address @p ip (host order) as a neighbour key. */
static inline struct fwd_addr
fwd_addr4(uint32_t ip)
{
	struct fwd_addr a = { { [10] = 0xff, [11] = 0xff } };

	a.b[12] = (uint8_t)(ip >> 24);
	a.b[13] = (uint8_t)(ip >> 16);
	a.b[14] = (uint8_t)(ip >> 8);
	a.b[15] = (uint8_t)ip;
	return a;
}

/** IPv6 address @p b (16 bytes, network order) as a neighbour key. */
static inline struct fwd_addr
fwd_addr6(const uint8_t b[16])
{
	struct fwd_addr a;

	memcpy(a.b, b, 16);
	return a;
}

static inline bool
fwd_addr_is4(const struct fwd_addr *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->b, mapped, 12) == 0;
}

/** The IPv4 address (host order) of a key for which fwd_addr_is4 holds. */
static inline uint32_t
fwd_addr_to4(const struct fwd_addr *a)
{
	return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 |
	       a->b[15];
}

static inline bool
fwd_addr_eq(const struct fwd_addr *a, const struct fwd_addr *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/** ::, the key of a free slot: never a next hop. */
static inline bool
fwd_addr_is_zero(const struct fwd_addr *a)
{
	static const struct fwd_addr zero;

	return fwd_addr_eq(a, &zero);
}

/** A slot for @p a in a table of @p mask + 1 slots (a power of two). */
static inline uint32_t
fwd_addr_home(const struct fwd_addr *a, uint32_t mask)
{
	uint64_t hi, lo;

	memcpy(&hi, a->b, 8);
	memcpy(&lo, a->b + 8, 8);
	/* The host part is in the low bytes: multiply it last, keep the high bits. */
	lo = (lo ^ (hi * 0xc2b2ae3d27d4eb4full)) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(lo >> 32) & mask;
}

#endif
