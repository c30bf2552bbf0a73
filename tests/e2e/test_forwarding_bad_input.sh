#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bad input to the forwarding plane. A client sends the MASTER (to its lan vMAC) UDP
# datagrams for the server on wan that a router must not forward: truncated IPv4 headers
# and lengths, bad IHL, version and header checksum, TTL 0 and 1, multicast, broadcast
# and martian addresses, an unroutable destination, a unicast destination inside an
# Ethernet broadcast or multicast frame (probe.py's FWD_KINDS). Each is counted under its
# reason in /carp/lcores and not forwarded (a frame too short to hold an IPv4 header is a
# runt to the worker, before any IPv4 check). Fragments are ordinary IPv4 to a router
# (RFC 1812 §5.2.2) and the data plane forwards them one by one (the component test shows
# it on ring ports), but the net_af_packet ports used here hand the node datagrams the
# kernel has already reassembled (DPDK 22.11's af_packet joins its sockets to a
# PACKET_FANOUT_FLAG_DEFRAG group), larger than a frame: so here every frame the node
# receives must be accounted for (forwarded, or counted as too long / truncated) and any
# fragment that reaches the server must be intact (wan vMAC, TTL - 1, good checksum). The
# server receives nothing else; afterwards the node still forwards good traffic and is still
# MASTER.
# Usage: test_forwarding_bad_input.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

# kind:counter, as probe.py's FWD_KINDS describes each kind.
KINDS="hdr_cut:runt len_over:ip_truncated ihl_short:ip_bad_ihl ihl_long:ip_bad_ihl
bad_version:ip_bad_version bad_csum:ip_bad_csum ttl0:ttl_exceeded ttl1:ttl_exceeded
mcast_dst:ip_bad_dst bcast_dst:ip_bad_dst mcast_src:ip_bad_src no_route:no_route
bcast_frame:l2_multicast mcast_frame:l2_multicast"
N=5
names=()
for kr in $KINDS; do names+=("${kr%%:*}_counted_as_${kr##*:}_not_forwarded"); done
tap_plan pair_settles good_traffic_before "${names[@]}" fragments_accounted_for \
	fragments_never_forwarded_wrongly \
	server_receives_nothing_but_the_fragments backup_forwards_nothing \
	good_traffic_after master_of_both_vhids_throughout

topo_create_fwd || tap_abort "$E2E_ERR"
tap_check pair_settles start_fwd_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

# good_traffic NAME: 50 echo requests to the server, every one answered, through node a
# (its forwarded rose).
good_traffic() {
	local r c0 c1
	c0=$(lcore_counters a)
	probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.01 --duration 0.5 >"$E2E_TMP/$1.json" \
		2>"$E2E_TMP/$1.err" || { E2E_ERR="ping: $(cat "$E2E_TMP/$1.err")"; return 1; }
	c1=$(lcore_counters a)
	r=$(jget "$E2E_TMP/$1.json" '"%d/%d" % (d["received"], d["sent"])')
	check_eq "echo replies/requests" "$r" "50/50" &&
		check_ge "node a's forwarded rise" "$(lcore_rise "$c0" "$c1" forwarded)" 50
}
# Also resolves the server's and the client's MACs on node a.
tap_check good_traffic_before good_traffic good_before
state_ok=1
tr0=$(node_py a "total('transitions')")

stop=$E2E_TMP/stop
probe_bg srv_cap "$NS_SERVER" capture eth0=server --udp-sink 9999 --duration 60 \
	--stop-file "$stop" || tap_abort "$E2E_ERR"
b0=$(lcore_counters b)

