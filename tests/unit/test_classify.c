/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker's frame classifier and the (port, VIP) -> VHID table. */
#include "test_util.h"

#include <errno.h>

#include "carp_addr6.h"
#include "carp_classify.h"
#include "carp_frame.h"

static size_t
frame_with(uint8_t *f, const char *ethertype_and_l3)
{
	memset(f, 0, 128);
	hex_to_bytes("01 00 5e 00 00 12 02 00 00 00 00 09", f, 12);
	return 12 + hex_to_bytes(ethertype_and_l3, f + 12, 116);
}

static void
test_carp_arp_ipv4_and_other_ethertypes(void **state)
{
	uint8_t f[128];
	size_t l3 = 0, len;

	(void)state;
	len = frame_with(f, "08 00 45 10 00 38 00 00 40 00 ff 70 00 00 0a 00 00 02 e0 00 00 12");
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_CARP);
	assert_int_equal(l3, 14);
	f[14 + 9] = 6; /* TCP */
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_IPV4);
	len = frame_with(f, "08 06 00 01 08 00 06 04 00 01");
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_ARP);
	len = frame_with(f, "88 cc 00 00");
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_OTHER);
}

static void
test_vlan_tag_is_skipped(void **state)
{
	uint8_t f[128];
	size_t l3 = 0, len;

	(void)state;
	len = frame_with(f, "81 00 00 07 08 06 00 01 08 00 06 04 00 01");
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_ARP);
	assert_int_equal(l3, 18);
}

static void
test_ipv6_carp_nd_and_data(void **state)
{
	uint8_t f[128];
	size_t l3 = 0, len;

	(void)state;
	len = frame_with(f, "86 dd 60 00 00 00 00 24 70 ff") + 32;
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_CARP);
	f[14 + 6] = 58; /* ICMPv6 */
	f[14 + 40] = 135; /* neighbour solicitation */
	assert_int_equal(carp_classify(f, len + 8, &l3), CARP_CLASS_ND);
	f[14 + 40] = 128; /* echo request */
	assert_int_equal(carp_classify(f, len + 8, &l3), CARP_CLASS_IPV6);
	f[14 + 6] = 17;
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_IPV6);
	f[14 + 6] = 60; /* destination options to a unicast address: forwarding's */
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_IPV6);
	f[14 + 24] = 0xff; /* to a group: the control lcore walks to what follows */
	assert_int_equal(carp_classify(f, len, &l3), CARP_CLASS_CARP);
	f[14 + 6] = 0; /* hop-by-hop, then ICMPv6: an MLD query, the data plane's */
	f[14 + 40] = 58;
	assert_int_equal(carp_classify(f, len + 8, &l3), CARP_CLASS_IPV6);
	f[14 + 40] = 112; /* hop-by-hop, then CARP, to ff.. */
	assert_int_equal(carp_classify(f, len + 8, &l3), CARP_CLASS_CARP);
}

static void
test_truncated_frames_are_runts(void **state)
{
	uint8_t f[128];
	size_t l3, len = frame_with(f, "08 00 45 10 00 38 00 00 40 00 ff 70 00 00 0a 00 00 02 e0 00 00 12");

	(void)state;
	for (size_t l = 0; l < len; l++)
		assert_int_equal(carp_classify(f, l, &l3), CARP_CLASS_RUNT);
	len = frame_with(f, "86 dd 60 00 00 00 00 24 70 ff") + 32;
	assert_int_equal(carp_classify(f, len - 1, &l3), CARP_CLASS_RUNT);
}

static void
test_vip_table_maps_port_and_vip_to_vhid(void **state)
{
	struct carp_vip_table t;

	(void)state;
	assert_int_equal(carp_vip_table_init(&t, 4), 0);
	assert_int_equal(carp_vip_table_add(&t, 0, ip4(10, 0, 0, 1), 3), 0);
	assert_int_equal(carp_vip_table_add(&t, 1, ip4(10, 0, 0, 1), 4), 0); /* other port */
	assert_int_equal(carp_vip_table_add(&t, 0, ip4(10, 0, 0, 1), 5), -EEXIST);
	assert_int_equal(carp_vip_table_lookup(&t, 0, ip4(10, 0, 0, 1)), 3);
	assert_int_equal(carp_vip_table_lookup(&t, 1, ip4(10, 0, 0, 1)), 4);
	assert_int_equal(carp_vip_table_lookup(&t, 2, ip4(10, 0, 0, 1)), CARP_VIP_NONE);
	assert_int_equal(carp_vip_table_lookup(&t, 0, ip4(10, 0, 0, 2)), CARP_VIP_NONE);
	carp_vip_table_free(&t);
}

