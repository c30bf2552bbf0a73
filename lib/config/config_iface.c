/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layer 2 and the interfaces: the ports (devices), the 802.1Q VLANs on them, and the
 * addresses of every interface. A port's own mapping describes two things, the device and
 * its untagged interface (ifaces[p], same name); a VLAN is one more interface on a port.
 * The walk checks each value on its own; cfg_check_ifaces relates them: names, devices,
 * VLAN ids per port, MTUs, subnets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define IPV6_MIN_MTU 1280

#define ADDR_STR 64
#define NAME_VALID "1..15 letters, digits, '_' or '-'"
#define ADDRS_VALID "one or more ADDRESS/LENGTH, at least one IPv4"
#define VLAN_ID_VALID "a VLAN id 1..4094"

enum { P_NAME, P_DEVICE, P_ADDRESSES, P_MTU, P_RX_DESC, P_TX_DESC, P_PROMISC, P_SOURCE_MAC,
       P_N };
static const char *const port_keys[P_N] = {
	"name", "device", "addresses", "mtu", "rx_desc", "tx_desc", "promiscuous", "source_mac",
};

enum { L_NAME, L_PORT, L_VLAN, L_ADDRESSES, L_MTU, L_SOURCE_MAC, L_N };
static const char *const vlan_keys[L_N] = {
	"name", "port", "vlan", "addresses", "mtu", "source_mac",
};

const char *
cfg_iface_kind(const struct cfg_ctx *ctx, unsigned int i)
{
	return ctx->isrc[i].is_vlan ? "VLAN" : "port";
}

/* The addresses of interface @p ifc. A trunk port may leave its untagged side without
 * any (@p may_be_empty: "addresses: []"); whether it may is decided once VLANs are known. */
static void
walk_addresses(struct cfg_ctx *ctx, yaml_node_t *seq, struct carp_config_iface *ifc,
	       struct cfg_iface_src *s, bool may_be_empty)
{
	yaml_node_item_t *it;
	unsigned int n = 0;
	bool v4 = false;

	s->addrs = cfg_mark_of(seq);
	if (may_be_empty && seq->type == YAML_SEQUENCE_NODE &&
	    seq->data.sequence.items.top == seq->data.sequence.items.start) {
		s->addrs_ok = true;
		return;
	}
	it = cfg_seq_items(ctx, seq, "addresses", 1, ~0u, ADDRS_VALID, &n);
	if (it == NULL)
		return;
	ifc->addrs = calloc(n, sizeof(*ifc->addrs));
	s->addr_at = calloc(n, sizeof(*s->addr_at));
	if (ifc->addrs == NULL || s->addr_at == NULL) {
		ctx->oom = true;
		return;
	}
	s->addrs_ok = true;
	for (unsigned int i = 0, n4 = 0, n6 = 0; i < n; i++) {
		yaml_node_t *a = cfg_node(ctx, it[i]);
		const char *text, *why;
		char show[64];
		size_t len;

		if (!cfg_get_str(ctx, a, "addresses", &text, &len)) {
			s->addrs_ok = false;
			continue;
		}
		why = cfg_parse_prefix(text, &ifc->addrs[ifc->n_addrs]);
		if (why) {
			cfg_error(ctx, cfg_mark_of(a), "addresses", "ADDRESS/LENGTH such as "
				  "10.99.0.2/24 or 2001:db8::2/64", "'%s': %s",
				  cfg_show(a, show, sizeof(show)), why);
			s->addrs_ok = false;
			continue;
		}
		if (ifc->addrs[ifc->n_addrs].family == 4 && ++n4 > CARP_CONFIG_PORT_ADDR4_MAX) {
			/* The workers keep each interface's IPv4 addresses in a fixed array. */
			cfg_error(ctx, cfg_mark_of(a), "addresses", s->is_vlan ? "at most "
				  CARP_CONFIG_STRINGIFY(CARP_CONFIG_PORT_ADDR4_MAX) " IPv4 addresses "
				  "per VLAN" : "at most "
				  CARP_CONFIG_STRINGIFY(CARP_CONFIG_PORT_ADDR4_MAX) " IPv4 addresses "
				  "per port", "'%s' is the %s's IPv4 address number %u",
				  cfg_show(a, show, sizeof(show)), s->is_vlan ? "VLAN" : "port", n4);
			s->addrs_ok = false;
			continue;
		}
		if (ifc->addrs[ifc->n_addrs].family == 6 && ++n6 > CARP_CONFIG_PORT_ADDR6_MAX) {
			/* And their IPv6 addresses, with the link-local one. */
			cfg_error(ctx, cfg_mark_of(a), "addresses", s->is_vlan ? "at most "
				  CARP_CONFIG_STRINGIFY(CARP_CONFIG_PORT_ADDR6_MAX) " IPv6 addresses "
				  "per VLAN" : "at most "
				  CARP_CONFIG_STRINGIFY(CARP_CONFIG_PORT_ADDR6_MAX) " IPv6 addresses "
				  "per port", "'%s' is the %s's IPv6 address number %u",
				  cfg_show(a, show, sizeof(show)), s->is_vlan ? "VLAN" : "port", n6);
			s->addrs_ok = false;
			continue;
		}
		v4 |= ifc->addrs[ifc->n_addrs].family == 4;
		s->addr_at[ifc->n_addrs++] = cfg_mark_of(a);
	}
	/* ARP, gratuitous ARP and IPv4 adverts need an IPv4 source on every interface. */
	if (s->addrs_ok && !v4)
		cfg_error(ctx, cfg_mark_of(seq), "addresses", ADDRS_VALID, "the %s has no IPv4 "
			  "address", s->is_vlan ? "VLAN" : "port");
}

