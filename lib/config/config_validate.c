/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks that relate several values (the interfaces' own are config_iface.c's): VHIDs
 * pointing at ports or VLANs, VIPs inside their interface's subnets and owned by one VHID,
 * the limits of the ucarp profile,
 * next hops and static neighbors on a connected subnet and not this node's own.
 * A value whose own check failed has its mark at line 0 and is skipped here, so one typo
 * gives one message, not a cascade. The later of two clashing entries is the one reported,
 * with the line of the earlier one: that is usually the one just added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_bytes.h"
#include "config_internal.h"

#define ADDR_STR 64

/*
 * A VHID's "port": any interface by name, a VLAN too. The interface must have addresses:
 * the untagged side of a trunk may be left unused, and then carries nothing.
 */
static void
resolve_iface(struct cfg_ctx *ctx, struct carp_config_vhid *v, struct cfg_vhid_src *s)
{
	const struct carp_config *c = ctx->cfg;
	char names[CARP_CONFIG_IFACES_MAX * (CARP_CONFIG_NAME_MAX + 2) + 1] = "";
	size_t o = 0;

	if (!s->port.line)
		return;
	for (unsigned int i = 0; i < c->n_ifaces; i++) {
		if (!ctx->isrc[i].name.line || strcmp(c->ifaces[i].name, s->port_name) != 0)
			continue;
		if (c->ifaces[i].n_addrs == 0 && ctx->isrc[i].addrs_ok) {
			cfg_error(ctx, s->port, "port", "a port with addresses, or a VLAN",
				  "port '%s' has no addresses of its own (only VLANs): name one "
				  "of its VLANs", c->ifaces[i].name);
			return;
		}
		v->iface = i;
		s->port_ok = true;
		return;
	}
	/* With a name that was rejected, "unknown port" might be that one. */
	if (!cfg_all_ifaces_named(ctx))
		return;
	for (unsigned int i = 0; i < c->n_ifaces && o < sizeof(names); i++)
		if (c->ifaces[i].n_addrs)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", o ? ", " : "",
					      c->ifaces[i].name);
	cfg_error(ctx, s->port, "port", names, "no port or VLAN is named '%.40s'", s->port_name);
}

static void
check_vip(struct cfg_ctx *ctx, unsigned int vi, const struct carp_config_addr *vip,
	  struct cfg_mark at)
{
	const struct carp_config_vhid *v = &ctx->cfg->vhids[vi];
	const struct carp_config_iface *p = &ctx->cfg->ifaces[v->iface];
	const char *kind = cfg_iface_kind(ctx, v->iface);
	const struct carp_config_addr *in = NULL;
	char a[ADDR_STR], valid[512] = "an address in ";
	size_t o = strlen(valid);
	unsigned int n_family = 0;

	cfg_addr_str(vip, a, sizeof(a));
	for (unsigned int k = 0; k < p->n_addrs; k++) {
		const struct carp_config_addr *x = &p->addrs[k];
		char net[ADDR_STR];

		if (x->family != vip->family)
			continue;
		if (cfg_addr_equal(x, vip)) {
			/* The VIP moves to the peer on failover; the port's address must stay. */
			cfg_error(ctx, at, "vips", "an address of the subnet the port does not use",
				  "%s is an address of %s '%s' itself", a, kind, p->name);
			return;
		}
		if (!in && cfg_prefix_contains(x, vip))
			in = x;
		cfg_subnet_str(x, net, sizeof(net));
		if (o < sizeof(valid))
			o += (size_t)snprintf(valid + o, sizeof(valid) - o, "%s%s",
					      n_family ? ", " : "", net);
		n_family++;
	}
	if (n_family == 0) {
		cfg_error(ctx, at, "vips", vip->family == 4 ? "an IPv4 address on the port first" :
			  "an IPv6 ADDRESS/LENGTH in the port's addresses first",
			  "%s '%s' has no IPv%u address, so it cannot carry IPv%u VIP %s",
			  kind, p->name, vip->family, vip->family, a);
		return;
	}
	if (in == NULL) {
		/* ARP and ND only answer on-link: a VIP off the port's subnets is unreachable. */
		cfg_error(ctx, at, "vips", valid, "%s is outside every IPv%u subnet of %s '%s'",
			  a, vip->family, kind, p->name);
		return;
	}
	if (cfg_addr_reserved_in(in, vip)) {
		char net[ADDR_STR];

		cfg_error(ctx, at, "vips", "a host address of the subnet",
			  "%s is the %s address of %s", a, cfg_addr_reserved_in(in, vip),
			  cfg_subnet_str(in, net, sizeof(net)));
	}
}

