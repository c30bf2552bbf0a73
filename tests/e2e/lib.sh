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
# E2E_LCORES (default "-l 0-1": the control lcore and one worker) is its lcore option;
# more lcores than this machine's cores: "--lcores=(0-3)@(0-1)".
start_node() {
	local name=$1 ns=$2 cfg=$3
	shift 3
	local prefix="$E2E_ID-$name"
	local log="$E2E_TMP/$name.log"
	E2E_PREFIXES+=("$prefix")
	# shellcheck disable=SC2086 # E2E_LCORES is one EAL option, without spaces
	ip netns exec "$ns" "${E2E_STDBUF[@]}" "$E2E_BIN" ${E2E_LCORES:--l 0-1} --no-huge -m 512 \
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
	wait_for "probe $name to start" 5 _probe_ready "$ready" "${BG_PID[$name]}" "$E2E_TMP/$name.err"
}
# A probe that exited before it was ready will never be: give up at once, with its error.
_probe_ready() {
	test -s "$1" && return 0
	kill -0 "$2" 2>/dev/null && return 1
	test -s "$1" && return 0
	E2E_ERR="it exited: $(tail -n 2 "$3" | tr '\n' ' ')"
	return 2
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

# The client's neighbour entry for the IPv6 VIP: its MAC, or "none".
client_neigh6_mac() {
	local m
	m=$(ip -n "$NS_CLIENT" -6 neigh show "$VIP6" dev eth0 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
	echo "${m:-none}"
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

# ---------------------------------------------------------------------------------------
# Forwarding: two segments, the routers on both
#
#   topo_create_fwd                       # topo_create, plus namespaces wan (bridge br0)
#                                         # and server, and each router's second port
#   make_fwd_config FILE LAN_IF WAN_IF LAN_ADDR WAN_ADDR ADVSKEW
#   start_fwd_pair                        # a in r1 MASTER, b in r2 BACKUP, both VHIDs
#
#     r1: carp0 ---- r1 \                           / r1 ---- wan0 :r1
#     r2: carp1 ---- r2 -- br0 (lan)    br0 (wan) -- r2 ---- wan1 :r2
#     client: eth0 - client /                       \ server - eth0 :server
#       10.99.0.9/24, default via VIP 10.99.0.1      10.100.0.9/24, default via 10.100.0.1
#
# vhid 1 on lan (VIP 10.99.0.1), vhid 2 on wan (VIP 10.100.0.1). The hosts' eth0 compute
# their checksums and segment in software: a veth would hand the routers' af_packet ports
# TCP with a checksum left for an offload and segments up to 64 KB (GSO), which no wire
# carries.

# shellcheck disable=SC2034 # read by the tests
WAN_VIP=10.100.0.1
# shellcheck disable=SC2034
WAN_VMAC=00:00:5e:00:01:02
# shellcheck disable=SC2034
SERVER_IP=10.100.0.9
# The IPv6 side of the same (E2E_FWD6=1, docs above make_fwd_config).
LAN6_NET=2001:db8:99
WAN6_NET=2001:db8:100
VIP6=$LAN6_NET::1
WAN_VIP6=$WAN6_NET::1
# shellcheck disable=SC2034
CLIENT6=$LAN6_NET::9
# shellcheck disable=SC2034
SERVER6=$WAN6_NET::9

# fwd_e2e_init [BINARY [SOURCE_ROOT]]: e2e_init, and skip without ethtool (the hosts'
# offloads are switched off with it).
fwd_e2e_init() {
	e2e_init "$@"
	command -v ethtool >/dev/null || tap_skip_all "ethtool missing (apt-get install ethtool)"
}

# topo_attach_in BRIDGE_NS NS IFACE PORT: like topo_attach, on the bridge br0 of BRIDGE_NS.
topo_attach_in() {
	local bns=$1 ns=$2 iface=$3 port=$4
	ip -n "$bns" link add name "$port" type veth peer name "$iface" netns "$ns" &&
		ip -n "$bns" link set "$port" master br0 up &&
		ip -n "$ns" link set "$iface" up
}

# host_offloads_off NS IFACE: checksums and segmentation in software (see above).
host_offloads_off() {
	command -v ethtool >/dev/null || { E2E_ERR="ethtool missing"; return 1; }
	ip netns exec "$1" ethtool -K "$2" tx off sg off tso off gso off gro off >/dev/null 2>&1 ||
		{ E2E_ERR="ethtool -K $2 in $1 failed"; return 1; }
}

topo_create_fwd() {
	topo_create && topo_add_wan
}

# topo_add_wan: the wan side of topo_create_fwd (bridge, the routers' wan0/wan1, the
# server and the hosts' default routes) beside a topology from topo_create.
topo_add_wan() {
	local ns
	NS_WAN=$E2E_ID-wan
	NS_SERVER=$E2E_ID-server
	for ns in "$NS_WAN" "$NS_SERVER"; do
		_ns_add "$ns" || { E2E_ERR="cannot create namespace $ns"; return 1; }
	done
	if [ -d /proc/sys/net/bridge ]; then
		ip netns exec "$NS_WAN" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0 \
			>/dev/null 2>&1
	fi
	ip -n "$NS_WAN" link add name br0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 &&
		ip -n "$NS_WAN" link set br0 up &&
		topo_attach_in "$NS_WAN" "$NS_R1" wan0 r1 &&
		topo_attach_in "$NS_WAN" "$NS_R2" wan1 r2 &&
		topo_attach_in "$NS_WAN" "$NS_SERVER" eth0 server &&
		ip -n "$NS_SERVER" addr add "$SERVER_IP/24" dev eth0 &&
		ip -n "$NS_SERVER" route add default via "$WAN_VIP" &&
		ip -n "$NS_CLIENT" route add default via "$VIP" ||
		{ E2E_ERR="cannot build the forwarding topology"; return 1; }
	host_offloads_off "$NS_CLIENT" eth0 && host_offloads_off "$NS_SERVER" eth0
}

# hosts_ipv6_on: IPv6 on the client and the server (off by default in the namespaces):
# $CLIENT6 and $SERVER6, default routes via the VIPs $VIP6 and $WAN_VIP6 (E2E_FWD6=1).
hosts_ipv6_on() {
	local ns
	for ns in "$NS_CLIENT" "$NS_SERVER"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_ra=0 >/dev/null ||
			{ E2E_ERR="cannot enable IPv6 in $ns"; return 1; }
	done
	ip -n "$NS_CLIENT" -6 addr add "$CLIENT6/64" dev eth0 nodad &&
		ip -n "$NS_CLIENT" -6 route add default via "$VIP6" &&
		ip -n "$NS_SERVER" -6 addr add "$SERVER6/64" dev eth0 nodad &&
		ip -n "$NS_SERVER" -6 route add default via "$WAN_VIP6" ||
		{ E2E_ERR="cannot give the hosts IPv6"; return 1; }
}

# make_fwd_config FILE LAN_IFACE WAN_IFACE LAN_ADDR WAN_ADDR ADVSKEW: ports lan and wan,
# vhid 1 on lan (VIP 10.99.0.1), vhid 2 on wan (VIP 10.100.0.1), preempt, adaptive idle,
# E2E_MBUFS packet buffers (default 16383: enough for one worker). With E2E_FWD6=1 both
# segments are dual-stack: 2001:db8:99::/64 and 2001:db8:100::/64, the host part of the
# IPv4 address as the IPv6 one's, VIPs ...::1 beside the IPv4 ones. E2E_WAN_MTU (default
# 1500) is the wan port's MTU, E2E_ICMP_SOURCE (default address) the ICMP errors' source;
# E2E_FWD_EXTRA is appended (a filter: section), @PEER_LAN@ in it replaced by the other
# node's lan address.
make_fwd_config() {
	local lan6="" wan6="" vip6="" wvip6="" extra=${E2E_FWD_EXTRA:-}
	extra=${extra//@PEER_LAN@/10.99.0.$((${4##*.} == 2 ? 3 : 2))}
	if [ "${E2E_FWD6:-0}" = 1 ]; then
		lan6=", \"$LAN6_NET::${4##*.}/64\"" wan6=", \"$WAN6_NET::${5##*.}/64\""
		vip6=", \"$VIP6\"" wvip6=", \"$WAN_VIP6\""
	fi
	cat >"$1" <<CFG
global:
  idle: adaptive
  preempt: true
  mbufs: ${E2E_MBUFS:-16383}
  icmp_source: ${E2E_ICMP_SOURCE:-address}
ports:
  - name: lan
    device: "net_af_packet0,iface=$2"
    addresses: [$4/24$lan6]
  - name: wan
    device: "net_af_packet1,iface=$3"
    addresses: [$5/24$wan6]
    mtu: ${E2E_WAN_MTU:-1500}
vhids:
  - vhid: 1
    port: lan
    advskew: $6
    passphrase: "lan-secret"
    vips: [$VIP$vip6]
  - vhid: 2
    port: wan
    advskew: $6
    passphrase: "wan-secret"
    vips: [$WAN_VIP$wvip6]
$extra
CFG
}

# Both VHIDs of NAME are in STATE.
fwd_node_is() { # NAME STATE
	node_is "$1" "$2" 1@lan && node_is "$1" "$2" 2@wan
}
fwd_roles_are() { # NAME_MASTER NAME_BACKUP
	fwd_node_is "$1" MASTER && fwd_node_is "$2" BACKUP
}

# start_fwd_pair: configs in $E2E_TMP (r1: .2, advskew 0; r2: .3, advskew 100), node a in
# r1, node b in r2; both serve telemetry and settle, a MASTER and b BACKUP of both VHIDs.
start_fwd_pair() {
	CFG_FA=$E2E_TMP/r1.yaml
	CFG_FB=$E2E_TMP/r2.yaml
	make_fwd_config "$CFG_FA" carp0 wan0 10.99.0.2 10.100.0.2 0
	make_fwd_config "$CFG_FB" carp1 wan1 10.99.0.3 10.100.0.3 100
	start_node a "$NS_R1" "$CFG_FA"
	start_node b "$NS_R2" "$CFG_FB"
	wait_node_up a 10 && wait_node_up b 10 &&
		wait_for "node a MASTER and node b BACKUP of vhids 1 and 2" 12 fwd_roles_are a b
}

# lcore_counters NAME: every /carp/lcores counter summed over the node's lcores (the
# "total" entry does not count twice), as one JSON object ({} when the node does not
# answer).
lcore_counters() {
	node_py "$1" '
tot = {}
for name, e in q("/carp/lcores").items():
    if isinstance(e, dict) and name != "total":
        for k, v in e.items():
            if isinstance(v, int) and not isinstance(v, bool):
                tot[k] = tot.get(k, 0) + v
print(json.dumps(tot, sort_keys=True))' 2>/dev/null || echo '{}'
}

# lcore_entry NAME LCORE: the /carp/lcores entry of one lcore ("worker0", "control",
# "total") as one JSON object ({} when there is none).
lcore_entry() {
	node_py "$1" "json.dumps(q('/carp/lcores').get('$2', {}), sort_keys=True)" 2>/dev/null ||
		echo '{}'
}

# lcore_delta BEFORE AFTER [COUNTER...]: "counter +n" for every counter that changed (or
# for the COUNTERs named), one line, "none" when nothing did.
lcore_delta() {
	"$E2E_PY" -c '
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
keys = sys.argv[3:] or sorted(k for k in a if a[k] != b.get(k, 0))
print(", ".join(f"{k} +{a.get(k, 0) - b.get(k, 0)}" for k in keys) or "none")
' "$@"
}

# lcore_rise BEFORE AFTER COUNTER: how much COUNTER rose.
lcore_rise() {
	"$E2E_PY" -c '
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(a.get(sys.argv[3], 0) - b.get(sys.argv[3], 0))' "$@"
}

# Watch options for the forwarding topology: which router a frame came from, per segment.
watch_routers_lan() {
	echo "--watch $NS_LAN/r1=r1 --watch $NS_LAN/r2=r2"
}

# ---------------------------------------------------------------------------------------
# Real peers (the test_interop_*.sh tests): ucarp and keepalived
#
# A peer runs in a router namespace on that router's veth, which gets an address of its
# own (ucarp and keepalived use the kernel's stack; ucarp's up/down scripts put the VIP on
# the interface). Peers are registered like nodes (NODE_PID, NODE_NS, NODE_LOG), so
# node_alive, stop_node and diag_nodes work on them, and NODE_KIND names the program;
# telemetry helpers (node_state, stat, ...) are for carp-dpdk nodes only. peer_state works
# on both.

declare -gA NODE_KIND=()

# require_program PROGRAM PACKAGE: skip the whole test (before tap_plan) without PROGRAM.
require_program() {
	command -v "$1" >/dev/null 2>&1 ||
		tap_skip_all "$1 missing (apt-get install $2; scripts/install-deps.sh)"
}

# make_config_profile FILE IFACE ADDRESS ADVSKEW PREEMPT PASSPHRASE PROFILE [ADVBASE]:
# make_config with the VHID's profile (openbsd, freebsd or ucarp).
make_config_profile() {
	make_config "$1" "$2" "$3" "$4" "$5" "$6" "${8:-1}" &&
		echo "    profile: $7" >>"$1"
}

# peer_addr NS IFACE ADDRESS/LEN: the peer's own address on its interface.
peer_addr() {
	ip -n "$1" addr add "$3" dev "$2" ||
		{ E2E_ERR="cannot add $3 to $2 in $1"; return 1; }
}

# ns_has_addr NS IFACE ADDRESS: the interface holds ADDRESS (any prefix length).
ns_has_addr() {
	ip -n "$1" -4 -o addr show dev "$2" 2>/dev/null | grep -q " inet $3/"
}

# _register_peer NAME NS LOG KIND PID
_register_peer() {
	NODE_PID[$1]=$5
	NODE_NS[$1]=$2
	NODE_PREFIX[$1]=
	NODE_LOG[$1]=$3
	NODE_KIND[$1]=$4
	unset "NODE_RC[$1]"
	E2E_PIDS+=("$5")
}

# The scripts ucarp runs on a change of state, as SCRIPT IFACE VIP XPARAM; the tests pass
# the VIP's prefix length as --xparam. vip-up.sh adds the VIP to the interface, vip-down.sh
# removes it (silently when it is not there: ucarp runs it at start-up, in BACKUP).
_ucarp_scripts() {
	[ -x "$E2E_TMP/vip-up.sh" ] && return 0
	printf '#!/bin/sh\n# ucarp: vip-up.sh IFACE VIP PREFIXLEN\nexec ip addr add "$2/$3" dev "$1"\n' \
		>"$E2E_TMP/vip-up.sh"
	printf '#!/bin/sh\n# ucarp: vip-down.sh IFACE VIP PREFIXLEN\nip addr del "$2/$3" dev "$1" 2>/dev/null\nexit 0\n' \
		>"$E2E_TMP/vip-down.sh"
	chmod 755 "$E2E_TMP/vip-up.sh" "$E2E_TMP/vip-down.sh"
}

# start_ucarp NAME NS IFACE SRCIP ADVSKEW PASSPHRASE PREFIXLEN [UCARP_OPTION...]: ucarp
# for vhid 1 and $VIP (advbase 1, group 224.0.0.18) in the background, stdout and stderr
# line-buffered in $E2E_TMP/NAME.log. --shutdown: SIGTERM runs the down script, so the
# VIP leaves with the process; a SIGKILLed ucarp leaves it behind. Extra options: -P
# (preempt), ...
start_ucarp() {
	local name=$1 ns=$2 iface=$3 src=$4 skew=$5 pass=$6 plen=$7
	shift 7
	local log="$E2E_TMP/$name.log"
	_ucarp_scripts
	ip netns exec "$ns" stdbuf -oL -eL ucarp --interface="$iface" --srcip="$src" --vhid=1 \
		--pass="$pass" --addr="$VIP" --advbase=1 --advskew="$skew" --mcast=224.0.0.18 \
		--shutdown --upscript="$E2E_TMP/vip-up.sh" --downscript="$E2E_TMP/vip-down.sh" \
		--xparam="$plen" "$@" >"$log" 2>&1 &
	_register_peer "$name" "$ns" "$log" ucarp $!
}

# ucarp_state NAME: INIT, BACKUP or MASTER from the last "Switching to state" line of its
# log; DOWN when the process is gone.
ucarp_state() {
	local s
	node_alive "$1" || { echo DOWN; return 0; }
	s=$(grep -o 'Switching to state: [A-Z]*' "${NODE_LOG[$1]}" 2>/dev/null | tail -n 1)
	echo "${s##* }"
}

# make_keepalived_conf FILE IFACE VRID PRIORITY VIP/LEN VERSION(2|3) [ADVERT_INT]: one
# VRRP instance VI_<VRID>, starting in BACKUP, no authentication.
make_keepalived_conf() {
	cat >"$1" <<EOF
global_defs {
  router_id carp_e2e_$3
}
vrrp_instance VI_$3 {
  state BACKUP
  interface $2
  virtual_router_id $3
  priority $4
  advert_int ${7:-1}
  version $6
  virtual_ipaddress {
    $5
  }
}
EOF
}

# start_keepalived NAME NS CONFIG: keepalived (VRRP only) in the foreground of a
# background job: no fork (-n), console log (-l -D) into $E2E_TMP/NAME.log, no syslog, no
# respawn, its own pid files. The VRRP child is registered for clean-up once its pid file
# appears (keepalived_child).
start_keepalived() {
	local name=$1 ns=$2 cfg=$3
	local log="$E2E_TMP/$name.log"
	ip netns exec "$ns" keepalived --vrrp --dont-fork --log-console --log-detail --no-syslog \
		--dont-respawn --use-file="$cfg" --pid="$E2E_TMP/$name.pid" \
		--vrrp_pid="$E2E_TMP/$name-vrrp.pid" >"$log" 2>&1 &
	_register_peer "$name" "$ns" "$log" keepalived $!
}

# keepalived_child NAME: wait (5 s) for the VRRP child's pid file; register that PID.
keepalived_child() {
	local f="$E2E_TMP/$1-vrrp.pid" p
	wait_for "keepalived $1's VRRP child" 5 test -s "$f" || return 1
	p=$(cat "$f")
	[[ $p =~ ^[0-9]+$ ]] || { E2E_ERR="bad pid file $f: $p"; return 1; }
	E2E_PIDS+=("$p")
}

# keepalived_state NAME: MASTER, BACKUP, FAULT, ... from the last "Entering X STATE" line;
# DOWN when the process is gone, INIT before the first.
keepalived_state() {
	local s
	node_alive "$1" || { echo DOWN; return 0; }
	s=$(grep -o 'Entering [A-Z]* STATE' "${NODE_LOG[$1]}" 2>/dev/null | tail -n 1)
	[ -n "$s" ] || { echo INIT; return 0; }
	s=${s#Entering }
	echo "${s% STATE}"
}

# peer_state NAME: the state of a carp-dpdk node, a ucarp or a keepalived, one word.
peer_state() {
	case "${NODE_KIND[$1]:-}" in
	ucarp) ucarp_state "$1" ;;
	keepalived) keepalived_state "$1" ;;
	*) if node_alive "$1"; then node_state "$1"; else echo DOWN; fi ;;
	esac
}

# peer_is NAME STATE
peer_is() {
	local s
	s=$(peer_state "$1")
	[ "$s" = "$2" ] || { E2E_ERR="$1 is $s, not $2"; return 1; }
}

# peers_are NAME_MASTER NAME_BACKUP
peers_are() {
	peer_is "$1" MASTER || return 1
	peer_is "$2" BACKUP
}

# one_master NAME...: exactly one of them is MASTER (any kind of peer).
one_master() {
	local n masters=()
	for n in "$@"; do
		[ "$(peer_state "$n")" = MASTER ] && masters+=("$n")
	done
	[ ${#masters[@]} -eq 1 ] || { E2E_ERR="masters: ${masters[*]:-none}"; return 1; }
}

# log_count NAME REGEX: lines of the node's or peer's log matching REGEX (extended).
log_count() {
	grep -Ec -- "$2" "${NODE_LOG[$1]}" 2>/dev/null || true
}

# log_lines NAME: the number of lines of its log (a mark for log_since).
log_lines() {
	wc -l <"${NODE_LOG[$1]}" 2>/dev/null || echo 0
}

# log_since NAME MARK REGEX: lines after line MARK of its log matching REGEX.
log_since() {
	tail -n +"$(($2 + 1))" "${NODE_LOG[$1]}" 2>/dev/null | grep -Ec -- "$3" || true
}

# ucarp_switch_at NAME STATE AFTER_EPOCH: epoch (s) of ucarp's first "Switching to state:
# STATE" logged after AFTER_EPOCH (its log stamps local time to the microsecond), or None.
ucarp_switch_at() {
	"$E2E_PY" - "${NODE_LOG[$1]}" "$2" "$3" <<'EOF'
import datetime, re, sys
pat = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+): \[\w+\] Switching to state: (\w+)")
after = float(sys.argv[3])
for line in open(sys.argv[1], errors="replace"):
    m = pat.match(line)
    if m and m.group(2) == sys.argv[2]:
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").timestamp()
        if t > after:
            print(round(t, 6))
            sys.exit(0)
print("None")
EOF
}

# drops NAME: every /carp/stats drop counter of the node summed over its entries (VHIDs
# and ports), as "total reason=n ..." (reasons with n > 0 only).
drops() {
	node_py "$1" "
reasons = {}
for k, e in q('/carp/stats').items():
    if not isinstance(e, dict):
        continue
    for r, v in e.items():
        if r in ('adverts_sent', 'adverts_received', 'garps_sent', 'transitions', 'send_errors'):
            continue
        reasons[r] = reasons.get(r, 0) + v
print(sum(reasons.values()), ' '.join(f'{r}={v}' for r, v in sorted(reasons.items()) if v))"
}

# port_stat NAME FIELD [PORT]: a counter of the port's own /carp/stats entry (frames on
# protocol 112 dropped before a VHID was known, e.g. vrrp).
port_stat() {
	node_py "$1" "q('/carp/stats')['${3:-lan}']['$2']"
}

# ---------------------------------------------------------------------------------------
# Failover with a real peer, measured (the interop tests)

# interop_fault NAME NEW_LABEL DURATION_S FAULT_CMD...: the client pings the VIP every
# 10 ms (replies attributed to r1 / r2 by the bridge port they come from) and adverts and
# gratuitous ARP are recorded at both bridge ports; after a random phase of the advert
# cycle the fault is stamped and FAULT_CMD run; then both probes are awaited (DURATION_S
# from the start, at most 20). Sets FO_FAULT (epoch), FO_WIRE_MS (fault -> first advert
# from NEW_LABEL's port, not a bow-out), FO_CLIENT_MS (fault -> first echo reply from
# NEW_LABEL), FO_LOST (probes unanswered after the fault), FO_GAP_MS (longest gap between
# replies), FO_NEW (who answered last); JSON in $E2E_TMP/NAME-ping.json, NAME-wire.json.
interop_fault() {
	local name=$1 new=$2 dur=$3 ping wire
	shift 3
	ping=$E2E_TMP/$name-ping.json
	wire=$E2E_TMP/$name-wire.json
	FO_FAULT='' FO_WIRE_MS=None FO_CLIENT_MS=None FO_LOST=None FO_GAP_MS=None FO_NEW=None
	# shellcheck disable=SC2046
	probe_bg "$name-ping" "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration "$dur" \
		--fault-file "$E2E_TMP/$name.fault" --tolerate-down $(watch_routers) || return 1
	probe_bg "$name-wire" "$NS_CLIENT" sniff "$NS_LAN/r1=r1" "$NS_LAN/r2=r2" \
		--filter carp --filter garp --vip "$VIP" --duration "$dur" --tolerate-down || return 1
	sleep_random_phase
	stamp_fault "$E2E_TMP/$name.fault"
	"$@" || tap_diag "fault command '$*': ${E2E_ERR:-failed}"
	probe_wait "$name-ping" $((dur + 10)) || return 1
	probe_wait "$name-wire" $((dur + 10)) || return 1
	FO_FAULT=$(cat "$E2E_TMP/$name.fault")
	FO_WIRE_MS=$(jget "$wire" "min([round((e['t'] - $FO_FAULT) * 1000, 1) for e in d['events'] if e['at'] == '$new' and e['kind'] == 'carp' and not e['bow_out'] and e['t'] > $FO_FAULT] or [None])")
	FO_CLIENT_MS=$(jget "$ping" "d['takeover_ms'] if d['new_replier'] == '$new' else None")
	FO_LOST=$(jget "$ping" "d['lost_after_fault']")
	FO_GAP_MS=$(jget "$ping" "d['longest_gap_ms']")
	# shellcheck disable=SC2034 # read by the tests
	FO_NEW=$(jget "$ping" "d['new_replier'] or d['first_replier']")
	tap_diag "$name: first advert from $new $FO_WIRE_MS ms after the fault, first echo reply from $new $FO_CLIENT_MS ms; lost $FO_LOST probes, longest gap $FO_GAP_MS ms; replies by $(jget "$ping" 'd["replies_by"]')"
}

# capture_start NAME NS IFACE FILTER [DIRECTION]: tcpdump writing $E2E_TMP/NAME.pcap
# (classic pcap, packet-buffered, VLAN tags kept in the frames); DIRECTION (in, out or
# inout, the default) is tcpdump's -Q: "in" on a bridge port is what its node sent.
# Returns once it listens.
capture_start() {
	local name=$1 ns=$2 iface=$3 filter=$4 dir=${5:-inout}
	ip netns exec "$ns" tcpdump -i "$iface" -Q "$dir" -nn -U -B 4096 -s 256 -w "$E2E_TMP/$name.pcap" \
		"$filter" >"$E2E_TMP/$name.tcpdump" 2>&1 &
	BG_PID[$name]=$!
	E2E_PIDS+=($!)
	wait_for "tcpdump $name listening" 5 grep -q 'listening on' "$E2E_TMP/$name.tcpdump"
}

# capture_stop NAME: SIGINT (tcpdump writes what it holds and exits), bounded wait.
capture_stop() {
	local pid=${BG_PID[$1]}
	kill -INT "$pid" 2>/dev/null
	wait_for "tcpdump $1 to exit" 5 _not_running "$pid" || return 1
	wait "$pid" 2>/dev/null
	return 0
}
