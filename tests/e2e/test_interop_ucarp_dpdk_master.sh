#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop with ucarp, carp-dpdk MASTER: carp-dpdk (r1, 10.99.0.2, advskew 0, preempt,
# profile ucarp) and Debian's ucarp 1.5.2 (r2, 10.99.0.3 on carp1, advskew 100, no -P) run
# vhid 1 with passphrase "carp-demo" and VIP 10.99.0.1 on one segment. ucarp stays BACKUP
# (it accepts carp-dpdk's adverts and HMAC). The MASTER then fails three ways while a
# client pings the VIP every 10 ms:
#   SIGKILL   ucarp takes over when its master-down interval (3 s + 100/256 s) runs out;
#   SIGTERM   carp-dpdk bows out (advbase 255, advskew 255): ucarp takes over at once;
#   link cut  the bridge port of carp-dpdk goes down: carp-dpdk leaves MASTER, ucarp takes
#             over after master-down; when it comes back carp-dpdk preempts.
# After each of the first two a new carp-dpdk starts and preempts ucarp (ucarp yields).
# ucarp checks its master-down timer only when its poll() wakes, at most one advert
# interval (1.39 s) late, so its takeover limit is 3391 + 1391 + 300 ms.
# Usage: test_interop_ucarp_dpdk_master.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program ucarp ucarp
require_program stdbuf coreutils

UC_LIMIT_MS=$((MASTER_DOWN_B_MS + 1391 + 300))
BOWOUT_LIMIT_MS=$((1391 + 300)) # ucarp acts on the bow-out when its poll() next wakes
tap_plan pair_settles ucarp_accepts_carp_dpdk_adverts ucarp_no_bad_digest \
	sigkill_ucarp_takes_over sigkill_ucarp_advertises_within_limit \
	sigkill_client_answered_by_ucarp_within_limit \
	preempt1_carp_dpdk_takes_back preempt1_ucarp_yields preempt1_one_master \
	sigterm_bow_out_on_wire sigterm_ucarp_honours_bow_out \
	sigterm_ucarp_advertises_within_bowout_limit sigterm_client_answered_by_ucarp \
	sigterm_carp_dpdk_exits_0 sigterm_handover_seen_by_carp_dpdk \
	preempt2_carp_dpdk_takes_back preempt2_one_master \
	linkcut_carp_dpdk_leaves_master linkcut_ucarp_takes_over_within_limit \
	linkcut_client_answered_by_ucarp linkup_carp_dpdk_takes_back linkup_one_master

topo_create || tap_abort "$E2E_ERR"
peer_addr "$NS_R2" carp1 10.99.0.3/24 || tap_abort "$E2E_ERR"
make_config_profile "$E2E_TMP/d.yaml" carp0 10.99.0.2/24 0 true carp-demo ucarp

# start_d NAME: a carp-dpdk node in r1 that answers telemetry.
start_d() {
	start_node "$1" "$NS_R1" "$E2E_TMP/d.yaml"
	wait_node_up "$1" 10
}
# restore NAME TAG: a new carp-dpdk preempts ucarp; reports TAG_carp_dpdk_takes_back,
# TAG_ucarp_yields (unless TAG is preempt2) and TAG_one_master.
restore() {
	local name=$1 tag=$2 t0 mark
	mark=$(log_lines u)
	start_d "$name" || { tap_diag "$E2E_ERR"; return 1; }
	t0=$(now_ms)
	tap_check "${tag}_carp_dpdk_takes_back" wait_for "$name MASTER" 6 node_is "$name" MASTER
	tap_diag "$tag: $name MASTER $(($(now_ms) - t0)) ms after its telemetry answered; log: $(grep -o 'BACKUP -> MASTER.*' "${NODE_LOG[$name]}" | tail -n 1)"
	if [ "$tag" = preempt1 ]; then
		yielded() {
			peer_is u BACKUP && [ "$(log_since u "$mark" 'Preferred master advertised')" -ge 1 ] ||
				{ E2E_ERR="ucarp is $(peer_state u); 'Preferred master advertised' lines: $(log_since u "$mark" 'Preferred master advertised')"; return 1; }
		}
		tap_check "${tag}_ucarp_yields" wait_for "ucarp BACKUP" 3 yielded
	else
		wait_for "ucarp BACKUP" 3 peer_is u BACKUP || tap_diag "$E2E_ERR"
	fi
	tap_check "${tag}_one_master" hold_for "$name MASTER, ucarp BACKUP" 2 peers_are "$name" u
}

# --- carp-dpdk MASTER, ucarp BACKUP
settle() {
	start_d d || return 1
	wait_for "carp-dpdk MASTER" 8 node_is d MASTER || return 1
	start_ucarp u "$NS_R2" carp1 10.99.0.3 100 carp-demo 24
	wait_for "ucarp BACKUP" 5 peer_is u BACKUP
}
tap_check pair_settles settle
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"
# Longer than ucarp's master-down interval plus its poll slack: it must hear carp-dpdk.
tap_check ucarp_accepts_carp_dpdk_adverts hold_for "carp-dpdk MASTER, ucarp BACKUP" 5.5 \
	peers_are d u
tap_check ucarp_no_bad_digest check_eq "ucarp 'Bad digest' lines" "$(log_count u 'Bad digest')" 0

