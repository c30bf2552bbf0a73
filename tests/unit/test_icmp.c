/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP echo request -> reply in place, for pings to a VIP. */
#include "test_util.h"

#include "carp_cksum.h"
#include "carp_icmp.h"

static size_t
echo_request(uint8_t *f)
{
	size_t len = hex_to_bytes(
		"00 00 5e 00 01 01 02 00 00 00 00 09 08 00"          /* to the vMAC */
		"45 00 00 24 12 34 40 00 40 01 00 00 0a 63 00 09 0a 63 00 01"
		"08 00 00 00 ab cd 00 01 de ad be ef 01 02 03 04", f, 128);
	uint16_t c = carp_cksum(f + 14, 20);

	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
	c = carp_cksum(f + 34, 16);
	f[36] = (uint8_t)(c >> 8);
	f[37] = (uint8_t)c;
	return len;
}

/* Recompute the IPv4 header checksum after a test changed a field. */
static void
reseal_ip(uint8_t *f)
{
	uint16_t c;

	f[24] = f[25] = 0;
	c = carp_cksum(f + 14, 20);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
}

static void
test_echo_request_recognised(void **state)
{
	uint8_t f[128];
	size_t len = echo_request(f);
	uint32_t dst = 0;

	(void)state;
	assert_true(carp_icmp_echo_request(f, len, 14, &dst));
	assert_int_equal(dst, ip4(10, 99, 0, 1));
}

static void
test_reply_swaps_addresses_and_keeps_checksums_valid(void **state)
{
	static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 1 };
	uint8_t f[128];
	size_t len = echo_request(f);

	(void)state;
	carp_icmp_echo_make_reply(f, 14, vmac);
	assert_hex_equal(f, 12, "02 00 00 00 00 09 00 00 5e 00 01 01");
	assert_hex_equal(f + 26, 8, "0a 63 00 01 0a 63 00 09");
	assert_int_equal(f[22], 64);
	assert_int_equal(f[34], 0); /* echo reply */
	assert_int_equal(carp_cksum(f + 14, 20), 0);
	assert_int_equal(carp_cksum(f + 34, len - 34), 0);
	assert_hex_equal(f + 38, 12, "ab cd 00 01 de ad be ef 01 02 03 04"); /* id, seq, data */
}

static void
test_bad_requests_not_answered(void **state)
{
	uint8_t f[128];
	size_t len = echo_request(f);
	uint32_t dst;

	(void)state;
	for (size_t l = 0; l < len; l++)
		assert_false(carp_icmp_echo_request(f, l, 14, &dst));
	f[24] ^= 1; /* IP header checksum */
	assert_false(carp_icmp_echo_request(f, len, 14, &dst));
	len = echo_request(f);
	f[34] = 0; /* an echo reply is not answered */
	assert_false(carp_icmp_echo_request(f, len, 14, &dst));
	len = echo_request(f);
	f[20] = 0x20; /* more fragments */
	reseal_ip(f);
	assert_false(carp_icmp_echo_request(f, len, 14, &dst));
	len = echo_request(f);
	f[23] = 6; /* TCP */
	reseal_ip(f);
	assert_false(carp_icmp_echo_request(f, len, 14, &dst));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_request_recognised),
		cmocka_unit_test(test_reply_swaps_addresses_and_keeps_checksums_valid),
		cmocka_unit_test(test_bad_requests_not_answered),
	};

	return cmocka_run_group_tests_name("icmp", tests, NULL, NULL);
}
