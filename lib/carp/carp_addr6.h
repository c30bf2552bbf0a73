/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_ADDR6_H
#define CARP_ADDR6_H

/**
 * @file
 * A table of IPv6 addresses by (scope, address): the IPv6 VIPs of each interface, and the
 * node's own addresses. The IPv6 twin of carp_vip_table: open addressing over a fixed
 * array, built before the lcores start and only read while they run, no allocation and
 * no atomics on lookup (rte_hash would do, but the protocol core stays free of the EAL so
 * that its tests and fuzzers run without one).
 */

#include <stdint.h>

#include "carp_hmac.h" /* struct carp_in6 */

#define CARP_ADDR6_NONE UINT16_MAX

struct carp_addr6_table {
	struct carp_addr6_slot {
		struct carp_in6 addr;
		uint16_t scope; /* an interface index, or 0 for a node-wide table */
		uint16_t value; /* CARP_ADDR6_NONE: empty slot */
	} *slots;
	uint32_t mask; /* capacity - 1, a power of two, at least twice the entries */
};

/** Size @p t for @p n entries. Returns 0 or -ENOMEM. */
int carp_addr6_table_init(struct carp_addr6_table *t, uint32_t n);

void carp_addr6_table_free(struct carp_addr6_table *t);

/** Add (@p scope, @p a) -> @p value. Returns 0, -EEXIST or -ENOSPC. */
int carp_addr6_table_add(struct carp_addr6_table *t, uint16_t scope, const struct carp_in6 *a,
			 uint16_t value);

/** The value of (@p scope, @p a), or CARP_ADDR6_NONE. */
uint16_t carp_addr6_table_lookup(const struct carp_addr6_table *t, uint16_t scope,
				 const struct carp_in6 *a);

#endif
