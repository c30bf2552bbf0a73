/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_hmac.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* SHA1_* are deprecated since OpenSSL 3.0; why they are used is said below. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#define SHA1_BLOCK 64
#define SHA1_LEN 20

bool
carp_key_from_passphrase(struct carp_key *key, const void *pass, size_t len)
{
	size_t used = len > CARP_PASS_MAX ? CARP_PASS_MAX : len;

	memset(key->bytes, 0, sizeof(key->bytes));
	memcpy(key->bytes, pass, used);
	return len > CARP_PASS_MAX;
}

bool
carp_in6_scope_embedded(const struct carp_in6 *a)
{
	if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80)
		return true; /* link-local unicast */
	if (a->b[0] == 0xff && ((a->b[1] & 0x0f) == 0x01 || (a->b[1] & 0x0f) == 0x02))
		return true; /* interface- or link-local multicast */
	return false;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_in6(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct carp_in6));
}

size_t
carp_hmac_message(const struct carp_hmac_input *in, bool with_v6_ll, uint8_t *out, size_t cap)
{
	uint32_t v4[256];
	struct carp_in6 v6[256];
	size_t n4 = in->n4, n6 = 0, len = 0;

	/* A VHID holds at most 256 addresses per family: refuse rather than hash a prefix. */
	if (cap < 2 + 6 + 1 || in->n4 > 256 || in->n6 > 256)
		return 0;
	out[len++] = CARP_VERSION;
	out[len++] = CARP_TYPE_ADVERTISEMENT;
	if (in->lladdr) {
		memcpy(out + len, in->lladdr, 6);
		len += 6;
	}
	out[len++] = in->vhid;

	/* The BSDs emit addresses in ascending order, each value once (spec §3.3). */
	if (n4) {
		memcpy(v4, in->v4, n4 * sizeof(v4[0]));
		qsort(v4, n4, sizeof(v4[0]), cmp_u32);
	}
	for (size_t i = 0; i < n4; i++) {
		if (i && v4[i] == v4[i - 1])
			continue;
		if (len + 4 > cap)
			return 0;
		out[len++] = (uint8_t)(v4[i] >> 24);
		out[len++] = (uint8_t)(v4[i] >> 16);
		out[len++] = (uint8_t)(v4[i] >> 8);
		out[len++] = (uint8_t)v4[i];
	}

	for (size_t i = 0; i < in->n6; i++) {
		if (carp_in6_scope_embedded(&in->v6[i])) {
			if (!with_v6_ll)
				continue;
			v6[n6] = in->v6[i];
			v6[n6].b[2] = v6[n6].b[3] = 0; /* the on-wire form: no scope id */
			n6++;
		} else {
			v6[n6++] = in->v6[i];
		}
	}
	if (n6)
		qsort(v6, n6, sizeof(v6[0]), cmp_in6);
	for (size_t i = 0; i < n6; i++) {
		if (i && cmp_in6(&v6[i], &v6[i - 1]) == 0)
			continue;
		if (len + 16 > cap)
			return 0;
		memcpy(out + len, v6[i].b, 16);
		len += 16;
	}
	return len;
}

/*
 * SHA-1 through OpenSSL's SHA1_* functions, not EVP. Since OpenSSL 3.0 EVP_MD_CTX_copy_ex
 * duplicates the provider's context with a malloc on every call (and the reset frees it),
 * so an EVP verify allocated twice per advert (four times with link-local VIPs), forged
 * adverts included, on the control lcore, and cost twice the time (docs/BENCHMARKS.md).
 * The SHA_CTX of the low-level API is a plain struct: a midstate is copied by assignment. Those functions are deprecated in 3.0 in favour of EVP, but present and
 * tested in every 3.x; the digests are checked against the spec's vectors
 * (tests/unit/test_hmac.c) and the absence of allocations is a test of its own
 * (tests/unit/test_hmac_alloc.c). EVP remains the fallback should a later OpenSSL drop
 * them: the change is local to this file.
 */
struct carp_hmac_state {
	SHA_CTX inner_tx; /* after ipad || M without IPv6 link-locals */
	SHA_CTX inner_ll; /* same with link-locals, when has_ll */
	bool tx_ll;       /* sign with inner_ll (FreeBSD) */
	SHA_CTX outer;    /* after opad */
	bool has_ll;
};

