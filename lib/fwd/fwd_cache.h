/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FWD_CACHE_H
#define CARP_FWD_CACHE_H

/**
 * @file
 * A worker's copy of the resolved neighbours: next hop (IPv4 or IPv6, fwd_addr.h) -> MAC,
 * 24-byte entries in an open-addressing table (linear probing, backward-shift deletion). Written only by its
 * worker, from the control lcore's messages, so lookups need no atomics.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd_addr.h"

struct fwd_cache_entry {
	struct fwd_addr ip; /* :: marks a free slot (never a next hop) */
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

/** Insert or update. Returns 0, -EINVAL for :: or 0.0.0.0, or -ENOSPC. */
int fwd_cache_set(struct fwd_cache *c, const struct fwd_addr *ip, const uint8_t mac[6],
		  uint16_t iface);

/** Remove every entry. */
void fwd_cache_clear(struct fwd_cache *c);

/** Remove @p ip if present. */
void fwd_cache_del(struct fwd_cache *c, const struct fwd_addr *ip);

/** The entry for @p ip, or NULL. */
static inline const struct fwd_cache_entry *
fwd_cache_lookup(const struct fwd_cache *c, const struct fwd_addr *ip)
{
	uint32_t i = fwd_addr_home(ip, c->mask);

	for (;;) {
		const struct fwd_cache_entry *e = &c->e[i];

		if (fwd_addr_eq(&e->ip, ip))
			return e;
		if (fwd_addr_is_zero(&e->ip))
			return NULL; /* never full: capacity is at least twice max */
		i = (i + 1) & c->mask;
	}
}

#endif
