/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CTL_PUBLISH_H
#define CARP_CTL_PUBLISH_H

/**
 * @file
 * Keeping every worker's view (which VHIDs are MASTER, which neighbours are where) equal to
 * the control lcore's, which is the truth. Updates travel as 28-byte messages on one
 * single-producer ring per worker. Nothing is ever lost:
 *
 * - neighbour updates are coalesced per control pass: a neighbour that changed several
 *   times is sent once, with its state at the end of the pass;
 * - when a worker's ring is full (a stalled worker), the update is not dropped: the worker
 *   is marked for a resync, and once its ring has room for everything, it gets a RESET
 *   and the whole current view (every MASTER flag, every neighbour) in one bulk enqueue,
 *   which becomes visible to the worker at once (one tail update): a worker drains its
 *   ring before it polls again, so it never acts on half a view. After that its view
 *   equals the control lcore's again. Every update that waited is counted.
 *
 * The control lcore is the only writer of all of this.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dp.h"

struct ctl_pub_worker {
	bool resync;       /* an update did not fit: send the whole view when there is room */
	uint64_t delayed;  /* updates that could not be sent at once (ring full, resyncing) */
	uint64_t resyncs;  /* whole views sent */
};

struct ctl_pub {
	struct dp_lcore *self;     /* the control lcore's own view: the truth */
	struct dp_lcore **workers;
	unsigned int n_workers;
	struct ctl_pub_worker *w;  /* one per worker */
	struct fwd_addr *pending;  /* neighbours changed in this pass, in order */
	uint32_t n_pending;
	struct fwd_addr *seen;     /* open-addressing set over pending (::, free slot) */
	uint32_t seen_mask;
	uint64_t coalesced;        /* neighbour updates folded into a later one of the pass */
	struct dp_msg *view;       /* room for a whole view: RESET, every flag, every neighbour */
	uint32_t view_cap;
};

/** Set up for @p n workers; @p self is the control lcore's view. Returns 0 or -ENOMEM. */
int ctl_pub_init(struct ctl_pub *p, struct dp_lcore *self, struct dp_lcore **workers,
		 unsigned int n);

void ctl_pub_free(struct ctl_pub *p);

/** VHID @p idx is now MASTER here (or not): applied to self, sent to every worker. */
void ctl_pub_master(struct ctl_pub *p, uint16_t idx, bool master);

/** Neighbour @p ip is at @p mac on interface @p iface: applied to self, sent at the next flush. */
void ctl_pub_neigh_set(struct ctl_pub *p, const struct fwd_addr *ip, const uint8_t mac[6],
		       uint16_t iface);

/** Neighbour @p ip is gone: applied to self, sent at the next flush. */
void ctl_pub_neigh_del(struct ctl_pub *p, const struct fwd_addr *ip);

/** End of a control pass: send the coalesced neighbours, resync workers that have room. */
void ctl_pub_flush(struct ctl_pub *p);

/** True when nothing waits: every worker has (or will have, once it drains) self's view. */
bool ctl_pub_idle(const struct ctl_pub *p);

#endif
