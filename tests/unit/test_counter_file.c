/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The replay counter file: what store writes, load reads back; a missing file is 0 (first
 * start); anything else than a number is an error, never a silent 0 that would let the
 * counters start low.
 */
#include "test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_counter_file.h"

static void
test_parse_takes_a_number_and_nothing_else(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(ctl_counter_file_parse("1764000000000\n", 14, &v), 0);
	assert_true(v == 1764000000000ull);
	assert_int_equal(ctl_counter_file_parse("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(ctl_counter_file_parse("18446744073709551616", 20, &v), -ERANGE);
	assert_true(v == 0);
	assert_int_equal(ctl_counter_file_parse("12x\n", 4, &v), -EINVAL);
	assert_int_equal(ctl_counter_file_parse("", 0, &v), -EINVAL);
	assert_int_equal(ctl_counter_file_parse("\n", 1, &v), -EINVAL);
	assert_int_equal(ctl_counter_file_parse("12\n\n", 4, &v), -EINVAL);
	assert_int_equal(ctl_counter_file_parse("-1\n", 3, &v), -EINVAL);
}

static void
test_store_then_load_and_a_missing_file(void **state)
{
	char dir[] = "/tmp/carp-counter-XXXXXX", path[64], tmp[80];
	uint64_t v = 1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/counter", dir);
	assert_int_equal(ctl_counter_file_load(path, &v), 0); /* none yet: first start */
	assert_true(v == 0);
	assert_int_equal(ctl_counter_file_store(path, 1764000004194304ull), 0); /* dir made */
	assert_int_equal(ctl_counter_file_load(path, &v), 0);
	assert_true(v == 1764000004194304ull);
	assert_int_equal(ctl_counter_file_store(path, 5), 0); /* replaced whole */
	assert_int_equal(ctl_counter_file_load(path, &v), 0);
	assert_true(v == 5);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	assert_int_equal(access(tmp, F_OK), -1); /* no temporary left behind */
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s/sub", dir);
	rmdir(tmp);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_takes_a_number_and_nothing_else),
		cmocka_unit_test(test_store_then_load_and_a_missing_file),
	};

	return cmocka_run_group_tests_name("counter_file", tests, NULL, NULL);
}
