/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_PKT_H
#define CARP_FLT_PKT_H

/**
 * @file
 * What the filter reads of a packet, over plain bytes from its IP header: the flow's
 * tuple (addresses, ports or ICMP id, protocol), TCP's sequence fields and window scale
 * option, ICMP type and code, and for an ICMP error the tuple of the packet it quotes, by
 * which it is matched to a state. Every malformed header ends in a named reason, so the
 * rules are never asked about a packet they cannot see whole.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flt_tcp.h"
#include "fwd_addr.h"

/*
 * Why the filter drops a packet. X(enum suffix, counter name, explanation). The rule
 * and state outcomes are here too, so /carp/states reads one list.
 */
#define FLT_DROP_LIST(X) \
	X(SHORT, "flt_short", "transport header beyond the packet") \
	X(TCP_BAD_OFF, "flt_tcp_bad_off", "TCP data offset below 5 or beyond the packet") \
	X(TCP_SYN_FIN, "flt_tcp_syn_fin", "TCP SYN with FIN") \
	X(TCP_SYN_RST, "flt_tcp_syn_rst", "TCP SYN with RST") \
	X(TCP_NULL, "flt_tcp_null", "TCP segment without any flag (null scan)") \
	X(TCP_XMAS, "flt_tcp_xmas", "TCP FIN, PSH and URG without ACK (xmas scan)") \
	X(TCP_NO_ACK, "flt_tcp_no_ack", "TCP without SYN, ACK or RST, or FIN/PSH/URG without ACK") \
	X(IP_OPTIONS, "flt_ip_options", "IPv4 options, or an IPv6 type 0 routing header (pf refuses both)") \
	X(IP6_EXT, "flt_ip6_ext", "IPv6 extension headers malformed or more than 8") \
	X(FRAGMENT, "flt_fragment", "IP fragment, reassembly off (the filter sees whole datagrams only), or an IPv6 one whose fragment header is not the first extension header, or an atomic one") \
	X(FRAG_TINY, "flt_frag_tiny", "reassembled datagram, too big for one mbuf, whose first fragment does not hold its transport header (RFC 1858) or, IPv6, all its extension headers (RFC 7112)") \
	X(FRAG_DISCARDED, "flt_frag_discarded", "fragment discarded by reassembly: overlapping, duplicate, more than 8 per datagram, timed out, or the table full") \
	X(FRAG_IFACE, "flt_frag_iface", "fragments of one datagram from different interfaces") \
	X(FRAG_OVERSIZE, "flt_frag_oversize", "fragments adding up to more than 65535 bytes") \
	X(ICMP_BAD_INNER, "flt_icmp_bad_inner", "ICMP error quoting a packet that cannot be read") \
	X(BAD_STATE, "flt_bad_state", "TCP segment outside the state's windows (blind injection)") \
	X(ICMP_BAD_STATE, "flt_icmp_bad_state", "ICMP error against its state: not headed to the quoted packet's source, or a quoted TCP sequence outside the window") \
	X(NO_STATE, "flt_no_state", "not the first packet of a flow (TCP without SYN) and no state") \
	X(STATE_LIMIT, "flt_state_limit", "state table full: new flows refused, existing ones go on") \
	X(BLOCK, "flt_block", "a block rule (or the default action) matched") \
	X(REJECT, "flt_reject", "a reject rule matched (an RST or ICMP unreachable sent, rate allowing)")

#define FLT_ENUM_DROP(e, s, d) FLT_DROP_##e,
enum flt_drop { FLT_OK = 0, FLT_DROP_LIST(FLT_ENUM_DROP) FLT_DROP_COUNT };
#undef FLT_ENUM_DROP

const char *flt_drop_name(enum flt_drop d);
const char *flt_drop_help(enum flt_drop d);

#define FLT_PROTO_ICMP 1
#define FLT_PROTO_TCP 6
#define FLT_PROTO_UDP 17
#define FLT_PROTO_ICMP6 58

/* A flow's tuple as the packet carries it (source first). */
struct flt_tuple {
	struct fwd_addr src, dst; /* IPv4 as IPv4-mapped */
	uint16_t sport, dport;    /* TCP/UDP ports; ICMP echo: the id in both; else 0 */
	uint8_t proto;
	uint8_t af; /* 4 or 6 */
};

struct flt_pkt {
	struct flt_tuple t;
	struct flt_tcp_seg tcp; /* TCP only */
	uint8_t icmp_type, icmp_code; /* ICMP and ICMPv6 */
	bool icmp_error;        /* an error, with the quoted packet's tuple in inner */
	struct flt_tuple inner; /* as the quoted packet was sent (its source first) */
	uint32_t inner_seq;     /* a quoted TCP segment's sequence number */
	uint32_t l3_len;        /* the datagram's length (bytes counters) */
	uint16_t l4_off;        /* where its transport header starts (after IPv6's
				 * extension headers) */
};

/**
 * Read the IPv4 datagram at @p ip (@p len bytes: its total length, checked by the
 * router's checks before) into @p p.
 */
enum flt_drop flt_pkt_parse4(const uint8_t *ip, size_t len, struct flt_pkt *p);

/**
 * The same for a reassembled IPv4 datagram of @p total bytes of which the first @p head
 * (its first fragment) lie contiguous at @p ip: the headers are read from those, the
 * lengths are the datagram's. When the transport header (or an ICMP error's quoted one)
 * is not all in the first fragment, FLT_DROP_FRAG_TINY: a header split over fragments is
 * the tiny-fragment attack (RFC 1858), and no sender needs it. (A header that would be
 * malformed even whole is counted there too: it goes nowhere either way.)
 */
enum flt_drop flt_pkt_parse4_head(const uint8_t *ip, size_t head, size_t total,
				  struct flt_pkt *p);

/** The same for the IPv6 packet at @p ip6 (@p len bytes: header and payload). */
enum flt_drop flt_pkt_parse6(const uint8_t *ip6, size_t len, struct flt_pkt *p);

/** flt_pkt_parse4_head for a reassembled IPv6 packet (its extension headers must be in
 * the first fragment too, RFC 7112). */
enum flt_drop flt_pkt_parse6_head(const uint8_t *ip6, size_t head, size_t total,
				  struct flt_pkt *p);

/** pf's flag checks (pf_normalize_tcp): FLT_OK or the reason a flag set is refused. */
enum flt_drop flt_tcp_flags_check(uint8_t flags);

/** The window scale option of a SYN's options (@p n bytes): FLT_WSCALE_FLAG | shift, or 0. */
uint8_t flt_tcp_wscale_option(const uint8_t *opt, size_t n);

/** Whether ICMP (@p proto 1) or ICMPv6 (58) type @p type is an echo request or reply. */
static inline bool
flt_icmp_is_echo(uint8_t proto, uint8_t type)
{
	return proto == FLT_PROTO_ICMP ? (type == 8 || type == 0) : (type == 128 || type == 129);
}

#endif
