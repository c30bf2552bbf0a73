/* SPDX-License-Identifier: BSD-3-Clause */
#include "fwd_ipv4.h"

#include "carp_bytes.h"
#include "carp_cksum.h"

#define FWD_STR(e, s, d) [FWD_DROP_##e] = s,
static const char *const drop_names[] = { [FWD_OK] = "ok", FWD_DROP_LIST(FWD_STR) };
#undef FWD_STR

const char *
fwd_drop_name(enum fwd_drop d)
{
	return (unsigned)d < FWD_DROP_COUNT ? drop_names[d] : "?";
}

/* Addresses a router never forwards to (RFC 1812 §5.3.7, §4.2.2.11). */
static bool
bad_destination(uint32_t a)
{
	return a == 0 || a == 0xffffffffu || (a >> 28) == 0xe || (a >> 28) == 0xf ||
	       (a >> 24) == 0 || (a >> 24) == 127;
}

static bool
bad_source(uint32_t a)
{
	return (a >> 28) == 0xe || a == 0xffffffffu || (a >> 24) == 127 || (a >> 28) == 0xf;
}

enum fwd_drop
fwd_ipv4_check(const uint8_t *ip, size_t avail, bool csum_checked)
{
	size_t ihl, total;

	if (avail < 20)
		return FWD_DROP_TRUNCATED;
	if (ip[0] >> 4 != 4)
		return FWD_DROP_BAD_VERSION;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > avail)
		return FWD_DROP_BAD_IHL;
	total = carp_rd16(ip + 2);
	if (total < ihl || total > avail)
		return FWD_DROP_TRUNCATED;
	if (!csum_checked && carp_cksum(ip, ihl) != 0)
		return FWD_DROP_BAD_CSUM;
	if (ip[8] <= 1)
		return FWD_DROP_TTL_EXCEEDED;
	if (bad_destination(carp_rd32(ip + 16)))
		return FWD_DROP_BAD_DST;
	if (bad_source(carp_rd32(ip + 12)))
		return FWD_DROP_BAD_SRC;
	return FWD_OK;
}

void
fwd_ipv4_dec_ttl(uint8_t *ip)
{
	uint16_t old = carp_rd16(ip + 8); /* TTL and protocol share a 16-bit word */

	ip[8]--;
	carp_wr16(ip + 10, carp_cksum_update16(carp_rd16(ip + 10), old, carp_rd16(ip + 8)));
}
