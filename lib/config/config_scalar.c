/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed scalars. YAML 1.1 and 1.2 disagree on what "010", "on" or "0x1F" mean and libyaml
 * resolves nothing, so the accepted spellings are narrow and stated in every message:
 * integers are unquoted decimal without sign or leading zero, booleans are
 * true/false/yes/no/on/off. A quoted "5" is a string in YAML; taking it as a number would
 * hide a mistake elsewhere (a quoted list item, a template gone wrong), so it is refused.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

#define SHOW_MAX 40

const char *
cfg_show(const yaml_node_t *n, char *buf, size_t cap)
{
	const unsigned char *s = n->data.scalar.value;
	size_t len = n->data.scalar.length, o = 0;

	if (cap == 0)
		return buf;
	for (size_t i = 0; i < len && i < SHOW_MAX; i++) {
		char tmp[8];
		int w;

		if (isprint(s[i]) && s[i] != '\\')
			w = snprintf(tmp, sizeof(tmp), "%c", s[i]);
		else
			w = snprintf(tmp, sizeof(tmp), "\\x%02x", s[i]);
		if (o + (size_t)w + 4 >= cap)
			break;
		memcpy(buf + o, tmp, (size_t)w);
		o += (size_t)w;
	}
	if (len > SHOW_MAX && o + 4 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

const char *
cfg_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_SCALAR_NODE:
		return cfg_is_null(n) ? "nothing (null)" : "a scalar";
	default:
		return "an empty node";
	}
}

bool
cfg_is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/*
 * A scalar that must be typed by its text: reject other node kinds, nulls and quoted
 * strings with one message shape. Returns the text or NULL.
 */
static const char *
plain_scalar(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key, const char *type,
	     const char *valid)
{
	char show[64];

	if (n->type != YAML_SCALAR_NODE || cfg_is_null(n)) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "expected %s, found %s", type,
			  cfg_kind(n));
		return NULL;
	}
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		cfg_error(ctx, cfg_mark_of(n), key, valid,
			  "\"%s\" is a quoted string, expected %s (write it without quotes)",
			  cfg_show(n, show, sizeof(show)), type);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

bool
cfg_get_uint(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key, unsigned long min,
	     unsigned long max, unsigned long *out)
{
	char valid[64], show[64];
	const char *s;
	unsigned long v = 0;
	bool overflow = false;

	snprintf(valid, sizeof(valid), "an integer %lu..%lu", min, max);
	s = plain_scalar(ctx, n, key, "an integer", valid);
	if (s == NULL)
		return false;
	cfg_show(n, show, sizeof(show));
	if (s[0] == '-' && isdigit((unsigned char)s[1])) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "'%s' is negative", show);
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p)) {
			cfg_error(ctx, cfg_mark_of(n), key, valid,
				  "'%s' is not a decimal integer", show);
			return false;
		}
		if (v > (~0ul - 9) / 10)
			overflow = true; /* keep scanning: junk after the digits wins */
		else
			v = v * 10 + (unsigned long)(*p - '0');
	}
	if (s[0] == '0' && s[1] != '\0') {
		cfg_error(ctx, cfg_mark_of(n), key, valid,
			  "'%s' has a leading zero, which YAML 1.1 reads as octal; "
			  "write it without", show);
		return false;
	}
	if (overflow || v < min || v > max) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "%s is out of range", show);
		return false;
	}
	*out = v;
	return true;
}

bool
cfg_get_pow2(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key, unsigned long min,
	     unsigned long max, uint16_t *out)
{
	unsigned long v;
	char valid[80];

	if (!cfg_get_uint(ctx, n, key, min, max, &v))
		return false;
	if (v & (v - 1)) {
		/* NIC rings index with a mask; most PMDs refuse other sizes at queue setup. */
		snprintf(valid, sizeof(valid), "a power of two %lu..%lu", min, max);
		cfg_error(ctx, cfg_mark_of(n), key, valid, "%lu is not a power of two", v);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

bool
cfg_get_bool(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	const char *valid = "true, false, yes, no, on, off";
	const char *s = plain_scalar(ctx, n, key, "a boolean", valid);
	char show[64];

	if (s == NULL)
		return false;
	for (unsigned int i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	cfg_error(ctx, cfg_mark_of(n), key, valid, "'%s' is not a boolean",
		  cfg_show(n, show, sizeof(show)));
	return false;
}

bool
cfg_get_str(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key, const char **s,
	    size_t *len)
{
	if (n->type != YAML_SCALAR_NODE || cfg_is_null(n)) {
		cfg_error(ctx, cfg_mark_of(n), key, "a string", "expected a string, found %s",
			  cfg_kind(n));
		return false;
	}
	/* Only a "\0" escape gets one in; C strings (and strlcpy'd CARP keys) end there. */
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		cfg_error(ctx, cfg_mark_of(n), key, "a string without NUL bytes",
			  "the string contains a NUL byte");
		return false;
	}
	*s = (const char *)n->data.scalar.value;
	*len = n->data.scalar.length;
	return true;
}

bool
cfg_get_enum(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
	     const char *const *names, unsigned int count, unsigned int *out)
{
	char valid[160], show[64];
	const char *s;
	size_t len;

	cfg_join(valid, sizeof(valid), names, count);
	if (n->type != YAML_SCALAR_NODE || cfg_is_null(n)) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "expected one word, found %s",
			  cfg_kind(n));
		return false;
	}
	if (!cfg_get_str(ctx, n, key, &s, &len))
		return false;
	for (unsigned int i = 0; i < count; i++) {
		if (strlen(names[i]) == len && memcmp(s, names[i], len) == 0) {
			*out = i;
			return true;
		}
	}
	cfg_error(ctx, cfg_mark_of(n), key, valid, "unknown value '%s'",
		  cfg_show(n, show, sizeof(show)));
	return false;
}

bool
cfg_get_profile(struct cfg_ctx *ctx, const yaml_node_t *n, const char *key,
		enum carp_profile *out)
{
	const char *names[CARP_PROFILE_COUNT];
	unsigned int i;

	/* The protocol core owns the list, so a new profile needs no change here. */
	for (i = 0; i < CARP_PROFILE_COUNT; i++)
		names[i] = carp_profile_name((enum carp_profile)i);
	if (!cfg_get_enum(ctx, n, key, names, CARP_PROFILE_COUNT, &i))
		return false;
	*out = (enum carp_profile)carp_profile_from_name(names[i]);
	return true;
}
