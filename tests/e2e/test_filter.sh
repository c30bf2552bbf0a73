#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The stateful filter through the MASTER, with kernel hosts and real TCP: the pair runs a
# LAN/WAN rule set (default block; from lan: TCP 5001 and ping pass, TCP 5002 is
# rejected) with a table of 64 states. A 2 MB transfer to 5001 completes while its
# replies pass by their state alone; pings are answered; 5002, where the server listens,
# is refused by the router's RST (and logged: /carp/filter_log); 5004 times out (no RST from the server's kernel gets
# back); the same over IPv6 (a 64 KB transfer to 5005, 5002 refused, 5004 silent); the
# server cannot connect inward to the client; the connection is listed by
# /carp/states_of as ESTABLISHED both ways; 40 blind RSTs and
# data segments injected into the live connection from outside its windows are dropped
# (flt_bad_state) and it completes intact; a flood of 300 SYNs fills the table to its
# limit and no further (flt_state_limit), while the connection goes on and the pair's
# roles stay as they were. A ping too big for the wan's MTU is answered: the node sends it
# on in fragments (reassembly is on, but af_packet hands the node whole IPv4 datagrams);
# a fragmented IPv6 ping is reassembled for the rules and the state, and answered.
# Usage: test_filter.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

LIMIT=64
FLOOD=300
INJECT=20
E2E_FWD_EXTRA="filter:
  default: block
  states: $LIMIT
  reassemble: true
  fragments: 32
  rules:
    - {action: pass, in: lan, proto: tcp, port: [5001, 5005]}
    - {action: reject, in: lan, proto: tcp, port: 5002, log: true}
    - {action: pass, in: lan, proto: icmp, icmp_type: 8}
    - {action: pass, in: lan, proto: icmp6, icmp_type: 128}"
export E2E_FWD_EXTRA E2E_FWD6=1

tap_plan pair_settles_with_filter ping_out_answered fragmented_ping_answered \
	rejected_port_refused_by_rst reject_logged \
	tcp6_allowed_service_works fragmented_ping6_reassembled_and_answered \
	rejected_port_refused_by_rst_v6 unlisted_port_times_out_v6 \
	unlisted_port_times_out outside_cannot_connect_inward states_of_lists_the_connection \
	syn_flood_fills_table_to_limit \
	injected_segments_dropped_as_bad_state connection_survives_injection_and_flood \
	roles_unchanged_by_flood

topo_create_fwd || tap_abort "$E2E_ERR"
hosts_ipv6_on || tap_abort "$E2E_ERR"
tap_check pair_settles_with_filter start_fwd_pair
[ "${TAP_DONE[pair_settles_with_filter]}" = ok ] || tap_abort "the pair did not settle"

states() { node_py a "q('/carp/states')"; }
drop_of() { # JSON REASON
	"$E2E_PY" -c 'import json,sys; print(json.loads(sys.argv[1])["drops"][sys.argv[2]])' "$1" "$2"
}
s0=$(states) || tap_abort "no /carp/states"

# The long connection: 2 MB paced over 8 s from a known port, for the injection below.
probe_bg tcp_srv "$NS_SERVER" tcp-serve --port 5001 --timeout 40 || tap_abort "$E2E_ERR"
probe_bg tcp_cli "$NS_CLIENT" tcp-send "$SERVER_IP" --port 5001 --sport 31000 \
	--bytes $((2 << 20)) --duration 8 --timeout 30 || tap_abort "$E2E_ERR"

ping_ok() {
	probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.02 --duration 1 >"$E2E_TMP/ping.json" \
		2>"$E2E_TMP/ping.err" || { E2E_ERR="ping: $(cat "$E2E_TMP/ping.err")"; return 1; }
	local r
	r=$(jget "$E2E_TMP/ping.json" '"%d/%d" % (d["received"], d["sent"])')
	tap_diag "ping received/sent: $r"
	[ "${r#*/}" -ge 20 ] && check_eq "received/sent" "$r" "${r#*/}/${r#*/}"
}
tap_check ping_out_answered ping_ok

