/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_APP_STARTUP_H
#define CARP_APP_STARTUP_H

/**
 * @file
 * Bringing a node up after the EAL: devices from the config, the mbuf pool, ports with
 * their capabilities, the data-plane lcores and their rings, the control state. Every
 * failure says what to change.
 */

#include "carp_config.h"
#include "ctl.h"

struct app_node {
	struct ctl_node ctl;
	struct dp_shared *sh;
	struct rte_mempool *mp;
	struct dp_lcore *lcores; /* [0 .. n_workers-1] workers, [n_workers] control */
	struct dp_lcore **workers;
	unsigned int n_workers;
	bool ctl_ready;
	struct dp_icmp icmp; /* the node's ICMP error rate, shared by all lcores */
};

/** Bring the node up; returns 0 or -1 after printing the reason. */
int app_node_start(struct app_node *a, const struct carp_config *cfg);

/** Launch the workers on their lcores. */
void app_node_launch(struct app_node *a);

/** Stop the workers, ports and free everything. */
void app_node_stop(struct app_node *a);

#endif
