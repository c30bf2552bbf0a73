/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 forwarding decisions: what a neighbour advertisement may teach the neighbour table
 * (fwd_nd.h, the rules of fwd_arp for IPv6), and the router's IPv6 header checks
 * (fwd_ipv6.h).
 */
#include "test_fwd_util.h"

#include "carp_nd.h"
#include "fwd_ipv6.h"
#include "fwd_nd.h"

#define SEC 1000000000ull

static const uint8_t our_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t host_mac[6] = { 2, 0, 0, 0, 0, 9 };
static const struct carp_in6 our_ll = { { 0xfe, 0x80, [15] = 2 } };
static const struct carp_in6 our_addr = { { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 2 } };
static const struct carp_in6 our_vip = { { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 1 } };
static const struct carp_in6 host = { { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 9 } };
static const struct carp_in6 host_ll = { { 0xfe, 0x80, [15] = 9 } };

static unsigned int n_resolved, n_requests;

static void
on_request(void *arg, const struct fwd_neigh *n)
{
	(void)arg, (void)n;
	n_requests++;
}

static void
on_removed(void *arg, const struct fwd_addr *ip, void **held, unsigned int n_held)
{
	(void)arg, (void)ip, (void)held, (void)n_held;
}

static void
on_resolved(void *arg, const struct fwd_neigh *n, void **held, unsigned int n_held)
{
	(void)arg, (void)n, (void)held, (void)n_held;
	n_resolved++;
}

static const struct fwd_neigh_ops ops = { on_request, on_removed, on_resolved, NULL };

static bool
own(const void *arg, const struct carp_in6 *a)
{
	(void)arg;
	return memcmp(a, &our_vip, sizeof(*a)) == 0 || memcmp(a, &our_addr, sizeof(*a)) == 0;
}

static const struct carp_in6 addrs[2] = { { { 0xfe, 0x80, [15] = 2 } },
					  { { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 2 } } };
static const uint8_t plens[2] = { 64, 64 };
static const uint8_t macs[1][6] = { { 2, 0, 0, 0, 0, 2 } };
static const struct fwd_nd_iface lan = {
	.iface = 1, .addr6 = addrs, .plen6 = plens, .n_addr6 = 2, .own_macs = macs,
	.n_own_macs = 1, .is_own_addr = own,
};

/* An advertisement for @p target from @p mac (its target option; NULL: none), to @p dst,
 * with @p flags. Returns the IPv6 packet's length at @p ip6. */
static size_t
na(uint8_t *ip6, const struct carp_in6 *target, const uint8_t *mac, const struct carp_in6 *dst,
   uint8_t flags)
{
	uint8_t *icmp = ip6 + 40;
	size_t len = mac ? 32 : 24;

	memset(ip6, 0, 40 + 32);
	ip6[0] = 0x60;
	ip6[5] = (uint8_t)len;
	ip6[6] = CARP_IPPROTO_ICMPV6;
	ip6[7] = 255;
	memcpy(ip6 + 8, host_ll.b, 16);
	memcpy(ip6 + 24, dst->b, 16);
	icmp[0] = CARP_ICMP6_ND_NA;
	icmp[4] = flags;
	memcpy(icmp + 8, target->b, 16);
	if (mac) {
		icmp[24] = CARP_ND_OPT_TLLA;
		icmp[25] = 1;
		memcpy(icmp + 26, mac, 6);
	}
	carp_wr16(icmp + 2, carp_icmp6_cksum(ip6, icmp, len));
	return 40 + len;
}

static void
init(struct fwd_neigh_table *t)
{
	struct fwd_neigh_params p = { .max = 16, .hold_per_entry = 4, .hold_total = 64,
				      .timeout_ns = 300 * SEC };

	assert_int_equal(fwd_neigh_init(t, &p), 0);
	n_resolved = n_requests = 0;
}

static const struct fwd_addr *
key6(const struct carp_in6 *a)
{
	static struct fwd_addr k;

	k = fwd_addr6(a->b);
	return &k;
}

static void
test_solicited_advertisement_to_us_resolves(void **state)
{
	struct fwd_neigh_table t;
	uint8_t p[80];
	size_t len;
	int pkt;

	(void)state;
	init(&t);
	assert_int_equal(fwd_neigh_hold(&t, key6(&host), 1, &pkt, 0, &ops), 0);
	assert_int_equal(n_requests, 1);
	/* An unsolicited one, or one to someone else, does not resolve a resolution. */
	len = na(p, &host, host_mac, &carp_in6_all_nodes, CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_UNSOLICITED);
	len = na(p, &host, host_mac, &host_ll, CARP_NA_SOLICITED | CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_UNSOLICITED);
	len = na(p, &host, host_mac, &our_ll, CARP_NA_SOLICITED | CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 2, &ops), FWD_ARP_RESOLVED);
	assert_int_equal(n_resolved, 1);
	assert_memory_equal(fwd_neigh_find(&t, key6(&host))->mac, host_mac, 6);
	/* A refresh from an announcement, counted as IPv6 and not as ARP. */
	len = na(p, &host, host_mac, &carp_in6_all_nodes, CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 3, &ops), FWD_ARP_REFRESHED);
	assert_int_equal(t.st.nd[FWD_ARP_RESOLVED], 1);
	assert_int_equal(t.st.nd[FWD_ARP_REFRESHED], 1);
	assert_int_equal(t.st.arp[FWD_ARP_RESOLVED], 0);
	fwd_neigh_free(&t);
}

