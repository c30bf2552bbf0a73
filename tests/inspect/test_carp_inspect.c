/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs the carp-inspect binary (path in argv[1]) on the real captures of the spec and on
 * captures generated here with the pcap writer and the protocol core's frame builders, and
 * checks the exit status and the words an operator relies on. Frames are built in code so
 * every damaged variant documents how it was damaged.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "carp_cksum.h"
#include "carp_frame.h"
#include "carp_hmac.h"
#include "carp_wire.h"
#include "pcap_file.h"

#define UCARP_PCAP SPEC_DIR "/captures/ucarp-advert.pcap"
#define KEEPALIVED_V2_PCAP SPEC_DIR "/captures/keepalived-v2-advert.pcap"
#define KEEPALIVED_V3_PCAP SPEC_DIR "/captures/keepalived-v3-advert.pcap"
#define GOLDEN_UCARP DATA_DIR "/ucarp-advert.inspect.txt"

static const char *inspect_bin;
static char tmp_dir[64];

struct result {
	int status; /* exit status, or -1 when killed by a signal */
	char *out;
	char *err;
};

static char *
slurp_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	assert_non_null(fp);
	assert_non_null(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

static void
tmp_file(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tmp_dir, name);
}

/* Run carp-inspect with a NULL-terminated argument list; output goes through files. */
static struct result
run_inspect(const char *arg0, ...)
{
	const char *argv[32];
	struct result res = { 0 };
	char out_path[128], err_path[128];
	int n = 0, wstatus;
	va_list ap;
	pid_t pid;

	argv[n++] = inspect_bin;
	va_start(ap, arg0);
	for (const char *a = arg0; a != NULL && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	tmp_file(out_path, sizeof(out_path), "stdout.txt");
	tmp_file(err_path, sizeof(err_path), "stderr.txt");
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fi = open("/dev/null", O_RDONLY);

		if (fo < 0 || fe < 0 || fi < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 ||
		    dup2(fi, 0) < 0)
			_exit(127);
		execv(inspect_bin, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	res.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	res.out = slurp_text(out_path);
	res.err = slurp_text(err_path);
	return res;
}

static void
result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* Assertions that show the output on failure, so a broken case explains itself. */
#define expect_status(r, want) \
	do { \
		if ((r).status != (want)) \
			print_message("stdout:\n%s\nstderr:\n%s\n", (r).out, (r).err); \
		assert_int_equal((r).status, (want)); \
	} while (0)

#define expect_in(text, needle) \
	do { \
		if (strstr((text), (needle)) == NULL) \
			print_message("missing \"%s\" in:\n%s\n", (needle), (text)); \
		assert_non_null(strstr((text), (needle))); \
	} while (0)

#define expect_not_in(text, needle) \
	do { \
		if (strstr((text), (needle)) != NULL) \
			print_message("unexpected \"%s\" in:\n%s\n", (needle), (text)); \
		assert_null(strstr((text), (needle))); \
	} while (0)

static int
count_of(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static const char *
last_line(const char *text)
{
	size_t len = strlen(text);

	if (len && text[len - 1] == '\n')
		len--;
	while (len && text[len - 1] != '\n')
		len--;
	return text + len;
}

/* ---- generated captures ---- */

struct advert_spec {
	int family;       /* 4 (default) or 6 */
	uint8_t version;  /* 0: 2 */
	uint8_t vhid;
	uint8_t advbase;
	uint8_t advskew;
	uint64_t counter;
	const char *pass;
	const uint32_t *v4;
	size_t n4;
	const struct carp_in6 *v6;
	size_t n6;
};

static const uint32_t vip_10_0_0_1 = 0x0a000001;
static const uint32_t vips_9_then_1[2] = { 0x0a000009, 0x0a000001 };
static const struct carp_in6 vip6_doc = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };

static const struct advert_spec good_v4 = {
	.vhid = 1, .advbase = 1, .counter = 0x0102030405060708ull, .pass = "secret",
	.v4 = &vip_10_0_0_1, .n4 = 1,
};

static size_t
build_advert(uint8_t *buf, size_t cap, const struct advert_spec *s)
{
	struct carp_hmac_input in = {
		.vhid = s->vhid, .v4 = s->v4, .n4 = s->n4, .v6 = s->v6, .n6 = s->n6,
	};
	struct carp_hdr h = {
		.version = s->version ? s->version : CARP_VERSION,
		.type = CARP_TYPE_ADVERTISEMENT,
		.vhid = s->vhid,
		.advskew = s->advskew,
		.authlen = CARP_AUTHLEN,
		.advbase = s->advbase,
		.counter = s->counter,
	};
	struct carp_in6 src6 = { { 0xfe, 0x80, [15] = 2 } };
	uint8_t carp[CARP_HDR_LEN], mac[6];
	struct carp_key key;
	struct carp_hmac hmac;

	carp_key_from_passphrase(&key, s->pass, strlen(s->pass));
	assert_int_equal(carp_hmac_prepare(&hmac, &key, &in), 0);
	assert_int_equal(carp_hmac_sign(&hmac, s->counter, h.md), 0);
	carp_hmac_release(&hmac);
	carp_hdr_encode(&h, carp);
	carp_vmac(s->vhid, mac);
	if (s->family == 6)
		return carp_build_advert6(buf, cap, mac, &src6, 0, carp);
	return carp_build_advert4(buf, cap, mac, 0x0a000002, CARP_TOS_LOWDELAY, 1, carp);
}

/* After changing an IPv4 header byte, keep the header checksum right so only our damage shows. */
static void
fix_ip4_cksum(uint8_t *frame)
{
	uint8_t *ip = frame + CARP_ETHER_HDR_LEN;
	uint16_t sum;

	ip[10] = ip[11] = 0;
	sum = carp_cksum(ip, 20);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}

struct frame {
	const uint8_t *data;
	uint32_t len;     /* bytes stored */
	uint32_t origlen; /* 0: same as len */
};

static void
write_pcap(const char *path, const struct pcap_file_writer_conf *conf, const struct frame *f,
	   size_t n)
{
	struct pcap_file_writer *w;

	assert_int_equal(pcap_file_writer_open(&w, path, conf), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pcap_file_writer_write(w, f[i].data, f[i].len, 1700000000 + i,
							123456000), 0);
	assert_int_equal(pcap_file_writer_close(w), 0);
}

/* One-frame capture in the temporary directory; returns its path in a static buffer. */
static const char *
pcap_of(const char *name, const uint8_t *frame, uint32_t len)
{
	static char path[128];
	struct frame f = { frame, len, 0 };

	tmp_file(path, sizeof(path), name);
	write_pcap(path, NULL, &f, 1);
	return path;
}

/* ---- the real captures ---- */

static void
test_ucarp_capture_verifies(void **state)
{
	struct result r = run_inspect("--pass", "secret", "--vip", "10.99.0.1", UCARP_PCAP,
				      NULL);

	(void)state;
	expect_status(r, 0);
	assert_int_equal(count_of(r.out, "verdict: OK"), 3);
	expect_not_in(r.out, "FAIL");
	expect_in(r.out, "src MAC      00:00:5e:00:00:07  (ucarp source MAC 00:00:5e:00:00:VHID, "
		  "vhid 7)");
	expect_in(r.out, "counter      0xba48f95df03119f8 (13423252871234787832)");
	expect_in(r.out, "md           f5f2ab6fdc21123f5415b59ce0d8f3e5ae448df4");
	expect_in(r.out, "cksum        0x76b2 (ok)");
	expect_in(r.out, "TTL          255\n");
	expect_in(r.out, "flags/frag   0x4000 (DF)");
	expect_in(r.out, "advert interval  1.000000 s");
	expect_in(r.out, "master-down      3.000000 s");
	expect_in(r.out, "3 adverts, 3 ok, 0 failed, 0 other frames skipped\n");
	assert_string_equal(r.err, "");
	result_free(&r);
}

/* The whole decode is an operator interface: any change to it must be deliberate. */
static void
test_ucarp_capture_golden(void **state)
{
	struct result r = run_inspect("--hex", "--pass", "secret", "--vip", "10.99.0.1",
				      UCARP_PCAP, NULL);
	char *want = slurp_text(GOLDEN_UCARP);

	(void)state;
	expect_status(r, 0);
	if (strcmp(r.out, want) != 0)
		print_message("output differs from %s; got:\n%s\n", GOLDEN_UCARP, r.out);
	assert_string_equal(r.out, want);
	free(want);
	result_free(&r);
}

static void
test_ucarp_wrong_pass(void **state)
{
	struct result r = run_inspect("--pass", "Secret", "--vip", "10.99.0.1", UCARP_PCAP,
				      NULL);

	(void)state;
	expect_status(r, 1);
	assert_int_equal(count_of(r.out, "verdict: FAIL (badauth: "), 3);
	/* What an operator compares with the peer: M, the counter, both digests. */
	expect_in(r.out, "      02 01 07 0a 63 00 01\n");
	expect_in(r.out, "      = version 2, type 1, vhid 7, 10.99.0.1\n");
	expect_in(r.out, "counter      ba 48 f9 5d f0 31 19 f8\n");
	expect_in(r.out, "received md  f5f2ab6fdc21123f5415b59ce0d8f3e5ae448df4\n");
	expect_in(r.out, "expected md  ");
	expect_not_in(r.out, "expected md  f5f2ab6fdc21123f5415b59ce0d8f3e5ae448df4");
	expect_in(r.out, "3 adverts, 0 ok, 3 failed, 0 other frames skipped\n");
	result_free(&r);
}

static void
test_ucarp_wrong_vip(void **state)
{
	struct result r = run_inspect("--pass", "secret", "--vip", "10.99.0.9", UCARP_PCAP,
				      NULL);

	(void)state;
	expect_status(r, 1);
	assert_int_equal(count_of(r.out, "verdict: FAIL (badauth: "), 3);
	expect_in(r.out, "      02 01 07 0a 63 00 09\n");
	result_free(&r);
}

static void
test_ucarp_extra_vip_fails(void **state)
{
	struct result r = run_inspect("--pass", "secret", "--vip", "10.99.0.1", "--vip",
				      "2001:db8::1", UCARP_PCAP, NULL);

	(void)state;
	expect_status(r, 1);
	expect_in(r.out, "badauth");
	expect_in(r.out, "= version 2, type 1, vhid 7, 10.99.0.1, 2001:db8::1\n");
	result_free(&r);
}

static void
test_ucarp_pass_file(void **state)
{
	char path[128];
	struct result r;
	FILE *fp;

	(void)state;
	tmp_file(path, sizeof(path), "pass.txt");
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("secret\nsecond line ignored\n", fp);
	fclose(fp);
	r = run_inspect("--pass-file", path, "--vip", "10.99.0.1", UCARP_PCAP, NULL);
	expect_status(r, 0);
	assert_int_equal(count_of(r.out, "verdict: OK"), 3);
	result_free(&r);

	/* Like ucarp, only '\n' is stripped: a DOS line end is part of the passphrase. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("secret\r\n", fp);
	fclose(fp);
	r = run_inspect("--pass-file", path, "--vip", "10.99.0.1", UCARP_PCAP, NULL);
	expect_status(r, 1);
	expect_in(r.out, "badauth");
	expect_in(r.out, "key = the 7-byte passphrase");
	result_free(&r);
}

static void
test_ucarp_without_key_decodes(void **state)
{
	struct result r = run_inspect(UCARP_PCAP, NULL);

	(void)state;
	expect_status(r, 0);
	assert_int_equal(count_of(r.out, "verdict: OK"), 3);
	expect_in(r.out, "HMAC         not checked");
	result_free(&r);
}

static void
test_ucarp_quiet(void **state)
{
	struct result r = run_inspect("--quiet", "--pass", "secret", "--vip", "10.99.0.1",
				      UCARP_PCAP, NULL);

	(void)state;
	expect_status(r, 0);
	assert_string_equal(r.out,
		"frame 1: 10.99.0.2 > 224.0.0.18 vhid 7 advbase 1 advskew 0: verdict: OK\n"
		"frame 2: 10.99.0.2 > 224.0.0.18 vhid 7 advbase 1 advskew 0: verdict: OK\n"
		"frame 3: 10.99.0.2 > 224.0.0.18 vhid 7 advbase 1 advskew 0: verdict: OK\n"
		"3 adverts, 3 ok, 0 failed, 0 other frames skipped\n");
	result_free(&r);
}

static void
test_vhid_filter(void **state)
{
	struct result r = run_inspect("--vhid", "8", "--pass", "wrong", UCARP_PCAP, NULL);

	(void)state;
	expect_status(r, 0);
	expect_in(r.out, "0 adverts, 0 ok, 0 failed, 3 other frames skipped\n");
	expect_in(r.err, "no CARP advert");
	result_free(&r);
	r = run_inspect("--vhid", "7", "--pass", "secret", "--vip", "10.99.0.1", UCARP_PCAP,
			NULL);
	expect_status(r, 0);
	expect_in(r.out, "3 adverts, 3 ok, 0 failed, 0 other frames skipped\n");
	result_free(&r);
}

static void
test_keepalived_v2_is_vrrp(void **state)
{
	struct result r = run_inspect("--pass", "secret", "--vip", "10.99.0.1",
				      KEEPALIVED_V2_PCAP, NULL);

	(void)state;
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (vrrp: ");
	expect_in(r.out, "VRRPv2, not CARP");
	expect_in(r.out, "priority     150");
	expect_in(r.out, "address      10.99.0.1");
	expect_in(r.out, "1 adverts, 0 ok, 1 failed, 0 other frames skipped\n");
	result_free(&r);
}

static void
test_keepalived_v3_is_vrrp(void **state)
{
	struct result r = run_inspect("--pass", "secret", "--vip", "10.99.0.1",
				      KEEPALIVED_V3_PCAP, NULL);

	(void)state;
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (vrrp: ");
	expect_in(r.out, "VRRPv3, not CARP");
	expect_in(r.out, "max adv int  100 cs (1.00 s)");
	result_free(&r);
}

/* ---- generated captures ---- */

static void
test_generated_good(void **state)
{
	uint8_t f[128];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct result r = run_inspect("--pass", "secret", "--vip", "10.0.0.1",
				      pcap_of("good.pcap", f, (uint32_t)n), NULL);

	(void)state;
	expect_status(r, 0);
	expect_in(r.out, "verdict: OK");
	/* Spec §12 TV1: the same digest and checksum. */
	expect_in(r.out, "md           c0d32526b33cb06464aec3d88cb0eeb07b082237");
	expect_in(r.out, "cksum        0x441f (ok)");
	expect_in(r.out, "(CARP virtual MAC 00:00:5e:00:01:VHID, vhid 1)");
	result_free(&r);
}

static void
test_generated_badttl(void **state)
{
	uint8_t f[128];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct result r;

	(void)state;
	f[CARP_ETHER_HDR_LEN + 8] = 254;
	fix_ip4_cksum(f);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1",
			pcap_of("ttl254.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (badttl: ");
	expect_in(r.out, "detail: TTL 254, receivers require 255");
	/* The HMAC is still right, which tells the operator the key is not the problem. */
	expect_in(r.out, "HMAC         would match");
	result_free(&r);
}

static void
test_generated_badsum(void **state)
{
	uint8_t f[128];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct result r;

	(void)state;
	f[CARP_ETHER_HDR_LEN + 20 + 7] ^= 0x01; /* low byte of the CARP checksum */
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1",
			pcap_of("badsum.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (badsum: ");
	expect_in(r.out, "cksum        0x441e (BAD, expected 0x441f)");
	result_free(&r);
}

static void
test_generated_version3_is_vrrp(void **state)
{
	struct advert_spec s = good_v4;
	uint8_t f[128];
	size_t n;
	struct result r;

	(void)state;
	s.version = 3;
	n = build_advert(f, sizeof(f), &s);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1",
			pcap_of("v3.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (vrrp: ");
	result_free(&r);
}

static void
test_generated_badver(void **state)
{
	struct advert_spec s = good_v4;
	uint8_t f[128];
	size_t n;
	struct result r;

	(void)state;
	s.version = 1;
	n = build_advert(f, sizeof(f), &s);
	r = run_inspect(pcap_of("v1.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (badver: ");
	result_free(&r);
}

/* IP says 56 bytes, the CARP payload is cut at 30: the receiver's own length check. */
static void
test_generated_short_payload(void **state)
{
	uint8_t f[128];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct result r;

	(void)state;
	f[CARP_ETHER_HDR_LEN + 3] = 20 + 30;
	fix_ip4_cksum(f);
	n -= CARP_HDR_LEN - 30;
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1",
			pcap_of("short.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (badlen: ");
	expect_in(r.out, "detail: 30 bytes of CARP payload, the header needs 36");
	result_free(&r);
}

/* The frame itself ends early (snaplen): the IP header promises more than was captured. */
static void
test_generated_truncated_frame(void **state)
{
	struct pcap_file_writer_conf conf = { .snaplen = 60 };
	char path[128];
	uint8_t f[128];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct frame fr = { f, (uint32_t)n, 0 };
	struct result r;

	(void)state;
	tmp_file(path, sizeof(path), "snaplen60.pcap");
	write_pcap(path, &conf, &fr, 1);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1", path, NULL);
	expect_status(r, 1);
	expect_in(r.out, "verdict: FAIL (badlen: ");
	expect_in(r.out, "the capture kept 60 of 70 bytes");
	expect_in(r.out, "1 adverts, 0 ok, 1 failed, 0 other frames skipped\n");
	result_free(&r);
}

/* TV2: the HMAC sorts the VIPs, so the order on the command line does not matter. */
static void
test_generated_two_vips_any_order(void **state)
{
	struct advert_spec s = good_v4;
	uint8_t f[128];
	size_t n;
	const char *path;
	struct result r;

	(void)state;
	s.v4 = vips_9_then_1;
	s.n4 = 2;
	n = build_advert(f, sizeof(f), &s);
	path = pcap_of("two-vips.pcap", f, (uint32_t)n);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1", "--vip", "10.0.0.9", path, NULL);
	expect_status(r, 0);
	expect_in(r.out, "verdict: OK");
	expect_in(r.out, "md           215b3b8f828a19c11665a562b70fbc70b7c6d581");
	result_free(&r);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.9", "--vip", "10.0.0.1", "--vip",
			"10.0.0.9", path, NULL);
	expect_status(r, 0);
	expect_in(r.out, "verdict: OK");
	result_free(&r);
	/* Only one of the two: a mismatch that the printed M makes obvious. */
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.9", path, NULL);
	expect_status(r, 1);
	expect_in(r.out, "badauth");
	result_free(&r);
}

static void
test_generated_ipv6_advert(void **state)
{
	struct advert_spec s = good_v4;
	uint8_t f[128];
	size_t n;
	struct result r;

	(void)state;
	s.family = 6;
	s.v6 = &vip6_doc;
	s.n6 = 1;
	n = build_advert(f, sizeof(f), &s);
	r = run_inspect("--pass", "secret", "--vip", "2001:db8::1", "--vip", "10.0.0.1",
			pcap_of("v6.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 0);
	expect_in(r.out, "IPv6 [14..53]");
	expect_in(r.out, "dst          ff02::12 (CARP / VRRP group)");
	expect_in(r.out, "hop limit    255");
	/* Spec §12 TV3. */
	expect_in(r.out, "md           eaabe73406194aa8048b1b21f359d880d7a4b737");
	expect_in(r.out, "verdict: OK");
	result_free(&r);
}

/* A 802.1Q tag between Ethernet and IP. */
static void
test_generated_vlan(void **state)
{
	uint8_t f[128], t[132];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct result r;

	(void)state;
	memcpy(t, f, 12);
	t[12] = 0x81;
	t[13] = 0x00;
	t[14] = 0xc0; /* priority 6 */
	t[15] = 10;
	memcpy(t + 16, f + 12, n - 12);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1",
			pcap_of("vlan.pcap", t, (uint32_t)n + 4), NULL);
	expect_status(r, 0);
	expect_in(r.out, "802.1Q       vlan 10, priority 6");
	expect_in(r.out, "IPv4 [18..37]");
	expect_in(r.out, "verdict: OK");
	result_free(&r);
}

/* ARP and other traffic is counted, not judged; adverts around it still are. */
static void
test_generated_mixed_traffic(void **state)
{
	uint8_t adv[128], garp[64], udp[CARP_ADVERT_V4_LEN], mac[6];
	size_t n = build_advert(adv, sizeof(adv), &good_v4);
	struct frame fr[4];
	char path[128];
	struct result r;

	(void)state;
	carp_vmac(1, mac);
	assert_int_equal(carp_build_garp(garp, sizeof(garp), mac, 0x0a000001), CARP_GARP_LEN);
	memcpy(udp, adv, CARP_ADVERT_V4_LEN);
	udp[CARP_ETHER_HDR_LEN + 9] = 17;
	fix_ip4_cksum(udp);
	fr[0] = (struct frame){ garp, CARP_GARP_LEN, 0 };
	fr[1] = (struct frame){ adv, (uint32_t)n, 0 };
	fr[2] = (struct frame){ udp, CARP_ADVERT_V4_LEN, 0 };
	fr[3] = (struct frame){ adv, 10, 0 }; /* a runt, not even an IP header */
	tmp_file(path, sizeof(path), "mixed.pcap");
	write_pcap(path, NULL, fr, 4);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1", path, NULL);
	expect_status(r, 0);
	expect_in(r.out, "frame 2 ");
	expect_not_in(r.out, "frame 1 ");
	expect_in(r.out, "1 adverts, 1 ok, 0 failed, 3 other frames skipped\n");
	result_free(&r);
}

/* Same advert in a Linux cooked capture ('tcpdump -i any'), big-endian, nanoseconds. */
static void
test_generated_sll_capture(void **state)
{
	struct pcap_file_writer_conf conf = {
		.big_endian = true, .nsec = true, .linktype = PCAP_FILE_LINKTYPE_LINUX_SLL,
	};
	uint8_t adv[128], sll[130];
	size_t n = build_advert(adv, sizeof(adv), &good_v4);
	struct frame fr;
	char path[128];
	struct result r;

	(void)state;
	memset(sll, 0, 16);
	sll[1] = 2; /* multicast */
	sll[3] = 1; /* ARPHRD_ETHER */
	sll[5] = 6;
	memcpy(sll + 6, adv + 6, 6);
	memcpy(sll + 14, adv + 12, n - 12);
	fr = (struct frame){ sll, (uint32_t)n + 2, 0 };
	tmp_file(path, sizeof(path), "sll.pcap");
	write_pcap(path, &conf, &fr, 1);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1", path, NULL);
	expect_status(r, 0);
	expect_in(r.out, "not recorded in a Linux cooked capture");
	expect_in(r.out, "(CARP virtual MAC 00:00:5e:00:01:VHID, vhid 1)");
	expect_in(r.out, ".123456000 UTC");
	expect_in(r.out, "verdict: OK");
	result_free(&r);
}

/* Every implementation keeps 19 bytes: a longer passphrase warns and still verifies. */
static void
test_generated_long_passphrase(void **state)
{
	struct advert_spec s = good_v4;
	uint8_t f[128];
	size_t n;
	struct result r;

	(void)state;
	s.pass = "abcdefghijklmnopqrs";
	n = build_advert(f, sizeof(f), &s);
	r = run_inspect("--pass", "abcdefghijklmnopqrstuvwxyz", "--vip", "10.0.0.1",
			pcap_of("long-pass.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 0);
	expect_in(r.out, "verdict: OK");
	expect_in(r.err, "truncated to 19 bytes");
	result_free(&r);
}

static void
test_generated_bow_out(void **state)
{
	struct advert_spec s = good_v4;
	uint8_t f[128];
	size_t n;
	struct result r;

	(void)state;
	s.advbase = 255;
	s.advskew = 255;
	n = build_advert(f, sizeof(f), &s);
	r = run_inspect(pcap_of("bowout.pcap", f, (uint32_t)n), NULL);
	expect_status(r, 0);
	expect_in(r.out, "OpenBSD bow-out");
	result_free(&r);
}

/* A capture that stops inside a record: what was read is reported, then exit 2. */
static void
test_truncated_capture_file(void **state)
{
	uint8_t f[128];
	size_t n = build_advert(f, sizeof(f), &good_v4);
	struct frame fr[2] = { { f, (uint32_t)n, 0 }, { f, (uint32_t)n, 0 } };
	char path[128];
	struct result r;

	(void)state;
	tmp_file(path, sizeof(path), "cut.pcap");
	write_pcap(path, NULL, fr, 2);
	assert_int_equal(truncate(path, PCAP_FILE_HDR_LEN + 2 * PCAP_FILE_REC_HDR_LEN + n + 20),
			 0);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1", path, NULL);
	expect_status(r, 2);
	expect_in(r.out, "1 adverts, 1 ok, 0 failed, 0 other frames skipped\n");
	expect_in(r.err, path);
	expect_in(r.err, "truncated record (20 of 70 bytes");
	result_free(&r);
}

/*
 * Every prefix of an IPv4 and an IPv6 advert (also VLAN-tagged), and every byte of them
 * flipped three ways, in one capture: each record is judged or skipped, none crashes (the
 * sanitizer build turns any over-read into a failed exit status).
 */
static void
test_generated_damage_is_judged(void **state)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };
	struct advert_spec s6 = good_v4;
	uint8_t base[3][132], *frames;
	size_t len[3], n_rec = 0, at = 0, cap;
	struct frame *fr;
	char path[128];
	struct result r;
	unsigned long adverts, ok, failed, other;

	(void)state;
	s6.family = 6;
	len[0] = build_advert(base[0], sizeof(base[0]), &good_v4);
	len[1] = build_advert(base[1], sizeof(base[1]), &s6);
	memcpy(base[2], base[1], 12);
	memcpy(base[2] + 12, "\x81\x00\x00\x05", 4);
	memcpy(base[2] + 16, base[1] + 12, len[1] - 12);
	len[2] = len[1] + 4;
	cap = 0;
	for (int b = 0; b < 3; b++)
		cap += (len[b] + 1) * len[b] + sizeof(flips) * len[b] * len[b];
	frames = malloc(cap);
	fr = calloc(cap, sizeof(*fr));
	assert_non_null(frames);
	assert_non_null(fr);
	for (int b = 0; b < 3; b++) {
		for (size_t l = 0; l <= len[b]; l++) {
			memcpy(frames + at, base[b], l);
			fr[n_rec++] = (struct frame){ frames + at, (uint32_t)l, 0 };
			at += l;
		}
		for (size_t i = 0; i < len[b]; i++) {
			for (size_t k = 0; k < sizeof(flips); k++) {
				memcpy(frames + at, base[b], len[b]);
				frames[at + i] ^= flips[k];
				fr[n_rec++] = (struct frame){ frames + at, (uint32_t)len[b], 0 };
				at += len[b];
			}
		}
	}
	tmp_file(path, sizeof(path), "damage.pcap");
	write_pcap(path, NULL, fr, n_rec);
	r = run_inspect("--pass", "secret", "--vip", "10.0.0.1", path, NULL);
	expect_status(r, 1);
	assert_non_null(strstr(r.out, " other frames skipped\n"));
	/* The summary is the last line; its four numbers account for every record. */
	assert_int_equal(sscanf(last_line(r.out), "%lu adverts, %lu ok, %lu failed, %lu other",
				&adverts, &ok, &failed, &other), 4);
	assert_int_equal(adverts + other, n_rec);
	assert_int_equal(ok + failed, adverts);
	/* The untouched frames (whole prefixes) verify. */
	assert_true(ok >= 3);
	free(fr);
	free(frames);
	result_free(&r);
}

/* ---- usage and unreadable files ---- */

static void
test_missing_file(void **state)
{
	struct result r = run_inspect("/nonexistent/none.pcap", NULL);

	(void)state;
	expect_status(r, 2);
	expect_in(r.err, "/nonexistent/none.pcap");
	expect_in(r.err, "No such file");
	result_free(&r);
}

static void
test_corrupt_file(void **state)
{
	static const uint8_t junk[32] = { 0xde, 0xad, 0xbe, 0xef };
	char path[128];
	FILE *fp;
	struct result r;

	(void)state;
	tmp_file(path, sizeof(path), "junk.pcap");
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(junk, 1, sizeof(junk), fp);
	fclose(fp);
	r = run_inspect(path, NULL);
	expect_status(r, 2);
	expect_in(r.err, path);
	expect_in(r.err, "not a pcap file (magic 0xdeadbeef");
	result_free(&r);
}

static void
test_no_arguments(void **state)
{
	struct result r = run_inspect(NULL);

	(void)state;
	expect_status(r, 2);
	expect_in(r.err, "no capture file given");
	assert_string_equal(r.out, "");
	result_free(&r);
}

static void
test_help(void **state)
{
	struct result r = run_inspect("--help", NULL);

	(void)state;
	expect_status(r, 0);
	expect_in(r.out, "Usage: carp-inspect [--pass PASS | --pass-file FILE] [--vip ADDR]...");
	assert_string_equal(r.err, "");
	result_free(&r);
}

static void
test_usage_errors(void **state)
{
	struct result r;

	(void)state;
	r = run_inspect("--pass", "a", "--pass-file", "/dev/null", UCARP_PCAP, NULL);
	expect_status(r, 2);
	expect_in(r.err, "exclude each other");
	result_free(&r);
	r = run_inspect("--vip", "10.0.0.300", UCARP_PCAP, NULL);
	expect_status(r, 2);
	expect_in(r.err, "--vip 10.0.0.300");
	result_free(&r);
	r = run_inspect("--vhid", "256", UCARP_PCAP, NULL);
	expect_status(r, 2);
	result_free(&r);
	r = run_inspect("--bogus", UCARP_PCAP, NULL);
	expect_status(r, 2);
	expect_in(r.err, "--bogus");
	result_free(&r);
	r = run_inspect("--pass", NULL);
	expect_status(r, 2);
	expect_in(r.err, "--pass needs an argument");
	result_free(&r);
	r = run_inspect("--pass-file", "/nonexistent/pass", UCARP_PCAP, NULL);
	expect_status(r, 2);
	expect_in(r.err, "/nonexistent/pass");
	result_free(&r);
	r = run_inspect(UCARP_PCAP, UCARP_PCAP, NULL);
	expect_status(r, 2);
	result_free(&r);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/test_carp_inspect.XXXXXX");
	return mkdtemp(tmp_dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ucarp_capture_verifies),
		cmocka_unit_test(test_ucarp_capture_golden),
		cmocka_unit_test(test_ucarp_wrong_pass),
		cmocka_unit_test(test_ucarp_wrong_vip),
		cmocka_unit_test(test_ucarp_extra_vip_fails),
		cmocka_unit_test(test_ucarp_pass_file),
		cmocka_unit_test(test_ucarp_without_key_decodes),
		cmocka_unit_test(test_ucarp_quiet),
		cmocka_unit_test(test_vhid_filter),
		cmocka_unit_test(test_keepalived_v2_is_vrrp),
		cmocka_unit_test(test_keepalived_v3_is_vrrp),
		cmocka_unit_test(test_generated_good),
		cmocka_unit_test(test_generated_badttl),
		cmocka_unit_test(test_generated_badsum),
		cmocka_unit_test(test_generated_version3_is_vrrp),
		cmocka_unit_test(test_generated_badver),
		cmocka_unit_test(test_generated_short_payload),
		cmocka_unit_test(test_generated_truncated_frame),
		cmocka_unit_test(test_generated_two_vips_any_order),
		cmocka_unit_test(test_generated_ipv6_advert),
		cmocka_unit_test(test_generated_vlan),
		cmocka_unit_test(test_generated_mixed_traffic),
		cmocka_unit_test(test_generated_sll_capture),
		cmocka_unit_test(test_generated_long_passphrase),
		cmocka_unit_test(test_generated_bow_out),
		cmocka_unit_test(test_generated_damage_is_judged),
		cmocka_unit_test(test_truncated_capture_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_corrupt_file),
		cmocka_unit_test(test_no_arguments),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_usage_errors),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-carp-inspect\n", argv[0]);
		return 2;
	}
	inspect_bin = argv[1];
	return cmocka_run_group_tests(tests, setup, teardown);
}
