/* SPDX-License-Identifier: BSD-3-Clause */
/* The 36-byte CARP header and the Internet checksum (spec §1.1, §12). */
#include "test_util.h"

#include <stdlib.h>

#include "carp_cksum.h"
#include "carp_wire.h"

static const char tv1_hdr[] = "21 01 00 07 00 01 44 1f 01 02 03 04 05 06 07 08"
			      "c0 d3 25 26 b3 3c b0 64 64 ae c3 d8 8c b0 ee b0 7b 08 22 37";

static void
tv1_fields(struct carp_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->version = CARP_VERSION;
	h->type = CARP_TYPE_ADVERTISEMENT;
	h->vhid = 1;
	h->advskew = 0;
	h->authlen = CARP_AUTHLEN;
	h->advbase = 1;
	h->counter = 0x0102030405060708ull;
	hex_to_bytes("c0d32526b33cb06464aec3d88cb0eeb07b082237", h->md, sizeof(h->md));
}

static void
test_encode_tv1_header_bytes_and_checksum(void **state)
{
	struct carp_hdr h;
	uint8_t out[CARP_HDR_LEN];

	(void)state;
	tv1_fields(&h);
	h.cksum = 0xdead; /* ignored: encode computes it */
	carp_hdr_encode(&h, out);
	assert_hex_equal(out, sizeof(out), tv1_hdr);
}

static void
test_encode_tv7_advskew_100(void **state)
{
	struct carp_hdr h = {
		.version = 2, .type = 1, .vhid = 7, .advskew = 100, .authlen = 7, .advbase = 1,
		.counter = 0xdeadbeef00000001ull,
	};
	uint8_t out[CARP_HDR_LEN];

	(void)state;
	hex_to_bytes("cfd1e967cf9537a9485ccef2f506aa369d73c68c", h.md, sizeof(h.md));
	carp_hdr_encode(&h, out);
	assert_hex_equal(out, 16, "21 07 64 07 00 01 02 4c de ad be ef 00 00 00 01");
}

static void
test_decode_reads_every_field(void **state)
{
	uint8_t in[CARP_HDR_LEN];
	struct carp_hdr h, want;

	(void)state;
	hex_to_bytes(tv1_hdr, in, sizeof(in));
	in[4] = 9; /* demote byte */
	carp_hdr_decode(in, &h);
	tv1_fields(&want);
	assert_int_equal(h.version, 2);
	assert_int_equal(h.type, 1);
	assert_int_equal(h.vhid, 1);
	assert_int_equal(h.advskew, 0);
	assert_int_equal(h.authlen, 7);
	assert_int_equal(h.demote, 9);
	assert_int_equal(h.advbase, 1);
	assert_int_equal(h.cksum, 0x441f);
	assert_true(h.counter == 0x0102030405060708ull);
	assert_memory_equal(h.md, want.md, CARP_MD_LEN);
}

static void
test_decode_encode_round_trip(void **state)
{
	uint8_t in[CARP_HDR_LEN], out[CARP_HDR_LEN];
	struct carp_hdr h;

	(void)state;
	hex_to_bytes(tv1_hdr, in, sizeof(in));
	carp_hdr_decode(in, &h);
	carp_hdr_encode(&h, out);
	assert_memory_equal(in, out, CARP_HDR_LEN);
}

static void
test_cksum_ok_accepts_valid_and_rejects_any_flipped_bit(void **state)
{
	uint8_t in[CARP_HDR_LEN];

	(void)state;
	hex_to_bytes(tv1_hdr, in, sizeof(in));
	assert_true(carp_hdr_cksum_ok(in));
	for (size_t bit = 0; bit < CARP_HDR_LEN * 8; bit++) {
		in[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		assert_false(carp_hdr_cksum_ok(in));
		in[bit / 8] ^= (uint8_t)(1 << (bit % 8));
	}
}

static void
test_cksum_rfc1071_example_and_odd_length(void **state)
{
	/* RFC 1071 §3 example: sum 0xddf2, checksum 0x220d. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 }; /* 0x0102 + 0x0300 = 0x0402 */

	(void)state;
	assert_int_equal(carp_cksum(rfc, sizeof(rfc)), 0x220d);
	assert_int_equal(carp_cksum(odd, sizeof(odd)), (uint16_t)~0x0402);
	assert_int_equal(carp_cksum_finish(carp_cksum_add(carp_cksum_add(0, rfc, 4), rfc + 4, 4)),
			 0x220d);
}

/* The byte-at-a-time definition of RFC 1071, to check the word-wise implementation. */
static uint16_t
reference_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
test_cksum_matches_reference_for_every_length_and_alignment(void **state)
{
	uint8_t buf[300];

	(void)state;
	srand(99);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++)
			assert_int_equal(carp_cksum(buf + off, len), reference_cksum(buf + off, len));
	memset(buf, 0xff, sizeof(buf)); /* carries everywhere */
	for (size_t len = 0; len <= sizeof(buf); len++)
		assert_int_equal(carp_cksum(buf, len), reference_cksum(buf, len));
}

