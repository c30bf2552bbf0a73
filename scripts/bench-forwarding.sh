#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Forwarding benchmark: carp-dpdk against dpdk-testpmd on the same devices, the same lcores
# and the same memory, interleaved in one run so that a shared, noisy machine treats all
# three alike.
#
#   traffic:  net_pcap0 (infinite_rx replay of a pcap of IPv4/UDP frames, RFC 2544 sizes
#             64/512/1518 with FCS, FLOWS flows, sent to the vMAC of VHID 1, which this
#             node is MASTER of) -> forwarded -> net_null0 (tx only, frees the mbufs).
#   contenders (each -l 0-1: lcore 0 control/main, lcore 1 the one forwarding lcore):
#     carp-dpdk       the appliance: MAC check, classify, RFC 1812 checks, LPM, neighbour
#                     cache, TTL and MAC rewrite (config written here: lan 10.0.0.1/24 =
#                     the pcap port, wan 10.1.0.1/24 = net_null, 198.18.0.0/15 via
#                     10.1.0.2 with a static neighbor, VHID 1 on lan)
#     carp-dpdk-tagged the same, on a trunk: every frame tagged VLAN 10 in, forwarded to
#                     VLAN 11 of the other port (the same addresses, on VLANs; the ports'
#                     untagged sides unused): tag demux, checks, the egress tag written
#                     (in software: neither device strips or inserts)
#     testpmd-io      dpdk-testpmd --forward-mode=io: rx -> tx untouched, the framework's
#                     ceiling on these devices
#     testpmd-5tswap  dpdk-testpmd --forward-mode=5tswap: swaps MACs, IPs and ports, i.e.
#                     touches every header like a router does
#     l3fwd-lpm       DPDK's examples/l3fwd in LPM mode (the source of Debian's dpdk-doc,
#                     built here with `make shared`), one forwarding lcore, its built-in
#                     route 198.18.1.0/24 -> port 1 (the traffic goes there for everyone),
#                     --parse-ptype (net_pcap reports no packet types: l3fwd then parses
#                     them in software, an rx callback, as it must on such devices);
#                     the one change made to it: no rx checksum offload, which net_pcap
#                     does not have (sed on its main.c, printed with the commands)
#   rate:     the egress port's opackets from the DPDK telemetry socket (/ethdev/stats of
#             net_null0, the same counter for all three), sampled every second for
#             --seconds after --warmup; a run's rate is the median of those per-second
#             rates, a configuration's result the median over --runs runs. carp-dpdk's
#             worker counter (/carp/lcores forwarded) and testpmd's own Tx-pps are logged
#             as cross-checks.
#   cycles/packet = CPU clock (cpu MHz of /proc/cpuinfo) / packets per second of the one
#             forwarding lcore.
#
# Usage: scripts/bench-forwarding.sh [options]     (as root for hugepages and --profile)
#   --runs N        runs per configuration and frame size (default 3, at least 1)
#   --seconds S     measured seconds per run (default 5)
#   --warmup S      seconds between "forwarding" and the first sample (default 1)
#   --sizes "..."   frame sizes, first one gives the ratio line (default "64 512 1518")
#   --flows N       distinct flows in the pcap (default 256)
#   --no-huge       do not try hugepages
#   --profile       afterwards, perf-record the forwarding lcore of each contender at 64 B
#   --candidate BIN also run another carp-dpdk binary (e.g. an optimised build) as one more
#                   contender, interleaved with the others, to A/B a change on a noisy host
#   --no-l3fwd      leave l3fwd out (it is built from dpdk-doc, installed when missing)
#   --doc FILE      write the results into FILE between the bench-forwarding markers
#   --budget S      hard limit for the whole script, waits included (default 590)
#   --keep          keep the work directory (pcaps, configs, logs)
#   --ipv6          the same for IPv6: IPv6/UDP frames (default sizes "78 512 1518": 78 is
#                   RFC 5180's smallest IPv6 frame) to 2001:200:0:1::/64, l3fwd's built-in
#                   IPv6 route to port 1; carp-dpdk dual-stack, 2001:200::/32 via
#                   2001:db8:1::2; contenders carp-dpdk, testpmd-io, l3fwd-lpm; --doc writes
#                   between the bench-forwarding-ipv6 markers; the last line is
#                   ratio carp-dpdk-ipv6/testpmd-io=R1 carp-dpdk-ipv6/l3fwd-lpm=R2
#
# It waits (within the budget) until no other carp-dpdk or dpdk-testpmd runs, before
# starting and before each run, and repeats once a run during which one appeared.
# Processes are stopped by PID (SIGTERM, SIGKILL after 10 s); hugepages it reserved and the
# hugetlbfs mount it made are given back. The last line of its output is exactly
#   ratio carp-dpdk/testpmd-io=R1 carp-dpdk/testpmd-5tswap=R2 carp-dpdk/l3fwd-lpm=R3 carp-dpdk-tagged/carp-dpdk=R4
# (medians at the first frame size). Exit status 0, 1 on a failed run, 2 on usage or a
# machine that stayed busy.

set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CARP_DPDK:-$ROOT/build/app/carp-dpdk/carp-dpdk}
TESTPMD=${TESTPMD:-$(command -v dpdk-testpmd || echo /usr/bin/dpdk-testpmd)}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
GEN=$ROOT/scripts/gen-bench-pcap.py

