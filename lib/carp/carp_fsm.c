/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_fsm.h"

#include <string.h>

#define CARP_STR(e, s) [CARP_PROFILE_##e] = s,
static const char *const profile_names[] = { CARP_PROFILE_LIST(CARP_STR) };
#undef CARP_STR

#define GARP_REPEAT_ADVERTS 2 /* OpenBSD sc_delayed_arp: repeat after two further adverts */

const char *
carp_profile_name(enum carp_profile p)
{
	return (unsigned)p < CARP_PROFILE_COUNT ? profile_names[p] : "?";
}

int
carp_profile_from_name(const char *name)
{
	for (int p = 0; p < CARP_PROFILE_COUNT; p++)
		if (strcmp(name, profile_names[p]) == 0)
			return p;
	return -1;
}

uint8_t
carp_fsm_tx_advskew(const struct carp_fsm *f)
{
	if (f->demote && f->cfg.advskew < CARP_DEMOTE_ADVSKEW)
		return CARP_DEMOTE_ADVSKEW;
	return f->cfg.advskew;
}

uint8_t
carp_fsm_tx_demote(const struct carp_fsm *f)
{
	/* FreeBSD and ucarp send the byte as padding (0); advskew carries the demotion. */
	return f->cfg.profile == CARP_PROFILE_OPENBSD ? f->demote : 0;
}

/* Our advertisement interval in 1/256 s. */
static uint32_t
advert_ticks(const struct carp_fsm *f)
{
	return carp_interval_ticks(f->cfg.advbase, carp_fsm_tx_advskew(f));
}

/* Our master-down interval in 1/256 s (see the header for the choice of formula). */
static uint32_t
master_down_ticks(const struct carp_fsm *f)
{
	uint32_t skew = carp_fsm_tx_advskew(f);

	if (f->cfg.advbase == 0)
		return 3 * (skew ? skew : 1);
	return 3 * (uint32_t)f->cfg.advbase * 256 + skew;
}

uint64_t
carp_fsm_advert_interval_ns(const struct carp_fsm *f)
{
	return carp_ticks_to_ns(advert_ticks(f));
}

uint64_t
carp_fsm_master_down_ns(const struct carp_fsm *f)
{
	return carp_ticks_to_ns(master_down_ticks(f));
}

