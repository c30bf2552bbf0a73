#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Wire conformance: carp-dpdk's adverts, captured with tcpdump on the bridge (namespace
# lan, br0), checked field by field against spec §9, independently of carp-dpdk's code.
# One node (r1, 10.99.0.2) runs three VHIDs on one port, each with another profile:
#   vhid 1  openbsd  advskew 0    passphrase "carp-demo"   VIP 10.99.0.1
#   vhid 2  freebsd  advskew 50   passphrase "wire-two"    VIPs 10.99.0.20, 10.99.0.5
#                                                          (HMAC over them sorted)
#   vhid 3  ucarp    advskew 200  passphrase "wire-three"  VIP 10.99.0.30
# It is MASTER of all three; after 5 s of adverts it gets SIGTERM and bows out of each.
# Every advert: Ethernet dst 01:00:5e:00:00:12, src 00:00:5e:00:01:VHID, type 0x0800;
# IPv4 version/IHL 0x45, TOS 0x10 (openbsd, ucarp) or 0xe0 (freebsd), length 56, DF and
# no fragment, TTL 255, protocol 112, header checksum, src 10.99.0.2, dst 224.0.0.18;
# CARP byte 0 0x21, vhid, advskew, authlen 7, demote 0, advbase, checksum over the 36
# bytes, HMAC-SHA1 recomputed here (the spec's algorithm, checked on its vector TV1 first,
# and with Python's hmac module); counters +1 per advert; intervals advbase + advskew/256.
# The bow-out: advbase 255, advskew 255, authenticated, last of its VHID. The same capture
# goes through carp-inspect with each VHID's passphrase and VIPs.
# Usage: test_interop_wire.sh [CARP_DPDK_BINARY [SOURCE_ROOT]]
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
require_program tcpdump tcpdump
INSPECT=$(dirname "$E2E_BIN")/../carp-inspect/carp-inspect

CHECKS="hmac_reimplementation_matches_spec_tv1 capture_has_adverts_of_every_vhid
eth_dst_carp_group_mac eth_src_vmac_of_vhid ethertype_ipv4 ip_version_ihl_0x45
ip_tos_per_profile ip_total_length_56 ip_df_no_fragment ip_ttl_255 ip_proto_112
ip_header_checksum ip_src_port_address ip_dst_224_0_0_18 carp_payload_36_bytes
carp_version_type_0x21 carp_vhid_advbase_advskew_as_configured carp_authlen_7
carp_demote_0 carp_checksum carp_hmac_recomputed hmac_check_rejects_wrong_key
counter_plus_one_per_advert advert_interval_as_configured bow_out_on_sigterm_every_vhid
bow_out_authenticated nothing_after_bow_out"
# shellcheck disable=SC2086
tap_plan all_three_master $CHECKS carp_inspect_verifies_every_vhid \
	carp_inspect_rejects_wrong_key node_exits_0
[ -x "$INSPECT" ] || tap_diag "no carp-inspect at $INSPECT"

cat >"$E2E_TMP/wire.yaml" <<'EOF'
global:
  idle: adaptive
ports:
  - name: lan
    device: "net_af_packet0,iface=carp0"
    addresses: [10.99.0.2/24]
vhids:
  - vhid: 1
    port: lan
    advskew: 0
    profile: openbsd
    passphrase: "carp-demo"
    vips: [10.99.0.1]
  - vhid: 2
    port: lan
    advskew: 50
    profile: freebsd
    passphrase: "wire-two"
    vips: [10.99.0.20, 10.99.0.5]
  - vhid: 3
    port: lan
    advskew: 200
    profile: ucarp
    passphrase: "wire-three"
    vips: [10.99.0.30]
EOF

topo_create || tap_abort "$E2E_ERR"
capture_start wire "$NS_LAN" br0 'ip proto 112' || tap_abort "$E2E_ERR"
start_node a "$NS_R1" "$E2E_TMP/wire.yaml"
all_master() {
	node_is a MASTER 1@lan && node_is a MASTER 2@lan && node_is a MASTER 3@lan
}
tap_check all_three_master wait_for "node a MASTER of vhids 1, 2, 3" 12 all_master
sleep 5 # 4+ adverts of each VHID (vhid 3: every 1.78 s)
stop_node a TERM 5 || tap_diag "$E2E_ERR"
sleep 0.3
capture_stop wire || tap_diag "$E2E_ERR"
pcap=$E2E_TMP/wire.pcap
tap_diag "capture: $(tcpdump -r "$pcap" -nn 2>/dev/null | wc -l) frames; tcpdump: $(tail -n 2 "$E2E_TMP/wire.tcpdump" | tr '\n' ' ')"

