/* SPDX-License-Identifier: BSD-3-Clause */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
carp_app_eal_argc(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

int
carp_app_options_parse(int argc, char **argv, struct carp_app_options *o, char *err,
		       size_t errlen)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 == argc) {
				snprintf(err, errlen, "option '%s' needs a file name", a);
				return -EINVAL;
			}
			o->config_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			o->config_path = a + 9;
		} else if (strcmp(a, "--check") == 0) {
			o->check = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			o->help = true;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			o->version = true;
		} else {
			snprintf(err, errlen, "unknown option '%s'; valid: -c FILE, --check, --help, "
				 "--version", a);
			return -EINVAL;
		}
	}
	if (!o->help && !o->version && (o->config_path == NULL || o->config_path[0] == '\0')) {
		snprintf(err, errlen, "no configuration given; use -c FILE");
		return -EINVAL;
	}
	return 0;
}

void
carp_app_usage(const char *prog, void *fp)
{
	fprintf(fp,
		"Usage: %s [EAL options] -- -c FILE [--check]\n"
		"       %s -- --help | --version\n"
		"\n"
		"CARP (Common Address Redundancy Protocol) on DPDK.\n"
		"\n"
		"  -c, --config FILE  the node's YAML configuration (see docs/CONFIG.md)\n"
		"      --check        validate FILE and exit: 0 when valid, 1 with\n"
		"                     file:line:col messages when not; touches no port\n"
		"  -h, --help         this text\n"
		"  -V, --version      print the version and exit\n"
		"\n"
		"Example: %s -l 0-3 -- -c /etc/carp-dpdk/carp.yaml\n",
		prog, prog, prog);
}
