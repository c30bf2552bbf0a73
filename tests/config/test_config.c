/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config loader tests. The shipped demo configs must load with the values the demo relies
 * on; every file in bad/ must be refused with its message at the exact line and column,
 * one message each (no follow-on errors), and no config handed out.
 */
#include <errno.h>
#include <limits.h>
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

#define BAD_DIR CONFIG_TEST_DIR "/bad/"

/* A config with one port and one VHID and nothing optional, for the tests to extend. */
#define MINIMAL_PORT \
	"ports:\n" \
	"  - name: lan\n" \
	"    device: net_tap0\n" \
	"    addresses: [10.0.0.2/24]\n"

static void
assert_key(const struct carp_key *key, const char *pass)
{
	uint8_t want[CARP_KEY_LEN] = { 0 };

	memcpy(want, pass, strlen(pass));
	assert_memory_equal(key->bytes, want, CARP_KEY_LEN);
}

static struct carp_config *
load_ok(const char *text)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = NULL;
	int rc = carp_config_load_string(text, "<test>", &c, &errs);

	if (rc != 0)
		carp_config_errors_print(&errs, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(errs.n, 0);
	assert_non_null(c);
	carp_config_errors_free(&errs);
	return c;
}

static void
test_shipped_config_yields_expected_values(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = NULL;
	const struct carp_config_vhid *v;
	const struct carp_config_port *p;

	(void)state;
	assert_int_equal(carp_config_load(SHIPPED_CONFIG, &c, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(c->global.log_level, CARP_LOG_INFO);
	assert_int_equal(c->global.idle, CARP_IDLE_ADAPTIVE);
	assert_false(c->global.preempt);
	assert_int_equal(c->global.profile, CARP_PROFILE_OPENBSD);
	assert_int_equal(c->global.mbufs, 16383);
	assert_true(c->global.telemetry);
	assert_int_equal(c->global.neighbor_timeout_s, 300);
	assert_int_equal(c->global.neighbor_queue, 4);

	assert_int_equal(c->n_ports, 1);
	p = &c->ports[0];
	assert_string_equal(p->name, "lan");
	assert_string_equal(p->device, "net_af_packet0,iface=carp0");
	assert_int_equal(c->n_ifaces, 1);
	assert_string_equal(c->ifaces[0].name, "lan");
	assert_int_equal(c->ifaces[0].port, 0);
	assert_int_equal(c->ifaces[0].vlan, 0);
	assert_int_equal(c->ifaces[0].mtu, 1500);
	assert_int_equal(c->ifaces[0].n_addrs, 2); /* dual-stack */
	assert_int_equal(c->ifaces[0].addrs[0].family, 4);
	assert_int_equal(c->ifaces[0].addrs[0].v4, 0x0a630002); /* 10.99.0.2 */
	assert_int_equal(c->ifaces[0].addrs[0].prefixlen, 24);
	assert_int_equal(c->ifaces[0].addrs[1].family, 6);
	assert_int_equal(c->ifaces[0].addrs[1].prefixlen, 64);
	assert_int_equal(p->mtu, 1500);
	assert_int_equal(p->rx_desc, 1024);
	assert_int_equal(p->tx_desc, 1024);
	assert_false(p->promiscuous);
	assert_int_equal(c->ifaces[0].source_mac, CARP_SOURCE_MAC_VMAC);

	assert_int_equal(c->n_vhids, 1);
	v = &c->vhids[0];
	assert_int_equal(v->vhid, 1);
	assert_int_equal(v->iface, 0);
	assert_int_equal(v->advbase, 1);
	assert_int_equal(v->advskew, 0);
	assert_true(v->preempt);
	assert_int_equal(v->profile, CARP_PROFILE_OPENBSD);
	assert_true(v->has_key);
	assert_key(&v->key, "carp-demo");
	assert_int_equal(v->n_vip4, 1);
	assert_int_equal(v->vip4[0], 0x0a630001); /* 10.99.0.1 */
	assert_int_equal(v->n_vip6, 1); /* 2001:db8:99::1 */
	assert_int_equal(v->vip6[0].b[15], 1);
	/* The forwarding example is commented out: the demo routes nothing. */
	assert_int_equal(c->n_routes, 0);
	assert_null(c->routes);
	assert_int_equal(c->n_neighbors, 0);
	assert_null(c->neighbors);
	carp_config_free(c);
}

/*
 * The commented forwarding example of the shipped config must stay valid: uncomment its
 * YAML lines (from "# routes:" on, those that start "# routes:", "# neighbors:" or "#   ")
 * and load the result.
 */
static void
test_shipped_forwarding_example_loads_when_uncommented(void **state)
{
	struct carp_config *c;
	char *text, line[512];
	size_t o = 0;
	bool in_example = false;
	FILE *fp;

	(void)state;
	text = calloc(1, 1 << 16);
	assert_non_null(text);
	fp = fopen(SHIPPED_CONFIG, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		const char *l = line;

		in_example = in_example || strncmp(line, "# routes:", 9) == 0;
		if (in_example && (strncmp(line, "# routes:", 9) == 0 ||
				   strncmp(line, "# neighbors:", 12) == 0 ||
				   strncmp(line, "#   ", 4) == 0))
			l = line + 2;
		assert_true(o + strlen(l) < (1 << 16));
		o += (size_t)sprintf(text + o, "%s", l);
	}
	fclose(fp);
	assert_true(in_example);
	c = load_ok(text);
	assert_int_equal(c->n_routes, 2);
	assert_int_equal(c->routes[0].prefix.v4, 0);
	assert_int_equal(c->routes[0].prefix.prefixlen, 0);
	assert_int_equal(c->routes[0].via.v4, 0x0a6300fe); /* 10.99.0.254 */
	assert_int_equal(c->routes[1].prefix.v4, 0xc0a83200); /* 192.168.50.0 */
	assert_int_equal(c->routes[1].prefix.prefixlen, 24);
	assert_int_equal(c->n_neighbors, 1);
	assert_int_equal(c->neighbors[0].addr.v4, 0x0a6300fe);
	carp_config_free(c);
	free(text);
}

static void
test_shipped_peer_config_backs_up_the_same_vhid(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *a = NULL, *b = NULL;

	(void)state;
	assert_int_equal(carp_config_load(SHIPPED_CONFIG, &a, &errs), 0);
	assert_int_equal(carp_config_load(SHIPPED_PEER_CONFIG, &b, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(b->ifaces[0].addrs[0].v4, 0x0a630003); /* 10.99.0.3 */
	assert_int_equal(b->ifaces[0].addrs[0].prefixlen, 24);
	assert_string_not_equal(a->ports[0].device, b->ports[0].device);
	assert_int_equal(b->vhids[0].advskew, 100);
	assert_true(b->vhids[0].advskew > a->vhids[0].advskew);
	/* Everything the HMAC covers must match, or the nodes drop each other's adverts. */
	assert_int_equal(b->vhids[0].vhid, a->vhids[0].vhid);
	assert_memory_equal(&b->vhids[0].key, &a->vhids[0].key, sizeof(struct carp_key));
	assert_int_equal(b->vhids[0].n_vip4, 1);
	assert_int_equal(b->vhids[0].vip4[0], a->vhids[0].vip4[0]);
	assert_int_equal(b->vhids[0].n_vip6, 1);
	assert_memory_equal(&b->vhids[0].vip6[0], &a->vhids[0].vip6[0], 16);
	carp_config_free(a);
	carp_config_free(b);
}

static void
test_defaults_apply_when_keys_are_left_out(void **state)
{
	struct carp_config *c = load_ok(MINIMAL_PORT
					"vhids:\n"
					"  - vhid: 7\n"
					"    port: lan\n"
					"    passphrase: secret\n"
					"    vips: [10.0.0.1]\n");

	(void)state;
	assert_int_equal(c->global.log_level, CARP_LOG_INFO);
	assert_int_equal(c->global.idle, CARP_IDLE_POLL);
	assert_false(c->global.preempt);
	assert_int_equal(c->global.profile, CARP_PROFILE_OPENBSD);
	assert_int_equal(c->global.mbufs, 16383);
	assert_true(c->global.telemetry);
	assert_int_equal(c->ports[0].mtu, 1500);
	assert_int_equal(c->ports[0].rx_desc, 1024);
	assert_int_equal(c->ports[0].tx_desc, 1024);
	assert_false(c->ports[0].promiscuous);
	assert_int_equal(c->ifaces[0].source_mac, CARP_SOURCE_MAC_VMAC);
	assert_int_equal(c->global.neighbor_timeout_s, 300);
	assert_int_equal(c->global.neighbor_queue, 4);
	assert_int_equal(c->n_routes, 0);
	assert_null(c->routes);
	assert_int_equal(c->n_neighbors, 0);
	assert_null(c->neighbors);
	assert_int_equal(c->vhids[0].advbase, 1);
	assert_int_equal(c->vhids[0].advskew, 0);
	assert_false(c->vhids[0].preempt);
	assert_int_equal(c->vhids[0].profile, CARP_PROFILE_OPENBSD);
	carp_config_free(c);
}

static void
test_vhids_inherit_global_defaults_wherever_global_is_written(void **state)
{
	/* global comes last on purpose: inheritance must not depend on key order. */
	struct carp_config *c = load_ok(MINIMAL_PORT
					"vhids:\n"
					"  - vhid: 1\n"
					"    port: lan\n"
					"    passphrase: a\n"
					"    vips: [10.0.0.1]\n"
					"  - vhid: 2\n"
					"    port: lan\n"
					"    passphrase: b\n"
					"    vips: [10.0.0.3]\n"
					"    preempt: false\n"
					"    profile: openbsd\n"
					"global:\n"
					"  preempt: yes\n"
					"  profile: freebsd\n");

	(void)state;
	assert_true(c->vhids[0].preempt);
	assert_int_equal(c->vhids[0].profile, CARP_PROFILE_FREEBSD);
	assert_false(c->vhids[1].preempt);
	assert_int_equal(c->vhids[1].profile, CARP_PROFILE_OPENBSD);
	carp_config_free(c);
}

static void
test_sub_second_advbase_and_ipv6_are_accepted(void **state)
{
	static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct carp_config *c = load_ok("ports:\n"
					"  - name: lan\n"
					"    device: \"03:00.1,txq_inline=128\"\n"
					"    addresses: [10.0.0.2/24, \"2001:db8::2/64\"]\n"
					"vhids:\n"
					"  - vhid: 255\n"
					"    port: lan\n"
					"    advbase: 0\n"
					"    advskew: 64\n"
					"    passphrase: s\n"
					"    vips: [\"2001:db8::1\", 10.0.0.1]\n");

	(void)state;
	assert_int_equal(c->ifaces[0].n_addrs, 2);
	assert_int_equal(c->ifaces[0].addrs[1].family, 6);
	assert_int_equal(c->ifaces[0].addrs[1].prefixlen, 64);
	assert_int_equal(c->vhids[0].vhid, 255);
	assert_int_equal(c->vhids[0].advbase, 0);
	assert_int_equal(c->vhids[0].advskew, 64);
	assert_int_equal(c->vhids[0].n_vip4, 1);
	assert_int_equal(c->vhids[0].n_vip6, 1);
	assert_memory_equal(c->vhids[0].vip6[0].b, vip6, 16);
	carp_config_free(c);
}

static void
test_empty_passphrase_means_no_authentication(void **state)
{
	struct carp_config *c = load_ok(MINIMAL_PORT
					"vhids:\n"
					"  - vhid: 1\n"
					"    port: lan\n"
					"    passphrase: \"\"\n"
					"    vips: [10.0.0.1]\n");

	(void)state;
	assert_false(c->vhids[0].has_key);
	assert_key(&c->vhids[0].key, "");
	carp_config_free(c);
}

static void
test_passphrase_of_19_bytes_is_kept_whole(void **state)
{
	struct carp_config *c = load_ok(MINIMAL_PORT
					"vhids:\n"
					"  - vhid: 1\n"
					"    port: lan\n"
					"    passphrase: abcdefghijklmnopqrs\n"
					"    vips: [10.0.0.1]\n");

	(void)state;
	assert_key(&c->vhids[0].key, "abcdefghijklmnopqrs");
	carp_config_free(c);
}

/* Two ports and a VHID on the first, for the forwarding tests to extend. */
#define TWO_PORTS \
	"ports:\n" \
	"  - name: lan\n" \
	"    device: net_tap0\n" \
	"    addresses: [10.0.0.2/24, \"2001:db8::2/64\"]\n" \
	"  - name: wan\n" \
	"    device: net_tap1\n" \
	"    addresses: [192.0.2.2/29]\n" \
	"vhids:\n" \
	"  - vhid: 1\n" \
	"    port: lan\n" \
	"    passphrase: secret\n" \
	"    vips: [10.0.0.1]\n"

static void
test_vlans_are_interfaces_after_the_ports(void **state)
{
	struct carp_config *c = load_ok(
		"ports:\n"
		"  - name: trunk\n"
		"    device: net_tap0\n"
		"    mtu: 9000\n"
		"  - name: wan\n"
		"    device: net_tap1\n"
		"    addresses: [192.0.2.2/29]\n"
		"vlans:\n"
		"  - name: lan20\n"
		"    port: trunk\n"
		"    vlan: 20\n"
		"    addresses: [10.20.0.2/24]\n"
		"  - {name: lan30, port: trunk, vlan: 30, addresses: [10.30.0.2/24], mtu: 1500,\n"
		"     source_mac: real}\n"
		"  - {name: wan7, port: wan, vlan: 7, addresses: [10.7.0.2/24]}\n"
		"vhids:\n"
		"  - {vhid: 1, port: lan20, passphrase: s, vips: [10.20.0.1]}\n"
		"  - {vhid: 1, port: lan30, passphrase: s, vips: [10.30.0.1]}\n"
		"  - {vhid: 1, port: wan, passphrase: s, vips: [192.0.2.1]}\n"
		"routes:\n"
		"  - {prefix: 10.40.0.0/16, via: 10.30.0.254}\n"
		"neighbors:\n"
		"  - {address: 10.20.0.9, mac: '52:54:00:12:34:56'}\n");

	(void)state;
	assert_int_equal(c->n_ports, 2);
	assert_int_equal(c->n_ifaces, 5);
	/* The ports' untagged sides first, at the ports' indexes: the trunk's is unused. */
	assert_string_equal(c->ifaces[0].name, "trunk");
	assert_int_equal(c->ifaces[0].n_addrs, 0);
	assert_int_equal(c->ifaces[0].vlan, 0);
	assert_int_equal(c->ifaces[0].mtu, 9000);
	assert_string_equal(c->ifaces[1].name, "wan");
	assert_int_equal(c->ifaces[1].port, 1);
	/* Then the VLANs in file order, their MTU the port's unless given. */
	assert_string_equal(c->ifaces[2].name, "lan20");
	assert_int_equal(c->ifaces[2].port, 0);
	assert_int_equal(c->ifaces[2].vlan, 20);
	assert_int_equal(c->ifaces[2].mtu, 9000);
	assert_int_equal(c->ifaces[2].source_mac, CARP_SOURCE_MAC_VMAC);
	assert_int_equal(c->ifaces[2].addrs[0].v4, 0x0a140002);
	assert_int_equal(c->ifaces[2].line, 9);
	assert_int_equal(c->ifaces[3].vlan, 30);
	assert_int_equal(c->ifaces[3].mtu, 1500);
	assert_int_equal(c->ifaces[3].source_mac, CARP_SOURCE_MAC_REAL);
	assert_int_equal(c->ifaces[4].port, 1);
	assert_int_equal(c->ifaces[4].vlan, 7);
	assert_int_equal(c->ports[0].n_vlans, 2);
	assert_int_equal(c->ports[1].n_vlans, 1);
	/* VHID 1 three times: three segments. Routes and neighbors find their VLAN. */
	assert_int_equal(c->vhids[0].iface, 2);
	assert_int_equal(c->vhids[1].iface, 3);
	assert_int_equal(c->vhids[2].iface, 1);
	assert_int_equal(c->routes[0].iface, 3);
	assert_int_equal(c->neighbors[0].iface, 2);
	assert_ptr_equal(carp_config_iface_by_name(c, "lan30"), &c->ifaces[3]);
	assert_null(carp_config_iface_by_name(c, "lan40"));
	assert_ptr_equal(carp_config_vhid_find(c, 3, 1), &c->vhids[1]);
	carp_config_free(c);
	/* "addresses: []" says the same as leaving the key out. */
	c = load_ok("ports:\n"
		    "  - {name: trunk, device: net_tap0, addresses: []}\n"
		    "vlans:\n"
		    "  - {name: lan20, port: trunk, vlan: 4094, addresses: [10.20.0.2/24]}\n"
		    "vhids:\n"
		    "  - {vhid: 1, port: lan20, passphrase: s, vips: [10.20.0.1]}\n");
	assert_int_equal(c->ifaces[0].n_addrs, 0);
	assert_int_equal(c->ifaces[1].vlan, 4094);
	carp_config_free(c);
}

static void
test_routes_resolve_their_egress_port(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS
					"routes:\n"                               /* 13 */
					"  - prefix: 0.0.0.0/0\n"
					"    via: 192.0.2.1\n"
					"  - {prefix: 10.20.0.0/16, via: 10.0.0.20}\n"
					"  - prefix: 10.0.0.128/25\n"              /* 17 */
					"    via: 10.0.0.30\n"
					"  - prefix: 203.0.113.7/32\n"
					"    via: 192.0.2.6\n");
	const struct carp_config_route *r = c->routes;

	(void)state;
	assert_int_equal(c->n_routes, 4);
	/* The default route, to the WAN router. */
	assert_int_equal(r[0].prefix.v4, 0);
	assert_int_equal(r[0].prefix.prefixlen, 0);
	assert_int_equal(r[0].via.v4, 0xc0000201);
	assert_int_equal(r[0].iface, 1);
	assert_int_equal(r[0].line, 14);
	assert_int_equal(r[1].prefix.v4, 0x0a140000);
	assert_int_equal(r[1].prefix.prefixlen, 16);
	assert_int_equal(r[1].via.v4, 0x0a000014);
	assert_int_equal(r[1].iface, 0);
	assert_int_equal(r[1].line, 16);
	/* More specific than a connected subnet: allowed, longest prefix wins. */
	assert_int_equal(r[2].prefix.v4, 0x0a000080);
	assert_int_equal(r[2].prefix.prefixlen, 25);
	assert_int_equal(r[2].iface, 0);
	assert_int_equal(r[2].line, 17);
	/* A host route, via the last host address of a /29. */
	assert_int_equal(r[3].prefix.v4, 0xcb007107);
	assert_int_equal(r[3].prefix.prefixlen, 32);
	assert_int_equal(r[3].via.v4, 0xc0000206);
	assert_int_equal(r[3].iface, 1);
	assert_int_equal(c->n_neighbors, 0);
	carp_config_free(c);
}

static void
test_ipv6_routes_and_neighbors(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS
					"routes:\n"                               /* 13 */
					"  - prefix: \"::/0\"\n"
					"    via: \"2001:db8::fe\"\n"
					"  - prefix: \"2001:db8:20::/48\"\n"
					"    via: \"fe80::1\"\n"
					"    port: lan\n"
					"neighbors:\n"
					"  - {address: \"fe80::1\", mac: \"52:54:00:00:00:01\", port: lan}\n"
					"  - {address: \"2001:db8::fe\", mac: \"52:54:00:00:00:fe\"}\n");
	const struct carp_config_route *r = c->routes;
	static const uint8_t ll1[16] = { 0xfe, 0x80, [15] = 1 };

	(void)state;
	assert_int_equal(c->n_routes, 2);
	assert_int_equal(r[0].prefix.family, 6);
	assert_int_equal(r[0].prefix.prefixlen, 0);
	assert_int_equal(r[0].via.v6.b[15], 0xfe);
	assert_int_equal(r[0].iface, 0); /* on lan's 2001:db8::/64 */
	assert_int_equal(r[1].prefix.prefixlen, 48);
	assert_memory_equal(r[1].via.v6.b, ll1, 16);
	assert_int_equal(r[1].iface, 0); /* from port: */
	assert_int_equal(c->n_neighbors, 2);
	assert_int_equal(c->neighbors[0].addr.family, 6);
	assert_int_equal(c->neighbors[0].iface, 0);
	assert_int_equal(c->neighbors[1].addr.v6.b[15], 0xfe);
	carp_config_free(c);
}

static void
test_neighbors_resolve_their_port_and_mac(void **state)
{
	static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0x01 };
	static const uint8_t mac1[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe };
	struct carp_config *c = load_ok(TWO_PORTS
					"neighbors:\n"                            /* 13 */
					"  - address: 10.0.0.20\n"
					"    mac: 52:54:00:AB:cd:01\n"
					"  - {address: 192.0.2.1, mac: \"02:00:00:00:00:fe\"}\n");

	(void)state;
	assert_int_equal(c->n_neighbors, 2);
	assert_int_equal(c->neighbors[0].addr.v4, 0x0a000014);
	assert_memory_equal(c->neighbors[0].mac, mac0, 6); /* either case of hex digit */
	assert_int_equal(c->neighbors[0].iface, 0);
	assert_int_equal(c->neighbors[0].line, 14);
	assert_int_equal(c->neighbors[1].addr.v4, 0xc0000201);
	assert_memory_equal(c->neighbors[1].mac, mac1, 6);
	assert_int_equal(c->neighbors[1].iface, 1);
	assert_int_equal(c->neighbors[1].line, 16);
	assert_int_equal(c->n_routes, 0);
	carp_config_free(c);
}

static void
test_empty_routes_and_neighbors_mean_none(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS "routes: []\nneighbors:\n");

	(void)state;
	assert_int_equal(c->n_routes, 0);
	assert_null(c->routes);
	assert_int_equal(c->n_neighbors, 0);
	assert_null(c->neighbors);
	carp_config_free(c);
}

