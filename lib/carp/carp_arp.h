/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_ARP_H
#define CARP_ARP_H

/**
 * @file
 * ARP over plain byte buffers: parse an Ethernet/ARP frame and turn a request into its
 * reply in place (spec §5.8: only the MASTER answers for a VIP, with the VMAC). Workers call
 * these on mbuf data, tests on arrays.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARP_ARP_LEN 28
#define CARP_ARP_REQUEST 1
#define CARP_ARP_REPLY 2

/** An Ethernet/IPv4 ARP packet; pointers point into the frame. */
struct carp_arp {
	size_t offset;        /* of the ARP header in the frame (14, or 18 with a VLAN tag) */
	uint16_t op;
	const uint8_t *sha;   /* sender hardware address */
	uint32_t spa;         /* sender IP, host order */
	const uint8_t *tha;
	uint32_t tpa;         /* target IP, host order */
};

/**
 * Parse an Ethernet (optionally 802.1Q-tagged) ARP frame for Ethernet/IPv4.
 * @return true when @p frame holds such an ARP packet; false for anything else or a
 *   truncated one.
 */
bool carp_arp_parse(const uint8_t *frame, size_t len, struct carp_arp *out);

/** True for a gratuitous ARP (sender IP = target IP), which is never answered. */
static inline bool
carp_arp_is_gratuitous(const struct carp_arp *a)
{
	return a->spa == a->tpa;
}

/**
 * Rewrite the request @p frame (parsed into @p a) into the reply for its target address,
 * in place: Ethernet to the requester from @p mac, op 2, sender = (@p mac, target IP),
 * target = the requester. The frame keeps its length.
 */
void carp_arp_make_reply(uint8_t *frame, const struct carp_arp *a, const uint8_t mac[6]);

#endif
