/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state sync engine between two nodes on a fake clock and a fake link: changes
 * batched and sent with what the state is when they leave, a full message at once, a
 * lost message found and sent again, forged and replayed messages changing nothing, a
 * stale copy answered with the newer one, the bulk update (demoted until done, bounded
 * when nobody answers or the transfer stalls), the sync link going down and up, and a
 * peer's restart.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include "sync_engine.h"
#include "sync_state.h"

#define MS 1000000ull
#define SEC (1000 * MS)
#define STATES 4096

static const uint8_t the_key[32] = "the pair's sync key, 32 bytes!!!";
static uint64_t digest_ns; /* the nodes' digest period: 0 but in the digest tests */

/* One node: a table, what it sent, its demotions. */
struct node {
	struct flt_state st[STATES];
	bool used[STATES];
	uint8_t *out[512];
	size_t out_len[512];
	unsigned int n_out;
	bool demoted[2];
	unsigned int acked;       /* IACKs heard */
	struct flt_key acked_key; /* the last one's */
	struct sync_auth *auth;
	struct sync_engine *e;
};

static struct node a, b;

static int
slot_of(struct node *n, const struct flt_key *k)
{
	for (int i = 0; i < STATES; i++)
		if (n->used[i] && memcmp(&n->st[i].key, k, sizeof(*k)) == 0)
			return i;
	return -1;
}

static bool
t_get(void *ctx, const struct flt_key *k, uint64_t now, struct sync_state_rec *r)
{
	struct node *n = ctx;
	int i = slot_of(n, k);

	if (i < 0)
		return false;
	sync_state_export(&n->st[i], now, r);
	return true;
}

static int
t_apply(void *ctx, const struct sync_state_rec *r, uint64_t now, bool rules_match, bool replace)
{
	struct node *n = ctx;
	int i = slot_of(n, &r->key);

	if (i >= 0 && !replace)
		return (int)sync_state_merge(&n->st[i], r, now);
	if (i < 0)
		for (i = 0; i < STATES && n->used[i]; i++)
			;
	if (i == STATES)
		return -1;
	sync_state_import(&n->st[i], r, now, rules_match);
	n->used[i] = true;
	return 0;
}

static void
t_remove(void *ctx, const struct flt_key *k)
{
	struct node *n = ctx;
	int i = slot_of(n, k);

	if (i >= 0)
		n->used[i] = false;
}

static bool
t_walk(void *ctx, uint64_t *pos, uint64_t now, struct sync_state_rec *r)
{
	struct node *n = ctx;

	for (; *pos < STATES; (*pos)++)
		if (n->used[*pos]) {
			sync_state_export(&n->st[*pos], now, r);
			(*pos)++;
			return true;
		}
	return false;
}

static uint32_t
t_count(void *ctx)
{
	struct node *n = ctx;
	uint32_t c = 0;

	for (int i = 0; i < STATES; i++)
		c += n->used[i];
	return c;
}

static void
io_send(void *ctx, const uint8_t *buf, size_t len)
{
	struct node *n = ctx;

	assert_true(n->n_out < 512);
	n->out[n->n_out] = malloc(len);
	memcpy(n->out[n->n_out], buf, len);
	n->out_len[n->n_out++] = len;
}

static void
io_demote(void *ctx, enum sync_demote d, bool on, const char *why)
{
	struct node *n = ctx;

	(void)why;
	assert_int_not_equal(n->demoted[d], on); /* only transitions are told */
	n->demoted[d] = on;
}

/* The digest's walk; states of the fake table last a day from their last refresh. */
static bool
t_walk_key(void *ctx, uint64_t *pos, uint64_t now, struct flt_key *key, uint32_t *age_ms,
	   uint32_t *left_ms)
{
	struct node *n = ctx;

	for (; *pos < STATES; (*pos)++)
		if (n->used[*pos]) {
			const struct flt_state *st = &n->st[*pos];
			uint64_t expiry = st->last_ns + 86400 * SEC;

			*key = st->key;
			*age_ms = (uint32_t)((now - st->created_ns) / MS);
			*left_ms = expiry > now ? (uint32_t)((expiry - now) / MS) : 0;
			(*pos)++;
			return true;
		}
	return false;
}

