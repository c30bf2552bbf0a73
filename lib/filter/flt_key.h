/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_KEY_H
#define CARP_FLT_KEY_H

/**
 * @file
 * The state table's key: a flow's tuple in a canonical order, the lower (address, port)
 * end first (by flt_end_after's order), so that both directions of a flow find the one state with one lookup. Which
 * end a packet came from is one compare against the state's initiator side.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "flt_pkt.h"

struct flt_key {
	struct fwd_addr addr[2];
	uint16_t port[2];
	uint8_t proto;
	uint8_t af;
	uint8_t pad[2]; /* zero: the key is hashed and compared as 40 bytes */
};

_Static_assert(sizeof(struct flt_key) == 40, "flt_key is hashed as 40 bytes");

/*
 * Whether end (a, pa) sorts after end (b, pb). Any total order makes the key canonical;
 * this one compares the addresses as two 64-bit words as they lie in memory (no call, no
 * byte swap), the second word first: for IPv4 the first is the same mapped prefix.
 */
static inline bool
flt_end_after(const struct fwd_addr *a, uint16_t pa, const struct fwd_addr *b, uint16_t pb)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	if (a1 != b1)
		return a1 > b1;
	if (a0 != b0)
		return a0 > b0;
	return pa > pb;
}

/**
 * The key of tuple @p t in @p k; returns the side (0 or 1) its source took, which the
 * state records for its initiator.
 */
static inline unsigned int
flt_key_make(const struct flt_tuple *t, struct flt_key *k)
{
	unsigned int s = flt_end_after(&t->src, t->sport, &t->dst, t->dport) ? 1 : 0;

	k->addr[s] = t->src;
	k->port[s] = t->sport;
	k->addr[s ^ 1] = t->dst;
	k->port[s ^ 1] = t->dport;
	k->proto = t->proto;
	k->af = t->af;
	k->pad[0] = k->pad[1] = 0;
	return s;
}

#endif