static struct carp_config_addr
vip_at(const struct carp_config_vhid *v, unsigned int k)
{
	struct carp_config_addr a = { 0 };

	if (k < v->n_vip4) {
		a.family = 4;
		a.prefixlen = 32;
		a.v4 = v->vip4[k];
	} else {
		a.family = 6;
		a.prefixlen = 128;
		a.v6 = v->vip6[k - v->n_vip4];
	}
	return a;
}

static struct cfg_mark
vip_mark(const struct carp_config_vhid *v, const struct cfg_vhid_src *s, unsigned int k)
{
	return k < v->n_vip4 ? s->vip4_at[k] : s->vip6_at[k - v->n_vip4];
}

/* Is VIP k of VHID vi already held by an earlier VIP of it, or of an earlier VHID? */
static bool
vip_taken(struct cfg_ctx *ctx, unsigned int vi, unsigned int k)
{
	const struct carp_config_vhid *v = &ctx->cfg->vhids[vi];
	struct carp_config_addr x = vip_at(v, k);
	char a[ADDR_STR];

	cfg_addr_str(&x, a, sizeof(a));
	for (unsigned int j = 0; j < k; j++) {
		struct carp_config_addr y = vip_at(v, j);

		if (cfg_addr_equal(&x, &y)) {
			struct cfg_mark first = vip_mark(v, &ctx->vsrc[vi], j);

			cfg_error(ctx, vip_mark(v, &ctx->vsrc[vi], k), "vips", "each VIP once",
				  "%s is listed twice (first at %u:%u)", a, first.line, first.col);
			return true;
		}
	}
	/* Two VHIDs answering ARP for one address would fight over it on the segment. */
	for (unsigned int w = 0; w < vi; w++) {
		const struct carp_config_vhid *o = &ctx->cfg->vhids[w];

		if (!ctx->vsrc[w].vips_ok)
			continue;
		for (unsigned int j = 0; j < o->n_vip4 + o->n_vip6; j++) {
			struct carp_config_addr y = vip_at(o, j);

			if (!cfg_addr_equal(&x, &y))
				continue;
			cfg_error(ctx, vip_mark(v, &ctx->vsrc[vi], k), "vips",
				  "a VIP that no other VHID holds",
				  "%s already belongs to vhid %u (line %u)", a, o->vhid,
				  vip_mark(o, &ctx->vsrc[w], j).line);
			return true;
		}
	}
	return false;
}

static void
check_vips(struct cfg_ctx *ctx, unsigned int vi)
{
	const struct carp_config_vhid *v = &ctx->cfg->vhids[vi];
	const struct cfg_vhid_src *s = &ctx->vsrc[vi];

	for (unsigned int k = 0; k < v->n_vip4 + v->n_vip6; k++) {
		struct carp_config_addr x = vip_at(v, k);

		if (vip_taken(ctx, vi, k))
			continue;
		if (s->port_ok && ctx->isrc[v->iface].addrs_ok)
			check_vip(ctx, vi, &x, vip_mark(v, s, k));
	}
	/* ucarp hashes its single --addr (spec §3.3, §11): any other list breaks the HMAC. */
	if (v->profile == CARP_PROFILE_UCARP && !s->profile_bad &&
	    (v->n_vip4 != 1 || v->n_vip6 != 0))
		cfg_error(ctx, s->vips, "vips", "exactly one IPv4 VIP with profile ucarp",
			  "profile ucarp: ucarp carries one IPv4 address and no IPv6, and hashes "
			  "only that one; this VHID has %u IPv4 and %u IPv6 VIPs",
			  v->n_vip4, v->n_vip6);
}

