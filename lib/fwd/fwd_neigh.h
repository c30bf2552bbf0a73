/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_NEIGH_H
#define CARP_FWD_NEIGH_H

/**
 * @file
 * The control lcore's neighbour table (ARP and neighbour discovery for next hops, IPv4 and
 * IPv6 in one table: fwd_addr.h), pure C with `now` passed in:
 * entries are INCOMPLETE while resolving (with a small bounded queue of held packets),
 * REACHABLE once learned (refreshed by a probe before they expire), or STATIC from the
 * config (never aged). Workers never touch it: they hold a copy the control lcore keeps
 * up to date through messages.
 */

#include <stdbool.h>
#include <stdint.h>

#include "fwd_addr.h"

#define FWD_NEIGH_HOLD_MAX 64
#define FWD_NEIGH_PROBES 3                        /* unanswered requests before giving up */
#define FWD_NEIGH_PROBE_NS (1000 * 1000 * 1000ull) /* between requests while resolving */
/*
 * A known neighbour's MAC changes at most once in this time (Linux's locktime): the
 * first answer wins a race of answers, and a host that keeps claiming a neighbour's
 * address can move it at most once a second, each move counted.
 */
#define FWD_NEIGH_LOCK_NS (1000 * 1000 * 1000ull)

/*
 * What became of an ARP packet offered for learning: every one ends in exactly one of
 * these counters. The first three learn; the rest are refused.
 * X(enum suffix, counter name, explanation)
 */
#define FWD_ARP_LIST(X) \
	X(RESOLVED, "arp_resolved", "a reply to our request resolved a next hop") \
	X(REFRESHED, "arp_refreshed", "a known neighbour confirmed, same MAC") \
	X(MOVED, "arp_mac_changed", "a known neighbour's MAC changed (it moved, or someone claims it)") \
	X(MALFORMED, "arp_malformed", "not an Ethernet/IPv4 ARP packet") \
	X(BAD_MAC, "arp_bad_mac", "sender MAC multicast, broadcast, zero, or one of ours") \
	X(OWN_ADDRESS, "arp_own_address", "sender claims one of our addresses or VIPs (address conflict)") \
	X(NOT_ON_LINK, "arp_not_on_link", "sender address not on a connected subnet of the port or VLAN it came in on") \
	X(UNKNOWN, "arp_unknown", "about a host that is neither a next hop in use nor being resolved") \
	X(UNSOLICITED, "arp_unsolicited", "announcement or third-party reply for a next hop being resolved: only a reply to us resolves") \
	X(STATIC, "arp_static", "about a static neighbour: the config wins over the wire") \
	X(FLAP_LIMITED, "arp_flap_limited", "MAC change within a second of the last: refused")

#define FWD_ENUM_ARP(e, s, d) FWD_ARP_##e,
enum fwd_arp { FWD_ARP_LIST(FWD_ENUM_ARP) FWD_ARP_COUNT };
#undef FWD_ENUM_ARP

/** Counter name of an ARP outcome. */
const char *fwd_arp_name(enum fwd_arp a);

/* Why a packet for an unresolved next hop was not held. X(enum suffix, counter, text) */
#define FWD_HOLD_LIST(X) \
	X(QUEUE_FULL, "hold_queue_full", "neighbor_queue packets already held for this next hop") \
	X(CAP, "hold_cap", "neighbor_hold_max packets held node-wide") \
	X(TABLE_FULL, "hold_table_full", "no room for another neighbour entry") \
	X(RATE_LIMITED, "resolve_rate_limited", "over neighbor_resolve_rate new resolutions per second")

#define FWD_ENUM_HOLD(e, s, d) FWD_HOLD_##e,
enum fwd_hold_refusal { FWD_HOLD_LIST(FWD_ENUM_HOLD) FWD_HOLD_COUNT };
#undef FWD_ENUM_HOLD

/** Counter name of a hold refusal. */
const char *fwd_hold_name(enum fwd_hold_refusal h);

enum fwd_neigh_state {
	FWD_NEIGH_FREE,
	FWD_NEIGH_INCOMPLETE,
	FWD_NEIGH_REACHABLE,
	FWD_NEIGH_STATIC,
};

struct fwd_neigh {
	struct fwd_addr ip;
	uint16_t iface;  /* interface index the neighbour is on */
	uint8_t mac[6];
	uint8_t state;  /* enum fwd_neigh_state */
	uint8_t probes; /* requests sent without an answer */
	uint8_t n_held;
	uint64_t expires;    /* REACHABLE: when it is forgotten without an answer */
	uint64_t next_probe; /* when to send the next request */
	uint64_t changed_at; /* when the MAC was last set: changes are limited per second */
	void *held[FWD_NEIGH_HOLD_MAX];
};

