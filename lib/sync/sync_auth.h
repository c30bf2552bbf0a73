/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_SYNC_AUTH_H
#define CARP_SYNC_AUTH_H

/**
 * @file
 * The sync messages' MAC: HMAC-SHA256 (OpenSSL's EVP_MAC) with the pair's shared sync key,
 * over every byte of a message before the MAC. Not the CARP key: a node that may speak
 * CARP (a VHID's passphrase) must not be able to write states into the firewall. One
 * context per thread: the sync lcore's.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync_wire.h"

/* Shorter keys are refused: a sync key is a random secret of 32 bytes or more in a file,
 * not a word to remember. */
#define SYNC_KEY_MIN 16
#define SYNC_KEY_MAX 256

struct sync_auth;

/** A context for key @p key (@p n bytes, SYNC_KEY_MIN..SYNC_KEY_MAX), or NULL. */
struct sync_auth *sync_auth_new(const uint8_t *key, size_t n);

void sync_auth_free(struct sync_auth *a);

/** Write the MAC of @p buf[0..len) at @p buf + len. False only if OpenSSL fails. */
bool sync_auth_sign(struct sync_auth *a, uint8_t *buf, size_t len);

/**
 * Check message @p buf of @p len bytes (its header read by sync_hdr_read): its MAC, the
 * last SYNC_MAC_LEN bytes, compared in constant time.
 */
bool sync_auth_check(struct sync_auth *a, const uint8_t *buf, size_t len);

/**
 * Read, authenticate and open message @p buf of @p len bytes: SYNC_OK with @p h and @p r
 * ready, or the first reason it fails (the header is checked before the MAC is computed,
 * so a stray datagram costs no HMAC; a header that fails says nothing trustworthy).
 */
enum sync_err sync_msg_open(struct sync_auth *a, const uint8_t *buf, size_t len,
			    struct sync_hdr *h, struct sync_reader *r);

#endif
