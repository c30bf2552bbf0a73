/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter: section (docs/CONFIG.md "Filter"): the default action, the state limit and
 * timeouts, named address tables, and the rules into a struct flt_ruleset. Each rule's
 * values are checked on their own and against each other (ports need tcp or udp, ICMP
 * types need icmp or icmp6, addresses of the rule's family), every problem reported at
 * its value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

enum { F_DEFAULT, F_STATES, F_REASSEMBLE, F_FRAGMENTS, F_TIMEOUTS, F_TABLES, F_RULES, F_N };
static const char *const filter_keys[F_N] = { "default", "states", "reassemble", "fragments",
					      "timeouts",
					      "tables", "rules" };

enum { RL_ACTION, RL_IN, RL_OUT, RL_FAMILY, RL_PROTO, RL_FROM, RL_TO, RL_FROM_PORT, RL_PORT,
       RL_ICMP_TYPE, RL_ICMP_CODE, RL_FLAGS, RL_STATE, RL_LOG, RL_N };
static const char *const rule_keys[RL_N] = {
	"action", "in", "out", "family", "proto", "from", "to", "from_port", "port",
	"icmp_type", "icmp_code", "flags", "state", "log",
};

static const char *const action_names[] = { "pass", "block", "reject" };
static const char *const default_names[] = { "pass", "block" };
static const char *const family_names[] = { "inet", "inet6" };
static const char *const state_names[] = { "keep", "none" };

#define STATES_MAX 16777216u
#define TABLES_MAX 1024
#define ADDR_VALID "any, an address, NETWORK/LENGTH, <table>, or a list of them"
#define PORT_VALID "a port 0..65535, a range LOW-HIGH, or a list of them"
#define PROTO_VALID "tcp, udp, icmp, icmp6, any, or a protocol number 1..255"
#define FLAGS_VALID "FLAGS/MASK of the letters F S R P A U E W (pf's syntax, e.g. S/SA), or any"
#define IFACE_VALID "the name of a port or VLAN with addresses"

struct table {
	const char *name;
	struct cfg_mark at;
	struct flt_prefix *p;
	uint32_t n;
};

struct fctx {
	struct cfg_ctx *ctx;
	struct flt_ruleset *rs;
	struct table tables[TABLES_MAX];
	unsigned int n_tables;
	uint32_t cap_prefixes, cap_ports;
};

static bool
push_prefix(struct fctx *f, const struct flt_prefix *p)
{
	struct flt_ruleset *rs = f->rs;

	if (rs->n_prefixes == FLT_PREFIXES_MAX)
		return false;
	if (rs->n_prefixes == f->cap_prefixes) {
		uint32_t cap = f->cap_prefixes ? f->cap_prefixes * 2 : 64;
		struct flt_prefix *n = realloc(rs->prefixes, cap * sizeof(*n));

		if (n == NULL) {
			f->ctx->oom = true;
			return false;
		}
		rs->prefixes = n;
		f->cap_prefixes = cap;
	}
	rs->prefixes[rs->n_prefixes++] = *p;
	return true;
}

static bool
push_port(struct fctx *f, uint16_t lo, uint16_t hi)
{
	struct flt_ruleset *rs = f->rs;

	if (rs->n_ports == FLT_PORTS_MAX)
		return false;
	if (rs->n_ports == f->cap_ports) {
		uint32_t cap = f->cap_ports ? f->cap_ports * 2 : 64;
		struct flt_port_range *n = realloc(rs->ports, cap * sizeof(*n));

		if (n == NULL) {
			f->ctx->oom = true;
			return false;
		}
		rs->ports = n;
		f->cap_ports = cap;
	}
	rs->ports[rs->n_ports++] = (struct flt_port_range){ lo, hi };
	return true;
}

/* "10.0.0.0/8", "2001:db8::/32", or a bare address (one host) into @p out. */
static const char *
parse_prefix(const char *s, struct flt_prefix *out)
{
	struct carp_config_addr a;
	char buf[80];
	const char *why;

	if (strchr(s, '/') == NULL) {
		if (strlen(s) > 64)
			return "not an address";
		snprintf(buf, sizeof(buf), "%s/%s", s, strchr(s, ':') ? "128" : "32");
		s = buf;
	}
	why = cfg_parse_route_prefix(s, &a);
	if (why)
		return why;
	if (cfg_host_bits_set(&a))
		return "host bits are set after the prefix length";
	memset(out, 0, sizeof(*out));
	out->af = a.family;
	if (a.family == 4) {
		out->addr = fwd_addr4(a.v4);
		out->len = (uint8_t)(96 + a.prefixlen);
	} else {
		out->addr = fwd_addr6(a.v6.b);
		out->len = a.prefixlen;
		if (a.prefixlen >= 96 && fwd_addr_is4(&out->addr))
			return "an IPv4-mapped IPv6 prefix; write the IPv4 prefix itself";
	}
	return NULL;
}

static struct table *
find_table(struct fctx *f, const char *name, size_t len)
{
	for (unsigned int i = 0; i < f->n_tables; i++)
		if (strlen(f->tables[i].name) == len && memcmp(f->tables[i].name, name, len) == 0)
			return &f->tables[i];
	return NULL;
}

/*
 * One entry of an address list: a prefix, or <table> (tables only where @p tables_ok).
 * Appended to the ruleset's prefixes; @p fam gets the families seen (bit 4, bit 6).
 */
static void
addr_entry(struct fctx *f, yaml_node_t *n, const char *key, bool tables_ok, unsigned int *fam)
{
	struct cfg_ctx *ctx = f->ctx;
	struct flt_prefix p;
	const char *s, *why;
	char show[64];
	size_t len;

	if (!cfg_get_str(ctx, n, key, &s, &len))
		return;
	cfg_show(n, show, sizeof(show));
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		struct table *t = tables_ok ? find_table(f, s + 1, len - 2) : NULL;

		if (!tables_ok) {
			cfg_error(ctx, cfg_mark_of(n), key, "addresses and NETWORK/LENGTH",
				  "'%s': a table cannot name another table", show);
			return;
		}
		if (t == NULL) {
			char names[256] = "";

			for (unsigned int i = 0; i < f->n_tables; i++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
					 "%s<%s>", i ? ", " : "", f->tables[i].name);
			cfg_error(ctx, cfg_mark_of(n), key, f->n_tables ? names : "a table defined under filter: tables:",
				  "'%s': no such table", show);
			return;
		}
		for (uint32_t i = 0; i < t->n; i++) {
			if (!push_prefix(f, &t->p[i]))
				goto full;
			*fam |= 1u << t->p[i].af;
		}
		return;
	}
	if (strcmp(s, "any") == 0) {
		cfg_error(ctx, cfg_mark_of(n), key, "any alone, or a list of addresses",
			  "'any' inside a list means the list is any: write it alone");
		return;
	}
	why = parse_prefix(s, &p);
	if (why) {
		cfg_error(ctx, cfg_mark_of(n), key, ADDR_VALID, "'%s': %s", show, why);
		return;
	}
	if (!push_prefix(f, &p))
		goto full;
	*fam |= 1u << p.af;
	return;
full:
	if (!ctx->oom)
		cfg_error(ctx, cfg_mark_of(n), key, "at most " CARP_CONFIG_STRINGIFY(FLT_PREFIXES_MAX) " prefixes in all",
			  "too many prefixes");
}