static void
test_link_local_neighbours_are_on_link(void **state)
{
	struct fwd_neigh_table t;
	uint8_t p[80];
	size_t len;
	int pkt;

	(void)state;
	init(&t);
	assert_int_equal(fwd_neigh_hold(&t, key6(&host_ll), 1, &pkt, 0, &ops), 0);
	len = na(p, &host_ll, host_mac, &our_addr, CARP_NA_SOLICITED | CARP_NA_ROUTER);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_RESOLVED);
	fwd_neigh_free(&t);
}

static void
test_what_an_advertisement_may_not_teach(void **state)
{
	static const uint8_t group[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct carp_in6 far = { { 0x20, 0x01, 0x0d, 0xb8, 0x05, 0x55, [15] = 9 } };
	struct fwd_neigh_table t;
	uint8_t p[80];
	size_t len;

	(void)state;
	init(&t);
	len = na(p, &host, our_mac, &our_ll, CARP_NA_SOLICITED);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_BAD_MAC);
	len = na(p, &host, group, &our_ll, CARP_NA_SOLICITED);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_BAD_MAC);
	len = na(p, &our_vip, host_mac, &carp_in6_all_nodes, CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_OWN_ADDRESS);
	len = na(p, &our_ll, host_mac, &carp_in6_all_nodes, CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_OWN_ADDRESS);
	len = na(p, &far, host_mac, &our_ll, CARP_NA_SOLICITED);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_NOT_ON_LINK);
	len = na(p, &host, NULL, &our_ll, CARP_NA_SOLICITED);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_MALFORMED);
	p[41] = 0; /* bad checksum after all: a code change without a reseal */
	p[40] = CARP_ICMP6_ND_NS;
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_MALFORMED);
	/* A host nobody asked about is not created from an advertisement. */
	len = na(p, &host, host_mac, &carp_in6_all_nodes, CARP_NA_OVERRIDE);
	assert_int_equal(fwd_nd_input(&t, &lan, p, len, 1, &ops), FWD_ARP_UNKNOWN);
	assert_int_equal(t.n, 0);
	assert_int_equal(n_resolved, 0);
	fwd_neigh_free(&t);
}

/* A plain IPv6 header from @p src to @p dst with hop limit @p hlim and @p plen bytes. */
static void
hdr(uint8_t *ip6, const char *src, const char *dst, uint8_t hlim, uint16_t plen)
{
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	carp_wr16(ip6 + 4, plen);
	ip6[6] = 17;
	ip6[7] = hlim;
	hex_to_bytes(src, ip6 + 8, 16);
	hex_to_bytes(dst, ip6 + 24, 16);
}

#define GLOBAL1 "20010db8009900000000000000000009"
#define GLOBAL2 "20010db8010000000000000000000009"

static void
test_ipv6_header_checks(void **state)
{
	uint8_t ip6[64];

	(void)state;
	hdr(ip6, GLOBAL1, GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_OK);
	assert_int_equal(fwd_ipv6_check(ip6, 47), FWD_DROP_TRUNCATED);
	assert_int_equal(fwd_ipv6_check(ip6, 39), FWD_DROP_TRUNCATED);
	assert_int_equal(fwd_ipv6_check(ip6, 60), FWD_OK); /* padding after the payload */
	ip6[0] = 0x40;
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_VERSION);
	hdr(ip6, GLOBAL1, GLOBAL2, 1, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_TTL_EXCEEDED);
	hdr(ip6, GLOBAL1, GLOBAL2, 0, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_TTL_EXCEEDED);
	hdr(ip6, "fe800000000000000000000000000009", GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_SRC);
	hdr(ip6, "ff020000000000000000000000000001", GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_SRC);
	hdr(ip6, "00000000000000000000000000000000", GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_SRC);
	hdr(ip6, "00000000000000000000000000000001", GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_SRC);
	hdr(ip6, "00000000000000000000ffff0a000001", GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_SRC);
	hdr(ip6, GLOBAL1, "ff0e0000000000000000000000000001", 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_DST);
	hdr(ip6, GLOBAL1, "fe800000000000000000000000000001", 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_DROP_BAD_DST);
	/* ::2 and ::ffff:... look-alikes outside the reserved blocks pass */
	hdr(ip6, "00000000000000000000000000000002", GLOBAL2, 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_OK);
	hdr(ip6, GLOBAL1, "fec00000000000000000000000000001", 64, 8);
	assert_int_equal(fwd_ipv6_check(ip6, 48), FWD_OK);
	fwd_ipv6_dec_hlim(ip6);
	assert_int_equal(ip6[7], 63);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_solicited_advertisement_to_us_resolves),
		cmocka_unit_test(test_link_local_neighbours_are_on_link),
		cmocka_unit_test(test_what_an_advertisement_may_not_teach),
		cmocka_unit_test(test_ipv6_header_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
