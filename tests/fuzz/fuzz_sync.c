/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the state sync decoder (sync_wire.h, sync_auth.h), the merge rules and
 * the replay window. An input is read three ways:
 *   - as a datagram, as the sync lcore gets one: header, MAC, sections; a forged MAC never
 *     passes (the key is one the fuzzer does not have);
 *   - as the sections of a message the harness signs, so that every section and element
 *     is decoded: each item read is written again and read back the same (nothing the
 *     decoder accepts is something the encoder cannot say), and every state read merges
 *     into the one before it without a counter going down or a refused direction moving;
 *   - as (epoch, seq) pairs for one peer's window: no number is accepted twice in a run,
 *     and no message of an older run is;
 *   - as a signed message from a peer of a running engine (lib/sync/sync_engine.c) with
 *     a small table: whatever it holds (requests, bulk markers, NACKs, states), the table
 *     never holds more than its room, and what the engine sends back is well formed.
 * Each is given an exact-size copy, so that a read past the end is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "carp_bytes.h"
#include "sync_auth.h"
#include "sync_engine.h"
#include "sync_seq.h"
#include "sync_state.h"

#define check(ok) \
	do { \
		if (!(ok)) \
			abort(); \
	} while (0)

static struct sync_auth *auth;

static void
roundtrip(const struct sync_item *it)
{
	static const struct sync_hdr h = { .node = 1, .epoch = 1, .seq = 1 };
	uint8_t buf[512];
	struct sync_writer w;
	struct sync_reader r;
	struct sync_hdr hh;
	struct sync_item back;
	bool more;
	size_t len;

	sync_writer_begin(&w, buf, sizeof(buf), &h);
	check(sync_writer_add(&w, it));
	len = sync_writer_end(&w);
	check(sync_auth_sign(auth, buf, len));
	check(sync_msg_open(auth, buf, len + SYNC_MAC_LEN, &hh, &r) == SYNC_OK);
	check(sync_reader_next(&r, &back, &more) == SYNC_OK && more);
	check(back.type == it->type);
	if (it->type == SYNC_T_INS || it->type == SYNC_T_UPD)
		check(memcmp(&back.st, &it->st, sizeof(it->st)) == 0);
	else if (it->type == SYNC_T_DEL || it->type == SYNC_T_REQ)
		check(memcmp(&back.key, &it->key, sizeof(it->key)) == 0);
}

/* Merge @p r into @p st: counters never fall; a direction kept is kept whole. */
static void
merge(struct flt_state *st, const struct sync_state_rec *r)
{
	struct flt_state before = *st;
	unsigned int newer;

	if (memcmp(&st->key, &r->key, sizeof(r->key)) != 0)
		return;
	newer = sync_state_merge(st, r, 1000000000000ull);
	check(newer <= 2);
	for (int d = 0; d < 2; d++) {
		check(st->packets[d] >= before.packets[d] && st->bytes[d] >= before.bytes[d]);
		check(memcmp(&st->peer[d], &before.peer[d], sizeof(st->peer[d])) == 0 ||
		      memcmp(&st->peer[d], &r->peer[d], sizeof(st->peer[d])) == 0);
	}
	if (newer == 2)
		check(st->last_ns == before.last_ns && st->timeout == before.timeout);
	check(st->last_ns >= before.last_ns);
}

