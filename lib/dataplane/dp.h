/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_H
#define CARP_DP_H

/**
 * @file
 * The data plane: what worker lcores (and the control lcore, for its own rx queue) do
 * with each received frame, the tables they read, and the counters they keep.
 *
 * Ports and interfaces: a port is a device (queues, tx buffers); an interface is a segment
 * on it, the port's untagged side or an 802.1Q VLAN (dp_l2.h). Everything layer 3 (VIPs,
 * addresses, VHIDs, routes, neighbours, vMAC acceptance) is per interface.
 *
 * Ownership: the tables in struct dp_shared are built before the lcores start and never
 * change while they run (VIPs, interfaces, VHID numbers come from an immutable config). The
 * only thing that changes is which VHIDs are MASTER; each lcore keeps its own copy in
 * struct dp_lcore, updated from messages the control lcore sends on a ring per lcore and
 * applied between bursts. Counters have one writer each (their lcore); telemetry reads
 * them with relaxed atomic loads. No locks, no atomics per packet.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "carp_addr6.h"
#include "carp_classify.h"
#include "carp_config.h"
#include "flt_key.h"
#include "fwd_cache.h"
#include "fwd_icmp.h"
#include "fwd_ipv4.h"

struct rte_lpm;
struct rte_lpm6;
struct dp_filter;
struct dp_filter_lcore;

#define DP_BURST 32
#define DP_MAX_PORTS CARP_CONFIG_PORTS_MAX
#define DP_MAX_IFACES CARP_CONFIG_IFACES_MAX
#define DP_MAX_VHIDS CARP_CONFIG_VHIDS_MAX
#define DP_NO_VHID UINT16_MAX
#define DP_NO_IFACE UINT16_MAX
#define DP_VLAN_IDS 4096

/* Why a data-plane lcore dropped a frame. X(enum suffix, counter name, explanation) */
#define DP_DROP_LIST(X) \
	X(RUNT, "runt", "frame too short to classify") \
	X(MULTISEG, "multiseg", "frame in several segments (larger than one mbuf)") \
	X(ETHERTYPE, "ethertype", "EtherType not handled") \
	X(VLAN_UNKNOWN, "vlan_unknown", "802.1Q tag of a VLAN not configured on the port") \
	X(VLAN_PRIORITY, "vlan_priority", "priority-tagged frame (VLAN 0): which segment it belongs to is not ours to guess") \
	X(VLAN_DOUBLE, "vlan_double", "two tags, or an 802.1ad/QinQ outer tag: no QinQ is configured") \
	X(UNTAGGED_UNUSED, "untagged_unused", "untagged frame on a port whose untagged side has no addresses (a trunk)") \
	X(SRC_MAC_MULTICAST, "src_mac_multicast", "Ethernet source is multicast or broadcast: no station sends from one") \
	X(NOT_FOR_US, "not_for_us", "destination MAC neither ours, a vMAC, broadcast nor multicast") \
	X(VMAC_BACKUP, "vmac_backup", "frame to the vMAC of a VHID that is not MASTER here") \
	X(ARP_BACKUP, "arp_backup", "ARP request for a VIP of a VHID that is not MASTER here") \
	X(ARP_OTHER, "arp_other", "ARP that does not ask for one of our addresses") \
	X(ARP_OTHER_PORT, "arp_other_port", "ARP request for an address or VIP of another port or VLAN: answered only where it lives") \
	X(ARP_BAD_SENDER, "arp_bad_sender", "ARP sender MAC multicast, broadcast or zero, or sender IP not unicast") \
	X(ARP_RATE_LIMITED, "arp_rate_limited", "ARP reply or announcement, or neighbour advertisement, over arp_punt_rate: not handed to the control lcore") \
	X(ECHO_BAD_SRC, "echo_bad_src", "echo request from a non-unicast source (broadcast, multicast, zero, loopback): never answered") \
	X(IPV4_NOT_LOCAL, "ipv4_not_local", "IPv4 to one of our addresses that we do not answer") \
	X(L2_MULTICAST, "l2_multicast", "IPv4 or IPv6 to a foreign address in a broadcast/multicast frame") \
	X(IPV6_NOT_LOCAL, "ipv6_not_local", "IPv6 to one of our addresses that we do not answer") \
	X(ND_BAD_HLIM, "nd_bad_hlim", "neighbour discovery with a hop limit other than 255: it crossed a router") \
	X(ND_BAD_CKSUM, "nd_bad_cksum", "neighbour discovery with a wrong ICMPv6 checksum") \
	X(ND_MALFORMED, "nd_malformed", "neighbour discovery truncated, with a code other than 0 or a malformed option") \
	X(ND_BAD_SRC, "nd_bad_src", "neighbour solicitation from a group address or MAC, or a DAD probe that breaks RFC 4861 7.1.1") \
	X(ND_BAD_TARGET, "nd_bad_target", "neighbour discovery for a multicast or unspecified (::) target, or a solicited advertisement to a group") \
	X(ND_BACKUP, "nd_backup", "neighbour solicitation for a VIP of a VHID that is not MASTER here") \
	X(ND_OTHER, "nd_other", "neighbour solicitation that does not ask for one of our addresses") \
	X(ND_OTHER_PORT, "nd_other_port", "neighbour solicitation for an address or VIP of another port or VLAN: answered only where it lives") \
	X(ND_ADVERT, "nd_advert", "neighbour advertisement on an interface without IPv6") \
	X(MLD_RATE_LIMITED, "mld_rate_limited", "MLD query over arp_punt_rate: not handed to the control lcore") \
	X(CARP_PUNT_FULL, "carp_punt_full", "CARP ring to the control lcore full: advert lost") \
	X(ARP_PUNT_FULL, "arp_punt_full", "ARP ring to the control lcore full: ARP reply or announcement lost") \
	X(RESOLVE_FULL, "resolve_full", "resolve ring full: packet to an unresolved next hop lost") \
	X(NO_HEADROOM, "no_headroom", "no room before the frame for a VLAN tag (never with the node's own mbuf pool)") \
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
	uint64_t punted;  /* CARP adverts, ARP replies and announcements to the control lcore */
	uint64_t arp_replies;
	uint64_t echo_replies;
	uint64_t nd_replies;      /* neighbour advertisements answering a solicitation */
	uint64_t nd_dad_defended; /* of which to a DAD probe for an address we hold */
	uint64_t icmp_errors;       /* ICMP errors sent for packets not forwarded */
	uint64_t icmp_rate_limited; /* not sent: over icmp_rate */
	uint64_t forwarded;
	uint64_t to_resolve; /* packets handed to the control lcore for ARP resolution */
	uint64_t fragmented; /* IPv4 datagrams forwarded in fragments (not in forwarded) */
	uint64_t drop[DP_DROP_COUNT];
	uint64_t fwd_drop[FWD_DROP_COUNT];
} __rte_cache_aligned;

