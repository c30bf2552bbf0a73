/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_neigh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S (1000 * 1000 * 1000ull)

#define FWD_STR(e, s, d) [FWD_ARP_##e] = s,
static const char *const arp_names[] = { FWD_ARP_LIST(FWD_STR) };
#undef FWD_STR
#define FWD_STR(e, s, d) [FWD_HOLD_##e] = s,
static const char *const hold_names[] = { FWD_HOLD_LIST(FWD_STR) };
#undef FWD_STR

const char *
fwd_arp_name(enum fwd_arp a)
{
	return (unsigned int)a < FWD_ARP_COUNT ? arp_names[a] : "?";
}

const char *
fwd_hold_name(enum fwd_hold_refusal h)
{
	return (unsigned int)h < FWD_HOLD_COUNT ? hold_names[h] : "?";
}

static uint32_t
home(const struct fwd_neigh_table *t, const struct fwd_addr *ip)
{
	return fwd_addr_home(ip, t->mask);
}

int
fwd_neigh_init(struct fwd_neigh_table *t, const struct fwd_neigh_params *p)
{
	uint32_t cap = 16;

	memset(t, 0, sizeof(*t));
	if (p->hold_per_entry > FWD_NEIGH_HOLD_MAX || p->max == 0 || p->max > (1u << 30))
		return -EINVAL;
	while (cap < 2 * p->max)
		cap <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	if (t->e == NULL)
		return -ENOMEM;
	t->mask = cap - 1;
	t->max = p->max;
	t->hold_max = p->hold_per_entry;
	t->hold_total = p->hold_total;
	t->timeout_ns = p->timeout_ns;
	if (p->resolve_rate) {
		/* A second's worth of resolutions at once, then resolve_rate per second. */
		t->resolve_interval_ns = NS_PER_S / p->resolve_rate;
		t->resolve_tolerance_ns = (p->resolve_rate - 1) * t->resolve_interval_ns;
	}
	return 0;
}