static void
test_vip_table_holds_thousands_and_refuses_when_full(void **state)
{
	struct carp_vip_table t;

	(void)state;
	assert_int_equal(carp_vip_table_init(&t, 4096), 0);
	for (uint32_t i = 0; i < 4096; i++)
		assert_int_equal(carp_vip_table_add(&t, (uint16_t)(i % 4), ip4(10, 1, 0, 0) + i,
						    (uint16_t)(i / 16)), 0);
	for (uint32_t i = 0; i < 4096; i++)
		assert_int_equal(carp_vip_table_lookup(&t, (uint16_t)(i % 4), ip4(10, 1, 0, 0) + i),
				 i / 16);
	for (uint32_t i = 4096; i <= t.mask; i++)
		carp_vip_table_add(&t, 9, i, 1);
	assert_int_equal(carp_vip_table_add(&t, 9, 1u << 31, 1), -ENOSPC);
	assert_int_equal(carp_vip_table_lookup(&t, 9, 1u << 31), CARP_VIP_NONE);
	carp_vip_table_free(&t);
}

static void
test_addr6_table_scopes_and_fills(void **state)
{
	struct carp_addr6_table t;
	struct carp_in6 a = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } }, ll = { { 0xfe, 0x80, [15] = 1 } };

	(void)state;
	assert_int_equal(carp_addr6_table_init(&t, 1000), 0);
	assert_int_equal(carp_addr6_table_add(&t, 0, &a, 7), 0);
	assert_int_equal(carp_addr6_table_add(&t, 0, &a, 8), -EEXIST);
	/* the same link-local on two interfaces: two scopes, two entries */
	assert_int_equal(carp_addr6_table_add(&t, 1, &ll, 1), 0);
	assert_int_equal(carp_addr6_table_add(&t, 2, &ll, 2), 0);
	assert_int_equal(carp_addr6_table_lookup(&t, 0, &a), 7);
	assert_int_equal(carp_addr6_table_lookup(&t, 1, &ll), 1);
	assert_int_equal(carp_addr6_table_lookup(&t, 2, &ll), 2);
	assert_int_equal(carp_addr6_table_lookup(&t, 3, &ll), CARP_ADDR6_NONE);
	for (uint32_t i = 0; i < 997; i++) {
		struct carp_in6 x = a;

		x.b[13] = 1; /* 2001:db8::1:xxxx, never a */
		x.b[14] = (uint8_t)(i >> 8);
		x.b[15] = (uint8_t)i;
		assert_int_equal(carp_addr6_table_add(&t, 0, &x, (uint16_t)i), 0);
	}
	for (uint32_t i = 0; i < 997; i++) {
		struct carp_in6 x = a;

		x.b[13] = 1; /* 2001:db8::1:xxxx, never a */
		x.b[14] = (uint8_t)(i >> 8);
		x.b[15] = (uint8_t)i;
		assert_int_equal(carp_addr6_table_lookup(&t, 0, &x), i);
	}
	carp_addr6_table_free(&t);
	assert_int_equal(carp_addr6_table_lookup(&t, 0, &a), CARP_ADDR6_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carp_arp_ipv4_and_other_ethertypes),
		cmocka_unit_test(test_vlan_tag_is_skipped),
		cmocka_unit_test(test_ipv6_carp_nd_and_data),
		cmocka_unit_test(test_truncated_frames_are_runts),
		cmocka_unit_test(test_vip_table_maps_port_and_vip_to_vhid),
		cmocka_unit_test(test_vip_table_holds_thousands_and_refuses_when_full),
		cmocka_unit_test(test_addr6_table_scopes_and_fills),
	};

	return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