/*
 * Replay protection keys each sender's history by a 16-bit node id that must differ
 * between the nodes of the VHID. Unless node_id is set, it is the low 16 bits of the
 * advert source (the port's first IPv4 address), which differ between hosts of a subnet
 * of /16 or narrower; a wider subnet could give two nodes one id.
 */
static void
check_replay(struct cfg_ctx *ctx, const struct carp_config_vhid *v, const struct cfg_vhid_src *s)
{
	const struct carp_config_iface *p = &ctx->cfg->ifaces[v->iface];
	char net[ADDR_STR];

	/* Without a key anyone could forge the peer's id with the highest sequence, and the
	 * real peer's adverts would then be refused as old until the receiver restarts. */
	if (s->pass_at.line && s->pass_len == 0)
		cfg_error(ctx, s->replay, "replay_protection", "a VHID with a passphrase",
			  "replay protection without a passphrase would let anyone block the "
			  "peer's adverts with one forged counter");
	if (ctx->cfg->global.node_id)
		return;
	for (unsigned int i = 0; i < p->n_addrs; i++) {
		if (p->addrs[i].family != 4)
			continue;
		if (p->addrs[i].prefixlen < 16)
			cfg_error(ctx, s->replay, "replay_protection",
				  "global node_id set, or a first IPv4 subnet of /16 or narrower",
				  "the node id would be the low 16 bits of %s, which may repeat in "
				  "%s: set global node_id, different on each node",
				  cfg_addr_str(&p->addrs[i], net, sizeof(net)),
				  cfg_subnet_str(&p->addrs[i], (char[ADDR_STR]){ 0 }, ADDR_STR));
		return;
	}
}

static void
check_vhid(struct cfg_ctx *ctx, unsigned int vi)
{
	struct carp_config_vhid *v = &ctx->cfg->vhids[vi];
	struct cfg_vhid_src *s = &ctx->vsrc[vi];

	resolve_iface(ctx, v, s);
	if (s->vhid.line && s->port_ok) {
		for (unsigned int w = 0; w < vi; w++) {
			const struct carp_config_vhid *o = &ctx->cfg->vhids[w];

			if (!ctx->vsrc[w].vhid.line || !ctx->vsrc[w].port_ok ||
			    o->iface != v->iface || o->vhid != v->vhid)
				continue;
			/* The same number on another VLAN is another segment: allowed. */
			cfg_error(ctx, s->vhid, "vhid", "a VHID number unused on this port or VLAN",
				  "vhid %u is already configured on %s '%s' at line %u", v->vhid,
				  cfg_iface_kind(ctx, v->iface), ctx->cfg->ifaces[v->iface].name,
				  ctx->vsrc[w].vhid.line);
			break;
		}
	}
	/* advbase 0 means an interval of advskew/256 s: 0/256 would flood the segment. */
	if (s->advbase.line && v->advbase == 0 && v->advskew == 0 && !s->advskew_bad)
		cfg_error(ctx, s->advbase, "advbase", "advskew 1..254 with advbase 0, or advbase "
			  "1..255", "advbase 0 with advskew 0 would advertise without pause "
			  "(the interval is advskew/256 s)");
	if (s->vips_ok)
		check_vips(ctx, vi);
	cfg_vhid_key(ctx, v, s);
	if (v->replay_protection && s->port_ok)
		check_replay(ctx, v, s);
}

