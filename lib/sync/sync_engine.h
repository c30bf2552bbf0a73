/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_SYNC_ENGINE_H
#define CARP_SYNC_ENGINE_H

/**
 * @file
 * One node's side of the state sync, as pure logic on the caller's clock: what to send,
 * when, and what a peer's message does. The caller owns the state table, the link and
 * CARP, and lends them as callbacks; the tests give it a fake table and a fake link.
 *
 * Sending: a state's changes are queued by key, once (pfsync's rule: INS then UPD is an
 * INS, INS then DEL is nothing, UPD then DEL is a DEL), and what is sent is the state as
 * it is when the message is written. A message leaves when it is full or batch_ns after
 * the first change queued. The last RESEND messages are kept for the peers' NACKs.
 *
 * Receiving: authenticated (sync_auth.h), numbered (sync_seq.h, per peer node), then
 * each element: a state unknown here is added, a known one merged (sync_state.h), and
 * when ours was newer it is queued to go back; DEL removes; REQ sends one state, or with
 * the all-zero key starts a bulk transfer of the whole table, paced; NACK resends what
 * is still kept. A gap in a peer's numbers is asked for again (NACK) after nack_ns, once
 * per nack_ns, while it is missing.
 *
 * Bulk update: a node that starts, or whose sync link comes back, asks for the whole
 * table and is demoted (SYNC_DEMOTE_BULK) until a peer's BUS END for its request, or a
 * bounded time: its REQ repeated every retry_ns up to retries times when nobody answers,
 * and once a transfer has started, four times what its announced size needs at the
 * sender's pace, at least retry_ns. A sync link down demotes too (SYNC_DEMOTE_LINK).
 *
 * Defer mode: a new state queued with sync_engine_queue_ack leaves at once, flagged; a
 * peer that adds or merges it answers with an IACK of its key, at the end of the message
 * that brought it.
 *
 * Drift: every digest_ns the node with the lowest id starts a digest round
 * (sync_digest.h); every node walks its table, paced, sends its digest in the numbered
 * stream (so a lost part is asked for again like any message), compares it with each
 * peer's, and pushes its states of the slices that differed in two rounds running.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync_auth.h"
#include "sync_digest.h"
#include "sync_seq.h"
#include "sync_wire.h"

#define SYNC_PEERS_MAX 16 /* nodes heard from, besides this one */
#define SYNC_RESEND 64    /* messages kept for NACKs */
#define SYNC_AGE_BUCKETS 16

/** The bucket of an age of @p ms in sync_stats.ins_age_ms, and a bucket's highest age. */
static inline unsigned int
sync_age_bucket(uint32_t ms)
{
	unsigned int b = 0;

	if (ms < 4)
		return ms;
	for (b = 2; ms >> b && b < SYNC_AGE_BUCKETS - 1; b++)
		;
	return b < SYNC_AGE_BUCKETS - 1 ? b + 1 : SYNC_AGE_BUCKETS - 1;
}

static inline uint32_t
sync_age_bucket_max(unsigned int b)
{
	return b < 4 ? b : b < SYNC_AGE_BUCKETS - 1 ? (1u << (b - 1)) - 1 : UINT32_MAX;
}

/* What the engine asks of the state table (the caller's), at the engine's now. */
struct sync_table_ops {
	/* State @p key exported into @p r; false when there is none. */
	bool (*get)(void *ctx, const struct flt_key *key, uint64_t now, struct sync_state_rec *r);
	/* A peer's copy @p r: added when unknown (0), put in place of ours when @p replace
	 * (an INS: a state made anew, a port pair reused; 0), else merged (sync_state_merge's
	 * count of directions newer here); -1 when there is no room for it. */
	int (*apply)(void *ctx, const struct sync_state_rec *r, uint64_t now, bool rules_match,
		     bool replace);
	void (*remove)(void *ctx, const struct flt_key *key);
	/* The bulk's walk: the state after position @p *pos (0: the first) into @p r,
	 * advancing @p *pos; false at the end. */
	bool (*walk)(void *ctx, uint64_t *pos, uint64_t now, struct sync_state_rec *r);
	uint32_t (*count)(void *ctx);
	/* The digest's walk (sync_digest.h): the key after @p *pos, made @p *age_ms ago and
	 * expiring in @p *left_ms; false at the end. */
	bool (*walk_key)(void *ctx, uint64_t *pos, uint64_t now, struct flt_key *key,
			 uint32_t *age_ms, uint32_t *left_ms);
};

enum sync_demote { SYNC_DEMOTE_BULK, SYNC_DEMOTE_LINK };

struct sync_io_ops {
	/* One datagram to every peer (the group, or each unicast peer). */
	void (*send)(void *ctx, const uint8_t *buf, size_t len);
	/* A demotion of CARP's raised or cleared, with its reason for the log. */
	void (*demote)(void *ctx, enum sync_demote d, bool on, const char *why);
	/* A peer has state @p key, which sync_engine_queue_ack asked it to acknowledge
	 * (NULL: no defer mode). */
	void (*acked)(void *ctx, const struct flt_key *key);
};

