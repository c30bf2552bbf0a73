/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet / VLAN / IPv4 / IPv6 encapsulation of adverts, and gratuitous ARP (spec §1, §9). */
#include "test_util.h"

#include "carp_cksum.h"
#include "carp_frame.h"
#include "carp_verify.h"

static const uint8_t vmac1[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 };

static void
tv1_carp(uint8_t carp[CARP_HDR_LEN])
{
	hex_to_bytes("21 01 00 07 00 01 44 1f 01 02 03 04 05 06 07 08"
		     "c0 d3 25 26 b3 3c b0 64 64 ae c3 d8 8c b0 ee b0 7b 08 22 37",
		     carp, CARP_HDR_LEN);
}

static void
test_advert4_matches_tv1_byte_for_byte(void **state)
{
	uint8_t carp[CARP_HDR_LEN], f[128];

	(void)state;
	tv1_carp(carp);
	assert_int_equal(carp_build_advert4(f, sizeof(f), vmac1, ip4(10, 0, 0, 2),
					    CARP_TOS_LOWDELAY, 0, carp),
			 CARP_ADVERT_V4_LEN);
	assert_hex_equal(f, 14, "01 00 5e 00 00 12 00 00 5e 00 01 01 08 00");
	assert_hex_equal(f + 14, 20, "45 10 00 38 00 00 40 00 ff 70 91 31 0a 00 00 02 e0 00 00 12");
	assert_memory_equal(f + 34, carp, CARP_HDR_LEN);
	assert_int_equal(carp_build_advert4(f, CARP_ADVERT_V4_LEN - 1, vmac1, 1, 0, 0, carp), 0);
}

static void
test_advert6_fields(void **state)
{
	struct carp_in6 src = { { 0xfe, 0x80, [15] = 0x02 } };
	uint8_t carp[CARP_HDR_LEN], f[128];

	(void)state;
	tv1_carp(carp);
	assert_int_equal(carp_build_advert6(f, sizeof(f), vmac1, &src, 0xe0, carp),
			 CARP_ADVERT_V6_LEN);
	assert_hex_equal(f, 14, "33 33 00 00 00 12 00 00 5e 00 01 01 86 dd");
	assert_hex_equal(f + 14, 8, "6e 00 00 00 00 24 70 ff"); /* TC 0xe0, plen 36, nh 112, hlim 255 */
	assert_memory_equal(f + 22, src.b, 16);
	assert_hex_equal(f + 38, 16, "ff020000000000000000000000000012");
	assert_memory_equal(f + 54, carp, CARP_HDR_LEN);
}

static void
test_parse_advert4_round_trip(void **state)
{
	uint8_t carp[CARP_HDR_LEN], f[128];
	struct carp_rx_frame rx;

	(void)state;
	tv1_carp(carp);
	carp_build_advert4(f, sizeof(f), vmac1, ip4(10, 0, 0, 2), 0x10, 0x1234, carp);
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_NONE);
	assert_int_equal(rx.family, 4);
	assert_int_equal(rx.ttl, 255);
	assert_int_equal(rx.tos, 0x10);
	assert_int_equal(rx.vlan, 0);
	assert_int_equal(rx.src4, ip4(10, 0, 0, 2));
	assert_int_equal(rx.dst4, CARP_MCAST4);
	assert_int_equal(rx.carp_len, CARP_HDR_LEN);
	assert_memory_equal(rx.carp, carp, CARP_HDR_LEN);
	assert_memory_equal(rx.eth_src, vmac1, 6);
}

static void
test_parse_advert6_round_trip(void **state)
{
	struct carp_in6 src = { { 0xfe, 0x80, [15] = 0x02 } };
	uint8_t carp[CARP_HDR_LEN], f[128];
	struct carp_rx_frame rx;

	(void)state;
	tv1_carp(carp);
	carp_build_advert6(f, sizeof(f), vmac1, &src, 0, carp);
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V6_LEN, &rx), CARP_DROP_NONE);
	assert_int_equal(rx.family, 6);
	assert_int_equal(rx.ttl, 255);
	assert_memory_equal(rx.src6.b, src.b, 16);
	assert_memory_equal(rx.dst6.b, carp_mcast6.b, 16);
	assert_int_equal(rx.carp_len, CARP_HDR_LEN);
	assert_memory_equal(rx.carp, carp, CARP_HDR_LEN);
}

static void
test_parse_vlan_tagged_advert(void **state)
{
	uint8_t carp[CARP_HDR_LEN], plain[128], f[128];
	struct carp_rx_frame rx;

	(void)state;
	tv1_carp(carp);
	carp_build_advert4(plain, sizeof(plain), vmac1, ip4(10, 0, 0, 2), 0x10, 0, carp);
	memcpy(f, plain, 12);
	hex_to_bytes("81 00 00 2a", f + 12, 4); /* VLAN 42 */
	memcpy(f + 16, plain + 12, CARP_ADVERT_V4_LEN - 12);
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN + 4, &rx), CARP_DROP_NONE);
	assert_int_equal(rx.vlan, 42);
	assert_int_equal(rx.family, 4);
	assert_memory_equal(rx.carp, carp, CARP_HDR_LEN);
}

