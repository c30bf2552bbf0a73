/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the IPv6 parsers of carp_nd.h on any frame (Ethernet, an optional tag,
 * IPv6), as the data plane reaches them through carp_classify. What they accept must also
 * come out right: a solicitation's advertisement passes our own checks, an echo reply's
 * checksum holds, a query's group is a group or ::.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carp_classify.h"
#include "carp_nd.h"

#define ROOM 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_na(const uint8_t *f, size_t l3, size_t len, const struct carp_nd *ns)
{
	struct carp_nd na;

	if (carp_nd_parse(f + l3, len - l3, &na) != CARP_ND_OK || na.type != CARP_ICMP6_ND_NA ||
	    memcmp(&na.target, &ns->target, sizeof(na.target)) != 0 || na.lladdr == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0, 0, 0x5e, 0, 1, 1 };
	static uint8_t f[ROOM + 128];
	struct carp_mld_query q;
	struct carp_in6 dst;
	struct carp_nd nd;
	size_t l3 = 0;

	if (size > ROOM)
		return 0;
	memcpy(f, data, size);
	switch (carp_classify(f, size, &l3)) {
	case CARP_CLASS_ND:
		if (carp_nd_parse(f + l3, size - l3, &nd) != CARP_ND_OK)
			return 0;
		if (nd.type == CARP_ICMP6_ND_NS) {
			size_t n = carp_nd_make_na(f, l3, &nd, mac, size & 1);

			check_na(f, l3, n, &nd);
		}
		return 0;
	case CARP_CLASS_IPV6:
	case CARP_CLASS_CARP: /* extension headers: an MLD query behind hop-by-hop */
		if (carp_mld_query_parse(f + l3, size - l3, &q) && !carp_in6_is_multicast(&q.group) &&
		    !carp_in6_is_unspecified(&q.group))
			abort();
		if (carp_icmp6_echo_request(f + l3, size - l3, &dst)) {
			carp_icmp6_echo_make_reply(f, l3, mac);
			if (carp_icmp6_cksum(f + l3, f + l3 + 40, (size_t)(f[l3 + 4] << 8 | f[l3 + 5])))
				abort();
		}
		return 0;
	default:
		return 0;
	}
}
