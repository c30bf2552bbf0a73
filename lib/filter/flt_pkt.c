/* SPDX-License-Identifier: BSD-3-Clause */
#include "flt_pkt.h"

#include <string.h>

#include "carp_bytes.h"

#define NAME(e, s, d) s,
#define HELP(e, s, d) d,
static const char *const names[FLT_DROP_COUNT] = { "ok", FLT_DROP_LIST(NAME) };
static const char *const helps[FLT_DROP_COUNT] = { "passed", FLT_DROP_LIST(HELP) };
#undef NAME
#undef HELP

const char *
flt_drop_name(enum flt_drop d)
{
	return (unsigned int)d < FLT_DROP_COUNT ? names[d] : "?";
}

const char *
flt_drop_help(enum flt_drop d)
{
	return (unsigned int)d < FLT_DROP_COUNT ? helps[d] : "?";
}

enum flt_drop
flt_tcp_flags_check(uint8_t flags)
{
	if (flags & FLT_TH_SYN) {
		if (flags & FLT_TH_FIN)
			return FLT_DROP_TCP_SYN_FIN;
		if (flags & FLT_TH_RST)
			return FLT_DROP_TCP_SYN_RST;
	} else if (!(flags & (FLT_TH_ACK | FLT_TH_RST))) {
		if ((flags & ~(FLT_TH_ECE | FLT_TH_CWR)) == 0)
			return FLT_DROP_TCP_NULL;
		if ((flags & (FLT_TH_FIN | FLT_TH_PSH | FLT_TH_URG)) ==
		    (FLT_TH_FIN | FLT_TH_PSH | FLT_TH_URG))
			return FLT_DROP_TCP_XMAS;
		return FLT_DROP_TCP_NO_ACK;
	}
	/* FIN, PSH and URG only mean something on a segment that acks. */
	if (!(flags & FLT_TH_ACK) && (flags & (FLT_TH_FIN | FLT_TH_PSH | FLT_TH_URG)))
		return FLT_DROP_TCP_NO_ACK;
	return FLT_OK;
}

uint8_t
flt_tcp_wscale_option(const uint8_t *opt, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = opt[i];

		if (kind == 0) /* end of options */
			break;
		if (kind == 1) { /* no-op */
			i++;
			continue;
		}
		if (i + 1 >= n || opt[i + 1] < 2 || opt[i + 1] > n - i)
			break; /* a length that does not fit ends the walk */
		if (kind == 3 && opt[i + 1] == 3) {
			uint8_t sh = opt[i + 2];

			/* RFC 7323 2.3: a shift above 14 is taken as 14. */
			return FLT_WSCALE_FLAG | (sh > FLT_TCP_MAX_WINSHIFT ? FLT_TCP_MAX_WINSHIFT : sh);
		}
		i += opt[i + 1];
	}
	return 0;
}

/* An IPv4 address from its 4 wire bytes, IPv4-mapped: three stores, no byte shuffling
 * (fwd_addr4 takes the host-order value the parser would have to build first). */
static inline struct fwd_addr
mapped4(const uint8_t *w)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
	struct fwd_addr a;

	memcpy(a.b, prefix, 12);
	memcpy(a.b + 12, w, 4);
	return a;
}

static bool
is_icmp_error(uint8_t proto, uint8_t type)
{
	if (proto == FLT_PROTO_ICMP) /* unreachable, source quench, redirect, time exceeded,
				      * parameter problem */
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4; /* unreachable, too big, time exceeded, parameter */
}

/*
 * The ports (or echo id) and sequence number of the transport header quoted in an ICMP
 * error: only its first 8 bytes are sure to be there (RFC 792).
 */