/* A name for a port or a VLAN: both live in one namespace, the one VHIDs refer to. */
static void
walk_name(struct cfg_ctx *ctx, yaml_node_t *map, yaml_node_t *v, const char *what,
	  char *out, struct cfg_mark *mark)
{
	const char *text;
	char show[64], where[16];
	size_t len;

	snprintf(where, sizeof(where), "this %s", what);
	if (!cfg_require(ctx, map, v, "name", where, NAME_VALID) ||
	    !cfg_get_str(ctx, v, "name", &text, &len))
		return;
	if (!cfg_name_ok(text, len)) {
		cfg_error(ctx, cfg_mark_of(v), "name", NAME_VALID, "'%s' is not a %s name",
			  cfg_show(v, show, sizeof(show)), what);
		return;
	}
	memcpy(out, text, len + 1);
	*mark = cfg_mark_of(v);
}

static void
walk_port(struct cfg_ctx *ctx, yaml_node_t *map, unsigned int i)
{
	struct carp_config_port *p = &ctx->cfg->ports[i];
	struct carp_config_iface *ifc = &ctx->cfg->ifaces[i];
	struct cfg_port_src *s = &ctx->psrc[i];
	struct cfg_iface_src *is = &ctx->isrc[i];
	yaml_node_t *v[P_N];
	const char *text, *why;
	char show[64];
	unsigned long u;
	unsigned int e;
	size_t len;

	p->mtu = 1500;
	p->rx_desc = 1024;
	p->tx_desc = 1024;
	ifc->port = i;
	ifc->source_mac = CARP_SOURCE_MAC_VMAC;
	s->at = is->at = cfg_mark_of(map);
	p->line = ifc->line = s->at.line;
	if (!cfg_map_collect(ctx, map, "ports", port_keys, P_N, v, NULL))
		return;
	walk_name(ctx, map, v[P_NAME], "port", p->name, &s->name);
	memcpy(ifc->name, p->name, sizeof(ifc->name));
	is->name = s->name;
	if (cfg_require(ctx, map, v[P_DEVICE], "device", "this port",
			"a PCI address or a virtual device with its arguments") &&
	    cfg_get_str(ctx, v[P_DEVICE], "device", &text, &len)) {
		why = cfg_parse_device(text, s->devname, sizeof(s->devname));
		if (why)
			cfg_error(ctx, cfg_mark_of(v[P_DEVICE]), "device",
				  "a PCI address such as 0000:03:00.0 or a virtual device such as "
				  "net_tap0,iface=carp0", "'%s': %s",
				  cfg_show(v[P_DEVICE], show, sizeof(show)), why);
		else if ((p->device = strdup(text)) == NULL)
			ctx->oom = true;
		else
			s->device = cfg_mark_of(v[P_DEVICE]);
	}
	/* Missing addresses are allowed on a trunk: cfg_check_ifaces decides. */
	if (v[P_ADDRESSES])
		walk_addresses(ctx, v[P_ADDRESSES], ifc, is, true);
	else
		is->addrs_ok = true;
	if (v[P_MTU] && cfg_get_uint(ctx, v[P_MTU], "mtu", 68, 9600, &u)) {
		p->mtu = (uint16_t)u;
		s->mtu = cfg_mark_of(v[P_MTU]);
	}
	ifc->mtu = p->mtu;
	if (v[P_RX_DESC])
		cfg_get_pow2(ctx, v[P_RX_DESC], "rx_desc", 64, 4096, &p->rx_desc);
	if (v[P_TX_DESC])
		cfg_get_pow2(ctx, v[P_TX_DESC], "tx_desc", 64, 4096, &p->tx_desc);
	if (v[P_PROMISC])
		cfg_get_bool(ctx, v[P_PROMISC], "promiscuous", &p->promiscuous);
	if (v[P_SOURCE_MAC] &&
	    cfg_get_enum(ctx, v[P_SOURCE_MAC], "source_mac", cfg_source_mac_names,
			 CARP_SOURCE_MAC_COUNT, &e))
		ifc->source_mac = (enum carp_config_source_mac)e;
}

