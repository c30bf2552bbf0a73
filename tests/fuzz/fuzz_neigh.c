/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the neighbour tables against a model that is obviously right (a
 * plain array searched from end to end). The input is a program: each 4-byte step is an
 * operation on a small address space, so that collisions, deletions and wrap-arounds of
 * the open-addressing tables are exercised:
 *
 *   fwd_cache (a worker's copy): set / del / lookup, compared entry by entry;
 *   fwd_neigh (the control lcore's table): hold / learn / ARP frame in / static / tick,
 *   compared on which addresses exist and where the held packets went: every packet held
 *   is released or dropped exactly once, never more held than the caps allow.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_bytes.h"
#include "carp_frame.h"
#include "fwd_arp.h"
#include "fwd_cache.h"
#include "fwd_neigh.h"
#include "fwd_nd.h"
#include "carp_nd.h"

#define MAXN 64
#define HOLD_PER 3
#define HOLD_TOTAL 20
#define SEC 1000000000ull

struct model_entry {
	struct fwd_addr ip;
	uint8_t mac[6];
	uint16_t iface;
	bool used;
};

static struct model_entry model[MAXN * 2];
static unsigned long held_now, released, dropped, next_pkt;

/* A broken invariant: say which, then crash so libFuzzer keeps the input. */
#define check(ok) \
	do { \
		if (!(ok)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #ok); \
			abort(); \
		} \
	} while (0)

static void on_request(void *arg, const struct fwd_neigh *n) { (void)arg, (void)n; }

static void
on_removed(void *arg, const struct fwd_addr *ip, void **held, unsigned int n_held)
{
	(void)arg, (void)ip, (void)held;
	check(held_now >= n_held);
	held_now -= n_held;
	dropped += n_held;
}

static void
on_resolved(void *arg, const struct fwd_neigh *n, void **held, unsigned int n_held)
{
	(void)arg, (void)held;
	check(n->state == FWD_NEIGH_REACHABLE && held_now >= n_held);
	held_now -= n_held;
	released += n_held;
}

static const struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, NULL };

static struct model_entry *
model_find(const struct fwd_addr *ip)
{
	for (unsigned int i = 0; i < MAXN * 2; i++)
		if (model[i].used && fwd_addr_eq(&model[i].ip, ip))
			return &model[i];
	return NULL;
}

static bool
no_own6(const void *arg, const struct carp_in6 *a)
{
	(void)arg;
	return a->b[15] == 1;
}

static bool
no_own(const void *arg, uint32_t ip)
{
	(void)arg;
	return ip == 0x0a000001;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwd_neigh_params p = { .max = MAXN, .hold_per_entry = HOLD_PER,
				      .hold_total = HOLD_TOTAL, .timeout_ns = 20 * SEC,
				      .resolve_rate = 50 };
	static const uint32_t addr[] = { 0x0a000001 };
	static const uint8_t plen[] = { 24 }, own[][6] = { { 2, 0, 0, 0, 0, 1 } };
	const struct fwd_arp_iface in = { 0, addr, plen, 1, own, 1, no_own, NULL };
	static const struct carp_in6 addr6[2] = { { { 0xfe, 0x80, [15] = 1 } },
						  { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } } };
	static const uint8_t plen6[2] = { 64, 64 };
	const struct fwd_nd_iface in6 = { 0, addr6, plen6, 2, own, 1, no_own6, NULL };
	struct fwd_cache c;
	struct fwd_neigh_table t;
	uint64_t now = SEC;
	unsigned int n_model = 0;
	int pkts[1];

	memset(model, 0, sizeof(model));
	held_now = released = dropped = next_pkt = 0;
	if (fwd_cache_init(&c, MAXN) != 0 || fwd_neigh_init(&t, &p) != 0)
		abort();
	for (size_t k = 0; k + 4 <= size; k += 4) {
		uint8_t op = data[k], x = data[k + 1];
		uint32_t ip = 0x0a000000 | (uint32_t)(data[k + 2] % 200 + 2); /* 10.0.0.2.. */
		/* both families in one table: 2001:db8::<the same byte> beside 10.0.0.<byte> */
		struct fwd_addr key = fwd_addr4(ip);
		uint8_t mac[6] = { 2, 0, 0, 0, x, data[k + 3] };
		struct model_entry *e;
		const struct fwd_cache_entry *ce;

		if (op & 0x80) {
			static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

			key = fwd_addr6(v6);
			key.b[15] = (uint8_t)ip;
		}
		e = model_find(&key);

		switch (op % 10) {
		case 0: /* cache: set */
			if (e == NULL && n_model == MAXN) {
				check(fwd_cache_set(&c, &key, mac, x) == -ENOSPC);
				break;
			}
			check(fwd_cache_set(&c, &key, mac, x) == 0);
			if (e == NULL) {
				for (e = model; e->used; e++)
					;
				e->used = true;
				e->ip = key;
				n_model++;
			}
			memcpy(e->mac, mac, 6);
			e->iface = x;
			break;
		case 1: /* cache: delete */
			fwd_cache_del(&c, &key);
			if (e) {
				e->used = false;
				n_model--;
			}
			break;
		case 2: /* table: a packet for an unresolved next hop */
			if (fwd_neigh_hold(&t, &key, 0, &pkts[0], now, &ops) == 0)
				held_now++;
			break;
		case 3: /* table: a reply to us */
			fwd_neigh_learn(&t, &key, 0, mac, true, false, now, &ops);
			break;
		case 4: /* table: an announcement, possibly creating (a route's next hop) */
			fwd_neigh_learn(&t, &key, 0, mac, false, x & 1, now, &ops);
			break;
		case 5: { /* table: a whole ARP frame through fwd_arp_input */
			uint8_t f[60];

			memset(f, 0, sizeof(f));
			carp_build_garp(f, sizeof(f), mac, ip);
			f[21] = (uint8_t)(x & 3); /* op 0..3 */
			f[41] = data[k + 3];      /* target's last byte: sometimes ours */
			fwd_arp_input(&t, &in, f, x & 4 ? sizeof(f) : x % 60, now, &ops);
			break;
		}
		case 6: /* table: static */
			fwd_neigh_add_static(&t, &key, 0, mac);
			break;
		case 8: { /* table: a neighbour advertisement through fwd_nd_input */
			uint8_t f[CARP_NA_FRAME_LEN];
			struct carp_in6 tgt;

			memcpy(tgt.b, key.b, 16);
			carp_build_unsolicited_na(f, sizeof(f), mac, &tgt, x & 1);
			if (x & 2) { /* solicited, to our link-local */
				f[14 + 40 + 4] |= CARP_NA_SOLICITED;
				memcpy(f + 14 + 24, addr6[0].b, 16);
				f[14 + 42] = f[14 + 43] = 0;
				carp_wr16(f + 14 + 42, carp_icmp6_cksum(f + 14, f + 14 + 40, 32));
			}
			if (x & 4)
				f[14 + 40 + (data[k + 3] & 31)] ^= data[k + 2]; /* anything goes */
			fwd_nd_input(&t, &in6, f + 14, x & 8 ? sizeof(f) - 14 : x % 72, now, &ops);
			break;
		}
		case 7: /* time passes, the tick runs */
			now += (uint64_t)x * (SEC / 10);
			fwd_neigh_tick(&t, now, &ops);
			break;
		default: /* lookups agree with the model */
			ce = fwd_cache_lookup(&c, &key);
			check((ce != NULL) == (e != NULL));
			check(ce == NULL || (memcmp(ce->mac, e->mac, 6) == 0 && ce->iface == e->iface));
			break;
		}
		check(c.n == n_model);
		check(t.n <= t.max && t.held == held_now && t.held <= HOLD_TOTAL);
	}
	/* Every model entry is in the cache; the table's entries are findable. */
	for (unsigned int i = 0; i < MAXN * 2; i++)
		if (model[i].used)
			check(fwd_cache_lookup(&c, &model[i].ip) != NULL);
	for (uint32_t i = 0; i <= t.mask; i++)
		if (t.e[i].state != FWD_NEIGH_FREE)
			check(fwd_neigh_find(&t, &t.e[i].ip) == &t.e[i]);
	/* All but the static entries go: the learned ones expire, the resolutions give up
	 * after FWD_NEIGH_PROBES requests a second apart. */
	for (int i = 0; i <= FWD_NEIGH_PROBES; i++)
		fwd_neigh_tick(&t, now + 1000 * SEC + (uint64_t)i * 2 * SEC, &ops);
	check(t.held == 0 && held_now == 0);
	fwd_cache_free(&c);
	fwd_neigh_free(&t);
	return 0;
}
