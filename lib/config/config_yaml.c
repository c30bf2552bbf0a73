/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libyaml document walk: one function per mapping of the schema (docs/CONFIG.md). Each
 * value is checked on its own here (type, range, syntax) and its position kept in the src
 * arrays; checks that relate several values are config_validate.c's. A bad value leaves
 * its mark at line 0 so later checks skip it instead of piling up follow-on errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

enum { G_LOG_LEVEL, G_IDLE, G_PREEMPT, G_PROFILE, G_MBUFS, G_TELEMETRY, G_NEIGH_TIMEOUT,
       G_NEIGH_QUEUE, G_NEIGH_HOLD, G_NEIGH_RATE, G_ARP_RATE, G_NODE_ID, G_COUNTER_FILE,
       G_ICMP_RATE, G_ICMP_SOURCE, G_N };
static const char *const global_keys[G_N] = {
	"log_level", "idle", "preempt", "profile", "mbufs", "telemetry", "neighbor_timeout",
	"neighbor_queue", "neighbor_hold_max", "neighbor_resolve_rate", "arp_punt_rate",
	"node_id", "replay_counter_file", "icmp_rate", "icmp_source",
};

enum { V_VHID, V_PORT, V_ADVBASE, V_ADVSKEW, V_PREEMPT, V_PROFILE, V_PASS, V_PASSFILE,
       V_VIPS, V_REPLAY, V_N };
static const char *const vhid_keys[V_N] = {
	"vhid", "port", "advbase", "advskew", "preempt", "profile", "passphrase",
	"passphrase_file", "vips", "replay_protection",
};

enum { R_PREFIX, R_VIA, R_PORT, R_N };
static const char *const route_keys[R_N] = { "prefix", "via", "port" };

enum { NB_ADDRESS, NB_MAC, NB_PORT, NB_N };
static const char *const neighbor_keys[NB_N] = { "address", "mac", "port" };

enum { T_GLOBAL, T_PORTS, T_VLANS, T_VHIDS, T_ROUTES, T_NEIGHBORS, T_FILTER, T_SYNC, T_N };
static const char *const top_keys[T_N] = { "global", "ports", "vlans", "vhids", "routes",
					   "neighbors", "filter", "sync" };

#define PREFIX_VALID "NETWORK/LENGTH such as 10.1.0.0/16 or 2001:db8::/32, or 0.0.0.0/0 or ::/0 " \
		     "for the default route"
#define MAC_VALID "a unicast MAC such as 52:54:00:12:34:56"

