/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_verify.h"

#include <string.h>

/*
 * keepalived and other VRRP speakers share protocol 112 and 224.0.0.18. VRRPv3 has
 * version 3; VRRPv2 shares CARP's first byte 0x21 but its length is
 * 8 + 4 * count + 8 (count at offset 3, where CARP carries authlen 7, and a CARP payload
 * is 36 bytes, never 44).
 */
static bool
looks_like_vrrp(const uint8_t *p, size_t len)
{
	if (len < 8)
		return false;
	if (p[0] >> 4 == 3)
		return true;
	/* No CARP implementation sends anything but 36 bytes, so a VRRPv2 length wins, also
	 * for count 7 (44 bytes), where CARP's authlen would sit. */
	return p[0] >> 4 == 2 && len == 16 + 4 * (size_t)p[3];
}

enum carp_drop
carp_advert_check(const struct carp_rx_frame *f, struct carp_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (looks_like_vrrp(f->carp, f->carp_len))
		return CARP_DROP_VRRP; /* keepalived sends VRRP without DF: name it first */
	/*
	 * Every CARP sends IPv4 adverts with DF (spec §1.2). A datagram without it is one we
	 * must not take: a kernel that reassembles fragments before handing them over
	 * (af_packet's fanout does) clears DF, so this is how a fragmented advert is refused
	 * on every kind of port alike, as fragments themselves are by carp_frame_parse.
	 */
	if (f->family == 4 && !f->df)
		return CARP_DROP_FRAGMENT;
	if (f->carp_len < CARP_HDR_LEN)
		return CARP_DROP_BADLEN;
	/* Longer payloads are accepted and the tail ignored, as on both BSDs. */
	carp_hdr_decode(f->carp, h);
	if (!carp_hdr_cksum_ok(f->carp))
		return CARP_DROP_BADSUM;
	if (h->version != CARP_VERSION)
		return CARP_DROP_BADVER;
	if (f->ttl != CARP_TTL)
		return CARP_DROP_BADTTL;
	return CARP_DROP_NONE;
}

static bool
from_own_address(const struct carp_rx_frame *f, const struct carp_vhid_auth *a)
{
	if (f->family == 4)
		return a->own_src4 && f->src4 == a->own_src4;
	return a->own_src6 && memcmp(a->own_src6->b, f->src6.b, 16) == 0;
}

enum carp_drop
carp_advert_verify(const struct carp_rx_frame *f, carp_vhid_lookup_fn lookup, void *arg,
		   struct carp_hdr *h)
{
	const struct carp_vhid_auth *a;
	enum carp_drop d = carp_advert_check(f, h);

	if (d != CARP_DROP_NONE)
		return d;
	a = lookup(arg, h->vhid, f->family);
	if (a == NULL)
		return CARP_DROP_BADVHID;
	if (a->hmac && !carp_hmac_verify(a->hmac, h->counter, h->md))
		return CARP_DROP_BADAUTH;
	if ((a->counter && carp_counter_is_own(a->counter, h->counter, h->advbase, h->advskew)) ||
	    from_own_address(f, a))
		return CARP_DROP_LOOP;
	/* Last, so that only an authentic advert of another node moves its high-water mark. */
	if (a->replay && !carp_replay_accept(a->replay, h->counter, f->family))
		return CARP_DROP_REPLAY;
	return CARP_DROP_NONE;
}