static void
test_source_mac_and_neighbor_settings_are_read(void **state)
{
	struct carp_config *c = load_ok("global:\n"
					"  neighbor_timeout: 86400\n"
					"  neighbor_queue: 0\n"
					"ports:\n"
					"  - name: lan\n"
					"    device: net_tap0\n"
					"    addresses: [10.0.0.2/24]\n"
					"    source_mac: real\n"
					"  - name: wan\n"
					"    device: net_tap1\n"
					"    addresses: [192.0.2.2/29]\n"
					"    source_mac: vmac\n"
					"  - name: dmz\n"
					"    device: net_tap2\n"
					"    addresses: [172.16.0.2/24]\n"
					"vhids:\n"
					"  - {vhid: 1, port: lan, passphrase: x,"
					"     vips: [10.0.0.1]}\n");

	(void)state;
	assert_int_equal(c->global.neighbor_timeout_s, 86400);
	assert_int_equal(c->global.neighbor_queue, 0);
	assert_int_equal(c->ifaces[0].source_mac, CARP_SOURCE_MAC_REAL);
	assert_int_equal(c->ifaces[1].source_mac, CARP_SOURCE_MAC_VMAC);
	assert_int_equal(c->ifaces[2].source_mac, CARP_SOURCE_MAC_VMAC);
	assert_string_equal(carp_config_source_mac_name(CARP_SOURCE_MAC_VMAC), "vmac");
	assert_string_equal(carp_config_source_mac_name(CARP_SOURCE_MAC_REAL), "real");
	assert_string_equal(carp_config_source_mac_name(CARP_SOURCE_MAC_COUNT), "?");
	carp_config_free(c);

	c = load_ok("global: {neighbor_timeout: 10, neighbor_queue: 64}\n" MINIMAL_PORT
		    "vhids:\n"
		    "  - {vhid: 1, port: lan, passphrase: x, vips: [10.0.0.1]}\n");
	assert_int_equal(c->global.neighbor_timeout_s, 10);
	assert_int_equal(c->global.neighbor_queue, 64);
	carp_config_free(c);
}