static const struct sync_table_ops table_ops = { t_get,	 t_apply, t_remove,
						 t_walk, t_count, t_walk_key };
static void
io_acked(void *ctx, const struct flt_key *key)
{
	struct node *n = ctx;

	n->acked++;
	n->acked_key = *key;
}

static const struct sync_io_ops io_ops = { io_send, io_demote, io_acked };

static struct sync_params
params(uint32_t node, uint32_t epoch)
{
	struct sync_params p = {
		.node = node, .epoch = epoch, .ruleset = 77, .msg_max = 1472,
		.batch_ns = 2 * MS, .nack_ns = 5 * MS, .retry_ns = 2 * SEC, .retries = 12,
		.pace_ns = 1 * MS, .pace_msgs = 4, .queue = 1024, .digest_ns = digest_ns,
	};

	return p;
}

static void
node_init(struct node *n, uint32_t id, uint32_t epoch)
{
	struct sync_params p = params(id, epoch);

	memset(n, 0, sizeof(*n));
	n->auth = sync_auth_new(the_key, sizeof(the_key));
	n->e = sync_engine_new(&p, n->auth, &table_ops, &io_ops, n);
	assert_non_null(n->e);
}

static void
node_fini(struct node *n)
{
	for (unsigned int i = 0; i < n->n_out; i++)
		free(n->out[i]);
	sync_engine_free(n->e);
	sync_auth_free(n->auth);
}

/* What @p from sent goes to @p to, but those @p drop says no to (NULL: none dropped). */
static unsigned int
deliver(struct node *from, struct node *to, uint64_t now, bool (*drop)(unsigned int))
{
	unsigned int n = from->n_out;

	from->n_out = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (drop == NULL || !drop(i))
			sync_engine_input(to->e, from->out[i], from->out_len[i], now);
		free(from->out[i]);
	}
	return n;
}

/* Run both for @p until from @p *now, in steps of @p step, everything delivered. */
static void
run(uint64_t *now, uint64_t until, uint64_t step)
{
	for (; *now < until; *now += step) {
		sync_engine_poll(a.e, *now);
		sync_engine_poll(b.e, *now);
		deliver(&a, &b, *now, NULL);
		deliver(&b, &a, *now, NULL);
	}
}

/* A TCP state of ports 40000 + @p i <-> 80 in node @p n's table. */
static struct flt_key
add_state(struct node *n, unsigned int i, uint64_t now)
{
	struct flt_tuple t = { .src = fwd_addr4(0x0a000009), .dst = fwd_addr4(0xc6120109),
			       .sport = (uint16_t)(10000 + i), .dport = 80,
			       .proto = FLT_PROTO_TCP, .af = 4 };
	struct flt_state *st = &n->st[i];

	memset(st, 0, sizeof(*st));
	st->init_side = (uint8_t)flt_key_make(&t, &st->key);
	st->peer[0] = (struct flt_tcp_peer){ 1000 + i, 70000, 64240, FLT_TCPS_ESTABLISHED, 0 };
	st->peer[1] = (struct flt_tcp_peer){ 5000, 90000, 65535, FLT_TCPS_ESTABLISHED, 0 };
	st->timeout = FLT_TO_TCP_ESTABLISHED;
	st->rule = 1;
	st->created_ns = st->last_ns = now;
	n->used[i] = true;
	return st->key;
}

