/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Passphrases become keys exactly as ifconfig and ucarp make them (spec §3.1): the bytes,
 * unhashed, zero padded to 20. Anything that would make ours differ from a peer's silently
 * (more than 19 bytes, a NUL inside) is refused instead, and passphrase_file is read now
 * so a missing file stops the load rather than a running node.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_internal.h"

#define PASS_VALID "at most 19 bytes: every CARP implementation truncates the key there, " \
		   "so a longer one would silently differ from peers"

int
cfg_read_first_line(const char *path, char **line, size_t *len)
{
	FILE *fp = fopen(path, "re");
	struct stat st;
	size_t cap = 0;
	ssize_t n;
	int err;

	*line = NULL;
	*len = 0;
	if (fp == NULL)
		return -errno;
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return CFG_NOT_REGULAR;
	}
	errno = 0;
	n = getline(line, &cap, fp);
	err = errno;
	fclose(fp);
	if (n < 0) {
		if (*line)
			explicit_bzero(*line, cap);
		free(*line);
		*line = NULL;
		if (err == 0) {
			*len = 0; /* an empty file */
			return 0;
		}
		return -err;
	}
	if (n > 0 && (*line)[n - 1] == '\n')
		(*line)[--n] = '\0';
	*len = (size_t)n;
	return 0;
}

char *
cfg_resolve_path(struct cfg_ctx *ctx, const char *file)
{
	char *path = NULL;

	if (file[0] == '/' || ctx->base_dir == NULL)
		return strdup(file);
	if (asprintf(&path, "%s/%s", ctx->base_dir, file) < 0)
		return NULL;
	return path;
}

static bool
from_file(struct cfg_ctx *ctx, const struct cfg_vhid_src *s, char **pass, size_t *len)
{
	char *path = cfg_resolve_path(ctx, s->passfile);
	int rc;

	if (path == NULL) {
		ctx->oom = true;
		return false;
	}
	rc = cfg_read_first_line(path, pass, len);
	if (rc < 0) {
		cfg_error(ctx, s->passfile_at, "passphrase_file", "a readable file",
			  "cannot read '%s': %s", path, strerror(-rc));
	} else if (rc == CFG_NOT_REGULAR) {
		cfg_error(ctx, s->passfile_at, "passphrase_file", "a regular file",
			  "'%s' is not a regular file", path);
	} else if (*len == 0) {
		cfg_error(ctx, s->passfile_at, "passphrase_file",
			  "a file whose first line holds 1..19 bytes",
			  "the first line of '%s' is empty; for no authentication write "
			  "passphrase: \"\" instead", path);
	} else if (*len > CARP_PASS_MAX) {
		cfg_error(ctx, s->passfile_at, "passphrase_file", PASS_VALID,
			  "the first line of '%s' is %zu bytes", path, *len);
	} else if (strlen(*pass) != *len) {
		cfg_error(ctx, s->passfile_at, "passphrase_file", "a line without NUL bytes",
			  "the first line of '%s' contains a NUL byte", path);
	} else {
		free(path);
		return true;
	}
	free(path);
	if (*pass)
		explicit_bzero(*pass, *len);
	free(*pass);
	*pass = NULL;
	return false;
}

void
cfg_vhid_key(struct cfg_ctx *ctx, struct carp_config_vhid *v, const struct cfg_vhid_src *s)
{
	char *owned = NULL;
	const char *pass;
	size_t len = 0;

	if (s->pass_key.line && s->passfile_key.line) {
		bool file_last = s->passfile_key.line > s->pass_key.line ||
				 (s->passfile_key.line == s->pass_key.line &&
				  s->passfile_key.col > s->pass_key.col);

		cfg_error(ctx, file_last ? s->passfile_key : s->pass_key,
			  file_last ? "passphrase_file" : "passphrase",
			  "exactly one of passphrase and passphrase_file",
			  "passphrase and passphrase_file are both given (the other at line %u)",
			  file_last ? s->pass_key.line : s->passfile_key.line);
		return;
	}
	if (!s->pass_key.line && !s->passfile_key.line) {
		/* No silent "no key": an unauthenticated VHID has to be asked for. */
		cfg_error(ctx, s->at, "passphrase", "passphrase (at most 19 bytes) or "
			  "passphrase_file; passphrase: \"\" for no authentication",
			  "required key missing from this VHID");
		return;
	}
	if (s->pass_at.line) {
		pass = s->pass;
		len = s->pass_len;
		if (len > CARP_PASS_MAX) {
			cfg_error(ctx, s->pass_at, "passphrase", PASS_VALID,
				  "the passphrase is %zu bytes", len);
			return;
		}
	} else if (s->passfile_at.line) {
		if (!from_file(ctx, s, &owned, &len))
			return;
		pass = owned;
	} else {
		return; /* given but unusable: already reported */
	}
	if (len == 0 && v->profile == CARP_PROFILE_UCARP && !s->profile_bad) {
		cfg_error(ctx, s->pass_at, "passphrase", "1..19 bytes with profile ucarp",
			  "ucarp refuses to run without a passphrase, so an empty one cannot "
			  "match a ucarp peer");
		return;
	}
	carp_key_from_passphrase(&v->key, pass, len);
	v->has_key = len > 0;
	if (owned) {
		explicit_bzero(owned, len);
		free(owned);
	}
}
