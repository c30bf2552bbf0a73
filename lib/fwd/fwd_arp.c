/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_arp.h"

#include <string.h>

#include "carp_arp.h"

static bool
mac_refused(const struct fwd_arp_iface *in, const uint8_t *mac)
{
	static const uint8_t zero[6];

	if ((mac[0] & 1) || memcmp(mac, zero, 6) == 0)
		return true; /* a group or nobody: never a station */
	for (unsigned int i = 0; i < in->n_own_macs; i++)
		if (memcmp(mac, in->own_macs[i], 6) == 0)
			return true; /* ours: someone reflects or impersonates us */
	return false;
}

static uint32_t
mask_of(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* On a connected subnet of the interface: the only one a neighbour may be learned on. */
static bool
on_link(const struct fwd_arp_iface *in, uint32_t ip)
{
	for (unsigned int i = 0; i < in->n_addr4; i++)
		if (((in->addr4[i] ^ ip) & mask_of(in->plen4[i])) == 0)
			return true;
	return false;
}

static bool
is_iface_address(const struct fwd_arp_iface *in, uint32_t ip)
{
	for (unsigned int i = 0; i < in->n_addr4; i++)
		if (in->addr4[i] == ip)
			return true;
	return false;
}

static enum fwd_arp
refused(struct fwd_neigh_table *t, enum fwd_arp why)
{
	t->st.arp[why]++;
	return why;
}

enum fwd_arp
fwd_arp_input(struct fwd_neigh_table *t, const struct fwd_arp_iface *in, const uint8_t *frame,
	      size_t len, uint64_t now, const struct fwd_neigh_ops *ops)
{
	struct fwd_addr spa;
	struct carp_arp a;

	if (!carp_arp_parse(frame, len, &a) ||
	    (a.op != CARP_ARP_REPLY && a.op != CARP_ARP_REQUEST))
		return refused(t, FWD_ARP_MALFORMED);
	if (mac_refused(in, a.sha))
		return refused(t, FWD_ARP_BAD_MAC);
	if (in->is_own_addr(in->arg, a.spa))
		return refused(t, FWD_ARP_OWN_ADDRESS);
	if (a.spa == 0 || !on_link(in, a.spa))
		return refused(t, FWD_ARP_NOT_ON_LINK);
	/* A reply to us is one addressed to an address of this interface, which is where our
	 * requests come from (ctl_fwd.c): only that resolves a next hop we are asking for. */
	spa = fwd_addr4(a.spa);
	return fwd_neigh_learn(t, &spa, in->iface, a.sha,
			       a.op == CARP_ARP_REPLY && is_iface_address(in, a.tpa), false, now,
			       ops);
}
