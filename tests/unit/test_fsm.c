/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-VHID state machine: each row of the transition tables of spec §5.3 (OpenBSD),
 * §5.4 (FreeBSD) and §5.5 (ucarp) is a test of its own, plus timers, demotion and bow-out.
 */
#include "test_util.h"

#include "carp_fsm.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define T0 (100 * SEC)

static struct carp_fsm_config
cfg(uint8_t advbase, uint8_t advskew, bool preempt, enum carp_profile profile)
{
	struct carp_fsm_config c = {
		.vhid = 1, .advbase = advbase, .advskew = advskew, .preempt = preempt,
		.profile = profile, .has_v4 = true, .src4 = ip4(10, 0, 0, 2),
	};

	return c;
}

static struct carp_fsm_advert
advert(uint8_t advbase, uint8_t advskew, uint8_t demote)
{
	struct carp_fsm_advert a = {
		.family = 4, .advbase = advbase, .advskew = advskew, .demote = demote,
		.src4 = ip4(10, 0, 0, 3),
	};

	return a;
}

static unsigned int
count(const struct carp_actions *acts, enum carp_action_type type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < acts->n; i++)
		n += acts->a[i].type == type;
	return n;
}

static const struct carp_action *
find(const struct carp_actions *acts, enum carp_action_type type)
{
	for (unsigned int i = 0; i < acts->n; i++)
		if (acts->a[i].type == type)
			return &acts->a[i];
	return NULL;
}

static const struct carp_action *
find_timer(const struct carp_actions *acts, enum carp_action_type type,
	   enum carp_timer_kind kind)
{
	for (unsigned int i = 0; i < acts->n; i++)
		if (acts->a[i].type == type && acts->a[i].timer.kind == kind)
			return &acts->a[i];
	return NULL;
}

static void
assert_transition(const struct carp_actions *acts, enum carp_state from, enum carp_state to,
		  enum carp_reason why)
{
	const struct carp_action *t = find(acts, CARP_ACT_TRANSITION);

	assert_non_null(t);
	assert_int_equal(count(acts, CARP_ACT_TRANSITION), 1);
	assert_int_equal(t->transition.from, from);
	assert_int_equal(t->transition.to, to);
	assert_int_equal(t->transition.reason, why);
}

/* A started VHID in BACKUP at T0. */
static void
backup(struct carp_fsm *f, struct carp_fsm_config c)
{
	struct carp_actions acts = { 0 };

	carp_fsm_init(f, &c);
	carp_fsm_start(f, true, T0, &acts);
	assert_int_equal(f->state, CARP_STATE_BACKUP);
}

/* A VHID that became MASTER at T0 (master-down expiry). */
static void
master(struct carp_fsm *f, struct carp_fsm_config c)
{
	struct carp_actions acts = { 0 };

	backup(f, c);
	carp_fsm_timer(f, CARP_TIMER_DOWN4, T0, &acts);
	assert_int_equal(f->state, CARP_STATE_MASTER);
}

/* §5.3 INIT, "carp interface UP and RUNNING" */
static void
test_init_start_with_link_up_enters_backup_and_arms_master_down(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 100, false, CARP_PROFILE_OPENBSD);
	struct carp_actions acts = { 0 };
	const struct carp_action *t;

	(void)state;
	c.has_v6 = true;
	carp_fsm_init(&f, &c);
	assert_int_equal(f.state, CARP_STATE_INIT);
	carp_fsm_start(&f, true, T0, &acts);
	assert_transition(&acts, CARP_STATE_INIT, CARP_STATE_BACKUP, CARP_REASON_STARTED);
	t = find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN4);
	assert_non_null(t);
	assert_true(t->timer.deadline == T0 + 3 * SEC + 100 * SEC / 256);
	assert_non_null(find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN6));
	assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 0);
}

static void
test_init_start_with_link_down_stays_init(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 0, false, CARP_PROFILE_OPENBSD);
	struct carp_actions acts = { 0 };

	(void)state;
	carp_fsm_init(&f, &c);
	carp_fsm_start(&f, false, T0, &acts);
	assert_int_equal(f.state, CARP_STATE_INIT);
	assert_int_equal(acts.n, 0);
}

/* §5.3 INIT, "advert received: ignore" */
static void
test_init_ignores_adverts(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 0, true, CARP_PROFILE_OPENBSD);
	struct carp_fsm_advert a = advert(1, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	carp_fsm_init(&f, &c);
	carp_fsm_advert(&f, &a, T0, &acts);
	assert_int_equal(f.state, CARP_STATE_INIT);
	assert_int_equal(acts.n, 0);
	assert_false(f.master_heard);
}

