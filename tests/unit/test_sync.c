/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state sync protocol's pure parts: the message codec (every type both ways, sections,
 * a later version's types and longer elements, every malformed header and section, every
 * impossible value), its HMAC (any flipped bit, another key), replay and loss detection
 * (order, gaps, late arrivals, replays, runs), and states to and from records with the
 * merge rules (the window that must not roll back, opnsense/src#327).
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include "carp_bytes.h"
#include "sync_auth.h"
#include "sync_digest.h"
#include "sync_seq.h"
#include "sync_state.h"

#define SEC 1000000000ull

static const uint8_t key_a[32] = "0123456789abcdef0123456789abcdef";
static const uint8_t key_b[32] = "0123456789abcdef0123456789abcdeF";

static const struct sync_hdr hdr = {
	.node = 7, .epoch = 1000, .seq = 42, .ruleset = 0x1122334455667788ull,
};

/* The key of 10.0.0.9:40000 <-> 198.18.1.9:80, TCP: in the filter's order. */
static struct flt_key
key4(uint16_t sport)
{
	struct flt_tuple t = { .src = fwd_addr4(0x0a000009), .dst = fwd_addr4(0xc6120109),
			       .sport = sport, .dport = 80, .proto = FLT_PROTO_TCP, .af = 4 };
	struct flt_key k;

	flt_key_make(&t, &k);
	return k;
}

/* Records are compared as memory: their padding zero, as the decoder leaves it. */
static struct sync_state_rec
rec(uint16_t sport)
{
	static const struct flt_tcp_peer p0 = { 1000, 66000, 64240, FLT_TCPS_ESTABLISHED,
						FLT_WSCALE_FLAG | 7 };
	static const struct flt_tcp_peer p1 = { 7000, 90000, 65535, FLT_TCPS_ESTABLISHED,
						FLT_WSCALE_FLAG | 9 };
	struct sync_state_rec r;

	memset(&r, 0, sizeof(r));
	r.key = key4(sport);
	r.init_side = 1;
	r.timeout = FLT_TO_TCP_ESTABLISHED;
	r.rule = 3;
	r.age_ms = 5000;
	r.idle_ms = 20;
	r.peer[0] = p0;
	r.peer[1] = p1;
	r.packets[0] = 10;
	r.packets[1] = 12;
	r.bytes[0] = 1000;
	r.bytes[1] = 99999999999ull;
	return r;
}

/* A signed message of @p n items in @p buf; returns its length. */
static size_t
build(uint8_t *buf, size_t cap, const struct sync_item *items, unsigned int n,
      struct sync_auth *a)
{
	struct sync_writer w;
	size_t len;

	sync_writer_begin(&w, buf, cap, &hdr);
	for (unsigned int i = 0; i < n; i++)
		assert_true(sync_writer_add(&w, &items[i]));
	len = sync_writer_end(&w);
	assert_true(sync_auth_sign(a, buf, len));
	return len + SYNC_MAC_LEN;
}

/* Read message @p buf into @p out (at most @p max items): the reader's last verdict. */
static enum sync_err
read_all(struct sync_auth *a, const uint8_t *buf, size_t len, struct sync_item *out,
	 unsigned int max, unsigned int *n, unsigned int *skipped)
{
	struct sync_hdr h;
	struct sync_reader r;
	enum sync_err e = sync_msg_open(a, buf, len, &h, &r);
	bool more = true;

	*n = 0;
	if (e != SYNC_OK)
		return e;
	assert_int_equal(h.node, 7);
	assert_int_equal(h.epoch, 1000);
	assert_int_equal(h.seq, 42);
	assert_true(h.ruleset == hdr.ruleset);
	while (*n < max && (e = sync_reader_next(&r, &out[*n], &more)) == SYNC_OK && more)
		(*n)++;
	if (skipped)
		*skipped = r.skipped;
	return e;
}

static void
test_every_type_round_trips(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_item in[7] = {
		{ .type = SYNC_T_INS, .st = rec(40000) },
		{ .type = SYNC_T_UPD, .st = rec(40001) },
		{ .type = SYNC_T_UPD, .st = rec(40002) },
		{ .type = SYNC_T_DEL, .key = key4(40003) },
		{ .type = SYNC_T_REQ },
		{ .type = SYNC_T_BUS, .bus = { SYNC_BUS_END, 1234, 100000 } },
		{ .type = SYNC_T_NACK, .nack = { 999, 5, 9 } },
	}, out[8];
	uint8_t buf[2048];
	unsigned int n;
	size_t len;

	(void)state;
	assert_non_null(a);
	len = build(buf, sizeof(buf), in, 7, a);
	/* One header, six sections (the two UPDs share one), 4 112-byte states... */
	assert_int_equal(len, 32 + 6 * 4 + 3 * 112 + 40 + 40 + 12 + 12 + 32);
	assert_int_equal(carp_rd16(buf + 6), len);
	assert_int_equal(read_all(a, buf, len, out, 8, &n, NULL), SYNC_OK);
	assert_int_equal(n, 7);
	for (unsigned int i = 0; i < 7; i++) {
		assert_int_equal(out[i].type, in[i].type);
		if (in[i].type == SYNC_T_INS || in[i].type == SYNC_T_UPD)
			assert_memory_equal(&out[i].st, &in[i].st, sizeof(in[i].st));
		else if (in[i].type == SYNC_T_DEL || in[i].type == SYNC_T_REQ)
			assert_memory_equal(&out[i].key, &in[i].key, sizeof(in[i].key));
	}
	assert_int_equal(out[5].bus.bulk_id, 1234);
	assert_int_equal(out[5].bus.count, 100000);
	assert_int_equal(out[6].nack.first, 5);
	sync_auth_free(a);
}

static void
test_writer_stops_at_its_buffer(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_item it = { .type = SYNC_T_UPD, .st = rec(1) }, out[16];
	uint8_t buf[1472]; /* a 1500-byte MTU's UDP payload */
	struct sync_writer w;
	unsigned int added = 0, n;
	size_t len;

	(void)state;
	sync_writer_begin(&w, buf, sizeof(buf), &hdr);
	while (sync_writer_add(&w, &it))
		added++;
	assert_int_equal(added, (1472 - 32 - 4 - 32) / 112); /* 12 */
	len = sync_writer_end(&w);
	assert_true(len + SYNC_MAC_LEN <= sizeof(buf));
	assert_true(sync_auth_sign(a, buf, len));
	assert_int_equal(read_all(a, buf, len + SYNC_MAC_LEN, out, 16, &n, NULL), SYNC_OK);
	assert_int_equal(n, added);
	sync_auth_free(a);
}

static void
test_any_flipped_bit_or_another_key_fails_the_mac(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_auth *b = sync_auth_new(key_b, sizeof(key_b));
	struct sync_item in = { .type = SYNC_T_INS, .st = rec(40000) }, out[2];
	uint8_t buf[512];
	unsigned int n;
	size_t len;

	(void)state;
	assert_null(sync_auth_new(key_a, SYNC_KEY_MIN - 1)); /* too short a key */
	len = build(buf, sizeof(buf), &in, 1, a);
	assert_int_equal(read_all(b, buf, len, out, 2, &n, NULL), SYNC_ERR_BAD_MAC);
	/* Every bit past the header's fields a receiver checks before the MAC. */
	for (size_t i = 8; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			assert_int_equal(read_all(a, buf, len, out, 2, &n, NULL),
					 SYNC_ERR_BAD_MAC);
			buf[i] ^= (uint8_t)(1 << bit);
		}
	assert_int_equal(read_all(a, buf, len, out, 2, &n, NULL), SYNC_OK);
	sync_auth_free(a);
	sync_auth_free(b);
}

static void
test_bad_headers_are_named(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_item in = { .type = SYNC_T_DEL, .key = key4(1) }, out[2];
	uint8_t buf[512];
	struct sync_hdr h;
	unsigned int n;
	size_t len;

	(void)state;
	len = build(buf, sizeof(buf), &in, 1, a);
	assert_int_equal(read_all(a, buf, SYNC_MSG_MIN - 1, out, 2, &n, NULL), SYNC_ERR_SHORT);
	assert_int_equal(read_all(a, buf, len - 1, out, 2, &n, NULL), SYNC_ERR_BAD_LEN);
	buf[0] ^= 1;
	assert_int_equal(read_all(a, buf, len, out, 2, &n, NULL), SYNC_ERR_BAD_MAGIC);
	buf[0] ^= 1;
	buf[4] = 2; /* a later version: named, with what it said */
	assert_int_equal(sync_hdr_read(buf, len, &h), SYNC_ERR_BAD_VERSION);
	assert_int_equal(h.version, 2);
	assert_string_equal(sync_err_name(SYNC_ERR_BAD_VERSION), "sync_bad_version");
	sync_auth_free(a);
}

/* A message whose sections are @p body (@p n bytes), signed. */
static size_t
raw(uint8_t *buf, const uint8_t *body, size_t n, struct sync_auth *a)
{
	struct sync_writer w;
	size_t len;

	sync_writer_begin(&w, buf, 4096, &hdr);
	memcpy(buf + SYNC_HDR_LEN, body, n);
	w.len += n;
	len = sync_writer_end(&w);
	assert_true(sync_auth_sign(a, buf, len));
	return len + SYNC_MAC_LEN;
}

static void
test_sections_of_a_later_version_and_bad_ones(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_item out[4];
	uint8_t body[512], buf[4096];
	struct sync_writer w;
	unsigned int n, skipped;
	size_t len;

	(void)state;
	/* An unknown type (two elements of 8 bytes) and a DEL with 4 more bytes than this
	 * version knows: the first skipped, the second read. */
	memset(body, 0, sizeof(body));
	body[0] = 99, body[1] = 2, body[3] = 2;
	body[20] = SYNC_T_DEL, body[21] = 11, body[23] = 1;
	{
		struct sync_item d = { .type = SYNC_T_DEL, .key = key4(5) };

		sync_writer_begin(&w, buf, sizeof(buf), &hdr);
		assert_true(sync_writer_add(&w, &d));
		memcpy(body + 24, buf + SYNC_HDR_LEN + 4, 40);
	}
	len = raw(buf, body, 24 + 44, a);
	assert_int_equal(read_all(a, buf, len, out, 4, &n, &skipped), SYNC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 2);
	assert_int_equal(out[0].type, SYNC_T_DEL);
	assert_int_equal(out[0].key.port[0] == 5 || out[0].key.port[1] == 5, 1);
	/* A section without elements, with elements shorter than its type's, past the end. */
	memset(body, 0, 8);
	body[0] = SYNC_T_DEL, body[1] = 10, body[3] = 0;
	len = raw(buf, body, 4, a);
	assert_int_equal(read_all(a, buf, len, out, 4, &n, NULL), SYNC_ERR_BAD_SECTION);
	body[1] = 9, body[3] = 1;
	len = raw(buf, body, 4 + 36, a);
	assert_int_equal(read_all(a, buf, len, out, 4, &n, NULL), SYNC_ERR_BAD_SECTION);
	body[1] = 10, body[3] = 2;
	len = raw(buf, body, 4 + 40, a);
	assert_int_equal(read_all(a, buf, len, out, 4, &n, NULL), SYNC_ERR_BAD_LEN);
	len = raw(buf, body, 3, a); /* less than a section header */
	assert_int_equal(read_all(a, buf, len, out, 4, &n, NULL), SYNC_ERR_BAD_LEN);
	sync_auth_free(a);
}

/* Item @p it once written and read back, with byte @p at of its element set to @p v. */
static enum sync_err
with_byte(const struct sync_item *it, size_t at, uint8_t v)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_writer w;
	struct sync_item out[2];
	uint8_t buf[512];
	unsigned int n;
	size_t len;
	enum sync_err e;

	sync_writer_begin(&w, buf, sizeof(buf), &hdr);
	assert_true(sync_writer_add(&w, it));
	buf[SYNC_HDR_LEN + SYNC_SECTION_LEN + at] = v;
	len = sync_writer_end(&w);
	assert_true(sync_auth_sign(a, buf, len));
	e = read_all(a, buf, len + SYNC_MAC_LEN, out, 2, &n, NULL);
	sync_auth_free(a);
	return e;
}

