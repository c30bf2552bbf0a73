/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CTL_H
#define CARP_CTL_H

/**
 * @file
 * The control lcore: it owns every VHID's state machine and timers (carp_engine), checks
 * the adverts the data plane hands it, sends adverts and gratuitous ARP from a tx queue of
 * its own, watches links, keeps the node's demotion, publishes MASTER/BACKUP to the
 * workers through one ring each, and serves telemetry from a snapshot.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include "carp_config.h"
#include "carp_counter.h"
#include "carp_engine.h"
#include "carp_hmac.h"
#include "carp_verify.h"
#include "ctl_publish.h"
#include "dp.h"
#include "dp_port.h"
#include "fwd_neigh.h"

#define CTL_NEIGH_LEARNED_MAX 4096 /* next hops learned by ARP, on top of the static ones */

/** Neighbour table size of every lcore and of the control lcore. */
static inline uint32_t
ctl_neigh_capacity(const struct carp_config *cfg)
{
	return cfg->n_neighbors + CTL_NEIGH_LEARNED_MAX;
}

extern int carp_logtype;

#define CARP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, carp_logtype, "carp: " fmt "\n", ##__VA_ARGS__)

/** Counters of one VHID; written by the control lcore only. */
struct ctl_vhid_stats {
	uint64_t adverts_sent;
	uint64_t adverts_received;
	uint64_t garps_sent;
	uint64_t nas_sent;   /* unsolicited neighbour advertisements */
	uint64_t transitions;
	uint64_t send_errors;
	uint64_t id_clashes; /* replay protection: adverts of another node with our node id */
	uint64_t drop[CARP_DROP_COUNT];
};

struct ctl_vhid {
	const struct carp_config_vhid *cfg;
	uint16_t iface;                /* interface index */
	uint16_t port;                 /* its port's index: link, transmission */
	struct rte_ether_addr vmac;
	uint32_t src4;                 /* advert source: the interface's first IPv4 address */
	struct carp_in6 src6;          /* the interface's first IPv6 address, if any */
	struct carp_hmac hmac;
	struct carp_counter counter;
	struct carp_replay replay;     /* replay_protection: the senders' last counters */
	uint64_t clash_logged_ns;      /* when an id clash was last logged */
	struct carp_vhid_auth auth;
	struct ctl_vhid_stats st;
};

/** A port: a device and its link, which drives every interface on it. */
struct ctl_port {
	const struct carp_config_port *cfg;
	uint16_t port_id;
	struct dp_port_caps caps;
	bool link_up;
};

/** An interface, one segment: a port's untagged side or a VLAN. */
struct ctl_iface {
	const struct carp_config_iface *cfg;
	uint64_t drop[CARP_DROP_COUNT]; /* adverts dropped before a local VHID was known */
	uint8_t (*own_macs)[6];         /* our MACs on this segment (ARP claiming one: refused) */
	unsigned int n_own_macs;
	/* MLD: when the next report is due (0: none), its record type, and how many more
	 * follow it a second apart (RFC 3810's robustness: each change is reported twice) */
	uint64_t mld_due_ns;
	uint8_t mld_record;
	uint8_t mld_repeats;
};

/** What telemetry shows of a VHID, copied by the control lcore. */
struct ctl_vhid_snap {
	enum carp_state state;
	uint64_t since_ns;
	bool master_heard;
	uint64_t master_heard_ns;
	uint8_t advskew_tx;
	uint8_t demote;
	struct ctl_vhid_stats st;
};

/** Forwarding counters of the control lcore. */
struct ctl_fwd_stats {
	uint64_t arp_requests;     /* sent to resolve or refresh next hops */
	uint64_t nd_solicits;      /* the same for IPv6 next hops */
	uint64_t arp_request_nombuf; /* requests not sent: the mbuf pool was empty */
	uint64_t released;         /* held packets sent once their next hop resolved */
	uint64_t unresolved_drops; /* held or arriving packets dropped: no answer, queue full */
	uint64_t mld_reports;      /* MLDv2 reports sent */
	uint64_t mld_queries;      /* MLD queries received and answered */
};

/* The filter's control side: expiry's count and the rates /carp/states shows. Written
 * by the control lcore, read by telemetry with relaxed atomics. */
struct ctl_filter_stats {
	uint64_t expired;        /* states removed because they expired */
	uint64_t inserts_per_s;  /* over the last whole second */
	uint64_t expiries_per_s;
	uint64_t last_inserts, last_expired, next_rate_ns;
};

