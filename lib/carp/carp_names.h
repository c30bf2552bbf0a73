/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_NAMES_H
#define CARP_NAMES_H

/**
 * @file
 * One list each for states, drop reasons and transition reasons. Enum values, the strings
 * shown to operators (logs, telemetry, carp-inspect) and the counters all come from these
 * lists, so a new reason is one line here and nothing else drifts.
 */

/* X(enum suffix, operator string) */
#define CARP_STATE_LIST(X) \
	X(INIT, "INIT") \
	X(BACKUP, "BACKUP") \
	X(MASTER, "MASTER")

/*
 * Why a received frame on IP protocol 112 was not fed to a state machine.
 * Names follow OpenBSD's carpstats where one exists.
 * X(enum suffix, counter name, explanation)
 */
#define CARP_DROP_LIST(X) \
	X(NOTCARP, "notcarp", "not an IPv4/IPv6 packet with protocol 112") \
	X(BADLEN, "badlen", "frame too short for Ethernet + IP + 36-byte CARP header") \
	X(BADIP, "badip", "malformed IP header (version, IHL, length or checksum)") \
	X(FRAGMENT, "fragment", "IP fragment, or IPv4 without DF as reassembly leaves it: CARP sends whole datagrams with DF") \
	X(BADSUM, "badsum", "CARP checksum over the 36-byte header does not match") \
	X(BADTTL, "badttl", "TTL / hop limit is not 255 (advert crossed a router)") \
	X(BADVER, "badver", "CARP version is not 2") \
	X(VRRP, "vrrp", "VRRP packet on protocol 112 (not CARP): VRRPv3 or VRRPv2 layout") \
	X(BADVHID, "badvhid", "no VHID with this number and address family on this port") \
	X(BADAUTH, "badauth", "HMAC-SHA1 does not match: check passphrase, vhid and VIP list") \
	X(LOOP, "loop", "our own advert came back (own counter or own source address)") \
	X(REPLAY, "replay", "replay_protection: counter not newer than the sender's last (replayed or rewritten advert)") \
	X(INACTIVE, "inactive", "VHID is in INIT (link down or not started): advert ignored")

/* Why a state machine changed state. X(enum suffix, log string) */
#define CARP_REASON_LIST(X) \
	X(STARTED, "started") \
	X(MASTER_DOWN, "master timed out") \
	X(PREEMPT, "preempting a slower master") \
	X(WILL_TIME_OUT, "master will time out") \
	X(BOW_OUT, "master bowed out") \
	X(PEER_DEMOTED, "master is more demoted than us") \
	X(MORE_FREQUENT, "more frequent advertisement received") \
	X(LESS_DEMOTED, "less demoted advertisement received") \
	X(TIE_LOWER_ADDR, "equal advertisement from a lower address (ucarp tie-break)") \
	X(LINK_DOWN, "link down") \
	X(LINK_UP, "link up") \
	X(SHUTDOWN, "shutdown") \
	X(ADMIN_MASTER, "forced MASTER by operator") \
	X(ADMIN_BACKUP, "forced BACKUP by operator")

#define CARP_ENUM_STATE(e, s) CARP_STATE_##e,
enum carp_state { CARP_STATE_LIST(CARP_ENUM_STATE) CARP_STATE_COUNT };
#undef CARP_ENUM_STATE

#define CARP_ENUM_DROP(e, s, d) CARP_DROP_##e,
/* CARP_DROP_NONE (0) means accepted. */
enum carp_drop { CARP_DROP_NONE = 0, CARP_DROP_LIST(CARP_ENUM_DROP) CARP_DROP_COUNT };
#undef CARP_ENUM_DROP

#define CARP_ENUM_REASON(e, s) CARP_REASON_##e,
enum carp_reason { CARP_REASON_LIST(CARP_ENUM_REASON) CARP_REASON_COUNT };
#undef CARP_ENUM_REASON

/** "INIT", "BACKUP", "MASTER"; "?" when out of range. */
const char *carp_state_name(enum carp_state s);

/** Counter name such as "badauth"; "ok" for CARP_DROP_NONE. */
const char *carp_drop_name(enum carp_drop d);

/** One-line explanation of a drop reason for operators. */
const char *carp_drop_explain(enum carp_drop d);

/** Log string of a transition reason, e.g. "master timed out". */
const char *carp_reason_name(enum carp_reason r);

#endif