static void
test_impossible_values_are_refused(void **state)
{
	struct sync_item st = { .type = SYNC_T_UPD, .st = rec(40000) };
	struct sync_item bus = { .type = SYNC_T_BUS, .bus = { SYNC_BUS_START, 1, 1 } };
	struct sync_item nack = { .type = SYNC_T_NACK, .nack = { 1, 5, 9 } };

	(void)state;
	assert_int_equal(with_byte(&st, 37, 5), SYNC_ERR_BAD_VALUE);  /* family 5 */
	assert_int_equal(with_byte(&st, 37, 6), SYNC_ERR_BAD_VALUE);  /* v6 of mapped addresses */
	assert_int_equal(with_byte(&st, 10, 0), SYNC_ERR_BAD_VALUE);  /* v4 not mapped */
	assert_int_equal(with_byte(&st, 15, 255), SYNC_ERR_BAD_VALUE); /* ends out of order */
	assert_int_equal(with_byte(&st, 40, 2), SYNC_ERR_BAD_VALUE);  /* side 2 */
	assert_int_equal(with_byte(&st, 41, FLT_TO_FRAG), SYNC_ERR_BAD_VALUE); /* not a state's */
	assert_int_equal(with_byte(&st, 56 + 10, 3), SYNC_ERR_BAD_VALUE); /* TCP state 3 */
	assert_int_equal(with_byte(&st, 56 + 11, FLT_WSCALE_FLAG | 15), SYNC_ERR_BAD_VALUE);
	assert_int_equal(with_byte(&st, 38, 0x55), SYNC_OK); /* key padding: ignored, zeroed */
	assert_int_equal(with_byte(&bus, 0, 3), SYNC_ERR_BAD_VALUE);
	assert_int_equal(with_byte(&nack, 7, 0), SYNC_ERR_BAD_VALUE); /* first 0 */
	assert_int_equal(with_byte(&nack, 7, 10), SYNC_ERR_BAD_VALUE); /* first > last */
}

