#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bad input. A configuration with errors: the node refuses to start, exits 1 and prints
# every error as file:line:col. Bad protocol-112 frames injected on the segment by a client
# (garbage, truncated, short, bad TTL, bad checksum, bad version, unknown VHID, bad HMAC,
# VRRP, an advert in two fragments, one without DF): each is counted under its drop reason
# in /carp/stats and changes nothing. On af_packet the kernel hands the node a fragmented
# advert reassembled (without DF): one count per datagram.
# Usage: test_bad_input.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

# kind:reason, as probe.py's INJECT_KINDS describes each kind.
KINDS="garbage:badip truncated:badlen shortcarp:badlen badttl:badttl badsum:badsum
badver:badver badvhid:badvhid badauth:badauth vrrp:vrrp fragment:fragment nodf:fragment"
N=5
names=()
for kr in $KINDS; do names+=("${kr%%:*}_counted_as_${kr##*:}"); done
tap_plan bad_config_exits_1 bad_config_errors_name_file_line_col bad_config_reports_every_error \
	bad_config_starts_nothing yaml_syntax_error_located node_alone_becomes_master \
	"${names[@]}" injected_frames_change_no_state node_still_answers_arp

# --- configurations with errors (the full EAL command line, not --check)
bad=$E2E_TMP/bad.yaml
cat >"$bad" <<'YAML'
ports:
  - name: lan
    device: "net_af_packet0,iface=carp0"
    addresses: [10.99.0.2/24]
vhids:
  - vhid: 1
    port: lan
    advskew: 300
    passphrase: "carp-demo"
    preempt: sometimes
    vips: [10.99.0.1]
YAML
run_bad() { # CONFIG PREFIX -> $E2E_TMP/bad.out, .err, exit status in BAD_RC
	timeout 30 "$E2E_BIN" -l 0-1 --no-huge -m 512 --file-prefix="$2" --no-pci -- -c "$1" \
		>"$E2E_TMP/bad.out" 2>"$E2E_TMP/bad.err"
	BAD_RC=$?
	E2E_PREFIXES+=("$2")
}
run_bad "$bad" "$E2E_ID-bad"
tap_diag "exit $BAD_RC; stderr:"$'\n'"$(cat "$E2E_TMP/bad.err")"
tap_check bad_config_exits_1 check_eq "exit status" "$BAD_RC" 1
tap_check bad_config_errors_name_file_line_col grep -Eq "bad\.yaml:8:[0-9]+: key 'advskew'" "$E2E_TMP/bad.err"
tap_check bad_config_reports_every_error grep -Eq "bad\.yaml:10:[0-9]+: key 'preempt'" "$E2E_TMP/bad.err"
starts_nothing() {
	[ ! -S "/var/run/dpdk/$E2E_ID-bad/dpdk_telemetry.v2" ] ||
		{ E2E_ERR="a telemetry socket was left behind"; return 1; }
	! grep -Eq 'BACKUP|MASTER' "$E2E_TMP/bad.out" "$E2E_TMP/bad.err" ||
		{ E2E_ERR="a state machine ran"; return 1; }
}
tap_check bad_config_starts_nothing starts_nothing
printf 'ports:\n  - name: lan\n    device: [unclosed\nvhids: []\n' >"$E2E_TMP/syntax.yaml"
run_bad "$E2E_TMP/syntax.yaml" "$E2E_ID-syntax"
tap_diag "syntax error: exit $BAD_RC: $(head -n 2 "$E2E_TMP/bad.err")"
syntax_located() {
	[ "$BAD_RC" -eq 1 ] && grep -Eq 'syntax\.yaml:[0-9]+:[0-9]+: ' "$E2E_TMP/bad.err" ||
		{ E2E_ERR="exit $BAD_RC, no syntax.yaml:LINE:COL message"; return 1; }
}
tap_check yaml_syntax_error_located syntax_located

# --- bad frames against a running node
topo_create || tap_abort "$E2E_ERR"
start_node a "$NS_R1" "$CFG_A"
tap_check node_alone_becomes_master wait_for "node a MASTER" 12 node_is a MASTER
[ "${TAP_DONE[node_alone_becomes_master]}" = ok ] || tap_abort "a did not become MASTER"
tr0=$(stat a transitions) || tap_abort "no /carp/stats transitions"

# counters CMD REASON: {entry: value} of REASON in every entry of CMD that has it.
counters() {
	node_py a "{k: v['$2'] for k, v in q('$1').items() if isinstance(v, dict) and '$2' in v}" \
		2>/dev/null || echo '{}'
}
# delta BEFORE AFTER: "entry +n, ..." for the entries that changed, and the largest rise.
delta() {
	"$E2E_PY" -c '
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
d = {k: a[k] - b.get(k, 0) for k in a}
print(max(d.values(), default="-"), ", ".join(f"{k} {b.get(k)}->{a[k]}" for k in sorted(a)) or "none")
' "$1" "$2"
}

state_ok=1
for kr in $KINDS; do
	kind=${kr%%:*}
	reason=${kr##*:}
	before=$(counters /carp/stats "$reason")
	lbefore=$(counters /carp/lcores "$reason")
	probe "$NS_CLIENT" inject eth0 --kind "$kind" --count "$N" >/dev/null 2>"$E2E_TMP/inject.err" ||
		tap_diag "inject $kind failed: $(cat "$E2E_TMP/inject.err")"
	# Until the counter has risen by N (or 3 s passed), then a last look for any excess.
	rise=0
	for _ in $(seq 30); do
		read -r rise detail < <(delta "$before" "$(counters /carp/stats "$reason")")
		[ "$rise" = "$N" ] && break
		sleep 0.1
	done
	sleep 0.1
	read -r rise detail < <(delta "$before" "$(counters /carp/stats "$reason")")
	read -r _ ldetail < <(delta "$lbefore" "$(counters /carp/lcores "$reason")")
	name="${kind}_counted_as_${reason}"
	if [ "$rise" = "$N" ]; then
		tap_ok "$name"
		tap_diag "$N $kind: /carp/stats $reason: $detail"
	else
		tap_not_ok "$name" "$N $kind frames: /carp/stats $reason: $detail (want one entry +$N); /carp/lcores $reason: $ldetail"
	fi
	[ "$(node_state a)" = MASTER ] || state_ok=0
done
state_unchanged() {
	local tr1
	tr1=$(stat a transitions)
	[ "$state_ok" = 1 ] && node_is a MASTER && [ "$tr1" = "$tr0" ] ||
		{ E2E_ERR="state $(node_state a), MASTER after every kind: $state_ok, transitions $tr0 -> $tr1"; return 1; }
}
tap_check injected_frames_change_no_state state_unchanged
arp_ok() {
	probe "$NS_CLIENT" arp "$VIP" --count 3 --timeout 0.5 >"$E2E_TMP/arp.json" 2>&1 &&
		check_eq "ARP requests answered" "$(jget "$E2E_TMP/arp.json" 'd["answered_requests"]')" 3
}
tap_check node_still_answers_arp arp_ok
tap_summary
