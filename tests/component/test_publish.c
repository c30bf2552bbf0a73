/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component test of the control lcore's updates to the workers (ctl_publish.c) on real
 * rte_rings: a worker that does not drain its ring loses nothing — once it drains, its
 * MASTER flags and neighbours equal the control lcore's — and neighbour updates within a
 * pass are coalesced into one message each.
 */
#include "../unit/test_util.h"
#include "eal_test.h"

#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ring.h>

#include "ctl_publish.h"
#include "dp.h"

#define N_VHIDS 300
#define N_WORKERS 2
#define NEIGH_MAX 1000
#define RING_SIZE 4096 /* as the node sizes them: four times every VHID and neighbour */

static struct dp_shared *sh;
static struct dp_lcore *self, *workers[N_WORKERS];
static struct ctl_pub pub;

static int
setup(void **state)
{
	(void)state;
	sh = calloc(1, sizeof(*sh));
	self = calloc(1, sizeof(*self));
	assert_non_null(sh);
	assert_non_null(self);
	sh->n_vhids = N_VHIDS;
	assert_int_equal(dp_lcore_init(self, sh, 0, NEIGH_MAX), 0);
	for (int w = 0; w < N_WORKERS; w++) {
		char name[32];

		workers[w] = calloc(1, sizeof(*workers[w]));
		assert_non_null(workers[w]);
		assert_int_equal(dp_lcore_init(workers[w], sh, (uint16_t)(w + 1), NEIGH_MAX), 0);
		snprintf(name, sizeof(name), "t_msgs_%d", w);
		workers[w]->msgs = rte_ring_create_elem(name, sizeof(struct dp_msg), RING_SIZE, 0,
							RING_F_SP_ENQ | RING_F_SC_DEQ);
		assert_non_null(workers[w]->msgs);
	}
	assert_int_equal(ctl_pub_init(&pub, self, workers, N_WORKERS), 0);
	return 0;
}

static const struct fwd_addr *
host(uint32_t i)
{
	static struct fwd_addr k[4];
	static unsigned int n;

	k[n % 4] = fwd_addr4(0x0a640000 + 1 + i); /* 10.100.0.1 + i */
	return &k[n++ % 4];
}

/* The worker's view is the control lcore's: the same flags, the same neighbours. */
static void
assert_same_view(const struct dp_lcore *w)
{
	const struct fwd_cache *c = &self->neigh;

	assert_memory_equal(w->master, self->master, N_VHIDS);
	assert_int_equal(w->neigh.n, c->n);
	for (uint32_t k = 0; k <= c->mask; k++) {
		const struct fwd_cache_entry *e;

		if (fwd_addr_is_zero(&c->e[k].ip))
			continue;
		e = fwd_cache_lookup(&w->neigh, &c->e[k].ip);
		assert_non_null(e);
		assert_memory_equal(e->mac, c->e[k].mac, 6);
		assert_int_equal(e->iface, c->e[k].iface);
	}
}

/* Drain every worker and flush, until nothing waits (bounded). */
static void
converge(void)
{
	for (int round = 0; round < 10 && !ctl_pub_idle(&pub); round++) {
		for (int w = 0; w < N_WORKERS; w++)
			dp_apply_msgs(workers[w]);
		ctl_pub_flush(&pub);
	}
	for (int w = 0; w < N_WORKERS; w++)
		dp_apply_msgs(workers[w]);
	assert_true(ctl_pub_idle(&pub));
}

static void
test_a_stalled_worker_loses_no_update(void **state)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };

	(void)state;
	/* The workers do not drain: thousands of transitions and neighbour changes, far more
	 * than the rings hold. Before, a full ring dropped the update with a log line. */
	for (uint32_t round = 0; round < 40; round++) {
		for (uint16_t v = 0; v < N_VHIDS; v++)
			ctl_pub_master(&pub, v, (v + round) % 3 == 0);
		for (uint32_t i = 0; i < 200; i++) {
			mac[5] = (uint8_t)(round + i);
			if ((i + round) % 5 == 0)
				ctl_pub_neigh_del(&pub, host(i));
			else
				ctl_pub_neigh_set(&pub, host(i), mac, (uint16_t)(i % 2));
		}
		ctl_pub_flush(&pub);
	}
	for (int w = 0; w < N_WORKERS; w++) {
		assert_true(pub.w[w].resync);
		assert_true(pub.w[w].delayed > 0);
	}
	converge();
	for (int w = 0; w < N_WORKERS; w++) {
		assert_true(pub.w[w].resyncs >= 1);
		assert_same_view(workers[w]);
	}
}

