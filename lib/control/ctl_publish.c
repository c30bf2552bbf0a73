/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_publish.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Neighbours a pass may change before the pending set is flushed early. */
#define PENDING_MAX 256

int
ctl_pub_init(struct ctl_pub *p, struct dp_lcore *self, struct dp_lcore **workers,
	     unsigned int n)
{
	memset(p, 0, sizeof(*p));
	p->self = self;
	p->workers = workers;
	p->n_workers = n;
	p->w = calloc(n ? n : 1, sizeof(*p->w));
	p->pending = calloc(PENDING_MAX, sizeof(*p->pending));
	p->seen = calloc(2 * PENDING_MAX, sizeof(*p->seen));
	p->seen_mask = 2 * PENDING_MAX - 1;
	p->view_cap = 1 + self->sh->n_vhids + self->neigh.max;
	p->view = calloc(p->view_cap, sizeof(*p->view));
	if (!p->w || !p->pending || !p->seen || !p->view) {
		ctl_pub_free(p);
		return -ENOMEM;
	}
	return 0;
}

void
ctl_pub_free(struct ctl_pub *p)
{
	free(p->w);
	free(p->pending);
	free(p->seen);
	free(p->view);
	p->w = NULL;
	p->pending = p->seen = NULL;
	p->view = NULL;
}

/* Send @p msg to worker @p i, or mark it for a resync (which will carry the update). */
static void
send_one(struct ctl_pub *p, unsigned int i, struct dp_msg *msg)
{
	struct ctl_pub_worker *w = &p->w[i];

	if (w->resync || rte_ring_enqueue_elem(p->workers[i]->msgs, msg, sizeof(*msg)) != 0) {
		w->resync = true;
		w->delayed++;
	}
}

static void
send_all(struct ctl_pub *p, struct dp_msg *msg)
{
	for (unsigned int i = 0; i < p->n_workers; i++)
		send_one(p, i, msg);
}

void
ctl_pub_master(struct ctl_pub *p, uint16_t idx, bool master)
{
	struct dp_msg msg = { .type = DP_MSG_MASTER, .idx = idx, .flag = master };

	dp_apply_msg(p->self, &msg);
	send_all(p, &msg);
}

/* The message that tells a worker self's current view of neighbour @p ip. */
static struct dp_msg
neigh_msg(const struct ctl_pub *p, const struct fwd_addr *ip)
{
	const struct fwd_cache_entry *e = fwd_cache_lookup(&p->self->neigh, ip);
	struct dp_msg msg = { .type = DP_MSG_NEIGH_DEL, .ip = *ip };

	if (e != NULL) {
		msg.type = DP_MSG_NEIGH_SET;
		msg.iface = e->iface;
		memcpy(msg.mac, e->mac, 6);
	}
	return msg;
}

static void
send_pending(struct ctl_pub *p)
{
	for (uint32_t k = 0; k < p->n_pending; k++) {
		struct dp_msg msg = neigh_msg(p, &p->pending[k]);

		send_all(p, &msg);
	}
	p->n_pending = 0;
	memset(p->seen, 0, (p->seen_mask + 1) * sizeof(*p->seen));
}

/* Note that @p ip changed in this pass; its final state is sent at the flush. */
static void
mark_pending(struct ctl_pub *p, const struct fwd_addr *ip)
{
	uint32_t i = fwd_addr_home(ip, p->seen_mask);

	while (!fwd_addr_is_zero(&p->seen[i])) {
		if (fwd_addr_eq(&p->seen[i], ip)) {
			p->coalesced++;
			return;
		}
		i = (i + 1) & p->seen_mask;
	}
	if (p->n_pending == PENDING_MAX) {
		send_pending(p); /* a busy pass: send what is there, start over */
		mark_pending(p, ip);
		return;
	}
	p->seen[i] = *ip;
	p->pending[p->n_pending++] = *ip;
}

void
ctl_pub_neigh_set(struct ctl_pub *p, const struct fwd_addr *ip, const uint8_t mac[6],
		  uint16_t iface)
{
	struct dp_msg msg = { .type = DP_MSG_NEIGH_SET, .ip = *ip, .iface = iface };

	memcpy(msg.mac, mac, 6);
	dp_apply_msg(p->self, &msg);
	mark_pending(p, ip); /* :: is never a neighbour, so it can mark a free slot */
}

void
ctl_pub_neigh_del(struct ctl_pub *p, const struct fwd_addr *ip)
{
	dp_apply_msg(p->self, &(struct dp_msg){ .type = DP_MSG_NEIGH_DEL, .ip = *ip });
	mark_pending(p, ip);
}

/*
 * Worker @p i gets RESET and then the whole view, all in one bulk enqueue (all or nothing,
 * visible at once), or nothing yet: half a view would leave it wrong with nobody knowing.
 */
static void
resync(struct ctl_pub *p, unsigned int i)
{
	const struct dp_lcore *self = p->self;
	const struct fwd_cache *c = &self->neigh;
	uint32_t n = 0;

	p->view[n++] = (struct dp_msg){ .type = DP_MSG_RESET };
	for (uint16_t v = 0; v < self->sh->n_vhids; v++)
		p->view[n++] = (struct dp_msg){ .type = DP_MSG_MASTER, .idx = v,
						.flag = self->master[v] };
	for (uint32_t k = 0; k <= c->mask && n < p->view_cap; k++) {
		if (fwd_addr_is_zero(&c->e[k].ip))
			continue;
		p->view[n] = (struct dp_msg){ .type = DP_MSG_NEIGH_SET, .ip = c->e[k].ip,
					      .iface = c->e[k].iface };
		memcpy(p->view[n++].mac, c->e[k].mac, 6);
	}
	if (rte_ring_enqueue_bulk_elem(p->workers[i]->msgs, p->view, sizeof(p->view[0]), n,
				       NULL) != n)
		return; /* no room yet: the next flush tries again */
	p->w[i].resync = false;
	p->w[i].resyncs++;
}

void
ctl_pub_flush(struct ctl_pub *p)
{
	if (p->n_pending)
		send_pending(p);
	for (unsigned int i = 0; i < p->n_workers; i++)
		if (p->w[i].resync)
			resync(p, i);
}

bool
ctl_pub_idle(const struct ctl_pub *p)
{
	if (p->n_pending)
		return false;
	for (unsigned int i = 0; i < p->n_workers; i++)
		if (p->w[i].resync)
			return false;
	return true;
}
