/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_VERIFY_H
#define CARP_VERIFY_H

/**
 * @file
 * The receiver's checks on a CARP payload, in a straight line, each failure with its own
 * named reason (spec §3.4, §9b): VRRP look-alike, length, checksum, version, TTL,
 * VHID, HMAC, loop, and with replay protection the sender's last counter. The caller
 * counts the returned reason.
 */

#include "carp_counter.h"
#include "carp_frame.h"
#include "carp_hmac.h"
#include "carp_replay.h"
#include "carp_wire.h"

/** What the receiver knows about one local VHID. */
struct carp_vhid_auth {
	struct carp_hmac *hmac;              /* NULL: skip the HMAC check (decode only) */
	const struct carp_counter *counter;  /* NULL: no loop detection by counter */
	uint32_t own_src4;                   /* our IPv4 advert source (host order), or 0 */
	const struct carp_in6 *own_src6;     /* our IPv6 advert source, or NULL */
	struct carp_replay *replay;          /* replay_protection: the senders' highest
					      * counters (updated on acceptance), or NULL */
};

/**
 * Find the local VHID for an advert, or NULL when there is none for this number and
 * address family (counted as badvhid).
 */
typedef const struct carp_vhid_auth *(*carp_vhid_lookup_fn)(void *arg, uint8_t vhid,
							    int family);

/**
 * Checks that need no local VHID: VRRP shape, length, checksum, version, TTL.
 * @p h is filled whenever at least 36 bytes are present.
 */
enum carp_drop carp_advert_check(const struct carp_rx_frame *f, struct carp_hdr *h);

/**
 * Every check: carp_advert_check, then VHID lookup, HMAC and loop detection.
 * @return CARP_DROP_NONE when the advert may be fed to the VHID's state machine.
 */
enum carp_drop carp_advert_verify(const struct carp_rx_frame *f, carp_vhid_lookup_fn lookup,
				  void *arg, struct carp_hdr *h);

#endif
