#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# State sync through the pair. Both nodes run the filter (default block; TCP 5001-5002
# from the lan passes, keep state) and sync its states over the lan (the group
# 224.0.0.240, HMAC-SHA256 with a key from a file), so a connection's state is on the
# BACKUP before it is needed, which without sync would drop the connection's segments
# (flt_no_state):
#   - the pair settles, both bulk updates done, no sync demotion left;
#   - 1000 idle TCP connections and a TCP transfer through a (the MASTER) are in b's
#     table, the transfer's ESTABLISHED both ways;
#   - a is SIGKILLed in the middle of it: b takes over, the transfer completes intact,
#     its segments passed by the synced state, and 8 UDP flows go on;
#   - a sync datagram forged without the key changes nothing on b (sync_bad_mac);
#   - a second transfer runs through b; a restarts in the middle of it, asks b for the
#     whole table and stays demoted until it has it, then takes over again (preempt):
#     the transfer completes intact across the failback;
#   - after both failovers each of the 1000 idle connections still echoes (no reset).
# Usage: test_sync.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

head -c 24 /dev/urandom | base64 >"$E2E_TMP/sync.key"
E2E_FWD_EXTRA="filter:
  default: block
  rules:
    - {action: pass, in: lan, proto: tcp, port: [5001, 5002, 5003]}
    - {action: pass, in: lan, proto: udp, port: 6000-6100}
sync:
  interface: lan
  key_file: $E2E_TMP/sync.key"
export E2E_FWD_EXTRA

IDLE=1000
tap_plan pair_settles_with_sync_done idle_connections_synced_to_backup \
	connection_synced_to_backup connection_survives_sigkill_of_the_master \
	backup_passed_it_by_the_synced_state udp_flows_survive_the_kill \
	forged_sync_datagram_changes_nothing restarted_node_bulk_syncs_demoted_then_preempts \
	connection_survives_the_failback idle_connections_survive_both_failovers

topo_create_fwd || tap_abort "$E2E_ERR"

sync_of() { node_py "$1" "q('/carp/sync')['$2']"; }
synced() { # NAME: bulk update done and no demotion from sync
	[ "$(sync_of "$1" bulk)" = done ] && [ "$(sync_of "$1" demotion)" = 0 ]
}
settled() {
	start_fwd_pair && wait_for "both bulk updates done" 10 eval 'synced a && synced b'
}
tap_check pair_settles_with_sync_done settled
[ "${TAP_DONE[pair_settles_with_sync_done]}" = ok ] || tap_abort "the pair did not settle"

# The idle connections, opened through a, held across everything below.
probe_bg echo "$NS_SERVER" tcp-echo-many --port 5003 --max $((IDLE + 10)) --timeout 90 \
	--stop-file "$E2E_TMP/echo.stop" || tap_abort "$E2E_ERR"
probe_bg hold "$NS_CLIENT" tcp-hold "$SERVER_IP" --port 5003 --count $IDLE \
	--go-file "$E2E_TMP/hold.go" --ready-file "$E2E_TMP/hold.ready" --timeout 90 ||
	tap_abort "$E2E_ERR"
idle_synced() {
	wait_for "$IDLE connections open" 30 test -e "$E2E_TMP/hold.ready" || return 1
	wait_for "their states on b" 10 eval \
		'[ "$(node_py b "q(\"/carp/states\")[\"tcp\"]")" -ge '$IDLE' ]'
}
tap_check idle_connections_synced_to_backup idle_synced

# Transfer 1: 3 MB over 8 s from a known port, through a; UDP flows beside it.
probe_bg srv1 "$NS_SERVER" tcp-serve --port 5001 --timeout 40 || tap_abort "$E2E_ERR"
probe_bg cli1 "$NS_CLIENT" tcp-send "$SERVER_IP" --port 5001 --sport 31001 \
	--bytes $((3 << 20)) --duration 8 --timeout 35 || tap_abort "$E2E_ERR"
