/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reference matcher. Written for obviousness, not speed: every field of every rule,
 * in order. The tests hold the compiled classifier to it.
 */
#include "flt_rule.h"

bool
flt_prefix_has(const struct flt_prefix *pf, const struct fwd_addr *a)
{
	unsigned int full = pf->len / 8, rest = pf->len % 8;

	for (unsigned int i = 0; i < full; i++)
		if (a->b[i] != pf->addr.b[i])
			return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	return (a->b[full] & mask) == pf->addr.b[full];
}

static bool
list_has(const struct flt_ruleset *rs, const struct flt_addr_list *l, const struct fwd_addr *a,
	 uint8_t af)
{
	if (l->count == 0)
		return true;
	for (uint32_t i = 0; i < l->count; i++) {
		const struct flt_prefix *pf = &rs->prefixes[l->first + i];

		if (pf->af == af && flt_prefix_has(pf, a))
			return true;
	}
	return false;
}

static bool
ports_have(const struct flt_ruleset *rs, const struct flt_port_list *l, uint16_t port)
{
	if (l->count == 0)
		return true;
	for (uint32_t i = 0; i < l->count; i++) {
		const struct flt_port_range *r = &rs->ports[l->first + i];

		if (port >= r->lo && port <= r->hi)
			return true;
	}
	return false;
}

static bool
has_ports(uint8_t proto)
{
	return proto == FLT_PROTO_TCP || proto == FLT_PROTO_UDP;
}

bool
flt_rule_matches(const struct flt_ruleset *rs, const struct flt_rule *r, const struct flt_pkt *p,
		 const struct flt_path *path)
{
	const struct flt_tuple *t = &p->t;

	if (r->in != FLT_IFACE_ANY && r->in != path->in)
		return false;
	/* Traffic to the node only by a rule that names it (out: self). */
	if (r->out == FLT_IFACE_ANY ? path->out == FLT_IFACE_SELF : r->out != path->out)
		return false;
	if (r->af != 0 && r->af != t->af)
		return false;
	if (r->proto != 0 && r->proto != t->proto)
		return false;
	if (!list_has(rs, &r->src, &t->src, t->af) || !list_has(rs, &r->dst, &t->dst, t->af))
		return false;
	/* Port lists only exist on TCP and UDP rules (the config says so); a packet without
	 * ports has port 0. */
	uint16_t sport = has_ports(t->proto) ? t->sport : 0;
	uint16_t dport = has_ports(t->proto) ? t->dport : 0;

	if (!ports_have(rs, &r->sport, sport) || !ports_have(rs, &r->dport, dport))
		return false;
	if (r->icmp_type >= 0 && r->icmp_type != p->icmp_type)
		return false;
	if (r->icmp_code >= 0 && r->icmp_code != p->icmp_code)
		return false;
	if ((flt_rule_flags_of(p) & r->flags_mask) != r->flags)
		return false;
	return true;
}

int
flt_match_ref(const struct flt_ruleset *rs, const struct flt_pkt *p, const struct flt_path *path)
{
	for (uint32_t i = 0; i < rs->n_rules; i++)
		if (flt_rule_matches(rs, &rs->rules[i], p, path))
			return (int)i;
	return -1;
}
