/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * carp-inspect: decode every CARP advert of a pcap file and run the receiver's checks on it,
 * so an operator can see why two firewalls do not agree (HMAC, TTL, VRRP on the segment).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

#define EXIT_FAIL 1  /* an advert failed a check */
#define EXIT_USAGE 2 /* bad options, unreadable or corrupt file */

struct options {
	struct inspect_cfg cfg;
	bool quiet;
	bool hex;
	const char *path;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: carp-inspect [--pass PASS | --pass-file FILE] [--vip ADDR]... [--vhid N]\n"
		"                    [--quiet] [--hex] FILE.pcap\n"
		"\n"
		"Decode every CARP advert in a classic pcap file (Ethernet or Linux cooked\n"
		"capture) and run the receiver's checks on it: length, checksum, TTL / hop limit\n"
		"255, version, VRRP look-alikes and, with a passphrase, the HMAC.\n"
		"\n"
		"  --pass PASS       passphrase of the VHID (visible in ps: prefer --pass-file)\n"
		"  --pass-file FILE  read the passphrase from the first line of FILE (a trailing\n"
		"                    newline is stripped, as ucarp does)\n"
		"  --vip ADDR        a virtual IPv4 or IPv6 address of the VHID; repeat for each.\n"
		"                    The HMAC covers all of them, in any order given here\n"
		"  --vhid N          inspect only adverts of VHID N (1..255); others are skipped\n"
		"  --quiet           one line per advert instead of the field-by-field decode\n"
		"  --hex             also dump the bytes of each advert\n"
		"  --help            show this text\n"
		"\n"
		"Without a passphrase the HMAC is not checked. A passphrase is used up to 19\n"
		"bytes, as by every CARP implementation.\n"
		"Exit status: 0 every advert passed, 1 an advert failed, 2 usage error or\n"
		"unreadable file.\n");
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "carp-inspect: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'carp-inspect --help'.\n");
	return EXIT_USAGE;
}

/* Accepts "10.0.0.1", "2001:db8::1", an optional "/prefix" and an IPv6 "%zone". */
static int
add_vip(struct inspect_cfg *cfg, const char *arg)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *cut;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	cut = strpbrk(buf, "/%");
	if (cut != NULL)
		*cut = '\0';
	if (strchr(buf, ':') == NULL) {
		struct in_addr a;

		if (inet_pton(AF_INET, buf, &a) != 1)
			return -EINVAL;
		if (cfg->n4 == INSPECT_VIPS_MAX)
			return -ENOSPC;
		cfg->v4[cfg->n4++] = ntohl(a.s_addr);
		return 0;
	}
	if (cfg->n6 == INSPECT_VIPS_MAX)
		return -ENOSPC;
	if (inet_pton(AF_INET6, buf, cfg->v6[cfg->n6].b) != 1)
		return -EINVAL;
	cfg->n6++;
	return 0;
}

static void
set_pass(struct inspect_cfg *cfg, const char *pass, size_t len)
{
	if (carp_key_from_passphrase(&cfg->key, pass, len))
		fprintf(stderr, "carp-inspect: warning: the %zu-byte passphrase is truncated to %d "
			"bytes, as by every CARP implementation\n", len, CARP_PASS_MAX);
	cfg->have_key = true;
	cfg->pass_len = len > CARP_PASS_MAX ? CARP_PASS_MAX : len;
}

/* First line of the file, trailing '\n' stripped (not '\r'), as ucarp reads its passfile. */
static int
read_pass_file(struct inspect_cfg *cfg, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		fprintf(stderr, "carp-inspect: %s: cannot open the passphrase file: %s\n", path,
			strerror(errno));
		return -1;
	}
	n = getline(&line, &cap, fp);
	fclose(fp);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n <= 0) {
		fprintf(stderr, "carp-inspect: %s: the passphrase file is empty\n", path);
		free(line);
		return -1;
	}
	/* The key is a C string on every implementation: it ends at the first NUL. */
	set_pass(cfg, line, strnlen(line, (size_t)n));
	memset(line, 0, cap);
	free(line);
	return 0;
}

static int
parse_vhid(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end != '\0' || v < CARP_VHID_MIN || v > CARP_VHID_MAX)
		return -1;
	return (int)v;
}

