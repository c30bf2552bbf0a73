/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_timers.h"

#include <errno.h>
#include <stdlib.h>

static bool
earlier(const struct carp_timer_slot *a, const struct carp_timer_slot *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->id < b->id);
}

static void
place(struct carp_timers *t, uint32_t i, struct carp_timer_slot s)
{
	t->heap[i] = s;
	t->pos[s.id] = i;
}

static void
sift_up(struct carp_timers *t, uint32_t i)
{
	struct carp_timer_slot s = t->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!earlier(&s, &t->heap[parent]))
			break;
		place(t, i, t->heap[parent]);
		i = parent;
	}
	place(t, i, s);
}

static void
sift_down(struct carp_timers *t, uint32_t i)
{
	struct carp_timer_slot s = t->heap[i];

	for (;;) {
		uint32_t child = 2 * i + 1;

		if (child >= t->n)
			break;
		if (child + 1 < t->n && earlier(&t->heap[child + 1], &t->heap[child]))
			child++;
		if (!earlier(&t->heap[child], &s))
			break;
		place(t, i, t->heap[child]);
		i = child;
	}
	place(t, i, s);
}

int
carp_timers_init(struct carp_timers *t, uint32_t max_ids)
{
	t->n = 0;
	t->max_ids = max_ids;
	t->heap = calloc(max_ids ? max_ids : 1, sizeof(*t->heap));
	t->pos = malloc((max_ids ? max_ids : 1) * sizeof(*t->pos));
	if (!t->heap || !t->pos) {
		carp_timers_free(t);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < max_ids; i++)
		t->pos[i] = CARP_TIMER_NONE;
	return 0;
}

void
carp_timers_free(struct carp_timers *t)
{
	free(t->heap);
	free(t->pos);
	t->heap = NULL;
	t->pos = NULL;
	t->n = t->max_ids = 0;
}

int
carp_timers_arm(struct carp_timers *t, uint32_t id, uint64_t deadline)
{
	uint32_t i;

	if (id >= t->max_ids)
		return -EINVAL;
	i = t->pos[id];
	if (i == CARP_TIMER_NONE) {
		i = t->n++;
		place(t, i, (struct carp_timer_slot){ .deadline = deadline, .id = id });
		sift_up(t, i);
		return 0;
	}
	t->heap[i].deadline = deadline;
	sift_up(t, i);
	sift_down(t, t->pos[id]);
	return 0;
}

static void
remove_at(struct carp_timers *t, uint32_t i)
{
	struct carp_timer_slot moved;

	t->pos[t->heap[i].id] = CARP_TIMER_NONE;
	if (--t->n == i)
		return;
	/* Fill the hole with the last slot, which may belong above or below it. */
	moved = t->heap[t->n];
	place(t, i, moved);
	sift_up(t, i);
	sift_down(t, t->pos[moved.id]);
}

void
carp_timers_cancel(struct carp_timers *t, uint32_t id)
{
	if (id < t->max_ids && t->pos[id] != CARP_TIMER_NONE)
		remove_at(t, t->pos[id]);
}

bool
carp_timers_armed(const struct carp_timers *t, uint32_t id, uint64_t *deadline)
{
	if (id >= t->max_ids || t->pos[id] == CARP_TIMER_NONE)
		return false;
	if (deadline)
		*deadline = t->heap[t->pos[id]].deadline;
	return true;
}

uint64_t
carp_timers_next(const struct carp_timers *t)
{
	return t->n ? t->heap[0].deadline : UINT64_MAX;
}

uint32_t
carp_timers_pop_expired(struct carp_timers *t, uint64_t now)
{
	uint32_t id;

	if (t->n == 0 || t->heap[0].deadline > now)
		return CARP_TIMER_NONE;
	id = t->heap[0].id;
	remove_at(t, 0);
	return id;
}
