#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop with keepalived: VRRP shares IP protocol 112, group 224.0.0.18 and the
# 00:00:5e:00:01:xx MACs with CARP, and VRRPv2's first byte (0x21) equals CARP's. carp-dpdk
# (r1, 10.99.0.2, vhid 1, VIP 10.99.0.1) is MASTER; Debian's keepalived 2.2.7 (r2, 10.99.0.3
# on carp1) then runs VRID 50 (priority 150, VIP 10.99.0.50/24) on the same segment, first
# as VRRPv2, then as VRRPv3 (`version 3`). Neither disturbs the other:
#   carp-dpdk counts keepalived's adverts under `vrrp` in its port's /carp/stats entry
#   ("lan": they are dropped before any VHID is looked up), nothing else; its state and
#   transitions never change, also when keepalived stops (its priority-0 advert);
#   keepalived becomes MASTER of VRID 50 and stays MASTER while it hears carp-dpdk;
#   the client's ARP for each VIP is answered by its owner only.
# A third round, samevrid_v2, breaks the rule of spec §11.10 on purpose: keepalived runs
# VRRPv2 with VRID 1, the number of carp-dpdk's VHID. carp-dpdk must still count it as
# vrrp and change no state; keepalived then cannot tell CARP from its own protocol and is
# only documented here: both end up MASTER of "1" (each with its own VIP and MAC);
# keepalived logs "vrrp packet too short, length 56 and expect 64" for every CARP advert
# and, as MASTER, sends only its first advert (carp-dpdk's adverts every second appear to
# keep re-arming its advert timer), so carp-dpdk is only required to count what comes.
# Usage: test_interop_keepalived.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program keepalived keepalived

KVIP=10.99.0.50
names=(carp_dpdk_master)
for v in v2 v3 samevrid_v2; do
	names+=("${v}_keepalived_master" "${v}_vrrp_counted_on_port_entry"
		"${v}_vrrp_not_counted_on_vhid_entry" "${v}_no_other_drops_no_adverts_received"
		"${v}_carp_dpdk_state_never_changes" "${v}_keepalived_stays_master"
		"${v}_keepalived_holds_its_vip" "${v}_each_vip_answered_by_its_owner"
		"${v}_stop_priority0_counted_state_unchanged")
done
tap_plan "${names[@]}"

topo_create || tap_abort "$E2E_ERR"
peer_addr "$NS_R2" carp1 10.99.0.3/24 || tap_abort "$E2E_ERR"
make_config "$E2E_TMP/d.yaml" carp0 10.99.0.2/24 0 true carp-demo
start_node d "$NS_R1" "$E2E_TMP/d.yaml"
tap_check carp_dpdk_master wait_for "carp-dpdk MASTER" 12 node_is d MASTER
[ "${TAP_DONE[carp_dpdk_master]}" = ok ] || tap_abort "carp-dpdk did not become MASTER"
tr0=$(stat d transitions) || tap_abort "no /carp/stats from carp-dpdk"

# arp_owner VIP LABEL MAC: 3 ARP requests, every one answered, only from LABEL's bridge
# port, with sender MAC MAC.
arp_owner() {
	local out=$E2E_TMP/arp-$1.json
	probe "$NS_CLIENT" arp "$1" --count 3 --timeout 0.5 --watch "$NS_LAN/r1=r1" \
		--watch "$NS_LAN/r2=r2" >"$out" 2>"$out.err" ||
		{ E2E_ERR="probe arp $1: $(tail -n 1 "$out.err")"; return 1; }
	check_eq "ARP for $1: answered/repliers/sender MACs" \
		"$(jget "$out" '"%d/%s/%s" % (d["answered_requests"], ",".join(d["repliers"]), ",".join(d["sender_macs"]))')" \
		"3/$2/$3"
}

