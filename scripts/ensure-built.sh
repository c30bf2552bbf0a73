#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What the benchmarks run first from a fresh clone: install what is missing (as root; as
# another user that step is skipped) and build the tree into build/. Quiet on success; on
# failure it prints the tail of the step's log and exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ "$(id -u)" -eq 0 ] && ! scripts/install-deps.sh >"$log" 2>&1; then
	echo "installing dependencies failed: $(tail -n 5 "$log")" >&2
	exit 1
fi
if ! scripts/build.sh build >"$log" 2>&1; then
	echo "build failed: $(tail -n 20 "$log")" >&2
	exit 1
fi
