/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_H
#define CARP_DP_H

/**
 * @file
 * The data plane: what worker lcores (and the control lcore, for its own rx queue) do
 * with each received frame, the tables they read, and the counters they keep.
 *
 * Ownership: the tables in struct dp_shared are built before the lcores start and never
 * change while they run (VIPs, ports, VHID numbers come from an immutable config). The
 * only thing that changes is which VHIDs are MASTER; each lcore keeps its own copy in
 * struct dp_lcore, updated from messages the control lcore sends on a ring per lcore and
 * applied between bursts. Counters have one writer each (their lcore); telemetry reads
 * them with relaxed atomic loads. No locks, no atomics per packet.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "carp_classify.h"
#include "carp_config.h"

#define DP_BURST 32
#define DP_MAX_PORTS CARP_CONFIG_PORTS_MAX
#define DP_MAX_VHIDS (DP_MAX_PORTS * 255)
#define DP_NO_VHID UINT16_MAX

/* Why a data-plane lcore dropped a frame. X(enum suffix, counter name, explanation) */
#define DP_DROP_LIST(X) \
	X(RUNT, "runt", "frame too short to classify") \
	X(MULTISEG, "multiseg", "frame in several segments (larger than one mbuf)") \
	X(ETHERTYPE, "ethertype", "EtherType not handled") \
	X(NOT_FOR_US, "not_for_us", "destination MAC neither ours, a vMAC, broadcast nor multicast") \
	X(VMAC_BACKUP, "vmac_backup", "frame to the vMAC of a VHID that is not MASTER here") \
	X(ARP_BACKUP, "arp_backup", "ARP request for a VIP of a VHID that is not MASTER here") \
	X(ARP_OTHER, "arp_other", "ARP that does not ask for one of our addresses") \
	X(IPV4_NOT_LOCAL, "ipv4_not_local", "IPv4 not for an address we answer (no forwarding yet)") \
	X(IPV6, "ipv6", "IPv6 data or neighbour discovery (not handled yet)") \
	X(PUNT_FULL, "punt_full", "control ring full: CARP frame lost") \
	X(TX_FULL, "tx_full", "transmit queue full")

#define DP_ENUM_DROP(e, s, d) DP_DROP_##e,
enum dp_drop { DP_DROP_LIST(DP_ENUM_DROP) DP_DROP_COUNT };
#undef DP_ENUM_DROP

/** Counter name of a data-plane drop reason. */
const char *dp_drop_name(enum dp_drop d);

/** Per-lcore counters. Written only by their lcore. */
struct dp_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t punted;  /* CARP frames handed to the control lcore */
	uint64_t arp_replies;
	uint64_t echo_replies;
	uint64_t drop[DP_DROP_COUNT];
} __rte_cache_aligned;

/** What every lcore reads about a port. */
struct dp_port {
	uint16_t port_id;
	struct rte_ether_addr mac;
	uint32_t addr4[8]; /* the port's own IPv4 addresses, host order */
	unsigned int n_addr4;
	uint16_t vhid_idx[256]; /* VHID number -> VHID index on this port, or DP_NO_VHID */
};

/** Read-only tables shared by all lcores. */
struct dp_shared {
	struct dp_port port[DP_MAX_PORTS];
	uint16_t n_ports;
	uint16_t port_of_id[RTE_MAX_ETHPORTS]; /* ethdev port id -> index in port[] */
	struct carp_vip_table vips;            /* (port index, IPv4 VIP) -> VHID index */
	uint16_t n_vhids;
	struct rte_ether_addr vmac[DP_MAX_VHIDS]; /* VHID index -> virtual MAC */
};

/*
 * A state change for one VHID, control -> lcores, packed into the ring slot itself
 * (VHID index << 1 | master): no allocation, nothing to free.
 */
static inline void *
dp_msg_encode(uint16_t vhid_idx, bool master)
{
	return (void *)(((uintptr_t)vhid_idx << 1) | (master ? 1 : 0));
}

struct dp_lcore;

/** How CARP frames leave a data-plane lcore: a ring, or a direct call on the control lcore. */
typedef void (*dp_punt_fn)(struct dp_lcore *lc, struct rte_mbuf *m);

/** One data-plane lcore: its queues, its copy of the MASTER flags, its counters. */
struct dp_lcore {
	const struct dp_shared *sh;
	uint16_t queue;            /* rx and tx queue index on every port */
	struct rte_ring *msgs;     /* control -> this lcore (NULL for the control lcore) */
	struct rte_ring *punt;     /* this lcore -> control (NULL: call punt_fn) */
	dp_punt_fn punt_fn;
	void *punt_arg;
	bool adaptive_idle;
	struct dp_counters cnt;
	uint8_t master[DP_MAX_VHIDS];
	struct rte_mbuf *tx[DP_MAX_PORTS][DP_BURST]; /* replies waiting per port */
	uint16_t n_tx[DP_MAX_PORTS];
};

/** Handle a burst received on port index @p p. Frees or forwards every mbuf. */
void dp_rx_burst(struct dp_lcore *lc, uint16_t p, struct rte_mbuf **pkts, uint16_t n);

/** Send what dp_rx_burst queued for transmission. */
void dp_tx_flush(struct dp_lcore *lc);

/** Apply pending control messages (MASTER flags). Returns how many were applied. */
unsigned int dp_apply_msgs(struct dp_lcore *lc);

/** The worker lcore main loop; returns when *stop becomes true. @p arg is a dp_lcore. */
int dp_worker_main(void *arg);

/** Set by the control lcore to end the worker loops. */
extern volatile bool dp_stop;

#endif
