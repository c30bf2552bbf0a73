#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 ownership, the twin of test_arp_ownership: a pair with a dual-stack VHID 1 (VIPs
# 10.99.0.1 and 2001:db8:99::1) and an IPv6-only VHID 2 (2001:db8:99::20), and an IPv6
# client. Both VHIDs elect; the client resolves the IPv6 VIP to the vMAC by neighbour
# discovery and pings it; only the MASTER answers solicitations (the BACKUP counts each
# one it refuses); the IPv6 adverts come from the master's link-local address to ff02::12
# with hop limit 255, and their HMAC is the one Python's hmac computes over both families'
# VIPs (and carp-inspect's); the nodes report their MLD groups. SIGTERM of the master: the
# backup takes over at once, the client's neighbour entry stays the vMAC; the old master
# comes back and preempts; SIGKILL: the backup takes over again and announces the VIP with
# an unsolicited NA (Override, vMAC).
# Usage: test_ipv6_nd.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

VIP6_ONLY=2001:db8:99::20
INSPECT=$(dirname "$E2E_BIN")/../carp-inspect/carp-inspect

tap_plan pair_settles ipv6_only_vhid_elects ping6_vip_answered_by_master \
	client_neighbour6_is_vmac backup_refuses_solicitations adverts6_from_link_local \
	hmac_of_adverts6_recomputed carp_inspect_verifies_adverts6 mld_groups_reported \
	sigterm_takeover_keeps_the_neighbour_entry old_master_preempts \
	takeover_sends_unsolicited_na ping6_answered_after_takeover

# make_config6 FILE IFACE ADDR4 ADDR6 ADVSKEW: the demo node, dual-stack, and VHID 2.
make_config6() {
	cat >"$1" <<EOF
global:
  idle: adaptive
ports:
  - name: lan
    device: "net_af_packet0,iface=$2"
    addresses: [$3/24, "$4/64"]
vhids:
  - vhid: 1
    port: lan
    advskew: $5
    preempt: true
    passphrase: "secret"
    vips: [$VIP, "$VIP6"]
  - vhid: 2
    port: lan
    advskew: $5
    preempt: true
    passphrase: "secret6"
    vips: ["$VIP6_ONLY"]
EOF
}

topo_create || tap_abort "$E2E_ERR"
# IPv6 on the client only: the routers' kernels stay out of it (carp-dpdk owns the port).
ip netns exec "$NS_CLIENT" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_ra=0 >/dev/null ||
	tap_abort "cannot enable IPv6 on the client"
ip -n "$NS_CLIENT" -6 addr add "$CLIENT6/64" dev eth0 nodad || tap_abort "cannot give the client IPv6"
make_config6 "$E2E_TMP/a.yaml" carp0 10.99.0.2 2001:db8:99::2 0
make_config6 "$E2E_TMP/b.yaml" carp1 10.99.0.3 2001:db8:99::3 100
mac_a=$(ip -n "$NS_R1" -br link show carp0 | awk '{print $3}')
capture_start wire "$NS_CLIENT" eth0 ip6 in || tap_abort "$E2E_ERR"

tap_check pair_settles start_pair "$E2E_TMP/a.yaml" "$E2E_TMP/b.yaml"
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"
vhid2_roles() { node_is a MASTER 2@lan && node_is b BACKUP 2@lan; }
tap_check ipv6_only_vhid_elects wait_for "a MASTER and b BACKUP of vhid 2" 5 vhid2_roles

ping6_ok() { # LABEL NODE
	local out got before after
	before=$(lcore_counters "$2")
	out=$(ip netns exec "$NS_CLIENT" timeout 10 ping -6 -n -c 20 -i 0.05 -W 1 "$VIP6" 2>&1)
	after=$(lcore_counters "$2")
	got=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	tap_diag "$1: ${got:-0}/20 answered; node $2: $(lcore_delta "$before" "$after" echo_replies nd_replies)"
	check_ge "replies to 20 pings of $VIP6" "${got:-0}" 18 &&
		check_ge "node $2's echo_replies" "$(lcore_rise "$before" "$after" echo_replies)" 18
}
b_before=$(lcore_counters b)
tap_check ping6_vip_answered_by_master ping6_ok "ping6 via a" a
tap_check client_neighbour6_is_vmac check_eq "client's neighbour entry for $VIP6" \
	"$(client_neigh6_mac)" "$VMAC"