struct ctl_node {
	const struct carp_config *cfg;
	struct dp_shared *sh;
	struct ctl_port port[DP_MAX_PORTS];
	uint16_t n_ports;
	struct ctl_iface iface[DP_MAX_IFACES];
	uint16_t n_ifaces;
	struct ctl_vhid *vhid;
	uint16_t n_vhids;
	struct carp_engine engine;
	struct rte_mempool *mp;
	struct rte_ring *carp_ring;     /* workers -> control: CARP adverts */
	struct rte_ring *arp_ring;      /* workers -> control: ARP replies and announcements */
	struct rte_ring *resolve;       /* workers -> control: packets to unresolved next hops */
	struct dp_lcore *ctl_lc;        /* the control lcore's own data-plane context */
	struct dp_lcore **workers;
	unsigned int n_workers;
	struct ctl_pub pub;             /* the workers' views of MASTER flags and neighbours */
	unsigned int demotion;          /* node demotion: ports with link down (VLANs: once) */
	uint64_t next_link_poll;
	struct fwd_neigh_table neigh;
	struct fwd_neigh_ops neigh_ops;
	uint64_t next_neigh_tick;
	struct ctl_fwd_stats fwd_st;
	struct ctl_filter_stats flt_st;
	struct ctl_sync *sync;          /* the pair's state sync (ctl_sync.h); NULL: none */
	/* replay protection: counters start above replay_seq_start, and the counter file
	 * holds replay_reserved, which no advert has reached yet */
	uint64_t replay_seq_start;
	uint64_t replay_reserved;      /* written by the helper thread (atomics) */
	uint64_t replay_next_reserve;
	bool replay_writing;           /* a helper thread writes the file (atomics) */
	bool replay_thread_started;
	pthread_t replay_thread;
	/* graceful stop: VHIDs that bowed out keep working until a peer has taken over */
	bool draining;
	uint8_t *handover;       /* per VHID: 1 while waiting for the peer's first advert */
	unsigned int n_handover;
	/* telemetry snapshot: the control lcore only ever try-locks */
	pthread_mutex_t snap_lock;
	struct ctl_vhid_snap *snap;
	bool snap_dirty;
	uint64_t next_snap;
};

/** Monotonic time in ns. */
uint64_t ctl_now_ns(void);

/**
 * Recompute the node's demotion: one per port without link, and the state sync's while a
 * bulk update is due or its link is down; a change goes to every VHID's adverts.
 */
void ctl_demotion_update(struct ctl_node *n, uint64_t now);

/**
 * Build the control state from @p cfg: HMAC contexts, counters, the engine, the shared
 * data-plane tables. Ports and interfaces must already be set up (sh->port, sh->iface).
 */
int ctl_node_init(struct ctl_node *n, const struct carp_config *cfg, struct dp_shared *sh,
		  struct rte_mempool *mp);

/** Free what ctl_node_init allocated. */
void ctl_node_free(struct ctl_node *n);

/**
 * An advert with replay sequence @p seq was sent: once half the reservation in the counter
 * file is used, the next one is written by a helper thread.
 */
void ctl_replay_reserve_ahead(struct ctl_node *n, uint64_t seq);

/** Check and feed one CARP frame received on interface @p iface; frees @p m. */
void ctl_carp_input(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m);

/** Engine output: send adverts and ARP, publish transitions. */
void ctl_engine_output(void *arg, uint32_t idx, const struct carp_action *a);

/**
 * The filter's share of a control pass: a slice of expiry, and once a second the rates
 * of inserts and expiries. Nothing without a filter.
 */
void ctl_filter_tick(struct ctl_node *n, uint64_t now);

/* Paged replies (ctl_telemetry.c): where a page starts (the command's parameter, 0 when
 * none, -1 when it is not a number), and the page's meta keys ("_total", and "_next",
 * the first entry not on this page). */
long ctl_tel_page_start(const char *params);
void ctl_tel_page_end(struct rte_tel_data *d, uint32_t next, uint32_t total);

/* The filter's telemetry (ctl_filter.c), called under ctl_telemetry.c's lock. */
int ctl_filter_show(struct ctl_node *n, const char *params, struct rte_tel_data *d);
int ctl_states_show(struct ctl_node *n, const char *params, struct rte_tel_data *d);
int ctl_states_of_show(struct ctl_node *n, const char *params, struct rte_tel_data *d);
int ctl_filter_log_show(struct ctl_node *n, const char *params, struct rte_tel_data *d);

