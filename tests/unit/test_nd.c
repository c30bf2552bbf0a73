/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour discovery, ICMPv6 echo and MLDv2 (carp_nd.h): the expected frames were made
 * with scapy (its checksums are the independent reference), the bad inputs are RFC 4861
 * 7.1's list.
 */
#include "test_util.h"

#include "carp_bytes.h"
#include "carp_nd.h"

/* NS from fe80::2 (02:00:00:00:00:09) for 2001:db8:99::1, with its source link-layer option */
#define NS_HEX "3333ff00000102000000000986dd6000000000203afffe80000000000000000000000000" \
	       "0002ff0200000000000000000001ff00000187004abf0000000020010db8009900000000" \
	       "0000000000010101020000000009"
/* The answer from vMAC 00:00:5e:00:01:01: Router, Solicited, Override */
#define NA_HEX "02000000000900005e00010186dd6000000000203aff20010db800990000000000000000" \
	       "0001fe8000000000000000000000000000028800db78e000000020010db8009900000000" \
	       "000000000001020100005e000101"
/* DAD probe for 2001:db8:99::1, and its defence to ff02::1 (Router, Override) */
#define DAD_HEX "3333ff00000102000000000986dd6000000000183aff0000000000000000000000000000" \
		"0000ff0200000000000000000001ff00000187004c540000000020010db8009900000000" \
		"000000000001"
#define DAD_NA_HEX "33330000000100005e00010186dd6000000000203aff20010db80099000000000000" \
		   "00000001ff02000000000000000000000000000188001af8a000000020010db80099" \
		   "00000000000000000001020100005e000101"
/* Unsolicited NA on takeover, Override only */
#define UNA_HEX "33330000000100005e00010186dd6000000000203aff20010db8009900000000000000" \
		"000001ff02000000000000000000000000000188009af82000000020010db800990000" \
		"0000000000000001020100005e000101"
#define ECHO_HEX "00005e00010102000000000986dd60000000000c3a4020010db8009900000000000000" \
		 "00000920010db800990000000000000000000180004c0f1234000161626364"
#define REPLY_HEX "02000000000900005e00010186dd60000000000c3a4020010db80099000000000000" \
		  "0000000120010db800990000000000000000000981004b0f1234000161626364"
#define MLD2_HEX "33330000001602000000000286dd6000000000380001fe800000000000000000000000" \
		 "000002ff0200000000000000000000000000163a000502000001008f006ddc00000002" \
		 "04000000ff02000000000000000000000000001204000000ff02000000000000000000" \
		 "01ff000001"
/* MLD queries from fe80::1 (IPv6 header on), general, v2 with 10 s and v1 with 1 s */
#define QUERY2_HEX "6000000000240001fe800000000000000000000000000001ff020000000000000000" \
		   "0000000000013a0005020000010082005913271000000000000000000000000000" \
		   "000000000000000000"
#define QUERY1_HEX "6000000000200001fe800000000000000000000000000001ff020000000000000000" \
		   "0000000000013a0005020000010082007c3f03e800000000000000000000000000" \
		   "0000000000"

/* Our solicitation from fe80::2 (02:00:00:00:00:02) for the next hop 2001:db8:99::9 */
#define OUR_NS_HEX "3333ff00000902000000000286dd6000000000203afffe8000000000000000000000" \
		   "00000002ff0200000000000000000001ff00000987004ab60000000020010db80099" \
		   "000000000000000000090101020000000002"

static const uint8_t vmac[6] = { 0, 0, 0x5e, 0, 1, 1 };

/* Recompute the ICMPv6 checksum after a test changed the message (IPv6 at 14). */
static void
reseal(uint8_t *f)
{
	uint8_t *ip6 = f + 14;
	size_t len = carp_rd16(ip6 + 4);

	carp_wr16(ip6 + 42, 0);
	carp_wr16(ip6 + 42, carp_icmp6_cksum(ip6, ip6 + 40, len));
}

static size_t
frame(const char *hex, uint8_t *f)
{
	memset(f, 0, 256);
	return hex_to_bytes(hex, f, 256);
}

