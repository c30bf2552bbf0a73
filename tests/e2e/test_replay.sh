#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Replayed adverts. A pair (a MASTER, b BACKUP) with two VHIDs on one segment: vhid 1 with
# replay_protection, vhid 2 without (the interop default). A host on the segment captures
# a's adverts and sends them again:
#   vhid 1: verbatim, rewritten as a bow-out (advbase/advskew are outside the HMAC), and
#     from another source address: b drops each as `replay`, a its own as `loop`, and
#     nothing moves;
#   vhid 2: an advert of a's sent again 10 s later (long past the 8 adverts the node used
#     to remember) from another address is still a's own (`loop`); the rewritten bow-out
#     does make b take over: what CARP cannot defend against, and why the option exists.
# Usage: test_replay.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

HOSTILE=$E2E_SRC/tests/e2e/hostile.py
N=3
hostile() { ip netns exec "$NS_CLIENT" "$E2E_PY" "$HOSTILE" "$@"; }

tap_plan pair_settles counters_carry_the_node_id counter_file_reserves_ahead \
	verbatim_replay_dropped \
	rewritten_bowout_dropped replay_from_other_source_dropped own_replayed_advert_is_a_loop \
	protected_vhid_never_moved old_own_advert_is_a_loop_without_protection \
	rewritten_bowout_takes_over_without_protection

# cfg FILE IFACE ADDRESS ADVSKEW NAME
cfg() {
	cat >"$1" <<EOF
global:
  idle: adaptive
  node_id: $5
  replay_counter_file: $E2E_TMP/$5.counter
ports:
  - name: lan
    device: "net_af_packet0,iface=$2"
    addresses: [$3/24]
vhids:
  - vhid: 1
    port: lan
    advskew: $4
    passphrase: "replay-secret"
    vips: [$VIP]
    replay_protection: true
  - vhid: 2
    port: lan
    advskew: $4
    passphrase: "interop-secret"
    vips: [10.99.0.5]
EOF
}

both_vhids() { # NAME_MASTER NAME_BACKUP
	roles_are "$1" "$2" && node_is "$1" MASTER 2@lan && node_is "$2" BACKUP 2@lan
}

topo_create || tap_abort "$E2E_ERR"
cfg "$E2E_TMP/a.yaml" carp0 10.99.0.2 0 1
cfg "$E2E_TMP/b.yaml" carp1 10.99.0.3 100 2
settle() {
	start_node a "$NS_R1" "$E2E_TMP/a.yaml"
	start_node b "$NS_R2" "$E2E_TMP/b.yaml"
	wait_node_up a 10 && wait_node_up b 10 &&
		wait_for "a MASTER and b BACKUP of both VHIDs" 12 both_vhids a b
}
tap_check pair_settles settle
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

# The old advert of vhid 2, captured now and sent 10 s later, in the background.
hostile replay eth0 --vhid 2 --from 10.99.0.2 --listen 1.5 --delay 10 --mode other_src \
	--count "$N" >"$E2E_TMP/old2.json" 2>&1 &
old_pid=$!
E2E_PIDS+=("$old_pid")

trb1=$(stat b transitions 1@lan)

# rise NODE COUNTER VHID SINCE: how much a /carp/stats counter rose.
counter() { stat "$1" "$2" "$3"; }
# replayed MODE: capture vhid 1's adverts of a, send the oldest N times as MODE.
replayed() {
	hostile replay eth0 --vhid 1 --from 10.99.0.2 --listen 1.5 --mode "$1" --count "$N" \
		>"$E2E_TMP/r-$1.json" 2>&1
	tap_diag "$1: $(cat "$E2E_TMP/r-$1.json")"
}
# dropped_as NODE COUNTER BEFORE: the counter of vhid 1 rose by N (waits up to 2 s).
rose_by_n() { [ "$(($(counter "$1" "$2" 1@lan) - $3))" -ge "$N" ]; }
dropped_as() {
	wait_for "node $1 to count $N as $2" 2 rose_by_n "$1" "$2" "$3" ||
		{ E2E_ERR="$E2E_ERR: $2 of $1 vhid 1: $3 -> $(counter "$1" "$2" 1@lan)"; return 1; }
}

A_COUNTER=
id_ok() {
	A_COUNTER=$(jget <(hostile replay eth0 --vhid 1 --from 10.99.0.2 --listen 1.2 \
		--mode verbatim --count 1 --delay 0 2>/dev/null) 'd["counter"]') || return 1
	tap_diag "a's vhid 1 counter: $A_COUNTER (node id 1 in the top 16 bits)"
	check_eq "node id in a's counter" "${A_COUNTER:0:6}" "0x0001"
}
# The file holds a sequence above everything a sent: a restart starts above it.
reserves_ahead() {
	local saved seq
	saved=$(cat "$E2E_TMP/1.counter" 2>/dev/null) || { E2E_ERR="no counter file"; return 1; }
	seq=$((A_COUNTER & 0xffffffffffff))
	tap_diag "counter file $saved, a's sequence $seq"
	check_ge "reservation - sequence sent" "$((saved - seq))" 1000000
}
tap_check counters_carry_the_node_id id_ok
tap_check counter_file_reserves_ahead reserves_ahead

replay0=$(counter b replay 1@lan)
replayed verbatim
tap_check verbatim_replay_dropped dropped_as b replay "$replay0"

replay0=$(counter b replay 1@lan)
replayed bowout
tap_check rewritten_bowout_dropped dropped_as b replay "$replay0"

replay0=$(counter b replay 1@lan)
loop0=$(counter a loop 1@lan)
replayed other_src
tap_check replay_from_other_source_dropped dropped_as b replay "$replay0"
tap_check own_replayed_advert_is_a_loop dropped_as a loop "$loop0"

unmoved() {
	check_eq "b's transitions of vhid 1" "$(stat b transitions 1@lan)" "$trb1" &&
		node_is a MASTER 1@lan && node_is b BACKUP 1@lan
}
tap_check protected_vhid_never_moved unmoved

loop2=$(counter a loop 2@lan)
old_loop() {
	wait_for "the late replay to be sent" 15 _not_running "$old_pid" || return 1
	tap_diag "vhid 2, 10 s later: $(cat "$E2E_TMP/old2.json")"
	wait_for "node a to count it as its own" 2 loop2_rose ||
		{ E2E_ERR="$E2E_ERR: loop of a vhid 2: $loop2 -> $(counter a loop 2@lan)"; return 1; }
}
loop2_rose() { [ "$(($(counter a loop 2@lan) - loop2))" -ge "$N" ]; }
tap_check old_own_advert_is_a_loop_without_protection old_loop

takes_over() {
	hostile replay eth0 --vhid 2 --from 10.99.0.2 --listen 1.5 --mode bowout --count 1 \
		>"$E2E_TMP/r2-bowout.json" 2>&1
	tap_diag "vhid 2 bow-out: $(cat "$E2E_TMP/r2-bowout.json")"
	wait_for "b to take vhid 2 over on the rewritten bow-out" 3 log_has b \
		'vhid 2@lan: BACKUP -> MASTER \(master bowed out\)'
}
tap_check rewritten_bowout_takes_over_without_protection takes_over
tap_summary