/** What a table is allowed to hold and do. */
struct fwd_neigh_params {
	uint32_t max;            /* entries */
	uint32_t hold_per_entry; /* packets held per INCOMPLETE entry (<= FWD_NEIGH_HOLD_MAX) */
	uint32_t hold_total;     /* packets held in all entries together */
	uint64_t timeout_ns;     /* lifetime of a learned entry */
	uint32_t resolve_rate;   /* new resolutions started per second (and burst); 0: no limit */
};

struct fwd_neigh_stats {
	uint64_t arp[FWD_ARP_COUNT];    /* outcomes of fwd_neigh_learn (and the caller's) for
					 * IPv4 (ARP) ... */
	uint64_t nd[FWD_ARP_COUNT];     /* ... and IPv6 (neighbour advertisements) */
	uint64_t hold[FWD_HOLD_COUNT];  /* packets fwd_neigh_hold refused */
};

struct fwd_neigh_table {
	struct fwd_neigh *e;
	uint32_t mask;       /* capacity - 1 */
	uint32_t n, max;
	uint32_t hold_max;   /* packets held per INCOMPLETE entry (<= FWD_NEIGH_HOLD_MAX) */
	uint32_t hold_total; /* node-wide cap on held packets */
	uint32_t held;       /* packets held now, in all entries */
	uint64_t timeout_ns; /* lifetime of a learned entry */
	uint64_t resolve_interval_ns; /* GCRA over new resolutions; 0: no limit */
	uint64_t resolve_tolerance_ns;
	uint64_t resolve_tat;
	struct fwd_neigh_stats st;
};

/** What fwd_neigh_tick and fwd_neigh_learn report to their caller. */
struct fwd_neigh_ops {
	/** Send an ARP request or neighbour solicitation for @p n->ip on @p n->iface. */
	void (*request)(void *arg, const struct fwd_neigh *n);
	/** Entry @p ip is gone (expired, or never resolved): tell the workers, drop @p held. */
	void (*removed)(void *arg, const struct fwd_addr *ip, void **held, unsigned int n_held);
	/** Entry @p n has a (new) MAC: tell the workers; send the @p held packets to it. */
	void (*resolved)(void *arg, const struct fwd_neigh *n, void **held, unsigned int n_held);
	void *arg;
};

/** A table as @p p says. Returns 0, -EINVAL or -ENOMEM. */
int fwd_neigh_init(struct fwd_neigh_table *t, const struct fwd_neigh_params *p);

void fwd_neigh_free(struct fwd_neigh_table *t);

/** The entry for @p ip, or NULL. */
struct fwd_neigh *fwd_neigh_find(const struct fwd_neigh_table *t, const struct fwd_addr *ip);

/** A static entry from the config. Returns 0, -EEXIST or -ENOSPC. */
int fwd_neigh_add_static(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface,
			 const uint8_t mac[6]);

/**
 * A packet must go to next hop @p ip, which the workers could not resolve. Creates an
 * INCOMPLETE entry if there is none (and asks for a request at once), and holds @p pkt.
 * New entries are limited to resolve_rate per second, so a scan of a large connected
 * subnet cannot fill the table or flood the segment with requests; held packets are
 * limited per entry and node-wide, so they cannot drain the mbuf pool.
 * @return 0 when held; -EEXIST when the entry is resolved already (send @p pkt to its
 *   MAC); -ENOBUFS when refused (counted in t->st.hold): the caller keeps @p pkt.
 * With @p pkt NULL nothing is held: the neighbour is only asked for (the node's own
 * traffic to it, such as state sync to a unicast peer, which recovers what it lost), and
 * 0 means it is being resolved.
 */
int fwd_neigh_hold(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface,
		   void *pkt, uint64_t now, const struct fwd_neigh_ops *ops);

/**
 * An ARP packet told us @p ip is at @p mac on @p iface; the caller has checked that the
 * sender may be learned at all (unicast MAC not ours, on the interface's subnet, not our
 * address). An INCOMPLETE entry is resolved only by @p reply_to_us (a reply addressed to
 * the address we asked from); a REACHABLE one is refreshed or moved by any, a move at
 * most once per FWD_NEIGH_LOCK_NS; a STATIC one never changes. A new entry is made only
 * when @p create. Calls ops->resolved when the MAC is new or changed, and counts and
 * returns the outcome.
 */
enum fwd_arp fwd_neigh_learn(struct fwd_neigh_table *t, const struct fwd_addr *ip, uint16_t iface,
			     const uint8_t mac[6], bool reply_to_us, bool create, uint64_t now,
			     const struct fwd_neigh_ops *ops);

/** Probe entries about to expire, retry resolutions, forget the dead. */
void fwd_neigh_tick(struct fwd_neigh_table *t, uint64_t now, const struct fwd_neigh_ops *ops);

#endif
