/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_ICMP_H
#define CARP_ICMP_H

/**
 * @file
 * ICMP echo for addresses the node answers for (its VIPs while MASTER, its port
 * addresses): parse an echo request and turn it into the reply in place. Operators and
 * failover probes ping the VIP; this is how they reach it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * True when @p frame carries, at layer-3 offset @p l3, a well-formed IPv4 ICMP echo
 * request (header checksum correct, not fragmented, lengths consistent). Its destination
 * address (host order) goes to @p dst.
 */
bool carp_icmp_echo_request(const uint8_t *frame, size_t len, size_t l3, uint32_t *dst);

/**
 * Rewrite the echo request into its reply in place: Ethernet back to the sender from
 * @p mac, addresses swapped, TTL 64, type 0, checksums updated (RFC 1624).
 */
void carp_icmp_echo_make_reply(uint8_t *frame, size_t l3, const uint8_t mac[6]);

#endif