# The checks, independent of carp-dpdk: one JSON object {check: [ok, detail]}.
"$E2E_PY" - "$pcap" >"$E2E_TMP/checks.json" 2>"$E2E_TMP/checks.err" <<'PYEOF'
import hashlib, hmac, json, socket, struct, sys

VHIDS = {  # vhid: (passphrase, VIPs, advbase, advskew, TOS)
    1: (b"carp-demo", ["10.99.0.1"], 1, 0, 0x10),
    2: (b"wire-two", ["10.99.0.20", "10.99.0.5"], 1, 50, 0xE0),
    3: (b"wire-three", ["10.99.0.30"], 1, 200, 0x10),
}
SRC = "10.99.0.2"
res = {}

def put(name, ok, detail=""):
    res[name] = [bool(ok), detail]

def cksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

# Spec §3: key = passphrase (<= 19 bytes) NUL-padded to 20, then HMAC's own 64-byte
# padding; M = 0x02 0x01 vhid, IPv4 VIPs ascending by numeric value (4 bytes each,
# duplicates once), counter (8 bytes as on the wire). Done by hand and with hmac.
def carp_md(passphrase, vhid, vips, counter8):
    key = passphrase[:19].ljust(20, b"\0").ljust(64, b"\0")
    addrs = sorted({struct.unpack("!I", socket.inet_aton(v))[0] for v in vips})
    msg = bytes([2, 1, vhid]) + b"".join(struct.pack("!I", a) for a in addrs) + counter8
    inner = hashlib.sha1(bytes(b ^ 0x36 for b in key) + msg).digest()
    md = hashlib.sha1(bytes(b ^ 0x5C for b in key) + inner).digest()
    if md != hmac.new(passphrase[:19], msg, hashlib.sha1).digest():
        raise AssertionError("hand-made HMAC differs from hmac.new")
    return md

tv1 = carp_md(b"secret", 1, ["10.0.0.1"], bytes.fromhex("0102030405060708")).hex()
put("hmac_reimplementation_matches_spec_tv1",
    tv1 == "c0d32526b33cb06464aec3d88cb0eeb07b082237", f"TV1 md {tv1}")

# Classic pcap, Ethernet (tcpdump -w).
raw = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", raw[:4])[0]
endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
if struct.unpack(endian + "I", raw[20:24])[0] != 1:
    sys.exit("not an Ethernet capture")
frames, off = [], 24
while off + 16 <= len(raw):
    sec, frac, incl, _ = struct.unpack(endian + "IIII", raw[off:off + 16])
    frames.append((sec + frac / (1e9 if nano else 1e6), raw[off + 16:off + 16 + incl]))
    off += 16 + incl

ads = []
for t, f in frames:
    if len(f) < 34 or f[12:14] != b"\x08\x00":
        continue
    ip = f[14:34]
    if ip[9] != 112:
        continue
    ihl = (ip[0] & 15) * 4
    carp = f[14 + ihl:14 + struct.unpack("!H", ip[2:4])[0]]
    if len(carp) < 36:
        continue
    ads.append(dict(t=t, f=f, ip=f[14:14 + ihl], carp=carp, vhid=carp[1],
                    bow=carp[5] == 255 and carp[2] == 255))
by = {v: [a for a in ads if a["vhid"] == v] for v in VHIDS}
normal = [a for a in ads if not a["bow"]]
put("capture_has_adverts_of_every_vhid",
    all(sum(1 for a in by[v] if not a["bow"]) >= 3 for v in VHIDS),
    "adverts (bow-outs) per vhid: " + ", ".join(
        f"{v}: {sum(1 for a in by[v] if not a['bow'])} ({sum(1 for a in by[v] if a['bow'])})"
        for v in VHIDS))

