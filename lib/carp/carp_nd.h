/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_ND_H
#define CARP_ND_H

/**
 * @file
 * IPv6 neighbour discovery (RFC 4861), ICMPv6 echo (RFC 4443) and MLDv2 (RFC 3810) for
 * the addresses the node answers for: the IPv6 twin of carp_arp.h and carp_icmp.h.
 * Parse and check neighbour solicitations and advertisements, turn a solicitation into
 * its advertisement in place, build unsolicited advertisements for a takeover and MLDv2
 * reports, recognise MLD queries. Pure C over byte buffers: the data plane calls it on
 * mbuf data, the tests and fuzzers on arrays.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_hmac.h" /* struct carp_in6 */

#define CARP_IPV6_HDR_LEN 40
#define CARP_IPPROTO_ICMPV6 58
#define CARP_IPV6_NH_HOPOPTS 0

#define CARP_ICMP6_ECHO_REQUEST 128
#define CARP_ICMP6_ECHO_REPLY 129
#define CARP_ICMP6_MLD_QUERY 130
#define CARP_ICMP6_MLD1_REPORT 131
#define CARP_ICMP6_MLD1_DONE 132
#define CARP_ICMP6_ND_NS 135
#define CARP_ICMP6_ND_NA 136
#define CARP_ICMP6_MLD2_REPORT 143

#define CARP_NA_ROUTER 0x80
#define CARP_NA_SOLICITED 0x40
#define CARP_NA_OVERRIDE 0x20

#define CARP_ND_OPT_SLLA 1 /* source link-layer address */
#define CARP_ND_OPT_TLLA 2 /* target link-layer address */

/* An NA with the target link-layer option: 24 bytes of message, 8 of option. */
#define CARP_NA_LEN 32
#define CARP_NA_FRAME_LEN (14 + CARP_IPV6_HDR_LEN + CARP_NA_LEN) /* untagged: 86 */

/* MLDv2 report: the IPv6 header, a hop-by-hop header with Router Alert, 8 bytes of report
 * header, 20 bytes per group record without sources. */
#define CARP_MLD2_HDR_LEN (CARP_IPV6_HDR_LEN + 8 + 8)
#define CARP_MLD2_RECORD_LEN 20
#define CARP_MLD2_MODE_IS_EXCLUDE 2   /* in answer to a query: a listener */
#define CARP_MLD2_CHANGE_TO_EXCLUDE 4 /* unsolicited: we started listening */

extern const struct carp_in6 carp_in6_all_nodes;   /* ff02::1 */
extern const struct carp_in6 carp_in6_mld2_routers; /* ff02::16 */

static inline bool
carp_in6_is_multicast(const struct carp_in6 *a)
{
	return a->b[0] == 0xff;
}

static inline bool
carp_in6_is_link_local(const struct carp_in6 *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

bool carp_in6_is_unspecified(const struct carp_in6 *a);

/**
 * A unicast address a station may use as a source or answer to: not unspecified, not
 * loopback (::1), not multicast, not IPv4-mapped (::ffff:0:0/96).
 */
bool carp_in6_is_unicast(const struct carp_in6 *a);

/** The solicited-node multicast group of @p a: ff02::1:ff00:0/104 with its low 24 bits. */
void carp_in6_solicited_node(const struct carp_in6 *a, struct carp_in6 *group);

/** The Ethernet group address of IPv6 multicast group @p group: 33:33 and its last 32 bits. */
void carp_in6_multicast_mac(const struct carp_in6 *group, uint8_t mac[6]);

/** The link-local address fe80::/64 of a station with MAC @p mac: modified EUI-64. */
void carp_in6_link_local(const uint8_t mac[6], struct carp_in6 *out);

/**
 * The ICMPv6 checksum of @p len bytes at @p icmp with the pseudo-header (RFC 8200 8.1) of
 * IPv6 header @p ip6's source and destination: the value to store, or 0 over a message
 * whose checksum is correct.
 */
uint16_t carp_icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, size_t len);

/** What carp_nd_parse thinks of a neighbour solicitation or advertisement. */
enum carp_nd_verdict {
	CARP_ND_OK,
	CARP_ND_BAD_LEN,    /* truncated, or payload length beyond the frame */
	CARP_ND_BAD_HLIM,   /* hop limit not 255: it came from off-link */
	CARP_ND_BAD_CKSUM,  /* ICMPv6 checksum wrong */
	CARP_ND_BAD_CODE,   /* ICMP code not 0 */
	CARP_ND_BAD_OPT,    /* an option of length 0 or running past the message */
	CARP_ND_BAD_SRC,    /* multicast or otherwise impossible source, or a DAD probe
			     * (source ::) not to the solicited-node group or with an SLLA */
	CARP_ND_BAD_TARGET, /* target multicast or ::, or an NA to a group with Solicited set */
};