/* An address value: any, one entry, or a list of entries. */
static bool
addr_list(struct fctx *f, yaml_node_t *n, const char *key, bool tables_ok,
	  struct flt_addr_list *out, unsigned int *fam)
{
	struct cfg_ctx *ctx = f->ctx;
	uint32_t first = f->rs->n_prefixes;
	unsigned int errs = ctx->errs->n;

	*out = (struct flt_addr_list){ 0, 0 };
	if (n->type == YAML_SCALAR_NODE && strcmp((const char *)n->data.scalar.value, "any") == 0)
		return true;
	if (n->type == YAML_SEQUENCE_NODE) {
		unsigned int c;
		yaml_node_item_t *it = cfg_seq_items(ctx, n, key, 1, FLT_PREFIXES_MAX, ADDR_VALID, &c);

		for (unsigned int i = 0; it && i < c && !ctx->oom; i++)
			addr_entry(f, cfg_node(ctx, it[i]), key, tables_ok, fam);
	} else {
		addr_entry(f, n, key, tables_ok, fam);
	}
	*out = (struct flt_addr_list){ first, f->rs->n_prefixes - first };
	return ctx->errs->n == errs && !ctx->oom;
}

/* "80", "1024-65535". */
static bool
parse_port(const char *s, uint16_t *lo, uint16_t *hi)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return false;
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return false;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || a > 65535 || b > 65535 || a > b)
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