static void
test_digest_elements_round_trip_and_bad_slices_are_refused(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_item in[3] = {
		{ .type = SYNC_T_DGST, .dgst = { 77, SYNC_DGST_START, 0, 0 } },
		{ .type = SYNC_T_DGST, .dgst = { 77, 4095, 3, 0x8000000000000001ull } },
		{ .type = SYNC_T_DGST, .dgst = { 77, SYNC_DGST_END, 1, 0 } },
	}, out[4];
	struct sync_item slice = in[1];
	uint8_t buf[512];
	unsigned int n;
	size_t len;

	(void)state;
	len = build(buf, sizeof(buf), in, 3, a);
	assert_int_equal(len, 32 + 4 + 3 * 20 + 32);
	assert_int_equal(read_all(a, buf, len, out, 4, &n, NULL), SYNC_OK);
	assert_int_equal(n, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(out[i].type, SYNC_T_DGST);
		assert_int_equal(out[i].dgst.round, 77);
		assert_int_equal(out[i].dgst.slice, in[i].dgst.slice);
		assert_int_equal(out[i].dgst.count, in[i].dgst.count);
		assert_true(out[i].dgst.sum == in[i].dgst.sum);
	}
	/* Slice 4096 (0x1000) and 0xfffd do not exist; an END of more slices than there are. */
	assert_int_equal(with_byte(&slice, 4, 0x10), SYNC_ERR_BAD_VALUE);
	slice.dgst.slice = 0xfffd;
	assert_int_equal(with_byte(&slice, 0, 0), SYNC_ERR_BAD_VALUE);
	slice.dgst.slice = SYNC_DGST_END;
	slice.dgst.count = SYNC_DIGEST_SLICES + 1;
	assert_int_equal(with_byte(&slice, 0, 0), SYNC_ERR_BAD_VALUE);
	sync_auth_free(a);
}

