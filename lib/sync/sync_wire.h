/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_SYNC_WIRE_H
#define CARP_SYNC_WIRE_H

/**
 * @file
 * The state sync protocol's messages (the pfsync role between the nodes of a pair): a
 * header that names the sender and numbers its messages, sections of fixed-size elements
 * of one type each (pfsync's layout: a receiver skips a type it does not know), and an
 * HMAC-SHA256 over all of it (sync_auth.h). Pure: bytes in, bytes out. All fields are
 * big-endian.
 *
 *   header   magic "CSYN" u32 | version u8 | flags u8 | length u16 (the whole message) |
 *            node u32 | epoch u32 | seq u32 | ruleset u64 | reserved u32       32 bytes
 *   section  type u8 | words u8 (one element, in 4-byte words) | count u16    4 bytes,
 *            then count elements of words * 4 bytes each
 *   mac      HMAC-SHA256 of every byte before it                              32 bytes
 *
 * A state is named by its key, the flow's canonical tuple (flt_key.h), which both nodes
 * compute alike: no ids to map, and a delete or a request carries the key alone. Times are
 * relative (milliseconds since the state was made and since its last refresh), so the
 * nodes need no common clock. An element longer than its type's is read for what the type
 * knows (a later version may add fields at the end).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flt_key.h"
#include "flt_tcp.h"

#define SYNC_MAGIC 0x4353594eu /* "CSYN" */
#define SYNC_VERSION 1
#define SYNC_HDR_LEN 32
#define SYNC_SECTION_LEN 4
#define SYNC_MAC_LEN 32
#define SYNC_MSG_MIN (SYNC_HDR_LEN + SYNC_MAC_LEN)
#define SYNC_MSG_MAX 9216 /* a jumbo frame's UDP payload, at most */

/* Section types. X(enum suffix, number, element bytes). */
#define SYNC_TYPE_LIST(X) \
	X(INS, 1, 112)  /* a state made by the sender: struct sync_state_rec */ \
	X(UPD, 2, 112)  /* a state changed, or sent on request or in a bulk */ \
	X(DEL, 3, 40)   /* a state removed: its key */ \
	X(REQ, 4, 40)   /* send me this state (its key); the all-zero key: all of them */ \
	X(BUS, 5, 12)   /* a bulk transfer starts or ends: struct sync_bus */ \
	X(NACK, 6, 12)  /* messages I missed: struct sync_nack */ \
	X(DGST, 7, 20)  /* a digest round's start, one slice of the table, or its end */ \
	X(IACK, 8, 40)  /* a state asked to be acknowledged (SYNC_REC_ACK) is here: its key */

#define SYNC_ENUM_TYPE(e, n, b) SYNC_T_##e = n,
enum sync_type { SYNC_TYPE_LIST(SYNC_ENUM_TYPE) SYNC_T_MAX };
#undef SYNC_ENUM_TYPE

/* Why a message, or the rest of one, is not read. X(enum suffix, counter, explanation) */
#define SYNC_ERR_LIST(X) \
	X(SHORT, "sync_short", "shorter than a header and a MAC, or longer than a message can be") \
	X(BAD_MAGIC, "sync_bad_magic", "not a sync message") \
	X(BAD_VERSION, "sync_bad_version", "another version of the protocol: reported, not read") \
	X(BAD_LEN, "sync_bad_len", "the length field is not the datagram's, or a section runs past it") \
	X(BAD_MAC, "sync_bad_mac", "HMAC wrong: forged, corrupted, or another key") \
	X(BAD_SECTION, "sync_bad_section", "a section without elements, or with elements shorter than its type's") \
	X(BAD_VALUE, "sync_bad_value", "an element with impossible values: family, addresses, key order, side, timeout class, TCP state or window scale")

#define SYNC_ENUM_ERR(e, s, d) SYNC_ERR_##e,
enum sync_err { SYNC_OK = 0, SYNC_ERR_LIST(SYNC_ENUM_ERR) SYNC_ERR_COUNT };
#undef SYNC_ENUM_ERR

const char *sync_err_name(enum sync_err e);
const char *sync_err_help(enum sync_err e);

struct sync_hdr {
	uint8_t version;
	uint8_t flags;    /* none defined: 0 */
	uint16_t len;
	uint32_t node;    /* the sender's node id (configured, not 0) */
	uint32_t epoch;   /* the sender's run: larger after every restart */
	uint32_t seq;     /* its messages in this run, from 1 */
	uint64_t ruleset; /* a digest of the sender's rules: rule numbers mean the same only
			   * between nodes whose digests are equal */
};

