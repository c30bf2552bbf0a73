#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per forwarded packet in the worker's path, counted by callgrind (exact for a
# given binary and input, whatever else this shared machine does; perf's counters are not
# available here), against a baseline tree built the same way.
#
#   scripts/bench-dataplane.sh [--baseline DIR]
#
# tests/bench/bench_dataplane.c is compiled against this tree's libraries (build/) and, with
# --baseline, against the libraries of DIR/build-dir DIR.build (a worktree of an older
# commit, configured with `meson setup DIR.build -Dtests=false` and built). Both run 10 000
# and 30 000 bursts of 32 packets under callgrind; the difference / 640 000 packets is the
# cost per packet of the loop: mbuf alloc, a 60-byte copy, dp_rx_burst (the checks, LPM, the
# rewrite), the tx ring and the free. Only the change between the two means anything.
# The last line: "instructions/packet this=X baseline=Y" (Y NA without --baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=
while [ $# -gt 0 ]; do
	case $1 in
	--baseline) baseline=$(realpath "$2"); shift 2 ;;
	*) sed -n '3,17p' "$0" >&2; exit 2 ;;
	esac
done
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
scripts/ensure-built.sh
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -rf /var/run/dpdk/benchdp*' EXIT

# build NAME SRC BUILD: bench_dataplane linked with the libraries of one tree.
build() {
	local fd=() fl=()
	# Trees with the packet filter link its libraries too.
	[ -f "$3/lib/filter_dpdk/libcarp_filter_dpdk.a" ] && fd=("$3/lib/filter_dpdk/libcarp_filter_dpdk.a")
	[ -f "$3/lib/filter/libcarp_filter.a" ] && fl=("$3/lib/filter/libcarp_filter.a")
	gcc -O2 -g -flto=auto -march=corei7 -D_GNU_SOURCE -include rte_config.h \
		-I"$2/lib/dataplane" -I"$2/lib/carp" -I"$2/lib/config" -I"$2/lib/fwd" \
		-I"$2/lib/filter" -I"$2/lib/filter_dpdk" -Itests/bench \
		$(pkg-config --cflags libdpdk) tests/bench/bench_dataplane.c -o "$work/$1" \
		"$3/lib/dataplane/libcarp_dataplane.a" "${fd[@]}" "$3/lib/fwd/libcarp_fwd.a" \
		"$3/lib/config/libcarp_config.a" "${fl[@]}" "$3/lib/carp/libcarp_proto.a" \
		$(pkg-config --libs libdpdk) -lrte_net_ring -lcrypto -lyaml
}

# per_packet NAME: callgrind's instruction count per packet of the loop.
per_packet() {
	local n c=()
	for n in 10000 30000; do
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1.$n" "$work/$1" "$n" \
			>"$work/$1.$n.log" 2>&1
		c+=("$(grep -o 'Collected : [0-9]*' "$work/$1.$n.log" | grep -o '[0-9]*$')")
	done
	echo $(((c[1] - c[0]) / (20000 * 32)))
}

build this "$PWD" "$PWD/build"
this=$(per_packet this)
base=NA
if [ -n "$baseline" ]; then
	build baseline "$baseline" "$baseline.build"
	base=$(per_packet baseline)
fi
echo "# $(git rev-parse --short HEAD) against ${baseline:-nothing}; callgrind, 640 000 packets"
echo "instructions/packet this=$this baseline=$base"
