/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receiver's checks (spec §3.4, §9b): every named reject reason, and the real adverts
 * captured from Debian's ucarp (../shared/spec/captures), which must all verify.
 */
#include "test_util.h"

#include <stdlib.h>

#include "carp_cksum.h"
#include "carp_counter.h"
#include "carp_frame.h"
#include "carp_hmac.h"
#include "carp_verify.h"

#define SRC_PEER ip4(10, 0, 0, 3)
#define SRC_SELF ip4(10, 0, 0, 2)

struct fixture {
	struct carp_hmac hmac;
	struct carp_counter counter;
	struct carp_vhid_auth auth;
	uint32_t vip;
};

static const struct carp_vhid_auth *
lookup_vhid1_v4(void *arg, uint8_t vhid, int family)
{
	struct fixture *fx = arg;

	return vhid == 1 && family == 4 ? &fx->auth : NULL;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct carp_key key;
	struct carp_hmac_input in = { .vhid = 1, .n4 = 1 };

	fx->vip = ip4(10, 0, 0, 1);
	in.v4 = &fx->vip;
	carp_key_from_passphrase(&key, "secret", 6);
	assert_int_equal(carp_hmac_prepare(&fx->hmac, &key, &in), 0);
	carp_counter_init(&fx->counter, 500);
	fx->auth.hmac = &fx->hmac;
	fx->auth.counter = &fx->counter;
	fx->auth.own_src4 = SRC_SELF;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	carp_hmac_release(&fx->hmac);
	free(fx);
	return 0;
}

/* A valid advert from the peer for vhid 1, counter @p counter, into @p f. */
static size_t
peer_advert(struct fixture *fx, uint64_t counter, uint32_t src, uint8_t *f)
{
	struct carp_hdr h = { .version = 2, .type = 1, .vhid = 1, .advskew = 100,
			      .authlen = 7, .advbase = 1, .counter = counter };
	uint8_t carp[CARP_HDR_LEN];
	static const uint8_t mac[6] = { 0, 0, 0x5e, 0, 1, 1 };

	assert_int_equal(carp_hmac_sign(&fx->hmac, counter, h.md), 0);
	carp_hdr_encode(&h, carp);
	return carp_build_advert4(f, 128, mac, src, CARP_TOS_LOWDELAY, 7, carp);
}

/* Re-sum the CARP header after a test changed a field. */
static void
refresh_cksum(uint8_t *carp)
{
	struct carp_hdr h;

	carp_hdr_decode(carp, &h);
	carp_hdr_encode(&h, carp);
}

static enum carp_drop
verify(struct fixture *fx, const uint8_t *f, size_t len, struct carp_hdr *h)
{
	struct carp_rx_frame rx;
	enum carp_drop d = carp_frame_parse(f, len, &rx);

	return d != CARP_DROP_NONE ? d : carp_advert_verify(&rx, lookup_vhid1_v4, fx, h);
}

static void
test_valid_advert_accepted(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
	assert_int_equal(h.vhid, 1);
	assert_int_equal(h.advskew, 100);
	assert_true(h.counter == 42);
}

static void
test_longer_payload_accepted_tail_ignored(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	/* Grow IP total length by 4 and re-sum the IP header: the BSDs accept this. */
	f[14 + 3] += 4;
	f[14 + 10] = f[14 + 11] = 0;
	{
		uint16_t c = carp_cksum(f + 14, 20);

		f[14 + 10] = (uint8_t)(c >> 8);
		f[14 + 11] = (uint8_t)c;
	}
	memset(f + len, 0xaa, 4);
	assert_int_equal(verify(fx, f, len + 4, &h), CARP_DROP_NONE);
}

static void
test_reject_notcarp(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[12] = 0x88; /* some other EtherType */
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NOTCARP);
}

static void
test_reject_badlen_short_payload(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	struct carp_rx_frame rx;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_NONE);
	rx.carp_len = CARP_HDR_LEN - 1;
	assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_BADLEN);
	rx.carp_len = 0;
	assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_BADLEN);
	/* A frame cut short of what its IP header announces. */
	assert_int_equal(verify(fx, f, len - 10, &h), CARP_DROP_BADLEN);
}

