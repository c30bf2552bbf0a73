#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A VLAN-aware learning switch in user space, for the end-to-end tests of trunks.

Kernels without 802.1Q devices or bridge VLAN filtering (this project's CI machines have
neither) cannot give the tests a VLAN switch, so this is one: trunk ports carry the
tagged frames of their VLANs, access ports carry one VLAN untagged, to kernel hosts that
need no VLAN support at all (what a real access port gives a host). Per VLAN it learns
(VLAN, MAC) -> port, floods group and unknown destinations to the VLAN's other ports, and
never lets a frame change VLAN. Frames a port may not carry (untagged on a trunk, tagged
on an access port, a VLAN the port is no member of) are dropped and counted.

    vlan_switch.py --trunk r1=20,30 --trunk r2=20,30 --access h20=20 --access h30=30 \
        --duration 60 [--stop-file F] [--ready-file F]

Runs in the namespace holding the ports; prints its counters as JSON when it ends.
The kernel hands a packet socket a received tag in PACKET_AUXDATA (it strips tags on
receive even without 802.1Q support), so both that and an in-frame tag are read.
"""

import argparse
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
TPID = 0x8100
MAX_DURATION_S = 600
MAX_FDB = 4096


class Port:
    def __init__(self, name, vids, trunk):
        self.name, self.vids, self.trunk = name, vids, trunk
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind((name, ETH_P_ALL))
        self.sock.setblocking(False)

    def fileno(self):
        return self.sock.fileno()

    def recv(self):
        """(vid or None, untagged frame) of the next frame that arrived, or None."""
        try:
            data, anc, _, addr = self.sock.recvmsg(65535, socket.CMSG_SPACE(32))
        except BlockingIOError:
            return None
        if addr[2] == PACKET_OUTGOING:
            return False
        vid = None
        for level, kind, val in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA and len(val) >= 20:
                status, _, _, _, _, tci, _ = struct.unpack_from("IIIHHHH", val)
                if status & TP_STATUS_VLAN_VALID:
                    vid = tci & 0x0FFF
        if vid is None and len(data) >= 18 and struct.unpack_from("!H", data, 12)[0] == TPID:
            vid = struct.unpack_from("!H", data, 14)[0] & 0x0FFF
            data = data[:12] + data[16:]
        return vid, data

    def send(self, vid, frame):
        if self.trunk:
            frame = frame[:12] + struct.pack("!HH", TPID, vid) + frame[12:]
        try:
            self.sock.send(frame)
            return True
        except OSError:
            return False


def port_spec(text, trunk):
    name, _, vids = text.partition("=")
    try:
        vs = {int(v) for v in vids.split(",") if v}
    except ValueError:
        vs = set()
    if not name or not vs or not all(1 <= v <= 4094 for v in vs) or (not trunk and len(vs) != 1):
        raise argparse.ArgumentTypeError(
            f"bad port '{text}'; valid: IFACE=VID[,VID...] (trunk), IFACE=VID (access)")
    return name, vs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trunk", action="append", default=[], type=lambda t: port_spec(t, True))
    ap.add_argument("--access", action="append", default=[], type=lambda t: port_spec(t, False))
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--stop-file")
    ap.add_argument("--ready-file")
    a = ap.parse_args()
    if not 0 < a.duration <= MAX_DURATION_S:
        ap.error(f"--duration must be in (0, {MAX_DURATION_S}]")
    ports = [Port(n, v, True) for n, v in a.trunk] + [Port(n, v, False) for n, v in a.access]
    if len(ports) < 2:
        ap.error("a switch needs two ports or more")
    fdb = {}  # (vid, mac) -> port
    c = {"forwarded": 0, "flooded": 0, "untagged_on_trunk": 0, "tagged_on_access": 0,
         "vlan_not_member": 0, "send_errors": 0}
    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("ready\n")
    end = time.monotonic() + a.duration
    while time.monotonic() < end:
        if a.stop_file and os.path.exists(a.stop_file):
            break
        ready, _, _ = select.select(ports, [], [], 0.1)
        for p in ready:
            for _ in range(256):
                got = p.recv()
                if got is None:
                    break
                if got is False or len(got[1]) < 14:
                    continue
                vid, f = got
                if p.trunk and vid is None:
                    c["untagged_on_trunk"] += 1
                    continue
                if not p.trunk:
                    if vid is not None:
                        c["tagged_on_access"] += 1
                        continue
                    vid = next(iter(p.vids))
                if vid not in p.vids:
                    c["vlan_not_member"] += 1
                    continue
                src, dst = f[6:12], f[0:6]
                if not src[0] & 1 and ((vid, src) in fdb or len(fdb) < MAX_FDB):
                    fdb[(vid, src)] = p
                out = fdb.get((vid, dst)) if not dst[0] & 1 else None
                if out is p:
                    continue
                targets = [out] if out else [q for q in ports if q is not p and vid in q.vids]
                c["forwarded" if out else "flooded"] += 1
                for q in targets:
                    if not q.send(vid, f):
                        c["send_errors"] += 1
    print(json.dumps(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
