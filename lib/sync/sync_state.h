/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_SYNC_STATE_H
#define CARP_SYNC_STATE_H

/**
 * @file
 * A filter state to and from its sync record, and the merge of a peer's copy into ours,
 * pfsync's rules made strict: each direction of a TCP state moves only forward (a higher
 * TCP state, or the same one with its lowest sequence number ahead: an order, so two
 * nodes never both find their own copy newer), and a
 * direction of ours that is newer is kept whole, never mixed with the peer's, so a stale
 * copy rolls no window back (the FreeBSD bug opnsense/src#327 rolled one back by 106 316
 * bytes and stalled the transfer). What the peer had older is its to learn: the caller
 * sends ours back. Times are nanoseconds of the caller's monotonic clock.
 */

#include <stdbool.h>
#include <stdint.h>

#include "flt_state.h"
#include "sync_wire.h"

/** The record of state @p st at @p now. */
void sync_state_export(const struct flt_state *st, uint64_t now, struct sync_state_rec *r);

/**
 * A new local state @p st from record @p r at @p now. @p rules_match: the peer's rules
 * are ours (equal digests), so its rule number is ours too; else the state counts under
 * no rule (FLT_STATE_RULE_DEFAULT).
 */
void sync_state_import(struct flt_state *st, const struct sync_state_rec *r, uint64_t now,
		       bool rules_match);

/** Whether direction @p mine is newer than @p theirs (exactly one is, unless equal). */
bool sync_peer_newer(const struct flt_tcp_peer *mine, const struct flt_tcp_peer *theirs,
		     bool tcp);

/**
 * Merge the peer's copy @p r of our state @p st at @p now. Returns how many of the two
 * directions were newer here (0: the peer's copy was as new or newer in both; then, and
 * when 1, its timeout class and refresh are taken, never making the state older).
 * Counters only grow.
 */
unsigned int sync_state_merge(struct flt_state *st, const struct sync_state_rec *r, uint64_t now);

#endif
