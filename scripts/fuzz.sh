#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every libFuzzer harness (tests/fuzz) for longer than the test suite does, one after
# the other on the checked-in corpus, and print one line per harness: runs made, or the
# crash and its input (kept under $FUZZ_ARTIFACTS, default /tmp/carp-fuzz).
#   scripts/fuzz.sh [--minutes N] [HARNESS...]      (default: 1 minute each, all)
# Installs what is missing and builds build-fuzz (clang, ASan + UBSan) first.
set -uo pipefail
cd "$(dirname "$0")/.."
minutes=1
harnesses=()
while [ $# -gt 0 ]; do
	case $1 in
	--minutes) minutes=$2; shift 2 ;;
	-h|--help) sed -n '3,7p' "$0"; exit 0 ;;
	*) harnesses+=("$1"); shift ;;
	esac
done
[[ $minutes =~ ^[0-9]+$ ]] && [ "$minutes" -ge 1 ] || { echo "--minutes: a whole number >= 1" >&2; exit 2; }
if [ "$(id -u)" -eq 0 ]; then scripts/install-deps.sh || exit 1; fi
CC=clang scripts/build.sh build-fuzz -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined \
	-Db_lundef=false -Db_lto=false || exit 1
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_advert fuzz_dataplane fuzz_config fuzz_pcap fuzz_neigh fuzz_counter_file)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=0
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $minutes min each, $(nproc) cores"
for h in "${harnesses[@]}"; do
	tests/fuzz/run-fuzz.sh "build-fuzz/tests/fuzz/$h" "tests/fuzz/corpus/$h" $((minutes * 60)) |
		tail -n +2 || failed=$((failed + 1))
done
exit $((failed > 0))
