/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_RULE_H
#define CARP_FLT_RULE_H

/**
 * @file
 * The filter's rules as the config builds them, and the reference matcher: a linear walk
 * that is obviously right, against which the compiled classifier (rte_acl) is tested on
 * random rule sets and packets. The data plane never runs the walk.
 *
 * A forwarded packet crosses two interfaces and is judged once, with both known: a rule
 * matches when its `in` interface (if any) is the one the packet came in on and its `out`
 * interface (if any) the one the route sends it out of (FLT_IFACE_NONE without a route).
 * `out: self` names the node itself as the destination (echo to our addresses), and only
 * such a rule matches traffic to the node: a rule without `out` never does, and no match
 * passes it, so no rule written for the traffic through the pair blocks a ping to a VIP
 * by accident. The pair's own protocols (CARP, ARP, ND, MLD) never reach the rules. For
 * traffic through the node, first match wins and no match takes the default action.
 */

#include <stdbool.h>
#include <stdint.h>

#include "flt_pkt.h"
#include "flt_timeout.h"

#define FLT_IFACE_ANY 0xffff  /* a rule without in/out */
#define FLT_IFACE_SELF 0xfffe /* out: self, the node's own addresses */
#define FLT_IFACE_NONE 0xfffd /* a packet's out when no route takes it anywhere */
#define FLT_RULES_MAX 65536
/* Datagrams one worker reassembles at once: each holds up to 8 fragments (mbufs) until it
 * completes or its "frag" timeout ends it, so the pool is sized for them. */
#define FLT_FRAG_MAX_DEFAULT 256
#define FLT_FRAG_MAX 16384
#define FLT_PREFIXES_MAX (1u << 20) /* in all the rules' lists */
#define FLT_PORTS_MAX (1u << 20)

enum flt_action { FLT_PASS, FLT_BLOCK, FLT_REJECT };

/*
 * A prefix in the 16-byte address space: an IPv4 /n is IPv4-mapped with length 96 + n.
 * Its family is kept, so ::/0 is every IPv6 address and no IPv4 one.
 */
struct flt_prefix {
	struct fwd_addr addr; /* host bits zero */
	uint8_t len;          /* 0..128 */
	uint8_t af;           /* 4 or 6 */
};

/* Some of ruleset.prefixes; count 0 is any address. */
struct flt_addr_list {
	uint32_t first, count;
};

struct flt_port_range {
	uint16_t lo, hi;
};

/* Some of ruleset.ports; count 0 is any port. */
struct flt_port_list {
	uint32_t first, count;
};

struct flt_rule {
	enum flt_action action;
	bool keep_state;   /* pass only: the flow's later packets and replies by the state */
	bool log;
	uint8_t af;        /* 0: both, 4, 6 */
	uint8_t proto;     /* 0: any, else the IP protocol number */
	uint16_t in, out;  /* interface indexes, FLT_IFACE_ANY, or (out) FLT_IFACE_SELF */
	struct flt_addr_list src, dst;
	struct flt_port_list sport, dport; /* TCP/UDP only */
	int16_t icmp_type, icmp_code; /* -1: any */
	uint8_t flags, flags_mask;    /* TCP: (flags & mask) == flags; mask 0 for any */
	unsigned int line;            /* in the config file */
};

struct flt_ruleset {
	struct flt_rule *rules;
	uint32_t n_rules;
	struct flt_prefix *prefixes;
	uint32_t n_prefixes;
	struct flt_port_range *ports;
	uint32_t n_ports;
	enum flt_action default_action; /* FLT_PASS (stateless) or FLT_BLOCK */
	uint32_t state_limit;
	struct flt_timeouts timeouts;
	bool reassemble;  /* fragments reassembled before the rules (else dropped as
			   * flt_fragment) */
	uint32_t frag_max; /* datagrams in reassembly at once, per worker */
};

/* What the rules see of a packet besides its headers. */
struct flt_path {
	uint16_t in, out; /* out: FLT_IFACE_SELF for the node's own addresses */
};

/**
 * TCP flags as the rules see them: a non-TCP packet looks like a SYN, so that the
 * implicit "flags S/SA" of stateful rules (pf's default) holds for every protocol and one
 * flags field serves the compiled classifier too.
 */
static inline uint8_t
flt_rule_flags_of(const struct flt_pkt *p)
{
	return p->t.proto == FLT_PROTO_TCP ? p->tcp.flags : FLT_TH_SYN;
}

/** Whether @p a lies in prefix @p pf (whatever the families). */
bool flt_prefix_has(const struct flt_prefix *pf, const struct fwd_addr *a);

/** Whether rule @p r of @p rs matches packet @p p on path @p path. */
bool flt_rule_matches(const struct flt_ruleset *rs, const struct flt_rule *r,
		      const struct flt_pkt *p, const struct flt_path *path);

/** The reference matcher: the index of the first rule matching, or -1 (the default). */
int flt_match_ref(const struct flt_ruleset *rs, const struct flt_pkt *p,
		  const struct flt_path *path);

#endif
