/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole-protocol behaviour on a fake clock and a fake wire: several nodes, each a
 * carp_engine with one VHID, exchange adverts with 100 us of latency. Elections,
 * failover times, bow-out, preempt, demotion and the ucarp tie-break are checked against
 * the formulas of spec §5, with no sleeping and no real time.
 */
#include "test_util.h"

#include "carp_engine.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define LATENCY (100 * 1000ull)
#define MAX_NODES 3
#define QUEUE 256

struct sim;

struct node {
	struct sim *sim;
	struct carp_engine e;
	bool alive;
	uint32_t addr;
	unsigned int adverts, garps;
	uint64_t became_master; /* last BACKUP -> MASTER */
};

struct pending {
	int from;
	uint64_t at;
	struct carp_fsm_advert ad;
};

struct sim {
	struct node node[MAX_NODES];
	int n;
	uint64_t now;
	struct pending q[QUEUE];
	unsigned int qn;
};

static void
on_output(void *arg, uint32_t idx, const struct carp_action *a)
{
	struct node *nd = arg;
	struct sim *s = nd->sim;

	(void)idx;
	if (a->type == CARP_ACT_SEND_GARP)
		nd->garps++;
	if (a->type == CARP_ACT_TRANSITION && a->transition.to == CARP_STATE_MASTER)
		nd->became_master = s->now;
	if (a->type != CARP_ACT_SEND_ADVERT || !nd->alive)
		return;
	nd->adverts++;
	assert_true(s->qn < QUEUE);
	s->q[s->qn++] = (struct pending){
		.from = (int)(nd - s->node),
		.at = s->now + LATENCY,
		.ad = { .family = 4, .advbase = a->advert.advbase, .advskew = a->advert.advskew,
			.demote = a->advert.demote, .src4 = nd->addr },
	};
}

static void
sim_add(struct sim *s, uint8_t advbase, uint8_t advskew, bool preempt, enum carp_profile p)
{
	struct node *nd = &s->node[s->n];
	struct carp_fsm_config c = {
		.vhid = 1, .advbase = advbase, .advskew = advskew, .preempt = preempt,
		.profile = p, .has_v4 = true, .src4 = ip4(10, 0, 0, (uint8_t)(2 + s->n)),
	};

	nd->sim = s;
	nd->addr = c.src4;
	assert_int_equal(carp_engine_init(&nd->e, &c, 1, on_output, nd), 0);
	s->n++;
}

static void
sim_start(struct sim *s, int i)
{
	s->node[i].alive = true;
	carp_engine_start(&s->node[i].e, 0, true, s->now);
}

/* SIGKILL: the node stops sending and hearing; its state freezes. */
static void
sim_kill(struct sim *s, int i)
{
	s->node[i].alive = false;
}

/* A node restarted from scratch (new process), same config. */
static void
sim_restart(struct sim *s, int i)
{
	struct node *nd = &s->node[i];
	struct carp_fsm_config c = nd->e.fsm[0].cfg;

	carp_engine_free(&nd->e);
	assert_int_equal(carp_engine_init(&nd->e, &c, 1, on_output, nd), 0);
	sim_start(s, i);
}

static void
sim_free(struct sim *s)
{
	for (int i = 0; i < s->n; i++)
		carp_engine_free(&s->node[i].e);
}

static enum carp_state
st(struct sim *s, int i)
{
	return s->node[i].e.fsm[0].state;
}

/* Advance the fake clock event by event until @p until. */
static void
sim_run(struct sim *s, uint64_t until)
{
	for (int guard = 0; guard < 1000000; guard++) {
		uint64_t next = until;

		for (unsigned int k = 0; k < s->qn; k++)
			if (s->q[k].at < next)
				next = s->q[k].at;
		for (int i = 0; i < s->n; i++)
			if (s->node[i].alive && carp_engine_next_deadline(&s->node[i].e) < next)
				next = carp_engine_next_deadline(&s->node[i].e);
		s->now = next;
		for (unsigned int k = 0; k < s->qn;) {
			if (s->q[k].at > s->now) {
				k++;
				continue;
			}
			struct pending p = s->q[k];

			s->q[k] = s->q[--s->qn];
			for (int i = 0; i < s->n; i++)
				if (i != p.from && s->node[i].alive)
					carp_engine_advert(&s->node[i].e, 0, &p.ad, s->now);
		}
		for (int i = 0; i < s->n; i++)
			if (s->node[i].alive)
				carp_engine_run_timers(&s->node[i].e, s->now);
		if (s->now >= until)
			return;
	}
	fail_msg("simulation did not reach its end time");
}