for kr in $KINDS frag:forwarded; do
	kind=${kr%%:*}
	counter=${kr##*:}
	before=$(lcore_counters a)
	probe "$NS_CLIENT" craft eth0 --kind "$kind" --dst-mac "$VMAC" --dst "$SERVER_IP" \
		--count "$N" >"$E2E_TMP/craft-$kind.json" 2>"$E2E_TMP/craft.err" ||
		tap_diag "craft $kind failed: $(cat "$E2E_TMP/craft.err")"
	sleep 0.3
	after=$(lcore_counters a)
	changed=$(lcore_delta "$before" "$after")
	rise=$(lcore_rise "$before" "$after" "$counter")
	fwd=$(lcore_rise "$before" "$after" forwarded)
	if [ "$kind" = frag ]; then
		frames=$(jget "$E2E_TMP/craft-$kind.json" 'd["frames"]')
		tap_diag "$N fragmented datagrams ($frames fragments): node a: $changed"
		[ "$(lcore_rise "$before" "$after" rx)" = "$N" ] &&
			tap_diag "node a received one frame per datagram, not per fragment: its port handed it the datagrams reassembled (net_af_packet joins its sockets to a PACKET_FANOUT_FLAG_DEFRAG group), larger than a frame"
		handled=$((fwd + $(lcore_rise "$before" "$after" ip_truncated) + $(lcore_rise "$before" "$after" mtu_exceeded) + $(lcore_rise "$before" "$after" runt)))
		rx_rise=$(lcore_rise "$before" "$after" rx)
		accounted() {
			[ "$rx_rise" -ge "$N" ] && [ "$handled" -eq "$rx_rise" ] ||
				{ E2E_ERR="node a received $rx_rise frames for $N datagrams, forwarded or counted $handled"; return 1; }
		}
		tap_check fragments_accounted_for accounted
	else
		name="${kind}_counted_as_${counter}_not_forwarded"
		if [ "$rise" = "$N" ] && [ "$fwd" = 0 ]; then
			tap_ok "$name"
			tap_diag "$N $kind: node a: $changed"
		else
			tap_not_ok "$name" "$N $kind ($(jget "$E2E_TMP/craft-$kind.json" 'd["what"]')): want $counter +$N and forwarded +0; node a: $changed"
		fi
	fi
	fwd_node_is a MASTER || state_ok=0
done
sleep 0.3
touch "$stop"
probe_wait srv_cap 10 || tap_abort "$E2E_ERR"
b1=$(lcore_counters b)

cap=$E2E_TMP/srv_cap.json
frag_ids=$(jget "$E2E_TMP/craft-frag.json" 'd["ids"]')
tap_diag "at the server: $(jget "$cap" 'd["summary"]'); UDP datagrams received: $(jget "$cap" 'len(d["udp"])')"
frags_ok() {
	local r
	r=$(jget "$cap" "sorted({(e['eth_src'], e['ttl'], e['csum_ok']) for e in d['events'] if e['id'] in $frag_ids})")
	tap_diag "fragments at the server (source MAC, TTL, checksum good): $r"
	[ "$r" = "[]" ] || check_eq "(source MAC, TTL, header checksum good) of the fragments" "$r" \
		"[[\"$WAN_VMAC\", 63, true]]"
}
tap_check fragments_never_forwarded_wrongly frags_ok
others() {
	local r
	r=$(jget "$cap" "[(e['src'], e['dst'], e['proto'], e['id'], e.get('tag')) for e in d['events'] if e['id'] not in $frag_ids][:10]")
	check_eq "frames other than the fragments (first 10)" "$r" "[]"
}
tap_check server_receives_nothing_but_the_fragments others
tap_diag "node b (backup): $(lcore_delta "$b0" "$b1")"
tap_check backup_forwards_nothing check_eq "node b's forwarded rise" "$(lcore_rise "$b0" "$b1" forwarded)" 0
tap_check good_traffic_after good_traffic good_after
master_throughout() {
	local tr1
	tr1=$(node_py a "total('transitions')")
	if [ "$state_ok" = 1 ] && fwd_node_is a MASTER && [ -n "$tr0" ] && [ "$tr1" = "$tr0" ]; then
		return 0
	fi
	E2E_ERR="MASTER after every kind: $state_ok, now: $(node_state a 1@lan)/$(node_state a 2@wan), transitions $tr0 -> $tr1"
	return 1
}
tap_check master_of_both_vhids_throughout master_throughout
tap_summary