static void
test_defer_flag_and_iack_round_trip(void **state)
{
	struct sync_auth *a = sync_auth_new(key_a, sizeof(key_a));
	struct sync_item in[2] = { { .type = SYNC_T_INS, .st = rec(40000) },
				   { .type = SYNC_T_IACK, .key = key4(40001) } },
			 out[3];
	struct sync_item later = { .type = SYNC_T_INS, .st = rec(40000) };
	uint8_t buf[512];
	unsigned int n;
	size_t len;

	(void)state;
	in[0].st.flags = SYNC_REC_ACK;
	len = build(buf, sizeof(buf), in, 2, a);
	assert_int_equal(read_all(a, buf, len, out, 3, &n, NULL), SYNC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].st.flags, SYNC_REC_ACK);
	assert_int_equal(out[1].type, SYNC_T_IACK);
	assert_memory_equal(&out[1].key, &in[1].key, sizeof(in[1].key));
	/* Flags of a later version are not ours to read: ignored, not refused. */
	assert_int_equal(with_byte(&later, 42, 0xfe), SYNC_OK);
	sync_auth_free(a);
}

static void
test_digest_slices_compare_and_complete(void **state)
{
	struct sync_digest *x = calloc(1, sizeof(*x)), *y = calloc(1, sizeof(*y));
	uint64_t differ[SYNC_DIGEST_WORDS];
	struct flt_key k = key4(40000), k2 = key4(40001);
	unsigned int sl = sync_digest_slice(sync_key_hash(&k));

	(void)state;
	assert_non_null(x);
	assert_non_null(y);
	/* The hash is of the key's wire bytes: padding never counts. */
	k2 = k;
	k2.pad[0] = 0x55;
	assert_true(sync_key_hash(&k) == sync_key_hash(&k2));
	k2 = key4(40001);
	assert_true(sync_key_hash(&k) != sync_key_hash(&k2));
	sync_digest_reset(x, 5);
	sync_digest_reset(y, 5);
	sync_digest_add(x, &k);
	sync_digest_add(x, &k2);
	sync_digest_add(y, &k2);
	assert_int_equal(sync_digest_diff(x, y, differ), 1);
	assert_true(sync_digest_bit(differ, sl));
	/* A peer's digest: complete with its END and every slice it announced, a slice sent
	 * twice (resent) counting once, in any order. */
	assert_false(sync_digest_take(y, SYNC_DGST_END, 2, 0));
	assert_false(sync_digest_take(y, (uint16_t)sl, 1, sync_key_hash(&k)));
	assert_false(sync_digest_take(y, (uint16_t)sl, 1, sync_key_hash(&k)));
	assert_true(sync_digest_take(y, (uint16_t)sync_digest_slice(sync_key_hash(&k2)), 1,
				     sync_key_hash(&k2)));
	assert_int_equal(sync_digest_diff(x, y, differ), 0);
	/* Settled: made 10 s before the walk began, and lasting 10 s past it. */
	assert_true(sync_digest_settled(10000, 10000, 0));
	assert_false(sync_digest_settled(9999, 10000, 0));
	assert_false(sync_digest_settled(10000, 9999, 0));
	assert_false(sync_digest_settled(10200, 10000, 300)); /* made 9.9 s before the start */
	assert_true(sync_digest_settled(10300, 9700, 300));
	free(x);
	free(y);
}

