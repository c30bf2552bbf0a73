/* SPDX-License-Identifier: BSD-3-Clause */
/* HMAC-SHA1 exactly as spec §3, against test vectors TV1-TV7 (spec §12). */
#include "test_util.h"

#include "carp_hmac.h"

#define TV_COUNTER 0x0102030405060708ull

static struct carp_in6
in6(const char *hex)
{
	struct carp_in6 a;

	hex_to_bytes(hex, a.b, 16);
	return a;
}

/* Prepare, sign with @p counter and compare with @p md_hex; also verify accepts it. */
static void
check_vector(const char *pass, const struct carp_hmac_input *in, uint64_t counter,
	     const char *md_hex)
{
	struct carp_key key;
	struct carp_hmac h;
	uint8_t md[CARP_MD_LEN];

	carp_key_from_passphrase(&key, pass, strlen(pass));
	assert_int_equal(carp_hmac_prepare(&h, &key, in), 0);
	assert_int_equal(carp_hmac_sign(&h, counter, md), 0);
	assert_hex_equal(md, CARP_MD_LEN, md_hex);
	assert_true(carp_hmac_verify(&h, counter, md));
	md[0] ^= 1;
	assert_false(carp_hmac_verify(&h, counter, md));
	assert_false(carp_hmac_verify(&h, counter + 1, md));
	carp_hmac_release(&h);
}

static void
test_tv1_single_vip(void **state)
{
	uint32_t v4[] = { ip4(10, 0, 0, 1) };
	struct carp_hmac_input in = { .vhid = 1, .v4 = v4, .n4 = 1 };

	(void)state;
	check_vector("secret", &in, TV_COUNTER, "c0d32526b33cb06464aec3d88cb0eeb07b082237");
}

