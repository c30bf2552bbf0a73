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

#include "carp_bytes.h"
#include "dp_frag.h"
#include "flt_pkt.h"

/* Room the death row must keep for one more reassembly call: a datagram's fragments and
 * the one in hand. */
#define DR_RESERVE (RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1)
/* How often timed-out datagrams are swept, and how many rounds a sweep may take. */
#define SWEEPS_PER_S 10
#define SWEEP_ROUNDS 8

struct dp_reasm *
dp_reasm_create(uint32_t max, uint32_t timeout_s, int socket)
{
	struct dp_reasm *r = rte_zmalloc_socket("dp_reasm", sizeof(*r), RTE_CACHE_LINE_SIZE,
						socket);
	uint64_t hz = rte_get_tsc_hz();

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

/* The interface a fragment came in on, kept in its mbuf until its datagram completes. */
static inline void
set_iface(struct rte_mbuf *m, uint16_t iface)
{
	m->hash.usr = iface;
}

/*
 * A datagram rte_ip_frag completed, as a chain whose head starts at the first fragment's
 * frame: FLT_OK when it may go on, made one segment when the head's buffer holds it all,
 * with a header of its own (no DF: it came in fragments and may leave so; the checksum
 * rte_ip_frag left zero).
 */
static enum flt_drop
check_datagram(struct rte_mbuf *d)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(d, uint8_t *, d->l2_len);
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
	uint32_t in = d->hash.usr;

	/* rte_ip_frag writes the total into 16 bits: a sum beyond them wrapped. */
	if (rte_pktmbuf_pkt_len(d) - d->l2_len > UINT16_MAX ||
	    carp_rd16(ip + 2) != rte_pktmbuf_pkt_len(d) - d->l2_len)
		return FLT_DROP_FRAG_OVERSIZE;
	/* Its key is addresses and id only: one datagram of pieces from several segments
	 * is someone's forgery. */
	for (const struct rte_mbuf *s = d->next; s != NULL; s = s->next)
		if (s->hash.usr != in)
			return FLT_DROP_FRAG_IFACE;
	h->fragment_offset = 0;
	h->hdr_checksum = 0;
	h->hdr_checksum = rte_ipv4_cksum(h);
	if (d->nb_segs > 1)
		(void)rte_pktmbuf_linearize(d); /* else it stays a chain */
	return FLT_OK;
}

unsigned int
dp_reasm4_batch(struct dp_reasm *r, struct dp_fwd_burst *b, uint32_t *hops, uint64_t *drop)
{
	uint64_t now = rte_rdtsc();
	unsigned int done = 0;
	uint16_t n = 0;

	for (uint16_t i = 0; i < b->n; i++) {
		struct rte_mbuf *m = b->m[i], *d;
		uint8_t *ip = b->ip[i];
		enum flt_drop why;

		/* Whole datagrams stay; so do fragments with options, which the filter drops
		 * by name (it refuses options, as pf does). */
		if (likely(!(carp_rd16(ip + 6) & 0x3fff)) || (ip[0] & 0xf) != 5) {
			b->m[n] = m;
			b->ip[n] = ip;
			b->dst[n] = b->dst[i];
			b->total[n] = b->total[i];
			b->l3[n] = b->l3[i];
			b->in[n] = b->in[i];
			hops[n++] = hops[i];
			continue;
		}
		r->fragments++;
		m->l2_len = b->l3[i];
		m->l3_len = 20;
		set_iface(m, b->in[i]);
		if (r->dr.cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - DR_RESERVE)
			flush_death_row(r, drop);
		d = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now,
						    (struct rte_ipv4_hdr *)ip);
		if (d == NULL)
			continue; /* held, or on the death row */
		why = check_datagram(d);
		if (why != FLT_OK) {
			drop[why]++;
			rte_pktmbuf_free(d);
			continue;
		}
		r->reassembled++;
		done++;
		/* Same addresses, so the same route as the fragment that completed it. */
		b->m[n] = d;
		b->ip[n] = rte_pktmbuf_mtod_offset(d, uint8_t *, d->l2_len);
		b->dst[n] = b->dst[i];
		b->total[n] = d->nb_segs > 1 ? DP_FRAG_CHAINED
					     : (uint16_t)(rte_pktmbuf_pkt_len(d) - d->l2_len);
		b->l3[n] = (uint8_t)d->l2_len;
		b->in[n] = b->in[i];
		hops[n++] = hops[i];
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
