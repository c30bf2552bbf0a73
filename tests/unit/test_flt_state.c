/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A state's life (flt_state.h) on a fake clock: a TCP connection through its state from
 * both sides, port reuse after a close, UDP's single and multiple pseudo-states and their
 * timeouts, ICMP echo by id, ICMP errors quoting the state (to the quoted packet's source
 * only, the quoted TCP sequence within the window), expiry with adaptive timeouts.
 */
#include "test_util.h"

#include "flt_state.h"

#define SEC 1000000000ull

static struct flt_pkt
pkt4(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	struct flt_pkt p;

	memset(&p, 0, sizeof(p));
	p.t.src = fwd_addr4(src);
	p.t.dst = fwd_addr4(dst);
	p.t.sport = sport;
	p.t.dport = dport;
	p.t.proto = proto;
	p.t.af = 4;
	p.l3_len = 100;
	return p;
}

static struct flt_pkt
tcp4(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint8_t flags, uint32_t seq,
     uint32_t ack, uint32_t len)
{
	struct flt_pkt p = pkt4(FLT_PROTO_TCP, src, sport, dst, dport);

	p.tcp.flags = flags;
	p.tcp.seq = seq;
	p.tcp.ack = ack;
	p.tcp.len = len;
	p.tcp.win = 65000;
	return p;
}

#define CLI 0x0a000009u /* 10.0.0.9 */
#define SRV 0xc6120109u /* 198.18.1.9 */
#define RTR 0xc6120101u /* 198.18.1.1, a router on the way */

/* A state from @p first; the side its source took. */
static unsigned int
open_state(struct flt_state *st, const struct flt_pkt *first, uint64_t now)
{
	struct flt_key k;
	unsigned int side = flt_key_make(&first->t, &k);

	flt_state_init(st, first, &k, side, 3, now);
	return side;
}

/* The side @p p comes from in @p st: its key must be the state's. */
static unsigned int
side_of(const struct flt_state *st, const struct flt_pkt *p)
{
	struct flt_key k;
	unsigned int side = flt_key_make(&p->t, &k);

	assert_memory_equal(&k, &st->key, sizeof(k));
	return side;
}

static enum flt_drop
send(struct flt_state *st, const struct flt_pkt *p, uint64_t now)
{
	bool restart;
	enum flt_drop d = flt_state_update(st, p, side_of(st, p), now, &restart);

	assert_false(restart);
	return d;
}

static void
test_tcp_connection_both_ways(void **state)
{
	struct flt_state st;
	struct flt_pkt syn = tcp4(CLI, 40000, SRV, 80, FLT_TH_SYN, 1000, 0, 0);
	struct flt_pkt p;
	unsigned int ci;

	(void)state;
	ci = open_state(&st, &syn, 1 * SEC);
	assert_int_equal(st.init_side, ci);
	assert_int_equal(st.rule, 3);
	assert_int_equal(st.timeout, FLT_TO_TCP_FIRST);
	assert_int_equal(st.peer[ci].state, FLT_TCPS_SYN_SENT);
	p = tcp4(SRV, 80, CLI, 40000, FLT_TH_SYN | FLT_TH_ACK, 7000, 1001, 0);
	assert_int_equal(send(&st, &p, 2 * SEC), FLT_OK);
	p = tcp4(CLI, 40000, SRV, 80, FLT_TH_ACK, 1001, 7001, 0);
	assert_int_equal(send(&st, &p, 3 * SEC), FLT_OK);
	assert_int_equal(st.timeout, FLT_TO_TCP_ESTABLISHED);
	assert_int_equal(st.last_ns, 3 * SEC);
	p = tcp4(CLI, 40000, SRV, 80, FLT_TH_ACK | FLT_TH_PSH, 1001, 7001, 500);
	assert_int_equal(send(&st, &p, 4 * SEC), FLT_OK);
	assert_int_equal(st.packets[ci], 3);
	assert_int_equal(st.packets[ci ^ 1], 1);
	assert_int_equal(st.bytes[ci], 300);
	/* A blind RST from outside: dropped, and the state neither closes nor refreshes. */
	p = tcp4(SRV, 80, CLI, 40000, FLT_TH_RST, 7001 + 900000, 0, 0);
	assert_int_equal(send(&st, &p, 5 * SEC), FLT_DROP_BAD_STATE);
	assert_int_equal(st.peer[ci].state, FLT_TCPS_ESTABLISHED);
	assert_int_equal(st.last_ns, 4 * SEC);
	assert_int_equal(st.packets[ci ^ 1], 1);
}

