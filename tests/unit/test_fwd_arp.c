/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What ARP may teach the neighbour table: a hostile host on one segment cannot move a
 * neighbour of another, claim our addresses, or teach a group or our own MAC; a next hop
 * being resolved takes only a reply to us; every frame ends in one counter.
 */
#include "test_fwd_util.h"

#include "carp_arp.h"
#include "carp_frame.h"
#include "fwd_arp.h"

#define SEC 1000000000ull

/* Two ports as a firewall has them: lan 10.99.0.2/24, wan 10.100.0.2/24 (the gateway .254). */
static const uint32_t lan_addr[] = { 0x0a630002 };
static const uint32_t wan_addr[] = { 0x0a640002 };
static const uint8_t plen24[] = { 24 };
static const uint8_t our_macs[][6] = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 },
				       { 0, 0, 0x5e, 0, 1, 1 } };
static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0x10, 0xfe };
static const uint8_t evil_mac[6] = { 2, 0, 0, 0, 0x66, 0x66 };
static unsigned int published;

static bool
own_addr(const void *arg, uint32_t ip)
{
	(void)arg;
	return ip == lan_addr[0] || ip == wan_addr[0] || ip == 0x0a630001 || ip == 0x0a640001;
}

static const struct fwd_arp_iface lan = { 0, lan_addr, plen24, 1, our_macs, 3, own_addr, NULL };
static const struct fwd_arp_iface wan = { 1, wan_addr, plen24, 1, our_macs, 3, own_addr, NULL };

static void on_request(void *arg, const struct fwd_neigh *n) { (void)arg; (void)n; }
static void
on_removed(void *arg, const struct fwd_addr *ip, void **held, unsigned int n_held)
{
	(void)arg, (void)ip, (void)held, (void)n_held;
}
static void
on_resolved(void *arg, const struct fwd_neigh *n, void **held, unsigned int n_held)
{
	(void)arg, (void)n, (void)held, (void)n_held;
	published++;
}
static const struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, NULL };

/* An ARP frame: @p op, sender (@p sha, @p spa), target address @p tpa. */
static size_t
arp(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
	memset(f, 0, 60);
	carp_build_garp(f, 60, sha, spa);
	f[21] = (uint8_t)op;
	for (int i = 0; i < 4; i++)
		f[38 + i] = (uint8_t)(tpa >> (24 - 8 * i));
	return 60;
}

static void
table(struct fwd_neigh_table *t)
{
	struct fwd_neigh_params p = { .max = 64, .hold_per_entry = 4, .hold_total = 64,
				      .timeout_ns = 300 * SEC };
	int pkt = 0;

	assert_int_equal(fwd_neigh_init(t, &p), 0);
	/* The WAN gateway, resolved by its reply to our request. */
	assert_int_equal(fwd_neigh_hold(t, key(0x0a6400fe), 1, &pkt, 0, &ops), 0);
	{
		uint8_t f[60];
		size_t n = arp(f, CARP_ARP_REPLY, gw_mac, 0x0a6400fe, wan_addr[0]);

		assert_int_equal(fwd_arp_input(t, &wan, f, n, 1, &ops), FWD_ARP_RESOLVED);
	}
}

static void
test_lan_host_cannot_move_the_wan_gateway(void **state)
{
	struct fwd_neigh_table t;
	uint8_t f[60];

	(void)state;
	table(&t);
	/* The classic black hole: a LAN host announces the WAN gateway's address. */
	arp(f, CARP_ARP_REQUEST, evil_mac, 0x0a6400fe, 0x0a6400fe);
	assert_int_equal(fwd_arp_input(&t, &lan, f, 60, 5 * SEC, &ops), FWD_ARP_NOT_ON_LINK);
	arp(f, CARP_ARP_REPLY, evil_mac, 0x0a6400fe, lan_addr[0]);
	assert_int_equal(fwd_arp_input(&t, &lan, f, 60, 6 * SEC, &ops), FWD_ARP_NOT_ON_LINK);
	assert_memory_equal(fwd_neigh_find(&t, key(0x0a6400fe))->mac, gw_mac, 6);
	assert_int_equal(fwd_neigh_find(&t, key(0x0a6400fe))->iface, 1);
	assert_true(t.st.arp[FWD_ARP_NOT_ON_LINK] == 2);
	fwd_neigh_free(&t);
}

