/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What one advert verify costs on the control lcore: carp_hmac_verify (SHA-1 midstates
 * copied by assignment) against the EVP implementation it replaced (EVP_MD_CTX_copy_ex
 * per step), interleaved round by round in one process, with OpenSSL's allocations
 * counted. Not a test: scripts/bench-hmac.sh runs it and writes docs/BENCHMARKS.md.
 *
 *   bench_hmac [ROUNDS [VERIFIES_PER_ROUND]]
 *
 * Prints one line per round and method, then "median_ns new=X evp=Y ratio=Z allocs new=A
 * evp=B" (allocations per verify).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "carp_hmac.h"
#include "carp_wire.h"

static unsigned long allocations;

static void *
count_malloc(size_t n, const char *f, int l)
{
	(void)f, (void)l;
	allocations++;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n, const char *f, int l)
{
	(void)f, (void)l;
	allocations++;
	return realloc(p, n);
}

static void
count_free(void *p, const char *f, int l)
{
	(void)f, (void)l;
	free(p);
}

/* The replaced implementation, kept here as the baseline. */
struct evp_hmac {
	EVP_MD_CTX *inner, *outer, *scratch;
};

static EVP_MD_CTX *
evp_pad(const struct carp_key *key, uint8_t x, const uint8_t *msg, size_t len)
{
	uint8_t pad[64] = { 0 };
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memcpy(pad, key->bytes, CARP_KEY_LEN);
	for (int i = 0; i < 64; i++)
		pad[i] ^= x;
	if (!c || !EVP_DigestInit_ex(c, EVP_sha1(), NULL) || !EVP_DigestUpdate(c, pad, 64) ||
	    (len && !EVP_DigestUpdate(c, msg, len))) {
		fprintf(stderr, "EVP setup failed\n");
		exit(2);
	}
	return c;
}

static bool
evp_verify(struct evp_hmac *h, uint64_t counter, const uint8_t md[CARP_MD_LEN])
{
	uint8_t ctr[8], d[20], want[20];
	unsigned int n;

	carp_counter_to_wire(counter, ctr);
	if (!EVP_MD_CTX_copy_ex(h->scratch, h->inner) || !EVP_DigestUpdate(h->scratch, ctr, 8) ||
	    !EVP_DigestFinal_ex(h->scratch, d, &n) || !EVP_MD_CTX_copy_ex(h->scratch, h->outer) ||
	    !EVP_DigestUpdate(h->scratch, d, 20) || !EVP_DigestFinal_ex(h->scratch, want, &n))
		return false;
	return CRYPTO_memcmp(want, md, CARP_MD_LEN) == 0;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	long n = argc > 2 ? atol(argv[2]) : 200000;
	const uint32_t vip = 0x0a630001;
	struct carp_hmac_input in = { .vhid = 1, .v4 = &vip, .n4 = 1 };
	uint8_t msg[CARP_HMAC_MSG_MAX], md[CARP_MD_LEN], md_evp[CARP_MD_LEN];
	double t_new[64], t_evp[64];
	unsigned long a_new = 0, a_evp = 0;
	struct carp_hmac h;
	struct evp_hmac e;
	struct carp_key key;
	size_t len;
	volatile unsigned int sink = 0;

	if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free))
		return 2;
	if (rounds < 1 || rounds > 64 || n < 1)
		return 2;
	carp_key_from_passphrase(&key, "carp-demo", 9);
	if (carp_hmac_prepare(&h, &key, &in))
		return 2;
	len = carp_hmac_message(&in, false, msg, sizeof(msg));
	e.inner = evp_pad(&key, 0x36, msg, len);
	e.outer = evp_pad(&key, 0x5c, NULL, 0);
	e.scratch = EVP_MD_CTX_new();
	/* Both compute the same digest (a valid advert verifies with either). */
	carp_hmac_sign(&h, 42, md);
	memcpy(md_evp, md, sizeof(md));
	if (!carp_hmac_verify(&h, 42, md) || !evp_verify(&e, 42, md_evp)) {
		fprintf(stderr, "the two implementations disagree\n");
		return 1;
	}
	md[0] ^= 1; /* forged adverts from here on: what an attacker floods with */
	for (int r = 0; r < rounds; r++) {
		double t0;
		unsigned long a0;

		/* Alternate which goes first, so drift favours neither. */
		for (int k = 0; k < 2; k++) {
			bool evp = (r + k) % 2;

			a0 = allocations;
			t0 = now_ns();
			for (long i = 0; i < n; i++)
				sink += evp ? evp_verify(&e, (uint64_t)i, md) :
					      carp_hmac_verify(&h, (uint64_t)i, md);
			if (evp) {
				t_evp[r] = (now_ns() - t0) / n;
				a_evp += allocations - a0;
			} else {
				t_new[r] = (now_ns() - t0) / n;
				a_new += allocations - a0;
			}
		}
		printf("round %d: new %.1f ns/verify, evp %.1f ns/verify\n", r, t_new[r], t_evp[r]);
	}
	qsort(t_new, (size_t)rounds, sizeof(double), cmp_double);
	qsort(t_evp, (size_t)rounds, sizeof(double), cmp_double);
	printf("median_ns new=%.1f evp=%.1f ratio=%.2f allocs_per_verify new=%.2f evp=%.2f\n",
	       t_new[rounds / 2], t_evp[rounds / 2], t_new[rounds / 2] / t_evp[rounds / 2],
	       (double)a_new / ((double)n * rounds), (double)a_evp / ((double)n * rounds));
	carp_hmac_release(&h);
	EVP_MD_CTX_free(e.inner);
	EVP_MD_CTX_free(e.outer);
	EVP_MD_CTX_free(e.scratch);
	return sink == 0 ? 0 : 1;
}
