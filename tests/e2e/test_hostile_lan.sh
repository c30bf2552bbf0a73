#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A hostile host on the LAN, against the forwarding pair (a MASTER, b BACKUP of vhid 1 on
# lan and vhid 2 on wan), without knowing any key:
#   - VLAN hopping: ARP and ping for the VIP and a datagram for the server, in 802.1Q
#     tags of a VLAN the port does not carry, are neither answered nor forwarded, and
#     counted as vlan_unknown;
#   - cross-port ARP: asking the LAN for the WAN VIP gets no answer (arp_other_port);
#   - reflection: an ARP request whose sender MAC is broadcast, and a ping from the
#     subnet's broadcast address, are not answered (arp_bad_sender, echo_bad_src);
#   - ARP spoofing across ports: claiming the WAN server's address from the LAN moves
#     nothing (arp_not_on_link) and the server stays reachable;
#   - none of it changes a state.
# A normal ARP request and ping from the same host, before, are answered: the silence is
# the node's, not the probe's.
# Usage: test_hostile_lan.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

HOSTILE=$E2E_SRC/tests/e2e/hostile.py
N=5
hostile() { ip netns exec "$NS_CLIENT" "$E2E_PY" "$HOSTILE" "$@"; }

tap_plan pair_settles control_questions_answered tagged_arp_not_answered \
	tagged_ping_not_answered tagged_udp_not_forwarded vlan_unknown_counted \
	arp_for_other_port_not_answered arp_broadcast_sender_not_answered \
	ping_from_broadcast_not_answered reflection_drops_counted spoofed_wan_host_not_learned \
	wan_host_still_reached states_unchanged

topo_create_fwd || tap_abort "$E2E_ERR"
tap_check pair_settles start_fwd_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"
tra=$(stat a transitions)
trb=$(stat b transitions)

# ask KIND: N questions of KIND from the client; ANSWERS is how many answers came back
# to it (details as a TAP comment).
ask() {
	local out=$E2E_TMP/ask-$1.json
	ANSWERS=error
	hostile ask eth0 --kind "$1" --count "$N" --timeout 0.5 >"$out" 2>&1 || {
		tap_diag "$1: $(cat "$out")"
		return 1
	}
	tap_diag "$1: $(jget "$out" '"%d sent, %d answers %s" % (d["sent"], d["answers"], d["detail"][:2])')"
	ANSWERS=$(jget "$out" 'd["answers"]')
}
none() { # KIND
	ask "$1" && check_eq "answers to $N '$1' questions" "$ANSWERS" 0
}

controls_ok() {
	local arp
	ask control_arp && arp=$ANSWERS && ask control_ping &&
		check_eq "answers to $N ARP requests / $N pings for the VIP" "$arp/$ANSWERS" "$N/$N"
}
tap_check control_questions_answered controls_ok

a0=$(lcore_counters a)
stop=$E2E_TMP/stop
probe_bg srv_cap "$NS_SERVER" capture eth0=server --src "$CLIENT_IP" --duration 30 \
	--stop-file "$stop" || tap_abort "$E2E_ERR"
tap_check tagged_arp_not_answered none tagged_arp
tap_check tagged_ping_not_answered none tagged_ping
hostile ask eth0 --kind tagged_udp --count "$N" --timeout 0.3 >/dev/null
tap_check arp_for_other_port_not_answered none arp_other_port
tap_check arp_broadcast_sender_not_answered none bcast_sender_arp
tap_check ping_from_broadcast_not_answered none bcast_src_ping
touch "$stop"
probe_wait srv_cap 10 || tap_abort "$E2E_ERR"
a1=$(lcore_counters a)
tap_diag "node a: $(lcore_delta "$a0" "$a1" vlan_unknown arp_other_port arp_bad_sender echo_bad_src forwarded)"

udp_not_forwarded() {
	check_eq "frames from the client at the server while the hostile host asked" \
		"$(jget "$E2E_TMP/srv_cap.json" 'd["frames"]')" 0
}
tap_check tagged_udp_not_forwarded udp_not_forwarded
# Tagged: N ARP (broadcast), N pings and N datagrams (to the vMAC): 3N at the master.
tap_check vlan_unknown_counted check_ge "node a's vlan_unknown rise" \
	"$(lcore_rise "$a0" "$a1" vlan_unknown)" $((3 * N))
reflection_counted() {
	local other bad echo
	other=$(lcore_rise "$a0" "$a1" arp_other_port)
	bad=$(lcore_rise "$a0" "$a1" arp_bad_sender)
	echo=$(lcore_rise "$a0" "$a1" echo_bad_src)
	[ "$other" -ge "$N" ] && [ "$bad" -ge "$N" ] && [ "$echo" -ge "$N" ] ||
		{ E2E_ERR="rises: arp_other_port $other, arp_bad_sender $bad, echo_bad_src $echo (each >= $N)"; return 1; }
}
tap_check reflection_drops_counted reflection_counted

# The master knows the server (a ping through it resolves 10.100.0.9 on wan); then the LAN
# host claims the server's address for its own MAC.
probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.02 --duration 0.5 >/dev/null 2>&1
f0=$(node_query a /carp/forwarding)
hostile spoof eth0 --claim "$SERVER_IP" --count 20 >"$E2E_TMP/spoof.json" ||
	tap_diag "spoof failed"
not_learned() {
	local f1 rise
	wait_for "node a to count 20 ARP claims" 3 arp_counted 20 >/dev/null
	f1=$(node_query a /carp/forwarding)
	rise=$("$E2E_PY" -c 'import json,sys; b,a=json.loads(sys.argv[1]),json.loads(sys.argv[2]); print(a["arp_not_on_link"]-b["arp_not_on_link"], a["arp_mac_changed"]-b["arp_mac_changed"])' "$f0" "$f1")
	tap_diag "node a: arp_not_on_link, arp_mac_changed rises: $rise"
	check_eq "arp_not_on_link, arp_mac_changed rises" "$rise" "20 0"
}
arp_counted() {
	local n
	n=$(node_py a "q('/carp/forwarding')['arp_not_on_link'] - $(jget <(echo "$f0") 'd["arp_not_on_link"]')" 2>/dev/null)
	[ "${n:-0}" -ge "$1" ]
}
tap_check spoofed_wan_host_not_learned not_learned
reached() {
	local r
	probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.01 --duration 1 >"$E2E_TMP/ping.json" 2>&1
	r=$(jget "$E2E_TMP/ping.json" '"%d/%d" % (d["received"], d["sent"])') || return 1
	tap_diag "ping $SERVER_IP after the claim: $r"
	check_eq "answered / sent" "${r%/*}" "${r#*/}"
}
tap_check wan_host_still_reached reached
unchanged() {
	check_eq "transitions of a, b" "$(stat a transitions) $(stat b transitions)" "$tra $trb" &&
		fwd_roles_are a b
}
tap_check states_unchanged unchanged
tap_summary
