/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sync_auth.h"

struct sync_auth {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx; /* keyed once: EVP_MAC_init with no key starts again with it */
};

struct sync_auth *
sync_auth_new(const uint8_t *key, size_t n)
{
	struct sync_auth *a;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	if (key == NULL || n < SYNC_KEY_MIN || n > SYNC_KEY_MAX)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	a->ctx = a->mac ? EVP_MAC_CTX_new(a->mac) : NULL;
	if (a->ctx == NULL || !EVP_MAC_init(a->ctx, key, n, params)) {
		sync_auth_free(a);
		return NULL;
	}
	return a;
}

void
sync_auth_free(struct sync_auth *a)
{
	if (a == NULL)
		return;
	EVP_MAC_CTX_free(a->ctx);
	EVP_MAC_free(a->mac);
	free(a);
}

static bool
compute(struct sync_auth *a, const uint8_t *buf, size_t len, uint8_t out[SYNC_MAC_LEN])
{
	size_t n = 0;

	return EVP_MAC_init(a->ctx, NULL, 0, NULL) && EVP_MAC_update(a->ctx, buf, len) &&
	       EVP_MAC_final(a->ctx, out, &n, SYNC_MAC_LEN) && n == SYNC_MAC_LEN;
}

bool
sync_auth_sign(struct sync_auth *a, uint8_t *buf, size_t len)
{
	return compute(a, buf, len, buf + len);
}

bool
sync_auth_check(struct sync_auth *a, const uint8_t *buf, size_t len)
{
	uint8_t mac[SYNC_MAC_LEN];

	if (len < SYNC_MSG_MIN || !compute(a, buf, len - SYNC_MAC_LEN, mac))
		return false;
	return CRYPTO_memcmp(mac, buf + len - SYNC_MAC_LEN, SYNC_MAC_LEN) == 0;
}

enum sync_err
sync_msg_open(struct sync_auth *a, const uint8_t *buf, size_t len, struct sync_hdr *h,
	      struct sync_reader *r)
{
	enum sync_err e = sync_hdr_read(buf, len, h);

	if (e != SYNC_OK)
		return e;
	if (!sync_auth_check(a, buf, len))
		return SYNC_ERR_BAD_MAC;
	sync_reader_init(r, buf, h);
	return SYNC_OK;
}
