#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The packet filter's cost on one lcore, without a NIC: tests/bench/bench_filter.c (ring
# ports, the worker's whole dp_rx_burst) with FLOWS flows, RULES rules (the pass last) and
# a table of STATES, run RUNS times; each run interleaves rounds with the filter off and
# on in one process. Prints every run's lines and the medians over the runs:
#   new_flows_per_s=N established_ratio=R off_mpps=X on_mpps=Y bytes_per_state=B
#   sync_events_ratio=S   (the filter with state sync's change events / the filter alone)
#
#   scripts/bench-filter.sh [--runs N] [--flows N] [--rules N] [--states N] [--rounds N]
#                           [--train N]   (packets of one flow in a row; 1: all scattered)
# BENCH_HUGE=DIR runs it on the hugepages mounted at DIR (default: 4 KiB pages).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 flows=1000000 rules=1000 states=1000000 rounds=10 train=1
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--flows) flows=$2; shift 2 ;;
	--rules) rules=$2; shift 2 ;;
	--states) states=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--train) train=$2; shift 2 ;;
	*) sed -n '3,12p' "$0" >&2; exit 2 ;;
	esac
done
scripts/ensure-built.sh
bin=build/tests/bench/bench_filter
out=$(mktemp)
trap 'rm -f "$out"; rm -rf /var/run/dpdk/benchflt*' EXIT
echo "# $(git rev-parse --short HEAD): $bin $flows $rules $states $rounds $train, $runs runs"
for r in $(seq 1 "$runs"); do
	timeout 600 "$bin" "$flows" "$rules" "$states" "$rounds" "$train" | tee -a "$out"
done
/usr/bin/python3 - "$out" <<'PY'
import re, statistics, sys
t = open(sys.argv[1]).read()
med = lambda pat: statistics.median(float(x) for x in re.findall(pat, t))
print("new_flows_per_s=%.0f established_ratio=%.3f off_mpps=%.3f on_mpps=%.3f bytes_per_state=%.0f "
      "sync_events_ratio=%.3f" % (
    med(r"new_flows_per_s=([0-9.]+)"), med(r"established_mpps .* ratio=([0-9.]+)"),
    med(r"established_mpps off=([0-9.]+)"), med(r"established_mpps off=[0-9.]+ on=([0-9.]+)"),
    med(r"bytes_per_state=([0-9]+)"), med(r"sync_events_mpps .* ratio=([0-9.]+)")))
PY
