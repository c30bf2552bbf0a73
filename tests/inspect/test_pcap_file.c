/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcap reader and writer: round trips in every layout, and files that are damaged in
 * every way the reader must report instead of crashing or reading past the buffer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "carp_frame.h"
#include "pcap_file.h"

static char tmp_path[64];

static int
make_tmp(void **state)
{
	int fd;

	(void)state;
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/test_pcap_file.XXXXXX");
	fd = mkstemp(tmp_path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int
remove_tmp(void **state)
{
	(void)state;
	unlink(tmp_path);
	return 0;
}

/* The whole file in a buffer of exactly its size, so ASan sees any over-read. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
frame_of(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

#define N_FRAMES 3
static const uint32_t frame_len[N_FRAMES] = { 70, 1514, 0 };
static const uint64_t frame_sec[N_FRAMES] = { 1795664234, 1795664235, 4294967295u };
static const uint32_t frame_nsec[N_FRAMES] = { 142176123, 999999999, 0 };

static void
write_sample(const struct pcap_file_writer_conf *conf)
{
	struct pcap_file_writer *w;
	uint8_t f[1514];

	assert_int_equal(pcap_file_writer_open(&w, tmp_path, conf), 0);
	for (int i = 0; i < N_FRAMES; i++) {
		frame_of(f, frame_len[i], (uint8_t)i);
		assert_int_equal(pcap_file_writer_write(w, f, frame_len[i], frame_sec[i],
							frame_nsec[i]), 0);
	}
	assert_int_equal(pcap_file_writer_close(w), 0);
}

static void
check_sample(struct pcap_file_reader *r, bool nsec, uint32_t snaplen)
{
	struct pcap_file_record rec;
	uint8_t f[1514];
	uint64_t off = PCAP_FILE_HDR_LEN;

	assert_int_equal(pcap_file_reader_nsec(r), nsec);
	assert_int_equal(pcap_file_reader_linktype(r), PCAP_FILE_LINKTYPE_ETHERNET);
	assert_int_equal(pcap_file_reader_snaplen(r), snaplen);
	for (int i = 0; i < N_FRAMES; i++) {
		uint32_t cap = frame_len[i] < snaplen ? frame_len[i] : snaplen;

		assert_int_equal(pcap_file_reader_next(r, &rec), 1);
		assert_int_equal(rec.index, (uint64_t)i + 1);
		assert_int_equal(rec.offset, off);
		assert_int_equal(rec.ts_sec, frame_sec[i]);
		assert_int_equal(rec.ts_nsec, nsec ? frame_nsec[i] : frame_nsec[i] / 1000 * 1000);
		assert_int_equal(rec.caplen, cap);
		assert_int_equal(rec.origlen, frame_len[i]);
		assert_false(rec.eth_dst_synthesised);
		frame_of(f, cap, (uint8_t)i);
		if (cap)
			assert_memory_equal(rec.data, f, cap);
		off += PCAP_FILE_REC_HDR_LEN + cap;
	}
	assert_int_equal(pcap_file_reader_next(r, &rec), 0);
	assert_int_equal(pcap_file_reader_next(r, &rec), 0);
	assert_string_equal(pcap_file_reader_error(r), "");
}

/* Write with @p conf, then read back both from the file and from memory. */
static void
round_trip(const struct pcap_file_writer_conf *conf, const uint8_t magic[4])
{
	struct pcap_file_reader *r;
	uint32_t snaplen = conf->snaplen ? conf->snaplen : PCAP_FILE_SNAPLEN_MAX;
	size_t len;
	uint8_t *buf;

	write_sample(conf);
	buf = slurp(tmp_path, &len);
	assert_memory_equal(buf, magic, 4);

	assert_int_equal(pcap_file_reader_open(&r, tmp_path, NULL, 0), 0);
	assert_int_equal(pcap_file_reader_big_endian(r), conf->big_endian);
	check_sample(r, conf->nsec, snaplen);
	pcap_file_reader_close(r);

	assert_int_equal(pcap_file_reader_open_mem(&r, buf, len, NULL, 0), 0);
	check_sample(r, conf->nsec, snaplen);
	pcap_file_reader_close(r);
	free(buf);
}

static void
test_round_trip_le_usec(void **state)
{
	static const uint8_t magic[4] = { 0xd4, 0xc3, 0xb2, 0xa1 };
	struct pcap_file_writer_conf conf = { 0 };

	(void)state;
	round_trip(&conf, magic);
}

static void
test_round_trip_be_usec(void **state)
{
	static const uint8_t magic[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	struct pcap_file_writer_conf conf = { .big_endian = true };

	(void)state;
	round_trip(&conf, magic);
}

static void
test_round_trip_le_nsec(void **state)
{
	static const uint8_t magic[4] = { 0x4d, 0x3c, 0xb2, 0xa1 };
	struct pcap_file_writer_conf conf = { .nsec = true };

	(void)state;
	round_trip(&conf, magic);
}

static void
test_round_trip_be_nsec(void **state)
{
	static const uint8_t magic[4] = { 0xa1, 0xb2, 0x3c, 0x4d };
	struct pcap_file_writer_conf conf = { .big_endian = true, .nsec = true };

	(void)state;
	round_trip(&conf, magic);
}

/* Frames longer than the snaplen keep their wire length but only snaplen bytes. */
static void
test_round_trip_snaplen_cut(void **state)
{
	static const uint8_t magic[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	struct pcap_file_writer_conf conf = { .big_endian = true, .snaplen = 64 };

	(void)state;
	round_trip(&conf, magic);
}

static void
test_writer_rejects_bad_arguments(void **state)
{
	struct pcap_file_writer_conf conf = { .snaplen = PCAP_FILE_SNAPLEN_MAX + 1 };
	struct pcap_file_writer *w;
	uint8_t f[4] = { 0 };

	(void)state;
	assert_int_equal(pcap_file_writer_open(&w, tmp_path, &conf), -EINVAL);
	assert_null(w);
	assert_int_equal(pcap_file_writer_open(&w, "/nonexistent-dir/x.pcap", NULL), -ENOENT);
	assert_int_equal(pcap_file_writer_open(&w, tmp_path, NULL), 0);
	assert_int_equal(pcap_file_writer_write(w, f, sizeof(f), 1, 1000000000u), -EINVAL);
	assert_int_equal(pcap_file_writer_write(w, f, sizeof(f), 1ull << 32, 0), -EINVAL);
	assert_int_equal(pcap_file_writer_close(w), 0);
	assert_int_equal(pcap_file_writer_close(NULL), 0);
}

/* A global header by hand, for the layouts the writer refuses to produce. */
static void
put_header(uint8_t h[PCAP_FILE_HDR_LEN], uint32_t magic, uint16_t major, uint32_t snaplen,
	   uint32_t linktype)
{
	memset(h, 0, PCAP_FILE_HDR_LEN);
	memcpy(h, &magic, 4); /* host order: the reader takes either */
	memcpy(h + 4, &major, 2);
	h[6] = 4;
	memcpy(h + 16, &snaplen, 4);
	memcpy(h + 20, &linktype, 4);
}

static int
open_bytes(const uint8_t *bytes, size_t len, struct pcap_file_reader **r, char *err,
	   size_t err_len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	rc = pcap_file_reader_open_mem(r, copy, len, err, err_len);
	pcap_file_reader_close(*r);
	*r = NULL;
	free(copy);
	return rc;
}

static void
test_truncated_header(void **state)
{
	uint8_t h[PCAP_FILE_HDR_LEN];
	struct pcap_file_reader *r;
	char err[256];

	(void)state;
	put_header(h, PCAP_FILE_MAGIC_USEC, 2, 65535, 1);
	for (size_t len = 0; len < PCAP_FILE_HDR_LEN; len++) {
		err[0] = '\0';
		assert_int_equal(open_bytes(h, len, &r, err, sizeof(err)), -EBADMSG);
		assert_null(r);
		assert_non_null(strstr(err, len < 4 ? "too short" : "truncated pcap file header"));
	}
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), 0);
}

static void
test_bad_magic_and_version(void **state)
{
	uint8_t h[PCAP_FILE_HDR_LEN];
	struct pcap_file_reader *r;
	char err[256];

	(void)state;
	put_header(h, 0x12345678, 2, 65535, 1);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "not a pcap file"));
	put_header(h, 0x0a0d0d0a, 2, 65535, 1);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "pcapng"));
	put_header(h, PCAP_FILE_MAGIC_USEC, 1, 65535, 1);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "version"));
}

