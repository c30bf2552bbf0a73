/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the advert path as the control lcore runs it — carp_frame_parse,
 * carp_advert_verify, carp_engine_advert — on a fake clock. The first byte picks the mode:
 * bit 0 skips the HMAC (so the fuzzer reaches the state machine with any header), bit 1
 * turns replay protection on, bits 2..7 advance the clock. The rest is the frame. The
 * engine's output must stay sane: states in range, one master at most per VHID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carp_engine.h"
#include "carp_frame.h"
#include "carp_hmac.h"
#include "carp_verify.h"

static struct carp_engine engine;
static struct carp_hmac hmac;
static struct carp_counter counter;
static struct carp_replay replay;
static struct carp_vhid_auth auth_hmac, auth_plain;
static uint64_t now = 1000000000ull;
static unsigned long actions;

static void
output(void *arg, uint32_t idx, const struct carp_action *a)
{
	(void)arg;
	if (idx != 0 || a->type > CARP_ACT_TRANSITION)
		abort();
	if (a->type == CARP_ACT_TRANSITION &&
	    (a->transition.to >= CARP_STATE_COUNT || a->transition.from >= CARP_STATE_COUNT))
		abort();
	actions++;
}

static const struct carp_vhid_auth *
lookup(void *arg, uint8_t vhid, int family)
{
	(void)family;
	return vhid == 1 ? arg : NULL;
}

static void
setup(void)
{
	static const uint32_t vip = 0x0a630001;
	struct carp_hmac_input in = { .vhid = 1, .v4 = &vip, .n4 = 1 };
	struct carp_fsm_config fc = { .vhid = 1, .advbase = 1, .advskew = 100, .preempt = true,
				      .has_v4 = true, .src4 = 0x0a630002 };
	struct carp_key key;

	carp_key_from_passphrase(&key, "carp-demo", 9);
	if (carp_hmac_prepare(&hmac, &key, &in) || carp_engine_init(&engine, &fc, 1, output, NULL))
		abort();
	carp_counter_init(&counter, 1000);
	carp_replay_init(&replay);
	auth_hmac = (struct carp_vhid_auth){ .hmac = &hmac, .counter = &counter,
					     .own_src4 = 0x0a630002 };
	auth_plain = auth_hmac;
	auth_plain.hmac = NULL;
	carp_engine_start(&engine, 0, true, now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct carp_vhid_auth *a;
	struct carp_rx_frame rx;
	struct carp_hdr h;
	enum carp_drop d;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1)
		return 0;
	a = (data[0] & 1) ? &auth_plain : &auth_hmac;
	a->replay = (data[0] & 2) ? &replay : NULL;
	now += (uint64_t)(data[0] >> 2) * 50000000ull; /* up to 3 s a step */
	carp_engine_run_timers(&engine, now);
	d = carp_frame_parse(data + 1, size - 1, &rx);
	if (d == CARP_DROP_NONE)
		d = carp_advert_verify(&rx, lookup, a, &h);
	if (d >= CARP_DROP_COUNT)
		abort();
	if (d == CARP_DROP_NONE) {
		struct carp_fsm_advert ad = { .family = rx.family, .advbase = h.advbase,
					      .advskew = h.advskew, .demote = h.demote,
					      .src4 = rx.src4 };

		if (rx.carp < data + 1 || rx.carp + CARP_HDR_LEN > data + size)
			abort(); /* the payload lies within the frame */
		carp_engine_advert(&engine, 0, &ad, now);
	}
	if (engine.fsm[0].state >= CARP_STATE_COUNT)
		abort();
	return 0;
}
