#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Several workers. The forwarding pair (a MASTER, b BACKUP of vhid 1 on lan and vhid 2 on
# wan) runs with 2 workers, then with 3 (--lcores=(0-2)@(0-1), (0-3)@(0-1): on this
# machine's 2 CPUs, with idle adaptive). Each time a client sends 64 sequence-numbered UDP flows through the
# pair to a server, and:
#   - the flows are spread: every worker forwards some of them (af_packet's fanout hash);
#   - nothing is lost and nothing reordered: every datagram of every flow arrives, in
#     order (a flow stays on one queue: the kernel's flow hash is symmetric);
#   - failover works as with one worker: a is killed in the middle of the flows, b takes
#     over, every flow goes on through b, still in order.
# The pair runs the stateful filter (default block; UDP to the sinks, TCP 5001 and pings from
# the lan pass, keep state), shared by the workers: each flow makes exactly one state (no two
# workers both create it), and a TCP transfer, whose replies pass by their state alone,
# completes with w workers.
# Usage: test_workers.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

FLOWS=64
PPS=1000
export E2E_MBUFS=32767 # rings of 1024 on 2 ports for up to 4 lcores
E2E_FWD_EXTRA="filter:
  default: block
  rules:
    - {action: pass, in: lan, proto: udp, port: 6000-6199}
    - {action: pass, in: lan, proto: tcp, port: 5001}
    - {action: pass, in: lan, proto: icmp, icmp_type: 8}"
export E2E_FWD_EXTRA
names=()
for w in 2 3; do
	names+=("w${w}_pair_settles" "w${w}_flows_spread_over_every_worker"
		"w${w}_nothing_lost_nothing_reordered" "w${w}_one_state_per_flow"
		"w${w}_tcp_replies_pass_by_state" "w${w}_failover_keeps_flows_in_order")
done
tap_plan "${names[@]}"
topo_create_fwd || tap_abort "$E2E_ERR"

# flows_through DURATION NAME PORT: the flows for DURATION s to the server's sink on PORT
# (one port per round: a sink that outlived its round cannot get in the way) -> NAME.json
flows_through() {
	local stop=$E2E_TMP/$2.stop
	probe_bg "$2" "$NS_SERVER" flow-sink --port "$3" --duration $(($1 + 10)) \
		--stop-file "$stop" || return 1
	probe "$NS_CLIENT" flows "$SERVER_IP" --port "$3" --flows "$FLOWS" --pps "$PPS" \
		--duration "$1" >"$E2E_TMP/$2-sent.json" 2>"$E2E_TMP/$2-sent.err" || return 1
	touch "$stop"
	probe_wait "$2" 12
}

