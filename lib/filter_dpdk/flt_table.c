/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared state table: rte_hash (lock-free readers, several writers, extendable
 * buckets so the limit is what it holds), states in an rte_mempool, removals reclaimed
 * through an RCU defer queue the control lcore drains on every expiry slice. (The hash's
 * integrated RCU reclaims only when it runs out of key slots, not when the pool does: a
 * full table of expired states would refuse new flows until then.) The defer queue is
 * experimental in DPDK 22.11, hence ALLOW_EXPERIMENTAL_API for this file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "flt_table.h"

struct flt_table {
	struct rte_hash *hash;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *rcu;
	struct rte_rcu_qsbr_dq *dq;
	uint32_t limit;
	uint32_t scan_next; /* rte_hash_iterate's position, kept between expiry slices */
	size_t bytes_per_state;
};

/* A removed state awaiting its grace period: its key slot and the state. */
struct removed {
	uint32_t pos;
	uint32_t pad;
	struct flt_state *st;
};

/* After the grace period no reader can hold them: both are free for reuse. */
static void
free_removed(void *table, void *e, unsigned int n)
{
	struct flt_table *t = table;
	struct removed *r = e;

	for (unsigned int i = 0; i < n; i++) {
		rte_hash_free_key_with_position(t->hash, (int32_t)r[i].pos);
		rte_mempool_put(t->pool, r[i].st);
	}
}

static size_t
heap_bytes(int socket)
{
	struct rte_malloc_socket_stats s;

	return rte_malloc_get_socket_stats(socket < 0 ? 0 : socket, &s) == 0
		       ? s.heap_allocsz_bytes : 0;
}

struct flt_table *
flt_table_create(const struct flt_table_params *p, char *err, size_t errlen)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = p->limit < 8 ? 8 : p->limit,
		.key_len = sizeof(struct flt_key),
		.hash_func = rte_hash_crc,
		.socket_id = p->socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	size_t before = heap_bytes(p->socket), rcu_size;
	struct flt_table *t;

	t = rte_zmalloc_socket("flt_table", sizeof(*t), RTE_CACHE_LINE_SIZE, p->socket);
	if (t == NULL) {
		snprintf(err, errlen, "filter: no memory for the state table");
		return NULL;
	}
	t->limit = p->limit;
	/* Per-lcore caches would hide states from the other lcores near the limit: only a
	 * table large enough for that not to matter gets them. */
	snprintf(name, sizeof(name), "%s_st", p->name);
	t->pool = rte_mempool_create(name, p->limit, sizeof(struct flt_state),
				     p->limit >= 4096 ? 32 : 0, 0, NULL, NULL, NULL, NULL,
				     p->socket, RTE_MEMPOOL_F_NO_CACHE_ALIGN);
	snprintf(name, sizeof(name), "%s_h", p->name);
	t->hash = t->pool ? rte_hash_create(&hp) : NULL;
	rcu_size = rte_rcu_qsbr_get_memsize(p->readers ? p->readers : 1);
	t->rcu = rte_zmalloc_socket("flt_rcu", rcu_size, RTE_CACHE_LINE_SIZE, p->socket);
	if (t->pool == NULL || t->hash == NULL || t->rcu == NULL ||
	    rte_rcu_qsbr_init(t->rcu, p->readers ? p->readers : 1) != 0) {
		snprintf(err, errlen, "filter: no memory for a table of %u states (%s); "
			 "lower filter.states or give the EAL more memory (-m)", p->limit,
			 rte_strerror(rte_errno));
		flt_table_free(t);
		return NULL;
	}
	snprintf(name, sizeof(name), "%s_dq", p->name);
	struct rte_rcu_qsbr_dq_parameters dp = {
		.name = name,
		.size = hp.entries,
		.esize = sizeof(struct removed),
		.trigger_reclaim_limit = 256,
		.max_reclaim_size = 256,
		.free_fn = free_removed,
		.p = t,
		.v = t->rcu,
	};
	t->dq = rte_rcu_qsbr_dq_create(&dp);
	if (t->dq == NULL) {
		snprintf(err, errlen, "filter: no memory for the state table's RCU queue (%s)",
			 rte_strerror(rte_errno));
		flt_table_free(t);
		return NULL;
	}
	t->bytes_per_state = (heap_bytes(p->socket) - before) / (p->limit ? p->limit : 1);
	return t;
}