static void
walk_vlan(struct cfg_ctx *ctx, yaml_node_t *map, struct carp_config_iface *ifc,
	  struct cfg_iface_src *s)
{
	yaml_node_t *v[L_N];
	unsigned long u;
	unsigned int e;

	s->is_vlan = true;
	ifc->source_mac = CARP_SOURCE_MAC_VMAC;
	s->at = cfg_mark_of(map);
	ifc->line = s->at.line;
	if (!cfg_map_collect(ctx, map, "vlans", vlan_keys, L_N, v, NULL))
		return;
	walk_name(ctx, map, v[L_NAME], "VLAN", ifc->name, &s->name);
	if (cfg_require(ctx, map, v[L_PORT], "port", "this VLAN", "the name of a port") &&
	    cfg_get_str(ctx, v[L_PORT], "port", &s->port_name, &(size_t){ 0 }))
		s->port = cfg_mark_of(v[L_PORT]);
	if (cfg_require(ctx, map, v[L_VLAN], "vlan", "this VLAN", VLAN_ID_VALID) &&
	    cfg_get_uint(ctx, v[L_VLAN], "vlan", 0, 4095, &u)) {
		/* Both ends of the range have a meaning of their own (IEEE 802.1Q 9.6). */
		if (u == 0 || u == 4095)
			cfg_error(ctx, cfg_mark_of(v[L_VLAN]), "vlan", VLAN_ID_VALID, "%s",
				  u == 0 ? "VLAN 0 is not a VLAN: it marks priority-tagged frames"
					 : "VLAN 4095 is reserved");
		else {
			ifc->vlan = (uint16_t)u;
			s->vlan = cfg_mark_of(v[L_VLAN]);
		}
	}
	if (cfg_require(ctx, map, v[L_ADDRESSES], "addresses", "this VLAN", ADDRS_VALID))
		walk_addresses(ctx, v[L_ADDRESSES], ifc, s, false);
	if (v[L_MTU] && cfg_get_uint(ctx, v[L_MTU], "mtu", 68, 9600, &u)) {
		ifc->mtu = (uint16_t)u;
		s->mtu = cfg_mark_of(v[L_MTU]);
	}
	if (v[L_SOURCE_MAC] &&
	    cfg_get_enum(ctx, v[L_SOURCE_MAC], "source_mac", cfg_source_mac_names,
			 CARP_SOURCE_MAC_COUNT, &e))
		ifc->source_mac = (enum carp_config_source_mac)e;
}

/* The VLANs list: optional; nothing under the key, or [], is the same as leaving it out. */
static yaml_node_item_t *
vlan_items(struct cfg_ctx *ctx, yaml_node_t *seq, unsigned int *n)
{
	char keys[96], valid[160];

	*n = 0;
	if (seq == NULL || cfg_is_null(seq) ||
	    (seq->type == YAML_SEQUENCE_NODE &&
	     seq->data.sequence.items.top == seq->data.sequence.items.start))
		return NULL;
	cfg_join(keys, sizeof(keys), vlan_keys, L_N);
	snprintf(valid, sizeof(valid), "0..%u mappings with keys %s", CARP_CONFIG_VLANS_MAX, keys);
	return cfg_seq_items(ctx, seq, "vlans", 1, CARP_CONFIG_VLANS_MAX, valid, n);
}

