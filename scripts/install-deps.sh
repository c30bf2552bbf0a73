#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the Debian 12 packages carp-dpdk needs, only those missing (apt-get, as root).
set -euo pipefail

packages=(
	gcc meson ninja-build pkg-config        # build
	libdpdk-dev libssl-dev libyaml-dev      # DPDK 22.11, OpenSSL 3 (HMAC), libyaml (config)
	dpdk-dev                                # dpdk-testpmd (benchmark), dpdk-telemetry.py
	libcmocka-dev python3                   # unit tests, test result tally
	clang libclang-rt-14-dev                # fuzz harnesses (libFuzzer, ASan, UBSan)
	iproute2 iputils-ping python3-scapy     # end-to-end tests and the demo: namespaces,
	tcpdump procps ethtool                  # probes, captures, host offloads off
	ucarp keepalived                        # interop tests and the failover benchmark
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
