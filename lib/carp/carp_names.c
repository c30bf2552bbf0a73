/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_names.h"

#define CARP_STR2(e, s) [CARP_STATE_##e] = s,
static const char *const state_names[] = { CARP_STATE_LIST(CARP_STR2) };
#undef CARP_STR2

#define CARP_STR3(e, s, d) [CARP_DROP_##e] = s,
static const char *const drop_names[] = { [CARP_DROP_NONE] = "ok", CARP_DROP_LIST(CARP_STR3) };
#undef CARP_STR3

#define CARP_EXPLAIN(e, s, d) [CARP_DROP_##e] = d,
static const char *const drop_explains[] = {
	[CARP_DROP_NONE] = "accepted",
	CARP_DROP_LIST(CARP_EXPLAIN)
};
#undef CARP_EXPLAIN

#define CARP_STR2(e, s) [CARP_REASON_##e] = s,
static const char *const reason_names[] = { CARP_REASON_LIST(CARP_STR2) };
#undef CARP_STR2

const char *
carp_state_name(enum carp_state s)
{
	return (unsigned)s < CARP_STATE_COUNT ? state_names[s] : "?";
}

const char *
carp_drop_name(enum carp_drop d)
{
	return (unsigned)d < CARP_DROP_COUNT ? drop_names[d] : "?";
}

const char *
carp_drop_explain(enum carp_drop d)
{
	return (unsigned)d < CARP_DROP_COUNT ? drop_explains[d] : "?";
}

const char *
carp_reason_name(enum carp_reason r)
{
	return (unsigned)r < CARP_REASON_COUNT ? reason_names[r] : "?";
}
