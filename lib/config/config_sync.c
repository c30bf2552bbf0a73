/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sync: section: state sync between the nodes (docs/CONFIG.md). Its link is one of
 * the node's interfaces, with an IPv4 address (the messages' source); its key a secret of
 * its own in a file, never the CARP passphrase; its peer the group or one address on the
 * link. It syncs the filter's states, so it needs a filter.
 */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

enum { S_INTERFACE, S_KEY_FILE, S_NODE, S_PEER, S_PORT, S_BATCH_MS, S_DIGEST_S, S_DEFER,
       S_DEFER_MS, S_N };
static const char *const sync_keys[S_N] = { "interface", "key_file", "node",	 "peer",
					    "port",	 "batch_ms", "digest_s", "defer",
					    "defer_ms" };

#define KEY_VALID "a file whose first line holds 16..256 bytes (a random secret, the same on every node)"

static void
sync_iface(struct cfg_ctx *ctx, yaml_node_t *n, struct carp_config_sync *s)
{
	const struct carp_config *c = ctx->cfg;
	const char *name;
	size_t len;

	if (!cfg_get_str(ctx, n, "interface", &name, &len))
		return;
	for (unsigned int i = 0; i < c->n_ifaces; i++) {
		if (!ctx->isrc[i].name.line || strcmp(c->ifaces[i].name, name) != 0)
			continue;
		for (unsigned int a = 0; a < c->ifaces[i].n_addrs; a++)
			if (c->ifaces[i].addrs[a].family == 4) {
				s->iface = i;
				return;
			}
		cfg_error(ctx, cfg_mark_of(n), "interface", "a port or VLAN with an IPv4 address",
			  "'%.40s' has no IPv4 address to send sync messages from", name);
		return;
	}
	if (cfg_all_ifaces_named(ctx))
		cfg_error(ctx, cfg_mark_of(n), "interface", "the name of a port or VLAN",
			  "no port or VLAN is named '%.40s'", name);
}

static void
sync_key(struct cfg_ctx *ctx, yaml_node_t *n, struct carp_config_sync *s)
{
	const char *file;
	char *path, *line = NULL;
	size_t len = 0;
	int rc;

	if (!cfg_get_str(ctx, n, "key_file", &file, &len))
		return;
	path = cfg_resolve_path(ctx, file);
	if (path == NULL) {
		ctx->oom = true;
		return;
	}
	rc = cfg_read_first_line(path, &line, &len);
	if (rc < 0)
		cfg_error(ctx, cfg_mark_of(n), "key_file", "a readable file", "cannot read '%s': %s",
			  path, strerror(-rc));
	else if (rc == CFG_NOT_REGULAR)
		cfg_error(ctx, cfg_mark_of(n), "key_file", "a regular file",
			  "'%s' is not a regular file", path);
	else if (len < CARP_CONFIG_SYNC_KEY_MIN || len > CARP_CONFIG_SYNC_KEY_MAX)
		cfg_error(ctx, cfg_mark_of(n), "key_file", KEY_VALID,
			  "the first line of '%s' is %zu bytes", path, len);
	else {
		memcpy(s->key, line, len);
		s->key_len = len;
	}
	if (line)
		explicit_bzero(line, len);
	free(line);
	free(path);
}

/* A unicast peer: an IPv4 host on the sync link's subnet, not this node. */
static void
sync_peer(struct cfg_ctx *ctx, yaml_node_t *n, struct carp_config_sync *s)
{
	const struct carp_config_iface *ifc = &ctx->cfg->ifaces[s->iface];
	struct carp_config_addr a;
	const char *str, *why;
	size_t len;

	if (!cfg_get_str(ctx, n, "peer", &str, &len))
		return;
	why = cfg_parse_host(str, &a);
	if (why == NULL && a.family != 4)
		why = "IPv6 sync peers are not supported yet";
	if (why != NULL) {
		cfg_error(ctx, cfg_mark_of(n), "peer", "an IPv4 address on the sync interface",
			  "'%.40s': %s", str, why);
		return;
	}
	for (unsigned int i = 0; i < ifc->n_addrs; i++) {
		if (cfg_addr_equal(&ifc->addrs[i], &a)) {
			cfg_error(ctx, cfg_mark_of(n), "peer", "another node's address",
				  "%.40s is this node's own address", str);
			return;
		}
		if (ifc->addrs[i].family == 4 && cfg_prefix_contains(&ifc->addrs[i], &a)) {
			s->peer = a.v4;
			return;
		}
	}
	cfg_error(ctx, cfg_mark_of(n), "peer", "an IPv4 address on the sync interface",
		  "%.40s is on none of '%s''s subnets: sync messages never cross a router",
		  str, ifc->name);
}

void
cfg_walk_sync(struct cfg_ctx *ctx, yaml_node_t *map, struct cfg_mark key_at)
{
	struct carp_config_sync *s;
	yaml_node_t *v[S_N];
	unsigned long num;
	bool iface_ok;

	if (cfg_is_null(map))
		return;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		ctx->oom = true;
		return;
	}
	ctx->cfg->sync = s;
	s->line = cfg_mark_of(map).line;
	s->port = CARP_CONFIG_SYNC_PORT;
	s->batch_ms = 2;
	s->digest_s = CARP_CONFIG_SYNC_DIGEST_S;
	s->defer_ms = CARP_CONFIG_SYNC_DEFER_MS;
	if (!cfg_map_collect(ctx, map, "sync", sync_keys, S_N, v, NULL))
		return;
	if (ctx->cfg->filter == NULL)
		cfg_error(ctx, key_at, "sync", "a filter: section beside it",
			  "there is no filter: sync shares the filter's states");
	iface_ok = cfg_require(ctx, map, v[S_INTERFACE], "interface", "sync",
			       "the port or VLAN of the sync link");
	if (iface_ok) {
		unsigned int before = ctx->errs->n;

		s->iface = UINT32_MAX;
		sync_iface(ctx, v[S_INTERFACE], s);
		iface_ok = ctx->errs->n == before && s->iface != UINT32_MAX;
	}
	if (cfg_require(ctx, map, v[S_KEY_FILE], "key_file", "sync", KEY_VALID))
		sync_key(ctx, v[S_KEY_FILE], s);
	if (v[S_NODE] && cfg_get_uint(ctx, v[S_NODE], "node", 1, UINT32_MAX, &num))
		s->node = (uint32_t)num;
	if (v[S_PEER] && iface_ok)
		sync_peer(ctx, v[S_PEER], s);
	if (v[S_PORT] && cfg_get_uint(ctx, v[S_PORT], "port", 1, 65535, &num))
		s->port = (uint16_t)num;
	if (v[S_BATCH_MS] && cfg_get_uint(ctx, v[S_BATCH_MS], "batch_ms", 1, 1000, &num))
		s->batch_ms = (uint32_t)num;
	if (v[S_DIGEST_S] && cfg_get_uint(ctx, v[S_DIGEST_S], "digest_s", 0, 3600, &num))
		s->digest_s = (uint32_t)num;
	if (v[S_DEFER])
		cfg_get_bool(ctx, v[S_DEFER], "defer", &s->defer);
	if (v[S_DEFER_MS] && cfg_get_uint(ctx, v[S_DEFER_MS], "defer_ms", 1, 1000, &num))
		s->defer_ms = (uint32_t)num;
}