# --- SIGKILL
interop_fault kill r2 10 stop_node d KILL 2 || tap_abort "$E2E_ERR"
tap_check sigkill_ucarp_takes_over wait_for "ucarp MASTER" 2 peer_is u MASTER
tap_diag "RESULT peer=ucarp scenario=sigkill_carp_dpdk_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
tap_check sigkill_ucarp_advertises_within_limit check_le "first ucarp advert after the kill (ms)" \
	"$FO_WIRE_MS" "$UC_LIMIT_MS"
tap_check sigkill_client_answered_by_ucarp_within_limit check_le \
	"first echo reply from ucarp after the kill (ms)" "$FO_CLIENT_MS" "$UC_LIMIT_MS"

restore d2 preempt1

# --- SIGTERM: bow-out
mark=$(log_lines u)
interop_fault term r2 6 stop_node d2 TERM 5 || tap_abort "$E2E_ERR"
tap_diag "RESULT peer=ucarp scenario=sigterm_carp_dpdk_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
wire=$E2E_TMP/term-wire.json
bows=$(jget "$wire" "sum(1 for e in d['events'] if e['at'] == 'r1' and e['kind'] == 'carp' and e['bow_out'] and e['t'] > $FO_FAULT)")
tap_diag "bow-out adverts from carp-dpdk: $bows; carp-dpdk log: $(grep -E 'shutting down|taken over|stopping' "${NODE_LOG[d2]}" | tr '\n' ' ')"
tap_check sigterm_bow_out_on_wire check_ge "bow-out adverts (255/255) from carp-dpdk" "$bows" 1
tap_check sigterm_ucarp_honours_bow_out check_ge "ucarp 'Putting MASTER DOWN (going to time out)' lines" \
	"$(log_since u "$mark" 'Putting MASTER DOWN \(going to time out\)')" 1
tap_check sigterm_ucarp_advertises_within_bowout_limit check_le \
	"first ucarp advert after SIGTERM (ms)" "$FO_WIRE_MS" "$BOWOUT_LIMIT_MS"
tap_check sigterm_client_answered_by_ucarp check_le "first echo reply from ucarp after SIGTERM (ms)" \
	"$FO_CLIENT_MS" "$BOWOUT_LIMIT_MS"
tap_check sigterm_carp_dpdk_exits_0 check_eq "carp-dpdk exit status" "${NODE_RC[d2]:-none}" 0
# carp-dpdk keeps answering until it hears the peer advertise as MASTER, for at most
# advbase + 1 s: ucarp acts on the bow-out only when its poll() next wakes. ucarp continues
# the counter of the last advert it accepted, so the diagnostic shows which of its
# counters carp-dpdk sent before (a loop only with carp-dpdk's own advbase/advskew).
seq=$(jget "$wire" "'; '.join(('%s %+.0f ms %s counter %#x' % (e['at'], (e['t'] - $FO_FAULT) * 1000, 'bow-out' if e['bow_out'] else 'advert', e['counter'])) + (' (carp-dpdk sent it %+.0f ms before)' % ((e['t'] - min(m['t'] for m in d['events'] if m['at'] == 'r1' and m['kind'] == 'carp' and m['counter'] == e['counter'])) * 1000) if e['at'] == 'r2' and any(m['at'] == 'r1' and m['kind'] == 'carp' and m['counter'] == e['counter'] and m['t'] < e['t'] for m in d['events']) else '') for e in d['events'] if e['kind'] == 'carp' and e['t'] > $FO_FAULT and e['t'] < $FO_FAULT + 2.5)")
tap_diag "adverts in the 2.5 s after SIGTERM: $seq"
tap_check sigterm_handover_seen_by_carp_dpdk log_has d2 'taken over by the peer'

restore d3 preempt2

# --- link cut: carp-dpdk's bridge port goes down
interop_fault link r2 10 ip -n "$NS_LAN" link set r1 down || tap_abort "$E2E_ERR"
tap_diag "RESULT peer=ucarp scenario=linkcut_carp_dpdk_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
not_master() {
	local s
	s=$(node_state d3)
	[ "$s" != MASTER ] && [ "$s" != DOWN ] || { E2E_ERR="carp-dpdk is $s"; return 1; }
}
tap_check linkcut_carp_dpdk_leaves_master not_master
tap_check linkcut_ucarp_takes_over_within_limit check_le "first ucarp advert after the cut (ms)" \
	"$FO_WIRE_MS" "$UC_LIMIT_MS"
tap_check linkcut_client_answered_by_ucarp check_le "first echo reply from ucarp after the cut (ms)" \
	"$FO_CLIENT_MS" "$UC_LIMIT_MS"
ip -n "$NS_LAN" link set r1 up
t0=$(now_ms)
tap_check linkup_carp_dpdk_takes_back wait_for "carp-dpdk MASTER again" 6 node_is d3 MASTER
tap_diag "carp-dpdk MASTER $(($(now_ms) - t0)) ms after the link came back"
wait_for "ucarp BACKUP" 3 peer_is u BACKUP || tap_diag "$E2E_ERR"
tap_check linkup_one_master hold_for "carp-dpdk MASTER, ucarp BACKUP" 2 peers_are d3 u
tap_diag "carp-dpdk drops: $(drops d3); ucarp: $(log_count u 'Bad digest') bad digests"
tap_summary
