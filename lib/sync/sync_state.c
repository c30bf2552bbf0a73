/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "sync_state.h"

#define NS_PER_MS 1000000ull

static uint32_t
ms_since(uint64_t now, uint64_t then)
{
	uint64_t ms = now > then ? (now - then) / NS_PER_MS : 0;

	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static uint64_t
ns_before(uint64_t now, uint32_t ms)
{
	uint64_t ns = (uint64_t)ms * NS_PER_MS;

	return ns < now ? now - ns : 0;
}

void
sync_state_export(const struct flt_state *st, uint64_t now, struct sync_state_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->key = st->key;
	r->init_side = st->init_side;
	r->timeout = st->timeout;
	r->rule = st->rule;
	r->age_ms = ms_since(now, st->created_ns);
	r->idle_ms = ms_since(now, st->last_ns);
	for (int d = 0; d < 2; d++) {
		r->peer[d] = st->peer[d];
		r->packets[d] = st->packets[d];
		r->bytes[d] = st->bytes[d];
	}
}

void
sync_state_import(struct flt_state *st, const struct sync_state_rec *r, uint64_t now,
		  bool rules_match)
{
	memset(st, 0, sizeof(*st));
	st->key = r->key;
	st->init_side = r->init_side;
	st->timeout = r->timeout;
	st->rule = rules_match ? r->rule : FLT_STATE_RULE_DEFAULT;
	st->created_ns = ns_before(now, r->age_ms);
	st->last_ns = ns_before(now, r->idle_ms);
	for (int d = 0; d < 2; d++) {
		st->peer[d] = r->peer[d];
		st->packets[d] = r->packets[d];
		st->bytes[d] = r->bytes[d];
	}
}

/*
 * Whether our direction @p mine is newer than the peer's @p theirs: a later state, or the
 * same state with its lowest sequence number ahead (0 is "nothing seen yet", behind any
 * other). pfsync_upd_tcp asks "our state higher, or else our seqlo ahead", which is not
 * an order: a higher state with a seqlo that looks behind (an ISN above 2^31 against 0)
 * is newer from both ends, and two nodes that send back what they find older send it
 * for ever (a storm this test bed saw with 1000 connections). Here exactly one of two
 * different directions is newer.
 */
bool
sync_peer_newer(const struct flt_tcp_peer *mine, const struct flt_tcp_peer *theirs, bool tcp)
{
	if (mine->state != theirs->state)
		return mine->state > theirs->state;
	if (!tcp || mine->seqlo == theirs->seqlo)
		return false;
	if (mine->seqlo == 0 || theirs->seqlo == 0)
		return theirs->seqlo == 0;
	return (int32_t)(mine->seqlo - theirs->seqlo) > 0;
}

unsigned int
sync_state_merge(struct flt_state *st, const struct sync_state_rec *r, uint64_t now)
{
	bool tcp = st->key.proto == FLT_PROTO_TCP;
	unsigned int newer = 0;

	for (int d = 0; d < 2; d++) {
		if (sync_peer_newer(&st->peer[d], &r->peer[d], tcp))
			newer++;
		else
			st->peer[d] = r->peer[d]; /* the whole direction, or none of it */
		if (r->packets[d] > st->packets[d])
			st->packets[d] = r->packets[d];
		if (r->bytes[d] > st->bytes[d])
			st->bytes[d] = r->bytes[d];
	}
	if (newer < 2) {
		uint64_t last = ns_before(now, r->idle_ms);

		st->timeout = r->timeout;
		if (last > st->last_ns)
			st->last_ns = last;
	}
	return newer;
}
