/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CONFIG_H
#define CARP_CONFIG_H

/**
 * @file
 * The node configuration: one YAML file (docs/CONFIG.md) turned into a validated struct.
 *
 * Loading is all or nothing. Every check runs before anything is returned, so a file with
 * five mistakes yields five messages in one go, each "FILE:LINE:COL: key 'KEY': MESSAGE;
 * valid: WHAT", and never a half-filled config. A returned config is never modified
 * afterwards: a reload loads a new one and swaps pointers, so readers need no locks.
 *
 * Pure C (libyaml and the protocol core's types); no DPDK.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "carp_fsm.h"
#include "carp_hmac.h"
#include "flt_rule.h"

#define CARP_CONFIG_NAME_MAX 15    /* port/VLAN name length: fits IFNAMSIZ, logs, telemetry */
#define CARP_CONFIG_PORTS_MAX 32   /* Debian's DPDK is built with RTE_MAX_ETHPORTS 32 */
#define CARP_CONFIG_IFACES_MAX 256 /* interfaces: every port's untagged side plus the VLANs */
#define CARP_CONFIG_VLANS_MAX (CARP_CONFIG_IFACES_MAX - CARP_CONFIG_PORTS_MAX)
#define CARP_CONFIG_VIPS_MAX 64    /* per VHID, both families together */
#define CARP_CONFIG_VHIDS_MAX 4096 /* VHIDs in all, on every interface */
#define CARP_CONFIG_PORT_ADDR4_MAX 8 /* IPv4 addresses per interface */
#define CARP_CONFIG_PORT_ADDR6_MAX 8 /* IPv6 addresses per interface */
#define CARP_CONFIG_COUNTER_FILE "/var/lib/carp-dpdk/replay-counter"
#define CARP_CONFIG_STRINGIFY_(x) #x
#define CARP_CONFIG_STRINGIFY(x) CARP_CONFIG_STRINGIFY_(x)
#define CARP_CONFIG_FILE_MAX (1u << 20) /* bigger files are refused unread */
#define CARP_CONFIG_ROUTES_MAX 65536    /* static routes: bounds the route table (LPM) */
#define CARP_CONFIG_NEIGHBORS_MAX 65536 /* static neighbors, same bound */

/** Log levels, numbered as syslog's LOG_EMERG..LOG_DEBUG (DPDK's RTE_LOG_* are one more). */
#define CARP_CONFIG_LOG_LIST(X) \
	X(EMERG, "emerg") \
	X(ALERT, "alert") \
	X(CRIT, "crit") \
	X(ERR, "err") \
	X(WARNING, "warning") \
	X(NOTICE, "notice") \
	X(INFO, "info") \
	X(DEBUG, "debug")

#define CARP_CONFIG_ENUM_LOG(e, s) CARP_LOG_##e,
enum carp_config_log_level { CARP_CONFIG_LOG_LIST(CARP_CONFIG_ENUM_LOG) CARP_LOG_COUNT };
#undef CARP_CONFIG_ENUM_LOG

/** What a worker lcore does when its queues are empty. */
#define CARP_CONFIG_IDLE_LIST(X) \
	X(POLL, "poll")         /* busy polling: lowest latency, one core per lcore */ \
	X(ADAPTIVE, "adaptive") /* back off when idle: several instances share a few cores */

#define CARP_CONFIG_ENUM_IDLE(e, s) CARP_IDLE_##e,
enum carp_config_idle { CARP_CONFIG_IDLE_LIST(CARP_CONFIG_ENUM_IDLE) CARP_IDLE_COUNT };
#undef CARP_CONFIG_ENUM_IDLE

/** The source of the ICMP errors the node sends. */
#define CARP_CONFIG_ICMP_SOURCE_LIST(X) \
	X(ADDRESS, "address") /* the ingress interface's own address */ \
	X(VIP, "vip")         /* the VIP of a VHID MASTER there: the same hop on either node */

#define CARP_CONFIG_ENUM_ICMP_SOURCE(e, s) CARP_ICMP_SOURCE_##e,
enum carp_config_icmp_source {
	CARP_CONFIG_ICMP_SOURCE_LIST(CARP_CONFIG_ENUM_ICMP_SOURCE) CARP_ICMP_SOURCE_COUNT
};
#undef CARP_CONFIG_ENUM_ICMP_SOURCE

/** Source MAC of the frames a port forwards (not of CARP's own adverts and ARP). */
#define CARP_CONFIG_SOURCE_MAC_LIST(X) \
	X(VMAC, "vmac") /* the vMAC of a VHID MASTER here on the port, else the real MAC */ \
	X(REAL, "real") /* always the port's real MAC */

#define CARP_CONFIG_ENUM_SOURCE_MAC(e, s) CARP_SOURCE_MAC_##e,
enum carp_config_source_mac {
	CARP_CONFIG_SOURCE_MAC_LIST(CARP_CONFIG_ENUM_SOURCE_MAC) CARP_SOURCE_MAC_COUNT
};
#undef CARP_CONFIG_ENUM_SOURCE_MAC

