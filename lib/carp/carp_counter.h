/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_COUNTER_H
#define CARP_COUNTER_H

/**
 * @file
 * The 64-bit advert counter (spec §4), in one of two layouts.
 *
 * Interop (the default): a random start and +1 per advert, as FreeBSD and ucarp send it.
 * Unlike FreeBSD we never adopt the peer's value: with adoption two nodes number their
 * adverts from one sequence, and after a partition each would take the other's adverts
 * for its own (a "loop") and both would stay MASTER. Counters are never required to
 * increase (OpenBSD sends a constant cookie); they serve to recognise our own adverts
 * coming back, whenever that is: every counter this node has sent is remembered as a
 * range per (advbase, advskew) it was sent with, not only the last few, so an advert of
 * ours replayed an hour later from another address is still ours.
 *
 * FreeBSD and ucarp peers do adopt *our* counter, so a backup that takes over continues our
 * sequence and may send a value we sent too (e.g. while we repeat a bow-out). A loop is
 * therefore our counter *with* the advbase and advskew we sent it with: a peer taking over
 * advertises its own priority, a reflected advert of ours carries ours.
 *
 * Replay protection (carp-dpdk groups only, carp_replay.h): the top 16 bits are the node's
 * id and the low 48 a sequence that starts above every value the node sent before (the
 * wall clock in ms, or a value saved across restarts, whichever is higher) and grows by one
 * per advert. The HMAC covers the counter, so the id is authenticated: a receiver can keep
 * the highest counter seen per sender and refuse anything older, and a counter with our id
 * and a sequence we sent is ours. Every node's sequence grows slower than the clock in ms
 * it started from (at most 2 adverts per 3.9 ms), so two nodes' runs never overlap, even
 * when a mistake gave them one id.
 */

#include <stdbool.h>
#include <stdint.h>

#define CARP_COUNTER_ERAS 8 /* distinct (advbase, advskew) pairs remembered */
#define CARP_COUNTER_SEQ_BITS 48
#define CARP_COUNTER_SEQ_MASK ((1ull << CARP_COUNTER_SEQ_BITS) - 1)

/* The counters sent with one (advbase, advskew): from lo to hi, in sending order. */
struct carp_counter_era {
	uint64_t lo, hi;
	uint8_t advbase;
	uint8_t advskew;
};

struct carp_counter {
	uint64_t next;
	bool node_ids;    /* replay-protection layout: node id << 48 | sequence */
	uint16_t node_id;
	uint64_t first;   /* replay-protection layout: the first value of this run */
	struct carp_counter_era era[CARP_COUNTER_ERAS];
	unsigned int n_eras;
};

/** Interop layout: start at @p random_start (the caller draws it from a random source). */
void carp_counter_init(struct carp_counter *c, uint64_t random_start);

/**
 * Replay-protection layout: node @p node_id (non-zero), first sequence @p seq_start
 * (below 2^48: the caller takes it above everything it sent before, see carp_replay.h).
 */
void carp_counter_init_node(struct carp_counter *c, uint16_t node_id, uint64_t seq_start);

/** The value for the next advert, which carries @p advbase / @p advskew: remembered. */
uint64_t carp_counter_take(struct carp_counter *c, uint8_t advbase, uint8_t advskew);

/**
 * True when an advert with these values is one this node sent (a loop or a replay). With
 * node ids: our id and a sequence this run has sent (so a second node that was given our
 * id by mistake is not taken for us: carp_counter_id_clash tells).
 */
bool carp_counter_is_own(const struct carp_counter *c, uint64_t received, uint8_t advbase,
			 uint8_t advskew);

/** True when @p received carries our node id but is not one we sent: two nodes, one id. */
bool carp_counter_id_clash(const struct carp_counter *c, uint64_t received);

/** The sequence part of a replay-protection counter. */
static inline uint64_t
carp_counter_seq(uint64_t counter)
{
	return counter & CARP_COUNTER_SEQ_MASK;
}

/** The node id of a replay-protection counter. */
static inline uint16_t
carp_counter_node(uint64_t counter)
{
	return (uint16_t)(counter >> CARP_COUNTER_SEQ_BITS);
}

#endif
