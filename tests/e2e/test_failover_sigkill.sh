#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Failover on a crash: the MASTER (node a) is killed with SIGKILL at a random phase of its
# advert cycle while a client pings the VIP every 10 ms. The BACKUP (node b, advskew 100)
# must be MASTER within its master-down interval (3 s + 100/256 s) + 200 ms of the kill,
# on the wire (its first advert) and for the client (its first echo reply); it announces
# itself with gratuitous ARP (repeated after two adverts), and the client's neighbour entry
# for the VIP keeps the virtual MAC. Usage: test_failover_sigkill.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

LIMIT_MS=$((MASTER_DOWN_B_MS + 200))
tap_plan pair_settles no_backup_activity_before_fault backup_becomes_master \
	backup_advertises_within_master_down_plus_200ms \
	client_answered_by_backup_within_master_down_plus_200ms takeover_logged_master_timed_out \
	gratuitous_arp_from_new_master gratuitous_arp_repeated no_duplicate_replies \
	client_neighbour_keeps_vmac

topo_create || tap_abort "$E2E_ERR"
tap_check pair_settles start_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"
sleep 1.5 # steady state before the fault

fault=$E2E_TMP/fault
# shellcheck disable=SC2046
probe_bg ping "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration 8 --fault-file "$fault" \
	$(watch_routers) || tap_abort "$E2E_ERR"
probe_bg wire "$NS_CLIENT" sniff eth0=client "$NS_LAN/r1=r1" "$NS_LAN/r2=r2" \
	--filter carp --filter garp --vip "$VIP" --duration 11 || tap_abort "$E2E_ERR"
sleep_random_phase
stamp_fault "$fault"
stop_node a KILL 2 || tap_diag "$E2E_ERR"
tap_check backup_becomes_master wait_for "node b MASTER" 6 node_is b MASTER
probe_wait ping 15 || tap_abort "$E2E_ERR"
probe_wait wire 15 || tap_abort "$E2E_ERR"

ping=$E2E_TMP/ping.json
wire=$E2E_TMP/wire.json
F=$(cat "$fault")
tap_diag "client: $(jget "$ping" '{k: d.get(k) for k in ("sent", "received", "lost", "lost_after_fault", "longest_gap_ms", "takeover_ms", "first_reply_after_fault_ms", "replies_by", "duplicates")}')"

# Nothing from r2 before the fault: no advert, no echo reply.
quiet_before() {
	local adverts repliers
	adverts=$(jget "$wire" "sum(1 for e in d['events'] if e['at'] == 'r2' and e['kind'] == 'carp' and e['t'] < $F)")
	repliers=$(jget "$ping" '",".join(d["repliers_before_fault"])')
	check_eq "adverts from r2 / repliers before the fault" "$adverts/$repliers" "0/r1"
}
tap_check no_backup_activity_before_fault quiet_before

wire_ms=$(jget "$wire" "min([round((e['t'] - $F) * 1000, 1) for e in d['events'] if e['at'] == 'r2' and e['kind'] == 'carp' and e['t'] > $F] or [None])")
tap_diag "first advert from b $wire_ms ms after the kill (limit $LIMIT_MS ms)"
tap_check backup_advertises_within_master_down_plus_200ms check_le \
	"first advert from b after the kill (ms)" "$wire_ms" "$LIMIT_MS"
tap_check client_answered_by_backup_within_master_down_plus_200ms check_le \
	"first echo reply from b after the kill (ms)" "$(jget "$ping" 'd["takeover_ms"]')" "$LIMIT_MS"
tap_check takeover_logged_master_timed_out log_has b 'vhid 1@lan: BACKUP -> MASTER \(master timed out\)'

garps=$(jget "$wire" "[round((e['t'] - $F) * 1000, 1) for e in d['events'] if e['at'] == 'r2' and e['kind'] == 'arp' and e['garp'] and e['t'] > $F and e['op'] == 1 and e['sha'] == '$VMAC' and e['eth_src'] == '$VMAC' and e['eth_dst'] == 'ff:ff:ff:ff:ff:ff']")
seen=$(jget "$wire" "sum(1 for e in d['events'] if e['at'] == 'client' and e['kind'] == 'arp' and e['garp'] and e['t'] > $F)")
tap_diag "gratuitous ARP from b at (ms after the kill): $garps; seen by the client: $seen"
garp_ok() {
	[ "$(jget "$wire" "len($garps)")" -ge 1 ] && [ "$seen" -ge 1 ] ||
		{ E2E_ERR="want a gratuitous ARP (request, sender = target = $VIP, sender MAC and source $VMAC, to broadcast) from b, seen by the client"; return 1; }
}
tap_check gratuitous_arp_from_new_master garp_ok
tap_check gratuitous_arp_repeated check_ge "gratuitous ARPs from b" \
	"$(jget "$wire" "len($garps)")" 2
tap_check no_duplicate_replies check_eq "duplicate echo replies / replies answered by both" \
	"$(jget "$ping" '"%d/%d" % (d["duplicates"], d["split_brain_replies"])')" "0/0"
tap_check client_neighbour_keeps_vmac check_eq "client's neighbour entry for $VIP" \
	"$(client_neigh_mac)" "$VMAC"
tap_summary
