/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_engine.h"

#include <errno.h>
#include <stdlib.h>

int
carp_engine_init(struct carp_engine *e, const struct carp_fsm_config *cfg, uint32_t n,
		 carp_engine_output_fn output, void *arg)
{
	int rc;

	e->n = n;
	e->output = output;
	e->arg = arg;
	e->fsm = calloc(n ? n : 1, sizeof(*e->fsm));
	if (e->fsm == NULL)
		return -ENOMEM;
	rc = carp_timers_init(&e->timers, n * CARP_TIMER_KINDS);
	if (rc) {
		free(e->fsm);
		e->fsm = NULL;
		return rc;
	}
	for (uint32_t i = 0; i < n; i++)
		carp_fsm_init(&e->fsm[i], &cfg[i]);
	return 0;
}

void
carp_engine_free(struct carp_engine *e)
{
	carp_timers_free(&e->timers);
	free(e->fsm);
	e->fsm = NULL;
	e->n = 0;
}

void
carp_engine_dispatch(struct carp_engine *e, uint32_t idx, const struct carp_actions *acts)
{
	for (unsigned int i = 0; i < acts->n; i++) {
		const struct carp_action *a = &acts->a[i];
		uint32_t id = idx * CARP_TIMER_KINDS + (uint32_t)a->timer.kind;

		switch (a->type) {
		case CARP_ACT_ARM_TIMER:
			carp_timers_arm(&e->timers, id, a->timer.deadline);
			break;
		case CARP_ACT_CANCEL_TIMER:
			carp_timers_cancel(&e->timers, id);
			break;
		default:
			if (e->output)
				e->output(e->arg, idx, a);
			break;
		}
	}
}

void
carp_engine_start(struct carp_engine *e, uint32_t idx, bool link_up, uint64_t now)
{
	struct carp_actions acts = { 0 };

	carp_fsm_start(&e->fsm[idx], link_up, now, &acts);
	carp_engine_dispatch(e, idx, &acts);
}

void
carp_engine_advert(struct carp_engine *e, uint32_t idx, const struct carp_fsm_advert *ad,
		   uint64_t now)
{
	struct carp_actions acts = { 0 };

	carp_fsm_advert(&e->fsm[idx], ad, now, &acts);
	carp_engine_dispatch(e, idx, &acts);
}

void
carp_engine_link(struct carp_engine *e, uint32_t idx, bool up, uint64_t now)
{
	struct carp_actions acts = { 0 };

	carp_fsm_link(&e->fsm[idx], up, now, &acts);
	carp_engine_dispatch(e, idx, &acts);
}

void
carp_engine_demote(struct carp_engine *e, unsigned int demote, uint64_t now)
{
	for (uint32_t i = 0; i < e->n; i++) {
		struct carp_actions acts = { 0 };

		carp_fsm_demote(&e->fsm[i], demote, now, &acts);
		carp_engine_dispatch(e, i, &acts);
	}
}

void
carp_engine_shutdown(struct carp_engine *e, uint64_t now)
{
	for (uint32_t i = 0; i < e->n; i++) {
		struct carp_actions acts = { 0 };

		carp_fsm_shutdown(&e->fsm[i], now, &acts);
		carp_engine_dispatch(e, i, &acts);
	}
}

unsigned int
carp_engine_run_timers(struct carp_engine *e, uint64_t now)
{
	unsigned int fired = 0;
	uint32_t id;

	while ((id = carp_timers_pop_expired(&e->timers, now)) != CARP_TIMER_NONE) {
		struct carp_actions acts = { 0 };
		uint32_t idx = id / CARP_TIMER_KINDS;

		carp_fsm_timer(&e->fsm[idx], (enum carp_timer_kind)(id % CARP_TIMER_KINDS), now,
			       &acts);
		carp_engine_dispatch(e, idx, &acts);
		fired++;
	}
	return fired;
}

uint64_t
carp_engine_next_deadline(const struct carp_engine *e)
{
	return carp_timers_next(&e->timers);
}
