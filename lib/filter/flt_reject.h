/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_FLT_REJECT_H
#define CARP_FLT_REJECT_H

/**
 * @file
 * What a reject rule answers a TCP segment with: the RST pf's "block return-rst" sends
 * (pf_send_tcp: RST|ACK from the segment's destination, sequence its ack, ack its
 * sequence plus its length, SYN and FIN), written over the segment itself, so nothing is
 * allocated. Other protocols get an ICMP port unreachable, built by the router's ICMP
 * errors (fwd_icmp.h).
 */

#include <stddef.h>
#include <stdint.h>

#include "flt_pkt.h"

#define FLT_RST_TTL 64

/**
 * Rewrite the IP datagram at @p ip, parsed into @p p (TCP), into the RST that answers
 * it: a header without options or extension headers, then 20 bytes of TCP. Returns the
 * new datagram's length, or 0 when no RST is due (the segment is an RST itself).
 */
size_t flt_reject_tcp(uint8_t *ip, const struct flt_pkt *p);

#endif