/* Returns -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_PASS = 256, OPT_PASS_FILE, OPT_VIP, OPT_VHID, OPT_QUIET, OPT_HEX };
	static const struct option longopts[] = {
		{ "pass", required_argument, NULL, OPT_PASS },
		{ "pass-file", required_argument, NULL, OPT_PASS_FILE },
		{ "vip", required_argument, NULL, OPT_VIP },
		{ "vhid", required_argument, NULL, OPT_VHID },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "hex", no_argument, NULL, OPT_HEX },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pass = NULL, *pass_file = NULL;
	int c, rc;

	o->cfg.vhid = -1;
	opterr = 0; /* we word the messages ourselves */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PASS:
			pass = optarg;
			break;
		case OPT_PASS_FILE:
			pass_file = optarg;
			break;
		case OPT_VIP:
			rc = add_vip(&o->cfg, optarg);
			if (rc == -ENOSPC)
				return usage_error("too many --vip of one family (at most 256): %s",
						   optarg);
			if (rc < 0)
				return usage_error("--vip %s: not an IPv4 or IPv6 address", optarg);
			break;
		case OPT_VHID:
			o->cfg.vhid = parse_vhid(optarg);
			if (o->cfg.vhid < 0)
				return usage_error("--vhid %s: expected a number from 1 to 255",
						   optarg);
			break;
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_HEX:
			o->hex = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case ':':
			return usage_error("%s needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (pass != NULL && pass_file != NULL)
		return usage_error("%s", "--pass and --pass-file exclude each other");
	if (optind == argc)
		return usage_error("%s", "no capture file given");
	if (optind + 1 < argc)
		return usage_error("one capture file at a time, got also %s", argv[optind + 1]);
	o->path = argv[optind];
	if (pass != NULL)
		set_pass(&o->cfg, pass, strlen(pass));
	else if (pass_file != NULL && read_pass_file(&o->cfg, pass_file) < 0)
		return EXIT_USAGE;
	if (o->cfg.have_key && o->cfg.n4 + o->cfg.n6 == 0)
		fprintf(stderr, "carp-inspect: warning: no --vip given; the HMAC covers the VHID's "
			"addresses, so it can only match a VHID without any\n");
	if (!o->cfg.have_key && o->cfg.n4 + o->cfg.n6 > 0)
		fprintf(stderr, "carp-inspect: note: --vip only matters for the HMAC, which is not "
			"checked without --pass or --pass-file\n");
	return -1;
}

struct totals {
	uint64_t adverts;
	uint64_t ok;
	uint64_t failed;
	uint64_t other;
};

static void
report(const struct options *o, struct inspect_check *chk, struct inspect_advert *a)
{
	static struct inspect_hmac_detail detail;

	if (o->quiet) {
		inspect_print_quiet(stdout, a);
		return;
	}
	/* A frame we could not decode is only useful as bytes. */
	inspect_print_advert(stdout, a, o->hex || !a->parsed);
	inspect_print_verdict(stdout, chk, a);
	if (a->verdict == CARP_DROP_BADAUTH &&
	    inspect_check_hmac_detail(chk, a, &detail) == 0)
		inspect_print_hmac_detail(stdout, &o->cfg, a, &detail);
	printf("\n");
}

/* Returns false for frames that are not ours to judge: not protocol 112, or another VHID. */
static bool
classify(const struct options *o, struct inspect_check *chk, struct inspect_advert *a)
{
	enum carp_drop d = carp_frame_parse(a->rec->data, a->rec->caplen, &a->f);
	int vhid;

	if (d == CARP_DROP_NOTCARP)
		return false;
	if (d != CARP_DROP_NONE && !inspect_is_proto112(a->rec->data, a->rec->caplen))
		return false;
	a->parsed = d == CARP_DROP_NONE;
	vhid = inspect_advert_vhid(a);
	if (o->cfg.vhid >= 0 && vhid >= 0 && vhid != o->cfg.vhid) {
		if (!o->quiet)
			printf("frame %" PRIu64 ": protocol 112 for vhid %d skipped "
			       "(--vhid %d)\n\n", a->rec->index, vhid, o->cfg.vhid);
		return false;
	}
	if (a->parsed)
		inspect_check_advert(chk, a);
	else
		a->verdict = d;
	return true;
}

static int
run(const struct options *o, struct inspect_check *chk)
{
	struct pcap_file_reader *r;
	struct pcap_file_record rec;
	struct totals t = { 0 };
	char err[256];
	int rc;

	rc = pcap_file_reader_open(&r, o->path, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "carp-inspect: %s: %s\n", o->path, err);
		return EXIT_USAGE;
	}
	while ((rc = pcap_file_reader_next(r, &rec)) == 1) {
		struct inspect_advert a = {
			.rec = &rec,
			.nsec_file = pcap_file_reader_nsec(r),
		};

		if (!classify(o, chk, &a)) {
			t.other++;
			continue;
		}
		if (chk->fatal) {
			fprintf(stderr, "carp-inspect: cannot prepare the HMAC: %s\n",
				strerror(-chk->fatal));
			pcap_file_reader_close(r);
			return EXIT_USAGE;
		}
		t.adverts++;
		if (a.verdict == CARP_DROP_NONE)
			t.ok++;
		else
			t.failed++;
		report(o, chk, &a);
	}
	printf("%" PRIu64 " adverts, %" PRIu64 " ok, %" PRIu64 " failed, %" PRIu64
	       " other frames skipped\n", t.adverts, t.ok, t.failed, t.other);
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "carp-inspect: %s: %s\n", o->path, pcap_file_reader_error(r));
		pcap_file_reader_close(r);
		return EXIT_USAGE;
	}
	pcap_file_reader_close(r);
	if (t.adverts == 0)
		fprintf(stderr, "carp-inspect: %s: no CARP advert among %" PRIu64 " frames\n",
			o->path, t.other);
	return t.failed ? EXIT_FAIL : EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	static struct options o;
	static struct inspect_check chk;
	int rc = parse_options(argc, argv, &o);

	if (rc >= 0)
		return rc;
	inspect_check_init(&chk, &o.cfg);
	rc = run(&o, &chk);
	inspect_check_fini(&chk);
	memset(&o.cfg.key, 0, sizeof(o.cfg.key));
	if (fflush(stdout) != 0) {
		fprintf(stderr, "carp-inspect: cannot write the output: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return rc;
}