round() { # TAG VERSION VRID MIN_ADVERTS_IN_5S
	local v=$1 k=k$1 mark vr0 vr1 vh0 vh1 dr0 dr1 rx0 rx1 kmac
	vr0=$(port_stat d vrrp) && vh0=$(stat d vrrp) && rx0=$(stat d adverts_received) &&
		read -r dr0 _ < <(drops d) || { tap_diag "no telemetry"; return 1; }
	make_keepalived_conf "$E2E_TMP/$k.conf" carp1 "$3" 150 "$KVIP/24" "$2"
	start_keepalived "$k" "$NS_R2" "$E2E_TMP/$k.conf"
	keepalived_child "$k" || tap_diag "$E2E_ERR"
	tap_check "${v}_keepalived_master" wait_for "keepalived MASTER of VRID $3" 6 peer_is "$k" MASTER
	mark=$(log_lines "$k")
	local held=ok
	hold_for "carp-dpdk MASTER, keepalived MASTER" 5 \
		eval 'node_is d MASTER && peer_is '"$k"' MASTER' || held=$E2E_ERR
	vr1=$(port_stat d vrrp)
	vh1=$(stat d vrrp)
	rx1=$(stat d adverts_received)
	read -r dr1 drd < <(drops d)
	tap_diag "$v: carp-dpdk lan.vrrp $vr0 -> $vr1, lan/1.vrrp $vh0 -> $vh1, all drops $dr0 -> $dr1 ($drd), adverts_received $rx0 -> $rx1, transitions $tr0 -> $(stat d transitions)"
	tap_check "${v}_vrrp_counted_on_port_entry" check_ge "rise of lan.vrrp in 5 s" "$((vr1 - vr0))" "$4"
	tap_check "${v}_vrrp_not_counted_on_vhid_entry" check_eq "lan/1.vrrp" "$vh1" "$vh0"
	tap_check "${v}_no_other_drops_no_adverts_received" check_eq \
		"other drops / adverts received" "$((dr1 - dr0 - (vr1 - vr0)))/$((rx1 - rx0))" 0/0
	same_state() {
		[ "$held" = ok ] || { E2E_ERR=$held; return 1; }
		node_is d MASTER && check_eq "carp-dpdk transitions" "$(stat d transitions)" "$tr0"
	}
	tap_check "${v}_carp_dpdk_state_never_changes" same_state
	k_stays() {
		[ "$held" = ok ] || { E2E_ERR=$held; return 1; }
		check_eq "keepalived state changes while carp-dpdk advertises" \
			"$(log_since "$k" "$mark" 'Entering [A-Z]+ STATE')" 0
	}
	tap_check "${v}_keepalived_stays_master" k_stays
	tap_check "${v}_keepalived_holds_its_vip" ns_has_addr "$NS_R2" carp1 "$KVIP"
	tap_diag "$v: keepalived's complaints about other packets: $(grep -Ei 'bogus|invalid|unknown|ignor|mismatch|wrong|too short' "${NODE_LOG[$k]}" | cut -d: -f4- | sort | uniq -c | sort -rn | head -n 3 | tr -s ' ' | tr '\n' ';')"
	kmac=$(ip -n "$NS_R2" link show carp1 | awk '/link\/ether/ { print $2 }')
	both_owners() {
		arp_owner "$VIP" r1 "$VMAC" && arp_owner "$KVIP" r2 "$kmac"
	}
	tap_check "${v}_each_vip_answered_by_its_owner" both_owners
	vr0=$(port_stat d vrrp)
	stop_node "$k" TERM 5 || tap_diag "$E2E_ERR"
	sleep 0.5
	vr1=$(port_stat d vrrp)
	prio0() {
		check_ge "lan.vrrp rise on keepalived's stop (priority-0 advert)" "$((vr1 - vr0))" 1 &&
			node_is d MASTER && check_eq "carp-dpdk transitions" "$(stat d transitions)" "$tr0"
	}
	tap_check "${v}_stop_priority0_counted_state_unchanged" prio0
	tap_diag "$v: keepalived: $(grep -o 'sent 0 priority' "${NODE_LOG[$k]}" | head -n 1)"
}
round v2 2 50 4
round v3 3 50 4
round samevrid_v2 2 1 1
tap_summary