#define DP_PORT_ADDR4_MAX CARP_CONFIG_PORT_ADDR4_MAX
#define DP_IFACE_ADDR6_MAX (CARP_CONFIG_PORT_ADDR6_MAX + 1) /* and the derived link-local */

/** What every lcore reads about a port: a device. */
struct dp_port {
	uint16_t port_id;
	struct rte_ether_addr mac;
	uint16_t untagged;     /* interface of untagged frames, DP_NO_IFACE when unused */
	bool tx_vlan_insert;   /* the device inserts tags (RTE_MBUF_F_TX_VLAN) */
};

/** What every lcore reads about an interface: a port's untagged side or a VLAN on it. */
struct dp_iface {
	uint16_t port;          /* index in dp_shared.port */
	uint16_t vlan;          /* 0: untagged; else the VLAN id its frames are tagged with */
	bool tag_by_device;     /* tagged by the device's insert offload, not in software */
	struct rte_ether_addr mac; /* the port's */
	uint32_t addr4[DP_PORT_ADDR4_MAX]; /* the interface's own IPv4 addresses, host order */
	uint8_t plen4[DP_PORT_ADDR4_MAX];  /* and their prefix lengths */
	unsigned int n_addr4;
	/* Its IPv6 addresses, network order: [0] its link-local (configured, else derived
	 * from the MAC: modified EUI-64), then the configured ones. None without IPv6. */
	struct carp_in6 addr6[DP_IFACE_ADDR6_MAX];
	unsigned int n_addr6;
	uint16_t vhid_idx[256]; /* VHID number -> VHID index on this interface, or DP_NO_VHID */
	bool source_real;       /* forwarded frames leave with the real MAC, never a vMAC */
	uint16_t mtu;           /* largest IPv4 packet forwarded out of this interface */
};

