#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Failover benchmark: carp-dpdk, ucarp and keepalived on one topology, measured by one
# probe with one method, in one run (results: docs/BENCHMARKS.md, section "Failover").
#
#   topology  (tests/e2e/lib.sh, namespaces bfo<PID>-*): client -- bridge br0 -- r1, r2
#             r1: carp0 10.99.0.2, r2: carp1 10.99.0.3, client eth0 10.99.0.9, VIP 10.99.0.1
#             (carp-dpdk owns its port on af_packet, the kernel interface has no address;
#             ucarp and keepalived get the routers' addresses on the kernel interface)
#   probe     tests/e2e/probe.py ping: ICMP echo to the VIP every 10 ms on a fixed
#             schedule; replies credited to r1 or r2 by the bridge port they come in on;
#             probe.py sniff records adverts at both bridge ports.
#   outage    the longest gap between two consecutive echo replies of the trial
#   lost      unanswered probes
#   takeover  fault -> first echo reply from the new master
#
#   implementations (--impl, comma-separated; default all):
#     carp-ab1   carp-dpdk advbase 1, advskew 0 (r1) / 100 (r2)
#     carp-sub   carp-dpdk advbase 0, advskew A (r1) / B (r2): the fastest setting of
#                --candidates with no false takeover over a --steady window (or --subsec)
#     ucarp      ucarp advbase 1, advskew 0 / 100
#     ka-1 ka-0.1 ka-0.01   keepalived VRRPv3 advert_int 1 / 0.1 / 0.01, priority 150 / 100
#   scenarios (--scenario, comma-separated; default all), the fault always on r1, the
#   master, after a random phase of its advert cycle (1 s + U[0,1) s of probing):
#     linkcut             ip link set r1 down in the bridge namespace (r1's bridge port)
#     sigkill             SIGKILL (keepalived: SIGSTOP the parent, SIGKILL the VRRP
#                         child, then the parent: a crash, not its graceful child exit)
#     sigterm             SIGTERM
#     failback-preempt    r1 stopped (SIGTERM), r2 master, then r1 started again: the
#     failback-nopreempt  fault is r1's start; preempt on resp. off on both nodes
#   Every trial starts from a fresh state: both nodes started anew (r1 first), r1 MASTER
#   and r2 BACKUP, the client's neighbour cache flushed, 1.5 s steady, then the probe;
#   a trial in which r2 answered or advertised, or a probe was lost, before the fault is
#   discarded and repeated (and counted). Killing ucarp or keepalived leaves the VIP on
#   r1's kernel interface: reported as a split brain, not as a fast failover.
#
# Usage: scripts/bench-failover.sh [options]            (as root)
#   --runs N          valid trials per implementation and scenario (default 5)
#   --impl LIST       implementations, e.g. carp-ab1,carp-sub (default all)
#   --scenario LIST   scenarios, e.g. linkcut,sigterm (default all)
#   --candidates "A/B ..."  sub-second settings to try, advskew of r1/r2 with advbase 0
#                     (default "1/2 2/4")
#   --subsec A/B      use this sub-second setting, without choosing
#   --steady S        steady window per setting, seconds (default 30; 0: none, needs
#                     --subsec when carp-sub is run)
#   --load N          also a steady window with N busy loops (CPU hogs) for each
#                     sub-second carp-dpdk candidate and keepalived advert_int 0.01: how
#                     much CPU contention a setting stands (default 0: none; not used
#                     for the choice)
#   --doc FILE        write the results into FILE between the bench-failover markers
#   --budget S        hard limit for the whole script, waits included (default 5400)
#   --keep            keep the temporary directory (logs, probe JSON)
#
# It measures only while no other carp-dpdk, dpdk-testpmd, ucarp or keepalived runs on
# the machine (its own, in its own namespaces, excepted): it waits for that before every
# trial, watches during the trial, and repeats a trial someone else's run overlapped.
# Processes are stopped by PID; namespaces, EAL runtime directories and the temporary
# directory are removed on exit. The last line of its output is exactly
#   carp-dpdk medians: linkcut_ms=X sigterm_ms=Y sigterm_lost=N sigkill_ms=Z
# (the carp-sub setting; NA for what was not run). Exit status 0; 1 when some trial
# could not be done (budget, set-up failures); 2 on usage errors.

set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMDLINE="scripts/bench-failover.sh${*:+ $(printf '%q ' "$@")}"
CMDLINE=${CMDLINE% }
BIN=${CARP_DPDK:-$ROOT/build/app/carp-dpdk/carp-dpdk}
HELPER=$ROOT/scripts/failover-trial.py

# shellcheck source-path=SCRIPTDIR source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"
set -o pipefail

IMPLS_ALL="carp-ab1 carp-sub ucarp ka-1 ka-0.1 ka-0.01"
SCENS_ALL="linkcut sigkill sigterm failback-preempt failback-nopreempt"
RUNS=5
IMPLS=$IMPLS_ALL
SCENS=$SCENS_ALL
CANDIDATES="1/2 2/4"
SUBSEC=
STEADY=30
DOC=
BUDGET=5400
KEEP=0
LOAD=0
MAX_ATTEMPTS=3