void
flt_table_free(struct flt_table *t)
{
	if (t == NULL)
		return;
	rte_rcu_qsbr_dq_delete(t->dq);
	rte_hash_free(t->hash);
	rte_mempool_free(t->pool);
	rte_free(t->rcu);
	rte_free(t);
}

struct rte_rcu_qsbr *
flt_table_rcu(const struct flt_table *t)
{
	return t->rcu;
}

unsigned int
flt_table_lookup_bulk(const struct flt_table *t, const struct flt_key *const *keys, unsigned int n,
		      struct flt_state **st)
{
	uint64_t hits = 0;
	int found = rte_hash_lookup_bulk_data(t->hash, (const void **)(uintptr_t)keys, n, &hits,
					      (void **)st);

	for (unsigned int i = 0; i < n; i++)
		if (!(hits & (1ull << i)))
			st[i] = NULL;
	return found < 0 ? 0 : (unsigned int)found;
}

struct flt_state *
flt_table_lookup(const struct flt_table *t, const struct flt_key *k)
{
	void *d;

	return rte_hash_lookup_data(t->hash, k, &d) >= 0 ? d : NULL;
}

struct flt_state *
flt_table_alloc(struct flt_table *t)
{
	void *st;

	return rte_mempool_get(t->pool, &st) == 0 ? st : NULL;
}

int
flt_table_publish(struct flt_table *t, struct flt_state *st)
{
	/* Only the worker a flow hashes to creates its state, so the key is not there
	 * yet; were it (an asymmetric path), the older state would be replaced and lost
	 * to the pool, never freed twice. */
	if (rte_hash_add_key_data(t->hash, &st->key, st) != 0) {
		rte_mempool_put(t->pool, st);
		return -ENOSPC;
	}
	return 0;
}

uint32_t
flt_table_count(const struct flt_table *t)
{
	return rte_mempool_in_use_count(t->pool);
}

uint32_t
flt_table_limit(const struct flt_table *t)
{
	return t->limit;
}

unsigned int
flt_table_expire(struct flt_table *t, const struct flt_timeouts *to, uint64_t now,
		 unsigned int budget)
{
	uint32_t states = flt_table_count(t);
	unsigned int removed = 0;

	unsigned int freed, pending, available;

	/* What earlier slices removed and every reader has since passed over. */
	rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, &freed, &pending, &available);
	for (unsigned int i = 0; i < budget; i++) {
		const void *key;
		void *data;
		struct flt_state *st;
		struct removed r;
		int32_t pos;

		if (rte_hash_iterate(t->hash, &key, &data, &t->scan_next) < 0) {
			t->scan_next = 0; /* a pass is complete; the next slice starts over */
			break;
		}
		st = data;
		/* The state's own key: the one it is filed under (the control lcore is the
		 * only one that removes, so it cannot have been removed meanwhile). */
		if (flt_state_expiry(st, to, states) > now)
			continue;
		pos = rte_hash_del_key(t->hash, &st->key);
		if (pos < 0)
			continue;
		r = (struct removed){ .pos = (uint32_t)pos, .st = st };
		/* The queue holds as many as the table, so this cannot fail; were it to,
		 * losing the state to the pool is safer than freeing it under a reader. */
		(void)rte_rcu_qsbr_dq_enqueue(t->dq, &r);
		removed++;
	}
	return removed;
}

bool
flt_table_remove(struct flt_table *t, const struct flt_key *k)
{
	struct flt_state *st = flt_table_lookup(t, k);
	struct removed r;
	int32_t pos;

	if (st == NULL || (pos = rte_hash_del_key(t->hash, &st->key)) < 0)
		return false;
	r = (struct removed){ .pos = (uint32_t)pos, .st = st };
	(void)rte_rcu_qsbr_dq_enqueue(t->dq, &r); /* as expiry: a grace period first */
	return true;
}

const struct flt_state *
flt_table_next(const struct flt_table *t, uint32_t *next)
{
	const void *key;
	void *data;

	return rte_hash_iterate(t->hash, &key, &data, next) < 0 ? NULL : data;
}

size_t
flt_table_bytes_per_state(const struct flt_table *t)
{
	return t->bytes_per_state;
}