static void
test_syn_after_close_restarts(void **state)
{
	struct flt_state st;
	struct flt_pkt syn = tcp4(CLI, 40000, SRV, 80, FLT_TH_SYN, 1000, 0, 0);
	struct flt_pkt p;
	bool restart;

	(void)state;
	open_state(&st, &syn, SEC);
	p = tcp4(SRV, 80, CLI, 40000, FLT_TH_SYN | FLT_TH_ACK, 7000, 1001, 0);
	assert_int_equal(send(&st, &p, SEC), FLT_OK);
	p = tcp4(CLI, 40000, SRV, 80, FLT_TH_ACK | FLT_TH_RST, 1001, 7001, 0);
	assert_int_equal(send(&st, &p, SEC), FLT_OK);
	assert_int_equal(st.timeout, FLT_TO_TCP_CLOSED);
	/* A SYN|ACK does not reuse the ports; a SYN does. */
	p = tcp4(SRV, 80, CLI, 40000, FLT_TH_SYN | FLT_TH_ACK, 7000, 1001, 0);
	flt_state_update(&st, &p, side_of(&st, &p), 2 * SEC, &restart);
	assert_false(restart);
	p = tcp4(CLI, 40000, SRV, 80, FLT_TH_SYN, 99000, 0, 0);
	assert_int_equal(flt_state_update(&st, &p, side_of(&st, &p), 2 * SEC, &restart), FLT_OK);
	assert_true(restart);
}

static void
test_udp_pseudo_states(void **state)
{
	struct flt_state st;
	struct flt_pkt q = pkt4(FLT_PROTO_UDP, CLI, 5353, SRV, 53);
	struct flt_pkt r = pkt4(FLT_PROTO_UDP, SRV, 53, CLI, 5353);
	struct flt_timeouts t;
	unsigned int ci;

	(void)state;
	flt_timeouts_default(&t, 100000);
	ci = open_state(&st, &q, 10 * SEC);
	assert_int_equal(st.timeout, FLT_TO_UDP_FIRST);
	assert_int_equal(flt_state_expiry(&st, &t, 1), 70 * SEC);
	assert_int_equal(send(&st, &q, 11 * SEC), FLT_OK); /* still one way */
	assert_int_equal(st.timeout, FLT_TO_UDP_SINGLE);
	assert_int_equal(send(&st, &r, 12 * SEC), FLT_OK); /* answered */
	assert_int_equal(st.peer[ci].state, FLT_PS_MULTIPLE);
	assert_int_equal(st.peer[ci ^ 1].state, FLT_PS_SINGLE);
	assert_int_equal(st.timeout, FLT_TO_UDP_SINGLE);
	assert_int_equal(send(&st, &q, 13 * SEC), FLT_OK);
	assert_int_equal(st.timeout, FLT_TO_UDP_MULTIPLE);
	assert_int_equal(flt_state_expiry(&st, &t, 1), 73 * SEC);
}

static void
test_other_protocols_and_icmp_echo(void **state)
{
	struct flt_state st;
	struct flt_pkt gre = pkt4(47, CLI, 0, SRV, 0);
	struct flt_pkt back = pkt4(47, SRV, 0, CLI, 0);
	struct flt_pkt echo = pkt4(FLT_PROTO_ICMP, CLI, 77, SRV, 77);
	struct flt_pkt reply = pkt4(FLT_PROTO_ICMP, SRV, 77, CLI, 77);

	(void)state;
	open_state(&st, &gre, SEC);
	assert_int_equal(st.timeout, FLT_TO_OTHER_FIRST);
	assert_int_equal(send(&st, &back, SEC), FLT_OK);
	assert_int_equal(send(&st, &gre, SEC), FLT_OK);
	assert_int_equal(st.timeout, FLT_TO_OTHER_MULTIPLE);

	echo.icmp_type = 8;
	reply.icmp_type = 0;
	open_state(&st, &echo, SEC);
	assert_int_equal(st.timeout, FLT_TO_ICMP_FIRST);
	assert_int_equal(send(&st, &reply, 2 * SEC), FLT_OK);
	assert_int_equal(st.timeout, FLT_TO_ICMP_ERROR);
	assert_int_equal(st.last_ns, 2 * SEC);
}

