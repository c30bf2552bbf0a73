/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_TCP_H
#define CARP_FLT_TCP_H

/**
 * @file
 * TCP connection tracking as pf does it ("keep state" without scrub or modulation): each
 * direction of a connection is a peer with the lowest sequence number it may send next
 * (seqlo), the highest the other end's window lets it send (seqhi), the largest window it
 * advertised (unscaled) and its window scale; a segment passes when it lies inside the
 * window the other end opened (Guido van Rooij's "Real Stateful TCP Packet Filtering in IP
 * Filter", as pf_tcp_track_full applies it). So a blind RST or data injection, which must
 * guess a sequence number inside a window of at most a few MB out of 4 G, is refused.
 *
 * The states and their numbers are pf's (netinet/tcp_fsm.h), so pfsync carries them
 * unchanged. Pure: the caller passes the segment's fields and gets a verdict and the
 * timeout class the state now runs under.
 */

#include <stdbool.h>
#include <stdint.h>

#include "flt_timeout.h"

/* pf's per-peer TCP states (a subset of tcp_fsm.h, same values). */
enum flt_tcps {
	FLT_TCPS_CLOSED = 0,
	FLT_TCPS_SYN_SENT = 2,
	FLT_TCPS_ESTABLISHED = 4,
	FLT_TCPS_CLOSING = 7,
	FLT_TCPS_FIN_WAIT_2 = 9,
	FLT_TCPS_TIME_WAIT = 10,
};

/* TCP header flags. */
#define FLT_TH_FIN 0x01
#define FLT_TH_SYN 0x02
#define FLT_TH_RST 0x04
#define FLT_TH_PSH 0x08
#define FLT_TH_ACK 0x10
#define FLT_TH_URG 0x20
#define FLT_TH_ECE 0x40
#define FLT_TH_CWR 0x80

/* wscale: the option was seen on this peer's SYN (pf's PF_WSCALE_FLAG), and its shift. */
#define FLT_WSCALE_FLAG 0x80
#define FLT_WSCALE_MASK 0x0f
#define FLT_TCP_MAX_WINSHIFT 14

/* One direction of a connection (pf's pf_state_peer without scrub and modulation). */
struct flt_tcp_peer {
	uint32_t seqlo;   /* lowest sequence number it may send next; 0: nothing seen yet */
	uint32_t seqhi;   /* highest sequence number it may send, per the other's window */
	uint16_t max_win; /* largest window it advertised, unscaled */
	uint8_t state;    /* enum flt_tcps */
	uint8_t wscale;   /* FLT_WSCALE_FLAG | shift from its SYN, or 0 */
};

/* What the tracker needs of a segment, in host order. */
struct flt_tcp_seg {
	uint32_t seq, ack;
	uint32_t len;   /* payload bytes (after the header and its options) */
	uint16_t win;   /* the window field as sent (scaled by the sender's shift) */
	uint8_t flags;  /* FLT_TH_* */
	uint8_t wscale; /* FLT_WSCALE_FLAG | shift when a SYN carries the option, else 0 */
};

enum flt_tcp_verdict {
	FLT_TCP_PASS,       /* in window; the state's timeout class is updated */
	FLT_TCP_PASS_LOOSE, /* within a window of the originating packet, state loose
			     * (shotgunned SYNs, a close's stray segments): passes, but the
			     * state's expiry is not refreshed, so a flood cannot keep it alive */
	FLT_TCP_BAD,        /* outside the windows: dropped (flt_bad_state) */
	FLT_TCP_BAD_HANDSHAKE, /* as BAD, during the handshake: the sender's side of the
				* state starts over, as pf does (it also sends an RST) */
};

/**
 * The state a connection's first packet creates (the rule that passed it keeps state):
 * @p src is the initiator's peer, @p dst the responder's.
 */
void flt_tcp_new(struct flt_tcp_peer *src, struct flt_tcp_peer *dst, const struct flt_tcp_seg *s);

/**
 * Track segment @p s sent by the peer @p src to the peer @p dst of an existing state.
 * On FLT_TCP_PASS, @p *timeout is the class the state runs under from now on.
 */
enum flt_tcp_verdict flt_tcp_track(struct flt_tcp_peer *src, struct flt_tcp_peer *dst,
				   const struct flt_tcp_seg *s, enum flt_timeout *timeout);

/**
 * A SYN for a state whose both ends have closed (FIN_WAIT_2 or TIME_WAIT): the port pair
 * is being reused, and the old state must make room for the new connection's.
 */
static inline bool
flt_tcp_reused(const struct flt_tcp_peer *a, const struct flt_tcp_peer *b, uint8_t flags)
{
	return (flags & (FLT_TH_SYN | FLT_TH_ACK)) == FLT_TH_SYN &&
	       a->state >= FLT_TCPS_FIN_WAIT_2 && b->state >= FLT_TCPS_FIN_WAIT_2;
}

/** Whether @p a is before @p b in sequence space (mod 2^32). */
static inline bool
flt_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
flt_seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/** The name of a TCP peer state for operators ("ESTABLISHED", ...). */
const char *flt_tcps_name(uint8_t state);

#endif
