/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_TIMEOUT_H
#define CARP_FLT_TIMEOUT_H

/**
 * @file
 * State timeouts with pf's names and defaults (pf.conf(5) "set timeout"), and pf's
 * adaptive scaling: once the table holds more than adaptive.start states, every timeout is
 * scaled by (adaptive.end - states) / (adaptive.end - adaptive.start), so a table filling
 * up (a SYN flood) sheds its idlest states sooner; at adaptive.end they are all zero.
 */

#include <stdint.h>

/* X(enum suffix, pf's name, default seconds) */
#define FLT_TIMEOUT_LIST(X) \
	X(TCP_FIRST, "tcp.first", 120) \
	X(TCP_OPENING, "tcp.opening", 30) \
	X(TCP_ESTABLISHED, "tcp.established", 86400) \
	X(TCP_CLOSING, "tcp.closing", 900) \
	X(TCP_FINWAIT, "tcp.finwait", 45) \
	X(TCP_CLOSED, "tcp.closed", 90) \
	X(UDP_FIRST, "udp.first", 60) \
	X(UDP_SINGLE, "udp.single", 30) \
	X(UDP_MULTIPLE, "udp.multiple", 60) \
	X(ICMP_FIRST, "icmp.first", 20) \
	X(ICMP_ERROR, "icmp.error", 10) \
	X(OTHER_FIRST, "other.first", 60) \
	X(OTHER_SINGLE, "other.single", 30) \
	X(OTHER_MULTIPLE, "other.multiple", 60) \
	X(FRAG, "frag", 60) /* an unfinished reassembly, not a state: never adaptive */

#define FLT_ENUM_TIMEOUT(e, s, d) FLT_TO_##e,
enum flt_timeout { FLT_TIMEOUT_LIST(FLT_ENUM_TIMEOUT) FLT_TO_COUNT };
#undef FLT_ENUM_TIMEOUT

struct flt_timeouts {
	uint32_t sec[FLT_TO_COUNT];
	uint32_t adaptive_start; /* states; 0 with adaptive_end 0: off */
	uint32_t adaptive_end;
};

/** pf's defaults; adaptive.start and .end from the state limit as pf sets them (60 %, 120 %). */
void flt_timeouts_default(struct flt_timeouts *t, uint32_t state_limit);

/** pf's name of a timeout class ("tcp.established"). */
const char *flt_timeout_name(enum flt_timeout t);

/** The class named @p name, or FLT_TO_COUNT. */
enum flt_timeout flt_timeout_by_name(const char *name);

/**
 * The timeout in nanoseconds of class @p t with @p states in the table: the configured
 * value, scaled down adaptively between adaptive.start and adaptive.end.
 */
uint64_t flt_timeout_ns(const struct flt_timeouts *t, enum flt_timeout c, uint32_t states);

#endif