static void
test_parse_ipv6_walks_extension_headers(void **state)
{
	struct carp_in6 src = { { 0xfe, 0x80, [15] = 0x02 } };
	uint8_t carp[CARP_HDR_LEN], plain[128], f[160];
	struct carp_rx_frame rx;

	(void)state;
	tv1_carp(carp);
	carp_build_advert6(plain, sizeof(plain), vmac1, &src, 0, carp);
	memcpy(f, plain, 54);
	f[14 + 6] = 0;        /* next header: hop-by-hop options */
	f[14 + 5] = 36 + 8;   /* payload length grows by the 8-byte option header */
	memset(f + 54, 0, 8);
	f[54] = CARP_IPPROTO; /* the option header's next header */
	f[56] = 1;            /* PadN filling the header */
	f[57] = 4;
	memcpy(f + 62, carp, CARP_HDR_LEN);
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V6_LEN + 8, &rx), CARP_DROP_NONE);
	assert_memory_equal(rx.carp, carp, CARP_HDR_LEN);
	assert_int_equal(rx.carp_len, CARP_HDR_LEN);
	f[54] = 44; /* a fragment header next: adverts are never fragmented */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V6_LEN + 8, &rx), CARP_DROP_FRAGMENT);
	f[54] = 17; /* UDP after the options: not CARP */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V6_LEN + 8, &rx), CARP_DROP_NOTCARP);
}

static void
test_parse_rejects_malformed_ipv4(void **state)
{
	uint8_t carp[CARP_HDR_LEN], f[128];
	struct carp_rx_frame rx;
	uint8_t *ip = f + 14;

	(void)state;
	tv1_carp(carp);
	carp_build_advert4(f, sizeof(f), vmac1, ip4(10, 0, 0, 2), 0x10, 0, carp);
	for (size_t len = 0; len < 34; len++)
		assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_BADLEN);
	/* Total length says more than the frame holds. */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN - 1, &rx), CARP_DROP_BADLEN);
	ip[10] ^= 0xff; /* IP header checksum */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_BADIP);
	ip[10] ^= 0xff;
	ip[0] = 0x44; /* IHL 4 */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_BADIP);
}

/* Set IPv4 flags/offset to @p v and fix the header checksum. */
static void
set_frag(uint8_t *ip, uint16_t v)
{
	uint16_t c;

	ip[6] = (uint8_t)(v >> 8);
	ip[7] = (uint8_t)v;
	ip[10] = ip[11] = 0;
	c = carp_cksum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void
test_fragments_are_refused(void **state)
{
	uint8_t carp[CARP_HDR_LEN], f[128];
	struct carp_rx_frame rx;
	struct carp_hdr h;
	uint8_t *ip = f + 14;

	(void)state;
	tv1_carp(carp);
	carp_build_advert4(f, sizeof(f), vmac1, ip4(10, 0, 0, 2), 0x10, 0, carp);
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_NONE);
	assert_true(rx.df);
	set_frag(ip, 0x2000); /* first fragment: more fragments, offset 0 */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_FRAGMENT);
	set_frag(ip, 0x0003); /* a later fragment */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_FRAGMENT);
	/* Whole, but without DF: what a kernel's reassembly hands over (af_packet). */
	set_frag(ip, 0x0000);
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_NONE);
	assert_false(rx.df);
	assert_int_equal(carp_advert_check(&rx, &h), CARP_DROP_FRAGMENT);
}

static void
test_parse_other_traffic_is_notcarp(void **state)
{
	uint8_t carp[CARP_HDR_LEN], f[128];
	struct carp_rx_frame rx;

	(void)state;
	tv1_carp(carp);
	carp_build_advert4(f, sizeof(f), vmac1, ip4(10, 0, 0, 2), 0x10, 0, carp);
	f[14 + 9] = 17; /* UDP */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_NOTCARP);
	f[12] = 0x08;
	f[13] = 0x06; /* ARP */
	assert_int_equal(carp_frame_parse(f, CARP_ADVERT_V4_LEN, &rx), CARP_DROP_NOTCARP);
}

static void
test_vmac_is_00005e0001_vhid(void **state)
{
	uint8_t mac[6];

	(void)state;
	carp_vmac(0xfe, mac);
	assert_hex_equal(mac, 6, "00 00 5e 00 01 fe");
}

static void
test_garp_is_broadcast_request_from_vmac(void **state)
{
	uint8_t f[64];

	(void)state;
	assert_int_equal(carp_build_garp(f, sizeof(f), vmac1, ip4(10, 0, 0, 1)), CARP_GARP_LEN);
	assert_hex_equal(f, CARP_GARP_LEN,
			 "ff ff ff ff ff ff 00 00 5e 00 01 01 08 06"
			 "00 01 08 00 06 04 00 01 00 00 5e 00 01 01 0a 00 00 01"
			 "00 00 00 00 00 00 0a 00 00 01");
	assert_int_equal(carp_build_garp(f, CARP_GARP_LEN - 1, vmac1, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advert4_matches_tv1_byte_for_byte),
		cmocka_unit_test(test_advert6_fields),
		cmocka_unit_test(test_parse_advert4_round_trip),
		cmocka_unit_test(test_parse_advert6_round_trip),
		cmocka_unit_test(test_parse_vlan_tagged_advert),
		cmocka_unit_test(test_parse_ipv6_walks_extension_headers),
		cmocka_unit_test(test_parse_rejects_malformed_ipv4),
		cmocka_unit_test(test_fragments_are_refused),
		cmocka_unit_test(test_parse_other_traffic_is_notcarp),
		cmocka_unit_test(test_vmac_is_00005e0001_vhid),
		cmocka_unit_test(test_garp_is_broadcast_request_from_vmac),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