void
fwd_neigh_free(struct fwd_neigh_table *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

struct fwd_neigh *
fwd_neigh_find(const struct fwd_neigh_table *t, const struct fwd_addr *ip)
{
	for (uint32_t i = home(t, ip), k = 0; k <= t->mask; k++, i = (i + 1) & t->mask) {
		if (t->e[i].state == FWD_NEIGH_FREE)
			return NULL;
		if (fwd_addr_eq(&t->e[i].ip, ip))
			return &t->e[i];
	}
	return NULL;
}

static struct fwd_neigh *
insert(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface, uint8_t state)
{
	uint32_t i = home(t, ip);

	if (t->n == t->max)
		return NULL;
	while (t->e[i].state != FWD_NEIGH_FREE)
		i = (i + 1) & t->mask; /* at most half full: always ends */
	memset(&t->e[i], 0, sizeof(t->e[i]));
	t->e[i].ip = *ip;
	t->e[i].iface = iface;
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
		h = home(t, &t->e[i].ip);
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
fwd_neigh_add_static(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface,
		     const uint8_t mac[6])
{
	struct fwd_neigh *n;

	if (fwd_neigh_find(t, ip))
		return -EEXIST;
	n = insert(t, ip, iface, FWD_NEIGH_STATIC);
	if (n == NULL)
		return -ENOSPC;
	memcpy(n->mac, mac, 6);
	return 0;
}

/* GCRA (virtual scheduling) over new resolutions: true when one may start at @p now. */
static bool
resolve_allowed(struct fwd_neigh_table *t, uint64_t now)
{
	uint64_t tat;

	if (t->resolve_interval_ns == 0)
		return true;
	tat = t->resolve_tat > now ? t->resolve_tat : now;
	if (tat - now > t->resolve_tolerance_ns)
		return false;
	t->resolve_tat = tat + t->resolve_interval_ns;
	return true;
}

static int
refuse(struct fwd_neigh_table *t, enum fwd_hold_refusal why)
{
	t->st.hold[why]++;
	return -ENOBUFS;
}

int
fwd_neigh_hold(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface, void *pkt,
	       uint64_t now, const struct fwd_neigh_ops *ops)
{
	struct fwd_neigh *n = fwd_neigh_find(t, ip);

	if (n && n->state != FWD_NEIGH_INCOMPLETE)
		return -EEXIST; /* resolved while the packet was on its way here */
	if (n == NULL) {
		if (t->n == t->max)
			return refuse(t, FWD_HOLD_TABLE_FULL);
		if (!resolve_allowed(t, now))
			return refuse(t, FWD_HOLD_RATE_LIMITED);
		n = insert(t, ip, iface, FWD_NEIGH_INCOMPLETE);
		n->probes = 1;
		n->next_probe = now + FWD_NEIGH_PROBE_NS;
		ops->request(ops->arg, n);
	}
	if (pkt == NULL)
		return 0;
	if (n->n_held >= t->hold_max)
		return refuse(t, FWD_HOLD_QUEUE_FULL);
	if (t->held >= t->hold_total)
		return refuse(t, FWD_HOLD_CAP);
	n->held[n->n_held++] = pkt;
	t->held++;
	return 0;
}

static enum fwd_arp
outcome(struct fwd_neigh_table *t, const struct fwd_addr *ip, enum fwd_arp a)
{
	if (fwd_addr_is4(ip))
		t->st.arp[a]++;
	else
		t->st.nd[a]++;
	return a;
}

enum fwd_arp
fwd_neigh_learn(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface,
		const uint8_t mac[6], bool reply_to_us, bool create, uint64_t now,
		const struct fwd_neigh_ops *ops)
{
	struct fwd_neigh *n = fwd_neigh_find(t, ip);
	enum fwd_arp result;
	unsigned int n_held;

	if (n == NULL) {
		if (!create || (n = insert(t, ip, iface, FWD_NEIGH_REACHABLE)) == NULL)
			return outcome(t, ip, FWD_ARP_UNKNOWN);
		result = FWD_ARP_RESOLVED;
	} else if (n->state == FWD_NEIGH_STATIC) {
		return outcome(t, ip, FWD_ARP_STATIC); /* the operator's word wins over the wire's */
	} else if (n->state == FWD_NEIGH_INCOMPLETE) {
		/* Anyone can announce; only the host we asked answers us. */
		if (!reply_to_us)
			return outcome(t, ip, FWD_ARP_UNSOLICITED);
		result = FWD_ARP_RESOLVED;
	} else if (memcmp(n->mac, mac, 6) != 0 || n->iface != iface) {
		if (now < n->changed_at + FWD_NEIGH_LOCK_NS)
			return outcome(t, ip, FWD_ARP_FLAP_LIMITED);
		result = FWD_ARP_MOVED;
	} else {
		result = FWD_ARP_REFRESHED;
	}
	if (result != FWD_ARP_REFRESHED) {
		memcpy(n->mac, mac, 6);
		n->iface = iface;
		n->changed_at = now;
	}
	n->state = FWD_NEIGH_REACHABLE;
	n->probes = 0;
	n->expires = now + t->timeout_ns;
	n->next_probe = now + t->timeout_ns - t->timeout_ns / 4; /* refresh before expiry */
	n_held = n->n_held;
	n->n_held = 0;
	t->held -= n_held;
	if (result != FWD_ARP_REFRESHED || n_held)
		ops->resolved(ops->arg, n, n->held, n_held);
	return outcome(t, ip, result);
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
			struct fwd_addr ip = n->ip;
			unsigned int n_held = n->n_held;
			void *held[FWD_NEIGH_HOLD_MAX];

			memcpy(held, n->held, n_held * sizeof(held[0]));
			t->held -= n_held;
			erase(t, n);
			ops->removed(ops->arg, &ip, held, n_held);
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
