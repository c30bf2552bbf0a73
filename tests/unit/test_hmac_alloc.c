/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Verifying an advert allocates nothing: OpenSSL's allocator is replaced by a counting one
 * before OpenSSL allocates anything, then a thousand signs and a thousand verifies (valid
 * and forged, with and without IPv6 link-local VIPs) must not call it once. With EVP each
 * verify allocated twice, four times with link-local VIPs (EVP_MD_CTX_copy_ex duplicates
 * the provider's context).
 */
#include "test_util.h"

#include <stdlib.h>

#include <openssl/crypto.h>

#include "carp_hmac.h"

static unsigned long allocations;

static void *
count_malloc(size_t n, const char *file, int line)
{
	(void)file, (void)line;
	allocations++;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file, (void)line;
	allocations++;
	return realloc(p, n);
}

static void
count_free(void *p, const char *file, int line)
{
	(void)file, (void)line;
	free(p);
}

static void
run(const struct carp_hmac_input *in)
{
	struct carp_key key;
	struct carp_hmac h;
	uint8_t md[CARP_MD_LEN];
	unsigned long before;

	carp_key_from_passphrase(&key, "secret", 6);
	assert_int_equal(carp_hmac_prepare(&h, &key, in), 0); /* may allocate: once per VHID */
	before = allocations;
	for (uint64_t c = 0; c < 1000; c++) {
		assert_int_equal(carp_hmac_sign(&h, c, md), 0);
		assert_true(carp_hmac_verify(&h, c, md));
		md[c % CARP_MD_LEN] ^= 0x40; /* a forgery costs no allocation either */
		assert_false(carp_hmac_verify(&h, c, md));
	}
	assert_int_equal(allocations - before, 0);
	carp_hmac_release(&h);
}

static void
test_sign_and_verify_allocate_nothing(void **state)
{
	const uint32_t v4 = 0x0a000001;
	struct carp_hmac_input in = { .vhid = 1, .v4 = &v4, .n4 = 1 };

	(void)state;
	run(&in);
}

static void
test_verify_with_link_local_vips_allocates_nothing(void **state)
{
	const struct carp_in6 v6[2] = { { { 0xfe, 0x80, [15] = 1 } },
					{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };
	struct carp_hmac_input in = { .vhid = 1, .v6 = v6, .n6 = 2 };

	(void)state;
	run(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_and_verify_allocate_nothing),
		cmocka_unit_test(test_verify_with_link_local_vips_allocates_nothing),
	};

	/* Before anything else: OpenSSL accepts a new allocator only before its first call. */
	if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free)) {
		fprintf(stderr, "OpenSSL allocated before main: cannot count its allocations\n");
		return 1;
	}
	return cmocka_run_group_tests_name("hmac_alloc", tests, NULL, NULL);
}
