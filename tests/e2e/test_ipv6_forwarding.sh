#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 forwarding and ICMP errors through the pair: a client and a server on two
# dual-stack segments, each using its segment's VIPs as its default routers. The master
# resolves both by neighbour discovery and forwards with the hop limit one less; the
# backup forwards nothing. A ping with TTL / hop limit 1 gets Time Exceeded from the VIP
# of the client's segment (icmp_source: vip: the hop traceroute shows is the same
# whichever node is master); the WAN's MTU is 1400 against the hosts' 1500,
# so TCP over IPv6 and IPv4 (DF) only completes when the router's Packet Too Big and
# Fragmentation Needed reach the client (path MTU discovery). SIGKILL of the master: the
# backup takes both VHIDs over, resolves the hosts itself and forwards.
# Usage: test_ipv6_forwarding.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

tap_plan pair_settles ping6_across_the_master hop_limit_decremented_once \
	hosts_resolved_by_neighbour_discovery backup_forwards_nothing \
	time_exceeded_from_the_router_v4 time_exceeded_from_the_router_v6 \
	tcp6_completes_by_path_mtu_discovery tcp4_completes_by_path_mtu_discovery \
	ping6_across_after_takeover

topo_create_fwd || tap_abort "$E2E_ERR"
# IPv6 on the two hosts only: the routers' kernels stay out of it.
hosts_ipv6_on || tap_abort "$E2E_ERR"

export E2E_FWD6=1 E2E_WAN_MTU=1400 E2E_ICMP_SOURCE=vip
tap_check pair_settles start_fwd_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

# ping6_via LABEL NODE: 20 pings client -> server; most answered, NODE forwarded them.
PING_OUT=
ping6_via() {
	local got before after
	before=$(lcore_counters "$2")
	PING_OUT=$(ip netns exec "$NS_CLIENT" timeout 15 ping -6 -n -c 20 -i 0.05 -W 2 "$SERVER6" 2>&1)
	after=$(lcore_counters "$2")
	got=$(echo "$PING_OUT" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	tap_diag "$1: ${got:-0}/20 answered; node $2: $(lcore_delta "$before" "$after" forwarded to_resolve)"
	check_ge "replies to 20 pings of $SERVER6" "${got:-0}" 18 &&
		check_ge "node $2's forwarded (requests and replies)" \
			"$(lcore_rise "$before" "$after" forwarded)" 36
}
b_before=$(lcore_counters b)
tap_check ping6_across_the_master ping6_via "ping6 via a" a
b_after=$(lcore_counters b)
# The server answers with hop limit 64; one router between: 63 at the client.
tap_check hop_limit_decremented_once check_eq "hop limits the client saw" \
	"$(echo "$PING_OUT" | grep -o 'ttl=[0-9]*' | sort -u | tr '\n' ' ')" "ttl=63 "
nd_ok() {
	local got
	got=$(node_py a "'%d %d' % (q('/carp/forwarding')['nd_resolved'], q('/carp/forwarding')['nd_solicits'])")
	tap_diag "node a: nd_resolved nd_solicits = $got"
	check_ge "node a's next hops resolved by neighbour discovery" "${got%% *}" 2
}
tap_check hosts_resolved_by_neighbour_discovery nd_ok
tap_check backup_forwards_nothing check_eq "node b's forwarded" \
	"$(lcore_rise "$b_before" "$b_after" forwarded)" 0

# expired FAMILY DST FROM: a ping of DST with TTL / hop limit 1 is answered with Time
# Exceeded from FROM, the VIP of the client's segment.
expired() { # FAMILY DST FROM
	local out
	out=$(ip netns exec "$NS_CLIENT" timeout 5 ping "-$1" -n -c 1 -t 1 -W 2 "$2" 2>&1)
	tap_diag "ping -$1 -t 1 $2: $(echo "$out" | grep -i 'from' | head -1)"
	echo "$out" | grep -Eq "From $3 .*(Time to live exceeded|Time exceeded)" ||
		{ E2E_ERR="no Time Exceeded from $3"; return 1; }
}
tap_check time_exceeded_from_the_router_v4 expired 4 "$SERVER_IP" "$VIP"
tap_check time_exceeded_from_the_router_v6 expired 6 "$SERVER6" "$VIP6"

# tcp_pmtu LABEL DST: 1 MB client -> server; complete and intact, and node a sent errors.
tcp_pmtu() {
	local before after
	before=$(lcore_counters a)
	probe_bg tcp_srv "$NS_SERVER" tcp-serve --port 5001 --timeout 20 || return 1
	probe "$NS_CLIENT" tcp-send "$2" --port 5001 --bytes 1048576 --timeout 15 \
		>"$E2E_TMP/tcp.json" 2>"$E2E_TMP/tcp.err"
	probe_wait tcp_srv 20 || return 1
	after=$(lcore_counters a)
	tap_diag "$1: $(jget "$E2E_TMP/tcp_srv.json" '"%s bytes" % d["bytes"]'); node a: $(lcore_delta "$before" "$after" icmp_errors mtu_exceeded forwarded)"
	check_eq "$1: the server's bytes/sha256, the client's check" \
		"$(jget "$E2E_TMP/tcp_srv.json" '"%s/%s" % (d["bytes"], d["sha256"])')/$(jget "$E2E_TMP/tcp.json" 'd["ok"]')" \
		"1048576/$(jget "$E2E_TMP/tcp.json" 'd["sha256"]')/True" &&
		check_ge "$1: node a's ICMP errors" "$(lcore_rise "$before" "$after" icmp_errors)" 1
}
tap_check tcp6_completes_by_path_mtu_discovery tcp_pmtu "TCP over IPv6" "$SERVER6"
tap_check tcp4_completes_by_path_mtu_discovery tcp_pmtu "TCP over IPv4" "$SERVER_IP"

stop_node a KILL || tap_abort "$E2E_ERR"
wait_for "node b MASTER of both VHIDs" 6 fwd_node_is b MASTER || tap_diag "$E2E_ERR"
tap_check ping6_across_after_takeover ping6_via "ping6 via b" b
tap_summary
