#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop with ucarp, ucarp MASTER: Debian's ucarp 1.5.2 (r2, 10.99.0.3 on carp1, advskew 0,
# -P) and carp-dpdk (r1, 10.99.0.2, advskew 100, no preempt, profile ucarp) run vhid 1 with
# passphrase "carp-demo" and VIP 10.99.0.1. carp-dpdk stays BACKUP: it accepts ucarp's
# adverts (source MAC 00:00:5e:00:00:01, one VIP, no demote byte), counts them in
# adverts_received and drops none. Then ucarp fails while a client pings the VIP:
#   SIGKILL     ucarp leaves the VIP on r2 (no down script runs); carp-dpdk takes over
#               after its master-down interval and its gratuitous ARP moves the client;
#   SIGTERM     ucarp removes the VIP but sends no bow-out: carp-dpdk waits master-down;
#   link cut    ucarp's bridge port goes down: ucarp goes BACKUP (and looks again only
#               after 10 s); carp-dpdk takes over; with the link back ucarp preempts;
#   iface down  ucarp's own interface goes down: ucarp exits; carp-dpdk takes over.
# After SIGKILL and SIGTERM a new ucarp starts and preempts carp-dpdk.
# Limit for carp-dpdk's takeover: master-down (3 s + 100/256 s) + 200 ms.
# Usage: test_interop_ucarp_ucarp_master.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program ucarp ucarp
require_program stdbuf coreutils

LIMIT_MS=$((MASTER_DOWN_B_MS + 200))
tap_plan pair_settles carp_dpdk_stays_backup carp_dpdk_counts_ucarp_adverts \
	carp_dpdk_drops_nothing carp_dpdk_hears_master_recently \
	sigkill_carp_dpdk_takes_over_within_limit sigkill_client_answered_by_carp_dpdk \
	sigkill_logged_master_timed_out \
	preempt1_ucarp_takes_back preempt1_carp_dpdk_yields preempt1_one_master \
	sigterm_ucarp_removes_vip sigterm_carp_dpdk_takes_over_within_limit \
	sigterm_client_answered_by_carp_dpdk \
	preempt2_ucarp_takes_back preempt2_one_master \
	linkcut_carp_dpdk_takes_over_within_limit linkcut_client_answered_by_carp_dpdk \
	linkup_ucarp_takes_back linkup_one_master \
	ifdown_ucarp_exits ifdown_carp_dpdk_takes_over_within_limit

topo_create || tap_abort "$E2E_ERR"
peer_addr "$NS_R2" carp1 10.99.0.3/24 || tap_abort "$E2E_ERR"
make_config_profile "$E2E_TMP/d.yaml" carp0 10.99.0.2/24 100 false carp-demo ucarp

# restore NAME TAG: a new ucarp (advskew 0, -P) preempts carp-dpdk.
restore() {
	local name=$1 tag=$2 t0 mark
	mark=$(log_lines d)
	t0=$(now_ms)
	start_ucarp "$name" "$NS_R2" carp1 10.99.0.3 0 carp-demo 24 -P
	tap_check "${tag}_ucarp_takes_back" wait_for "ucarp $name MASTER" 8 peer_is "$name" MASTER
	tap_diag "$tag: ucarp $name MASTER $(($(now_ms) - t0)) ms after it started: $(grep -o 'Putting MASTER.*' "${NODE_LOG[$name]}" | head -n 1)"
	if [ "$tag" = preempt1 ]; then
		tap_check "${tag}_carp_dpdk_yields" wait_for "carp-dpdk BACKUP" 3 node_is d BACKUP
		tap_diag "carp-dpdk: $(tail -n +"$((mark + 1))" "${NODE_LOG[d]}" | grep -o 'MASTER -> BACKUP.*' | head -n 1)"
	else
		wait_for "carp-dpdk BACKUP" 3 node_is d BACKUP || tap_diag "$E2E_ERR"
	fi
	tap_check "${tag}_one_master" hold_for "ucarp $name MASTER, carp-dpdk BACKUP" 2 peers_are "$name" d
	tap_diag "$tag: carp-dpdk drops so far: $(drops d)"
}

# --- ucarp MASTER, carp-dpdk BACKUP
settle() {
	start_ucarp u "$NS_R2" carp1 10.99.0.3 0 carp-demo 24 -P
	wait_for "ucarp MASTER" 6 peer_is u MASTER || return 1
	start_node d "$NS_R1" "$E2E_TMP/d.yaml"
	wait_node_up d 10 && wait_for "carp-dpdk BACKUP" 3 node_is d BACKUP
}
tap_check pair_settles settle
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"
rx0=$(stat d adverts_received) && read -r drops0 _ < <(drops d) || tap_abort "no telemetry from carp-dpdk"
# Longer than carp-dpdk's master-down interval (3.39 s): it must hear ucarp all along.
tap_check carp_dpdk_stays_backup hold_for "ucarp MASTER, carp-dpdk BACKUP" 5 peers_are u d
rx1=$(stat d adverts_received)
read -r drops1 drop_detail < <(drops d)
heard=$(status_field d last_master_heard_ms)
tap_diag "carp-dpdk: adverts_received $rx0 -> $rx1, drops $drops0 -> $drops1 ${drop_detail:-}, last master heard $heard ms ago"
tap_check carp_dpdk_counts_ucarp_adverts check_ge "adverts received from ucarp in 5 s" "$((rx1 - rx0))" 4
tap_check carp_dpdk_drops_nothing check_eq "carp-dpdk drop counters (all reasons, all entries)" \
	"$drops1" 0
