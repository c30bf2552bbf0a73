/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_CACHE_H
#define CARP_FWD_CACHE_H

/**
 * @file
 * A worker's copy of the resolved neighbours: next-hop IPv4 -> MAC, 12-byte entries in an
 * open-addressing table (linear probing, backward-shift deletion). Written only by its
 * worker, from the control lcore's messages, so lookups need no atomics.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fwd_cache_entry {
	uint32_t ip; /* host order; 0 marks a free slot (0.0.0.0 is never a next hop) */
	uint8_t mac[6];
	uint16_t iface;
};

struct fwd_cache {
	struct fwd_cache_entry *e;
	uint32_t mask;
	uint32_t n, max;
};

/** Room for @p max neighbours. Returns 0 or -ENOMEM. */
int fwd_cache_init(struct fwd_cache *c, uint32_t max);

void fwd_cache_free(struct fwd_cache *c);

/** Insert or update. Returns 0, -EINVAL for ip 0, or -ENOSPC. */
int fwd_cache_set(struct fwd_cache *c, uint32_t ip, const uint8_t mac[6], uint16_t iface);

/** Remove every entry. */
void fwd_cache_clear(struct fwd_cache *c);

/** Remove @p ip if present. */
void fwd_cache_del(struct fwd_cache *c, uint32_t ip);

/** The entry for @p ip, or NULL. */
static inline const struct fwd_cache_entry *
fwd_cache_lookup(const struct fwd_cache *c, uint32_t ip)
{
	uint32_t i = (uint32_t)(((uint64_t)ip * 0x9e3779b97f4a7c15ull) >> 32) & c->mask;

	for (;;) {
		const struct fwd_cache_entry *e = &c->e[i];

		if (e->ip == ip)
			return e;
		if (e->ip == 0)
			return NULL; /* never full: capacity is at least twice max */
		i = (i + 1) & c->mask;
	}
}

#endif