# 1928 bytes of IP, DF clear: two fragments from the client's kernel, which af_packet's
# fanout gives the node as one datagram (PACKET_FANOUT_FLAG_DEFRAG, which DPDK's af_packet
# always sets), too big for the wan: the node fragments it; the server's reply the same
# way back, passed by the echo's state. Three pings, at least six datagrams fragmented.
big_ping_ok() {
	local s r
	s=$(node_query a /carp/lcores | jget /dev/stdin 'd["total"]') || return 1
	ip netns exec "$NS_CLIENT" ping -n -q -c 3 -i 0.2 -W 2 -M dont -s 1900 "$SERVER_IP" \
		>"$E2E_TMP/bigping.txt" 2>&1
	r=$(node_query a /carp/lcores | jget /dev/stdin 'd["total"]') || return 1
	tap_diag "$(grep -E 'transmitted' "$E2E_TMP/bigping.txt"), fragmented: $(lcore_rise "$s" "$r" fragmented)"
	grep -q ' 3 received' "$E2E_TMP/bigping.txt" ||
		{ E2E_ERR="$(grep transmitted "$E2E_TMP/bigping.txt")"; return 1; }
	check_ge "datagrams fragmented by node a" "$(lcore_rise "$s" "$r" fragmented)" 6
}
tap_check fragmented_ping_answered big_ping_ok

# IPv6, which af_packet hands over in fragments: 2000 bytes of echo in two fragments
# each way, reassembled by the node for the rules and the state, and sent on in
# fragments no larger than they came.
big_ping6_ok() {
	local s r
	s=$(states) || return 1
	ip netns exec "$NS_CLIENT" ping -6 -n -q -c 3 -i 0.2 -W 2 -s 2000 "$SERVER6" \
		>"$E2E_TMP/bigping6.txt" 2>&1
	r=$(states) || return 1
	tap_diag "$(grep -E 'transmitted' "$E2E_TMP/bigping6.txt"), reassembled: $(($(jget <(echo "$r") 'd["reassembled"]') - $(jget <(echo "$s") 'd["reassembled"]')))"
	grep -q ' 3 received' "$E2E_TMP/bigping6.txt" ||
		{ E2E_ERR="$(grep transmitted "$E2E_TMP/bigping6.txt")"; return 1; }
	check_ge "IPv6 packets reassembled by node a" \
		"$(($(jget <(echo "$r") 'd["reassembled"]') - $(jget <(echo "$s") 'd["reassembled"]')))" 6
}

# connect_is NS DST PORT WANT: one connect's outcome.
connect_is() {
	local got
	got=$(probe "$1" connect "$2" --port "$3" --timeout 1.5 | jget /dev/stdin 'd["result"]')
	check_eq "connect to $2:$3" "$got" "$4"
}
# The server listens on 5002: only the router's RST can refuse it.
probe_bg srv_5002 "$NS_SERVER" tcp-serve --port 5002 --timeout 20 || tap_abort "$E2E_ERR"
tap_check rejected_port_refused_by_rst connect_is "$NS_CLIENT" "$SERVER_IP" 5002 refused
logged() {
	local got
	got=$(node_py a "[(e['action'], e['to'], e['in'], e['out']) for e in q('/carp/filter_log').values() if isinstance(e, dict)][:1]")
	check_eq "newest /carp/filter_log entry" "$got" "[[\"reject\", \"$SERVER_IP:5002\", \"lan\", \"wan\"]]"
}
tap_check reject_logged logged
tap_check unlisted_port_times_out connect_is "$NS_CLIENT" "$SERVER_IP" 5004 timeout
# IPv6 through the same rules: its own batch, states and RST.
tcp6_ok() {
	probe_bg tcp6_srv "$NS_SERVER" tcp-serve --port 5005 --timeout 15 || return 1
	probe "$NS_CLIENT" tcp-send "$SERVER6" --port 5005 --bytes 65536 --timeout 10 \
		>"$E2E_TMP/tcp6.json" 2>"$E2E_TMP/tcp6.err"
	probe_wait tcp6_srv 15 || return 1
	check_eq "client's check of the server's answer (IPv6)" \
		"$(jget "$E2E_TMP/tcp6.json" 'd["ok"]')" True
}
tap_check tcp6_allowed_service_works tcp6_ok
tap_check fragmented_ping6_reassembled_and_answered big_ping6_ok
tap_check rejected_port_refused_by_rst_v6 connect_is "$NS_CLIENT" "$SERVER6" 5002 refused
tap_check unlisted_port_times_out_v6 connect_is "$NS_CLIENT" "$SERVER6" 5004 timeout
tap_check outside_cannot_connect_inward connect_is "$NS_SERVER" "$CLIENT_IP" 2222 timeout

