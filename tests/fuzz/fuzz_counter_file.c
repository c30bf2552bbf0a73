/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the replay counter file's parser. Whatever the file holds, the parse
 * is a number written back identically, or an error with 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_counter_file.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = 1;
	char text[32];

	if (ctl_counter_file_parse((const char *)data, size, &v) != 0) {
		if (v != 0)
			abort();
		return 0;
	}
	snprintf(text, sizeof(text), "%" PRIu64, v);
	/* Leading zeros aside, the digits are the number. */
	{
		size_t i = 0, n = size && data[size - 1] == '\n' ? size - 1 : size;

		while (i + 1 < n && data[i] == '0')
			i++;
		if (n - i != strlen(text) || memcmp(data + i, text, n - i) != 0)
			abort();
	}
	return 0;
}