/* A router's ICMP error to @p to quoting a TCP segment @p from -> the other end. */
static struct flt_pkt
icmp_error_to(uint32_t to, const struct flt_pkt *quoted, uint32_t seq)
{
	struct flt_pkt e = pkt4(FLT_PROTO_ICMP, RTR, 0, to, 0);

	e.icmp_type = 3;
	e.icmp_code = 4;
	e.icmp_error = true;
	e.inner = quoted->t;
	e.inner_seq = seq;
	return e;
}

static void
test_icmp_error_matches_its_state(void **state)
{
	struct flt_state st;
	struct flt_pkt syn = tcp4(CLI, 40000, SRV, 80, FLT_TH_SYN, 1000, 0, 0);
	struct flt_pkt p, e;
	struct flt_key k;
	unsigned int qs;

	(void)state;
	open_state(&st, &syn, SEC);
	p = tcp4(SRV, 80, CLI, 40000, FLT_TH_SYN | FLT_TH_ACK, 7000, 1001, 0);
	assert_int_equal(send(&st, &p, SEC), FLT_OK);
	p = tcp4(CLI, 40000, SRV, 80, FLT_TH_ACK, 1001, 7001, 1400);
	assert_int_equal(send(&st, &p, SEC), FLT_OK);

	/* Fragmentation needed for the client's segment: back to the client, passes. */
	e = icmp_error_to(CLI, &p, 1001);
	qs = flt_key_make(&e.inner, &k);
	assert_memory_equal(&k, &st.key, sizeof(k));
	assert_int_equal(flt_state_icmp_error(&st, &e, qs), FLT_OK);
	/* The same error aimed at the server, which never sent that segment. */
	e = icmp_error_to(SRV, &p, 1001);
	assert_int_equal(flt_state_icmp_error(&st, &e, qs), FLT_DROP_ICMP_BAD_STATE);
	/* A forged quote far outside the client's window (a blind reset by ICMP). */
	e = icmp_error_to(CLI, &p, 1001 + 3000000);
	assert_int_equal(flt_state_icmp_error(&st, &e, qs), FLT_DROP_ICMP_BAD_STATE);
	e = icmp_error_to(CLI, &p, 1001 - 3000000);
	assert_int_equal(flt_state_icmp_error(&st, &e, qs), FLT_DROP_ICMP_BAD_STATE);
	/* An error changes nothing. */
	assert_int_equal(st.packets[qs], 2);
	assert_int_equal(st.timeout, FLT_TO_TCP_ESTABLISHED);
}

static void
test_expiry_adapts_to_the_table(void **state)
{
	struct flt_state st;
	struct flt_pkt q = pkt4(FLT_PROTO_UDP, CLI, 5353, SRV, 53);
	struct flt_timeouts t;

	(void)state;
	flt_timeouts_default(&t, 1000); /* adaptive 600..1200 */
	open_state(&st, &q, 100 * SEC);
	assert_int_equal(flt_state_expiry(&st, &t, 600), 160 * SEC);
	assert_int_equal(flt_state_expiry(&st, &t, 900), 130 * SEC);
	assert_int_equal(flt_state_expiry(&st, &t, 1200), 100 * SEC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_connection_both_ways),
		cmocka_unit_test(test_syn_after_close_restarts),
		cmocka_unit_test(test_udp_pseudo_states),
		cmocka_unit_test(test_other_protocols_and_icmp_echo),
		cmocka_unit_test(test_icmp_error_matches_its_state),
		cmocka_unit_test(test_expiry_adapts_to_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
