/* SPDX-License-Identifier: BSD-3-Clause */
/* The control lcore's neighbour table on a fake clock: resolve, hold, learn, age, forget. */
#include "test_fwd_util.h"

#include <errno.h>

#include "fwd_neigh.h"

#define SEC 1000000000ull

struct record {
	unsigned int requests, removed, resolved, released, dropped;
	uint32_t last_ip;
};

static void
on_request(void *arg, const struct fwd_neigh *n)
{
	struct record *r = arg;

	r->requests++;
	r->last_ip = fwd_addr_to4(&n->ip);
}

static void
on_removed(void *arg, const struct fwd_addr *ip, void **held, unsigned int n_held)
{
	struct record *r = arg;

	(void)held;
	r->removed++;
	r->dropped += n_held;
	r->last_ip = fwd_addr_to4(ip);
}

static void
on_resolved(void *arg, const struct fwd_neigh *n, void **held, unsigned int n_held)
{
	struct record *r = arg;

	(void)held;
	r->resolved++;
	r->released += n_held;
	r->last_ip = fwd_addr_to4(&n->ip);
}

/* A table with room to spare: no node-wide cap, no rate limit, unless a test says so. */
static int
init(struct fwd_neigh_table *t, uint32_t max, uint32_t hold, uint64_t timeout_ns)
{
	struct fwd_neigh_params p = { .max = max, .hold_per_entry = hold, .hold_total = 1u << 20,
				      .timeout_ns = timeout_ns };

	return fwd_neigh_init(t, &p);
}

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 0xb };

static void
test_unresolved_next_hop_is_requested_once_and_packets_held_up_to_the_limit(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };
	int pkts[5];

	(void)state;
	assert_int_equal(init(&t, 16, 4, 300 * SEC), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 1)), 0, &pkts[i], 0, &ops), 0);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 1)), 0, &pkts[4], 0, &ops), -ENOBUFS);
	assert_int_equal(r.requests, 1);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 1)), 0, mac_a, true, false, 10, &ops);
	assert_int_equal(r.resolved, 1);
	assert_int_equal(r.released, 4);
	assert_int_equal(fwd_neigh_find(&t, key(ip4(10, 0, 0, 1)))->state, FWD_NEIGH_REACHABLE);
	/* Resolved now: the next packet goes straight to the MAC. */
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 1)), 0, &pkts[4], 20, &ops), -EEXIST);
	fwd_neigh_free(&t);
}

/* The node's own traffic (sync to a unicast peer) asks for a neighbour without a packet. */
static void
test_neighbour_asked_for_without_a_packet_holds_nothing(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };

	(void)state;
	assert_int_equal(init(&t, 16, 1, 300 * SEC), 0);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 3)), 0, NULL, 0, &ops), 0);
	/* Asked again while it resolves, even past the hold limit of 1: no second request. */
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 3)), 0, NULL, 1, &ops), 0);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 3)), 0, NULL, 2, &ops), 0);
	assert_int_equal(r.requests, 1);
	assert_int_equal(fwd_neigh_find(&t, key(ip4(10, 0, 0, 3)))->n_held, 0);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 3)), 0, mac_a, true, false, 10, &ops);
	assert_int_equal(r.resolved, 1);
	assert_int_equal(r.released, 0);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 3)), 0, NULL, 20, &ops), -EEXIST);
	fwd_neigh_free(&t);
}

static void
test_unanswered_resolution_gives_up_after_three_requests_dropping_held(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };
	int pkt;

	(void)state;
	assert_int_equal(init(&t, 16, 4, 300 * SEC), 0);
	fwd_neigh_hold(&t, key(ip4(10, 0, 0, 2)), 0, &pkt, 0, &ops);
	for (uint64_t now = 0; now <= 4 * SEC; now += SEC / 10)
		fwd_neigh_tick(&t, now, &ops);
	assert_int_equal(r.requests, FWD_NEIGH_PROBES);
	assert_int_equal(r.removed, 1);
	assert_int_equal(r.dropped, 1);
	assert_null(fwd_neigh_find(&t, key(ip4(10, 0, 0, 2))));
	fwd_neigh_free(&t);
}

