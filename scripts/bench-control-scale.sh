#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Control-plane scale: how many VHIDs one control lcore runs, and at what cost (results:
# docs/BENCHMARKS.md, section "Control-plane scale").
#
#   topology  the demo pair's (tests/e2e/lib.sh, namespaces bcs<PID>-*): r1 (node a) and
#             r2 (node b) on one bridge, af_packet ports, idle adaptive, one worker each;
#             each node's port is a trunk of --vlans VLANs (101, 102, ...), each VLAN with
#             up to 255 VHIDs (1..255), one VIP each; a advskew 0 (or 1 at advbase 0), b 100
#             (or 2): a MASTER of every VHID, b BACKUP
#   ab1       advbase 1 with --per-vlan VHIDs per VLAN (default 4 x 255 = 1020), against a
#             baseline of one VHID per VLAN, interleaved, --runs times: over a --window of
#             steady state, each node's control lcore CPU share (its thread's utime +
#             stime from /proc, % of one core), transitions on either node (a false
#             takeover is any), adverts a sent against adverts b received, and the advert
#             intervals seen on the wire (tcpdump on the bridge, per VLAN and VHID: median,
#             1st and 99th percentile, worst deviation from advbase + advskew/256)
#   ab0       advbase 0 (a advskew 1: 256 adverts/s per VHID; b advskew 2: master down
#             after 23 ms), --steps totals spread over the VLANs, smallest first: stable
#             when both nodes settle and then make no transition over --window-ab0
#             seconds; stops at the first unstable step and says what broke
#
# Usage: scripts/bench-control-scale.sh [--vlans N] [--per-vlan N] [--runs N] [--window S]
#        [--steps "8 16 32 ..."] [--window-ab0 S] [--no-ab0] [--doc FILE] [--keep]   (root)
# Installs what is missing and builds first. The last line is
#   control-scale: vhids=V cpu_pct=C jitter_p99_ms=J false_takeovers=F ab0_max_stable=M
# (V VHIDs at advbase 1: a's control lcore CPU median, the 99th percentile of |interval -
# advbase| over every VHID, transitions after settling; M the largest stable ab0 step).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMDLINE="scripts/bench-control-scale.sh${*:+ $(printf '%q ' "$@")}"
CMDLINE=${CMDLINE% }
BIN=${CARP_DPDK:-$ROOT/build/app/carp-dpdk/carp-dpdk}
VLANS=4
PER_VLAN=255
RUNS=3
WINDOW=20
STEPS="8 16 32 64 128 256 512 1020"
WINDOW_AB0=10
AB0=1
DOC=
die() { echo "bench-control-scale: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--vlans) VLANS=${2:?}; shift ;;
	--per-vlan) PER_VLAN=${2:?}; shift ;;
	--runs) RUNS=${2:?}; shift ;;
	--window) WINDOW=${2:?}; shift ;;
	--steps) STEPS=${2:?}; shift ;;
	--window-ab0) WINDOW_AB0=${2:?}; shift ;;
	--no-ab0) AB0=0 ;;
	--doc) DOC=${2:?}; shift ;;
	--keep) export E2E_KEEP=1 ;;
	-h | --help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
for v in VLANS PER_VLAN RUNS WINDOW WINDOW_AB0; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"
done
[ "$VLANS" -ge 1 ] && [ "$VLANS" -le 16 ] || die "--vlans must be 1..16"
[ "$PER_VLAN" -ge 1 ] && [ "$PER_VLAN" -le 255 ] || die "--per-vlan must be 1..255"
[ "$RUNS" -ge 1 ] && [ "$WINDOW" -ge 5 ] && [ "$WINDOW_AB0" -ge 2 ] ||
	die "need --runs >= 1, --window >= 5, --window-ab0 >= 2"
for s in $STEPS; do
	[[ $s =~ ^[0-9]+$ ]] && [ "$s" -ge 1 ] && [ "$s" -le $((VLANS * 255)) ] ||
		die "--steps are 1..$((VLANS * 255)) VHIDs in all, got '$s'"
done
[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, packet sockets)"
if [ -z "${CARP_DPDK:-}" ]; then
	"$ROOT/scripts/ensure-built.sh" || die "cannot build (see above)"
fi
[ -x "$BIN" ] || die "$BIN not found"
command -v tcpdump >/dev/null || die "tcpdump missing (apt-get install tcpdump)"