/* A state as it travels (element of INS and UPD). */
#define SYNC_REC_ACK 0x01 /* flags: the sender holds the state's first packet until a peer
			   * acknowledges the state (IACK): defer mode */

struct sync_state_rec {
	struct flt_key key;
	uint8_t init_side;  /* the key side of the initiator */
	uint8_t timeout;    /* enum flt_timeout: the class it runs under */
	uint8_t flags;      /* SYNC_REC_*; unknown bits are ignored (a later version's) */
	uint32_t rule;      /* the rule that made it, FLT_STATE_RULE_DEFAULT if none */
	uint32_t age_ms;    /* since it was made (saturating) */
	uint32_t idle_ms;   /* since its last refresh */
	struct flt_tcp_peer peer[2];   /* by key side */
	uint64_t packets[2], bytes[2]; /* sent by each side */
};

#define SYNC_BUS_START 1
#define SYNC_BUS_END 2

struct sync_bus {
	uint8_t status;   /* SYNC_BUS_START or SYNC_BUS_END */
	uint32_t bulk_id; /* the request it answers (the requester's epoch) */
	uint32_t count;   /* END: states sent; START: states in the table */
};

struct sync_nack {
	uint32_t epoch;       /* of the sender whose messages are missing */
	uint32_t first, last; /* seq, inclusive */
};

/*
 * A digest of the table (sync_digest.h), sliced by key: what a node's settled states of
 * one slice add up to, in round @p round. Two slice numbers are markers: the initiator's
 * START of a round (walk your table now), and a node's END of its digest (@p count: the
 * slice elements it sent; slices not sent are empty).
 */
#define SYNC_DGST_START 0xffff
#define SYNC_DGST_END 0xfffe

struct sync_dgst {
	uint32_t round;
	uint16_t slice; /* < SYNC_DIGEST_SLICES, or a marker */
	uint32_t count; /* states in the slice (END: slice elements sent) */
	uint64_t sum;   /* of their keys' sync_key_hash */
};

struct sync_item {
	enum sync_type type;
	union {
		struct sync_state_rec st; /* INS, UPD */
		struct flt_key key;       /* DEL, REQ, IACK */
		struct sync_bus bus;
		struct sync_nack nack;
		struct sync_dgst dgst;
	};
};

/* Building a message in a buffer of its caller's. */
struct sync_writer {
	uint8_t *buf;
	size_t cap, len;
	size_t section; /* offset of the open section's header, 0 when none */
	uint8_t type;   /* its type */
	unsigned int items;
};

/** Start a message with header @p h (its len is set by sync_writer_end) in @p buf. */
void sync_writer_begin(struct sync_writer *w, uint8_t *buf, size_t cap, const struct sync_hdr *h);

/** Append @p it; false when it does not fit (the message is left as it was). */
bool sync_writer_add(struct sync_writer *w, const struct sync_item *it);

/**
 * Close the message: its length written, room left at its end for the MAC, which the
 * caller computes over the returned length (sync_auth_sign). Returns that length.
 */
size_t sync_writer_end(struct sync_writer *w);

/** Key @p k as it travels: 40 bytes, the same on every node whatever its byte order. */
void sync_key_put(uint8_t p[40], const struct flt_key *k);

/** The length of an element of @p type, or 0 for a type this version does not know. */
size_t sync_type_len(uint8_t type);

/** The header of message @p buf (@p len bytes: the whole datagram), not authenticated. */
enum sync_err sync_hdr_read(const uint8_t *buf, size_t len, struct sync_hdr *h);

/* Reading the sections of a message whose header and MAC were checked. */
struct sync_reader {
	const uint8_t *buf;
	size_t end;          /* where the MAC starts */
	size_t at;           /* the next element */
	size_t elem;         /* the open section's element length, 0 when none */
	uint8_t type;
	unsigned int left;   /* elements left in the open section */
	unsigned int skipped; /* elements of types this version does not know */
};

void sync_reader_init(struct sync_reader *r, const uint8_t *buf, const struct sync_hdr *h);

/**
 * The next element in @p it: SYNC_OK and *more true, or SYNC_OK and *more false at the end,
 * or the reason the rest of the message cannot be read (what came before stands).
 * Elements of unknown types are skipped (counted in r->skipped).
 */
enum sync_err sync_reader_next(struct sync_reader *r, struct sync_item *it, bool *more);

#endif