static void
test_learned_entry_is_refreshed_before_expiry_and_forgotten_if_silent(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };

	(void)state;
	assert_int_equal(init(&t, 16, 4, 100 * SEC), 0);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 3)), 1, mac_a, true, true, 0, &ops);
	fwd_neigh_tick(&t, 74 * SEC, &ops);
	assert_int_equal(r.requests, 0);
	fwd_neigh_tick(&t, 75 * SEC, &ops); /* three quarters of the lifetime: probe */
	assert_int_equal(r.requests, 1);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 3)), 1, mac_a, true, false, 76 * SEC, &ops); /* answered */
	assert_int_equal(r.resolved, 1); /* same MAC: nothing to publish again */
	fwd_neigh_tick(&t, 150 * SEC, &ops);
	assert_non_null(fwd_neigh_find(&t, key(ip4(10, 0, 0, 3))));
	for (uint64_t now = 151 * SEC; now <= 177 * SEC; now += SEC)
		fwd_neigh_tick(&t, now, &ops); /* silent from here on */
	assert_int_equal(r.removed, 1);
	assert_null(fwd_neigh_find(&t, key(ip4(10, 0, 0, 3))));
	fwd_neigh_free(&t);
}

static void
test_mac_change_is_published_and_static_entries_never_change(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };

	(void)state;
	assert_int_equal(init(&t, 16, 4, 100 * SEC), 0);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 4)), 0, mac_a, true, true, 0, &ops);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 4)), 0, mac_b, true, false, 2 * SEC, &ops);
	assert_int_equal(r.resolved, 2);
	assert_memory_equal(fwd_neigh_find(&t, key(ip4(10, 0, 0, 4)))->mac, mac_b, 6);
	assert_int_equal(fwd_neigh_add_static(&t, key(ip4(10, 0, 0, 5)), 0, mac_a), 0);
	assert_int_equal(fwd_neigh_add_static(&t, key(ip4(10, 0, 0, 5)), 0, mac_a), -EEXIST);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 5)), 0, mac_b, true, true, 2, &ops);
	assert_memory_equal(fwd_neigh_find(&t, key(ip4(10, 0, 0, 5)))->mac, mac_a, 6);
	fwd_neigh_tick(&t, 1000 * SEC, &ops);
	assert_non_null(fwd_neigh_find(&t, key(ip4(10, 0, 0, 5)))); /* static: never aged */
	assert_null(fwd_neigh_find(&t, key(ip4(10, 0, 0, 4))));
	fwd_neigh_free(&t);
}

static void
test_unsolicited_arp_creates_nothing(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };

	(void)state;
	assert_int_equal(init(&t, 16, 4, 100 * SEC), 0);
	fwd_neigh_learn(&t, key(ip4(10, 0, 0, 6)), 0, mac_a, true, false, 0, &ops);
	assert_null(fwd_neigh_find(&t, key(ip4(10, 0, 0, 6))));
	assert_int_equal(r.resolved, 0);
	fwd_neigh_free(&t);
}

static void
test_table_full_and_deletion_keep_every_other_entry_findable(void **state)
{
	enum { N = 1000 };
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };

	(void)state;
	assert_int_equal(init(&t, N, 4, 100 * SEC), 0);
	for (uint32_t i = 0; i < N; i++)
		fwd_neigh_learn(&t, key(ip4(10, 1, 0, 0) + i * 7), 0, mac_a, true, true, i % 2 ? 0 : 50 * SEC,
				&ops);
	assert_int_equal(t.n, N);
	assert_int_equal(fwd_neigh_add_static(&t, key(ip4(10, 9, 9, 9)), 0, mac_a), -ENOSPC);
	fwd_neigh_tick(&t, 120 * SEC, &ops); /* the odd half expires */
	assert_int_equal(t.n, N / 2);
	for (uint32_t i = 0; i < N; i++) {
		struct fwd_neigh *n = fwd_neigh_find(&t, key(ip4(10, 1, 0, 0) + i * 7));

		if (i % 2)
			assert_null(n);
		else
			assert_non_null(n);
	}
	fwd_neigh_free(&t);
}

