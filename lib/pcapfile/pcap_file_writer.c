/* SPDX-License-Identifier: BSD-3-Clause */
#include "pcap_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct pcap_file_writer {
	FILE *fp;
	bool big_endian;
	bool nsec;
	uint32_t snaplen;
	int err; /* first write error, reported again by close */
};

static void
wr32(const struct pcap_file_writer *w, uint8_t *p, uint32_t v)
{
	if (w->big_endian) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
}

static void
wr16(const struct pcap_file_writer *w, uint8_t *p, uint16_t v)
{
	if (w->big_endian) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

static int
put(struct pcap_file_writer *w, const void *p, size_t n)
{
	errno = 0; /* fwrite need not set it: tell a real errno from a stale one */
	if (n && fwrite(p, 1, n, w->fp) != n) {
		if (!w->err)
			w->err = errno ? -errno : -EIO;
		return w->err;
	}
	return 0;
}

int
pcap_file_writer_open(struct pcap_file_writer **wp, const char *path,
		      const struct pcap_file_writer_conf *conf)
{
	static const struct pcap_file_writer_conf defaults;
	struct pcap_file_writer *w;
	uint8_t h[PCAP_FILE_HDR_LEN] = { 0 };
	int rc;

	*wp = NULL;
	if (conf == NULL)
		conf = &defaults;
	if (conf->snaplen > PCAP_FILE_SNAPLEN_MAX)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->big_endian = conf->big_endian;
	w->nsec = conf->nsec;
	w->snaplen = conf->snaplen ? conf->snaplen : PCAP_FILE_SNAPLEN_MAX;
	w->fp = fopen(path, "wb");
	if (w->fp == NULL) {
		rc = -errno;
		free(w);
		return rc;
	}
	wr32(w, h, conf->nsec ? PCAP_FILE_MAGIC_NSEC : PCAP_FILE_MAGIC_USEC);
	wr16(w, h + 4, PCAP_FILE_VERSION_MAJOR);
	wr16(w, h + 6, PCAP_FILE_VERSION_MINOR);
	/* h[8..15]: thiszone and sigfigs, always 0 in practice. */
	wr32(w, h + 16, w->snaplen);
	wr32(w, h + 20, conf->linktype ? conf->linktype : PCAP_FILE_LINKTYPE_ETHERNET);
	rc = put(w, h, sizeof(h));
	if (rc < 0) {
		fclose(w->fp);
		free(w);
		return rc;
	}
	*wp = w;
	return 0;
}

int
pcap_file_writer_write(struct pcap_file_writer *w, const void *frame, uint32_t len,
		       uint64_t ts_sec, uint32_t ts_nsec)
{
	uint8_t h[PCAP_FILE_REC_HDR_LEN];
	uint32_t caplen = len < w->snaplen ? len : w->snaplen;
	int rc;

	if (ts_nsec >= 1000000000u || ts_sec > UINT32_MAX)
		return -EINVAL;
	if (w->err)
		return w->err;
	wr32(w, h, (uint32_t)ts_sec);
	wr32(w, h + 4, w->nsec ? ts_nsec : ts_nsec / 1000u);
	wr32(w, h + 8, caplen);
	wr32(w, h + 12, len);
	rc = put(w, h, sizeof(h));
	if (rc == 0)
		rc = put(w, frame, caplen);
	return rc;
}

int
pcap_file_writer_close(struct pcap_file_writer *w)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = w->err;
	errno = 0;
	if (fclose(w->fp) != 0 && rc == 0)
		rc = errno ? -errno : -EIO;
	free(w);
	return rc;
}