static enum flt_drop
parse_inner_l4(const uint8_t *l4, size_t n, struct flt_pkt *p)
{
	struct flt_tuple *t = &p->inner;

	t->sport = t->dport = 0;
	p->inner_seq = 0;
	switch (t->proto) {
	case FLT_PROTO_TCP:
	case FLT_PROTO_UDP:
		if (n < 8)
			return FLT_DROP_ICMP_BAD_INNER;
		t->sport = carp_rd16(l4);
		t->dport = carp_rd16(l4 + 2);
		p->inner_seq = carp_rd32(l4 + 4);
		return FLT_OK;
	case FLT_PROTO_ICMP:
	case FLT_PROTO_ICMP6:
		if (n < 8 || (t->proto == FLT_PROTO_ICMP) != (t->af == 4))
			return FLT_DROP_ICMP_BAD_INNER;
		/* Only a query has a state to belong to; an error about an error is none. */
		if (!flt_icmp_is_echo(t->proto, l4[0]))
			return FLT_DROP_ICMP_BAD_INNER;
		t->sport = t->dport = carp_rd16(l4 + 4);
		return FLT_OK;
	}
	return FLT_OK;
}

/*
 * The IPv6 extension headers from @p *nh at @p *off: walked to the transport header, at
 * most 8 of them. Fragments and type 0 routing headers end in their reason.
 */
static enum flt_drop
walk6(const uint8_t *ip6, size_t len, uint8_t *nh, size_t *off)
{
	for (unsigned int i = 0;; i++) {
		size_t hl;

		switch (*nh) {
		case 0:  /* hop-by-hop: only right after the header */
			if (i != 0)
				return FLT_DROP_IP6_EXT;
			/* fall through */
		case 43: /* routing */
		case 60: /* destination options */
			break;
		case 44: /* fragment */
			return FLT_DROP_FRAGMENT;
		default:
			return FLT_OK;
		}
		if (i == 8 || *off + 8 > len)
			return FLT_DROP_IP6_EXT;
		hl = ((size_t)ip6[*off + 1] + 1) * 8;
		if (hl > len - *off)
			return FLT_DROP_IP6_EXT;
		if (*nh == 43 && ip6[*off + 2] == 0)
			return FLT_DROP_IP_OPTIONS; /* RH0: source routing, RFC 5095 */
		*nh = ip6[*off];
		*off += hl;
	}
}

static enum flt_drop
parse_inner(const uint8_t *q, size_t n, uint8_t af, struct flt_pkt *p)
{
	struct flt_tuple *t = &p->inner;

	t->af = af;
	if (af == 4) {
		size_t ihl;

		if (n < 20 || q[0] >> 4 != 4)
			return FLT_DROP_ICMP_BAD_INNER;
		ihl = (size_t)(q[0] & 0xf) * 4;
		/* A later fragment quotes no transport header. */
		if (ihl < 20 || ihl > n || (carp_rd16(q + 6) & 0x1fff) != 0)
			return FLT_DROP_ICMP_BAD_INNER;
		t->proto = q[9];
		t->src = mapped4(q + 12);
		t->dst = mapped4(q + 16);
		return parse_inner_l4(q + ihl, n - ihl, p);
	}
	uint8_t nh;
	size_t off = 40;

	if (n < 40 || q[0] >> 4 != 6)
		return FLT_DROP_ICMP_BAD_INNER;
	nh = q[6];
	t->src = fwd_addr6(q + 8);
	t->dst = fwd_addr6(q + 24);
	if (walk6(q, n, &nh, &off) != FLT_OK)
		return FLT_DROP_ICMP_BAD_INNER;
	t->proto = nh;
	return parse_inner_l4(q + off, n - off, p);
}