RUNS=3
MEAS=5
WARMUP=1
SIZES="64 512 1518"
FLOWS=256
TRY_HUGE=1
PROFILE=0
DOC=
BUDGET=590
KEEP=0
FAMILY=4
SIZES_SET=0
CAND=
L3FWD_ON=1
MEM_MB=512
CMDLINE="scripts/bench-forwarding.sh${*:+ $(printf '%q ' "$@")}"
CMDLINE=${CMDLINE% }

die() { echo "bench-forwarding: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=${2:?}; shift ;;
	--seconds) MEAS=${2:?}; shift ;;
	--warmup) WARMUP=${2:?}; shift ;;
	--sizes) SIZES=${2:?}; SIZES_SET=1; shift ;;
	--ipv6) FAMILY=6 ;;
	--flows) FLOWS=${2:?}; shift ;;
	--no-huge) TRY_HUGE=0 ;;
	--profile) PROFILE=1 ;;
	--doc) DOC=${2:?}; shift ;;
	--budget) BUDGET=${2:?}; shift ;;
	--keep) KEEP=1 ;;
	--candidate) CAND=${2:?}; shift ;;
	--no-l3fwd) L3FWD_ON=0 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
if [ "$FAMILY" = 6 ]; then
	[ "$SIZES_SET" = 1 ] || SIZES="78 512 1518"
	[ "$PROFILE" = 0 ] || die "--profile is for IPv4 only"
fi
SUF=
[ "$FAMILY" = 6 ] && SUF=-v6
for v in RUNS MEAS WARMUP FLOWS BUDGET; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"
done
if [ "$RUNS" -lt 1 ] || [ "$MEAS" -lt 2 ]; then
	die "need --runs >= 1 and --seconds >= 2"
fi
for s in $SIZES; do
	if ! [[ $s =~ ^[0-9]+$ ]] || [ "$s" -lt 64 ] || [ "$s" -gt 1518 ]; then
		die "frame sizes are 64..1518 (with FCS), got '$s'"
	fi
	if [ "$FAMILY" = 6 ] && [ "$s" -lt 78 ]; then
		die "IPv6 frame sizes are 78..1518 (RFC 5180), got '$s'"
	fi
done
# From a fresh clone: what is missing gets installed (as root) and the tree built (not with
# CARP_DPDK=binary, which measures that binary as it is).
if [ -z "${CARP_DPDK:-}" ]; then
	"$ROOT/scripts/ensure-built.sh" || die "cannot build (see above)"
fi
[ -x "$BIN" ] || die "$BIN not found: build first (cd $ROOT && ninja -C build)"
[ -z "$CAND" ] || [ -x "$CAND" ] || die "--candidate $CAND is not an executable"
CAND=${CAND:+$(realpath "$CAND")}
[ -x "$TESTPMD" ] || die "dpdk-testpmd not found: apt-get install dpdk-dev"
[ -n "$PY" ] || die "python3 not found"

START=$(date +%s)
DEADLINE=$((START + BUDGET))
WORK=$(mktemp -d /tmp/carp-bench.XXXXXX)

# DPDK's own router, examples/l3fwd, from the dpdk-doc package's sources, with the one
# change net_pcap needs (no rx checksum offload). Built in the work directory.
L3FWD_PATCH='s/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0, \/* net_pcap: no rx checksum offload *\//'
L3FWD=
if [ "$L3FWD_ON" = 1 ]; then
	if [ ! -d /usr/share/dpdk/examples/l3fwd ] && [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpdk-doc \
			>/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				dpdk-doc >/dev/null 2>&1; }
	fi
	[ -d /usr/share/dpdk/examples/l3fwd ] || die "no /usr/share/dpdk/examples/l3fwd: apt-get install dpdk-doc (or --no-l3fwd)"
	mkdir -p "$WORK/examples"
	cp -r /usr/share/dpdk/examples/l3fwd /usr/share/dpdk/examples/common "$WORK/examples/"
	sed -i "$L3FWD_PATCH" "$WORK/examples/l3fwd/main.c"
	grep -q 'net_pcap: no rx checksum offload' "$WORK/examples/l3fwd/main.c" ||
		die "l3fwd's port configuration did not take the patch: its source changed"
	make -C "$WORK/examples/l3fwd" shared >"$WORK/l3fwd-build.log" 2>&1 ||
		{ tail -n 20 "$WORK/l3fwd-build.log" >&2; die "building l3fwd failed"; }
	L3FWD=$WORK/examples/l3fwd/build/l3fwd-shared
fi
TAG="cbench$$"
CUR_PID=
CUR_PREFIX=
HUGE_DIR=
HUGE_MOUNTED=0
HUGE_ORIG=
HUGE_SET=
MEM_NOTE=
CLEANED=0

log() { echo "$*"; }
now() { date +%s; }

# ---------------------------------------------------------------------------------------
# Processes, hugepages, clean-up