static void
test_seq_order_gaps_late_and_replays(void **state)
{
	struct sync_seq s = { 0 };
	uint32_t gap, last;

	(void)state;
	assert_int_equal(sync_seq_check(&s, 10, 1, &gap), SYNC_SEQ_NEW);
	assert_int_equal(gap, 0);
	assert_int_equal(sync_seq_check(&s, 10, 2, &gap), SYNC_SEQ_NEW);
	assert_int_equal(sync_seq_check(&s, 10, 2, &gap), SYNC_SEQ_REPLAY);
	assert_int_equal(sync_seq_check(&s, 10, 6, &gap), SYNC_SEQ_NEW);
	assert_int_equal(gap, 3); /* 3, 4, 5 */
	assert_int_equal(sync_seq_missing(&s, &last), 3);
	assert_int_equal(last, 5);
	assert_int_equal(sync_seq_check(&s, 10, 4, &gap), SYNC_SEQ_NEW); /* late */
	assert_int_equal(sync_seq_check(&s, 10, 4, &gap), SYNC_SEQ_REPLAY);
	assert_true(s.lost == 3 && s.late == 1);
	assert_int_equal(sync_seq_missing(&s, &last), 3);
	assert_int_equal(last, 5);
	assert_int_equal(sync_seq_check(&s, 10, 3, &gap), SYNC_SEQ_NEW);
	assert_int_equal(sync_seq_check(&s, 10, 5, &gap), SYNC_SEQ_NEW);
	assert_int_equal(sync_seq_missing(&s, &last), 0);
	/* Out of the window: too old to tell, so a replay. */
	assert_int_equal(sync_seq_check(&s, 10, 6 + SYNC_SEQ_WINDOW, &gap), SYNC_SEQ_NEW);
	assert_int_equal(sync_seq_check(&s, 10, 6, &gap), SYNC_SEQ_REPLAY);
	assert_int_equal(sync_seq_check(&s, 10, 0, &gap), SYNC_SEQ_REPLAY);
	/* An older run is a replay; a newer one starts over. */
	assert_int_equal(sync_seq_check(&s, 9, 500, &gap), SYNC_SEQ_REPLAY);
	assert_int_equal(sync_seq_check(&s, 11, 1, &gap), SYNC_SEQ_RESTARTED);
	assert_int_equal(gap, 0);
	assert_true(s.restarts == 1 && s.replays == 5);
	assert_int_equal(sync_seq_check(&s, 10, 70, &gap), SYNC_SEQ_REPLAY);
	/* A restart whose first messages were lost: those are missing. */
	assert_int_equal(sync_seq_check(&s, 12, 4, &gap), SYNC_SEQ_RESTARTED);
	assert_int_equal(gap, 3);
	assert_int_equal(sync_seq_missing(&s, &last), 1);
	assert_int_equal(last, 3);
	/* A receiver that starts while its peer runs: what came before is not missing (its
	 * bulk update brings the table), and it is not a replay either. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(sync_seq_check(&s, 3, 400, &gap), SYNC_SEQ_NEW);
	assert_int_equal(gap, 0);
	assert_int_equal(sync_seq_missing(&s, &last), 0);
	assert_int_equal(sync_seq_check(&s, 3, 399, &gap), SYNC_SEQ_REPLAY);
	assert_int_equal(sync_seq_check(&s, 3, 401, &gap), SYNC_SEQ_NEW);
}

static void
test_export_import_keeps_times_relative(void **state)
{
	struct flt_state st, back;
	struct sync_state_rec r = rec(40000), r2;

	(void)state;
	sync_state_import(&st, &r, 100 * SEC, true);
	assert_true(st.created_ns == 95 * SEC);
	assert_true(st.last_ns == 100 * SEC - 20000000ull);
	assert_int_equal(st.rule, 3);
	sync_state_export(&st, 100 * SEC, &r2);
	assert_memory_equal(&r2, &r, sizeof(r));
	sync_state_import(&back, &r, 100 * SEC, false); /* other rules: no rule number */
	assert_int_equal(back.rule, FLT_STATE_RULE_DEFAULT);
}

