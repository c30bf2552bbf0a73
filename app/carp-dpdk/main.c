/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carp-dpdk: EAL arguments, then "--" and the application's own. The configuration is
 * loaded and validated completely before anything else, so a bad file never starts a
 * half-configured node.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_version.h>

#include "carp_config.h"
#include "options.h"

#define EXIT_CONFIG 1 /* the configuration is invalid */
#define EXIT_USAGE 2  /* bad command line */

static int
load_config(const char *path, struct carp_config **cfg)
{
	struct carp_config_errors errs = { 0 };
	int rc = carp_config_load(path, cfg, &errs);

	if (rc) {
		carp_config_errors_print(&errs, stderr);
		fprintf(stderr, "carp-dpdk: %s: configuration not valid, nothing started\n", path);
	}
	carp_config_errors_free(&errs);
	return rc;
}

int
main(int argc, char **argv)
{
	int eal_argc = carp_app_eal_argc(argc, argv);
	int app_argc = eal_argc < argc ? argc - eal_argc - 1 : 0;
	struct carp_app_options opt;
	struct carp_config *cfg = NULL;
	char err[256];

	if (carp_app_options_parse(app_argc, argv + eal_argc + 1, &opt, err, sizeof(err))) {
		fprintf(stderr, "carp-dpdk: %s\n", err);
		carp_app_usage(argv[0], stderr);
		return EXIT_USAGE;
	}
	if (opt.help) {
		carp_app_usage(argv[0], stdout);
		return EXIT_SUCCESS;
	}
	if (opt.version) {
		printf("carp-dpdk %s (%s)\n", CARP_DPDK_VERSION, rte_version());
		return EXIT_SUCCESS;
	}
	if (load_config(opt.config_path, &cfg))
		return EXIT_CONFIG;
	if (opt.check) {
		printf("%s: configuration valid: %u port(s), %u VHID(s)\n", opt.config_path,
		       cfg->n_ports, cfg->n_vhids);
		carp_config_free(cfg);
		return EXIT_SUCCESS;
	}
	carp_config_free(cfg);
	/* The data plane and the control lcore come with the appliance work (issue 3). */
	fprintf(stderr, "carp-dpdk: running a node is not implemented yet; only --check is\n");
	return EXIT_FAILURE;
}
