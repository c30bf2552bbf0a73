# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers for carp-dpdk's end-to-end tests: a throw-away topology in network namespaces,
# nodes started and stopped by PID, bounded waits, telemetry look-ups and TAP output.
#
#   source "$(dirname "$0")/lib.sh"
#   e2e_init "$@"                        # args from meson: BINARY SOURCE_ROOT (both optional)
#   tap_plan behaviour_a behaviour_b     # "1..2"; names are reported in any order
#   topo_create                          # namespaces lan (bridge br0), r1, r2, client
#   start_node a "$NS_R1" "$E2E_SRC/config/carp.yaml"
#   wait_for "node a MASTER" 10 node_is a MASTER && tap_ok behaviour_a ...
#   tap_summary                          # exit status: 0 when every planned line is ok
#
# Topology (names unique per run: ce2e<PID>-lan, ...; the routers' ports have no address,
# carp-dpdk owns it; IPv6 off, rp_filter 0, no br_netfilter on the bridge):
#
#     r1: carp0 ---- r1 \
#     r2: carp1 ---- r2 -- br0 (lan)     stp_state 0 forward_delay 0 mcast_snooping 0
#     client: eth0 - client /            eth0 10.99.0.9/24
#
# Everything is torn down from the EXIT trap: processes by their PID (SIGTERM, then
# SIGKILL after 3 s), then the namespaces, the EAL runtime directories and the temp dir.
# E2E_KEEP=1 keeps the temp dir (logs, JSON) for a look afterwards.

set -u

# Constants the tests read.
E2E_PY=/usr/bin/python3
VIP=10.99.0.1
# shellcheck disable=SC2034
VMAC=00:00:5e:00:01:01
CLIENT_IP=10.99.0.9
# Master-down interval of the backup (advbase 1, advskew 100): 3 s + 100/256 s, in ms.
# shellcheck disable=SC2034
MASTER_DOWN_B_MS=3391

declare -gA NODE_PID=() NODE_NS=() NODE_PREFIX=() NODE_LOG=() NODE_RC=()
declare -ga E2E_PIDS=() E2E_NETNS=() E2E_PREFIXES=()
declare -ga TAP_NAMES=()
declare -gA TAP_DONE=()
E2E_ERR=
TAP_N=0
TAP_FAILS=0
E2E_TMP=

# ---------------------------------------------------------------------------------------
# TAP

tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

tap_diag() {
	local line
	while IFS= read -r line; do echo "# $line"; done <<<"$*"
}

# tap_plan NAME... : the behaviours this test reports, one TAP line each.
tap_plan() {
	TAP_NAMES=("$@")
	echo "1..$#"
}

_tap_line() { # STATUS NAME [DIAG]
	local status=$1 name=$2 diag=${3:-}
	if [ -n "${TAP_DONE[$name]:-}" ]; then
		tap_diag "internal: $name reported twice"
		return
	fi
	TAP_DONE[$name]=$status
	TAP_N=$((TAP_N + 1))
	if [ "$status" = ok ]; then
		echo "ok $TAP_N - $name"
	else
		TAP_FAILS=$((TAP_FAILS + 1))
		echo "not ok $TAP_N - $name"
		[ -n "$diag" ] && tap_diag "$diag"
	fi
	return 0
}

tap_ok() { _tap_line ok "$1"; }
tap_not_ok() { _tap_line "not ok" "$1" "${2:-}"; }

# tap_check NAME CMD... : ok when CMD succeeds; the diagnostic is $E2E_ERR set by CMD.
tap_check() {
	local name=$1
	shift
	E2E_ERR=
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name" "${E2E_ERR:-failed: $*}"; fi
}

# tap_abort REASON : every planned behaviour not yet reported fails with REASON.
tap_abort() {
	local name
	for name in "${TAP_NAMES[@]}"; do
		[ -n "${TAP_DONE[$name]:-}" ] || tap_not_ok "$name" "not run: $*"
	done
	tap_summary
}