/** A checked neighbour solicitation or advertisement; pointers point into the frame. */
struct carp_nd {
	uint8_t type;  /* CARP_ICMP6_ND_NS or CARP_ICMP6_ND_NA */
	uint8_t flags; /* NA: CARP_NA_* */
	struct carp_in6 src, dst, target;
	const uint8_t *lladdr; /* NS: source link-layer option, NA: target one; or NULL */
};

/**
 * Check the IPv6 packet at @p ip6 (@p avail bytes to the frame's end; next header ICMPv6,
 * no extension headers, as carp_classify's CARP_CLASS_ND) as a neighbour solicitation or
 * advertisement, the validity checks of RFC 4861 7.1.1 and 7.1.2.
 */
enum carp_nd_verdict carp_nd_parse(const uint8_t *ip6, size_t avail, struct carp_nd *out);

/** True when @p nd (a solicitation) is a duplicate address detection probe: source ::. */
static inline bool
carp_nd_is_dad(const struct carp_nd *nd)
{
	return carp_in6_is_unspecified(&nd->src);
}

/**
 * Turn the solicitation @p ns, at layer-3 offset @p l3 of @p frame, into its advertisement
 * in place: from @p mac (Ethernet source and target link-layer option) and the target
 * address, Override set, Router when @p router; to the solicitor with Solicited set, or
 * for a DAD probe to ff02::1 (33:33:00:00:00:01) without it (RFC 4861 7.2.4). The
 * Ethernet header's bytes between the MACs and @p l3 (a tag) are kept. @p frame must
 * have room for l3 + 72 bytes, which may be more than the solicitation had.
 * @return the new frame length, l3 + 72.
 */
size_t carp_nd_make_na(uint8_t *frame, size_t l3, const struct carp_nd *ns, const uint8_t mac[6],
		       bool router);

/**
 * Build an unsolicited advertisement (RFC 4861 7.2.6) for @p target from @p mac: to
 * ff02::1, Override set, Router when @p router, Solicited clear, with the target
 * link-layer option, untagged. @return CARP_NA_FRAME_LEN, or 0 when @p cap is too small.
 */
size_t carp_build_unsolicited_na(uint8_t *buf, size_t cap, const uint8_t mac[6],
				 const struct carp_in6 *target, bool router);

/**
 * Build a neighbour solicitation (RFC 4861 7.2.2) for @p target from @p src (an address of
 * the interface) and @p mac (its source link-layer option), to the target's
 * solicited-node group, untagged. @return CARP_NA_FRAME_LEN (an NS with its option is as
 * long as an NA with its), or 0 when @p cap is too small.
 */
size_t carp_build_ns(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct carp_in6 *src,
		     const struct carp_in6 *target);

/**
 * True when the IPv6 packet at @p ip6 (@p avail bytes to the frame's end) is a
 * well-formed ICMPv6 echo request (next header ICMPv6, lengths consistent, checksum
 * correct, unicast source); its destination goes to @p dst.
 */
bool carp_icmp6_echo_request(const uint8_t *ip6, size_t avail, struct carp_in6 *dst);

/**
 * Rewrite the echo request at layer-3 offset @p l3 into its reply in place: Ethernet back
 * to the sender from @p mac, addresses swapped, hop limit 64, type 129, checksum updated
 * (the pseudo-header's sum does not change when the addresses swap).
 */
void carp_icmp6_echo_make_reply(uint8_t *frame, size_t l3, const uint8_t mac[6]);

/**
 * Build an MLDv2 report (RFC 3810 5.2) from @p src (a link-local address) and @p src_mac
 * to ff02::16, hop limit 1, Router Alert, with one record of type @p record_type and no
 * sources per group of @p groups. @return its length, or 0 when @p cap is too small or
 * @p n is 0.
 */
size_t carp_build_mld2_report(uint8_t *buf, size_t cap, const uint8_t src_mac[6],
			      const struct carp_in6 *src, const struct carp_in6 *groups, size_t n,
			      uint8_t record_type);

/** An MLD query as carp_mld_query_parse found it. */
struct carp_mld_query {
	struct carp_in6 group; /* :: for a general query */
	uint32_t max_resp_ms;  /* how long the querier waits for reports */
	bool v2;
};

/**
 * True when the IPv6 packet at @p ip6 (@p avail bytes) is a valid MLD query (RFC 3810
 * 5.1.14, 6.2): from a link-local source, hop limit 1, ICMPv6 reached directly or behind
 * one hop-by-hop header, checksum correct, 24 bytes (MLDv1) or at least 28 (MLDv2).
 */
bool carp_mld_query_parse(const uint8_t *ip6, size_t avail, struct carp_mld_query *q);

#endif
