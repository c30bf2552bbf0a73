#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's first command. The CARP pair failing over on virtual devices arrives with the
# data-plane work (the appliance issue); until then this installs, builds, and shows what the
# protocol core does today: it decodes and verifies real adverts captured from ucarp.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh build

echo "carp-dpdk demo: the two-node failover demo on net_tap devices is not built yet"
echo "(it comes with the appliance issue). Meanwhile, carp-inspect verifying adverts"
echo "that Debian's ucarp sent (vhid 7, passphrase \"secret\", VIP 10.99.0.1):"
echo
build/app/carp-inspect/carp-inspect --pass secret --vip 10.99.0.1 tests/captures/ucarp-advert.pcap
