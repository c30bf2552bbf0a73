/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CTL_SYNC_H
#define CARP_CTL_SYNC_H

/**
 * @file
 * The pair's state sync on the control lcore (ctl_sync.c): lib/sync's engine on the
 * filter's table, the sync link and CARP's demotion.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_telemetry.h>

#include "sync_engine.h"

struct ctl_node;

/* Defer mode: first packets the control lcore holds at once (pfsync's bound); when full,
 * the oldest goes on. */
#define CTL_SYNC_DEFER_MAX 128

/** From cfg->sync (nothing without): 0, or a negative errno. After the filter exists. */
int ctl_sync_init(struct ctl_node *n);

void ctl_sync_free(struct ctl_node *n);

/** Whether @p m, handed over on the CARP path, is a sync datagram (UDP). */
bool ctl_sync_frame(const struct ctl_node *n, const struct rte_mbuf *m);

/** A sync datagram received on interface @p iface; frees @p m. */
void ctl_sync_input(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m);

/** The sync link's link state may have changed (after the ports' link poll). */
void ctl_sync_link(struct ctl_node *n);

/** A control pass: the lcores' changes, then the engine's due work. */
void ctl_sync_tick(struct ctl_node *n);

/** What sync adds to the node's demotion now. */
unsigned int ctl_sync_demotion(const struct ctl_node *n);

/** The engine's counters (NULL without sync), its bulk state and the bad frames. */
const struct sync_stats *ctl_sync_stats(const struct ctl_node *n, enum sync_bulk_state *bulk,
					uint64_t *bad);

/** /carp/sync: the engine's counters, its bulk state, the demotion it adds. */
int ctl_sync_show(struct ctl_node *n, const char *params, struct rte_tel_data *d);

#endif
