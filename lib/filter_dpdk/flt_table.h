/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_TABLE_H
#define CARP_FLT_TABLE_H

/**
 * @file
 * The state table all workers share: an rte_hash in lock-free read mode keyed by the
 * flow's canonical key (both directions find the one state), whose data are states from
 * an rte_mempool sized to the configured limit. Lookups take no lock and write nothing
 * shared. A state is written only by the worker its flow hashes to (symmetric RSS), so
 * its fields need no atomics; inserts take the hash's writer lock, once per new flow.
 *
 * Only the control lcore removes states (expiry, in slices per loop), so no state is
 * ever removed twice or replaced under another writer's feet; a TCP port reuse
 * re-initialises its state in place. Removed states return to the pool after an RCU
 * (QSBR) grace period: every reader reports a quiescent state once per poll loop, so no
 * worker can hold a state that is being reused.
 *
 * Ready for the pair's sync (the next issue): a sync lcore is one more writer (insert,
 * update by message to the owning worker) and one more RCU reader.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "flt_pkt.h"
#include "flt_state.h"
#include "flt_timeout.h"

struct flt_table;

struct flt_table_params {
	const char *name;      /* unique in the process */
	uint32_t limit;        /* states at most (the filter's `states`) */
	unsigned int readers;  /* RCU reader threads: ids 0..readers-1 */
	int socket;
};

/** A table, or NULL with the reason in @p err. */
struct flt_table *flt_table_create(const struct flt_table_params *p, char *err, size_t errlen);

/** Free @p t; no reader may use it any more. */
void flt_table_free(struct flt_table *t);

/** The RCU variable: readers go online, report quiescent states, go offline. */
struct rte_rcu_qsbr *flt_table_rcu(const struct flt_table *t);

static inline void
flt_table_quiescent(struct rte_rcu_qsbr *rcu, unsigned int reader)
{
	rte_rcu_qsbr_quiescent(rcu, reader);
}

/**
 * Look up @p n keys (at most 64): @p st[i] is the state of @p keys[i] or NULL. Returns
 * the hits.
 */
unsigned int flt_table_lookup_bulk(const struct flt_table *t, const struct flt_key *const *keys,
				   unsigned int n, struct flt_state **st);

/** One key's state, or NULL. */
struct flt_state *flt_table_lookup(const struct flt_table *t, const struct flt_key *k);

/**
 * A state for a new flow, not yet in the table: NULL when the table is full
 * (flt_state_limit). The caller fills it (flt_state_init) and publishes it.
 */
struct flt_state *flt_table_alloc(struct flt_table *t);

/**
 * Make @p st findable by its key. 0, or -ENOSPC when the hash has no room (the state
 * goes back to the pool; counted as flt_state_limit).
 */
int flt_table_publish(struct flt_table *t, struct flt_state *st);

/** States in the table now (published, not yet removed). */
uint32_t flt_table_count(const struct flt_table *t);

/** The configured limit. */
uint32_t flt_table_limit(const struct flt_table *t);

/**
 * Control lcore: look at up to @p budget states from where the last call stopped and
 * remove those expired at @p now (adaptive timeouts by the table's fill). Returns how
 * many were removed. A whole pass over the table takes count / budget calls.
 */
unsigned int flt_table_expire(struct flt_table *t, const struct flt_timeouts *to, uint64_t now,
			      unsigned int budget);

/**
 * Control lcore: remove the state of @p k now (the pair's sync: the peer removed it),
 * returned to the pool after the grace period. False when there is none.
 */
bool flt_table_remove(struct flt_table *t, const struct flt_key *k);

/**
 * Visit the states one by one (telemetry, listing): @p *next starts at 0. Returns a
 * state, or NULL at the end. A state may change while it is read (a snapshot, not a
 * transaction); the caller must be an RCU reader or the control lcore.
 */
const struct flt_state *flt_table_next(const struct flt_table *t, uint32_t *next);

/** Bytes of memory per state (pool object and hash entry), for the docs and /carp/states. */
size_t flt_table_bytes_per_state(const struct flt_table *t);

#endif
