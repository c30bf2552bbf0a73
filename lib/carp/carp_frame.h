/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FRAME_H
#define CARP_FRAME_H

/**
 * @file
 * CARP inside Ethernet / 802.1Q / IPv4 / IPv6, over plain byte buffers (spec §1.2-1.5, §9):
 * parse a received frame down to its CARP payload, and build adverts and gratuitous ARP.
 * The data plane calls the same functions on mbuf data.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_hmac.h"
#include "carp_names.h"

#define CARP_ETHER_HDR_LEN 14
#define CARP_VLAN_HDR_LEN 4
#define CARP_ETHERTYPE_IPV4 0x0800
#define CARP_ETHERTYPE_IPV6 0x86dd
#define CARP_ETHERTYPE_ARP 0x0806
#define CARP_ETHERTYPE_VLAN 0x8100
#define CARP_MCAST4 0xe0000012u /* 224.0.0.18 */
#define CARP_TOS_LOWDELAY 0x10  /* OpenBSD and ucarp; FreeBSD sends 0xe0 */
#define CARP_ADVERT_V4_LEN (CARP_ETHER_HDR_LEN + 20 + CARP_HDR_LEN) /* 70 */
#define CARP_ADVERT_V6_LEN (CARP_ETHER_HDR_LEN + 40 + CARP_HDR_LEN) /* 90 */
#define CARP_GARP_LEN (CARP_ETHER_HDR_LEN + 28) /* 42, padded to 60 by the NIC */

extern const uint8_t carp_mcast4_mac[6]; /* 01:00:5e:00:00:12 */
extern const uint8_t carp_mcast6_mac[6]; /* 33:33:00:00:00:12 */
extern const struct carp_in6 carp_mcast6; /* ff02::12 */

/** What carp_frame_parse found in a received frame. Pointers point into the frame. */
struct carp_rx_frame {
	const uint8_t *eth_dst;
	const uint8_t *eth_src;
	uint16_t vlan; /* VLAN id, or 0 when untagged */
	int family;    /* 4 or 6 */
	uint8_t ttl;   /* TTL or hop limit */
	bool df;       /* IPv4: don't-fragment set (every CARP sets it) */
	uint8_t tos;   /* TOS or traffic class */
	uint32_t src4, dst4; /* host order (IPv4) */
	struct carp_in6 src6, dst6;
	const uint8_t *carp; /* the CARP payload */
	size_t carp_len;     /* bytes of payload the IP header says are there */
};

/**
 * Walk Ethernet (one optional 802.1Q tag), IPv4 or IPv6 (extension headers skipped) to a
 * protocol-112 payload.
 * @return CARP_DROP_NONE with @p out filled, CARP_DROP_NOTCARP for any other traffic,
 *   CARP_DROP_BADLEN when the frame is truncated, CARP_DROP_BADIP for a malformed IP
 *   header, CARP_DROP_FRAGMENT for an IPv4 fragment (MF or an offset) or an IPv6 one (a
 *   fragment header): adverts are 56-byte datagrams that no CARP fragments.
 */
enum carp_drop carp_frame_parse(const uint8_t *frame, size_t len, struct carp_rx_frame *out);

/** The virtual MAC 00:00:5e:00:01:vhid (spec §1.5). */
void carp_vmac(uint8_t vhid, uint8_t out[6]);

/**
 * Build an IPv4 advert frame: Ethernet to 01:00:5e:00:00:12, IPv4 (TOS @p tos, ID @p ip_id,
 * DF, TTL 255, protocol 112, to 224.0.0.18) and the 36 CARP bytes.
 * @return CARP_ADVERT_V4_LEN, or 0 when @p cap is too small.
 */
size_t carp_build_advert4(uint8_t *buf, size_t cap, const uint8_t src_mac[6], uint32_t src_ip,
			  uint8_t tos, uint16_t ip_id, const uint8_t carp[CARP_HDR_LEN]);

/**
 * Build an IPv6 advert frame to 33:33:00:00:00:12 / ff02::12, hop limit 255, next header
 * 112, traffic class @p tclass. @return CARP_ADVERT_V6_LEN, or 0 when @p cap is too small.
 */
size_t carp_build_advert6(uint8_t *buf, size_t cap, const uint8_t src_mac[6],
			  const struct carp_in6 *src_ip, uint8_t tclass,
			  const uint8_t carp[CARP_HDR_LEN]);

/**
 * Build a gratuitous ARP (spec §5.8): an ARP request, broadcast, with sender and target IP
 * = @p vip and sender hardware address = @p mac (the VMAC).
 * @return CARP_GARP_LEN, or 0 when @p cap is too small.
 */
size_t carp_build_garp(uint8_t *buf, size_t cap, const uint8_t mac[6], uint32_t vip);

#endif