void
cfg_walk_ifaces(struct cfg_ctx *ctx, yaml_node_t *ports, yaml_node_t *vlans)
{
	struct carp_config *c = ctx->cfg;
	char keys[160], valid[200];
	yaml_node_item_t *pit = NULL, *vit;
	unsigned int np = 0, nv;

	cfg_join(keys, sizeof(keys), port_keys, P_N);
	snprintf(valid, sizeof(valid), "1..%u mappings with keys %s", CARP_CONFIG_PORTS_MAX, keys);
	if (ports)
		pit = cfg_seq_items(ctx, ports, "ports", 1, CARP_CONFIG_PORTS_MAX, valid, &np);
	if (pit == NULL)
		np = 0;
	vit = vlan_items(ctx, vlans, &nv);
	if (np + nv == 0)
		return;
	c->ports = calloc(np ? np : 1, sizeof(*c->ports));
	ctx->psrc = calloc(np ? np : 1, sizeof(*ctx->psrc));
	c->ifaces = calloc(np + nv, sizeof(*c->ifaces));
	ctx->isrc = calloc(np + nv, sizeof(*ctx->isrc));
	if (!c->ports || !ctx->psrc || !c->ifaces || !ctx->isrc) {
		ctx->oom = true;
		return;
	}
	c->n_ports = np;
	c->n_ifaces = np + nv;
	for (unsigned int i = 0; i < np && !ctx->oom; i++)
		walk_port(ctx, cfg_node(ctx, pit[i]), i);
	for (unsigned int j = 0; j < nv && !ctx->oom; j++)
		walk_vlan(ctx, cfg_node(ctx, vit[j]), &c->ifaces[np + j], &ctx->isrc[np + j]);
}

bool
cfg_all_ifaces_named(const struct cfg_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->cfg->n_ifaces; i++)
		if (!ctx->isrc[i].name.line)
			return false;
	return ctx->cfg->n_ifaces > 0;
}

/* Telemetry keys allow letters, digits, '_' and '/': a name's '-' is shown as '_'. */
static bool
same_telemetry_key(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

/* Ports and VLANs share one namespace: VHIDs, logs and telemetry name them alike. */
static void
check_names(struct cfg_ctx *ctx)
{
	const struct carp_config *c = ctx->cfg;

	for (unsigned int i = 0; i < c->n_ifaces; i++) {
		const struct cfg_iface_src *s = &ctx->isrc[i];

		for (unsigned int j = 0; j < i && s->name.line; j++) {
			const struct cfg_iface_src *o = &ctx->isrc[j];

			if (!o->name.line)
				continue;
			if (strcmp(c->ifaces[i].name, c->ifaces[j].name) == 0) {
				cfg_error(ctx, s->name, "name", "a name no other port or VLAN uses",
					  "%s name '%s' is already used by the %s at line %u",
					  cfg_iface_kind(ctx, i), c->ifaces[i].name,
					  cfg_iface_kind(ctx, j), o->at.line);
				break;
			}
			if (same_telemetry_key(c->ifaces[i].name, c->ifaces[j].name)) {
				cfg_error(ctx, s->name, "name",
					  "a name that differs from the others in more than '-' and '_'",
					  "%s name '%s' and '%s' (line %u) would be one key in "
					  "telemetry, which spells '-' as '_'", cfg_iface_kind(ctx, i),
					  c->ifaces[i].name, c->ifaces[j].name, o->at.line);
				break;
			}
		}
	}
}

static void
check_devices(struct cfg_ctx *ctx)
{
	const struct carp_config *c = ctx->cfg;

	/* The EAL keys devices by name: a second probe of one would fail. */
	for (unsigned int i = 0; i < c->n_ports; i++)
		for (unsigned int j = 0; j < i; j++)
			if (ctx->psrc[i].device.line && ctx->psrc[j].device.line &&
			    strcmp(ctx->psrc[i].devname, ctx->psrc[j].devname) == 0) {
				cfg_error(ctx, ctx->psrc[i].device, "device",
					  "a device no other port uses",
					  "device '%s' is already used by port '%s' (line %u)",
					  ctx->psrc[i].devname, c->ports[j].name,
					  ctx->psrc[j].device.line);
				break;
			}
}

static bool
all_ports_named(const struct cfg_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->cfg->n_ports; i++)
		if (!ctx->psrc[i].name.line)
			return false;
	return ctx->cfg->n_ports > 0;
}