static void
test_ns_parsed(void **state)
{
	static const uint8_t sllao[6] = { 2, 0, 0, 0, 0, 9 };
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	assert_int_equal(len, 86);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_OK);
	assert_int_equal(nd.type, CARP_ICMP6_ND_NS);
	assert_false(carp_nd_is_dad(&nd));
	assert_hex_equal(nd.target.b, 16, "20010db8009900000000000000000001");
	assert_hex_equal(nd.src.b, 16, "fe800000000000000000000000000002");
	assert_non_null(nd.lladdr);
	assert_memory_equal(nd.lladdr, sllao, 6);
}

static void
test_ns_becomes_the_solicited_na(void **state)
{
	uint8_t f[256], want[256];
	size_t len = frame(NS_HEX, f), wlen = frame(NA_HEX, want);
	struct carp_nd nd;

	(void)state;
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_OK);
	assert_int_equal(carp_nd_make_na(f, 14, &nd, vmac, true), wlen);
	assert_memory_equal(f, want, wlen);
}

/* Without a source link-layer option the NS is 8 bytes shorter than the NA: the answer
 * goes to the frame's source and the frame grows. */
static void
test_ns_without_option_answered_to_frame_source(void **state)
{
	uint8_t f[256], want[256];
	size_t len = frame(NS_HEX, f), wlen = frame(NA_HEX, want);
	struct carp_nd nd;

	(void)state;
	carp_wr16(f + 18, 24);
	memset(f + 78, 0, 8);
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 8 - 14, &nd), CARP_ND_OK);
	assert_null(nd.lladdr);
	assert_int_equal(carp_nd_make_na(f, 14, &nd, vmac, true), 86);
	assert_memory_equal(f, want, wlen);
}

static void
test_dad_probe_defended_to_all_nodes(void **state)
{
	uint8_t f[256], want[256];
	size_t len = frame(DAD_HEX, f), wlen = frame(DAD_NA_HEX, want);
	struct carp_nd nd;

	(void)state;
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_OK);
	assert_true(carp_nd_is_dad(&nd));
	assert_int_equal(carp_nd_make_na(f, 14, &nd, vmac, true), wlen);
	assert_memory_equal(f, want, wlen);
}

static void
test_unsolicited_na(void **state)
{
	uint8_t buf[128], want[256];
	size_t wlen = frame(UNA_HEX, want);
	struct carp_in6 vip = { { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x99, [15] = 1 } };

	(void)state;
	assert_int_equal(carp_build_unsolicited_na(buf, sizeof(buf), vmac, &vip, false), wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(carp_build_unsolicited_na(buf, CARP_NA_FRAME_LEN - 1, vmac, &vip, false), 0);
}

/* The NA built for a takeover passes our own receive checks, as any peer's would. */
static void
test_unsolicited_na_parses(void **state)
{
	uint8_t buf[128];
	struct carp_in6 vip = { { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x99, [15] = 1 } };
	struct carp_nd nd;

	(void)state;
	carp_build_unsolicited_na(buf, sizeof(buf), vmac, &vip, true);
	assert_int_equal(carp_nd_parse(buf + 14, CARP_NA_FRAME_LEN - 14, &nd), CARP_ND_OK);
	assert_int_equal(nd.type, CARP_ICMP6_ND_NA);
	assert_int_equal(nd.flags, CARP_NA_ROUTER | CARP_NA_OVERRIDE);
	assert_memory_equal(nd.lladdr, vmac, 6);
}

static void
test_solicitation_for_a_next_hop(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	struct carp_in6 src = { { 0xfe, 0x80, [15] = 2 } };
	struct carp_in6 target = { { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x99, [15] = 9 } };
	uint8_t buf[128], want[256];
	size_t wlen = frame(OUR_NS_HEX, want);
	struct carp_nd nd;

	(void)state;
	assert_int_equal(carp_build_ns(buf, sizeof(buf), mac, &src, &target), wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(carp_nd_parse(buf + 14, wlen - 14, &nd), CARP_ND_OK);
	assert_int_equal(carp_build_ns(buf, wlen - 1, mac, &src, &target), 0);
}

static void
test_bad_hop_limit(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[21] = 254; /* not in the pseudo-header: the checksum stays right */
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_HLIM);
}

static void
test_bad_checksum(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[len - 1] ^= 1;
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_CKSUM);
}