# shellcheck source-path=SCRIPTDIR source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"
set -o pipefail
e2e_env bcs "$BIN" "$ROOT"
topo_create || die "topology: $E2E_ERR"
# The control lcore runs in the main thread; with 1000 VHIDs the node takes a moment.
HZ=$(getconf CLK_TCK)

# cfg FILE IFACE HOST TOTAL ADVBASE ADVSKEW: a trunk of $VLANS VLANs (101...), TOTAL VHIDs
# spread over them (VHIDs 1.. on each), VIPs 10.(100+k).0.VHID, the node at 10.(100+k).1.HOST.
cfg() {
	local f=$1 iface=$2 host=$3 total=$4 base=$5 skew=$6 k n v
	{
		printf 'global:\n  idle: adaptive\n  preempt: true\n  mbufs: 16383\n'
		printf 'ports:\n  - name: trunk\n    device: "net_af_packet0,iface=%s"\n' "$iface"
		printf 'vlans:\n'
		for ((k = 1; k <= VLANS; k++)); do
			printf '  - {name: v%d, port: trunk, vlan: %d, addresses: [10.%d.1.%d/23]}\n' \
				$((100 + k)) $((100 + k)) $((100 + k)) "$host"
		done
		printf 'vhids:\n'
		for ((k = 1; k <= VLANS; k++)); do
			# TOTAL spread evenly, the first VLANs taking the remainder.
			n=$((total / VLANS + (k <= total % VLANS ? 1 : 0)))
			for ((v = 1; v <= n; v++)); do
				printf '  - {vhid: %d, port: v%d, advbase: %d, advskew: %d, passphrase: "scale", vips: [10.%d.0.%d]}\n' \
					"$v" $((100 + k)) "$base" "$skew" $((100 + k)) "$v"
			done
		done
	} >"$f"
}

# states NAME: "MASTER=n BACKUP=m ..." over every VHID of the node.
states() {
	node_py "$1" '
c = {}
for k, e in q("/carp/status").items():
    if isinstance(e, dict):
        c[e["state"]] = c.get(e["state"], 0) + 1
print(" ".join(f"{s}={n}" for s, n in sorted(c.items())))' 2>/dev/null || echo DOWN
}
# vsum NAME COUNTER: a /carp/stats counter summed over every VHID.
vsum() {
	node_py "$1" "sum(e.get('$2', 0) for k, e in q('/carp/stats').items() if '/' in k and isinstance(e, dict))" 2>/dev/null || echo NA
}
# Ticks the node's control lcore (its main thread) has run.
ctl_ticks() { awk '{ print $14 + $15 }' "/proc/$1/task/$1/stat" 2>/dev/null || echo 0; }

# settle TOTAL TIMEOUT_S: a MASTER and b BACKUP of all TOTAL VHIDs (checked every 0.5 s).
settle() {
	local total=$1 deadline=$(($(now_ms) + $2 * 1000)) sa sb
	while [ "$(now_ms)" -lt "$deadline" ]; do
		node_alive a && node_alive b || { SETTLE_WHY="a node exited"; return 1; }
		sa=$(states a)
		sb=$(states b)
		[ "$sa" = "MASTER=$total" ] && [ "$sb" = "BACKUP=$total" ] && return 0
		SETTLE_WHY="a: $sa; b: $sb"
		sleep 0.5
	done
	return 1
}

# The wire: adverts on the bridge, per (VLAN, VHID), intervals against EXPECTED_S.
intervals() { # PCAP EXPECTED_S
	"$E2E_PY" - "$1" "$2" <<'PYEOF'
import json, statistics, struct, sys
path, expected = sys.argv[1], float(sys.argv[2])
data = open(path, "rb").read()
magic = struct.unpack_from("<I", data, 0)[0]
nano = magic == 0xA1B23C4D
off, times = 24, {}
while off + 16 <= len(data):
    sec, frac, caplen, _ = struct.unpack_from("<IIII", data, off)
    f = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    t = sec + frac / (1e9 if nano else 1e6)
    if len(f) < 18 + 20 + 2 or f[12:14] != b"\x81\x00":
        continue
    vlan = struct.unpack_from("!H", f, 14)[0] & 0xFFF
    ip = f[18:]
    if ip[9] != 112:
        continue
    ihl = (ip[0] & 15) * 4
    vhid = ip[ihl + 1]
    times.setdefault((vlan, vhid), []).append(t)
iv = []
for ts in times.values():
    ts.sort()
    iv += [b - a for a, b in zip(ts, ts[1:])]
dev = sorted(abs(x - expected) * 1000 for x in iv)
def pct(xs, p):
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else None
ivs = sorted(iv)
print(json.dumps({"adverts": sum(len(t) for t in times.values()), "vhids_seen": len(times),
                  "intervals": len(iv),
                  "median_ms": round(statistics.median(ivs) * 1000, 2) if ivs else None,
                  "p1_ms": round(pct(ivs, 1) * 1000, 2) if ivs else None,
                  "p99_ms": round(pct(ivs, 99) * 1000, 2) if ivs else None,
                  "dev_p99_ms": round(pct(dev, 99), 2) if dev else None,
                  "dev_max_ms": round(dev[-1], 2) if dev else None}))
PYEOF
}