# all_arrived NAME: every datagram sent arrived, none out of order, none twice.
all_arrived() {
	local r
	r=$("$E2E_PY" -c '
import json, sys
s, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print("%d/%d flows, %d/%d datagrams, %d reordered, %d duplicates" % (
    r["flows_seen"], s["flows"], r["received"], sum(s["per_flow"]), r["reordered"],
    r["duplicates"]))' "$E2E_TMP/$1-sent.json" "$E2E_TMP/$1.json") || return 1
	tap_diag "$1: $r"
	check_eq "flows, datagrams, reordered, duplicates" "$r" \
		"$FLOWS/$FLOWS flows, $(jget "$E2E_TMP/$1-sent.json" 'sum(d["per_flow"])')/$(jget "$E2E_TMP/$1-sent.json" 'sum(d["per_flow"])') datagrams, 0 reordered, 0 duplicates"
}

# spread NAME WORKERS BEFORE AFTER: each worker's forwarded counter rose.
spread() {
	local w rises=() low=0
	for ((w = 0; w < $2; w++)); do
		rises+=("$(lcore_rise "$(jget <(echo "$3") "d.get('worker$w', {})")" \
			"$(jget <(echo "$4") "d.get('worker$w', {})")" forwarded)")
	done
	tap_diag "$1: forwarded by worker: ${rises[*]}"
	for r in "${rises[@]}"; do [ "$r" -gt 0 ] || low=1; done
	[ "$low" = 0 ] || { E2E_ERR="forwarded rises per worker: ${rises[*]} (each > 0)"; return 1; }
}

lcores_json() { node_query "$1" /carp/lcores 2>/dev/null || echo '{}'; }
created() { node_py "$1" "q('/carp/states')['created']"; }

# tcp_through W: a 256 KB transfer to the server's 5001 (port 31000 + W on the client side, below the ephemeral range).
tcp_through() {
	probe_bg "tcp$1" "$NS_SERVER" tcp-serve --port 5001 --timeout 15 || return 1
	probe "$NS_CLIENT" tcp-send "$SERVER_IP" --port 5001 --sport $((31000 + $1)) \
		--bytes 262144 --timeout 10 >"$E2E_TMP/tcp$1-cli.json" 2>"$E2E_TMP/tcp$1-cli.err"
	probe_wait "tcp$1" 15 || return 1
	check_eq "server got bytes/sha256 = what the client sent" \
		"$(jget "$E2E_TMP/tcp$1.json" '"%s/%s" % (d["bytes"], d["sha256"])')" \
		"262144/$(jget "$E2E_TMP/tcp$1-cli.json" 'd["sha256"]')"
}

for w in 2 3; do
	# w + 1 lcores (the control lcore and w workers) on this machine's two CPUs.
	export E2E_LCORES="--lcores=(0-$w)@(0-1)"
	tap_check "w${w}_pair_settles" start_fwd_pair
	if [ "${TAP_DONE[w${w}_pair_settles]}" != ok ]; then
		for n in a b; do node_alive "$n" && stop_node "$n" KILL; done
		continue
	fi
	# The path warm first: a holds only neighbor_queue packets while it resolves the
	# server, and that is a router's loss, not the workers'.
	probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.02 --duration 0.3 >/dev/null 2>&1
	before=$(lcores_json a)
	c0=$(created a)
	flows_through 3 "w$w" $((6000 + w)) || tap_diag "flows: $E2E_ERR"
	after=$(lcores_json a)
	c1=$(created a)
	tap_check "w${w}_flows_spread_over_every_worker" spread "w$w" "$w" "$before" "$after"
	tap_check "w${w}_nothing_lost_nothing_reordered" all_arrived "w$w"
	tap_check "w${w}_one_state_per_flow" check_eq "states created by the flows" \
		"$((c1 - c0))" "$FLOWS"
	tap_check "w${w}_tcp_replies_pass_by_state" tcp_through "$w"

	# Failover in the middle of the flows: a SIGKILLed 2 s in, 8 s of flows in all (b
	# takes over 3.4 s after the kill: 2.6 s of flows through b).
	stop=$E2E_TMP/fo$w.stop
	probe_bg "fo$w" "$NS_SERVER" flow-sink --port $((6100 + w)) --duration 20 \
		--stop-file "$stop" || tap_diag "$E2E_ERR"
	probe "$NS_CLIENT" flows "$SERVER_IP" --port $((6100 + w)) --flows "$FLOWS" --pps "$PPS" \
		--duration 8 >"$E2E_TMP/fo$w-sent.json" 2>&1 &
	sender=$!
	E2E_PIDS+=("$sender")
	sleep 2 # the fault's moment: 2 s into the flows
	kill -KILL "${NODE_PID[a]}"
	wait_for "the flows to end" 15 _not_running "$sender" || tap_diag "$E2E_ERR"
	touch "$stop"
	probe_wait "fo$w" 12 || tap_diag "$E2E_ERR"
	failover_ok() {
		local r
		[ -s "$E2E_TMP/fo$w.json" ] || { E2E_ERR="no result from the sink"; return 1; }
		r=$("$E2E_PY" -c '
import json, sys
s, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
late = [k for k, v in r["last_seq"].items() if v + 1 < s["per_flow"][int(k)] - 5]
print("%d flows seen, %d reordered, %d duplicates, flows ending early: %d, longest gap %.2f s" % (
    r["flows_seen"], r["reordered"], r["duplicates"], len(late), r["longest_gap_s"]))' \
			"$E2E_TMP/fo$w-sent.json" "$E2E_TMP/fo$w.json") || return 1
		tap_diag "failover with $w workers: $r"
		fwd_node_is b MASTER && [[ $r == "$FLOWS flows seen, 0 reordered, 0 duplicates, flows ending early: 0,"* ]] ||
			{ E2E_ERR="b $(node_state b), $r"; return 1; }
	}
	tap_check "w${w}_failover_keeps_flows_in_order" failover_ok
	for n in a b; do node_alive "$n" && stop_node "$n" TERM; done
done
tap_summary