die() { echo "bench-failover: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=${2:?}; shift ;;
	--impl) IMPLS=${2:?}; shift ;;
	--scenario) SCENS=${2:?}; shift ;;
	--candidates) CANDIDATES=${2:?}; shift ;;
	--subsec) SUBSEC=${2:?}; shift ;;
	--steady) STEADY=${2:?}; shift ;;
	--doc) DOC=${2:?}; shift ;;
	--budget) BUDGET=${2:?}; shift ;;
	--keep) KEEP=1 ;;
	--load) LOAD=${2:?}; shift ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
IMPLS=${IMPLS//,/ }
SCENS=${SCENS//,/ }
for v in RUNS STEADY BUDGET LOAD; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"
done
[ "$RUNS" -ge 1 ] || die "--runs must be at least 1"
for i in $IMPLS; do
	[[ " $IMPLS_ALL " == *" $i "* ]] || die "unknown implementation '$i'; valid: ${IMPLS_ALL// /, }"
done
for s in $SCENS; do
	[[ " $SCENS_ALL " == *" $s "* ]] || die "unknown scenario '$s'; valid: ${SCENS_ALL// /, }"
done
want_impl() { [[ " $IMPLS " == *" $1 "* ]]; }
valid_pair() { [[ $1 =~ ^([0-9]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] &&
	[ "${BASH_REMATCH[1]}" -lt "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[2]}" -le 254 ]; }
for c in $CANDIDATES $SUBSEC; do
	valid_pair "$c" || die "sub-second settings are A/B with 1 <= A < B <= 254, got '$c'"
done
if want_impl carp-sub && [ -z "$SUBSEC" ] && [ "$STEADY" -eq 0 ]; then
	die "--steady 0 needs --subsec A/B (nothing to choose the sub-second setting with)"
fi
# The fastest first: by the backup's master-down interval (3 x B / 256 s).
CANDIDATES=$(for c in $CANDIDATES; do echo "${c#*/} $c"; done | sort -n -k1,1 | awk '{print $2}' | tr '\n' ' ')

[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, packet sockets)"
# From a fresh clone: what is missing gets installed and the tree built (not with
# CARP_DPDK=binary, which measures that binary as it is).
if [ -z "${CARP_DPDK:-}" ]; then
	"$ROOT/scripts/ensure-built.sh" || die "cannot build (see above)"
fi
[ -x "$BIN" ] || die "$BIN not found: build first (meson setup build && ninja -C build)"
[ -x "$E2E_PY" ] || die "no $E2E_PY"
"$E2E_PY" -c 'import scapy.layers.l2' 2>/dev/null || die "python3-scapy missing"
want_impl ucarp && { command -v ucarp >/dev/null || die "ucarp missing (apt-get install ucarp)"; }
for i in ka-1 ka-0.1 ka-0.01; do
	want_impl "$i" && { command -v keepalived >/dev/null ||
		die "keepalived missing (apt-get install keepalived)"; }
done

START=$(date +%s)
DEADLINE=$((START + BUDGET))
e2e_env bfo "$BIN" "$ROOT"
WATCH_PID=
# shellcheck disable=SC2317 # the EXIT trap
bfo_exit() {
	[ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
	if [ "$KEEP" = 1 ] && [ -d "$E2E_TMP" ]; then
		touch "$E2E_TMP/.keep" # kept, silently: the last line of output stays ours
		E2E_TMP=
	fi
	e2e_teardown
}
trap bfo_exit EXIT
trap 'log "stopped by SIGINT; partial results in $E2E_TMP (with --keep)"; exit 130' INT
trap 'log "stopped by SIGTERM; partial results in $E2E_TMP (with --keep)"; exit 143' TERM
# A snapshot of the binary: the build directory may be rebuilt while the benchmark runs.
for _ in 1 2 3 4 5; do
	cp "$BIN" "$E2E_TMP/carp-dpdk" 2>/dev/null && "$E2E_TMP/carp-dpdk" -- --version >/dev/null 2>&1 && break
	rm -f "$E2E_TMP/carp-dpdk"
	sleep 2
done
[ -x "$E2E_TMP/carp-dpdk" ] || die "cannot take a working copy of $BIN"
E2E_BIN=$E2E_TMP/carp-dpdk
BIN_ID="$("$E2E_BIN" -- --version 2>&1 | head -n 1), sha256 $(sha256sum "$E2E_BIN" | cut -c1-12), built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'), tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
RESULTS=$E2E_TMP/results.jsonl
STEADY_OUT=$E2E_TMP/steady.jsonl
INFO=$E2E_TMP/info.json
COMMANDS=$E2E_TMP/commands.txt
: >"$RESULTS"
: >"$STEADY_OUT"
NOTES=()
FAILED=0

log() { echo "[$(date +%H:%M:%S)] $*"; }

# ---------------------------------------------------------------------------------------
# Other people's runs: carp-dpdk, dpdk-testpmd, ucarp, keepalived outside our namespaces

OUR_NETNS=" "
# ours PID: the process lives in one of our namespaces (so a PID reused since is never hit)
ours() {
	local ino
	ino=$(readlink "/proc/$1/ns/net" 2>/dev/null) || return 1
	ino=${ino#net:[}
	ino=${ino%]}
	[[ $OUR_NETNS == *" $ino "* ]]
}
others_running() {
	local p ino out=
	for p in $(pgrep -x carp-dpdk; pgrep -f dpdk-testpmd; pgrep -x ucarp; pgrep -x keepalived); do
		[ "$p" = "$$" ] && continue
		# a zombie runs nothing (a SIGKILLed keepalived child waits for PID 1 to reap it)
		case $(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1) in
		Z | X | '') continue ;;
		esac
		ours "$p" && continue
		out+="$p($(cat "/proc/$p/comm" 2>/dev/null)) "
	done
	BUSY_PIDS=$out
	[ -n "$out" ]
}

# wait_idle: until nobody else runs; after a wait, 15 s of quiet in a row (test suites
# start their nodes one after another). Fails when the budget runs out.
wait_idle() {
	local waited=0 quiet_since='' said=0 now
	while :; do
		now=$(date +%s)
		if others_running; then
			waited=1
			quiet_since=
			if [ $((now - said)) -ge 60 ]; then
				log "waiting: others are running: $BUSY_PIDS"
				said=$now
			fi
		elif [ "$waited" = 0 ]; then
			return 0
		else
			[ -n "$quiet_since" ] || quiet_since=$now
			[ $((now - quiet_since)) -ge 15 ] && { log "machine quiet again"; return 0; }
		fi
		[ "$now" -lt "$DEADLINE" ] || return 1
		sleep 1
	done
}

# A watcher during each trial: records anyone else's run in $E2E_TMP/busy.
watch_start() {
	rm -f "$E2E_TMP/busy"
	(
		while :; do
			others_running && echo "$BUSY_PIDS" >>"$E2E_TMP/busy"
			sleep 0.5
		done
	) &
	WATCH_PID=$!
}
watch_stop() { # fails when someone else ran
	kill "$WATCH_PID" 2>/dev/null
	wait "$WATCH_PID" 2>/dev/null
	WATCH_PID=
	others_running && echo "$BUSY_PIDS" >>"$E2E_TMP/busy"
	[ ! -s "$E2E_TMP/busy" ]
}

budget_left() { [ $(($(date +%s) + ${1:-40})) -lt "$DEADLINE" ]; }

# ---------------------------------------------------------------------------------------
# Implementations

SUB1=
SUB2=
impl_kind() {
	case $1 in
	carp-*) echo carp ;;
	ucarp) echo ucarp ;;
	ka-*) echo keepalived ;;
	esac
}
carp_advbase() { [ "$1" = carp-sub ] && echo 0 || echo 1; }
carp_skew() { # IMPL WHICH
	if [ "$1" = carp-sub ]; then
		[ "$2" = 1 ] && echo "$SUB1" || echo "$SUB2"
	else
		[ "$2" = 1 ] && echo 0 || echo 100
	fi
}
ka_int() { echo "${1#ka-}"; }
ms() { awk "BEGIN { v = ($1) * 1000; printf (v == int(v) ? \"%d\" : \"%.1f\"), v }"; }
impl_label() {
	case $1 in
	carp-ab1) echo "carp-dpdk advbase 1, advskew 0/100" ;;
	carp-sub) echo "carp-dpdk advbase 0, advskew $SUB1/$SUB2 ($(ms "$SUB1/256") ms adverts)" ;;
	ucarp) echo "ucarp advbase 1, advskew 0/100" ;;
	ka-*) echo "keepalived VRRPv3 advert_int $(ka_int "$1")" ;;
	esac
}
# master-down interval of r2, the backup, as text
master_down() {
	case $1 in
	carp-ab1 | ucarp) echo "$(ms "3 + 100/256") ms" ;;
	carp-sub) echo "$(ms "3 * $SUB2 / 256") ms" ;;
	ka-*) echo "$(ms "3 * $(ka_int "$1") + 156 * $(ka_int "$1") / 256") ms" ;;
	esac
}
# Seconds to watch after the fault.
impl_post() { # IMPL SCEN
	local p
	case $1 in
	carp-ab1) p=4.5 ;;
	carp-sub) p=1.0 ;;
	ucarp) p=6.0 ;;
	ka-1) p=5.0 ;;
	*) p=1.0 ;;
	esac
	case $2 in
	failback-*) awk -v p="$p" -v k="$1" 'BEGIN { print p + (k == "ka-1" ? 4.5 : 3) }' ;;
	*) echo "$p" ;;
	esac
}

