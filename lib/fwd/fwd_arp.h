/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_ARP_H
#define CARP_FWD_ARP_H

/**
 * @file
 * What an ARP reply or announcement may teach the neighbour table. Any host on a segment
 * can send one, so nothing it says about another segment, about one of our addresses, or
 * from a MAC that is not a station's is believed (arp_not_on_link, arp_own_address,
 * arp_bad_mac); what passes goes to fwd_neigh_learn, which resolves only from replies to
 * us and limits how fast a neighbour can move. Pure C over the frame's bytes: the control
 * lcore calls it on mbuf data, the unit tests and the fuzz harness on arrays.
 */

#include <stddef.h>
#include <stdint.h>

#include "fwd_neigh.h"

/** What the node knows of the interface (port or VLAN) a frame arrived on. */
struct fwd_arp_iface {
	uint16_t iface;            /* its index, recorded in learned entries */
	const uint32_t *addr4;     /* its IPv4 addresses (host order) ... */
	const uint8_t *plen4;      /* ... and their prefix lengths: its connected subnets */
	unsigned int n_addr4;
	const uint8_t (*own_macs)[6]; /* every MAC of ours on this segment: ports, vMACs */
	unsigned int n_own_macs;
	/** True when @p ip (host order) is one of the node's addresses or VIPs, anywhere. */
	bool (*is_own_addr)(const void *arg, uint32_t ip);
	const void *arg;
};

/**
 * Offer the Ethernet/ARP frame @p frame of @p len bytes, received on @p in, to table @p t.
 * @return what became of it; the outcome is counted in t->st.arp.
 */
enum fwd_arp fwd_arp_input(struct fwd_neigh_table *t, const struct fwd_arp_iface *in,
			   const uint8_t *frame, size_t len, uint64_t now,
			   const struct fwd_neigh_ops *ops);

#endif
