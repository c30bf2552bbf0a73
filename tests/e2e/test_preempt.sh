#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Preemption: the slower node (b, advskew 100) runs alone and becomes MASTER; then the
# better node (a, advskew 0) starts. With preempt on (the shipped configs) a takes the
# role over as soon as it hears b; with preempt off (same configs, preempt false) a stays
# BACKUP for longer than a master-down interval and b stays MASTER.
# Usage: test_preempt.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

tap_plan on_slower_node_alone_becomes_master on_better_node_takes_over \
	on_slower_node_yields on_takeover_logged_as_preemption on_one_master_after \
	off_slower_node_alone_becomes_master off_better_node_stays_backup \
	off_slower_node_keeps_master off_no_transition_logged_on_better_node

topo_create || tap_abort "$E2E_ERR"

# --- preempt on (shipped configs)
start_node b "$NS_R2" "$CFG_B"
tap_check on_slower_node_alone_becomes_master \
	wait_for "node b alone MASTER" 12 node_is b MASTER
start_node a "$NS_R1" "$CFG_A"
# a needs its start-up, then one advert of b (every 1.39 s) to preempt.
tap_check on_better_node_takes_over wait_for "node a MASTER" 8 node_is a MASTER
tap_check on_slower_node_yields wait_for "node b BACKUP" 2 node_is b BACKUP
tap_check on_takeover_logged_as_preemption \
	log_has a 'vhid 1@lan: BACKUP -> MASTER \(preempting a slower master\)'
tap_check on_one_master_after hold_for "a MASTER, b BACKUP" 2 roles_are a b
stop_node a TERM 5
stop_node b TERM 5

# --- preempt off: the same nodes with preempt false
make_config "$E2E_TMP/a-nopreempt.yaml" carp0 10.99.0.2/24 0 false carp-demo
make_config "$E2E_TMP/b-nopreempt.yaml" carp1 10.99.0.3/24 100 false carp-demo
start_node b2 "$NS_R2" "$E2E_TMP/b-nopreempt.yaml"
tap_check off_slower_node_alone_becomes_master \
	wait_for "node b2 alone MASTER" 12 node_is b2 MASTER
start_node a2 "$NS_R1" "$E2E_TMP/a-nopreempt.yaml"
wait_node_up a2 10 || tap_abort "$E2E_ERR"
wait_for "node a2 BACKUP" 3 node_is a2 BACKUP
# Longer than a's master-down interval (3 s): a hears b all along and never takes over.
tap_check off_better_node_stays_backup hold_for "a2 BACKUP" 5 node_is a2 BACKUP
tap_check off_slower_node_keeps_master node_is b2 MASTER
no_master_line() {
	! grep -q 'vhid 1@lan: BACKUP -> MASTER' "${NODE_LOG[a2]}" ||
		{ E2E_ERR="a2 logged: $(grep 'vhid 1@lan: BACKUP -> MASTER' "${NODE_LOG[a2]}")"; return 1; }
}
tap_check off_no_transition_logged_on_better_node no_master_line
tap_summary
