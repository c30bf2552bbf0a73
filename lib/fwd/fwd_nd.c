/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_nd.h"

#include <string.h>

#include "carp_nd.h"

/* True when @p a lies in the first @p len bits of @p p. */
static bool
in_prefix(const struct carp_in6 *p, uint8_t len, const struct carp_in6 *a)
{
	unsigned int whole = len / 8, rest = len % 8;

	if (memcmp(p->b, a->b, whole) != 0)
		return false;
	return rest == 0 || ((p->b[whole] ^ a->b[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool
on_link(const struct fwd_nd_iface *in, const struct carp_in6 *a)
{
	if (carp_in6_is_link_local(a))
		return true;
	for (unsigned int i = 0; i < in->n_addr6; i++)
		if (!carp_in6_is_link_local(&in->addr6[i]) && in_prefix(&in->addr6[i], in->plen6[i], a))
			return true;
	return false;
}

static bool
is_iface_address(const struct fwd_nd_iface *in, const struct carp_in6 *a)
{
	for (unsigned int i = 0; i < in->n_addr6; i++)
		if (memcmp(&in->addr6[i], a, sizeof(*a)) == 0)
			return true;
	return false;
}

static bool
mac_refused(const struct fwd_nd_iface *in, const uint8_t *mac)
{
	static const uint8_t zero[6];

	if ((mac[0] & 1) || memcmp(mac, zero, 6) == 0)
		return true;
	for (unsigned int i = 0; i < in->n_own_macs; i++)
		if (memcmp(in->own_macs[i], mac, 6) == 0)
			return true;
	return false;
}

static enum fwd_arp
refused(struct fwd_neigh_table *t, enum fwd_arp why)
{
	t->st.nd[why]++;
	return why;
}

enum fwd_arp
fwd_nd_input(struct fwd_neigh_table *t, const struct fwd_nd_iface *in, const uint8_t *ip6,
	     size_t avail, uint64_t now, const struct fwd_neigh_ops *ops)
{
	struct fwd_addr target;
	struct carp_nd nd;

	if (carp_nd_parse(ip6, avail, &nd) != CARP_ND_OK || nd.type != CARP_ICMP6_ND_NA ||
	    nd.lladdr == NULL)
		return refused(t, FWD_ARP_MALFORMED); /* nothing to learn without the option */
	if (mac_refused(in, nd.lladdr))
		return refused(t, FWD_ARP_BAD_MAC);
	if (is_iface_address(in, &nd.target) || in->is_own_addr(in->arg, &nd.target))
		return refused(t, FWD_ARP_OWN_ADDRESS);
	if (!on_link(in, &nd.target))
		return refused(t, FWD_ARP_NOT_ON_LINK);
	target = fwd_addr6(nd.target.b);
	return fwd_neigh_learn(t, &target, in->iface, nd.lladdr,
			       (nd.flags & CARP_NA_SOLICITED) && is_iface_address(in, &nd.dst),
			       false, now, ops);
}
