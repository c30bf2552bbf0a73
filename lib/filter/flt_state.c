/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A state's life per packet, after pf_create_state, pf_test_state and
 * pf_test_state_icmp (OpenBSD sys/net/pf.c): TCP by the window tracker, UDP and other
 * protocols by pseudo-states that tell a one-way flow from a conversation, ICMP queries
 * by their id, ICMP errors by the state of the packet they quote.
 */
#include <string.h>

#include "flt_state.h"

static enum flt_timeout
first_timeout(uint8_t proto)
{
	switch (proto) {
	case FLT_PROTO_TCP:
		return FLT_TO_TCP_FIRST;
	case FLT_PROTO_UDP:
		return FLT_TO_UDP_FIRST;
	case FLT_PROTO_ICMP:
	case FLT_PROTO_ICMP6:
		return FLT_TO_ICMP_FIRST;
	default:
		return FLT_TO_OTHER_FIRST;
	}
}

void
flt_state_init(struct flt_state *st, const struct flt_pkt *p, const struct flt_key *k,
	       unsigned int side, uint32_t rule, uint64_t now)
{
	memset(st, 0, sizeof(*st));
	st->key = *k;
	st->init_side = (uint8_t)side;
	st->rule = rule;
	st->created_ns = st->last_ns = now;
	st->timeout = (uint8_t)first_timeout(p->t.proto);
	if (p->t.proto == FLT_PROTO_TCP)
		flt_tcp_new(&st->peer[side], &st->peer[side ^ 1], &p->tcp);
	else
		st->peer[side].state = FLT_PS_SINGLE;
	st->packets[side] = 1;
	st->bytes[side] = p->l3_len;
}

/* pf's pseudo-states: one side talking is "single", both "multiple". */
static enum flt_timeout
pseudo_update(struct flt_tcp_peer *src, struct flt_tcp_peer *dst, uint8_t proto)
{
	bool both;

	if (src->state < FLT_PS_SINGLE)
		src->state = FLT_PS_SINGLE;
	if (dst->state == FLT_PS_SINGLE)
		dst->state = FLT_PS_MULTIPLE;
	both = src->state == FLT_PS_MULTIPLE && dst->state == FLT_PS_MULTIPLE;
	if (proto == FLT_PROTO_UDP)
		return both ? FLT_TO_UDP_MULTIPLE : FLT_TO_UDP_SINGLE;
	return both ? FLT_TO_OTHER_MULTIPLE : FLT_TO_OTHER_SINGLE;
}

enum flt_drop
flt_state_update(struct flt_state *st, const struct flt_pkt *p, unsigned int side, uint64_t now,
		 bool *restart)
{
	struct flt_tcp_peer *src = &st->peer[side], *dst = &st->peer[side ^ 1];
	enum flt_timeout to = (enum flt_timeout)st->timeout;
	bool refresh = true;

	*restart = false;
	switch (p->t.proto) {
	case FLT_PROTO_TCP:
		if (flt_tcp_reused(src, dst, p->tcp.flags)) {
			*restart = true;
			return FLT_OK;
		}
		switch (flt_tcp_track(src, dst, &p->tcp, &to)) {
		case FLT_TCP_PASS:
			break;
		case FLT_TCP_PASS_LOOSE:
			refresh = false;
			break;
		default:
			return FLT_DROP_BAD_STATE;
		}
		break;
	case FLT_PROTO_ICMP:
	case FLT_PROTO_ICMP6:
		/* Queries and replies by id: after the first, the short error timeout. */
		to = FLT_TO_ICMP_ERROR;
		break;
	default:
		to = pseudo_update(src, dst, p->t.proto);
		break;
	}
	if (refresh) {
		st->last_ns = now;
		st->timeout = (uint8_t)to;
	}
	st->packets[side]++;
	st->bytes[side] += p->l3_len;
	return FLT_OK;
}

enum flt_drop
flt_state_icmp_error(const struct flt_state *st, const struct flt_pkt *p, unsigned int inner_side)
{
	const struct flt_tcp_peer *src = &st->peer[inner_side], *dst = &st->peer[inner_side ^ 1];

	/* The state's key has no direction: the error must head back to whoever sent
	 * the packet it quotes, or anyone could aim errors at either end. */
	if (!fwd_addr_eq(&p->t.dst, &p->inner.src))
		return FLT_DROP_ICMP_BAD_STATE;
	if (p->inner.proto == FLT_PROTO_TCP) {
		unsigned int dws = src->wscale && dst->wscale ? dst->wscale & FLT_WSCALE_MASK : 0;
		uint32_t seq = p->inner_seq;

		if (!flt_seq_geq(src->seqhi, seq) ||
		    !flt_seq_geq(seq, src->seqlo - ((uint32_t)dst->max_win << dws)))
			return FLT_DROP_ICMP_BAD_STATE;
	}
	return FLT_OK;
}
