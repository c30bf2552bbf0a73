/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the filter reads of a packet (flt_pkt.h): tuples of both families, TCP fields and
 * the window scale option, pf's flag checks (SYN+FIN, null, xmas, ...), IPv4 options and
 * IPv6 extension headers, fragments, ICMP echo ids and the packet an ICMP error quotes;
 * the state key (flt_key.h), one for both directions of a flow; and the RST a reject rule
 * answers a segment with (flt_reject.h).
 */
#include "test_util.h"

#include "carp_bytes.h"
#include "carp_cksum.h"
#include "flt_key.h"
#include "flt_pkt.h"
#include "flt_reject.h"

static size_t
mk_ip4(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst, size_t l4len)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	carp_wr16(b + 2, (uint16_t)(20 + l4len));
	b[6] = 0x40; /* DF */
	b[8] = 64;
	b[9] = proto;
	carp_wr32(b + 12, src);
	carp_wr32(b + 16, dst);
	return 20;
}

static size_t
mk_ip6(uint8_t *b, uint8_t nh, uint8_t last_src, uint8_t last_dst, size_t plen)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	carp_wr16(b + 4, (uint16_t)plen);
	b[6] = nh;
	b[7] = 64;
	b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = last_src;
	b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = last_dst;
	return 40;
}

