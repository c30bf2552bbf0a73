/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly and fragmentation with rte_ip_frag (dp_frag.h). Two of its calls are
 * still experimental in DPDK 22.11 (the sweep of timed-out datagrams and fragmentation by
 * copy), and this file alone uses them.
 */
#define ALLOW_EXPERIMENTAL_API 1

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "carp_bytes.h"
#include "dp_frag.h"
#include "flt_pkt.h"

/* Room the death row must keep for one more reassembly call: a datagram's fragments and
 * the one in hand. */
#define DR_RESERVE (RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1)
/* How often timed-out datagrams are swept, and how many rounds a sweep may take. */
#define SWEEPS_PER_S 10
#define SWEEP_ROUNDS 8

int dp_frag_meta_offset = -1;

struct dp_reasm *
dp_reasm_create(uint32_t max, uint32_t timeout_s, int socket)
{
	static const struct rte_mbuf_dynfield meta = {
		.name = "carp_dpdk_frag_meta", .size = sizeof(struct dp_frag_meta),
		.align = __alignof__(struct dp_frag_meta),
	};
	struct dp_reasm *r;
	uint64_t hz = rte_get_tsc_hz();
	int off = rte_mbuf_dynfield_register(&meta); /* the same offset every time */

	if (off < 0)
		return NULL;
	dp_frag_meta_offset = off;
	r = rte_zmalloc_socket("dp_reasm", sizeof(*r), RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL)
		return NULL;
	/* Four entries a bucket, twice as many buckets as datagrams (rte_ip_frag doubles
	 * them again for its two hash functions): collisions stay rare at the limit. */
	r->tbl = rte_ip_frag_table_create(max, 4, max, hz * timeout_s, socket);
	if (r->tbl == NULL) {
		rte_free(r);
		return NULL;
	}
	r->sweep_every = hz / SWEEPS_PER_S;
	r->next_expire = rte_rdtsc() + r->sweep_every;
	return r;
}

/* What rte_ip_frag let go of (fragments of datagrams that failed, timed out or found no
 * room) is freed here, and counted. */
static void
flush_death_row(struct dp_reasm *r, uint64_t *drop)
{
	if (r->dr.cnt == 0)
		return;
	drop[FLT_DROP_FRAG_DISCARDED] += r->dr.cnt;
	rte_ip_frag_free_death_row(&r->dr, 3);
}

void
dp_reasm_free(struct dp_reasm *r)
{
	if (r == NULL)
		return;
	/* The datagrams still waiting give their mbufs back through the death row, as
	 * many at a time as it takes. */
	do {
		rte_ip_frag_free_death_row(&r->dr, 0);
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, UINT64_MAX);
	} while (r->dr.cnt != 0);
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
}

/*
 * A datagram rte_ip_frag completed, as a chain whose head starts at the first fragment's
 * frame (@p l3: the L3 header's offset, @p hdr: its fixed header's length, 20 or 40, @p
 * len: the length its header now claims): FLT_OK when it may go on, made one segment when
 * the head's buffer holds it all.
 */
static enum flt_drop
check_datagram(struct rte_mbuf *d, unsigned int hdr, uint32_t len)
{
	uint16_t in = dp_frag_meta(d)->iface;
	uint32_t whole = rte_pktmbuf_pkt_len(d) - d->l2_len;

	/* rte_ip_frag writes the length into 16 bits: a sum beyond them wrapped. */
	if (whole - hdr > UINT16_MAX || len != whole)
		return FLT_DROP_FRAG_OVERSIZE;
	/* Its key is addresses and id only: one datagram of pieces from several segments
	 * is someone's forgery. */
	for (struct rte_mbuf *s = d->next; s != NULL; s = s->next)
		if (dp_frag_meta(s)->iface != in)
			return FLT_DROP_FRAG_IFACE;
	if (d->nb_segs > 1)
		(void)rte_pktmbuf_linearize(d); /* else it stays a chain */
	return FLT_OK;
}

/* Keep batch entry @p i as entry @p n (the batches of both families have these fields). */
#define KEEP(b, hops, n, i) \
	do { \
		(b)->m[n] = (b)->m[i]; \
		(b)->ip[n] = (b)->ip[i]; \
		memmove(&(b)->dst[n], &(b)->dst[i], sizeof((b)->dst[0])); \
		(b)->total[n] = (b)->total[i]; \
		(b)->l3[n] = (b)->l3[i]; \
		(b)->in[n] = (b)->in[i]; \
		(hops)[n] = (hops)[i]; \
	} while (0)