static void
test_bad_code(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[55] = 1;
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_CODE);
}

static void
test_bad_options(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[79] = 0; /* an option of length 0 would loop a naive parser forever */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_OPT);
	f[79] = 2; /* 16 bytes, 8 there */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_OPT);
}

/* An option that is not a link-layer address is skipped, whatever its length. */
static void
test_other_option_skipped(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[78] = 14; /* a nonce (RFC 3971), 8 bytes */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_OK);
	assert_null(nd.lladdr);
}

static void
test_bad_lengths(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	assert_int_equal(carp_nd_parse(f + 14, len - 15, &nd), CARP_ND_BAD_LEN);
	assert_int_equal(carp_nd_parse(f + 14, 39, &nd), CARP_ND_BAD_LEN);
	carp_wr16(f + 18, 16); /* shorter than a solicitation */
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_LEN);
	frame(NS_HEX, f);
	f[20] = 6; /* not ICMPv6 */
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_LEN);
}

static void
test_multicast_target_and_source(void **state)
{
	uint8_t f[256];
	size_t len = frame(NS_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[62] = 0xff; /* target ff01:db8:... */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_TARGET);
	frame(NS_HEX, f);
	memset(f + 62, 0, 16); /* target ::, no one's (the answer would come from ::) */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_TARGET);
	frame(NS_HEX, f);
	f[22] = 0xff; /* source ff80::2 */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_SRC);
}

static void
test_bad_dad_probes(void **state)
{
	uint8_t f[256];
	size_t len = frame(DAD_HEX, f);
	struct carp_nd nd;

	(void)state;
	f[52] = 0x02; /* to ff02::1:ff00:2, not the target's group */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_SRC);
	/* a DAD probe with a source link-layer option (RFC 4861 7.1.1) */
	len = frame(NS_HEX, f);
	memset(f + 22, 0, 16);
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_SRC);
}

static void
test_bad_advertisements(void **state)
{
	uint8_t f[256];
	size_t len = frame(DAD_NA_HEX, f);
	struct carp_nd nd;

	(void)state;
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_OK);
	f[58] |= CARP_NA_SOLICITED; /* solicited, to a group */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_TARGET);
	frame(DAD_NA_HEX, f);
	memset(f + 22, 0, 16); /* from :: */
	reseal(f);
	assert_int_equal(carp_nd_parse(f + 14, len - 14, &nd), CARP_ND_BAD_SRC);
}

