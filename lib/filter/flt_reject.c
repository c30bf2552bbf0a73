/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "carp_bytes.h"
#include "carp_cksum.h"
#include "flt_reject.h"

size_t
flt_reject_tcp(uint8_t *ip, const struct flt_pkt *p)
{
	const struct flt_tcp_seg *s = &p->tcp;
	uint32_t ack = s->seq + s->len + ((s->flags & FLT_TH_SYN) ? 1 : 0) +
		       ((s->flags & FLT_TH_FIN) ? 1 : 0);
	size_t l3 = p->t.af == 4 ? 20 : 40;
	uint8_t *th = ip + l3;
	uint32_t sum;

	if (s->flags & FLT_TH_RST)
		return 0;
	/* The TCP header first (the old one may lie after IPv6 extension headers). */
	memset(th, 0, 20);
	carp_wr16(th, p->t.dport);
	carp_wr16(th + 2, p->t.sport);
	carp_wr32(th + 4, s->ack);
	carp_wr32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = FLT_TH_RST | FLT_TH_ACK;
	if (p->t.af == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		carp_wr16(ip + 2, 40);
		ip[8] = FLT_RST_TTL;
		ip[9] = FLT_PROTO_TCP;
		memcpy(ip + 12, p->t.dst.b + 12, 4);
		memcpy(ip + 16, p->t.src.b + 12, 4);
		carp_wr16(ip + 10, carp_cksum(ip, 20));
		sum = carp_cksum_add(0, ip + 12, 8);
	} else {
		memset(ip, 0, 8);
		ip[0] = 0x60;
		carp_wr16(ip + 4, 20);
		ip[6] = FLT_PROTO_TCP;
		ip[7] = FLT_RST_TTL;
		memcpy(ip + 8, p->t.dst.b, 16);
		memcpy(ip + 24, p->t.src.b, 16);
		sum = carp_cksum_add(0, ip + 8, 32);
	}
	/* Pseudo-header: the addresses summed above, protocol and TCP length. */
	sum += FLT_PROTO_TCP + 20;
	carp_wr16(th + 16, carp_cksum_finish(carp_cksum_add(sum, th, 20)));
	return l3 + 20;
}
