/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_neigh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
home(const struct fwd_neigh_table *t, uint32_t ip)
{
	return (uint32_t)(((uint64_t)ip * 0x9e3779b97f4a7c15ull) >> 32) & t->mask;
}

int
fwd_neigh_init(struct fwd_neigh_table *t, uint32_t max, uint32_t hold_max, uint64_t timeout_ns)
{
	uint32_t cap = 16;

	memset(t, 0, sizeof(*t));
	if (hold_max > FWD_NEIGH_HOLD_MAX || max == 0)
		return -EINVAL;
	while (cap < 2 * max)
		cap <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	if (t->e == NULL)
		return -ENOMEM;
	t->mask = cap - 1;
	t->max = max;
	t->hold_max = hold_max;
	t->timeout_ns = timeout_ns;
	return 0;
}

void
fwd_neigh_free(struct fwd_neigh_table *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

struct fwd_neigh *
fwd_neigh_find(const struct fwd_neigh_table *t, uint32_t ip)
{
	for (uint32_t i = home(t, ip), k = 0; k <= t->mask; k++, i = (i + 1) & t->mask) {
		if (t->e[i].state == FWD_NEIGH_FREE)
			return NULL;
		if (t->e[i].ip == ip)
			return &t->e[i];
	}
	return NULL;
}

static struct fwd_neigh *
insert(struct fwd_neigh_table *t, uint32_t ip, uint16_t port, uint8_t state)
{
	uint32_t i = home(t, ip);

	if (t->n == t->max)
		return NULL;
	while (t->e[i].state != FWD_NEIGH_FREE)
		i = (i + 1) & t->mask; /* at most half full: always ends */
	memset(&t->e[i], 0, sizeof(t->e[i]));
	t->e[i].ip = ip;
	t->e[i].port = port;
	t->e[i].state = state;
	t->n++;
	return &t->e[i];
}

/* Backward-shift deletion keeps linear probing correct without tombstones. */
static void
erase(struct fwd_neigh_table *t, struct fwd_neigh *n)
{
	uint32_t hole = (uint32_t)(n - t->e), i = hole;

	for (;;) {
		uint32_t h;

		i = (i + 1) & t->mask;
		if (t->e[i].state == FWD_NEIGH_FREE)
			break;
		h = home(t, t->e[i].ip);
		/* Move e[i] into the hole unless its home lies cyclically in (hole, i]. */
		if (((i - h) & t->mask) >= ((i - hole) & t->mask)) {
			t->e[hole] = t->e[i];
			hole = i;
		}
	}
	memset(&t->e[hole], 0, sizeof(t->e[hole]));
	t->n--;
}

int
fwd_neigh_add_static(struct fwd_neigh_table *t, uint32_t ip, uint16_t port, const uint8_t mac[6])
{
	struct fwd_neigh *n;

	if (fwd_neigh_find(t, ip))
		return -EEXIST;
	n = insert(t, ip, port, FWD_NEIGH_STATIC);
	if (n == NULL)
		return -ENOSPC;
	memcpy(n->mac, mac, 6);
	return 0;
}

int
fwd_neigh_hold(struct fwd_neigh_table *t, uint32_t ip, uint16_t port, void *pkt, uint64_t now,
	       const struct fwd_neigh_ops *ops)
{
	struct fwd_neigh *n = fwd_neigh_find(t, ip);

	if (n && n->state != FWD_NEIGH_INCOMPLETE)
		return -EEXIST; /* resolved while the packet was on its way here */
	if (n == NULL) {
		n = insert(t, ip, port, FWD_NEIGH_INCOMPLETE);
		if (n == NULL)
			return -ENOSPC;
		n->probes = 1;
		n->next_probe = now + FWD_NEIGH_PROBE_NS;
		ops->request(ops->arg, n);
	}
	if (n->n_held >= t->hold_max)
		return -ENOBUFS;
	n->held[n->n_held++] = pkt;
	return 0;
}

void
fwd_neigh_learn(struct fwd_neigh_table *t, uint32_t ip, uint16_t port, const uint8_t mac[6],
		bool create, uint64_t now, const struct fwd_neigh_ops *ops)
{
	struct fwd_neigh *n = fwd_neigh_find(t, ip);
	bool changed;
	unsigned int n_held;

	if (n == NULL) {
		if (!create || (n = insert(t, ip, port, FWD_NEIGH_REACHABLE)) == NULL)
			return;
		changed = true;
	} else if (n->state == FWD_NEIGH_STATIC) {
		return; /* the operator's word wins over the wire's */
	} else {
		changed = n->state == FWD_NEIGH_INCOMPLETE || memcmp(n->mac, mac, 6) != 0 ||
			  n->port != port;
	}
	memcpy(n->mac, mac, 6);
	n->port = port;
	n->state = FWD_NEIGH_REACHABLE;
	n->probes = 0;
	n->expires = now + t->timeout_ns;
	n->next_probe = now + t->timeout_ns - t->timeout_ns / 4; /* refresh before expiry */
	n_held = n->n_held;
	n->n_held = 0;
	if (changed || n_held)
		ops->resolved(ops->arg, n, n->held, n_held);
}

void
fwd_neigh_tick(struct fwd_neigh_table *t, uint64_t now, const struct fwd_neigh_ops *ops)
{
	for (uint32_t i = 0; i <= t->mask; i++) {
		struct fwd_neigh *n = &t->e[i];

		if (n->state != FWD_NEIGH_INCOMPLETE && n->state != FWD_NEIGH_REACHABLE)
			continue;
		if ((n->state == FWD_NEIGH_REACHABLE && now >= n->expires) ||
		    (n->state == FWD_NEIGH_INCOMPLETE && now >= n->next_probe &&
		     n->probes >= FWD_NEIGH_PROBES)) {
			uint32_t ip = n->ip;
			unsigned int n_held = n->n_held;
			void *held[FWD_NEIGH_HOLD_MAX];

			memcpy(held, n->held, n_held * sizeof(held[0]));
			erase(t, n);
			ops->removed(ops->arg, ip, held, n_held);
			i--; /* erase may have shifted another entry into this slot */
			continue;
		}
		if (now >= n->next_probe) {
			n->probes++;
			n->next_probe = now + FWD_NEIGH_PROBE_NS;
			ops->request(ops->arg, n);
		}
	}
}