b_after=$(lcore_counters b)
refused_ok() {
	tap_diag "node b: $(lcore_delta "$b_before" "$b_after" nd_replies nd_backup echo_replies)"
	check_eq "node b's NAs and echo replies" \
		"$(lcore_rise "$b_before" "$b_after" nd_replies)/$(lcore_rise "$b_before" "$b_after" echo_replies)" \
		"0/0" && check_ge "node b's nd_backup" "$(lcore_rise "$b_before" "$b_after" nd_backup)" 1
}
tap_check backup_refuses_solicitations refused_ok

# SIGTERM: a bows out, b takes over at once; the client's neighbour entry never changes.
t_term=$(now_ms)
stop_node a TERM || tap_abort "$E2E_ERR"
term_ok() {
	wait_for "node b MASTER of both VHIDs" 5 node_is b MASTER || return 1
	node_is b MASTER 2@lan || return 1
	ping6_ok "ping6 via b after SIGTERM" b &&
		check_eq "client's neighbour entry for $VIP6 after the takeover" "$(client_neigh6_mac)" "$VMAC"
}
tap_check sigterm_takeover_keeps_the_neighbour_entry term_ok
start_node a "$NS_R1" "$E2E_TMP/a.yaml"
tap_check old_master_preempts wait_for "node a MASTER again (preempt)" 10 roles_are a b

t_kill=$(now_ms)
stop_node a KILL || tap_abort "$E2E_ERR"
wait_for "node b MASTER" 6 node_is b MASTER || tap_diag "$E2E_ERR"
tap_check ping6_answered_after_takeover ping6_ok "ping6 via b" b
capture_stop wire || tap_abort "$E2E_ERR"

# wire_py EXPR: evaluated over the capture (pkts; ll(mac), the EUI-64 link-local of a
# MAC; sn(a), the solicited-node group of an address; groups(p), the groups of an MLDv2
# report; t_term and t_kill, the SIGTERM and SIGKILL in seconds).
wire_py() {
	"$E2E_PY" - "$E2E_TMP/wire.pcap" "$t_term" "$t_kill" "$1" <<'EOF' 2>/dev/null
import hmac, hashlib, ipaddress, sys
from scapy.all import (rdpcap, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, ICMPv6MLReport2,
                       ICMPv6MLDMultAddrRec, Ether, Raw)
pkts = rdpcap(sys.argv[1])
t_term, t_kill = int(sys.argv[2]) / 1000.0, int(sys.argv[3]) / 1000.0
def ll(mac):
    b = bytes.fromhex(mac.replace(":", ""))
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]))
def sn(a):  # the solicited-node group of an address
    return str(ipaddress.IPv6Address(b"\xff\x02" + bytes(9) + b"\x01\xff" + ipaddress.IPv6Address(a).packed[13:]))
def groups(p):  # scapy nests a report's records, each the payload of the one before
    i, out = 1, []
    while p.getlayer(ICMPv6MLDMultAddrRec, i) is not None:
        out.append(str(p.getlayer(ICMPv6MLDMultAddrRec, i).dst))
        i += 1
    return out
def adverts():  # (packet, CARP header bytes) of every IPv6 advert
    return [(p, bytes(p[IPv6].payload)[:36]) for p in pkts
            if IPv6 in p and p[IPv6].nh == 112 and len(bytes(p[IPv6].payload)) >= 36]
def hmac_ok(carp, passphrase, v4, v6):  # spec 3.3, with Python's hmac: not our code
    key = passphrase.encode()[:19].ljust(20, b"\0")
    msg = (bytes([2, 1, carp[1]]) + b"".join(ipaddress.IPv4Address(a).packed for a in sorted(v4, key=ipaddress.IPv4Address))
           + b"".join(sorted(ipaddress.IPv6Address(a).packed for a in v6)) + carp[8:16])
    return hmac.compare_digest(hmac.new(key, msg, hashlib.sha1).digest(), carp[16:36])
