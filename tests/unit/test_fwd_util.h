/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TEST_FWD_UTIL_H
#define TEST_FWD_UTIL_H

/* Helpers shared by the forwarding unit tests. */

#include "fwd_addr.h"
#include "test_util.h"

/* IPv4 address @p ip (host order) as a neighbour key; eight may be live at once. */
static inline const struct fwd_addr *
key(uint32_t ip)
{
	static struct fwd_addr k[8];
	static unsigned int n;

	k[n % 8] = fwd_addr4(ip);
	return &k[n++ % 8];
}

#endif