tap_check carp_dpdk_hears_master_recently check_le "last_master_heard_ms" "$heard" 1100

# --- SIGKILL: ucarp's VIP stays on r2
interop_fault kill r1 8 stop_node u KILL 2 || tap_abort "$E2E_ERR"
tap_diag "RESULT peer=ucarp scenario=sigkill_ucarp_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
if ns_has_addr "$NS_R2" carp1 "$VIP"; then
	tap_diag "after SIGKILL ucarp's host still holds $VIP (no down script ran): r2's kernel answers the client until carp-dpdk's gratuitous ARP moves it (split brain at the IP layer, as the design notes say)"
fi
tap_check sigkill_carp_dpdk_takes_over_within_limit check_le \
	"first carp-dpdk advert after the kill (ms)" "$FO_WIRE_MS" "$LIMIT_MS"
tap_check sigkill_client_answered_by_carp_dpdk check_le \
	"first echo reply from carp-dpdk after the kill (ms)" "$FO_CLIENT_MS" "$LIMIT_MS"
tap_check sigkill_logged_master_timed_out log_has d 'vhid 1@lan: BACKUP -> MASTER \(master timed out\)'
ip -n "$NS_R2" addr del "$VIP/24" dev carp1 2>/dev/null # the dead box's address goes with it

restore u2 preempt1

# --- SIGTERM: the down script removes the VIP; no bow-out, carp-dpdk waits master-down
interop_fault term r1 8 stop_node u2 TERM 5 || tap_abort "$E2E_ERR"
tap_diag "RESULT peer=ucarp scenario=sigterm_ucarp_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
vip_gone() {
	! ns_has_addr "$NS_R2" carp1 "$VIP" || { E2E_ERR="$VIP still on r2's carp1"; return 1; }
}
tap_check sigterm_ucarp_removes_vip vip_gone
tap_check sigterm_carp_dpdk_takes_over_within_limit check_le \
	"first carp-dpdk advert after SIGTERM (ms)" "$FO_WIRE_MS" "$LIMIT_MS"
tap_check sigterm_client_answered_by_carp_dpdk check_le \
	"first echo reply from carp-dpdk after SIGTERM (ms)" "$FO_CLIENT_MS" "$LIMIT_MS"

restore u3 preempt2

# --- link cut: ucarp's bridge port goes down
interop_fault link r1 8 ip -n "$NS_LAN" link set r2 down || tap_abort "$E2E_ERR"
tap_diag "RESULT peer=ucarp scenario=linkcut_ucarp_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
tap_diag "ucarp u3 while its link is down: $(peer_state u3)"
tap_check linkcut_carp_dpdk_takes_over_within_limit check_le \
	"first carp-dpdk advert after the cut (ms)" "$FO_WIRE_MS" "$LIMIT_MS"
tap_check linkcut_client_answered_by_carp_dpdk check_le \
	"first echo reply from carp-dpdk after the cut (ms)" "$FO_CLIENT_MS" "$LIMIT_MS"
ip -n "$NS_LAN" link set r2 up
t0=$(now_ms)
# ucarp looks at its interface again 10 s after it saw it down, then preempts (-P).
tap_check linkup_ucarp_takes_back wait_for "ucarp MASTER again" 14 peer_is u3 MASTER
tap_diag "ucarp MASTER $(($(now_ms) - t0)) ms after its link came back"
wait_for "carp-dpdk BACKUP" 3 node_is d BACKUP || tap_diag "$E2E_ERR"
tap_check linkup_one_master hold_for "ucarp MASTER, carp-dpdk BACKUP" 2 peers_are u3 d
tap_diag "linkup: carp-dpdk drops so far: $(drops d)"

# --- ucarp's own interface goes down: ucarp exits (and does not come back)
interop_fault ifdown r1 8 ip -n "$NS_R2" link set carp1 down || tap_abort "$E2E_ERR"
tap_diag "RESULT peer=ucarp scenario=ifdown_ucarp_master wire_ms=$FO_WIRE_MS client_ms=$FO_CLIENT_MS lost=$FO_LOST gap_ms=$FO_GAP_MS"
tap_check ifdown_ucarp_exits wait_for "ucarp to exit" 2 _not_running "${NODE_PID[u3]}"
tap_diag "ucarp: $(grep -o 'exiting.*' "${NODE_LOG[u3]}" | tail -n 1)"
tap_check ifdown_carp_dpdk_takes_over_within_limit check_le \
	"first carp-dpdk advert after the interface went down (ms)" "$FO_WIRE_MS" "$LIMIT_MS"
tap_diag "carp-dpdk drops: $(drops d)"
tap_summary