/* TWO_PORTS followed by @p n routes "10.X.Y.0/24 via 10.0.0.254", all distinct. */
static char *
many_routes(unsigned int n)
{
	static const char entry[] = "  - {prefix: 10.255.255.0/24, via: 10.0.0.254}\n";
	size_t cap = sizeof(TWO_PORTS) + 16 + (size_t)n * sizeof(entry);
	char *text = malloc(cap);
	size_t o;

	assert_non_null(text);
	o = (size_t)snprintf(text, cap, "%sroutes:\n", TWO_PORTS);
	for (unsigned int i = 0; i < n; i++)
		o += (size_t)snprintf(text + o, cap - o,
				      "  - {prefix: %u.%u.%u.0/24, via: 10.0.0.254}\n",
				      11 + i / 65536, i / 256 % 256, i % 256);
	return text;
}

static void
test_at_most_65536_routes(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;
	char *text;

	(void)state;
	text = many_routes(CARP_CONFIG_ROUTES_MAX);
	c = load_ok(text);
	assert_int_equal(c->n_routes, 65536);
	assert_int_equal(c->routes[65535].prefix.v4, 0x0bffff00); /* 11.255.255.0 */
	carp_config_free(c);
	free(text);

	text = many_routes(CARP_CONFIG_ROUTES_MAX + 1);
	assert_int_equal(carp_config_load_string(text, "<test>", &c, &errs), -EINVAL);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].text, "<test>:14:3: key 'routes': the list has 65537 "
			    "entries; valid: 0..65536 mappings with keys prefix, via, port");
	carp_config_errors_free(&errs);
	free(text);
}