/*
 * An LPM next hop: a gateway, or (ip 0) the destination itself on a connected subnet,
 * whose network and broadcast addresses are refused (no directed broadcast, RFC 2644).
 */
struct dp_nexthop {
	uint32_t ip;
	uint32_t net;   /* connected subnets of /30 and wider: network address, else 0 */
	uint32_t bcast; /* and broadcast address, else 0 */
	uint16_t iface;
	bool local;     /* a /32 of one of our own addresses: delivered here, never forwarded */
};

/*
 * An IPv6 LPM next hop: a gateway (a global or link-local address on iface), or (::) the
 * destination itself on a connected subnet. IPv6 has no broadcast to refuse.
 */
struct dp_nexthop6 {
	struct carp_in6 ip;
	uint16_t iface;
	bool local;     /* a /128 of one of our own addresses: delivered here, never forwarded */
};

#define DP_LOCAL_PORT_ADDR 0x8000 /* local table value: interface address, OR'ed index */
#define DP_OWN_SRC_BITS 4096

/*
 * The filter's bit for an IPv4 address as the packet holds it (4 bytes in network order,
 * loaded as they are): 12 bits of the last two bytes, which tell the hosts of a subnet
 * apart. One load and one shift on the fast path: no byte swap, no multiply.
 */
static inline uint32_t
dp_own_src_bit(const uint8_t *addr)
{
	uint32_t raw;

	memcpy(&raw, addr, sizeof(raw));
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return raw >> 20; /* the last byte and the high half of the one before */
#else
	return raw & 0xfff;
#endif
}

/*
 * The ICMP errors of the node: one rate for all lcores together, as the kernels limit
 * theirs, on a theoretical arrival time the lcores move with a compare-and-swap (only for
 * packets that get an error, never on the forwarding path). The one mutable thing the
 * shared tables point to.
 */
struct dp_icmp {
	struct fwd_rate rate;
	bool source_vip;   /* from the VIP of a MASTER VHID on the ingress interface */
	uint64_t tat __rte_cache_aligned;
};

