#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Election: the shipped demo pair (node a advskew 0, node b advskew 100, one VHID, one VIP)
# on one segment elects exactly one MASTER, the advskew-0 node, and both nodes say so on
# telemetry. Usage: test_election.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

tap_plan node_a_serves_telemetry node_b_serves_telemetry advskew0_node_becomes_master \
	advskew100_node_is_backup exactly_one_master_stays backup_hears_master \
	only_master_advertises master_transition_logged ports_report_link_and_methods

topo_create || tap_abort "$E2E_ERR"
start_node a "$NS_R1" "$CFG_A"
start_node b "$NS_R2" "$CFG_B"
tap_check node_a_serves_telemetry wait_node_up a 10
tap_check node_b_serves_telemetry wait_node_up b 10
node_alive a && node_alive b || tap_abort "a node exited"

tap_check advskew0_node_becomes_master wait_for "node a MASTER" 12 node_is a MASTER
tap_check advskew100_node_is_backup wait_for "node b BACKUP" 3 node_is b BACKUP
tap_check exactly_one_master_stays hold_for "exactly one MASTER (a)" 3 roles_are a b

# b hears a: its last advert from the master is recent (adverts every second).
backup_hears_master() {
	local heard
	heard=$(status_field b last_master_heard_ms) || { E2E_ERR="telemetry of b"; return 1; }
	tap_diag "b: last_master_heard_ms $heard"
	[ "$heard" -ge 0 ] 2>/dev/null && [ "$heard" -le 1500 ] ||
		{ E2E_ERR="b last heard the master $heard ms ago; want 0..1500"; return 1; }
}
tap_check backup_hears_master backup_hears_master

# Over 2.5 s the master sends two or more adverts and the backup receives them; the
# backup sends none.
only_master_advertises() {
	local a0 b0 r0 a1 b1 r1
	a0=$(stat a adverts_sent) && b0=$(stat b adverts_sent) && r0=$(stat b adverts_received) ||
		{ E2E_ERR="no /carp/stats adverts_sent/adverts_received"; return 1; }
	sleep 2.5
	a1=$(stat a adverts_sent) && b1=$(stat b adverts_sent) && r1=$(stat b adverts_received) ||
		{ E2E_ERR="no /carp/stats"; return 1; }
	tap_diag "in 2.5 s: a sent $((a1 - a0)), b sent $((b1 - b0)), b received $((r1 - r0))"
	[ $((a1 - a0)) -ge 2 ] && [ $((b1 - b0)) -eq 0 ] && [ $((r1 - r0)) -ge 2 ] ||
		{ E2E_ERR="want a sent >= 2, b sent 0, b received >= 2"; return 1; }
}
tap_check only_master_advertises only_master_advertises

tap_check master_transition_logged log_has a 'vhid 1@lan: BACKUP -> MASTER \(master timed out\)'

# /carp/ports: the link is up and every method is one the contract names.
ports_ok() {
	local n
	for n in a b; do
		node_py "$n" "
p = q('/carp/ports')['lan']
ok = (p['link'] == 'up' and p['steering'] in ('rte_flow', 'software')
      and p['vmac_filter'] in ('mac_addr_add', 'promiscuous') and p['idle'] == 'adaptive'
      and p['link_method'] in ('ethdev', 'kernel'))
print(('ok ' if ok else 'BAD ') + str(p))" >"$E2E_TMP/ports.$n" 2>&1
		tap_diag "$n /carp/ports lan: $(cat "$E2E_TMP/ports.$n")"
		grep -q '^ok ' "$E2E_TMP/ports.$n" ||
			{ E2E_ERR="node $n: $(cat "$E2E_TMP/ports.$n")"; return 1; }
	done
}
tap_check ports_report_link_and_methods ports_ok
tap_summary
