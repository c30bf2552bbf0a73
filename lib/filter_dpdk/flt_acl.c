/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules as an rte_acl trie. Field layout: the protocol first (rte_acl reads one byte
 * before its 4-byte groups), then family, flags and ICMP type and code, the interfaces,
 * the ports, and the addresses as four 32-bit prefix fields each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "flt_acl.h"

enum {
	F_PROTO,
	F_AF,
	F_FLAGS,
	F_ICMP_TYPE,
	F_ICMP_CODE,
	F_IN,
	F_OUT,
	F_SPORT,
	F_DPORT,
	F_SRC0,
	F_DST0 = F_SRC0 + 4,
	F_N = F_DST0 + 4,
};

RTE_ACL_RULE_DEF(flt_acl_rule, F_N);

struct flt_acl {
	struct rte_acl_ctx *ctx;
	uint32_t n_rules;
};

#define DEF(f, t, sz, grp, member) \
	[f] = { .type = RTE_ACL_FIELD_TYPE_##t, .size = sz, .field_index = f, \
		.input_index = grp, .offset = offsetof(struct flt_acl_input, member) }
#define ADDR(f, grp, member, i) \
	[f + i] = { .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = f + i, \
		    .input_index = grp + i, \
		    .offset = offsetof(struct flt_acl_input, member) + 4 * i }

static const struct rte_acl_field_def defs[F_N] = {
	DEF(F_PROTO, BITMASK, 1, 0, proto),
	DEF(F_AF, BITMASK, 1, 1, af),
	DEF(F_FLAGS, BITMASK, 1, 1, flags),
	DEF(F_ICMP_TYPE, RANGE, 1, 1, icmp_type),
	DEF(F_ICMP_CODE, RANGE, 1, 1, icmp_code),
	DEF(F_IN, RANGE, 2, 2, in),
	DEF(F_OUT, RANGE, 2, 2, out),
	DEF(F_SPORT, RANGE, 2, 3, sport),
	DEF(F_DPORT, RANGE, 2, 3, dport),
	ADDR(F_SRC0, 4, src, 0), ADDR(F_SRC0, 4, src, 1),
	ADDR(F_SRC0, 4, src, 2), ADDR(F_SRC0, 4, src, 3),
	ADDR(F_DST0, 8, dst, 0), ADDR(F_DST0, 8, dst, 1),
	ADDR(F_DST0, 8, dst, 2), ADDR(F_DST0, 8, dst, 3),
};

/* Prefix @p pf (NULL: any of family @p af) into four 32-bit fields from @p f. */
static void
set_prefix(struct flt_acl_rule *r, unsigned int f, const struct flt_prefix *pf)
{
	for (unsigned int i = 0; i < 4; i++) {
		int len = pf ? (int)pf->len - 32 * (int)i : 0;
		uint32_t v;

		len = len < 0 ? 0 : len > 32 ? 32 : len;
		memcpy(&v, pf ? &pf->addr.b[4 * i] : (const uint8_t *)"\0\0\0\0", 4);
		r->field[f + i].value.u32 = len ? rte_be_to_cpu_32(v) : 0;
		r->field[f + i].mask_range.u32 = (uint32_t)len;
	}
}

static void
set_range16(struct flt_acl_rule *r, unsigned int f, uint16_t lo, uint16_t hi)
{
	r->field[f].value.u16 = lo;
	r->field[f].mask_range.u16 = hi;
}

/* What a list contributes to the product: its entries, or one "any". */
static uint32_t
width(uint32_t count)
{
	return count ? count : 1;
}

/* Rule @p idx's expansion into @p out (room for all of them). Returns how many. */
static uint32_t
expand(const struct flt_ruleset *rs, uint32_t idx, struct flt_acl_rule *out)
{
	const struct flt_rule *fr = &rs->rules[idx];
	struct flt_acl_rule base;
	uint32_t n = 0;

	memset(&base, 0, sizeof(base));
	base.data.category_mask = 1;
	base.data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - idx);
	base.data.userdata = idx + 1;
	base.field[F_PROTO].value.u8 = fr->proto;
	base.field[F_PROTO].mask_range.u8 = fr->proto ? 0xff : 0;
	base.field[F_FLAGS].value.u8 = fr->flags;
	base.field[F_FLAGS].mask_range.u8 = fr->flags_mask;
	base.field[F_ICMP_TYPE].value.u8 = fr->icmp_type >= 0 ? (uint8_t)fr->icmp_type : 0;
	base.field[F_ICMP_TYPE].mask_range.u8 = fr->icmp_type >= 0 ? (uint8_t)fr->icmp_type : 0xff;
	base.field[F_ICMP_CODE].value.u8 = fr->icmp_code >= 0 ? (uint8_t)fr->icmp_code : 0;
	base.field[F_ICMP_CODE].mask_range.u8 = fr->icmp_code >= 0 ? (uint8_t)fr->icmp_code : 0xff;
	if (fr->in == FLT_IFACE_ANY)
		set_range16(&base, F_IN, 0, UINT16_MAX);
	else
		set_range16(&base, F_IN, fr->in, fr->in);
	/* Without out: every egress and FLT_IFACE_NONE, not the node itself (flt_rule.h). */
	if (fr->out == FLT_IFACE_ANY)
		set_range16(&base, F_OUT, 0, FLT_IFACE_SELF - 1);
	else
		set_range16(&base, F_OUT, fr->out, fr->out);

	for (uint32_t s = 0; s < width(fr->src.count); s++) {
		const struct flt_prefix *sp = fr->src.count ? &rs->prefixes[fr->src.first + s] : NULL;

		for (uint32_t d = 0; d < width(fr->dst.count); d++) {
			const struct flt_prefix *dp =
				fr->dst.count ? &rs->prefixes[fr->dst.first + d] : NULL;
			uint8_t af = sp ? sp->af : dp ? dp->af : fr->af;

			/* An IPv4 source with an IPv6 destination matches nothing. */
			if ((sp && dp && sp->af != dp->af) || (fr->af && af != fr->af))
				continue;
			for (uint32_t a = 0; a < width(fr->sport.count); a++) {
				for (uint32_t b = 0; b < width(fr->dport.count); b++) {
					struct flt_acl_rule *r = &out[n++];

					*r = base;
					r->field[F_AF].value.u8 = af;
					r->field[F_AF].mask_range.u8 = af ? 0xff : 0;
					set_prefix(r, F_SRC0, sp);
					set_prefix(r, F_DST0, dp);
					if (fr->sport.count) {
						const struct flt_port_range *p =
							&rs->ports[fr->sport.first + a];

						set_range16(r, F_SPORT, p->lo, p->hi);
					} else {
						set_range16(r, F_SPORT, 0, UINT16_MAX);
					}
					if (fr->dport.count) {
						const struct flt_port_range *p =
							&rs->ports[fr->dport.first + b];

						set_range16(r, F_DPORT, p->lo, p->hi);
					} else {
						set_range16(r, F_DPORT, 0, UINT16_MAX);
					}
				}
			}
		}
	}
	return n;
}

