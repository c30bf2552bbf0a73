/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sync: section (lib/config/config_sync.c): a sync link with its key file, node and
 * peer read in, the defaults, and every refused value with its line, column and what is
 * valid: no filter to sync, no or an unknown interface, one without addresses, a key file
 * missing, not a file, too short or too long, a peer off the link or the node itself,
 * numbers out of range, an unknown key.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "carp_config.h"
#include "config_refused.h"

/* Lines 1-19: a LAN, a sync link, a trunk whose untagged side has no address, a filter. */
#define BASE \
	"ports:\n" \
	"  - name: lan\n" \
	"    device: net_tap0\n" \
	"    addresses: [10.0.0.2/24]\n" \
	"  - name: sync\n" \
	"    device: net_tap1\n" \
	"    addresses: [10.9.0.1/30]\n" \
	"  - name: trunk\n" \
	"    device: net_tap2\n" \
	"    addresses: []\n" \
	"vlans:\n" \
	"  - {name: v10, port: trunk, vlan: 10, addresses: [10.10.0.2/24]}\n" \
	"vhids:\n" \
	"  - vhid: 1\n" \
	"    port: lan\n" \
	"    passphrase: secret\n" \
	"    vips: [10.0.0.1]\n" \
	"filter:\n" \
	"  default: block\n"

static char dir[64], good_key[128], short_key[128];

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/carp-sync-cfg-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(good_key, sizeof(good_key), "%s/good.key", dir);
	snprintf(short_key, sizeof(short_key), "%s/short.key", dir);
	f = fopen(good_key, "w");
	assert_non_null(f);
	fputs("c3a1f0e9b8d7c6a5f4e3d2c1b0a9f8e7\n", f); /* 32 bytes, then the line's end */
	fclose(f);
	f = fopen(short_key, "w");
	assert_non_null(f);
	fputs("fifteen bytes!!\n", f);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(good_key);
	unlink(short_key);
	rmdir(dir);
	return 0;
}

static int
load(const char *sync, struct carp_config **c, struct carp_config_errors *errs)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", BASE, sync);
	return carp_config_load_string(text, "<test>", c, errs);
}

/* @p sync (after BASE) is refused with one message at @p where holding @p what. */
static void
assert_refused(const char *sync, const char *where, const char *what)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", BASE, sync);
	assert_config_refused(text, where, what);
}

static void
test_a_sync_link_read_in(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = NULL;
	char sync[512];

	(void)state;
	snprintf(sync, sizeof(sync),
		 "sync: {interface: sync, key_file: %s, node: 7, peer: 10.9.0.2, port: 9240, "
		 "batch_ms: 5, digest_s: 0, defer: true, defer_ms: 50}\n", good_key);
	assert_int_equal(load(sync, &c, &errs), 0);
	assert_non_null(c->sync);
	assert_int_equal(c->sync->iface, 1);
	assert_int_equal(c->sync->key_len, 32);
	assert_memory_equal(c->sync->key, "c3a1f0e9", 8);
	assert_int_equal(c->sync->node, 7);
	assert_int_equal(c->sync->peer, 0x0a090002);
	assert_int_equal(c->sync->port, 9240);
	assert_int_equal(c->sync->batch_ms, 5);
	assert_int_equal(c->sync->digest_s, 0);
	assert_true(c->sync->defer);
	assert_int_equal(c->sync->defer_ms, 50);
	carp_config_free(c);
	/* The defaults: the group, port 8240, 2 ms, a node id made at start. */
	snprintf(sync, sizeof(sync), "sync: {interface: sync, key_file: %s}\n", good_key);
	assert_int_equal(load(sync, &c, &errs), 0);
	assert_true(c->sync->peer == 0 && c->sync->node == 0);
	assert_int_equal(c->sync->port, CARP_CONFIG_SYNC_PORT);
	assert_int_equal(c->sync->batch_ms, 2);
	assert_int_equal(c->sync->digest_s, CARP_CONFIG_SYNC_DIGEST_S);
	assert_false(c->sync->defer);
	assert_int_equal(c->sync->defer_ms, CARP_CONFIG_SYNC_DEFER_MS);
	carp_config_free(c);
	/* Without the section: no sync. */
	assert_int_equal(load("", &c, &errs), 0);
	assert_null(c->sync);
	carp_config_free(c);
}

static void
test_refused_values(void **state)
{
	char s[512];

	(void)state;
	/* No filter: sync: starts line 17 in a config whose filter is cut off. */
	{
		struct carp_config_errors errs = { 0 };
		struct carp_config *c = NULL;
		char text[4096], base[2048];

		snprintf(base, sizeof(base), "%s", BASE);
		*strstr(base, "filter:") = '\0';
		snprintf(text, sizeof(text), "%ssync: {interface: sync, key_file: %s}\n", base,
			 good_key);
		assert_int_equal(carp_config_load_string(text, "<test>", &c, &errs), -EINVAL);
		assert_int_equal(errs.n, 1);
		assert_non_null(strstr(errs.v[0].text, "<test>:18:1: key 'sync'"));
		assert_non_null(strstr(errs.v[0].text, "there is no filter"));
		carp_config_errors_free(&errs);
	}
	snprintf(s, sizeof(s), "sync: {key_file: %s}\n", good_key);
	assert_refused(s, "20:7", "interface");
	snprintf(s, sizeof(s), "sync: {interface: nope, key_file: %s}\n", good_key);
	assert_refused(s, "20:19", "no port or VLAN is named 'nope'");
	snprintf(s, sizeof(s), "sync: {interface: trunk, key_file: %s}\n", good_key);
	assert_refused(s, "20:19", "'trunk' has no IPv4 address");
	assert_refused("sync: {interface: sync}\n", "20:7", "key_file");
	assert_refused("sync: {interface: sync, key_file: /nonexistent/key}\n", "20:35",
		       "cannot read '/nonexistent/key'");
	assert_refused("sync: {interface: sync, key_file: /tmp}\n", "20:35", "not a regular file");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s}\n", short_key);
	assert_refused(s, "20:35", "is 15 bytes");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, peer: 10.0.0.9}\n", good_key);
	assert_refused(s, "20:77", "sync messages never cross a router");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, peer: 10.9.0.1}\n", good_key);
	assert_refused(s, "20:77", "this node's own address");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, peer: \"2001:db8::9\"}\n",
		 good_key);
	assert_refused(s, "20:77", "IPv6 sync peers are not supported yet");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, node: 0}\n", good_key);
	assert_refused(s, "20:77", "node");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, port: 0}\n", good_key);
	assert_refused(s, "20:77", "port");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, batch_ms: 1001}\n", good_key);
	assert_refused(s, "20:81", "batch_ms");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, digest_s: 3601}\n", good_key);
	assert_refused(s, "20:81", "digest_s");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, defer: maybe}\n", good_key);
	assert_refused(s, "20:78", "defer");
	snprintf(s, sizeof(s), "sync: {interface: sync, key_file: %s, defer_ms: 0}\n", good_key);
	assert_refused(s, "20:81", "defer_ms");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_sync_link_read_in),
		cmocka_unit_test(test_refused_values),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
