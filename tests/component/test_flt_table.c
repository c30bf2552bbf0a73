/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared state table (flt_table.h) on a real EAL: both directions of a flow find the
 * one state, bulk lookups mix hits and misses, the limit holds, expiry works in slices on
 * a fake clock, and a removed state returns to the pool only after every reader has
 * passed a quiescent point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_eal.h>

#include "eal_test.h"
#include "flt_table.h"

#define SEC 1000000000ull

static struct flt_pkt
udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	struct flt_pkt p;

	memset(&p, 0, sizeof(p));
	p.t.src = fwd_addr4(src);
	p.t.dst = fwd_addr4(dst);
	p.t.sport = sport;
	p.t.dport = dport;
	p.t.proto = FLT_PROTO_UDP;
	p.t.af = 4;
	p.l3_len = 60;
	return p;
}

/* A state for @p p created at @p now, published. */
static struct flt_state *
add(struct flt_table *t, const struct flt_pkt *p, uint64_t now)
{
	struct flt_state *st = flt_table_alloc(t);
	struct flt_key k;
	unsigned int side;

	if (st == NULL)
		return NULL;
	side = flt_key_make(&p->t, &k);
	flt_state_init(st, p, &k, side, 0, now);
	assert_int_equal(flt_table_publish(t, st), 0);
	return st;
}

static struct flt_table *
table(const char *name, uint32_t limit)
{
	struct flt_table_params tp = { .name = name, .limit = limit, .readers = 1, .socket = 0 };
	char err[256] = "";
	struct flt_table *t = flt_table_create(&tp, err, sizeof(err));

	if (t == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(t);
	assert_int_equal(rte_rcu_qsbr_thread_register(flt_table_rcu(t), 0), 0);
	rte_rcu_qsbr_thread_online(flt_table_rcu(t), 0);
	return t;
}

static void
done(struct flt_table *t)
{
	rte_rcu_qsbr_thread_offline(flt_table_rcu(t), 0);
	flt_table_free(t);
}

static void
test_both_directions_find_one_state(void **state)
{
	struct flt_table *t = table("t1", 64);
	struct flt_pkt q = udp(0x0a000009, 5353, 0xc6120109, 53);
	struct flt_pkt r = udp(0xc6120109, 53, 0x0a000009, 5353);
	struct flt_pkt other = udp(0x0a000009, 5354, 0xc6120109, 53);
	struct flt_key kq, kr, ko;
	const struct flt_key *keys[3] = { &kq, &ko, &kr };
	struct flt_state *st = add(t, &q, 0), *got[3];

	(void)state;
	flt_key_make(&q.t, &kq);
	flt_key_make(&r.t, &kr);
	flt_key_make(&other.t, &ko);
	assert_ptr_equal(flt_table_lookup(t, &kq), st);
	assert_ptr_equal(flt_table_lookup(t, &kr), st);
	assert_null(flt_table_lookup(t, &ko));
	assert_int_equal(flt_table_lookup_bulk(t, keys, 3, got), 2);
	assert_ptr_equal(got[0], st);
	assert_null(got[1]);
	assert_ptr_equal(got[2], st);
	assert_int_equal(flt_table_count(t), 1);
	assert_true(flt_table_bytes_per_state(t) >= sizeof(struct flt_state));
	done(t);
}

static void
test_limit_holds(void **state)
{
	struct flt_table *t = table("t2", 100);

	(void)state;
	for (uint16_t i = 0; i < 100; i++) {
		struct flt_pkt p = udp(0x0a000009, (uint16_t)(1000 + i), 0xc6120109, 53);

		assert_non_null(add(t, &p, 0));
	}
	assert_int_equal(flt_table_count(t), 100);
	assert_null(flt_table_alloc(t));
	done(t);
}

static void
test_expiry_in_slices_after_a_grace_period(void **state)
{
	struct flt_table *t = table("t3", 1000);
	struct flt_timeouts to;
	unsigned int removed = 0, calls = 0;

	(void)state;
	flt_timeouts_default(&to, 1000);
	to.adaptive_start = to.adaptive_end = 0;
	/* 300 flows at 0 s and 300 at 100 s: udp.first is 60 s. */
	for (uint16_t i = 0; i < 600; i++) {
		struct flt_pkt p = udp(0x0a000009, (uint16_t)(1000 + i), 0xc6120109, 53);

		assert_non_null(add(t, &p, i < 300 ? 0 : 100 * SEC));
	}
	assert_int_equal(flt_table_expire(t, &to, 59 * SEC, 10000), 0);
	/* At 120 s the first 300 are gone, in slices of at most 64 looked at. */
	while (calls++ < 1000 && removed < 300) {
		unsigned int n = flt_table_expire(t, &to, 120 * SEC, 64);

		assert_true(n <= 64);
		removed += n;
	}
	assert_int_equal(removed, 300);
	assert_int_equal(flt_table_expire(t, &to, 120 * SEC, 10000), 0);
	for (uint16_t i = 0; i < 600; i++) {
		struct flt_pkt p = udp(0x0a000009, (uint16_t)(1000 + i), 0xc6120109, 53);
		struct flt_key k;

		flt_key_make(&p.t, &k);
		if (i < 300)
			assert_null(flt_table_lookup(t, &k));
		else
			assert_non_null(flt_table_lookup(t, &k));
	}
	/* The reader has not passed a quiescent point: nothing is back in the pool. */
	assert_int_equal(flt_table_count(t), 600);
	flt_table_expire(t, &to, 120 * SEC, 1);
	assert_int_equal(flt_table_count(t), 600);
	flt_table_quiescent(flt_table_rcu(t), 0);
	flt_table_expire(t, &to, 120 * SEC, 1);
	assert_int_equal(flt_table_count(t), 300);
	done(t);
}

static void
test_full_table_of_expired_states_takes_new_flows(void **state)
{
	struct flt_table *t = table("t4", 50);
	struct flt_timeouts to;
	uint32_t next = 0, seen = 0;

	(void)state;
	flt_timeouts_default(&to, 50);
	for (uint16_t i = 0; i < 50; i++) {
		struct flt_pkt p = udp(0x0a000009, (uint16_t)(1000 + i), 0xc6120109, 53);

		assert_non_null(add(t, &p, 0));
	}
	while (flt_table_next(t, &next) != NULL)
		seen++;
	assert_int_equal(seen, 50);
	assert_null(flt_table_alloc(t));
	/* 50 states, adaptive 30..60: udp.first's 60 s shrink to 20 s, so the full table
	 * sheds them at 21 s, not at 61 s (as a SYN flood's states go). */
	assert_int_equal(flt_table_expire(t, &to, 19 * SEC, 1000), 0);
	assert_int_equal(flt_table_expire(t, &to, 21 * SEC, 1000), 50);
	flt_table_quiescent(flt_table_rcu(t), 0);
	flt_table_expire(t, &to, 21 * SEC, 1000);
	for (uint16_t i = 0; i < 50; i++) {
		struct flt_pkt p = udp(0x0a000009, (uint16_t)(2000 + i), 0xc6120109, 53);

		assert_non_null(add(t, &p, 21 * SEC));
	}
	done(t);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci",
			"--log-level", "error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_find_one_state),
		cmocka_unit_test(test_limit_holds),
		cmocka_unit_test(test_expiry_in_slices_after_a_grace_period),
		cmocka_unit_test(test_full_table_of_expired_states_takes_new_flows),
	};
	int rc;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=tbltest%d", (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "EAL did not start\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("flt_table", tests, NULL, NULL);
	eal_test_cleanup();
	return rc;
}
