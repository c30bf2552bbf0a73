/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "sync_engine.h"

/* NACKs for one gap, at most: after them, the gap is left to the next bulk or digest. */
#define NACK_TRIES 3
/* The states one message holds, for a message of @p max bytes. */
#define STATES_PER_MSG(max) \
	(((max) - SYNC_HDR_LEN - SYNC_SECTION_LEN - SYNC_MAC_LEN) / sync_type_len(SYNC_T_UPD))

/* Keys a digest walk looks at per pace_ns: a million states in a quarter of a second. */
#define DIGEST_KEYS_PER_TICK 4096

struct peer {
	bool used;
	uint32_t node;
	struct sync_seq seq;
	uint64_t nack_at; /* 0: no gap to ask for */
	unsigned int nack_tries;
	struct sync_digest *dg; /* its digest of the current round, once it sent one */
	uint32_t compared;      /* the last round whose digests were compared (0: none) */
	bool have_prev;
	uint64_t prev[SYNC_DIGEST_WORDS]; /* slices that differed the round before */
};

/* This node's walk of a digest round, and the push of the slices found to differ. */
struct digest_walk {
	bool active, done; /* walking; walked and sent */
	uint64_t pos, t0, next_at;
};

struct repair_tx {
	bool active, have;
	uint64_t pos, next_at;
	uint64_t mask[SYNC_DIGEST_WORDS];
	struct sync_state_rec rec;
};

struct pend {
	struct flt_key key;
	uint8_t kind; /* SYNC_T_INS/UPD/DEL, or 0: cancelled */
	bool ack;     /* defer mode: the peers are asked to acknowledge it */
};

struct kept {
	uint32_t epoch, seq;
	uint16_t len;
	uint8_t *buf;
};

struct bulk_tx {
	bool active, again, started, have;
	uint32_t bulk_id, again_id, sent;
	uint64_t pos, next_at;
	struct sync_state_rec rec; /* walked, not yet written */
};

struct sync_engine {
	struct sync_params p;
	struct sync_auth *auth;
	struct sync_table_ops t;
	struct sync_io_ops io;
	void *ctx;
	uint32_t epoch, seq;
	struct peer peer[SYNC_PEERS_MAX];
	/* The queue: slots in order, and an index of their keys (generation << 16 | slot). */
	struct pend *q;
	unsigned int nq;
	uint64_t q_since;
	uint32_t *idx;
	unsigned int idx_mask;
	uint16_t gen;
	struct kept kept[SYNC_RESEND];
	struct bulk_tx tx;
	enum sync_bulk_state rx;
	unsigned int rx_tries;
	uint64_t rx_at; /* REQUESTED: next request; RECEIVING: the bound */
	bool demoted[2];
	bool link_up;
	uint8_t *buf; /* the message being written */
	struct sync_writer w;
	struct sync_digest *own; /* this node's digest of the current round */
	struct digest_walk dw;
	struct repair_tx rep;
	uint32_t round;      /* the last round this node started */
	uint64_t next_round; /* when it starts the next, 0: not yet set */
	struct sync_stats st;
};

static void begin(struct sync_engine *e);

static void
demote(struct sync_engine *e, enum sync_demote d, bool on, const char *why)
{
	if (e->demoted[d] == on)
		return;
	e->demoted[d] = on;
	e->io.demote(e->ctx, d, on, why);
}

struct sync_engine *
sync_engine_new(const struct sync_params *p, struct sync_auth *auth,
		const struct sync_table_ops *t, const struct sync_io_ops *io, void *ctx)
{
	struct sync_engine *e;
	unsigned int slots = 1;

	if (p->node == 0 || p->msg_max < SYNC_MSG_MIN + SYNC_SECTION_LEN + 112 ||
	    p->msg_max > SYNC_MSG_MAX || p->queue == 0 || p->queue > UINT16_MAX ||
	    p->pace_msgs == 0 || auth == NULL)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	while (slots < 2 * p->queue)
		slots <<= 1;
	e->p = *p;
	e->auth = auth;
	e->t = *t;
	e->io = *io;
	e->ctx = ctx;
	e->epoch = p->epoch;
	e->seq = 1;
	e->gen = 1;
	e->link_up = true;
	e->q = calloc(p->queue, sizeof(*e->q));
	e->idx = calloc(slots, sizeof(*e->idx));
	e->idx_mask = slots - 1;
	e->buf = malloc(p->msg_max);
	e->kept[0].buf = malloc(SYNC_RESEND * p->msg_max);
	e->own = calloc(1, sizeof(*e->own));
	/* Round numbers from the run's epoch: a restarted node's never repeat its last's. */
	e->round = p->epoch;
	if (e->q == NULL || e->idx == NULL || e->buf == NULL || e->kept[0].buf == NULL ||
	    e->own == NULL) {
		sync_engine_free(e);
		return NULL;
	}
	for (int i = 1; i < SYNC_RESEND; i++)
		e->kept[i].buf = e->kept[0].buf + (size_t)i * p->msg_max;
	begin(e);
	return e;
}