static void
test_reject_badip(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[14 + 11] ^= 1;
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADIP);
}

static void
test_reject_badsum(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[34 + 7] ^= 0x40;
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADSUM);
}

static void
test_reject_badver(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[34] = 0x11; /* version 1 */
	refresh_cksum(f + 34);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADVER);
}

static void
test_reject_badttl(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	struct carp_rx_frame rx;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_NONE);
	rx.ttl = 254;
	assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_BADTTL);
	rx.ttl = 1;
	assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_BADTTL);
}

static void
test_reject_badvhid_unknown_number_or_family(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	struct carp_rx_frame rx;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[35] = 2; /* vhid 2 is not configured */
	refresh_cksum(f + 34);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADVHID);
	f[35] = 1;
	refresh_cksum(f + 34);
	assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_NONE);
	rx.family = 6; /* vhid 1 has no IPv6 VIP */
	assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_BADVHID);
}

static void
test_reject_badauth_on_any_changed_digest_or_counter(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[34 + 16] ^= 1; /* digest */
	refresh_cksum(f + 34);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADAUTH);
	len = peer_advert(fx, 42, SRC_PEER, f);
	f[34 + 15] ^= 1; /* counter is authenticated */
	refresh_cksum(f + 34);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADAUTH);
}

static void
test_advskew_and_advbase_are_not_authenticated(void **state)
{
	/* Spec §3.3: nothing of the header but the counter is covered by the HMAC. */
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 42, SRC_PEER, f);

	f[34 + 2] = 7;
	f[34 + 5] = 3;
	refresh_cksum(f + 34);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
}

static void
test_reject_loop_own_counter(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	uint64_t sent = carp_counter_take(&fx->counter, 1, 100); /* what peer_advert sends */
	size_t len = peer_advert(fx, sent, SRC_PEER, f);

	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_LOOP);
}

static void
test_peer_continuing_our_counter_is_not_a_loop(void **state)
{
	/* ucarp and FreeBSD adopt our counter: after taking over they may send a value we
	 * sent, but with their own advskew. That is a peer, not our advert coming back. */
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	uint64_t sent = carp_counter_take(&fx->counter, 1, 0);
	size_t len = peer_advert(fx, sent, SRC_PEER, f); /* advbase 1, advskew 100 */

	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
}

static void
test_own_advert_replayed_long_after_is_a_loop(void **state)
{
	/* Before, only the last 8 counters sent were known: an advert of ours replayed
	 * later from another address looked like a peer's (with profile ucarp and a lower
	 * address, an equal peer that makes a master yield). */
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	uint64_t first = carp_counter_take(&fx->counter, 1, 100);
	size_t len;

	for (int i = 0; i < 1000; i++)
		carp_counter_take(&fx->counter, 1, 100);
	len = peer_advert(fx, first, SRC_PEER, f);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_LOOP);
}

static void
test_replay_protection_drops_replayed_and_rewritten_adverts(void **state)
{
	struct fixture *fx = *state;
	struct carp_replay r;
	const uint64_t peer = 3ull << 48;
	uint8_t f[128], g[128];
	struct carp_hdr h;
	size_t len;

	carp_replay_init(&r);
	fx->auth.replay = &r;
	len = peer_advert(fx, peer | 100, SRC_PEER, f);
	memcpy(g, f, len);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_REPLAY); /* replayed as it was */
	/* Rewritten as a bow-out: the HMAC does not cover advbase/advskew, the counter does. */
	g[34 + 2] = 255;
	g[34 + 5] = 255;
	refresh_cksum(g + 34);
	assert_int_equal(verify(fx, g, len, &h), CARP_DROP_REPLAY);
	/* A forgery with a huge counter fails the HMAC and moves nothing. */
	len = peer_advert(fx, peer | 999999, SRC_PEER, f);
	f[34 + 20] ^= 1;
	refresh_cksum(f + 34);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_BADAUTH);
	len = peer_advert(fx, peer | 101, SRC_PEER, f);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
	/* Replayed from another source address: the same node id, still old. */
	len = peer_advert(fx, peer | 100, ip4(10, 0, 0, 77), f);
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_REPLAY);
	fx->auth.replay = NULL;
}