static void
test_cksum_hdr_ok_agrees_with_cksum_for_every_header_length(void **state)
{
	uint8_t buf[68];

	(void)state;
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t off = (size_t)round % 4, len = 20 + 4 * ((size_t)rand() % 11);
		uint8_t *h = buf + off;
		uint16_t c;

		for (size_t i = 0; i < len; i++)
			h[i] = (uint8_t)rand();
		h[10] = h[11] = 0;
		c = carp_cksum(h, len);
		if (round & 1) { /* sealed: must pass */
			h[10] = (uint8_t)(c >> 8);
			h[11] = (uint8_t)c;
		}
		assert_int_equal(carp_cksum_hdr_ok(h, len), carp_cksum(h, len) == 0);
		if (len == 20)
			assert_int_equal(carp_cksum_hdr20_ok(h), carp_cksum(h, 20) == 0);
		h[rand() % (int)len] ^= (uint8_t)(1u << (rand() % 8)); /* one bit off: fails */
		assert_int_equal(carp_cksum_hdr_ok(h, len), carp_cksum(h, len) == 0);
		if (len == 20)
			assert_int_equal(carp_cksum_hdr20_ok(h), carp_cksum(h, 20) == 0);
	}
	/* The fixed 20-byte fold on its extremes: carries out of every stage. */
	for (int round = 0; round < 20000; round++) {
		uint8_t *h = buf + round % 4;

		for (size_t i = 0; i < 20; i++)
			h[i] = (uint8_t)(round & 1 ? 0xff - rand() % 3 : rand());
		h[10] = h[11] = 0;
		if (round & 2) {
			uint16_t c = carp_cksum(h, 20);

			h[10] = (uint8_t)(c >> 8);
			h[11] = (uint8_t)c;
		}
		assert_int_equal(carp_cksum_hdr20_ok(h), carp_cksum(h, 20) == 0);
	}
	memset(buf, 0, 20); /* all zero sums to +0, not -0: as carp_cksum, not ok */
	assert_false(carp_cksum_hdr_ok(buf, 20));
	assert_false(carp_cksum_hdr20_ok(buf));
	memset(buf, 0xff, 20); /* all ones: ok */
	assert_int_equal(carp_cksum_hdr_ok(buf, 20), carp_cksum(buf, 20) == 0);
	assert_int_equal(carp_cksum_hdr20_ok(buf), carp_cksum(buf, 20) == 0);
}

static void
test_cksum_ipv4_header_tv1(void **state)
{
	uint8_t ip[20];

	(void)state;
	hex_to_bytes("45 10 00 38 00 00 40 00 ff 70 00 00 0a 00 00 02 e0 00 00 12", ip, 20);
	assert_int_equal(carp_cksum(ip, 20), 0x9131);
	ip[1] = 0xe0; /* FreeBSD's TOS */
	assert_int_equal(carp_cksum(ip, 20), 0x9061);
}

static void
test_counter_to_wire_is_big_endian(void **state)
{
	uint8_t out[8];

	(void)state;
	carp_counter_to_wire(0x0102030405060708ull, out);
	assert_hex_equal(out, 8, "0102030405060708");
}

static void
test_interval_ticks_order_is_lexicographic(void **state)
{
	(void)state;
	assert_int_equal(carp_interval_ticks(1, 0), 256);
	assert_int_equal(carp_interval_ticks(1, 100), 356);
	assert_true(carp_interval_ticks(1, 255) < carp_interval_ticks(2, 0));
	assert_int_equal(carp_interval_ticks(0, 0), 1); /* OpenBSD: 1/256 s */
	assert_true(carp_ticks_to_ns(256) == 1000000000ull);
	assert_true(carp_ticks_to_ns(1) == 3906250ull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_tv1_header_bytes_and_checksum),
		cmocka_unit_test(test_encode_tv7_advskew_100),
		cmocka_unit_test(test_decode_reads_every_field),
		cmocka_unit_test(test_decode_encode_round_trip),
		cmocka_unit_test(test_cksum_ok_accepts_valid_and_rejects_any_flipped_bit),
		cmocka_unit_test(test_cksum_rfc1071_example_and_odd_length),
		cmocka_unit_test(test_cksum_ipv4_header_tv1),
		cmocka_unit_test(test_cksum_hdr_ok_agrees_with_cksum_for_every_header_length),
		cmocka_unit_test(test_cksum_matches_reference_for_every_length_and_alignment),
		cmocka_unit_test(test_counter_to_wire_is_big_endian),
		cmocka_unit_test(test_interval_ticks_order_is_lexicographic),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
