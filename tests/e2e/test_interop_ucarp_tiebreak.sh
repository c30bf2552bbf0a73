#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop with ucarp: the equal-priority tie-break under carp-dpdk's `profile: ucarp`.
# carp-dpdk (r1) and ucarp 1.5.2 (r2) both run vhid 1 with advbase 1 and advskew 0, no
# preempt, passphrase "carp-demo", VIP 10.99.0.1, in 10.99.0.0/16. ucarp's bridge port is
# first taken off the bridge, so both become MASTER; then it is put back. Spec §5.5: a
# MASTER hearing an equal advert yields (after one more advert of its own) when the
# sender's address is lower *as ucarp compares it*, the raw s_addr on a little-endian host,
# i.e. the address read with its bytes reversed. Then exactly one MASTER must remain:
#   dpdk_wins   carp-dpdk 10.99.1.2, ucarp 10.99.0.3: reversed, 2.1.99.10 < 3.0.99.10, so
#               carp-dpdk stays MASTER and ucarp yields ("Preferred master advertised"),
#               although in network order 10.99.0.3 is the lower;
#   ucarp_wins  the addresses swapped: ucarp stays MASTER, carp-dpdk yields ("equal
#               advertisement from a lower address (ucarp tie-break)").
# Usage: test_interop_ucarp_tiebreak.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program ucarp ucarp
require_program stdbuf coreutils

names=()
for c in dpdk_wins ucarp_wins; do
	names+=("${c}_both_master_apart" "${c}_one_master_after_join" "${c}_winner_per_rule"
		"${c}_loser_logs_yield" "${c}_stable")
done
tap_plan "${names[@]}"
topo_create || tap_abort "$E2E_ERR"

# tie CASE D_ADDR U_ADDR WINNER(d|u)
tie() {
	local c=$1 daddr=$2 uaddr=$3 win=$4 d=d_$1 u=u_$1 t0 lose
	ip -n "$NS_R2" addr flush dev carp1
	peer_addr "$NS_R2" carp1 "$uaddr/16" || { tap_diag "$E2E_ERR"; return 1; }
	make_config_profile "$E2E_TMP/$c.yaml" carp0 "$daddr/16" 0 false carp-demo ucarp
	ip -n "$NS_LAN" link set r2 nomaster
	start_node "$d" "$NS_R1" "$E2E_TMP/$c.yaml"
	start_ucarp "$u" "$NS_R2" carp1 "$uaddr" 0 carp-demo 16
	both() { peer_is "$d" MASTER && peer_is "$u" MASTER; }
	tap_check "${c}_both_master_apart" wait_for "both MASTER while apart" 12 both
	ip -n "$NS_LAN" link set r2 master br0
	t0=$(now_ms)
	tap_check "${c}_one_master_after_join" wait_for "exactly one MASTER" 5 one_master "$d" "$u"
	tap_diag "RESULT peer=ucarp scenario=tiebreak_$c one_master_ms=$(($(now_ms) - t0)) (after the join)"
	if [ "$win" = d ]; then
		tap_check "${c}_winner_per_rule" peers_are "$d" "$u"
		lose=$u
		tap_check "${c}_loser_logs_yield" log_has "$u" 'Preferred master advertised'
	else
		tap_check "${c}_winner_per_rule" peers_are "$u" "$d"
		lose=$d
		tap_check "${c}_loser_logs_yield" log_has "$d" \
			'MASTER -> BACKUP \(equal advertisement from a lower address \(ucarp tie-break\)\)'
	fi
	tap_check "${c}_stable" hold_for "one MASTER, the same" 3 one_master "$d" "$u"
	tap_diag "$c: carp-dpdk $(peer_state "$d") (drops: $(drops "$d"); garps_sent $(stat "$d" garps_sent)), ucarp $(peer_state "$u") ($(log_count "$u" 'Non-preferred master advertising') reassert lines); loser $lose"
	node_alive "$d" && stop_node "$d" TERM 5
	node_alive "$u" && stop_node "$u" TERM 5
	return 0
}

tie dpdk_wins 10.99.1.2 10.99.0.3 d
tie ucarp_wins 10.99.0.3 10.99.1.2 u
tap_summary