static bool
ctx_with_pad(SHA_CTX *ctx, const struct carp_key *key, uint8_t xor_byte)
{
	uint8_t pad[SHA1_BLOCK];
	bool ok;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key->bytes, CARP_KEY_LEN);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= xor_byte;
	ok = SHA1_Init(ctx) && SHA1_Update(ctx, pad, sizeof(pad));
	OPENSSL_cleanse(pad, sizeof(pad));
	return ok;
}

static bool
inner_ctx(SHA_CTX *ctx, const struct carp_key *key, const struct carp_hmac_input *in,
	  bool with_ll)
{
	uint8_t msg[CARP_HMAC_MSG_MAX]; /* ~5 KiB: control plane and tools only */
	size_t len = carp_hmac_message(in, with_ll, msg, sizeof(msg));

	return len != 0 && ctx_with_pad(ctx, key, 0x36) && SHA1_Update(ctx, msg, len);
}

static bool
has_scope_embedded(const struct carp_hmac_input *in)
{
	for (size_t i = 0; i < in->n6; i++)
		if (carp_in6_scope_embedded(&in->v6[i]))
			return true;
	return false;
}

int
carp_hmac_prepare(struct carp_hmac *h, const struct carp_key *key,
		  const struct carp_hmac_input *in)
{
	struct carp_hmac_state *st;

	memset(h, 0, sizeof(*h));
	if (in->n4 > 256 || in->n6 > 256)
		return -E2BIG;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	st->has_ll = has_scope_embedded(in);
	st->tx_ll = st->has_ll && in->tx_with_v6_ll;
	if (!inner_ctx(&st->inner_tx, key, in, false) || !ctx_with_pad(&st->outer, key, 0x5c) ||
	    (st->has_ll && !inner_ctx(&st->inner_ll, key, in, true))) {
		OPENSSL_cleanse(st, sizeof(*st));
		free(st);
		return -ENOMEM;
	}
	h->st = st;
	return 0;
}

void
carp_hmac_release(struct carp_hmac *h)
{
	if (h->st) {
		OPENSSL_cleanse(h->st, sizeof(*h->st)); /* the midstates stand in for the key */
		free(h->st);
	}
	memset(h, 0, sizeof(*h));
}

/* Finish HMAC from a prepared inner midstate: md = SHA1(opad || SHA1(ipad || M || ctr)). */
static int
finish(const struct carp_hmac_state *st, const SHA_CTX *inner, uint64_t counter,
       uint8_t md[CARP_MD_LEN])
{
	uint8_t ctr[CARP_COUNTER_LEN], digest[SHA1_LEN];
	SHA_CTX c = *inner;
	int ok;

	carp_counter_to_wire(counter, ctr);
	ok = SHA1_Update(&c, ctr, sizeof(ctr)) && SHA1_Final(digest, &c);
	c = st->outer;
	ok = ok && SHA1_Update(&c, digest, sizeof(digest)) && SHA1_Final(md, &c);
	OPENSSL_cleanse(&c, sizeof(c));
	return ok ? 0 : -EIO;
}

int
carp_hmac_sign(struct carp_hmac *h, uint64_t counter, uint8_t md[CARP_MD_LEN])
{
	if (h->st == NULL)
		return -EINVAL;
	return finish(h->st, h->st->tx_ll ? &h->st->inner_ll : &h->st->inner_tx, counter, md);
}

bool
carp_hmac_verify(struct carp_hmac *h, uint64_t counter, const uint8_t md[CARP_MD_LEN])
{
	uint8_t want[CARP_MD_LEN];
	bool ok = false;

	if (h->st == NULL)
		return false;
	if (finish(h->st, &h->st->inner_tx, counter, want) == 0)
		ok = CRYPTO_memcmp(want, md, CARP_MD_LEN) == 0;
	if (h->st->has_ll && finish(h->st, &h->st->inner_ll, counter, want) == 0)
		ok |= CRYPTO_memcmp(want, md, CARP_MD_LEN) == 0;
	return ok;
}