tap_summary() {
	local name
	for name in "${TAP_NAMES[@]}"; do
		[ -n "${TAP_DONE[$name]:-}" ] || tap_not_ok "$name" "not run (the test ended early)"
	done
	if [ "$TAP_FAILS" -gt 0 ]; then
		diag_nodes
	fi
	tap_diag "$((TAP_N - TAP_FAILS)) passed, $TAP_FAILS failed"
	[ "$TAP_FAILS" -eq 0 ]
	exit $?
}

# The last lines of every node's log, as TAP comments.
diag_nodes() {
	local n
	for n in "${!NODE_LOG[@]}"; do
		tap_diag "--- node $n (${NODE_NS[$n]}, pid ${NODE_PID[$n]}) log tail:"
		tap_diag "$(tail -n 15 "${NODE_LOG[$n]}" 2>/dev/null)"
	done
}

# ---------------------------------------------------------------------------------------
# Set-up and teardown

require_root() {
	[ "$(id -u)" -eq 0 ] || tap_skip_all "not root"
}

# e2e_init [BINARY [SOURCE_ROOT]]: the checks of a test (skip without root or scapy),
# then e2e_env.
e2e_init() {
	require_root
	[ -x "$E2E_PY" ] || tap_skip_all "no $E2E_PY"
	"$E2E_PY" -c 'import scapy.layers.l2' 2>/dev/null ||
		tap_skip_all "python3-scapy missing (scripts/install-deps.sh or apt-get install python3-scapy)"
	command -v ip >/dev/null || tap_skip_all "iproute2 missing"
	local bin=${1:-$(dirname "${BASH_SOURCE[0]}")/../../build/app/carp-dpdk/carp-dpdk}
	if [ ! -x "$bin" ]; then
		echo "Bail out! no carp-dpdk binary at $bin"
		exit 1
	fi
	e2e_env ce2e "$bin" "${2:-}"
}

# e2e_env TAG BINARY [SOURCE_ROOT]: names (namespaces TAG<PID>-lan, ...), temp dir, the
# EXIT trap; reaps what dead runs with the same TAG left behind.
e2e_env() {
	E2E_TAG=$1
	E2E_SRC=$(cd "${3:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
	E2E_BIN=$(realpath "$2")
	E2E_STATUS=$E2E_SRC/scripts/carp-status.py
	E2E_PROBE=$E2E_SRC/tests/e2e/probe.py
	CFG_A=$E2E_SRC/config/carp.yaml      # the shipped demo pair (af_packet on carp0/carp1)
	CFG_B=$E2E_SRC/config/carp-peer.yaml
	E2E_ID="$E2E_TAG$$"
	NS_LAN=$E2E_ID-lan
	NS_R1=$E2E_ID-r1
	NS_R2=$E2E_ID-r2
	NS_CLIENT=$E2E_ID-client
	E2E_TMP=$(mktemp -d "/tmp/carp-$E2E_ID-$(basename "$0" .sh).XXXXXX")
	trap e2e_teardown EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# stdbuf keeps the node's stdout line-buffered in its log, but its LD_PRELOAD cannot
	# go in front of an ASan runtime.
	E2E_STDBUF=(stdbuf -oL -eL)
	if ldd "$E2E_BIN" 2>/dev/null | grep -q 'libasan'; then
		E2E_STDBUF=()
	fi
	e2e_reap_stale
}

# _pid_alive PID: the process exists and is not a zombie.
_pid_alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ]
}