static void
test_every_forwarding_error_is_reported(void **state)
{
	static const char text[] = TWO_PORTS
		"routes:\n"
		"  - {prefix: 10.1.2.0/16, via: 10.0.0.254}\n"
		"  - {prefix: 10.3.0.0/16, via: 10.9.0.1}\n"
		"neighbors:\n"
		"  - {address: 10.0.0.1, mac: \"52:54:00:12:34:56\"}\n"
		"  - {address: 10.0.0.9, mac: \"01:00:5e:00:00:01\"}\n";
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;

	(void)state;
	assert_int_equal(carp_config_load_string(text, "<test>", &c, &errs), -EINVAL);
	assert_null(c);
	assert_int_equal(errs.n, 4);
	assert_int_equal(errs.v[0].line, 14);
	assert_non_null(strstr(errs.v[0].text, "host bits are set"));
	assert_int_equal(errs.v[1].line, 15);
	assert_non_null(strstr(errs.v[1].text, "10.9.0.1 is not on a connected subnet"));
	assert_int_equal(errs.v[2].line, 17);
	assert_non_null(strstr(errs.v[2].text, "10.0.0.1 is a VIP of vhid 1"));
	assert_int_equal(errs.v[3].line, 18);
	assert_non_null(strstr(errs.v[3].text, "a multicast MAC"));
	carp_config_errors_free(&errs);
}

/* A scratch directory holding a config and its passphrase files. */
struct scratch {
	char dir[64];
	char path[128];
};

static void
scratch_write(struct scratch *s, const char *name, const char *text)
{
	FILE *fp;

	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	fp = fopen(s->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
scratch_setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	strcpy(s->dir, "/tmp/carp-config-test.XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int
scratch_teardown(void **state)
{
	static const char *const files[] = { "carp.yaml", "key.pass", "cwd.pass", "abs.pass" };
	struct scratch *s = *state;
	int rc;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, files[i]);
		unlink(s->path); /* each test writes only some of them */
	}
	rc = rmdir(s->dir);
	free(s);
	return rc;
}

#define PASSFILE_CONFIG(file) \
	MINIMAL_PORT \
	"vhids:\n" \
	"  - vhid: 1\n" \
	"    port: lan\n" \
	"    passphrase_file: " file "\n" \
	"    vips: [10.0.0.1]\n"

/* Load scratch/carp.yaml with passphrase_file: key.pass holding @p content. */
static struct carp_config *
load_with_passfile(struct scratch *s, const char *content, struct carp_config_errors *errs)
{
	struct carp_config *c = NULL;

	scratch_write(s, "key.pass", content);
	scratch_write(s, "carp.yaml", PASSFILE_CONFIG("key.pass"));
	carp_config_load(s->path, &c, errs);
	return c;
}

static void
test_passphrase_file_strips_one_trailing_newline(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;

	c = load_with_passfile(*state, "s3cret\n", &errs);
	assert_non_null(c);
	assert_true(c->vhids[0].has_key);
	assert_key(&c->vhids[0].key, "s3cret");
	carp_config_free(c);

	c = load_with_passfile(*state, "no-newline", &errs);
	assert_non_null(c);
	assert_key(&c->vhids[0].key, "no-newline");
	carp_config_free(c);

	/* ucarp keeps a \r, and so must we to compute the same key from the same file. */
	c = load_with_passfile(*state, "dos\r\n", &errs);
	assert_non_null(c);
	assert_key(&c->vhids[0].key, "dos\r");
	carp_config_free(c);
	assert_int_equal(errs.n, 0);
}

static void
test_passphrase_file_uses_only_its_first_line(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = load_with_passfile(*state, "first\nsecond line\n", &errs);

	assert_non_null(c);
	assert_key(&c->vhids[0].key, "first");
	carp_config_free(c);
}

static void
test_passphrase_file_is_relative_to_the_config_directory(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;
	char cwd[PATH_MAX];

	/* The test's cwd is tests/config, so only the config's directory holds key.pass. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_not_equal(cwd, ((struct scratch *)*state)->dir);
	c = load_with_passfile(*state, "relative\n", &errs);
	carp_config_errors_print(&errs, stderr);
	assert_non_null(c);
	assert_key(&c->vhids[0].key, "relative");
	carp_config_free(c);
}

static void
test_passphrase_file_of_a_string_config_is_relative_to_cwd(void **state)
{
	struct scratch *s = *state;
	struct carp_config *c;
	char cwd[PATH_MAX];

	scratch_write(s, "cwd.pass", "from-cwd\n");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(s->dir), 0);
	c = load_ok(PASSFILE_CONFIG("cwd.pass"));
	assert_int_equal(chdir(cwd), 0);
	assert_key(&c->vhids[0].key, "from-cwd");
	carp_config_free(c);
}

static void
test_passphrase_file_with_absolute_path(void **state)
{
	struct scratch *s = *state;
	struct carp_config *c;
	char text[512];

	scratch_write(s, "abs.pass", "absolute\n");
	snprintf(text, sizeof(text), PASSFILE_CONFIG("%s"), s->path);
	c = load_ok(text);
	assert_key(&c->vhids[0].key, "absolute");
	carp_config_free(c);
}

static void
test_passphrase_file_longer_than_19_bytes_is_refused(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = load_with_passfile(*state, "abcdefghijklmnopqrst\n", &errs);

	assert_null(c);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 8);
	assert_int_equal(errs.v[0].column, 22);
	assert_non_null(strstr(errs.v[0].text, "key.pass' is 20 bytes; valid: at most 19 bytes"));
	carp_config_errors_free(&errs);
}

static void
test_passphrase_file_that_is_empty_is_refused(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = load_with_passfile(*state, "", &errs);

	assert_null(c);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0].text, "is empty; for no authentication write"));
	carp_config_errors_free(&errs);
}

static void
test_missing_config_file_returns_enoent(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = (struct carp_config *)&errs; /* must be reset to NULL */

	(void)state;
	assert_int_equal(carp_config_load(BAD_DIR "does-not-exist.yaml", &c, &errs), -ENOENT);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].line, 0);
	assert_string_equal(errs.v[0].text,
			    BAD_DIR "does-not-exist.yaml: cannot read: No such file or directory");
	carp_config_errors_free(&errs);
}

