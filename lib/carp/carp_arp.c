/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_arp.h"

#include <string.h>

#include "carp_bytes.h"
#include "carp_frame.h"

bool
carp_arp_parse(const uint8_t *frame, size_t len, struct carp_arp *out)
{
	size_t off = CARP_ETHER_HDR_LEN;
	uint16_t type;
	const uint8_t *arp;

	if (len < CARP_ETHER_HDR_LEN)
		return false;
	type = carp_rd16(frame + 12);
	if (type == CARP_ETHERTYPE_VLAN) {
		if (len < CARP_ETHER_HDR_LEN + CARP_VLAN_HDR_LEN)
			return false;
		type = carp_rd16(frame + 16);
		off += CARP_VLAN_HDR_LEN;
	}
	if (type != CARP_ETHERTYPE_ARP || len < off + CARP_ARP_LEN)
		return false;
	arp = frame + off;
	/* Ethernet hardware, IPv4 protocol, 6- and 4-byte addresses: nothing else is ours. */
	if (carp_rd16(arp) != 1 || carp_rd16(arp + 2) != CARP_ETHERTYPE_IPV4 || arp[4] != 6 || arp[5] != 4)
		return false;
	out->offset = off;
	out->op = carp_rd16(arp + 6);
	out->sha = arp + 8;
	out->spa = carp_rd32(arp + 14);
	out->tha = arp + 18;
	out->tpa = carp_rd32(arp + 24);
	return true;
}

void
carp_arp_make_reply(uint8_t *frame, const struct carp_arp *a, const uint8_t mac[6])
{
	uint8_t *arp = frame + a->offset;
	uint8_t requester[6], target_ip[4];

	memcpy(requester, a->sha, 6);
	memcpy(target_ip, arp + 24, 4);
	memcpy(frame, requester, 6);     /* Ethernet destination: the requester */
	memcpy(frame + 6, mac, 6);       /* Ethernet source: the VMAC (or the real MAC) */
	arp[6] = 0;
	arp[7] = CARP_ARP_REPLY;
	memcpy(arp + 18, requester, 6);  /* target hardware = requester */
	memcpy(arp + 24, arp + 14, 4);   /* target IP = requester's IP */
	memcpy(arp + 8, mac, 6);         /* sender hardware = us */
	memcpy(arp + 14, target_ip, 4);  /* sender IP = the address asked for */
}