stop_pid() { # PID: SIGTERM (async children may ignore SIGINT), SIGKILL after 10 s; reaps it
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "bench-forwarding: PID $pid ignored SIGTERM for 10 s: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

forget_prefix() { # remove the EAL runtime directory (and hugepage files) of one of ours
	[ -n "$1" ] || return 0
	rm -rf "/var/run/dpdk/$1" 2>/dev/null
	[ "$HUGE_MOUNTED" = 1 ] && rm -f "$HUGE_DIR/$1"map_* 2>/dev/null
	return 0
}

cleanup() {
	[ "$CLEANED" = 1 ] && return
	CLEANED=1
	if [ -n "$CUR_PID" ]; then
		stop_pid "$CUR_PID"
		forget_prefix "$CUR_PREFIX"
		CUR_PID=
	fi
	if [ "$HUGE_MOUNTED" = 1 ]; then
		rm -f "$HUGE_DIR"/* 2>/dev/null
		umount "$HUGE_DIR" 2>/dev/null || echo "bench-forwarding: umount $HUGE_DIR failed" >&2
		rmdir "$HUGE_DIR" 2>/dev/null
		HUGE_MOUNTED=0
	fi
	# Give back the pages we reserved, unless someone changed the pool since.
	if [ -n "$HUGE_SET" ] && [ "$(cat /proc/sys/vm/nr_hugepages)" = "$HUGE_SET" ]; then
		echo "$HUGE_ORIG" >/proc/sys/vm/nr_hugepages 2>/dev/null
		HUGE_SET=
	fi
	if [ "$KEEP" = 1 ]; then
		echo "bench-forwarding: work directory kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'echo "bench-forwarding: interrupted" >&2; exit 130' INT TERM

setup_huge() {
	local kb need free nr
	[ "$TRY_HUGE" = 1 ] || { MEM_NOTE="--no-huge asked for"; return 1; }
	[ "$(id -u)" = 0 ] || { MEM_NOTE="not root: cannot reserve or mount hugepages"; return 1; }
	kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
	[ -n "$kb" ] || { MEM_NOTE="no hugepage support in this kernel"; return 1; }
	need=$(((MEM_MB + 64) * 1024 / kb))
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	HUGE_ORIG=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$free" -lt "$need" ]; then
		nr=$((HUGE_ORIG + need - free))
		if ! echo "$nr" >/proc/sys/vm/nr_hugepages 2>/dev/null; then
			MEM_NOTE="cannot write /proc/sys/vm/nr_hugepages"
			return 1
		fi
		HUGE_SET=$(cat /proc/sys/vm/nr_hugepages)
		free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
		if [ "$free" -lt "$need" ]; then
			MEM_NOTE="the kernel gave only $free of $need free hugepages (fragmented memory)"
			echo "$HUGE_ORIG" >/proc/sys/vm/nr_hugepages
			HUGE_SET=
			return 1
		fi
	fi
	HUGE_DIR=$WORK/huge
	mkdir -p "$HUGE_DIR"
	if ! mount -t hugetlbfs -o "pagesize=${kb}k" nodev "$HUGE_DIR" 2>/dev/null; then
		MEM_NOTE="mount -t hugetlbfs failed"
		rmdir "$HUGE_DIR"
		return 1
	fi
	HUGE_MOUNTED=1
	MEM_NOTE="$need x $((kb / 1024)) MB hugepages reserved, hugetlbfs mounted on the work directory"
	[ -z "$HUGE_SET" ] && MEM_NOTE="hugepages ($need x $((kb / 1024)) MB already free), hugetlbfs mounted on the work directory"
	return 0
}

foreign_busy() { # another carp-dpdk or testpmd (ours are always stopped between runs)
	pgrep -x carp-dpdk >/dev/null || pgrep -x dpdk-testpmd >/dev/null
}

wait_quiet() { # UNTIL_EPOCH: wait until no foreign carp-dpdk/testpmd runs; 1 if still busy
	local until=$1 said=0
	while foreign_busy; do
		if [ "$(now)" -ge "$until" ]; then
			return 1
		fi
		if [ "$said" = 0 ]; then
			echo "bench-forwarding: other carp-dpdk/dpdk-testpmd running" \
				"($(pgrep -d, -x carp-dpdk)$(pgrep -d, -x dpdk-testpmd)): waiting" \
				"up to $((until - $(now))) s" >&2
			said=1
		fi
		sleep 1
	done
	return 0
}

# ---------------------------------------------------------------------------------------
# The telemetry sampler (one per run): wait until ready, warm up, sample, print key=value

cat >"$WORK/sample.py" <<'EOF'
import json, os, socket, statistics, sys, time

path, kind, warm, secs, pid, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
end = time.monotonic() + timeout


def fail(msg):
    print("error=" + msg.replace(" ", "_"))
    sys.exit(1)


def alive():
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


while True:
    if not alive():
        fail("process exited before its telemetry socket answered")
    if time.monotonic() > end:
        fail("no telemetry socket at " + path)
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(path)
        break
    except OSError:
        s.close()
        time.sleep(0.05)
maxlen = json.loads(s.recv(1024).decode()).get("max_output_len", 16384)


def q(cmd):
    """Reply to cmd and the monotonic time in the middle of the exchange."""
    t0 = time.monotonic()
    s.send(cmd.encode())
    r = json.loads(s.recv(maxlen).decode())
    t = (t0 + time.monotonic()) / 2
    return next(iter(r.values())) if r else None, t


# carp-dpdk hot-plugs its devices after the EAL (and this socket) is up: wait for them.
out_port = None
while out_port is None:
    for i in q("/ethdev/list")[0] or []:
        info = q("/ethdev/info,%d" % i)[0]
        if info and info.get("name") == "net_null0":
            out_port = i
    if out_port is None:
        if time.monotonic() > end or not alive():
            fail("net_null0 never appeared among the ports")
        time.sleep(0.05)

if kind == "carp":  # frames go to the vMAC: forwarded only while MASTER
    while True:
        st = q("/carp/status")[0] or {}
        # The page's entries are dicts; "_total" and "_next" are numbers.
        vhids = [v for v in st.values() if isinstance(v, dict)]
        if vhids and all(v.get("state") == "MASTER" for v in vhids):
            break
        if time.monotonic() > end or not alive():
            fail("VHID never became MASTER")
        time.sleep(0.01)


def opackets():
    st, t = q("/ethdev/stats,%d" % out_port)
    return t, st["opackets"]


# Forwarding has started when the egress counter moves.
t, o = opackets()
while True:
    time.sleep(0.05)
    t2, o2 = opackets()
    if o2 > o:
        break
    if time.monotonic() > end or not alive():
        fail("nothing forwarded")
time.sleep(warm)


def worker():
    lc, _ = q("/carp/lcores")
    w = lc["worker0"]
    drops = sum(v for k, v in w.items() if k not in
                ("rx", "tx", "punted", "arp_replies", "echo_replies", "forwarded", "to_resolve",
                 "updates_delayed", "resyncs"))
    return w["forwarded"], drops, w["rx"]


def foreign():
    """Another carp-dpdk or dpdk-testpmd competing for the cores right now?"""
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != pid:
            try:
                with open("/proc/%s/comm" % d) as f:
                    if f.read().strip() in ("carp-dpdk", "dpdk-testpmd"):
                        return True
            except OSError:
                pass
    return False


samples, contended = [], 0
for k in range(secs + 1):
    t, o = opackets()
    extra = worker() if kind == "carp" else (0, 0, 0)
    samples.append((t, o) + extra)
    contended += foreign()
    if k < secs:
        time.sleep(max(0.0, samples[0][0] + k + 1 - time.monotonic()))
if not alive():
    fail("process died while measured")
rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(samples, samples[1:])]
span = samples[-1][0] - samples[0][0]
res = {"pps": statistics.median(rates), "mean_pps": (samples[-1][1] - samples[0][1]) / span,
       "min_pps": min(rates), "max_pps": max(rates)}
if kind == "carp":
    res["worker_fwd_pps"] = (samples[-1][2] - samples[0][2]) / span
    res["worker_rx_pps"] = (samples[-1][4] - samples[0][4]) / span
    res["worker_drops"] = samples[-1][3] - samples[0][3]
res["contended"] = contended
print(" ".join("%s=%.0f" % kv for kv in res.items()))
EOF

# ---------------------------------------------------------------------------------------
# The contenders

MHZ=$(awk -F': *' '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)
CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
NPROC=$(nproc)
VMAC=00:00:5e:00:01:01
WAN_DEV="net_null0,no-rx=1"
# l3fwd's built-in LPM table sends 198.18.1.0/24 (and 2001:200:0:1::/64) to port 1: every
# contender gets that.
DST_NET=198.18.1.0/24
DST_NET6=2001:200:0:1::/64

# The pcap port gets two rx queues: queue 0 (the forwarding lcore's) replays the traffic,
# queue 1 an empty pcap. carp-dpdk's control lcore owns queue 1 of every port (testpmd,
# with --rxq=1, never polls it), so in both only lcore 1 forwards.
lan_dev() { echo "net_pcap0,rx_pcap=$WORK/bench-$1.pcap,rx_pcap=$WORK/empty.pcap,infinite_rx=1"; }

write_config() { # SIZE -> path of the carp-dpdk config (untagged)
	local f=$WORK/carp-$1.yaml
	cat >"$f" <<EOF
# Written by scripts/bench-forwarding.sh
global:
  idle: adaptive        # the control lcore naps; the loaded worker never does
ports:
  - name: lan
    device: "$(lan_dev "$1")"
    addresses: [10.0.0.1/24]
  - name: wan
    device: "$WAN_DEV"
    addresses: [10.1.0.1/24]
$(config_tail lan)
EOF
	echo "$f"
}

write_config_tagged() { # SIZE -> path of the carp-dpdk config (VLAN 10 -> VLAN 11)
	local f=$WORK/carp-$1-tagged.yaml
	cat >"$f" <<EOF
# Written by scripts/bench-forwarding.sh
global:
  idle: adaptive
ports:
  - name: lan
    device: "$(lan_dev "$1-tagged")"
  - name: wan
    device: "$WAN_DEV"
vlans:
  - name: lan10
    port: lan
    vlan: 10
    addresses: [10.0.0.1/24]
  - name: wan11
    port: wan
    vlan: 11
    addresses: [10.1.0.1/24]
$(config_tail lan10)
EOF
	echo "$f"
}

write_config6() { # SIZE -> path of the carp-dpdk config (dual-stack, IPv6 traffic)
	local f=$WORK/carp-$1-v6.yaml
	cat >"$f" <<EOF
# Written by scripts/bench-forwarding.sh --ipv6
global:
  idle: adaptive
ports:
  - name: lan
    device: "$(lan_dev "$1-v6")"
    addresses: [10.0.0.1/24, "2001:db8::1/64"]
  - name: wan
    device: "$WAN_DEV"
    addresses: [10.1.0.1/24, "2001:db8:1::1/64"]
vhids:
  - vhid: 1
    port: lan
    advbase: 0
    advskew: 1
    passphrase: ""
    vips: [10.0.0.254, "2001:db8::fe"]
routes:
  - prefix: "2001:200::/32"
    via: "2001:db8:1::2"
neighbors:
  - address: "2001:db8:1::2"
    mac: "02:00:00:00:01:02"
EOF
	echo "$f"
}

config_tail() { # INTERFACE of VHID 1: the VHID, the route and its neighbour
	cat <<EOF
vhids:
  - vhid: 1
    port: $1
    advbase: 0          # MASTER after 3 x 1/256 s
    advskew: 1
    passphrase: ""
    vips: [10.0.0.254]
routes:
  - prefix: 198.18.0.0/15
    via: 10.1.0.2
neighbors:
  - address: 10.1.0.2
    mac: "02:00:00:00:01:02"
EOF
}

eal_args() { # PREFIX
	echo "-l 0-1 $MEM_ARGS --file-prefix=$1 --no-pci"
}

cmd_for() { # CONFIG SIZE PREFIX -> the command line
	local cfg=$1 size=$2 prefix=$3
	case "$cfg" in
	carp) echo "$BIN $(eal_args "$prefix") -- -c $WORK/carp-$size$SUF.yaml" ;;
	cand) echo "$CAND $(eal_args "$prefix") -- -c $WORK/carp-$size$SUF.yaml" ;;
	tagged) echo "$BIN $(eal_args "$prefix") -- -c $WORK/carp-$size-tagged.yaml" ;;
	io|5tswap)
		echo "$TESTPMD $(eal_args "$prefix") --vdev $(lan_dev "$size$SUF") --vdev $WAN_DEV --" \
			"--forward-mode=$cfg --nb-cores=1 --rxq=1 --txq=1 --rxd=1024 --txd=1024" \
			"--burst=32 --mbcache=256 --total-num-mbufs=16383 --stats-period 1" ;;
	l3fwd) # lcore 1 forwards port 0 queue 0 and port 1 queue 0; routes built in (LPM)
		echo "$L3FWD $(eal_args "$prefix") --vdev $(lan_dev "$size$SUF") --vdev $WAN_DEV --" \
			"-p 0x3 -P --lookup=lpm --parse-ptype --config=(0,0,1),(1,0,1)" ;;
	esac
}

declare -A CMD_SHOWN=()
RUN_N=0
RUN_MS_TOTAL=0
FAILED=0
DONE=0
CONTENDED=0

# run_one CONFIG SIZE ROUND: one process, measured; appends to results.tsv
# Returns 3, recording nothing, when another carp-dpdk/testpmd ran during a first attempt.
run_one() {
	local cfg=$1 size=$2 round=$3 attempt=$4 prefix cmd logf out t0 pid rc kind extra=
	RUN_N=$((RUN_N + 1))
	prefix="${TAG}_${RUN_N}"
	logf="$WORK/run-$size-$cfg-$round.log"
	cmd=$(cmd_for "$cfg" "$size" "$prefix")
	[ -z "${CMD_SHOWN[$cfg-$size]:-}" ] && echo "$cfg $size $cmd" >>"$WORK/commands.txt"
	CMD_SHOWN[$cfg-$size]=1
	t0=$(date +%s%3N)
	# shellcheck disable=SC2086 # the command line is split on purpose (no spaces in paths)
	$cmd </dev/null >"$logf" 2>&1 &
	pid=$!
	CUR_PID=$pid
	CUR_PREFIX=$prefix
	kind=testpmd
	[ "$cfg" = carp ] || [ "$cfg" = cand ] || [ "$cfg" = tagged ] && kind=carp
	[ "$cfg" = l3fwd ] && kind=l3fwd
	out=$("$PY" "$WORK/sample.py" "/var/run/dpdk/$prefix/dpdk_telemetry.v2" "$kind" \
		"$WARMUP" "$MEAS" "$pid" 30)
	rc=$?
	stop_pid "$pid"
	CUR_PID=
	forget_prefix "$prefix"
	RUN_MS_TOTAL=$((RUN_MS_TOTAL + $(date +%s%3N) - t0))
	if [ $rc -ne 0 ] || [[ $out != pps=* ]]; then
		echo "run $round $cfg ${size}B: FAILED ($out); log $logf:" >&2
		tail -n 15 "$logf" | sed 's/^/    /' >&2
		FAILED=$((FAILED + 1))
		KEEP=1
		return 1
	fi
	if [[ $out != *" contended=0"* ]]; then
		if [ "$attempt" = 1 ]; then
			echo "run $round $cfg ${size}B: another carp-dpdk/dpdk-testpmd ran meanwhile: repeating"
			return 3
		fi
		CONTENDED=$((CONTENDED + 1))
	fi
	if [ "$kind" = testpmd ]; then # testpmd's own view: median Tx-pps of port 1
		extra=" testpmd_txpps=$(awk '/NIC statistics for port 1/ {p=1} /NIC statistics for port 0/ {p=0}
			p && /Tx-pps:/ && $2 > 0 {print $2}' "$logf" | sort -n |
			awk '{v[NR]=$1} END {print NR ? v[int((NR+1)/2)] : 0}')"
	fi
	printf '%s\t%s\t%s\t%s%s\n' "$size" "$cfg" "$round" "$out" "$extra" >>"$WORK/results.tsv"
	printf 'run %d %-7s %5sB  %7.3f Mpps   (%s%s)\n' "$round" "$cfg" "$size" \
		"$(echo "${out#pps=}" | awk '{printf "%.3f", $1 / 1e6}')" "$out" "$extra"
	return 0
}

# profile_one CONFIG: perf record the forwarding lcore (rte-worker-1) for 5 s at 64 B
profile_one() {
	local cfg=$1 size=${SIZES%% *} prefix cmd pid tid t out
	prefix="${TAG}_p$cfg"
	cmd=$(cmd_for "$cfg" "$size" "$prefix")
	# shellcheck disable=SC2086
	$cmd </dev/null >"$WORK/profile-$cfg.log" 2>&1 &
	pid=$!
	CUR_PID=$pid
	CUR_PREFIX=$prefix
	local kind=testpmd
	[ "$cfg" = carp ] && kind=carp
	out=$("$PY" "$WORK/sample.py" "/var/run/dpdk/$prefix/dpdk_telemetry.v2" "$kind" 1 2 "$pid" 30)
	tid=
	for t in /proc/"$pid"/task/*; do
		case "$(cat "$t/comm" 2>/dev/null)" in # DPDK 22.11 / 23.11+ names
		rte-worker-1 | lcore-worker-1) tid=${t##*/} ;;
		esac
	done
	if [ -n "$tid" ]; then
		perf record -q -e cpu-clock -F 1999 -g -t "$tid" -o "$WORK/perf-$cfg.data" \
			-- sleep 5 >/dev/null 2>&1
	fi
	stop_pid "$pid"
	CUR_PID=
	forget_prefix "$prefix"
	echo "--- perf: $cfg, ${size} B, lcore 1 (thread $tid), cpu-clock samples, self time;" \
		"rate just before: $(echo "$out" | awk -v mhz="$MHZ" '{sub(/^pps=/, "", $1)
			if ($1 > 0) printf "%.3f Mpps = %.0f cycles/packet", $1 / 1e6, mhz * 1e6 / $1
			else print "?"}')"
	if [ -n "$tid" ] && [ -s "$WORK/perf-$cfg.data" ]; then
		{
			echo "by object:"
			perf report -i "$WORK/perf-$cfg.data" --no-children --sort dso --stdio -g none \
				--percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 8
			echo "by symbol (stripped DPDK libraries show addresses):"
			perf report -i "$WORK/perf-$cfg.data" --no-children --sort dso,symbol --stdio \
				-g none --percent-limit 1 2>/dev/null | grep -v '^#' | grep -v '^$' |
				sed 's/ *- *- *$//' | head -n 22
		} | tee "$WORK/perf-$cfg.txt"
	else
		echo "(no profile: worker thread not found or perf failed)"
	fi
}

