#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Link down and up: with the demo pair settled, the MASTER's port goes down
# (`ip link set carp0 down` in r1). Node a leaves MASTER and telemetry shows the link
# down; node b takes over within its master-down interval (+ 200 ms + the time a takes to
# see the link, at most 1 s). When the link comes back, roles settle as configured: a
# (advskew 0, preempt) MASTER again, b BACKUP.
# Usage: test_link_down.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

tap_plan pair_settles down_master_leaves_master down_link_reported down_backup_takes_over \
	down_no_split_brain up_link_reported up_master_returns up_backup_yields \
	up_exactly_one_master_stays

topo_create || tap_abort "$E2E_ERR"
tap_check pair_settles start_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

link_is() { # NODE up|down
	local l
	l=$(node_py "$1" "q('/carp/ports')['lan']['link']") || { E2E_ERR="no /carp/ports"; return 1; }
	check_eq "node $1 link" "$l" "$2"
}
not_master() {
	local s
	s=$(node_state "$1")
	[ "$s" != MASTER ] && [ "$s" != DOWN ] || { E2E_ERR="node $1 is $s"; return 1; }
}

t0=$(now_ms)
ip -n "$NS_R1" link set carp0 down
tap_check down_master_leaves_master wait_for "node a to leave MASTER" 2 not_master a
tap_diag "a while its link is down: $(node_state a)"
tap_check down_link_reported wait_for "a's link down in /carp/ports" 2 link_is a down
tap_check down_backup_takes_over wait_for "node b MASTER" \
	"$(awk -v ms="$MASTER_DOWN_B_MS" 'BEGIN { print (ms + 1200) / 1000 }')" node_is b MASTER
tap_diag "b MASTER $(($(now_ms) - t0)) ms after the link went down"
tap_check down_no_split_brain hold_for "a not MASTER while its link is down" 1 not_master a

ip -n "$NS_R1" link set carp0 up
tap_check up_link_reported wait_for "a's link up in /carp/ports" 3 link_is a up
tap_check up_master_returns wait_for "node a MASTER again" 8 node_is a MASTER
tap_check up_backup_yields wait_for "node b BACKUP" 2 node_is b BACKUP
tap_check up_exactly_one_master_stays hold_for "a MASTER, b BACKUP" 3 roles_are a b
tap_summary
