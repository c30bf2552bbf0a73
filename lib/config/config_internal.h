/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CONFIG_INTERNAL_H
#define CARP_CONFIG_INTERNAL_H

/**
 * @file
 * Shared by the config module's files, not installed. A load runs in three steps over one
 * context: config_yaml.c walks the libyaml document into the final struct plus the file
 * position of every value (the "src" arrays), config_validate.c checks what spans several
 * values, config_pass.c turns passphrases into keys. Positions stay beside the struct, not
 * in it, so the public struct carries no parsing baggage.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "carp_config.h"

/** A 1-based position in the file; line 0 means "no usable value here". */
struct cfg_mark {
	unsigned int line;
	unsigned int col;
};

struct cfg_port_src {
	struct cfg_mark at; /* the port's mapping */
	struct cfg_mark name;
	struct cfg_mark device;
	struct cfg_mark mtu;
	char devname[64];         /* device name without args, PCI normalised: the EAL's key */
};

/* An interface: a port's untagged side (same index as the port) or a VLAN. */
struct cfg_iface_src {
	struct cfg_mark at;       /* the mapping: the port's, or the VLAN's */
	struct cfg_mark name;     /* usable name (for a port's side: the port's name) */
	struct cfg_mark addrs;    /* the addresses key's value, when given */
	struct cfg_mark *addr_at; /* one per address */
	bool addrs_ok;            /* every address parsed: subnet checks are meaningful */
	bool is_vlan;
	/* VLANs only */
	struct cfg_mark port;     /* the port key's value, when a string */
	const char *port_name;    /* points into the YAML document */
	bool port_ok;             /* carp_config_iface.port names a port */
	struct cfg_mark vlan;     /* the vlan id, when usable */
	struct cfg_mark mtu;      /* given and usable; else the port's MTU applies */
};

struct cfg_vhid_src {
	struct cfg_mark at; /* the VHID's mapping */
	struct cfg_mark vhid;
	struct cfg_mark port;
	struct cfg_mark advbase;
	struct cfg_mark vips;
	struct cfg_mark pass_at;     /* the values, when usable */
	struct cfg_mark passfile_at;
	struct cfg_mark pass_key;    /* the keys, whenever written: "both given" */
	struct cfg_mark passfile_key;
	struct cfg_mark replay;      /* replay_protection, when given as a boolean */
	bool advskew_bad;            /* advskew given but unusable: skip the advbase check */
	bool profile_bad;            /* profile given but unknown: skip the ucarp limits */
	bool port_ok;                /* carp_config_vhid.iface names a usable interface */
	const char *port_name; /* these point into the YAML document */
	const char *pass;
	size_t pass_len;
	const char *passfile;
	size_t passfile_len;
	struct cfg_mark *vip4_at;
	struct cfg_mark *vip6_at;
	bool vips_ok;
};

struct cfg_route_src {
	struct cfg_mark at;     /* the route's mapping */
	struct cfg_mark prefix; /* the values, when usable */
	struct cfg_mark via;
	struct cfg_mark port;   /* optional: the egress interface, by name */
	const char *port_name;  /* points into the YAML document */
};

struct cfg_neighbor_src {
	struct cfg_mark at;   /* the neighbor's mapping */
	struct cfg_mark addr; /* the values, when usable */
	struct cfg_mark mac;
	struct cfg_mark port;  /* optional: its interface, by name */
	const char *port_name; /* points into the YAML document */
};

struct cfg_ctx {
	const char *name;     /* the file as messages call it */
	const char *base_dir; /* for relative passphrase_file; NULL: the current directory */
	struct carp_config_errors *errs;
	bool oom;
	yaml_document_t *doc;
	struct carp_config *cfg;
	struct cfg_port_src *psrc; /* cfg->n_ports entries */
	struct cfg_iface_src *isrc; /* cfg->n_ifaces entries */
	struct cfg_vhid_src *vsrc; /* cfg->n_vhids entries */
	struct cfg_route_src *rsrc;    /* cfg->n_routes entries */
	struct cfg_neighbor_src *nsrc; /* cfg->n_neighbors entries */
};

/* What a next hop and a static neighbor must be, for the messages of both walk and checks. */
#define CFG_VIA_VALID "the address of another router on a connected subnet, of the prefix's " \
		      "family (an IPv6 link-local one with port: naming its interface)"
#define CFG_NEIGHBOR_VALID "the IPv4 or IPv6 address of another host on a connected subnet " \
			   "(an IPv6 link-local one with port: naming its interface)"

