#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The state sync's own cost, without a link (tests/bench/bench_sync.c: two lib/sync
# engines joined in memory): a bulk update of STATES states, unpaced (the CPU it costs;
# the node paces it at 8 messages of 12 states a millisecond), then CHANGES changed
# states sent and merged, then a digest round over the whole table on both nodes; RUNS
# runs. Prints every run's lines and the medians:
#   bulk_us_per_state=X bulk_states_per_s=Y change_us_per_state=Z bytes_per_state=B
#   digest_us_per_state=D digest_bytes_per_node=G
#
#   scripts/bench-sync.sh [--runs N] [--states N] [--changes N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 states=1000000 changes=100000
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--states) states=$2; shift 2 ;;
	--changes) changes=$2; shift 2 ;;
	*) sed -n '3,9p' "$0" >&2; exit 2 ;;
	esac
done
scripts/ensure-built.sh
bin=build/tests/bench/bench_sync
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "# $(git rev-parse --short HEAD): $bin $states $changes, $runs runs, OpenSSL $(openssl version | cut -d' ' -f2)"
for r in $(seq 1 "$runs"); do
	timeout 300 "$bin" "$states" "$changes" | tee -a "$out"
done
/usr/bin/python3 - "$out" <<'PY'
import re, statistics, sys
t = open(sys.argv[1]).read()
bulk = [l for l in t.splitlines() if l.startswith("bulk:")]
chg = [l for l in t.splitlines() if l.startswith("changes:")]
dig = [l for l in t.splitlines() if l.startswith("digest:")]
med = lambda ls, pat: statistics.median(float(re.search(pat, l).group(1)) for l in ls)
print("bulk_us_per_state=%.2f bulk_states_per_s=%.0f change_us_per_state=%.2f bytes_per_state=%.1f "
      "digest_us_per_state=%.3f digest_bytes_per_node=%.0f" % (
    med(bulk, r"([0-9.]+) us/state"), med(bulk, r"([0-9]+) states/s"),
    med(chg, r"([0-9.]+) us/state"), med(bulk, r"([0-9.]+) bytes/state"),
    med(dig, r"\(([0-9.]+) us/state"), med(dig, r"([0-9]+) bytes on the wire")))
PY
