/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP tracker (flt_tcp.h) on packet sequences: the handshake, data both ways with and
 * without window scaling, retransmissions, blind RST and data injection refused, FIN and
 * RST closes, port reuse; and the timeouts (flt_timeout.h) with adaptive scaling.
 */
#include "test_util.h"

#include "flt_tcp.h"
#include "flt_timeout.h"

/* A connection as the filter sees it: the initiator's peer and the responder's. */
struct conn {
	struct flt_tcp_peer init, resp;
	enum flt_timeout to;
};

#define ISS_I 1000u
#define ISS_R 5000000u

static struct flt_tcp_seg
seg(uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint16_t win)
{
	struct flt_tcp_seg s = { .seq = seq, .ack = ack, .len = len, .win = win, .flags = flags };

	return s;
}

/* From the initiator (i) or the responder (r). */
static enum flt_tcp_verdict
from_i(struct conn *c, struct flt_tcp_seg s)
{
	return flt_tcp_track(&c->init, &c->resp, &s, &c->to);
}

static enum flt_tcp_verdict
from_r(struct conn *c, struct flt_tcp_seg s)
{
	return flt_tcp_track(&c->resp, &c->init, &s, &c->to);
}

/* SYN (wscale @p ws_i, or none when < 0), SYN|ACK (@p ws_r), ACK. */
static void
handshake(struct conn *c, int ws_i, int ws_r, uint16_t win_r)
{
	struct flt_tcp_seg syn = seg(FLT_TH_SYN, ISS_I, 0, 0, 64240);
	struct flt_tcp_seg synack = seg(FLT_TH_SYN | FLT_TH_ACK, ISS_R, ISS_I + 1, 0, win_r);

	syn.wscale = ws_i < 0 ? 0 : (uint8_t)(FLT_WSCALE_FLAG | ws_i);
	synack.wscale = ws_r < 0 ? 0 : (uint8_t)(FLT_WSCALE_FLAG | ws_r);
	memset(c, 0, sizeof(*c));
	flt_tcp_new(&c->init, &c->resp, &syn);
	assert_int_equal(c->init.state, FLT_TCPS_SYN_SENT);
	assert_int_equal(c->resp.state, FLT_TCPS_CLOSED);
	assert_int_equal(from_r(c, synack), FLT_TCP_PASS);
	assert_int_equal(c->init.state, FLT_TCPS_ESTABLISHED);
	assert_int_equal(c->resp.state, FLT_TCPS_SYN_SENT);
	assert_int_equal(c->to, FLT_TO_TCP_OPENING);
	assert_int_equal(from_i(c, seg(FLT_TH_ACK, ISS_I + 1, ISS_R + 1, 0, 502)), FLT_TCP_PASS);
	assert_int_equal(c->resp.state, FLT_TCPS_ESTABLISHED);
	assert_int_equal(c->to, FLT_TO_TCP_ESTABLISHED);
}

static void
test_handshake_and_data(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	/* 100 segments of 1448 bytes each way, acking as they go. */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(from_i(&c, seg(FLT_TH_ACK | FLT_TH_PSH, si, sr, 1448, 502)),
				 FLT_TCP_PASS);
		si += 1448;
		assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 1448, 509)), FLT_TCP_PASS);
		sr += 1448;
	}
	assert_int_equal(c.init.seqlo, si);
	assert_int_equal(c.resp.seqlo, sr);
	assert_int_equal(c.to, FLT_TO_TCP_ESTABLISHED);
}