/** Read-only tables shared by all lcores. */
struct dp_shared {
	struct dp_port port[DP_MAX_PORTS];
	uint16_t n_ports;
	struct dp_iface iface[DP_MAX_IFACES];
	uint16_t n_ifaces;
	uint16_t port_of_id[RTE_MAX_ETHPORTS]; /* ethdev port id -> index in port[] */
	/* (port index, VLAN id) -> interface, DP_NO_IFACE for VLANs not configured there and
	 * always for VLAN 0 (priority tags) and 4095 */
	uint16_t vlan_iface[DP_MAX_PORTS][DP_VLAN_IDS];
	struct carp_vip_table vips;            /* (interface index, IPv4 VIP) -> VHID index */
	struct carp_vip_table local;           /* (0, any of our IPv4 addresses) -> VHID index,
						* or DP_LOCAL_PORT_ADDR | interface index */
	struct carp_addr6_table vips6;         /* (interface index, IPv6 VIP) -> VHID index */
	struct carp_addr6_table local6;        /* as local, for the IPv6 addresses and VIPs
						* outside fe80::/10 (link-local ones live on
						* their interface only) */
	struct rte_lpm *lpm;                   /* routes: connected subnets and static routes */
	struct dp_nexthop *nexthop;
	uint32_t n_nexthops;
	struct rte_lpm6 *lpm6;                 /* IPv6 routes (NULL: none); their next hops */
	struct dp_nexthop6 *nexthop6;
	uint32_t n_nexthops6;
	uint16_t n_vhids;
	struct rte_ether_addr vmac[DP_MAX_VHIDS]; /* VHID index -> virtual MAC */
	uint32_t first_vip4[DP_MAX_VHIDS];          /* and its first IPv4 VIP (0: none) ... */
	struct carp_in6 first_vip6[DP_MAX_VHIDS];   /* ... and global IPv6 VIP (:: none) */
	struct dp_icmp *icmp;                     /* ICMP errors: their rate and source */
	struct dp_filter *filter;                 /* the packet filter, NULL: stateless */
	/* State sync (the sync: section): its datagrams, UDP to port sync_port at the group
	 * (or, with a unicast peer, at our address sync_addr) on interface sync_iface, go to
	 * the control lcore; the workers tell it of the states they make and change.
	 * sync_port 0: no sync. */
	uint16_t sync_iface;
	uint16_t sync_port;
	uint32_t sync_group; /* host order */
	uint32_t sync_addr;  /* host order; 0 without a unicast peer */
	/* A 4096-bit filter over our own addresses (ports and VIPs, IPv4 and the last four
	 * bytes of IPv6), so the per-packet check for a spoofed source is one load; a hit is
	 * confirmed in the local table of the family. */
	uint64_t own_src_bits[DP_OWN_SRC_BITS / 64];
	/* ARP handed to the control lcore, per interface and lcore: a GCRA (virtual scheduling)
	 * bucket in TSC ticks, one token every arp_interval, at most arp_burst at once. */
	uint64_t arp_interval;
	uint64_t arp_tolerance; /* (burst - 1) * arp_interval; 0 interval: no limit */
};

/* Control -> lcore messages, 28 bytes each in an element ring: nothing to allocate. */
enum dp_msg_type {
	DP_MSG_MASTER,    /* idx = VHID index, flag = 1 when MASTER here */
	DP_MSG_NEIGH_SET, /* ip (IPv4 or IPv6, fwd_addr.h) is at mac on interface iface */
	DP_MSG_NEIGH_DEL, /* forget ip */
	DP_MSG_RESET,     /* forget every MASTER flag and neighbour: the whole view follows */
};

struct dp_msg {
	uint8_t type;
	uint8_t flag;
	uint16_t idx;
	struct fwd_addr ip;
	uint8_t mac[6];
	uint16_t iface;
};

struct dp_lcore;

/**
 * How frames reach the control lcore: through a ring, or by a direct call when the control
 * lcore handles its own queue. There are three paths, so that no kind of frame can crowd
 * out another: CARP adverts (a path of their own: any host may send ARP, only key holders
 * send valid adverts), ARP replies and announcements for learning, and IPv4 packets to a
 * next hop not in the cache. Each frame carries the interface it came in on (CARP, ARP)
 * or leaves by (resolve) in m->hash.fdir.hi, the L3 offset in m->l2_len, and for resolve
 * the next hop in m->hash.fdir.lo (dp_meta_*).
 */
typedef void (*dp_punt_fn)(struct dp_lcore *lc, struct rte_mbuf *m);

static inline void
dp_meta_set(struct rte_mbuf *m, uint16_t iface, uint8_t l3)
{
	m->hash.fdir.hi = iface;
	m->l2_len = l3;
}

static inline uint16_t
dp_meta_iface(const struct rte_mbuf *m)
{
	return (uint16_t)m->hash.fdir.hi;
}

struct dp_to_control {
	struct rte_ring *ring; /* a worker's path: multi-producer, the control lcore consumes */
	dp_punt_fn fn;         /* the control lcore's own path (ring NULL): a direct call */
};

/*
 * The Ethernet header of frames an lcore sends out of an interface, as a 16-byte image
 * ending where the EtherType starts, whose last hlen bytes dp_l2_write stores from the
 * frame's start: destination, source, and the 802.1Q tag when tagged in software (hlen
 * 16); else four unused bytes first (hlen 12), and the device inserts the tag when the
 * interface has one.
 */
