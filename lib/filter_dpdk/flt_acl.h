/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_ACL_H
#define CARP_FLT_ACL_H

/**
 * @file
 * The rules compiled with DPDK's rte_acl, for the first packet of a flow (later ones
 * find their state). A rule with lists becomes the cross product of its prefixes and
 * port ranges, each with the rule's priority, so the highest-priority match is the
 * first rule that matches, as flt_match_ref finds it. IPv4 is classified in its
 * IPv4-mapped form, so one trie serves both families.
 */

#include <stddef.h>
#include <stdint.h>

#include "flt_pkt.h"
#include "flt_rule.h"

/* The classifier's view of a packet, in network byte order as rte_acl reads it. */
struct flt_acl_input {
	uint8_t proto;
	uint8_t unused[3];
	uint8_t af, flags, icmp_type, icmp_code;
	uint16_t in, out;
	uint16_t sport, dport; /* 0 unless TCP or UDP */
	uint8_t src[16], dst[16];
} __attribute__((aligned(8)));

/* rte_acl's limit would be reached long before; this keeps a build bounded in memory. */
#define FLT_ACL_RULES_MAX (1u << 20)

struct flt_acl;

/**
 * Compile @p rs for NUMA socket @p socket. 0 and the classifier in @p *out, or a negative
 * errno with the reason in @p err (a rule whose lists expand beyond FLT_ACL_RULES_MAX
 * names its config line).
 */
int flt_acl_build(const struct flt_ruleset *rs, int socket, struct flt_acl **out, char *err,
		  size_t errlen);

void flt_acl_free(struct flt_acl *acl);

/** How many classifier rules the ruleset expanded to. */
uint32_t flt_acl_size(const struct flt_acl *acl);

/** The classifier input of packet @p p on @p path. */
void flt_acl_input_of(const struct flt_pkt *p, const struct flt_path *path,
		      struct flt_acl_input *in);

/**
 * Classify @p n inputs: @p rule[i] is the index of the first rule that matches input
 * @p in[i], or -1 for none (the default action).
 */
void flt_acl_classify(const struct flt_acl *acl, const struct flt_acl_input *const *in,
		      int32_t *rule, unsigned int n);

#endif
