/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_SYNC_SEQ_H
#define CARP_SYNC_SEQ_H

/**
 * @file
 * Replay protection and loss detection for one peer's messages (authenticated ones:
 * sync_auth.h comes first). Each sender numbers its messages from 1 in each run (epoch),
 * and starts a new run, with a larger epoch, when it restarts or its numbers run out.
 * So a message is new when its epoch is the peer's latest and its number was not seen,
 * within a window of the last 64; an older epoch, a number seen or one too old is a
 * replay. A number beyond the next one shows the messages between were lost: they are
 * counted, and remembered as missing until they come late or fall out of the window, so
 * the receiver can ask for them (a NACK) and knows what it did not get. At first contact
 * nothing before is missing: that is what a bulk update is for.
 */

#include <stdbool.h>
#include <stdint.h>

#define SYNC_SEQ_WINDOW 64

enum sync_seq_verdict {
	SYNC_SEQ_NEW,       /* accept */
	SYNC_SEQ_RESTARTED, /* accept: the peer's first message in a new run */
	SYNC_SEQ_REPLAY,    /* drop: seen, too old, or of an older run */
};

struct sync_seq {
	bool known;        /* a message of this peer was accepted */
	uint32_t epoch;    /* its latest run */
	uint32_t top;      /* the highest number accepted in it */
	uint64_t seen;     /* bit i: number top - i accepted */
	uint64_t lost;     /* numbers skipped over (not yet accepted when passed) */
	uint64_t late;     /* of which accepted later, out of order */
	uint64_t replays;  /* messages refused */
	uint64_t restarts; /* runs the peer began after the first */
};

/** Judge message @p seq of run @p epoch; @p *gap: how many numbers it showed lost. */
enum sync_seq_verdict sync_seq_check(struct sync_seq *s, uint32_t epoch, uint32_t seq,
				     uint32_t *gap);

/**
 * The oldest number in the window still missing, with the newest missing after it in
 * @p *last (for a NACK), or 0 when none is.
 */
uint32_t sync_seq_missing(const struct sync_seq *s, uint32_t *last);

#endif
