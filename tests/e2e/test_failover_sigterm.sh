#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Failover on an orderly stop: the MASTER (node a) gets SIGTERM while a client pings the
# VIP every 10 ms. It sends a bow-out advert (advbase 255, advskew 255) and exits 0; the
# BACKUP (node b) honours the bow-out at once (measured: a few ms). The bound checked is
# the protocol's, zero, plus 200 ms for scheduling on a shared machine: b's first advert
# and the client's first reply from b within 200 ms of the signal.
# Usage: test_failover_sigterm.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

LIMIT_MS=200
tap_plan pair_settles stopped_master_exits_0 stopped_master_sends_bow_out \
	backup_becomes_master backup_advertises_within_200ms client_answered_by_backup_within_200ms \
	takeover_logged gratuitous_arp_from_new_master no_duplicate_replies

topo_create || tap_abort "$E2E_ERR"
tap_check pair_settles start_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"
sleep 1.5

fault=$E2E_TMP/fault
# shellcheck disable=SC2046
probe_bg ping "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration 4 --fault-file "$fault" \
	$(watch_routers) || tap_abort "$E2E_ERR"
probe_bg wire "$NS_CLIENT" sniff eth0=client "$NS_LAN/r1=r1" "$NS_LAN/r2=r2" \
	--filter carp --filter garp --vip "$VIP" --duration 4.5 || tap_abort "$E2E_ERR"
sleep_random_phase
stamp_fault "$fault"
if stop_node a TERM 5; then
	check_exit_0() { check_eq "exit status of node a after SIGTERM" "${NODE_RC[a]}" 0; }
	tap_check stopped_master_exits_0 check_exit_0
else
	tap_not_ok stopped_master_exits_0 "$E2E_ERR"
fi
tap_check backup_becomes_master wait_for "node b MASTER" 2 node_is b MASTER
probe_wait ping 10 || tap_abort "$E2E_ERR"
probe_wait wire 10 || tap_abort "$E2E_ERR"

ping=$E2E_TMP/ping.json
wire=$E2E_TMP/wire.json
F=$(cat "$fault")
tap_diag "client: $(jget "$ping" '{k: d.get(k) for k in ("sent", "received", "lost", "longest_gap_ms", "takeover_ms", "replies_by", "duplicates")}')"

bow=$(jget "$wire" "[round((e['t'] - $F) * 1000, 1) for e in d['events'] if e['at'] == 'r1' and e['kind'] == 'carp' and e['t'] > $F and e['bow_out']]")
tap_diag "bow-out adverts from a at (ms after SIGTERM): $bow"
tap_check stopped_master_sends_bow_out check_ge "bow-out adverts (advbase 255, advskew 255) from a" \
	"$(jget "$wire" "len($bow)")" 1

wire_ms=$(jget "$wire" "min([round((e['t'] - $F) * 1000, 1) for e in d['events'] if e['at'] == 'r2' and e['kind'] == 'carp' and e['t'] > $F] or [None])")
tap_diag "first advert from b $wire_ms ms after SIGTERM"
tap_check backup_advertises_within_200ms check_le "first advert from b after SIGTERM (ms)" \
	"$wire_ms" "$LIMIT_MS"
tap_check client_answered_by_backup_within_200ms check_le \
	"first echo reply from b after SIGTERM (ms)" "$(jget "$ping" 'd["takeover_ms"]')" "$LIMIT_MS"
[ "${TAP_DONE[client_answered_by_backup_within_200ms]}" = ok ] ||
	tap_diag "client: $(jget "$ping" '{k: d.get(k) for k in ("fault_at", "first_replier", "new_replier", "replier_changed_at", "first_reply_after_fault_ms", "lost_after_fault")}')"
tap_check takeover_logged log_has b 'vhid 1@lan: BACKUP -> MASTER'
tap_diag "b: $(grep -E 'vhid 1@lan: BACKUP -> MASTER' "${NODE_LOG[b]}" | tail -n 1)"
tap_check gratuitous_arp_from_new_master check_ge "gratuitous ARPs from b with the vMAC" \
	"$(jget "$wire" "sum(1 for e in d['events'] if e['at'] == 'r2' and e['kind'] == 'arp' and e['garp'] and e['t'] > $F and e['sha'] == '$VMAC')")" 1
tap_check no_duplicate_replies check_eq "duplicate echo replies / replies answered by both" \
	"$(jget "$ping" '"%d/%d" % (d["duplicates"], d["split_brain_replies"])')" "0/0"
tap_summary
