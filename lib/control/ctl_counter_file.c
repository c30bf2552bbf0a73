/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_counter_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
ctl_counter_file_parse(const char *buf, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	*out = 0;
	/* Decimal digits, then an optional newline, then nothing: what store writes. */
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (v > (UINT64_MAX - (uint64_t)(buf[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	if (i == 0 || i > 20)
		return -EINVAL;
	if (i < len && buf[i] == '\n')
		i++;
	if (i != len)
		return -EINVAL;
	*out = v;
	return 0;
}

int
ctl_counter_file_load(const char *path, uint64_t *out)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*out = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -EIO;
	return ctl_counter_file_parse(buf, (size_t)n, out);
}

/* The directory part of @p path, created (one level) when missing. */
static int
ensure_dir(const char *path, char *dir, size_t cap)
{
	char *slash;

	snprintf(dir, cap, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return -EINVAL;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
ctl_counter_file_store(const char *path, uint64_t value)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 8], text[32];
	int fd, len, rc;

	rc = ensure_dir(path, dir, sizeof(dir));
	if (rc)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	len = snprintf(text, sizeof(text), "%" PRIu64 "\n", value);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc ? rc : -EIO;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		rc = -errno;
		unlink(tmp);
		return rc;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) { /* the rename itself must reach the disk */
		fsync(fd);
		close(fd);
	}
	return 0;
}
