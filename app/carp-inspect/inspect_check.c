/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "inspect.h"

void
inspect_check_init(struct inspect_check *c, const struct inspect_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
}

void
inspect_check_fini(struct inspect_check *c)
{
	for (size_t i = 0; i < CARP_VHID_MAX + 1; i++)
		if (c->vh[i].built)
			carp_hmac_release(&c->vh[i].hmac);
	memset(c, 0, sizeof(*c));
}

static void
hmac_input(const struct inspect_cfg *cfg, uint8_t vhid, struct carp_hmac_input *in)
{
	memset(in, 0, sizeof(*in));
	in->vhid = vhid;
	in->v4 = cfg->v4;
	in->n4 = cfg->n4;
	in->v6 = cfg->v6;
	in->n6 = cfg->n6;
}

/*
 * The VHID number is part of the HMAC message, so each number seen in the capture needs
 * its own prepared context; most captures hold one or two, hence built on first use.
 */
static struct inspect_vhid *
vhid_entry(struct inspect_check *c, uint8_t vhid)
{
	struct inspect_vhid *v = &c->vh[vhid];
	struct carp_hmac_input in;
	int rc;

	if (v->built)
		return v;
	memset(&v->auth, 0, sizeof(v->auth));
	if (c->cfg->have_key) {
		hmac_input(c->cfg, vhid, &in);
		rc = carp_hmac_prepare(&v->hmac, &c->cfg->key, &in);
		if (rc < 0) {
			c->fatal = rc;
			return NULL;
		}
		v->auth.hmac = &v->hmac;
	}
	/* No counter history and no own address: a capture has no "us" to loop back to. */
	v->built = true;
	return v;
}

static const struct carp_vhid_auth *
lookup(void *arg, uint8_t vhid, int family)
{
	struct inspect_check *c = arg;
	struct inspect_vhid *v;

	(void)family; /* the HMAC covers the VIPs of both families whatever the packet's */
	if (c->cfg->vhid >= 0 && vhid != c->cfg->vhid)
		return NULL;
	v = vhid_entry(c, vhid);
	return v ? &v->auth : NULL;
}

void
inspect_check_advert(struct inspect_check *c, struct inspect_advert *a)
{
	a->verdict = carp_advert_verify(&a->f, lookup, c, &a->h);
	/* The header is decoded whenever 36 bytes are there and it is not VRRP-shaped. */
	a->hdr_valid = a->verdict != CARP_DROP_VRRP && a->f.carp_len >= CARP_HDR_LEN;
}

int
inspect_check_hmac_matches(struct inspect_check *c, const struct inspect_advert *a)
{
	struct inspect_vhid *v;

	if (!c->cfg->have_key || !a->hdr_valid)
		return -1;
	v = vhid_entry(c, a->h.vhid);
	if (v == NULL)
		return -1;
	return carp_hmac_verify(&v->hmac, a->h.counter, a->h.md) ? 1 : 0;
}

/*
 * The library signs only with the context that leaves IPv6 link-locals out (what every
 * sender transmits); OpenBSD also accepts the one that includes them, so that digest is
 * computed here with a one-shot HMAC over the same key.
 */
static int
hmac_oneshot(const struct carp_key *key, const uint8_t *msg, size_t len, uint64_t counter,
	     uint8_t md[CARP_MD_LEN])
{
	static uint8_t buf[CARP_HMAC_MSG_MAX + CARP_COUNTER_LEN];
	unsigned int md_len = 0;

	if (len > CARP_HMAC_MSG_MAX)
		return -EINVAL;
	memcpy(buf, msg, len);
	carp_counter_to_wire(counter, buf + len);
	if (HMAC(EVP_sha1(), key->bytes, CARP_KEY_LEN, buf, len + CARP_COUNTER_LEN, md,
		 &md_len) == NULL || md_len != CARP_MD_LEN)
		return -EIO;
	return 0;
}

int
inspect_check_hmac_detail(struct inspect_check *c, const struct inspect_advert *a,
			  struct inspect_hmac_detail *d)
{
	struct carp_hmac_input in;
	struct inspect_vhid *v;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!c->cfg->have_key || !a->hdr_valid)
		return -EINVAL;
	v = vhid_entry(c, a->h.vhid);
	if (v == NULL)
		return c->fatal;
	hmac_input(c->cfg, a->h.vhid, &in);
	d->msg_len = carp_hmac_message(&in, false, d->msg, sizeof(d->msg));
	if (d->msg_len == 0)
		return -ENOSPC;
	rc = carp_hmac_sign(&v->hmac, a->h.counter, d->expected);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < c->cfg->n6; i++)
		if (carp_in6_scope_embedded(&c->cfg->v6[i]))
			d->have_ll = true;
	if (!d->have_ll)
		return 0;
	d->msg_ll_len = carp_hmac_message(&in, true, d->msg_ll, sizeof(d->msg_ll));
	if (d->msg_ll_len == 0)
		return -ENOSPC;
	return hmac_oneshot(&c->cfg->key, d->msg_ll, d->msg_ll_len, a->h.counter,
			    d->expected_ll);
}

/* Where the IP header starts, past one optional 802.1Q tag; 0 when not IP. */
static size_t
l3_offset(const uint8_t *frame, size_t len, uint16_t *type)
{
	size_t off = CARP_ETHER_HDR_LEN;

	if (len < CARP_ETHER_HDR_LEN)
		return 0;
	*type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (*type == CARP_ETHERTYPE_VLAN) {
		if (len < CARP_ETHER_HDR_LEN + CARP_VLAN_HDR_LEN)
			return 0;
		*type = (uint16_t)(frame[16] << 8 | frame[17]);
		off += CARP_VLAN_HDR_LEN;
	}
	return off;
}

bool
inspect_is_proto112(const uint8_t *frame, size_t len)
{
	uint16_t type = 0;
	size_t off = l3_offset(frame, len, &type);

	if (off == 0)
		return false;
	if (type == CARP_ETHERTYPE_IPV4)
		return len >= off + 10 && frame[off + 9] == CARP_IPPROTO;
	if (type == CARP_ETHERTYPE_IPV6)
		return len >= off + 7 && frame[off + 6] == CARP_IPPROTO;
	return false;
}

int
inspect_advert_vhid(const struct inspect_advert *a)
{
	const uint8_t *p = a->rec->data;
	size_t len = a->rec->caplen, ihl;
	uint16_t type = 0;
	size_t off;

	if (a->parsed)
		return a->f.carp_len >= 2 ? a->f.carp[1] : -1;
	off = l3_offset(p, len, &type);
	if (off == 0 || len < off + 1)
		return -1;
	if (type == CARP_ETHERTYPE_IPV4) {
		ihl = (size_t)(p[off] & 0x0f) * 4;
		return ihl >= 20 && len >= off + ihl + 2 ? p[off + ihl + 1] : -1;
	}
	if (type == CARP_ETHERTYPE_IPV6 && len >= off + 42 && p[off + 6] == CARP_IPPROTO)
		return p[off + 41];
	return -1;
}