static void
test_tv1_key_bytes(void **state)
{
	struct carp_key key;

	(void)state;
	assert_false(carp_key_from_passphrase(&key, "secret", 6));
	assert_hex_equal(key.bytes, CARP_KEY_LEN,
			 "73 65 63 72 65 74 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
}

static void
test_tv2_vips_sorted_ascending(void **state)
{
	uint32_t v4[] = { ip4(10, 0, 0, 9), ip4(10, 0, 0, 1) };
	struct carp_hmac_input in = { .vhid = 1, .v4 = v4, .n4 = 2 };
	uint8_t msg[64];

	(void)state;
	assert_int_equal(carp_hmac_message(&in, false, msg, sizeof(msg)), 11);
	assert_hex_equal(msg, 11, "02 01 01 0a 00 00 01 0a 00 00 09");
	check_vector("secret", &in, TV_COUNTER, "215b3b8f828a19c11665a562b70fbc70b7c6d581");
}

static void
test_duplicate_vips_hashed_once(void **state)
{
	uint32_t v4[] = { ip4(10, 0, 0, 9), ip4(10, 0, 0, 1), ip4(10, 0, 0, 9) };
	struct carp_hmac_input in = { .vhid = 1, .v4 = v4, .n4 = 3 };

	(void)state;
	check_vector("secret", &in, TV_COUNTER, "215b3b8f828a19c11665a562b70fbc70b7c6d581");
}

static void
test_tv3_ipv4_then_ipv6(void **state)
{
	uint32_t v4[] = { ip4(10, 0, 0, 1) };
	struct carp_in6 v6[] = { in6("20010db8000000000000000000000001") };
	struct carp_hmac_input in = { .vhid = 1, .v4 = v4, .n4 = 1, .v6 = v6, .n6 = 1 };

	(void)state;
	check_vector("secret", &in, TV_COUNTER, "eaabe73406194aa8048b1b21f359d880d7a4b737");
}

static void
test_tv4_link_local_accepted_either_way_sent_without(void **state)
{
	struct carp_in6 v6[] = { in6("fe800000000000000000000000000001"),
				 in6("20010db8000000000000000000000001") };
	struct carp_hmac_input in = { .vhid = 1, .v6 = v6, .n6 = 2 };
	struct carp_key key;
	struct carp_hmac h;
	uint8_t md[CARP_MD_LEN], tv4[CARP_MD_LEN], msg[64];

	(void)state;
	assert_int_equal(carp_hmac_message(&in, true, msg, sizeof(msg)), 35);
	assert_hex_equal(msg, 35, "020101 20010db8000000000000000000000001"
				  "fe800000000000000000000000000001");
	carp_key_from_passphrase(&key, "secret", 6);
	assert_int_equal(carp_hmac_prepare(&h, &key, &in), 0);
	/* Transmit: OpenBSD's HMAC_NOV6LL context (link-locals skipped). */
	assert_int_equal(carp_hmac_sign(&h, TV_COUNTER, md), 0);
	assert_hex_equal(md, CARP_MD_LEN, "8aa3a7316f2d86038f2bc6a932a95f2a9b418b18");
	/* Receive: HMAC_ORIG (TV4, link-local included) is accepted too. */
	hex_to_bytes("d8c7824b7c85fd473b217656b1f8e80d2ca9a9d5", tv4, sizeof(tv4));
	assert_true(carp_hmac_verify(&h, TV_COUNTER, tv4));
	assert_true(carp_hmac_verify(&h, TV_COUNTER, md));
	carp_hmac_release(&h);
}

/* profile freebsd: FreeBSD hashes every IPv6 VIP, link-locals too, in its one context;
 * sending that way is what a FreeBSD peer accepts (TV4), and OpenBSD's is still taken. */
static void
test_freebsd_profile_signs_with_link_locals(void **state)
{
	struct carp_in6 v6[] = { in6("fe800000000000000000000000000001"),
				 in6("20010db8000000000000000000000001") };
	struct carp_hmac_input in = { .vhid = 1, .v6 = v6, .n6 = 2, .tx_with_v6_ll = true };
	struct carp_key key;
	struct carp_hmac h;
	uint8_t md[CARP_MD_LEN], nov6ll[CARP_MD_LEN];

	(void)state;
	carp_key_from_passphrase(&key, "secret", 6);
	assert_int_equal(carp_hmac_prepare(&h, &key, &in), 0);
	assert_int_equal(carp_hmac_sign(&h, TV_COUNTER, md), 0);
	assert_hex_equal(md, CARP_MD_LEN, "d8c7824b7c85fd473b217656b1f8e80d2ca9a9d5");
	hex_to_bytes("8aa3a7316f2d86038f2bc6a932a95f2a9b418b18", nov6ll, sizeof(nov6ll));
	assert_true(carp_hmac_verify(&h, TV_COUNTER, nov6ll));
	carp_hmac_release(&h);
}

static void
test_link_local_scope_id_zeroed(void **state)
{
	/* KAME embeds the scope id in bytes 2..3; the hash uses the on-wire form. */
	struct carp_in6 v6[] = { in6("fe800005000000000000000000000001") };
	struct carp_hmac_input in = { .vhid = 1, .v6 = v6, .n6 = 1 };
	uint8_t msg[64];

	(void)state;
	assert_int_equal(carp_hmac_message(&in, true, msg, sizeof(msg)), 19);
	assert_hex_equal(msg, 19, "020101 fe800000000000000000000000000001");
	assert_int_equal(carp_hmac_message(&in, false, msg, sizeof(msg)), 3);
}

static void
test_tv5_empty_passphrase_is_zero_key(void **state)
{
	uint32_t v4[] = { ip4(10, 0, 0, 1) };
	struct carp_hmac_input in = { .vhid = 1, .v4 = v4, .n4 = 1 };

	(void)state;
	check_vector("", &in, TV_COUNTER, "710fc369b7ebf41159b2ef05738ed9b6d08a0958");
}

static void
test_tv6_openbsd_custom_lladdr(void **state)
{
	static const uint8_t lladdr[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint32_t v4[] = { ip4(10, 0, 0, 1) };
	struct carp_hmac_input in = { .vhid = 1, .v4 = v4, .n4 = 1, .lladdr = lladdr };
	uint8_t msg[64];

	(void)state;
	assert_int_equal(carp_hmac_message(&in, false, msg, sizeof(msg)), 13);
	assert_hex_equal(msg, 13, "02 01 02 00 00 00 00 01 01 0a 00 00 01");
	check_vector("secret", &in, TV_COUNTER, "2d4e1df9b93073f8dc4a46d5535664d62bd16958");
}

static void
test_tv7_long_passphrase_truncated_to_19(void **state)
{
	uint32_t v4[] = { ip4(192, 168, 1, 10) };
	struct carp_hmac_input in = { .vhid = 7, .v4 = v4, .n4 = 1 };
	struct carp_key key;

	(void)state;
	assert_true(carp_key_from_passphrase(&key, "abcdefghijklmnopqrstuvwxyz", 26));
	assert_hex_equal(key.bytes, CARP_KEY_LEN,
			 "61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 00");
	check_vector("abcdefghijklmnopqrstuvwxyz", &in, 0xdeadbeef00000001ull,
		     "cfd1e967cf9537a9485ccef2f506aa369d73c68c");
}

static void
test_wrong_key_or_vip_or_vhid_fails_verify(void **state)
{
	uint32_t v4[] = { ip4(10, 0, 0, 1) }, other[] = { ip4(10, 0, 0, 2) };
	struct carp_hmac_input good = { .vhid = 1, .v4 = v4, .n4 = 1 };
	struct carp_hmac_input bad_vip = { .vhid = 1, .v4 = other, .n4 = 1 };
	struct carp_hmac_input bad_vhid = { .vhid = 2, .v4 = v4, .n4 = 1 };
	struct carp_key key, wrong;
	struct carp_hmac h;
	uint8_t md[CARP_MD_LEN];

	(void)state;
	carp_key_from_passphrase(&key, "secret", 6);
	carp_key_from_passphrase(&wrong, "secreT", 6);
	hex_to_bytes("c0d32526b33cb06464aec3d88cb0eeb07b082237", md, sizeof(md));
	assert_int_equal(carp_hmac_prepare(&h, &wrong, &good), 0);
	assert_false(carp_hmac_verify(&h, TV_COUNTER, md));
	carp_hmac_release(&h);
	assert_int_equal(carp_hmac_prepare(&h, &key, &bad_vip), 0);
	assert_false(carp_hmac_verify(&h, TV_COUNTER, md));
	carp_hmac_release(&h);
	assert_int_equal(carp_hmac_prepare(&h, &key, &bad_vhid), 0);
	assert_false(carp_hmac_verify(&h, TV_COUNTER, md));
	carp_hmac_release(&h);
	carp_hmac_release(&h); /* releasing twice is safe */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tv1_single_vip),
		cmocka_unit_test(test_tv1_key_bytes),
		cmocka_unit_test(test_tv2_vips_sorted_ascending),
		cmocka_unit_test(test_duplicate_vips_hashed_once),
		cmocka_unit_test(test_tv3_ipv4_then_ipv6),
		cmocka_unit_test(test_tv4_link_local_accepted_either_way_sent_without),
		cmocka_unit_test(test_freebsd_profile_signs_with_link_locals),
		cmocka_unit_test(test_link_local_scope_id_zeroed),
		cmocka_unit_test(test_tv5_empty_passphrase_is_zero_key),
		cmocka_unit_test(test_tv6_openbsd_custom_lladdr),
		cmocka_unit_test(test_tv7_long_passphrase_truncated_to_19),
		cmocka_unit_test(test_wrong_key_or_vip_or_vhid_fails_verify),
	};

	return cmocka_run_group_tests_name("hmac", tests, NULL, NULL);
}
