/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "carp_bytes.h"
#include "flt_state.h"
#include "flt_timeout.h"
#include "sync_digest.h"
#include "sync_wire.h"

#define SYNC_STR(e, s, d) [SYNC_ERR_##e] = s,
static const char *const err_names[SYNC_ERR_COUNT] = { [SYNC_OK] = "ok", SYNC_ERR_LIST(SYNC_STR) };
#undef SYNC_STR
#define SYNC_HELP(e, s, d) [SYNC_ERR_##e] = d,
static const char *const err_help[SYNC_ERR_COUNT] = { [SYNC_OK] = "", SYNC_ERR_LIST(SYNC_HELP) };
#undef SYNC_HELP
#define SYNC_LEN(e, n, b) [n] = b,
static const uint8_t type_len[SYNC_T_MAX] = { SYNC_TYPE_LIST(SYNC_LEN) };
#undef SYNC_LEN

const char *
sync_err_name(enum sync_err e)
{
	return (unsigned int)e < SYNC_ERR_COUNT ? err_names[e] : "?";
}

const char *
sync_err_help(enum sync_err e)
{
	return (unsigned int)e < SYNC_ERR_COUNT ? err_help[e] : "?";
}

size_t
sync_type_len(uint8_t type)
{
	return type < SYNC_T_MAX ? type_len[type] : 0;
}

static void
wr64(uint8_t *p, uint64_t v)
{
	carp_wr32(p, (uint32_t)(v >> 32));
	carp_wr32(p + 4, (uint32_t)v);
}

static uint64_t
rd64(const uint8_t *p)
{
	return (uint64_t)carp_rd32(p) << 32 | carp_rd32(p + 4);
}

void
sync_writer_begin(struct sync_writer *w, uint8_t *buf, size_t cap, const struct sync_hdr *h)
{
	w->buf = buf;
	w->cap = cap < SYNC_MSG_MAX ? cap : SYNC_MSG_MAX;
	w->len = SYNC_HDR_LEN;
	w->section = 0;
	w->type = 0;
	w->items = 0;
	memset(buf, 0, SYNC_HDR_LEN);
	carp_wr32(buf, SYNC_MAGIC);
	buf[4] = SYNC_VERSION;
	buf[5] = h->flags;
	carp_wr32(buf + 8, h->node);
	carp_wr32(buf + 12, h->epoch);
	carp_wr32(buf + 16, h->seq);
	wr64(buf + 20, h->ruleset);
}

void
sync_key_put(uint8_t p[40], const struct flt_key *k)
{
	memcpy(p, k->addr[0].b, 16);
	memcpy(p + 16, k->addr[1].b, 16);
	carp_wr16(p + 32, k->port[0]);
	carp_wr16(p + 34, k->port[1]);
	p[36] = k->proto;
	p[37] = k->af;
	p[38] = p[39] = 0;
}

static void
put_state(uint8_t *p, const struct sync_state_rec *s)
{
	sync_key_put(p, &s->key);
	p[40] = s->init_side;
	p[41] = s->timeout;
	p[42] = s->flags;
	p[43] = 0;
	carp_wr32(p + 44, s->rule);
	carp_wr32(p + 48, s->age_ms);
	carp_wr32(p + 52, s->idle_ms);
	for (int d = 0; d < 2; d++) {
		uint8_t *q = p + 56 + 12 * d;

		carp_wr32(q, s->peer[d].seqlo);
		carp_wr32(q + 4, s->peer[d].seqhi);
		carp_wr16(q + 8, s->peer[d].max_win);
		q[10] = s->peer[d].state;
		q[11] = s->peer[d].wscale;
		wr64(p + 80 + 8 * d, s->packets[d]);
		wr64(p + 96 + 8 * d, s->bytes[d]);
	}
}

