#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Forwarding through the MASTER: a client on segment lan (gateway VIP 10.99.0.1) pings a
# server on segment wan (gateway VIP 10.100.0.1) and sends it 4 MB over TCP. Every echo is
# answered and the server receives exactly what was sent (SHA-256); the frames each host
# receives from the other come from the vMAC of the egress segment's VHID (wan: vhid 2,
# lan: vhid 1) with TTL 63 (64 - 1); the master's `forwarded` counter rose by at least
# every frame the hosts received through it, the backup's stayed 0.
# Usage: test_forwarding.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

TCP_BYTES=$((4 << 20))
tap_plan pair_settles ping_through_master_answered tcp_transfer_through_master_complete \
	server_receives_from_wan_vmac_ttl_63 client_receives_from_lan_vmac_ttl_63 \
	master_forwarded_rose master_counts_every_frame_it_forwarded backup_forwarded_nothing

topo_create_fwd || tap_abort "$E2E_ERR"
tap_check pair_settles start_fwd_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

a0=$(lcore_counters a)
b0=$(lcore_counters b)
stop=$E2E_TMP/stop
probe_bg srv_cap "$NS_SERVER" capture eth0=server --src "$CLIENT_IP" --duration 30 \
	--stop-file "$stop" || tap_abort "$E2E_ERR"
probe_bg cli_cap "$NS_CLIENT" capture eth0=client --src "$SERVER_IP" --duration 30 \
	--stop-file "$stop" || tap_abort "$E2E_ERR"

# shellcheck disable=SC2046
sent=0
# shellcheck disable=SC2046
probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.01 --duration 2 $(watch_routers_lan) \
	>"$E2E_TMP/ping.json" 2>"$E2E_TMP/ping.err" || tap_diag "ping: $(cat "$E2E_TMP/ping.err")"
ping_ok() {
	local r
	r=$(jget "$E2E_TMP/ping.json" '"%d/%d/%s" % (d["received"], d["sent"], ",".join(sorted(d["replies_by"])))') ||
		{ E2E_ERR="no ping result: $(cat "$E2E_TMP/ping.err")"; return 1; }
	tap_diag "ping $SERVER_IP: received/sent/answered through: $r"
	sent=${r#*/}
	sent=${sent%%/*}
	[ "$sent" -ge 150 ] && check_eq "received/sent/answered through" "$r" "$sent/$sent/r1"
}
tap_check ping_through_master_answered ping_ok

probe_bg tcp_srv "$NS_SERVER" tcp-serve --port 5001 --timeout 25 || tap_abort "$E2E_ERR"
probe "$NS_CLIENT" tcp-send "$SERVER_IP" --port 5001 --bytes "$TCP_BYTES" --duration 1.5 \
	--timeout 20 >"$E2E_TMP/tcp.json" 2>"$E2E_TMP/tcp.err"
tcp_ok() {
	probe_wait tcp_srv 25 || return 1
	tap_diag "tcp client: $(cat "$E2E_TMP/tcp.json" "$E2E_TMP/tcp.err")"
	tap_diag "tcp server: $(cat "$E2E_TMP/tcp_srv.json")"
	check_eq "server got bytes/sha256 = what the client sent" \
		"$(jget "$E2E_TMP/tcp_srv.json" '"%s/%s" % (d["bytes"], d["sha256"])')" \
		"$TCP_BYTES/$(jget "$E2E_TMP/tcp.json" 'd["sha256"]')" &&
		check_eq "client's check of the server's answer" "$(jget "$E2E_TMP/tcp.json" 'd["ok"]')" True
}
tap_check tcp_transfer_through_master_complete tcp_ok

sleep 0.3
touch "$stop"
probe_wait srv_cap 10 || tap_abort "$E2E_ERR"
probe_wait cli_cap 10 || tap_abort "$E2E_ERR"
a1=$(lcore_counters a)
b1=$(lcore_counters b)

# frames_from FILE MAC: every captured frame came from MAC with TTL 63, and ICMP and TCP
# both arrived.
frames_from() {
	local f=$1 mac=$2 s
	s=$(jget "$f" 'd["summary"]')
	tap_diag "$(basename "$f" .json): $(jget "$f" 'd["frames"]') frames: $s"
	check_eq "(source MAC, TTL) of every frame" \
		"$(jget "$f" '",".join(sorted({" ".join(k.split()[1:3]) for k in d["summary"]}))')" \
		"$mac ttl=63" &&
		check_eq "protocols seen" \
			"$(jget "$f" '",".join(sorted({k.split()[3] for k in d["summary"]}))')" \
			"proto=1,proto=6"
}
tap_check server_receives_from_wan_vmac_ttl_63 frames_from "$E2E_TMP/srv_cap.json" "$WAN_VMAC"
tap_check client_receives_from_lan_vmac_ttl_63 frames_from "$E2E_TMP/cli_cap.json" "$VMAC"

seen=$(($(jget "$E2E_TMP/srv_cap.json" 'd["frames"]') + $(jget "$E2E_TMP/cli_cap.json" 'd["frames"]')))
tap_diag "node a (master): $(lcore_delta "$a0" "$a1")"
tap_diag "node b (backup): $(lcore_delta "$b0" "$b1")"
tap_check master_forwarded_rose check_ge "node a's forwarded rise (echo requests and replies alone: $((2 * sent)))" \
	"$(lcore_rise "$a0" "$a1" forwarded)" "$((sent > 0 ? 2 * sent : 1))"
# The packets held while their next hop resolved (to_resolve) were forwarded too.
tap_check master_counts_every_frame_it_forwarded check_ge \
	"node a's forwarded rise (frames the hosts received through it: $seen; to_resolve +$(lcore_rise "$a0" "$a1" to_resolve))" \
	"$(lcore_rise "$a0" "$a1" forwarded)" "$seen"
tap_check backup_forwarded_nothing check_eq "node b's forwarded (rise since the start / total)" \
	"$(lcore_rise "$b0" "$b1" forwarded)/$(jget <(echo "$b1") 'd.get("forwarded")')" "0/0"
tap_summary
