/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state sync's own cost, without a link: two engines (lib/sync) joined in memory,
 * node A with N TCP states in a table, node B asking for all of them (a bulk update), and
 * then A sending the changes of M states. Everything the sync lcore does per state is in
 * the loop: the walk, the export, the encoding, HMAC-SHA256 both ways, the decoding, the
 * replay window, the import or the merge into B's table. Reported: CPU time per state and
 * states per second of one core for the bulk (unpaced: the cost; the node paces it at 8
 * messages a millisecond), bytes per state on the wire, and for the changes the same.
 *
 *   bench_sync N [M]     (N states, M changes; default 100000, 100000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync_engine.h"
#include "sync_state.h"

static const uint8_t key[32] = "bench-sync-key-0123456789abcdef!";

/* A table: states in an array, found through an open-addressing index on the key. */
struct table {
	struct flt_state *st;
	uint32_t *idx; /* slot + 1, 0 empty */
	uint32_t n, cap, mask;
};

struct node {
	struct table t;
	struct sync_auth *auth;
	struct sync_engine *e;
	struct node *peer;
	uint64_t now;
};

static uint32_t
hash(const struct flt_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static struct flt_state *
find(struct table *t, const struct flt_key *k, uint32_t **slot)
{
	for (uint32_t i = hash(k) & t->mask;; i = (i + 1) & t->mask) {
		if (t->idx[i] == 0) {
			*slot = &t->idx[i];
			return NULL;
		}
		if (memcmp(&t->st[t->idx[i] - 1].key, k, sizeof(*k)) == 0) {
			*slot = &t->idx[i];
			return &t->st[t->idx[i] - 1];
		}
	}
}

static bool
t_get(void *ctx, const struct flt_key *k, uint64_t now, struct sync_state_rec *r)
{
	struct node *n = ctx;
	uint32_t *slot;
	struct flt_state *st = find(&n->t, k, &slot);

	if (st == NULL)
		return false;
	sync_state_export(st, now, r);
	return true;
}

static int
t_apply(void *ctx, const struct sync_state_rec *r, uint64_t now, bool match, bool replace)
{
	struct node *n = ctx;
	uint32_t *slot;
	struct flt_state *st = find(&n->t, &r->key, &slot);

	if (st != NULL && !replace)
		return (int)sync_state_merge(st, r, now);
	if (st == NULL) {
		if (n->t.n == n->t.cap)
			return -1;
		st = &n->t.st[n->t.n++];
		*slot = n->t.n;
	}
	sync_state_import(st, r, now, match);
	return 0;
}

static void
t_remove(void *ctx, const struct flt_key *k)
{
	(void)ctx;
	(void)k;
}

static bool
t_walk(void *ctx, uint64_t *pos, uint64_t now, struct sync_state_rec *r)
{
	struct node *n = ctx;

	if (*pos >= n->t.n)
		return false;
	sync_state_export(&n->t.st[(*pos)++], now, r);
	return true;
}

static uint32_t
t_count(void *ctx)
{
	return ((struct node *)ctx)->t.n;
}

static bool
t_walk_key(void *ctx, uint64_t *pos, uint64_t now, struct flt_key *key, uint32_t *age_ms,
	   uint32_t *left_ms)
{
	struct node *n = ctx;
	const struct flt_state *st;

	if (*pos >= n->t.n)
		return false;
	st = &n->t.st[(*pos)++];
	*key = st->key;
	*age_ms = now > st->created_ns ? (uint32_t)((now - st->created_ns) / 1000000) : 0;
	*left_ms = UINT32_MAX;
	return true;
}

static uint64_t wire_bytes;

static void
io_send(void *ctx, const uint8_t *buf, size_t len)
{
	struct node *n = ctx;

	wire_bytes += len;
	sync_engine_input(n->peer->e, buf, len, n->now);
}

static void
io_demote(void *ctx, enum sync_demote d, bool on, const char *why)
{
	(void)ctx;
	(void)d;
	(void)on;
	(void)why;
}

static const struct sync_table_ops tops = { t_get,  t_apply, t_remove,
					    t_walk, t_count, t_walk_key };
static const struct sync_io_ops iops = { io_send, io_demote, NULL };

static void
node_init(struct node *n, uint32_t id, uint32_t cap)
{
	struct sync_params p = {
		.node = id, .epoch = 1, .ruleset = 1, .msg_max = 1472, .batch_ns = 2000000,
		.nack_ns = 10000000, .retry_ns = 2000000000ull, .retries = 12,
		.pace_ns = 0, .pace_msgs = 1 << 30, .queue = 8192,
		.digest_ns = 3600 * 1000000000ull, /* one round, when main says */
	};
	uint32_t slots = 1;

	while (slots < 2 * cap)
		slots <<= 1;
	memset(n, 0, sizeof(*n));
	n->t.st = calloc(cap, sizeof(*n->t.st));
	n->t.idx = calloc(slots, sizeof(*n->t.idx));
	n->t.cap = cap;
	n->t.mask = slots - 1;
	n->auth = sync_auth_new(key, sizeof(key));
	n->e = sync_engine_new(&p, n->auth, &tops, &iops, n);
	if (!n->t.st || !n->t.idx || !n->e) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	n->now = 1000000000000ull;
}

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 100000;
	uint32_t m = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 100000;
	static struct node a, b;
	double t0, t1;
	uint64_t bytes0;

	if (n == 0 || m > n) {
		fprintf(stderr, "usage: bench_sync N [M <= N]\n");
		return 2;
	}
	node_init(&a, 1, n);
	node_init(&b, 2, n);
	a.peer = &b;
	b.peer = &a;
	for (uint32_t i = 0; i < n; i++) {
		struct flt_tuple t = { .src = fwd_addr4(0x0a000000 | (i >> 16)),
				       .dst = fwd_addr4(0xc6120109), .sport = (uint16_t)i,
				       .dport = 443, .proto = FLT_PROTO_TCP, .af = 4 };
		struct flt_state *st = &a.t.st[a.t.n];
		uint32_t *slot;

		st->init_side = (uint8_t)flt_key_make(&t, &st->key);
		st->peer[0] = (struct flt_tcp_peer){ i, i + 65535, 64240, FLT_TCPS_ESTABLISHED, 0x87 };
		st->peer[1] = (struct flt_tcp_peer){ ~i, ~i + 65535, 65535, FLT_TCPS_ESTABLISHED, 0x87 };
		st->timeout = FLT_TO_TCP_ESTABLISHED;
		st->created_ns = st->last_ns = a.now;
		find(&a.t, &st->key, &slot);
		*slot = ++a.t.n;
	}
	/* The bulk: B asks, A walks its table, unpaced. */
	t0 = cpu_s();
	sync_engine_start(b.e, b.now);
	while (sync_engine_bulk_state(b.e) != SYNC_BULK_IDLE) {
		a.now += 1000000;
		b.now += 1000000;
		sync_engine_poll(a.e, a.now);
		sync_engine_poll(b.e, b.now);
	}
	t1 = cpu_s();
	if (b.t.n != n) {
		fprintf(stderr, "bulk: %u of %u states arrived\n", b.t.n, n);
		return 1;
	}
	printf("bulk: %u states in %.3f s of CPU: %.2f us/state, %.0f states/s on one core, "
	       "%.1f bytes/state on the wire; paced (8 messages/ms) it takes %.2f s\n", n,
	       t1 - t0, (t1 - t0) * 1e6 / n, n / (t1 - t0), (double)wire_bytes / n,
	       (double)n / (12.0 * 8 * 1000));
	/* Changes: M states of A updated, queued, flushed, merged into B. */
	bytes0 = wire_bytes;
	t0 = cpu_s();
	for (uint32_t i = 0; i < m; i++) {
		a.t.st[i].peer[0].seqlo += 1000;
		sync_engine_queue(a.e, SYNC_T_UPD, &a.t.st[i].key, a.now);
	}
	a.now += 10000000;
	b.now += 10000000;
	sync_engine_poll(a.e, a.now);
	t1 = cpu_s();
	if (sync_engine_stats(b.e)->upd_in < (uint64_t)m + n) {
		fprintf(stderr, "changes: %lu of %u arrived\n",
			(unsigned long)(sync_engine_stats(b.e)->upd_in - n), m);
		return 1;
	}
	printf("changes: %u states in %.3f s of CPU: %.2f us/state, %.0f changes/s on one "
	       "core, %.1f bytes/state on the wire\n", m, t1 - t0, (t1 - t0) * 1e6 / m,
	       m / (t1 - t0), (double)(wire_bytes - bytes0) / m);
	/* A digest round an hour on (every state settled): both walk, send, compare. */
	bytes0 = wire_bytes;
	a.now += 3600 * 1000000000ull;
	b.now += 3600 * 1000000000ull;
	t0 = cpu_s();
	while (sync_engine_stats(a.e)->digest_rounds == 0 ||
	       sync_engine_stats(b.e)->digest_rounds == 0) {
		a.now += 1000000;
		b.now += 1000000;
		sync_engine_poll(a.e, a.now);
		sync_engine_poll(b.e, b.now);
	}
	t1 = cpu_s();
	if (sync_engine_stats(a.e)->digest_slices_differ != 0) {
		fprintf(stderr, "digest: %lu slices differ between equal tables\n",
			(unsigned long)sync_engine_stats(a.e)->digest_slices_differ);
		return 1;
	}
	printf("digest: a round over %u states on both nodes in %.3f s of CPU (%.3f us/state "
	       "per node), %.0f bytes on the wire per node\n", n, t1 - t0,
	       (t1 - t0) * 1e6 / (2.0 * n), (double)(wire_bytes - bytes0) / 2);
	sync_engine_free(a.e);
	sync_engine_free(b.e);
	sync_auth_free(a.auth);
	sync_auth_free(b.auth);
	free(a.t.st);
	free(a.t.idx);
	free(b.t.st);
	free(b.t.idx);
	return 0;
}