static int
count_masters(struct sim *s)
{
	int n = 0;

	for (int i = 0; i < s->n; i++)
		n += s->node[i].alive && st(s, i) == CARP_STATE_MASTER;
	return n;
}

static void
test_two_nodes_elect_the_lower_advskew(void **state)
{
	struct sim s = { 0 };

	(void)state;
	sim_add(&s, 1, 100, true, CARP_PROFILE_OPENBSD);
	sim_add(&s, 1, 0, true, CARP_PROFILE_OPENBSD);
	sim_start(&s, 0);
	sim_start(&s, 1);
	sim_run(&s, 10 * SEC);
	assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
	assert_int_equal(st(&s, 0), CARP_STATE_BACKUP);
	/* Elected after one master-down interval (3 s), not before. */
	assert_true(s.node[1].became_master == 3 * SEC);
	sim_free(&s);
}

static void
test_master_killed_backup_takes_over_after_master_down(void **state)
{
	struct sim s = { 0 };
	uint64_t t_md_backup = 3 * SEC + 100 * SEC / 256;

	(void)state;
	sim_add(&s, 1, 0, false, CARP_PROFILE_OPENBSD);
	sim_add(&s, 1, 100, false, CARP_PROFILE_OPENBSD);
	sim_start(&s, 0);
	sim_start(&s, 1);
	sim_run(&s, 10 * SEC + 300 * MS); /* master's last advert went out at 10 s */
	assert_int_equal(st(&s, 0), CARP_STATE_MASTER);
	sim_kill(&s, 0);
	sim_run(&s, 20 * SEC);
	assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
	/* Last advert heard at 10 s + latency, so takeover exactly one T_md later. */
	assert_true(s.node[1].became_master == 10 * SEC + LATENCY + t_md_backup);
	assert_true(s.node[1].garps >= 2); /* takeover GARP and its delayed repeat */
	sim_free(&s);
}

static void
test_bow_out_hands_over_within_one_latency(void **state)
{
	struct sim s = { 0 };
	struct carp_actions acts = { 0 };
	uint64_t stop;

	(void)state;
	sim_add(&s, 1, 0, false, CARP_PROFILE_OPENBSD);
	sim_add(&s, 1, 100, false, CARP_PROFILE_OPENBSD);
	sim_start(&s, 0);
	sim_start(&s, 1);
	sim_run(&s, 10 * SEC + 500 * MS);
	stop = s.now;
	carp_engine_shutdown(&s.node[0].e, s.now);
	(void)acts;
	sim_run(&s, 10 * SEC + 600 * MS);
	assert_int_equal(st(&s, 0), CARP_STATE_INIT);
	assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
	assert_true(s.node[1].became_master == stop + LATENCY);
	sim_free(&s);
}

static void
test_returning_better_node_preempts_only_with_preempt(void **state)
{
	for (int preempt = 0; preempt <= 1; preempt++) {
		struct sim s = { 0 };

		sim_add(&s, 1, 0, preempt, CARP_PROFILE_OPENBSD);
		sim_add(&s, 1, 100, preempt, CARP_PROFILE_OPENBSD);
		sim_start(&s, 0);
		sim_start(&s, 1);
		sim_run(&s, 5 * SEC);
		sim_kill(&s, 0);
		sim_run(&s, 12 * SEC);
		assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
		sim_restart(&s, 0);
		sim_run(&s, 30 * SEC);
		assert_int_equal(count_masters(&s), 1);
		assert_int_equal(st(&s, 0), preempt ? CARP_STATE_MASTER : CARP_STATE_BACKUP);
		if (preempt) /* at the first advert it hears, well before its own master-down */
			assert_true(s.node[0].became_master < 12 * SEC + 2 * SEC);
		sim_free(&s);
	}
	(void)state;
}

