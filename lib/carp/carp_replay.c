/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_replay.h"

#include <string.h>

#include "carp_counter.h"

void
carp_replay_init(struct carp_replay *r)
{
	memset(r, 0, sizeof(*r));
}

bool
carp_replay_accept(struct carp_replay *r, uint64_t counter, int family)
{
	uint16_t id = carp_counter_node(counter);
	struct carp_replay_peer *free_slot = NULL;

	for (unsigned int i = 0; i < CARP_REPLAY_PEERS; i++) {
		struct carp_replay_peer *p = &r->peer[i];

		if (!p->valid) {
			if (free_slot == NULL)
				free_slot = p;
			continue;
		}
		if (p->node_id == id && p->family == family) {
			/* One node's counters share the id: compare the sequences. */
			if (carp_counter_seq(counter) <= carp_counter_seq(p->highest))
				return false;
			p->highest = counter;
			return true;
		}
	}
	/* A known node is never forgotten to make room: a forgotten node's old adverts would
	 * be accepted again. A ninth node is refused instead. */
	if (free_slot == NULL)
		return false;
	*free_slot = (struct carp_replay_peer){ .highest = counter, .node_id = id,
						.family = (uint8_t)family, .valid = true };
	return true;
}

uint64_t
carp_replay_seq_start(uint64_t now_ms, uint64_t saved)
{
	uint64_t s = now_ms > saved ? now_ms : saved + 1;

	return s & CARP_COUNTER_SEQ_MASK;
}