static void
test_a_resync_arrives_whole(void **state)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0x99, 0 };

	(void)state;
	converge();
	for (uint32_t i = 0; i < 50; i++)
		ctl_pub_neigh_set(&pub, host(700 + i), mac, 1);
	ctl_pub_flush(&pub);
	while (!pub.w[0].resync) /* stall worker 0 */
		ctl_pub_master(&pub, 9, pub.w[0].delayed % 2);
	rte_ring_reset(workers[0]->msgs); /* as if it drained everything at last */
	ctl_pub_flush(&pub);
	/* RESET, every flag and every neighbour, visible in one go. */
	assert_false(pub.w[0].resync);
	assert_int_equal(rte_ring_count(workers[0]->msgs), 1 + N_VHIDS + self->neigh.n);
	converge();
	assert_same_view(workers[0]);
}

static void
test_neighbour_updates_coalesce_within_a_pass(void **state)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0x77, 0 };
	uint64_t coalesced = pub.coalesced;

	(void)state;
	converge();
	for (uint8_t k = 0; k < 10; k++) {
		mac[5] = k;
		ctl_pub_neigh_set(&pub, host(500), mac, 1);
	}
	ctl_pub_neigh_set(&pub, host(501), mac, 1);
	ctl_pub_neigh_del(&pub, host(501));
	ctl_pub_flush(&pub);
	for (int w = 0; w < N_WORKERS; w++)
		assert_int_equal(rte_ring_count(workers[w]->msgs), 2); /* one per neighbour */
	assert_true(pub.coalesced == coalesced + 9 + 1);
	converge();
	for (int w = 0; w < N_WORKERS; w++) {
		const struct fwd_cache_entry *e = fwd_cache_lookup(&workers[w]->neigh, host(500));

		assert_non_null(e);
		assert_int_equal(e->mac[5], 9); /* the last state of the pass */
		assert_null(fwd_cache_lookup(&workers[w]->neigh, host(501)));
		assert_same_view(workers[w]);
	}
}

static void
test_resync_forgets_what_the_control_lcore_forgot(void **state)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0x88, 1 };

	(void)state;
	converge();
	ctl_pub_neigh_set(&pub, host(600), mac, 0);
	ctl_pub_master(&pub, 7, true);
	ctl_pub_flush(&pub);
	converge();
	assert_non_null(fwd_cache_lookup(&workers[0]->neigh, host(600)));
	/* Stall worker 0 (fill its ring), then withdraw both while it cannot hear. */
	while (!pub.w[0].resync)
		ctl_pub_master(&pub, 8, pub.w[0].delayed % 2);
	ctl_pub_neigh_del(&pub, host(600));
	ctl_pub_master(&pub, 7, false); /* released: the worker must stop answering for it */
	ctl_pub_flush(&pub);
	converge();
	assert_null(fwd_cache_lookup(&workers[0]->neigh, host(600)));
	assert_int_equal(workers[0]->master[7], 0);
	assert_same_view(workers[0]);
	assert_same_view(workers[1]);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			"--log-level", "error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_stalled_worker_loses_no_update),
		cmocka_unit_test(test_a_resync_arrives_whole),
		cmocka_unit_test(test_neighbour_updates_coalesce_within_a_pass),
		cmocka_unit_test(test_resync_forgets_what_the_control_lcore_forgot),
	};
	int rc;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=pubtest%d", (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "EAL did not start\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("publish", tests, setup, NULL);
	eal_test_cleanup();
	return rc;
}
