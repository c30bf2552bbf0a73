/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_EAL_TEST_H
#define CARP_EAL_TEST_H

/* The EAL of a component test: started with its own file prefix, and its runtime
 * directory (/var/run/dpdk/<prefix>) removed again at the end, so runs leave nothing. */

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>

static inline int
eal_test_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* rte_eal_cleanup, then the runtime directory. */
static inline void
eal_test_cleanup(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0] && strstr(dir, "/dpdk/") != NULL)
		nftw(dir, eal_test_rm, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
