/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_SYNC_DIGEST_H
#define CARP_SYNC_DIGEST_H

/**
 * @file
 * A digest of a node's state table, so that the nodes of a pair find the states one of
 * them lacks (drift: messages lost beyond what NACKs recover, a queue that overflowed)
 * without sending the table. Pure.
 *
 * The keys are cut into SYNC_DIGEST_SLICES slices by a hash of the key that every node
 * computes alike (over the key's wire bytes); a slice's digest is its number of states
 * and the sum of their keys' 64-bit hashes. A round: one node starts it, every node walks
 * its table and sends its digest, and each compares its own with each peer's; a slice
 * that differs in two rounds running has its states pushed to the peers (each node sends
 * its own: the union of the tables, which both then keep). Only settled states count:
 * made at least SYNC_DIGEST_SETTLE_MS before the walk began and not expiring within
 * SYNC_DIGEST_SETTLE_MS of it, both measured from the walk's start, so a state on its way
 * to the peer, or about to expire on one node a moment before the other, differs in no
 * digest. What is left to differ by chance (a state made, or expiring, within the few
 * milliseconds between two nodes' starts) does so in one round, not two.
 */

#include <stdbool.h>
#include <stdint.h>

#include "flt_key.h"

#define SYNC_DIGEST_SLICES 4096
#define SYNC_DIGEST_WORDS (SYNC_DIGEST_SLICES / 64)
#define SYNC_DIGEST_SETTLE_MS 10000u

/** A 64-bit hash of key @p k, the same on every node (of its wire bytes). */
uint64_t sync_key_hash(const struct flt_key *k);

/** The slice of a key whose hash is @p h. */
static inline unsigned int
sync_digest_slice(uint64_t h)
{
	return (unsigned int)(h >> 52); /* the top 12 bits: SYNC_DIGEST_SLICES */
}

struct sync_digest {
	uint32_t round;
	uint32_t count[SYNC_DIGEST_SLICES];
	uint64_t sum[SYNC_DIGEST_SLICES];
	/* A peer's, as its elements arrive (in any order, some perhaps twice, resent): */
	uint64_t got[SYNC_DIGEST_WORDS]; /* slices received */
	uint32_t n_got;
	bool ended;         /* its END arrived */
	uint32_t end_count; /* the slice elements END says were sent */
};

/** Empty @p d for round @p round. */
void sync_digest_reset(struct sync_digest *d, uint32_t round);

/**
 * Whether a state counts in a round: made @p age_ms ago, expiring in @p left_ms, seen
 * @p since_ms after the walk began.
 */
static inline bool
sync_digest_settled(uint32_t age_ms, uint32_t left_ms, uint32_t since_ms)
{
	return (uint64_t)age_ms >= (uint64_t)SYNC_DIGEST_SETTLE_MS + since_ms &&
	       (uint64_t)left_ms + since_ms >= SYNC_DIGEST_SETTLE_MS;
}

/** Count key @p k in @p d. */
void sync_digest_add(struct sync_digest *d, const struct flt_key *k);

/**
 * A peer's element of round d->round (slice, or END with @p count elements sent).
 * Returns true once the peer's digest is complete: its END and every slice it announced.
 */
bool sync_digest_take(struct sync_digest *d, uint16_t slice, uint32_t count, uint64_t sum);

/** Sets in @p differ (SYNC_DIGEST_WORDS words) the slices where @p a and @p b differ;
 * returns how many. */
unsigned int sync_digest_diff(const struct sync_digest *a, const struct sync_digest *b,
			      uint64_t *differ);

static inline bool
sync_digest_bit(const uint64_t *set, unsigned int slice)
{
	return set[slice / 64] >> (slice % 64) & 1;
}

#endif