/* opnsense/src#327: the peer's copy has an older window for one direction. */
static void
test_merge_never_rolls_a_window_back(void **state)
{
	struct flt_state st;
	struct sync_state_rec r = rec(22), in;

	(void)state;
	r.peer[0].seqlo = 1000;
	r.peer[1].seqlo = 3016315118u;
	r.peer[1].seqhi = 3016380000u;
	sync_state_import(&st, &r, 10 * SEC, true);
	in = r;
	in.peer[0].seqlo = 2000;          /* newer: taken */
	in.peer[0].seqhi = 70000;
	in.peer[1].seqlo = 3016208802u;   /* 106 316 behind: kept ours, whole */
	in.peer[1].seqhi = 3016999999u;
	in.packets[0] = 5;                /* fewer than ours: ours stays */
	in.bytes[1] = 99999999999ull + 1;
	in.idle_ms = 0;
	assert_int_equal(sync_state_merge(&st, &in, 20 * SEC), 1);
	assert_int_equal(st.peer[0].seqlo, 2000);
	assert_int_equal(st.peer[0].seqhi, 70000);
	assert_true(st.peer[1].seqlo == 3016315118u && st.peer[1].seqhi == 3016380000u);
	assert_true(st.packets[0] == 10 && st.bytes[1] == 99999999999ull + 1);
	assert_true(st.last_ns == 20 * SEC); /* refreshed: one direction was taken */
	/* Across the wrap of sequence space: 10 after 2^32 - 10 is ahead. */
	st.peer[0].seqlo = 0xfffffff6u;
	in.peer[0].seqlo = 10;
	in.peer[1] = st.peer[1];
	assert_int_equal(sync_state_merge(&st, &in, 20 * SEC), 0);
	assert_int_equal(st.peer[0].seqlo, 10);
	/* A higher TCP state here wins; both directions ours: nothing taken, not even the
	 * refresh or the timeout class. */
	st.peer[0].state = st.peer[1].state = FLT_TCPS_TIME_WAIT;
	st.timeout = FLT_TO_TCP_CLOSED;
	in.peer[0].seqlo = 50;
	in.idle_ms = 0;
	in.timeout = FLT_TO_TCP_ESTABLISHED;
	assert_int_equal(sync_state_merge(&st, &in, 30 * SEC), 2);
	assert_int_equal(st.peer[0].seqlo, 10);
	assert_int_equal(st.timeout, FLT_TO_TCP_CLOSED);
	assert_true(st.last_ns == 20 * SEC);
}

