/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet filter's cost on one lcore, without a NIC (bench_ports.h: ring ports, the
 * worker's whole dp_rx_burst): a rule set of RULES rules whose last one passes the
 * traffic (UDP from the lan, keep state; the others block UDP to other ports, so every
 * first packet goes through the whole classifier) and a table of STATES states.
 *
 *   bench_filter [FLOWS [RULES [STATES [ROUNDS [TRAIN]]]]]
 *                                        (default 1000000 1000 1000000 10 1)
 *
 *   new:          FLOWS first packets, bursts of 32 new flows: parse, a missed lookup,
 *                 rte_acl, a state allocated, initialised and published. New flows/s.
 *   established:  ROUNDS rounds alternating the filter off and on (the same binary, the
 *                 same frames, interleaved: a shared machine treats both alike), each a
 *                 pass of FLOWS packets in a scattered order, in trains of TRAIN
 *                 packets of one flow (1: each packet a different state, the worst case
 *                 of a big table; TCP sends its segments in trains); the medians, and
 *                 their ratio. A third kind of round, interleaved too: the filter on
 *                 with state sync's change events (each lcore's ring to the control
 *                 lcore, drained after every burst; every state's sync_pending cleared
 *                 before the round, as the sync does once it has sent a change, so every
 *                 packet makes an event: the worst case, a flow seen once per batch).
 *   memory:       the table's bytes per state (hash and pool, as allocated).
 *
 * Lines "new_flows_per_s=", "established_mpps off= on= ratio=",
 * "sync_events_mpps on= sync= ratio=", "bytes_per_state=".
 * BENCH_HUGE=DIR in the environment: on the hugepages mounted at DIR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#define BENCH_MBUFS 16383
#include "bench_ports.h"
#include "carp_cksum.h"
#include "dp_filter.h"

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* RULES rules: RULES - 1 blocking UDP to ports 1.., then the pass. */
static struct flt_ruleset *
ruleset(uint32_t rules, uint32_t states)
{
	struct flt_ruleset *rs = calloc(1, sizeof(*rs));
	struct flt_port_range *ports = calloc(rules, sizeof(*ports));

	if (rs == NULL || ports == NULL || (rs->rules = calloc(rules, sizeof(*rs->rules))) == NULL)
		die("ruleset");
	rs->ports = ports;
	rs->n_ports = rules;
	rs->n_rules = rules;
	rs->default_action = FLT_BLOCK;
	rs->state_limit = states;
	flt_timeouts_default(&rs->timeouts, states);
	for (uint32_t i = 0; i < rules; i++) {
		struct flt_rule *r = &rs->rules[i];

		r->in = r->out = FLT_IFACE_ANY;
		r->icmp_type = r->icmp_code = -1;
		r->proto = FLT_PROTO_UDP;
		r->line = i + 1;
		if (i + 1 < rules) {
			r->action = FLT_BLOCK;
			ports[i] = (struct flt_port_range){ (uint16_t)(1 + i), (uint16_t)(1 + i) };
			r->dport = (struct flt_port_list){ i, 1 };
		} else {
			r->action = FLT_PASS;
			r->keep_state = true;
			r->in = LAN;
			r->flags = FLT_TH_SYN;
			r->flags_mask = FLT_TH_SYN | FLT_TH_ACK;
		}
	}
	return rs;
}

/* Flow @p i's frame: UDP from 10.99.(i >> 16).x:(i & 0xffff) to 10.200.1.5:5000. */
static void
frame_of(uint32_t i, uint8_t *f)
{
	uint16_t c;

	memset(f, 0, 60);
	carp_vmac(1, f);
	memcpy(f + 6, (const uint8_t[6]){ 2, 0, 0, 0, 0x63, 9 }, 6);
	f[12] = 0x08;
	memcpy(f + 14, (const uint8_t[20]){ 0x45, 0, 0, 0x2a, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10,
					   99, 0, 9, 10, 200, 1, 5 }, 20);
	f[28] = (uint8_t)(10 + (i >> 16)); /* 10.99.<10 + i/65536>.9 */
	c = carp_cksum(f + 14, 20);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
	f[34] = (uint8_t)(i >> 8);
	f[35] = (uint8_t)i;
	f[36] = 5000 >> 8;
	f[37] = 5000 & 0xff;
	f[39] = 22; /* UDP length 22, no checksum */
}

