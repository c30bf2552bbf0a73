#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run one libFuzzer harness for SECONDS on the checked-in CORPUS (read only: new inputs go
# to a temporary directory) and report one TAP line: the runs made, or the crash with the
# input that caused it (hex, and kept under $FUZZ_ARTIFACTS, default /tmp/carp-fuzz).
#   run-fuzz.sh HARNESS CORPUS SECONDS
set -u
exe=$1 corpus=$2 secs=$3
name=$(basename "$exe")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/new"
echo "1..1"
"$exe" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/new" "$corpus" >"$work/log" 2>&1
rc=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
if [ "$rc" -eq 0 ]; then
	echo "ok 1 - ${name}: ${runs:-?} runs in ${secs} s on $(ls "$corpus" | wc -l) seeds, no crash"
	exit 0
fi
echo "not ok 1 - ${name}: crashed (exit $rc) after ${runs:-?} runs"
grep -E 'ERROR|SUMMARY|#[0-9]+ ' "$work/log" | head -n 20 | sed 's/^/# /'
keep=${FUZZ_ARTIFACTS:-/tmp/carp-fuzz}
mkdir -p "$keep"
for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
	[ -f "$a" ] || continue
	cp "$a" "$keep/$name-$(basename "$a")"
	echo "# input ($keep/$name-$(basename "$a")): $(od -An -tx1 -v "$a" | tr -d '\n' | head -c 600)"
done
exit 1
