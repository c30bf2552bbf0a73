/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static bool
errors_push(struct carp_config_errors *e, unsigned int line, unsigned int col, char *text)
{
	if (e->n == e->cap) {
		unsigned int cap = e->cap ? e->cap * 2 : 8;
		struct carp_config_error *v = realloc(e->v, cap * sizeof(*v));

		if (v == NULL)
			return false;
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n].line = line;
	e->v[e->n].column = col;
	e->v[e->n].text = text;
	e->n++;
	return true;
}

void
cfg_error(struct cfg_ctx *ctx, struct cfg_mark at, const char *key, const char *valid,
	  const char *fmt, ...)
{
	char *msg = NULL, *text = NULL;
	char where[64] = "";
	char keypart[64] = "";
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		ctx->oom = true;
		return;
	}
	if (at.line)
		snprintf(where, sizeof(where), ":%u:%u", at.line, at.col);
	if (key)
		snprintf(keypart, sizeof(keypart), "key '%s': ", key);
	rc = asprintf(&text, "%s%s: %s%s%s%s", ctx->name, where, keypart, msg,
		      valid ? "; valid: " : "", valid ? valid : "");
	free(msg);
	if (rc < 0) {
		ctx->oom = true;
		return;
	}
	if (!errors_push(ctx->errs, at.line, at.col, text)) {
		free(text);
		ctx->oom = true;
	}
}

static int
cmp_pos(const struct carp_config_error *a, const struct carp_config_error *b)
{
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return 0;
}

void
cfg_errors_sort(struct carp_config_errors *e)
{
	/*
	 * Insertion sort: stable, so two problems at one spot keep the order they were found
	 * in, and lists are short (one per mistake in a hand-written file).
	 */
	for (unsigned int i = 1; i < e->n; i++) {
		struct carp_config_error x = e->v[i];
		unsigned int j = i;

		while (j > 0 && cmp_pos(&e->v[j - 1], &x) > 0) {
			e->v[j] = e->v[j - 1];
			j--;
		}
		e->v[j] = x;
	}
}

void
carp_config_errors_free(struct carp_config_errors *e)
{
	if (e == NULL)
		return;
	for (unsigned int i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

void
carp_config_errors_print(const struct carp_config_errors *e, FILE *fp)
{
	if (e == NULL)
		return;
	for (unsigned int i = 0; i < e->n; i++)
		fprintf(fp, "%s\n", e->v[i].text);
}