/* Datagram @p d, completed, in batch entry @p n in place of entry @p i, whose route it
 * shares (the same addresses). */
#define PUT(b, hops, n, i, d, tot) \
	do { \
		(b)->m[n] = (d); \
		(b)->ip[n] = rte_pktmbuf_mtod_offset((d), uint8_t *, (d)->l2_len); \
		memmove(&(b)->dst[n], &(b)->dst[i], sizeof((b)->dst[0])); \
		(b)->total[n] = (tot); \
		(b)->l3[n] = (uint8_t)(d)->l2_len; \
		(b)->in[n] = (b)->in[i]; \
		(hops)[n] = (hops)[i]; \
	} while (0)

unsigned int
dp_reasm4_batch(struct dp_reasm *r, struct dp_fwd_burst *b, uint32_t *hops, uint64_t *drop)
{
	uint64_t now = rte_rdtsc();
	unsigned int done = 0;
	uint16_t n = 0;

	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i], *d;
		uint8_t *ip = b->ip[i];
		struct rte_ipv4_hdr *h;
		enum flt_drop why;

		/* Whole datagrams stay; so do fragments with options, which the filter drops
		 * by name (it refuses options, as pf does). */
		if (likely(!(carp_rd16(ip + 6) & 0x3fff)) || (ip[0] & 0xf) != 5) {
			KEEP(b, hops, n, i);
			n++;
			continue;
		}
		r->fragments++;
		m->l2_len = b->l3[i];
		m->l3_len = 20;
		dp_frag_meta(m)->iface = b->in[i];
		if (r->dr.cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - DR_RESERVE)
			flush_death_row(r, drop);
		d = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now,
						    (struct rte_ipv4_hdr *)ip);
		if (d == NULL)
			continue; /* held, or on the death row */
		h = rte_pktmbuf_mtod_offset(d, struct rte_ipv4_hdr *, d->l2_len);
		why = check_datagram(d, 20, rte_be_to_cpu_16(h->total_length));
		if (why != FLT_OK) {
			drop[why]++;
			rte_pktmbuf_free(d);
			continue;
		}
		/* A header of its own: no DF (it came in fragments and may leave so), and
		 * the checksum rte_ip_frag left zero. */
		h->fragment_offset = 0;
		h->hdr_checksum = 0;
		h->hdr_checksum = rte_ipv4_cksum(h);
		r->reassembled++;
		done++;
		PUT(b, hops, n, i, d, d->nb_segs > 1 ? DP_FRAG_CHAINED
				  : (uint16_t)(rte_pktmbuf_pkt_len(d) - d->l2_len));
		n++;
	}
	flush_death_row(r, drop);
	b->n = n;
	return done;
}

unsigned int
dp_reasm6_batch(struct dp_reasm *r, struct dp_fwd6_burst *b, int32_t *hops, uint64_t *drop)
{
	uint64_t now = rte_rdtsc();
	unsigned int done = 0;
	uint16_t n = 0;

	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i], *d;
		uint8_t *ip6 = b->ip[i];
		struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(ip6 + 40);
		struct rte_ipv6_hdr *h;
		enum flt_drop why;
		uint16_t size;

		/* The fragment header first, and not an atomic fragment (offset 0 without
		 * MF, RFC 6946), which rte_ip_frag would hold for ever: the filter drops
		 * those by name. The router's checks saw 8 bytes after the header. */
		if (likely(ip6[6] != IPPROTO_FRAGMENT) || b->total[i] < 48 ||
		    (rte_be_to_cpu_16(fh->frag_data) & 0xfff9) == 0) {
			KEEP(b, hops, n, i);
			n++;
			continue;
		}
		r->fragments++;
		size = b->total[i];
		m->l2_len = b->l3[i];
		m->l3_len = 48;
		dp_frag_meta(m)->iface = b->in[i];
		memcpy(&dp_frag_meta(m)->id6, &fh->id, 4);
		if (r->dr.cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - DR_RESERVE)
			flush_death_row(r, drop);
		d = rte_ipv6_frag_reassemble_packet(r->tbl, &r->dr, m, now,
						    (struct rte_ipv6_hdr *)ip6, fh);
		if (d == NULL)
			continue;
		/* The first fragment's size, before its chain is made one mbuf: the most
		 * the fragments it leaves in may have (its header no longer counted). */
		size = (uint16_t)(rte_pktmbuf_data_len(d) - d->l2_len + 8);
		h = rte_pktmbuf_mtod_offset(d, struct rte_ipv6_hdr *, d->l2_len);
		why = check_datagram(d, 40, 40u + rte_be_to_cpu_16(h->payload_len));
		if (why != FLT_OK) {
			drop[why]++;
			rte_pktmbuf_free(d);
			continue;
		}
		dp_frag_meta(d)->size6 = size;
		r->reassembled++;
		done++;
		PUT(b, hops, n, i, d, DP_FRAG_CHAINED);
		n++;
	}
	flush_death_row(r, drop);
	b->n = n;
	return done;
}

