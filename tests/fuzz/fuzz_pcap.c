/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the pcap reader (what carp-inspect opens) on any bytes. Every record
 * handed out lies within the buffer, with caplen within the snaplen bound; a file never
 * yields more records than its bytes allow.
 */
#include <stdlib.h>

#include "pcap_file.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_file_reader *r = NULL;
	struct pcap_file_record rec;
	char err[256];
	uint64_t n = 0;
	int rc;

	if (pcap_file_reader_open_mem(&r, data, size, err, sizeof(err)) != 0)
		return 0;
	while ((rc = pcap_file_reader_next(r, &rec)) > 0) {
		if (rec.caplen > PCAP_FILE_SNAPLEN_MAX || ++n > size / PCAP_FILE_REC_HDR_LEN)
			abort();
		if (rec.caplen && rec.data == NULL)
			abort();
		/* Touch every byte: ASan reports any that lie outside what was read. */
		for (uint32_t i = 0; i < rec.caplen; i++)
			((volatile const uint8_t *)rec.data)[i];
	}
	pcap_file_reader_close(r);
	return 0;
}