/* Is @p addr a VIP of any VHID? Reports it at @p at. */
static bool
is_vip(struct cfg_ctx *ctx, const struct carp_config_addr *addr, struct cfg_mark at,
       const char *key, const char *valid, const char *a)
{
	for (unsigned int w = 0; w < ctx->cfg->n_vhids; w++) {
		const struct carp_config_vhid *v = &ctx->cfg->vhids[w];
		unsigned int n = addr->family == 4 ? v->n_vip4 : v->n_vip6;

		for (unsigned int j = 0; j < n; j++) {
			if (addr->family == 4 ? v->vip4[j] != addr->v4
					      : memcmp(&v->vip6[j], &addr->v6, 16) != 0)
				continue;
			cfg_error(ctx, at, key, valid, "%s is a VIP of vhid %u (line %u): this "
				  "node's own address whenever it is master", a, v->vhid,
				  addr->family == 4 ? ctx->vsrc[w].vip4_at[j].line
						    : ctx->vsrc[w].vip6_at[j].line);
			return true;
		}
	}
	return false;
}

/* The interface with addresses named @p name (by a route's or neighbor's port:). */
static bool
named_iface(struct cfg_ctx *ctx, const char *name, struct cfg_mark at, unsigned int *iface)
{
	const struct carp_config *c = ctx->cfg;

	for (unsigned int i = 0; i < c->n_ifaces; i++) {
		if (!ctx->isrc[i].name.line || strcmp(c->ifaces[i].name, name) != 0 ||
		    c->ifaces[i].n_addrs == 0)
			continue;
		*iface = i;
		return true;
	}
	if (cfg_all_ifaces_named(ctx))
		cfg_error(ctx, at, "port", "the name of a port with addresses, or of a VLAN",
			  "no port or VLAN with addresses is named '%.40s'", name);
	return false;
}

/* True when interface @p i speaks IPv6: an IPv6 address, or a VHID with IPv6 VIPs. */
static bool
iface_has_ipv6(const struct carp_config *c, unsigned int i)
{
	for (unsigned int k = 0; k < c->ifaces[i].n_addrs; k++)
		if (c->ifaces[i].addrs[k].family == 6)
			return true;
	for (unsigned int v = 0; v < c->n_vhids; v++)
		if (c->vhids[v].iface == i && c->vhids[v].n_vip6)
			return true;
	return false;
}

/* An IPv6 link-local next hop or neighbor is on every link: its interface comes from
 * port:, and must speak IPv6. */
static bool
check_link_local(struct cfg_ctx *ctx, const char *a, struct cfg_mark at, const char *key,
		 const char *valid, struct cfg_mark port_at, const char *port_name,
		 unsigned int *iface)
{
	if (!port_at.line) {
		cfg_error(ctx, at, key, valid, "%s is link-local, valid on every link: add "
			  "port: with the name of its port or VLAN", a);
		return false;
	}
	if (!named_iface(ctx, port_name, port_at, iface))
		return false;
	if (!iface_has_ipv6(ctx->cfg, *iface)) {
		cfg_error(ctx, port_at, "port", "a port or VLAN with an IPv6 address or IPv6 VIP",
			  "%s '%s' has no IPv6, so no link-local address to reach %s from",
			  cfg_iface_kind(ctx, *iface), ctx->cfg->ifaces[*iface].name, a);
		return false;
	}
	return true;
}

/*
 * An address the forwarding plane sends frames to directly (a next hop, a static neighbor)
 * must be another host on a connected subnet of its family (ARP and neighbour discovery
 * reach nothing else), or for IPv6 a link-local one on the interface port: names. This
 * node's own addresses and VIPs are refused, since a route via ourselves would loop. Sets
 * @p iface to the interface it is on; port:, when given, must agree.
 */