def every(name, pred, what, pool=ads):
    bad = [(a["vhid"], what(a)) for a in pool if not pred(a)]
    put(name, pool and not bad,
        f"{len(pool)} adverts; " + (f"{len(bad)} wrong, e.g. vhid {bad[0][0]}: {bad[0][1]}"
                                    if bad else f"e.g. {what(pool[0]) if pool else '-'}"))

mac = lambda b: ":".join("%02x" % x for x in b)
ipa = socket.inet_ntoa
every("eth_dst_carp_group_mac", lambda a: a["f"][0:6] == bytes.fromhex("01005e000012"),
      lambda a: mac(a["f"][0:6]))
every("eth_src_vmac_of_vhid",
      lambda a: a["f"][6:12] == bytes([0, 0, 0x5E, 0, 1, a["vhid"]]), lambda a: mac(a["f"][6:12]))
every("ethertype_ipv4", lambda a: a["f"][12:14] == b"\x08\x00", lambda a: a["f"][12:14].hex())
every("ip_version_ihl_0x45", lambda a: a["ip"][0] == 0x45, lambda a: hex(a["ip"][0]))
every("ip_tos_per_profile", lambda a: a["ip"][1] == VHIDS[a["vhid"]][4],
      lambda a: f"TOS {a['ip'][1]:#04x}")
res["ip_tos_per_profile"][1] += "; seen: " + ", ".join(
    f"vhid {v}: " + "/".join(sorted({f"{a['ip'][1]:#04x}" for a in by[v]})) for v in VHIDS)
every("ip_total_length_56", lambda a: struct.unpack("!H", a["ip"][2:4])[0] == 56,
      lambda a: struct.unpack("!H", a["ip"][2:4])[0])
every("ip_df_no_fragment", lambda a: struct.unpack("!H", a["ip"][6:8])[0] == 0x4000,
      lambda a: hex(struct.unpack("!H", a["ip"][6:8])[0]))
every("ip_ttl_255", lambda a: a["ip"][8] == 255, lambda a: a["ip"][8])
every("ip_proto_112", lambda a: a["ip"][9] == 112, lambda a: a["ip"][9])
every("ip_header_checksum", lambda a: cksum(a["ip"]) == 0,
      lambda a: hex(struct.unpack("!H", a["ip"][10:12])[0]))
every("ip_src_port_address", lambda a: ipa(a["ip"][12:16]) == SRC, lambda a: ipa(a["ip"][12:16]))
every("ip_dst_224_0_0_18", lambda a: ipa(a["ip"][16:20]) == "224.0.0.18",
      lambda a: ipa(a["ip"][16:20]))
every("carp_payload_36_bytes", lambda a: len(a["carp"]) == 36 and len(a["f"]) == 70,
      lambda a: f"{len(a['carp'])} bytes, frame {len(a['f'])}")
every("carp_version_type_0x21", lambda a: a["carp"][0] == 0x21, lambda a: hex(a["carp"][0]))
every("carp_vhid_advbase_advskew_as_configured",
      lambda a: a["vhid"] in VHIDS and (a["carp"][5], a["carp"][2]) == VHIDS[a["vhid"]][2:4],
      lambda a: f"vhid {a['vhid']} advbase {a['carp'][5]} advskew {a['carp'][2]}", normal)
every("carp_authlen_7", lambda a: a["carp"][3] == 7, lambda a: a["carp"][3])
every("carp_demote_0", lambda a: a["carp"][4] == 0, lambda a: a["carp"][4])
every("carp_checksum", lambda a: cksum(a["carp"][:36]) == 0,
      lambda a: hex(struct.unpack("!H", a["carp"][6:8])[0]))
def md_ok(a, pw=None):
    p, vips = VHIDS[a["vhid"]][:2]
    return carp_md(pw or p, a["vhid"], vips, a["carp"][8:16]) == a["carp"][16:36]
every("carp_hmac_recomputed", lambda a: a["vhid"] in VHIDS and md_ok(a),
      lambda a: f"md {a['carp'][16:36].hex()}")
put("hmac_check_rejects_wrong_key", ads and not any(md_ok(a, b"not-the-key") for a in ads),
    "no advert verifies with passphrase 'not-the-key'")

