/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_ENGINE_H
#define CARP_ENGINE_H

/**
 * @file
 * The state machines of every VHID of a node together with their timers: the glue between
 * carp_fsm (which only asks for timers) and carp_timers (which only keeps deadlines).
 * Still pure: the caller passes `now` and receives the I/O actions (send advert, send
 * gratuitous ARP, transition) through a callback. The control lcore drives one engine;
 * the unit tests drive several on a fake clock and a fake wire.
 */

#include <stdint.h>

#include "carp_fsm.h"
#include "carp_timers.h"

/** Receives each action that needs I/O or publication, for VHID index @p idx. */
typedef void (*carp_engine_output_fn)(void *arg, uint32_t idx, const struct carp_action *a);

struct carp_engine {
	struct carp_fsm *fsm; /* one per VHID, indexed 0 .. n - 1 */
	uint32_t n;
	struct carp_timers timers; /* id = idx * CARP_TIMER_KINDS + kind */
	carp_engine_output_fn output;
	void *arg;
};

/** Allocate @p n state machines in INIT from @p cfg[]. Returns 0 or -ENOMEM. */
int carp_engine_init(struct carp_engine *e, const struct carp_fsm_config *cfg, uint32_t n,
		     carp_engine_output_fn output, void *arg);

/** Free everything. */
void carp_engine_free(struct carp_engine *e);

/** Start VHID @p idx (link state as given). */
void carp_engine_start(struct carp_engine *e, uint32_t idx, bool link_up, uint64_t now);

/** Feed an accepted advert to VHID @p idx. */
void carp_engine_advert(struct carp_engine *e, uint32_t idx, const struct carp_fsm_advert *ad,
			uint64_t now);

/** Link of VHID @p idx's port changed. */
void carp_engine_link(struct carp_engine *e, uint32_t idx, bool up, uint64_t now);

/** Set the node demotion count on every VHID. */
void carp_engine_demote(struct carp_engine *e, unsigned int demote, uint64_t now);

/** Orderly stop of every VHID (bow-out adverts from masters). */
void carp_engine_shutdown(struct carp_engine *e, uint64_t now);

/** Fire every timer due at @p now. Returns the number fired. */
unsigned int carp_engine_run_timers(struct carp_engine *e, uint64_t now);

/** Earliest armed deadline, or UINT64_MAX. */
uint64_t carp_engine_next_deadline(const struct carp_engine *e);

/** Carry out a list of actions produced by carp_fsm_* for VHID @p idx. */
void carp_engine_dispatch(struct carp_engine *e, uint32_t idx, const struct carp_actions *acts);

#endif
