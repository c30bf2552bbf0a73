/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The advert counter and replay protection: every counter this node ever sent is known as
 * its own (per advbase/advskew, so a peer continuing our sequence is not); with replay
 * protection the node id rides in the counter, sequences only grow, and a receiver refuses
 * anything not newer than a sender's last, bow-outs included.
 */
#include "test_util.h"

#include "carp_counter.h"
#include "carp_replay.h"

static void
test_counter_increments_and_wraps(void **state)
{
	struct carp_counter c;

	(void)state;
	carp_counter_init(&c, UINT64_MAX - 1);
	assert_true(carp_counter_take(&c, 1, 0) == UINT64_MAX - 1);
	assert_true(carp_counter_take(&c, 1, 0) == UINT64_MAX);
	assert_true(carp_counter_take(&c, 1, 0) == 0);
}

static void
test_every_counter_ever_sent_is_own(void **state)
{
	struct carp_counter c;

	(void)state;
	carp_counter_init(&c, 100);
	assert_false(carp_counter_is_own(&c, 100, 1, 0)); /* nothing sent yet */
	for (int i = 0; i < 1000; i++)
		carp_counter_take(&c, 1, 0);
	/* The first of a thousand adverts, replayed an hour later: still ours. */
	assert_true(carp_counter_is_own(&c, 100, 1, 0));
	assert_true(carp_counter_is_own(&c, 600, 1, 0));
	assert_true(carp_counter_is_own(&c, 1099, 1, 0));
	assert_false(carp_counter_is_own(&c, 1100, 1, 0)); /* not sent yet */
	assert_false(carp_counter_is_own(&c, 99, 1, 0));
	/* A peer continuing our sequence (FreeBSD, ucarp adopt it) with its own priority. */
	assert_false(carp_counter_is_own(&c, 600, 1, 100));
	assert_false(carp_counter_is_own(&c, 600, 0, 0));
}

static void
test_ranges_are_kept_per_advbase_and_advskew(void **state)
{
	struct carp_counter c;

	(void)state;
	carp_counter_init(&c, 1000);
	for (int i = 0; i < 10; i++)
		carp_counter_take(&c, 1, 0);      /* 1000..1009 as 1/0 */
	for (int i = 0; i < 5; i++)
		carp_counter_take(&c, 1, 240);    /* 1010..1014 demoted */
	carp_counter_take(&c, 255, 255);          /* 1015: the bow-out */
	assert_true(carp_counter_is_own(&c, 1003, 1, 0));
	assert_true(carp_counter_is_own(&c, 1012, 1, 240));
	assert_true(carp_counter_is_own(&c, 1015, 255, 255));
	assert_false(carp_counter_is_own(&c, 1003, 1, 240));
	assert_false(carp_counter_is_own(&c, 1015, 1, 0));
	/* Back to 1/0 later: the range grows to cover the new values (and what lies between). */
	carp_counter_take(&c, 1, 0); /* 1016 */
	assert_true(carp_counter_is_own(&c, 1016, 1, 0));
	assert_true(carp_counter_is_own(&c, 1000, 1, 0));
}

static void
test_ranges_survive_the_wrap(void **state)
{
	struct carp_counter c;

	(void)state;
	carp_counter_init(&c, UINT64_MAX - 5);
	for (int i = 0; i < 10; i++)
		carp_counter_take(&c, 1, 0); /* 2^64-6 .. 3 */
	assert_true(carp_counter_is_own(&c, UINT64_MAX - 5, 1, 0));
	assert_true(carp_counter_is_own(&c, UINT64_MAX, 1, 0));
	assert_true(carp_counter_is_own(&c, 3, 1, 0));
	assert_false(carp_counter_is_own(&c, 4, 1, 0));
	assert_false(carp_counter_is_own(&c, UINT64_MAX - 6, 1, 0));
}

static void
test_a_ninth_pair_forgets_the_least_recently_used(void **state)
{
	struct carp_counter c;

	(void)state;
	carp_counter_init(&c, 0);
	for (uint8_t s = 0; s < CARP_COUNTER_ERAS; s++)
		carp_counter_take(&c, 1, s); /* counters 0..7, one pair each */
	carp_counter_take(&c, 1, 0);         /* 8: pair 1/0 used again */
	carp_counter_take(&c, 1, 200);       /* 9: a ninth pair: 1/1 (counter 1) goes */
	assert_false(carp_counter_is_own(&c, 1, 1, 1));
	assert_true(carp_counter_is_own(&c, 0, 1, 0));
	assert_true(carp_counter_is_own(&c, 2, 1, 2));
	assert_true(carp_counter_is_own(&c, 9, 1, 200));
}

static void
test_node_layout_carries_the_id_and_wraps_within_it(void **state)
{
	struct carp_counter c;
	uint64_t v;

	(void)state;
	carp_counter_init_node(&c, 0x0203, CARP_COUNTER_SEQ_MASK - 1);
	v = carp_counter_take(&c, 1, 0);
	assert_true(v == (0x0203ull << 48 | (CARP_COUNTER_SEQ_MASK - 1)));
	carp_counter_take(&c, 1, 0);
	v = carp_counter_take(&c, 1, 0);
	assert_true(v == 0x0203ull << 48); /* the sequence wrapped, the id stayed */
	/* A counter with our id that this run sent is ours, whatever it carries. */
	assert_true(carp_counter_is_own(&c, 0x0203ull << 48 | (CARP_COUNTER_SEQ_MASK - 1), 255, 255));
	assert_true(carp_counter_is_own(&c, 0x0203ull << 48 | 0, 1, 0));
	assert_false(carp_counter_is_own(&c, 0x0203ull << 48 | 1, 1, 0)); /* not sent yet */
	assert_false(carp_counter_is_own(&c, 0x0204ull << 48 | 0, 1, 0));
}