static struct carp_action *
push(struct carp_actions *out, enum carp_action_type type)
{
	struct carp_action *a;

	/* The longest sequence (takeover) needs 6 slots; overflow is a programming error. */
	if (out->n >= CARP_ACTIONS_MAX)
		return NULL;
	a = &out->a[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void
send_advert(struct carp_fsm *f, struct carp_actions *out, uint8_t advbase, uint8_t advskew)
{
	struct carp_action *a = push(out, CARP_ACT_SEND_ADVERT);

	if (a) {
		a->advert.advbase = advbase;
		a->advert.advskew = advskew;
		a->advert.demote = carp_fsm_tx_demote(f);
	}
}

static void
send_normal_advert(struct carp_fsm *f, struct carp_actions *out)
{
	send_advert(f, out, f->cfg.advbase, carp_fsm_tx_advskew(f));
}

static void
arm(struct carp_actions *out, enum carp_timer_kind kind, uint64_t deadline)
{
	struct carp_action *a = push(out, CARP_ACT_ARM_TIMER);

	if (a) {
		a->timer.kind = kind;
		a->timer.deadline = deadline;
	}
}

static void
cancel(struct carp_actions *out, enum carp_timer_kind kind)
{
	struct carp_action *a = push(out, CARP_ACT_CANCEL_TIMER);

	if (a)
		a->timer.kind = kind;
}

static void
set_state(struct carp_fsm *f, enum carp_state to, enum carp_reason why, uint64_t now,
	  struct carp_actions *out)
{
	struct carp_action *a = push(out, CARP_ACT_TRANSITION);

	if (a) {
		a->transition.from = f->state;
		a->transition.to = to;
		a->transition.reason = why;
	}
	f->state = to;
	f->since_ns = now;
}

static void
arm_master_down(struct carp_fsm *f, int family, uint64_t now, struct carp_actions *out)
{
	uint64_t deadline = now + carp_fsm_master_down_ns(f);

	if (f->cfg.has_v4 && (family == 0 || family == 4))
		arm(out, CARP_TIMER_DOWN4, deadline);
	if (f->cfg.has_v6 && (family == 0 || family == 6))
		arm(out, CARP_TIMER_DOWN6, deadline);
}

static void
enter_backup(struct carp_fsm *f, enum carp_reason why, uint64_t now, struct carp_actions *out)
{
	set_state(f, CARP_STATE_BACKUP, why, now, out);
	cancel(out, CARP_TIMER_ADVERT);
	arm_master_down(f, 0, now, out);
}

static void
enter_master(struct carp_fsm *f, enum carp_reason why, uint64_t now, struct carp_actions *out)
{
	set_state(f, CARP_STATE_MASTER, why, now, out);
	cancel(out, CARP_TIMER_DOWN4);
	cancel(out, CARP_TIMER_DOWN6);
	/* Advertise at once: it resets the other nodes' master-down timers. */
	send_normal_advert(f, out);
	push(out, CARP_ACT_SEND_GARP);
	f->garp_repeat = GARP_REPEAT_ADVERTS;
	arm(out, CARP_TIMER_ADVERT, now + carp_fsm_advert_interval_ns(f));
}

static void
enter_init(struct carp_fsm *f, enum carp_reason why, uint64_t now, struct carp_actions *out)
{
	set_state(f, CARP_STATE_INIT, why, now, out);
	for (int k = 0; k < CARP_TIMER_KINDS; k++)
		cancel(out, (enum carp_timer_kind)k);
	f->garp_repeat = 0;
}

void
carp_fsm_init(struct carp_fsm *f, const struct carp_fsm_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = CARP_STATE_INIT;
}

void
carp_fsm_start(struct carp_fsm *f, bool link_up, uint64_t now, struct carp_actions *out)
{
	f->started = true;
	f->link_up = link_up;
	f->since_ns = now;
	if (link_up && f->state == CARP_STATE_INIT)
		enter_backup(f, CARP_REASON_STARTED, now, out);
}

/*
 * ucarp compares the two source addresses as raw s_addr integers, which on the
 * little-endian hosts it runs on orders them by their last byte first (spec §5.5). We
 * follow the same order so that a ucarp node and we agree on the winner of a tie.
 */
static uint32_t
ucarp_addr_order(uint32_t host_order)
{
	return __builtin_bswap32(host_order);
}

/* Spec §5.3 MASTER row, and ucarp's tie-break under profile ucarp. */
static void
master_hears(struct carp_fsm *f, const struct carp_fsm_advert *ad, uint64_t now,
	     struct carp_actions *out)
{
	uint32_t mine = advert_ticks(f), theirs = carp_interval_ticks(ad->advbase, ad->advskew);
	uint8_t my_demote = carp_fsm_tx_demote(f); /* compare what the peers see of us */
	bool ucarp = f->cfg.profile == CARP_PROFILE_UCARP;

	if (ad->demote < my_demote) {
		enter_backup(f, CARP_REASON_LESS_DEMOTED, now, out);
		return;
	}
	if (ad->demote > my_demote || mine < theirs) {
		/* We are better: they step down when they hear us; ucarp reasserts the VIP. */
		if (ucarp)
			push(out, CARP_ACT_SEND_GARP);
		return;
	}
	if (mine == theirs && ucarp) {
		if (ucarp_addr_order(ad->src4) < ucarp_addr_order(f->cfg.src4)) {
			/* ucarp sends one more advert of its own before yielding. */
			send_normal_advert(f, out);
			enter_backup(f, CARP_REASON_TIE_LOWER_ADDR, now, out);
		} else {
			push(out, CARP_ACT_SEND_GARP);
		}
		return;
	}
	/* Equal adverts: BSD masters both step down (no address tie-break, spec §5.2). */
	enter_backup(f, CARP_REASON_MORE_FREQUENT, now, out);
}

/* Spec §5.3 BACKUP rows. */
static void
backup_hears(struct carp_fsm *f, const struct carp_fsm_advert *ad, uint64_t now,
	     struct carp_actions *out)
{
	uint32_t mine = advert_ticks(f), theirs = carp_interval_ticks(ad->advbase, ad->advskew);
	uint8_t my_demote = carp_fsm_tx_demote(f);

	if (ad->demote > my_demote) {
		enter_master(f, CARP_REASON_PEER_DEMOTED, now, out);
		return;
	}
	/*
	 * The master advertises less often than our master-down interval: it will time out
	 * anyway, so take over now. This is also how a bow-out (255/255) is honoured at once.
	 * In ticks this is exactly OpenBSD's (3 * advbase, advskew) < (ch_advbase, ch_advskew)
	 * and it extends to advbase 0, where OpenBSD skips the rule.
	 */
	if (theirs > master_down_ticks(f)) {
		bool bow_out = ad->advbase == CARP_BOWOUT && ad->advskew == CARP_BOWOUT;

		enter_master(f, bow_out ? CARP_REASON_BOW_OUT : CARP_REASON_WILL_TIME_OUT, now, out);
		return;
	}
	if (f->cfg.preempt && mine < theirs && ad->demote == my_demote) {
		enter_master(f, CARP_REASON_PREEMPT, now, out);
		return;
	}
	arm_master_down(f, ad->family, now, out);
}

void
carp_fsm_advert(struct carp_fsm *f, const struct carp_fsm_advert *ad, uint64_t now,
		struct carp_actions *out)
{
	if (f->state == CARP_STATE_INIT)
		return;
	f->master_heard = true;
	f->master_heard_ns = now;
	f->master = *ad;
	if (f->state == CARP_STATE_MASTER)
		master_hears(f, ad, now, out);
	else
		backup_hears(f, ad, now, out);
}

void
carp_fsm_timer(struct carp_fsm *f, enum carp_timer_kind kind, uint64_t now,
	       struct carp_actions *out)
{
	if (kind == CARP_TIMER_ADVERT && f->state == CARP_STATE_MASTER) {
		send_normal_advert(f, out);
		if (f->garp_repeat && --f->garp_repeat == 0)
			push(out, CARP_ACT_SEND_GARP); /* for L3 switches that missed the first */
		arm(out, CARP_TIMER_ADVERT, now + carp_fsm_advert_interval_ns(f));
	} else if ((kind == CARP_TIMER_DOWN4 || kind == CARP_TIMER_DOWN6) &&
		   f->state == CARP_STATE_BACKUP) {
		enter_master(f, CARP_REASON_MASTER_DOWN, now, out);
	}
}

void
carp_fsm_link(struct carp_fsm *f, bool up, uint64_t now, struct carp_actions *out)
{
	f->link_up = up;
	if (!up && f->state != CARP_STATE_INIT)
		enter_init(f, CARP_REASON_LINK_DOWN, now, out);
	else if (up && f->started && f->state == CARP_STATE_INIT)
		enter_backup(f, CARP_REASON_LINK_UP, now, out);
}

void
carp_fsm_demote(struct carp_fsm *f, unsigned int demote, uint64_t now, struct carp_actions *out)
{
	uint8_t old = f->demote;

	f->demote = demote > 255 ? 255 : (uint8_t)demote;
	/* A master that became worse tells its peers at once so a backup can take over. */
	if (f->state == CARP_STATE_MASTER && f->demote > old) {
		send_normal_advert(f, out);
		arm(out, CARP_TIMER_ADVERT, now + carp_fsm_advert_interval_ns(f));
	}
}

void
carp_fsm_shutdown(struct carp_fsm *f, uint64_t now, struct carp_actions *out)
{
	if (f->state == CARP_STATE_MASTER)
		send_advert(f, out, CARP_BOWOUT, CARP_BOWOUT);
	f->started = false;
	if (f->state != CARP_STATE_INIT)
		enter_init(f, CARP_REASON_SHUTDOWN, now, out);
}

void
carp_fsm_force(struct carp_fsm *f, enum carp_state to, uint64_t now, struct carp_actions *out)
{
	if (f->state == CARP_STATE_INIT || f->state == to)
		return;
	if (to == CARP_STATE_MASTER)
		enter_master(f, CARP_REASON_ADMIN_MASTER, now, out);
	else if (to == CARP_STATE_BACKUP)
		enter_backup(f, CARP_REASON_ADMIN_BACKUP, now, out);
}