# Namespaces, EAL runtime dirs and temp dirs (but those kept by E2E_KEEP=1) left by an
# earlier run whose shell (TAG<PID>) is gone: its processes (started by that run, found by
# PID in its namespaces) are killed, then the namespaces are deleted. Runs of live shells
# are never touched.
e2e_reap_stale() {
	local ns owner p d
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${E2E_TAG}[0-9]+-" || true); do
		owner=${ns#"$E2E_TAG"}
		owner=${owner%%-*}
		_pid_alive "$owner" && continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	for d in /var/run/dpdk/"$E2E_TAG"*-*; do
		[ -d "$d" ] || continue
		owner=${d#/var/run/dpdk/"$E2E_TAG"}
		owner=${owner%%-*}
		[[ $owner =~ ^[0-9]+$ ]] || continue
		_pid_alive "$owner" || rm -rf "$d"
	done
	for d in /tmp/carp-"$E2E_TAG"[0-9]*-*; do
		[ -d "$d" ] || continue
		owner=${d#/tmp/carp-"$E2E_TAG"}
		owner=${owner%%-*}
		[[ $owner =~ ^[0-9]+$ ]] || continue
		[ -e "$d/.keep" ] || _pid_alive "$owner" || rm -rf "$d"
	done
}

# Stop PIDs we started: SIGTERM, up to 3 s, then SIGKILL. Reaps them.
_stop_pids() {
	local p live deadline
	live=()
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null && live+=("$p")
	done
	deadline=$((SECONDS + 3))
	while [ ${#live[@]} -gt 0 ] && [ "$SECONDS" -lt "$deadline" ]; do
		local still=()
		for p in "${live[@]}"; do kill -0 "$p" 2>/dev/null && still+=("$p"); done
		live=("${still[@]}")
		[ ${#live[@]} -gt 0 ] && sleep 0.05
	done
	for p in "${live[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
	return 0
}

e2e_teardown() {
	local ns pfx
	trap - EXIT INT TERM
	_stop_pids "${E2E_PIDS[@]}" 2>/dev/null
	for ns in "${E2E_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for pfx in "${E2E_PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$pfx"; done
	if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			touch "$E2E_TMP/.keep"
			echo "# kept $E2E_TMP" >&2
		else
			rm -rf "$E2E_TMP"
		fi
	fi
}

# ---------------------------------------------------------------------------------------
# Topology

_ns_add() {
	ip netns add "$1" || return 1
	E2E_NETNS+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 >/dev/null || return 1
	ip -n "$1" link set lo up
}

# topo_attach NS IFACE PORT: a veth from bridge port PORT (in the lan namespace) to IFACE
# in NS, both up.
topo_attach() {
	local ns=$1 iface=$2 port=$3
	ip -n "$NS_LAN" link add name "$port" type veth peer name "$iface" netns "$ns" &&
		ip -n "$NS_LAN" link set "$port" master br0 up &&
		ip -n "$ns" link set "$iface" up
}

topo_create() {
	local ns
	for ns in "$NS_LAN" "$NS_R1" "$NS_R2" "$NS_CLIENT"; do
		_ns_add "$ns" || { E2E_ERR="cannot create namespace $ns"; return 1; }
	done
	# A plain switch: with br_netfilter loaded the bridge would hand IPv4 to netfilter,
	# which drops frames with a bad IP header or length before they reach the nodes.
	if [ -d /proc/sys/net/bridge ]; then
		ip netns exec "$NS_LAN" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 \
			>/dev/null 2>&1
	fi
	ip -n "$NS_LAN" link add name br0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 &&
		ip -n "$NS_LAN" link set br0 up &&
		topo_attach "$NS_R1" carp0 r1 &&
		topo_attach "$NS_R2" carp1 r2 &&
		topo_attach "$NS_CLIENT" eth0 client &&
		ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev eth0 ||
		{ E2E_ERR="cannot build the topology"; return 1; }
}

# ---------------------------------------------------------------------------------------
# Configurations

# make_config FILE IFACE ADDRESS ADVSKEW PREEMPT PASSPHRASE [ADVBASE]: a one-port,
# one-VHID node (vhid 1, VIP 10.99.0.1) in the schema of docs/CONFIG.md.
make_config() {
	cat >"$1" <<EOF
global:
  idle: adaptive
ports:
  - name: lan
    device: "net_af_packet0,iface=$2"
    addresses: [$3]
vhids:
  - vhid: 1
    port: lan
    advbase: ${7:-1}
    advskew: $4
    preempt: $5
    passphrase: "$6"
    vips: [$VIP]
EOF
}

# ---------------------------------------------------------------------------------------
# Nodes

# start_node NAME NS CONFIG [EXTRA_APP_ARGS...]: carp-dpdk in NS, in the background; its
# stdout and stderr go to $E2E_TMP/NAME.log. No --vdev: the app adds its ports itself.
start_node() {
	local name=$1 ns=$2 cfg=$3
	shift 3
	local prefix="$E2E_ID-$name"
	local log="$E2E_TMP/$name.log"
	E2E_PREFIXES+=("$prefix")
	ip netns exec "$ns" "${E2E_STDBUF[@]}" "$E2E_BIN" -l 0-1 --no-huge -m 512 \
		--file-prefix="$prefix" --no-pci -- -c "$cfg" "$@" >"$log" 2>&1 &
	NODE_PID[$name]=$!
	NODE_NS[$name]=$ns
	NODE_PREFIX[$name]=$prefix
	NODE_LOG[$name]=$log
	unset "NODE_RC[$name]"
	E2E_PIDS+=($!)
}

node_alive() { kill -0 "${NODE_PID[$1]}" 2>/dev/null; }

# wait_node_up NAME TIMEOUT_S: its telemetry answers /carp/status; fails at once if the
# process exits.
wait_node_up() {
	wait_for "node $1 to serve telemetry" "$2" _node_answers "$1"
}
_node_answers() {
	node_alive "$1" || { E2E_ERR="node $1 exited: $(tail -n 5 "${NODE_LOG[$1]}")"; return 2; }
	node_query "$1" /carp/status >/dev/null 2>&1 || return 1
}

# stop_node NAME SIGNAL [TIMEOUT_S]: send SIGNAL; wait (whole seconds, default 5) for the
# exit; NODE_RC[NAME] holds the exit status (128+N for a signal). Fails on time-out.
stop_node() {
	local name=$1 sig=$2 t=${3:-5} pid=${NODE_PID[$1]} deadline
	kill -"$sig" "$pid" 2>/dev/null || { E2E_ERR="node $name (pid $pid) not running"; return 1; }
	deadline=$(($(now_ms) + t * 1000))
	# The shell's "Killed" notice for the job goes to /dev/null with the loop's stderr.
	{
		while kill -0 "$pid" 2>/dev/null; do
			if [ "$(now_ms)" -ge "$deadline" ]; then
				E2E_ERR="node $name (pid $pid) still running ${t}s after SIG$sig"
				return 1
			fi
			sleep 0.02
		done
		wait "$pid"
		# shellcheck disable=SC2034 # read by the tests
		NODE_RC[$name]=$?
	} 2>/dev/null
	return 0
}

# node_query NAME COMMAND: the JSON value of a telemetry command.
node_query() {
	"$E2E_PY" "$E2E_STATUS" --prefix "${NODE_PREFIX[$1]}" --compact --timeout 1 "$2"
}

# node_get NAME COMMAND PATH: one field, e.g. node_get a /carp/status 1@lan.state
node_get() {
	"$E2E_PY" "$E2E_STATUS" --prefix "${NODE_PREFIX[$1]}" --timeout 1 --get "$3" "$2" 2>/dev/null
}

# node_state NAME [VHID@PORT]: INIT, BACKUP, MASTER, or DOWN when it does not answer.
node_state() {
	node_get "$1" /carp/status "${2:-1@lan}.state" || echo DOWN
}

# node_is NAME STATE [VHID@PORT]
node_is() {
	local s
	s=$(node_state "$1" "${3:-1@lan}")
	[ "$s" = "$2" ] || { E2E_ERR="node $1 is $s, not $2"; return 1; }
}

# node_py NAME EXPR: evaluate a Python expression (printed), or run statements (several
# lines), against the node's telemetry:
#   q(cmd) the reply to a command; entry(reply, key="1@lan") one entry of it;
#   total(reason) the sum of a /carp/stats counter over every entry.
node_py() {
	"$E2E_PY" - "$E2E_STATUS" "${NODE_PREFIX[$1]}" "$2" <<'EOF'
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("carp_status", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
prefix = sys.argv[2]
def q(cmd):
    return m.query(prefix, cmd, 1.0)
def entry(reply, key="1@lan"):
    e = m.find_entry(reply, key)
    if e is None:
        raise m.TelemetryError(f"no entry {key} (have: {', '.join(sorted(reply))})")
    return e
def total(reason, cmd="/carp/stats"):
    vals = [e[reason] for e in q(cmd).values() if isinstance(e, dict) and reason in e]
    if not vals:
        raise m.TelemetryError(f"no counter '{reason}' in {cmd}")
    return sum(vals)
src = sys.argv[3]
try:
    if "\n" in src.strip():
        exec(src.strip(), globals())
    else:
        v = eval(src)
        print(json.dumps(v) if isinstance(v, (dict, list)) else v)
except (m.TelemetryError, OSError, KeyError, TypeError) as e:
    print(f"telemetry: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
EOF
}

# ---------------------------------------------------------------------------------------
# Waiting and timing

# now_ms: wall-clock milliseconds (the clock probe.py stamps with).
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# wait_for DESC TIMEOUT_S CMD...: run CMD every 50 ms until it succeeds or TIMEOUT_S
# (may be fractional) passes; then fail with E2E_ERR naming DESC. CMD returning 2 stops
# the wait at once (a condition that can no longer come true).
wait_for() {
	local desc=$1 t=$2 deadline rc
	shift 2
	deadline=$(($(now_ms) + $(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')))
	while :; do
		E2E_ERR=
		"$@"
		rc=$?
		[ "$rc" -eq 0 ] && return 0
		if [ "$rc" -eq 2 ]; then
			E2E_ERR="gave up waiting for $desc: $E2E_ERR"
			return 1
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			E2E_ERR="timed out after ${t}s waiting for $desc${E2E_ERR:+ ($E2E_ERR)}"
			return 1
		fi
		sleep 0.05
	done
}

# hold_for DESC DURATION_S CMD...: CMD must stay true, checked every 100 ms, for the whole
# DURATION_S; fails on the first check that does not hold.
hold_for() {
	local desc=$1 t=$2 deadline
	shift 2
	deadline=$(($(now_ms) + $(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		E2E_ERR=
		"$@" || { E2E_ERR="$desc stopped holding: $E2E_ERR"; return 1; }
		sleep 0.1
	done
}

# Both demo roles settled: a MASTER, b BACKUP.
roles_are() { # NAME_MASTER NAME_BACKUP
	node_is "$1" MASTER || return 1
	node_is "$2" BACKUP
}

# exactly_one_master NAME...: one of the nodes is MASTER, no more.
exactly_one_master() {
	local n masters=()
	for n in "$@"; do
		[ "$(node_state "$n")" = MASTER ] && masters+=("$n")
	done
	[ ${#masters[@]} -eq 1 ] || { E2E_ERR="masters: ${masters[*]:-none}"; return 1; }
}

# A random phase in the advert cycle before a fault: 1 s + U[0,1) s.
sleep_random_phase() {
	sleep "1.$(printf '%03d' $((RANDOM % 1000)))"
}

# stamp_fault FILE: the fault's epoch, immediately before it is made.
stamp_fault() {
	echo "$EPOCHREALTIME" >"$1"
}

# ---------------------------------------------------------------------------------------
# Client-side probes (probe.py) and JSON

# probe NS ARGS...: run probe.py in namespace NS (foreground, bounded by its arguments).
probe() {
	local ns=$1
	shift
	timeout 120 ip netns exec "$ns" "$E2E_PY" "$E2E_PROBE" "$@"
}

# probe_bg NAME NS ARGS...: probe.py in the background, JSON to $E2E_TMP/NAME.json; waits
# (up to 5 s) until its captures are open.
declare -gA BG_PID=()
probe_bg() {
	local name=$1 ns=$2
	shift 2
	local ready="$E2E_TMP/$name.ready"
	rm -f "$ready"
	ip netns exec "$ns" "$E2E_PY" "$E2E_PROBE" "$@" --ready-file "$ready" \
		>"$E2E_TMP/$name.json" 2>"$E2E_TMP/$name.err" &
	BG_PID[$name]=$!
	E2E_PIDS+=($!)
	wait_for "probe $name to start" 5 test -s "$ready"
}

# probe_wait NAME TIMEOUT_S: wait for a background probe to finish; fails if it does not
# or exits non-zero.
probe_wait() {
	local name=$1 pid=${BG_PID[$1]} rc
	wait_for "probe $name to finish" "$2" _not_running "$pid" || return 1
	wait "$pid"
	rc=$?
	[ "$rc" -eq 0 ] || { E2E_ERR="probe $name exited $rc: $(tail -n 3 "$E2E_TMP/$name.err")"; return 1; }
}
_not_running() { ! kill -0 "$1" 2>/dev/null; }

# jget FILE EXPR: evaluate EXPR on the JSON document d in FILE (Python syntax).
jget() {
	"$E2E_PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$1" "$2"
}

# Watch options attributing frames to the router whose bridge port they came in on.
watch_routers() {
	echo "--watch $NS_LAN/r1=r1 --watch $NS_LAN/r2=r2"
}

# A number comparison that sets E2E_ERR: check_le WHAT VALUE LIMIT
check_le() {
	awk -v v="$2" -v l="$3" 'BEGIN { exit !(v != "" && v != "None" && v + 0 <= l + 0) }' ||
		{ E2E_ERR="$1 = $2, limit $3"; return 1; }
}
check_eq() {
	[ "$2" = "$3" ] || { E2E_ERR="$1 = $2, want $3"; return 1; }
}

# ---------------------------------------------------------------------------------------
# The demo pair

# start_pair [CFG_A [CFG_B]]: node a in r1 (default config/carp.yaml), node b in r2
# (default config/carp-peer.yaml); both serve telemetry and settle as a MASTER, b BACKUP.
start_pair() {
	start_node a "$NS_R1" "${1:-$CFG_A}"
	start_node b "$NS_R2" "${2:-$CFG_B}"
	wait_node_up a 10 && wait_node_up b 10 &&
		wait_for "node a MASTER and node b BACKUP" 12 roles_are a b
}

# stat NAME FIELD [VHID@PORT]: one /carp/stats counter of the VHID.
stat() {
	node_py "$1" "entry(q('/carp/stats'), '${3:-1@lan}')['$2']"
}

# status_field NAME FIELD [VHID@PORT]: one /carp/status field of the VHID.
status_field() {
	node_py "$1" "entry(q('/carp/status'), '${3:-1@lan}')['$2']"
}

# log_has NAME REGEX: the node's log has a line matching REGEX (extended).
log_has() {
	grep -Eq -- "$2" "${NODE_LOG[$1]}" ||
		{ E2E_ERR="no line matching /$2/ in node $1's log"; return 1; }
}

# The client's neighbour entry for the VIP: its MAC, or "none".
client_neigh_mac() {
	local m
	m=$(ip -n "$NS_CLIENT" neigh show "$VIP" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
	echo "${m:-none}"
}
check_ge() {
	awk -v v="$2" -v l="$3" 'BEGIN { exit !(v != "" && v != "None" && v + 0 >= l + 0) }' ||
		{ E2E_ERR="$1 = $2, want at least $3"; return 1; }
}
