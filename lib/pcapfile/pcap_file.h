/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PCAP_FILE_H
#define PCAP_FILE_H

/**
 * @file
 * Classic pcap files (the tcpdump format, not pcapng) without libpcap: a reader for
 * captures taken on real networks and a writer for tests and golden files.
 *
 * The reader accepts both byte orders, microsecond (0xa1b2c3d4) and nanosecond
 * (0xa1b23c4d) timestamps, and the link types Ethernet (1) and Linux cooked capture
 * (SLL, 113, what `tcpdump -i any` writes). Every record is handed out as an Ethernet
 * frame: SLL records are rewritten in place into a 14-byte Ethernet header, so a caller
 * has one parser for both (see struct pcap_file_record for what is synthesised).
 *
 * The reader never trusts a length from the file: a snaplen above PCAP_FILE_SNAPLEN_MAX is
 * refused, a record longer than that limit or cut short by the end of the file is an error,
 * and no byte past what was read is ever touched.
 *
 * Functions return 0 or a negative errno value, as in DPDK; pcap_file_reader_next() returns
 * 1 for a record and 0 at the end of the file. After a reader error,
 * pcap_file_reader_error() gives a sentence for the operator.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_FILE_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_FILE_MAGIC_NSEC 0xa1b23c4du
#define PCAP_FILE_HDR_LEN 24
#define PCAP_FILE_REC_HDR_LEN 16
#define PCAP_FILE_VERSION_MAJOR 2
#define PCAP_FILE_VERSION_MINOR 4
/* No link we read has frames near this; a larger value means a corrupt or hostile file. */
#define PCAP_FILE_SNAPLEN_MAX (256u * 1024u)

#define PCAP_FILE_LINKTYPE_ETHERNET 1
#define PCAP_FILE_LINKTYPE_LINUX_SLL 113
#define PCAP_FILE_SLL_HDR_LEN 16

/** One record, always as an Ethernet frame. Valid until the next call on the reader. */
struct pcap_file_record {
	uint64_t index;      /* 1 for the first record of the file */
	uint64_t offset;     /* file offset of the 16-byte record header */
	uint64_t ts_sec;     /* seconds since the epoch */
	uint32_t ts_nsec;    /* nanoseconds, also for microsecond files (then a multiple of 1000) */
	const uint8_t *data; /* Ethernet header first */
	uint32_t caplen;     /* bytes at data */
	/*
	 * Length of the frame on the wire, from the record header (SLL: minus the 2 bytes by
	 * which the cooked header is longer than an Ethernet header). caplen < origlen means
	 * the capture's snaplen cut the frame short.
	 */
	uint32_t origlen;
	/*
	 * LINUX_SLL only: the cooked header carries no destination MAC, so the synthesised
	 * Ethernet destination is ff:ff:ff:ff:ff:ff for packets Linux marked as broadcast and
	 * 00:00:00:00:00:00 otherwise, and the source is the captured link-layer address (zeros
	 * when it is not 6 bytes long). sll_pkttype is Linux's packet type (0 host,
	 * 1 broadcast, 2 multicast, 3 other host, 4 outgoing). A cooked record shorter than
	 * its 16-byte header is handed out with caplen 0.
	 */
	bool eth_dst_synthesised;
	uint16_t sll_pkttype;
};

struct pcap_file_reader;

/**
 * Open @p path and read its global header.
 * @return 0 with *@p r set, -errno from open/read (e.g. -ENOENT), -EBADMSG for a file that
 *   is not classic pcap or whose header is truncated, -EMSGSIZE for a snaplen above
 *   PCAP_FILE_SNAPLEN_MAX, -EPROTONOSUPPORT for a link type other than Ethernet or SLL,
 *   -ENOMEM. On error *@p r is NULL and @p err (when not NULL, @p err_len bytes) receives
 *   a sentence for the operator.
 */
int pcap_file_reader_open(struct pcap_file_reader **r, const char *path, char *err,
			  size_t err_len);

/**
 * Same as pcap_file_reader_open() over @p len bytes at @p buf, which must stay valid and
 * unchanged until pcap_file_reader_close(). Nothing is read past @p buf + @p len.
 */
int pcap_file_reader_open_mem(struct pcap_file_reader **r, const void *buf, size_t len,
			      char *err, size_t err_len);

/**
 * Read the next record into @p rec.
 * @return 1 with @p rec filled, 0 at a clean end of file, -EBADMSG for a truncated record
 *   header, a truncated record or a captured length above PCAP_FILE_SNAPLEN_MAX, -EIO for
 *   a read error. Errors are sticky: every later call returns the same value.
 */
int pcap_file_reader_next(struct pcap_file_reader *r, struct pcap_file_record *rec);

/** The operator sentence of the last error, or "" when there was none. */
const char *pcap_file_reader_error(const struct pcap_file_reader *r);

/** Link type of the file as stored (PCAP_FILE_LINKTYPE_*), before any SLL conversion. */
uint16_t pcap_file_reader_linktype(const struct pcap_file_reader *r);

/** Snapshot length from the global header. */
uint32_t pcap_file_reader_snaplen(const struct pcap_file_reader *r);

/** True when the file has nanosecond timestamps (magic 0xa1b23c4d). */
bool pcap_file_reader_nsec(const struct pcap_file_reader *r);

/** True when the file is big-endian. */
bool pcap_file_reader_big_endian(const struct pcap_file_reader *r);

/** Close the file and free the reader. NULL is accepted. */
void pcap_file_reader_close(struct pcap_file_reader *r);

/** How pcap_file_writer_open() lays out a file. A zeroed struct is valid (see fields). */
struct pcap_file_writer_conf {
	bool big_endian; /* false: little-endian, what tcpdump on x86 writes */
	bool nsec;       /* nanosecond magic 0xa1b23c4d instead of microseconds */
	uint32_t snaplen; /* 0: PCAP_FILE_SNAPLEN_MAX; frames longer are cut to it */
	uint16_t linktype; /* 0: Ethernet. Frames are written as given, no conversion */
};

struct pcap_file_writer;

/**
 * Create (or truncate) @p path and write the global header. @p conf NULL means a zeroed
 * configuration: little-endian, microseconds, snaplen PCAP_FILE_SNAPLEN_MAX, Ethernet.
 * @return 0 with *@p w set, -EINVAL for a snaplen above PCAP_FILE_SNAPLEN_MAX, -errno
 *   from open/write, -ENOMEM.
 */
int pcap_file_writer_open(struct pcap_file_writer **w, const char *path,
			  const struct pcap_file_writer_conf *conf);

/**
 * Append one frame of @p len bytes with timestamp @p ts_sec + @p ts_nsec (rounded down to
 * microseconds in a microsecond file). The record keeps @p len as the wire length and
 * stores at most snaplen bytes.
 * @return 0, -EINVAL for ts_nsec >= 10^9 or a timestamp beyond 32-bit seconds, -errno from
 *   write (e.g. -ENOSPC).
 */
int pcap_file_writer_write(struct pcap_file_writer *w, const void *frame, uint32_t len,
			   uint64_t ts_sec, uint32_t ts_nsec);

/**
 * Flush and close the file and free the writer. NULL is accepted.
 * @return 0, or -errno when buffered data could not be written (the file is incomplete).
 */
int pcap_file_writer_close(struct pcap_file_writer *w);

#endif
