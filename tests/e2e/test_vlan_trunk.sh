#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A trunk: each router has one port, its untagged side unused, carrying VLANs 20 and 30
# through a VLAN switch (vlan_switch.py) to kernel hosts on its access ports (h20:
# 10.20.0.9 on VLAN 20, gateway 10.20.0.1; h30: 10.30.0.9 on VLAN 30, gateway 10.30.0.1). Both VLANs
# use VHID 1 (two segments, two elections): node a has advskew 0 on VLAN 20 and 100 on
# VLAN 30, node b the other way round, so a is MASTER of VLAN 20 and b of VLAN 30.
#
#   - each VLAN elects on its own, and its ARP is answered by its own master only, with
#     the vMAC; a VIP of VLAN 30 asked for on VLAN 20 gets no answer;
#   - h20 pings h30 across the VLANs (a forwards the requests, b the replies); every frame
#     the routers send on the trunk is tagged, every frame for h30 leaves on VLAN 30 and
#     every one for h20 on VLAN 20 (a frame for VLAN 30 never leaves on VLAN 20), and
#     each VLAN's adverts come from its master;
#   - the parent port's link goes down on a: both of its VLANs' VHIDs go INIT, the node's
#     demotion is 1 (the parent counted once), b takes VLAN 20 over and h20 reaches h30
#     through b alone.
# Usage: test_vlan_trunk.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"
command -v tcpdump >/dev/null || tap_skip_all "tcpdump missing (apt-get install tcpdump)"

VIP20=10.20.0.1
VIP30=10.30.0.1
H20=10.20.0.9
H30=10.30.0.9

tap_plan pair_settles_per_vlan arp_vlan20_answered_by_its_master_from_vmac \
	arp_vlan30_answered_by_its_master_from_vmac vip_of_vlan30_not_answered_on_vlan20 \
	ping_across_vlans_answered both_nodes_forward_their_vlan every_frame_on_the_trunk_tagged \
	forwarded_frames_leave_on_the_egress_vlan_only adverts_of_each_vlan_from_its_master \
	link_down_takes_every_vlan_to_init link_down_demotes_once backup_takes_over_vlan20 \
	ping_across_vlans_through_b

# The switch (vlan_switch.py, in the lan namespace: this kernel may have neither 802.1Q
# devices nor bridge VLAN filtering): the routers' ports trunks of 20 and 30, the hosts on
# access ports of their VLAN, plain kernel hosts that need no VLAN support.
topo_create_trunk() {
	local ns
	NS_H20=$E2E_ID-h20
	NS_H30=$E2E_ID-h30
	for ns in "$NS_LAN" "$NS_R1" "$NS_R2" "$NS_H20" "$NS_H30"; do
		_ns_add "$ns" || { E2E_ERR="cannot create namespace $ns"; return 1; }
	done
	_switch_port "$NS_R1" carp0 r1 && _switch_port "$NS_R2" carp1 r2 &&
		_switch_port "$NS_H20" eth0 h20 && _switch_port "$NS_H30" eth0 h30 &&
		_host "$NS_H20" "$H20" "$VIP20" && _host "$NS_H30" "$H30" "$VIP30" ||
		{ E2E_ERR="cannot build the trunk topology"; return 1; }
	ip netns exec "$NS_LAN" "$E2E_PY" "$E2E_SRC/tests/e2e/vlan_switch.py" --trunk r1=20,30 \
		--trunk r2=20,30 --access h20=20 --access h30=30 --duration 110 \
		--stop-file "$E2E_TMP/switch.stop" --ready-file "$E2E_TMP/switch.ready" \
		>"$E2E_TMP/switch.json" 2>"$E2E_TMP/switch.err" &
	BG_PID[switch]=$!
	E2E_PIDS+=($!)
	wait_for "the switch to start" 5 test -s "$E2E_TMP/switch.ready" ||
		{ E2E_ERR="switch: $E2E_ERR $(cat "$E2E_TMP/switch.err")"; return 1; }
}
_switch_port() { # NS IFACE SWITCH_PORT: a veth from the switch (lan namespace) to IFACE in NS
	ip -n "$NS_LAN" link add name "$3" type veth peer name "$2" netns "$1" &&
		ip -n "$NS_LAN" link set "$3" up && ip -n "$1" link set "$2" up
}
_host() { # NS ADDRESS GATEWAY
	ip -n "$1" addr add "$2/24" dev eth0 && ip -n "$1" route add default via "$3"
}