static void
as_sections(const uint8_t *data, size_t size)
{
	static const struct sync_hdr h = { .node = 2, .epoch = 3, .seq = 4 };
	uint8_t *buf = malloc(SYNC_MSG_MAX);
	struct sync_writer w;
	struct sync_reader r;
	struct sync_hdr hh;
	struct sync_item it;
	struct flt_state st;
	bool more = true, have = false;
	size_t len;

	check(buf != NULL);
	if (size > SYNC_MSG_MAX - SYNC_MSG_MIN)
		size = SYNC_MSG_MAX - SYNC_MSG_MIN;
	sync_writer_begin(&w, buf, SYNC_MSG_MAX, &h);
	memcpy(buf + SYNC_HDR_LEN, data, size);
	w.len += size;
	len = sync_writer_end(&w);
	check(sync_auth_sign(auth, buf, len));
	/* Exactly the message, so ASan sees a read past its end. */
	{
		uint8_t *m = malloc(len + SYNC_MAC_LEN);

		check(m != NULL);
		memcpy(m, buf, len + SYNC_MAC_LEN);
		check(sync_msg_open(auth, m, len + SYNC_MAC_LEN, &hh, &r) == SYNC_OK);
		for (unsigned int n = 0; n < 4096 && more; n++) {
			enum sync_err e = sync_reader_next(&r, &it, &more);

			check(e < SYNC_ERR_COUNT);
			if (e != SYNC_OK || !more)
				break;
			roundtrip(&it);
			if (it.type != SYNC_T_INS && it.type != SYNC_T_UPD)
				continue;
			if (!have)
				sync_state_import(&st, &it.st, 1000000000000ull, n & 1);
			else
				merge(&st, &it.st);
			have = true;
		}
		free(m);
	}
	free(buf);
}

static void
as_seq(const uint8_t *data, size_t size)
{
	struct sync_seq s = { 0 };
	uint32_t accepted[64], n_acc = 0, run = 0;
	bool have = false;

	for (size_t i = 0; i + 8 <= size && i < 8 * 256; i += 8) {
		/* Small numbers, so runs and windows meet. */
		uint32_t epoch = carp_rd32(data + i) % 4, seq = carp_rd32(data + i + 4) % 200, gap;
		enum sync_seq_verdict v = sync_seq_check(&s, epoch, seq, &gap);

		if (v == SYNC_SEQ_REPLAY)
			continue;
		check(!have || epoch >= run);
		if (!have || epoch > run)
			n_acc = 0;
		for (uint32_t k = 0; k < n_acc; k++)
			check(accepted[k] != seq);
		if (n_acc < 64)
			accepted[n_acc++] = seq;
		run = epoch;
		have = true;
		check(s.late <= s.lost);
	}
}

/* A table of 64 states for the engine. */
static struct flt_state tbl[64];
static bool used[64];

static int
slot_of(const struct flt_key *k)
{
	for (int i = 0; i < 64; i++)
		if (used[i] && memcmp(&tbl[i].key, k, sizeof(*k)) == 0)
			return i;
	return -1;
}

static bool
t_get(void *ctx, const struct flt_key *k, uint64_t now, struct sync_state_rec *r)
{
	int i = slot_of(k);

	(void)ctx;
	if (i < 0)
		return false;
	sync_state_export(&tbl[i], now, r);
	return true;
}

static int
t_apply(void *ctx, const struct sync_state_rec *r, uint64_t now, bool match, bool replace)
{
	int i = slot_of(&r->key);

	(void)ctx;
	if (i >= 0 && !replace)
		return (int)sync_state_merge(&tbl[i], r, now);
	for (int j = 0; i < 0 && j < 64; j++)
		if (!used[j])
			i = j;
	if (i < 0)
		return -1;
	sync_state_import(&tbl[i], r, now, match);
	used[i] = true;
	return 0;
}

static void
t_remove(void *ctx, const struct flt_key *k)
{
	int i = slot_of(k);

	(void)ctx;
	if (i >= 0)
		used[i] = false;
}

static bool
t_walk(void *ctx, uint64_t *pos, uint64_t now, struct sync_state_rec *r)
{
	(void)ctx;
	for (; *pos < 64; (*pos)++)
		if (used[*pos]) {
			sync_state_export(&tbl[(*pos)++], now, r);
			return true;
		}
	return false;
}

