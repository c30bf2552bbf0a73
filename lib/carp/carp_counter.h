/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_COUNTER_H
#define CARP_COUNTER_H

/**
 * @file
 * The 64-bit advert counter (spec §4), FreeBSD style: a random start, +1 per advert sent,
 * and the peer's value adopted on every accepted advert so a new master continues from
 * the last one seen. Counters are never required to increase (OpenBSD sends a constant
 * cookie); they only serve to recognise our own adverts coming back (a loop).
 */

#include <stdbool.h>
#include <stdint.h>

#define CARP_COUNTER_HISTORY 8

struct carp_counter {
	uint64_t next;
	uint64_t sent[CARP_COUNTER_HISTORY]; /* most recent values we transmitted */
	unsigned int n_sent;
	unsigned int pos;
};

/** Start at @p random_start (the caller draws it from a real random source). */
void carp_counter_init(struct carp_counter *c, uint64_t random_start);

/** The value for the next advert; remembered for loop detection. */
uint64_t carp_counter_take(struct carp_counter *c);

/** An advert from a peer was accepted: continue after its counter. */
void carp_counter_adopt(struct carp_counter *c, uint64_t received);

/** True when @p received is one of the values we sent recently (a loop). */
bool carp_counter_is_own(const struct carp_counter *c, uint64_t received);

#endif