/** Node-wide settings and the defaults VHIDs inherit. */
struct carp_config_global {
	enum carp_config_log_level log_level; /* default info */
	enum carp_config_idle idle;           /* default poll */
	bool preempt;                         /* default for VHIDs; default false as on the BSDs */
	enum carp_profile profile;            /* default for VHIDs; default openbsd */
	uint32_t mbufs;                       /* mbuf pool size per socket, default 16383 */
	bool telemetry;                       /* default true */
	uint32_t neighbor_timeout_s;          /* learned neighbor lifetime, 10..86400, def. 300 */
	uint32_t neighbor_queue;              /* held per unresolved next hop, 0..64, default 4 */
	uint32_t neighbor_hold_max;           /* held in all, 0..65536, default 256 */
	uint32_t neighbor_resolve_rate;       /* new resolutions per second, default 100 */
	uint32_t arp_punt_rate;               /* ARP to the control lcore per port/s, def. 1000 */
	uint32_t icmp_rate;                   /* ICMP errors per second, node-wide, def. 100 */
	enum carp_config_icmp_source icmp_source; /* default address */
	uint16_t node_id;                     /* replay protection's id; 0: from the address */
	char replay_counter_file[256];        /* where the counter's reserve is kept */
};

/** An address with its prefix length; a VIP only uses family and address. */
struct carp_config_addr {
	uint8_t family;    /* 4 or 6, as carp_fsm_advert */
	uint8_t prefixlen; /* port addresses: 1..32 or 1..128; VIPs: 32 or 128 */
	union {
		uint32_t v4;        /* host order */
		struct carp_in6 v6; /* network order */
	};
};

/** A physical port: the device and what its driver is told. */
struct carp_config_port {
	char name[CARP_CONFIG_NAME_MAX + 1]; /* also the name of its untagged interface */
	char *device;                   /* EAL device argument as written: PCI address or vdev */
	uint16_t mtu;                   /* the device's MTU, default 1500; VLANs' at most this */
	uint16_t rx_desc;               /* default 1024 */
	uint16_t tx_desc;               /* default 1024 */
	bool promiscuous;               /* default false */
	unsigned int n_vlans;           /* VLAN interfaces on the port */
	unsigned int line;              /* where the port starts in the file, for later messages */
};

/*
 * An IP interface, one segment: a port's untagged side or an 802.1Q VLAN on a port.
 * Everything layer 3 (VHIDs, routes, neighbors) is on an interface. carp_config.ifaces
 * holds first every port's untagged side, at the port's own index (n_addrs 0 when the
 * untagged side of a trunk is unused), then the VLANs in file order.
 */
struct carp_config_iface {
	char name[CARP_CONFIG_NAME_MAX + 1];
	unsigned int port;              /* index into carp_config.ports */
	uint16_t vlan;                  /* 0: the port's untagged side; else 1..4094 */
	struct carp_config_addr *addrs; /* the interface's own addresses, at least one IPv4 */
	unsigned int n_addrs;           /* 0: unused (only a trunk port's untagged side) */
	uint16_t mtu;                   /* largest IPv4 packet sent out of it; default: port's */
	enum carp_config_source_mac source_mac; /* default CARP_SOURCE_MAC_VMAC */
	unsigned int line;              /* where it starts in the file */
};

struct carp_config_vhid {
	uint8_t vhid;
	unsigned int iface;             /* index into carp_config.ifaces (key "port") */
	uint8_t advbase;                /* default 1 */
	uint8_t advskew;                /* default 0 */
	bool preempt;                   /* default global.preempt */
	enum carp_profile profile;      /* default global.profile */
	bool replay_protection;         /* default false: counters with node ids, replays dropped */
	bool has_key;                   /* false: passphrase "" (all-zero key, no authentication) */
	struct carp_key key;            /* passphrase bytes, zero padded to 20 */
	uint32_t *vip4;                 /* host order, as configured */
	unsigned int n_vip4;
	struct carp_in6 *vip6;          /* as configured */
	unsigned int n_vip6;
	unsigned int line;              /* where the VHID starts in the file */
};

/** A static route, IPv4 or IPv6. */
struct carp_config_route {
	struct carp_config_addr prefix; /* host bits zero; length 0: the family's default route */
	struct carp_config_addr via;    /* next hop of the same family (prefixlen unused): on a
					 * connected subnet, or IPv6 link-local on the interface
					 * named by port:, not this node's */
	unsigned int iface; /* egress: the interface whose subnet holds via (or port:) */
	unsigned int line;  /* where the route starts in the file */
};

/** A static ARP or neighbour discovery entry: never aged, never replaced from the wire. */
struct carp_config_neighbor {
	struct carp_config_addr addr; /* a host on a connected subnet (IPv6: or link-local on
				       * the interface named by port:), not this node's */
	uint8_t mac[6];     /* unicast, not zero */
	unsigned int iface; /* index of the interface it is on */
	unsigned int line;  /* where the neighbor starts in the file */
};