results=$E2E_TMP/results.tsv
printf 'setting\tvhids\trun\tcpu_a\tcpu_b\ttransitions\tsent_a\treceived_b\tadverts\tvhids_seen\tmedian_ms\tp1_ms\tp99_ms\tdev_p99_ms\tdev_max_ms\n' >"$results"

# trial SETTING TOTAL RUN WINDOW_S: one pair, settled, measured; appends to results.tsv.
# Returns 1 when the pair does not settle or is not stable over the window.
trial() {
	local setting=$1 total=$2 run=$3 win=$4 base skew_a skew_b ca cb ta tb sa rb tr w cpa cpb
	if [ "$setting" = ab1 ]; then base=1 skew_a=0 skew_b=100; else base=0 skew_a=1 skew_b=2; fi
	cfg "$E2E_TMP/a.yaml" carp0 2 "$total" "$base" "$skew_a"
	cfg "$E2E_TMP/b.yaml" carp1 3 "$total" "$base" "$skew_b"
	start_node a "$NS_R1" "$E2E_TMP/a.yaml"
	start_node b "$NS_R2" "$E2E_TMP/b.yaml"
	TRIAL_WHY=
	if ! wait_node_up a 20 || ! wait_node_up b 20; then
		TRIAL_WHY="did not start: $E2E_ERR"
	elif ! settle "$total" $((10 + total / 50)); then
		TRIAL_WHY="did not settle: $SETTLE_WHY"
	fi
	if [ -n "$TRIAL_WHY" ]; then
		stop_node a KILL
		stop_node b KILL
		printf '%s\t%s\t%s\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\n' "$setting" "$total" "$run" >>"$results"
		return 1
	fi
	sleep 1
	ta=$(vsum a transitions)
	tb=$(vsum b transitions)
	sa=$(vsum a adverts_sent)
	rb=$(vsum b adverts_received)
	# What a (the master of every VHID) sends, at its bridge port.
	capture_start "wire-$setting-$total-$run" "$NS_LAN" r1 "" in || die "tcpdump: $E2E_ERR"
	ca=$(ctl_ticks "${NODE_PID[a]}")
	cb=$(ctl_ticks "${NODE_PID[b]}")
	sleep "$win"
	cpa=$(( ($(ctl_ticks "${NODE_PID[a]}") - ca) * 1000 / HZ / win ))
	cpb=$(( ($(ctl_ticks "${NODE_PID[b]}") - cb) * 1000 / HZ / win ))
	capture_stop "wire-$setting-$total-$run" || true
	sa=$(( $(vsum a adverts_sent) - sa ))
	rb=$(( $(vsum b adverts_received) - rb ))
	tr=$(( $(vsum a transitions) - ta + $(vsum b transitions) - tb ))
	w=$(intervals "$E2E_TMP/wire-$setting-$total-$run.pcap" "$(awk -v b="$base" -v s="$skew_a" 'BEGIN { print b + s / 256 }')")
	rm -f "$E2E_TMP/wire-$setting-$total-$run.pcap"
	printf '%s\t%s\t%s\t%s.%s\t%s.%s\t%s\t%s\t%s\t%s\n' "$setting" "$total" "$run" \
		$((cpa / 10)) $((cpa % 10)) $((cpb / 10)) $((cpb % 10)) "$tr" "$sa" "$rb" \
		"$(jget <(echo "$w") '"\t".join(str(d[k]) for k in ("adverts", "vhids_seen", "median_ms", "p1_ms", "p99_ms", "dev_p99_ms", "dev_max_ms"))')" |
		tee -a "$results"
	TRIAL_TR=$tr
	stop_node b TERM 10
	stop_node a TERM 10
	[ "$tr" -eq 0 ] || { TRIAL_WHY="$tr transitions in the steady window"; return 1; }
	return 0
}