/* §5.3 BACKUP, "master-down timer fires" */
static void
test_backup_master_down_expiry_takes_over(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };
	const struct carp_action *ad, *t;

	(void)state;
	backup(&f, cfg(1, 100, false, CARP_PROFILE_OPENBSD));
	carp_fsm_timer(&f, CARP_TIMER_DOWN4, T0 + 4 * SEC, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER, CARP_REASON_MASTER_DOWN);
	ad = find(&acts, CARP_ACT_SEND_ADVERT);
	assert_non_null(ad);
	assert_int_equal(ad->advert.advbase, 1);
	assert_int_equal(ad->advert.advskew, 100);
	assert_int_equal(ad->advert.demote, 0);
	assert_int_equal(count(&acts, CARP_ACT_SEND_GARP), 1);
	t = find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_ADVERT);
	assert_non_null(t);
	assert_true(t->timer.deadline == T0 + 4 * SEC + SEC + 100 * SEC / 256);
	assert_non_null(find_timer(&acts, CARP_ACT_CANCEL_TIMER, CARP_TIMER_DOWN4));
	assert_true(f.since_ns == T0 + 4 * SEC);
}

/* §5.3 BACKUP, "valid advert, preempt=1 and my_t < ch_t" */
static void
test_backup_preempts_slower_master_when_preempt_on(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, true, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER, CARP_REASON_PREEMPT);
	assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 1);
	assert_int_equal(count(&acts, CARP_ACT_SEND_GARP), 1);
}

/* §5.4 "preempt off": a better backup waits, re-arming its timer */
static void
test_backup_without_preempt_does_not_take_over_from_slower_master(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
	assert_int_equal(count(&acts, CARP_ACT_TRANSITION), 0);
	assert_non_null(find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN4));
}

/* §5.3 "valid advert, preempt=1 and my_t < ch_t and ch_demote >= my_demote": we are more
 * demoted, so we do not preempt. */
static void
test_backup_more_demoted_does_not_preempt(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 250, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, true, CARP_PROFILE_OPENBSD));
	carp_fsm_demote(&f, 1, T0, &acts);
	acts.n = 0;
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
	assert_int_equal(count(&acts, CARP_ACT_TRANSITION), 0);
}

/* §5.3 BACKUP, "valid advert with ch_demote > my_demote" */
static void
test_backup_takes_over_from_demoted_master_regardless_of_preempt(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 0, 1);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 100, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER, CARP_REASON_PEER_DEMOTED);
}

/* §5.3/§5.4 BACKUP, "master will time out": (3*B, S) < (ch_B, ch_S) */
static void
test_backup_takes_over_when_master_will_time_out(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert slow = advert(4, 0, 0), edge = advert(3, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 100, false, CARP_PROFILE_FREEBSD));
	/* (3, 100) is not below (3, 100): the master would just make it. */
	carp_fsm_advert(&f, &edge, T0, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
	acts.n = 0;
	carp_fsm_advert(&f, &slow, T0, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER,
			  CARP_REASON_WILL_TIME_OUT);
}

/* §5.6 a bow-out advert (255/255) is taken as "master will time out", preempt or not */
static void
test_backup_takes_over_at_once_on_bow_out(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert bye = advert(CARP_BOWOUT, CARP_BOWOUT, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 100, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &bye, T0 + 500 * MS, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER, CARP_REASON_BOW_OUT);
	assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 1);
}

static void
test_bow_out_is_logged_as_bow_out_also_with_preempt(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert bye = advert(CARP_BOWOUT, CARP_BOWOUT, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 100, true, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &bye, T0, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER, CARP_REASON_BOW_OUT);
}

static void
test_subsecond_backup_takes_over_on_bow_out(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert bye = advert(CARP_BOWOUT, CARP_BOWOUT, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(0, 20, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &bye, T0, &acts);
	assert_int_equal(f.state, CARP_STATE_MASTER);
}

/* §5.3 BACKUP, "any other valid advert": re-arm that family's master-down timer only */
static void
test_backup_rearms_master_down_of_the_advert_family_only(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 100, false, CARP_PROFILE_OPENBSD);
	struct carp_fsm_advert a = advert(1, 0, 0);
	struct carp_actions acts = { 0 };
	const struct carp_action *t;

	(void)state;
	c.has_v6 = true;
	backup(&f, c);
	a.family = 6;
	carp_fsm_advert(&f, &a, T0 + 2 * SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
	assert_int_equal(count(&acts, CARP_ACT_ARM_TIMER), 1);
	t = find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN6);
	assert_non_null(t);
	assert_true(t->timer.deadline == T0 + 2 * SEC + 3 * SEC + 100 * SEC / 256);
	assert_true(f.master_heard);
	assert_true(f.master_heard_ns == T0 + 2 * SEC);
}

