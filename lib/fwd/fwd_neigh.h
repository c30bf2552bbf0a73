/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_NEIGH_H
#define CARP_FWD_NEIGH_H

/**
 * @file
 * The control lcore's neighbour table (ARP for next hops), pure C with `now` passed in:
 * entries are INCOMPLETE while resolving (with a small bounded queue of held packets),
 * REACHABLE once learned (refreshed by a probe before they expire), or STATIC from the
 * config (never aged). Workers never touch it: they hold a copy the control lcore keeps
 * up to date through messages.
 */

#include <stdbool.h>
#include <stdint.h>

#define FWD_NEIGH_HOLD_MAX 64
#define FWD_NEIGH_PROBES 3                        /* unanswered requests before giving up */
#define FWD_NEIGH_PROBE_NS (1000 * 1000 * 1000ull) /* between requests while resolving */

enum fwd_neigh_state {
	FWD_NEIGH_FREE,
	FWD_NEIGH_INCOMPLETE,
	FWD_NEIGH_REACHABLE,
	FWD_NEIGH_STATIC,
};

struct fwd_neigh {
	uint32_t ip;    /* host order */
	uint16_t port;  /* port index the neighbour is on */
	uint8_t mac[6];
	uint8_t state;  /* enum fwd_neigh_state */
	uint8_t probes; /* requests sent without an answer */
	uint8_t n_held;
	uint64_t expires;    /* REACHABLE: when it is forgotten without an answer */
	uint64_t next_probe; /* when to send the next request */
	void *held[FWD_NEIGH_HOLD_MAX];
};

struct fwd_neigh_table {
	struct fwd_neigh *e;
	uint32_t mask;       /* capacity - 1 */
	uint32_t n, max;
	uint32_t hold_max;   /* packets held per INCOMPLETE entry (<= FWD_NEIGH_HOLD_MAX) */
	uint64_t timeout_ns; /* lifetime of a learned entry */
};

/** What fwd_neigh_tick and fwd_neigh_learn report to their caller. */
struct fwd_neigh_ops {
	/** Send an ARP request for @p n->ip on port @p n->port. */
	void (*request)(void *arg, const struct fwd_neigh *n);
	/** Entry @p ip is gone (expired, or never resolved): tell the workers, drop @p held. */
	void (*removed)(void *arg, uint32_t ip, void **held, unsigned int n_held);
	/** Entry @p n has a (new) MAC: tell the workers; send the @p held packets to it. */
	void (*resolved)(void *arg, const struct fwd_neigh *n, void **held, unsigned int n_held);
	void *arg;
};

/** Room for @p max entries. Returns 0, -EINVAL or -ENOMEM. */
int fwd_neigh_init(struct fwd_neigh_table *t, uint32_t max, uint32_t hold_max,
		   uint64_t timeout_ns);

void fwd_neigh_free(struct fwd_neigh_table *t);

/** The entry for @p ip, or NULL. */
struct fwd_neigh *fwd_neigh_find(const struct fwd_neigh_table *t, uint32_t ip);

/** A static entry from the config. Returns 0, -EEXIST or -ENOSPC. */
int fwd_neigh_add_static(struct fwd_neigh_table *t, uint32_t ip, uint16_t port,
			 const uint8_t mac[6]);

/**
 * A packet must go to next hop @p ip, which the workers could not resolve. Creates an
 * INCOMPLETE entry if there is none (and asks for a request at once), and holds @p pkt.
 * @return 0 when held; -ENOBUFS (queue full), -ENOSPC (table full) or -EEXIST (the entry
 *   is resolved already: send @p pkt to its MAC) otherwise: the caller keeps @p pkt.
 */
int fwd_neigh_hold(struct fwd_neigh_table *t, uint32_t ip, uint16_t port, void *pkt,
		   uint64_t now, const struct fwd_neigh_ops *ops);

/**
 * An ARP packet told us @p ip is at @p mac on @p port. Updates an existing entry (any
 * state but STATIC), or creates one only when @p create (a reply to our request, or an
 * address we route to). Calls ops->resolved when the MAC is new or changed.
 */
void fwd_neigh_learn(struct fwd_neigh_table *t, uint32_t ip, uint16_t port,
		     const uint8_t mac[6], bool create, uint64_t now,
		     const struct fwd_neigh_ops *ops);

/** Probe entries about to expire, retry resolutions, forget the dead. */
void fwd_neigh_tick(struct fwd_neigh_table *t, uint64_t now, const struct fwd_neigh_ops *ops);

#endif
