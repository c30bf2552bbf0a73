/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_ND_H
#define CARP_FWD_ND_H

/**
 * @file
 * What a neighbour advertisement may teach the neighbour table: fwd_arp.h's rules for
 * IPv6. Any host on a segment can send one, so a target that is not on the interface's
 * link (a connected IPv6 subnet of it, or link-local), that is one of our addresses, or
 * a link-layer address that is not a station's (a group, zero, one of our MACs) is not
 * believed; an INCOMPLETE entry is resolved only by a solicited advertisement addressed
 * to one of the interface's addresses, which is where our solicitations come from. Pure C
 * over the frame's bytes.
 */

#include <stddef.h>
#include <stdint.h>

#include "carp_hmac.h" /* struct carp_in6 */
#include "fwd_neigh.h"

/** What the node knows of the interface (port or VLAN) an advertisement arrived on. */
struct fwd_nd_iface {
	uint16_t iface;
	const struct carp_in6 *addr6; /* its IPv6 addresses, its link-local among them ... */
	const uint8_t *plen6;         /* ... and their prefix lengths (its connected subnets) */
	unsigned int n_addr6;
	const uint8_t (*own_macs)[6]; /* every MAC of ours on this segment */
	unsigned int n_own_macs;
	/** True when @p a is one of the node's addresses or VIPs. */
	bool (*is_own_addr)(const void *arg, const struct carp_in6 *a);
	const void *arg;
};

/**
 * Offer the IPv6 packet at @p ip6 (@p avail bytes; ICMPv6 without extension headers),
 * received on @p in, to table @p t. @return what became of it, counted in t->st.nd.
 */
enum fwd_arp fwd_nd_input(struct fwd_neigh_table *t, const struct fwd_nd_iface *in,
			  const uint8_t *ip6, size_t avail, uint64_t now,
			  const struct fwd_neigh_ops *ops);

#endif
