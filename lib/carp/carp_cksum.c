/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_cksum.h"

uint32_t
carp_cksum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len >= 2) {
		acc += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
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

uint16_t
carp_cksum_update16(uint16_t hc, uint16_t old, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~old + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
