/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_REPLAY_H
#define CARP_REPLAY_H

/**
 * @file
 * Replay protection for groups where every node runs carp-dpdk (a VHID's
 * `replay_protection`), beyond what any CARP does.
 *
 * CARP's HMAC covers the counter and the VIPs but not advbase, advskew or the demote byte
 * (spec §3.3), and no implementation refuses an old counter. So anyone who captured one
 * advert can replay it at will, or rewrite it into a bow-out (advbase 255, advskew 255)
 * that every CARP accepts: the backup takes over, and the attacker picks the moment.
 *
 * With replay protection every node's counter carries its 16-bit node id over a 48-bit
 * sequence that only grows, across restarts too (carp_counter.h). A receiver keeps the
 * highest counter seen from each node id and drops an advert that is not newer, bow-outs
 * included ("replay"). A rewritten advert carries a counter the receiver has already seen
 * (it was copied from an advert that went past), so it is dropped; an old one is too.
 *
 * What it cannot do: a receiver that starts afresh has no history, and accepts the first
 * advert of each node it hears (a replay then works once, until the real node's next
 * advert overtakes it); an attacker who can stop an advert from reaching the receiver and
 * deliver a rewritten copy in its place wins that one advert. docs/SECURITY.md says more.
 */

#include <stdbool.h>
#include <stdint.h>

#define CARP_REPLAY_PEERS 16 /* (node id, family) pairs per VHID: 8 others, dual-stack */

/*
 * A dual-stack VHID sends an IPv4 and an IPv6 advert per interval from one sequence, and a
 * receiver may take them in either order (they reach the control lcore by different
 * paths), so the high-water mark is kept per node and address family: each family's
 * counters from one node only grow.
 */
struct carp_replay_peer {
	uint64_t highest;  /* the highest counter accepted from this node in this family */
	uint16_t node_id;
	uint8_t family;    /* 4 or 6 */
	bool valid;
};

struct carp_replay {
	struct carp_replay_peer peer[CARP_REPLAY_PEERS];
};

void carp_replay_init(struct carp_replay *r);

/**
 * An authenticated advert of address family @p family (4 or 6) with @p counter
 * (replay-protection layout) arrived: true when it is newer than everything seen from its
 * node in that family (and remembered as the newest), false for a replay. A node not seen
 * before is accepted while there is room (CARP_REPLAY_PEERS: 8 dual-stack nodes); a known
 * node is never forgotten (its old adverts would pass again), so one more is not.
 */
bool carp_replay_accept(struct carp_replay *r, uint64_t counter, int family);

/**
 * The first sequence number for a node that starts at wall-clock @p now_ms and saved
 * @p saved (0: nothing saved) last time: above both, so the sequence never goes back, not
 * even when the clock did. At most one advert per ms per VHID is ever sent (advbase 0
 * and advskew 1 is 4 ms, twice for a dual-stack VHID), so a sequence started from the
 * clock stays below the clock of any later start.
 */
uint64_t carp_replay_seq_start(uint64_t now_ms, uint64_t saved);

#endif
