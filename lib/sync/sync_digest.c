/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "carp_bytes.h"
#include "sync_digest.h"
#include "sync_wire.h"

uint64_t
sync_key_hash(const struct flt_key *k)
{
	uint8_t b[40];
	uint64_t h = 0x736d6f6f74686e65ull;

	/* The wire bytes, read as big-endian words: the same on every node. */
	sync_key_put(b, k);
	for (int i = 0; i < 40; i += 8) {
		h ^= (uint64_t)carp_rd32(b + i) << 32 | carp_rd32(b + i + 4);
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	/* splitmix64's finaliser: every output bit depends on every input bit, so the top
	 * bits (the slice) are as good as any. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

void
sync_digest_reset(struct sync_digest *d, uint32_t round)
{
	memset(d, 0, sizeof(*d));
	d->round = round;
}

void
sync_digest_add(struct sync_digest *d, const struct flt_key *k)
{
	uint64_t h = sync_key_hash(k);
	unsigned int s = sync_digest_slice(h);

	d->count[s]++;
	d->sum[s] += h;
}

bool
sync_digest_take(struct sync_digest *d, uint16_t slice, uint32_t count, uint64_t sum)
{
	if (slice == SYNC_DGST_END) {
		d->ended = true;
		d->end_count = count;
	} else if (slice < SYNC_DIGEST_SLICES) {
		if (!sync_digest_bit(d->got, slice)) {
			d->got[slice / 64] |= 1ull << (slice % 64);
			d->n_got++;
		}
		d->count[slice] = count;
		d->sum[slice] = sum;
	}
	return d->ended && d->n_got == d->end_count;
}

unsigned int
sync_digest_diff(const struct sync_digest *a, const struct sync_digest *b, uint64_t *differ)
{
	unsigned int n = 0;

	memset(differ, 0, SYNC_DIGEST_WORDS * sizeof(*differ));
	for (unsigned int s = 0; s < SYNC_DIGEST_SLICES; s++)
		if (a->count[s] != b->count[s] || a->sum[s] != b->sum[s]) {
			differ[s / 64] |= 1ull << (s % 64);
			n++;
		}
	return n;
}
