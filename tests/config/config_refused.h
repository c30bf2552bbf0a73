/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_TEST_CONFIG_REFUSED_H
#define CARP_TEST_CONFIG_REFUSED_H

/*
 * For the config tests (after cmocka.h and carp_config.h): config text @p text is refused
 * with exactly one message, at @p where ("line:col") of "<test>", holding @p what.
 */
static inline void
assert_config_refused(const char *text, const char *where, const char *what)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = NULL;
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "<test>:%s: ", where);
	assert_int_equal(carp_config_load_string(text, "<test>", &c, &errs), -EINVAL);
	assert_null(c);
	if (errs.n != 1 || strncmp(errs.v[0].text, prefix, strlen(prefix)) != 0 ||
	    strstr(errs.v[0].text, what) == NULL) {
		fprintf(stderr, "want %s...%s, got:\n", prefix, what);
		carp_config_errors_print(&errs, stderr);
	}
	assert_int_equal(errs.n, 1);
	assert_memory_equal(errs.v[0].text, prefix, strlen(prefix));
	assert_non_null(strstr(errs.v[0].text, what));
	carp_config_errors_free(&errs);
}

#endif