static void
test_window_scaling_opens_the_window(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	/* The responder's window: 1000 << 7 = 128000 bytes once it says so unscaled. */
	handshake(&c, 7, 7, 65535);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 1000)), FLT_TCP_PASS);
	/* 100000 bytes ahead of what was acked: inside the scaled window only. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 100000, sr, 1000, 502)), FLT_TCP_PASS);
	/* The window's end is ack + 128000: the byte after it is refused. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 128000, sr, 1, 502)), FLT_TCP_BAD);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 127999, sr, 1, 502)), FLT_TCP_PASS);
}

static void
test_no_scaling_unless_both_offer(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, -1, 1000);
	assert_int_equal(c.init.wscale, 0); /* one side only: neither scales */
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 1000)), FLT_TCP_PASS);
	/* Window 1000 unscaled: 100000 ahead is far outside. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 100000, sr, 1000, 502)), FLT_TCP_BAD);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 999, sr, 1, 502)), FLT_TCP_PASS);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 1000, sr, 1, 502)), FLT_TCP_BAD);
}

static void
test_retransmission_passes(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si, sr, 1448, 502)), FLT_TCP_PASS);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 1448, sr, 1448, 502)), FLT_TCP_PASS);
	/* The first segment again (its ack got lost), and a duplicate ack. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si, sr, 1448, 502)), FLT_TCP_PASS);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 509)), FLT_TCP_PASS);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 509)), FLT_TCP_PASS);
	assert_int_equal(c.init.seqlo, si + 2896);
}

static void
test_blind_rst_refused(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 509)), FLT_TCP_PASS);
	/* An attacker's RSTs at guessed sequence numbers, as if from the responder. */
	static const uint32_t guesses[] = { 0, 1, 12345, ISS_R + 70000, ISS_R - 70000, 0x80000000u };

	for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		assert_int_equal(from_r(&c, seg(FLT_TH_RST, guesses[i], 0, 0, 0)), FLT_TCP_BAD);
		assert_int_equal(from_r(&c, seg(FLT_TH_RST | FLT_TH_ACK, guesses[i], si + 99, 0, 0)),
				 FLT_TCP_BAD);
	}
	/* Inside the window but not exact, without the exact ack: refused as pf does. */
	assert_int_equal(from_r(&c, seg(FLT_TH_RST, sr + 10, 0, 0, 0)), FLT_TCP_BAD);
	assert_int_equal(c.init.state, FLT_TCPS_ESTABLISHED);
	assert_int_equal(c.resp.state, FLT_TCPS_ESTABLISHED);
	/* The connection goes on. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si, sr, 100, 502)), FLT_TCP_PASS);
	assert_int_equal(c.to, FLT_TO_TCP_ESTABLISHED);
}

static void
test_exact_rst_closes(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	assert_int_equal(from_r(&c, seg(FLT_TH_RST, sr, 0, 0, 0)), FLT_TCP_PASS);
	assert_int_equal(c.init.state, FLT_TCPS_TIME_WAIT);
	assert_int_equal(c.resp.state, FLT_TCPS_TIME_WAIT);
	assert_int_equal(c.to, FLT_TO_TCP_CLOSED);
	assert_true(flt_tcp_reused(&c.init, &c.resp, FLT_TH_SYN));
	assert_false(flt_tcp_reused(&c.init, &c.resp, FLT_TH_ACK));
	assert_false(flt_tcp_reused(&c.init, &c.resp, FLT_TH_SYN | FLT_TH_ACK));
	(void)si;
}

static void
test_rst_ack_in_window_with_exact_ack(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si, sr, 1000, 502)), FLT_TCP_PASS);
	si += 1000;
	/* The responder resets with an older sequence but acks exactly what was sent. */
	assert_int_equal(from_r(&c, seg(FLT_TH_RST | FLT_TH_ACK, sr - 100, si, 0, 0)),
			 FLT_TCP_PASS);
	assert_int_equal(c.resp.state, FLT_TCPS_TIME_WAIT);
}

static void
test_injected_data_refused(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 509)), FLT_TCP_PASS);
	/* Data far ahead and far behind the responder's sequence, and acking data never
	 * sent. */
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK | FLT_TH_PSH, sr + 10000000, si, 100, 509)),
			 FLT_TCP_BAD);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK | FLT_TH_PSH, sr - 10000000, si, 100, 509)),
			 FLT_TCP_BAD);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK | FLT_TH_PSH, sr, si + 10000000, 100, 509)),
			 FLT_TCP_BAD);
	assert_int_equal(c.resp.seqlo, sr);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK | FLT_TH_PSH, sr, si, 100, 509)), FLT_TCP_PASS);
}

static void
test_fin_close(void **state)
{
	struct conn c;
	uint32_t si = ISS_I + 1, sr = ISS_R + 1;

	(void)state;
	handshake(&c, 7, 7, 65160);
	assert_int_equal(from_i(&c, seg(FLT_TH_FIN | FLT_TH_ACK, si, sr, 0, 502)), FLT_TCP_PASS);
	assert_int_equal(c.init.state, FLT_TCPS_CLOSING);
	assert_int_equal(c.to, FLT_TO_TCP_CLOSING);
	assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si + 1, 0, 509)), FLT_TCP_PASS);
	assert_int_equal(c.init.state, FLT_TCPS_FIN_WAIT_2);
	assert_int_equal(c.to, FLT_TO_TCP_CLOSING);
	assert_int_equal(from_r(&c, seg(FLT_TH_FIN | FLT_TH_ACK, sr, si + 1, 0, 509)), FLT_TCP_PASS);
	assert_int_equal(c.resp.state, FLT_TCPS_CLOSING);
	assert_int_equal(c.to, FLT_TO_TCP_FINWAIT);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si + 1, sr + 1, 0, 502)), FLT_TCP_PASS);
	assert_int_equal(c.resp.state, FLT_TCPS_FIN_WAIT_2);
	assert_int_equal(c.to, FLT_TO_TCP_CLOSED);
	assert_true(flt_tcp_reused(&c.init, &c.resp, FLT_TH_SYN));
}

static void
test_loose_before_the_answer(void **state)
{
	struct conn c = { 0 };
	struct flt_tcp_seg syn = seg(FLT_TH_SYN, ISS_I, 0, 0, 64240);

	(void)state;
	flt_tcp_new(&c.init, &c.resp, &syn);
	/* Data sent before any answer: beyond the window (none was opened) but within one
	 * of the SYN, so loose, and the state's expiry is not refreshed. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, ISS_I + 1, 0, 100, 502)), FLT_TCP_PASS_LOOSE);
	/* Far beyond even that: refused. */
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, ISS_I + 1000000, 0, 100, 502)), FLT_TCP_BAD);
}