/* config_load.c: the names of the enums, indexed by value */
extern const char *const cfg_log_names[CARP_LOG_COUNT];
extern const char *const cfg_idle_names[CARP_IDLE_COUNT];
extern const char *const cfg_icmp_source_names[CARP_ICMP_SOURCE_COUNT];
extern const char *const cfg_source_mac_names[CARP_SOURCE_MAC_COUNT];

/* config_errors.c */

/**
 * Record "NAME:LINE:COL: key 'KEY': MESSAGE; valid: VALID". @p key and @p valid may be
 * NULL to leave their part out; at.line 0 leaves the position out.
 */
void cfg_error(struct cfg_ctx *ctx, struct cfg_mark at, const char *key, const char *valid,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Sort the recorded errors by position, keeping discovery order for equal ones. */
void cfg_errors_sort(struct carp_config_errors *e);

/* config_yaml.c */

/** Walk the document's root node into ctx->cfg and the src arrays. */
void cfg_walk(struct cfg_ctx *ctx, yaml_node_t *root);

/** True for 1..15 letters, digits, '_' and '-': a port or VLAN name. */
bool cfg_name_ok(const char *s, size_t len);

/* config_iface.c: ports, VLANs and their addresses (layer 2 and the interfaces) */

/** Walk the ports list (required) and the VLANs list (@p vlans may be NULL). */
void cfg_walk_ifaces(struct cfg_ctx *ctx, yaml_node_t *ports, yaml_node_t *vlans);

/**
 * Interface checks: names and devices unique, VLANs on a port with ids unique there and
 * MTUs within the port's, addresses on separate subnets, every port used.
 */
void cfg_check_ifaces(struct cfg_ctx *ctx);

/** "port" for a port's untagged side, "VLAN" for a VLAN: how messages name interface @p i. */
const char *cfg_iface_kind(const struct cfg_ctx *ctx, unsigned int i);

/** True when every interface's name parsed (an unknown name is then really unknown). */
bool cfg_all_ifaces_named(const struct cfg_ctx *ctx);

/* config_node.c: mappings and sequences; each reports its own errors */

struct cfg_mark cfg_mark_of(const yaml_node_t *n);

/** The node with id @p id of the document being walked. */
yaml_node_t *cfg_node(struct cfg_ctx *ctx, int id);

/** Write "a, b, c" into @p buf. */
void cfg_join(char *buf, size_t cap, const char *const *names, unsigned int n);

/**
 * Collect the values of mapping @p map into vals[i] by index in @p keys (NULL when
 * absent), and the keys' own positions into @p key_at when not NULL. @p key names the
 * mapping in messages. Returns false when @p map is not a mapping.
 */
bool cfg_map_collect(struct cfg_ctx *ctx, yaml_node_t *map, const char *key,
		     const char *const *keys, unsigned int n, yaml_node_t **vals,
		     struct cfg_mark *key_at);

/** Report @p key missing from @p map (described as @p where) unless @p val is set. */
bool cfg_require(struct cfg_ctx *ctx, yaml_node_t *map, yaml_node_t *val, const char *key,
		 const char *where, const char *valid);

/** The items of sequence @p n of @p min..max entries, or NULL after reporting why not. */
yaml_node_item_t *cfg_seq_items(struct cfg_ctx *ctx, yaml_node_t *n, const char *key,
				unsigned int min, unsigned int max, const char *valid,
				unsigned int *count);

/* config_scalar.c: typed scalars; each reports its own error and returns false */

/** Render a scalar for a message: printable, quoted, cut at 40 bytes. */
const char *cfg_show(const yaml_node_t *n, char *buf, size_t cap);

/** "a mapping", "a sequence", "a scalar". */
const char *cfg_kind(const yaml_node_t *n);

/** True for a plain scalar that YAML reads as null: empty, "~", "null". */
bool cfg_is_null(const yaml_node_t *n);

bool cfg_get_uint(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
		  unsigned long min, unsigned long max, unsigned long *out);
bool cfg_get_pow2(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
		  unsigned long min, unsigned long max, uint16_t *out);
bool cfg_get_bool(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key, bool *out);
/** Any non-null scalar; @p len is its byte length (it may hold NUL from "\0"). */
bool cfg_get_str(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
		 const char **s, size_t *len);
/** One of @p names (count @p n); the index goes to @p out. */
bool cfg_get_enum(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
		  const char *const *names, unsigned int count, unsigned int *out);
bool cfg_get_profile(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
		     enum carp_profile *out);

/* config_addr.c */

/** Parse "ADDR/LEN". Returns NULL, or why it is not one (for the message). */
const char *cfg_parse_prefix(const char *s, struct carp_config_addr *out);

/** Parse a bare IPv4 or IPv6 address (a VIP). Returns NULL or why not. */
const char *cfg_parse_ip(const char *s, struct carp_config_addr *out);

/**
 * Parse a route's "NETWORK/LENGTH": IPv4 only, LENGTH 0..32 (0.0.0.0/0 is the default
 * route). Host bits are not checked here (cfg_host_bits_set). Returns NULL or why not.
 */
const char *cfg_parse_route_prefix(const char *s, struct carp_config_addr *out);

/** True when @p p has bits set after its prefix length (10.1.2.0/16). */
bool cfg_host_bits_set(const struct carp_config_addr *p);

/** Why no route may lead into @p p (IPv4: 0/8, loopback, multicast, 240/4; IPv6:
 * multicast, link-local, ::, ::1, IPv4-mapped), or NULL. */
const char *cfg_route_reserved(const struct carp_config_addr *p);

/** Parse a bare IPv4 or IPv6 address of a host (a next hop, a neighbor). Returns NULL or
 * why not. */
const char *cfg_parse_host(const char *s, struct carp_config_addr *out);

/** Parse "aa:bb:cc:dd:ee:ff", a unicast station address. Returns NULL or why not. */
const char *cfg_parse_mac(const char *s, uint8_t mac[6]);

/** True when @p a (any prefixlen) lies in the subnet of @p p. Same family required. */
bool cfg_prefix_contains(const struct carp_config_addr *p, const struct carp_config_addr *a);

/** True when the subnets of @p a and @p b share an address. */
bool cfg_prefix_overlaps(const struct carp_config_addr *a, const struct carp_config_addr *b);

/** True when @p a and @p b are the same address, prefix lengths aside. */
bool cfg_addr_equal(const struct carp_config_addr *a, const struct carp_config_addr *b);

/**
 * For IPv4 subnets of /30 and wider: "network" or "broadcast" when @p a is that address of
 * @p p's subnet, else NULL.
 */
const char *cfg_addr_reserved_in(const struct carp_config_addr *p,
				 const struct carp_config_addr *a);

/** "10.0.0.2" / "2001:db8::2". */
const char *cfg_addr_str(const struct carp_config_addr *a, char *buf, size_t cap);

/** The subnet: "10.0.0.0/24". */
const char *cfg_subnet_str(const struct carp_config_addr *p, char *buf, size_t cap);

/**
 * Check an EAL device argument and write its name part (before the first comma, PCI
 * addresses in full DDDD:BB:DD.F form) to @p name. Returns NULL or why it is not one.
 */
const char *cfg_parse_device(const char *dev, char *name, size_t cap);

/* config_filter.c */

/** Walk the filter: section (after the interfaces: rules name them). */
void cfg_walk_filter(struct cfg_ctx *ctx, yaml_node_t *map);

/* config_sync.c: the sync: section, after the interfaces and the filter. */
void cfg_walk_sync(struct cfg_ctx *ctx, yaml_node_t *map, struct cfg_mark key_at);

/* config_pass.c: secrets in files */

/*
 * Read the first line of @p path like ucarp's passfile: one trailing \n dropped, a \r
 * kept. Returns 0, a negative errno, or CFG_NOT_REGULAR: a device such as /dev/zero has no
 * line end to stop at. *line is the caller's to wipe and free.
 */
#define CFG_NOT_REGULAR 1
int cfg_read_first_line(const char *path, char **line, size_t *len);

/** @p file from the config's directory when relative. NULL when out of memory. */
char *cfg_resolve_path(struct cfg_ctx *ctx, const char *file);

/** Free what cfg_walk_filter built. */
void carp_config_filter_free(struct flt_ruleset *rs);

/* config_validate.c */

/** Checks across values: interfaces, references, subnets, profile limits. */
void cfg_validate(struct cfg_ctx *ctx);

/* config_pass.c */

/** Build the VHID's key from passphrase or passphrase_file (read now). */
void cfg_vhid_key(struct cfg_ctx *ctx, struct carp_config_vhid *v,
		  const struct cfg_vhid_src *s);

#endif
