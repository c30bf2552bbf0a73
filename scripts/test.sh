#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every test: install what is missing, build normally, with ASan + UBSan, and with
# clang for libFuzzer; run the test suites of the first two builds and the fuzz harnesses
# of the third (each a few seconds on its checked-in corpus), and end with one line
# "N passed, N failed" counting every test case (each cmocka case, each end-to-end check
# and each harness is one TAP line).
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh || exit 1
scripts/build.sh build || exit 1
scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false || exit 1
CC=clang scripts/build.sh build-fuzz -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined \
	-Db_lundef=false -Db_lto=false || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

passed=0
failed=0
for dir in build build-asan build-fuzz; do
	echo "=== tests in $dir"
	# End-to-end tests run real nodes in namespaces: once, in the normal build, is enough
	# (and DPDK's own allocations would drown LeakSanitizer's report in the other).
	suites=()
	[ "$dir" = build-asan ] && suites=(--no-suite e2e)
	[ "$dir" = build-fuzz ] && suites=(--suite fuzz)
	meson test -C "$dir" --print-errorlogs --no-rebuild "${suites[@]}" >"$dir/test-run.log" 2>&1
	# Tally each TAP line of each test; a test that crashed or printed no TAP counts once.
	read -r p f < <(/usr/bin/env python3 scripts/tap-tally.py "$dir/meson-logs/testlog.json")
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test-run.log"
	echo "$dir: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