# ---------------------------------------------------------------------------------------
# Main

N_SIZES=$(echo "$SIZES" | wc -w)
CONTENDERS="carp tagged io 5tswap${L3FWD:+ l3fwd}${CAND:+ cand}"
[ "$FAMILY" = 6 ] && CONTENDERS="carp io${L3FWD:+ l3fwd}${CAND:+ cand}"
N_CONT=$(echo "$CONTENDERS" | wc -w)
N_RUNS=$((RUNS * N_CONT * N_SIZES))
EST=$((N_RUNS * (WARMUP + MEAS + 3) + (PROFILE ? 3 * 14 : 0) + 10))
if [ "$EST" -gt "$BUDGET" ]; then
	die "$N_RUNS runs need about $EST s, more than --budget $BUDGET: fewer --runs/--seconds/--sizes"
fi
if ! wait_quiet $((DEADLINE - EST)); then
	echo "bench-forwarding: the machine stayed busy (other carp-dpdk/dpdk-testpmd); try later" >&2
	exit 2
fi

if setup_huge; then
	MEM_ARGS="--huge-dir $HUGE_DIR -m $MEM_MB"
	MEM_MODE="hugepages"
else
	MEM_ARGS="--no-huge -m $MEM_MB"
	MEM_MODE="no hugepages, --no-huge"
	echo "bench-forwarding: falling back to --no-huge: $MEM_NOTE"