/* §5.3 MASTER, "valid advert with my_t >= ch_t and ch_demote <= my_demote" */
static void
test_master_steps_down_on_more_frequent_advert(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 50, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 100, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_BACKUP,
			  CARP_REASON_MORE_FREQUENT);
	assert_non_null(find_timer(&acts, CARP_ACT_CANCEL_TIMER, CARP_TIMER_ADVERT));
	assert_non_null(find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN4));
	assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 0);
}

/* §5.2: no address tie-break on the BSDs; an equal advert makes the master step down */
static void
test_master_steps_down_on_equal_advert_bsd(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 100, false, CARP_PROFILE_OPENBSD));
	a.src4 = ip4(10, 0, 0, 200); /* address does not matter */
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_BACKUP,
			  CARP_REASON_MORE_FREQUENT);
}

/* §5.3 MASTER, "... or ch_demote < my_demote" */
static void
test_master_steps_down_when_more_demoted_than_peer(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 250, 0); /* slower than our demoted 240 */
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_demote(&f, 1, T0, &acts);
	acts.n = 0;
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_BACKUP,
			  CARP_REASON_LESS_DEMOTED);
}

/* §5.3 MASTER, "other valid advert: ignore" */
static void
test_master_ignores_slower_or_more_demoted_advert(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert slower = advert(1, 200, 0), demoted = advert(1, 0, 3);
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 100, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &slower, T0 + SEC, &acts);
	carp_fsm_advert(&f, &demoted, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_MASTER);
	assert_int_equal(acts.n, 0);
}

/* §5.3 MASTER, "advert timer fires"; §5.8 delayed gratuitous ARP after two adverts */
static void
test_master_advert_timer_sends_and_rearms_with_delayed_garp(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };
	uint64_t now = T0;
	unsigned int garps[3];

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	for (int i = 0; i < 3; i++) {
		const struct carp_action *t;

		now += SEC;
		acts.n = 0;
		carp_fsm_timer(&f, CARP_TIMER_ADVERT, now, &acts);
		assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 1);
		t = find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_ADVERT);
		assert_non_null(t);
		assert_true(t->timer.deadline == now + SEC);
		garps[i] = count(&acts, CARP_ACT_SEND_GARP);
	}
	assert_int_equal(garps[0], 0);
	assert_int_equal(garps[1], 1);
	assert_int_equal(garps[2], 0);
}

static void
test_stale_timers_are_ignored(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_timer(&f, CARP_TIMER_ADVERT, T0 + SEC, &acts);
	assert_int_equal(acts.n, 0);
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_timer(&f, CARP_TIMER_DOWN4, T0 + SEC, &acts);
	assert_int_equal(acts.n, 0);
	assert_int_equal(f.state, CARP_STATE_MASTER);
}

/* §5.3/§5.4 "parent link DOWN": INIT, timers stopped */
static void
test_link_down_from_master_enters_init_and_stops_timers(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_link(&f, false, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_INIT, CARP_REASON_LINK_DOWN);
	for (int k = 0; k < CARP_TIMER_KINDS; k++)
		assert_non_null(find_timer(&acts, CARP_ACT_CANCEL_TIMER, k));
	assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 0); /* nothing can be sent */
}

static void
test_link_down_from_backup_enters_init(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, false, CARP_PROFILE_FREEBSD));
	carp_fsm_link(&f, false, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_INIT, CARP_REASON_LINK_DOWN);
}

/* §5.3 "INIT(suppressed), parent link back UP" */
static void
test_link_up_after_down_enters_backup(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_link(&f, false, T0 + SEC, &acts);
	acts.n = 0;
	carp_fsm_link(&f, true, T0 + 2 * SEC, &acts);
	assert_transition(&acts, CARP_STATE_INIT, CARP_STATE_BACKUP, CARP_REASON_LINK_UP);
	assert_non_null(find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN4));
}

