/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mappings and sequences of the libyaml document, checked the same way wherever the schema
 * has one: unknown and repeated keys, missing required keys, list lengths.
 */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

#define KEYS_MAX 16 /* keys of the largest mapping of the schema (global: 13), and room */

struct cfg_mark
cfg_mark_of(const yaml_node_t *n)
{
	return (struct cfg_mark){ .line = (unsigned int)n->start_mark.line + 1,
				  .col = (unsigned int)n->start_mark.column + 1 };
}

yaml_node_t *
cfg_node(struct cfg_ctx *ctx, int id)
{
	return yaml_document_get_node(ctx->doc, id);
}

void
cfg_join(char *buf, size_t cap, const char *const *names, unsigned int n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && o < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", names[i]);
}

/* Edit distance, to suggest the key a typo meant ("advskw" -> "advskew"). */
static unsigned int
distance(const char *a, const char *b)
{
	unsigned int row[32], la = (unsigned int)strlen(a), lb = (unsigned int)strlen(b);

	if (la >= 31 || lb >= 31)
		return ~0u;
	for (unsigned int j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned int i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = i;
		for (unsigned int j = 1; j <= lb; j++) {
			unsigned int up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/*
 * Collect a mapping's values into vals[] by key index. Unknown and repeated keys are
 * reported at the key; libyaml keeps duplicates, YAML forbids them, and silently taking
 * the first or the last would hide which one the operator meant.
 */
bool
cfg_map_collect(struct cfg_ctx *ctx, yaml_node_t *map, const char *key,
		const char *const *keys, unsigned int n, yaml_node_t **vals,
		struct cfg_mark *key_at)
{
	struct cfg_mark first[KEYS_MAX];
	char valid[200];

	cfg_join(valid, sizeof(valid), keys, n);
	memset(vals, 0, n * sizeof(*vals));
	memset(first, 0, sizeof(first));
	if (map->type != YAML_MAPPING_NODE) {
		cfg_error(ctx, cfg_mark_of(map), key, valid, "expected a mapping, found %s",
			  cfg_kind(map));
		return false;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(ctx, p->key);
		const char *name;
		unsigned int i, best = 0, best_d = ~0u;

		if (k->type != YAML_SCALAR_NODE) {
			cfg_error(ctx, cfg_mark_of(k), key, valid,
				  "a key must be a word, found %s", cfg_kind(k));
			continue;
		}
		name = (const char *)k->data.scalar.value;
		for (i = 0; i < n && strcmp(name, keys[i]) != 0; i++) {
			unsigned int d = distance(name, keys[i]);

			if (d < best_d) {
				best_d = d;
				best = i;
			}
		}
		if (i == n) {
			if (best_d <= 2)
				cfg_error(ctx, cfg_mark_of(k), name, valid,
					  "unknown key (did you mean '%s'?)", keys[best]);
			else
				cfg_error(ctx, cfg_mark_of(k), name, valid, "unknown key");
			continue;
		}
		if (vals[i]) {
			cfg_error(ctx, cfg_mark_of(k), name, "each key once per mapping",
				  "given twice in this mapping (first at line %u)", first[i].line);
			continue;
		}
		vals[i] = cfg_node(ctx, p->value);
		first[i] = cfg_mark_of(k);
	}
	if (key_at)
		memcpy(key_at, first, n * sizeof(*key_at));
	return true;
}

/* A required key is reported at the mapping that lacks it: that is where it goes. */
bool
cfg_require(struct cfg_ctx *ctx, yaml_node_t *map, yaml_node_t *val, const char *key,
	    const char *where, const char *valid)
{
	if (val)
		return true;
	cfg_error(ctx, cfg_mark_of(map), key, valid, "required key missing from %s", where);
	return false;
}

/* The items of a sequence of @p min..max entries, or NULL after reporting why not. */
yaml_node_item_t *
cfg_seq_items(struct cfg_ctx *ctx, yaml_node_t *n, const char *key, unsigned int min,
	      unsigned int max, const char *valid, unsigned int *count)
{
	unsigned int c;

	if (cfg_is_null(n)) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "the list is empty");
		return NULL;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "expected a sequence (a list), found %s",
			  cfg_kind(n));
		return NULL;
	}
	c = (unsigned int)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (c == 0) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "the list is empty");
		return NULL;
	}
	if (c < min || c > max) {
		cfg_error(ctx, cfg_mark_of(n), key, valid, "the list has %u entries", c);
		return NULL;
	}
	*count = c;
	return n->data.sequence.items.start;
}
