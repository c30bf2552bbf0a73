/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_FRAG_H
#define CARP_DP_FRAG_H

/**
 * @file
 * Fragments on a data-plane lcore, both ways, with DPDK's rte_ip_frag:
 *
 *  - reassembly of IPv4 and IPv6, before the filter (filter.reassemble), so that the
 *    rules and the state table see whole datagrams and no fragment passes on a verdict
 *    it did not get. One table per lcore, touched by it alone: every fragment of a
 *    datagram reaches the same queue, for RSS and af_packet's fanout hash a fragment by
 *    its addresses only (it carries no ports). rte_ip_frag drops a datagram whose
 *    fragments overlap, repeat or leave a hole, or number more than
 *    RTE_LIBRTE_IP_FRAG_MAX_FRAG (8);
 *  - fragmentation, on the way out: of IPv4 without DF that exceeds the egress MTU (RFC
 *    1812 4.2.2.7), a reassembled datagram included, by copy; of a reassembled IPv6
 *    packet always, as pf refragments it, no larger than its first fragment was (the
 *    sender's path MTU, which may be below ours) nor than the egress MTU, with its own
 *    identification. Either way into single-segment mbufs, so that every device sends
 *    them and the transmit path stays the one every packet takes.
 */

#include <stdint.h>

#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "dp.h"

/* Most fragments one datagram leaves as (a 65535-byte datagram at an MTU of 1280 needs 52). */
#define DP_FRAG_OUT_MAX 64

/* Marks a reassembled datagram (a chain of mbufs) in dp_fwd_burst.total: larger than any
 * MTU, it takes the slow path, which sends it whole or in fragments. */
#define DP_FRAG_CHAINED UINT16_MAX

/* What a fragment carries in its mbuf until its datagram leaves (a dynamic field). */
struct dp_frag_meta {
	uint32_t id6;   /* IPv6: the datagram's identification, for its fragments out */
	uint16_t size6; /* IPv6: the size of its first fragment, the most each may have */
	uint16_t iface; /* the interface it came in on */
};

extern int dp_frag_meta_offset; /* registered by dp_reasm_create */

static inline struct dp_frag_meta *
dp_frag_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, dp_frag_meta_offset, struct dp_frag_meta *);
}

/** One lcore's reassembly table and the mbufs it has let go of. */
struct dp_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
	uint64_t next_expire; /* TSC of the next sweep of timed-out datagrams */
	uint64_t sweep_every;
	uint64_t fragments;   /* taken in */
	uint64_t reassembled; /* datagrams completed (whether the filter then passed them) */
};

/**
 * A table for @p max datagrams at once, each given @p timeout_s seconds to complete, on
 * @p socket. NULL when out of memory.
 */
struct dp_reasm *dp_reasm_create(uint32_t max, uint32_t timeout_s, int socket);

void dp_reasm_free(struct dp_reasm *r);

/**
 * Take the IPv4 fragments of batch @p b (whose route lookups are @p hops) into
 * reassembly. A datagram they complete takes its completing fragment's place, with its
 * total set to DP_FRAG_CHAINED when it spans several mbufs; the other fragments leave
 * the batch, held or dropped. Drops are counted in @p drop (the filter's counters, by
 * enum flt_drop). Returns how many datagrams were completed.
 */
unsigned int dp_reasm4_batch(struct dp_reasm *r, struct dp_fwd_burst *b, uint32_t *hops,
			     uint64_t *drop);

/**
 * The same for IPv6 batch @p b (fragments whose fragment header follows the fixed one;
 * the rest stay, and the filter drops them by name): a completed packet's total is
 * always DP_FRAG_CHAINED, for it leaves in fragments again (dp_frag6_split).
 */
unsigned int dp_reasm6_batch(struct dp_reasm *r, struct dp_fwd6_burst *b, int32_t *hops,
			     uint64_t *drop);

/**
 * Between bursts: end the datagrams whose time is up (their fragments counted as
 * discarded in @p drop). Cheap when nothing is due.
 */
void dp_reasm_expire(struct dp_reasm *r, uint64_t *drop);

/**
 * Split IPv4 datagram @p m (its header at offset @p l3, DF clear) into fragments of at
 * most @p mtu bytes in @p out (single-segment mbufs from m's pool, each starting at its IP
 * header with its checksum set, the IPv4 EtherType in the two bytes before it and room
 * for the rest of any Ethernet header in front, as dp_l2_write expects). @p m is freed.
 * Returns the number of fragments, or -1 (nothing allocated, m freed) when @p mtu is too
 * small, more than DP_FRAG_OUT_MAX would be needed or the pool is empty.
 */
int dp_frag4_split(struct rte_mbuf *m, unsigned int l3, uint16_t mtu,
		   struct rte_mbuf *out[DP_FRAG_OUT_MAX]);

/**
 * Split reassembled IPv6 packet @p m (its header at offset @p l3) into fragments of at
 * most @p size bytes (at least 1280 or the first fragment's size, whichever is smaller),
 * with the identification its fragments came with, as dp_frag4_split does. @p m is freed.
 * Returns the number of fragments, or -1.
 */
int dp_frag6_split(struct rte_mbuf *m, unsigned int l3, uint16_t size,
		   struct rte_mbuf *out[DP_FRAG_OUT_MAX]);

/**
 * Make @p m one segment of what its first holds (a reassembled datagram answered with an
 * ICMP error or an RST quotes only its start): the rest of the chain is freed.
 */
void dp_mbuf_keep_head(struct rte_mbuf *m);

#endif