# make_trunk_config FILE IFACE HOST_BYTE ADVSKEW_20 ADVSKEW_30
make_trunk_config() {
	cat >"$1" <<CFG
global:
  idle: adaptive
  preempt: true
ports:
  - name: trunk
    device: "net_af_packet0,iface=$2"
vlans:
  - name: v20
    port: trunk
    vlan: 20
    addresses: [10.20.0.$3/24]
  - name: v30
    port: trunk
    vlan: 30
    addresses: [10.30.0.$3/24]
vhids:
  - vhid: 1
    port: v20
    advskew: $4
    passphrase: "secret-20"
    vips: [$VIP20]
  - vhid: 1
    port: v30
    advskew: $5
    passphrase: "secret-30"
    vips: [$VIP30]
CFG
}

roles_per_vlan() {
	node_is a MASTER 1@v20 && node_is a BACKUP 1@v30 &&
		node_is b BACKUP 1@v20 && node_is b MASTER 1@v30
}

topo_create_trunk || tap_abort "$E2E_ERR"
# What each router sends on the trunk, from its start: "in" at its bridge port.
capture_start r1 "$NS_LAN" r1 "" in || tap_abort "$E2E_ERR"
capture_start r2 "$NS_LAN" r2 "" in || tap_abort "$E2E_ERR"
make_trunk_config "$E2E_TMP/a.yaml" carp0 2 0 100
make_trunk_config "$E2E_TMP/b.yaml" carp1 3 100 0
start_node a "$NS_R1" "$E2E_TMP/a.yaml"
start_node b "$NS_R2" "$E2E_TMP/b.yaml"
settle() {
	wait_node_up a 10 && wait_node_up b 10 &&
		wait_for "a MASTER of VLAN 20 and b of VLAN 30" 12 roles_per_vlan
}
tap_check pair_settles_per_vlan settle
SETTLED_AT=$EPOCHREALTIME
[ "${TAP_DONE[pair_settles_per_vlan]}" = ok ] || tap_abort "the pair did not settle"

# arp_check NAME NS IFACE VIP WANT_REPLIERS: ten requests, each answered once by the
# router at WANT_REPLIERS' bridge port, from the vMAC; WANT_REPLIERS "" wants silence.
WATCH=(--watch "$NS_LAN/r1=r1" --watch "$NS_LAN/r2=r2")
arp_check() {
	local f=$E2E_TMP/$1.json got want
	probe "$2" arp "$4" --iface "$3" --count 10 --interval 0.05 --timeout 0.5 "${WATCH[@]}" \
		>"$f" 2>"$E2E_TMP/$1.err" || { E2E_ERR="probe arp: $(cat "$E2E_TMP/$1.err")"; return 1; }
	got=$(jget "$f" '"%d/%d %s %s" % (d["answered_requests"], d["max_replies_per_request"], ",".join(d["repliers"]) or "-", ",".join(d["eth_srcs"] + d["sender_macs"]) or "-")')
	want="10/1 $5 $VMAC,$VMAC"
	[ -z "$5" ] && want="0/0 - -"
	check_eq "answered/max per request, repliers, MACs" "$got" "$want"
}
tap_check arp_vlan20_answered_by_its_master_from_vmac arp_check arp20 "$NS_H20" eth0 "$VIP20" r1
tap_check arp_vlan30_answered_by_its_master_from_vmac arp_check arp30 "$NS_H30" eth0 "$VIP30" r2
tap_check vip_of_vlan30_not_answered_on_vlan20 arp_check arp2030 "$NS_H20" eth0 "$VIP30" ""

# ping_across NAME DURATION_S WANT_REPLIER: h20 pings h30 every 10 ms; every echo answered
# (the first may wait for the routers to resolve the hosts), the replies reaching VLAN 20
# through WANT_REPLIER.
ping_across() {
	local f=$E2E_TMP/$1.json got
	probe "$NS_H20" ping "$H30" --iface eth0 --interval 0.01 --duration "$2" "${WATCH[@]}" \
		>"$f" 2>"$E2E_TMP/$1.err" || { E2E_ERR="probe ping: $(cat "$E2E_TMP/$1.err")"; return 1; }
	PING_SENT=$(jget "$f" 'd["sent"]')
	tap_diag "$1: $(jget "$f" '{k: d[k] for k in ("sent", "received", "duplicates", "longest_gap_ms", "replies_by")}')"
	got=$(jget "$f" '"%s %s %d" % (d["received"] >= d["sent"] - 2, ",".join(sorted(d["replies_by"])), d["duplicates"])')
	check_eq "received >= sent - 2, replies through, duplicates" "$got" "True $3 0"
}
a0=$(lcore_counters a)
b0=$(lcore_counters b)
tap_check ping_across_vlans_answered ping_across ping1 2 r2
a1=$(lcore_counters a)
b1=$(lcore_counters b)
tap_diag "node a: $(lcore_delta "$a0" "$a1")"
tap_diag "node b: $(lcore_delta "$b0" "$b1")"
both_forward() {
	check_ge "a's forwarded rise (the echo requests, VLAN 20 to 30)" \
		"$(lcore_rise "$a0" "$a1" forwarded)" "$((PING_SENT - 2))" &&
		check_ge "b's forwarded rise (the echo replies, VLAN 30 to 20)" \
			"$(lcore_rise "$b0" "$b1" forwarded)" "$((PING_SENT - 2))"
}
tap_check both_nodes_forward_their_vlan both_forward