bool
sync_writer_add(struct sync_writer *w, const struct sync_item *it)
{
	size_t elem = sync_type_len((uint8_t)it->type);
	bool open = w->section != 0 && w->type == it->type &&
		    carp_rd16(w->buf + w->section + 2) < UINT16_MAX;
	size_t need = elem + (open ? 0 : SYNC_SECTION_LEN);
	uint8_t *p;

	if (elem == 0 || w->len + need + SYNC_MAC_LEN > w->cap)
		return false;
	if (!open) {
		w->section = w->len;
		w->type = (uint8_t)it->type;
		w->buf[w->len] = (uint8_t)it->type;
		w->buf[w->len + 1] = (uint8_t)(elem / 4);
		carp_wr16(w->buf + w->len + 2, 0);
		w->len += SYNC_SECTION_LEN;
	}
	p = w->buf + w->len;
	switch (it->type) {
	case SYNC_T_INS:
	case SYNC_T_UPD:
		put_state(p, &it->st);
		break;
	case SYNC_T_DEL:
	case SYNC_T_REQ:
	case SYNC_T_IACK:
		sync_key_put(p, &it->key);
		break;
	case SYNC_T_BUS:
		memset(p, 0, 12);
		p[0] = it->bus.status;
		carp_wr32(p + 4, it->bus.bulk_id);
		carp_wr32(p + 8, it->bus.count);
		break;
	case SYNC_T_NACK:
		carp_wr32(p, it->nack.epoch);
		carp_wr32(p + 4, it->nack.first);
		carp_wr32(p + 8, it->nack.last);
		break;
	case SYNC_T_DGST:
		carp_wr32(p, it->dgst.round);
		carp_wr16(p + 4, it->dgst.slice);
		carp_wr16(p + 6, 0);
		carp_wr32(p + 8, it->dgst.count);
		wr64(p + 12, it->dgst.sum);
		break;
	default:
		return false;
	}
	w->len += elem;
	carp_wr16(w->buf + w->section + 2, (uint16_t)(carp_rd16(w->buf + w->section + 2) + 1));
	w->items++;
	return true;
}

size_t
sync_writer_end(struct sync_writer *w)
{
	carp_wr16(w->buf + 6, (uint16_t)(w->len + SYNC_MAC_LEN));
	return w->len;
}

enum sync_err
sync_hdr_read(const uint8_t *buf, size_t len, struct sync_hdr *h)
{
	if (len < SYNC_MSG_MIN || len > SYNC_MSG_MAX)
		return SYNC_ERR_SHORT;
	if (carp_rd32(buf) != SYNC_MAGIC)
		return SYNC_ERR_BAD_MAGIC;
	h->version = buf[4];
	h->flags = buf[5];
	h->len = carp_rd16(buf + 6);
	h->node = carp_rd32(buf + 8);
	h->epoch = carp_rd32(buf + 12);
	h->seq = carp_rd32(buf + 16);
	h->ruleset = rd64(buf + 20);
	if (h->version != SYNC_VERSION)
		return SYNC_ERR_BAD_VERSION;
	if (h->len != len)
		return SYNC_ERR_BAD_LEN;
	return SYNC_OK;
}

void
sync_reader_init(struct sync_reader *r, const uint8_t *buf, const struct sync_hdr *h)
{
	r->buf = buf;
	r->end = (size_t)h->len - SYNC_MAC_LEN;
	r->at = SYNC_HDR_LEN;
	r->elem = 0;
	r->type = 0;
	r->left = 0;
	r->skipped = 0;
}