steps, ivals = [], []
for v, (_, _, base, skew, _) in VHIDS.items():
    seq = [a for a in by[v] if not a["bow"]]
    ctr = [struct.unpack("!Q", a["carp"][8:16])[0] for a in by[v]]
    steps += [(v, (b - a) % (1 << 64)) for a, b in zip(ctr, ctr[1:])]
    want = base + skew / 256
    # The first interval may follow the takeover advert; the rest are timer driven.
    ivals += [(v, round(b["t"] - a["t"], 4), want) for a, b in zip(seq[1:], seq[2:])]
bad = [s for s in steps if s[1] != 1]
put("counter_plus_one_per_advert", steps and not bad,
    f"{len(steps)} steps" + (f"; not +1: {bad[:4]}" if bad else ", all +1"))
bad = [i for i in ivals if abs(i[1] - i[2]) > 0.05]
put("advert_interval_as_configured", ivals and not bad,
    f"{len(ivals)} intervals (±50 ms)" + (f"; off: {bad[:4]}" if bad else
    "; " + ", ".join(f"vhid {v}: {x}s" for v, x, _ in ivals[:: max(1, len(ivals) // 3)])))

bows = {v: [a for a in by[v] if a["bow"]] for v in VHIDS}
put("bow_out_on_sigterm_every_vhid", all(bows[v] for v in VHIDS),
    "bow-outs (advbase 255, advskew 255) per vhid: " +
    ", ".join(f"{v}: {len(bows[v])}" for v in VHIDS))
bb = [a for v in VHIDS for a in bows[v]]
put("bow_out_authenticated",
    bb and all(md_ok(a) and cksum(a["carp"][:36]) == 0 and a["ip"][8] == 255 and a["carp"][0] == 0x21
               for a in bb), f"{len(bb)} bow-outs, HMAC/checksum/TTL/version checked")
late = [v for v in VHIDS if bows[v] and any(not a["bow"] and a["t"] > bows[v][0]["t"] for a in by[v])]
put("nothing_after_bow_out", bb and not late,
    "no normal advert after a VHID's first bow-out" if not late else f"vhids {late}")
print(json.dumps(res))
PYEOF
[ -s "$E2E_TMP/checks.json" ] || tap_diag "checker failed: $(tail -n 5 "$E2E_TMP/checks.err")"
for c in $CHECKS; do
	if [ -s "$E2E_TMP/checks.json" ] && [ "$(jget "$E2E_TMP/checks.json" "d['$c'][0]")" = True ]; then
		tap_ok "$c"
	else
		tap_not_ok "$c" "$(jget "$E2E_TMP/checks.json" "d.get('$c', [0, 'no result'])[1]" 2>/dev/null)"
		continue
	fi
	tap_diag "$c: $(jget "$E2E_TMP/checks.json" "d['$c'][1]")"
done

# carp-inspect, per VHID with its key and VIPs: every advert (bow-outs too) verifies.
inspect_all() {
	local v args out rc
	for v in 1 2 3; do
		case $v in
		1) args=(--pass carp-demo --vip 10.99.0.1) ;;
		2) args=(--pass wire-two --vip 10.99.0.20 --vip 10.99.0.5) ;;
		3) args=(--pass wire-three --vip 10.99.0.30) ;;
		esac
		out=$("$INSPECT" --quiet --vhid "$v" "${args[@]}" "$pcap" 2>&1)
		rc=$?
		tap_diag "carp-inspect vhid $v: exit $rc: $(tail -n 1 <<<"$out"); bow-outs: $(grep -c 'advbase 255 advskew 255: verdict: OK' <<<"$out")"
		[ "$rc" -eq 0 ] && grep -q ' 0 failed' <<<"$out" ||
			{ E2E_ERR="vhid $v: exit $rc: $(grep -m 1 FAIL <<<"$out")"; return 1; }
	done
}
tap_check carp_inspect_verifies_every_vhid inspect_all
inspect_wrong() {
	"$INSPECT" --quiet --vhid 1 --pass not-the-key --vip 10.99.0.1 "$pcap" >/dev/null 2>&1
	check_eq "carp-inspect exit status with a wrong key" "$?" 1
}
tap_check carp_inspect_rejects_wrong_key inspect_wrong
tap_check node_exits_0 check_eq "node exit status after SIGTERM" "${NODE_RC[a]:-none}" 0
tap_summary