static void
test_link_up_before_start_stays_init(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 0, false, CARP_PROFILE_OPENBSD);
	struct carp_actions acts = { 0 };

	(void)state;
	carp_fsm_init(&f, &c);
	carp_fsm_link(&f, true, T0, &acts);
	assert_int_equal(f.state, CARP_STATE_INIT);
	assert_int_equal(acts.n, 0);
}

/* §5.6 bow-out on orderly shutdown */
static void
test_master_shutdown_sends_bow_out_then_init(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };
	const struct carp_action *ad;

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_shutdown(&f, T0 + SEC, &acts);
	ad = find(&acts, CARP_ACT_SEND_ADVERT);
	assert_non_null(ad);
	assert_int_equal(ad->advert.advbase, 255);
	assert_int_equal(ad->advert.advskew, 255);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_INIT, CARP_REASON_SHUTDOWN);
	assert_true(acts.a[0].type == CARP_ACT_SEND_ADVERT); /* before the timers stop */
	assert_false(f.started);
	acts.n = 0;
	carp_fsm_link(&f, true, T0 + 2 * SEC, &acts); /* stays down after shutdown */
	assert_int_equal(f.state, CARP_STATE_INIT);
}

static void
test_backup_shutdown_sends_nothing(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_shutdown(&f, T0 + SEC, &acts);
	assert_int_equal(count(&acts, CARP_ACT_SEND_ADVERT), 0);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_INIT, CARP_REASON_SHUTDOWN);
}

/* §5.3 "admin ifconfig carpN state MASTER/BACKUP" */
static void
test_operator_forces_master_and_backup(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	carp_fsm_force(&f, CARP_STATE_MASTER, T0, &acts);
	assert_transition(&acts, CARP_STATE_BACKUP, CARP_STATE_MASTER, CARP_REASON_ADMIN_MASTER);
	acts.n = 0;
	carp_fsm_force(&f, CARP_STATE_BACKUP, T0, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_BACKUP, CARP_REASON_ADMIN_BACKUP);
}

/* §5.7 demotion is sent both as the demote byte and as advskew >= 240 */
static void
test_demoted_master_advertises_demote_byte_and_advskew_240_at_once(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };
	const struct carp_action *ad;

	(void)state;
	master(&f, cfg(1, 10, false, CARP_PROFILE_OPENBSD));
	carp_fsm_demote(&f, 1, T0 + 100 * MS, &acts);
	ad = find(&acts, CARP_ACT_SEND_ADVERT);
	assert_non_null(ad);
	assert_int_equal(ad->advert.demote, 1);
	assert_int_equal(ad->advert.advskew, CARP_DEMOTE_ADVSKEW);
	assert_non_null(find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_ADVERT));
	/* Back to normal: the configured advskew again, no extra advert. */
	acts.n = 0;
	carp_fsm_demote(&f, 0, T0 + 200 * MS, &acts);
	assert_int_equal(acts.n, 0);
	assert_int_equal(carp_fsm_tx_advskew(&f), 10);
	assert_int_equal(carp_fsm_tx_demote(&f), 0);
}

static void
test_demotion_keeps_advskew_above_240_and_clamps_byte(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 250, false, CARP_PROFILE_OPENBSD));
	carp_fsm_demote(&f, 1000, T0, &acts);
	assert_int_equal(carp_fsm_tx_advskew(&f), 250);
	assert_int_equal(carp_fsm_tx_demote(&f), 255);
	assert_int_equal(acts.n, 0); /* a backup sends nothing */
}

/* §5.4 FreeBSD: demotion only through advskew (S' = 240); byte 4 is padding */
static void
test_freebsd_profile_sends_no_demote_byte(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };
	const struct carp_action *ad;

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_FREEBSD));
	carp_fsm_demote(&f, 2, T0, &acts);
	ad = find(&acts, CARP_ACT_SEND_ADVERT);
	assert_non_null(ad);
	assert_int_equal(ad->advert.demote, 0);
	assert_int_equal(ad->advert.advskew, 240);
}

/* A demoted node is also slower to take over: its master-down uses the raised skew. */
static void
test_demoted_backup_master_down_uses_raised_advskew(void **state)
{
	struct carp_fsm f;
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD));
	assert_true(carp_fsm_master_down_ns(&f) == 3 * SEC);
	carp_fsm_demote(&f, 1, T0, &acts);
	assert_true(carp_fsm_master_down_ns(&f) == 3 * SEC + 240 * SEC / 256);
}

