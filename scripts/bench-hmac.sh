#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The cost of one advert verify on this machine: carp_hmac_verify against the EVP
# implementation it replaced, interleaved round by round in one process (forged adverts:
# the full computation, what a flood costs), with OpenSSL's allocations per verify.
#   scripts/bench-hmac.sh [--rounds N] [--verifies N]
# Installs what is missing and builds first (scripts/ensure-built.sh). The last line is
# "median_ns new=X evp=Y ratio=Z allocs_per_verify new=A evp=B".
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=9
verifies=200000
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	--verifies) verifies=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds N] [--verifies N]" >&2; exit 2 ;;
	esac
done
scripts/ensure-built.sh
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, OpenSSL $(openssl version | cut -d' ' -f2)"
echo "# build/tests/bench/bench_hmac $rounds $verifies"
exec build/tests/bench/bench_hmac "$rounds" "$verifies"