/** Build the route table and the neighbour table (after ctl_node_init). */
int ctl_fwd_init(struct ctl_node *n);

/** Publish the config's static neighbours (once the lcores exist). */
int ctl_fwd_start(struct ctl_node *n);

/** Free the route and neighbour tables (held packets too). */
void ctl_fwd_free(struct ctl_node *n);

/** A packet whose next hop no lcore could resolve (see dp_punt_fn). */
void ctl_fwd_resolve(struct ctl_node *n, struct rte_mbuf *m);

/**
 * The MAC of IPv4 neighbour @p ip on interface @p iface, for the node's own datagrams to
 * it; NULL while it is not known, and then it is asked for (an ARP request, rate-limited
 * as for next hops). Nothing is held: the caller's protocol recovers what it lost.
 */
const uint8_t *ctl_fwd_neighbor_mac(struct ctl_node *n, uint32_t ip, uint16_t iface);

/** An ARP reply or announcement, a neighbour advertisement or an MLD query received on
 * interface @p iface; frees @p m. */
void ctl_fwd_arp_input(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m);

/** IPv6 routes (ctl_fwd6.c): the rte_lpm6 and its next hops; called by ctl_fwd_init. */
int ctl_fwd6_init(struct ctl_node *n);

void ctl_fwd6_free(struct ctl_node *n);

/** Solicit IPv6 neighbour @p nb->ip on its interface (the neighbour table's request). */
void ctl_fwd6_solicit(struct ctl_node *n, const struct fwd_neigh *nb);

/** The next hop of IPv6 packet @p m a worker could not resolve (DP_META_RESOLVE6). */
bool ctl_fwd6_next_hop(const struct ctl_node *n, const struct rte_mbuf *m, struct fwd_addr *via);

/** Learn from the neighbour advertisement @p m received on interface @p iface. */
enum fwd_arp ctl_fwd6_advert(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m,
			     const struct fwd_neigh_ops *ops);

/** Neighbour probes and aging, every 100 ms. */
void ctl_fwd_tick(struct ctl_node *n, uint64_t now);

/**
 * MLD (ctl_mld.c): report the groups of every interface with IPv6 (ff02::12, the
 * solicited-node groups of its addresses and VIPs), now and once more a second later.
 */
void ctl_mld_start(struct ctl_node *n, uint64_t now);

/** Report interface @p iface's groups again (a takeover), and once more a second later. */
void ctl_mld_announce(struct ctl_node *n, uint16_t iface, uint64_t now);

/** An MLD query received on interface @p iface (checked by the data plane); frees @p m. */
void ctl_mld_query(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m);

/** Send the reports that are due. */
void ctl_mld_tick(struct ctl_node *n, uint64_t now);


/** Poll links, feed changes and the resulting demotion to the engine. */
void ctl_link_poll(struct ctl_node *n, uint64_t now);

/** Run the control loop until @p quit is set; then bow out and return. */
int ctl_run(struct ctl_node *n, volatile int *quit);

/** Register the /carp/... telemetry commands for @p n. */
int ctl_telemetry_register(struct ctl_node *n);

/** Point the commands at @p n (ctl_telemetry_register does). */
void ctl_telemetry_attach(struct ctl_node *n);

/**
 * Stop the commands from reading the node: call before anything they read is freed. DPDK's
 * telemetry thread lives on; from here on it answers {"error": "the node is stopping"}.
 */
void ctl_telemetry_detach(void);

/** Run telemetry command @p cmd as DPDK's telemetry thread does (tests use it). */
int ctl_telemetry_call(const char *cmd, const char *params, struct rte_tel_data *d);

/**
 * A telemetry key for port or VLAN @p name (and @p vhid when >= 0): "lan/1". Telemetry
 * keys allow only letters, digits, '_' and '/', so a '-' of a name becomes '_' (the config
 * refuses two names that would then collide).
 */
void ctl_telemetry_name(char *out, size_t cap, const char *name, int vhid);

/** Queue a frame the control lcore built (layer 3 at 14) out of interface @p iface. */
void ctl_send_frame(struct ctl_node *n, uint16_t iface, struct rte_mbuf *m);

/** Refresh the telemetry snapshot if due (never blocks). */
void ctl_telemetry_snapshot(struct ctl_node *n, uint64_t now, bool force);

#endif
