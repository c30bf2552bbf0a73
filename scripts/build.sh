#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Configure and build. Usage: scripts/build.sh [DIR [meson options...]] (default DIR: build)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log" >&2; exit 1; }
	rm -f "$dir.setup.log"
fi
ninja -C "$dir" -j "$(nproc)" >/dev/null || ninja -C "$dir" -j1
