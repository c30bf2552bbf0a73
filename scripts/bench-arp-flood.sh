#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ARP flood benchmark: the broadcast ARP rate a carp-dpdk pair absorbs with no advert lost
# and no transition (results: docs/BENCHMARKS.md, section "ARP flood").
#
#   topology  the demo pair's (tests/e2e/lib.sh, namespaces baf<PID>-*): client -- bridge
#             -- r1 (node a, MASTER), r2 (node b, BACKUP), af_packet ports, idle adaptive
#   flood     tests/tools/arp_flood from the client: broadcast ARP with sendmmsg, half
#             announcements from 256 changing senders (the workers hand them to the
#             control lcore, rate-limited), half requests for addresses that are not the
#             node's; at nice 19, as fast as it goes (or --rate), for --seconds
#   settings  ab1: advbase 1, advskew 0 / 100 (b takes over after 3.4 s of silence);
#             sub: advbase 0, advskew 1 / 2 (after 23 ms): the one a stall shows at once
#   measured  per trial: the flood's rate; adverts a sent and b received meanwhile (read
#             from the two nodes' telemetry a few ms apart: exact at advbase 1, within a
#             few adverts at 256 a second); transitions of a and b (none: b never missed
#             adverts for a master-down interval); what reached b (rx), what b's
#             lcores handed its control lcore per second (punted), b's CPU (both lcores,
#             % of one core); carp_punt_full
#   --baseline BIN  a second carp-dpdk binary (for instance a build of an older commit),
#             run in the same trials, interleaved with this tree's, as the baseline
#
# Usage: scripts/bench-arp-flood.sh [--runs N] [--seconds S] [--rate PPS] [--settings "ab1 sub"]
#                                   [--baseline BIN] [--keep]      (as root)
# Installs what is missing and builds first. The last line is
#   arp-flood: pps=R lost=L transitions=T (this tree: median flood rate; adverts a sent but
#   b did not receive over the advbase 1 trials, where the count is exact; transitions)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMDLINE="scripts/bench-arp-flood.sh${*:+ $(printf '%q ' "$@")}"
BIN=$ROOT/build/app/carp-dpdk/carp-dpdk
FLOODER=$ROOT/build/tests/tools/arp_flood
RUNS=3
SECONDS_FLOOD=10
RATE=0
SETTINGS="ab1 sub"
BASELINE=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift 2 ;;
	--seconds) SECONDS_FLOOD=$2; shift 2 ;;
	--rate) RATE=$2; shift 2 ;;
	--settings) SETTINGS=$2; shift 2 ;;
	--baseline) BASELINE=$(realpath "$2"); shift 2 ;;
	--keep) export E2E_KEEP=1; shift ;;
	*) sed -n '3,26p' "$0" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench-arp-flood: needs root (namespaces)" >&2; exit 2; }
"$ROOT/scripts/ensure-built.sh" || exit 1
[ -x "$FLOODER" ] || { echo "no $FLOODER" >&2; exit 1; }

# shellcheck source-path=SCRIPTDIR source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"
set -o pipefail
e2e_env baf "$BIN" "$ROOT"
topo_create || { echo "topology: $E2E_ERR" >&2; exit 1; }