/* §5.5 ucarp: equal advert from a lower address (in ucarp's byte order) wins */
static void
test_ucarp_master_yields_to_equal_advert_from_lower_address(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 0, false, CARP_PROFILE_UCARP);
	struct carp_fsm_advert a = advert(1, 0, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	c.src4 = ip4(10, 0, 0, 3);
	a.src4 = ip4(10, 0, 0, 2);
	master(&f, c);
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_BACKUP,
			  CARP_REASON_TIE_LOWER_ADDR);
	/* ucarp sends one more advert of its own before it yields. */
	assert_int_equal(acts.a[0].type, CARP_ACT_SEND_ADVERT);
}

static void
test_ucarp_master_keeps_role_and_reasserts_against_higher_address(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 0, false, CARP_PROFILE_UCARP);
	struct carp_fsm_advert a = advert(1, 0, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	c.src4 = ip4(10, 0, 0, 2);
	a.src4 = ip4(10, 0, 0, 3);
	master(&f, c);
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_MASTER);
	assert_int_equal(count(&acts, CARP_ACT_TRANSITION), 0);
	assert_int_equal(count(&acts, CARP_ACT_SEND_GARP), 1);
}

static void
test_ucarp_tie_break_compares_addresses_as_little_endian_s_addr(void **state)
{
	/*
	 * ucarp compares raw s_addr on little-endian hosts: 10.0.0.3 (s_addr 0x0300000a) is
	 * "lower" than 9.0.0.4 (0x04000009), although 9.0.0.4 is numerically lower.
	 */
	struct carp_fsm f;
	struct carp_fsm_config c = cfg(1, 0, false, CARP_PROFILE_UCARP);
	struct carp_fsm_advert a = advert(1, 0, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	c.src4 = ip4(9, 0, 0, 4);
	a.src4 = ip4(10, 0, 0, 3);
	master(&f, c);
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
}

/* §5.1 timer formulas */
static void
test_intervals_follow_the_documented_formulas(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_config c;

	(void)state;
	c = cfg(1, 0, false, CARP_PROFILE_OPENBSD);
	carp_fsm_init(&f, &c);
	assert_true(carp_fsm_advert_interval_ns(&f) == SEC);
	assert_true(carp_fsm_master_down_ns(&f) == 3 * SEC);
	c = cfg(2, 128, false, CARP_PROFILE_OPENBSD);
	carp_fsm_init(&f, &c);
	assert_true(carp_fsm_advert_interval_ns(&f) == 2 * SEC + SEC / 2);
	assert_true(carp_fsm_master_down_ns(&f) == 6 * SEC + SEC / 2);
	/* advbase 0: interval advskew/256 s, master-down three of them */
	c = cfg(0, 4, false, CARP_PROFILE_OPENBSD);
	carp_fsm_init(&f, &c);
	assert_true(carp_fsm_advert_interval_ns(&f) == 4 * SEC / 256);
	assert_true(carp_fsm_master_down_ns(&f) == 12 * SEC / 256);
}

/* With advbase 0 a normal, faster master never looks like it "will time out". */
static void
test_subsecond_backup_keeps_waiting_for_faster_master(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(0, 2, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(0, 4, false, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &a, T0, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
	assert_non_null(find_timer(&acts, CARP_ACT_ARM_TIMER, CARP_TIMER_DOWN4));
}

static void
test_names_and_profiles(void **state)
{
	(void)state;
	assert_string_equal(carp_state_name(CARP_STATE_MASTER), "MASTER");
	assert_string_equal(carp_state_name(CARP_STATE_INIT), "INIT");
	assert_string_equal(carp_reason_name(CARP_REASON_MASTER_DOWN), "master timed out");
	assert_int_equal(carp_profile_from_name("ucarp"), CARP_PROFILE_UCARP);
	assert_int_equal(carp_profile_from_name("vrrp"), -1);
	assert_string_equal(carp_profile_name(CARP_PROFILE_FREEBSD), "freebsd");
}

/* §5.3: preemption needs a strictly better advert; equal nodes must not swap forever */
static void
test_backup_with_preempt_ignores_equal_advert(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	backup(&f, cfg(1, 100, true, CARP_PROFILE_OPENBSD));
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_BACKUP);
	assert_int_equal(count(&acts, CARP_ACT_TRANSITION), 0);
}

/* Under freebsd/ucarp the demote byte we send is 0, so we compare as 0 as well: peers and
 * we then rank us the same way, by the raised advskew alone. */
static void
test_freebsd_demoted_master_compares_by_advskew_only(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert slower = advert(1, 250, 0), faster = advert(1, 200, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_FREEBSD));
	carp_fsm_demote(&f, 1, T0, &acts);
	acts.n = 0;
	carp_fsm_advert(&f, &slower, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_MASTER);
	carp_fsm_advert(&f, &faster, T0 + SEC, &acts);
	assert_transition(&acts, CARP_STATE_MASTER, CARP_STATE_BACKUP,
			  CARP_REASON_MORE_FREQUENT);
}

/* §5.5: a ucarp master hearing a worse advert reasserts the VIP with gratuitous ARP */
static void
test_ucarp_master_reasserts_against_worse_advert(void **state)
{
	struct carp_fsm f;
	struct carp_fsm_advert a = advert(1, 100, 0);
	struct carp_actions acts = { 0 };

	(void)state;
	master(&f, cfg(1, 0, false, CARP_PROFILE_UCARP));
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(f.state, CARP_STATE_MASTER);
	assert_int_equal(count(&acts, CARP_ACT_SEND_GARP), 1);
	acts.n = 0;
	master(&f, cfg(1, 0, false, CARP_PROFILE_OPENBSD)); /* the BSDs just ignore it */
	carp_fsm_advert(&f, &a, T0 + SEC, &acts);
	assert_int_equal(acts.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_start_with_link_up_enters_backup_and_arms_master_down),
		cmocka_unit_test(test_init_start_with_link_down_stays_init),
		cmocka_unit_test(test_init_ignores_adverts),
		cmocka_unit_test(test_backup_master_down_expiry_takes_over),
		cmocka_unit_test(test_backup_preempts_slower_master_when_preempt_on),
		cmocka_unit_test(test_backup_without_preempt_does_not_take_over_from_slower_master),
		cmocka_unit_test(test_backup_more_demoted_does_not_preempt),
		cmocka_unit_test(test_backup_takes_over_from_demoted_master_regardless_of_preempt),
		cmocka_unit_test(test_backup_takes_over_when_master_will_time_out),
		cmocka_unit_test(test_backup_takes_over_at_once_on_bow_out),
		cmocka_unit_test(test_subsecond_backup_takes_over_on_bow_out),
		cmocka_unit_test(test_bow_out_is_logged_as_bow_out_also_with_preempt),
		cmocka_unit_test(test_backup_rearms_master_down_of_the_advert_family_only),
		cmocka_unit_test(test_master_steps_down_on_more_frequent_advert),
		cmocka_unit_test(test_master_steps_down_on_equal_advert_bsd),
		cmocka_unit_test(test_master_steps_down_when_more_demoted_than_peer),
		cmocka_unit_test(test_master_ignores_slower_or_more_demoted_advert),
		cmocka_unit_test(test_master_advert_timer_sends_and_rearms_with_delayed_garp),
		cmocka_unit_test(test_stale_timers_are_ignored),
		cmocka_unit_test(test_link_down_from_master_enters_init_and_stops_timers),
		cmocka_unit_test(test_link_down_from_backup_enters_init),
		cmocka_unit_test(test_link_up_after_down_enters_backup),
		cmocka_unit_test(test_link_up_before_start_stays_init),
		cmocka_unit_test(test_master_shutdown_sends_bow_out_then_init),
		cmocka_unit_test(test_backup_shutdown_sends_nothing),
		cmocka_unit_test(test_operator_forces_master_and_backup),
		cmocka_unit_test(test_demoted_master_advertises_demote_byte_and_advskew_240_at_once),
		cmocka_unit_test(test_demotion_keeps_advskew_above_240_and_clamps_byte),
		cmocka_unit_test(test_freebsd_profile_sends_no_demote_byte),
		cmocka_unit_test(test_demoted_backup_master_down_uses_raised_advskew),
		cmocka_unit_test(test_ucarp_master_yields_to_equal_advert_from_lower_address),
		cmocka_unit_test(test_ucarp_master_keeps_role_and_reasserts_against_higher_address),
		cmocka_unit_test(test_ucarp_tie_break_compares_addresses_as_little_endian_s_addr),
		cmocka_unit_test(test_intervals_follow_the_documented_formulas),
		cmocka_unit_test(test_subsecond_backup_keeps_waiting_for_faster_master),
		cmocka_unit_test(test_names_and_profiles),
		cmocka_unit_test(test_backup_with_preempt_ignores_equal_advert),
		cmocka_unit_test(test_freebsd_demoted_master_compares_by_advskew_only),
		cmocka_unit_test(test_ucarp_master_reasserts_against_worse_advert),
	};

	return cmocka_run_group_tests_name("fsm", tests, NULL, NULL);
}