static void
test_stale_synack_resets_the_side(void **state)
{
	struct conn c = { 0 };
	struct flt_tcp_seg syn = seg(FLT_TH_SYN, ISS_I, 0, 0, 64240);

	(void)state;
	flt_tcp_new(&c.init, &c.resp, &syn);
	/* A SYN|ACK acking something the initiator never sent (a stale one, or forged):
	 * the handshake is out of step, and the responder's side starts over. */
	assert_int_equal(from_r(&c, seg(FLT_TH_SYN | FLT_TH_ACK, ISS_R + 9000000, ISS_I + 7000000,
					0, 65160)),
			 FLT_TCP_BAD_HANDSHAKE);
	assert_int_equal(c.resp.seqlo, 0);
	assert_int_equal(c.resp.seqhi, 1);
	assert_int_equal(c.init.state, FLT_TCPS_SYN_SENT);
	/* The real SYN|ACK is then the responder's first segment again. */
	assert_int_equal(from_r(&c, seg(FLT_TH_SYN | FLT_TH_ACK, ISS_R, ISS_I + 1, 0, 65160)),
			 FLT_TCP_PASS);
	assert_int_equal(c.resp.seqlo, ISS_R + 1);
	assert_int_equal(c.init.state, FLT_TCPS_ESTABLISHED);
}

static void
test_sequence_wraps(void **state)
{
	struct conn c = { 0 };
	struct flt_tcp_seg syn = seg(FLT_TH_SYN, 0xfffffff0u, 0, 0, 64240);
	uint32_t si = 0xfffffff1u, sr = ISS_R + 1;

	(void)state;
	flt_tcp_new(&c.init, &c.resp, &syn);
	assert_int_equal(from_r(&c, seg(FLT_TH_SYN | FLT_TH_ACK, ISS_R, si, 0, 65160)), FLT_TCP_PASS);
	assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si, sr, 0, 64240)), FLT_TCP_PASS);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(from_i(&c, seg(FLT_TH_ACK, si, sr, 1000, 64240)), FLT_TCP_PASS);
		si += 1000; /* crosses 2^32 */
		assert_int_equal(from_r(&c, seg(FLT_TH_ACK, sr, si, 0, 65160)), FLT_TCP_PASS);
	}
	assert_int_equal(c.init.seqlo, si);
	assert_true(si < 0x10000u);
}

static void
test_timeouts(void **state)
{
	struct flt_timeouts t;

	(void)state;
	flt_timeouts_default(&t, 100000);
	assert_int_equal(t.sec[FLT_TO_TCP_ESTABLISHED], 86400);
	assert_int_equal(t.sec[FLT_TO_TCP_FIRST], 120);
	assert_int_equal(t.sec[FLT_TO_UDP_SINGLE], 30);
	assert_int_equal(t.sec[FLT_TO_ICMP_ERROR], 10);
	assert_int_equal(t.adaptive_start, 60000);
	assert_int_equal(t.adaptive_end, 120000);
	assert_string_equal(flt_timeout_name(FLT_TO_TCP_FINWAIT), "tcp.finwait");
	assert_int_equal(flt_timeout_by_name("udp.multiple"), FLT_TO_UDP_MULTIPLE);
	assert_int_equal(flt_timeout_by_name("tcp.bogus"), FLT_TO_COUNT);
	/* Adaptive: full below the start, half half-way, zero at the end. */
	assert_true(flt_timeout_ns(&t, FLT_TO_TCP_OPENING, 1000) == 30000000000ull);
	assert_true(flt_timeout_ns(&t, FLT_TO_TCP_OPENING, 60000) == 30000000000ull);
	assert_true(flt_timeout_ns(&t, FLT_TO_TCP_OPENING, 90000) == 15000000000ull);
	assert_true(flt_timeout_ns(&t, FLT_TO_TCP_OPENING, 120000) == 0);
	t.adaptive_start = t.adaptive_end = 0;
	assert_true(flt_timeout_ns(&t, FLT_TO_TCP_OPENING, 1000000) == 30000000000ull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_and_data),
		cmocka_unit_test(test_window_scaling_opens_the_window),
		cmocka_unit_test(test_no_scaling_unless_both_offer),
		cmocka_unit_test(test_retransmission_passes),
		cmocka_unit_test(test_blind_rst_refused),
		cmocka_unit_test(test_exact_rst_closes),
		cmocka_unit_test(test_rst_ack_in_window_with_exact_ack),
		cmocka_unit_test(test_injected_data_refused),
		cmocka_unit_test(test_fin_close),
		cmocka_unit_test(test_loose_before_the_answer),
		cmocka_unit_test(test_stale_synack_resets_the_side),
		cmocka_unit_test(test_sequence_wraps),
		cmocka_unit_test(test_timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
