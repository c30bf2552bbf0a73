/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry points: read the file, run libyaml's loader, walk, validate, and hand out the
 * config only when not a single error was recorded. The text and the document hold the
 * passphrases, so both are wiped before they are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

#define CARP_CONFIG_STR(e, s) s,
const char *const cfg_log_names[CARP_LOG_COUNT] = { CARP_CONFIG_LOG_LIST(CARP_CONFIG_STR) };
const char *const cfg_idle_names[CARP_IDLE_COUNT] = { CARP_CONFIG_IDLE_LIST(CARP_CONFIG_STR) };
const char *const cfg_icmp_source_names[CARP_ICMP_SOURCE_COUNT] = {
	CARP_CONFIG_ICMP_SOURCE_LIST(CARP_CONFIG_STR)
};
const char *const cfg_source_mac_names[CARP_SOURCE_MAC_COUNT] = {
	CARP_CONFIG_SOURCE_MAC_LIST(CARP_CONFIG_STR)
};
#undef CARP_CONFIG_STR

const char *
carp_config_log_level_name(enum carp_config_log_level l)
{
	return (unsigned int)l < CARP_LOG_COUNT ? cfg_log_names[l] : "?";
}

const char *
carp_config_idle_name(enum carp_config_idle i)
{
	return (unsigned int)i < CARP_IDLE_COUNT ? cfg_idle_names[i] : "?";
}

const char *
carp_config_source_mac_name(enum carp_config_source_mac m)
{
	return (unsigned int)m < CARP_SOURCE_MAC_COUNT ? cfg_source_mac_names[m] : "?";
}

void
carp_config_free(struct carp_config *c)
{
	if (c == NULL)
		return;
	for (unsigned int i = 0; i < c->n_ports; i++)
		free(c->ports[i].device);
	for (unsigned int i = 0; i < c->n_ifaces; i++)
		free(c->ifaces[i].addrs);
	for (unsigned int i = 0; i < c->n_vhids; i++) {
		explicit_bzero(&c->vhids[i].key, sizeof(c->vhids[i].key));
		free(c->vhids[i].vip4);
		free(c->vhids[i].vip6);
	}
	free(c->ports);
	free(c->ifaces);
	free(c->vhids);
	free(c->routes);
	free(c->neighbors);
	carp_config_filter_free(c->filter);
	if (c->sync)
		explicit_bzero(c->sync->key, sizeof(c->sync->key));
	free(c->sync);
	free(c);
}

const struct carp_config_port *
carp_config_port_by_name(const struct carp_config *c, const char *name)
{
	for (unsigned int i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return &c->ports[i];
	return NULL;
}

const struct carp_config_iface *
carp_config_iface_by_name(const struct carp_config *c, const char *name)
{
	for (unsigned int i = 0; i < c->n_ifaces; i++)
		if (strcmp(c->ifaces[i].name, name) == 0)
			return &c->ifaces[i];
	return NULL;
}

const struct carp_config_vhid *
carp_config_vhid_find(const struct carp_config *c, unsigned int iface, uint8_t vhid)
{
	for (unsigned int i = 0; i < c->n_vhids; i++)
		if (c->vhids[i].iface == iface && c->vhids[i].vhid == vhid)
			return &c->vhids[i];
	return NULL;
}

/* libyaml reports reader errors (bad UTF-8, NUL) as a byte offset, not a mark. */
static struct cfg_mark
offset_mark(const char *text, size_t len, size_t off)
{
	struct cfg_mark m = { 1, 1 };

	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			m.line++;
			m.col = 1;
		} else {
			m.col++;
		}
	}
	return m;
}