# cfg FILE IFACE ADDRESS SETTING ROLE: the demo node's config with the setting's timers.
cfg() {
	local base=1 skew=0
	if [ "$4" = sub ]; then base=0; skew=$([ "$5" = a ] && echo 1 || echo 2)
	elif [ "$5" = b ]; then skew=100; fi
	cat >"$1" <<EOF
global:
  idle: adaptive
  preempt: true
ports:
  - name: lan
    device: "net_af_packet0,iface=$2"
    addresses: [$3/24]
vhids:
  - vhid: 1
    port: lan
    advbase: $base
    advskew: $skew
    passphrase: "carp-demo"
    vips: [$VIP]
EOF
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# counter NAME KEY: a /carp/stats counter of vhid 1, or an lcore total (old names too).
vstat() { node_py "$1" "entry(q('/carp/stats'), '1@lan')['$2']" 2>/dev/null || echo NA; }

results=$E2E_TMP/results.tsv
printf 'binary\tsetting\trun\tpps\tsent\treceived\tlost\ttransitions\trx_b\tpunted_b_per_s\tcpu_b_pct\tcarp_punt_full_b\n' >"$results"

trial() { # LABEL BIN SETTING RUN
	local label=$1 bin=$2 setting=$3 run=$4 tra trb s0 r0 c0 b0 b1 fl pps lost tr cpu hz
	E2E_BIN=$bin
	cfg "$E2E_TMP/a.yaml" carp0 10.99.0.2 "$setting" a
	cfg "$E2E_TMP/b.yaml" carp1 10.99.0.3 "$setting" b
	if ! start_pair "$E2E_TMP/a.yaml" "$E2E_TMP/b.yaml" || ! hold_for "a steady pair" 2 roles_are a b; then
		echo "# $label $setting run $run: no steady pair ($E2E_ERR): trial skipped"
		stop_node a KILL
		stop_node b KILL
		return 1
	fi
	tra=$(vstat a transitions); trb=$(vstat b transitions)
	s0=$(vstat a adverts_sent); r0=$(vstat b adverts_received)
	b0=$(lcore_counters b); c0=$(cpu_ticks "${NODE_PID[b]}")
	fl=$(ip netns exec "$NS_CLIENT" nice -n 19 "$FLOODER" eth0 "$SECONDS_FLOOD" ${RATE:+$RATE})
	b1=$(lcore_counters b)
	hz=$(getconf CLK_TCK)
	cpu=$(( ($(cpu_ticks "${NODE_PID[b]}") - c0) * 100 / hz / SECONDS_FLOOD ))
	sleep 0.5 # the last adverts of the window reach b
	pps=$(jget <(echo "$fl") 'd["pps"]')
	local sent=$(( $(vstat a adverts_sent) - s0 )) recv=$(( $(vstat b adverts_received) - r0 ))
	lost=$(( sent > recv ? sent - recv : 0 ))
	tr=$(( $(vstat a transitions) - tra + $(vstat b transitions) - trb ))
	local rx punted full
	rx=$(lcore_rise "$b0" "$b1" rx)
	punted=$(( $(lcore_rise "$b0" "$b1" punted) / SECONDS_FLOOD ))
	full=$(( $(lcore_rise "$b0" "$b1" carp_punt_full) + $(lcore_rise "$b0" "$b1" punt_full) ))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$setting" "$run" "$pps" \
		"$sent" "$recv" "$lost" "$tr" "$rx" "$punted" "$cpu" "$full" | tee -a "$results"
	stop_node a TERM
	stop_node b TERM
}

echo "# $CMDLINE"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, flood ${SECONDS_FLOOD} s per trial at ${RATE:-max} pps (0: max)"
for run in $(seq "$RUNS"); do
	for setting in $SETTINGS; do
		# Interleaved, and the order alternates by run so drift favours neither.
		order="this${BASELINE:+ baseline}"
		[ -n "$BASELINE" ] && [ $((run % 2)) -eq 0 ] && order="baseline this"
		for which in $order; do
			if [ "$which" = this ]; then trial this "$BIN" "$setting" "$run"
			else trial baseline "$BASELINE" "$setting" "$run"; fi
		done
	done
done

"$E2E_PY" - "$results" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["binary"], r["setting"]), []).append(r)
print("\n| binary | setting | trials | flood pps (median) | adverts a sent / b received | transitions | b: ARP to control /s (median) | b: CPU % of a core (median) | carp_punt_full |")
print("|---|---|---|---|---|---|---|---|---|")
for (b, s), rs in sorted(groups.items()):
    med = lambda k: statistics.median(int(r[k]) for r in rs)
    tot = lambda k: sum(int(r[k]) for r in rs)
    print(f"| {b} | {s} | {len(rs)} | {med('pps'):.0f} | {tot('sent')} / {tot('received')} | "
          f"{tot('transitions')} | {med('punted_b_per_s'):.0f} | {med('cpu_b_pct'):.0f} | {tot('carp_punt_full_b')} |")
this = [r for r in rows if r["binary"] == "this"]
if this:
    print("arp-flood: pps=%.0f lost=%d transitions=%d" % (
        statistics.median(int(r["pps"]) for r in this),
        sum(int(r["lost"]) for r in this if r["setting"] == "ab1"),
        sum(int(r["transitions"]) for r in this)))
EOF