static bool
check_onlink(struct cfg_ctx *ctx, const struct carp_config_addr *addr, struct cfg_mark at,
	     const char *key, const char *valid, struct cfg_mark port_at, const char *port_name,
	     unsigned int *iface)
{
	const struct carp_config *c = ctx->cfg;
	struct carp_config_addr x = *addr;
	const struct carp_config_addr *in = NULL;
	unsigned int named;
	char a[ADDR_STR], nets[512] = "an address in ";
	size_t o = strlen(nets);
	bool complete = c->n_ifaces > 0;
	unsigned int n_nets = 0;

	x.prefixlen = x.family == 4 ? 32 : 128;
	cfg_addr_str(&x, a, sizeof(a));
	for (unsigned int i = 0; i < c->n_ifaces; i++) {
		const struct carp_config_iface *p = &c->ifaces[i];

		complete = complete && ctx->isrc[i].addrs_ok;
		for (unsigned int k = 0; k < p->n_addrs; k++) {
			const struct carp_config_addr *y = &p->addrs[k];
			char net[ADDR_STR];

			if (y->family != x.family)
				continue;
			if (cfg_addr_equal(y, &x)) {
				cfg_error(ctx, at, key, valid, "%s is the address of %s '%s', "
					  "this node itself", a, cfg_iface_kind(ctx, i), p->name);
				return false;
			}
			if (!in && cfg_prefix_contains(y, &x)) {
				in = y;
				*iface = i;
			}
			cfg_subnet_str(y, net, sizeof(net));
			if (o < sizeof(nets))
				o += (size_t)snprintf(nets + o, sizeof(nets) - o, "%s%s (%s)",
						      n_nets ? ", " : "", net, p->name);
			n_nets++;
		}
	}
	if (is_vip(ctx, &x, at, key, valid, a))
		return false;
	if (x.family == 6 && x.v6.b[0] == 0xfe && (x.v6.b[1] & 0xc0) == 0x80)
		return check_link_local(ctx, a, at, key, valid, port_at, port_name, iface);
	if (port_at.line && named_iface(ctx, port_name, port_at, &named) && in != NULL &&
	    named != *iface) {
		cfg_error(ctx, port_at, "port", "the port or VLAN whose subnet holds the address, "
			  "or no port: at all", "%s is on %s '%s', not on '%s'", a,
			  cfg_iface_kind(ctx, *iface), c->ifaces[*iface].name, port_name);
		return false;
	}
	if (in == NULL) {
		/* With a port address rejected, the subnet it was meant to be on is unknown. */
		if (complete)
			cfg_error(ctx, at, key, nets, "%s is not on a connected subnet", a);
		return false;
	}
	if (cfg_addr_reserved_in(in, &x)) {
		char net[ADDR_STR];

		cfg_error(ctx, at, key, valid, "%s is the %s address of %s", a,
			  cfg_addr_reserved_in(in, &x), cfg_subnet_str(in, net, sizeof(net)));
		return false;
	}
	return true;
}

/*
 * A route to a port's own subnet would compete with the connected route, whose hosts are
 * reached by ARP on that port, not through a next hop. More specific routes inside a
 * connected subnet stay allowed: longest prefix wins, as in any router.
 */
static bool
route_connected(struct cfg_ctx *ctx, const struct carp_config_route *r, struct cfg_mark at)
{
	const struct carp_config_addr x = r->prefix;

	for (unsigned int i = 0; i < ctx->cfg->n_ifaces; i++) {
		const struct carp_config_iface *p = &ctx->cfg->ifaces[i];

		for (unsigned int k = 0; k < p->n_addrs; k++) {
			const struct carp_config_addr *y = &p->addrs[k];
			char net[ADDR_STR];

			if (y->family != x.family || y->prefixlen != x.prefixlen ||
			    !cfg_prefix_contains(y, &x))
				continue;
			cfg_error(ctx, at, "prefix", "a prefix other than the ports' own subnets "
				  "(reached by ARP or neighbour discovery, without a route)",
				  "%s is already connected on %s '%s' (line %u)",
				  cfg_subnet_str(&x, net, sizeof(net)), cfg_iface_kind(ctx, i),
				  p->name, ctx->isrc[i].addr_at[k].line);
			return true;
		}
	}
	return false;
}

/* An entry's value as bytes (family, address, length), to find duplicates by sorting
 * (65536 routes). */
struct dup_key {
	uint8_t key[18];
	unsigned int i; /* the entry's index: ties sort in file order */
};

