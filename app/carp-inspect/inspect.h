/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef INSPECT_H
#define INSPECT_H

/**
 * @file
 * carp-inspect's parts: main.c reads options and walks the capture, inspect_check.c runs
 * the receiver's checks with per-VHID HMAC contexts, inspect_print.c writes the
 * field-by-field decode.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "carp_frame.h"
#include "carp_hmac.h"
#include "carp_names.h"
#include "carp_verify.h"
#include "pcap_file.h"

#define INSPECT_VIPS_MAX 256 /* per family, what carp_hmac_message hashes */

/** What the operator told us about the local VHID(s). */
struct inspect_cfg {
	bool have_key;           /* --pass or --pass-file given: check the HMAC */
	struct carp_key key;
	size_t pass_len;         /* bytes of passphrase used (<= CARP_PASS_MAX) */
	uint32_t v4[INSPECT_VIPS_MAX]; /* host order, as given */
	size_t n4;
	struct carp_in6 v6[INSPECT_VIPS_MAX];
	size_t n6;
	int vhid;                /* --vhid, or -1: every VHID seen */
};

/** Receiver state for the run: one lazily prepared HMAC context per VHID number. */
struct inspect_vhid {
	bool built;
	struct carp_hmac hmac;
	struct carp_vhid_auth auth;
};

struct inspect_check {
	const struct inspect_cfg *cfg;
	struct inspect_vhid vh[CARP_VHID_MAX + 1];
	int fatal; /* negative errno when an HMAC context could not be prepared */
};

/** One frame that carries IP protocol 112, with everything the printer shows. */
struct inspect_advert {
	const struct pcap_file_record *rec;
	bool nsec_file;          /* print nanosecond timestamps */
	enum carp_drop verdict;  /* CARP_DROP_NONE: OK */
	bool parsed;             /* carp_frame_parse succeeded: f is valid */
	struct carp_rx_frame f;
	bool hdr_valid;          /* h holds the 36 decoded bytes */
	struct carp_hdr h;
};

/** Expected digests and the message that was hashed, for a badauth report. */
struct inspect_hmac_detail {
	uint8_t msg[CARP_HMAC_MSG_MAX]; /* M without the counter, as transmitted */
	size_t msg_len;
	uint8_t expected[CARP_MD_LEN];
	bool have_ll;            /* link-local VIPs given: OpenBSD's second context */
	uint8_t msg_ll[CARP_HMAC_MSG_MAX];
	size_t msg_ll_len;
	uint8_t expected_ll[CARP_MD_LEN];
};

/* inspect_check.c */

void inspect_check_init(struct inspect_check *c, const struct inspect_cfg *cfg);
void inspect_check_fini(struct inspect_check *c);

/**
 * True when a frame that carp_frame_parse() rejected as BADLEN or BADIP visibly carries IP
 * protocol 112, so it is a damaged advert rather than some other truncated frame.
 */
bool inspect_is_proto112(const uint8_t *frame, size_t len);

/**
 * VHID (or VRRP VRID) byte of a protocol-112 frame, or -1 when not captured. Uses the
 * parsed frame when @p a->parsed, else reads the raw IPv4 header.
 */
int inspect_advert_vhid(const struct inspect_advert *a);

/**
 * Run carp_advert_verify() on a parsed frame with our lookup callback; fills a->verdict,
 * a->h and a->hdr_valid. c->fatal is set when OpenSSL failed.
 */
void inspect_check_advert(struct inspect_check *c, struct inspect_advert *a);

/**
 * Recompute the HMAC of an advert whose 36 bytes were decoded, whatever its verdict.
 * @return 1 match, 0 mismatch, -1 no key or no context for this VHID.
 */
int inspect_check_hmac_matches(struct inspect_check *c, const struct inspect_advert *a);

/** Fill @p d for the advert's VHID and counter. Returns 0 or a negative errno. */
int inspect_check_hmac_detail(struct inspect_check *c, const struct inspect_advert *a,
			      struct inspect_hmac_detail *d);

/* inspect_print.c */

/**
 * Field-by-field decode of Ethernet, IP and CARP (or VRRP) with notes for operators, after
 * a hex dump of the frame when @p hex.
 */
void inspect_print_advert(FILE *out, const struct inspect_advert *a, bool hex);

/** Hex dump of the captured bytes, 16 a line. */
void inspect_print_hex(FILE *out, const uint8_t *data, size_t len);

/** "HMAC" line(s) and the verdict line with its reason and explanation. */
void inspect_print_verdict(FILE *out, struct inspect_check *c, const struct inspect_advert *a);

/** --quiet: one line per advert ending in the verdict. */
void inspect_print_quiet(FILE *out, const struct inspect_advert *a);

/** The message M, VIPs and expected vs received digests of a badauth advert. */
void inspect_print_hmac_detail(FILE *out, const struct inspect_cfg *cfg,
			       const struct inspect_advert *a,
			       const struct inspect_hmac_detail *d);

#endif
