/* SPDX-License-Identifier: BSD-3-Clause */
#include "pcap_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAPNG_MAGIC 0x0a0d0d0au
#define SLL_PKTTYPE_BROADCAST 1

/* The file is either a stdio stream or a caller's buffer; both are read front to back. */
struct pcap_file_reader {
	FILE *fp;
	const uint8_t *mem;
	size_t mem_len;
	size_t mem_pos;
	uint64_t offset; /* bytes consumed so far */
	uint64_t count;  /* records handed out */
	bool big_endian;
	bool nsec;
	uint16_t linktype;
	uint32_t snaplen;
	uint8_t *buf;
	size_t buf_cap;
	int err;
	char errmsg[256];
};

static uint32_t
rd32(const struct pcap_file_reader *r, const uint8_t *p)
{
	if (r->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
rd16(const struct pcap_file_reader *r, const uint8_t *p)
{
	if (r->big_endian)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

/* SLL header fields are always big-endian, whatever the file's byte order. */
static uint16_t
rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
fail(struct pcap_file_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

/*
 * Read up to @p n bytes; returns how many arrived (short only at end of file) or a negative
 * errno. The caller decides whether a short read is a clean end or a truncation.
 */
static long
src_read(struct pcap_file_reader *r, void *dst, size_t n)
{
	size_t got;

	if (r->fp == NULL) {
		got = r->mem_len - r->mem_pos;
		if (got > n)
			got = n;
		memcpy(dst, r->mem + r->mem_pos, got);
		r->mem_pos += got;
	} else {
		got = fread(dst, 1, n, r->fp);
		if (got < n && ferror(r->fp))
			return -EIO;
	}
	r->offset += got;
	return (long)got;
}

static int
read_global_header(struct pcap_file_reader *r)
{
	uint8_t h[PCAP_FILE_HDR_LEN];
	uint32_t magic_le, magic_be;
	uint16_t major, minor;
	uint32_t net;
	long got = src_read(r, h, sizeof(h));

	if (got < 0)
		return fail(r, (int)got, "read error in the pcap file header");
	if (got < 4)
		return fail(r, -EBADMSG, "file too short for a pcap header (%ld of %d bytes)",
			    got, PCAP_FILE_HDR_LEN);
	magic_le = (uint32_t)h[3] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[1] << 8 | h[0];
	magic_be = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	if (magic_le == PCAP_FILE_MAGIC_USEC || magic_le == PCAP_FILE_MAGIC_NSEC) {
		r->big_endian = false;
		r->nsec = magic_le == PCAP_FILE_MAGIC_NSEC;
	} else if (magic_be == PCAP_FILE_MAGIC_USEC || magic_be == PCAP_FILE_MAGIC_NSEC) {
		r->big_endian = true;
		r->nsec = magic_be == PCAP_FILE_MAGIC_NSEC;
	} else if (magic_be == PCAPNG_MAGIC) {
		return fail(r, -EBADMSG, "pcapng is not supported; convert it with "
			    "'editcap -F pcap IN OUT' or capture with 'tcpdump -w'");
	} else {
		return fail(r, -EBADMSG, "not a pcap file (magic 0x%08x, expected 0xa1b2c3d4 or "
			    "0xa1b23c4d in either byte order)", magic_be);
	}
	if (got < PCAP_FILE_HDR_LEN)
		return fail(r, -EBADMSG, "truncated pcap file header (%ld of %d bytes)", got,
			    PCAP_FILE_HDR_LEN);
	major = rd16(r, h + 4);
	minor = rd16(r, h + 6);
	if (major != PCAP_FILE_VERSION_MAJOR)
		return fail(r, -EBADMSG, "unsupported pcap version %u.%u (expected 2.4)", major,
			    minor);
	r->snaplen = rd32(r, h + 16);
	if (r->snaplen > PCAP_FILE_SNAPLEN_MAX)
		return fail(r, -EMSGSIZE, "snaplen %u is larger than the %u bytes this reader "
			    "accepts (corrupt header?)", r->snaplen, PCAP_FILE_SNAPLEN_MAX);
	/* Bits 16..31 of the link type word carry FCS flags that do not change the frames. */
	net = rd32(r, h + 20);
	r->linktype = (uint16_t)net;
	if (r->linktype != PCAP_FILE_LINKTYPE_ETHERNET &&
	    r->linktype != PCAP_FILE_LINKTYPE_LINUX_SLL)
		return fail(r, -EPROTONOSUPPORT, "link type %u is not supported (only Ethernet "
			    "(1) and Linux cooked capture (113))", r->linktype);
	return 0;
}

static int
reader_init(struct pcap_file_reader *r, char *err, size_t err_len)
{
	int rc = read_global_header(r);

	if (rc < 0 && err != NULL && err_len > 0)
		snprintf(err, err_len, "%s", r->errmsg);
	return rc;
}

int
pcap_file_reader_open(struct pcap_file_reader **rp, const char *path, char *err,
		      size_t err_len)
{
	struct pcap_file_reader *r;
	int rc;

	*rp = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->fp = fopen(path, "rb");
	if (r->fp == NULL) {
		rc = -errno;
		if (err != NULL && err_len > 0)
			snprintf(err, err_len, "cannot open: %s", strerror(errno));
		free(r);
		return rc;
	}
	rc = reader_init(r, err, err_len);
	if (rc < 0) {
		pcap_file_reader_close(r);
		return rc;
	}
	*rp = r;
	return 0;
}

int
pcap_file_reader_open_mem(struct pcap_file_reader **rp, const void *buf, size_t len, char *err,
			  size_t err_len)
{
	struct pcap_file_reader *r;
	int rc;

	*rp = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->mem = buf;
	r->mem_len = buf == NULL ? 0 : len;
	rc = reader_init(r, err, err_len);
	if (rc < 0) {
		pcap_file_reader_close(r);
		return rc;
	}
	*rp = r;
	return 0;
}

static int
reserve(struct pcap_file_reader *r, size_t n)
{
	uint8_t *p;

	if (n <= r->buf_cap)
		return 0;
	p = realloc(r->buf, n);
	if (p == NULL)
		return -ENOMEM;
	r->buf = p;
	r->buf_cap = n;
	return 0;
}

/*
 * Rewrite a cooked record into an Ethernet frame in place: the 16-byte SLL header becomes a
 * 14-byte Ethernet header ending where SLL's protocol field ends, so the payload stays put.
 */
static void
sll_to_ether(struct pcap_file_record *rec, uint8_t *p)
{
	uint16_t pkttype = rd16be(p);
	uint16_t halen = rd16be(p + 4);
	uint8_t src[6] = { 0 };
	uint8_t *eth = p + 2;

	if (halen == 6)
		memcpy(src, p + 6, 6);
	/* eth[12..13] is SLL's protocol field already. */
	memset(eth, pkttype == SLL_PKTTYPE_BROADCAST ? 0xff : 0x00, 6);
	memcpy(eth + 6, src, 6);
	rec->sll_pkttype = pkttype;
	rec->eth_dst_synthesised = true;
	rec->data = eth;
	rec->caplen -= 2;
	rec->origlen = rec->origlen >= 2 ? rec->origlen - 2 : 0;
}

int
pcap_file_reader_next(struct pcap_file_reader *r, struct pcap_file_record *rec)
{
	uint8_t h[PCAP_FILE_REC_HDR_LEN];
	uint64_t off = r->offset;
	uint32_t caplen, frac;
	long got;

	if (r->err)
		return r->err;
	memset(rec, 0, sizeof(*rec));
	got = src_read(r, h, sizeof(h));
	if (got < 0)
		return fail(r, (int)got, "read error at offset %llu", (unsigned long long)off);
	if (got == 0)
		return 0;
	if (got < PCAP_FILE_REC_HDR_LEN)
		return fail(r, -EBADMSG, "record %llu at offset %llu: truncated record header "
			    "(%ld of %d bytes)", (unsigned long long)r->count + 1,
			    (unsigned long long)off, got, PCAP_FILE_REC_HDR_LEN);
	caplen = rd32(r, h + 8);
	/*
	 * A captured length above the file's snaplen is tolerated (some writers store a small
	 * snaplen and whole frames); only the hard limit protects us.
	 */
	if (caplen > PCAP_FILE_SNAPLEN_MAX)
		return fail(r, -EBADMSG, "record %llu at offset %llu: captured length %u is "
			    "larger than %u bytes (corrupt file?)",
			    (unsigned long long)r->count + 1, (unsigned long long)off, caplen,
			    PCAP_FILE_SNAPLEN_MAX);
	if (reserve(r, caplen ? caplen : 1) < 0)
		return fail(r, -ENOMEM, "out of memory");
	got = src_read(r, r->buf, caplen);
	if (got < 0)
		return fail(r, (int)got, "read error at offset %llu", (unsigned long long)off);
	if ((uint32_t)got < caplen)
		return fail(r, -EBADMSG, "record %llu at offset %llu: truncated record (%ld of "
			    "%u bytes; the capture was cut off)", (unsigned long long)r->count + 1,
			    (unsigned long long)off, got, caplen);
	r->count++;
	frac = rd32(r, h + 4);
	rec->index = r->count;
	rec->offset = off;
	rec->ts_sec = rd32(r, h);
	rec->ts_nsec = r->nsec ? frac : frac * 1000u;
	rec->data = r->buf;
	rec->caplen = caplen;
	rec->origlen = rd32(r, h + 12);
	if (r->linktype == PCAP_FILE_LINKTYPE_LINUX_SLL) {
		if (caplen >= PCAP_FILE_SLL_HDR_LEN) {
			sll_to_ether(rec, r->buf);
		} else {
			/* Not even a cooked header: an empty frame rather than SLL bytes. */
			rec->eth_dst_synthesised = true;
			rec->caplen = 0;
		}
	}
	return 1;
}

const char *
pcap_file_reader_error(const struct pcap_file_reader *r)
{
	return r->errmsg;
}

uint16_t
pcap_file_reader_linktype(const struct pcap_file_reader *r)
{
	return r->linktype;
}

uint32_t
pcap_file_reader_snaplen(const struct pcap_file_reader *r)
{
	return r->snaplen;
}

bool
pcap_file_reader_nsec(const struct pcap_file_reader *r)
{
	return r->nsec;
}

bool
pcap_file_reader_big_endian(const struct pcap_file_reader *r)
{
	return r->big_endian;
}

void
pcap_file_reader_close(struct pcap_file_reader *r)
{
	if (r == NULL)
		return;
	if (r->fp != NULL)
		fclose(r->fp);
	free(r->buf);
	free(r);
}