state_on() { # NAME SPORT: the state of the client's port SPORT, over every page
	local got
	got=$(node_py "$1" "
got, at = [], 0
while at is not None:
    page = q('/carp/states_of,$CLIENT_IP,%d' % at)
    got += [e['state'] for e in page.values() if isinstance(e, dict) and e['from'] == '$CLIENT_IP:$2']
    at = page.get('_next')
print(json.dumps(got))")
	[ "$got" = '["ESTABLISHED:ESTABLISHED"]' ] || { E2E_ERR="states of $CLIENT_IP:$2 on $1: $got"; return 1; }
}
tap_check connection_synced_to_backup wait_for "the connection's state on b" 5 state_on b 31001
probe_bg sink "$NS_SERVER" flow-sink --port 6001 --duration 25 --stop-file "$E2E_TMP/sink.stop" ||
	tap_abort "$E2E_ERR"
probe "$NS_CLIENT" flows "$SERVER_IP" --port 6001 --flows 8 --pps 400 --duration 8 \
	>"$E2E_TMP/flows-sent.json" 2>&1 &
flows_pid=$!
E2E_PIDS+=("$flows_pid")

s0=$(node_py b "q('/carp/states')['drops']['flt_no_state']")
p0=$(node_py b "q('/carp/states')['passed_by_state']")
sleep 1
stop_node a KILL 2 || tap_diag "$E2E_ERR"
wait_for "node b MASTER" 6 fwd_node_is b MASTER || tap_diag "$E2E_ERR"
transfer_ok() { # NAME BYTES
	probe_wait "cli$1" 40 && probe_wait "srv$1" 10 || return 1
	tap_diag "transfer $1: $(jget "$E2E_TMP/cli$1.json" '{k: d.get(k) for k in ("ok", "elapsed_s", "bytes")}')"
	check_eq "server got bytes/sha256 = what the client sent" \
		"$(jget "$E2E_TMP/srv$1.json" '"%s/%s" % (d["bytes"], d["sha256"])')" \
		"$2/$(jget "$E2E_TMP/cli$1.json" 'd["sha256"]')"
}
tap_check connection_survives_sigkill_of_the_master transfer_ok 1 $((3 << 20))
passed_by_state() {
	local s1 p1
	s1=$(node_py b "q('/carp/states')['drops']['flt_no_state']")
	p1=$(node_py b "q('/carp/states')['passed_by_state']")
	tap_diag "node b: passed_by_state +$((p1 - p0)), flt_no_state +$((s1 - s0))"
	check_ge "segments b passed by the synced state" "$((p1 - p0))" 100
}
tap_check backup_passed_it_by_the_synced_state passed_by_state
udp_ok() {
	wait_for "the flows to end" 15 _not_running "$flows_pid" || return 1
	touch "$E2E_TMP/sink.stop"
	probe_wait sink 12 || return 1
	local r
	r=$("$E2E_PY" -c '
import json, sys
s, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
late = [k for k, v in r["last_seq"].items() if v + 1 < s["per_flow"][int(k)] - 5]
print("%d flows seen, flows ending early: %d, longest gap %.2f s" % (r["flows_seen"], len(late), r["longest_gap_s"]))' \
		"$E2E_TMP/flows-sent.json" "$E2E_TMP/sink.json") || return 1
	tap_diag "udp: $r"
	[[ $r == "8 flows seen, flows ending early: 0,"* ]] || { E2E_ERR="$r"; return 1; }
}
tap_check udp_flows_survive_the_kill udp_ok

# Forged: a sync header with a MAC made without the key, from a host on the link.
forged() {
	local before after n0 n1
	before=$(node_py b "q('/carp/sync')['errors']['sync_bad_mac']")
	n0=$(node_py b "q('/carp/states')['states']")
	ip netns exec "$NS_CLIENT" "$E2E_PY" -c '
import struct, sys
from scapy.all import Ether, IP, UDP, Raw, sendp
body = struct.pack("!IBBHIIIQI", 0x4353594e, 1, 0, 32 + 4 + 40 + 32, 99, 1, 1, 0, 0)
body += struct.pack("!BBH", 3, 10, 1) + bytes(40) + bytes(32)
sendp(Ether(dst="01:00:5e:00:00:f0") / IP(src=sys.argv[1], dst="224.0.0.240", ttl=255) /
      UDP(sport=8240, dport=8240) / Raw(body), iface="eth0", count=5, verbose=False)
' "$CLIENT_IP" || { E2E_ERR="scapy failed"; return 1; }
	wait_for "b to count the forgeries" 3 eval \
		'[ "$(node_py b "q(\"/carp/sync\")[\"errors\"][\"sync_bad_mac\"]")" -ge $((before + 5)) ]' ||
		return 1
	n1=$(node_py b "q('/carp/states')['states']")
	check_eq "b's states" "$n1" "$n0"
}
tap_check forged_sync_datagram_changes_nothing forged
tap_diag "sync so far: b $(node_py b "{k: v for k, v in q('/carp/sync').items() if k in ('msgs_out', 'msgs_in', 'upd_out', 'upd_in', 'stale', 'lost', 'ins_latency_p50_ms', 'ins_latency_p99_ms', 'ins_latency_samples')}")"

# Transfer 2: 2 MB over 10 s through b; a restarts 2 s into it.
probe_bg srv2 "$NS_SERVER" tcp-serve --port 5002 --timeout 40 || tap_abort "$E2E_ERR"
probe_bg cli2 "$NS_CLIENT" tcp-send "$SERVER_IP" --port 5002 --sport 31002 \
	--bytes $((2 << 20)) --duration 10 --timeout 35 || tap_abort "$E2E_ERR"
sleep 2
start_node a "$NS_R1" "$CFG_FA"
failback() {
	wait_node_up a 10 &&
		wait_for "node a MASTER again, its table synced" 10 fwd_node_is a MASTER || return 1
	tap_diag "node a sync: $(node_py a "{k: v for k, v in q('/carp/sync').items() if k in ('bulk', 'bulks_in', 'upd_in', 'ins_in', 'restarts')}")"
	check_eq "a's bulk update" "$(sync_of a bulks_in)" 1 && state_on a 31002
}
tap_check restarted_node_bulk_syncs_demoted_then_preempts failback
tap_check connection_survives_the_failback transfer_ok 2 $((2 << 20))
idle_ok() {
	touch "$E2E_TMP/hold.go"
	probe_wait hold 20
	tap_diag "idle connections: $(cat "$E2E_TMP/hold.json")"
	check_eq "idle connections that echo after both failovers" \
		"$(jget "$E2E_TMP/hold.json" 'd["echoed"]')" $IDLE
}
tap_check idle_connections_survive_both_failovers idle_ok
touch "$E2E_TMP/echo.stop"
tap_diag "node b sync: $(node_py b "q('/carp/sync')")"
tap_summary
