/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_COUNTER_H
#define CARP_COUNTER_H

/**
 * @file
 * The 64-bit advert counter (spec §4): a random start and +1 per advert sent, as FreeBSD
 * and ucarp send it. Unlike FreeBSD we never adopt the peer's value: with adoption two
 * nodes number their adverts from one sequence, and after a partition each would take the
 * other's adverts for its own (a "loop") and both would stay MASTER. Counters are never
 * required to increase (OpenBSD sends a constant cookie); they only serve to recognise our
 * own adverts coming back.
 *
 * FreeBSD and ucarp peers do adopt *our* counter, so a backup that takes over continues our
 * sequence and may send a value we sent too (e.g. while we repeat a bow-out). A loop is
 * therefore our counter *with* the advbase and advskew we sent it with: a peer taking over
 * advertises its own priority, a reflected advert of ours carries ours.
 */

#include <stdbool.h>
#include <stdint.h>

#define CARP_COUNTER_HISTORY 8

struct carp_counter_sent {
	uint64_t counter;
	uint8_t advbase;
	uint8_t advskew;
};

struct carp_counter {
	uint64_t next;
	struct carp_counter_sent sent[CARP_COUNTER_HISTORY]; /* our most recent adverts */
	unsigned int n_sent;
	unsigned int pos;
};

/** Start at @p random_start (the caller draws it from a real random source). */
void carp_counter_init(struct carp_counter *c, uint64_t random_start);

/** The value for the next advert, which carries @p advbase / @p advskew: remembered. */
uint64_t carp_counter_take(struct carp_counter *c, uint8_t advbase, uint8_t advskew);

/** True when an advert with these values is one we sent recently (a loop). */
bool carp_counter_is_own(const struct carp_counter *c, uint64_t received, uint8_t advbase,
			 uint8_t advskew);

#endif