void
sync_engine_free(struct sync_engine *e)
{
	if (e == NULL)
		return;
	free(e->q);
	free(e->idx);
	free(e->buf);
	free(e->kept[0].buf);
	free(e->own);
	for (int i = 0; i < SYNC_PEERS_MAX; i++)
		free(e->peer[i].dg);
	free(e);
}

/* Messages: one being written at a time, sent when full or when asked. */

static void
begin(struct sync_engine *e)
{
	struct sync_hdr h = { .node = e->p.node, .epoch = e->epoch, .seq = e->seq,
			      .ruleset = e->p.ruleset };

	sync_writer_begin(&e->w, e->buf, e->p.msg_max, &h);
}

static void
emit(struct sync_engine *e)
{
	size_t len;
	struct kept *k;

	if (e->w.items == 0)
		return;
	len = sync_writer_end(&e->w);
	if (!sync_auth_sign(e->auth, e->buf, len)) {
		e->st.send_failed++; /* OpenSSL out of memory: the message is lost, counted */
		begin(e);
		return;
	}
	len += SYNC_MAC_LEN;
	e->io.send(e->ctx, e->buf, len);
	e->st.msgs_out++;
	e->st.bytes_out += len;
	k = &e->kept[e->seq % SYNC_RESEND];
	k->epoch = e->epoch;
	k->seq = e->seq;
	k->len = (uint16_t)len;
	memcpy(k->buf, e->buf, len);
	/* Numbers run out in days at 10 000 messages a second: a new run then. */
	if (++e->seq == 0) {
		e->epoch++;
		e->seq = 1;
	}
	begin(e);
}

/* Add @p it to the message being written, sending it first when it is full. */
static void
add(struct sync_engine *e, const struct sync_item *it)
{
	if (sync_writer_add(&e->w, it))
		return;
	emit(e);
	(void)sync_writer_add(&e->w, it); /* always fits an empty message */
}

static void
send_now(struct sync_engine *e, const struct sync_item *it)
{
	add(e, it);
	emit(e);
}

/* The queue of changes. */