static void
test_huge_snaplen_refused(void **state)
{
	uint8_t h[PCAP_FILE_HDR_LEN];
	struct pcap_file_reader *r;
	char err[256];

	(void)state;
	put_header(h, PCAP_FILE_MAGIC_USEC, 2, PCAP_FILE_SNAPLEN_MAX + 1, 1);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), -EMSGSIZE);
	assert_non_null(strstr(err, "snaplen"));
	put_header(h, PCAP_FILE_MAGIC_USEC, 2, 0xffffffffu, 1);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), -EMSGSIZE);
	/* What tcpdump writes today (262144) is fine. */
	put_header(h, PCAP_FILE_MAGIC_USEC, 2, PCAP_FILE_SNAPLEN_MAX, 1);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), 0);
}

static void
test_unsupported_linktype(void **state)
{
	uint8_t h[PCAP_FILE_HDR_LEN];
	struct pcap_file_reader *r;
	char err[256];

	(void)state;
	put_header(h, PCAP_FILE_MAGIC_USEC, 2, 65535, 101); /* raw IP */
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), -EPROTONOSUPPORT);
	assert_non_null(strstr(err, "link type 101"));
	/* FCS flag bits above the link type do not change the frames. */
	put_header(h, PCAP_FILE_MAGIC_USEC, 2, 65535, 0x14000001);
	assert_int_equal(open_bytes(h, sizeof(h), &r, err, sizeof(err)), 0);
}