/* An IPv4 address as the filter keeps it: ::ffff:a.b.c.d. */
static bool
mapped4(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* A key the filter could have made: a family, addresses of it, the canonical order. */
static enum sync_err
get_key(const uint8_t *p, struct flt_key *k)
{
	memcpy(k->addr[0].b, p, 16);
	memcpy(k->addr[1].b, p + 16, 16);
	k->port[0] = carp_rd16(p + 32);
	k->port[1] = carp_rd16(p + 34);
	k->proto = p[36];
	k->af = p[37];
	k->pad[0] = k->pad[1] = 0; /* hashed as 40 bytes: never what the wire says */
	if (k->af != 4 && k->af != 6)
		return SYNC_ERR_BAD_VALUE;
	if (mapped4(k->addr[0].b) != (k->af == 4) || mapped4(k->addr[1].b) != (k->af == 4))
		return SYNC_ERR_BAD_VALUE;
	if (flt_end_after(&k->addr[0], k->port[0], &k->addr[1], k->port[1]))
		return SYNC_ERR_BAD_VALUE;
	return SYNC_OK;
}

static bool
tcp_state_ok(uint8_t s)
{
	return s == FLT_TCPS_CLOSED || s == FLT_TCPS_SYN_SENT || s == FLT_TCPS_ESTABLISHED ||
	       s == FLT_TCPS_CLOSING || s == FLT_TCPS_FIN_WAIT_2 || s == FLT_TCPS_TIME_WAIT;
}

static enum sync_err
get_state(const uint8_t *p, struct sync_state_rec *s)
{
	enum sync_err e;

	memset(s, 0, sizeof(*s));
	e = get_key(p, &s->key);

	if (e != SYNC_OK)
		return e;
	s->init_side = p[40];
	s->timeout = p[41];
	s->flags = p[42] & SYNC_REC_ACK;
	s->rule = carp_rd32(p + 44);
	s->age_ms = carp_rd32(p + 48);
	s->idle_ms = carp_rd32(p + 52);
	if (s->init_side > 1 || s->timeout >= FLT_TO_FRAG)
		return SYNC_ERR_BAD_VALUE;
	for (int d = 0; d < 2; d++) {
		const uint8_t *q = p + 56 + 12 * d;
		struct flt_tcp_peer *pe = &s->peer[d];

		pe->seqlo = carp_rd32(q);
		pe->seqhi = carp_rd32(q + 4);
		pe->max_win = carp_rd16(q + 8);
		pe->state = q[10];
		pe->wscale = q[11];
		s->packets[d] = rd64(p + 80 + 8 * d);
		s->bytes[d] = rd64(p + 96 + 8 * d);
		if (s->key.proto == FLT_PROTO_TCP
			    ? !tcp_state_ok(pe->state) ||
				      (pe->wscale & ~(FLT_WSCALE_FLAG | FLT_WSCALE_MASK)) != 0 ||
				      (pe->wscale & FLT_WSCALE_MASK) > FLT_TCP_MAX_WINSHIFT
			    : pe->state > FLT_PS_MULTIPLE || pe->wscale != 0)
			return SYNC_ERR_BAD_VALUE;
	}
	return SYNC_OK;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

enum sync_err
sync_reader_next(struct sync_reader *r, struct sync_item *it, bool *more)
{
	const uint8_t *p;

	*more = false;
	while (r->left == 0) {
		size_t elem, count, known;

		if (r->at == r->end)
			return SYNC_OK;
		if (r->end - r->at < SYNC_SECTION_LEN)
			return SYNC_ERR_BAD_LEN;
		r->type = r->buf[r->at];
		elem = (size_t)r->buf[r->at + 1] * 4;
		count = carp_rd16(r->buf + r->at + 2);
		if (elem == 0 || count == 0)
			return SYNC_ERR_BAD_SECTION;
		if (elem * count > r->end - r->at - SYNC_SECTION_LEN)
			return SYNC_ERR_BAD_LEN;
		r->at += SYNC_SECTION_LEN;
		known = sync_type_len(r->type);
		if (known == 0) {
			r->at += elem * count; /* a later version's: skipped whole */
			r->skipped += (unsigned int)count;
			continue;
		}
		if (elem < known)
			return SYNC_ERR_BAD_SECTION;
		r->elem = elem;
		r->left = (unsigned int)count;
	}
	p = r->buf + r->at;
	r->at += r->elem;
	r->left--;
	*more = true;
	it->type = (enum sync_type)r->type;
	switch (it->type) {
	case SYNC_T_INS:
	case SYNC_T_UPD:
		return get_state(p, &it->st);
	case SYNC_T_DEL:
	case SYNC_T_IACK:
		return get_key(p, &it->key);
	case SYNC_T_REQ:
		/* All zero: the whole table. */
		if (all_zero(p, 40)) {
			memset(&it->key, 0, sizeof(it->key));
			return SYNC_OK;
		}
		return get_key(p, &it->key);
	case SYNC_T_BUS:
		it->bus.status = p[0];
		it->bus.bulk_id = carp_rd32(p + 4);
		it->bus.count = carp_rd32(p + 8);
		return it->bus.status == SYNC_BUS_START || it->bus.status == SYNC_BUS_END
			       ? SYNC_OK
			       : SYNC_ERR_BAD_VALUE;
	case SYNC_T_NACK:
		it->nack.epoch = carp_rd32(p);
		it->nack.first = carp_rd32(p + 4);
		it->nack.last = carp_rd32(p + 8);
		return it->nack.first != 0 && it->nack.first <= it->nack.last ? SYNC_OK
									      : SYNC_ERR_BAD_VALUE;
	case SYNC_T_DGST:
		it->dgst.round = carp_rd32(p);
		it->dgst.slice = carp_rd16(p + 4);
		it->dgst.count = carp_rd32(p + 8);
		it->dgst.sum = rd64(p + 12);
		if (it->dgst.slice == SYNC_DGST_END)
			return it->dgst.count <= SYNC_DIGEST_SLICES ? SYNC_OK : SYNC_ERR_BAD_VALUE;
		return it->dgst.slice < SYNC_DIGEST_SLICES || it->dgst.slice == SYNC_DGST_START
			       ? SYNC_OK
			       : SYNC_ERR_BAD_VALUE;
	default:
		return SYNC_ERR_BAD_SECTION;
	}
}