static uint32_t
key_hash(const struct flt_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* The slot of @p key in the queue, or -1; @p *at: where in the index it is or would go. */
static int
find(const struct sync_engine *e, const struct flt_key *key, unsigned int *at)
{
	unsigned int i = key_hash(key) & e->idx_mask;

	for (;; i = (i + 1) & e->idx_mask) {
		uint32_t v = e->idx[i];

		if (v >> 16 != e->gen) {
			*at = i;
			return -1;
		}
		if (memcmp(&e->q[v & 0xffff].key, key, sizeof(*key)) == 0) {
			*at = i;
			return (int)(v & 0xffff);
		}
	}
}

static void
flush_queue(struct sync_engine *e, uint64_t now)
{
	for (unsigned int i = 0; i < e->nq; i++) {
		struct pend *pe = &e->q[i];
		struct sync_item it = { .type = (enum sync_type)pe->kind };

		if (pe->kind == 0)
			continue;
		if (pe->kind != SYNC_T_DEL && !e->t.get(e->ctx, &pe->key, now, &it.st))
			it.type = SYNC_T_DEL; /* gone before it was sent */
		if (it.type == SYNC_T_DEL)
			it.key = pe->key;
		else if (pe->ack)
			it.st.flags |= SYNC_REC_ACK;
		e->st.ins_out += it.type == SYNC_T_INS;
		e->st.upd_out += it.type == SYNC_T_UPD;
		e->st.del_out += it.type == SYNC_T_DEL;
		add(e, &it);
	}
	emit(e);
	e->nq = 0;
	if (++e->gen == 0) { /* the index's generations wrapped: clear it once */
		memset(e->idx, 0, (e->idx_mask + 1) * sizeof(*e->idx));
		e->gen = 1;
	}
}

void
sync_engine_queue(struct sync_engine *e, enum sync_type kind, const struct flt_key *key,
		  uint64_t now)
{
	unsigned int at;
	int s = find(e, key, &at);

	if (s >= 0) {
		struct pend *pe = &e->q[s];

		if (pe->kind == SYNC_T_INS && kind == SYNC_T_UPD)
			return; /* still news to the peers: an INS, with what is then */
		if ((pe->kind == SYNC_T_INS || pe->kind == 0) && kind == SYNC_T_DEL)
			pe->kind = 0; /* made and gone before anyone heard of it */
		else
			pe->kind = (uint8_t)kind;
		return;
	}
	if (e->nq == e->p.queue) {
		e->st.queue_full++;
		return;
	}
	if (e->nq == 0)
		e->q_since = now;
	e->q[e->nq].key = *key;
	e->q[e->nq].kind = (uint8_t)kind;
	e->q[e->nq].ack = false;
	e->idx[at] = (uint32_t)e->gen << 16 | e->nq;
	e->nq++;
	if (e->nq >= STATES_PER_MSG(e->p.msg_max))
		flush_queue(e, now); /* a message's worth: it leaves now */
}

void
sync_engine_queue_ack(struct sync_engine *e, const struct flt_key *key, uint64_t now)
{
	unsigned int at;
	int s = find(e, key, &at);

	if (s < 0) {
		if (e->nq == e->p.queue) {
			e->st.queue_full++;
			return;
		}
		if (e->nq == 0)
			e->q_since = now;
		s = (int)e->nq++;
		e->q[s].key = *key;
		e->idx[at] = (uint32_t)e->gen << 16 | (uint32_t)s;
	}
	e->q[s].kind = SYNC_T_INS; /* made anew, whatever was queued of it */
	e->q[s].ack = true;
}

void
sync_engine_flush(struct sync_engine *e, uint64_t now)
{
	if (e->nq)
		flush_queue(e, now);
}

/* Bulk update, the receiving side. */

static void
bulk_request(struct sync_engine *e, uint64_t now)
{
	struct sync_item it = { .type = SYNC_T_REQ }; /* the all-zero key: everything */

	send_now(e, &it);
	e->rx_at = now + e->p.retry_ns;
}

void
sync_engine_start(struct sync_engine *e, uint64_t now)
{
	demote(e, SYNC_DEMOTE_BULK, true, "bulk update: waiting for the peers' states");
	e->rx = SYNC_BULK_REQUESTED;
	e->rx_tries = 1;
	bulk_request(e, now);
}

static void
bulk_done(struct sync_engine *e, const char *why)
{
	e->rx = SYNC_BULK_IDLE;
	demote(e, SYNC_DEMOTE_BULK, false, why);
}

void
sync_engine_link(struct sync_engine *e, bool up, uint64_t now)
{
	if (up == e->link_up)
		return;
	e->link_up = up;
	if (!up) {
		demote(e, SYNC_DEMOTE_LINK, true, "sync link down");
		return;
	}
	demote(e, SYNC_DEMOTE_LINK, false, "sync link up");
	sync_engine_start(e, now); /* what changed meanwhile is not known here */
}

static void
bus_in(struct sync_engine *e, const struct sync_bus *b, uint64_t now)
{
	if (b->bulk_id != e->epoch)
		return; /* another node's transfer */
	if (b->status == SYNC_BUS_START && e->rx == SYNC_BULK_REQUESTED) {
		uint64_t per_tick = (uint64_t)STATES_PER_MSG(e->p.msg_max) * e->p.pace_msgs;
		uint64_t need = (b->count / per_tick + 1) * e->p.pace_ns;

		e->rx = SYNC_BULK_RECEIVING;
		e->rx_at = now + (4 * need > e->p.retry_ns ? 4 * need : e->p.retry_ns);
	} else if (b->status == SYNC_BUS_END && e->rx != SYNC_BULK_IDLE) {
		e->st.bulks_in++;
		bulk_done(e, "bulk update done");
	}
}

/* Bulk update, the sending side. */

static void
bulk_send_start(struct sync_engine *e, uint32_t bulk_id, uint64_t now)
{
	if (e->tx.active) {
		e->tx.again = true; /* one more when this one ends */
		e->tx.again_id = bulk_id;
		return;
	}
	memset(&e->tx, 0, sizeof(e->tx));
	e->tx.active = true;
	e->tx.bulk_id = bulk_id;
	e->tx.next_at = now;
}

static void
bulk_send_tick(struct sync_engine *e, uint64_t now)
{
	struct bulk_tx *tx = &e->tx;

	emit(e); /* nothing else in the bulk's messages */
	for (unsigned int m = 0; m < e->p.pace_msgs && tx->active; m++) {
		if (!tx->started) {
			struct sync_item it = { .type = SYNC_T_BUS,
						.bus = { SYNC_BUS_START, tx->bulk_id,
							 e->t.count(e->ctx) } };

			add(e, &it);
			tx->started = true;
		}
		for (;;) {
			struct sync_item it = { .type = SYNC_T_UPD };

			if (!tx->have && !e->t.walk(e->ctx, &tx->pos, now, &tx->rec)) {
				struct sync_item end = { .type = SYNC_T_BUS,
							 .bus = { SYNC_BUS_END, tx->bulk_id,
								  tx->sent } };

				add(e, &end);
				tx->active = false;
				e->st.bulks_out++;
				break;
			}
			tx->have = true;
			it.st = tx->rec;
			if (!sync_writer_add(&e->w, &it))
				break; /* this one opens the next message */
			tx->have = false;
			tx->sent++;
			e->st.bulk_states_out++;
		}
		emit(e);
	}
	tx->next_at = now + e->p.pace_ns;
	if (!tx->active && tx->again) {
		uint32_t id = tx->again_id;

		tx->again = false;
		bulk_send_start(e, id, now + e->p.pace_ns);
	}
}

/* Receiving. */

static struct peer *
peer_of(struct sync_engine *e, uint32_t node)
{
	struct peer *free_slot = NULL;

	for (int i = 0; i < SYNC_PEERS_MAX; i++) {
		if (e->peer[i].used && e->peer[i].node == node)
			return &e->peer[i];
		if (!e->peer[i].used && free_slot == NULL)
			free_slot = &e->peer[i];
	}
	if (free_slot != NULL) {
		memset(free_slot, 0, sizeof(*free_slot));
		free_slot->used = true;
		free_slot->node = node;
	}
	return free_slot;
}

static void
nack_in(struct sync_engine *e, const struct sync_nack *n)
{
	e->st.nacks_in++;
	if (n->epoch != e->epoch)
		return;
	/* At most the messages kept, the newest of them; the older ones are gone. */
	if (n->last - n->first >= SYNC_RESEND)
		e->st.resend_gone += n->last - n->first + 1 - SYNC_RESEND;
	for (uint32_t s = n->last - n->first >= SYNC_RESEND ? n->last - SYNC_RESEND + 1 : n->first;
	     s <= n->last && s != 0; s++) {
		const struct kept *k = &e->kept[s % SYNC_RESEND];

		if (k->seq != s || k->epoch != e->epoch || k->len == 0) {
			e->st.resend_gone++;
		} else {
			e->io.send(e->ctx, k->buf, k->len);
			e->st.resent++;
		}
		if (s == UINT32_MAX)
			break;
	}
}

/* Digests (sync_digest.h). */

static bool
bulk_busy(const struct sync_engine *e)
{
	return e->rx != SYNC_BULK_IDLE || e->tx.active;
}

static void
digest_begin(struct sync_engine *e, uint32_t round, uint64_t now)
{
	sync_digest_reset(e->own, round);
	e->dw = (struct digest_walk){ .active = true, .t0 = now, .next_at = now };
}

/* This node's digest and peer @p pe's of the same round, both whole: compared once. Slices
 * that differed in the round before too are pushed (a difference by chance does not last
 * two rounds; drift does). */
static void
digest_compare(struct sync_engine *e, struct peer *pe, uint64_t now)
{
	uint64_t differ[SYNC_DIGEST_WORDS];
	unsigned int n, repair = 0;
	const struct sync_digest *d = pe->dg;

	if (d == NULL || !e->dw.done || d->round != e->own->round || pe->compared == d->round ||
	    !d->ended || d->n_got != d->end_count)
		return;
	pe->compared = d->round;
	n = sync_digest_diff(e->own, d, differ);
	e->st.digest_rounds++;
	e->st.digest_slices_differ += n;
	for (int w = 0; w < SYNC_DIGEST_WORDS; w++) {
		uint64_t both = pe->have_prev ? differ[w] & pe->prev[w] : 0;

		repair += (unsigned int)__builtin_popcountll(both & ~e->rep.mask[w]);
		e->rep.mask[w] |= both;
		pe->prev[w] = differ[w];
	}
	pe->have_prev = true;
	if (repair == 0)
		return;
	e->st.digest_slices_repaired += repair;
	if (!e->rep.active) { /* else the walk under way takes the new slices from here on */
		e->rep.active = true;
		e->rep.have = false;
		e->rep.pos = 0;
		e->rep.next_at = now;
	}
}

/* Walk on, paced; at the end send the digest: the slices with states, then END. */
static void
digest_walk_tick(struct sync_engine *e, uint64_t now)
{
	uint32_t since = (uint32_t)((now - e->dw.t0) / 1000000u);
	struct sync_item it = { .type = SYNC_T_DGST };
	uint32_t sent = 0;

	for (unsigned int i = 0; i < DIGEST_KEYS_PER_TICK; i++) {
		struct flt_key k;
		uint32_t age, left;

		if (!e->t.walk_key(e->ctx, &e->dw.pos, now, &k, &age, &left)) {
			e->dw.active = false;
			break;
		}
		if (sync_digest_settled(age, left, since))
			sync_digest_add(e->own, &k);
	}
	if (e->dw.active) {
		e->dw.next_at = now + e->p.pace_ns;
		return;
	}
	it.dgst.round = e->own->round;
	for (unsigned int sl = 0; sl < SYNC_DIGEST_SLICES; sl++) {
		if (e->own->count[sl] == 0)
			continue;
		it.dgst.slice = (uint16_t)sl;
		it.dgst.count = e->own->count[sl];
		it.dgst.sum = e->own->sum[sl];
		add(e, &it);
		sent++;
	}
	it.dgst.slice = SYNC_DGST_END;
	it.dgst.count = sent;
	it.dgst.sum = 0;
	send_now(e, &it);
	e->dw.done = true;
	for (int i = 0; i < SYNC_PEERS_MAX; i++)
		if (e->peer[i].used)
			digest_compare(e, &e->peer[i], now);
}

/* Push this node's states of the slices in rep.mask, paced as a bulk transfer. */
static void
repair_tick(struct sync_engine *e, uint64_t now)
{
	struct repair_tx *rp = &e->rep;

	for (unsigned int m = 0; m < e->p.pace_msgs && rp->active; m++) {
		for (;;) {
			struct sync_item it = { .type = SYNC_T_UPD };

			if (!rp->have && !e->t.walk(e->ctx, &rp->pos, now, &rp->rec)) {
				rp->active = false;
				memset(rp->mask, 0, sizeof(rp->mask));
				break;
			}
			if (!sync_digest_bit(rp->mask,
					     sync_digest_slice(sync_key_hash(&rp->rec.key))))
				continue;
			rp->have = true;
			it.st = rp->rec;
			if (!sync_writer_add(&e->w, &it))
				break; /* this one opens the next message */
			rp->have = false;
			e->st.digest_pushed++;
		}
		emit(e);
	}
	rp->next_at = now + e->p.pace_ns;
}

static void
digest_in(struct sync_engine *e, struct peer *pe, const struct sync_dgst *g, uint64_t now)
{
	if (g->slice == SYNC_DGST_START) {
		/* The lowest id starts rounds; one from a higher id is a start that crossed
		 * ours (it had not heard of us yet). No walk during a bulk transfer. */
		if (pe->node > e->p.node || bulk_busy(e) ||
		    ((e->dw.active || e->dw.done) && e->own->round == g->round))
			return;
		digest_begin(e, g->round, now);
		return;
	}
	if (pe->dg == NULL && (pe->dg = calloc(1, sizeof(*pe->dg))) == NULL)
		return; /* no digest from this peer, this round */
	if (pe->dg->round != g->round) {
		if ((pe->dg->n_got != 0 || pe->dg->ended) && pe->compared != pe->dg->round)
			e->st.digest_incomplete++;
		sync_digest_reset(pe->dg, g->round);
	}
	if (sync_digest_take(pe->dg, g->slice, g->count, g->sum))
		digest_compare(e, pe, now);
}

static void
item_in(struct sync_engine *e, const struct sync_hdr *h, struct peer *pe,
	const struct sync_item *it, uint64_t now, bool rules_match)
{
	int rc;

	switch (it->type) {
	case SYNC_T_INS:
	case SYNC_T_UPD:
		if (it->type == SYNC_T_INS) {
			e->st.ins_in++;
			e->st.ins_age_ms[sync_age_bucket(it->st.age_ms)]++;
		} else {
			e->st.upd_in++;
		}
		/* An INS is a state made anew (a port pair reused): it replaces ours. */
		rc = e->t.apply(e->ctx, &it->st, now, rules_match, it->type == SYNC_T_INS);
		if (rc < 0) {
			e->st.no_room++;
			break;
		}
		if (rc > 0 && it->type == SYNC_T_UPD) {
			e->st.stale++; /* ours is newer: the peer learns it */
			sync_engine_queue(e, SYNC_T_UPD, &it->st.key, now);
		}
		if (it->st.flags & SYNC_REC_ACK) {
			/* Its first packet waits on the peer: answered with this message's. */
			struct sync_item ack = { .type = SYNC_T_IACK, .key = it->st.key };

			add(e, &ack);
			e->st.iacks_out++;
		}
		break;
	case SYNC_T_IACK:
		e->st.iacks_in++;
		if (e->io.acked != NULL)
			e->io.acked(e->ctx, &it->key);
		break;
	case SYNC_T_DEL:
		e->st.del_in++;
		e->t.remove(e->ctx, &it->key);
		break;
	case SYNC_T_REQ:
		if (it->key.af == 0) {
			bulk_send_start(e, h->epoch, now);
		} else {
			struct sync_state_rec r;

			e->st.req_in++;
			if (e->t.get(e->ctx, &it->key, now, &r))
				sync_engine_queue(e, SYNC_T_UPD, &it->key, now);
		}
		break;
	case SYNC_T_BUS:
		bus_in(e, &it->bus, now);
		break;
	case SYNC_T_NACK:
		nack_in(e, &it->nack);
		break;
	case SYNC_T_DGST:
		digest_in(e, pe, &it->dgst, now);
		break;
	default:
		break;
	}
}

void
sync_engine_input(struct sync_engine *e, const uint8_t *buf, size_t len, uint64_t now)
{
	struct sync_hdr h;
	struct sync_reader r;
	struct sync_item it;
	struct peer *pe;
	enum sync_err err;
	uint32_t gap;
	uint64_t late;
	bool more = true;

	e->st.msgs_in++;
	e->st.bytes_in += len;
	err = sync_msg_open(e->auth, buf, len, &h, &r);
	if (err != SYNC_OK) {
		e->st.err[err]++;
		return;
	}
	if (h.node == e->p.node)
		return; /* our own, looped back by the group */
	pe = peer_of(e, h.node);
	if (pe == NULL) {
		e->st.peers_full++; /* more nodes than SYNC_PEERS_MAX: not heard */
		return;
	}
	late = pe->seq.late;
	switch (sync_seq_check(&pe->seq, h.epoch, h.seq, &gap)) {
	case SYNC_SEQ_REPLAY:
		e->st.replays++;
		return;
	case SYNC_SEQ_RESTARTED:
		e->st.restarts++;
		pe->nack_at = 0; /* what its last run sent is not asked for again */
		break;
	default:
		break;
	}
	e->st.late += pe->seq.late - late; /* a lost one come after all (a NACK's answer) */
	if (gap) {
		e->st.lost += gap;
		if (pe->nack_at == 0) {
			pe->nack_at = now + e->p.nack_ns;
			pe->nack_tries = 0;
		}
	}
	if (h.ruleset != e->p.ruleset)
		e->st.rulesets_differ++;
	while ((err = sync_reader_next(&r, &it, &more)) == SYNC_OK && more)
		item_in(e, &h, pe, &it, now, h.ruleset == e->p.ruleset);
	if (err != SYNC_OK)
		e->st.err[err]++; /* the rest of it; what came before stands */
	e->st.skipped += r.skipped;
	emit(e); /* the IACKs it asked for, at once */
}

/* The lowest id of the nodes heard from starts the rounds (none alone: nobody to compare
 * with). */
static bool
starts_rounds(const struct sync_engine *e)
{
	bool any = false;

	for (int i = 0; i < SYNC_PEERS_MAX; i++) {
		if (!e->peer[i].used)
			continue;
		if (e->peer[i].node < e->p.node)
			return false;
		any = true;
	}
	return any;
}

static void
digest_poll(struct sync_engine *e, uint64_t now, uint64_t *next)
{
	if (e->p.digest_ns != 0) {
		if (e->next_round == 0)
			e->next_round = now + e->p.digest_ns;
		if (now >= e->next_round && !e->dw.active && !e->rep.active && !bulk_busy(e) &&
		    starts_rounds(e)) {
			struct sync_item it = { .type = SYNC_T_DGST,
						.dgst = { .round = ++e->round,
							  .slice = SYNC_DGST_START } };

			send_now(e, &it);
			digest_begin(e, e->round, now);
		}
		if (now >= e->next_round)
			e->next_round = now + e->p.digest_ns;
		if (e->next_round < *next)
			*next = e->next_round;
	}
	if (e->dw.active) {
		if (now >= e->dw.next_at)
			digest_walk_tick(e, now);
		if (e->dw.active && e->dw.next_at < *next)
			*next = e->dw.next_at;
	}
	if (e->rep.active && !e->tx.active) { /* a bulk transfer first */
		if (now >= e->rep.next_at)
			repair_tick(e, now);
		if (e->rep.active && e->rep.next_at < *next)
			*next = e->rep.next_at;
	}
}

uint64_t
sync_engine_poll(struct sync_engine *e, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	if (e->nq && now >= e->q_since + e->p.batch_ns)
		flush_queue(e, now);
	if (e->nq && e->q_since + e->p.batch_ns < next)
		next = e->q_since + e->p.batch_ns;
	for (int i = 0; i < SYNC_PEERS_MAX; i++) {
		struct peer *pe = &e->peer[i];
		uint32_t first, last;

		if (!pe->used || pe->nack_at == 0)
			continue;
		if (now >= pe->nack_at) {
			first = sync_seq_missing(&pe->seq, &last);
			if (first == 0 || pe->nack_tries == NACK_TRIES) {
				pe->nack_at = 0;
				continue;
			}
			{
				struct sync_item it = { .type = SYNC_T_NACK,
							.nack = { pe->seq.epoch, first, last } };

				send_now(e, &it);
			}
			e->st.nacks_out++;
			pe->nack_tries++;
			pe->nack_at = now + e->p.nack_ns;
		}
		if (pe->nack_at < next)
			next = pe->nack_at;
	}
	if (e->tx.active) {
		if (now >= e->tx.next_at)
			bulk_send_tick(e, now);
		if (e->tx.active && e->tx.next_at < next)
			next = e->tx.next_at;
	}
	if (e->rx == SYNC_BULK_REQUESTED && now >= e->rx_at) {
		if (e->rx_tries < e->p.retries) {
			e->rx_tries++;
			bulk_request(e, now);
		} else {
			e->st.bulk_unanswered++;
			bulk_done(e, "bulk update: no peer answered");
		}
	} else if (e->rx == SYNC_BULK_RECEIVING && now >= e->rx_at) {
		e->st.bulk_timeouts++;
		bulk_done(e, "bulk update: timed out");
	}
	if (e->rx != SYNC_BULK_IDLE && e->rx_at < next)
		next = e->rx_at;
	digest_poll(e, now, &next);
	return next;
}

const struct sync_stats *
sync_engine_stats(const struct sync_engine *e)
{
	return &e->st;
}

enum sync_bulk_state
sync_engine_bulk_state(const struct sync_engine *e)
{
	return e->rx;
}