struct dp_l2_hdr {
	uint8_t img[16];
	uint8_t hlen;          /* 12 or 16: the bytes of img in the frame */
	bool tag_by_device;    /* set RTE_MBUF_F_TX_VLAN with tci */
	uint16_t tci;
	uint16_t port;         /* egress port index */
};

/* Where in dp_l2_hdr.img the destination and source MACs are. */
static inline uint8_t *
dp_l2_hdr_dst(struct dp_l2_hdr *h)
{
	return h->img + 16 - h->hlen;
}

static inline uint8_t *
dp_l2_hdr_src(struct dp_l2_hdr *h)
{
	return h->img + 16 - h->hlen + RTE_ETHER_ADDR_LEN;
}

/*
 * A gateway next hop as one lcore sees it: the header of frames sent to it, prebuilt,
 * so forwarding writes one image instead of looking the gateway up per packet.
 * Kept per LPM next hop (routes via a gateway), rebuilt from neighbour and MASTER messages.
 */
struct dp_adj {
	struct dp_l2_hdr l2;
	uint16_t mtu;    /* the egress interface's MTU; 0 while the gateway is not resolved */
};

/* vMAC acceptance per interface and VHID number, in dp_lcore.vmac_state */
#define DP_VMAC_UNKNOWN 0 /* no such VHID on the interface */
#define DP_VMAC_MASTER 1  /* MASTER here: frames to the vMAC are ours */
#define DP_VMAC_BACKUP 2  /* not MASTER here: frames to the vMAC belong to the master */

/* The rate limits of what goes to the control lcore on the ARP path, per interface. */
enum dp_punt_bucket { DP_PUNT_ARP, DP_PUNT_ARP_REPLY, DP_PUNT_MLD, DP_PUNT_BUCKETS };

/** One data-plane lcore: its queues, its copy of the MASTER flags, its counters. */
struct dp_lcore {
	const struct dp_shared *sh;
	uint16_t queue;            /* rx and tx queue index on every port */
	struct rte_ring *msgs;     /* control -> this lcore (NULL for the control lcore) */
	struct dp_to_control carp; /* this lcore -> control: adverts */
	struct dp_to_control arp;  /* ARP replies and announcements */
	struct dp_to_control resolve; /* packets to next hops not in the cache */
	void *punt_arg;
	bool adaptive_idle;
	struct dp_counters cnt;
	uint8_t master[DP_MAX_VHIDS];
	/* Per interface, for one-compare acceptance (dp_mac_key): its MAC, and the vMAC its
	 * forwarded frames leave from (a MASTER VHID's: the one hosts most likely use as
	 * their gateway), or a key no MAC has. */
	struct dp_accept_keys {
		uint64_t own, vmac;
	} accept[DP_MAX_IFACES];
	uint8_t vmac_state[DP_MAX_IFACES][256];      /* DP_VMAC_* by interface and VHID number */
	struct dp_l2_hdr l2[DP_MAX_IFACES];          /* forwarded frames' header per interface,
						      * destination left zero */
	struct fwd_cache neigh;                      /* resolved next hops */
	struct dp_adj *adj;                          /* per LPM next hop (sh->n_nexthops) */
	struct dp_adj *adj6;                         /* per IPv6 LPM next hop */
	struct dp_filter_lcore *flt;                 /* the filter's counters (dp_filter.h) */
	struct rte_ring *sync_events;                /* -> control: states made and changed
						      * (struct dp_sync_event); NULL: no sync */
	struct rte_ring *defer;                      /* -> control: first packets to hold
						      * (struct dp_deferred); NULL: no defer */
	struct rte_mbuf *tx[DP_MAX_PORTS][DP_BURST]; /* frames waiting per port */
	uint16_t n_tx[DP_MAX_PORTS];
	/* Cold, at the end, out of the forwarding path's lines: ARP to control, theoretical
	 * arrival times per interface, for announcements and other ARP [0], for replies
	 * addressed to one of our interface addresses [1], so that a flood of announcements
	 * never starves the answers to our own requests, and for MLD queries [2]. */
	uint64_t arp_tat[DP_PUNT_BUCKETS][DP_MAX_IFACES];
};

