#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A BACKUP forwards nothing sent to a vMAC. The bridges send the vMACs' frames to the
# MASTER's port only, so good, routable datagrams to a vMAC are injected straight into
# the BACKUP's ports (from the bridge side of its veths): to the lan vMAC for the server,
# and to the wan vMAC for the client. The BACKUP (node b) counts each under vmac_backup,
# its forwarded stays 0, and neither host receives any of them. The same datagrams sent
# into the MASTER's lan port are forwarded (so they were forwardable).
# Usage: test_forwarding_backup.sh [BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
fwd_e2e_init "$@"

N=10
tap_plan pair_settles lan_vmac_to_backup_counted_as_vmac_backup \
	wan_vmac_to_backup_counted_as_vmac_backup backup_forwarded_nothing \
	hosts_receive_nothing_from_backup same_datagrams_to_master_forwarded \
	backup_still_backup

topo_create_fwd || tap_abort "$E2E_ERR"
tap_check pair_settles start_fwd_pair
[ "${TAP_DONE[pair_settles]}" = ok ] || tap_abort "the pair did not settle"

# Node a learns the hosts' MACs, so that what it forwards later goes the fast way.
probe "$NS_CLIENT" ping "$SERVER_IP" --interval 0.01 --duration 0.3 >/dev/null 2>&1
client_mac=$(ip netns exec "$NS_CLIENT" cat /sys/class/net/eth0/address)
server_mac=$(ip netns exec "$NS_SERVER" cat /sys/class/net/eth0/address)
stop=$E2E_TMP/stop
probe_bg srv_cap "$NS_SERVER" capture eth0=server --udp-sink 9999 --duration 30 \
	--stop-file "$stop" || tap_abort "$E2E_ERR"
probe_bg cli_cap "$NS_CLIENT" capture eth0=client --udp-sink 9999 --duration 30 \
	--stop-file "$stop" || tap_abort "$E2E_ERR"

# to_backup NAME SEGMENT_NS VMAC SRC_IP SRC_MAC DST_IP: N good datagrams into b's port on
# that segment; b counts them as vmac_backup and forwards none.
to_backup() {
	local name=$1 ns=$2 vmac=$3 src=$4 smac=$5 dst=$6 b0 b1
	b0=$(lcore_counters b)
	probe "$ns" craft "$ns/r2" --kind good --dst-mac "$vmac" --src "$src" --src-mac "$smac" \
		--dst "$dst" --count "$N" >"$E2E_TMP/$name.json" 2>"$E2E_TMP/$name.err" ||
		{ E2E_ERR="craft: $(cat "$E2E_TMP/$name.err")"; return 1; }
	sleep 0.3
	b1=$(lcore_counters b)
	tap_diag "$N datagrams $src -> $dst to $vmac into node b: $(lcore_delta "$b0" "$b1")"
	check_eq "node b's vmac_backup/forwarded/to_resolve rises" \
		"$(lcore_rise "$b0" "$b1" vmac_backup)/$(lcore_rise "$b0" "$b1" forwarded)/$(lcore_rise "$b0" "$b1" to_resolve)" \
		"$N/0/0"
}
tap_check lan_vmac_to_backup_counted_as_vmac_backup to_backup lan "$NS_LAN" "$VMAC" \
	"$CLIENT_IP" "$client_mac" "$SERVER_IP"
tap_check wan_vmac_to_backup_counted_as_vmac_backup to_backup wan "$NS_WAN" "$WAN_VMAC" \
	"$SERVER_IP" "$server_mac" "$CLIENT_IP"
tap_check backup_forwarded_nothing check_eq "node b's forwarded (total)" \
	"$(node_py b "total('forwarded', '/carp/lcores')")" 0
sleep 0.2
touch "$stop"
probe_wait srv_cap 10 || tap_abort "$E2E_ERR"
probe_wait cli_cap 10 || tap_abort "$E2E_ERR"
nothing_arrived() {
	check_eq "frames at the server / at the client" \
		"$(jget "$E2E_TMP/srv_cap.json" 'd["frames"]')/$(jget "$E2E_TMP/cli_cap.json" 'd["frames"]')" "0/0" ||
		E2E_ERR="$E2E_ERR: $(jget "$E2E_TMP/srv_cap.json" 'd["summary"]') $(jget "$E2E_TMP/cli_cap.json" 'd["summary"]')"
}
tap_check hosts_receive_nothing_from_backup nothing_arrived

# The same datagrams into a's lan port: forwarded, and the server receives them.
to_master() {
	local a0 a1
	rm -f "$stop"
	probe_bg srv_cap2 "$NS_SERVER" capture eth0=server --udp-sink 9999 --duration 30 \
		--stop-file "$stop" || return 1
	a0=$(lcore_counters a)
	probe "$NS_LAN" craft "$NS_LAN/r1" --kind good --dst-mac "$VMAC" --src "$CLIENT_IP" \
		--src-mac "$client_mac" --dst "$SERVER_IP" --count "$N" >/dev/null 2>"$E2E_TMP/m.err" ||
		{ E2E_ERR="craft: $(cat "$E2E_TMP/m.err")"; return 1; }
	sleep 0.5
	a1=$(lcore_counters a)
	touch "$stop"
	probe_wait srv_cap2 10 || return 1
	tap_diag "into node a: $(lcore_delta "$a0" "$a1"); at the server: $(jget "$E2E_TMP/srv_cap2.json" 'd["summary"]')"
	check_eq "node a's forwarded rise / datagrams the server received" \
		"$(lcore_rise "$a0" "$a1" forwarded)/$(jget "$E2E_TMP/srv_cap2.json" 'len(d["udp"])')" "$N/$N"
}
tap_check same_datagrams_to_master_forwarded to_master
tap_check backup_still_backup fwd_roles_are a b
tap_summary
