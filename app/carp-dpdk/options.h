/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_APP_OPTIONS_H
#define CARP_APP_OPTIONS_H

/**
 * @file
 * carp-dpdk's own command line, the part after EAL's "--". Parsed before the EAL starts so
 * that --help, --version and --check never touch a port or a hugepage.
 */

#include <stdbool.h>
#include <stddef.h>

struct carp_app_options {
	const char *config_path; /* -c FILE / --config FILE */
	bool check;              /* --check: validate the config and exit */
	bool help;
	bool version;
};

/** Index of the "--" that ends EAL's arguments, or @p argc when there is none. */
int carp_app_eal_argc(int argc, char **argv);

/**
 * Parse the application's arguments @p argv[0 .. argc-1] (without the program name).
 * @return 0, or -EINVAL with a one-line explanation in @p err.
 */
int carp_app_options_parse(int argc, char **argv, struct carp_app_options *o, char *err,
			   size_t errlen);

/** Print the usage text. */
void carp_app_usage(const char *prog, void *fp);

#endif