# make_ka_conf FILE IFACE PRIORITY ADVERT_INT PREEMPT(true|false)
make_ka_conf() {
	cat >"$1" <<EOF
global_defs {
  router_id bfo_$2
}
vrrp_instance VI_1 {
  state BACKUP
  interface $2
  virtual_router_id 1
  priority $3
  advert_int $4
  version 3
$([ "$5" = true ] || echo "  nopreempt")
  virtual_ipaddress {
    $VIP/24
  }
}
EOF
}

# impl_start IMPL WHICH(1|2) PREEMPT(true|false): node nWHICH in rWHICH, in the background.
impl_start() {
	local impl=$1 w=$2 pre=$3 name=n$2 ns iface addr prio skew
	if [ "$w" = 1 ]; then
		ns=$NS_R1 iface=carp0 addr=10.99.0.2 prio=150
	else
		ns=$NS_R2 iface=carp1 addr=10.99.0.3 prio=100
	fi
	unset "NODE_KIND[$name]"
	case $(impl_kind "$impl") in
	carp)
		make_config "$E2E_TMP/$name.yaml" "$iface" "$addr/24" "$(carp_skew "$impl" "$w")" \
			"$pre" carp-demo "$(carp_advbase "$impl")"
		start_node "$name" "$ns" "$E2E_TMP/$name.yaml"
		;;
	ucarp)
		skew=$([ "$w" = 1 ] && echo 0 || echo 100)
		if [ "$pre" = true ]; then
			start_ucarp "$name" "$ns" "$iface" "$addr" "$skew" carp-demo 24 -P
		else
			start_ucarp "$name" "$ns" "$iface" "$addr" "$skew" carp-demo 24
		fi
		;;
	keepalived)
		rm -f "$E2E_TMP/$name.pid" "$E2E_TMP/$name-vrrp.pid"
		make_ka_conf "$E2E_TMP/$name.conf" "$iface" "$prio" "$(ka_int "$impl")" "$pre"
		start_keepalived "$name" "$ns" "$E2E_TMP/$name.conf"
		;;
	esac
}

