/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_counter.h"

#include <string.h>

void
carp_counter_init(struct carp_counter *c, uint64_t random_start)
{
	memset(c, 0, sizeof(*c));
	c->next = random_start;
}

void
carp_counter_init_node(struct carp_counter *c, uint16_t node_id, uint64_t seq_start)
{
	memset(c, 0, sizeof(*c));
	c->node_ids = true;
	c->node_id = node_id;
	c->next = (uint64_t)node_id << CARP_COUNTER_SEQ_BITS | (seq_start & CARP_COUNTER_SEQ_MASK);
	c->first = c->next;
}

/* With node ids: sent in this run, [first, next) of the sequence, modulo its 48 bits. */
static bool
sent_this_run(const struct carp_counter *c, uint64_t received)
{
	uint64_t off = (received - c->first) & CARP_COUNTER_SEQ_MASK;

	return off < ((c->next - c->first) & CARP_COUNTER_SEQ_MASK);
}

/*
 * Counters only grow (modulo 2^64), so an era's range is "hi - lo forward from lo" and
 * grows at its hi end. The era to give up when a ninth pair is sent is the one last used
 * longest ago: the one whose hi lies furthest behind next.
 */
static struct carp_counter_era *
era_for(struct carp_counter *c, uint8_t advbase, uint8_t advskew, uint64_t v)
{
	struct carp_counter_era *oldest = &c->era[0];

	for (unsigned int i = 0; i < c->n_eras; i++) {
		struct carp_counter_era *e = &c->era[i];

		if (e->advbase == advbase && e->advskew == advskew)
			return e;
		if (v - e->hi > v - oldest->hi)
			oldest = e;
	}
	if (c->n_eras < CARP_COUNTER_ERAS)
		oldest = &c->era[c->n_eras++];
	*oldest = (struct carp_counter_era){ .lo = v, .hi = v, .advbase = advbase,
					     .advskew = advskew };
	return oldest;
}

uint64_t
carp_counter_take(struct carp_counter *c, uint8_t advbase, uint8_t advskew)
{
	uint64_t v = c->next;

	if (c->node_ids) /* the sequence wraps within the node's id, never into another's */
		c->next = (c->next & ~CARP_COUNTER_SEQ_MASK) | ((c->next + 1) & CARP_COUNTER_SEQ_MASK);
	else
		c->next++; /* wraps 2^64-1 -> 0 like ucarp */
	era_for(c, advbase, advskew, v)->hi = v;
	return v;
}

bool
carp_counter_is_own(const struct carp_counter *c, uint64_t received, uint8_t advbase,
		    uint8_t advskew)
{
	if (c->node_ids)
		return carp_counter_node(received) == c->node_id && sent_this_run(c, received);
	for (unsigned int i = 0; i < c->n_eras; i++) {
		const struct carp_counter_era *e = &c->era[i];

		if (e->advbase == advbase && e->advskew == advskew &&
		    received - e->lo <= e->hi - e->lo)
			return true;
	}
	return false;
}

bool
carp_counter_id_clash(const struct carp_counter *c, uint64_t received)
{
	return c->node_ids && carp_counter_node(received) == c->node_id &&
	       !sent_this_run(c, received);
}