/* A VLAN's port: by name, a port (never a VLAN: no QinQ), then its id unique there. */
static void
resolve_vlan_port(struct cfg_ctx *ctx, unsigned int i)
{
	struct carp_config *c = ctx->cfg;
	struct carp_config_iface *ifc = &c->ifaces[i];
	struct cfg_iface_src *s = &ctx->isrc[i];
	char names[CARP_CONFIG_PORTS_MAX * (CARP_CONFIG_NAME_MAX + 2) + 1] = "";
	size_t o = 0;

	if (!s->port.line)
		return;
	for (unsigned int p = 0; p < c->n_ports; p++) {
		if (ctx->psrc[p].name.line && strcmp(c->ports[p].name, s->port_name) == 0) {
			ifc->port = p;
			s->port_ok = true;
			break;
		}
	}
	if (!s->port_ok) {
		/* With a port whose own name was rejected, "unknown port" might be that one. */
		if (!all_ports_named(ctx))
			return;
		for (unsigned int p = 0; p < c->n_ports && o < sizeof(names); p++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", p ? ", " : "",
					      c->ports[p].name);
		for (unsigned int j = c->n_ports; j < c->n_ifaces; j++)
			if (ctx->isrc[j].name.line && strcmp(c->ifaces[j].name, s->port_name) == 0) {
				cfg_error(ctx, s->port, "port", names, "'%.40s' is a VLAN: a VLAN "
					  "sits on a port (QinQ is not supported)", s->port_name);
				return;
			}
		cfg_error(ctx, s->port, "port", names, "no port is named '%.40s'", s->port_name);
		return;
	}
	c->ports[ifc->port].n_vlans++;
	if (s->mtu.line && ifc->mtu > c->ports[ifc->port].mtu)
		cfg_error(ctx, s->mtu, "mtu", "at most the port's MTU",
			  "VLAN '%s' has MTU %u, above the MTU %u of its port '%s'", ifc->name,
			  ifc->mtu, c->ports[ifc->port].mtu, c->ports[ifc->port].name);
	else if (!s->mtu.line)
		ifc->mtu = c->ports[ifc->port].mtu;
	if (!s->vlan.line)
		return;
	for (unsigned int j = c->n_ports; j < i; j++) {
		const struct carp_config_iface *q = &c->ifaces[j];

		if (ctx->isrc[j].port_ok && ctx->isrc[j].vlan.line && q->port == ifc->port &&
		    q->vlan == ifc->vlan) {
			cfg_error(ctx, s->vlan, "vlan", "a VLAN id unused on this port",
				  "VLAN %u is already configured on port '%s' as '%s' (line %u)",
				  ifc->vlan, c->ports[ifc->port].name, q->name, ctx->isrc[j].at.line);
			return;
		}
	}
}

/*
 * Two interfaces on one subnet would make the forwarding table and the choice of interface
 * for a VIP ambiguous. Finds the first address of an earlier interface overlapping @p x.
 */
static bool
find_overlap(const struct cfg_ctx *ctx, unsigned int i, const struct carp_config_addr *x,
	     unsigned int *iface, unsigned int *addr)
{
	for (unsigned int o = 0; o < i; o++) {
		const struct carp_config_iface *q = &ctx->cfg->ifaces[o];

		if (!ctx->isrc[o].addrs_ok)
			continue;
		for (unsigned int j = 0; j < q->n_addrs; j++) {
			if (cfg_prefix_overlaps(&q->addrs[j], x)) {
				*iface = o;
				*addr = j;
				return true;
			}
		}
	}
	return false;
}

