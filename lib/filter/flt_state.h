/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_STATE_H
#define CARP_FLT_STATE_H

/**
 * @file
 * One connection's state and what a packet does to it, apart from the table that holds
 * it: created by the first packet a keep-state rule passes, matched by both directions
 * through its canonical key, updated by the one worker its flow hashes to, judged by pf's
 * rules (TCP windows, UDP and ICMP pseudo-states, ICMP errors quoting it), and aged by
 * the last time it was refreshed and the timeout class it runs under, so that adaptive
 * scaling applies at the moment of expiry, as pf computes it.
 *
 * Side 0 and 1 are the key's ends; the initiator's side is recorded. Times are
 * nanoseconds of a monotonic clock the caller owns (the tests use a fake one).
 */

#include <stdbool.h>
#include <stdint.h>

#include "flt_key.h"
#include "flt_pkt.h"
#include "flt_tcp.h"
#include "flt_timeout.h"

/* pf's UDP and "other" pseudo-states, kept in flt_tcp_peer.state for non-TCP flows. */
enum flt_pseudo_state {
	FLT_PS_NO_TRAFFIC = 0,
	FLT_PS_SINGLE = 1,
	FLT_PS_MULTIPLE = 2,
};

#define FLT_STATE_RULE_DEFAULT UINT32_MAX /* created by no rule: the sync peer's */

struct flt_state {
	struct flt_key key;          /* 40 bytes */
	struct flt_tcp_peer peer[2]; /* by key side; TCP windows, else pseudo-states */
	uint64_t last_ns;            /* last refresh: expiry is last_ns + its timeout */
	uint64_t created_ns;
	uint64_t packets[2], bytes[2]; /* sent by each side */
	uint32_t rule;               /* the rule that created it (counters) */
	uint8_t init_side;           /* key side of the initiator */
	uint8_t timeout;             /* enum flt_timeout */
	uint8_t sync_pending;        /* a change told to the pair's sync, not yet sent: set by
				      * the worker, cleared by the sync before it reads the state
				      * (relaxed atomics; one event per change sent) */
	uint8_t pad;
};

/**
 * Fill @p st for the first packet @p p of a flow, passed at @p now by rule @p rule; @p k
 * and @p side are flt_key_make's of its tuple.
 */
void flt_state_init(struct flt_state *st, const struct flt_pkt *p, const struct flt_key *k,
		    unsigned int side, uint32_t rule, uint64_t now);

/**
 * A later packet @p p of the flow, sent by key side @p side at @p now: FLT_OK (passed,
 * counted, refreshed unless loose) or FLT_DROP_BAD_STATE. @p *restart is set when the
 * packet is a SYN for a state whose both ends closed: the caller removes the state and
 * treats the packet as a new flow (port reuse, as pf does).
 */
enum flt_drop flt_state_update(struct flt_state *st, const struct flt_pkt *p, unsigned int side,
			       uint64_t now, bool *restart);

/**
 * An ICMP error @p p whose quoted packet (p->inner) belongs to state @p st, the quoted
 * packet's source being key side @p inner_side. FLT_OK when it may pass: it travels back
 * to the quoted packet's source, and a quoted TCP sequence number lies in that sender's
 * window. The state is not changed: an error neither refreshes nor closes it.
 */
enum flt_drop flt_state_icmp_error(const struct flt_state *st, const struct flt_pkt *p,
				   unsigned int inner_side);

/** When @p st expires with @p states in the table (adaptive timeouts). */
static inline uint64_t
flt_state_expiry(const struct flt_state *st, const struct flt_timeouts *t, uint32_t states)
{
	return st->last_ns + flt_timeout_ns(t, (enum flt_timeout)st->timeout, states);
}

#endif