static struct dup_key
dup_key_of(const struct carp_config_addr *a, uint8_t len, unsigned int i)
{
	struct dup_key k = { .i = i };

	k.key[0] = a->family;
	if (a->family == 4)
		carp_wr32(k.key + 1, a->v4);
	else
		memcpy(k.key + 1, a->v6.b, 16);
	k.key[17] = len;
	return k;
}

static int
cmp_dup(const void *a, const void *b)
{
	const struct dup_key *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void
check_routes(struct cfg_ctx *ctx)
{
	struct carp_config *c = ctx->cfg;
	struct dup_key *k;
	unsigned int n = 0;

	if (c->n_routes == 0)
		return;
	k = calloc(c->n_routes, sizeof(*k));
	if (k == NULL) {
		ctx->oom = true;
		return;
	}
	for (unsigned int i = 0; i < c->n_routes; i++) {
		struct carp_config_route *r = &c->routes[i];
		struct cfg_route_src *s = &ctx->rsrc[i];

		if (s->prefix.line && !route_connected(ctx, r, s->prefix))
			k[n++] = dup_key_of(&r->prefix, r->prefix.prefixlen, i);
		if (s->via.line)
			check_onlink(ctx, &r->via, s->via, "via", CFG_VIA_VALID, s->port,
				     s->port_name, &r->iface);
	}
	qsort(k, n, sizeof(*k), cmp_dup);
	for (unsigned int j = 1, first = 0; j < n; j++) {
		const struct carp_config_route *r = &c->routes[k[j].i];
		const struct carp_config_addr x = r->prefix;
		char net[ADDR_STR];

		if (memcmp(k[j].key, k[first].key, sizeof(k[j].key)) != 0) {
			first = j;
			continue;
		}
		/* No multipath: a second next hop for one prefix is a leftover, not a backup. */
		cfg_error(ctx, ctx->rsrc[k[j].i].prefix, "prefix",
			  "each prefix once: one next hop per prefix",
			  "a route for %s is already given at line %u",
			  cfg_subnet_str(&x, net, sizeof(net)), ctx->rsrc[k[first].i].prefix.line);
	}
	free(k);
}

static void
check_neighbors(struct cfg_ctx *ctx)
{
	struct carp_config *c = ctx->cfg;
	struct dup_key *k;
	unsigned int n = 0;

	if (c->n_neighbors == 0)
		return;
	k = calloc(c->n_neighbors, sizeof(*k));
	if (k == NULL) {
		ctx->oom = true;
		return;
	}
	for (unsigned int i = 0; i < c->n_neighbors; i++) {
		struct carp_config_neighbor *nb = &c->neighbors[i];
		const struct cfg_neighbor_src *s = &ctx->nsrc[i];

		/* A link-local address is one per interface: the same one may be on two. */
		if (s->addr.line &&
		    check_onlink(ctx, &nb->addr, s->addr, "address", CFG_NEIGHBOR_VALID, s->port,
				 s->port_name, &nb->iface))
			k[n++] = dup_key_of(&nb->addr, (uint8_t)nb->iface, i);
	}
	qsort(k, n, sizeof(*k), cmp_dup);
	for (unsigned int j = 1, first = 0; j < n; j++) {
		const struct carp_config_addr x = c->neighbors[k[j].i].addr;
		char a[ADDR_STR];

		if (memcmp(k[j].key, k[first].key, sizeof(k[j].key)) != 0) {
			first = j;
			continue;
		}
		/* One address, one MAC: which of two entries would win is not for us to guess. */
		cfg_error(ctx, ctx->nsrc[k[j].i].addr, "address", "each address once",
			  "neighbor %s is already given at line %u", cfg_addr_str(&x, a, sizeof(a)),
			  ctx->nsrc[k[first].i].addr.line);
	}
	free(k);
}

void
cfg_validate(struct cfg_ctx *ctx)
{
	cfg_check_ifaces(ctx);
	for (unsigned int i = 0; i < ctx->cfg->n_vhids && !ctx->oom; i++)
		check_vhid(ctx, i);
	if (!ctx->oom)
		check_routes(ctx);
	if (!ctx->oom)
		check_neighbors(ctx);
}