static void
check_addrs(struct cfg_ctx *ctx, unsigned int i)
{
	const struct carp_config_iface *p = &ctx->cfg->ifaces[i];
	const struct cfg_iface_src *s = &ctx->isrc[i];
	char a[ADDR_STR], net[ADDR_STR];
	unsigned int o, j;

	for (unsigned int k = 0; k < p->n_addrs; k++) {
		const struct carp_config_addr *x = &p->addrs[k];
		const char *res = cfg_addr_reserved_in(x, x);
		bool dup = false;

		if (res) {
			cfg_error(ctx, s->addr_at[k], "addresses", "a host address of the subnet",
				  "%s is the %s address of %s", cfg_addr_str(x, a, sizeof(a)), res,
				  cfg_subnet_str(x, net, sizeof(net)));
			continue;
		}
		for (unsigned int d = 0; d < k && !dup; d++) {
			if (!cfg_addr_equal(&p->addrs[d], x))
				continue;
			cfg_error(ctx, s->addr_at[k], "addresses", "each address once",
				  "%s is listed twice (first at %u:%u)",
				  cfg_addr_str(x, a, sizeof(a)), s->addr_at[d].line,
				  s->addr_at[d].col);
			dup = true;
		}
		if (dup)
			continue;
		if (find_overlap(ctx, i, x, &o, &j)) {
			const struct carp_config_iface *q = &ctx->cfg->ifaces[o];
			char other[ADDR_STR];

			cfg_error(ctx, s->addr_at[k], "addresses",
				  "ports and VLANs on separate subnets",
				  "subnet %s overlaps %s of %s '%s' (line %u)",
				  cfg_subnet_str(x, net, sizeof(net)),
				  cfg_subnet_str(&q->addrs[j], other, sizeof(other)),
				  cfg_iface_kind(ctx, o), q->name, ctx->isrc[o].addr_at[j].line);
		}
	}
}

/* IPv6 needs links of at least 1280 bytes (RFC 8200 5): routers never fragment it. */
static void
check_ipv6_mtu(struct cfg_ctx *ctx, unsigned int i)
{
	const struct carp_config_iface *ifc = &ctx->cfg->ifaces[i];
	const struct cfg_iface_src *s = &ctx->isrc[i];
	/* A port's mtu: is among the port's keys; a VLAN's among its own. */
	struct cfg_mark mtu = i < ctx->cfg->n_ports ? ctx->psrc[i].mtu : s->mtu;

	if (ifc->mtu >= IPV6_MIN_MTU)
		return;
	for (unsigned int k = 0; k < ifc->n_addrs; k++) {
		if (ifc->addrs[k].family != 6)
			continue;
		cfg_error(ctx, mtu.line ? mtu : s->addr_at[k], "mtu",
			  "at least 1280 on a port or VLAN with IPv6",
			  "%s '%s' has IPv6 addresses and MTU %u, below IPv6's minimum of 1280",
			  cfg_iface_kind(ctx, i), ifc->name, ifc->mtu);
		return;
	}
}

void
cfg_check_ifaces(struct cfg_ctx *ctx)
{
	const struct carp_config *c = ctx->cfg;
	bool all_vlans_placed = true;

	check_names(ctx);
	check_devices(ctx);
	for (unsigned int i = c->n_ports; i < c->n_ifaces; i++) {
		resolve_vlan_port(ctx, i);
		all_vlans_placed = all_vlans_placed && ctx->isrc[i].port_ok;
	}
	/* A port without addresses is only the carrier of its VLANs: without any, unused.
	 * (Unless a VLAN whose port is unknown was meant for it: that is already said.) */
	for (unsigned int p = 0; p < c->n_ports && all_vlans_placed; p++)
		if (ctx->isrc[p].addrs_ok && c->ifaces[p].n_addrs == 0 && c->ports[p].n_vlans == 0)
			cfg_error(ctx, ctx->isrc[p].addrs.line ? ctx->isrc[p].addrs : ctx->psrc[p].at,
				  "addresses", ADDRS_VALID " (or VLANs on the port)",
				  "port '%s' has neither addresses nor VLANs", c->ports[p].name);
	for (unsigned int i = 0; i < c->n_ifaces; i++)
		if (ctx->isrc[i].addrs_ok)
			check_addrs(ctx, i);
	for (unsigned int i = 0; i < c->n_ifaces; i++)
		check_ipv6_mtu(ctx, i);
}
