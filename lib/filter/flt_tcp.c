/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sequence window tracking of pf_tcp_track_full (OpenBSD sys/net/pf.c), rewritten
 * over plain fields: no scrub, no sequence modulation, no SACK rewriting.
 */
#include "flt_tcp.h"

/* An ACK may lag one full unscaled window plus a fudge for a reassembled fragment. */
#define MAX_ACK_WINDOW (0xffff + 1500)

static inline uint32_t
max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

void
flt_tcp_new(struct flt_tcp_peer *src, struct flt_tcp_peer *dst, const struct flt_tcp_seg *s)
{
	uint32_t win = s->win ? s->win : 1;

	src->seqlo = s->seq;
	src->seqhi = s->seq + s->len + 1;
	src->wscale = 0;
	if (s->flags & FLT_TH_SYN) {
		src->seqhi++;
		src->wscale = s->wscale;
	}
	if (src->wscale & FLT_WSCALE_MASK) {
		/* The window of a SYN is never scaled: store it as the unscaled value it
		 * stands for, rounded up. */
		unsigned int sh = src->wscale & FLT_WSCALE_MASK;

		win = ((win + (1u << sh)) - 1) >> sh;
	}
	src->max_win = (uint16_t)win;
	if (s->flags & FLT_TH_FIN)
		src->seqhi++;
	src->state = FLT_TCPS_SYN_SENT;
	dst->seqlo = 0;
	dst->seqhi = 1;
	dst->max_win = 1;
	dst->state = FLT_TCPS_CLOSED;
	dst->wscale = 0;
}

/* The peer states' pair decides how long the state lives (pf's order of tests). */
static enum flt_timeout
timeout_of(const struct flt_tcp_peer *src, const struct flt_tcp_peer *dst)
{
	if (src->state >= FLT_TCPS_FIN_WAIT_2 && dst->state >= FLT_TCPS_FIN_WAIT_2)
		return FLT_TO_TCP_CLOSED;
	if (src->state >= FLT_TCPS_CLOSING && dst->state >= FLT_TCPS_CLOSING)
		return FLT_TO_TCP_FINWAIT;
	if (src->state < FLT_TCPS_ESTABLISHED || dst->state < FLT_TCPS_ESTABLISHED)
		return FLT_TO_TCP_OPENING;
	if (src->state >= FLT_TCPS_CLOSING || dst->state >= FLT_TCPS_CLOSING)
		return FLT_TO_TCP_CLOSING;
	return FLT_TO_TCP_ESTABLISHED;
}

/* Both ends of a segment that is let through: what the windows learn from it. */
static void
learn(struct flt_tcp_peer *src, struct flt_tcp_peer *dst, uint32_t win, uint32_t end,
      uint32_t ack, unsigned int sws)
{
	if (src->max_win < win)
		src->max_win = (uint16_t)win;
	if (flt_seq_lt(src->seqlo, end))
		src->seqlo = end;
	/* What the other end may now send: up to the ack plus this window. */
	if (flt_seq_geq(ack + (win << sws), dst->seqhi))
		dst->seqhi = ack + max_u32(win << sws, 1);
}

enum flt_tcp_verdict
flt_tcp_track(struct flt_tcp_peer *src, struct flt_tcp_peer *dst, const struct flt_tcp_seg *s,
	      enum flt_timeout *timeout)
{
	const uint8_t flags = s->flags;
	const uint32_t orig_seq = s->seq;
	uint32_t seq = s->seq, ack = s->ack, end, data_end, win = s->win;
	unsigned int sws = 0, dws = 0;
	int32_t ackskew;

	/* Scaling applies once both SYNs carried the option, never to a SYN's own window. */
	if (src->wscale && dst->wscale && !(flags & FLT_TH_SYN)) {
		sws = src->wscale & FLT_WSCALE_MASK;
		dws = dst->wscale & FLT_WSCALE_MASK;
	}

	end = seq + s->len + ((flags & FLT_TH_SYN) ? 1 : 0);
	if (src->seqlo == 0) {
		/* The first segment from this end (the responder's SYN|ACK). */
		if ((flags & FLT_TH_SYN) && (dst->wscale & FLT_WSCALE_FLAG)) {
			src->wscale = s->wscale;
			if (src->wscale & FLT_WSCALE_FLAG) {
				sws = src->wscale & FLT_WSCALE_MASK;
				win = (win + (1u << sws) - 1) >> sws;
				dws = dst->wscale & FLT_WSCALE_MASK;
			} else {
				/* Only one side offered scaling: neither scales, and the
				 * initiator's window is taken as it was sent. */
				uint32_t w = (uint32_t)dst->max_win
					     << (dst->wscale & FLT_WSCALE_MASK);

				dst->max_win = (uint16_t)(w < 0xffff ? w : 0xffff);
				dst->wscale = 0;
			}
		}
		data_end = end;
		if (flags & FLT_TH_FIN)
			end++;
		src->seqlo = seq;
		if (src->state < FLT_TCPS_SYN_SENT)
			src->state = FLT_TCPS_SYN_SENT;
		/* seqhi may have been set by the other end's ack before we saw this end. */
		if (src->seqhi == 1 ||
		    flt_seq_geq(end + max_u32(1, (uint32_t)dst->max_win << dws), src->seqhi))
			src->seqhi = end + max_u32(1, (uint32_t)dst->max_win << dws);
		if (win > src->max_win)
			src->max_win = (uint16_t)win;
	} else {
		data_end = end;
		if (flags & FLT_TH_FIN)
			end++;
	}

