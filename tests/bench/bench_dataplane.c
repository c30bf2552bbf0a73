/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's per-packet cost without a NIC: bursts of 32 IPv4/UDP frames through
 * dp_rx_burst on a real EAL with two ring ports, as tests/component/test_dataplane.c sets
 * them up (a route via a resolved gateway, the vMAC of a MASTER VHID as destination).
 * Deterministic enough for callgrind, which counts instructions whatever else the machine
 * does (scripts/bench-dataplane.sh runs it that way against a baseline build):
 *
 *   bench_dataplane [BURSTS]        (default 200000)
 *
 * Prints the packets forwarded and the wall-clock rate (a rough figure on a shared host).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "carp_cksum.h"

#include "bench_ports.h"

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci",
			"--no-telemetry", "--log-level", "error", prefix, NULL };
	long bursts = argc > 1 ? atol(argv[1]) : 200000;
	uint8_t frame[60] = { 0 };
	struct rte_mbuf *pkts[DP_BURST], *out[DP_BURST];
	struct timespec t0, t1;
	uint64_t done = 0;
	uint16_t c;

	snprintf(prefix, sizeof(prefix), "--file-prefix=benchdp%d", (int)getpid());
	if (rte_eal_init(11, eal) < 0)
		die("EAL");
	setup();
	carp_vmac(1, frame);
	memcpy(frame + 6, (const uint8_t[6]){ 2, 0, 0, 0, 0x63, 9 }, 6);
	frame[12] = 0x08;
	memcpy(frame + 14, (const uint8_t[20]){ 0x45, 0, 0, 0x2a, 0x12, 0x34, 0, 0, 64, 17, 0, 0,
					      10, 99, 0, 9, 10, 200, 1, 5 }, 20);
	c = carp_cksum(frame + 14, 20);
	frame[24] = (uint8_t)(c >> 8);
	frame[25] = (uint8_t)c;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long b = 0; b < bursts; b++) {
		unsigned int n;

		if (rte_pktmbuf_alloc_bulk(mp, pkts, DP_BURST))
			die("mbufs");
		for (int i = 0; i < DP_BURST; i++) {
			memcpy(rte_pktmbuf_append(pkts[i], sizeof(frame)), frame, sizeof(frame));
			pkts[i]->port = sh->port[LAN].port_id;
		}
		dp_rx_burst(lc, LAN, pkts, DP_BURST);
		dp_tx_flush(lc);
		while ((n = rte_ring_dequeue_burst(tx_ring[WAN], (void **)out, DP_BURST, NULL)) > 0) {
			rte_pktmbuf_free_bulk(out, n);
			done += n;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("forwarded %llu of %llu packets, %.2f Mpps (wall clock)\n",
	       (unsigned long long)done, (unsigned long long)bursts * DP_BURST,
	       done / ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3));
	rte_eal_cleanup();
	return done == (uint64_t)bursts * DP_BURST ? 0 : 1;
}
