/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FSM_H
#define CARP_FSM_H

/**
 * @file
 * One CARP state machine per VHID (spec §5, §9b). Pure: every entry point takes an event
 * and `now` (monotonic ns) and appends actions for the caller to carry out (send an advert,
 * send gratuitous ARP, arm or cancel a timer, publish a transition). It does no I/O and
 * reads no clock, so each row of the transition tables is a unit test.
 *
 * Priority: adverts are compared with OpenBSD's rules on (demote, advbase, advskew), which
 * are FreeBSD's and ucarp's rules when every demote byte is 0. Our own demotion is sent both
 * ways (spec §5.7): as the demote byte and as an advskew raised to at least 240.
 *
 * Master-down interval (chosen, see docs/ARCHITECTURE.md): 3 * advbase + advskew / 256 s as
 * FreeBSD, ucarp and OpenBSD up to 2015 do; with advbase 0 it is 3 * advskew / 256 s as on
 * OpenBSD, so sub-second setups keep the dead ratio of 3.
 */

#include <stdbool.h>
#include <stdint.h>

#include "carp_names.h"
#include "carp_wire.h"

/** Peer quirks to follow (spec §1.4, §5.5, §11). */
#define CARP_PROFILE_LIST(X) \
	X(OPENBSD, "openbsd") \
	X(FREEBSD, "freebsd") \
	X(UCARP, "ucarp")

#define CARP_ENUM_PROFILE(e, s) CARP_PROFILE_##e,
enum carp_profile { CARP_PROFILE_LIST(CARP_ENUM_PROFILE) CARP_PROFILE_COUNT };
#undef CARP_ENUM_PROFILE

/** "openbsd", "freebsd", "ucarp". */
const char *carp_profile_name(enum carp_profile p);

/** Parse a profile name; returns -1 when unknown. */
int carp_profile_from_name(const char *name);

enum carp_timer_kind {
	CARP_TIMER_ADVERT,   /* MASTER: send the next advert */
	CARP_TIMER_DOWN4,    /* BACKUP: no IPv4 advert heard for the master-down interval */
	CARP_TIMER_DOWN6,    /* BACKUP: same for IPv6 adverts */
	CARP_TIMER_KINDS,
};

/** Immutable per-VHID settings. */
struct carp_fsm_config {
	uint8_t vhid;
	uint8_t advbase;
	uint8_t advskew;
	bool preempt;
	enum carp_profile profile;
	bool has_v4; /* the VHID has IPv4 VIPs: send and expect IPv4 adverts */
	bool has_v6;
	uint32_t src4; /* our IPv4 advert source, host order (ucarp tie-break) */
};

/** An accepted advert, reduced to what the state machine needs. */
struct carp_fsm_advert {
	int family; /* 4 or 6 */
	uint8_t advbase;
	uint8_t advskew;
	uint8_t demote;
	uint32_t src4; /* sender's IPv4 source in host order (ucarp tie-break) */
};

enum carp_action_type {
	CARP_ACT_SEND_ADVERT,  /* send an advert per address family with .advert values */
	CARP_ACT_SEND_GARP,    /* gratuitous ARP per IPv4 VIP, unsolicited NA per IPv6 VIP */
	CARP_ACT_ARM_TIMER,    /* (re)arm .timer.kind at .timer.deadline */
	CARP_ACT_CANCEL_TIMER, /* disarm .timer.kind */
	CARP_ACT_TRANSITION,   /* state changed: publish to workers, log with the reason */
};

struct carp_action {
	enum carp_action_type type;
	union {
		struct {
			uint8_t advbase;
			uint8_t advskew;
			uint8_t demote;
		} advert;
		struct {
			enum carp_timer_kind kind;
			uint64_t deadline;
		} timer;
		struct {
			enum carp_state from;
			enum carp_state to;
			enum carp_reason reason;
		} transition;
	};
};

#define CARP_ACTIONS_MAX 12

struct carp_actions {
	unsigned int n;
	struct carp_action a[CARP_ACTIONS_MAX];
};

/** Mutable state of one VHID. Owned by the control lcore. */
struct carp_fsm {
	struct carp_fsm_config cfg;
	enum carp_state state;
	uint64_t since_ns;     /* when the current state was entered */
	uint8_t demote;        /* node demotion count, clamped to 255 */
	bool started;          /* between carp_fsm_start and carp_fsm_shutdown */
	bool link_up;
	uint8_t garp_repeat;   /* adverts left before the delayed gratuitous ARP */
	bool master_heard;     /* fields below are valid */
	uint64_t master_heard_ns;
	struct carp_fsm_advert master; /* last accepted advert from a peer */
};

/** Set up a VHID in INIT, not started. */
void carp_fsm_init(struct carp_fsm *f, const struct carp_fsm_config *cfg);

/** The node starts running the VHID; it enters BACKUP if the link is up. */
void carp_fsm_start(struct carp_fsm *f, bool link_up, uint64_t now, struct carp_actions *out);

/** An advert passed every receive check (carp_advert_verify). */
void carp_fsm_advert(struct carp_fsm *f, const struct carp_fsm_advert *ad, uint64_t now,
		     struct carp_actions *out);

/** A timer armed by a CARP_ACT_ARM_TIMER action expired. Stale kinds are ignored. */
void carp_fsm_timer(struct carp_fsm *f, enum carp_timer_kind kind, uint64_t now,
		    struct carp_actions *out);

/** Link of the VHID's port went down or came up. */
void carp_fsm_link(struct carp_fsm *f, bool up, uint64_t now, struct carp_actions *out);

/** The node's demotion count changed (link down elsewhere, operator, ...). */
void carp_fsm_demote(struct carp_fsm *f, unsigned int demote, uint64_t now,
		     struct carp_actions *out);

/** Orderly stop: a MASTER sends the bow-out advert (255/255); then INIT. */
void carp_fsm_shutdown(struct carp_fsm *f, uint64_t now, struct carp_actions *out);

/** Operator forces MASTER or BACKUP (a started VHID with link up only). */
void carp_fsm_force(struct carp_fsm *f, enum carp_state to, uint64_t now,
		    struct carp_actions *out);

/** The advskew this node advertises now: configured, raised to 240 while demoted. */
uint8_t carp_fsm_tx_advskew(const struct carp_fsm *f);

/** The demote byte this node advertises now (0 under the freebsd and ucarp profiles). */
uint8_t carp_fsm_tx_demote(const struct carp_fsm *f);

/** Advertisement interval in ns with the current advskew. */
uint64_t carp_fsm_advert_interval_ns(const struct carp_fsm *f);

/** Master-down interval in ns with the current advskew. */
uint64_t carp_fsm_master_down_ns(const struct carp_fsm *f);

#endif
