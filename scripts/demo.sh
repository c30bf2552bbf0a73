#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's first command: two carp-dpdk nodes share the virtual addresses 10.99.0.1
# and 2001:db8:99::1 (dual-stack); a client pings both every 10 ms (IPv4) and 20 ms (IPv6);
# the master is killed (SIGKILL) and the backup takes over both. Then the same pair as a
# firewall pair with state sync: a TCP connection through it carries a counter stream
# while the master is killed, and the demo says whether it ever broke.
# Installs what is missing, builds, runs everything in throw-away network namespaces and
# removes them at the end, whatever happens.
#
# Usage: scripts/demo.sh [--no-build] [--hold]
#   --no-build  use the binary already in build/ (skip install and build)
#   --hold      after the failover, keep the nodes running until Enter is pressed, to try
#               scripts/carp-status.py on them
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
SRC=$(pwd)

build=1
hold=0
for arg in "$@"; do
	case $arg in
	--no-build) build=0 ;;
	--hold) hold=1 ;;
	-h | --help)
		sed -n '3,/^set /p' "$0" | sed -e '/^set /d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "demo: unknown option '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

if [ -t 1 ]; then
	B=$'\e[1m' D=$'\e[2m' G=$'\e[32m' R=$'\e[31m' Y=$'\e[33m' N=$'\e[0m'
else
	B='' D='' G='' R='' Y='' N=''
fi
LOGDIR=$(mktemp -d /tmp/carp-demo.XXXXXX)
trap 'rm -rf "$LOGDIR"' EXIT

step() { printf '%s[%s]%s %-13s ' "$B" "$1" "$N" "$2"; }
ok() { echo "${G}${1:-ok}${N}"; }
fail() {
	echo "${R}failed${N}"
	echo "$*" | sed 's/^/    /'
	exit 1
}
info() { echo "    $*"; }

echo "${B}carp-dpdk demo${N}: nodes A and B share the virtual addresses 10.99.0.1 and 2001:db8:99::1"
echo "(CARP vhid 1, dual-stack). A client pings both; the master is killed; the backup takes over."
echo "Then, as a firewall pair syncing its states, a TCP connection through it across a failover."
echo

# --- 1. packages
step 1/6 packages
if [ "$build" = 1 ]; then
	scripts/install-deps.sh >"$LOGDIR/deps.log" 2>&1 || fail "$(tail -n 5 "$LOGDIR/deps.log")"
fi
# What the demo itself runs: ip (iproute2), sysctl (procps), Debian's python3 with scapy.
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v sysctl >/dev/null || missing+=(procps)
/usr/bin/python3 -c 'import scapy.layers.l2' 2>/dev/null || missing+=(python3-scapy)
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || fail "missing packages: ${missing[*]}; run as root to install them"
	{
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
	} >"$LOGDIR/apt.log" 2>&1 || fail "apt-get install ${missing[*]}: $(tail -n 5 "$LOGDIR/apt.log")"
fi
ok

# --- 2. build
step 2/6 build
BIN=build/app/carp-dpdk/carp-dpdk
if [ "$build" = 1 ]; then
	scripts/build.sh build >"$LOGDIR/build.log" 2>&1 || fail "$(tail -n 20 "$LOGDIR/build.log")"
fi
[ -x "$BIN" ] || fail "no $BIN (run without --no-build)"
if [ "$build" = 1 ]; then ok "$BIN"; else ok "$BIN (not rebuilt)"; fi

[ "$(id -u)" -eq 0 ] || { echo; echo "The demo needs root from here on: it creates network namespaces."; exit 1; }

# shellcheck source=../tests/e2e/lib.sh
source tests/e2e/lib.sh
e2e_env cdemo "$BIN" "$SRC"
rm -rf "$LOGDIR"
LOGDIR=$E2E_TMP
cleanup() {
	local rc=$?
	echo
	printf 'cleaning up (nodes, namespaces %s-*) ... ' "$E2E_ID"
	e2e_teardown
	echo "done"
	exit "$rc"
}
trap cleanup EXIT

# --- 3. network
step 3/6 network
topo_create || fail "$E2E_ERR"
# IPv6 on the client only (the routers' kernels stay out of carp-dpdk's ports).
ip netns exec "$NS_CLIENT" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_ra=0 >/dev/null &&
	ip -n "$NS_CLIENT" -6 addr add "$CLIENT6/64" dev eth0 nodad || fail "cannot give the client IPv6"
ok
info "namespaces ${E2E_ID}-{lan,r1,r2,client}: one segment, bridge br0 (in lan)"
info "  node A in r1 on carp0, node B in r2 on carp1 (af_packet ports), client in client: eth0 10.99.0.9, $CLIENT6"

