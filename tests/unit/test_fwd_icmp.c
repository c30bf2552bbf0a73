/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A router's ICMP errors (fwd_icmp.h): built in place of the packet they answer, checked
 * byte for byte against scapy's; which packets may be answered at all; the rate limit.
 */
#include "test_util.h"

#include "carp_bytes.h"
#include "carp_cksum.h"
#include "fwd_icmp.h"

/* UDP 10.99.0.9 -> 10.100.0.9 with TTL 1, and its Time Exceeded and Fragmentation Needed
 * (MTU 1400) from 10.99.0.2 */
#define ORIG4 "4500002112340000011192c00a6300090a64000930390035000d76bb68656c6c6f"
#define TE4 "45c0003d00000000400165300a6300020a6300090b0009f700000000" ORIG4
#define FN4 "45c0003d00000000400165300a6300020a63000903040c7b00000578" ORIG4
/* UDP 2001:db8:99::9 -> 2001:db8:100::9, and its Packet Too Big (1400) from ...99::2 */
#define ORIG6 "60000000000d114020010db800990000000000000000000920010db8010000000000" \
	      "00000000000930390035000d2e7768656c6c6f"
#define PTB6 "60000000003d3a4020010db800990000000000000000000220010db80099000000000" \
	     "0000000000902002a3200000578" ORIG6

static size_t
load(const char *hex, uint8_t *buf)
{
	memset(buf, 0xee, 2048);
	return hex_to_bytes(hex, buf, 2048);
}

static void
test_time_exceeded_and_fragmentation_needed(void **state)
{
	uint8_t buf[2048], want[2048];
	size_t len = load(ORIG4, buf), wlen = load(TE4, want);

	(void)state;
	assert_true(fwd_icmp4_may_answer(buf, len));
	assert_int_equal(fwd_icmp4_error(buf, len, 100, 0x0a630002, FWD_ICMP4_TIME_EXCEEDED, 0,
					 0), wlen);
	assert_memory_equal(buf, want, wlen);
	len = load(ORIG4, buf);
	wlen = load(FN4, want);
	assert_int_equal(fwd_icmp4_error(buf, len, 100, 0x0a630002, FWD_ICMP4_UNREACH,
					 FWD_ICMP4_UNREACH_NEEDFRAG, 1400), wlen);
	assert_memory_equal(buf, want, wlen);
	/* without room for the headers in front: nothing */
	len = load(ORIG4, buf);
	assert_int_equal(fwd_icmp4_error(buf, len, 27, 1, 11, 0, 0), 0);
}

static void
test_packet_too_big(void **state)
{
	uint8_t buf[2048], want[2048];
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 2 };
	size_t len = load(ORIG6, buf), wlen = load(PTB6, want);

	(void)state;
	assert_true(fwd_icmp6_may_answer(buf, len, true));
	assert_int_equal(fwd_icmp6_error(buf, len, 100, src, FWD_ICMP6_PACKET_TOO_BIG, 0, 1400),
			 wlen);
	assert_memory_equal(buf, want, wlen);
}

/* A long packet is quoted only as far as 576 (IPv4) or 1280 (IPv6) bytes of error. */
static void
test_errors_are_cut_to_their_maximum(void **state)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t buf[2048];
	size_t len = load(ORIG4, buf);

	(void)state;
	carp_wr16(buf + 2, 1500);
	assert_int_equal(fwd_icmp4_error(buf, 1500, 48, 1, 11, 0, 0), FWD_ICMP4_MAX);
	assert_int_equal(carp_rd16(buf + 2), FWD_ICMP4_MAX);
	assert_int_equal(carp_cksum(buf, 20), 0);
	assert_int_equal(carp_cksum(buf + 20, FWD_ICMP4_MAX - 20), 0);
	len = load(ORIG6, buf);
	(void)len;
	carp_wr16(buf + 4, 1460);
	assert_int_equal(fwd_icmp6_error(buf, 1500, 48, src, 3, 0, 0), FWD_ICMP6_MAX);
	assert_int_equal(carp_rd16(buf + 4), FWD_ICMP6_MAX - 40);
}

static void
test_what_is_never_answered(void **state)
{
	uint8_t buf[2048];
	size_t len = load(TE4, buf);

	(void)state;
	assert_false(fwd_icmp4_may_answer(buf, len)); /* an ICMP error itself */
	buf[20] = 8; /* an echo request is a query: answered */
	assert_true(fwd_icmp4_may_answer(buf, len));
	len = load(ORIG4, buf);
	carp_wr16(buf + 6, 0x0010); /* a later fragment */
	assert_false(fwd_icmp4_may_answer(buf, len));
	carp_wr16(buf + 6, 0x2000); /* the first one, MF set: answered */
	assert_true(fwd_icmp4_may_answer(buf, len));
	len = load(ORIG4, buf);
	buf[16] = 239; /* to a group */
	assert_false(fwd_icmp4_may_answer(buf, len));
	len = load(ORIG4, buf);
	buf[12] = 0; /* from 0.99.0.9 */
	assert_false(fwd_icmp4_may_answer(buf, len));
	assert_false(fwd_icmp4_may_answer(buf, 19));

	len = load(PTB6, buf);
	assert_false(fwd_icmp6_may_answer(buf, len, true)); /* an ICMPv6 error */
	len = load(ORIG6, buf);
	buf[24] = 0xff; /* to a group: only Packet Too Big */
	assert_false(fwd_icmp6_may_answer(buf, len, false));
	assert_true(fwd_icmp6_may_answer(buf, len, true));
	len = load(ORIG6, buf);
	buf[8] = 0xfe; /* from a link-local source: never forwarded, never answered here */
	buf[9] = 0x80;
	assert_false(fwd_icmp6_may_answer(buf, len, false));
	len = load(ORIG6, buf);
	buf[6] = 44; /* a fragment header: only the first fragment */
	carp_wr16(buf + 42, 0x0008);
	assert_false(fwd_icmp6_may_answer(buf, len, false));
	carp_wr16(buf + 42, 0x0001);
	assert_true(fwd_icmp6_may_answer(buf, len, false));
}

static void
test_rate_limit(void **state)
{
	struct fwd_rate r;
	uint64_t tat = 0, now = 1000;
	int sent = 0;

	(void)state;
	fwd_rate_init(&r, 10, 3, 1000); /* 10 a second with bursts of 3, 1000 ticks a second */
	for (int i = 0; i < 10; i++)
		sent += fwd_rate_allows(&r, tat, now, &tat);
	assert_int_equal(sent, 3);
	now += 100; /* a tenth of a second later: one more */
	assert_true(fwd_rate_allows(&r, tat, now, &tat));
	assert_false(fwd_rate_allows(&r, tat, now, &tat));
	fwd_rate_init(&r, 0, 3, 1000); /* icmp_rate 0: never */
	assert_false(fwd_rate_allows(&r, 0, now, &tat));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_exceeded_and_fragmentation_needed),
		cmocka_unit_test(test_packet_too_big),
		cmocka_unit_test(test_errors_are_cut_to_their_maximum),
		cmocka_unit_test(test_what_is_never_answered),
		cmocka_unit_test(test_rate_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