/* Of two different directions exactly one is newer: else two nodes would each send the
 * other its copy for ever. Random pairs, near and across the wrap, with seqlo 0. */
static void
test_newer_is_an_order(void **state)
{
	static const uint8_t states[] = { FLT_TCPS_CLOSED, FLT_TCPS_SYN_SENT, FLT_TCPS_ESTABLISHED,
					  FLT_TCPS_CLOSING, FLT_TCPS_FIN_WAIT_2, FLT_TCPS_TIME_WAIT };
	uint32_t x = 12345;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		struct flt_tcp_peer a = { 0 }, b = { 0 };
		uint32_t r;

		x = x * 1103515245u + 12345u;
		r = x;
		a.state = states[r % 6];
		b.state = states[(r >> 3) % 6];
		x = x * 1103515245u + 12345u;
		a.seqlo = (r & 0x100) ? 0 : x;
		x = x * 1103515245u + 12345u;
		b.seqlo = (r & 0x200) ? 0 : (r & 0x400) ? a.seqlo + (x % 5) - 2 : x;
		for (int tcp = 0; tcp < 2; tcp++) {
			bool ab = sync_peer_newer(&a, &b, tcp), ba = sync_peer_newer(&b, &a, tcp);
			bool same = a.state == b.state && (!tcp || a.seqlo == b.seqlo);

			assert_false(ab && ba);
			assert_true(same || ab || ba);
		}
	}
	/* The case that stormed: a responder not heard yet here, its ISN above 2^31 there. */
	{
		struct flt_tcp_peer here = { 0, 0, 0, FLT_TCPS_CLOSED, 0 };
		struct flt_tcp_peer there = { 0x9abcdef0u, 0x9abdef00u, 65535, FLT_TCPS_ESTABLISHED, 0 };

		assert_true(sync_peer_newer(&there, &here, true));
		assert_false(sync_peer_newer(&here, &there, true));
		here.state = FLT_TCPS_ESTABLISHED; /* the same state, nothing seen: behind */
		assert_true(sync_peer_newer(&there, &here, true));
		assert_false(sync_peer_newer(&here, &there, true));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_round_trips),
		cmocka_unit_test(test_writer_stops_at_its_buffer),
		cmocka_unit_test(test_any_flipped_bit_or_another_key_fails_the_mac),
		cmocka_unit_test(test_bad_headers_are_named),
		cmocka_unit_test(test_sections_of_a_later_version_and_bad_ones),
		cmocka_unit_test(test_impossible_values_are_refused),
		cmocka_unit_test(test_digest_elements_round_trip_and_bad_slices_are_refused),
		cmocka_unit_test(test_digest_slices_compare_and_complete),
		cmocka_unit_test(test_defer_flag_and_iack_round_trip),
		cmocka_unit_test(test_seq_order_gaps_late_and_replays),
		cmocka_unit_test(test_export_import_keeps_times_relative),
		cmocka_unit_test(test_merge_never_rolls_a_window_back),
		cmocka_unit_test(test_newer_is_an_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