int
flt_acl_build(const struct flt_ruleset *rs, int socket, struct flt_acl **out, char *err,
	      size_t errlen)
{
	static unsigned int seq;
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = F_N };
	struct rte_acl_param param = { .socket_id = socket,
				       .rule_size = RTE_ACL_RULE_SZ(F_N) };
	struct flt_acl_rule *rules = NULL;
	struct flt_acl *acl;
	char name[RTE_ACL_NAMESIZE];
	uint64_t total = 0;
	uint32_t n = 0;
	int rc;

	*out = NULL;
	for (uint32_t i = 0; i < rs->n_rules; i++) {
		const struct flt_rule *r = &rs->rules[i];

		total += (uint64_t)width(r->src.count) * width(r->dst.count) *
			 width(r->sport.count) * width(r->dport.count);
		if (total > FLT_ACL_RULES_MAX) {
			snprintf(err, errlen, "filter: the rules up to the one at line %u expand "
				 "to over %u classifier rules (each rule is the product of its "
				 "address and port lists); use fewer or wider prefixes and ranges",
				 r->line, FLT_ACL_RULES_MAX);
			return -E2BIG;
		}
	}
	acl = calloc(1, sizeof(*acl));
	if (acl == NULL || (total && (rules = calloc(total, sizeof(*rules))) == NULL)) {
		free(acl);
		snprintf(err, errlen, "filter: no memory for %lu classifier rules",
			 (unsigned long)total);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < rs->n_rules; i++)
		n += expand(rs, i, rules + n);

	snprintf(name, sizeof(name), "flt_acl_%u", seq++);
	param.name = name;
	param.max_rule_num = n ? n : 1;
	memcpy(cfg.defs, defs, sizeof(defs));
	acl->ctx = rte_acl_create(&param);
	if (acl->ctx == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "filter: cannot create the classifier (rte_acl_create)");
		goto fail;
	}
	/* No rules (every list empty of its family): nothing to build, nothing matches. */
	rc = n ? rte_acl_add_rules(acl->ctx, (const struct rte_acl_rule *)rules, n) : 0;
	if (rc == 0 && n)
		rc = rte_acl_build(acl->ctx, &cfg);
	if (rc) {
		snprintf(err, errlen, "filter: cannot compile %u classifier rules: %s", n,
			 strerror(-rc));
		goto fail;
	}
	free(rules);
	acl->n_rules = n;
	*out = acl;
	return 0;
fail:
	free(rules);
	flt_acl_free(acl);
	return rc;
}

void
flt_acl_free(struct flt_acl *acl)
{
	if (acl == NULL)
		return;
	rte_acl_free(acl->ctx);
	free(acl);
}

uint32_t
flt_acl_size(const struct flt_acl *acl)
{
	return acl->n_rules;
}

void
flt_acl_input_of(const struct flt_pkt *p, const struct flt_path *path, struct flt_acl_input *in)
{
	const bool ports = p->t.proto == FLT_PROTO_TCP || p->t.proto == FLT_PROTO_UDP;

	memset(in, 0, sizeof(*in));
	in->proto = p->t.proto;
	in->af = p->t.af;
	in->flags = flt_rule_flags_of(p);
	in->icmp_type = p->icmp_type;
	in->icmp_code = p->icmp_code;
	in->in = rte_cpu_to_be_16(path->in);
	in->out = rte_cpu_to_be_16(path->out);
	in->sport = ports ? rte_cpu_to_be_16(p->t.sport) : 0;
	in->dport = ports ? rte_cpu_to_be_16(p->t.dport) : 0;
	memcpy(in->src, p->t.src.b, 16);
	memcpy(in->dst, p->t.dst.b, 16);
}

void
flt_acl_classify(const struct flt_acl *acl, const struct flt_acl_input *const *in, int32_t *rule,
		 unsigned int n)
{
	uint32_t res[64];

	while (n) {
		unsigned int k = RTE_MIN(n, RTE_DIM(res));

		if (acl->n_rules == 0 ||
		    rte_acl_classify(acl->ctx, (const uint8_t **)(uintptr_t)in, res, k, 1) != 0)
			memset(res, 0, k * sizeof(res[0]));
		for (unsigned int i = 0; i < k; i++)
			rule[i] = (int32_t)res[i] - 1;
		in += k;
		rule += k;
		n -= k;
	}
}
