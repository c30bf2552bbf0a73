#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop with ucarp, preemption both ways. carp-dpdk (r1, 10.99.0.2, profile ucarp) and
# ucarp 1.5.2 (r2, 10.99.0.3) on vhid 1, passphrase "carp-demo", VIP 10.99.0.1. The slower
# node (advskew 100) runs alone and becomes MASTER; then the faster one (advskew 0) starts:
#   on_dpdk_joins    carp-dpdk with preempt takes over at once ("preempting a slower
#                    master"); ucarp yields ("Preferred master advertised");
#   on_ucarp_joins   ucarp with -P takes over ("Putting MASTER down - preemption");
#                    carp-dpdk yields ("more frequent advertisement received");
#   off_dpdk_joins   carp-dpdk without preempt stays BACKUP longer than its master-down
#                    interval; ucarp stays MASTER;
#   off_ucarp_joins  ucarp without -P stays BACKUP; carp-dpdk stays MASTER.
# Usage: test_interop_ucarp_preempt.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program ucarp ucarp
require_program stdbuf coreutils

tap_plan on_dpdk_joins_slower_ucarp_master on_dpdk_joins_takes_over \
	on_dpdk_joins_ucarp_yields on_dpdk_joins_one_master \
	on_ucarp_joins_slower_dpdk_master on_ucarp_joins_takes_over \
	on_ucarp_joins_dpdk_yields on_ucarp_joins_one_master \
	off_dpdk_joins_slower_ucarp_master off_dpdk_joins_stays_backup \
	off_dpdk_joins_ucarp_keeps_master \
	off_ucarp_joins_slower_dpdk_master off_ucarp_joins_stays_backup \
	off_ucarp_joins_dpdk_keeps_master

topo_create || tap_abort "$E2E_ERR"
peer_addr "$NS_R2" carp1 10.99.0.3/24 || tap_abort "$E2E_ERR"
make_config_profile "$E2E_TMP/fast-preempt.yaml" carp0 10.99.0.2/24 0 true carp-demo ucarp
make_config_profile "$E2E_TMP/fast.yaml" carp0 10.99.0.2/24 0 false carp-demo ucarp
make_config_profile "$E2E_TMP/slow.yaml" carp0 10.99.0.2/24 100 false carp-demo ucarp

stop_all() { # NAME...
	local n
	for n in "$@"; do node_alive "$n" && stop_node "$n" TERM 5; done
	ip -n "$NS_R2" addr del "$VIP/24" dev carp1 2>/dev/null
	sleep 0.5
	return 0
}

# --- preempt on, carp-dpdk joins a slower ucarp MASTER
start_ucarp u1 "$NS_R2" carp1 10.99.0.3 100 carp-demo 24
tap_check on_dpdk_joins_slower_ucarp_master wait_for "ucarp MASTER" 7 peer_is u1 MASTER
mark=$(log_lines u1)
start_node d1 "$NS_R1" "$E2E_TMP/fast-preempt.yaml"
wait_node_up d1 10 || tap_diag "$E2E_ERR"
t0=$(now_ms)
preempted() {
	node_is d1 MASTER && log_has d1 'BACKUP -> MASTER \(preempting a slower master\)'
}
tap_check on_dpdk_joins_takes_over wait_for "carp-dpdk MASTER by preemption" 4 preempted
tap_diag "RESULT peer=ucarp scenario=preempt_dpdk_joins takeover_ms=$(($(now_ms) - t0)) (from carp-dpdk's telemetry up)"
yielded() {
	peer_is u1 BACKUP && [ "$(log_since u1 "$mark" 'Preferred master advertised')" -ge 1 ] ||
		{ E2E_ERR="ucarp is $(peer_state u1), 'Preferred master advertised' lines: $(log_since u1 "$mark" 'Preferred master advertised')"; return 1; }
}
tap_check on_dpdk_joins_ucarp_yields wait_for "ucarp BACKUP" 3 yielded
tap_check on_dpdk_joins_one_master hold_for "carp-dpdk MASTER, ucarp BACKUP" 3 peers_are d1 u1
tap_diag "carp-dpdk drops: $(drops d1)"
stop_all d1 u1

# --- preempt on, ucarp joins a slower carp-dpdk MASTER
start_node d2 "$NS_R1" "$E2E_TMP/slow.yaml"
tap_check on_ucarp_joins_slower_dpdk_master wait_for "carp-dpdk MASTER" 12 node_is d2 MASTER
t0=$(now_ms)
start_ucarp u2 "$NS_R2" carp1 10.99.0.3 0 carp-demo 24 -P
u_preempted() {
	peer_is u2 MASTER && [ "$(log_count u2 'Putting MASTER down - preemption')" -ge 1 ] ||
		{ E2E_ERR="ucarp is $(peer_state u2); preemption lines: $(log_count u2 'Putting MASTER down - preemption')"; return 1; }
}
tap_check on_ucarp_joins_takes_over wait_for "ucarp MASTER by preemption" 4 u_preempted
tap_diag "RESULT peer=ucarp scenario=preempt_ucarp_joins takeover_ms=$(($(now_ms) - t0)) (from ucarp's start)"
d_yielded() {
	node_is d2 BACKUP && log_has d2 'MASTER -> BACKUP \(more frequent advertisement received\)'
}
tap_check on_ucarp_joins_dpdk_yields wait_for "carp-dpdk BACKUP" 4 d_yielded
tap_check on_ucarp_joins_one_master hold_for "ucarp MASTER, carp-dpdk BACKUP" 3 peers_are u2 d2
tap_diag "carp-dpdk drops: $(drops d2); log: $(grep -Eo '(BACKUP|MASTER) -> .*' "${NODE_LOG[d2]}" | tr '\n' ';')"
stop_all u2 d2

# --- preempt off, carp-dpdk joins a slower ucarp MASTER
start_ucarp u3 "$NS_R2" carp1 10.99.0.3 100 carp-demo 24
tap_check off_dpdk_joins_slower_ucarp_master wait_for "ucarp MASTER" 7 peer_is u3 MASTER
start_node d3 "$NS_R1" "$E2E_TMP/fast.yaml"
wait_node_up d3 10 && wait_for "carp-dpdk BACKUP" 3 node_is d3 BACKUP || tap_diag "$E2E_ERR"
# Longer than carp-dpdk's master-down interval (3 s): it hears ucarp all along.
tap_check off_dpdk_joins_stays_backup hold_for "carp-dpdk BACKUP" 5 node_is d3 BACKUP
tap_check off_dpdk_joins_ucarp_keeps_master peer_is u3 MASTER
stop_all d3 u3

# --- preempt off, ucarp joins a slower carp-dpdk MASTER
start_node d4 "$NS_R1" "$E2E_TMP/slow.yaml"
tap_check off_ucarp_joins_slower_dpdk_master wait_for "carp-dpdk MASTER" 12 node_is d4 MASTER
start_ucarp u4 "$NS_R2" carp1 10.99.0.3 0 carp-demo 24
wait_for "ucarp BACKUP" 3 peer_is u4 BACKUP || tap_diag "$E2E_ERR"
# Longer than ucarp's master-down interval (3 s) plus its poll slack (1 s).
tap_check off_ucarp_joins_stays_backup hold_for "ucarp BACKUP" 5.5 peer_is u4 BACKUP
tap_check off_ucarp_joins_dpdk_keeps_master node_is d4 MASTER
tap_summary
