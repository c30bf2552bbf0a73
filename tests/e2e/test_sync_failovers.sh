#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Connections kept over many failovers of a pair that syncs its states (the filter and
# sync of test_sync.sh): a TCP counter stream (a number every 50 ms, each echoed) and 200
# idle TCP connections, opened through a, while
#   - five times: a stops gracefully (SIGTERM: its bow-out hands b the VHIDs at once),
#     then restarts, bulk-syncs from b and takes over again (preempt): ten failovers;
#   - once: a's lan link is cut (b takes over when a's adverts stop; a's sync link is that
#     link, so it is demoted until it has synced again) and restored (a takes over again).
# Then: every failover happened, the stream never broke and came back in order, and all
# 200 idle connections still echo. The nodes sync to each other by unicast (sync: peer),
# test_sync.sh by the group; and in defer mode (sync: defer): the first packet of every new
# state waits on the control lcore until b has acknowledged the state.
# Usage: test_sync_failovers.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

head -c 24 /dev/urandom | base64 >"$E2E_TMP/sync.key"
E2E_FWD_EXTRA="filter:
  default: block
  rules:
    - {action: pass, in: lan, proto: tcp, port: [5001, 5003]}
sync:
  interface: lan
  peer: @PEER_LAN@
  defer: true
  key_file: $E2E_TMP/sync.key"
export E2E_FWD_EXTRA
IDLE=200
CYCLES=5

tap_plan pair_settles_with_sync_done first_packets_held_until_acknowledged \
	ten_graceful_failovers_and_back link_cut_and_back stream_never_broke idle_connections_all_echo

topo_create_fwd || tap_abort "$E2E_ERR"
# Done by a bulk update received, over unicast, not by its timeout.
synced() { [ "$(node_py "$1" "q('/carp/sync')['bulk']")" = done ] &&
	[ "$(node_py "$1" "q('/carp/sync')['demotion']")" = 0 ] &&
	[ "$(node_py "$1" "q('/carp/sync')['bulks_in']")" -ge 1 ]; }
settled() { start_fwd_pair && wait_for "both bulk updates done" 10 eval 'synced a && synced b'; }
tap_check pair_settles_with_sync_done settled
[ "${TAP_DONE[pair_settles_with_sync_done]}" = ok ] || tap_abort "the pair did not settle"

probe_bg echo "$NS_SERVER" tcp-echo-many --port 5003 --max $((IDLE + 10)) --timeout 150 \
	--stop-file "$E2E_TMP/echo.stop" || tap_abort "$E2E_ERR"
probe_bg hold "$NS_CLIENT" tcp-hold "$SERVER_IP" --port 5003 --count $IDLE \
	--go-file "$E2E_TMP/hold.go" --timeout 150 || tap_abort "$E2E_ERR"
probe_bg cserv "$NS_SERVER" counter-serve --port 5001 --timeout 150 || tap_abort "$E2E_ERR"
probe_bg stream "$NS_CLIENT" counter-send "$SERVER_IP" --port 5001 --interval 0.05 \
	--duration 140 --timeout 30 --stop-file "$E2E_TMP/stream.stop" || tap_abort "$E2E_ERR"
# The idle connections' states on b before the first failover.
wait_for "the connections' states on b" 10 eval \
	'[ "$(node_py b "q(\"/carp/states\")[\"tcp\"]")" -ge $((IDLE + 1)) ]' || tap_diag "$E2E_ERR"
# Every new state's first packet (a SYN) was held, and went on when b acknowledged the
# state (or at the bound): none is held now, none was lost, b answered.
deferred() {
	local d
	d=$(node_py a "
s = q('/carp/sync')
print(s['deferred'], s['defer_held'], s['defer_acked'],
      s['defer_timeouts'] + s['defer_full'] + s['defer_link_down'], s['iacks_in'])")
	tap_diag "a: deferred, held, acked, released otherwise, IACKs: $d"
	read -r n held acked other iacks <<<"$d"
	check_ge "first packets deferred" "$n" $((IDLE + 1)) && check_eq "held" "$held" 0 &&
		check_eq "released" "$((acked + other))" "$n" && check_ge "acknowledged" "$acked" 1 &&
		check_ge "IACKs heard" "$iacks" "$acked"
}
tap_check first_packets_held_until_acknowledged wait_for "a's deferred packets released" 5 deferred

failovers=0
cycles() {
	for ((c = 1; c <= CYCLES; c++)); do
		stop_node a TERM 10 || return 1
		wait_for "b MASTER (cycle $c)" 5 fwd_node_is b MASTER || return 1
		failovers=$((failovers + 1))
		start_node a "$NS_R1" "$CFG_FA"
		wait_node_up a 10 && wait_for "a MASTER again (cycle $c)" 12 fwd_node_is a MASTER ||
			return 1
		failovers=$((failovers + 1))
	done
	tap_diag "failovers: $failovers"
	check_eq "failovers" "$failovers" $((2 * CYCLES))
}
tap_check ten_graceful_failovers_and_back cycles

link_cut() {
	ip -n "$NS_R1" link set carp0 down || { E2E_ERR="cannot cut the link"; return 1; }
	wait_for "b MASTER after the cut" 8 fwd_node_is b MASTER || return 1
	ip -n "$NS_R1" link set carp0 up || { E2E_ERR="cannot restore the link"; return 1; }
	wait_for "a MASTER after the link is back" 15 fwd_node_is a MASTER
}
tap_check link_cut_and_back link_cut

stream_ok() {
	touch "$E2E_TMP/stream.stop"
	probe_wait stream 35
	tap_diag "stream: $(cat "$E2E_TMP/stream.json")"
	check_eq "broke / in order / all echoed" \
		"$(jget "$E2E_TMP/stream.json" '"%s/%s/%s" % (d["broke"], d["in_order"], d["echoed"] == d["sent"])')" \
		"None/True/True"
}
tap_check stream_never_broke stream_ok
idle_ok() {
	touch "$E2E_TMP/hold.go"
	probe_wait hold 20
	tap_diag "idle connections: $(cat "$E2E_TMP/hold.json")"
	check_eq "idle connections that echo" "$(jget "$E2E_TMP/hold.json" 'd["echoed"]')" $IDLE
}
tap_check idle_connections_all_echo idle_ok
touch "$E2E_TMP/echo.stop"
tap_diag "node a sync: $(node_py a "{k: v for k, v in q('/carp/sync').items() if k in ('bulks_in', 'stale', 'lost', 'replays', 'msgs_in', 'msgs_out', 'peer_unresolved')}")"
tap_summary
