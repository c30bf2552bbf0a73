#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Forwarding across a crash: while a client on lan pings a server on wan every 10 ms and
# streams 3 MB to it over one TCP connection (spread over 6 s), the MASTER (node a) is
# killed with SIGKILL. The BACKUP (node b, advskew 100) takes both VHIDs; the longest gap
# in the echo replies is at most its master-down interval (3 s + 100/256 s) + 500 ms, the
# replies after it come through b, the TCP connection opened before the kill completes its
# transfer after it (lost segments are retransmitted), within TCP_LIMIT_S of the kill, and
# the server receives b's frames from the wan vMAC with TTL 63.
# Usage: test_forwarding_failover.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

GAP_LIMIT_MS=$((MASTER_DOWN_B_MS + 500))
# TCP backs off exponentially (RTO from 200 ms, doubling): the first retransmission after
# the takeover comes at most about twice the outage after the kill. 12 s is that with
# room; one more doubling (a retransmission lost after the takeover) would exceed it.
TCP_LIMIT_S=12
TCP_BYTES=$((3 << 20))
tap_plan pair_settles ping_and_tcp_before_the_kill backup_becomes_master_of_both_vhids \
	ping_longest_gap_within_master_down_plus_500ms ping_answered_through_new_master \
	tcp_connection_survives_the_kill tcp_completes_within_limit_after_the_kill \
	server_receives_new_master_frames_from_wan_vmac_ttl_63 new_master_forwarded

topo_create_fwd || tap_abort "$E2E_ERR"
tap_check pair_settles start_fwd_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

fault=$E2E_TMP/fault
stop=$E2E_TMP/stop
b0=$(lcore_counters b)
probe_bg srv_cap "$NS_SERVER" capture eth0=server "$NS_WAN/r1=r1" "$NS_WAN/r2=r2" \
	--src "$CLIENT_IP" --duration 40 --max-events 0 --stop-file "$stop" || tap_abort "$E2E_ERR"
probe_bg tcp_srv "$NS_SERVER" tcp-serve --port 5001 --timeout 35 || tap_abort "$E2E_ERR"
# shellcheck disable=SC2046
probe_bg ping "$NS_CLIENT" ping "$SERVER_IP" --interval 0.01 --duration 11 \
	--fault-file "$fault" $(watch_routers_lan) || tap_abort "$E2E_ERR"
probe_bg tcp "$NS_CLIENT" tcp-send "$SERVER_IP" --port 5001 --bytes "$TCP_BYTES" \
	--duration 6 --timeout 30 || tap_abort "$E2E_ERR"

# The kill: once both flows run through a, at a random phase of its advert cycle.
flows_run() {
	local s
	s=$(jget "$E2E_TMP/tcp_srv.json" 'd["bytes"]' 2>/dev/null)
	[ -z "$s" ] || { E2E_ERR="the TCP transfer already ended"; return 2; }
	node_py a "total('forwarded', '/carp/lcores') > 200" | grep -q True ||
		{ E2E_ERR="node a forwarded little so far"; return 1; }
}
tap_check ping_and_tcp_before_the_kill wait_for "ping and TCP through node a" 5 flows_run
sleep_random_phase
stamp_fault "$fault"
stop_node a KILL 2 || tap_diag "$E2E_ERR"
tap_check backup_becomes_master_of_both_vhids wait_for "node b MASTER of vhids 1 and 2" 6 \
	fwd_node_is b MASTER
probe_wait ping 20 || tap_abort "$E2E_ERR"
probe_wait tcp 35 || tap_diag "$E2E_ERR"
probe_wait tcp_srv 10 || tap_diag "$E2E_ERR"
touch "$stop"
probe_wait srv_cap 10 || tap_abort "$E2E_ERR"
b1=$(lcore_counters b)

F=$(cat "$fault")
ping=$E2E_TMP/ping.json
tap_diag "ping: $(jget "$ping" '{k: d.get(k) for k in ("sent", "received", "lost", "lost_after_fault", "longest_gap_ms", "longest_gap_from", "takeover_ms", "first_reply_after_fault_ms", "replies_by", "duplicates")}') (fault at $F)"
gap=$(jget "$ping" 'd["longest_gap_ms"]')
tap_diag "longest gap $gap ms, limit $GAP_LIMIT_MS ms"
tap_check ping_longest_gap_within_master_down_plus_500ms check_le "longest gap between echo replies (ms)" \
	"$gap" "$GAP_LIMIT_MS"
through_b() {
	check_eq "answered through before the kill / after it" \
		"$(jget "$ping" '",".join(d["repliers_before_fault"]) + "/" + str(d["new_replier"])')" "r1/r2" &&
		check_ge "echo replies through r2" "$(jget "$ping" 'd["replies_by"].get("r2", 0)')" 100
}
tap_check ping_answered_through_new_master through_b

tap_diag "tcp client: $(cat "$E2E_TMP/tcp.json")"
tap_diag "tcp server: $(cat "$E2E_TMP/tcp_srv.json")"
tcp_survives() {
	local r
	r=$(jget "$E2E_TMP/tcp.json" '"%s/%s/%s" % (d["ok"], d.get("connected_at", 1e20) < '"$F"', d.get("done_at", 0) > '"$F"')') ||
		{ E2E_ERR="no result from tcp-send"; return 1; }
	check_eq "transfer intact / connected before the kill / done after it" "$r" "True/True/True" &&
		check_eq "server's bytes" "$(jget "$E2E_TMP/tcp_srv.json" 'd["bytes"]')" "$TCP_BYTES"
}
tap_check tcp_connection_survives_the_kill tcp_survives
tcp_ms=$(jget "$E2E_TMP/tcp.json" "round((d['done_at'] - $F) * 1000) if 'done_at' in d else None")
tap_diag "TCP transfer done $tcp_ms ms after the kill (limit ${TCP_LIMIT_S}000 ms)"
tap_check tcp_completes_within_limit_after_the_kill check_le "TCP done after the kill (ms)" \
	"$tcp_ms" "${TCP_LIMIT_S}000"

cap=$E2E_TMP/srv_cap.json
tap_diag "frames from the client: $(jget "$cap" 'd["summary"]')"
new_master_frames() {
	local r
	# Frames leaving b into the wan bridge (at r2), and what the server got.
	r=$(jget "$cap" '",".join(sorted({" ".join(k.split()[:3]) for k in d["summary"] if k.split()[0] in ("r2", "server")}))')
	check_eq "(where, source MAC, TTL) of the frames from b and at the server" "$r" \
		"r2 $WAN_VMAC ttl=63,server $WAN_VMAC ttl=63" &&
		check_ge "frames from b" "$(jget "$cap" 'sum(v for k, v in d["summary"].items() if k.startswith("r2 "))')" 100
}
tap_check server_receives_new_master_frames_from_wan_vmac_ttl_63 new_master_frames
tap_diag "node b: $(lcore_delta "$b0" "$b1")"
tap_check new_master_forwarded check_ge "node b's forwarded rise" "$(lcore_rise "$b0" "$b1" forwarded)" 100
tap_summary
