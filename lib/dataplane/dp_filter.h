/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_FILTER_H
#define CARP_DP_FILTER_H

/**
 * @file
 * The packet filter on a data-plane lcore. A forwarded packet meets it once, in the
 * forwarding batch, after the route lookup (so both its interfaces are known) and before
 * its header is rewritten: first the state table (one bulk lookup for the burst), then
 * for a flow's first packet the rules compiled with rte_acl, which may create its state.
 * Pings to the node meet only the rules that name it (out: self). The pair's own
 * protocols never get here.
 *
 * Counters are per lcore (one writer), per drop reason and per rule; states are shared
 * (flt_table.h). Time is the TSC in nanoseconds, the same on every lcore.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dp.h"
#include "dp_frag.h"
#include "flt_acl.h"
#include "flt_rule.h"
#include "flt_table.h"

struct dp_filter {
	const struct flt_ruleset *rs; /* the config's */
	struct flt_acl *acl;
	struct flt_table *table;
	double ns_per_tsc;
	unsigned int readers; /* the workers: queues 0 .. readers-1 read the table */
};

struct dp_filter_rule_cnt {
	uint64_t packets, bytes, states;
};

/*
 * What a rule with `log: true` records of a packet it decided (pf logs a pass rule's
 * state-creating packet and every packet a block rule drops): the newest
 * DP_FILTER_LOG_SIZE per lcore, at most DP_FILTER_LOG_RATE a second each. The lcore
 * writes an entry, then its sequence number (release); a reader keeps an entry only when
 * the number is the same before and after it copied it.
 */
#define DP_FILTER_LOG_SIZE 64
#define DP_FILTER_LOG_RATE 100

struct dp_filter_log_entry {
	uint64_t seq;   /* 0: empty; the entry's number on its lcore, from 1 */
	uint64_t ns;    /* dp_filter_now_ns */
	struct flt_tuple t;
	uint32_t rule;
	uint16_t in, out;
	uint8_t action; /* enum flt_action */
	uint8_t why;    /* enum flt_drop when dropped, else FLT_OK */
};

struct dp_filter_log {
	uint64_t next_seq;
	struct fwd_rate rate;
	uint64_t tat;
	uint64_t suppressed; /* over the rate: not recorded */
	struct dp_filter_log_entry e[DP_FILTER_LOG_SIZE];
};

/* One lcore's counters; rule[n_rules] counts what no rule matched (the default). */
struct dp_filter_lcore {
	uint64_t drop[FLT_DROP_COUNT];
	uint64_t passed;         /* packets let through, by a state or a rule */
	uint64_t by_state;       /* of which by their state */
	uint64_t states_created;
	uint64_t sync_events_lost; /* the ring to the sync was full */
	uint64_t deferred;       /* first packets handed to the control lcore to hold */
	uint64_t defer_ring_full; /* not: its ring was full, so they went on at once */
	int reader;              /* RCU reader id, or -1 (the control lcore, which alone
				  * reclaims states, between its own bursts) */
	struct dp_reasm *reasm;  /* IPv4 reassembly (filter.reassemble), else NULL */
	struct dp_filter_log log;
	struct dp_filter_rule_cnt rule[];
};

/**
 * The filter of @p rs for @p readers workers (RCU readers 0 .. readers-1) on @p socket:
 * its rules compiled, its table allocated. NULL with the reason in @p err.
 */
struct dp_filter *dp_filter_create(const struct flt_ruleset *rs, unsigned int readers, int socket,
				   char *err, size_t errlen);

void dp_filter_free(struct dp_filter *f);

/**
 * Give lcore @p lc (its queue set) its counters, and make a worker a reader of the
 * table. 0, or a negative errno.
 */
int dp_filter_lcore_init(struct dp_lcore *lc);

void dp_filter_lcore_free(struct dp_lcore *lc);

/** Now, as states record it. */
static inline uint64_t
dp_filter_now_ns(const struct dp_filter *f)
{
	return (uint64_t)((double)rte_rdtsc() * f->ns_per_tsc);
}

/**
 * Filter the IPv4 forwarding batch @p b whose route lookups are @p hops (as dp_fwd.c's
 * lpm_lookup reports them): the packets that may go on stay, in order, with their hops;
 * the rest are counted and freed or answered (reject).
 */
void dp_filter_batch4(struct dp_lcore *lc, struct dp_fwd_burst *b, uint32_t *hops);

/** The same for IPv6 (@p hops as rte_lpm6_lookup_bulk_func reports them). */
void dp_filter_batch6(struct dp_lcore *lc, struct dp_fwd6_burst *b, int32_t *hops);

/**
 * A packet to the node itself (@p ip, @p len bytes, family @p af) that came in on
 * interface @p iface: true when it may be answered; else it was counted and freed (or
 * answered with the reject's error).
 */
bool dp_filter_to_self(struct dp_lcore *lc, uint16_t iface, struct rte_mbuf *m, uint8_t *ip,
		       size_t len, int af);

/** Between bursts: the lcore's unfinished reassemblies whose time is up are ended. */
static inline void
dp_filter_between_bursts(struct dp_lcore *lc)
{
	if (lc->flt != NULL && lc->flt->reasm != NULL)
		dp_reasm_expire(lc->flt->reasm, lc->flt->drop);
}

/** The control lcore's slice of expiry (see flt_table_expire). Returns states removed. */
unsigned int dp_filter_expire(const struct dp_filter *f);

#endif
