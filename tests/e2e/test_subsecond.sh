#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Sub-second CARP: advbase 0 with advskew in 1/256 s (as OpenBSD allows). Node a
# advertises every 2/256 s (7.8 ms), node b's master-down interval is 3 x 4/256 s (46.9 ms).
# Two nodes share the machine's two cores in adaptive idle mode: over 10 s there must be no
# false takeover (no transition at all after the election), and a SIGKILL of the master must
# be followed by b's takeover within its master-down interval + 200 ms, seen by a client
# pinging the VIP every 10 ms. Usage: test_subsecond.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

SKEW_A=2
SKEW_B=4
MD_B_MS=$(( (3 * SKEW_B * 1000 + 255) / 256 ))
LIMIT_MS=$((MD_B_MS + 200))
tap_plan pair_settles no_false_takeover_in_10s master_advertises_every_8ms \
	backup_becomes_master client_answered_by_backup_within_master_down_plus_200ms

topo_create || tap_abort "$E2E_ERR"
make_config "$E2E_TMP/a.yaml" carp0 10.99.0.2/24 $SKEW_A true carp-demo 0
make_config "$E2E_TMP/b.yaml" carp1 10.99.0.3/24 $SKEW_B true carp-demo 0
tap_check pair_settles start_pair "$E2E_TMP/a.yaml" "$E2E_TMP/b.yaml"
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

# After the election each node has made exactly one transition (INIT -> BACKUP, and a's
# BACKUP -> MASTER): any more within 10 s would be a false takeover.
steady() {
	local ta0 tb0 ta1 tb1 sent0 sent1
	ta0=$(stat a transitions) && tb0=$(stat b transitions) && sent0=$(stat a adverts_sent) ||
		{ E2E_ERR="no /carp/stats"; return 1; }
	hold_for "exactly one MASTER (a)" 10 roles_are a b || return 1
	ta1=$(stat a transitions) && tb1=$(stat b transitions) && sent1=$(stat a adverts_sent) ||
		{ E2E_ERR="no /carp/stats"; return 1; }
	tap_diag "in 10 s: a sent $((sent1 - sent0)) adverts; transitions a +$((ta1 - ta0)), b +$((tb1 - tb0))"
	ADVERTS_10S=$((sent1 - sent0))
	[ $((ta1 - ta0)) -eq 0 ] && [ $((tb1 - tb0)) -eq 0 ] ||
		{ E2E_ERR="state changed during steady state"; return 1; }
}
tap_check no_false_takeover_in_10s steady
# 10 s at 2/256 s: 1280 adverts; allow scheduling noise, not a slower timer.
tap_check master_advertises_every_8ms check_ge "adverts from a in 10 s" "${ADVERTS_10S:-0}" 1150

fault=$E2E_TMP/fault
# shellcheck disable=SC2046
probe_bg ping "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration 4 --fault-file "$fault" \
	$(watch_routers) || tap_abort "$E2E_ERR"
sleep 1
stamp_fault "$fault"
stop_node a KILL 2 || tap_diag "$E2E_ERR"
tap_check backup_becomes_master wait_for "node b MASTER" 3 node_is b MASTER
probe_wait ping 10 || tap_abort "$E2E_ERR"
ping=$E2E_TMP/ping.json
tap_diag "client: $(jget "$ping" '{k: d.get(k) for k in ("sent", "received", "lost", "longest_gap_ms", "takeover_ms")}')"
tap_check client_answered_by_backup_within_master_down_plus_200ms check_le \
	"first echo reply from b after the kill (ms)" "$(jget "$ping" 'd["takeover_ms"]')" "$LIMIT_MS"
tap_summary