	if (!(flags & FLT_TH_ACK))
		ack = dst->seqlo; /* nothing to check the ack of */
	else if ((ack == 0 && (flags & (FLT_TH_ACK | FLT_TH_RST)) == (FLT_TH_ACK | FLT_TH_RST)) ||
		 dst->state < FLT_TCPS_SYN_SENT)
		ack = dst->seqlo; /* stacks that ack nothing on an RST, or nothing to ack yet */

	if (seq == end) {
		/* A segment without data or SYN/FIN: only its ack is checked. */
		seq = src->seqlo;
		data_end = end = seq;
	}

	ackskew = (int32_t)(dst->seqlo - ack);

	const uint32_t back = (uint32_t)dst->max_win << dws;
	const bool rst_ok =
		!(flags & FLT_TH_RST) || orig_seq == src->seqlo || orig_seq == src->seqlo + 1 ||
		orig_seq + 1 == src->seqlo ||
		/* An RST|ACK whose ack is exact may lie anywhere in the window. */
		(flt_seq_geq(orig_seq, src->seqlo - back) && flt_seq_geq(src->seqlo + 1, orig_seq) &&
		 ackskew == 0 && (flags & (FLT_TH_ACK | FLT_TH_RST)) == (FLT_TH_ACK | FLT_TH_RST));

	if (flt_seq_geq(src->seqhi, data_end) &&      /* last byte inside the other's window */
	    flt_seq_geq(seq, src->seqlo - back) &&    /* retransmit: at most a window back */
	    ackskew >= -MAX_ACK_WINDOW &&             /* acks at most a fragment back */
	    ackskew <= ((int32_t)MAX_ACK_WINDOW << sws) && /* and a window forward */
	    rst_ok) {
		learn(src, dst, win, end, ack, sws);
		if ((flags & FLT_TH_SYN) && src->state < FLT_TCPS_SYN_SENT)
			src->state = FLT_TCPS_SYN_SENT;
		if ((flags & FLT_TH_FIN) && src->state < FLT_TCPS_CLOSING)
			src->state = FLT_TCPS_CLOSING;
		if (flags & FLT_TH_ACK) {
			if (dst->state == FLT_TCPS_SYN_SENT)
				dst->state = FLT_TCPS_ESTABLISHED;
			else if (dst->state == FLT_TCPS_CLOSING)
				dst->state = FLT_TCPS_FIN_WAIT_2;
		}
		if (flags & FLT_TH_RST)
			src->state = dst->state = FLT_TCPS_TIME_WAIT;
		*timeout = timeout_of(src, dst);
		return FLT_TCP_PASS;
	}

	if ((dst->state < FLT_TCPS_SYN_SENT || dst->state >= FLT_TCPS_FIN_WAIT_2 ||
	     src->state >= FLT_TCPS_FIN_WAIT_2) &&
	    flt_seq_geq(src->seqhi + MAX_ACK_WINDOW, data_end) &&
	    flt_seq_geq(seq, src->seqlo - MAX_ACK_WINDOW)) {
		/* Loose: SYNs shotgunned before the peer answered, or stray segments just
		 * after a close. No state change but FIN and RST, no refresh. */
		learn(src, dst, win, end, ack, sws);
		if ((flags & FLT_TH_FIN) && src->state < FLT_TCPS_CLOSING)
			src->state = FLT_TCPS_CLOSING;
		if (flags & FLT_TH_RST)
			src->state = dst->state = FLT_TCPS_TIME_WAIT;
		return FLT_TCP_PASS_LOOSE;
	}

	if (src->state == FLT_TCPS_SYN_SENT && dst->state == FLT_TCPS_SYN_SENT) {
		/* A handshake out of step (a stale SYN|ACK): this end starts over. */
		src->seqlo = 0;
		src->seqhi = 1;
		src->max_win = 1;
		return FLT_TCP_BAD_HANDSHAKE;
	}
	return FLT_TCP_BAD;
}

const char *
flt_tcps_name(uint8_t state)
{
	switch (state) {
	case FLT_TCPS_CLOSED:
		return "CLOSED";
	case FLT_TCPS_SYN_SENT:
		return "SYN_SENT";
	case FLT_TCPS_ESTABLISHED:
		return "ESTABLISHED";
	case FLT_TCPS_CLOSING:
		return "CLOSING";
	case FLT_TCPS_FIN_WAIT_2:
		return "FIN_WAIT_2";
	case FLT_TCPS_TIME_WAIT:
		return "TIME_WAIT";
	}
	return "?";
}
