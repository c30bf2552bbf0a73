#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Wrong key: node a (advskew 100, passphrase "carp-demo") runs alone and is MASTER. Node b
# starts with another passphrase and a better advskew (0): were its adverts accepted, a
# would yield. They are not: a counts each of them under badauth and its state never
# changes (b, hearing no valid advert, becomes MASTER too: the split brain a wrong key
# causes, which is what the operator sees in both nodes' badauth counters).
# Usage: test_wrong_key.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

tap_plan master_alone_becomes_master peer_with_other_key_starts peer_advertises \
	master_counts_peer_adverts_as_badauth master_state_never_changes \
	master_transitions_unchanged peer_counts_badauth_too

make_config "$E2E_TMP/a.yaml" carp0 10.99.0.2/24 100 true carp-demo
make_config "$E2E_TMP/b.yaml" carp1 10.99.0.3/24 0 true other-key
topo_create || tap_abort "$E2E_ERR"
start_node a "$NS_R1" "$E2E_TMP/a.yaml"
tap_check master_alone_becomes_master wait_for "node a MASTER" 12 node_is a MASTER
[ "${TAP_DONE[master_alone_becomes_master]}" = ok ] || tap_abort "a did not become MASTER"

bad0=$(stat a badauth) && tr0=$(stat a transitions) || tap_abort "no /carp/stats badauth/transitions on a"
start_node b "$NS_R2" "$E2E_TMP/b.yaml"
tap_check peer_with_other_key_starts wait_node_up b 10
# b becomes MASTER after 3 s (it cannot authenticate a) and then advertises every second;
# a must stay MASTER all along: 3 s + 4 s.
tap_check master_state_never_changes hold_for "a MASTER" 7 node_is a MASTER
tap_check peer_advertises check_ge "adverts sent by b" "$(stat b adverts_sent)" 2
bad1=$(stat a badauth)
tr1=$(stat a transitions)
tap_diag "a: badauth $bad0 -> $bad1, transitions $tr0 -> $tr1; b: $(node_state b), badauth $(stat b badauth)"
tap_check master_counts_peer_adverts_as_badauth check_ge "a's badauth increase" \
	"$((bad1 - bad0))" 2
tap_check master_transitions_unchanged check_eq "a's transitions" "$tr1" "$tr0"
tap_check peer_counts_badauth_too check_ge "b's badauth" "$(stat b badauth)" 1
tap_summary
