/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_wire.h"

#include <string.h>

#include "carp_cksum.h"

void
carp_counter_to_wire(uint64_t counter, uint8_t out[CARP_COUNTER_LEN])
{
	for (int i = 0; i < CARP_COUNTER_LEN; i++)
		out[i] = (uint8_t)(counter >> (56 - 8 * i));
}

static uint64_t
counter_from_wire(const uint8_t in[CARP_COUNTER_LEN])
{
	uint64_t c = 0;

	for (int i = 0; i < CARP_COUNTER_LEN; i++)
		c = c << 8 | in[i];
	return c;
}

void
carp_hdr_encode(const struct carp_hdr *h, uint8_t out[CARP_HDR_LEN])
{
	uint16_t sum;

	out[0] = (uint8_t)((h->version & 0xf) << 4 | (h->type & 0xf));
	out[1] = h->vhid;
	out[2] = h->advskew;
	out[3] = h->authlen;
	out[4] = h->demote;
	out[5] = h->advbase;
	out[6] = 0;
	out[7] = 0;
	carp_counter_to_wire(h->counter, out + 8);
	memcpy(out + 16, h->md, CARP_MD_LEN);
	sum = carp_cksum(out, CARP_HDR_LEN);
	out[6] = (uint8_t)(sum >> 8);
	out[7] = (uint8_t)sum;
}

void
carp_hdr_decode(const uint8_t in[CARP_HDR_LEN], struct carp_hdr *h)
{
	h->version = in[0] >> 4;
	h->type = in[0] & 0xf;
	h->vhid = in[1];
	h->advskew = in[2];
	h->authlen = in[3];
	h->demote = in[4];
	h->advbase = in[5];
	h->cksum = (uint16_t)(in[6] << 8 | in[7]);
	h->counter = counter_from_wire(in + 8);
	memcpy(h->md, in + 16, CARP_MD_LEN);
}

bool
carp_hdr_cksum_ok(const uint8_t in[CARP_HDR_LEN])
{
	return carp_cksum(in, CARP_HDR_LEN) == 0;
}