/* A state a lcore made or changed, for the pair's sync (an element of sync_events). */
#define SYNC_EV_INS 1 /* made: SYNC_T_INS */
#define SYNC_EV_UPD 2 /* changed: SYNC_T_UPD */

struct dp_sync_event {
	struct flt_key key;
	uint8_t kind; /* SYNC_EV_* */
	uint8_t pad[3];
};

/*
 * Defer mode (sync: defer): the first packet of a new state, passed by the filter, held
 * by the control lcore until a peer has the state (or a bound). A lcore hands it over on
 * its defer ring (SP/SC, struct dp_deferred) and forgets it.
 */
struct dp_deferred {
	struct rte_mbuf *m;
	struct flt_key key; /* its state's */
	uint16_t port;      /* the port index it came in on */
	uint16_t iface;     /* and the interface */
	uint8_t l3;         /* where its IP header starts */
	uint8_t af;         /* 4 or 6 */
};

/** Send on deferred packet @p d from lcore @p lc (the control lcore's): routed and
 * rewritten as the burst it came in would have, the filter not asked again. */
void dp_defer_release(struct dp_lcore *lc, const struct dp_deferred *d);

/** Handle a burst received on port index @p p. Frees, answers or forwards every mbuf. */
void dp_rx_burst(struct dp_lcore *lc, uint16_t p, struct rte_mbuf **pkts, uint16_t n);

/**
 * What the classification of a burst hands the forwarding stage, per packet: everything
 * it already read, so that nothing is read from the mbuf or the header twice.
 */
struct dp_fwd_burst {
	struct rte_mbuf *m[DP_BURST];
	uint8_t *ip[DP_BURST];    /* the IPv4 header (checked by fwd_ipv4_check) */
	uint32_t dst[DP_BURST];   /* its destination, host order */
	uint16_t total[DP_BURST]; /* its total length: the MTU check, not the padded frame;
				   * DP_FRAG_CHAINED for a reassembled chain (dp_frag.h) */
	uint8_t l3[DP_BURST];     /* where it starts in the frame: 14, or 18 behind a tag */
	uint16_t in[DP_BURST];    /* the interface it came in on (the filter's rules) */
	uint16_t n;
	uint16_t port;            /* the port index the burst came in on (ICMP errors) */
};

/** The IPv6 packets of a burst that passed the router's checks (fwd_ipv6.h). */
struct dp_fwd6_burst {
	struct rte_mbuf *m[DP_BURST];
	uint8_t *ip[DP_BURST];
	uint8_t dst[DP_BURST][16]; /* as rte_lpm6_lookup_bulk_func takes them */
	uint16_t total[DP_BURST];  /* header and payload: the MTU check */
	uint8_t l3[DP_BURST];
	uint16_t in[DP_BURST];
	uint16_t n;
	uint16_t port;
};

/**
 * Answer packet @p m (received on port index @p p, layer 3 at @p l3, IPv4 or IPv6 by
 * @p family), which is not forwarded, with ICMP error @p type / @p code (@p mtu for
 * Fragmentation Needed and Packet Too Big), in place of the packet, back out of its
 * ingress interface; or free it when it may not be answered or the rate is spent.
 */
void dp_icmp_error(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t p, unsigned int l3,
		   int family, uint8_t type, uint8_t code, uint32_t mtu);

/** Set the node's ICMP error rate (0: none) and source. */
void dp_shared_set_icmp(struct dp_shared *sh, struct dp_icmp *icmp, uint32_t per_s,
			bool source_vip);

/**
 * Forward the packets of @p b: one bulk LPM6 lookup, a resolved gateway's prebuilt header
 * or the neighbour cache, hop limit - 1; unresolved next hops to the control lcore.
 */
void dp_fwd6_batch(struct dp_lcore *lc, struct dp_fwd6_burst *b);

/** dp_fwd6_batch for packets the filter has passed already (dp_defer_release). */
void dp_fwd6_batch_passed(struct dp_lcore *lc, struct dp_fwd6_burst *b);

