#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Drift repaired by the digest (sync: digest_s), with the filter and sync of test_sync.sh:
#   - the switch sends what is addressed to b's MAC elsewhere (a sticky static entry for
#     it on the client's port: the nodes sync by unicast, sync: peer) while 50
#     idle TCP connections open through a (the MASTER), then 8 UDP flows make a send
#     hundreds of messages more: b never hears of the TCP states, and when the switch
#     lets sync through again its NACK gets back only the newest messages (its window
#     names 63), not those;
#   - the switch lets sync through again: no message ever carries those states (they are
#     idle), but the digest rounds find the slices that differ and a pushes them: b has
#     all 50;
#   - a is SIGKILLed: b takes over and every one of the 50 connections still echoes.
# Usage: test_sync_drift.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

head -c 24 /dev/urandom | base64 >"$E2E_TMP/sync.key"
E2E_FWD_EXTRA="filter:
  default: block
  rules:
    - {action: pass, in: lan, proto: tcp, port: 5003}
    - {action: pass, in: lan, proto: udp, port: 6000-6100}
sync:
  interface: lan
  key_file: $E2E_TMP/sync.key
  peer: @PEER_LAN@
  digest_s: 2"
export E2E_FWD_EXTRA
IDLE=50

tap_plan pair_settles_with_sync_done states_lost_while_the_switch_drops_sync \
	digest_repairs_the_drift connections_survive_the_failover

topo_create_fwd || tap_abort "$E2E_ERR"
sync_of() { node_py "$1" "q('/carp/sync')['$2']"; }
tcp_states() { node_py "$1" "q('/carp/states')['tcp']"; }
synced() { [ "$(sync_of "$1" bulk)" = done ] && [ "$(sync_of "$1" demotion)" = 0 ]; }
settled() { start_fwd_pair && wait_for "both bulk updates done" 10 eval 'synced a && synced b'; }
tap_check pair_settles_with_sync_done settled
[ "${TAP_DONE[pair_settles_with_sync_done]}" = ok ] || tap_abort "the pair did not settle"

# The lan switch sends frames for b's MAC to the client's port: a's unicast sync (and
# nothing else: CARP is multicast, b is BACKUP) never reaches b.
B_MAC=$(ip -n "$NS_R2" -o link show carp1 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
block_sync() {
	bridge -n "$NS_LAN" fdb replace "$B_MAC" dev client master static sticky
}
unblock_sync() { bridge -n "$NS_LAN" fdb del "$B_MAC" dev client master; }

lost() {
	block_sync || { E2E_ERR="cannot move b's MAC in the switch"; return 1; }
	probe_bg echo "$NS_SERVER" tcp-echo-many --port 5003 --max $((IDLE + 10)) --timeout 90 \
		--stop-file "$E2E_TMP/echo.stop" || return 1
	probe_bg hold "$NS_CLIENT" tcp-hold "$SERVER_IP" --port 5003 --count $IDLE \
		--go-file "$E2E_TMP/hold.go" --ready-file "$E2E_TMP/hold.ready" --timeout 90 ||
		return 1
	wait_for "$IDLE connections open" 15 test -e "$E2E_TMP/hold.ready" || return 1
	check_ge "a's TCP states" "$(tcp_states a)" $IDLE || return 1
	probe "$NS_CLIENT" flows "$SERVER_IP" --port 6001 --flows 8 --pps 400 --duration 1 \
		>/dev/null 2>&1 || { E2E_ERR="the UDP flows failed"; return 1; }
	check_ge "a's messages sent" "$(sync_of a msgs_out)" 100 || return 1
	unblock_sync || { E2E_ERR="cannot give b's MAC back in the switch"; return 1; }
	# b hears a again, asks for the newest it missed (the window's 63) and gets them.
	wait_for "b to get what a NACK can recover" 5 eval \
		'[ "$(sync_of b late)" -ge 1 ]' || return 1
	tap_diag "b: tcp states $(tcp_states b), lost $(sync_of b lost), late $(sync_of b late)"
	check_le "b's TCP states" "$(tcp_states b)" 0
}
tap_check states_lost_while_the_switch_drops_sync lost

# Settled after 10 s, then two rounds (2 s apart) that differ: 10-16 s from the opening.
repaired() {
	wait_for "b to have the $IDLE states" 25 eval \
		'[ "$(tcp_states b)" -ge '$IDLE' ]' || return 1
	tap_diag "a: $(node_py a "{k: v for k, v in q('/carp/sync').items() if k.startswith('digest')}")"
	tap_diag "b: $(node_py b "{k: v for k, v in q('/carp/sync').items() if k.startswith('digest')}")"
	check_ge "slices repaired" "$(($(sync_of a digest_slices_repaired) + $(sync_of b digest_slices_repaired)))" 1
}
tap_check digest_repairs_the_drift repaired

survive() {
	stop_node a KILL 2 || tap_diag "$E2E_ERR"
	wait_for "node b MASTER" 6 fwd_node_is b MASTER || return 1
	touch "$E2E_TMP/hold.go"
	probe_wait hold 20 || return 1
	tap_diag "idle connections: $(cat "$E2E_TMP/hold.json")"
	check_eq "idle connections that echo after the failover" \
		"$(jget "$E2E_TMP/hold.json" 'd["echoed"]')" $IDLE
}
tap_check connections_survive_the_failover survive
touch "$E2E_TMP/echo.stop"
tap_summary
