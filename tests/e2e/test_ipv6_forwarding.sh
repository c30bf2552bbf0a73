#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 forwarding through the pair, the twin of test_forwarding: a client and a server on
# two dual-stack segments, each using its segment's IPv6 VIP as its default router. The
# master resolves both by neighbour discovery and forwards with the hop limit one less;
# the backup forwards nothing. SIGKILL of the master: the backup takes both VHIDs over,
# resolves the hosts itself and forwards.
# Usage: test_ipv6_forwarding.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

tap_plan pair_settles ping6_across_the_master hop_limit_decremented_once \
	hosts_resolved_by_neighbour_discovery backup_forwards_nothing \
	ping6_across_after_takeover

topo_create_fwd || tap_abort "$E2E_ERR"
# IPv6 on the two hosts only: the routers' kernels stay out of it.
for ns in "$NS_CLIENT" "$NS_SERVER"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_ra=0 >/dev/null ||
		tap_abort "cannot enable IPv6 in $ns"
done
ip -n "$NS_CLIENT" -6 addr add "$CLIENT6/64" dev eth0 nodad &&
	ip -n "$NS_CLIENT" -6 route add default via "$VIP6" &&
	ip -n "$NS_SERVER" -6 addr add "$SERVER6/64" dev eth0 nodad &&
	ip -n "$NS_SERVER" -6 route add default via "$WAN_VIP6" ||
	tap_abort "cannot give the hosts IPv6"

export E2E_FWD6=1
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

stop_node a KILL || tap_abort "$E2E_ERR"
wait_for "node b MASTER of both VHIDs" 6 fwd_node_is b MASTER || tap_diag "$E2E_ERR"
tap_check ping6_across_after_takeover ping6_via "ping6 via b" b
tap_summary