static void
test_missing_file(void **state)
{
	struct pcap_file_reader *r;
	char err[256];

	(void)state;
	assert_int_equal(pcap_file_reader_open(&r, "/nonexistent/none.pcap", err, sizeof(err)),
			 -ENOENT);
	assert_null(r);
	assert_non_null(strstr(err, "cannot open"));
}

/* Read every record of @p buf; returns the count, *rc gets the final return value. */
static int
read_all(const uint8_t *buf, size_t len, int *rc, char *err, size_t err_len)
{
	struct pcap_file_reader *r;
	struct pcap_file_record rec;
	int n = 0;

	assert_int_equal(pcap_file_reader_open_mem(&r, buf, len, NULL, 0), 0);
	while ((*rc = pcap_file_reader_next(r, &rec)) == 1)
		n++;
	/* Errors are sticky. */
	assert_int_equal(pcap_file_reader_next(r, &rec), *rc);
	snprintf(err, err_len, "%s", pcap_file_reader_error(r));
	pcap_file_reader_close(r);
	return n;
}

static void
test_truncated_record_header(void **state)
{
	uint8_t *buf, *cut;
	size_t len, short_len;
	char err[256];
	int rc;

	(void)state;
	write_sample(NULL);
	buf = slurp(tmp_path, &len);
	/* Cut 10 bytes into the second record's header. */
	short_len = PCAP_FILE_HDR_LEN + PCAP_FILE_REC_HDR_LEN + frame_len[0] + 10;
	cut = malloc(short_len);
	assert_non_null(cut);
	memcpy(cut, buf, short_len);
	assert_int_equal(read_all(cut, short_len, &rc, err, sizeof(err)), 1);
	assert_int_equal(rc, -EBADMSG);
	assert_non_null(strstr(err, "record 2 at offset 110: truncated record header (10 of 16"));
	free(cut);
	free(buf);
}

static void
test_truncated_record(void **state)
{
	uint8_t *buf, *cut;
	size_t len, short_len;
	char err[256];
	int rc;

	(void)state;
	write_sample(NULL);
	buf = slurp(tmp_path, &len);
	/* The second record's header is whole, its 1514 bytes stop after 100. */
	short_len = PCAP_FILE_HDR_LEN + 2 * PCAP_FILE_REC_HDR_LEN + frame_len[0] + 100;
	cut = malloc(short_len);
	assert_non_null(cut);
	memcpy(cut, buf, short_len);
	assert_int_equal(read_all(cut, short_len, &rc, err, sizeof(err)), 1);
	assert_int_equal(rc, -EBADMSG);
	assert_non_null(strstr(err, "truncated record (100 of 1514 bytes"));
	free(cut);
	free(buf);
}

