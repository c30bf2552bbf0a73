/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_WIRE_H
#define CARP_WIRE_H

/**
 * @file
 * The 36-byte CARP advertisement header (spec §1.1), as a host-order struct and as bytes.
 * No bitfields: byte 0 is built as (version << 4) | type.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARP_IPPROTO 112
#define CARP_VERSION 2
#define CARP_TYPE_ADVERTISEMENT 1
#define CARP_HDR_LEN 36
#define CARP_AUTHLEN 7 /* 32-bit words: 8-byte counter + 20-byte digest */
#define CARP_TTL 255
#define CARP_COUNTER_LEN 8
#define CARP_MD_LEN 20
#define CARP_VHID_MIN 1
#define CARP_VHID_MAX 255
#define CARP_ADVSKEW_MAX 254
#define CARP_BOWOUT 255 /* advbase and advskew of the OpenBSD farewell advert */
#define CARP_DEMOTE_ADVSKEW 240 /* advskew advertised while demoted (FreeBSD clamp) */

/** Host-order view of a CARP header. */
struct carp_hdr {
	uint8_t version;
	uint8_t type;
	uint8_t vhid;
	uint8_t advskew;
	uint8_t authlen;
	uint8_t demote; /* OpenBSD demotion; pad (0) on FreeBSD and ucarp */
	uint8_t advbase;
	uint16_t cksum;
	uint64_t counter; /* big-endian 64-bit on the wire (counter[0] = high word) */
	uint8_t md[CARP_MD_LEN];
};

/**
 * Serialise @p h into 36 bytes. The checksum is computed and written (h->cksum is
 * ignored), so the output always carries a valid checksum.
 */
void carp_hdr_encode(const struct carp_hdr *h, uint8_t out[CARP_HDR_LEN]);

/** Parse 36 bytes into @p h without judging them (see carp_verify.h for checks). */
void carp_hdr_decode(const uint8_t in[CARP_HDR_LEN], struct carp_hdr *h);

/** Write the counter's 8 wire bytes (big-endian). */
void carp_counter_to_wire(uint64_t counter, uint8_t out[CARP_COUNTER_LEN]);

/** True when the checksum over the 36 bytes is correct. */
bool carp_hdr_cksum_ok(const uint8_t in[CARP_HDR_LEN]);

/**
 * Advertisement interval in 1/256 s units: advbase * 256 + advskew (spec §5.1).
 * Comparing two of these is exactly the lexicographic (advbase, advskew) compare of §5.2.
 * Zero (advbase = advskew = 0) is never configured; OpenBSD treats it as 1/256 s.
 */
static inline uint32_t
carp_interval_ticks(uint8_t advbase, uint8_t advskew)
{
	uint32_t t = (uint32_t)advbase * 256 + advskew;

	return t ? t : 1;
}

/** Convert 1/256 s ticks to nanoseconds. */
static inline uint64_t
carp_ticks_to_ns(uint32_t ticks)
{
	return (uint64_t)ticks * 1000000000ull / 256;
}

#endif
