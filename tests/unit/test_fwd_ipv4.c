/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 forwarding checks (RFC 1812) and the incremental TTL update (RFC 1624). */
#include "test_util.h"

#include "carp_cksum.h"
#include "fwd_ipv4.h"

static void
packet(uint8_t *ip, uint8_t ttl)
{
	uint16_t c;

	hex_to_bytes("45 00 00 1c 00 01 00 00 40 11 00 00 0a 63 00 09 0a 64 00 05"
		     "12 34 00 35 00 08 00 00", ip, 28);
	ip[8] = ttl;
	c = carp_cksum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void
reseal(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = carp_cksum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void
test_good_packet_passes(void **state)
{
	uint8_t ip[28];

	(void)state;
	packet(ip, 64);
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_OK);
	assert_int_equal(fwd_ipv4_check(ip, 40, false), FWD_OK); /* Ethernet padding after */
}

static void
test_ttl_decrement_keeps_checksum_exact_for_every_ttl_and_checksum(void **state)
{
	uint8_t ip[28];

	(void)state;
	for (unsigned int ttl = 2; ttl <= 255; ttl++) {
		for (unsigned int id = 0; id < 65536; id += 257) {
			uint8_t want[20];

			packet(ip, (uint8_t)ttl);
			ip[4] = (uint8_t)(id >> 8);
			ip[5] = (uint8_t)id;
			reseal(ip);
			fwd_ipv4_dec_ttl(ip);
			memcpy(want, ip, 20);
			reseal(want); /* a full recomputation must give the same bytes */
			assert_int_equal(ip[8], ttl - 1);
			assert_memory_equal(ip, want, 20);
		}
	}
}

static void
test_truncated_and_bad_headers_rejected(void **state)
{
	uint8_t ip[28];

	(void)state;
	packet(ip, 64);
	for (size_t l = 0; l < 20; l++)
		assert_int_equal(fwd_ipv4_check(ip, l, false), FWD_DROP_TRUNCATED);
	assert_int_equal(fwd_ipv4_check(ip, 27, false), FWD_DROP_TRUNCATED); /* total 28 */
	ip[0] = 0x65;
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_BAD_VERSION);
	ip[0] = 0x44;
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_BAD_IHL);
	ip[0] = 0x4f; /* 60-byte header in a 28-byte packet */
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_BAD_IHL);
	packet(ip, 64);
	ip[11] ^= 1;
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_BAD_CSUM);
	assert_int_equal(fwd_ipv4_check(ip, 28, true), FWD_OK); /* the NIC checked it */
}

static void
test_ttl_0_and_1_expire(void **state)
{
	uint8_t ip[28];

	(void)state;
	packet(ip, 1);
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_TTL_EXCEEDED);
	packet(ip, 0);
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_TTL_EXCEEDED);
	packet(ip, 2);
	assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_OK);
}

static void
test_multicast_broadcast_and_reserved_destinations_rejected(void **state)
{
	static const uint32_t bad_dst[] = { 0xe0000012u, 0xffffffffu, 0xf0000001u, 0,
					    0x7f000001u, 0x00000005u };
	static const uint32_t bad_src[] = { 0xe0000001u, 0xffffffffu, 0x7f000001u };
	uint8_t ip[28];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_dst) / sizeof(bad_dst[0]); i++) {
		packet(ip, 64);
		for (int b = 0; b < 4; b++)
			ip[16 + b] = (uint8_t)(bad_dst[i] >> (24 - 8 * b));
		reseal(ip);
		assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_BAD_DST);
	}
	for (size_t i = 0; i < sizeof(bad_src) / sizeof(bad_src[0]); i++) {
		packet(ip, 64);
		for (int b = 0; b < 4; b++)
			ip[12 + b] = (uint8_t)(bad_src[i] >> (24 - 8 * b));
		reseal(ip);
		assert_int_equal(fwd_ipv4_check(ip, 28, false), FWD_DROP_BAD_SRC);
	}
	assert_string_equal(fwd_drop_name(FWD_DROP_TTL_EXCEEDED), "ttl_exceeded");
}

static void
test_martian_octets_are_exactly_0_127_and_224_up(void **state)
{
	(void)state;
	for (unsigned int o = 0; o < 256; o++)
		assert_int_equal(fwd_ipv4_martian_octet((uint8_t)o), o == 0 || o == 127 || o >= 224);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_martian_octets_are_exactly_0_127_and_224_up),
		cmocka_unit_test(test_good_packet_passes),
		cmocka_unit_test(test_ttl_decrement_keeps_checksum_exact_for_every_ttl_and_checksum),
		cmocka_unit_test(test_truncated_and_bad_headers_rejected),
		cmocka_unit_test(test_ttl_0_and_1_expire),
		cmocka_unit_test(test_multicast_broadcast_and_reserved_destinations_rejected),
	};

	return cmocka_run_group_tests_name("fwd_ipv4", tests, NULL, NULL);
}