static void
walk_global(struct cfg_ctx *ctx, yaml_node_t *map)
{
	struct carp_config_global *g = &ctx->cfg->global;
	yaml_node_t *v[G_N];
	unsigned long u;
	unsigned int e;

	if (cfg_is_null(map))
		return; /* "global:" with nothing under it: all defaults */
	if (!cfg_map_collect(ctx, map, "global", global_keys, G_N, v, NULL))
		return;
	if (v[G_LOG_LEVEL] &&
	    cfg_get_enum(ctx, v[G_LOG_LEVEL], "log_level", cfg_log_names, CARP_LOG_COUNT, &e))
		g->log_level = (enum carp_config_log_level)e;
	if (v[G_IDLE] && cfg_get_enum(ctx, v[G_IDLE], "idle", cfg_idle_names, CARP_IDLE_COUNT, &e))
		g->idle = (enum carp_config_idle)e;
	if (v[G_PREEMPT])
		cfg_get_bool(ctx, v[G_PREEMPT], "preempt", &g->preempt);
	if (v[G_PROFILE])
		cfg_get_profile(ctx, v[G_PROFILE], "profile", &g->profile);
	if (v[G_MBUFS] && cfg_get_uint(ctx, v[G_MBUFS], "mbufs", 1023, 1048575, &u))
		g->mbufs = (uint32_t)u;
	if (v[G_TELEMETRY])
		cfg_get_bool(ctx, v[G_TELEMETRY], "telemetry", &g->telemetry);
	/*
	 * A learned neighbor is asked again before it expires, a few requests a second apart:
	 * under 10 s it would expire while they are still out.
	 */
	if (v[G_NEIGH_TIMEOUT] &&
	    cfg_get_uint(ctx, v[G_NEIGH_TIMEOUT], "neighbor_timeout", 10, 86400, &u))
		g->neighbor_timeout_s = (uint32_t)u;
	/* 64 is the neighbor table's limit (FWD_NEIGH_HOLD_MAX): each held packet pins an mbuf. */
	if (v[G_NEIGH_QUEUE] && cfg_get_uint(ctx, v[G_NEIGH_QUEUE], "neighbor_queue", 0, 64, &u))
		g->neighbor_queue = (uint32_t)u;
	/* The node-wide cap on held packets: what resolution may pin of the pool at most. */
	if (v[G_NEIGH_HOLD] &&
	    cfg_get_uint(ctx, v[G_NEIGH_HOLD], "neighbor_hold_max", 0, 65536, &u))
		g->neighbor_hold_max = (uint32_t)u;
	if (v[G_NEIGH_RATE] &&
	    cfg_get_uint(ctx, v[G_NEIGH_RATE], "neighbor_resolve_rate", 1, 100000, &u))
		g->neighbor_resolve_rate = (uint32_t)u;
	if (v[G_ARP_RATE] && cfg_get_uint(ctx, v[G_ARP_RATE], "arp_punt_rate", 10, 1000000, &u))
		g->arp_punt_rate = (uint32_t)u;
	/* 0 sends none; the kernels' defaults are 100..1000 a second. */
	if (v[G_ICMP_RATE] && cfg_get_uint(ctx, v[G_ICMP_RATE], "icmp_rate", 0, 100000, &u))
		g->icmp_rate = (uint32_t)u;
	if (v[G_ICMP_SOURCE] && cfg_get_enum(ctx, v[G_ICMP_SOURCE], "icmp_source",
					     cfg_icmp_source_names, CARP_ICMP_SOURCE_COUNT, &e))
		g->icmp_source = (enum carp_config_icmp_source)e;
	/* 0 is not an id: it would make the first node's counters look like anyone's. */
	if (v[G_NODE_ID] && cfg_get_uint(ctx, v[G_NODE_ID], "node_id", 1, 65535, &u))
		g->node_id = (uint16_t)u;
	if (v[G_COUNTER_FILE]) {
		const char *path;
		size_t len;

		if (cfg_get_str(ctx, v[G_COUNTER_FILE], "replay_counter_file", &path, &len)) {
			if (len == 0 || len >= sizeof(g->replay_counter_file) || path[0] != '/' ||
			    memchr(path, '\0', len))
				cfg_error(ctx, cfg_mark_of(v[G_COUNTER_FILE]), "replay_counter_file",
					  "an absolute path of at most 255 bytes",
					  "not an absolute path of at most 255 bytes");
			else
				memcpy(g->replay_counter_file, path, len + 1);
		}
	}
}

