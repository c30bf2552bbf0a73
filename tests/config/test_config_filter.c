/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter: section (lib/config/config_filter.c): a typical LAN/WAN filter read into
 * its rules (tables expanded, the implicit flags S/SA of stateful rules, families from
 * the addresses), pf's timeouts and their overrides, and every refused value with its
 * line, column and what is valid.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "carp_config.h"
#include "config_refused.h"

/* Lines 1-12. */
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

static struct carp_config *
load_ok(const char *text)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = NULL;
	int rc = carp_config_load_string(text, "<test>", &c, &errs);

	if (rc != 0)
		carp_config_errors_print(&errs, stderr);
	assert_int_equal(rc, 0);
	assert_non_null(c);
	carp_config_errors_free(&errs);
	return c;
}

/* @p filter (after TWO_PORTS) is refused with one message at @p where holding @p what. */
static void
assert_refused(const char *filter, const char *where, const char *what)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", TWO_PORTS, filter);
	assert_config_refused(text, where, what);
}

static void
test_no_filter_section_means_stateless(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS);

	(void)state;
	assert_null(c->filter);
	carp_config_free(c);
}

static void
test_lan_wan_filter(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS
		"filter:\n"                                                       /* 13 */
		"  default: block\n"
		"  states: 200000\n"
		"  timeouts: {tcp.established: 3600, udp.first: 20}\n"
		"  tables:\n"
		"    lan_nets: [10.0.0.0/24, \"2001:db8::/64\"]\n"
		"    dns: [192.0.2.53, 192.0.2.54]\n"
		"  rules:\n"                                                      /* 20 */
		"    - {action: pass, in: lan, from: <lan_nets>}\n"
		"    - {action: pass, in: wan, out: lan, proto: tcp, to: 10.0.0.80, port: [80, 443, 8000-8080]}\n"
		"    - {action: reject, in: wan, proto: tcp, port: 22, log: true}\n"
		"    - {action: pass, out: self, proto: icmp, icmp_type: 8, icmp_code: 0}\n"
		"    - {action: pass, proto: udp, to: <dns>, port: 53, state: none}\n"
		"    - {action: block, proto: tcp, flags: S/SAFR}\n"
		"    - {action: pass, proto: tcp, flags: any}\n");
	const struct flt_ruleset *rs = c->filter;
	const struct flt_rule *r;

	(void)state;
	assert_non_null(rs);
	assert_int_equal(rs->default_action, FLT_BLOCK);
	assert_int_equal(rs->state_limit, 200000);
	assert_int_equal(rs->timeouts.sec[FLT_TO_TCP_ESTABLISHED], 3600);
	assert_int_equal(rs->timeouts.sec[FLT_TO_UDP_FIRST], 20);
	assert_int_equal(rs->timeouts.sec[FLT_TO_TCP_FIRST], 120); /* pf's default */
	assert_int_equal(rs->timeouts.adaptive_start, 120000);
	assert_int_equal(rs->timeouts.adaptive_end, 240000);
	assert_false(rs->reassemble); /* off unless asked: fragments are dropped */
	assert_int_equal(rs->frag_max, FLT_FRAG_MAX_DEFAULT);
	assert_int_equal(rs->timeouts.sec[FLT_TO_FRAG], 60); /* pf's default */
	assert_int_equal(rs->n_rules, 7);

	r = &rs->rules[0];
	assert_int_equal(r->line, 21);
	assert_int_equal(r->action, FLT_PASS);
	assert_true(r->keep_state);
	assert_int_equal(r->in, 0);
	assert_int_equal(r->out, FLT_IFACE_ANY);
	assert_int_equal(r->af, 0); /* the table has both families */
	assert_int_equal(r->src.count, 2);
	assert_int_equal(rs->prefixes[r->src.first].af, 4);
	assert_int_equal(rs->prefixes[r->src.first].len, 96 + 24);
	assert_int_equal(rs->prefixes[r->src.first + 1].af, 6);
	assert_int_equal(rs->prefixes[r->src.first + 1].len, 64);
	assert_int_equal(r->flags, FLT_TH_SYN);
	assert_int_equal(r->flags_mask, FLT_TH_SYN | FLT_TH_ACK);

	r = &rs->rules[1];
	assert_int_equal(r->in, 1);
	assert_int_equal(r->out, 0);
	assert_int_equal(r->af, 4);
	assert_int_equal(r->proto, 6);
	assert_int_equal(r->dst.count, 1);
	assert_int_equal(rs->prefixes[r->dst.first].len, 128);
	assert_int_equal(r->dport.count, 3);
	assert_int_equal(rs->ports[r->dport.first + 2].lo, 8000);
	assert_int_equal(rs->ports[r->dport.first + 2].hi, 8080);
	assert_int_equal(r->sport.count, 0);

	r = &rs->rules[2];
	assert_int_equal(r->action, FLT_REJECT);
	assert_false(r->keep_state);
	assert_true(r->log);
	assert_int_equal(r->flags_mask, 0);

	r = &rs->rules[3];
	assert_int_equal(r->out, FLT_IFACE_SELF);
	assert_int_equal(r->af, 4);
	assert_int_equal(r->icmp_type, 8);
	assert_int_equal(r->icmp_code, 0);

	r = &rs->rules[4];
	assert_false(r->keep_state);
	assert_int_equal(r->flags_mask, 0);
	assert_int_equal(r->dst.count, 2);

	r = &rs->rules[5];
	assert_int_equal(r->flags, FLT_TH_SYN);
	assert_int_equal(r->flags_mask, FLT_TH_SYN | FLT_TH_ACK | FLT_TH_FIN | FLT_TH_RST);
	r = &rs->rules[6];
	assert_true(r->keep_state);
	assert_int_equal(r->flags_mask, 0);
	carp_config_free(c);
}