struct sync_params {
	uint32_t node;       /* this node's id, not 0 */
	uint32_t epoch;      /* this run's, larger than any before it */
	uint64_t ruleset;    /* a digest of the filter's rules */
	size_t msg_max;      /* bytes a message may have (the sync link's UDP payload) */
	uint64_t batch_ns;   /* the longest a queued change waits */
	uint64_t nack_ns;    /* how long a gap may stay before it is asked for, and between */
	uint64_t retry_ns;   /* between bulk requests nobody answered */
	unsigned int retries;
	uint64_t pace_ns;    /* a bulk transfer sends pace_msgs messages every pace_ns */
	unsigned int pace_msgs;
	unsigned int queue;  /* changes queued at once (more are dropped, counted) */
	uint64_t digest_ns;  /* between the digest rounds this node starts; 0: it starts none
			      * (it still answers a peer's) */
};

/* The counters an operator reads (the engine's only writer: its lcore). */
struct sync_stats {
	uint64_t msgs_out, bytes_out, msgs_in, bytes_in;
	uint64_t ins_out, upd_out, del_out, ins_in, upd_in, del_in;
	uint64_t err[SYNC_ERR_COUNT];   /* messages refused, by reason */
	uint64_t replays, lost, late, restarts;
	uint64_t stale;        /* copies older than ours in a direction: ours sent back */
	uint64_t no_room;      /* a peer's state the table had no room for */
	uint64_t queue_full;   /* changes not queued */
	uint64_t skipped;      /* elements of a later version's types */
	uint64_t nacks_out, nacks_in, resent, resend_gone;
	uint64_t req_in;       /* single states asked for */
	uint64_t bulks_out, bulk_states_out;
	uint64_t bulks_in, bulk_timeouts, bulk_unanswered;
	uint64_t rulesets_differ; /* messages from peers with other rules */
	uint64_t peers_full;      /* messages from a node beyond SYNC_PEERS_MAX */
	uint64_t send_failed;     /* messages not sent: the MAC could not be computed */
	/* Digest rounds (sync_digest.h): compared with a peer, slices that differed, slices
	 * that differed twice running and were pushed, states pushed for them, and peers'
	 * digests that never arrived whole before the next round. */
	uint64_t digest_rounds, digest_slices_differ, digest_slices_repaired, digest_pushed,
		digest_incomplete;
	uint64_t iacks_out, iacks_in; /* defer mode: acknowledgements sent and heard */
	/* How old a peer's new state was when it was added here (its age in the INS: made on
	 * the peer to present here, no common clock needed), by bucket: 0, 1, 2, 3 ms, then
	 * 4-7, 8-15, ... 2^(b-2)..2^(b-1)-1 ms, the last everything above. */
	uint64_t ins_age_ms[SYNC_AGE_BUCKETS];
};

enum sync_bulk_state {
	SYNC_BULK_IDLE,      /* not asked, or done */
	SYNC_BULK_REQUESTED, /* asked; nobody answered yet */
	SYNC_BULK_RECEIVING, /* a peer announced its transfer */
};

struct sync_engine;

/**
 * An engine for @p p with MAC context @p auth (borrowed), the table @p t and link @p io
 * (with their @p ctx). NULL when out of memory or @p p is unusable.
 */
struct sync_engine *sync_engine_new(const struct sync_params *p, struct sync_auth *auth,
				    const struct sync_table_ops *t, const struct sync_io_ops *io,
				    void *ctx);

void sync_engine_free(struct sync_engine *e);

/** Ask the peers for the whole table, demoted until it has come (or the bound). */
void sync_engine_start(struct sync_engine *e, uint64_t now);

/**
 * Defer mode: new state @p key is to reach the peers asking them to acknowledge it
 * (SYNC_REC_ACK); io->acked tells when one does. The caller sends it with
 * sync_engine_flush rather than after batch_ns: a packet waits on it.
 */
void sync_engine_queue_ack(struct sync_engine *e, const struct flt_key *key, uint64_t now);

/** Send what is queued now. */
void sync_engine_flush(struct sync_engine *e, uint64_t now);

/** The sync link went down or came up (up: a new bulk request). */
void sync_engine_link(struct sync_engine *e, bool up, uint64_t now);

/** A local change of state @p key: SYNC_T_INS, SYNC_T_UPD or SYNC_T_DEL. */
void sync_engine_queue(struct sync_engine *e, enum sync_type kind, const struct flt_key *key,
		       uint64_t now);

/** A datagram from the sync link. */
void sync_engine_input(struct sync_engine *e, const uint8_t *buf, size_t len, uint64_t now);

/**
 * Time passes: due messages, NACKs, bulk pacing, retries and bounds. Bounded work (at most
 * pace_msgs bulk messages). Returns the next time it has something to do.
 */
uint64_t sync_engine_poll(struct sync_engine *e, uint64_t now);

const struct sync_stats *sync_engine_stats(const struct sync_engine *e);
enum sync_bulk_state sync_engine_bulk_state(const struct sync_engine *e);

#endif