# --- 4. nodes and election
step 4/6 nodes
start_node a "$NS_R1" "$CFG_A"
start_node b "$NS_R2" "$CFG_B"
wait_node_up a 15 && wait_node_up b 15 || fail "$E2E_ERR"
ok "running"
info "A: 10.99.0.2, advskew 0   (config/carp.yaml, pid ${NODE_PID[a]})"
info "B: 10.99.0.3, advskew 100 (config/carp-peer.yaml, pid ${NODE_PID[b]})"
printf '    election: both start as BACKUP; the node whose master-down interval ends first wins (A: 3 s) ... '
wait_for "A MASTER and B BACKUP" 15 roles_are a b || fail "$E2E_ERR"
echo "${G}done${N}"
echo
print_states() {
	local n
	printf "    ${D}%-5s %-7s %-8s %-13s %s${N}\n" node state advskew "adverts sent" "master heard"
	for n in a b; do
		node_py "$n" "
s = entry(q('/carp/status')); c = entry(q('/carp/stats'))
heard = '%d ms ago' % s['last_master_heard_ms'] if s['state'] == 'BACKUP' else '-'
print('    %-5s %-7s %-8s %-13s %s' % ('$n'.upper(), s['state'], s['advskew'], c['adverts_sent'], heard))
" 2>/dev/null || printf '    %-5s %s\n' "${n^^}" "$(node_state "$n")"
	done
}
print_states
echo "    ${D}(each node's telemetry, as scripts/carp-status.py --prefix $E2E_ID-a shows it)${N}"
echo

# --- 5. failover
step 5/6 failover
echo
fault=$E2E_TMP/fault
# shellcheck disable=SC2046
probe_bg ping "$NS_CLIENT" ping "$VIP" --interval 0.01 --duration 8 --fault-file "$fault" \
	$(watch_routers) || fail "$E2E_ERR"
probe_bg wire "$NS_CLIENT" sniff eth0=client "$NS_LAN/r1=r1" "$NS_LAN/r2=r2" \
	--filter carp --filter garp --vip "$VIP" --duration 10 || fail "$E2E_ERR"
ip netns exec "$NS_CLIENT" timeout 12 ping -6 -n -i 0.02 -w 9 -W 1 "$VIP6" \
	>"$E2E_TMP/ping6.txt" 2>&1 &
E2E_PIDS+=($!)
PING6_PID=$!
info "the client pings 10.99.0.1 every 10 ms (probes on a fixed schedule) and $VIP6 every 20 ms"
sleep 0.5
info "client's ARP entry: 10.99.0.1 is at $(client_neigh_mac) (the virtual MAC of vhid 1)"
sleep_random_phase
stamp_fault "$fault"
stop_node a KILL 2
info "${Y}SIGKILL node A${N} (pid ${NODE_PID[a]}) at $(date -d "@$(cat "$fault")" +%T.%3N)"
printf '    waiting for B (master-down interval 3 s + 100/256 s) ... '
if wait_for "B MASTER" 8 node_is b MASTER; then
	echo "${G}$(grep -E 'vhid 1@lan: BACKUP -> MASTER' "${NODE_LOG[b]}" | tail -n 1 | sed 's/^[a-z]*: //')${N}"
else
	echo "${R}B did not take over${N}: $E2E_ERR"
fi
probe_wait ping 15 || fail "$E2E_ERR"
probe_wait wire 15 || fail "$E2E_ERR"
wait_for "ping -6 to end" 6 _not_running "$PING6_PID" || fail "$E2E_ERR"
echo

# --- the numbers
"$E2E_PY" - "$E2E_TMP/ping.json" "$E2E_TMP/wire.json" "$VMAC" "$B" "$N" "$E2E_TMP/ping6.txt" \
	"$(client_neigh6_mac)" <<'EOF'