/**
 * Whether the node's ICMP error rate allows one more answer now (the filter's RSTs share
 * it with the router's errors); takes the token when it does.
 */
bool dp_icmp_rate_allows(const struct dp_shared *sh);

/* In m->hash.fdir.hi beside the interface: an IPv6 packet to resolve, whose next hop is
 * the IPv6 LPM next hop m->hash.fdir.lo (its gateway, or the packet's destination). */
#define DP_META_RESOLVE6 (1u << 31)

/**
 * Forward the packets of @p b: LPM four at a time, a resolved gateway's prebuilt header
 * (or the neighbour cache), TTL, the header, the egress port's tx buffer.
 */
void dp_fwd_batch(struct dp_lcore *lc, struct dp_fwd_burst *b);

/** dp_fwd_batch for packets the filter has passed already (dp_defer_release). */
void dp_fwd_batch_passed(struct dp_lcore *lc, struct dp_fwd_burst *b);

/**
 * Rewrite a packet (L3 offset in m->l2_len) for the next hop: TTL or hop limit - 1, the
 * header of interface @p iface with destination @p mac (a VLAN's tag, or none). Returns
 * the egress port index.
 */
uint16_t dp_fwd_rewrite(const struct dp_lcore *lc, struct rte_mbuf *m, const uint8_t mac[6],
			uint16_t iface);

/**
 * Set up @p lc for queue @p queue: its tables sized for @p sh (call after the routes are
 * in sh->nexthop) and a neighbour cache for @p neigh_max next hops. Returns 0 or -ENOMEM.
 */
int dp_lcore_init(struct dp_lcore *lc, const struct dp_shared *sh, uint16_t queue,
		  uint32_t neigh_max);

/**
 * Add @p addr (host order), one of the node's own IPv4 addresses, to the local table with
 * @p value (a VHID index, or DP_LOCAL_PORT_ADDR | interface index) and to the
 * spoofed-source filter. Returns 0, -EEXIST or -ENOSPC.
 */
int dp_shared_add_local(struct dp_shared *sh, uint32_t addr, uint16_t value);

/** The same for an IPv6 address outside fe80::/10 (the local6 table and the filter). */
int dp_shared_add_local6(struct dp_shared *sh, const struct carp_in6 *addr, uint16_t value);

/**
 * Limit ARP each lcore hands to the control lcore to @p per_port_per_s frames per
 * interface and second (0: no limit), announcements and replies to us apart.
 */
void dp_shared_set_arp_rate(struct dp_shared *sh, uint32_t per_port_per_s);

/** Free what dp_lcore_init allocated. */
void dp_lcore_free(struct dp_lcore *lc);

/**
 * Recompute what follows from the MASTER flags: the header of forwarded frames per
 * interface, the vMACs accepted, the prebuilt headers of resolved gateways.
 */
void dp_lcore_refresh(struct dp_lcore *lc);

/* The first six bytes at @p f (a MAC) as a number, for one-compare MAC matching; reads
 * 8 bytes, so @p f must have two more. Same result on any byte order. */
static inline uint64_t
dp_mac_key(const uint8_t *f)
{
	static const uint8_t six[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 };
	uint64_t k, mask;

	memcpy(&k, f, sizeof(k));
	memcpy(&mask, six, sizeof(mask));
	return k & mask;
}

/** Queue @p m for transmission on port index @p p from this lcore's queue. */
void dp_queue_tx(struct dp_lcore *lc, uint16_t p, struct rte_mbuf *m);

/** Send what dp_rx_burst queued for transmission. */
void dp_tx_flush(struct dp_lcore *lc);

/** Apply a control message to this lcore's tables. */
void dp_apply_msg(struct dp_lcore *lc, const struct dp_msg *msg);

/** Apply pending control messages (MASTER flags, neighbours). Returns how many. */
unsigned int dp_apply_msgs(struct dp_lcore *lc);

/** The worker lcore main loop; returns when *stop becomes true. @p arg is a dp_lcore. */
int dp_worker_main(void *arg);

/** Set by the control lcore to end the worker loops. */
extern volatile bool dp_stop;

#endif