capture_stop r1 || tap_diag "$E2E_ERR"
capture_stop r2 || tap_diag "$E2E_ERR"
# trunk_frames PCAP: what a router sent, counted as "vlan=V kind" (kind: arp, carp (an
# advert once the pair had settled; carp-early before), or "to ADDRESS" for other IPv4;
# vlan=none for an untagged frame), as JSON.
trunk_frames() {
	"$E2E_PY" - "$1" "$SETTLED_AT" <<'EOF'
import json, sys
from scapy.all import ARP, IP, Dot1Q, rdpcap
count = {}
for p in rdpcap(sys.argv[1]):
    vlan = p[Dot1Q].vlan if Dot1Q in p else "none"
    if ARP in p:
        kind = "arp"
    elif IP in p and p[IP].proto == 112:
        kind = "carp" if float(p.time) > float(sys.argv[2]) else "carp-early"
    elif IP in p:
        kind = f"to {p[IP].dst}"
    else:
        kind = "other"
    key = f"vlan={vlan} {kind}"
    count[key] = count.get(key, 0) + 1
print(json.dumps(count, sort_keys=True))
EOF
}
fa=$(trunk_frames "$E2E_TMP/r1.pcap") || fa='{}'
fb=$(trunk_frames "$E2E_TMP/r2.pcap") || fb='{}'
tap_diag "a sent on the trunk: $fa"
tap_diag "b sent on the trunk: $fb"
# frames JSON EXPR: EXPR over the counts c of one router's frames.
frames() { "$E2E_PY" -c 'import json, sys; c = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
# Untagged frames from either router: none, out of a capture that saw frames at all.
tap_check every_frame_on_the_trunk_tagged check_eq "untagged frames from a / from b (captured at all)" \
	"$(frames "$fa" 'sum(v for k, v in c.items() if k.startswith("vlan=none"))')/$(frames "$fb" 'sum(v for k, v in c.items() if k.startswith("vlan=none"))') ($(frames "$fa" 'sum(c.values()) > 0'), $(frames "$fb" 'sum(c.values()) > 0'))" "0/0 (True, True)"
# vlans_to JSON ADDRESS: the VLANs one router's frames to ADDRESS left on; frames_to: how many.
vlans_to() { frames "$1" "','.join(sorted({k.split()[0] for k in c if k.endswith(' to $2')})) or '-'"; }
frames_to() { frames "$1" "sum(v for k, v in c.items() if k.endswith(' to $2'))"; }
# The counts only show the captures saw the traffic (that every echo crossed is
# ping_across's check): tcpdump may miss a few frames on a busy machine.
egress_vlans() {
	check_eq "VLANs of the frames to h30 from a, b / to h20 from a, b" \
		"$(vlans_to "$fa" "$H30") $(vlans_to "$fb" "$H30") / $(vlans_to "$fa" "$H20") $(vlans_to "$fb" "$H20")" \
		"vlan=30 - / - vlan=20" &&
		check_ge "frames to h30 from a (captured)" "$(frames_to "$fa" "$H30")" "$((PING_SENT / 2))" &&
		check_ge "frames to h20 from b (captured)" "$(frames_to "$fb" "$H20")" "$((PING_SENT / 2))"
}
tap_check forwarded_frames_leave_on_the_egress_vlan_only egress_vlans
tap_check adverts_of_each_vlan_from_its_master check_eq "VLANs of the adverts from a / from b once settled" \
	"$(frames "$fa" "','.join(sorted(k.split()[0] for k in c if k.endswith(' carp')))")/$(frames "$fb" "','.join(sorted(k.split()[0] for k in c if k.endswith(' carp')))")" \
	"vlan=20/vlan=30"

t0=$(now_ms)
ip -n "$NS_R1" link set carp0 down
both_init() { node_is a INIT 1@v20 && node_is a INIT 1@v30; }
tap_check link_down_takes_every_vlan_to_init wait_for "both of a's VHIDs INIT" 2 both_init
tap_check link_down_demotes_once check_eq "a's demotion (/carp/ports trunk)" \
	"$(node_py a "q('/carp/ports')['trunk']['demotion']")" 1
tap_check backup_takes_over_vlan20 wait_for "node b MASTER of VLAN 20" \
	"$(awk -v ms="$MASTER_DOWN_B_MS" 'BEGIN { print (ms + 1200) / 1000 }')" node_is b MASTER 1@v20
tap_diag "b MASTER of VLAN 20 $(($(now_ms) - t0)) ms after a's link went down"
tap_check ping_across_vlans_through_b ping_across ping2 1 r2
tap_summary