import json, re, sys
ping, wire = (json.load(open(p)) for p in sys.argv[1:3])
vmac, bold, norm = sys.argv[3:6]
p6 = open(sys.argv[6]).read()
m6 = re.search(r"(\d+) packets transmitted, (\d+) received", p6)
sent6, recv6 = (int(m6.group(1)), int(m6.group(2))) if m6 else (0, 0)
neigh6 = sys.argv[7]
fault = ping["fault_at"]
ev = [e for e in wire["events"] if e["t"] > fault]
adv = [e for e in ev if e["at"] == "r2" and e["kind"] == "carp"]
last_a = [e for e in wire["events"] if e["at"] == "r1" and e["kind"] == "carp" and e["t"] <= fault]
garp = [e for e in ev if e["at"] == "r2" and e["kind"] == "arp" and e["garp"]]
ms = lambda t: "%.0f ms" % ((t - fault) * 1000)
node = {"r1": "A", "r2": "B"}
now = node.get(ping["new_replier"] or ping["first_replier"], "?")
rows = [
    ("takeover", (f"B's first advert {ms(adv[0]['t'])} after the kill" if adv
                  else "no advert from B seen")),
    ("detection", (f"A's last advert to B's first: {(adv[0]['t'] - last_a[-1]['t']) * 1000:.0f} ms"
                   " (B's master-down interval: 3391 ms)" if adv and last_a else "-")),
    ("client", (f"first reply from B {ping['takeover_ms']:.0f} ms after the kill"
                if ping.get("takeover_ms") is not None else "never answered by B")),
    ("outage", f"longest gap between replies {ping['longest_gap_ms']:.0f} ms"),
    ("probes", f"{ping['sent']} sent, {ping['received']} answered, {ping['lost']} lost"),
    ("answering now", f"node {now}, from {ping['last_mac']}"
                      + (" (the virtual MAC: the client's ARP entry never had to change)"
                         if ping["last_mac"] == vmac else "")),
    ("gratuitous ARP", ", ".join(ms(e["t"]) for e in garp) + " after the kill" if garp
                       else "none seen"),
    ("split brain", "none: no probe was answered twice" if not ping["duplicates"]
                    else f"{ping['duplicates']} duplicate replies"),
    ("IPv6", f"{sent6} pings of 2001:db8:99::1 in 9 s, {recv6} answered, {sent6 - recv6}"
             f" lost (about {(sent6 - recv6) * 9000 // max(sent6, 1)} ms of outage); the client's"
             f" neighbour entry: {neigh6}"
             + (" (the virtual MAC, by neighbour discovery)" if neigh6 == vmac else "")),
]
print(f"    {bold}result{norm}")
for k, v in rows:
    print(f"      {k:<15} {v}")
EOF
echo
print_states

# --- 6. a firewall pair with state sync
echo
step 6/6 "state sync"
echo
stop_node b TERM 5 || fail "$E2E_ERR"
topo_add_wan || fail "$E2E_ERR"
head -c 24 /dev/urandom | base64 >"$E2E_TMP/sync.key"
E2E_FWD_EXTRA="filter:
  default: block
  rules:
    - {action: pass, in: lan, proto: tcp, port: 5001}
sync:
  interface: lan
  key_file: $E2E_TMP/sync.key"
synced() { [ "$(node_py "$1" "q('/carp/sync')['bulk']")" = done ]; }
start_fwd_pair && wait_for "both bulk updates done" 10 eval 'synced a && synced b' ||
	fail "$E2E_ERR"
info "A and B now route between lan (10.99.0.0/24, VIP 10.99.0.1) and wan (10.100.0.0/24,"
info "VIP 10.100.0.1, a server at 10.100.0.9) through a stateful filter (default block; TCP"
info "to port 5001 from the lan passes, keep state), and sync its states over the lan (UDP to"
info "224.0.0.240, HMAC-SHA256): the end-to-end tests' forwarding configs (tests/e2e/lib.sh"
info "make_fwd_config) with a filter: and a sync: section"
probe_bg cserv "$NS_SERVER" counter-serve --port 5001 --timeout 40 || fail "$E2E_ERR"
probe_bg cstream "$NS_CLIENT" counter-send "$SERVER_IP" --port 5001 --interval 0.02 \
	--duration 10 --timeout 20 || fail "$E2E_ERR"
info "the client streams a counter to the server over one TCP connection, a number every"
info "20 ms, each echoed back"
sleep 2
info "the connection's state on B before any failover: $(node_py b "[e['state'] for e in q('/carp/states_of,$CLIENT_IP').values() if isinstance(e, dict)]" 2>/dev/null) (synced from A)"
stop_node a KILL 2
info "${Y}SIGKILL node A${N} (pid ${NODE_PID[a]}) at $(date +%T.%3N)"
printf '    waiting for B ... '
if wait_for "B MASTER" 8 fwd_node_is b MASTER; then echo "${G}B is MASTER${N}"; else echo "${R}no takeover${N}"; fi
probe_wait cstream 40 || true
"$E2E_PY" - "$E2E_TMP/cstream.json" "$B" "$N" "$G" "$R" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
bold, norm, green, red = sys.argv[2:6]
print(f"    {bold}result{norm}")
print(f"      counter stream  {d['sent']} numbers sent, {d['echoed']} echoed back"
      + (", in order" if d["in_order"] else ", OUT OF ORDER"))
print(f"      longest wait    {d['longest_wait_ms']:.0f} ms for one echo (the takeover: B's"
      " master-down interval, then TCP's retransmission)")
if d["broke"] is None and d["in_order"] and d["echoed"] == d["sent"]:
    print(f"      connection      {green}never broke{norm}: B had its state, synced from A, and"
          " passed its segments by it")
else:
    print(f"      connection      {red}broke{norm}: {d['broke']}")
PYEOF
echo
if [ "$hold" = 1 ]; then
	echo
	echo "    Node B is still running: try  scripts/carp-status.py --prefix $E2E_ID-b /carp/stats"
	read -r -p "    press Enter to clean up " _ || true
fi