static void
test_reject_loop_own_source_address(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 9999, SRC_SELF, f);

	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_LOOP);
}

static void
test_constant_counter_accepted_repeatedly(void **state)
{
	/* OpenBSD sends one constant cookie: never require counters to increase. */
	struct fixture *fx = *state;
	uint8_t f[128];
	struct carp_hdr h;
	size_t len = peer_advert(fx, 77, SRC_PEER, f);

	for (int i = 0; i < 3; i++)
		assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
	len = peer_advert(fx, 5, SRC_PEER, f); /* lower than before */
	assert_int_equal(verify(fx, f, len, &h), CARP_DROP_NONE);
}

/* Read record @p index of a little-endian classic pcap into @p out; returns its length. */
static size_t
pcap_record(const char *path, unsigned int index, uint8_t *out, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	uint8_t gh[24], rh[16];
	size_t len = 0;

	assert_non_null(fp);
	assert_int_equal(fread(gh, 1, 24, fp), 24);
	assert_int_equal(gh[0], 0xd4); /* little-endian, microseconds */
	for (unsigned int i = 0; i <= index; i++) {
		if (fread(rh, 1, 16, fp) != 16) {
			len = 0;
			break;
		}
		len = (size_t)rh[8] | (size_t)rh[9] << 8 | (size_t)rh[10] << 16;
		assert_true(len <= cap);
		assert_int_equal(fread(out, 1, len, fp), len);
	}
	fclose(fp);
	return len;
}

static const struct carp_vhid_auth *
lookup_capture(void *arg, uint8_t vhid, int family)
{
	return vhid == 7 && family == 4 ? arg : NULL;
}

static void
test_ucarp_capture_every_advert_verifies(void **state)
{
	uint32_t vip = ip4(10, 99, 0, 1);
	struct carp_hmac_input in = { .vhid = 7, .v4 = &vip, .n4 = 1 };
	struct carp_key key;
	struct carp_hmac hmac;
	struct carp_vhid_auth auth = { .hmac = &hmac };
	uint8_t f[256];
	size_t len;
	unsigned int n = 0;

	(void)state;
	carp_key_from_passphrase(&key, "secret", 6);
	assert_int_equal(carp_hmac_prepare(&hmac, &key, &in), 0);
	while ((len = pcap_record(SPEC_DIR "/captures/ucarp-advert.pcap", n, f, sizeof(f)))) {
		struct carp_rx_frame rx;
		struct carp_hdr h;

		assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_NONE);
		assert_int_equal(carp_advert_verify(&rx, lookup_capture, &auth, &h), CARP_DROP_NONE);
		assert_int_equal(h.vhid, 7);
		assert_int_equal(h.advbase, 1);
		assert_int_equal(h.advskew, 0);
		assert_int_equal(rx.src4, ip4(10, 99, 0, 2));
		/* ucarp's quirk: source MAC 00:00:5e:00:00:VHID, not the VMAC (spec §1.4). */
		assert_hex_equal(rx.eth_src, 6, "00 00 5e 00 00 07");
		n++;
	}
	assert_int_equal(n, 3);
	/* The first advert, byte for byte as decoded in captures/ucarp-advert.txt. */
	pcap_record(SPEC_DIR "/captures/ucarp-advert.pcap", 0, f, sizeof(f));
	{
		struct carp_rx_frame rx;
		struct carp_hdr h;

		carp_frame_parse(f, 70, &rx);
		carp_advert_verify(&rx, lookup_capture, &auth, &h);
		assert_true(h.counter == 0xba48f95df03119f8ull);
		assert_hex_equal(h.md, CARP_MD_LEN, "f5f2ab6fdc21123f5415b59ce0d8f3e5ae448df4");
	}
	carp_hmac_release(&hmac);
}