static void
test_addresses(void **state)
{
	static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t mac2[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	struct carp_in6 a, g = { { 0 } }, vip = { { 0x20, 0x01, 0x0d, 0xb8, [13] = 0xab,
						  [14] = 0xcd, [15] = 0xef } };
	uint8_t mac[6];

	(void)state;
	carp_in6_link_local(mac1, &a);
	assert_hex_equal(a.b, 16, "fe80000000000000000000fffe000002");
	carp_in6_link_local(mac2, &a);
	assert_hex_equal(a.b, 16, "fe80000000000000505400fffe123456");
	assert_true(carp_in6_is_link_local(&a));
	carp_in6_solicited_node(&vip, &g);
	assert_hex_equal(g.b, 16, "ff0200000000000000000001ffabcdef");
	carp_in6_multicast_mac(&g, mac);
	assert_hex_equal(mac, 6, "3333ffabcdef");
	assert_true(carp_in6_is_unicast(&vip));
	assert_false(carp_in6_is_unicast(&g));
	memset(&a, 0, sizeof(a));
	assert_false(carp_in6_is_unicast(&a));
	a.b[15] = 1;
	assert_false(carp_in6_is_unicast(&a)); /* ::1 */
	a.b[10] = a.b[11] = 0xff;
	assert_false(carp_in6_is_unicast(&a)); /* ::ffff:0.0.0.1 */
}

static void
test_echo_request_and_reply(void **state)
{
	uint8_t f[256], want[256];
	size_t len = frame(ECHO_HEX, f), wlen = frame(REPLY_HEX, want);
	struct carp_in6 dst;

	(void)state;
	assert_true(carp_icmp6_echo_request(f + 14, len - 14, &dst));
	assert_hex_equal(dst.b, 16, "20010db8009900000000000000000001");
	carp_icmp6_echo_make_reply(f, 14, vmac);
	assert_memory_equal(f, want, wlen);
}

static void
test_bad_echo_requests(void **state)
{
	uint8_t f[256];
	size_t len = frame(ECHO_HEX, f);
	struct carp_in6 dst;

	(void)state;
	assert_false(carp_icmp6_echo_request(f + 14, len - 15, &dst)); /* truncated */
	f[len - 1] ^= 1;
	assert_false(carp_icmp6_echo_request(f + 14, len - 14, &dst)); /* checksum */
	frame(ECHO_HEX, f);
	f[22] = 0xff; /* from a group */
	reseal(f);
	assert_false(carp_icmp6_echo_request(f + 14, len - 14, &dst));
	frame(ECHO_HEX, f);
	f[54] = CARP_ICMP6_ECHO_REPLY;
	reseal(f);
	assert_false(carp_icmp6_echo_request(f + 14, len - 14, &dst));
}

static void
test_mld2_report(void **state)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	struct carp_in6 groups[2] = { { { 0xff, 0x02, [15] = 0x12 } },
				      { { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 1 } } };
	struct carp_in6 src = { { 0xfe, 0x80, [15] = 2 } };
	uint8_t buf[256], want[256];
	size_t wlen = frame(MLD2_HEX, want);

	(void)state;
	assert_int_equal(carp_build_mld2_report(buf, sizeof(buf), mac, &src, groups, 2,
						CARP_MLD2_CHANGE_TO_EXCLUDE), wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(carp_build_mld2_report(buf, wlen - 1, mac, &src, groups, 2, 4), 0);
	assert_int_equal(carp_build_mld2_report(buf, sizeof(buf), mac, &src, groups, 0, 4), 0);
}

static void
test_mld_queries(void **state)
{
	uint8_t q[128];
	size_t len = hex_to_bytes(QUERY2_HEX, q, sizeof(q));
	struct carp_mld_query mq;

	(void)state;
	assert_true(carp_mld_query_parse(q, len, &mq));
	assert_true(mq.v2);
	assert_int_equal(mq.max_resp_ms, 10000);
	assert_true(carp_in6_is_unspecified(&mq.group));
	assert_false(carp_mld_query_parse(q, len - 1, &mq)); /* truncated */
	q[7] = 2;
	assert_false(carp_mld_query_parse(q, len, &mq)); /* routed: hop limit 2 */
	q[7] = 1;
	q[8] = 0x20;
	assert_false(carp_mld_query_parse(q, len, &mq)); /* not link-local */
	q[8] = 0xfe;
	q[len - 1] = 1;
	assert_false(carp_mld_query_parse(q, len, &mq)); /* checksum */
	len = hex_to_bytes(QUERY1_HEX, q, sizeof(q));
	assert_true(carp_mld_query_parse(q, len, &mq));
	assert_false(mq.v2);
	assert_int_equal(mq.max_resp_ms, 1000);
	q[41] = 200; /* a hop-by-hop header longer than the packet */
	assert_false(carp_mld_query_parse(q, len, &mq));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_parsed),
		cmocka_unit_test(test_ns_becomes_the_solicited_na),
		cmocka_unit_test(test_ns_without_option_answered_to_frame_source),
		cmocka_unit_test(test_dad_probe_defended_to_all_nodes),
		cmocka_unit_test(test_unsolicited_na),
		cmocka_unit_test(test_unsolicited_na_parses),
		cmocka_unit_test(test_solicitation_for_a_next_hop),
		cmocka_unit_test(test_bad_hop_limit),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_bad_code),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_other_option_skipped),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_multicast_target_and_source),
		cmocka_unit_test(test_bad_dad_probes),
		cmocka_unit_test(test_bad_advertisements),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_echo_request_and_reply),
		cmocka_unit_test(test_bad_echo_requests),
		cmocka_unit_test(test_mld2_report),
		cmocka_unit_test(test_mld_queries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