/* Every prefix of a valid file: records up to the cut, then a clean end or -EBADMSG. */
static void
test_every_prefix(void **state)
{
	uint8_t *buf;
	size_t len, end_of[N_FRAMES + 1];
	char err[256];

	(void)state;
	write_sample(NULL);
	buf = slurp(tmp_path, &len);
	end_of[0] = PCAP_FILE_HDR_LEN;
	for (int i = 0; i < N_FRAMES; i++)
		end_of[i + 1] = end_of[i] + PCAP_FILE_REC_HDR_LEN + frame_len[i];
	assert_int_equal(end_of[N_FRAMES], len);
	for (size_t cut = PCAP_FILE_HDR_LEN; cut <= len; cut++) {
		uint8_t *p = malloc(cut);
		int whole = 0, rc, n;
		bool boundary = false;

		assert_non_null(p);
		memcpy(p, buf, cut);
		for (int i = 0; i <= N_FRAMES; i++) {
			if (end_of[i] <= cut)
				whole = i;
			if (end_of[i] == cut)
				boundary = true;
		}
		n = read_all(p, cut, &rc, err, sizeof(err));
		assert_int_equal(n, whole);
		assert_int_equal(rc, boundary ? 0 : -EBADMSG);
		free(p);
	}
	free(buf);
}

static void
test_huge_record_refused(void **state)
{
	uint8_t f[PCAP_FILE_HDR_LEN + PCAP_FILE_REC_HDR_LEN + 8];
	uint32_t caplen = PCAP_FILE_SNAPLEN_MAX + 1;
	char err[256];
	int rc;

	(void)state;
	put_header(f, PCAP_FILE_MAGIC_USEC, 2, 65535, 1);
	memset(f + PCAP_FILE_HDR_LEN, 0, PCAP_FILE_REC_HDR_LEN + 8);
	memcpy(f + PCAP_FILE_HDR_LEN + 8, &caplen, 4);
	memcpy(f + PCAP_FILE_HDR_LEN + 12, &caplen, 4);
	assert_int_equal(read_all(f, sizeof(f), &rc, err, sizeof(err)), 0);
	assert_int_equal(rc, -EBADMSG);
	assert_non_null(strstr(err, "captured length 262145"));
}

/* An advert captured with 'tcpdump -i any': a 16-byte cooked header instead of Ethernet. */
static size_t
sll_record(uint8_t *out, uint16_t pkttype, uint16_t halen, const uint8_t *eth, size_t len)
{
	out[0] = (uint8_t)(pkttype >> 8);
	out[1] = (uint8_t)pkttype;
	out[2] = 0x00; /* ARPHRD_ETHER */
	out[3] = 0x01;
	out[4] = (uint8_t)(halen >> 8);
	out[5] = (uint8_t)halen;
	memset(out + 6, 0, 8);
	memcpy(out + 6, eth + 6, 6); /* the sender's MAC */
	memcpy(out + 14, eth + 12, len - 12); /* protocol, then the IP packet */
	return len + 2;
}

