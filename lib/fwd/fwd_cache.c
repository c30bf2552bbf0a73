/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
home(const struct fwd_cache *c, const struct fwd_addr *ip)
{
	return fwd_addr_home(ip, c->mask);
}

int
fwd_cache_init(struct fwd_cache *c, uint32_t max)
{
	uint32_t cap = 16;

	while (cap < 2 * max)
		cap <<= 1;
	c->e = calloc(cap, sizeof(*c->e));
	if (c->e == NULL)
		return -ENOMEM;
	c->mask = cap - 1;
	c->n = 0;
	c->max = max;
	return 0;
}

void
fwd_cache_free(struct fwd_cache *c)
{
	free(c->e);
	memset(c, 0, sizeof(*c));
}

int
fwd_cache_set(struct fwd_cache *c, const struct fwd_addr *ip, const uint8_t mac[6],
	      uint16_t iface)
{
	struct fwd_addr v4_zero = fwd_addr4(0);
	uint32_t i = home(c, ip);

	if (fwd_addr_is_zero(ip) || fwd_addr_eq(ip, &v4_zero))
		return -EINVAL;
	while (!fwd_addr_is_zero(&c->e[i].ip) && !fwd_addr_eq(&c->e[i].ip, ip))
		i = (i + 1) & c->mask;
	if (fwd_addr_is_zero(&c->e[i].ip)) {
		if (c->n == c->max)
			return -ENOSPC;
		c->n++;
	}
	c->e[i].ip = *ip;
	memcpy(c->e[i].mac, mac, 6);
	c->e[i].iface = iface;
	return 0;
}

void
fwd_cache_clear(struct fwd_cache *c)
{
	memset(c->e, 0, (c->mask + 1) * sizeof(*c->e));
	c->n = 0;
}

void
fwd_cache_del(struct fwd_cache *c, const struct fwd_addr *ip)
{
	uint32_t hole = home(c, ip), i;

	while (!fwd_addr_eq(&c->e[hole].ip, ip)) {
		if (fwd_addr_is_zero(&c->e[hole].ip))
			return;
		hole = (hole + 1) & c->mask;
	}
	for (i = hole;;) {
		i = (i + 1) & c->mask;
		if (fwd_addr_is_zero(&c->e[i].ip))
			break;
		if (((i - home(c, &c->e[i].ip)) & c->mask) >= ((i - hole) & c->mask)) {
			c->e[hole] = c->e[i];
			hole = i;
		}
	}
	memset(&c->e[hole], 0, sizeof(c->e[hole]));
	c->n--;
}