static int
setup(void **state)
{
	(void)state;
	node_init(&a, 1, 100);
	node_init(&b, 2, 200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	node_fini(&a);
	node_fini(&b);
	digest_ns = 0;
	return 0;
}

/* Both nodes with a digest round a second (the lowest id, a, starts them), started: each
 * has asked the other for its table, so each knows the other. */
static int
setup_digest(void **state)
{
	digest_ns = 1 * SEC;
	setup(state);
	sync_engine_start(a.e, 0);
	sync_engine_start(b.e, 0);
	return 0;
}

/* Every state of @p x is in @p y's table. */
static bool
has_all(struct node *x, struct node *y)
{
	for (int i = 0; i < STATES; i++)
		if (x->used[i] && slot_of(y, &x->st[i].key) < 0)
			return false;
	return true;
}

static void
test_digest_finds_drift_both_ways_and_repairs_it(void **state)
{
	uint64_t now = 0;
	const struct sync_stats *sa = sync_engine_stats(a.e), *sb = sync_engine_stats(b.e);
	uint64_t differ;

	(void)state;
	for (unsigned int i = 0; i < 300; i++) {
		struct flt_key k = add_state(&a, i, now);

		sync_engine_queue(a.e, SYNC_T_INS, &k, now);
	}
	run(&now, 100 * MS, 1 * MS);
	assert_int_equal(t_count(&b), 300);
	/* Drift: five states b lost (beyond what a NACK could recover), three only b has. */
	for (unsigned int i = 10; i < 15; i++)
		b.used[slot_of(&b, &a.st[i].key)] = false;
	for (unsigned int i = 1000; i < 1003; i++)
		add_state(&b, i, now);
	/* Not settled for 10 s: the rounds before that find nothing. */
	run(&now, 9 * SEC, 1 * MS);
	assert_true(sa->digest_rounds >= 7 && sb->digest_rounds >= 7);
	assert_true(sa->digest_slices_differ == 0 && sb->digest_slices_differ == 0);
	/* Then two rounds running differ, and each pushes its states of those slices. */
	run(&now, 14 * SEC, 1 * MS);
	assert_true(sa->digest_slices_differ > 0 && sb->digest_slices_differ > 0);
	assert_true(sa->digest_slices_repaired > 0 && sb->digest_slices_repaired > 0);
	assert_true(sa->digest_pushed >= 5 && sb->digest_pushed >= 3);
	assert_int_equal(t_count(&a), 303);
	assert_int_equal(t_count(&b), 303);
	assert_true(has_all(&a, &b) && has_all(&b, &a));
	/* Alike now: no round differs any more. */
	differ = sa->digest_slices_differ + sb->digest_slices_differ;
	run(&now, 18 * SEC, 1 * MS);
	assert_true(sa->digest_slices_differ + sb->digest_slices_differ == differ);
	assert_true(sa->digest_incomplete == 0 && sb->digest_incomplete == 0);
}

/* States made while the rounds run (on their way to b when a walks) never differ. */
static void
test_digest_ignores_states_in_flight(void **state)
{
	uint64_t now = 0;
	const struct sync_stats *sa = sync_engine_stats(a.e), *sb = sync_engine_stats(b.e);
	unsigned int made = 0;

	(void)state;
	for (; now < 16 * SEC; now += 1 * MS) {
		if (now % (40 * MS) == 0 && made < STATES / 2) {
			struct flt_key k = add_state(&a, made++, now);

			sync_engine_queue(a.e, SYNC_T_INS, &k, now);
		}
		sync_engine_poll(a.e, now);
		sync_engine_poll(b.e, now);
		deliver(&a, &b, now, NULL);
		deliver(&b, &a, now, NULL);
	}
	assert_true(sa->digest_rounds >= 14);
	assert_int_equal(sa->digest_slices_differ, 0);
	assert_int_equal(sb->digest_slices_differ, 0);
	assert_int_equal(sa->digest_pushed + sb->digest_pushed, 0);
}

/* Defer mode: a state asked to be acknowledged leaves when flushed, and the peer that adds
 * it answers at once; a state not asked is not answered. */
static void
test_a_deferred_state_leaves_at_once_and_is_acknowledged(void **state)
{
	uint64_t now = 10 * SEC;
	struct flt_key k = add_state(&a, 0, now), plain = add_state(&a, 1, now);

	(void)state;
	sync_engine_queue(a.e, SYNC_T_INS, &plain, now); /* queued before: goes with it */
	sync_engine_queue_ack(a.e, &k, now);
	assert_int_equal(a.n_out, 0);
	sync_engine_flush(a.e, now);
	assert_int_equal(a.n_out, 1); /* not after batch_ns: now */
	assert_int_equal(deliver(&a, &b, now, NULL), 1);
	assert_int_equal(t_count(&b), 2);
	assert_int_equal(b.n_out, 1); /* the IACK, with the message that asked */
	assert_true(sync_engine_stats(b.e)->iacks_out == 1);
	deliver(&b, &a, now, NULL);
	assert_int_equal(a.acked, 1);
	assert_memory_equal(&a.acked_key, &k, sizeof(k));
	assert_true(sync_engine_stats(a.e)->iacks_in == 1);
	/* A state of its own changed on the peer is no IACK. */
	a.st[1].packets[0]++;
	sync_engine_queue(a.e, SYNC_T_UPD, &plain, now);
	run(&now, now + 10 * MS, 1 * MS);
	assert_int_equal(a.acked, 1);
	assert_true(sync_engine_stats(b.e)->iacks_out == 1);
}

static bool
drop_all(unsigned int i)
{
	(void)i;
	return true;
}

/* More messages lost than the receiver's window holds: the newest it can name are asked
 * for and come again; the rest stay lost, counted, left to the digest. */
static void
test_a_gap_longer_than_the_window_is_left_to_the_digest(void **state)
{
	uint64_t now = 10 * SEC;
	const struct sync_stats *sa = sync_engine_stats(a.e), *sb = sync_engine_stats(b.e);

	(void)state;
	add_state(&a, 200, now); /* b hears of a first: a gap is a gap from then on */
	sync_engine_queue(a.e, SYNC_T_INS, &a.st[200].key, now);
	sync_engine_poll(a.e, now += 2 * MS);
	deliver(&a, &b, now, NULL);
	for (unsigned int i = 0; i < SYNC_SEQ_WINDOW + 6; i++) {
		struct flt_key k = add_state(&a, i, now);

		sync_engine_queue(a.e, SYNC_T_INS, &k, now);
		sync_engine_poll(a.e, now += 2 * MS); /* a message each */
	}
	assert_int_equal(deliver(&a, &b, now, drop_all), SYNC_SEQ_WINDOW + 6);
	add_state(&a, 100, now);
	sync_engine_queue(a.e, SYNC_T_INS, &a.st[100].key, now);
	sync_engine_poll(a.e, now += 2 * MS);
	deliver(&a, &b, now, NULL); /* b sees the gap */
	run(&now, now + 50 * MS, 1 * MS);
	assert_true(sa->nacks_in >= 1);
	assert_int_equal(sa->resent, SYNC_SEQ_WINDOW - 1);
	assert_int_equal(sb->lost - sb->late, 7);
	assert_int_equal(t_count(&b), 1 + SYNC_SEQ_WINDOW - 1 + 1);
}

static void
test_changes_leave_batched_with_what_the_state_is_then(void **state)
{
	uint64_t now = 10 * SEC;
	struct flt_key k[3];
	int i;

	(void)state;
	for (unsigned int j = 0; j < 3; j++) {
		k[j] = add_state(&a, j, now);
		sync_engine_queue(a.e, SYNC_T_INS, &k[j], now);
	}
	sync_engine_queue(a.e, SYNC_T_UPD, &k[0], now); /* still an INS */
	a.st[0].packets[0] = 42; /* after the change was queued, before it leaves */
	sync_engine_poll(a.e, now + 1 * MS);
	assert_int_equal(a.n_out, 0); /* not yet: 2 ms */
	sync_engine_poll(a.e, now + 2 * MS);
	assert_int_equal(a.n_out, 1);
	assert_int_equal(deliver(&a, &b, now + 2 * MS, NULL), 1);
	assert_int_equal(t_count(&b), 3);
	i = slot_of(&b, &k[0]);
	assert_true(i >= 0 && b.st[i].packets[0] == 42);
	assert_true(sync_engine_stats(b.e)->ins_in == 3);
	/* Made at 10 s, sent and added at 10 s + 2 ms: 2 ms old, made to present. */
	assert_true(sync_engine_stats(b.e)->ins_age_ms[2] == 3);
	assert_int_equal(sync_age_bucket(5), 4);
	assert_int_equal(sync_age_bucket_max(4), 7);
	assert_int_equal(sync_age_bucket(100000), SYNC_AGE_BUCKETS - 1);
	assert_true(sync_engine_stats(a.e)->ins_out == 3 && sync_engine_stats(a.e)->upd_out == 0);
	/* Made and removed before it left: nothing. Changed, then removed: a DEL. */
	add_state(&a, 3, now);
	sync_engine_queue(a.e, SYNC_T_INS, &a.st[3].key, now);
	a.used[3] = false;
	sync_engine_queue(a.e, SYNC_T_DEL, &a.st[3].key, now);
	sync_engine_queue(a.e, SYNC_T_UPD, &k[1], now);
	a.used[1] = false;
	sync_engine_queue(a.e, SYNC_T_DEL, &k[1], now);
	sync_engine_poll(a.e, now + 10 * MS);
	deliver(&a, &b, now + 10 * MS, NULL);
	assert_int_equal(t_count(&b), 2);
	assert_true(slot_of(&b, &k[1]) < 0);
	assert_true(sync_engine_stats(a.e)->del_out == 1 && sync_engine_stats(a.e)->ins_out == 3);
}

static void
test_a_full_message_leaves_at_once(void **state)
{
	uint64_t now = SEC;
	unsigned int per_msg = (1472 - 32 - 4 - 32) / 112;

	(void)state;
	for (unsigned int j = 0; j < per_msg; j++) {
		struct flt_key k = add_state(&a, j, now);

		sync_engine_queue(a.e, SYNC_T_INS, &k, now);
	}
	assert_int_equal(a.n_out, 1); /* without waiting for the batch's time */
	assert_true(a.out_len[0] <= 1472);
	deliver(&a, &b, now, NULL);
	assert_int_equal(t_count(&b), per_msg);
}

static bool
drop_second(unsigned int i)
{
	return i == 1;
}

static void
test_a_lost_message_is_asked_for_and_sent_again(void **state)
{
	uint64_t now = SEC;
	const struct sync_stats *sb = sync_engine_stats(b.e), *sa = sync_engine_stats(a.e);

	(void)state;
	for (unsigned int j = 0; j < 3; j++) {
		struct flt_key k = add_state(&a, j, now);

		sync_engine_queue(a.e, SYNC_T_INS, &k, now);
		sync_engine_poll(a.e, now += 3 * MS); /* one message each */
	}
	assert_int_equal(a.n_out, 3);
	deliver(&a, &b, now, drop_second);
	assert_int_equal(t_count(&b), 2);
	assert_true(sb->lost == 1);
	run(&now, now + 20 * MS, MS);
	assert_int_equal(t_count(&b), 3);
	assert_true(sb->nacks_out == 1 && sa->nacks_in == 1 && sa->resent == 1);
	assert_true(sb->replays == 0);
}

static void
test_forged_and_replayed_messages_change_nothing(void **state)
{
	uint64_t now = SEC;
	uint8_t forged[2048], kept[2048];
	size_t kept_len;
	struct sync_auth *other = sync_auth_new((const uint8_t *)"another key, also 32 bytes long!",
						32);
	struct flt_key k = add_state(&a, 0, now);
	const struct sync_stats *sb = sync_engine_stats(b.e);

	(void)state;
	sync_engine_queue(a.e, SYNC_T_INS, &k, now);
	sync_engine_poll(a.e, now + 3 * MS);
	assert_int_equal(a.n_out, 1);
	kept_len = a.out_len[0];
	memcpy(kept, a.out[0], kept_len);
	/* The same message signed with another key: refused, named. */
	memcpy(forged, kept, kept_len);
	assert_true(sync_auth_sign(other, forged, kept_len - SYNC_MAC_LEN));
	sync_engine_input(b.e, forged, kept_len, now);
	assert_int_equal(t_count(&b), 0);
	assert_true(sb->err[SYNC_ERR_BAD_MAC] == 1);
	deliver(&a, &b, now, NULL);
	assert_int_equal(t_count(&b), 1);
	/* Removed on a, then the INS replayed: the state does not come back. */
	a.used[0] = false;
	sync_engine_queue(a.e, SYNC_T_DEL, &k, now);
	sync_engine_poll(a.e, now + 10 * MS);
	deliver(&a, &b, now + 10 * MS, NULL);
	assert_int_equal(t_count(&b), 0);
	sync_engine_input(b.e, kept, kept_len, now + 11 * MS);
	assert_int_equal(t_count(&b), 0);
	assert_true(sb->replays == 1);
	/* Truncated: named too. */
	sync_engine_input(b.e, kept, kept_len - 1, now + 12 * MS);
	assert_true(sb->err[SYNC_ERR_BAD_LEN] == 1);
	sync_auth_free(other);
}

static void
test_a_stale_copy_is_answered_with_the_newer_one(void **state)
{
	uint64_t now = SEC;
	struct flt_key k = add_state(&a, 0, now);
	int i;

	(void)state;
	sync_engine_queue(a.e, SYNC_T_INS, &k, now);
	run(&now, now + 5 * MS, MS);
	i = slot_of(&b, &k);
	assert_true(i >= 0);
	/* b moves the connection on (it is master now); a's copy, behind, arrives. */
	b.st[i].peer[0].seqlo += 100000;
	a.st[0].packets[1] = 7;
	sync_engine_queue(a.e, SYNC_T_UPD, &k, now);
	run(&now, now + 10 * MS, MS);
	assert_true(b.st[i].peer[0].seqlo == a.st[0].peer[0].seqlo); /* a learned it */
	assert_true(a.st[0].peer[0].seqlo == 1000 + 100000);
	assert_true(b.st[i].packets[1] == 7);
	assert_true(sync_engine_stats(b.e)->stale == 1);
}

static void
test_bulk_update_demotes_until_the_table_has_come(void **state)
{
	uint64_t now = SEC, t0;
	const unsigned int n = 2000;

	(void)state;
	for (unsigned int j = 0; j < n; j++)
		add_state(&a, j, now);
	t0 = now;
	sync_engine_start(b.e, now);
	assert_true(b.demoted[SYNC_DEMOTE_BULK]);
	assert_int_equal(sync_engine_bulk_state(b.e), SYNC_BULK_REQUESTED);
	while (b.demoted[SYNC_DEMOTE_BULK] && now < t0 + 10 * SEC)
		run(&now, now + MS, MS);
	assert_false(b.demoted[SYNC_DEMOTE_BULK]);
	assert_int_equal(t_count(&b), n);
	for (unsigned int j = 0; j < n; j += 97) {
		int i = slot_of(&b, &a.st[j].key);

		assert_true(i >= 0);
		assert_memory_equal(&b.st[i].peer, &a.st[j].peer, sizeof(a.st[j].peer));
	}
	/* 2000 states at 4 messages of 12 every ms: 42 ms, give or take a tick. */
	assert_true(now - t0 <= 45 * MS);
	assert_true(sync_engine_stats(a.e)->bulks_out == 1 &&
		    sync_engine_stats(a.e)->bulk_states_out == n);
	assert_true(sync_engine_stats(b.e)->bulks_in == 1);
}

static void
test_a_bulk_nobody_answers_ends_at_its_bound(void **state)
{
	uint64_t now = SEC, t0 = now;
	unsigned int requests = 0;

	(void)state;
	sync_engine_start(b.e, now);
	while (b.demoted[SYNC_DEMOTE_BULK] && now < t0 + 60 * SEC) {
		now += 100 * MS;
		sync_engine_poll(b.e, now);
		requests += deliver(&b, &a, now, drop_all);
	}
	assert_false(b.demoted[SYNC_DEMOTE_BULK]);
	assert_int_equal(requests, 12); /* the first, then every 2 s */
	assert_true(now - t0 >= 24 * SEC && now - t0 <= 24 * SEC + 100 * MS);
	assert_true(sync_engine_stats(b.e)->bulk_unanswered == 1);
}

/* Only the first message, the one that starts the transfer, gets through. */
static bool
drop_after_first(unsigned int i)
{
	static unsigned int seen;

	(void)i;
	return seen++ > 0;
}

static void
test_a_stalled_bulk_ends_at_its_bound(void **state)
{
	uint64_t now = SEC, t0 = now;

	(void)state;
	for (unsigned int j = 0; j < 500; j++)
		add_state(&a, j, now);
	sync_engine_start(b.e, now);
	deliver(&b, &a, now, NULL);
	while (b.demoted[SYNC_DEMOTE_BULK] && now < t0 + 60 * SEC) {
		now += MS;
		sync_engine_poll(a.e, now);
		sync_engine_poll(b.e, now);
		deliver(&a, &b, now, drop_after_first);
		deliver(&b, &a, now, drop_all);
	}
	assert_false(b.demoted[SYNC_DEMOTE_BULK]);
	assert_true(sync_engine_stats(b.e)->bulk_timeouts == 1);
	assert_true(now - t0 <= 2 * SEC + 2 * MS); /* at least retry_ns, 4 x the need */
	assert_true(t_count(&b) < 500);
}

static void
test_sync_link_down_demotes_and_up_syncs_again(void **state)
{
	uint64_t now = SEC;

	(void)state;
	add_state(&a, 0, now);
	sync_engine_link(b.e, false, now);
	assert_true(b.demoted[SYNC_DEMOTE_LINK]);
	sync_engine_link(b.e, true, now + SEC);
	assert_false(b.demoted[SYNC_DEMOTE_LINK]);
	assert_true(b.demoted[SYNC_DEMOTE_BULK]); /* and asks for the table again */
	now += SEC;
	run(&now, now + 20 * MS, MS);
	assert_false(b.demoted[SYNC_DEMOTE_BULK]);
	assert_int_equal(t_count(&b), 1);
}

static void
test_a_restarted_peer_is_heard_and_its_old_run_refused(void **state)
{
	uint64_t now = SEC;
	struct flt_key k = add_state(&a, 0, now);
	uint8_t old[2048];
	size_t old_len;

	(void)state;
	sync_engine_queue(a.e, SYNC_T_INS, &k, now);
	sync_engine_poll(a.e, now + 3 * MS);
	old_len = a.out_len[0];
	memcpy(old, a.out[0], old_len);
	deliver(&a, &b, now, NULL);
	/* a restarts: a new run, numbers from 1 again. */
	node_fini(&a);
	node_init(&a, 1, 101);
	k = add_state(&a, 5, now);
	sync_engine_queue(a.e, SYNC_T_INS, &k, now);
	sync_engine_poll(a.e, now + 10 * MS);
	deliver(&a, &b, now + 10 * MS, NULL);
	assert_int_equal(t_count(&b), 2);
	assert_true(sync_engine_stats(b.e)->restarts == 1);
	b.used[slot_of(&b, &k)] = false;
	sync_engine_input(b.e, old, old_len, now + 11 * MS); /* the old run's: a replay */
	assert_true(sync_engine_stats(b.e)->replays == 1);
}

/* More nodes than the engine keeps: the one beyond is not heard, and counted. */
static void
test_a_node_beyond_the_peer_table_is_counted(void **state)
{
	uint8_t buf[256];

	(void)state;
	for (uint32_t node = 3; node < 3 + SYNC_PEERS_MAX + 1; node++) {
		struct sync_hdr h = { .node = node, .epoch = 1, .seq = 1, .ruleset = 77 };
		struct sync_item it = { .type = SYNC_T_DEL, .key = add_state(&a, node, SEC) };
		struct sync_writer w;
		size_t len;

		sync_writer_begin(&w, buf, sizeof(buf), &h);
		assert_true(sync_writer_add(&w, &it));
		len = sync_writer_end(&w);
		assert_true(sync_auth_sign(b.auth, buf, len));
		sync_engine_input(b.e, buf, len + SYNC_MAC_LEN, SEC);
	}
	assert_true(sync_engine_stats(b.e)->del_in == SYNC_PEERS_MAX);
	assert_true(sync_engine_stats(b.e)->peers_full == 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changes_leave_batched_with_what_the_state_is_then, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_full_message_leaves_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_lost_message_is_asked_for_and_sent_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_and_replayed_messages_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_stale_copy_is_answered_with_the_newer_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_update_demotes_until_the_table_has_come, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_bulk_nobody_answers_ends_at_its_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_stalled_bulk_ends_at_its_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_link_down_demotes_and_up_syncs_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_restarted_peer_is_heard_and_its_old_run_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_node_beyond_the_peer_table_is_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_gap_longer_than_the_window_is_left_to_the_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_deferred_state_leaves_at_once_and_is_acknowledged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_finds_drift_both_ways_and_repairs_it, setup_digest, teardown),
		cmocka_unit_test_setup_teardown(test_digest_ignores_states_in_flight, setup_digest, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