echo "# $CMDLINE"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r)"
echo "# $VLANS VLANs; ab1: $((VLANS * PER_VLAN)) VHIDs against $VLANS, $RUNS runs, ${WINDOW} s windows; ab0 steps: $STEPS, ${WINDOW_AB0} s windows"
printf 'setting\tvhids\trun\tcpu_a%%\tcpu_b%%\ttransitions\tsent_a\treceived_b\tadverts\tvhids_seen\tmedian_ms\tp1_ms\tp99_ms\tdev_p99_ms\tdev_max_ms\n'
BIG=$((VLANS * PER_VLAN))
for run in $(seq "$RUNS"); do
	order="$VLANS $BIG"
	[ $((run % 2)) -eq 0 ] && order="$BIG $VLANS"
	for total in $order; do
		trial ab1 "$total" "$run" "$WINDOW" || echo "# ab1 $total run $run: $TRIAL_WHY"
	done
done
AB0_MAX=0
AB0_BROKE=
if [ "$AB0" = 1 ]; then
	for total in $STEPS; do
		if trial ab0 "$total" 1 "$WINDOW_AB0"; then
			AB0_MAX=$total
		else
			AB0_BROKE="$total VHIDs: $TRIAL_WHY"
			echo "# ab0 $total: $TRIAL_WHY"
			break
		fi
	done
fi

"$E2E_PY" - "$results" "$BIG" "$AB0_MAX" "$AB0_BROKE" "${DOC:-}" "$CMDLINE" <<'PYEOF'
import csv, statistics, sys, time
path, big, ab0_max, broke, doc, cmdline = sys.argv[1:7]
rows = list(csv.DictReader(open(path), delimiter="\t"))
def num(r, k):
    try:
        return float(r[k])
    except (ValueError, TypeError):
        return None
out = ["| setting | VHIDs | trials | control lcore CPU, a (MASTER) | b (BACKUP) | transitions after settling | adverts a sent / b received | advert interval median [p1, p99] ms | worst deviation p99 / max ms |",
       "|---|---|---|---|---|---|---|---|---|"]
groups = {}
for r in rows:
    groups.setdefault((r["setting"], int(r["vhids"])), []).append(r)
for (s, n), rs in sorted(groups.items()):
    ok = [r for r in rs if num(r, "cpu_a") is not None]
    if not ok:
        out.append(f"| {s} | {n} | {len(rs)} | did not settle | | | | | |")
        continue
    med = lambda k: statistics.median(num(r, k) for r in ok if num(r, k) is not None)
    tot = lambda k: int(sum(num(r, k) for r in ok))
    out.append(f"| {s} | {n} | {len(ok)} | {med('cpu_a'):.1f} % | {med('cpu_b'):.1f} % | {tot('transitions')} | "
               f"{tot('sent_a')} / {tot('received_b')} | {med('median_ms'):.1f} [{med('p1_ms'):.1f}, {med('p99_ms'):.1f}] | "
               f"{med('dev_p99_ms'):.1f} / {max(num(r, 'dev_max_ms') for r in ok):.1f} |")
table = "\n".join(out)
print(table)
bigs = [r for r in rows if r["setting"] == "ab1" and r["vhids"] == big and num(r, "cpu_a") is not None]
if doc:
    block = (f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: `{cmdline}`\n\n{table}\n\n"
             f"advbase 0: largest stable step {ab0_max} VHIDs" + (f"; first unstable: {broke}" if broke else "") + "\n")
    b, e = "<!-- bench-control-scale:begin -->", "<!-- bench-control-scale:end -->"
    text = open(doc).read()
    if b not in text:
        text = text.rstrip("\n") + f"\n\n## Control-plane scale\n\n{b}\n{e}\n"
    head, rest = text.split(b, 1)
    _, tail = rest.split(e, 1)
    open(doc, "w").write(head + b + "\n" + block + e + tail)
    print(f"results written to {doc}")
if bigs:
    print("control-scale: vhids=%s cpu_pct=%.1f jitter_p99_ms=%.1f false_takeovers=%d ab0_max_stable=%s" % (
        big, statistics.median(num(r, "cpu_a") for r in bigs),
        statistics.median(num(r, "dev_p99_ms") for r in bigs),
        sum(int(num(r, "transitions")) for r in bigs), ab0_max))
else:
    print(f"control-scale: vhids={big} cpu_pct=NA jitter_p99_ms=NA false_takeovers=NA ab0_max_stable={ab0_max}")
PYEOF