static void
test_ucarp_capture_wrong_passphrase_is_badauth(void **state)
{
	uint32_t vip = ip4(10, 99, 0, 1);
	struct carp_hmac_input in = { .vhid = 7, .v4 = &vip, .n4 = 1 };
	struct carp_key key;
	struct carp_hmac hmac;
	struct carp_vhid_auth auth = { .hmac = &hmac };
	struct carp_rx_frame rx;
	struct carp_hdr h;
	uint8_t f[256];
	size_t len;

	(void)state;
	carp_key_from_passphrase(&key, "Secret", 6);
	assert_int_equal(carp_hmac_prepare(&hmac, &key, &in), 0);
	len = pcap_record(SPEC_DIR "/captures/ucarp-advert.pcap", 0, f, sizeof(f));
	assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_NONE);
	assert_int_equal(carp_advert_verify(&rx, lookup_capture, &auth, &h), CARP_DROP_BADAUTH);
	carp_hmac_release(&hmac);
}

static void
test_keepalived_captures_are_vrrp(void **state)
{
	static const char *const files[] = { SPEC_DIR "/captures/keepalived-v2-advert.pcap",
					     SPEC_DIR "/captures/keepalived-v3-advert.pcap" };
	struct fixture *fx = *state;

	for (size_t i = 0; i < 2; i++) {
		uint8_t f[256];
		struct carp_rx_frame rx;
		struct carp_hdr h;
		size_t len = pcap_record(files[i], 0, f, sizeof(f));

		assert_true(len > 0);
		assert_int_equal(carp_frame_parse(f, len, &rx), CARP_DROP_NONE);
		assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_VRRP);
	}
}

static void
test_vrrpv2_with_seven_addresses_is_vrrp_not_carp(void **state)
{
	/* 8 + 7 * 4 + 8 = 44 bytes; count 7 sits where CARP has authlen 7, and with no VRRP
	 * authentication the first 36 bytes even carry a valid CARP checksum. */
	struct fixture *fx = *state;
	uint8_t p[44] = { 0x21, 1, 150, 7, 0, 1 };
	struct carp_rx_frame rx = { .family = 4, .ttl = 255, .carp = p, .carp_len = sizeof(p) };
	struct carp_hdr h;

	for (int i = 0; i < 7; i++)
		p[8 + 4 * i] = 10, p[11 + 4 * i] = (uint8_t)i;
	refresh_cksum(p);
	assert_int_equal(carp_advert_verify(&rx, lookup_vhid1_v4, fx, &h), CARP_DROP_VRRP);
}

static void
test_every_drop_reason_has_a_name_and_explanation(void **state)
{
	(void)state;
	assert_string_equal(carp_drop_name(CARP_DROP_NONE), "ok");
	assert_string_equal(carp_drop_name(CARP_DROP_BADAUTH), "badauth");
	for (int d = 1; d < CARP_DROP_COUNT; d++) {
		assert_true(strlen(carp_drop_name(d)) > 0);
		assert_true(strlen(carp_drop_explain(d)) > 10);
	}
	assert_string_equal(carp_drop_name(CARP_DROP_COUNT), "?");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_valid_advert_accepted),
		T(test_longer_payload_accepted_tail_ignored),
		T(test_reject_notcarp),
		T(test_reject_badlen_short_payload),
		T(test_reject_badip),
		T(test_reject_badsum),
		T(test_reject_badver),
		T(test_reject_badttl),
		T(test_reject_badvhid_unknown_number_or_family),
		T(test_reject_badauth_on_any_changed_digest_or_counter),
		T(test_advskew_and_advbase_are_not_authenticated),
		T(test_reject_loop_own_counter),
		T(test_peer_continuing_our_counter_is_not_a_loop),
		T(test_own_advert_replayed_long_after_is_a_loop),
		T(test_replay_protection_drops_replayed_and_rewritten_adverts),
		T(test_reject_loop_own_source_address),
		T(test_constant_counter_accepted_repeatedly),
		cmocka_unit_test(test_ucarp_capture_every_advert_verifies),
		cmocka_unit_test(test_ucarp_capture_wrong_passphrase_is_badauth),
		T(test_keepalived_captures_are_vrrp),
		T(test_vrrpv2_with_seven_addresses_is_vrrp_not_carp),
		cmocka_unit_test(test_every_drop_reason_has_a_name_and_explanation),
	};

	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