static void
test_no_group_zero_or_own_mac_is_learned(void **state)
{
	static const uint8_t bad[][6] = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
					  { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 },
					  { 0x33, 0x33, 0, 0, 0, 1 },
					  { 0, 0, 0, 0, 0, 0 },
					  { 2, 0, 0, 0, 0, 2 },
					  { 0, 0, 0x5e, 0, 1, 1 } };
	struct fwd_neigh_table t;
	uint8_t f[60];

	(void)state;
	table(&t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		arp(f, CARP_ARP_REPLY, bad[i], 0x0a6400fe, wan_addr[0]);
		assert_int_equal(fwd_arp_input(&t, &wan, f, 60, (10 + i) * SEC, &ops),
				 FWD_ARP_BAD_MAC);
	}
	assert_memory_equal(fwd_neigh_find(&t, key(0x0a6400fe))->mac, gw_mac, 6);
	fwd_neigh_free(&t);
}

static void
test_our_own_addresses_are_never_learned(void **state)
{
	static const uint32_t ours[] = { 0x0a640002, 0x0a640001 };
	struct fwd_neigh_table t;
	uint8_t f[60];

	(void)state;
	table(&t);
	for (size_t i = 0; i < 2; i++) {
		arp(f, CARP_ARP_REQUEST, evil_mac, ours[i], ours[i]);
		assert_int_equal(fwd_arp_input(&t, &wan, f, 60, 2 * SEC, &ops), FWD_ARP_OWN_ADDRESS);
		assert_null(fwd_neigh_find(&t, key(ours[i])));
	}
	fwd_neigh_free(&t);
}

static void
test_resolution_takes_only_a_reply_to_us(void **state)
{
	struct fwd_neigh_table t;
	uint8_t f[60];
	int pkt = 0;

	(void)state;
	table(&t);
	assert_int_equal(fwd_neigh_hold(&t, key(0x0a640009), 1, &pkt, 2 * SEC, &ops), 0);
	/* Announcement, and a reply to another host: neither resolves. */
	arp(f, CARP_ARP_REQUEST, evil_mac, 0x0a640009, 0x0a640009);
	assert_int_equal(fwd_arp_input(&t, &wan, f, 60, 2 * SEC, &ops), FWD_ARP_UNSOLICITED);
	arp(f, CARP_ARP_REPLY, evil_mac, 0x0a640009, 0x0a640077);
	assert_int_equal(fwd_arp_input(&t, &wan, f, 60, 2 * SEC, &ops), FWD_ARP_UNSOLICITED);
	assert_int_equal(fwd_neigh_find(&t, key(0x0a640009))->state, FWD_NEIGH_INCOMPLETE);
	arp(f, CARP_ARP_REPLY, gw_mac, 0x0a640009, wan_addr[0]);
	assert_int_equal(fwd_arp_input(&t, &wan, f, 60, 2 * SEC, &ops), FWD_ARP_RESOLVED);
	/* About a host we have no business with: nothing is made. */
	arp(f, CARP_ARP_REQUEST, evil_mac, 0x0a640033, 0x0a640033);
	assert_int_equal(fwd_arp_input(&t, &wan, f, 60, 2 * SEC, &ops), FWD_ARP_UNKNOWN);
	assert_null(fwd_neigh_find(&t, key(0x0a640033)));
	fwd_neigh_free(&t);
}

static void
test_every_frame_ends_in_one_counter(void **state)
{
	struct fwd_neigh_table t;
	uint8_t f[60];
	uint64_t total = 0;
	unsigned int before;

	(void)state;
	table(&t);
	arp(f, CARP_ARP_REPLY, gw_mac, 0x0a6400fe, wan_addr[0]);
	fwd_arp_input(&t, &wan, f, 60, 3 * SEC, &ops);           /* refreshed */
	fwd_arp_input(&t, &wan, f, 20, 3 * SEC, &ops);           /* truncated: malformed */
	f[21] = 9;
	fwd_arp_input(&t, &wan, f, 60, 3 * SEC, &ops);           /* op 9: malformed */
	arp(f, CARP_ARP_REPLY, evil_mac, 0x0a6400fe, wan_addr[0]);
	before = published;
	fwd_arp_input(&t, &wan, f, 60, 3 * SEC, &ops);           /* moved, 3 s after */
	assert_int_equal(published, before + 1); /* a move is published to the workers */
	for (int r = 0; r < FWD_ARP_COUNT; r++)
		total += t.st.arp[r];
	assert_true(total == 5); /* with the resolution in table() */
	assert_true(t.st.arp[FWD_ARP_REFRESHED] == 1 && t.st.arp[FWD_ARP_MALFORMED] == 2 &&
		    t.st.arp[FWD_ARP_MOVED] == 1);
	fwd_neigh_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lan_host_cannot_move_the_wan_gateway),
		cmocka_unit_test(test_no_group_zero_or_own_mac_is_learned),
		cmocka_unit_test(test_our_own_addresses_are_never_learned),
		cmocka_unit_test(test_resolution_takes_only_a_reply_to_us),
		cmocka_unit_test(test_every_frame_ends_in_one_counter),
	};

	return cmocka_run_group_tests_name("fwd_arp", tests, NULL, NULL);
}
