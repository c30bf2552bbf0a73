/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

/* Helpers shared by the protocol unit tests. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Parse "c0 d3 25..." or "c0d325..." into @p out; returns the byte count. */
static inline size_t
hex_to_bytes(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*hex && n < cap) {
		while (*hex == ' ' || *hex == '\n')
			hex++;
		if (!*hex || sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static inline void
assert_hex_equal(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[512];
	size_t n = hex_to_bytes(want_hex, want, sizeof(want));

	assert_int_equal(n, len);
	assert_memory_equal(got, want, len);
}

static inline uint32_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

#endif