static void
test_pass_default_and_no_rules(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS "filter: {default: pass, reassemble: false,"
					" timeouts: {adaptive.start: 0, adaptive.end: 0}}\n");

	(void)state;
	assert_int_equal(c->filter->default_action, FLT_PASS);
	assert_int_equal(c->filter->n_rules, 0);
	assert_false(c->filter->reassemble);
	assert_int_equal(c->filter->timeouts.adaptive_end, 0);
	carp_config_free(c);
}

static void
test_refused_values(void **state)
{
	(void)state;
	assert_refused("filter: {rules: []}\n", "13:9", "key 'default': required key missing");
	assert_refused("filter: {default: allow}\n", "13:19", "default");
	assert_refused("filter: {default: block, states: 0}\n", "13:34", "states");
	assert_refused("filter:\n  default: block\n  rules:\n    - {in: lan}\n", "16:7",
		       "key 'action': required key missing");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: drop}\n", "16:16",
		       "action");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, in: dmz}\n",
		       "16:26", "no port or VLAN with addresses is named 'dmz'");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, in: self}\n",
		       "16:26", "no port or VLAN with addresses is named 'self'");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, port: 80}\n",
		       "16:28", "ports exist only with proto tcp or udp");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, proto: tcp, port: 80-70}\n",
		       "16:40", "'80-70' is not a port or a range");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, proto: tcp, port: 65536}\n",
		       "16:40", "not a port");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, proto: gre}\n",
		       "16:29", "'gre' is not a protocol");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, icmp_type: 8}\n",
		       "16:33", "ICMP types exist only with proto icmp or icmp6");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, proto: icmp, icmp_code: 1}\n",
		       "16:46", "a code means something only within a type");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, family: inet6, proto: icmp}\n",
		       "16:44", "icmp is IPv4's");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, family: inet6, to: 10.0.0.0/8}\n",
		       "16:30", "the rule is IPv6 but names IPv4 addresses");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, to: 10.0.0.1/8}\n",
		       "16:26", "host bits are set");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, to: [any, 10.0.0.0/8]}\n",
		       "16:27", "'any' inside a list");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, to: <nope>}\n",
		       "16:26", "'<nope>': no such table");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, to: \"::ffff:10.0.0.0/104\"}\n",
		       "16:26", "IPv4-mapped");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, flags: S/SA}\n",
		       "16:29", "flags exist only with proto tcp");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, proto: tcp, flags: SA/S}\n",
		       "16:41", "'SA/S' is not FLAGS/MASK");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: block, state: keep}\n",
		       "16:30", "only a pass rule creates states");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, state: modulate}\n",
		       "16:29", "state");
	assert_refused("filter:\n  default: block\n  rules:\n    - {action: pass, quick: true}\n",
		       "16:22", "key 'quick': unknown key");
	assert_refused("filter:\n  default: block\n  timeouts: {tcp.forever: 1}\n", "15:14",
		       "key 'tcp.forever': unknown timeout");
	assert_refused("filter:\n  default: block\n  timeouts: {tcp.first: 0}\n", "15:25",
		       "tcp.first");
	assert_refused("filter:\n  default: block\n  timeouts: {adaptive.start: 9, adaptive.end: 5}\n",
		       "15:13", "adaptive.start 9 is not below adaptive.end 5");
	assert_refused("filter:\n  default: block\n  tables: {a: [10.0.0.0/8], a: [10.0.0.0/8]}\n",
		       "15:29", "table <a> is defined twice");
	assert_refused("filter:\n  default: block\n  tables: {a: [<b>]}\n", "15:16",
		       "a table cannot name another table");
	assert_refused("filter:\n  default: block\n  tables: {\"a b\": [10.0.0.0/8]}\n", "15:12",
		       "not a table name");
	assert_refused("filter: {default: block, reassemble: yes please}\n", "13:38",
		       "reassemble");
	assert_refused("filter: {default: block, reassemble: true, fragments: 0}\n", "13:55",
		       "fragments");
	assert_refused("filter: {default: block, fragments: 16385}\n", "13:37", "fragments");
	assert_refused("filter: {default: block, timeouts: {frag: 0}}\n", "13:43", "frag");
}

static void
test_reassembly_on(void **state)
{
	struct carp_config *c = load_ok(TWO_PORTS "filter: {default: block, reassemble: true,"
					" fragments: 1024, timeouts: {frag: 15}}\n");

	(void)state;
	assert_true(c->filter->reassemble);
	assert_int_equal(c->filter->frag_max, 1024);
	assert_int_equal(c->filter->timeouts.sec[FLT_TO_FRAG], 15);
	carp_config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter_section_means_stateless),
		cmocka_unit_test(test_lan_wan_filter),
		cmocka_unit_test(test_pass_default_and_no_rules),
		cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_reassembly_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
