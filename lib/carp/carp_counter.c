/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_counter.h"

#include <string.h>

void
carp_counter_init(struct carp_counter *c, uint64_t random_start)
{
	memset(c, 0, sizeof(*c));
	c->next = random_start;
}

uint64_t
carp_counter_take(struct carp_counter *c, uint8_t advbase, uint8_t advskew)
{
	uint64_t v = c->next++; /* wraps 2^64-1 -> 0 like ucarp */

	c->sent[c->pos] = (struct carp_counter_sent){ v, advbase, advskew };
	c->pos = (c->pos + 1) % CARP_COUNTER_HISTORY;
	if (c->n_sent < CARP_COUNTER_HISTORY)
		c->n_sent++;
	return v;
}

bool
carp_counter_is_own(const struct carp_counter *c, uint64_t received, uint8_t advbase,
		    uint8_t advskew)
{
	for (unsigned int i = 0; i < c->n_sent; i++)
		if (c->sent[i].counter == received && c->sent[i].advbase == advbase &&
		    c->sent[i].advskew == advskew)
			return true;
	return false;
}