# ka_child NAME: the VRRP child's PID from its pid file (checked to be a keepalived).
ka_child() {
	local p
	p=$(cat "$E2E_TMP/$1-vrrp.pid" 2>/dev/null) || return 1
	[[ $p =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = keepalived ] && ours "$p" ||
		return 1
	echo "$p"
}

# node_ticks NAME: user + system clock ticks of the node (keepalived: parent + child).
pid_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
node_ticks() {
	local t c
	t=$(pid_ticks "${NODE_PID[$1]}")
	if c=$(ka_child "$1"); then t=$((t + $(pid_ticks "$c"))); fi
	echo "${t:-0}"
}
node_transitions() {
	case ${NODE_KIND[$1]:-carp} in
	ucarp) log_count "$1" 'Switching to state' ;;
	keepalived) log_count "$1" 'Entering [A-Z]+ STATE' ;;
	*) stat "$1" transitions 2>/dev/null || echo 0 ;;
	esac
}

# A node's kernel interface holds the VIP (ucarp, keepalived).
vip_on() { # WHICH
	if [ "$1" = 1 ]; then ns_has_addr "$NS_R1" carp0 "$VIP"; else ns_has_addr "$NS_R2" carp1 "$VIP"; fi
}

# reset: nothing of ours runs; links up; kernel addresses as IMPL needs them; no VIP; the
# bridge's FDB and the client's neighbour cache flushed.
reset_state() { # [IMPL]
	local n p pids=()
	for n in n1 n2; do
		p=${NODE_PID[$n]:-}
		[ -n "$p" ] && ours "$p" && pids+=("$p") && kill -CONT "$p" 2>/dev/null
		p=$(ka_child "$n") && pids+=("$p")
	done
	for n in "${!BG_PID[@]}"; do ours "${BG_PID[$n]}" && pids+=("${BG_PID[$n]}"); done
	[ ${#pids[@]} -eq 0 ] || _stop_pids "${pids[@]}" 2>/dev/null
	for n in n1 n2; do
		unset "NODE_PID[$n]" "NODE_KIND[$n]"
		rm -rf "/var/run/dpdk/$E2E_ID-$n"
		rm -f "$E2E_TMP/$n.pid" "$E2E_TMP/$n-vrrp.pid"
	done
	BG_PID=()
	# shellcheck disable=SC2034 # lib.sh's teardown reads them
	E2E_PIDS=()
	E2E_PREFIXES=()
	ip -n "$NS_LAN" link set r1 up
	ip -n "$NS_LAN" link set r2 up
	ip -n "$NS_R1" addr flush dev carp0
	ip -n "$NS_R2" addr flush dev carp1
	if [ -n "${1:-}" ] && [ "$(impl_kind "$1")" != carp ]; then
		peer_addr "$NS_R1" carp0 10.99.0.2/24 && peer_addr "$NS_R2" carp1 10.99.0.3/24 || return 1
	fi
	ip -n "$NS_LAN" link set dev br0 type bridge fdb_flush
	ip -n "$NS_CLIENT" neigh flush dev eth0
	return 0
}

# pair_up IMPL PREEMPT: fresh r1 then r2; r1 MASTER, r2 BACKUP.
pair_up() {
	local impl=$1 pre=$2
	reset_state "$impl" || return 1
	impl_start "$impl" 1 "$pre"
	if [ "$(impl_kind "$impl")" = carp ]; then
		wait_node_up n1 10 || return 1
	else
		sleep 0.2
	fi
	impl_start "$impl" 2 "$pre"
	[ "$(impl_kind "$impl")" != carp ] || wait_node_up n2 10 || return 1
	wait_for "r1 MASTER and r2 BACKUP" 15 peers_are n1 n2 || return 1
	if [ "$(impl_kind "$impl")" = keepalived ]; then
		wait_for "keepalived VRRP children" 5 eval 'ka_child n1 >/dev/null && ka_child n2 >/dev/null' ||
			return 1
	fi
}

# client_warm: the client resolves the VIP afresh (one echo answered).
client_warm() {
	local i
	ip -n "$NS_CLIENT" neigh flush dev eth0
	for i in 1 2 3; do
		ip netns exec "$NS_CLIENT" ping -c 1 -W 1 -q "$VIP" >/dev/null 2>&1 && return 0
	done
	E2E_ERR="the client gets no echo reply from $VIP"
	return 1
}

start_probes() { # TAG DURATION_S [FAULT_FILE]
	local tag=$1 dur=$2 ff=${3:-}
	# shellcheck disable=SC2046
	probe_bg "$tag-ping" "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration "$dur" \
		${ff:+--fault-file "$ff"} --tolerate-down $(watch_routers) || return 1
	probe_bg "$tag-wire" "$NS_CLIENT" sniff "$NS_LAN/r1=r1" "$NS_LAN/r2=r2" --filter carp \
		--filter garp --vip "$VIP" --duration "$(awk -v d="$dur" 'BEGIN { print d + 0.3 }')" \
		--tolerate-down
}
wait_probes() { # TAG DURATION_S
	probe_wait "$1-ping" $(($2 + 15)) && probe_wait "$1-wire" $(($2 + 15))
}

# ---------------------------------------------------------------------------------------
# One trial

# run_trial IMPL SCEN RUN ATTEMPT: 0 valid, 1 invalid (standby active before the fault),
# 2 set-up failed, 3 someone else's run overlapped.
run_trial() {
	local impl=$1 scen=$2 run=$3 att=$4 pre=true old=r1 new=r2 tag post dur ff rec split=0 kept=0
	tag=t-$impl-$scen-$run-$att
	ff=$E2E_TMP/$tag.fault
	[ "$scen" = failback-nopreempt ] && pre=false
	post=$(impl_post "$impl" "$scen")
	dur=$(awk -v p="$post" 'BEGIN { print 2.2 + p }')
	watch_start
	if ! pair_up "$impl" "$pre"; then
		log "  set-up failed: $E2E_ERR"
		watch_stop
		reset_state
		return 2
	fi
	case $scen in
	failback-*)
		old=r2 new=r1
		stop_node n1 TERM 5 || log "  stopping r1: $E2E_ERR"
		if ! wait_for "r2 MASTER" 10 peer_is n2 MASTER; then
			log "  set-up failed: $E2E_ERR"
			watch_stop
			reset_state
			return 2
		fi
		[ "$(impl_kind "$impl")" = carp ] || wait_for "VIP gone from r1" 3 eval '! vip_on 1' ||
			log "  $E2E_ERR"
		;;
	esac
	sleep 1.5
	local steady_ok=1
	case $scen in
	failback-*) peer_is n2 MASTER || steady_ok=0 ;;
	*) peers_are n1 n2 || steady_ok=0 ;;
	esac
	if [ "$steady_ok" = 0 ] || ! client_warm; then
		log "  set-up failed (not steady): $E2E_ERR"
		watch_stop
		reset_state
		return 2
	fi
	start_probes "$tag" "$dur" "$ff" || { log "  probes: $E2E_ERR"; watch_stop; reset_state; return 2; }
	sleep_random_phase
	# The fault, stamped immediately before it is made.
	case $scen in
	linkcut)
		stamp_fault "$ff"
		ip -n "$NS_LAN" link set r1 down
		;;
	sigkill)
		if [ "${NODE_KIND[n1]:-}" = keepalived ]; then
			local child
			child=$(ka_child n1)
			kill -STOP "${NODE_PID[n1]}"
			stamp_fault "$ff"
			kill -KILL "$child"
			kill -KILL "${NODE_PID[n1]}"
			wait "${NODE_PID[n1]}" 2>/dev/null
		else
			stamp_fault "$ff"
			stop_node n1 KILL 3 || log "  $E2E_ERR"
		fi
		;;
	sigterm)
		stamp_fault "$ff"
		stop_node n1 TERM 5 || log "  $E2E_ERR"
		;;
	failback-*)
		stamp_fault "$ff"
		impl_start "$impl" 1 "$pre"
		;;
	esac
	if ! wait_probes "$tag" "${dur%.*}"; then
		log "  probe failed: $E2E_ERR"
		watch_stop
		reset_state
		return 2
	fi
	# A split brain: the stopped master's box still holds the VIP while r2 holds it too.
	# After a link cut r1 keeping it is noted apart (the client cannot reach r1 then).
	if [ "$(impl_kind "$impl")" != carp ] && vip_on 1 && vip_on 2; then
		case $scen in
		sigkill | sigterm) split=1 ;;
		linkcut) kept=1 ;;
		esac
	fi
	if ! watch_stop; then
		log "  discarded: someone else's run overlapped (pids $(sort -u "$E2E_TMP/busy" | tr '\n' ' '))"
		reset_state
		return 3
	fi
	rec=$("$E2E_PY" "$HELPER" analyze --ping "$E2E_TMP/$tag-ping.json" \
		--wire "$E2E_TMP/$tag-wire.json" --fault-file "$ff" --old "$old" --new "$new" \
		--out "$RESULTS" --meta "impl=$impl" --meta "scen=$scen" --meta "run=$run" \
		--meta "attempt=$att" --meta "label=$(impl_label "$impl")" --meta "split_vip=$split" --meta "cut_kept_vip=$kept") ||
		{ log "  analysis failed"; reset_state; return 2; }
	[ "$KEEP" = 1 ] || rm -f "$E2E_TMP/$tag"-*.json
	reset_state
	"$E2E_PY" -c '
