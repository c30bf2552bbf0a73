/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_TIMERS_H
#define CARP_TIMERS_H

/**
 * @file
 * A deadline set for many timers (thousands of VHIDs x three kinds): a binary min-heap
 * ordered by (deadline, id) with a position index, so arm, re-arm and cancel cost
 * O(log n) and finding the next deadline costs O(1). No scan, no clock reads: `now` is
 * passed in, which makes timer order testable with a fake clock.
 */

#include <stdbool.h>
#include <stdint.h>

#define CARP_TIMER_NONE UINT32_MAX

struct carp_timer_slot {
	uint64_t deadline;
	uint32_t id;
};

struct carp_timers {
	struct carp_timer_slot *heap;
	uint32_t *pos; /* pos[id] = index in heap, or CARP_TIMER_NONE when disarmed */
	uint32_t n;    /* armed timers */
	uint32_t max_ids;
};

/** Allocate room for ids 0 .. @p max_ids - 1. Returns 0 or -ENOMEM. */
int carp_timers_init(struct carp_timers *t, uint32_t max_ids);

/** Free the set. */
void carp_timers_free(struct carp_timers *t);

/** Arm or re-arm timer @p id to fire at @p deadline. Returns 0 or -EINVAL for a bad id. */
int carp_timers_arm(struct carp_timers *t, uint32_t id, uint64_t deadline);

/** Disarm timer @p id (no-op when it is not armed). */
void carp_timers_cancel(struct carp_timers *t, uint32_t id);

/** True when timer @p id is armed; its deadline goes to @p deadline if not NULL. */
bool carp_timers_armed(const struct carp_timers *t, uint32_t id, uint64_t *deadline);

/** Earliest deadline, or UINT64_MAX when nothing is armed. */
uint64_t carp_timers_next(const struct carp_timers *t);

/**
 * Disarm and return the id of the earliest timer due at or before @p now, or
 * CARP_TIMER_NONE. Call in a loop to drain; ties come out in id order.
 */
uint32_t carp_timers_pop_expired(struct carp_timers *t, uint64_t now);

#endif