static void
test_subsecond_failover_within_three_advskew_ticks(void **state)
{
	struct sim s = { 0 };
	uint64_t killed;

	(void)state;
	sim_add(&s, 0, 1, false, CARP_PROFILE_OPENBSD); /* adverts every 3.9 ms */
	sim_add(&s, 0, 2, false, CARP_PROFILE_OPENBSD); /* master-down 23.4 ms */
	sim_start(&s, 0);
	sim_start(&s, 1);
	sim_run(&s, 2 * SEC);
	assert_int_equal(st(&s, 0), CARP_STATE_MASTER);
	assert_int_equal(st(&s, 1), CARP_STATE_BACKUP);
	killed = s.now;
	sim_kill(&s, 0);
	sim_run(&s, 3 * SEC);
	assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
	assert_true(s.node[1].became_master - killed <= 6 * SEC / 256 + LATENCY);
	sim_free(&s);
}

static void
test_demoted_master_hands_over_without_preempt(void **state)
{
	struct sim s = { 0 };
	uint64_t t;

	(void)state;
	sim_add(&s, 1, 0, false, CARP_PROFILE_OPENBSD);
	sim_add(&s, 1, 100, false, CARP_PROFILE_OPENBSD);
	sim_start(&s, 0);
	sim_start(&s, 1);
	sim_run(&s, 6 * SEC + 200 * MS);
	t = s.now;
	carp_engine_demote(&s.node[0].e, 1, s.now); /* e.g. its other port lost link */
	sim_run(&s, 7 * SEC);
	assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
	assert_int_equal(st(&s, 0), CARP_STATE_BACKUP);
	assert_true(s.node[1].became_master == t + LATENCY);
	sim_free(&s);
}

static void
test_ucarp_equal_priorities_converge_to_one_master(void **state)
{
	struct sim s = { 0 };

	(void)state;
	sim_add(&s, 1, 0, false, CARP_PROFILE_UCARP);
	sim_add(&s, 1, 0, false, CARP_PROFILE_UCARP);
	sim_start(&s, 0);
	sim_start(&s, 1);
	sim_run(&s, 20 * SEC);
	assert_int_equal(count_masters(&s), 1);
	/* 10.0.0.2 is lower than 10.0.0.3 in ucarp's order too: node 0 wins. */
	assert_int_equal(st(&s, 0), CARP_STATE_MASTER);
	sim_free(&s);
}

static void
test_three_nodes_one_master_and_ordered_failover(void **state)
{
	struct sim s = { 0 };

	(void)state;
	sim_add(&s, 1, 50, false, CARP_PROFILE_OPENBSD);
	sim_add(&s, 1, 0, false, CARP_PROFILE_OPENBSD);
	sim_add(&s, 1, 100, false, CARP_PROFILE_OPENBSD);
	for (int i = 0; i < 3; i++)
		sim_start(&s, i);
	sim_run(&s, 10 * SEC);
	assert_int_equal(count_masters(&s), 1);
	assert_int_equal(st(&s, 1), CARP_STATE_MASTER);
	sim_kill(&s, 1);
	sim_run(&s, 20 * SEC);
	assert_int_equal(count_masters(&s), 1);
	assert_int_equal(st(&s, 0), CARP_STATE_MASTER); /* the next-lowest advskew */
	sim_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_nodes_elect_the_lower_advskew),
		cmocka_unit_test(test_master_killed_backup_takes_over_after_master_down),
		cmocka_unit_test(test_bow_out_hands_over_within_one_latency),
		cmocka_unit_test(test_returning_better_node_preempts_only_with_preempt),
		cmocka_unit_test(test_subsecond_failover_within_three_advskew_ticks),
		cmocka_unit_test(test_demoted_master_hands_over_without_preempt),
		cmocka_unit_test(test_ucarp_equal_priorities_converge_to_one_master),
		cmocka_unit_test(test_three_nodes_one_master_and_ordered_failover),
	};

	return cmocka_run_group_tests_name("election", tests, NULL, NULL);
}