static void
test_directory_as_config_returns_eisdir(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;

	(void)state;
	assert_int_equal(carp_config_load(CONFIG_TEST_DIR, &c, &errs), -EISDIR);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	carp_config_errors_free(&errs);
}

static void
test_every_error_is_reported_in_file_order(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(carp_config_load(BAD_DIR "multiple_errors.yaml", &c, &errs), -EINVAL);
	assert_null(c);
	assert_int_equal(errs.n, 3);
	assert_int_equal(errs.v[0].line, 7);
	assert_int_equal(errs.v[1].line, 9);
	assert_int_equal(errs.v[2].line, 13);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	carp_config_errors_print(&errs, fp);
	fclose(fp);
	assert_string_equal(buf,
		BAD_DIR "multiple_errors.yaml:7:10: key 'mtu': 20000 is out of range; "
		"valid: an integer 68..9600\n"
		BAD_DIR "multiple_errors.yaml:9:11: key 'vhid': 300 is out of range; "
		"valid: an integer 1..255\n"
		BAD_DIR "multiple_errors.yaml:13:14: key 'preempt': 'sometimes' is not a boolean; "
		"valid: true, false, yes, no, on, off\n");
	free(buf);
	carp_config_errors_free(&errs);
}

static void
test_a_load_replaces_the_errors_of_the_previous_one(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;

	(void)state;
	assert_int_equal(carp_config_load(BAD_DIR "multiple_errors.yaml", &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 3);
	assert_int_equal(carp_config_load(SHIPPED_CONFIG, &c, &errs), 0);
	assert_int_equal(errs.n, 0);
	carp_config_free(c);
	/* Errors may also be ignored entirely. */
	assert_int_equal(carp_config_load(BAD_DIR "vhid_range.yaml", &c, NULL), -EINVAL);
	assert_null(c);
	carp_config_errors_free(&errs);
}

static void
test_string_config_errors_carry_the_given_name(void **state)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c;

	(void)state;
	assert_int_equal(carp_config_load_string("ports: 1\n", "inline", &c, &errs), -EINVAL);
	assert_null(c);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.v[0].text, "inline:1:1: key 'vhids': required key missing "
			    "from the top level; valid: a list of VHIDs");
	assert_non_null(strstr(errs.v[1].text, "inline:1:8: key 'ports': expected a sequence"));
	carp_config_errors_free(&errs);
}

static void
test_lookups_find_ports_and_vhids(void **state)
{
	struct carp_config *c = load_ok(MINIMAL_PORT
					"  - name: wan\n"
					"    device: net_tap1\n"
					"    addresses: [10.1.0.2/24]\n"
					"vhids:\n"
					"  - {vhid: 5, port: wan, passphrase: x,"
					"     vips: [10.1.0.1]}\n"
					"  - {vhid: 5, port: lan, passphrase: y,"
					"     vips: [10.0.0.1]}\n");

	(void)state;
	assert_ptr_equal(carp_config_port_by_name(c, "wan"), &c->ports[1]);
	assert_null(carp_config_port_by_name(c, "dmz"));
	assert_ptr_equal(carp_config_vhid_find(c, 0, 5), &c->vhids[1]);
	assert_ptr_equal(carp_config_vhid_find(c, 1, 5), &c->vhids[0]);
	assert_null(carp_config_vhid_find(c, 0, 6));
	assert_int_equal(c->vhids[1].line, 10);
	assert_string_equal(carp_config_log_level_name(CARP_LOG_WARNING), "warning");
	assert_string_equal(carp_config_idle_name(CARP_IDLE_ADAPTIVE), "adaptive");
	carp_config_free(c);
}

/* One refused file: its only message starts "PATH:LINE:COL: " and holds @p what. */
struct bad_case {
	const char *file;
	const char *where;
	const char *what;
};

static void
test_bad_config(void **state)
{
	const struct bad_case *bc = *state;
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = (struct carp_config *)&errs; /* must be reset to NULL */
	char path[512], prefix[600];
	unsigned int line, col;

	snprintf(path, sizeof(path), BAD_DIR "%s", bc->file);
	snprintf(prefix, sizeof(prefix), "%s:%s: ", path, bc->where);
	assert_int_equal(carp_config_load(path, &c, &errs), -EINVAL);
	assert_null(c);
	if (errs.n != 1)
		carp_config_errors_print(&errs, stderr);
	assert_int_equal(errs.n, 1);
	assert_true(strlen(errs.v[0].text) > strlen(prefix));
	assert_memory_equal(errs.v[0].text, prefix, strlen(prefix));
	if (strstr(errs.v[0].text, bc->what) == NULL)
		fprintf(stderr, "got: %s\nwant: %s\n", errs.v[0].text, bc->what);
	assert_non_null(strstr(errs.v[0].text, bc->what));
	assert_int_equal(sscanf(bc->where, "%u:%u", &line, &col), 2);
	assert_int_equal(errs.v[0].line, line);
	assert_int_equal(errs.v[0].column, col);
	carp_config_errors_free(&errs);
}

#define BAD(name, file, where, what) \
	{ "rejects_" name, test_bad_config, NULL, NULL, \
	  &(struct bad_case){ file, where, what } }

#define SCRATCH(f) cmocka_unit_test_setup_teardown(f, scratch_setup, scratch_teardown)

