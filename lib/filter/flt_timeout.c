/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "flt_timeout.h"

#define NAME(e, s, d) s,
static const char *const names[FLT_TO_COUNT] = { FLT_TIMEOUT_LIST(NAME) };
#undef NAME
#define DEFAULT(e, s, d) d,
static const uint32_t defaults[FLT_TO_COUNT] = { FLT_TIMEOUT_LIST(DEFAULT) };
#undef DEFAULT

void
flt_timeouts_default(struct flt_timeouts *t, uint32_t state_limit)
{
	memcpy(t->sec, defaults, sizeof(t->sec));
	/* pfctl: adaptive.start 60 % and adaptive.end 120 % of the state limit. */
	t->adaptive_start = (uint32_t)((uint64_t)state_limit * 6 / 10);
	t->adaptive_end = (uint32_t)((uint64_t)state_limit * 12 / 10);
}

const char *
flt_timeout_name(enum flt_timeout t)
{
	return (unsigned int)t < FLT_TO_COUNT ? names[t] : "?";
}

enum flt_timeout
flt_timeout_by_name(const char *name)
{
	for (unsigned int i = 0; i < FLT_TO_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return (enum flt_timeout)i;
	return FLT_TO_COUNT;
}

uint64_t
flt_timeout_ns(const struct flt_timeouts *t, enum flt_timeout c, uint32_t states)
{
	uint64_t ns = (uint64_t)t->sec[c] * 1000000000ull;

	if (t->adaptive_end == 0 || states <= t->adaptive_start)
		return ns;
	if (states >= t->adaptive_end)
		return 0;
	/* Divided first, so nothing overflows; what is lost is under a nanosecond per
	 * state of the range. */
	return ns / (t->adaptive_end - t->adaptive_start) * (t->adaptive_end - states);
}