static enum flt_drop
parse_l4(const uint8_t *l4, size_t n, struct flt_pkt *p)
{
	struct flt_tuple *t = &p->t;
	enum flt_drop d;
	size_t off;

	t->sport = t->dport = 0;
	p->icmp_type = p->icmp_code = 0;
	p->icmp_error = false;
	switch (t->proto) {
	case FLT_PROTO_TCP:
		if (n < 20)
			return FLT_DROP_SHORT;
		off = (size_t)(l4[12] >> 4) * 4;
		if (off < 20 || off > n)
			return FLT_DROP_TCP_BAD_OFF;
		p->tcp.flags = l4[13];
		d = flt_tcp_flags_check(p->tcp.flags);
		if (d != FLT_OK)
			return d;
		t->sport = carp_rd16(l4);
		t->dport = carp_rd16(l4 + 2);
		p->tcp.seq = carp_rd32(l4 + 4);
		p->tcp.ack = carp_rd32(l4 + 8);
		p->tcp.win = carp_rd16(l4 + 14);
		p->tcp.len = (uint32_t)(n - off);
		p->tcp.wscale = (p->tcp.flags & FLT_TH_SYN) ? flt_tcp_wscale_option(l4 + 20, off - 20)
							      : 0;
		return FLT_OK;
	case FLT_PROTO_UDP:
		if (n < 8)
			return FLT_DROP_SHORT;
		t->sport = carp_rd16(l4);
		t->dport = carp_rd16(l4 + 2);
		return FLT_OK;
	case FLT_PROTO_ICMP:
	case FLT_PROTO_ICMP6:
		/* ICMP in the other family's packet is only another protocol number. */
		if ((t->proto == FLT_PROTO_ICMP) != (t->af == 4))
			return FLT_OK;
		if (n < 8)
			return FLT_DROP_SHORT;
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		if (flt_icmp_is_echo(t->proto, p->icmp_type)) {
			t->sport = t->dport = carp_rd16(l4 + 4);
			return FLT_OK;
		}
		if (is_icmp_error(t->proto, p->icmp_type)) {
			p->icmp_error = true;
			return parse_inner(l4 + 8, n - 8, t->af, p);
		}
		return FLT_OK;
	}
	return FLT_OK;
}

enum flt_drop
flt_pkt_parse4(const uint8_t *ip, size_t len, struct flt_pkt *p)
{
	size_t ihl;

	if (len < 20)
		return FLT_DROP_SHORT;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	if (ihl > 20)
		return ihl > len ? FLT_DROP_SHORT : FLT_DROP_IP_OPTIONS;
	if (ihl < 20)
		return FLT_DROP_SHORT;
	if (carp_rd16(ip + 6) & 0x3fff) /* MF or an offset */
		return FLT_DROP_FRAGMENT;
	p->t.af = 4;
	p->t.proto = ip[9];
	p->t.src = mapped4(ip + 12);
	p->t.dst = mapped4(ip + 16);
	p->l3_len = (uint32_t)len;
	p->l4_off = 20;
	return parse_l4(ip + 20, len - 20, p);
}

/* A datagram parsed over its first @p head of @p total bytes: the lengths made whole, or
 * a header cut short named as the tiny fragment it is. */
static enum flt_drop
whole_from_head(enum flt_drop d, size_t head, size_t total, struct flt_pkt *p)
{
	switch (d) {
	case FLT_OK:
		break;
	case FLT_DROP_SHORT:
	case FLT_DROP_TCP_BAD_OFF:
	case FLT_DROP_ICMP_BAD_INNER:
	case FLT_DROP_IP6_EXT:
		return FLT_DROP_FRAG_TINY; /* what it lacks is in a later fragment */
	default:
		return d;
	}
	p->l3_len = (uint32_t)total;
	if (p->t.proto == FLT_PROTO_TCP)
		p->tcp.len += (uint32_t)(total - head);
	return FLT_OK;
}

enum flt_drop
flt_pkt_parse4_head(const uint8_t *ip, size_t head, size_t total, struct flt_pkt *p)
{
	if (head >= total)
		return flt_pkt_parse4(ip, total, p);
	return whole_from_head(flt_pkt_parse4(ip, head, p), head, total, p);
}

enum flt_drop
flt_pkt_parse6_head(const uint8_t *ip6, size_t head, size_t total, struct flt_pkt *p)
{
	if (head >= total)
		return flt_pkt_parse6(ip6, total, p);
	return whole_from_head(flt_pkt_parse6(ip6, head, p), head, total, p);
}

enum flt_drop
flt_pkt_parse6(const uint8_t *ip6, size_t len, struct flt_pkt *p)
{
	uint8_t nh;
	size_t off = 40;
	enum flt_drop d;

	if (len < 40)
		return FLT_DROP_SHORT;
	nh = ip6[6];
	d = walk6(ip6, len, &nh, &off);
	if (d != FLT_OK)
		return d;
	p->t.af = 6;
	p->t.proto = nh;
	p->t.src = fwd_addr6(ip6 + 8);
	p->t.dst = fwd_addr6(ip6 + 24);
	p->l3_len = (uint32_t)len;
	p->l4_off = (uint16_t)off;
	return parse_l4(ip6 + off, len - off, p);
}
