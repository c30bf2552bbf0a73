/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_IPV4_H
#define CARP_FWD_IPV4_H

/**
 * @file
 * The IPv4 checks and rewrite of a router's per-packet path, over plain bytes: validate
 * the header (RFC 1812 §5.2.2), refuse what must not be forwarded, decrement TTL with an
 * incremental checksum update (RFC 1624). The workers call these on mbuf data.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "carp_bytes.h"
#include "carp_cksum.h"

/* Why an IPv4 packet is not forwarded. X(enum suffix, counter name, explanation) */
#define FWD_DROP_LIST(X) \
	X(TRUNCATED, "ip_truncated", "IPv4 total length or IPv6 payload length beyond the frame (or below the header)") \
	X(BAD_VERSION, "ip_bad_version", "IP version is not 4 (IPv4 EtherType) or 6 (IPv6)") \
	X(BAD_IHL, "ip_bad_ihl", "header length below 20 bytes or beyond the packet") \
	X(BAD_CSUM, "ip_bad_csum", "IPv4 header checksum is wrong") \
	X(TTL_EXCEEDED, "ttl_exceeded", "TTL or hop limit 0 or 1: would expire here") \
	X(BAD_DST, "ip_bad_dst", "multicast, broadcast (also a connected subnet's), reserved or zero destination; IPv6: multicast, link-local, ::, ::1, IPv4-mapped") \
	X(BAD_SRC, "ip_bad_src", "multicast, broadcast, loopback, class E or 0.0.0.0/8 source; IPv6: multicast, link-local, ::, ::1, IPv4-mapped") \
	X(OWN_SRC, "ip_own_src", "source is one of this node's addresses or VIPs: spoofed") \
	X(NO_ROUTE, "no_route", "no route to the destination") \
	X(NO_NEIGHBOR, "no_neighbor", "next hop MAC not resolved (yet)") \
	X(MTU_EXCEEDED, "mtu_exceeded", "larger than the egress interface's MTU, with DF: not fragmented (ICMP fragmentation needed sent, IPv6 packet too big)") \
	X(FRAG_FAILED, "frag_failed", "to be fragmented, but more than 64 fragments would be needed or no mbuf was free")

#define FWD_ENUM_DROP(e, s, d) FWD_DROP_##e,
enum fwd_drop { FWD_OK = 0, FWD_DROP_LIST(FWD_ENUM_DROP) FWD_DROP_COUNT };
#undef FWD_ENUM_DROP

/** Counter name of a forwarding drop reason ("ok" for FWD_OK). */
const char *fwd_drop_name(enum fwd_drop d);

/*
 * First octets of addresses a router neither forwards to nor from (RFC 1812 §5.3.7,
 * §4.2.2.11): 0 ("this network", also 0.0.0.0), 127 (loopback) and 224..255 (multicast,
 * class E, the limited broadcast). Read straight from the packet's byte.
 */
static inline bool
fwd_ipv4_martian_octet(uint8_t first)
{
	/* 0 wraps to 255: one unsigned compare covers 0 and 224..255. */
	return (uint8_t)(first - 1) >= 223 || first == 127;
}

/* Addresses a router never forwards to, host order. */
static inline bool
fwd_ipv4_bad_destination(uint32_t a)
{
	return fwd_ipv4_martian_octet((uint8_t)(a >> 24));
}

/*
 * Sources a router never forwards from (RFC 1812 §5.3.7): multicast, broadcast, loopback,
 * class E, and 0.0.0.0/8 ("this host on this network", only ever a source on the local
 * wire, e.g. DHCP and ARP probes). The same octets as destinations.
 */
static inline bool
fwd_ipv4_bad_source(uint32_t a)
{
	return fwd_ipv4_martian_octet((uint8_t)(a >> 24));
}

/**
 * The checks of fwd_ipv4_check for a header the caller knows to be version 4 with IHL 5
 * (its first byte is 0x45), with @p avail >= 20 bytes after it: what is left to check, in
 * a straight line, for the forwarding path's common case.
 */
static inline enum fwd_drop
fwd_ipv4_check_plain(const uint8_t *ip, size_t avail, bool csum_checked)
{
	size_t total = carp_rd16(ip + 2);

	if (total < 20 || total > avail)
		return FWD_DROP_TRUNCATED;
	if (!csum_checked && !carp_cksum_hdr20_ok(ip))
		return FWD_DROP_BAD_CSUM;
	if (ip[8] <= 1)
		return FWD_DROP_TTL_EXCEEDED;
	if (fwd_ipv4_martian_octet(ip[16]))
		return FWD_DROP_BAD_DST;
	if (fwd_ipv4_martian_octet(ip[12]))
		return FWD_DROP_BAD_SRC;
	return FWD_OK;
}

/**
 * Check the IPv4 header at @p ip with @p avail bytes after it in the frame.
 * @param csum_checked true when the NIC verified the header checksum (offload).
 * @return FWD_OK or the reason not to forward.
 * Inline, like the rest of this header: it runs for every forwarded packet.
 */
static inline enum fwd_drop
fwd_ipv4_check(const uint8_t *ip, size_t avail, bool csum_checked)
{
	size_t ihl, total;

	if (avail < 20)
		return FWD_DROP_TRUNCATED;
	if (ip[0] >> 4 != 4)
		return FWD_DROP_BAD_VERSION;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > avail)
		return FWD_DROP_BAD_IHL;
	if (ihl == 20)
		return fwd_ipv4_check_plain(ip, avail, csum_checked);
	total = carp_rd16(ip + 2);
	if (total < ihl || total > avail)
		return FWD_DROP_TRUNCATED;
	if (!csum_checked && !carp_cksum_hdr_ok(ip, ihl))
		return FWD_DROP_BAD_CSUM;
	if (ip[8] <= 1)
		return FWD_DROP_TTL_EXCEEDED;
	if (fwd_ipv4_martian_octet(ip[16]))
		return FWD_DROP_BAD_DST;
	if (fwd_ipv4_martian_octet(ip[12]))
		return FWD_DROP_BAD_SRC;
	return FWD_OK;
}

/**
 * Decrement TTL and patch the header checksum incrementally (RFC 1624 eqn. 3):
 * HC' = ~(~HC + ~m + m'). TTL is the high byte of the word m at offset 8, so m' = m - 0x100
 * and ~m + m' = 0xfeff whatever m is. Ones-complement sums commute with byte swapping
 * (RFC 1071 §2(B)), so the update runs on the checksum as loaded, with the constant's
 * bytes in network order: no swaps, and the same bytes as a full recomputation.
 */
static inline void
fwd_ipv4_dec_ttl(uint8_t *ip)
{
	static const uint8_t delta_bytes[2] = { 0xfe, 0xff };
	uint16_t hc, delta;
	uint32_t sum;

	memcpy(&hc, ip + 10, sizeof(hc));
	memcpy(&delta, delta_bytes, sizeof(delta));
	/* At most 0xffff + 0xfeff (either byte order): one end-around carry folds it. */
	sum = (uint32_t)(uint16_t)~hc + delta;
	sum = (sum & 0xffff) + (sum >> 16);
	hc = (uint16_t)~sum;
	memcpy(ip + 10, &hc, sizeof(hc));
	ip[8]--;
}

#endif