void
dp_reasm_expire(struct dp_reasm *r, uint64_t *drop)
{
	uint64_t now = rte_rdtsc();

	if (likely(now < r->next_expire))
		return;
	r->next_expire = now + r->sweep_every;
	/* The sweep stops when the death row is full: empty it and go on, a few times. */
	for (int round = 0; round < SWEEP_ROUNDS; round++) {
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now);
		if (r->dr.cnt <= RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - DR_RESERVE) {
			flush_death_row(r, drop);
			return;
		}
		flush_death_row(r, drop);
	}
}

void
dp_mbuf_keep_head(struct rte_mbuf *m)
{
	if (m->next == NULL)
		return;
	rte_pktmbuf_free(m->next);
	m->next = NULL;
	m->nb_segs = 1;
	m->pkt_len = m->data_len;
}

int
dp_frag4_split(struct rte_mbuf *m, unsigned int l3, uint16_t mtu,
	       struct rte_mbuf *out[DP_FRAG_OUT_MAX])
{
	struct rte_mempool *mp = m->pool;
	uint16_t room = (uint16_t)(rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM);
	uint16_t total;
	int n;

	/* Each fragment in one mbuf of the pool, its header included. */
	if (mtu > room)
		mtu = room;
	rte_pktmbuf_adj(m, (uint16_t)l3);
	total = carp_rd16(rte_pktmbuf_mtod(m, uint8_t *) + 2);
	/* Ethernet's padding is no part of the datagram. */
	if (m->nb_segs == 1 && rte_pktmbuf_pkt_len(m) > total)
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - total));
	n = rte_ipv4_fragment_copy_nonseg_packet(m, out, DP_FRAG_OUT_MAX, mtu, mp);
	rte_pktmbuf_free(m);
	if (n <= 0)
		return -1;
	for (int k = 0; k < n; k++) {
		struct rte_ipv4_hdr *h = rte_pktmbuf_mtod(out[k], struct rte_ipv4_hdr *);
		uint8_t *type = (uint8_t *)h - 2;

		h->hdr_checksum = rte_ipv4_cksum(h);
		out[k]->l2_len = 0;
		/* The egress header is written up to the EtherType, which a received frame
		 * already has: a new one gets it here, in its headroom. */
		type[0] = 0x08;
		type[1] = 0x00;
	}
	return n;
}

int
dp_frag6_split(struct rte_mbuf *m, unsigned int l3, uint16_t size,
	       struct rte_mbuf *out[DP_FRAG_OUT_MAX])
{
	struct rte_mempool *mp = m->pool;
	uint16_t room = (uint16_t)(rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM);
	uint32_t id = dp_frag_meta(m)->id6;
	int n;

	if (size > room)
		size = room;
	rte_pktmbuf_adj(m, (uint16_t)l3);
	/* Its fragments' data are indirect mbufs of m's buffers: m is freed here, its
	 * buffers when the last of them lets go. */
	n = rte_ipv6_fragment_packet(m, out, DP_FRAG_OUT_MAX, size, mp, mp);
	rte_pktmbuf_free(m);
	if (n <= 0)
		return -1;
	for (int k = 0; k < n; k++) {
		uint8_t *ip6, *type;

		/* Each made one mbuf: its header's has room for the data. */
		if (rte_pktmbuf_linearize(out[k]) != 0) {
			for (int j = 0; j < n; j++)
				rte_pktmbuf_free(out[j]);
			return -1;
		}
		ip6 = rte_pktmbuf_mtod(out[k], uint8_t *);
		memcpy(ip6 + 40 + 4, &id, 4); /* rte_ip_frag writes 0 there */
		out[k]->l2_len = 0;
		type = ip6 - 2;
		type[0] = 0x86;
		type[1] = 0xdd;
	}
	return n;
}