# From outside, into the live connection: RSTs and data far from its windows, as the
# server would send them.
probe "$NS_SERVER" tcp-inject eth0 --kind rst --dst-mac "$WAN_VMAC" --dst "$CLIENT_IP" \
	--sport 5001 --dport 31000 --seq 2000000000 --seq-step 7919 --count $INJECT >/dev/null
probe "$NS_SERVER" tcp-inject eth0 --kind data --dst-mac "$WAN_VMAC" --dst "$CLIENT_IP" \
	--sport 5001 --dport 31000 --seq 3000000000 --seq-step 7919 --count $INJECT >/dev/null
listed() {
	local got
	got=$(node_py a "[e['state'] for e in q('/carp/states_of,$CLIENT_IP').values() if isinstance(e, dict) and e['from'] == '$CLIENT_IP:31000']")
	check_eq "states of $CLIENT_IP:31000" "$got" '["ESTABLISHED:ESTABLISHED"]'
}
tap_check states_of_lists_the_connection listed
# A SYN flood from the lan to the allowed service.
probe "$NS_CLIENT" tcp-inject eth0 --kind syn --dst-mac "$VMAC" --dst "$SERVER_IP" \
	--sport 30000 --dport 5001 --count $FLOOD >/dev/null
s1=$(states) || tap_abort "no /carp/states"
tap_diag "states after the flood: $(jget <(echo "$s1") '{k: d[k] for k in ("states", "limit", "allocated", "created", "tcp_states")}')"
flood_capped() {
	local n lim
	n=$(jget <(echo "$s1") 'd["states"]')
	check_eq "states in the table (the limit)" "$n" "$LIMIT" || return 1
	lim=$(($(drop_of "$s1" flt_state_limit) - $(drop_of "$s0" flt_state_limit)))
	check_ge "flt_state_limit rise" "$lim" "$((FLOOD - LIMIT))"
}
tap_check syn_flood_fills_table_to_limit flood_capped
tap_check injected_segments_dropped_as_bad_state check_ge "flt_bad_state rise" \
	"$(($(drop_of "$s1" flt_bad_state) - $(drop_of "$s0" flt_bad_state)))" $((2 * INJECT))

transfer_ok() {
	probe_wait tcp_cli 30 && probe_wait tcp_srv 10 || return 1
	tap_diag "tcp client: $(cat "$E2E_TMP/tcp_cli.json")"
	check_eq "server got bytes/sha256 = what the client sent" \
		"$(jget "$E2E_TMP/tcp_srv.json" '"%s/%s" % (d["bytes"], d["sha256"])')" \
		"$((2 << 20))/$(jget "$E2E_TMP/tcp_cli.json" 'd["sha256"]')"
}
tap_check connection_survives_injection_and_flood transfer_ok
tap_check roles_unchanged_by_flood fwd_roles_are a b
tap_diag "node a filter: $(node_py a "q('/carp/filter')")"
tap_diag "node a states: $(states)"
tap_summary
