/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CKSUM_H
#define CARP_CKSUM_H

#include <stddef.h>
#include <stdint.h>

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
 */
uint16_t carp_cksum_update16(uint16_t hc, uint16_t old, uint16_t new_word);

#endif