/* State sync between the nodes (the pfsync role): the sync: section. */
#define CARP_CONFIG_SYNC_KEY_MIN 16
#define CARP_CONFIG_SYNC_KEY_MAX 256
#define CARP_CONFIG_SYNC_PORT 8240
#define CARP_CONFIG_SYNC_DIGEST_S 30 /* between digest rounds */
#define CARP_CONFIG_SYNC_DEFER_MS 20 /* pfsync's bound on a deferred packet */
#define CARP_CONFIG_SYNC_GROUP 0xe00000f0u /* 224.0.0.240, pfsync's group */

struct carp_config_sync {
	unsigned int iface;          /* index into carp_config.ifaces: the sync link */
	uint8_t key[CARP_CONFIG_SYNC_KEY_MAX]; /* the shared HMAC key (key_file's first line) */
	size_t key_len;
	uint32_t node;               /* this node's id; 0: made at start from the link's MAC */
	uint32_t peer;               /* unicast peer (host order), 0: the group */
	uint16_t port;               /* UDP port, both ends */
	uint32_t batch_ms;           /* the longest a change waits before it is sent */
	uint32_t digest_s;           /* between the digest rounds this node starts; 0: none */
	bool defer;                  /* hold a new state's first packet until a peer has it */
	uint32_t defer_ms;           /* at most this long */
	unsigned int line;           /* where the section starts */
};

struct carp_config {
	struct carp_config_global global;
	struct carp_config_port *ports;
	unsigned int n_ports;
	struct carp_config_iface *ifaces; /* n_ports untagged sides, then the VLANs */
	unsigned int n_ifaces;
	struct carp_config_vhid *vhids; /* in file order */
	unsigned int n_vhids;
	struct carp_config_route *routes; /* in file order; NULL when there are none */
	unsigned int n_routes;
	struct carp_config_neighbor *neighbors; /* in file order; NULL when there are none */
	unsigned int n_neighbors;
	struct flt_ruleset *filter; /* the filter: section; NULL without one (stateless) */
	struct carp_config_sync *sync; /* the sync: section; NULL without one */
};

/** One problem found in a configuration file. */
struct carp_config_error {
	unsigned int line;   /* 1-based; 0 when the problem has no position (unreadable file) */
	unsigned int column; /* 1-based */
	char *text;          /* the full message, without a trailing newline */
};

/**
 * Problems found by one load, sorted by position. Zero-initialise before first use
 * (`struct carp_config_errors errs = {0};`); a load empties it before filling it.
 */
struct carp_config_errors {
	struct carp_config_error *v;
	unsigned int n;
	unsigned int cap; /* private */
};

/**
 * Load and validate the configuration file @p path.
 *
 * A relative passphrase_file is taken relative to the directory of @p path, so a config
 * and its key files can move together.
 *
 * @param path file to read (at most CARP_CONFIG_FILE_MAX bytes).
 * @param out receives the config on success (free it with carp_config_free); NULL on
 *   failure: a partial config is never returned.
 * @param errs receives every problem found, not only the first; may be NULL.
 * @return 0; -EINVAL when the file has problems; a negative errno when it cannot be read
 *   (-ENOENT, -EACCES, -EISDIR, -EIO, ..., -ENODEV for a device or FIFO, -EFBIG over
 *   CARP_CONFIG_FILE_MAX), with one position-less message in @p errs; -ENOMEM.
 */
int carp_config_load(const char *path, struct carp_config **out,
		     struct carp_config_errors *errs);

/**
 * Same as carp_config_load on text held in memory (tests, configs from other sources).
 *
 * @param text NUL-terminated YAML.
 * @param name_for_errors what messages call the file (e.g. "<string>").
 * A relative passphrase_file is taken relative to the current directory.
 */
int carp_config_load_string(const char *text, const char *name_for_errors,
			    struct carp_config **out, struct carp_config_errors *errs);

/** Free a config from a load, wiping the keys first. NULL is a no-op. */
void carp_config_free(struct carp_config *c);

/** Free the messages of @p e and zero it for reuse. NULL is a no-op. */
void carp_config_errors_free(struct carp_config_errors *e);

/** Print every message of @p e to @p fp, one per line. */
void carp_config_errors_print(const struct carp_config_errors *e, FILE *fp);

/** The port called @p name, or NULL. */
const struct carp_config_port *carp_config_port_by_name(const struct carp_config *c,
							 const char *name);

/** The interface (a port's untagged side or a VLAN) called @p name, or NULL. */
const struct carp_config_iface *carp_config_iface_by_name(const struct carp_config *c,
							   const char *name);

/** The VHID @p vhid on the interface at index @p iface, or NULL. */
const struct carp_config_vhid *carp_config_vhid_find(const struct carp_config *c,
						      unsigned int iface, uint8_t vhid);

/** "emerg" .. "debug"; "?" when out of range. */
const char *carp_config_log_level_name(enum carp_config_log_level l);

/** "poll" or "adaptive"; "?" when out of range. */
const char *carp_config_idle_name(enum carp_config_idle i);

/** "vmac" or "real"; "?" when out of range. */
const char *carp_config_source_mac_name(enum carp_config_source_mac m);

#endif
