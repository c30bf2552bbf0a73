/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_ipv4.h"

#define FWD_STR(e, s, d) [FWD_DROP_##e] = s,
static const char *const drop_names[] = { [FWD_OK] = "ok", FWD_DROP_LIST(FWD_STR) };
#undef FWD_STR

const char *
fwd_drop_name(enum fwd_drop d)
{
	return (unsigned)d < FWD_DROP_COUNT ? drop_names[d] : "?";
}
