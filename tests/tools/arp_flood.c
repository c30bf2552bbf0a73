/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp_flood: broadcast ARP on an interface as fast as the kernel takes it (sendmmsg, 256
 * frames a call), for the hardening test and the ARP flood benchmark: what a hostile host
 * on a segment can do without any key. Half announcements from 256 changing senders (the
 * node hands them to its control lcore, rate-limited), half requests for addresses that are
 * not the node's (dropped by the workers).
 *
 *   arp_flood IFACE SECONDS [PPS]     (PPS 0 or absent: as fast as possible)
 *
 * Prints one JSON line: {"sent": N, "seconds": S, "pps": R}. Bounded by SECONDS (<= 600).
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAMES 256
#define FRAME_LEN 60

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
arp(uint8_t *f, const uint8_t *src_mac, const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
	memset(f, 0, FRAME_LEN);
	memset(f, 0xff, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[15] = 1, f[16] = 0x08, f[18] = 6, f[19] = 4, f[21] = 1; /* Ethernet/IPv4, request */
	memcpy(f + 22, sha, 6);
	spa = htonl(spa), tpa = htonl(tpa);
	memcpy(f + 28, &spa, 4);
	memcpy(f + 38, &tpa, 4);
}

int
main(int argc, char **argv)
{
	static uint8_t frames[FRAMES][FRAME_LEN];
	struct mmsghdr msgs[FRAMES];
	struct iovec iov[FRAMES];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	double secs, pps, start, end, t;
	uint8_t mac[6] = { 0x02, 0x66, 0, 0, 0, 0 };
	unsigned long long sent = 0;
	int fd;

	if (argc < 3 || (secs = atof(argv[2])) <= 0 || secs > 600) {
		fprintf(stderr, "usage: %s IFACE SECONDS [PPS]\n", argv[0]);
		return 2;
	}
	pps = argc > 3 ? atof(argv[3]) : 0;
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (fd < 0 || sll.sll_ifindex == 0) {
		perror(argv[1]);
		return 2;
	}
	memset(sll.sll_addr, 0xff, 6);
	for (int i = 0; i < FRAMES; i++) {
		uint8_t sha[6] = { 0x02, 0x66, 0, 0, 0, (uint8_t)i };

		if (i % 2) /* an announcement of 10.99.0.100+ */
			arp(frames[i], mac, sha, 0x0a630064 + i % 100, 0x0a630064 + i % 100);
		else       /* a request for a host that is not the node */
			arp(frames[i], mac, sha, 0x0a630009, 0x0a630014 + i % 60);
		iov[i] = (struct iovec){ frames[i], FRAME_LEN };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &sll, .msg_namelen = sizeof(sll),
							 .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	start = now_s();
	end = start + secs;
	while ((t = now_s()) < end) {
		int n = sendmmsg(fd, msgs, FRAMES, 0);

		if (n > 0)
			sent += (unsigned long long)n;
		if (pps > 0) {
			double due = start + (double)sent / pps;

			if (due > t)
				usleep((useconds_t)((due - t) * 1e6));
		}
	}
	t = now_s() - start;
	printf("{\"sent\": %llu, \"seconds\": %.3f, \"pps\": %.0f}\n", sent, t, sent / t);
	close(fd);
	return 0;
}