static void
port_entry(struct fctx *f, yaml_node_t *n, const char *key)
{
	struct cfg_ctx *ctx = f->ctx;
	const char *s;
	char show[64];
	uint16_t lo, hi;
	size_t len;

	if (!cfg_get_str(ctx, n, key, &s, &len))
		return;
	if (!parse_port(s, &lo, &hi)) {
		cfg_error(ctx, cfg_mark_of(n), key, PORT_VALID, "'%s' is not a port or a range",
			  cfg_show(n, show, sizeof(show)));
		return;
	}
	if (!push_port(f, lo, hi) && !ctx->oom)
		cfg_error(ctx, cfg_mark_of(n), key, "fewer ports", "too many ports in all");
}

static bool
port_list(struct fctx *f, yaml_node_t *n, const char *key, struct flt_port_list *out)
{
	struct cfg_ctx *ctx = f->ctx;
	uint32_t first = f->rs->n_ports;
	unsigned int errs = ctx->errs->n;

	*out = (struct flt_port_list){ 0, 0 };
	if (n->type == YAML_SCALAR_NODE && strcmp((const char *)n->data.scalar.value, "any") == 0)
		return true;
	if (n->type == YAML_SEQUENCE_NODE) {
		unsigned int c;
		yaml_node_item_t *it = cfg_seq_items(ctx, n, key, 1, 1024, PORT_VALID, &c);

		for (unsigned int i = 0; it && i < c && !ctx->oom; i++)
			port_entry(f, cfg_node(ctx, it[i]), key);
	} else {
		port_entry(f, n, key);
	}
	*out = (struct flt_port_list){ first, f->rs->n_ports - first };
	return ctx->errs->n == errs && !ctx->oom;
}

/* pf's flag letters, in bit order. */
static int
flag_bit(char c)
{
	static const char letters[] = "FSRPAUEW";
	const char *p = strchr(letters, c);

	return c && p ? 1 << (p - letters) : -1;
}

static bool
parse_flags(const char *s, uint8_t *flags, uint8_t *mask)
{
	const char *slash = strchr(s, '/');
	unsigned int f = 0, m = 0;

	if (slash == NULL || slash == s || slash[1] == '\0')
		return false;
	for (const char *p = s; p < slash; p++) {
		int b = flag_bit(*p);

		if (b < 0)
			return false;
		f |= (unsigned int)b;
	}
	for (const char *p = slash + 1; *p; p++) {
		int b = flag_bit(*p);

		if (b < 0)
			return false;
		m |= (unsigned int)b;
	}
	/* A flag required set but not looked at could never match. */
	if ((f & ~m) != 0)
		return false;
	*flags = (uint8_t)f;
	*mask = (uint8_t)m;
	return true;
}