fi

for s in $SIZES; do
	if [ "$FAMILY" = 6 ]; then
		"$PY" "$GEN" --ipv6 --size "$s" --flows "$FLOWS" --dst-mac "$VMAC" \
			--dst-net6 "$DST_NET6" -o "$WORK/bench-$s-v6.pcap" || die "pcap generator failed"
		write_config6 "$s" >/dev/null
		continue
	fi
	"$PY" "$GEN" --size "$s" --flows "$FLOWS" --dst-mac "$VMAC" --dst-net "$DST_NET" \
		-o "$WORK/bench-$s.pcap" ||
		die "pcap generator failed"
	"$PY" "$GEN" --size "$s" --flows "$FLOWS" --dst-mac "$VMAC" --dst-net "$DST_NET" \
		--vlan 10 -o "$WORK/bench-$s-tagged.pcap" ||
		die "pcap generator failed"
	write_config "$s" >/dev/null
	write_config_tagged "$s" >/dev/null
done
"$PY" -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))' \
	"$WORK/empty.pcap"
"$BIN" -l 0-1 --no-huge -m 64 --file-prefix="${TAG}_check" --no-pci -- --check \
	-c "$WORK/carp-${SIZES%% *}$SUF.yaml" >"$WORK/check.log" 2>&1 ||
	{ cat "$WORK/check.log" >&2; die "carp-dpdk refused the benchmark config"; }