/* Send @p n flows' frames in the order of @p order; returns packets forwarded. */
static uint64_t
run(const uint8_t *frames, const uint32_t *order, uint32_t n)
{
	struct rte_mbuf *pkts[DP_BURST], *out[DP_BURST];
	uint64_t done = 0;

	for (uint32_t b = 0; b < n; b += DP_BURST) {
		unsigned int k = n - b < DP_BURST ? n - b : DP_BURST, got;

		if (rte_pktmbuf_alloc_bulk(mp, pkts, k))
			die("mbufs");
		for (unsigned int i = 0; i < k; i++) {
			memcpy(rte_pktmbuf_append(pkts[i], 60), frames + (size_t)order[b + i] * 60, 60);
			pkts[i]->port = sh->port[LAN].port_id;
		}
		dp_rx_burst(lc, LAN, pkts, (uint16_t)k);
		dp_tx_flush(lc);
		if (lc->sync_events != NULL) { /* the control lcore's part, as cheap as it gets */
			struct dp_sync_event ev[DP_BURST];

			while (rte_ring_sc_dequeue_burst_elem(lc->sync_events, ev, sizeof(ev[0]),
							      DP_BURST, NULL) > 0)
				;
		}
		while ((got = rte_ring_dequeue_burst(tx_ring[WAN], (void **)out, DP_BURST, NULL)) > 0) {
			rte_pktmbuf_free_bulk(out, got);
			done += got;
		}
	}
	return done;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	/* BENCH_HUGE=DIR: hugepages mounted at DIR, else 4 KiB pages, whose TLB misses a
	 * big table pays on every lookup. */
	const char *huge = getenv("BENCH_HUGE");
	char mem[300];
	char *eal[] = { argv[0], "-l", "0", mem, "-m", "2048", "--no-pci", "--no-telemetry",
			"--log-level", "error", prefix, NULL };
	uint32_t flows = argc > 1 ? (uint32_t)atol(argv[1]) : 1000000;
	uint32_t rules = argc > 2 ? (uint32_t)atol(argv[2]) : 1000;
	uint32_t states = argc > 3 ? (uint32_t)atol(argv[3]) : 1000000;
	int rounds = argc > 4 ? atoi(argv[4]) : 10;
	uint32_t train = argc > 5 ? (uint32_t)atol(argv[5]) : 1;
	double rate[3][64] = { { 0 } };
	int nr[3] = { 0, 0, 0 };
	struct rte_ring *events;
	struct dp_filter *f;
	uint8_t *frames;
	uint32_t *order;
	char err[256];
	double t;

	if (flows < DP_BURST || flows > (1u << 24) || rules < 1 || states < flows || rounds < 2 ||
	    rounds > 64 || train < 1 || train > flows)
		die("usage: bench_filter [FLOWS [RULES [STATES [ROUNDS [TRAIN]]]]], STATES >= FLOWS");
	snprintf(prefix, sizeof(prefix), "--file-prefix=benchflt%d", (int)getpid());
	if (huge && *huge)
		snprintf(mem, sizeof(mem), "--huge-dir=%s", huge);
	else
		snprintf(mem, sizeof(mem), "--no-huge");
	if (rte_eal_init(11, eal) < 0)
		die("EAL");
	setup();
	f = dp_filter_create(ruleset(rules, states), 0, 0, err, sizeof(err));
	if (f == NULL)
		die(err);
	sh->filter = f;
	if (dp_filter_lcore_init(lc) != 0)
		die("filter counters");
	frames = malloc((size_t)flows * 60);
	order = malloc((size_t)flows * sizeof(*order));
	if (frames == NULL || order == NULL)
		die("memory");
	/* A scattered order: consecutive packets are far apart in the table. */
	for (uint32_t i = 0; i < flows; i++) {
		frame_of(i, frames + (size_t)i * 60);
		order[i] = (uint32_t)(((uint64_t)i * 2654435761u) % flows);
	}
	t = now_s();
	uint64_t created = run(frames, order, flows);

	t = now_s() - t;
	if (lc->flt->states_created != flows || created != flows)
		die("not every first packet made its state");
	printf("new_flows_per_s=%.0f (%u flows, %u rules, %u classifier rules)\n", flows / t, flows,
	       rules, flt_acl_size(f->acl));
	for (uint32_t i = 0; i < flows; i++)
		order[i] = (uint32_t)(((uint64_t)(i / train) * 2654435761u) % flows);
	events = rte_ring_create_elem("bench_sync_ev", sizeof(struct dp_sync_event), 1024, 0,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (events == NULL)
		die("ring");
	for (int r = 0; r < rounds * 3 / 2; r++) {
		int kind = r % 3; /* 0: no filter, 1: the filter, 2: the filter and sync events */

		sh->filter = kind ? f : NULL;
		lc->sync_events = kind == 2 ? events : NULL;
		if (kind == 2) { /* as after the sync has sent every change: untimed */
			uint32_t next = 0;
			struct flt_state *st;

			while ((st = (struct flt_state *)flt_table_next(f->table, &next)) != NULL)
				st->sync_pending = 0;
		}
		t = now_s();
		if (run(frames, order, flows) != flows)
			die("a packet was lost");
		rate[kind][nr[kind]++] = flows / (now_s() - t) / 1e6;
	}
	lc->sync_events = NULL;
	for (int k = 0; k < 3; k++)
		qsort(rate[k], (size_t)nr[k], sizeof(double), cmp_double);
	printf("established_mpps off=%.3f on=%.3f ratio=%.3f (medians of %d rounds each, "
	       "trains of %u)\n", rate[0][nr[0] / 2], rate[1][nr[1] / 2],
	       rate[1][nr[1] / 2] / rate[0][nr[0] / 2], nr[0], train);
	printf("sync_events_mpps on=%.3f sync=%.3f ratio=%.3f (medians of %d rounds each: the "
	       "filter with state sync's change events against the filter alone)\n",
	       rate[1][nr[1] / 2], rate[2][nr[2] / 2], rate[2][nr[2] / 2] / rate[1][nr[1] / 2],
	       nr[2]);
	printf("bytes_per_state=%zu (sizeof state %zu, limit %u)\n",
	       flt_table_bytes_per_state(f->table), sizeof(struct flt_state), states);
	sh->filter = f;
	rte_eal_cleanup();
	return 0;
}