static void
test_incomplete_entry_resolves_only_from_a_reply_to_us(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };
	int pkt;

	(void)state;
	assert_int_equal(init(&t, 16, 4, 300 * SEC), 0);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 0, 0, 7)), 0, &pkt, 0, &ops), 0);
	/* A gratuitous ARP (or a reply to someone else) racing our request: refused. */
	assert_int_equal(fwd_neigh_learn(&t, key(ip4(10, 0, 0, 7)), 0, mac_b, false, false, 1, &ops),
			 FWD_ARP_UNSOLICITED);
	assert_int_equal(fwd_neigh_find(&t, key(ip4(10, 0, 0, 7)))->state, FWD_NEIGH_INCOMPLETE);
	assert_int_equal(r.resolved, 0);
	assert_int_equal(fwd_neigh_learn(&t, key(ip4(10, 0, 0, 7)), 0, mac_a, true, false, 2, &ops),
			 FWD_ARP_RESOLVED);
	assert_memory_equal(fwd_neigh_find(&t, key(ip4(10, 0, 0, 7)))->mac, mac_a, 6);
	assert_int_equal(r.released, 1);
	assert_true(t.st.arp[FWD_ARP_UNSOLICITED] == 1 && t.st.arp[FWD_ARP_RESOLVED] == 1);
	fwd_neigh_free(&t);
}

static void
test_known_neighbour_moves_at_most_once_a_second_each_move_counted(void **state)
{
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };
	const uint32_t gw = ip4(10, 0, 0, 254);

	(void)state;
	assert_int_equal(init(&t, 16, 4, 300 * SEC), 0);
	fwd_neigh_learn(&t, key(gw), 0, mac_a, true, true, 10 * SEC, &ops);
	/* A host claiming the gateway's address right after: refused, counted. */
	assert_int_equal(fwd_neigh_learn(&t, key(gw), 0, mac_b, false, false, 10 * SEC + SEC / 2, &ops),
			 FWD_ARP_FLAP_LIMITED);
	assert_memory_equal(fwd_neigh_find(&t, key(gw))->mac, mac_a, 6);
	/* The real gateway confirming is fine at any rate. */
	assert_int_equal(fwd_neigh_learn(&t, key(gw), 0, mac_a, true, false, 10 * SEC + SEC / 2, &ops),
			 FWD_ARP_REFRESHED);
	/* A second later a move is accepted (a replaced NIC, a failover), and counted. */
	assert_int_equal(fwd_neigh_learn(&t, key(gw), 0, mac_b, false, false, 11 * SEC + 1, &ops),
			 FWD_ARP_MOVED);
	assert_memory_equal(fwd_neigh_find(&t, key(gw))->mac, mac_b, 6);
	/* And cannot flip straight back. */
	assert_int_equal(fwd_neigh_learn(&t, key(gw), 0, mac_a, false, false, 11 * SEC + 2, &ops),
			 FWD_ARP_FLAP_LIMITED);
	assert_true(t.st.arp[FWD_ARP_MOVED] == 1 && t.st.arp[FWD_ARP_FLAP_LIMITED] == 2);
	assert_int_equal(r.resolved, 2); /* learned, moved: each published once */
	fwd_neigh_free(&t);
}

