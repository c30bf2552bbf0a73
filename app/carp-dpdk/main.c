/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carp-dpdk: EAL arguments, then "--" and the application's own. The configuration is
 * loaded and validated completely before anything else, so a bad file never starts a
 * half-configured node.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_version.h>

#include "carp_config.h"
#include "options.h"
#include "startup.h"

#define EXIT_CONFIG 1 /* the configuration is invalid */
#define EXIT_USAGE 2  /* bad command line */
#define EXIT_START 3  /* the EAL, a port or memory could not be set up */

static volatile int quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1; /* the control loop notices, bows out and returns */
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static int
run_node(int eal_argc, char **argv, const struct carp_config *cfg)
{
	struct app_node node;
	int rc;

	if (rte_eal_init(eal_argc, argv) < 0) {
		fprintf(stderr, "carp-dpdk: EAL initialisation failed (%s); see the EAL lines "
			"above: another process with the same --file-prefix, or too little memory?\n",
			rte_errno ? rte_strerror(rte_errno) : "no detail");
		return EXIT_START;
	}
	/* Config levels are syslog's 0..7; DPDK's RTE_LOG_* are the same plus one. */
	rte_log_set_level(carp_logtype, cfg->global.log_level + 1);
	install_signals();
	if (app_node_start(&node, cfg) != 0) {
		app_node_stop(&node);
		rte_eal_cleanup();
		return EXIT_START;
	}
	app_node_launch(&node);
	rc = ctl_run(&node.ctl, &quit);
	app_node_stop(&node);
	rte_eal_cleanup();
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

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
	int rc;

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
		printf("%s: configuration valid: %u port(s), %u VHID(s)", opt.config_path,
		       cfg->n_ports, cfg->n_vhids);
		if (cfg->filter)
			printf(", a filter of %u rule(s)", cfg->filter->n_rules);
		printf("\n");
		carp_config_free(cfg);
		return EXIT_SUCCESS;
	}
	rc = run_node(eal_argc, argv, cfg);
	carp_config_free(cfg);
	return rc;
}