if [ "$FAMILY" = 4 ]; then
	"$BIN" -l 0-1 --no-huge -m 64 --file-prefix="${TAG}_check" --no-pci -- --check \
		-c "$WORK/carp-${SIZES%% *}-tagged.yaml" >"$WORK/check.log" 2>&1 ||
		{ cat "$WORK/check.log" >&2; die "carp-dpdk refused the tagged benchmark config"; }
fi
forget_prefix "${TAG}_check"

DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
log "carp-dpdk forwarding benchmark, $DATE"
log "machine: $NPROC CPUs, $CPU_MODEL, cpu MHz $MHZ; kernel $(uname -r)"
log "memory: $MEM_MODE ($MEM_NOTE), -m $MEM_MB"
log "traffic: $FLOWS UDP flows to $VMAC (VHID 1 MASTER), sizes $SIZES B with FCS;" \
	"$RUNS runs x $N_CONT contenders x $N_SIZES sizes, ${WARMUP} s warm-up + ${MEAS} s measured each"

: >"$WORK/results.tsv"
: >"$WORK/commands.txt"
STOPPED_EARLY=
for s in $SIZES; do
	for ((r = 1; r <= RUNS; r++)); do
		for cfg in $CONTENDERS; do
			for attempt in 1 2; do
				avg=$((WARMUP + MEAS + 3))
				[ "$RUN_N" -gt 0 ] && avg=$((RUN_MS_TOTAL / RUN_N / 1000 + 1))
				left=$((N_RUNS - DONE + (PROFILE ? 3 : 0)))
				if ! wait_quiet $((DEADLINE - left * avg)); then
					STOPPED_EARLY="machine busy"
					break 4
				fi
				if [ $(($(now) + avg)) -gt "$DEADLINE" ]; then
					STOPPED_EARLY="time budget"
					break 4
				fi
				run_one "$cfg" "$s" "$r" "$attempt"
				[ $? -eq 3 ] || break
			done
			DONE=$((DONE + 1))
		done
	done
