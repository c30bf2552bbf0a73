/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_CTL_COUNTER_FILE_H
#define CARP_CTL_COUNTER_FILE_H

/**
 * @file
 * The file that keeps replay-protection counters growing across restarts even when the
 * wall clock goes back: it holds a sequence number no advert has reached yet (a
 * reservation). At start the sequence begins above both the clock and the file; the
 * file is then moved CTL_COUNTER_RESERVE ahead, and again whenever adverts reach it, so
 * a restart after a crash still starts above everything sent. Written as a new file,
 * fsync'ed and renamed over the old one: a crash leaves the old or the new, never half.
 */

#include <stddef.h>
#include <stdint.h>

#define CTL_COUNTER_RESERVE (1ull << 22) /* 4 M adverts: hours at the fastest setting */

/**
 * Read the reservation from @p path into @p out (0 when the file does not exist).
 * Returns 0, or a negative errno when it exists but cannot be read or holds no number.
 */
int ctl_counter_file_load(const char *path, uint64_t *out);

/**
 * Parse the file's text (@p len bytes at @p buf): decimal digits and an optional newline.
 * Returns 0, -EINVAL or -ERANGE (with *out 0).
 */
int ctl_counter_file_parse(const char *buf, size_t len, uint64_t *out);

/** Store @p value in @p path (its directory is created if missing). 0 or -errno. */
int ctl_counter_file_store(const char *path, uint64_t value);

#endif