print(eval(sys.argv[4]))
EOF
}
adverts_ok() {
	local got
	got=$(wire_py "sorted(set((p[IPv6].src, p[IPv6].dst, p[IPv6].hlim) for p, c in adverts() if p.time < t_term))")
	tap_diag "IPv6 adverts before the SIGTERM (source, destination, hop limit): $got"
	check_eq "IPv6 adverts" "$got" "[('$(wire_py "ll('$mac_a')")', 'ff02::12', 255)]"
}
tap_check adverts6_from_link_local adverts_ok
hmac_ok() {
	local got
	got=$(wire_py "sorted(set((c[1], hmac_ok(c, 'secret' if c[1] == 1 else 'secret6', ['$VIP'] if c[1] == 1 else [], ['$VIP6'] if c[1] == 1 else ['$VIP6_ONLY'])) for p, c in adverts()))")
	tap_diag "IPv6 adverts (vhid, HMAC recomputed with Python's hmac matches): $got"
	check_eq "every IPv6 advert's HMAC, recomputed" "$got" "[(1, True), (2, True)]"
}
tap_check hmac_of_adverts6_recomputed hmac_ok
# The adverts' HMAC as OpenBSD computes it over both families' VIPs, checked by the
# receiver's own code path outside the node; a wrong passphrase must fail it.
inspect_ok() {
	local n
	"$INSPECT" --quiet --vhid 1 --pass secret --vip "$VIP" --vip "$VIP6" "$E2E_TMP/wire.pcap" \
		>"$E2E_TMP/inspect.txt" 2>&1 || { E2E_ERR="carp-inspect: $(grep -v ' ok' "$E2E_TMP/inspect.txt" | head -3)"; return 1; }
	n=$(grep -c '> ff02::12 .*verdict: OK' "$E2E_TMP/inspect.txt")
	tap_diag "carp-inspect: $n IPv6 adverts of vhid 1 verified"
	check_ge "IPv6 adverts carp-inspect verified" "$n" 2 || return 1
	if "$INSPECT" --quiet --vhid 1 --pass wrong --vip "$VIP" --vip "$VIP6" "$E2E_TMP/wire.pcap" \
		>/dev/null 2>&1; then
		E2E_ERR="carp-inspect accepted the adverts with a wrong passphrase"
		return 1
	fi
}
tap_check carp_inspect_verifies_adverts6 inspect_ok
mld_ok() {
	local got want
	got=$(wire_py "sorted(set(r for p in pkts if ICMPv6MLReport2 in p and p[IPv6].src == ll('$mac_a') for r in groups(p)))")
	want=$(wire_py "sorted(['ff02::12', sn('$VIP6'), sn('$VIP6_ONLY'), sn('2001:db8:99::2'), sn(ll('$mac_a'))])")
	tap_diag "groups node a reported: $got"
	check_eq "node a's MLDv2 groups (adverts, the VIPs', its address's, its link-local's)" \
		"$got" "$want"
}
tap_check mld_groups_reported mld_ok
na_ok() {
	local got
	got=$(wire_py "sorted(set((p[Ether].src, p[IPv6].dst, p[ICMPv6ND_NA].tgt, p[ICMPv6ND_NA].O, p[ICMPv6ND_NA].S, p[ICMPv6NDOptDstLLAddr].lladdr) for p in pkts if ICMPv6ND_NA in p and ICMPv6NDOptDstLLAddr in p and p[IPv6].dst == 'ff02::1' and p.time >= t_kill and p[ICMPv6ND_NA].tgt == '$VIP6'))")
	tap_diag "unsolicited NAs for $VIP6 after the kill: $got; node b nas_sent $(stat b nas_sent)"
	check_eq "unsolicited NAs (source MAC, to, target, O, S, target MAC)" "$got" \
		"[('$VMAC', 'ff02::1', '$VIP6', 1, 0, '$VMAC')]"
}
tap_check takeover_sends_unsolicited_na na_ok
tap_summary
