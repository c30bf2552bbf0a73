/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CLASSIFY_H
#define CARP_CLASSIFY_H

/**
 * @file
 * The worker's first look at a frame: which path it takes. Cheap on purpose (EtherType,
 * one VLAN tag, the IP protocol byte); the path taken does the full checks.
 */

#include <stddef.h>
#include <stdint.h>

enum carp_class {
	CARP_CLASS_CARP,  /* protocol 112, or IPv6 to a group behind extension headers: to control */
	CARP_CLASS_ARP,   /* ARP: the worker answers for VIPs it is MASTER of */
	CARP_CLASS_ND,    /* ICMPv6 neighbour solicitation or advertisement */
	CARP_CLASS_IPV4,  /* other IPv4: forwarding */
	CARP_CLASS_IPV6,  /* other IPv6: forwarding */
	CARP_CLASS_OTHER, /* any other EtherType: dropped, counted */
	CARP_CLASS_RUNT,  /* too short to tell: dropped, counted */
};

/**
 * Classify an Ethernet frame. @p l3 receives the offset of the layer-3 header (14, or 18
 * with an 802.1Q tag) for every class but RUNT and OTHER.
 */
enum carp_class carp_classify(const uint8_t *frame, size_t len, size_t *l3);

/** Maps (port, IPv4 VIP) to the index of the VHID that holds it. */
struct carp_vip_table {
	struct carp_vip_slot {
		uint32_t vip;      /* host order */
		uint16_t port;
		uint16_t vhid_idx; /* CARP_VIP_NONE: empty slot */
	} *slots;
	uint32_t mask; /* capacity - 1, capacity a power of two */
};

#define CARP_VIP_NONE UINT16_MAX

/** Room for @p n VIPs (kept at most half full). Returns 0 or -ENOMEM. */
int carp_vip_table_init(struct carp_vip_table *t, uint32_t n);

void carp_vip_table_free(struct carp_vip_table *t);

/** Add a VIP. Returns 0, -EEXIST when the pair is present, or -ENOSPC. */
int carp_vip_table_add(struct carp_vip_table *t, uint16_t port, uint32_t vip, uint16_t vhid_idx);

/** VHID index holding @p vip on @p port, or CARP_VIP_NONE. */
uint16_t carp_vip_table_lookup(const struct carp_vip_table *t, uint16_t port, uint32_t vip);

#endif