static void
test_sll_linktype(void **state)
{
	static const uint8_t carp[CARP_HDR_LEN] = { 0x21, 7, 0, 7, 0, 1 };
	struct pcap_file_writer_conf conf = { .linktype = PCAP_FILE_LINKTYPE_LINUX_SLL };
	uint8_t eth[CARP_ADVERT_V4_LEN], sll[CARP_ADVERT_V4_LEN + 2], mac[6];
	struct pcap_file_writer *w;
	struct pcap_file_reader *r;
	struct pcap_file_record rec;
	struct carp_rx_frame f;
	size_t n;

	(void)state;
	carp_vmac(7, mac);
	assert_int_equal(carp_build_advert4(eth, sizeof(eth), mac, 0x0a630002, 0x10, 1, carp),
			 CARP_ADVERT_V4_LEN);
	assert_int_equal(pcap_file_writer_open(&w, tmp_path, &conf), 0);
	n = sll_record(sll, 2, 6, eth, sizeof(eth)); /* multicast */
	assert_int_equal(pcap_file_writer_write(w, sll, (uint32_t)n, 1, 0), 0);
	n = sll_record(sll, 1, 6, eth, sizeof(eth)); /* broadcast */
	assert_int_equal(pcap_file_writer_write(w, sll, (uint32_t)n, 2, 0), 0);
	n = sll_record(sll, 0, 4, eth, sizeof(eth)); /* odd address length */
	assert_int_equal(pcap_file_writer_write(w, sll, (uint32_t)n, 3, 0), 0);
	assert_int_equal(pcap_file_writer_write(w, sll, 15, 4, 0), 0); /* runt */
	assert_int_equal(pcap_file_writer_close(w), 0);

	assert_int_equal(pcap_file_reader_open(&r, tmp_path, NULL, 0), 0);
	assert_int_equal(pcap_file_reader_linktype(r), PCAP_FILE_LINKTYPE_LINUX_SLL);

	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_true(rec.eth_dst_synthesised);
	assert_int_equal(rec.sll_pkttype, 2);
	assert_int_equal(rec.caplen, CARP_ADVERT_V4_LEN);
	assert_int_equal(rec.origlen, CARP_ADVERT_V4_LEN);
	assert_memory_equal(rec.data, "\0\0\0\0\0\0", 6);
	assert_memory_equal(rec.data + 6, eth + 6, CARP_ADVERT_V4_LEN - 6);
	assert_int_equal(carp_frame_parse(rec.data, rec.caplen, &f), CARP_DROP_NONE);
	assert_int_equal(f.src4, 0x0a630002);

	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_memory_equal(rec.data, "\xff\xff\xff\xff\xff\xff", 6);

	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_memory_equal(rec.data + 6, "\0\0\0\0\0\0", 6);
	assert_memory_equal(rec.data + 12, eth + 12, CARP_ADVERT_V4_LEN - 12);

	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_int_equal(rec.caplen, 0);

	assert_int_equal(pcap_file_reader_next(r, &rec), 0);
	pcap_file_reader_close(r);
}

/* The real capture of spec/captures: three 70-byte ucarp adverts. */
static void
test_spec_capture(void **state)
{
	struct pcap_file_reader *r;
	struct pcap_file_record rec;
	struct carp_rx_frame f;

	(void)state;
	assert_int_equal(pcap_file_reader_open(&r, SPEC_DIR "/captures/ucarp-advert.pcap", NULL,
					       0), 0);
	assert_false(pcap_file_reader_big_endian(r));
	assert_false(pcap_file_reader_nsec(r));
	assert_int_equal(pcap_file_reader_snaplen(r), 262144);
	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_int_equal(rec.ts_sec, 1795664234);
	assert_int_equal(rec.ts_nsec, 142176000);
	assert_int_equal(rec.caplen, 70);
	assert_int_equal(carp_frame_parse(rec.data, rec.caplen, &f), CARP_DROP_NONE);
	assert_int_equal(f.carp[1], 7);
	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_int_equal(pcap_file_reader_next(r, &rec), 1);
	assert_int_equal(rec.index, 3);
	assert_int_equal(pcap_file_reader_next(r, &rec), 0);
	pcap_file_reader_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_le_usec),
		cmocka_unit_test(test_round_trip_be_usec),
		cmocka_unit_test(test_round_trip_le_nsec),
		cmocka_unit_test(test_round_trip_be_nsec),
		cmocka_unit_test(test_round_trip_snaplen_cut),
		cmocka_unit_test(test_writer_rejects_bad_arguments),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_bad_magic_and_version),
		cmocka_unit_test(test_huge_snaplen_refused),
		cmocka_unit_test(test_unsupported_linktype),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_truncated_record_header),
		cmocka_unit_test(test_truncated_record),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_huge_record_refused),
		cmocka_unit_test(test_sll_linktype),
		cmocka_unit_test(test_spec_capture),
	};

	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
