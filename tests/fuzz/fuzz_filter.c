/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the filter's packet path over a short conversation. The input is a
 * list of packets, each one byte (bit 0: IPv6), one byte of length, then the packet from
 * its IP header. Each is parsed; one that parses goes to its state in a small table (both
 * directions must find the same one), creating it when there is none, or for an ICMP
 * error to the state of the packet it quotes; and to the reference matcher over a few
 * rules. Nothing may crash or read beyond the packet, every verdict is a named one, and
 * the states stay within what pf's machines can reach.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flt_key.h"
#include "flt_pkt.h"
#include "flt_rule.h"
#include "flt_state.h"

#define STATES 8

static bool
tcp_state_valid(uint8_t s)
{
	return s == FLT_TCPS_CLOSED || s == FLT_TCPS_SYN_SENT || s == FLT_TCPS_ESTABLISHED ||
	       s == FLT_TCPS_CLOSING || s == FLT_TCPS_FIN_WAIT_2 || s == FLT_TCPS_TIME_WAIT;
}

static void
check_state(const struct flt_state *st)
{
	if (st->timeout >= FLT_TO_COUNT || st->init_side > 1)
		abort();
	for (int i = 0; i < 2; i++) {
		const struct flt_tcp_peer *pe = &st->peer[i];

		if (st->key.proto == FLT_PROTO_TCP ? !tcp_state_valid(pe->state) ||
							     (pe->wscale & FLT_WSCALE_MASK) >
								     FLT_TCP_MAX_WINSHIFT
						   : pe->state > FLT_PS_MULTIPLE)
			abort();
	}
}

/* Rules over every field the matcher reads: prefixes of both families, ports, ICMP. */
static struct flt_prefix prefixes[] = {
	{ .addr = { .b = { [10] = 0xff, [11] = 0xff, [12] = 10 } }, .len = 104, .af = 4 },
	{ .addr = { .b = { 0x20, 0x01, 0x0d, 0xb8 } }, .len = 32, .af = 6 },
};
static struct flt_port_range ports[] = { { 22, 22 }, { 1024, 65535 } };
static struct flt_rule rules[] = {
	{ .action = FLT_BLOCK, .in = FLT_IFACE_ANY, .out = FLT_IFACE_ANY, .proto = FLT_PROTO_TCP,
	  .dport = { 0, 1 }, .icmp_type = -1, .icmp_code = -1 },
	{ .action = FLT_PASS, .keep_state = true, .in = 0, .out = FLT_IFACE_ANY, .af = 4,
	  .src = { 0, 1 }, .sport = { 1, 1 }, .proto = FLT_PROTO_UDP, .icmp_type = -1,
	  .icmp_code = -1 },
	{ .action = FLT_PASS, .keep_state = true, .in = FLT_IFACE_ANY, .out = FLT_IFACE_SELF,
	  .proto = FLT_PROTO_ICMP6, .icmp_type = 128, .icmp_code = 0 },
	{ .action = FLT_PASS, .keep_state = true, .in = FLT_IFACE_ANY, .out = FLT_IFACE_ANY,
	  .af = 6, .dst = { 1, 1 }, .icmp_type = -1, .icmp_code = -1, .flags = FLT_TH_SYN,
	  .flags_mask = FLT_TH_SYN | FLT_TH_ACK },
};
static const struct flt_ruleset ruleset = {
	.rules = rules, .n_rules = 4, .prefixes = prefixes, .n_prefixes = 2,
	.ports = ports, .n_ports = 2, .default_action = FLT_BLOCK,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flt_state states[STATES];
	unsigned int n_states = 0;
	uint64_t now = 0;

	while (size >= 2) {
		bool v6 = data[0] & 1;
		size_t len = data[1];
		struct flt_path path = { .in = data[0] >> 4,
					 .out = data[0] & 2 ? FLT_IFACE_SELF : 1 };
		struct flt_pkt p;
		struct flt_key k, kr;
		struct flt_tuple rev;
		enum flt_drop d;
		uint8_t *copy;
		unsigned int side, i;

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* A copy of exactly the packet, so that a read past it is caught. */
		copy = malloc(len ? len : 1);
		if (copy == NULL)
			return 0;
		memcpy(copy, data, len);
		data += len;
		size -= len;
		now += 1000000000ull;
		d = v6 ? flt_pkt_parse6(copy, len, &p) : flt_pkt_parse4(copy, len, &p);
		if (!v6) {
			/* The same as a reassembled datagram's first fragment, half of it, of a
			 * datagram 1000 bytes longer: only the head lies in memory. */
			size_t head = len / 2;
			uint8_t *h = malloc(head ? head : 1);
			struct flt_pkt q;
			enum flt_drop dh;

			if (h == NULL) {
				free(copy);
				return 0;
			}
			memcpy(h, copy, head);
			dh = flt_pkt_parse4_head(h, head, len + 1000, &q);
			free(h);
			if (dh >= FLT_DROP_COUNT || (dh == FLT_OK && q.l3_len != len + 1000))
				abort();
		}
		free(copy);
		if (d >= FLT_DROP_COUNT)
			abort();
		if (d != FLT_OK)
			continue;
		if (p.t.af != (v6 ? 6 : 4) || (p.icmp_error && p.inner.af != p.t.af))
			abort();
		if (flt_match_ref(&ruleset, &p, &path) >= (int)ruleset.n_rules)
			abort();

		if (p.icmp_error) {
			side = flt_key_make(&p.inner, &k);
			for (i = 0; i < n_states; i++)
				if (memcmp(&states[i].key, &k, sizeof(k)) == 0) {
					d = flt_state_icmp_error(&states[i], &p, side);
					if (d != FLT_OK && d != FLT_DROP_ICMP_BAD_STATE)
						abort();
				}
			continue;
		}
		/* Both directions are one key, from opposite sides (unless both ends are one). */
		side = flt_key_make(&p.t, &k);
		rev = p.t;
		rev.src = p.t.dst;
		rev.dst = p.t.src;
		rev.sport = p.t.dport;
		rev.dport = p.t.sport;
		if (flt_key_make(&rev, &kr) == side &&
		    !(fwd_addr_eq(&p.t.src, &p.t.dst) && p.t.sport == p.t.dport))
			abort();
		if (memcmp(&k, &kr, sizeof(k)) != 0)
			abort();
		for (i = 0; i < n_states; i++)
			if (memcmp(&states[i].key, &k, sizeof(k)) == 0)
				break;
		if (i < n_states) {
			uint64_t before = states[i].packets[0] + states[i].packets[1];
			bool restart;

			d = flt_state_update(&states[i], &p, side, now, &restart);
			if (d != FLT_OK && d != FLT_DROP_BAD_STATE)
				abort();
			if (restart)
				flt_state_init(&states[i], &p, &k, side, 0, now);
			else if (states[i].packets[0] + states[i].packets[1] != before + (d == FLT_OK))
				abort();
			check_state(&states[i]);
		} else if (n_states < STATES) {
			flt_state_init(&states[n_states], &p, &k, side, 0, now);
			check_state(&states[n_states++]);
		}
	}
	return 0;
}
