/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_addr6.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
slot_of(const struct carp_addr6_table *t, uint16_t scope, const struct carp_in6 *a)
{
	uint64_t hi, lo;

	memcpy(&hi, a->b, 8);
	memcpy(&lo, a->b + 8, 8);
	/* Hosts of a subnet differ in the low bytes: mix them in last, with the most bits. */
	hi = (hi ^ scope) * 0x9e3779b97f4a7c15ull;
	lo = (lo ^ (hi >> 29)) * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(lo >> 32) & t->mask;
}

int
carp_addr6_table_init(struct carp_addr6_table *t, uint32_t n)
{
	uint32_t cap = 8;

	while (cap < 2 * n)
		cap <<= 1;
	t->slots = malloc(cap * sizeof(*t->slots));
	if (t->slots == NULL)
		return -ENOMEM;
	t->mask = cap - 1;
	for (uint32_t i = 0; i < cap; i++)
		t->slots[i].value = CARP_ADDR6_NONE;
	return 0;
}

void
carp_addr6_table_free(struct carp_addr6_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = 0;
}

int
carp_addr6_table_add(struct carp_addr6_table *t, uint16_t scope, const struct carp_in6 *a,
		     uint16_t value)
{
	uint32_t i = slot_of(t, scope, a);

	for (uint32_t probe = 0; probe <= t->mask; probe++, i = (i + 1) & t->mask) {
		struct carp_addr6_slot *s = &t->slots[i];

		if (s->value == CARP_ADDR6_NONE) {
			s->addr = *a;
			s->scope = scope;
			s->value = value;
			return 0;
		}
		if (s->scope == scope && memcmp(&s->addr, a, sizeof(*a)) == 0)
			return -EEXIST;
	}
	return -ENOSPC;
}

uint16_t
carp_addr6_table_lookup(const struct carp_addr6_table *t, uint16_t scope,
			const struct carp_in6 *a)
{
	uint32_t i = slot_of(t, scope, a);

	if (t->slots == NULL)
		return CARP_ADDR6_NONE;
	for (uint32_t probe = 0; probe <= t->mask; probe++, i = (i + 1) & t->mask) {
		const struct carp_addr6_slot *s = &t->slots[i];

		if (s->value == CARP_ADDR6_NONE)
			return CARP_ADDR6_NONE;
		if (s->scope == scope && memcmp(&s->addr, a, sizeof(*a)) == 0)
			return s->value;
	}
	return CARP_ADDR6_NONE;
}