import json, sys
r = json.loads(sys.argv[1])
print("  %s: outage %s ms, lost %s, takeover %s ms, first advert from the new master %s ms%s%s" % (
    r["status"], r["outage_ms"], r["lost"], r["takeover_ms"], r["wire_ms"],
    ", SPLIT BRAIN (VIP on both)" if r["split_vip"] == "1" else "",
    (" (" + r["pre_why"] + ")") if r["pre_why"] else ""))' "$rec"
	[[ $rec == *'"status": "ok"'* ]] && return 0
	return 1
}

# ---------------------------------------------------------------------------------------
# Steady windows: adverts/s, CPU, false takeovers

# steady_window IMPL [HOGS]: prints nothing; appends a record; 0 when stable, 1 not,
# 2 failed, 3 overlapped by someone else's run. HOGS busy loops run during the window.
steady_window() {
	local impl=$1 hogs=${2:-0} tag="s-$1-$SUB1-$SUB2-${2:-0}" a0 a1 b0 b1 ta0 ta1 tb0 tb1 t0 t1 win
	local rec label i
	watch_start
	if ! pair_up "$impl" true || ! client_warm; then
		log "  set-up failed: $E2E_ERR"
		watch_stop
		reset_state
		return 2
	fi
	sleep 1.5
	ta0=$(node_transitions n1) tb0=$(node_transitions n2)
	label=$(impl_label "$impl")
	for ((i = 0; i < hogs; i++)); do
		ip netns exec "$NS_CLIENT" timeout $((STEADY + 20)) sh -c 'while :; do :; done' &
		BG_PID[hog$i]=$!
	done
	[ "$hogs" -gt 0 ] && label+=" + $hogs CPU hogs"
	start_probes "$tag" "$STEADY" || { log "  probes: $E2E_ERR"; watch_stop; reset_state; return 2; }
	t0=$EPOCHREALTIME
	a0=$(node_ticks n1) b0=$(node_ticks n2)
	sleep "$STEADY"
	a1=$(node_ticks n1) b1=$(node_ticks n2)
	t1=$EPOCHREALTIME
	wait_probes "$tag" "$STEADY" || { log "  probe failed: $E2E_ERR"; watch_stop; reset_state; return 2; }
	ta1=$(node_transitions n1) tb1=$(node_transitions n2)
	if ! watch_stop; then
		log "  discarded: someone else's run overlapped"
		reset_state
		return 3
	fi
	win=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	rec=$("$E2E_PY" "$HELPER" steady --ping "$E2E_TMP/$tag-ping.json" \
		--wire "$E2E_TMP/$tag-wire.json" --window "$win" --ticks "$a0" "$a1" "$b0" "$b1" \
		--trans "$ta0" "$ta1" "$tb0" "$tb1" --out "$STEADY_OUT" --meta "impl=$impl" \
		--meta "label=$label" --meta "master_down=$(master_down "$impl")" \
		--meta "setting=$SUB1/$SUB2" --meta "hogs=$hogs") || { reset_state; return 2; }
	[ "$KEEP" = 1 ] || rm -f "$E2E_TMP/$tag"-*.json
	reset_state
	log "  $rec"
	[[ $rec == *'"stable": true'* ]]
}