static bool
parse_proto(const char *s, uint8_t *proto)
{
	static const struct {
		const char *name;
		uint8_t num;
	} names[] = { { "any", 0 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmp6", 58 } };
	char *end;
	unsigned long v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*proto = names[i].num;
			return true;
		}
	if (*s < '1' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > 255)
		return false;
	*proto = (uint8_t)v;
	return true;
}

/* An interface by name; @p self_ok allows "self" (out: only). */
static bool
rule_iface(struct fctx *f, yaml_node_t *n, const char *key, bool self_ok, uint16_t *out)
{
	struct cfg_ctx *ctx = f->ctx;
	const struct carp_config *c = ctx->cfg;
	const char *s;
	size_t len;

	if (!cfg_get_str(ctx, n, key, &s, &len))
		return false;
	if (self_ok && strcmp(s, "self") == 0) {
		*out = FLT_IFACE_SELF;
		return true;
	}
	for (unsigned int i = 0; i < c->n_ifaces; i++)
		if (ctx->isrc[i].name.line && strcmp(c->ifaces[i].name, s) == 0 &&
		    c->ifaces[i].n_addrs > 0) {
			*out = (uint16_t)i;
			return true;
		}
	if (cfg_all_ifaces_named(ctx))
		cfg_error(ctx, cfg_mark_of(n), key, self_ok ? IFACE_VALID ", or self" : IFACE_VALID,
			  "no port or VLAN with addresses is named '%.40s'", s);
	return false;
}

static void
walk_rule(struct fctx *f, yaml_node_t *map, struct flt_rule *r)
{
	struct cfg_ctx *ctx = f->ctx;
	yaml_node_t *v[RL_N];
	unsigned int u, fam = 0;
	unsigned long num;
	const char *s;
	char show[64];
	size_t len;

	memset(r, 0, sizeof(*r));
	r->in = r->out = FLT_IFACE_ANY;
	r->icmp_type = r->icmp_code = -1;
	r->line = cfg_mark_of(map).line;
	if (!cfg_map_collect(ctx, map, "rules", rule_keys, RL_N, v, NULL))
		return;
	if (cfg_require(ctx, map, v[RL_ACTION], "action", "this rule", "pass, block or reject") &&
	    cfg_get_enum(ctx, v[RL_ACTION], "action", action_names, 3, &u))
		r->action = (enum flt_action)u;
	if (v[RL_IN])
		rule_iface(f, v[RL_IN], "in", false, &r->in);
	if (v[RL_OUT])
		rule_iface(f, v[RL_OUT], "out", true, &r->out);
	if (v[RL_FAMILY] && cfg_get_enum(ctx, v[RL_FAMILY], "family", family_names, 2, &u))
		r->af = u == 0 ? 4 : 6;
	if (v[RL_PROTO] && cfg_get_str(ctx, v[RL_PROTO], "proto", &s, &len) &&
	    !parse_proto(s, &r->proto))
		cfg_error(ctx, cfg_mark_of(v[RL_PROTO]), "proto", PROTO_VALID, "'%s' is not a protocol",
			  cfg_show(v[RL_PROTO], show, sizeof(show)));
	if (r->proto == FLT_PROTO_ICMP && r->af == 6)
		cfg_error(ctx, cfg_mark_of(v[RL_PROTO]), "proto", "icmp6 with family inet6",
			  "icmp is IPv4's; IPv6 has icmp6");
	if (r->proto == FLT_PROTO_ICMP6 && r->af == 4)
		cfg_error(ctx, cfg_mark_of(v[RL_PROTO]), "proto", "icmp with family inet",
			  "icmp6 is IPv6's; IPv4 has icmp");
	if (r->proto == FLT_PROTO_ICMP)
		r->af = 4;
	if (r->proto == FLT_PROTO_ICMP6)
		r->af = 6;
	if (v[RL_FROM])
		addr_list(f, v[RL_FROM], "from", true, &r->src, &fam);
	if (v[RL_TO])
		addr_list(f, v[RL_TO], "to", true, &r->dst, &fam);
	if (fam && r->af && (fam & ~(1u << r->af))) {
		yaml_node_t *at = v[RL_FAMILY] ? v[RL_FAMILY] : v[RL_PROTO];

		cfg_error(ctx, cfg_mark_of(at), at == v[RL_FAMILY] ? "family" : "proto",
			  "addresses of the rule's family only",
			  "the rule is %s but names %s addresses", r->af == 4 ? "IPv4" : "IPv6",
			  r->af == 4 ? "IPv6" : "IPv4");
	}
	/* With addresses of one family only, the rule is of that family. */
	if (!r->af && (fam == 1u << 4 || fam == 1u << 6))
		r->af = fam == 1u << 4 ? 4 : 6;
	for (unsigned int k = RL_FROM_PORT; k <= RL_PORT; k++) {
		if (!v[k])
			continue;
		if (r->proto != FLT_PROTO_TCP && r->proto != FLT_PROTO_UDP) {
			cfg_error(ctx, cfg_mark_of(v[k]), rule_keys[k], "proto: tcp or proto: udp",
				  "ports exist only with proto tcp or udp");
			continue;
		}
		port_list(f, v[k], rule_keys[k], k == RL_PORT ? &r->dport : &r->sport);
	}
	if (v[RL_ICMP_TYPE] || v[RL_ICMP_CODE]) {
		if (r->proto != FLT_PROTO_ICMP && r->proto != FLT_PROTO_ICMP6) {
			cfg_error(ctx, cfg_mark_of(v[RL_ICMP_TYPE] ? v[RL_ICMP_TYPE] : v[RL_ICMP_CODE]),
				  v[RL_ICMP_TYPE] ? "icmp_type" : "icmp_code", "proto: icmp or icmp6",
				  "ICMP types exist only with proto icmp or icmp6");
		} else {
			if (v[RL_ICMP_TYPE] && cfg_get_uint(ctx, v[RL_ICMP_TYPE], "icmp_type", 0, 255, &num))
				r->icmp_type = (int16_t)num;
			if (v[RL_ICMP_CODE] && !v[RL_ICMP_TYPE])
				cfg_error(ctx, cfg_mark_of(v[RL_ICMP_CODE]), "icmp_code",
					  "icmp_code with icmp_type", "a code means something only "
					  "within a type");
			else if (v[RL_ICMP_CODE] &&
				 cfg_get_uint(ctx, v[RL_ICMP_CODE], "icmp_code", 0, 255, &num))
				r->icmp_code = (int16_t)num;
		}
	}
	r->keep_state = r->action == FLT_PASS;
	if (v[RL_STATE]) {
		if (r->action != FLT_PASS)
			cfg_error(ctx, cfg_mark_of(v[RL_STATE]), "state", "state on pass rules only",
				  "only a pass rule creates states");
		else if (cfg_get_enum(ctx, v[RL_STATE], "state", state_names, 2, &u))
			r->keep_state = u == 0;
	}
	/* pf's default since OpenBSD 4.1: a stateful rule is matched by a connection's first
	 * packet only (flags S/SA); the rest of it goes by the state. */
	if (r->keep_state) {
		r->flags = FLT_TH_SYN;
		r->flags_mask = FLT_TH_SYN | FLT_TH_ACK;
	}
	if (v[RL_FLAGS]) {
		if (r->proto != FLT_PROTO_TCP)
			cfg_error(ctx, cfg_mark_of(v[RL_FLAGS]), "flags", "proto: tcp",
				  "flags exist only with proto tcp");
		else if (cfg_get_str(ctx, v[RL_FLAGS], "flags", &s, &len)) {
			if (strcmp(s, "any") == 0)
				r->flags = r->flags_mask = 0;
			else if (!parse_flags(s, &r->flags, &r->flags_mask))
				cfg_error(ctx, cfg_mark_of(v[RL_FLAGS]), "flags", FLAGS_VALID,
					  "'%s' is not FLAGS/MASK",
					  cfg_show(v[RL_FLAGS], show, sizeof(show)));
		}
	}
	if (v[RL_LOG])
		cfg_get_bool(ctx, v[RL_LOG], "log", &r->log);
	if (r->in == FLT_IFACE_SELF)
		r->in = FLT_IFACE_ANY; /* not reachable: rule_iface refuses it */
}

static void
walk_tables(struct fctx *f, yaml_node_t *map)
{
	struct cfg_ctx *ctx = f->ctx;

	if (cfg_is_null(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		cfg_error(ctx, cfg_mark_of(map), "tables", "a mapping of NAME: [addresses]",
			  "expected a mapping, found %s", cfg_kind(map));
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top && !ctx->oom; p++) {
		yaml_node_t *k = cfg_node(ctx, p->key), *val = cfg_node(ctx, p->value);
		const char *name;
		struct flt_addr_list l;
		unsigned int fam = 0;
		uint32_t first = f->rs->n_prefixes;

		if (k->type != YAML_SCALAR_NODE ||
		    !cfg_name_ok((const char *)k->data.scalar.value, k->data.scalar.length)) {
			cfg_error(ctx, cfg_mark_of(k), "tables",
				  "a name of 1..15 letters, digits, '_' and '-'",
				  "not a table name");
			continue;
		}
		name = (const char *)k->data.scalar.value;
		if (find_table(f, name, strlen(name))) {
			cfg_error(ctx, cfg_mark_of(k), name, "each table once",
				  "table <%s> is defined twice", name);
			continue;
		}
		if (f->n_tables == TABLES_MAX) {
			cfg_error(ctx, cfg_mark_of(k), name, "at most " CARP_CONFIG_STRINGIFY(TABLES_MAX) " tables",
				  "too many tables");
			return;
		}
		if (!addr_list(f, val, name, false, &l, &fam))
			continue;
		if (l.count == 0) {
			cfg_error(ctx, cfg_mark_of(val), name, "addresses and NETWORK/LENGTH",
				  "a table of any address: use any in the rules instead");
			continue;
		}
		/* The table's prefixes move out of the rules' pool: rules copy them in. */
		struct table *t = &f->tables[f->n_tables];

		t->p = malloc(l.count * sizeof(*t->p));
		if (t->p == NULL) {
			ctx->oom = true;
			return;
		}
		memcpy(t->p, &f->rs->prefixes[first], l.count * sizeof(*t->p));
		f->rs->n_prefixes = first;
		t->n = l.count;
		t->name = name;
		t->at = cfg_mark_of(k);
		f->n_tables++;
	}
}

static void
walk_timeouts(struct fctx *f, yaml_node_t *map)
{
	struct cfg_ctx *ctx = f->ctx;
	struct flt_timeouts *t = &f->rs->timeouts;
	char valid[512] = "";

	for (unsigned int i = 0; i < FLT_TO_COUNT; i++)
		snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid), "%s, ",
			 flt_timeout_name((enum flt_timeout)i));
	snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid), "adaptive.start, adaptive.end");
	if (cfg_is_null(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		cfg_error(ctx, cfg_mark_of(map), "timeouts", valid, "expected a mapping, found %s",
			  cfg_kind(map));
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(ctx, p->key), *val = cfg_node(ctx, p->value);
		const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		enum flt_timeout c = flt_timeout_by_name(name);
		unsigned long num;

		if (c != FLT_TO_COUNT) {
			if (cfg_get_uint(ctx, val, name, 1, 31536000, &num))
				t->sec[c] = (uint32_t)num;
		} else if (strcmp(name, "adaptive.start") == 0) {
			if (cfg_get_uint(ctx, val, name, 0, STATES_MAX * 2ul, &num))
				t->adaptive_start = (uint32_t)num;
		} else if (strcmp(name, "adaptive.end") == 0) {
			if (cfg_get_uint(ctx, val, name, 0, STATES_MAX * 2ul, &num))
				t->adaptive_end = (uint32_t)num;
		} else {
			cfg_error(ctx, cfg_mark_of(k), name[0] ? name : "timeouts", valid,
				  "unknown timeout");
		}
	}
	if (t->adaptive_end && t->adaptive_start >= t->adaptive_end)
		cfg_error(ctx, cfg_mark_of(map), "adaptive.start", "below adaptive.end (or both 0: off)",
			  "adaptive.start %u is not below adaptive.end %u", t->adaptive_start,
			  t->adaptive_end);
}