static void
test_replay_protection_is_off_by_default_and_per_vhid(void **state)
{
	struct carp_config *c;

	(void)state;
	c = load_ok(MINIMAL_PORT "vhids:\n"
		    "  - {vhid: 1, port: lan, passphrase: s, vips: [10.0.0.1]}\n"
		    "  - {vhid: 2, port: lan, passphrase: s, vips: [10.0.0.3], "
		    "replay_protection: true}\n");
	assert_false(c->vhids[0].replay_protection);
	assert_true(c->vhids[1].replay_protection);
	assert_int_equal(c->global.node_id, 0);
	assert_string_equal(c->global.replay_counter_file, "/var/lib/carp-dpdk/replay-counter");
	carp_config_free(c);
	c = load_ok("global: {node_id: 7, replay_counter_file: /run/c}\n" MINIMAL_PORT
		    "vhids:\n  - {vhid: 1, port: lan, passphrase: s, vips: [10.0.0.1], "
		    "replay_protection: true}\n");
	assert_int_equal(c->global.node_id, 7);
	assert_string_equal(c->global.replay_counter_file, "/run/c");
	carp_config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_config_yields_expected_values),
		cmocka_unit_test(test_replay_protection_is_off_by_default_and_per_vhid),
		cmocka_unit_test(test_shipped_forwarding_example_loads_when_uncommented),
		cmocka_unit_test(test_shipped_peer_config_backs_up_the_same_vhid),
		cmocka_unit_test(test_defaults_apply_when_keys_are_left_out),
		cmocka_unit_test(test_vhids_inherit_global_defaults_wherever_global_is_written),
		cmocka_unit_test(test_sub_second_advbase_and_ipv6_are_accepted),
		cmocka_unit_test(test_empty_passphrase_means_no_authentication),
		cmocka_unit_test(test_passphrase_of_19_bytes_is_kept_whole),
		cmocka_unit_test(test_vlans_are_interfaces_after_the_ports),
		cmocka_unit_test(test_routes_resolve_their_egress_port),
		cmocka_unit_test(test_ipv6_routes_and_neighbors),
		cmocka_unit_test(test_neighbors_resolve_their_port_and_mac),
		cmocka_unit_test(test_empty_routes_and_neighbors_mean_none),
		cmocka_unit_test(test_source_mac_and_neighbor_settings_are_read),
		cmocka_unit_test(test_at_most_65536_routes),
		cmocka_unit_test(test_every_forwarding_error_is_reported),
		SCRATCH(test_passphrase_file_strips_one_trailing_newline),
		SCRATCH(test_passphrase_file_uses_only_its_first_line),
		SCRATCH(test_passphrase_file_is_relative_to_the_config_directory),
		SCRATCH(test_passphrase_file_of_a_string_config_is_relative_to_cwd),
		SCRATCH(test_passphrase_file_with_absolute_path),
		SCRATCH(test_passphrase_file_longer_than_19_bytes_is_refused),
		SCRATCH(test_passphrase_file_that_is_empty_is_refused),
		cmocka_unit_test(test_missing_config_file_returns_enoent),
		cmocka_unit_test(test_directory_as_config_returns_eisdir),
		cmocka_unit_test(test_every_error_is_reported_in_file_order),
		cmocka_unit_test(test_a_load_replaces_the_errors_of_the_previous_one),
		cmocka_unit_test(test_string_config_errors_carry_the_given_name),
		cmocka_unit_test(test_lookups_find_ports_and_vhids),
		BAD("yaml_syntax_error", "syntax_error.yaml", "12:1",
		    "YAML syntax error: did not find expected ',' or ']'"),
		BAD("tab_indentation", "tab_indent.yaml", "5:1",
		    "valid: YAML, indented with spaces"),
		BAD("invalid_utf8", "invalid_utf8.yaml", "10:20",
		    "invalid leading UTF-8 octet (byte 0xff)"),
		BAD("empty_file", "empty.yaml", "1:1",
		    "the file holds no YAML document"),
		BAD("top_level_that_is_not_a_mapping", "top_not_mapping.yaml", "3:1",
		    "the top level is a sequence; valid: a mapping with keys global, ports, vlans, vhids, "
		    "routes, neighbors"),
		BAD("second_yaml_document", "two_documents.yaml", "12:1",
		    "a second YAML document starts here"),
		BAD("unknown_top_level_key", "unknown_top_key.yaml", "3:1",
		    "key 'vhid': unknown key (did you mean 'vhids'?); valid: global, ports, vlans, vhids, "
		    "routes, neighbors"),
		BAD("unknown_global_key", "unknown_global_key.yaml", "4:3",
		    "key 'loglevel': unknown key (did you mean 'log_level'?); valid: log_level, "
		    "idle,"),
		BAD("unknown_port_key", "unknown_port_key.yaml", "7:5",
		    "key 'speed': unknown key; valid: name, device, addresses,"),
		BAD("unknown_vhid_key", "unknown_vhid_key.yaml", "12:5",
		    "key 'advskw': unknown key (did you mean 'advskew'?)"),
		BAD("duplicate_mapping_key", "duplicate_key.yaml", "13:5",
		    "key 'advskew': given twice in this mapping (first at line 12)"),
		BAD("missing_ports", "missing_ports.yaml", "3:1",
		    "key 'ports': required key missing from the top level"),
		BAD("vhid_mapping_without_vhid", "missing_vhid_number.yaml", "8:5",
		    "key 'vhid': required key missing from this VHID"),
		BAD("empty_ports_list", "empty_ports.yaml", "3:8",
		    "key 'ports': the list is empty"),
		BAD("empty_vips_list", "empty_vips.yaml", "11:11",
		    "key 'vips': the list is empty; valid: 1..64"),
		BAD("ports_given_as_mapping", "ports_not_sequence.yaml", "4:3",
		    "key 'ports': expected a sequence (a list), found a mapping"),
		BAD("global_given_as_scalar", "global_not_mapping.yaml", "3:9",
		    "key 'global': expected a mapping, found a scalar"),
		BAD("mapping_where_integer_goes", "scalar_is_mapping.yaml", "12:14",
		    "key 'advbase': expected an integer, found a mapping"),
		BAD("vhid_above_255", "vhid_range.yaml", "8:11",
		    "key 'vhid': 256 is out of range; valid: an integer 1..255"),
		BAD("vhid_zero", "vhid_zero.yaml", "8:11",
		    "key 'vhid': 0 is out of range; valid: an integer 1..255"),
		BAD("advbase_above_255", "advbase_range.yaml", "12:14",
		    "key 'advbase': 256 is out of range; valid: an integer 0..255"),
		BAD("advskew_255", "advskew_255.yaml", "12:14",
		    "key 'advskew': 255 is out of range; valid: an integer 0..254"),
		BAD("advbase_and_advskew_both_zero", "advbase_advskew_zero.yaml", "12:14",
		    "key 'advbase': advbase 0 with advskew 0 would advertise without pause"),
		BAD("integer_with_junk", "int_junk.yaml", "12:14",
		    "key 'advskew': '1x' is not a decimal integer"),
		BAD("integer_overflow", "int_overflow.yaml", "7:10",
		    "key 'mtu': 99999999999 is out of range; valid: an integer 68..9600"),
		BAD("negative_integer", "int_negative.yaml", "12:14",
		    "key 'advskew': '-1' is negative"),
		BAD("quoted_integer", "int_quoted.yaml", "12:14",
		    "key 'advskew': \"5\" is a quoted string"),
		BAD("integer_with_leading_zero", "int_leading_zero.yaml", "12:14",
		    "'010' has a leading zero"),
		BAD("boolean_that_is_not_one", "bool_invalid.yaml", "12:14",
		    "key 'preempt': 'maybe' is not a boolean; valid: true, false, yes, no, on, "
		    "off"),
		BAD("unknown_log_level", "log_level_invalid.yaml", "4:14",
		    "key 'log_level': unknown value 'verbose'; valid: emerg, alert, crit, err, "
		    "warning, notice, info, debug"),
		BAD("unknown_profile", "profile_invalid.yaml", "12:14",
		    "key 'profile': unknown value 'linux'; valid: openbsd, freebsd, ucarp"),
		BAD("mbufs_below_1023", "mbufs_range.yaml", "4:10",
		    "key 'mbufs': 100 is out of range; valid: an integer 1023..1048575"),
		BAD("mtu_below_68", "mtu_range.yaml", "7:10",
		    "key 'mtu': 67 is out of range"),
		BAD("ring_size_not_power_of_two", "rx_desc_not_pow2.yaml", "7:14",
		    "key 'rx_desc': 1000 is not a power of two; valid: a power of two 64..4096"),
		BAD("passphrase_over_19_bytes", "passphrase_too_long.yaml", "10:17",
		    "key 'passphrase': the passphrase is 26 bytes; valid: at most 19 bytes: "
		    "every CARP implementation truncates the key there, so a longer one would "
		    "silently differ from peers"),
		BAD("passphrase_and_passphrase_file", "passphrase_both.yaml", "12:5",
		    "key 'passphrase_file': passphrase and passphrase_file are both given (the "
		    "other at line 10)"),
		BAD("vhid_without_passphrase", "passphrase_missing.yaml", "8:5",
		    "key 'passphrase': required key missing from this VHID; valid: passphrase "
		    "(at most 19 bytes) or passphrase_file; passphrase: \"\" for no "
		    "authentication"),
		BAD("null_passphrase", "passphrase_null.yaml", "10:16",
		    "key 'passphrase': expected a string, found nothing (null)"),
		BAD("passphrase_with_nul_byte", "passphrase_nul.yaml", "10:17",
		    "key 'passphrase': the string contains a NUL byte"),
		BAD("unreadable_passphrase_file", "passphrase_file_missing.yaml", "10:22",
		    "/bad/no-such-file.pass': No such file or directory"),
		BAD("empty_passphrase_with_ucarp", "ucarp_empty_passphrase.yaml", "10:17",
		    "ucarp refuses to run without a passphrase"),
		BAD("duplicate_vhid_on_a_port", "duplicate_vhid.yaml", "12:11",
		    "key 'vhid': vhid 1 is already configured on port 'lan' at line 8"),
		BAD("duplicate_port_name", "duplicate_port_name.yaml", "7:11",
		    "key 'name': port name 'lan' is already used by the port at line 4"),
		BAD("duplicate_device", "duplicate_device.yaml", "8:13",
		    "key 'device': device '0000:03:00.0' is already used by port 'lan' (line 5)"),
		BAD("invalid_port_name", "port_name_invalid.yaml", "4:11",
		    "key 'name': 'lan 0' is not a port name; valid: 1..15 letters, digits"),
		BAD("kernel_interface_as_device", "device_invalid.yaml", "5:13",
		    "key 'device': 'eth0': neither a PCI address nor a virtual device"),
		BAD("vhid_on_unknown_port", "unknown_port.yaml", "9:11",
		    "key 'port': no port or VLAN is named 'wan'; valid: lan"),
		BAD("address_without_prefix", "address_no_prefix.yaml", "6:17",
		    "key 'addresses': '10.0.0.2': no prefix length"),
		BAD("ipv4_prefix_of_33", "address_prefix_range.yaml", "6:17",
		    "the prefix length must be 1..32 for IPv4"),
		BAD("port_without_ipv4", "port_without_ipv4.yaml", "6:16",
		    "key 'addresses': the port has no IPv4 address"),
		BAD("overlapping_port_subnets", "subnet_overlap.yaml", "9:17",
		    "subnet 10.0.0.128/25 overlaps 10.0.0.0/24 of port 'lan' (line 6)"),
		BAD("bad_vip_syntax", "vip_bad_syntax.yaml", "11:22",
		    "key 'vips': '10.0.0.300': not an IPv4 address"),
		BAD("vip_outside_port_subnets", "vip_outside_subnet.yaml", "11:12",
		    "key 'vips': 10.5.0.1 is outside every IPv4 subnet of port 'lan'; valid: an "
		    "address in 10.0.0.0/24"),
		BAD("ipv6_vip_outside_port_subnets", "vip6_outside_subnet.yaml", "11:22",
		    "2001:db8:2::1 is outside every IPv6 subnet of port 'lan'; valid: an address "
		    "in 2001:db8:1::/64"),
		BAD("ipv6_vip_on_port_without_ipv6", "vip_no_ipv6_subnet.yaml", "11:22",
		    "port 'lan' has no IPv6 address, so it cannot carry IPv6 VIP 2001:db8::1"),
		BAD("vip_equal_to_port_address", "vip_equals_port_address.yaml", "11:12",
		    "key 'vips': 10.0.0.2 is an address of port 'lan' itself"),
		BAD("vip_that_is_the_network_address", "vip_network_address.yaml", "11:12",
		    "10.0.0.0 is the network address of 10.0.0.0/24"),
		BAD("duplicate_vip", "vip_duplicate.yaml", "11:22",
		    "key 'vips': 10.0.0.1 is listed twice (first at 11:12)"),
		BAD("vip_held_by_two_vhids", "vip_shared.yaml", "15:12",
		    "key 'vips': 10.0.0.1 already belongs to vhid 1 (line 11)"),
		BAD("more_than_64_vips", "too_many_vips.yaml", "11:11",
		    "key 'vips': the list has 65 entries; valid: 1..64"),
		BAD("ucarp_with_two_ipv4_vips", "ucarp_two_vips.yaml", "11:11",
		    "profile ucarp: ucarp carries one IPv4 address and no IPv6, and hashes only "
		    "that one; this VHID has 2 IPv4 and 0 IPv6 VIPs"),
		BAD("ucarp_with_an_ipv6_vip", "ucarp_ipv6_vip.yaml", "13:11",
		    "this VHID has 1 IPv4 and 1 IPv6 VIPs; valid: exactly one IPv4 VIP with "
		    "profile ucarp"),
		BAD("route_prefix_with_host_bits", "route_host_bits.yaml", "13:13",
		    "key 'prefix': '10.1.2.0/16': host bits are set; the /16 network is "
		    "10.1.0.0/16; valid: NETWORK/LENGTH with the host bits zero"),
		BAD("route_prefix_length_33", "route_bad_cidr.yaml", "13:13",
		    "key 'prefix': '10.1.0.0/33': the prefix length must be 0..32 for IPv4; "
		    "valid: NETWORK/LENGTH such as 10.1.0.0/16 or 2001:db8::/32, or 0.0.0.0/0 or "
		    "::/0 for the default route"),
		BAD("route_prefix_without_length", "route_no_prefix_length.yaml", "13:13",
		    "key 'prefix': '10.1.0.0': no prefix length: write NETWORK/LENGTH, e.g. "
		    "10.1.0.0/16 (0.0.0.0/0 for the default route, ADDRESS/32 for one host; IPv6: "
		    "2001:db8::/32, ::/0)"),
		BAD("ipv6_route_via_ipv4", "route_ipv6_prefix.yaml", "14:10",
		    "key 'via': '10.0.0.254': an IPv4 next hop for an IPv6 prefix"),
		BAD("route_into_multicast", "route_reserved_prefix.yaml", "13:13",
		    "key 'prefix': '239.1.0.0/16': 224.0.0.0/4 (multicast) is never forwarded: "
		    "the forwarding plane routes unicast only"),
		BAD("route_via_outside_connected_subnets", "route_via_outside.yaml", "17:10",
		    "key 'via': 10.7.0.1 is not on a connected subnet; valid: an address in "
		    "10.0.0.0/24 (lan), 192.0.2.0/29 (wan)"),
		BAD("route_via_own_address", "route_via_own_address.yaml", "17:10",
		    "key 'via': 192.0.2.2 is the address of port 'wan', this node itself; valid: "
		    "the address of another router on a connected subnet"),
		BAD("route_via_a_vip", "route_via_vip.yaml", "14:10",
		    "key 'via': 10.0.0.1 is a VIP of vhid 1 (line 11): this node's own address "
		    "whenever it is master; valid: the address of another router on a connected "
		    "subnet"),
		BAD("route_via_broadcast_address", "route_via_broadcast.yaml", "14:10",
		    "key 'via': 10.0.0.255 is the broadcast address of 10.0.0.0/24"),
		BAD("ipv4_route_via_ipv6", "route_via_ipv6.yaml", "14:10",
		    "key 'via': '2001:db8::1': an IPv6 next hop for an IPv4 prefix"),
		BAD("ipv6_on_a_port_with_mtu_below_1280", "mtu_ipv6_below_1280.yaml", "7:10",
		    "key 'mtu': port 'lan' has IPv6 addresses and MTU 1000, below IPv6's minimum "
		    "of 1280"),
		BAD("ipv6_route_via_link_local_without_port", "route_via_link_local_no_port.yaml",
		    "14:10", "key 'via': fe80::1 is link-local, valid on every link: add port: "
		    "with the name of its port or VLAN"),
		BAD("ipv6_route_into_link_local", "route_link_local_prefix.yaml", "13:13",
		    "key 'prefix': 'fe80::/64': fe80::/10 (link-local) is never forwarded"),
		BAD("ipv6_route_via_outside_connected_subnets", "route_via_outside6.yaml", "14:10",
		    "key 'via': 2001:db8:7::1 is not on a connected subnet; valid: an address in "
		    "2001:db8::/64 (lan)"),
		BAD("route_port_not_where_via_is", "route_port_mismatch.yaml", "19:11",
		    "key 'port': 192.0.2.1 is on port 'wan', not on 'lan'"),
		BAD("ipv6_neighbor_link_local_on_ipv4_only_port", "neighbor_link_local_no_ipv6.yaml",
		    "15:11", "key 'port': port 'lan' has no IPv6, so no link-local address to reach "
		    "fe80::9 from"),
		BAD("duplicate_route_prefix", "route_duplicate.yaml", "17:13",
		    "key 'prefix': a route for 10.1.0.0/16 is already given at line 13; valid: "
		    "each prefix once: one next hop per prefix"),
		BAD("route_for_a_connected_subnet", "route_connected.yaml", "16:13",
		    "key 'prefix': 10.0.0.0/24 is already connected on port 'lan' (line 6); "
		    "valid: a prefix other than the ports' own subnets (reached by ARP or neighbour "
		    "discovery, without a route)"),
		BAD("unknown_route_key", "route_unknown_key.yaml", "15:5",
		    "key 'metric': unknown key; valid: prefix, via"),
		BAD("route_without_via", "route_missing_via.yaml", "13:5",
		    "key 'via': required key missing from this route; valid: the address of "
		    "another router on a connected subnet"),
		BAD("routes_given_as_mapping", "routes_not_sequence.yaml", "13:3",
		    "key 'routes': expected a sequence (a list), found a mapping; valid: 0..65536 "
		    "mappings with keys prefix, via"),
		BAD("neighbor_outside_connected_subnets", "neighbor_outside.yaml", "16:14",
		    "key 'address': 10.0.1.5 is not on a connected subnet; valid: an address in "
		    "10.0.0.0/24 (lan), 192.0.2.0/29 (wan)"),
		BAD("neighbor_that_is_a_vip", "neighbor_is_vip.yaml", "13:14",
		    "key 'address': 10.0.0.1 is a VIP of vhid 1 (line 11): this node's own "
		    "address whenever it is master; valid: the IPv4 or IPv6 address of another host "
		    "on a connected subnet"),
		BAD("neighbor_that_is_own_address", "neighbor_own_address.yaml", "13:14",
		    "key 'address': 10.0.0.2 is the address of port 'lan', this node itself"),
		BAD("neighbor_mac_syntax", "neighbor_bad_mac.yaml", "14:10",
		    "key 'mac': '52:54:00:12:34': not a MAC address (six two-digit hex bytes "
		    "separated by ':'); valid: a unicast MAC such as 52:54:00:12:34:56"),
		BAD("neighbor_multicast_mac", "neighbor_multicast_mac.yaml", "14:10",
		    "key 'mac': '01:00:5e:00:00:05': a multicast MAC (the first byte is odd), not "
		    "a station's address; valid: a unicast MAC such as 52:54:00:12:34:56"),
		BAD("neighbor_broadcast_mac", "neighbor_broadcast_mac.yaml", "14:10",
		    "key 'mac': 'ff:ff:ff:ff:ff:ff': the broadcast MAC, not a station's address"),
		BAD("neighbor_zero_mac", "neighbor_zero_mac.yaml", "14:10",
		    "key 'mac': '00:00:00:00:00:00': the all-zero MAC, not a station's address"),
		BAD("duplicate_neighbor", "neighbor_duplicate.yaml", "16:15",
		    "key 'address': neighbor 10.0.0.5 is already given at line 13; valid: each "
		    "address once"),
		BAD("unknown_source_mac", "source_mac_invalid.yaml", "7:17",
		    "key 'source_mac': unknown value 'virtual'; valid: vmac, real"),
		BAD("neighbor_timeout_below_10", "neighbor_timeout_range.yaml", "4:21",
		    "key 'neighbor_timeout': 5 is out of range; valid: an integer 10..86400"),
		BAD("neighbor_queue_above_64", "neighbor_queue_range.yaml", "4:19",
		    "key 'neighbor_queue': 65 is out of range; valid: an integer 0..64"),
		BAD("replay_protection_id_from_a_wide_subnet", "replay_wide_subnet.yaml", "12:24",
		    "key 'replay_protection': the node id would be the low 16 bits of 10.0.0.2, "
		    "which may repeat in 10.0.0.0/8: set global node_id, different on each node"),
		BAD("replay_protection_without_a_passphrase", "replay_without_passphrase.yaml",
		    "12:24", "key 'replay_protection': replay protection without a passphrase would "
		    "let anyone block the peer's adverts with one forged counter"),
		BAD("node_id_zero", "node_id_zero.yaml", "4:12",
		    "key 'node_id': 0 is out of range; valid: an integer 1..65535"),
		BAD("replay_counter_file_relative", "replay_counter_file_relative.yaml", "4:24",
		    "key 'replay_counter_file': not an absolute path of at most 255 bytes"),
		BAD("vlan_id_zero", "vlan_id_zero.yaml", "9:11",
		    "key 'vlan': VLAN 0 is not a VLAN: it marks priority-tagged frames; valid: a "
		    "VLAN id 1..4094"),
		BAD("vlan_id_4095", "vlan_id_4095.yaml", "9:11",
		    "key 'vlan': VLAN 4095 is reserved; valid: a VLAN id 1..4094"),
		BAD("vlan_id_twice_on_a_port", "vlan_duplicate_id.yaml", "13:11",
		    "key 'vlan': VLAN 20 is already configured on port 'trunk' as 'lan20' (line 7); "
		    "valid: a VLAN id unused on this port"),
		BAD("vlan_on_unknown_port", "vlan_unknown_port.yaml", "8:11",
		    "key 'port': no port is named 'trunk2'; valid: trunk"),
		BAD("vlan_on_a_vlan", "vlan_on_a_vlan.yaml", "12:11",
		    "key 'port': 'lan20' is a VLAN: a VLAN sits on a port (QinQ is not supported); "
		    "valid: trunk"),
		BAD("vlan_named_like_a_port", "vlan_name_of_a_port.yaml", "8:11",
		    "key 'name': VLAN name 'trunk' is already used by the port at line 4; valid: a "
		    "name no other port or VLAN uses"),
		BAD("vlan_mtu_above_its_port", "vlan_mtu_above_port.yaml", "12:10",
		    "key 'mtu': VLAN 'lan20' has MTU 9000, above the MTU 1500 of its port 'trunk'"),
		BAD("vlan_subnet_overlapping_its_port", "vlan_overlaps_port.yaml", "11:17",
		    "key 'addresses': subnet 10.20.0.0/24 overlaps 10.20.0.0/16 of port 'trunk' "
		    "(line 6); valid: ports and VLANs on separate subnets"),
		BAD("vhid_on_the_unused_untagged_side", "vhid_on_unused_untagged.yaml", "13:11",
		    "key 'port': port 'trunk' has no addresses of its own (only VLANs): name one of "
		    "its VLANs; valid: a port with addresses, or a VLAN"),
		BAD("port_without_addresses_or_vlans", "port_without_addresses_or_vlans.yaml",
		    "4:5", "key 'addresses': port 'trunk' has neither addresses nor VLANs"),
		BAD("vlan_without_its_id", "vlan_missing_id.yaml", "7:5",
		    "key 'vlan': required key missing from this VLAN; valid: a VLAN id 1..4094"),
		BAD("vhid_twice_on_a_vlan", "vhid_twice_on_a_vlan.yaml", "16:11",
		    "key 'vhid': vhid 1 is already configured on VLAN 'lan20' at line 12; valid: "
		    "a VHID number unused on this port or VLAN"),
		BAD("port_names_one_telemetry_key", "port_names_collide_in_telemetry.yaml", "7:11",
		    "key 'name': port name 'lan_1' and 'lan-1' (line 4) would be one key in "
		    "telemetry, which spells '-' as '_'"),
		BAD("port_with_9_ipv4_addresses", "port_too_many_ipv4.yaml", "7:56",
		    "key 'addresses': '10.0.8.2/24' is the port's IPv4 address number 9; valid: at "
		    "most 8 IPv4 addresses per port"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
