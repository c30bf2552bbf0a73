#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# carp-dpdk's command line, as TAP: --help, --version, --check on good and bad configs,
# and usage errors. None of these may start the EAL (no hugepages, no ports).
# Usage: test_cli.sh CARP_DPDK_BINARY SOURCE_ROOT
set -u
bin=$1
src=$2
n=0
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# matches FILE REGEX: REGEX matches a line of FILE; the word EMPTY means FILE must be empty.
matches() {
	if [ "$2" = EMPTY ]; then [ ! -s "$1" ]; else grep -Eq -- "$2" "$1"; fi
}

# check NAME WANT_STATUS WANT_STDOUT WANT_STDERR -- ARGS...
check() {
	local name=$1 want=$2 out_re=$3 err_re=$4
	shift 5
	n=$((n + 1))
	timeout 20 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" -eq "$want" ] && matches "$tmp/out" "$out_re" &&
		matches "$tmp/err" "$err_re"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "# exit $got (want $want); stdout:"; sed 's/^/#   /' "$tmp/out"
		echo "# stderr:"; sed 's/^/#   /' "$tmp/err"
		fails=$((fails + 1))
	fi
}

echo "1..16"
check help_exits_0_with_usage 0 '^Usage: .* -- -c FILE' EMPTY -- -- --help
check version_names_dpdk 0 '^carp-dpdk [0-9.]+ \(DPDK 22\.11' EMPTY -- -- --version
check check_shipped_config_valid 0 'configuration valid: 1 port\(s\), 1 VHID\(s\)' EMPTY \
	-- -- --check -c "$src/config/carp.yaml"
check check_shipped_peer_config_valid 0 'configuration valid' EMPTY \
	-- -l 0 --no-huge -- --check -c "$src/config/carp-peer.yaml"
printf 'ports:\n  - name: lan\n    device: net_null0\n    addresses: [10.0.0.2/24]\nvhids:\n  - vhid: 300\n    port: lan\n    passphrase: x\n    vips: [10.0.0.1]\n' >"$tmp/bad.yaml"
check check_bad_config_names_file_line_col 1 EMPTY "bad\.yaml:6:[0-9]+: key 'vhid'" \
	-- -- --check -c "$tmp/bad.yaml"
check missing_config_file_is_an_error 1 EMPTY 'nope\.yaml' -- -- --check -c "$tmp/nope.yaml"
check no_config_is_a_usage_error 2 EMPTY 'no configuration given' -- --
check unknown_option_is_a_usage_error 2 EMPTY "unknown option '--frobnicate'" \
	-- -- --frobnicate
check dash_c_without_file_is_a_usage_error 2 EMPTY "needs a file name" -- -- -c
{ cat "$src/config/carp.yaml"; printf 'filter:\n  default: block\n  rules:\n    - {action: pass, proto: tcp, port: 22}\n'; } >"$tmp/filter.yaml"
check check_shipped_firewall_example_valid 0 'configuration valid: 2 port\(s\), 2 VHID\(s\), a filter of 6 rule\(s\)' \
	EMPTY -- -- --check -c "$src/config/firewall-lan-wan.yaml"
printf '%s\nsync: {interface: lan, key_file: %s, peer: 10.99.0.3}\n' "$(cat "$tmp/filter.yaml")" "$tmp/sync.key" >"$tmp/sync.yaml"
echo "0123456789abcdef0123456789abcdef" >"$tmp/sync.key"
check sync_unicast_peer_is_valid 0 'configuration valid: ' EMPTY \
	-- -- --check -c "$tmp/sync.yaml"
check check_counts_the_filter_rules 0 'configuration valid: .*, a filter of 1 rule\(s\)' EMPTY \
	-- -- --check -c "$tmp/filter.yaml"
# Start-up failures: the EAL starts (unique prefix, no hugepages), then a clear refusal.
eal=(--no-huge -m 256 --no-pci --file-prefix="cli$$")
sed 's/iface=carp0/iface=cli-nosuch0/' "$src/config/carp.yaml" >"$tmp/noif.yaml"
sed 's/mbufs: [0-9]*/mbufs: 1023/' "$src/config/carp.yaml" >"$tmp/small.yaml"
sed 's/iface=carp0/iface=carp0,framesz=4096/' "$src/config/carp.yaml" >"$tmp/bigframe.yaml"
if [ "$(id -u)" -eq 0 ]; then
	check one_lcore_is_refused_with_what_to_change 3 EMPTY \
		'needs at least 2 lcores .* -l 0-1' -- -l 0 "${eal[@]}" -- -c "$src/config/carp.yaml"
	check small_mbuf_pool_is_refused_with_the_need 3 EMPTY \
		'global.mbufs is 1023, .* need at least [0-9]+; raise global.mbufs' \
		-- -l 0-1 "${eal[@]}" -- -c "$tmp/small.yaml"
	check missing_interface_is_refused_naming_the_port 3 EMPTY \
		"port 'lan': cannot create device 'net_af_packet0,iface=cli-nosuch0" \
		-- -l 0-1 "${eal[@]}" -- -c "$tmp/noif.yaml"
	check af_packet_frames_larger_than_an_mbuf_are_refused 3 EMPTY \
		"port 'lan': framesz above 2048 in 'net_af_packet0,iface=carp0,framesz=4096'" \
		-- -l 0-1 "${eal[@]}" -- -c "$tmp/bigframe.yaml"
else
	for t in one_lcore small_mbuf_pool missing_interface af_packet_framesz; do
		n=$((n + 1))
		echo "ok $n - $t # SKIP needs root (the EAL)"
	done
fi
rm -rf "/var/run/dpdk/cli$$"
[ "$fails" -eq 0 ]