/* Does line @p line (1-based) start with whitespace holding a tab? */
static bool
tab_indent(const char *text, size_t len, unsigned int line)
{
	size_t i = 0;

	for (unsigned int l = 1; l < line && i < len; i++)
		if (text[i] == '\n')
			l++;
	for (; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
		if (text[i] == '\t')
			return true;
	return false;
}

static void
syntax_error(struct cfg_ctx *ctx, const yaml_parser_t *p, const char *text, size_t len)
{
	const char *valid = "YAML (https://yaml.org/spec/1.1/)";
	struct cfg_mark at;

	if (p->error == YAML_MEMORY_ERROR) {
		ctx->oom = true;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		at = offset_mark(text, len, p->problem_offset);
		if (p->problem_value != -1)
			cfg_error(ctx, at, NULL, "UTF-8 text",
				  "YAML syntax error: %s (byte 0x%02x)", p->problem,
				  (unsigned int)p->problem_value);
		else
			cfg_error(ctx, at, NULL, "UTF-8 text", "YAML syntax error: %s", p->problem);
		return;
	}
	at = (struct cfg_mark){ (unsigned int)p->problem_mark.line + 1,
				(unsigned int)p->problem_mark.column + 1 };
	/* The commonest cause by far, and libyaml's wording does not suggest it. */
	if (tab_indent(text, len, at.line))
		valid = "YAML, indented with spaces: a tab cannot indent";
	if (p->context)
		cfg_error(ctx, at, NULL, valid, "YAML syntax error: %s (%s at line %zu column %zu)",
			  p->problem ? p->problem : "?", p->context, p->context_mark.line + 1,
			  p->context_mark.column + 1);
	else
		cfg_error(ctx, at, NULL, valid, "YAML syntax error: %s",
			  p->problem ? p->problem : "?");
}

static void
wipe_document(yaml_document_t *doc)
{
	for (yaml_node_t *n = doc->nodes.start; n && n < doc->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE)
			explicit_bzero(n->data.scalar.value, n->data.scalar.length);
}

static void
free_src(struct cfg_ctx *ctx)
{
	const struct carp_config *c = ctx->cfg;

	for (unsigned int i = 0; ctx->isrc && i < c->n_ifaces; i++)
		free(ctx->isrc[i].addr_at);
	for (unsigned int i = 0; ctx->vsrc && i < c->n_vhids; i++) {
		free(ctx->vsrc[i].vip4_at);
		free(ctx->vsrc[i].vip6_at);
	}
	free(ctx->psrc);
	free(ctx->isrc);
	free(ctx->vsrc);
	free(ctx->rsrc);
	free(ctx->nsrc);
}

/* A second document is refused: the file is the whole node config, not a stream of them. */
static void
check_single_document(struct cfg_ctx *ctx, yaml_parser_t *p, const char *text, size_t len)
{
	yaml_document_t doc;

	if (!yaml_parser_load(p, &doc)) {
		syntax_error(ctx, p, text, len);
		return;
	}
	if (yaml_document_get_root_node(&doc))
		cfg_error(ctx, (struct cfg_mark){ (unsigned int)doc.start_mark.line + 1,
						  (unsigned int)doc.start_mark.column + 1 },
			  NULL, "one document per file", "a second YAML document starts here");
	wipe_document(&doc);
	yaml_document_delete(&doc);
}

static void
parse(struct cfg_ctx *ctx, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;

	if (!yaml_parser_initialize(&parser)) {
		ctx->oom = true;
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(ctx, &parser, text, len);
		yaml_parser_delete(&parser);
		return;
	}
	ctx->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		cfg_error(ctx, (struct cfg_mark){ 1, 1 }, NULL,
			  "a mapping with keys global, ports, vlans, vhids, routes, neighbors",
			  "the file holds no YAML document");
	} else {
		cfg_walk(ctx, root);
		if (!ctx->oom)
			cfg_validate(ctx);
		check_single_document(ctx, &parser, text, len);
	}
	free_src(ctx);
	wipe_document(&doc);
	yaml_document_delete(&doc);
	ctx->doc = NULL;
	yaml_parser_delete(&parser);
}

static int
load_text(const char *text, size_t len, const char *name, const char *base_dir,
	  struct carp_config **out, struct carp_config_errors *errs)
{
	struct carp_config_errors local = { 0 };
	struct cfg_ctx ctx = {
		.name = name,
		.base_dir = base_dir,
		.errs = errs ? errs : &local,
	};
	int rc = 0;

	ctx.cfg = calloc(1, sizeof(*ctx.cfg));
	if (ctx.cfg == NULL)
		ctx.oom = true;
	else
		parse(&ctx, text, len);
	cfg_errors_sort(ctx.errs);
	if (ctx.oom)
		rc = -ENOMEM;
	else if (ctx.errs->n > 0)
		rc = -EINVAL;
	if (rc == 0) {
		*out = ctx.cfg;
	} else {
		carp_config_free(ctx.cfg);
		*out = NULL;
	}
	carp_config_errors_free(&local);
	return rc;
}

int
carp_config_load_string(const char *text, const char *name_for_errors,
			struct carp_config **out, struct carp_config_errors *errs)
{
	carp_config_errors_free(errs);
	*out = NULL;
	return load_text(text, strlen(text), name_for_errors, NULL, out, errs);
}

/* Read all of @p path; returns 0 or a negative errno. */
static int
slurp(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? EISDIR : errno;

		close(fd);
		return -err;
	}
	/* Regular files only: a device such as /dev/zero would never end. */
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)CARP_CONFIG_FILE_MAX) {
		close(fd);
		return S_ISREG(st.st_mode) ? -EFBIG : -ENODEV;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			free(buf);
			return -err;
		}
		if (n == 0)
			break; /* the file shrank: parse what is there */
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}

int
carp_config_load(const char *path, struct carp_config **out, struct carp_config_errors *errs)
{
	struct carp_config_errors local = { 0 };
	char *text = NULL, *dir, *slash;
	size_t len = 0;
	int rc;

	carp_config_errors_free(errs);
	*out = NULL;
	rc = slurp(path, &text, &len);
	if (rc < 0) {
		struct cfg_ctx ctx = { .name = path, .errs = errs ? errs : &local };

		cfg_error(&ctx, (struct cfg_mark){ 0, 0 }, NULL, NULL, "cannot read: %s",
			  rc == -ENODEV ? "not a regular file" :
			  rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
		carp_config_errors_free(&local);
		return rc;
	}
	dir = strdup(path);
	if (dir == NULL) {
		explicit_bzero(text, len);
		free(text);
		return -ENOMEM;
	}
	/* passphrase_file is relative to the config's directory, whatever the cwd. */
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	rc = load_text(text, len, path, dir, out, errs);
	free(dir);
	explicit_bzero(text, len);
	free(text);
	return rc;
}
