/* SPDX-License-Identifier: BSD-3-Clause */
#include "carp_icmp.h"

#include <string.h>

#include "carp_bytes.h"
#include "carp_cksum.h"

#define IPPROTO_ICMP_NUM 1
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define REPLY_TTL 64

bool
carp_icmp_echo_request(const uint8_t *frame, size_t len, size_t l3, uint32_t *dst)
{
	const uint8_t *ip = frame + l3;
	size_t ihl, total;

	if (len < l3 + 20)
		return false;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = carp_rd16(ip + 2);
	if (ip[0] >> 4 != 4 || ip[9] != IPPROTO_ICMP_NUM || ihl < 20 || total < ihl + 8 ||
	    l3 + total > len)
		return false;
	if (carp_rd16(ip + 6) & 0x3fff) /* fragments are not answered */
		return false;
	if (ip[ihl] != ICMP_ECHO_REQUEST || ip[ihl + 1] != 0 || carp_cksum(ip, ihl) != 0)
		return false;
	*dst = carp_rd32(ip + 16);
	return true;
}

void
carp_icmp_echo_make_reply(uint8_t *frame, size_t l3, const uint8_t mac[6])
{
	uint8_t *ip = frame + l3, *icmp, addr[4];
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

	memcpy(frame, frame + 6, 6);
	memcpy(frame + 6, mac, 6);
	memcpy(addr, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, addr, 4);
	ip[8] = REPLY_TTL;
	carp_wr16(ip + 10, 0);
	carp_wr16(ip + 10, carp_cksum(ip, ihl)); /* options kept as they were */
	icmp = ip + ihl;
	icmp[0] = ICMP_ECHO_REPLY;
	carp_wr16(icmp + 2, carp_cksum_update16(carp_rd16(icmp + 2), ICMP_ECHO_REQUEST << 8,
					   ICMP_ECHO_REPLY << 8));
}
