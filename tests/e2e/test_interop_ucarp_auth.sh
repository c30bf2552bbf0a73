#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop with ucarp: a wrong passphrase on either side is rejected and changes no state.
# carp-dpdk (r1, 10.99.0.2, profile ucarp) and ucarp 1.5.2 (r2, 10.99.0.3), vhid 1, VIP
# 10.99.0.1; one of them has passphrase "carp-demo", the other "wrong-pass".
#   ucarp_wrong  carp-dpdk (advskew 100) is MASTER alone; ucarp (advskew 0, -P) starts
#                with the wrong key. Had it accepted carp-dpdk's adverts, it would preempt
#                at the first one; it logs "Bad digest" instead and becomes MASTER only by
#                its master-down timer. carp-dpdk counts every ucarp advert as badauth,
#                receives none, and never leaves MASTER (the split brain a wrong key makes).
#   dpdk_wrong   ucarp (advskew 100) is MASTER alone; carp-dpdk (advskew 0, preempt) starts
#                with the wrong key: it counts ucarp's adverts as badauth and becomes
#                MASTER by its timer ("master timed out", not by preemption); ucarp logs
#                "Bad digest" for carp-dpdk's better adverts and stays MASTER.
# Usage: test_interop_ucarp_auth.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program ucarp ucarp
require_program stdbuf coreutils

tap_plan ucarp_wrong_dpdk_master_alone ucarp_wrong_ucarp_logs_bad_digest \
	ucarp_wrong_ucarp_master_by_timer_only ucarp_wrong_dpdk_counts_badauth \
	ucarp_wrong_dpdk_receives_nothing ucarp_wrong_dpdk_state_never_changes \
	dpdk_wrong_ucarp_master_alone dpdk_wrong_dpdk_counts_badauth \
	dpdk_wrong_dpdk_receives_nothing dpdk_wrong_dpdk_master_by_timer_only \
	dpdk_wrong_ucarp_logs_bad_digest dpdk_wrong_ucarp_state_never_changes

topo_create || tap_abort "$E2E_ERR"
peer_addr "$NS_R2" carp1 10.99.0.3/24 || tap_abort "$E2E_ERR"

# --- ucarp has the wrong key
make_config_profile "$E2E_TMP/a.yaml" carp0 10.99.0.2/24 100 false carp-demo ucarp
start_node d1 "$NS_R1" "$E2E_TMP/a.yaml"
tap_check ucarp_wrong_dpdk_master_alone wait_for "carp-dpdk MASTER" 12 node_is d1 MASTER
bad0=$(stat d1 badauth) && tr0=$(stat d1 transitions) && rx0=$(stat d1 adverts_received) ||
	tap_abort "no /carp/stats from carp-dpdk"
start_ucarp u1 "$NS_R2" carp1 10.99.0.3 0 wrong-pass 24 -P
# ucarp's master-down (3 s, plus up to 1 s poll slack), then 3 s of its adverts.
held=ok
hold_for "carp-dpdk MASTER" 7.5 node_is d1 MASTER || held=$E2E_ERR
tap_diag "ucarp: $(grep -m 1 -o 'Bad digest.*' "${NODE_LOG[u1]}")"
tap_check ucarp_wrong_ucarp_logs_bad_digest check_ge "ucarp 'Bad digest' lines" \
	"$(log_count u1 'Bad digest')" 2
by_timer() {
	peer_is u1 MASTER || return 1
	[ "$(log_count u1 'preemption')" -eq 0 ] ||
		{ E2E_ERR="ucarp logged a preemption: it accepted an advert"; return 1; }
}
tap_check ucarp_wrong_ucarp_master_by_timer_only by_timer
bad1=$(stat d1 badauth)
tr1=$(stat d1 transitions)
rx1=$(stat d1 adverts_received)
tap_diag "carp-dpdk: badauth $bad0 -> $bad1, adverts_received $rx0 -> $rx1, transitions $tr0 -> $tr1, drops: $(drops d1)"
tap_check ucarp_wrong_dpdk_counts_badauth check_ge "carp-dpdk badauth rise" "$((bad1 - bad0))" 2
tap_check ucarp_wrong_dpdk_receives_nothing check_eq "carp-dpdk adverts_received" "$rx1" "$rx0"
never_changed() {
	[ "$held" = ok ] || { E2E_ERR=$held; return 1; }
	check_eq "carp-dpdk transitions" "$tr1" "$tr0"
}
tap_check ucarp_wrong_dpdk_state_never_changes never_changed
stop_node u1 TERM 5
stop_node d1 TERM 5
ip -n "$NS_R2" addr del "$VIP/24" dev carp1 2>/dev/null

# --- carp-dpdk has the wrong key
start_ucarp u2 "$NS_R2" carp1 10.99.0.3 100 carp-demo 24
tap_check dpdk_wrong_ucarp_master_alone wait_for "ucarp MASTER" 7 peer_is u2 MASTER
mark=$(log_lines u2)
make_config_profile "$E2E_TMP/b.yaml" carp0 10.99.0.2/24 0 true wrong-pass ucarp
start_node d2 "$NS_R1" "$E2E_TMP/b.yaml"
wait_node_up d2 10 || tap_diag "$E2E_ERR"
# carp-dpdk's master-down (3 s), then 3 s of its adverts, which ucarp must reject.
held=ok
hold_for "ucarp MASTER" 7 peer_is u2 MASTER || held=$E2E_ERR
tap_check dpdk_wrong_dpdk_counts_badauth check_ge "carp-dpdk badauth" "$(stat d2 badauth)" 3
tap_check dpdk_wrong_dpdk_receives_nothing check_eq "carp-dpdk adverts_received" \
	"$(stat d2 adverts_received)" 0
timer_only() {
	node_is d2 MASTER && log_has d2 'BACKUP -> MASTER \(master timed out\)' || return 1
	! log_has d2 'preempting' || { E2E_ERR="carp-dpdk preempted: it accepted an advert"; return 1; }
}
tap_check dpdk_wrong_dpdk_master_by_timer_only timer_only
tap_check dpdk_wrong_ucarp_logs_bad_digest check_ge "ucarp 'Bad digest' lines after carp-dpdk started" \
	"$(log_since u2 "$mark" 'Bad digest')" 2
tap_diag "ucarp after carp-dpdk started: $(log_since u2 "$mark" 'Switching to state') state switches, $(log_since u2 "$mark" 'Bad digest') bad digests; carp-dpdk drops: $(drops d2)"
u_never_changed() {
	[ "$held" = ok ] || { E2E_ERR=$held; return 1; }
	check_eq "ucarp state switches after carp-dpdk started" \
		"$(log_since u2 "$mark" 'Switching to state')" 0
}
tap_check dpdk_wrong_ucarp_state_never_changes u_never_changed
tap_summary
