#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ARP ownership: with the demo pair settled (a MASTER, b BACKUP), a client's ARP requests
# for the VIP get exactly one reply each, from the MASTER, with the virtual MAC as
# Ethernet source and sender MAC; the BACKUP never replies. The VIP answers ping from the
# virtual MAC too. Replies are attributed to a node by the bridge port they arrive on.
# Usage: test_arp_ownership.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

tap_plan pair_settles arp_every_request_answered_once arp_only_master_replies \
	arp_reply_from_vmac backup_never_replies_arp ping_vip_answered_by_master_from_vmac \
	client_neighbour_is_vmac

topo_create || tap_abort "$E2E_ERR"
tap_check pair_settles start_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

arp=$E2E_TMP/arp.json
# shellcheck disable=SC2046
probe "$NS_CLIENT" arp "$VIP" --count 20 --interval 0.05 --timeout 0.5 $(watch_routers) \
	>"$arp" 2>"$E2E_TMP/arp.err" || tap_abort "probe arp failed: $(cat "$E2E_TMP/arp.err")"
tap_diag "arp: $(jget "$arp" '{k: d[k] for k in ("requests", "replies", "answered_requests", "max_replies_per_request", "eth_srcs", "sender_macs", "replies_by")}')"

tap_check arp_every_request_answered_once check_eq \
	"answered requests / max replies per request" \
	"$(jget "$arp" 'd["answered_requests"]')/$(jget "$arp" 'd["max_replies_per_request"]')" "20/1"
tap_check arp_only_master_replies check_eq "repliers (bridge port)" \
	"$(jget "$arp" '",".join(d["repliers"])')" r1
tap_check arp_reply_from_vmac check_eq "Ethernet sources / sender MACs" \
	"$(jget "$arp" '",".join(d["eth_srcs"]) + "/" + ",".join(d["sender_macs"])')" "$VMAC/$VMAC"
tap_check backup_never_replies_arp check_eq "replies from r2" \
	"$(jget "$arp" 'd["replies_by"].get("r2", 0)')" 0

ping=$E2E_TMP/ping.json
# shellcheck disable=SC2046
probe "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration 1 $(watch_routers) \
	>"$ping" 2>"$E2E_TMP/ping.err" || tap_abort "probe ping failed: $(cat "$E2E_TMP/ping.err")"
tap_diag "ping: $(jget "$ping" '{k: d[k] for k in ("sent", "received", "duplicates", "longest_gap_ms", "macs", "replies_by")}')"
ping_ok() {
	local got
	got=$(jget "$ping" '"%s %s %s %s" % (d["received"] >= 0.9 * d["sent"], ",".join(d["macs"]), ",".join(sorted(d["replies_by"])), d["duplicates"])')
	check_eq "answered>=90%, MACs, repliers, duplicates" "$got" "True $VMAC r1 0"
}
tap_check ping_vip_answered_by_master_from_vmac ping_ok
tap_check client_neighbour_is_vmac check_eq "client's neighbour entry for $VIP" \
	"$(client_neigh_mac)" "$VMAC"
tap_summary