done
[ -n "$STOPPED_EARLY" ] && echo "bench-forwarding: stopped early ($STOPPED_EARLY) after $DONE runs" >&2
[ "$CONTENDED" -gt 0 ] && echo "bench-forwarding: runs kept although contended twice: $CONTENDED"

if [ "$PROFILE" = 1 ] && [ -z "$STOPPED_EARLY" ]; then
	if command -v perf >/dev/null; then
		for cfg in carp io 5tswap; do
			if ! wait_quiet $((DEADLINE - 20)) || [ $(($(now) + 15)) -gt "$DEADLINE" ]; then
				break
			fi
			profile_one "$cfg"
		done
	else
		echo "bench-forwarding: --profile needs perf (apt-get install linux-perf)" >&2
	fi
fi

# Results (computed before the clean-up removes the work directory).
"$PY" - "$WORK/results.tsv" "$MHZ" "$SIZES" "$WORK/summary.md" "$FAMILY" <<'EOF' >"$WORK/summary.txt"
import statistics, sys
tsv, mhz, sizes, md = sys.argv[1], float(sys.argv[2]), sys.argv[3].split(), sys.argv[4]
v6 = sys.argv[5] == "6"
rows = {}
for line in open(tsv):
    size, cfg, rnd, kv = line.rstrip("\n").split("\t")
    d = dict(x.split("=") for x in kv.split())
    rows.setdefault((size, cfg), []).append(float(d["pps"]))
names = {"carp": "carp-dpdk", "tagged": "carp-dpdk-tagged", "io": "testpmd-io", "5tswap": "testpmd-5tswap",
         "l3fwd": "l3fwd-lpm", "cand": "candidate"}
med = {k: statistics.median(v) for k, v in rows.items()}
out, table = [], []
hdr = ("| frame | contender | runs | Mpps (median) | min..max Mpps | cycles/packet | vs testpmd-io"
       " | vs testpmd-5tswap | vs l3fwd-lpm |")
table += [hdr, "|---|---|---|---|---|---|---|---|---|"]
out.append("%-6s %-15s %4s %9s %17s %9s %7s %9s %8s" % ("frame", "contender", "runs", "Mpps",
                                                        "min..max", "cyc/pkt", "vs io",
                                                        "vs 5tswap", "vs l3fwd"))


def rel(m, s, c):
    return "%.2f" % (m / med[(s, c)]) if (s, c) in med and med[(s, c)] else "-"


for s in sizes:
    for c in ("carp", "tagged", "io", "5tswap", "l3fwd", "cand"):
        if (s, c) not in med:
            continue
        m, v = med[(s, c)], rows[(s, c)]
        cyc = mhz * 1e6 / m if m else float("nan")
        r_io, r_sw, r_l3 = rel(m, s, "io"), rel(m, s, "5tswap"), rel(m, s, "l3fwd")
        rng = "%.2f..%.2f" % (min(v) / 1e6, max(v) / 1e6)
        out.append("%-6s %-15s %4d %9.3f %17s %9.0f %7s %9s %8s" % (
            s + "B", names[c], len(v), m / 1e6, rng, cyc, r_io, r_sw, r_l3))
        table.append("| %s B | %s | %d | %.3f | %s | %.0f | %s | %s | %s |" % (
            s, names[c], len(v), m / 1e6, rng, cyc, r_io, r_sw, r_l3))
s0 = sizes[0]


def ratio_of(c):
    try:
        return "%.2f" % (med[(s0, "carp")] / med[(s0, c)])
    except (KeyError, ZeroDivisionError):
        return "nan"


try:
    tagged = "%.2f" % (med[(s0, "tagged")] / med[(s0, "carp")])
except (KeyError, ZeroDivisionError):
    tagged = "nan"
ratio = ("ratio carp-dpdk/testpmd-io=%s carp-dpdk/testpmd-5tswap=%s carp-dpdk/l3fwd-lpm=%s"
         " carp-dpdk-tagged/carp-dpdk=%s" % (ratio_of("io"), ratio_of("5tswap"),
                                            ratio_of("l3fwd"), tagged))
if v6:
    ratio = "ratio carp-dpdk-ipv6/testpmd-io=%s carp-dpdk-ipv6/l3fwd-lpm=%s" % (
        ratio_of("io"), ratio_of("l3fwd"))