static bool
t_walk_key(void *ctx, uint64_t *pos, uint64_t now, struct flt_key *key, uint32_t *age_ms,
	   uint32_t *left_ms)
{
	(void)ctx;
	for (; *pos < 64; (*pos)++)
		if (used[*pos]) {
			const struct flt_state *st = &tbl[(*pos)++];

			*key = st->key;
			*age_ms = now > st->created_ns ? (uint32_t)((now - st->created_ns) / 1000000) : 0;
			*left_ms = 60000;
			return true;
		}
	return false;
}

static uint32_t
t_count(void *ctx)
{
	uint32_t n = 0;

	(void)ctx;
	for (int i = 0; i < 64; i++)
		n += used[i];
	return n;
}

/* What the engine sends is a message its own kind reads back. */
static void
io_send(void *ctx, const uint8_t *buf, size_t len)
{
	struct sync_hdr h;
	struct sync_reader r;
	struct sync_item it;
	bool more = true;

	(void)ctx;
	check(sync_msg_open(auth, buf, len, &h, &r) == SYNC_OK);
	while (more)
		check(sync_reader_next(&r, &it, &more) == SYNC_OK);
}

static void
io_demote(void *ctx, enum sync_demote d, bool on, const char *why)
{
	(void)ctx;
	(void)d;
	(void)on;
	(void)why;
}

static void
as_peer_message(const uint8_t *data, size_t size)
{
	static const struct sync_table_ops tops = { t_get,  t_apply, t_remove,
						    t_walk, t_count, t_walk_key };
	static const struct sync_io_ops iops = { io_send, io_demote, NULL };
	static struct sync_engine *e;
	static uint64_t now = 1000000000000ull;
	static unsigned int runs;
	struct sync_hdr h = { .node = 5, .epoch = 1, .seq = 1 };
	uint8_t *buf = malloc(SYNC_MSG_MAX);
	struct sync_writer w;
	size_t len;

	if (e == NULL) {
		struct sync_params p = { .node = 1, .epoch = 7, .ruleset = 0, .msg_max = 1472,
					 .batch_ns = 1000000, .nack_ns = 1000000,
					 .retry_ns = 10000000, .retries = 3, .pace_ns = 1000000,
					 .pace_msgs = 2, .queue = 256,
					 .digest_ns = 50000000 /* it starts rounds too */ };

		e = sync_engine_new(&p, auth, &tops, &iops, NULL);
		check(e != NULL);
	}
	check(buf != NULL);
	/* The peer, its run and number from the input's first bytes. */
	if (size >= 6) {
		h.node = 2 + data[0] % 3;
		h.epoch = data[1] % 4;
		h.seq = carp_rd32(data + 2) % 300;
		data += 6;
		size -= 6;
	}
	if (size > 1472 - SYNC_MSG_MIN)
		size = 1472 - SYNC_MSG_MIN;
	sync_writer_begin(&w, buf, SYNC_MSG_MAX, &h);
	memcpy(buf + SYNC_HDR_LEN, data, size);
	w.len += size;
	len = sync_writer_end(&w);
	check(sync_auth_sign(auth, buf, len));
	if (++runs % 512 == 0)
		sync_engine_start(e, now);
	sync_engine_input(e, buf, len + SYNC_MAC_LEN, now);
	now += 700000;
	sync_engine_poll(e, now);
	check(t_count(NULL) <= 64);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[32] = "fuzz-sync-key-0123456789abcdef!!";
	struct sync_hdr h;
	struct sync_reader r;
	uint8_t *copy;

	if (auth == NULL && (auth = sync_auth_new(key, sizeof(key))) == NULL)
		abort();
	copy = malloc(size ? size : 1);
	check(copy != NULL);
	memcpy(copy, data, size);
	/* A datagram from the wire: nobody without the key gets past the MAC. */
	check(sync_msg_open(auth, copy, size, &h, &r) != SYNC_OK);
	free(copy);
	as_sections(data, size);
	as_seq(data, size);
	as_peer_message(data, size);
	return 0;
}
