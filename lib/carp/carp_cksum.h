/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CKSUM_H
#define CARP_CKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/**
 * Ones-complement sum of @p len bytes (RFC 1071), folded to 16 bits, added to @p sum.
 * Bytes are taken in network order; an odd trailing byte is padded with zero.
 */
uint32_t carp_cksum_add(uint32_t sum, const void *buf, size_t len);

/** Final Internet checksum (complemented, host order) of a running sum. */
uint16_t carp_cksum_finish(uint32_t sum);

/**
 * Internet checksum of a buffer, in host order. Computing it over data that already
 * holds a correct checksum field yields 0.
 */
uint16_t carp_cksum(const void *buf, size_t len);

/**
 * Update checksum @p hc after one 16-bit word changed from @p old to @p new, per
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), which never yields -0.
 * Inline: the forwarding path does this for every packet (TTL).
 */
static inline uint16_t
carp_cksum_update16(uint16_t hc, uint16_t old, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~old + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * True when the header of @p len bytes at @p hdr (a multiple of 4: an IPv4 header) holds a
 * correct Internet checksum, i.e. carp_cksum(hdr, len) == 0. Inline, for the forwarding
 * path's per-packet check: 32-bit native loads, whose sum is all ones exactly when the
 * 16-bit sum is, in either byte order (RFC 1071 §2(B)).
 */
static inline bool
carp_cksum_hdr_ok(const uint8_t *hdr, size_t len)
{
	uint64_t acc = 0;

	for (size_t i = 0; i < len; i += 4) {
		uint32_t w;

		memcpy(&w, hdr + i, sizeof(w));
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc == 0xffff;
}

/**
 * carp_cksum_hdr_ok for a 20-byte IPv4 header (no options): five loads, a sum and a fixed
 * fold, no loop. The forwarding path's common case.
 */
static inline bool
carp_cksum_hdr20_ok(const uint8_t *hdr)
{
	uint64_t a, b, acc;
	uint32_t c, x;

	/*
	 * Two 64-bit words and a 32-bit one, added with end-around carries. (Copied as one
	 * array of five, the 20 bytes went through the stack: a 16-byte store read back 4
	 * bytes at a time, 7 % of the worker's samples.) Then folded to 32 and to 16 bits,
	 * again with end-around carries, the last fold by the rotation trick (x + x rotated
	 * by 16 holds the folded sum in its high half). Native loads keep the bytes swapped,
	 * which the ones-complement sum does not mind (RFC 1071 §2(B)). The header is correct
	 * exactly when the result is all ones; an all-zero one folds to 0. Not "acc % 0xffff":
	 * GCC makes that a 64-bit div, tens of cycles on every forwarded packet.
	 */
	memcpy(&a, hdr, sizeof(a));
	memcpy(&b, hdr + 8, sizeof(b));
	memcpy(&c, hdr + 16, sizeof(c));
	acc = a + b;
	acc += acc < a;
	acc += c;
	acc += acc < c;
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	x = (uint32_t)acc;
	x += x >> 16 | x << 16;
	return x >> 16 == 0xffff;
}

#endif