static void
test_held_packets_never_exceed_the_node_wide_cap(void **state)
{
	struct fwd_neigh_params p = { .max = 4096, .hold_per_entry = 4, .hold_total = 10,
				      .timeout_ns = 300 * SEC };
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };
	int pkt[4 * 1000];
	unsigned int held = 0;

	(void)state;
	assert_int_equal(fwd_neigh_init(&t, &p), 0);
	/* Traffic to a thousand unused addresses of a connected subnet, 4 packets each. */
	for (uint32_t i = 0; i < 1000; i++)
		for (int k = 0; k < 4; k++)
			held += fwd_neigh_hold(&t, key(ip4(10, 2, 0, 0) + i), 0, &pkt[i * 4 + k], 0, &ops) == 0;
	assert_int_equal(held, 10);
	assert_int_equal(t.held, 10);
	assert_true(t.st.hold[FWD_HOLD_CAP] == 4000 - 10);
	/* Resolving one frees its share of the cap. */
	fwd_neigh_learn(&t, key(ip4(10, 2, 0, 0)), 0, mac_a, true, false, 1, &ops);
	assert_int_equal(r.released, 4);
	assert_int_equal(t.held, 6);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 2, 0, 9)), 0, &pkt[0], 2, &ops), 0);
	/* Expiry frees the rest. */
	for (uint64_t now = 0; now <= 5 * SEC; now += SEC / 10)
		fwd_neigh_tick(&t, now, &ops);
	assert_int_equal(t.held, 0);
	assert_int_equal(r.dropped, 7);
	fwd_neigh_free(&t);
}

static void
test_new_resolutions_are_rate_limited_and_refusals_counted(void **state)
{
	struct fwd_neigh_params p = { .max = 4096, .hold_per_entry = 1, .hold_total = 4096,
				      .timeout_ns = 300 * SEC, .resolve_rate = 10 };
	struct fwd_neigh_table t;
	struct record r = { 0 };
	struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, &r };
	int pkt;

	(void)state;
	assert_int_equal(fwd_neigh_init(&t, &p), 0);
	/* A burst of a second's worth, then nothing until the rate allows one more. */
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 3, 0, 1) + i), 0, &pkt, 0, &ops), 0);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 3, 1, 0)), 0, &pkt, 0, &ops), -ENOBUFS);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 3, 1, 1)), 0, &pkt, SEC / 20, &ops), -ENOBUFS);
	assert_int_equal(fwd_neigh_hold(&t, key(ip4(10, 3, 1, 2)), 0, &pkt, SEC / 10, &ops), 0);
	assert_true(t.st.hold[FWD_HOLD_RATE_LIMITED] == 2);
	assert_int_equal(r.requests, 11); /* one ARP request per resolution started */
	/* A scan over ten seconds starts at most ~rate x time resolutions. */
	for (uint64_t k = 0; k < 100000; k++)
		fwd_neigh_hold(&t, key(ip4(10, 4, 0, 0) + (uint32_t)k), 0, &pkt, SEC + k * 100000, &ops);
	assert_true(t.n <= 11 + 10 * 10 + 10);
	fwd_neigh_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unresolved_next_hop_is_requested_once_and_packets_held_up_to_the_limit),
		cmocka_unit_test(test_neighbour_asked_for_without_a_packet_holds_nothing),
		cmocka_unit_test(test_unanswered_resolution_gives_up_after_three_requests_dropping_held),
		cmocka_unit_test(test_learned_entry_is_refreshed_before_expiry_and_forgotten_if_silent),
		cmocka_unit_test(test_mac_change_is_published_and_static_entries_never_change),
		cmocka_unit_test(test_unsolicited_arp_creates_nothing),
		cmocka_unit_test(test_table_full_and_deletion_keep_every_other_entry_findable),
		cmocka_unit_test(test_incomplete_entry_resolves_only_from_a_reply_to_us),
		cmocka_unit_test(test_known_neighbour_moves_at_most_once_a_second_each_move_counted),
		cmocka_unit_test(test_held_packets_never_exceed_the_node_wide_cap),
		cmocka_unit_test(test_new_resolutions_are_rate_limited_and_refusals_counted),
	};

	return cmocka_run_group_tests_name("fwd_neigh", tests, NULL, NULL);
}