print("\n".join(out))
print(ratio)
open(md, "w").write("\n".join(table) + "\n\n    " + ratio + "\n")
EOF

# Cross-checks worth a glance: carp-dpdk's own counter and drops, testpmd's own Tx-pps.
awk -F'\t' '($2 == "carp" || $2 == "cand" || $2 == "tagged") {split($4, a, " "); for (i in a) {split(a[i], kv, "="); v[kv[1]] = kv[2]}
	if (v["worker_drops"] > 0) bad++; d = v["pps"] ? v["worker_fwd_pps"] / v["mean_pps"] : 0
	if (d < 0.98 || d > 1.02) off++}
	END {printf "cross-check: carp-dpdk worker forwarded vs egress opackets within 2%%: %s; runs with worker drops: %d\n",
	off ? "NO (" off " runs)" : "yes", bad}' "$WORK/results.tsv"

if [ -n "$DOC" ]; then
	{
		echo "Run $DATE: \`$CMDLINE\`"
		echo
		echo "- machine: $NPROC CPUs ($(nproc --all) online), $CPU_MODEL, cpu MHz $MHZ, kernel $(uname -r)"
		echo "- memory: $MEM_MODE, -m $MEM_MB ($MEM_NOTE)"
		echo "- traffic: $FLOWS UDP flows, sizes $SIZES B (with FCS), $RUNS runs per contender and size, interleaved; ${WARMUP} s warm-up, ${MEAS} s measured per run"
		[ -n "$CAND" ] && echo "- candidate: $CAND"
		[ -n "$STOPPED_EARLY" ] && echo "- **stopped early** ($STOPPED_EARLY) after $DONE runs"
		[ "$FAILED" -gt 0 ] && echo "- **$FAILED runs failed**"
		[ "$CONTENDED" -gt 0 ] && echo "- runs kept although another carp-dpdk/testpmd ran during both attempts: $CONTENDED"
		echo
		cat "$WORK/summary.md"
		echo
		echo "Commands (first frame size; \$W is the script's work directory, \$P a per-run --file-prefix):"
		echo
		echo '```'
		if [ "$FAMILY" = 6 ]; then
			echo "scripts/gen-bench-pcap.py --ipv6 --size ${SIZES%% *} --flows $FLOWS --dst-mac $VMAC --dst-net6 $DST_NET6 -o \$W/bench-${SIZES%% *}-v6.pcap"
		else
			echo "scripts/gen-bench-pcap.py --size ${SIZES%% *} --flows $FLOWS --dst-mac $VMAC --dst-net $DST_NET -o \$W/bench-${SIZES%% *}.pcap"
		fi
		awk -v s="${SIZES%% *}" '$2 == s {$1 = ""; $2 = ""; sub(/^  /, ""); print}' "$WORK/commands.txt" |
			sed -e "s#$WORK#\$W#g" -e "s#--file-prefix=${TAG}_[0-9]*#--file-prefix=\$P#g" \
				-e "s#$ROOT/##g" -e 's# -- # \\\n    -- #' -e 's# --vdev # \\\n    --vdev #g'
		echo '```'
		if [ -n "$L3FWD" ]; then
			echo
			echo "l3fwd: \`cp -r /usr/share/dpdk/examples/{l3fwd,common} \$W/examples/\`, then"
			echo "\`sed -i '$L3FWD_PATCH' \$W/examples/l3fwd/main.c\` (the one change: no rx checksum"
			echo "offload, which net_pcap lacks) and \`make -C \$W/examples/l3fwd shared\`."
		fi
		echo
		echo "The config \$W/carp-${SIZES%% *}$SUF.yaml:"
		echo
		echo '```yaml'
		sed "s#$WORK#\$W#g" "$WORK/carp-${SIZES%% *}$SUF.yaml"
		echo '```'
		if [ "$FAMILY" = 4 ]; then
			echo
			echo "carp-dpdk-tagged: the same pcap generator with \`--vlan 10\`, and \$W/carp-${SIZES%% *}-tagged.yaml:"
			echo
			echo '```yaml'
			sed "s#$WORK#\$W#g" "$WORK/carp-${SIZES%% *}-tagged.yaml"
			echo '```'
		fi
	} >"$WORK/doc-block.md"
	MARK=bench-forwarding
	[ "$FAMILY" = 6 ] && MARK=bench-forwarding-ipv6
	"$PY" - "$DOC" "$WORK/doc-block.md" "$MARK" <<'EOF' || echo "bench-forwarding: could not update $DOC" >&2
import sys
doc, block = sys.argv[1], open(sys.argv[2]).read()
b, e = "<!-- %s:begin -->" % sys.argv[3], "<!-- %s:end -->" % sys.argv[3]
try:
    text = open(doc).read()
except FileNotFoundError:
    text = "# Benchmarks\n\n## Forwarding\n\n%s\n%s\n" % (b, e)
if b not in text or e not in text:
    text = text.rstrip("\n") + "\n\n## Forwarding\n\n%s\n%s\n" % (b, e)
head, rest = text.split(b, 1)
_, tail = rest.split(e, 1)
open(doc, "w").write(head + b + "\n" + block.rstrip("\n") + "\n" + e + tail)
EOF
	echo "results written to $DOC"
fi

if [ "$KEEP" = 1 ]; then
	echo "logs: $WORK"
fi
RATIO=$(tail -n 1 "$WORK/summary.txt")
head -n -1 "$WORK/summary.txt"
cleanup 2>/dev/null
trap - EXIT
echo "$RATIO"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
