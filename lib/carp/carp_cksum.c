/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_cksum.h"

#include <string.h>

/*
 * The ones-complement sum does not depend on byte order except for a final swap
 * (RFC 1071 §2(B)), so we add 64-bit native loads and swap once at the end: this sits on
 * the forwarding path (IPv4 header checks) and must not go byte by byte.
 */
uint32_t
carp_cksum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = 0;
	uint32_t folded;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		acc += (w & 0xffffffffu) + (w >> 32); /* < 2^33 per step: no overflow */
	}
	if (len >= 4) {
		uint32_t w;

		memcpy(&w, p, sizeof(w));
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, sizeof(w));
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;

		memcpy(&w, p, 1); /* the odd byte, zero-padded, in memory order */
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	folded = (uint32_t)acc;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	folded = (uint16_t)((folded << 8) | (folded >> 8));
#endif
	folded += sum;
	while (folded >> 16)
		folded = (folded & 0xffff) + (folded >> 16);
	return folded;
}

uint16_t
carp_cksum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
carp_cksum(const void *buf, size_t len)
{
	return carp_cksum_finish(carp_cksum_add(0, buf, len));
}