void
cfg_walk_filter(struct cfg_ctx *ctx, yaml_node_t *map)
{
	struct fctx *f;
	struct flt_ruleset *rs;
	yaml_node_t *v[F_N];
	unsigned long num;
	unsigned int u;

	if (cfg_is_null(map))
		return; /* filter: with nothing under it is no filter */
	f = calloc(1, sizeof(*f));
	rs = calloc(1, sizeof(*rs));
	if (f == NULL || rs == NULL) {
		free(f);
		free(rs);
		ctx->oom = true;
		return;
	}
	ctx->cfg->filter = rs;
	f->ctx = ctx;
	f->rs = rs;
	rs->default_action = FLT_BLOCK;
	rs->state_limit = 100000;
	rs->reassemble = false;
	rs->frag_max = FLT_FRAG_MAX_DEFAULT;
	if (!cfg_map_collect(ctx, map, "filter", filter_keys, F_N, v, NULL))
		goto out;
	if (cfg_require(ctx, map, v[F_DEFAULT], "default", "filter",
			"pass or block: what no rule matches (block recommended)") &&
	    cfg_get_enum(ctx, v[F_DEFAULT], "default", default_names, 2, &u))
		rs->default_action = u == 0 ? FLT_PASS : FLT_BLOCK;
	if (v[F_STATES] && cfg_get_uint(ctx, v[F_STATES], "states", 1, STATES_MAX, &num))
		rs->state_limit = (uint32_t)num;
	if (v[F_REASSEMBLE])
		cfg_get_bool(ctx, v[F_REASSEMBLE], "reassemble", &rs->reassemble);
	if (v[F_FRAGMENTS] &&
	    cfg_get_uint(ctx, v[F_FRAGMENTS], "fragments", 1, FLT_FRAG_MAX, &num))
		rs->frag_max = (uint32_t)num;
	flt_timeouts_default(&rs->timeouts, rs->state_limit);
	if (v[F_TIMEOUTS])
		walk_timeouts(f, v[F_TIMEOUTS]);
	if (v[F_TABLES])
		walk_tables(f, v[F_TABLES]);
	/* An empty list is no rules: the default decides everything. */
	if (v[F_RULES] && !cfg_is_null(v[F_RULES]) && !ctx->oom &&
	    !(v[F_RULES]->type == YAML_SEQUENCE_NODE &&
	      v[F_RULES]->data.sequence.items.start == v[F_RULES]->data.sequence.items.top)) {
		unsigned int n;
		yaml_node_item_t *it = cfg_seq_items(ctx, v[F_RULES], "rules", 1, FLT_RULES_MAX,
						     "a list of rules (mappings)", &n);

		if (it) {
			rs->rules = calloc(n, sizeof(*rs->rules));
			if (rs->rules == NULL) {
				ctx->oom = true;
				goto out;
			}
			rs->n_rules = n;
			for (unsigned int i = 0; i < n && !ctx->oom; i++)
				walk_rule(f, cfg_node(ctx, it[i]), &rs->rules[i]);
		}
	}
out:
	for (unsigned int i = 0; i < f->n_tables; i++)
		free(f->tables[i].p);
	free(f);
}

void
carp_config_filter_free(struct flt_ruleset *rs)
{
	if (rs == NULL)
		return;
	free(rs->rules);
	free(rs->prefixes);
	free(rs->ports);
	free(rs);
}