static void
test_replay_refuses_what_is_not_newer(void **state)
{
	struct carp_replay r;
	const uint64_t a = 0x0003ull << 48, b = 0x0002ull << 48;

	(void)state;
	carp_replay_init(&r);
	assert_true(carp_replay_accept(&r, a | 1000, 4));
	assert_true(carp_replay_accept(&r, a | 1001, 4));
	assert_false(carp_replay_accept(&r, a | 1001, 4)); /* the same advert again */
	assert_false(carp_replay_accept(&r, a | 500, 4));  /* an old one */
	/* Another node has its own history, whatever its numbers. */
	assert_true(carp_replay_accept(&r, b | 7, 4));
	assert_true(carp_replay_accept(&r, b | 8, 4));
	assert_false(carp_replay_accept(&r, b | 7, 4));
	assert_true(carp_replay_accept(&r, a | 1002, 4));
}

static void
test_replay_never_forgets_a_known_node(void **state)
{
	struct carp_replay r;

	(void)state;
	carp_replay_init(&r);
	for (uint64_t id = 1; id <= CARP_REPLAY_PEERS / 2; id++) {
		assert_true(carp_replay_accept(&r, id << 48 | 100, 4));
		assert_true(carp_replay_accept(&r, id << 48 | 101, 6));
	}
	/* A ninth node would push one out, and that one's old adverts would pass again. */
	assert_false(carp_replay_accept(&r, 99ull << 48 | 100, 4));
	assert_false(carp_replay_accept(&r, 1ull << 48 | 100, 4));
	assert_true(carp_replay_accept(&r, 1ull << 48 | 102, 4));
}

static void
test_replay_takes_a_dual_stack_pair_in_either_order(void **state)
{
	struct carp_replay r;
	const uint64_t a = 0x0003ull << 48;

	(void)state;
	carp_replay_init(&r);
	/* One interval's IPv4 (N) and IPv6 (N + 1) adverts, the IPv6 one handled first. */
	assert_true(carp_replay_accept(&r, a | 1001, 6));
	assert_true(carp_replay_accept(&r, a | 1000, 4));
	assert_true(carp_replay_accept(&r, a | 1003, 6));
	assert_true(carp_replay_accept(&r, a | 1002, 4));
	assert_false(carp_replay_accept(&r, a | 1001, 6)); /* each family still only grows */
	assert_false(carp_replay_accept(&r, a | 1002, 4));
}

static void
test_two_nodes_given_one_id_are_told_apart(void **state)
{
	struct carp_counter mine, theirs;
	uint64_t v;

	(void)state;
	/* Both started from the clock, ours 2 s before theirs, with one id by mistake. */
	carp_counter_init_node(&mine, 7, 1764000000000ull);
	carp_counter_init_node(&theirs, 7, 1764000002000ull);
	for (int i = 0; i < 500; i++)
		carp_counter_take(&mine, 0, 1);
	v = carp_counter_take(&theirs, 0, 2);
	assert_false(carp_counter_is_own(&mine, v, 0, 2)); /* not a loop: a peer */
	assert_true(carp_counter_id_clash(&mine, v));     /* and worth saying */
	assert_true(carp_counter_is_own(&mine, 7ull << 48 | 1764000000123ull, 0, 1));
	assert_false(carp_counter_id_clash(&mine, 7ull << 48 | 1764000000123ull));
	assert_false(carp_counter_id_clash(&mine, 8ull << 48 | 1764000000123ull));
}

static void
test_sequence_start_never_goes_back(void **state)
{
	(void)state;
	assert_true(carp_replay_seq_start(1764000000000ull, 0) == 1764000000000ull);
	/* Saved beyond the clock (the clock went back, or adverts ran ahead): above it. */
	assert_true(carp_replay_seq_start(1000, 5000) == 5001);
	assert_true(carp_replay_seq_start(7000, 5000) == 7000);
	assert_true(carp_replay_seq_start(1ull << 50, 0) < (1ull << 48));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_increments_and_wraps),
		cmocka_unit_test(test_every_counter_ever_sent_is_own),
		cmocka_unit_test(test_ranges_are_kept_per_advbase_and_advskew),
		cmocka_unit_test(test_ranges_survive_the_wrap),
		cmocka_unit_test(test_a_ninth_pair_forgets_the_least_recently_used),
		cmocka_unit_test(test_node_layout_carries_the_id_and_wraps_within_it),
		cmocka_unit_test(test_replay_refuses_what_is_not_newer),
		cmocka_unit_test(test_replay_never_forgets_a_known_node),
		cmocka_unit_test(test_sequence_start_never_goes_back),
		cmocka_unit_test(test_replay_takes_a_dual_stack_pair_in_either_order),
		cmocka_unit_test(test_two_nodes_given_one_id_are_told_apart),
	};

	return cmocka_run_group_tests_name("counter", tests, NULL, NULL);
}