bool
cfg_name_ok(const char *s, size_t len)
{
	if (len < 1 || len > CARP_CONFIG_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void
walk_vips(struct cfg_ctx *ctx, yaml_node_t *seq, struct carp_config_vhid *v,
	  struct cfg_vhid_src *s)
{
	char valid[64], show[64];
	yaml_node_item_t *it;
	unsigned int n = 0;

	snprintf(valid, sizeof(valid), "1..%u IPv4 or IPv6 addresses", CARP_CONFIG_VIPS_MAX);
	it = cfg_seq_items(ctx, seq, "vips", 1, CARP_CONFIG_VIPS_MAX, valid, &n);
	if (it == NULL)
		return;
	v->vip4 = calloc(n, sizeof(*v->vip4));
	v->vip6 = calloc(n, sizeof(*v->vip6));
	s->vip4_at = calloc(n, sizeof(*s->vip4_at));
	s->vip6_at = calloc(n, sizeof(*s->vip6_at));
	if (!v->vip4 || !v->vip6 || !s->vip4_at || !s->vip6_at) {
		ctx->oom = true;
		return;
	}
	s->vips_ok = true;
	for (unsigned int i = 0; i < n; i++) {
		yaml_node_t *a = cfg_node(ctx, it[i]);
		struct carp_config_addr addr;
		const char *text, *why;
		size_t len;

		if (!cfg_get_str(ctx, a, "vips", &text, &len)) {
			s->vips_ok = false;
			continue;
		}
		why = cfg_parse_ip(text, &addr);
		if (why) {
			cfg_error(ctx, cfg_mark_of(a), "vips", "an address such as 10.99.0.1 or "
				  "2001:db8::1", "'%s': %s", cfg_show(a, show, sizeof(show)), why);
			s->vips_ok = false;
		} else if (addr.family == 4) {
			s->vip4_at[v->n_vip4] = cfg_mark_of(a);
			v->vip4[v->n_vip4++] = addr.v4;
		} else {
			s->vip6_at[v->n_vip6] = cfg_mark_of(a);
			v->vip6[v->n_vip6++] = addr.v6;
		}
	}
	s->vips = cfg_mark_of(seq);
}

static void
walk_vhid(struct cfg_ctx *ctx, yaml_node_t *map, struct carp_config_vhid *v,
	  struct cfg_vhid_src *s)
{
	struct cfg_mark key_at[V_N];
	yaml_node_t *n[V_N];
	unsigned long u;

	v->advbase = 1;
	v->preempt = ctx->cfg->global.preempt;
	v->profile = ctx->cfg->global.profile;
	s->at = cfg_mark_of(map);
	v->line = s->at.line;
	if (!cfg_map_collect(ctx, map, "vhids", vhid_keys, V_N, n, key_at))
		return;
	s->pass_key = key_at[V_PASS];
	s->passfile_key = key_at[V_PASSFILE];
	if (cfg_require(ctx, map, n[V_VHID], "vhid", "this VHID", "an integer 1..255") &&
	    cfg_get_uint(ctx, n[V_VHID], "vhid", 1, 255, &u)) {
		v->vhid = (uint8_t)u;
		s->vhid = cfg_mark_of(n[V_VHID]);
	}
	if (cfg_require(ctx, map, n[V_PORT], "port", "this VHID", "the name of a port or VLAN") &&
	    cfg_get_str(ctx, n[V_PORT], "port", &s->port_name, &(size_t){ 0 }))
		s->port = cfg_mark_of(n[V_PORT]);
	if (n[V_ADVBASE] && cfg_get_uint(ctx, n[V_ADVBASE], "advbase", 0, 255, &u)) {
		v->advbase = (uint8_t)u;
		s->advbase = cfg_mark_of(n[V_ADVBASE]);
	}
	/* 255 is the bow-out value (spec §5.6): never configurable on the BSDs either. */
	if (n[V_ADVSKEW]) {
		if (cfg_get_uint(ctx, n[V_ADVSKEW], "advskew", 0, 254, &u))
			v->advskew = (uint8_t)u;
		else
			s->advskew_bad = true;
	}
	if (n[V_PREEMPT])
		cfg_get_bool(ctx, n[V_PREEMPT], "preempt", &v->preempt);
	if (n[V_REPLAY] && cfg_get_bool(ctx, n[V_REPLAY], "replay_protection",
					&v->replay_protection))
		s->replay = cfg_mark_of(n[V_REPLAY]);
	if (n[V_PROFILE] && !cfg_get_profile(ctx, n[V_PROFILE], "profile", &v->profile))
		s->profile_bad = true;
	/* Null is refused: "no authentication" must be written as passphrase: "". */
	if (n[V_PASS] && cfg_get_str(ctx, n[V_PASS], "passphrase", &s->pass, &s->pass_len))
		s->pass_at = cfg_mark_of(n[V_PASS]);
	if (n[V_PASSFILE] &&
	    cfg_get_str(ctx, n[V_PASSFILE], "passphrase_file", &s->passfile, &s->passfile_len))
		s->passfile_at = cfg_mark_of(n[V_PASSFILE]);
	if (cfg_require(ctx, map, n[V_VIPS], "vips", "this VHID",
			"1..64 IPv4 or IPv6 addresses"))
		walk_vips(ctx, n[V_VIPS], v, s);
}

static void
walk_vhids(struct cfg_ctx *ctx, yaml_node_t *seq)
{
	struct carp_config *c = ctx->cfg;
	char keys[160], valid[200];
	yaml_node_item_t *it;
	unsigned int n = 0;

	cfg_join(keys, sizeof(keys), vhid_keys, V_N);
	snprintf(valid, sizeof(valid), "1..%u mappings with keys %s", CARP_CONFIG_VHIDS_MAX, keys);
	it = cfg_seq_items(ctx, seq, "vhids", 1, CARP_CONFIG_VHIDS_MAX, valid, &n);
	if (it == NULL)
		return;
	c->vhids = calloc(n, sizeof(*c->vhids));
	ctx->vsrc = calloc(n, sizeof(*ctx->vsrc));
	if (c->vhids == NULL || ctx->vsrc == NULL) {
		ctx->oom = true;
		return;
	}
	c->n_vhids = n;
	for (unsigned int i = 0; i < n && !ctx->oom; i++)
		walk_vhid(ctx, cfg_node(ctx, it[i]), &c->vhids[i], &ctx->vsrc[i]);
}

static void
walk_route(struct cfg_ctx *ctx, yaml_node_t *map, struct carp_config_route *r,
	   struct cfg_route_src *s)
{
	struct carp_config_addr a;
	yaml_node_t *v[R_N];
	const char *text, *why;
	char show[64], net[64];
	size_t len;

	s->at = cfg_mark_of(map);
	r->line = s->at.line;
	if (!cfg_map_collect(ctx, map, "routes", route_keys, R_N, v, NULL))
		return;
	if (cfg_require(ctx, map, v[R_PREFIX], "prefix", "this route", PREFIX_VALID) &&
	    cfg_get_str(ctx, v[R_PREFIX], "prefix", &text, &len)) {
		yaml_node_t *n = v[R_PREFIX];

		cfg_show(n, show, sizeof(show));
		why = cfg_parse_route_prefix(text, &a);
		if (why == NULL)
			why = cfg_route_reserved(&a);
		if (why) {
			cfg_error(ctx, cfg_mark_of(n), "prefix", PREFIX_VALID, "'%s': %s", show,
				  why);
		} else if (cfg_host_bits_set(&a)) {
			/* Masking them quietly would hide which was meant: address or length. */
			cfg_error(ctx, cfg_mark_of(n), "prefix",
				  "NETWORK/LENGTH with the host bits zero",
				  "'%s': host bits are set; the /%u network is %s", show,
				  a.prefixlen, cfg_subnet_str(&a, net, sizeof(net)));
		} else {
			r->prefix = a;
			s->prefix = cfg_mark_of(n);
		}
	}
	if (cfg_require(ctx, map, v[R_VIA], "via", "this route", CFG_VIA_VALID) &&
	    cfg_get_str(ctx, v[R_VIA], "via", &text, &len)) {
		why = cfg_parse_host(text, &a);
		if (why == NULL && s->prefix.line && a.family != r->prefix.family)
			why = a.family == 4 ? "an IPv4 next hop for an IPv6 prefix"
					    : "an IPv6 next hop for an IPv4 prefix";
		if (why) {
			cfg_error(ctx, cfg_mark_of(v[R_VIA]), "via", CFG_VIA_VALID, "'%s': %s",
				  cfg_show(v[R_VIA], show, sizeof(show)), why);
		} else {
			r->via = a;
			s->via = cfg_mark_of(v[R_VIA]);
		}
	}
	if (v[R_PORT] && cfg_get_str(ctx, v[R_PORT], "port", &s->port_name, &len))
		s->port = cfg_mark_of(v[R_PORT]);
}

static void
walk_neighbor(struct cfg_ctx *ctx, yaml_node_t *map, struct carp_config_neighbor *nb,
	      struct cfg_neighbor_src *s)
{
	struct carp_config_addr a;
	yaml_node_t *v[NB_N];
	const char *text, *why;
	char show[64];
	size_t len;

	s->at = cfg_mark_of(map);
	nb->line = s->at.line;
	if (!cfg_map_collect(ctx, map, "neighbors", neighbor_keys, NB_N, v, NULL))
		return;
	if (cfg_require(ctx, map, v[NB_ADDRESS], "address", "this neighbor", CFG_NEIGHBOR_VALID) &&
	    cfg_get_str(ctx, v[NB_ADDRESS], "address", &text, &len)) {
		why = cfg_parse_host(text, &a);
		if (why) {
			cfg_error(ctx, cfg_mark_of(v[NB_ADDRESS]), "address", CFG_NEIGHBOR_VALID,
				  "'%s': %s", cfg_show(v[NB_ADDRESS], show, sizeof(show)), why);
		} else {
			nb->addr = a;
			s->addr = cfg_mark_of(v[NB_ADDRESS]);
		}
	}
	if (v[NB_PORT] && cfg_get_str(ctx, v[NB_PORT], "port", &s->port_name, &len))
		s->port = cfg_mark_of(v[NB_PORT]);
	if (cfg_require(ctx, map, v[NB_MAC], "mac", "this neighbor", MAC_VALID) &&
	    cfg_get_str(ctx, v[NB_MAC], "mac", &text, &len)) {
		why = cfg_parse_mac(text, nb->mac);
		if (why)
			cfg_error(ctx, cfg_mark_of(v[NB_MAC]), "mac", MAC_VALID, "'%s': %s",
				  cfg_show(v[NB_MAC], show, sizeof(show)), why);
		else
			s->mac = cfg_mark_of(v[NB_MAC]);
	}
}

/*
 * The items of an optional list of at most @p max mappings with @p keys. Nothing under
 * the key, or [], is the same as leaving the key out (n = 0, no error), as for global.
 */
static yaml_node_item_t *
optional_items(struct cfg_ctx *ctx, yaml_node_t *seq, const char *key,
	       const char *const *keys, unsigned int n_keys, unsigned int max, unsigned int *n)
{
	char names[64], valid[160];

	*n = 0;
	if (cfg_is_null(seq) || (seq->type == YAML_SEQUENCE_NODE &&
				 seq->data.sequence.items.top == seq->data.sequence.items.start))
		return NULL;
	cfg_join(names, sizeof(names), keys, n_keys);
	snprintf(valid, sizeof(valid), "0..%u mappings with keys %s", max, names);
	return cfg_seq_items(ctx, seq, key, 1, max, valid, n);
}

static void
walk_routes(struct cfg_ctx *ctx, yaml_node_t *seq)
{
	struct carp_config *c = ctx->cfg;
	yaml_node_item_t *it;
	unsigned int n;

	it = optional_items(ctx, seq, "routes", route_keys, R_N, CARP_CONFIG_ROUTES_MAX, &n);
	if (it == NULL)
		return;
	c->routes = calloc(n, sizeof(*c->routes));
	ctx->rsrc = calloc(n, sizeof(*ctx->rsrc));
	if (c->routes == NULL || ctx->rsrc == NULL) {
		ctx->oom = true;
		return;
	}
	c->n_routes = n;
	for (unsigned int i = 0; i < n && !ctx->oom; i++)
		walk_route(ctx, cfg_node(ctx, it[i]), &c->routes[i], &ctx->rsrc[i]);
}

static void
walk_neighbors(struct cfg_ctx *ctx, yaml_node_t *seq)
{
	struct carp_config *c = ctx->cfg;
	yaml_node_item_t *it;
	unsigned int n;

	it = optional_items(ctx, seq, "neighbors", neighbor_keys, NB_N,
			    CARP_CONFIG_NEIGHBORS_MAX, &n);
	if (it == NULL)
		return;
	c->neighbors = calloc(n, sizeof(*c->neighbors));
	ctx->nsrc = calloc(n, sizeof(*ctx->nsrc));
	if (c->neighbors == NULL || ctx->nsrc == NULL) {
		ctx->oom = true;
		return;
	}
	c->n_neighbors = n;
	for (unsigned int i = 0; i < n && !ctx->oom; i++)
		walk_neighbor(ctx, cfg_node(ctx, it[i]), &c->neighbors[i], &ctx->nsrc[i]);
}

void
cfg_walk(struct cfg_ctx *ctx, yaml_node_t *root)
{
	struct carp_config_global *g = &ctx->cfg->global;
	char keys[96], valid[128];
	yaml_node_t *v[T_N];
	struct cfg_mark key_at[T_N];

	g->log_level = CARP_LOG_INFO;
	g->idle = CARP_IDLE_POLL;
	g->preempt = false;
	g->profile = CARP_PROFILE_OPENBSD;
	g->mbufs = 16383;
	g->telemetry = true;
	g->neighbor_timeout_s = 300;
	g->neighbor_queue = 4;
	g->neighbor_hold_max = 256;
	g->neighbor_resolve_rate = 100;
	g->arp_punt_rate = 1000;
	g->icmp_rate = 100;
	g->icmp_source = CARP_ICMP_SOURCE_ADDRESS;
	snprintf(g->replay_counter_file, sizeof(g->replay_counter_file), "%s",
		 CARP_CONFIG_COUNTER_FILE);

	cfg_join(keys, sizeof(keys), top_keys, T_N);
	snprintf(valid, sizeof(valid), "a mapping with keys %s", keys);
	if (cfg_is_null(root)) {
		cfg_error(ctx, cfg_mark_of(root), NULL, valid, "the document is empty");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		cfg_error(ctx, cfg_mark_of(root), NULL, valid, "the top level is %s",
			  cfg_kind(root));
		return;
	}
	cfg_map_collect(ctx, root, NULL, top_keys, T_N, v, key_at);
	/* global first: VHIDs inherit preempt and profile from it wherever it is written. */
	if (v[T_GLOBAL])
		walk_global(ctx, v[T_GLOBAL]);
	/* vlans after ports: a VLAN's MTU defaults to its port's. */
	cfg_require(ctx, root, v[T_PORTS], "ports", "the top level", "a list of ports");
	cfg_walk_ifaces(ctx, v[T_PORTS], v[T_VLANS]);
	if (cfg_require(ctx, root, v[T_VHIDS], "vhids", "the top level", "a list of VHIDs"))
		walk_vhids(ctx, v[T_VHIDS]);
	if (v[T_ROUTES] && !ctx->oom)
		walk_routes(ctx, v[T_ROUTES]);
	if (v[T_NEIGHBORS] && !ctx->oom)
		walk_neighbors(ctx, v[T_NEIGHBORS]);
	/* After the interfaces: rules name them. */
	if (v[T_FILTER] && !ctx->oom)
		cfg_walk_filter(ctx, v[T_FILTER]);
	/* After the filter: it syncs the filter's states. */
	if (v[T_SYNC] && !ctx->oom)
		cfg_walk_sync(ctx, v[T_SYNC], key_at[T_SYNC]);
}
