/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP parsing and the in-place request -> reply rewrite (spec §5.8). */
#include "test_util.h"

#include "carp_arp.h"
#include "carp_frame.h"

static const char request_hex[] =
	"ff ff ff ff ff ff 02 00 00 00 00 09 08 06"        /* Ethernet from the client */
	"00 01 08 00 06 04 00 01 02 00 00 00 00 09 0a 63 00 09" /* who has 10.99.0.1? */
	"00 00 00 00 00 00 0a 63 00 01";

static void
test_parse_request_fields(void **state)
{
	uint8_t f[64];
	size_t len = hex_to_bytes(request_hex, f, sizeof(f));
	struct carp_arp a;

	(void)state;
	assert_true(carp_arp_parse(f, len, &a));
	assert_int_equal(a.op, CARP_ARP_REQUEST);
	assert_int_equal(a.spa, ip4(10, 99, 0, 9));
	assert_int_equal(a.tpa, ip4(10, 99, 0, 1));
	assert_hex_equal(a.sha, 6, "02 00 00 00 00 09");
	assert_int_equal(a.offset, 14);
	assert_false(carp_arp_is_gratuitous(&a));
}

static void
test_reply_rewritten_in_place_with_vmac(void **state)
{
	static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 1 };
	uint8_t f[64];
	size_t len = hex_to_bytes(request_hex, f, sizeof(f));
	struct carp_arp a;

	(void)state;
	assert_true(carp_arp_parse(f, len, &a));
	carp_arp_make_reply(f, &a, vmac);
	assert_hex_equal(f, len,
			 "02 00 00 00 00 09 00 00 5e 00 01 01 08 06"
			 "00 01 08 00 06 04 00 02 00 00 5e 00 01 01 0a 63 00 01"
			 "02 00 00 00 00 09 0a 63 00 09");
}

static void
test_vlan_tagged_request_parsed_and_answered(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t plain[64], f[64];
	size_t len = hex_to_bytes(request_hex, plain, sizeof(plain));
	struct carp_arp a;

	(void)state;
	memcpy(f, plain, 12);
	hex_to_bytes("81 00 00 05", f + 12, 4);
	memcpy(f + 16, plain + 12, len - 12);
	assert_true(carp_arp_parse(f, len + 4, &a));
	assert_int_equal(a.offset, 18);
	carp_arp_make_reply(f, &a, mac);
	assert_hex_equal(f + 18 + 6, 2, "00 02");
	assert_hex_equal(f + 18 + 8, 10, "02 00 00 00 00 02 0a 63 00 01");
}

static void
test_truncated_or_foreign_arp_rejected(void **state)
{
	uint8_t f[64];
	size_t len = hex_to_bytes(request_hex, f, sizeof(f));
	struct carp_arp a;

	(void)state;
	for (size_t l = 0; l < len; l++)
		assert_false(carp_arp_parse(f, l, &a));
	f[14 + 5] = 16; /* protocol address length 16 */
	assert_false(carp_arp_parse(f, len, &a));
	f[14 + 5] = 4;
	f[12] = 0x08;
	f[13] = 0x00; /* IPv4, not ARP */
	assert_false(carp_arp_parse(f, len, &a));
}

static void
test_gratuitous_arp_recognised(void **state)
{
	static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 1 };
	uint8_t f[64];
	struct carp_arp a;

	(void)state;
	carp_build_garp(f, sizeof(f), vmac, ip4(10, 99, 0, 1));
	assert_true(carp_arp_parse(f, CARP_GARP_LEN, &a));
	assert_true(carp_arp_is_gratuitous(&a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_request_fields),
		cmocka_unit_test(test_reply_rewritten_in_place_with_vmac),
		cmocka_unit_test(test_vlan_tagged_request_parsed_and_answered),
		cmocka_unit_test(test_truncated_or_foreign_arp_rejected),
		cmocka_unit_test(test_gratuitous_arp_recognised),
	};

	return cmocka_run_group_tests_name("arp", tests, NULL, NULL);
}