steady_retry() { # IMPL [HOGS]
	local att rc
	for att in 1 2 3; do
		budget_left $((STEADY + 40)) || { NOTES+=("budget exhausted before the steady window of $1"); return 2; }
		wait_idle || { NOTES+=("budget exhausted waiting for an idle machine"); return 2; }
		log "steady window: $(impl_label "$1"), ${STEADY} s${2:+, $2 CPU hogs}"
		steady_window "$1" "${2:-0}"
		rc=$?
		[ "$rc" -le 1 ] && return "$rc"
	done
	return 2
}

# ---------------------------------------------------------------------------------------
# Main

topo_create || die "$E2E_ERR"
for ns in "$NS_LAN" "$NS_R1" "$NS_R2" "$NS_CLIENT"; do
	OUR_NETNS+="$(command stat -L -c %i "/var/run/netns/$ns") "
done
log "topology $E2E_ID-{lan,r1,r2,client}; temporary directory $E2E_TMP"
log "implementations: $IMPLS; scenarios: $SCENS; runs: $RUNS; budget ${BUDGET} s"

CHOSEN=
CHOICE_NOTE=
if [ "$STEADY" -gt 0 ]; then
	for impl in $IMPLS; do
		if [ "$impl" = carp-sub ]; then
			if [ -n "$SUBSEC" ]; then
				SUB1=${SUBSEC%/*} SUB2=${SUBSEC#*/}
				steady_retry carp-sub
				[ "$LOAD" -gt 0 ] && steady_retry carp-sub "$LOAD"
				CHOSEN=$SUBSEC
				CHOICE_NOTE="given with --subsec"
				continue
			fi
			unstable=()
			for c in $CANDIDATES; do
				SUB1=${c%/*} SUB2=${c#*/}
				steady_retry carp-sub
				rc=$?
				[ "$LOAD" -gt 0 ] && steady_retry carp-sub "$LOAD"
				if [ "$rc" = 0 ] && [ -z "$CHOSEN" ]; then
					CHOSEN=$c
				elif [ "$rc" = 1 ]; then
					unstable+=("$c")
				fi
			done
			if [ -z "$CHOSEN" ]; then
				# shellcheck disable=SC2086 # one word per setting
				set -- $CANDIDATES
				CHOSEN=${!#}
				CHOICE_NOTE="no candidate was stable over ${STEADY} s; the slowest one is used"
				NOTES+=("$CHOICE_NOTE")
			else
				CHOICE_NOTE="the fastest of ${CANDIDATES% } with no standby advert, no standby echo reply and no transition over a ${STEADY} s steady window${unstable[*]:+; unstable: ${unstable[*]}}"
			fi
		else
			steady_retry "$impl"
			[ "$LOAD" -gt 0 ] && [ "$impl" = ka-0.01 ] && steady_retry "$impl" "$LOAD"
		fi
	done
else
	CHOSEN=$SUBSEC
	CHOICE_NOTE="given with --subsec"
fi
SUB1=${CHOSEN%/*} SUB2=${CHOSEN#*/}
want_impl carp-sub && log "sub-second setting: advbase 0, advskew $CHOSEN ($CHOICE_NOTE)"

declare -A VALID=()
stop_all=0
for run in $(seq 1 "$RUNS"); do
	for scen in $SCENS; do
		for impl in $IMPLS; do
			att=0
			overlaps=0
			while :; do
				att=$((att + 1))
				if ! budget_left 40 || ! wait_idle; then
					NOTES+=("the budget (${BUDGET} s) ran out at run $run: later trials not done")
					stop_all=1
					break 3
				fi
				log "trial $run/$RUNS $scen: $(impl_label "$impl") (attempt $att)"
				run_trial "$impl" "$scen" "$run" "$att"
				rc=$?
				if [ "$rc" = 0 ]; then
					VALID[$impl/$scen]=$((${VALID[$impl/$scen]:-0} + 1))
					break
				fi
				# overlapped runs do not count as attempts (up to 20 of them)
				if [ "$rc" = 3 ]; then
					overlaps=$((overlaps + 1))
					[ "$overlaps" -le 20 ] && att=$((att - 1))
				fi
				if [ "$att" -ge "$MAX_ATTEMPTS" ]; then
					NOTES+=("$impl $scen run $run: no valid trial in $MAX_ATTEMPTS attempts")
					FAILED=1
					break
				fi
			done
		done
	done
done
[ "$stop_all" = 1 ] && FAILED=1

# ---------------------------------------------------------------------------------------
# Report

KA_SAMPLE=$E2E_TMP/ka-sample.conf
make_ka_conf "$KA_SAMPLE" carp0 150 '<advert_int>' true
{
	cat <<EOF
# topology: tests/e2e/lib.sh topo_create (bridge br0 in \$N-lan, stp_state 0 forward_delay 0
# mcast_snooping 0; veths r1 <-> \$N-r1 carp0, r2 <-> \$N-r2 carp1, client <-> \$N-client eth0)

# carp-dpdk (r1; r2: carp1, 10.99.0.3, advskew 100 resp. $SUB2), \$T/carp-dpdk a copy of
# build/app/carp-dpdk/carp-dpdk taken at the start, config \$T/n1.yaml below
ip netns exec \$N-r1 stdbuf -oL -eL \$T/carp-dpdk -l 0-1 --no-huge -m 512 \\
    --file-prefix=\$N-n1 --no-pci -- -c \$T/n1.yaml
EOF
	echo "#   \$T/n1.yaml of the sub-second setting (advbase 1: advbase 1, advskew 0 / 100;"
	echo "#   preempt false for failback-nopreempt):"
	make_config "$E2E_TMP/sample.yaml" carp0 10.99.0.2/24 "${SUB1:-1}" true carp-demo 0
	sed 's/^/#   /' "$E2E_TMP/sample.yaml"
	cat <<EOF

# ucarp (r1 advskew 0; r2 --interface=carp1 --srcip=10.99.0.3 --advskew=100); -P: preempt
ip netns exec \$N-r1 stdbuf -oL -eL ucarp --interface=carp0 --srcip=10.99.0.2 --vhid=1 \\
    --pass=carp-demo --addr=10.99.0.1 --advbase=1 --advskew=0 --mcast=224.0.0.18 --shutdown \\
    --upscript=\$T/vip-up.sh --downscript=\$T/vip-down.sh --xparam=24 -P
#   vip-up.sh: ip addr add "\$2/\$3" dev "\$1"      vip-down.sh: ip addr del "\$2/\$3" dev "\$1"

# keepalived (r1 priority 150; r2 carp1, priority 100), config \$T/n1.conf below
ip netns exec \$N-r1 keepalived --vrrp --dont-fork --log-console --log-detail --no-syslog \\
    --dont-respawn --use-file=\$T/n1.conf --pid=\$T/n1.pid --vrrp_pid=\$T/n1-vrrp.pid
EOF
	sed 's/^/#   /' "$KA_SAMPLE"
	cat <<EOF
#   (preempt off: nopreempt in vrrp_instance)

# the probes, in the client's namespace (D = 2.2 s + the scenario's observation time)
ip netns exec \$N-client /usr/bin/python3 tests/e2e/probe.py ping 10.99.0.1 --interval 0.01 \\
    --duration D --fault-file \$T/F --tolerate-down --watch \$N-lan/r1=r1 --watch \$N-lan/r2=r2
ip netns exec \$N-client /usr/bin/python3 tests/e2e/probe.py sniff \$N-lan/r1=r1 \$N-lan/r2=r2 \\
    --filter carp --filter garp --vip 10.99.0.1 --duration D+0.3 --tolerate-down

# faults, after 1 s + U[0,1) s of probing, each stamped (echo \$EPOCHREALTIME > \$T/F) just before
ip -n \$N-lan link set r1 down                           # linkcut
kill -KILL <r1>                                         # sigkill (carp-dpdk, ucarp)
kill -STOP <parent>; kill -KILL <vrrp child> <parent>   # sigkill (keepalived: a crash)
kill -TERM <r1>                                         # sigterm
# failback-*: kill -TERM <r1>, r2 MASTER, 1.5 s, then r1 started again (the fault)
EOF
} >"$COMMANDS"

"$E2E_PY" - "$INFO" <<EOF
import json, sys
info = {
    "when": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "cmdline": """$CMDLINE""",
    "machine": """$(nproc) CPUs ($(grep -c ^processor /proc/cpuinfo) online), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r); both nodes on lcores 0-1 (-l 0-1, idle: adaptive), the probes on the same 2 cores""",
    "binary": """$BIN, copied at the start ($BIN_ID)""",
    "versions": """ucarp $(ucarp --help 2>&1 | awk '/^ucarp / { print $2; exit }'), keepalived $(keepalived --version 2>&1 | awk 'NR == 1 { print $2 }')""",
    "method": "fault at 1 s + U[0,1) s after the probe started (a random phase of the advert cycle); every trial from a fresh start of both nodes (r1 first), r1 MASTER, r2 BACKUP, client neighbour cache flushed, 1.5 s steady; a trial with a reply or advert from the standby or a lost probe before the fault is discarded and repeated",
    "budget_note": """$(printf '%s; ' "${NOTES[@]}" | sed 's/; $//')""",
    "chosen": "advbase 0, advskew $CHOSEN",
    "choice_note": """$CHOICE_NOTE""",
    "ab1_limit_ms": str(3000 + 100 * 1000 / 256 + 50),
    "commands": "$COMMANDS",
}
json.dump(info, open(sys.argv[1], "w"))
EOF

echo
"$E2E_PY" "$HELPER" report --results "$RESULTS" --steady "$STEADY_OUT" --info "$INFO" \
	${DOC:+--doc "$DOC"} >"$E2E_TMP/report.txt"
grep -v '^carp-dpdk medians:' "$E2E_TMP/report.txt"
LAST=$(grep '^carp-dpdk medians:' "$E2E_TMP/report.txt" | tail -n 1)
[ -n "$LAST" ] || LAST="carp-dpdk medians: linkcut_ms=NA sigterm_ms=NA sigterm_lost=NA sigkill_ms=NA"
[ "$KEEP" = 1 ] && echo "kept: $E2E_TMP"
echo "$LAST"
exit "$FAILED"
