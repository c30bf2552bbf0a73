/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's neighbour cache: set, update, delete, against a plain array model. */
#include "test_fwd_util.h"

#include <errno.h>
#include <stdlib.h>

#include "fwd_cache.h"

static void
test_set_lookup_update_delete(void **state)
{
	static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
	struct fwd_cache c;

	(void)state;
	assert_int_equal(fwd_cache_init(&c, 4), 0);
	assert_null(fwd_cache_lookup(&c, key(ip4(10, 0, 0, 1))));
	assert_int_equal(fwd_cache_set(&c, key(ip4(10, 0, 0, 1)), a, 1), 0);
	assert_memory_equal(fwd_cache_lookup(&c, key(ip4(10, 0, 0, 1)))->mac, a, 6);
	assert_int_equal(fwd_cache_set(&c, key(ip4(10, 0, 0, 1)), b, 2), 0);
	assert_memory_equal(fwd_cache_lookup(&c, key(ip4(10, 0, 0, 1)))->mac, b, 6);
	assert_int_equal(fwd_cache_lookup(&c, key(ip4(10, 0, 0, 1)))->iface, 2);
	assert_int_equal(c.n, 1);
	assert_int_equal(fwd_cache_set(&c, key(0), a, 0), -EINVAL);
	fwd_cache_del(&c, key(ip4(10, 0, 0, 1)));
	fwd_cache_del(&c, key(ip4(10, 0, 0, 1)));
	assert_null(fwd_cache_lookup(&c, key(ip4(10, 0, 0, 1))));
	assert_int_equal(c.n, 0);
	fwd_cache_free(&c);
}

static void
test_full_cache_refuses_new_entries(void **state)
{
	static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 };
	struct fwd_cache c;

	(void)state;
	assert_int_equal(fwd_cache_init(&c, 3), 0);
	for (uint32_t i = 1; i <= 3; i++)
		assert_int_equal(fwd_cache_set(&c, key(i), a, 0), 0);
	assert_int_equal(fwd_cache_set(&c, key(4), a, 0), -ENOSPC);
	assert_int_equal(fwd_cache_set(&c, key(2), a, 0), 0); /* updates still work */
	fwd_cache_free(&c);
}

static void
test_random_operations_match_a_model(void **state)
{
	enum { KEYS = 512, MAX = 300, OPS = 100000 };
	struct fwd_cache c;
	int model[KEYS]; /* -1 absent, else port */
	unsigned int present = 0;

	(void)state;
	srand(7);
	assert_int_equal(fwd_cache_init(&c, MAX), 0);
	for (int k = 0; k < KEYS; k++)
		model[k] = -1;
	for (int op = 0; op < OPS; op++) {
		int k = rand() % KEYS;
		uint32_t ip = ip4(10, 2, 0, 0) + (uint32_t)k * 3 + 1;
		uint8_t mac[6] = { 2, 0, 0, 0, (uint8_t)(k >> 8), (uint8_t)k };

		if (rand() % 2) {
			int rc = fwd_cache_set(&c, key(ip), mac, (uint16_t)(op % 7));

			if (model[k] < 0 && present == MAX) {
				assert_int_equal(rc, -ENOSPC);
			} else {
				assert_int_equal(rc, 0);
				present += model[k] < 0;
				model[k] = op % 7;
			}
		} else {
			fwd_cache_del(&c, key(ip));
			present -= model[k] >= 0;
			model[k] = -1;
		}
		if (op % 1000 == 0)
			for (int j = 0; j < KEYS; j++) {
				const struct fwd_cache_entry *e =
					fwd_cache_lookup(&c, key(ip4(10, 2, 0, 0) + (uint32_t)j * 3 + 1));

				if (model[j] < 0)
					assert_null(e);
				else
					assert_int_equal(e->iface, model[j]);
			}
	}
	assert_int_equal(c.n, present);
	fwd_cache_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_lookup_update_delete),
		cmocka_unit_test(test_full_cache_refuses_new_entries),
		cmocka_unit_test(test_random_operations_match_a_model),
	};

	return cmocka_run_group_tests_name("fwd_cache", tests, NULL, NULL);
}
