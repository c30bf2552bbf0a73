/* SPDX-License-Identifier: BSD-3-Clause */
/* The deadline set, driven by a fake clock: order, re-arm, cancel, ties, and a random model. */
#include "test_util.h"

#include <stdlib.h>

#include "carp_timers.h"

static void
test_empty_set_has_no_deadline(void **state)
{
	struct carp_timers t;

	(void)state;
	assert_int_equal(carp_timers_init(&t, 8), 0);
	assert_true(carp_timers_next(&t) == UINT64_MAX);
	assert_int_equal(carp_timers_pop_expired(&t, UINT64_MAX), CARP_TIMER_NONE);
	carp_timers_free(&t);
}

static void
test_timers_fire_in_deadline_order_not_arm_order(void **state)
{
	struct carp_timers t;
	static const uint64_t deadlines[] = { 50, 10, 40, 20, 30 };

	(void)state;
	assert_int_equal(carp_timers_init(&t, 5), 0);
	for (uint32_t id = 0; id < 5; id++)
		assert_int_equal(carp_timers_arm(&t, id, deadlines[id]), 0);
	assert_true(carp_timers_next(&t) == 10);
	assert_int_equal(carp_timers_pop_expired(&t, 9), CARP_TIMER_NONE); /* not yet due */
	assert_int_equal(carp_timers_pop_expired(&t, 35), 1);
	assert_int_equal(carp_timers_pop_expired(&t, 35), 3);
	assert_int_equal(carp_timers_pop_expired(&t, 35), 4);
	assert_int_equal(carp_timers_pop_expired(&t, 35), CARP_TIMER_NONE);
	assert_int_equal(carp_timers_pop_expired(&t, 100), 2);
	assert_int_equal(carp_timers_pop_expired(&t, 100), 0);
	assert_false(carp_timers_armed(&t, 0, NULL));
	carp_timers_free(&t);
}

static void
test_equal_deadlines_fire_in_id_order(void **state)
{
	struct carp_timers t;

	(void)state;
	assert_int_equal(carp_timers_init(&t, 4), 0);
	carp_timers_arm(&t, 3, 7);
	carp_timers_arm(&t, 0, 7);
	carp_timers_arm(&t, 2, 7);
	assert_int_equal(carp_timers_pop_expired(&t, 7), 0);
	assert_int_equal(carp_timers_pop_expired(&t, 7), 2);
	assert_int_equal(carp_timers_pop_expired(&t, 7), 3);
	carp_timers_free(&t);
}

static void
test_rearm_moves_a_timer_later_and_earlier(void **state)
{
	struct carp_timers t;
	uint64_t d;

	(void)state;
	assert_int_equal(carp_timers_init(&t, 3), 0);
	carp_timers_arm(&t, 0, 10);
	carp_timers_arm(&t, 1, 20);
	carp_timers_arm(&t, 0, 30); /* a backup re-arming master-down on an advert */
	assert_true(carp_timers_armed(&t, 0, &d));
	assert_true(d == 30);
	assert_int_equal(t.n, 2);
	assert_int_equal(carp_timers_pop_expired(&t, 25), 1);
	carp_timers_arm(&t, 0, 5);
	assert_true(carp_timers_next(&t) == 5);
	assert_int_equal(carp_timers_pop_expired(&t, 25), 0);
	carp_timers_free(&t);
}

static void
test_cancel_removes_only_that_timer(void **state)
{
	struct carp_timers t;

	(void)state;
	assert_int_equal(carp_timers_init(&t, 3), 0);
	carp_timers_arm(&t, 0, 10);
	carp_timers_arm(&t, 1, 20);
	carp_timers_arm(&t, 2, 30);
	carp_timers_cancel(&t, 0);
	carp_timers_cancel(&t, 0); /* twice is harmless */
	assert_true(carp_timers_next(&t) == 20);
	assert_int_equal(carp_timers_pop_expired(&t, 100), 1);
	assert_int_equal(carp_timers_pop_expired(&t, 100), 2);
	assert_int_equal(carp_timers_pop_expired(&t, 100), CARP_TIMER_NONE);
	carp_timers_free(&t);
}

static void
test_bad_id_refused(void **state)
{
	struct carp_timers t;

	(void)state;
	assert_int_equal(carp_timers_init(&t, 3), 0);
	assert_int_equal(carp_timers_arm(&t, 3, 10), -22);
	carp_timers_cancel(&t, 99);
	assert_false(carp_timers_armed(&t, 99, NULL));
	carp_timers_free(&t);
}

/* 3 timers per VHID for 255 VHIDs on 16 ports, random operations checked against a plain
 * array: the heap must always yield the (deadline, id) minimum. */
static void
test_random_operations_match_a_linear_model(void **state)
{
	enum { IDS = 255 * 16 * 3, OPS = 200000 };
	struct carp_timers t;
	uint64_t *model = malloc(IDS * sizeof(*model));
	uint64_t now = 0;

	(void)state;
	assert_non_null(model);
	srand(12345);
	assert_int_equal(carp_timers_init(&t, IDS), 0);
	for (uint32_t i = 0; i < IDS; i++)
		model[i] = UINT64_MAX;
	for (int op = 0; op < OPS; op++) {
		uint32_t id = (uint32_t)rand() % IDS;
		int what = rand() % 10;

		if (what < 6) {
			uint64_t d = now + (uint64_t)(rand() % 5000);

			carp_timers_arm(&t, id, d);
			model[id] = d;
		} else if (what < 8) {
			carp_timers_cancel(&t, id);
			model[id] = UINT64_MAX;
		} else {
			uint32_t want = CARP_TIMER_NONE, got;

			now += (uint64_t)(rand() % 200);
			for (uint32_t i = 0; i < IDS; i++)
				if (model[i] <= now && (want == CARP_TIMER_NONE || model[i] < model[want]))
					want = i;
			got = carp_timers_pop_expired(&t, now);
			assert_int_equal(got, want);
			if (want != CARP_TIMER_NONE)
				model[want] = UINT64_MAX;
		}
	}
	carp_timers_free(&t);
	free(model);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_set_has_no_deadline),
		cmocka_unit_test(test_timers_fire_in_deadline_order_not_arm_order),
		cmocka_unit_test(test_equal_deadlines_fire_in_id_order),
		cmocka_unit_test(test_rearm_moves_a_timer_later_and_earlier),
		cmocka_unit_test(test_cancel_removes_only_that_timer),
		cmocka_unit_test(test_bad_id_refused),
		cmocka_unit_test(test_random_operations_match_a_linear_model),
	};

	return cmocka_run_group_tests_name("timers", tests, NULL, NULL);
}