/* A TCP header with @p optlen bytes of options from @p opt. */
static size_t
tcp(uint8_t *b, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags,
    const uint8_t *opt, size_t optlen)
{
	memset(b, 0, 20);
	carp_wr16(b, sp);
	carp_wr16(b + 2, dp);
	carp_wr32(b + 4, seq);
	carp_wr32(b + 8, ack);
	b[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	b[13] = flags;
	carp_wr16(b + 14, 64240);
	if (optlen)
		memcpy(b + 20, opt, optlen);
	return 20 + optlen;
}

#define A4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void
test_tcp_syn_with_options(void **state)
{
	/* MSS, SACK permitted, timestamps, NOP, window scale 7: as Linux sends them. */
	static const uint8_t opt[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
	uint8_t b[128];
	struct flt_pkt p;
	size_t n = mk_ip4(b, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 20 + sizeof(opt));

	(void)state;
	n += tcp(b + n, 40000, 443, 1000, 0, FLT_TH_SYN, opt, sizeof(opt));
	assert_int_equal(flt_pkt_parse4(b, n, &p), FLT_OK);
	assert_int_equal(p.t.af, 4);
	assert_int_equal(p.t.proto, 6);
	assert_int_equal(p.t.sport, 40000);
	assert_int_equal(p.t.dport, 443);
	struct fwd_addr want = fwd_addr4(A4(10, 0, 0, 9));

	assert_true(fwd_addr_eq(&p.t.src, &want));
	assert_int_equal(p.tcp.seq, 1000);
	assert_int_equal(p.tcp.len, 0);
	assert_int_equal(p.tcp.win, 64240);
	assert_int_equal(p.tcp.wscale, FLT_WSCALE_FLAG | 7);
	assert_int_equal(p.l3_len, n);
}

static void
test_wscale_option_edges(void **state)
{
	static const uint8_t big[] = { 3, 3, 20 };
	static const uint8_t bad_len[] = { 3, 2, 7 };
	static const uint8_t cut[] = { 1, 1, 3, 3 };
	static const uint8_t after_eol[] = { 0, 3, 3, 7 };
	static const uint8_t zero_len[] = { 8, 0, 3, 3, 7 };

	(void)state;
	assert_int_equal(flt_tcp_wscale_option(big, sizeof(big)), FLT_WSCALE_FLAG | 14);
	assert_int_equal(flt_tcp_wscale_option(bad_len, sizeof(bad_len)), 0);
	assert_int_equal(flt_tcp_wscale_option(cut, sizeof(cut)), 0);
	assert_int_equal(flt_tcp_wscale_option(after_eol, sizeof(after_eol)), 0);
	assert_int_equal(flt_tcp_wscale_option(zero_len, sizeof(zero_len)), 0);
}

static void
test_tcp_flag_checks(void **state)
{
	static const struct {
		uint8_t flags;
		enum flt_drop want;
	} cases[] = {
		{ FLT_TH_SYN, FLT_OK },
		{ FLT_TH_SYN | FLT_TH_ACK, FLT_OK },
		{ FLT_TH_SYN | FLT_TH_ECE | FLT_TH_CWR, FLT_OK },
		{ FLT_TH_ACK, FLT_OK },
		{ FLT_TH_ACK | FLT_TH_FIN | FLT_TH_PSH, FLT_OK },
		{ FLT_TH_RST, FLT_OK },
		{ FLT_TH_RST | FLT_TH_ACK, FLT_OK },
		{ FLT_TH_SYN | FLT_TH_FIN, FLT_DROP_TCP_SYN_FIN },
		{ FLT_TH_SYN | FLT_TH_FIN | FLT_TH_ACK, FLT_DROP_TCP_SYN_FIN },
		{ FLT_TH_SYN | FLT_TH_RST, FLT_DROP_TCP_SYN_RST },
		{ 0, FLT_DROP_TCP_NULL },
		{ FLT_TH_ECE, FLT_DROP_TCP_NULL },
		{ FLT_TH_FIN | FLT_TH_PSH | FLT_TH_URG, FLT_DROP_TCP_XMAS },
		{ FLT_TH_FIN, FLT_DROP_TCP_NO_ACK },
		{ FLT_TH_PSH, FLT_DROP_TCP_NO_ACK },
		{ FLT_TH_RST | FLT_TH_FIN, FLT_DROP_TCP_NO_ACK },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[64];
		struct flt_pkt p;
		size_t n = mk_ip4(b, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 20);

		n += tcp(b + n, 1, 2, 3, 4, cases[i].flags, NULL, 0);
		assert_int_equal(flt_tcp_flags_check(cases[i].flags), cases[i].want);
		assert_int_equal(flt_pkt_parse4(b, n, &p), cases[i].want);
	}
}

static void
test_malformed_headers(void **state)
{
	uint8_t b[128];
	struct flt_pkt p;
	size_t n;

	(void)state;
	/* TCP cut short, offset below 5 and beyond the packet. */
	n = mk_ip4(b, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 20);
	n += tcp(b + n, 1, 2, 3, 4, FLT_TH_ACK, NULL, 0);
	assert_int_equal(flt_pkt_parse4(b, n - 1, &p), FLT_DROP_SHORT);
	b[20 + 12] = 4 << 4;
	assert_int_equal(flt_pkt_parse4(b, n, &p), FLT_DROP_TCP_BAD_OFF);
	b[20 + 12] = 6 << 4;
	assert_int_equal(flt_pkt_parse4(b, n, &p), FLT_DROP_TCP_BAD_OFF);
	/* UDP and ICMP shorter than their 8 bytes. */
	n = mk_ip4(b, 17, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 7);
	assert_int_equal(flt_pkt_parse4(b, n + 7, &p), FLT_DROP_SHORT);
	n = mk_ip4(b, 1, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 4);
	assert_int_equal(flt_pkt_parse4(b, n + 4, &p), FLT_DROP_SHORT);
	/* IPv4 options, an IHL beyond the packet, fragments (first and later). */
	n = mk_ip4(b, 17, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 8);
	b[0] = 0x46;
	assert_int_equal(flt_pkt_parse4(b, 28, &p), FLT_DROP_IP_OPTIONS);
	b[0] = 0x4f;
	assert_int_equal(flt_pkt_parse4(b, 28, &p), FLT_DROP_SHORT);
	b[0] = 0x45;
	b[6] = 0x20; /* MF */
	assert_int_equal(flt_pkt_parse4(b, 28, &p), FLT_DROP_FRAGMENT);
	b[6] = 0, b[7] = 10; /* offset 80 */
	assert_int_equal(flt_pkt_parse4(b, 28, &p), FLT_DROP_FRAGMENT);
	b[7] = 0;
	assert_int_equal(flt_pkt_parse4(b, 28, &p), FLT_OK);
}

/* A reassembled datagram in several mbufs: headers from the first fragment, lengths from
 * the whole; a transport header the first fragment does not hold is a tiny fragment. */
static void
test_reassembled_head(void **state)
{
	uint8_t b[128];
	struct flt_pkt p;
	size_t n;

	(void)state;
	n = mk_ip4(b, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 20 + 100);
	n += tcp(b + n, 40000, 80, 1000, 2000, FLT_TH_ACK, NULL, 0);
	/* The first 48 of 1500 bytes: the header and 8 of the payload's 1460. */
	assert_int_equal(flt_pkt_parse4_head(b, 48, 1500, &p), FLT_OK);
	assert_int_equal(p.l3_len, 1500);
	assert_int_equal(p.tcp.len, 1460);
	assert_int_equal(p.tcp.seq, 1000);
	assert_int_equal(p.t.dport, 80);
	/* Its header cut: 8 bytes of TCP in the first fragment, or 19, or a data offset
	 * beyond what it holds. */
	assert_int_equal(flt_pkt_parse4_head(b, 28, 1500, &p), FLT_DROP_FRAG_TINY);
	assert_int_equal(flt_pkt_parse4_head(b, 39, 1500, &p), FLT_DROP_FRAG_TINY);
	b[32] = 0x80; /* 32 bytes of header */
	assert_int_equal(flt_pkt_parse4_head(b, 48, 1500, &p), FLT_DROP_FRAG_TINY);
	b[32] = 0x50;
	/* What is wrong whatever follows keeps its own name. */
	b[33] = FLT_TH_SYN | FLT_TH_FIN;
	assert_int_equal(flt_pkt_parse4_head(b, 48, 1500, &p), FLT_DROP_TCP_SYN_FIN);
	/* UDP: 8 bytes are its header. */
	n = mk_ip4(b, 17, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 8);
	b[n + 2] = 0, b[n + 3] = 53;
	assert_int_equal(flt_pkt_parse4_head(b, 28, 3000, &p), FLT_OK);
	assert_int_equal(p.l3_len, 3000);
	assert_int_equal(flt_pkt_parse4_head(b, 27, 3000, &p), FLT_DROP_FRAG_TINY);
	/* A head that is the whole datagram is read as one. */
	assert_int_equal(flt_pkt_parse4_head(b, 28, 28, &p), FLT_OK);
	assert_int_equal(p.l3_len, 28);
	/* IPv6: TCP behind a destination options header, both in the first fragment or
	 * not (RFC 7112: the whole header chain in the first). */
	n = mk_ip6(b, 60, 9, 1, 8 + 20 + 100);
	memset(b + n, 0, 8);
	b[n] = 6; /* next: TCP; length 0: 8 bytes */
	n += 8;
	n += tcp(b + n, 40000, 80, 7, 9, FLT_TH_ACK, NULL, 0);
	assert_int_equal(flt_pkt_parse6_head(b, n, 40 + 8 + 20 + 1000, &p), FLT_OK);
	assert_int_equal(p.l3_len, 1068);
	assert_int_equal(p.tcp.len, 1000);
	assert_int_equal(flt_pkt_parse6_head(b, 40 + 8 + 10, 1068, &p), FLT_DROP_FRAG_TINY);
	assert_int_equal(flt_pkt_parse6_head(b, 40 + 4, 1068, &p), FLT_DROP_FRAG_TINY);
}

static void
test_icmp_echo_and_other_protocols(void **state)
{
	uint8_t b[128];
	struct flt_pkt p;
	size_t n = mk_ip4(b, 1, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 8);

	(void)state;
	memset(b + n, 0, 8);
	b[n] = 8; /* echo request */
	carp_wr16(b + n + 4, 0x1234);
	assert_int_equal(flt_pkt_parse4(b, n + 8, &p), FLT_OK);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.t.sport, 0x1234);
	assert_int_equal(p.t.dport, 0x1234);
	assert_false(p.icmp_error);
	/* GRE: no ports. */
	n = mk_ip4(b, 47, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 4);
	assert_int_equal(flt_pkt_parse4(b, n + 4, &p), FLT_OK);
	assert_int_equal(p.t.proto, 47);
	assert_int_equal(p.t.sport, 0);
}

static void
test_icmp_error_quotes_a_tcp_segment(void **state)
{
	uint8_t b[256];
	struct flt_pkt p;
	size_t n = mk_ip4(b, 1, A4(198, 18, 1, 1), A4(10, 0, 0, 9), 8 + 28);

	(void)state;
	memset(b + n, 0, 8);
	b[n] = 3, b[n + 1] = 4; /* fragmentation needed */
	/* The quoted segment: 10.0.0.9:40000 -> 198.18.1.9:443, seq 7777, 8 bytes of it. */
	mk_ip4(b + n + 8, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 1480);
	carp_wr16(b + n + 28, 40000);
	carp_wr16(b + n + 30, 443);
	carp_wr32(b + n + 32, 7777);
	assert_int_equal(flt_pkt_parse4(b, n + 36, &p), FLT_OK);
	assert_true(p.icmp_error);
	assert_int_equal(p.inner.proto, 6);
	assert_int_equal(p.inner.sport, 40000);
	assert_int_equal(p.inner.dport, 443);
	assert_int_equal(p.inner_seq, 7777);
	assert_true(fwd_addr_eq(&p.inner.src, &p.t.dst));
	/* Quoting less than 8 bytes of transport header, or a later fragment. */
	assert_int_equal(flt_pkt_parse4(b, n + 35, &p), FLT_DROP_ICMP_BAD_INNER);
	b[n + 8 + 7] = 1;
	assert_int_equal(flt_pkt_parse4(b, n + 36, &p), FLT_DROP_ICMP_BAD_INNER);
	b[n + 8 + 7] = 0;
	/* An error about an ICMP error belongs to nothing. */
	b[n + 8 + 9] = 1;
	b[n + 28] = 3;
	assert_int_equal(flt_pkt_parse4(b, n + 36, &p), FLT_DROP_ICMP_BAD_INNER);
	b[n + 28] = 8; /* about an echo request: its id */
	carp_wr16(b + n + 32, 0x4321);
	assert_int_equal(flt_pkt_parse4(b, n + 36, &p), FLT_OK);
	assert_int_equal(p.inner.sport, 0x4321);
}

static void
test_ipv6_extension_headers(void **state)
{
	uint8_t b[256];
	struct flt_pkt p;
	size_t n;

	(void)state;
	/* Hop-by-hop, destination options, then UDP. */
	n = mk_ip6(b, 0, 9, 1, 8 + 8 + 8);
	memset(b + n, 0, 16);
	b[n] = 60;      /* next: destination options */
	b[n + 8] = 17;  /* next: UDP */
	carp_wr16(b + n + 16, 5353);
	carp_wr16(b + n + 18, 53);
	assert_int_equal(flt_pkt_parse6(b, n + 24, &p), FLT_OK);
	assert_int_equal(p.t.af, 6);
	assert_int_equal(p.t.proto, 17);
	assert_int_equal(p.t.dport, 53);
	assert_int_equal(p.t.src.b[15], 9);
	/* Hop-by-hop anywhere but first. */
	b[n + 8] = 0;
	assert_int_equal(flt_pkt_parse6(b, n + 24, &p), FLT_DROP_IP6_EXT);
	/* A fragment header. */
	b[n + 8] = 44;
	assert_int_equal(flt_pkt_parse6(b, n + 24, &p), FLT_DROP_FRAGMENT);
	/* Routing header type 0, type 2. */
	b[n] = 43;
	b[n + 8] = 17, b[n + 9] = 0, b[n + 10] = 0;
	assert_int_equal(flt_pkt_parse6(b, n + 24, &p), FLT_DROP_IP_OPTIONS);
	b[n + 10] = 2;
	assert_int_equal(flt_pkt_parse6(b, n + 24, &p), FLT_OK);
	/* A header length beyond the packet. */
	b[n + 9] = 4;
	assert_int_equal(flt_pkt_parse6(b, n + 24, &p), FLT_DROP_IP6_EXT);
	/* Nine extension headers. */
	n = mk_ip6(b, 60, 9, 1, 9 * 8 + 8);
	for (int i = 0; i < 9; i++) {
		memset(b + n + 8 * i, 0, 8);
		b[n + 8 * i] = i == 8 ? 17 : 60;
	}
	assert_int_equal(flt_pkt_parse6(b, n + 80, &p), FLT_DROP_IP6_EXT);
}

static void
test_icmp6_echo_and_error(void **state)
{
	uint8_t b[256];
	struct flt_pkt p;
	size_t n = mk_ip6(b, 58, 9, 1, 8);

	(void)state;
	memset(b + n, 0, 8);
	b[n] = 128;
	carp_wr16(b + n + 4, 77);
	assert_int_equal(flt_pkt_parse6(b, n + 8, &p), FLT_OK);
	assert_int_equal(p.t.sport, 77);
	/* Packet too big, quoting a TCP segment from ::9. */
	n = mk_ip6(b, 58, 1, 9, 8 + 48);
	memset(b + n, 0, 8);
	b[n] = 2;
	mk_ip6(b + n + 8, 6, 9, 1, 1400);
	carp_wr16(b + n + 48, 40000);
	carp_wr16(b + n + 50, 22);
	carp_wr32(b + n + 52, 99);
	assert_int_equal(flt_pkt_parse6(b, n + 56, &p), FLT_OK);
	assert_true(p.icmp_error);
	assert_int_equal(p.inner.dport, 22);
	assert_int_equal(p.inner_seq, 99);
	/* ICMPv4 inside IPv6 is only a protocol number. */
	n = mk_ip6(b, 1, 9, 1, 8);
	assert_int_equal(flt_pkt_parse6(b, n + 8, &p), FLT_OK);
	assert_false(p.icmp_error);
}

static void
test_key_is_one_for_both_directions(void **state)
{
	struct flt_tuple fwd = { .src = fwd_addr4(A4(10, 0, 0, 9)), .dst = fwd_addr4(A4(198, 18, 1, 9)),
				 .sport = 40000, .dport = 443, .proto = 6, .af = 4 };
	struct flt_tuple rev = { .src = fwd.dst, .dst = fwd.src, .sport = 443, .dport = 40000,
				 .proto = 6, .af = 4 };
	struct flt_key a, b;
	unsigned int sa, sb;

	(void)state;
	sa = flt_key_make(&fwd, &a);
	sb = flt_key_make(&rev, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(sa ^ sb, 1);
	/* Same addresses, the ports decide; a hairpin to itself stays one side. */
	fwd.dst = fwd.src;
	rev = fwd;
	rev.sport = fwd.dport, rev.dport = fwd.sport;
	sa = flt_key_make(&fwd, &a);
	sb = flt_key_make(&rev, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(sa ^ sb, 1);
	/* Another protocol is another key. */
	rev.proto = 17;
	flt_key_make(&rev, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));
}

/* The TCP checksum of the segment after the IP header at @p ip (@p l3 bytes) is right. */
static bool
tcp_cksum_ok(const uint8_t *ip, size_t l3, size_t tcplen)
{
	uint32_t sum = l3 == 20 ? carp_cksum_add(0, ip + 12, 8) : carp_cksum_add(0, ip + 8, 32);

	sum += 6 + (uint32_t)tcplen;
	return carp_cksum_finish(carp_cksum_add(sum, ip + l3, tcplen)) == 0;
}

static void
test_reject_answers_with_rst(void **state)
{
	uint8_t b[256];
	struct flt_pkt p;
	size_t n;

	(void)state;
	/* A SYN from 10.0.0.9:40000 to 198.18.1.9:22 with 8 bytes of payload. */
	n = mk_ip4(b, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 28);
	n += tcp(b + n, 40000, 22, 1000, 0, FLT_TH_SYN, NULL, 0);
	memset(b + n, 'x', 8);
	n += 8;
	assert_int_equal(flt_pkt_parse4(b, n, &p), FLT_OK);
	assert_int_equal(flt_reject_tcp(b, &p), 40);
	assert_int_equal(carp_cksum(b, 20), 0);
	assert_int_equal(carp_rd16(b + 2), 40);
	assert_int_equal(b[9], 6);
	assert_int_equal(carp_rd32(b + 12), A4(198, 18, 1, 9)); /* from the destination */
	assert_int_equal(carp_rd32(b + 16), A4(10, 0, 0, 9));
	assert_int_equal(carp_rd16(b + 20), 22);
	assert_int_equal(carp_rd16(b + 22), 40000);
	assert_int_equal(carp_rd32(b + 28), 1000 + 8 + 1); /* its sequence, data and SYN */
	assert_int_equal(b[33], FLT_TH_RST | FLT_TH_ACK);
	assert_true(tcp_cksum_ok(b, 20, 20));

	/* IPv6 behind a destination options header: the RST has none. */
	n = mk_ip6(b, 60, 9, 1, 8 + 20);
	b[n] = 6, b[n + 1] = 0;
	n += 8;
	n += tcp(b + n, 40000, 443, 5000, 777, FLT_TH_ACK | FLT_TH_FIN, NULL, 0);
	assert_int_equal(flt_pkt_parse6(b, n, &p), FLT_OK);
	assert_int_equal(p.l4_off, 48);
	assert_int_equal(flt_reject_tcp(b, &p), 60);
	assert_int_equal(b[6], 6);
	assert_int_equal(carp_rd16(b + 4), 20);
	assert_int_equal(b[23], 1);
	assert_int_equal(b[39], 9);
	assert_int_equal(carp_rd32(b + 44), 777);  /* sequence: its ack */
	assert_int_equal(carp_rd32(b + 48), 5001); /* ack: past its FIN */
	assert_true(tcp_cksum_ok(b, 40, 20));

	/* Never an RST for an RST. */
	n = mk_ip4(b, 6, A4(10, 0, 0, 9), A4(198, 18, 1, 9), 20);
	n += tcp(b + n, 40000, 22, 1000, 0, FLT_TH_RST, NULL, 0);
	assert_int_equal(flt_pkt_parse4(b, n, &p), FLT_OK);
	assert_int_equal(flt_reject_tcp(b, &p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reassembled_head),
		cmocka_unit_test(test_tcp_syn_with_options),
		cmocka_unit_test(test_wscale_option_edges),
		cmocka_unit_test(test_tcp_flag_checks),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_icmp_echo_and_other_protocols),
		cmocka_unit_test(test_icmp_error_quotes_a_tcp_segment),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_icmp6_echo_and_error),
		cmocka_unit_test(test_key_is_one_for_both_directions),
		cmocka_unit_test(test_reject_answers_with_rst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
