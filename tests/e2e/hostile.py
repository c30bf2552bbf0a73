#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""hostile.py: a hostile host on a segment, for carp-dpdk's hardening tests.

Run with /usr/bin/python3 as root inside the attacker's namespace. Every subcommand prints
one JSON object on stdout and every loop is bounded in time and count. The frame helpers
and captures are probe.py's.

  ask IFACE --kind K --count N [--timeout T] [--watch NS/IFACE=LABEL]
        send N frames of kind K (see ASK_KINDS: the questions an attacker asks) and
        report every answer that came back: ARP replies and echo replies from the
        routers, their Ethernet destination, whether tagged.
  spoof IFACE --claim IP --count N
        claim IP for this host's MAC: gratuitous ARP and replies addressed to the node,
        alternately (the classic way to black-hole another segment's gateway).
  replay IFACE --vhid N --from IP --listen S --mode M [--count K] [--delay D]
        capture the adverts of VHID N sent from IP for S seconds, then (after D s) send
        the oldest one K times: verbatim, rewritten as a bow-out (advbase 255, advskew
        255, checksum fixed: what the HMAC does not cover), or with another IP source.
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe  # noqa: E402  (the sibling script, for its captures and frame helpers)

VIP = "10.99.0.1"
VMAC = "00:00:5e:00:01:01"
WAN_VIP = "10.100.0.1"
SERVER = "10.100.0.9"
NODE_LAN_ADDRS = ("10.99.0.2", "10.99.0.3")
VLAN = 5

# kind -> what it asks; none of them may be answered but the controls.
ASK_KINDS = {
    "control_arp": "an ARP request for the VIP (the control: must be answered)",
    "control_ping": "an echo request to the VIP (the control: must be answered)",
    "tagged_arp": f"an ARP request for the VIP in an 802.1Q tag (VLAN {VLAN})",
    "tagged_ping": f"an echo request to the VIP in an 802.1Q tag (VLAN {VLAN})",
    "arp_other_port": f"an ARP request on this segment for the other segment's VIP {WAN_VIP}",
    "bcast_sender_arp": "an ARP request for the VIP whose sender MAC is ff:ff:ff:ff:ff:ff "
                        "(the reply would flood the segment)",
    "bcast_src_ping": "an echo request to the VIP from the subnet's broadcast address "
                      "10.99.0.255 (a smurf reflection)",
    "tagged_udp": f"a UDP datagram for the server {SERVER} through the VIP's vMAC, in an "
                  f"802.1Q tag (VLAN {VLAN})",
}


def arp_frame(op, eth_src, eth_dst, sha, spa, tpa, tha="00:00:00:00:00:00"):
    return (probe.mac_bytes(eth_dst) + probe.mac_bytes(eth_src) +
            struct.pack("!HHHBBH", probe.ETH_P_ARP, 1, probe.ETH_P_IP, 6, 4, op) +
            probe.mac_bytes(sha) + socket.inet_aton(spa) + probe.mac_bytes(tha) +
            socket.inet_aton(tpa)).ljust(60, b"\0")


def echo_frame(eth_src, eth_dst, src, dst, ident, seq):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"hostile!"
    icmp = icmp[:2] + struct.pack("!H", probe.inet_cksum(icmp)) + icmp[4:]
    return (probe.mac_bytes(eth_dst) + probe.mac_bytes(eth_src) +
            struct.pack("!H", probe.ETH_P_IP) + probe.ipv4_packet(src, dst, icmp, proto=1))


def tag(frame, vlan):
    return frame[:12] + struct.pack("!HH", probe.ETH_P_8021Q, vlan) + frame[12:]


def build_ask(kind, mac, ip, seq):
    bc = probe.BROADCAST_MAC
    if kind == "control_arp":
        return arp_frame(1, mac, bc, mac, ip, VIP)
    if kind == "tagged_arp":
        return tag(arp_frame(1, mac, bc, mac, ip, VIP), VLAN)
    if kind == "arp_other_port":
        return arp_frame(1, mac, bc, mac, ip, WAN_VIP)
    if kind == "bcast_sender_arp":
        return arp_frame(1, mac, bc, bc, ip, VIP)
    if kind == "control_ping":
        return echo_frame(mac, VMAC, ip, VIP, 0x4854, seq)
    if kind == "tagged_ping":
        return tag(echo_frame(mac, VMAC, ip, VIP, 0x4854, seq), VLAN)
    if kind == "bcast_src_ping":
        return echo_frame(mac, VMAC, "10.99.0.255", VIP, 0x4854, seq)
    if kind == "tagged_udp":
        data = probe.FWD_MARK + f"tagged:{seq}".encode()
        udp = probe.udp_datagram(ip, SERVER, 40000, 40001, data.ljust(32, b"\0"))
        eth = probe.mac_bytes(VMAC) + probe.mac_bytes(mac) + struct.pack("!H", probe.ETH_P_IP)
        return tag(eth + probe.ipv4_packet(ip, SERVER, udp), VLAN)
    probe.die(f"unknown kind {kind}")
    return b""


def answer(f):
    """An ARP reply or an echo reply in @f (tagged or not), as a dict; None otherwise."""
    tagged = len(f) >= 18 and struct.unpack_from("!H", f, 12)[0] == probe.ETH_P_8021Q
    d = probe.parse_frame(f)
    if d is None:
        return None
    if d["kind"] == "arp" and d["op"] == 2:
        return {"what": "arp_reply", "spa": d["spa"], "eth_dst": d["eth_dst"],
                "eth_src": d["eth_src"], "tagged": tagged}
    if d["kind"] == "icmp" and d["type"] == 0:
        return {"what": "echo_reply", "src": d["src"], "dst": d["dst"],
                "eth_dst": d["eth_dst"], "eth_src": d["eth_src"], "tagged": tagged}
    return None


def cmd_ask(a):
    count = probe.bounded(a.count, 1, 1000, "count")
    timeout = probe.bounded(a.timeout, 0.05, 10.0, "timeout")
    ep = probe.Endpoint(a.iface)
    eps = [ep] + probe.open_watches(a.watch)
    mac, ip = probe.mac_str(ep.mac), probe.iface_ipv4(ep.iface)
    answers = []
    for i in range(count):
        ep.send(build_ask(a.kind, mac, ip, i))
        time.sleep(0.01)
    end = time.time() + timeout
    while time.time() < end:
        for e, _, f in probe.poll(eps, end - time.time()):
            d = answer(f)
            if d and (d.get("spa") in (VIP, WAN_VIP) or d.get("src") in (VIP, WAN_VIP)):
                d["at"] = e.label
                answers.append(d)
    print(json.dumps({"kind": a.kind, "what": ASK_KINDS[a.kind], "sent": count,
                      "answers": len(answers), "detail": answers[:10]}))
    return 0


def cmd_spoof(a):
    """Claim @a.claim for this host's MAC, as announcements and as replies to the node."""
    count = probe.bounded(a.count, 1, 10000, "count")
    ep = probe.Endpoint(a.iface)
    mac = probe.mac_str(ep.mac)
    for i in range(count):
        if i % 2:
            f = arp_frame(2, mac, probe.BROADCAST_MAC, mac, a.claim,
                          NODE_LAN_ADDRS[i // 2 % 2])
        else:
            f = arp_frame(1, mac, probe.BROADCAST_MAC, mac, a.claim, a.claim)
        ep.send(f)
        time.sleep(0.005)
    print(json.dumps({"claimed": a.claim, "mac": mac, "sent": count}))
    return 0


def rewrite(frame, mode, new_src):
    """The captured advert @frame as @mode sends it (IPv4, no tag)."""
    f = bytearray(frame)
    ihl = (f[14] & 0x0F) * 4
    carp = 14 + ihl
    if mode == "bowout":
        f[carp + 2] = 255  # advskew
        f[carp + 5] = 255  # advbase
        f[carp + 6:carp + 8] = b"\0\0"
        f[carp + 6:carp + 8] = struct.pack("!H", probe.inet_cksum(bytes(f[carp:carp + 36])))
    if mode == "other_src":
        f[26:30] = socket.inet_aton(new_src)
        f[24:26] = b"\0\0"
        f[24:26] = struct.pack("!H", probe.inet_cksum(bytes(f[14:14 + ihl])))
    return bytes(f)


def cmd_replay(a):
    listen = probe.bounded(a.listen, 0.1, 30.0, "listen")
    count = probe.bounded(a.count, 1, 100, "count")
    ep = probe.Endpoint(a.iface)
    got = []
    end = time.time() + listen
    while time.time() < end and len(got) < 1000:
        for _, _, f in probe.poll([ep], end - time.time()):
            d = probe.parse_frame(f)
            if d and d["kind"] == "carp" and d["vhid"] == a.vhid and d["src"] == a.src and \
                    not d["bow_out"]:
                got.append((d["counter"], f))
    if not got:
        print(json.dumps({"captured": 0, "sent": 0}))
        return 1
    time.sleep(probe.bounded(a.delay, 0.0, 30.0, "delay"))
    counter, frame = got[0]
    out = rewrite(frame, a.mode, a.new_src)
    for i in range(count):
        ep.send(out)
        time.sleep(0.02)
    print(json.dumps({"captured": len(got), "sent": count, "mode": a.mode,
                      "counter": f"{counter:#018x}", "newest": f"{got[-1][0]:#018x}"}))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("ask", help="ask what must not be answered; report the answers")
    p.add_argument("iface")
    p.add_argument("--kind", required=True, choices=sorted(ASK_KINDS))
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--timeout", type=float, default=0.5)
    p.add_argument("--watch", action="append", metavar="NS/IFACE=LABEL")
    p.set_defaults(fn=cmd_ask)

    p = sub.add_parser("spoof", help="claim another host's address by ARP")
    p.add_argument("iface")
    p.add_argument("--claim", required=True, help="the address to claim")
    p.add_argument("--count", type=int, default=20)
    p.set_defaults(fn=cmd_spoof)

    p = sub.add_parser("replay", help="capture an advert and send it again, rewritten")
    p.add_argument("iface")
    p.add_argument("--vhid", type=int, required=True)
    p.add_argument("--from", dest="src", required=True, help="the advert source to capture")
    p.add_argument("--listen", type=float, default=3.0)
    p.add_argument("--mode", choices=("verbatim", "bowout", "other_src"), required=True)
    p.add_argument("--new-src", default="10.99.0.77", help="with --mode other_src")
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--delay", type=float, default=0.0)
    p.set_defaults(fn=cmd_replay)

    a = ap.parse_args(argv)
    if os.geteuid() != 0:
        probe.die("needs root (packet sockets)")
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
