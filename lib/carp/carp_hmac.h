/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_HMAC_H
#define CARP_HMAC_H

/**
 * @file
 * CARP's HMAC-SHA1 (spec §3): key = passphrase truncated to 19 bytes, message =
 * 0x02 0x01 [lladdr] vhid sorted-IPv4-VIPs sorted-IPv6-VIPs counter[8].
 * Everything but the counter is fixed per VHID, so the inner hash over ipad || M and the
 * outer hash over opad are prepared once and copied per packet, as the BSDs do.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_wire.h"

#define CARP_KEY_LEN 20
#define CARP_PASS_MAX 19 /* every implementation keeps at most 19 bytes + NUL */
#define CARP_HMAC_MSG_MAX (2 + 6 + 1 + 4 * 256 + 16 * 256)

/** An IPv6 address, 16 bytes in network order. */
struct carp_in6 {
	uint8_t b[16];
};

/** The 20-byte key of spec §3.1. */
struct carp_key {
	uint8_t bytes[CARP_KEY_LEN];
};

/**
 * Build the key from a passphrase the way ifconfig and ucarp do: at most 19 bytes, the
 * rest zero. Returns true when the passphrase was longer and got truncated.
 */
bool carp_key_from_passphrase(struct carp_key *key, const void *pass, size_t len);

/** True for addresses whose bytes 2..3 carry a KAME scope id (fe80::/10, ff01/ff02 mcast). */
bool carp_in6_scope_embedded(const struct carp_in6 *a);

/** The VIP list and options that make up the fixed part of the HMAC message. */
struct carp_hmac_input {
	uint8_t vhid;
	const uint32_t *v4; /* host order, any order, duplicates allowed */
	size_t n4;
	const struct carp_in6 *v6; /* any order, duplicates allowed */
	size_t n6;
	const uint8_t *lladdr; /* OpenBSD custom lladdr (6 bytes) or NULL (the normal case) */
	/* Sign with the IPv6 link-local VIPs in M, as FreeBSD does (its single context);
	 * false: without them, as OpenBSD sends (HMAC_NOV6LL). Both are accepted. */
	bool tx_with_v6_ll;
};

/**
 * Write the message M (without the counter) into @p out.
 * @param with_v6_ll include scope-embedded IPv6 addresses (OpenBSD HMAC_ORIG) or skip
 *   them (HMAC_NOV6LL, what is transmitted).
 * @return bytes written, or 0 when @p cap is too small.
 */
size_t carp_hmac_message(const struct carp_hmac_input *in, bool with_v6_ll, uint8_t *out,
			 size_t cap);

/**
 * Prepared per-VHID HMAC state: SHA-1 midstates after ipad || M (with and without IPv6
 * link-locals) and after opad, allocated once by carp_hmac_prepare. Signing and verifying
 * copy a midstate by assignment and finish it: no allocation per advert, forged ones
 * included. Opaque; use the functions below.
 */
struct carp_hmac {
	struct carp_hmac_state *st;
};

/** Prepare @p h. Returns 0, -E2BIG for more than 256 VIPs of a family, or -ENOMEM. */
int carp_hmac_prepare(struct carp_hmac *h, const struct carp_key *key,
		      const struct carp_hmac_input *in);

/** Release what carp_hmac_prepare allocated. Safe on a zeroed or freed struct. */
void carp_hmac_release(struct carp_hmac *h);

/** Digest for a transmitted advert with this counter. Returns 0 or -EIO. */
int carp_hmac_sign(struct carp_hmac *h, uint64_t counter, uint8_t md[CARP_MD_LEN]);

/**
 * True when @p md matches either prepared context (spec §3.3 item 6), compared in
 * constant time.
 */
bool carp_hmac_verify(struct carp_hmac *h, uint64_t counter, const uint8_t md[CARP_MD_LEN]);

#endif
