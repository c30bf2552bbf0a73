#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a pcap of IPv4/UDP frames for the forwarding benchmark (scripts/bench-forwarding.sh).

Frame sizes follow RFC 2544: SIZE counts the Ethernet frame with its 4-byte FCS, which a
pcap does not hold, so a 64-byte frame is a 60-byte record and a 1518-byte frame a
1514-byte record (IP total length 1500, the default MTU).

Every frame goes to --dst-mac (the router's port MAC or a vMAC), from FLOWS distinct
(source IP, destination IP, source port, destination port) tuples: sources in --src-net
(a /24, hosts .10 upwards), destinations spread over --dst-net (a /16), TTL 64, IPv4
header and UDP checksums valid, DF set. With --vlan V every frame carries an 802.1Q tag
of VLAN V (priority 0) inside the same frame size. With --ipv6 the frames are IPv6/UDP
(hop limit 64) from --src-net6 to --dst-net6 (a /64), at least 78 bytes (RFC 5180: the
smallest IPv6 benchmark frame). Only the standard library is used, so any python3 runs it.

    gen-bench-pcap.py --size 64 --flows 256 --dst-mac 02:70:63:61:70:00 -o bench-64.pcap
"""

import argparse
import ipaddress
import struct
import sys

FCS = 4
ETH, IP, IP6, UDP = 14, 20, 40, 8
IPV6_MIN_FRAME = 78


def csum(data: bytes) -> int:
    """RFC 1071 Internet checksum of data (one's complement of the one's complement sum)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(text: str) -> bytes:
    parts = text.split(":")
    if len(parts) != 6 or not all(len(p) == 2 for p in parts):
        raise argparse.ArgumentTypeError("MAC must be aa:bb:cc:dd:ee:ff, got %r" % text)
    return bytes(int(p, 16) for p in parts)


def frame(size, dst_mac, src_mac, src_ip, dst_ip, sport, dport, ident, vlan=0):
    rec = size - FCS
    tag = struct.pack("!HH", 0x8100, vlan) if vlan else b""
    payload_len = rec - ETH - len(tag) - IP - UDP
    # Recognisable payload: flow index then a counting pattern.
    payload = bytes((ident + i) & 0xFF for i in range(payload_len))
    udp_len = UDP + payload_len
    ip_len = IP + udp_len
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, ident & 0xFFFF, 0x4000, 64, 17, 0,
                     src_ip.packed, dst_ip.packed)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    pseudo = struct.pack("!4s4sBBH", src_ip.packed, dst_ip.packed, 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0)
    ucs = csum(pseudo + udp + payload) or 0xFFFF  # 0 means "no checksum" in UDP
    udp = udp[:6] + struct.pack("!H", ucs)
    eth = dst_mac + src_mac + tag + b"\x08\x00"
    f = eth + ip + udp + payload
    assert len(f) == rec, (len(f), rec)
    return f


def frame6(size, dst_mac, src_mac, src_ip, dst_ip, sport, dport, ident):
    rec = size - FCS
    payload_len = rec - ETH - IP6 - UDP
    payload = bytes((ident + i) & 0xFF for i in range(payload_len))
    udp_len = UDP + payload_len
    ip = struct.pack("!IHBB16s16s", 0x60000000, udp_len, 17, 64, src_ip.packed, dst_ip.packed)
    pseudo = struct.pack("!16s16sIxxxB", src_ip.packed, dst_ip.packed, udp_len, 17)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0)
    ucs = csum(pseudo + udp + payload) or 0xFFFF  # mandatory in IPv6
    udp = udp[:6] + struct.pack("!H", ucs)
    f = dst_mac + src_mac + b"\x86\xdd" + ip + udp + payload
    assert len(f) == rec, (len(f), rec)
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=64,
                    help="Ethernet frame size with FCS, 64..1518 (default 64)")
    ap.add_argument("--flows", type=int, default=256, help="distinct flows, 1..65535 (256)")
    ap.add_argument("--dst-mac", type=mac, required=True, help="the router port's MAC or vMAC")
    ap.add_argument("--src-mac", type=mac, default=mac("02:00:00:00:00:10"),
                    help="sender MAC (02:00:00:00:00:10)")
    ap.add_argument("--src-net", type=ipaddress.IPv4Network, default="10.0.0.0/24",
                    help="senders' subnet, the router's ingress subnet (10.0.0.0/24)")
    ap.add_argument("--dst-net", type=ipaddress.IPv4Network, default="198.18.0.0/16",
                    help="destinations, routed out of the other port (198.18.0.0/16)")
    ap.add_argument("--vlan", type=int, default=0,
                    help="802.1Q VLAN id 1..4094 of every frame (default: untagged)")
    ap.add_argument("--ipv6", action="store_true", help="IPv6/UDP frames instead")
    ap.add_argument("--src-net6", type=ipaddress.IPv6Network, default="2001:db8::/64",
                    help="IPv6 senders' subnet (2001:db8::/64)")
    ap.add_argument("--dst-net6", type=ipaddress.IPv6Network, default="2001:200:0:1::/64",
                    help="IPv6 destinations (2001:200:0:1::/64: l3fwd's route to port 1)")
    ap.add_argument("-o", "--output", required=True, help="pcap file to write")
    a = ap.parse_args()
    if not 64 <= a.size <= 1518:
        ap.error("--size must be 64..1518 (RFC 2544 frame sizes include the FCS)")
    if a.ipv6 and (a.size < IPV6_MIN_FRAME or a.vlan):
        ap.error("--ipv6 frames are 78..1518 bytes, untagged")
    if a.vlan and not 1 <= a.vlan <= 4094:
        ap.error("--vlan must be 1..4094")
    if not 1 <= a.flows <= 65535:
        ap.error("--flows must be 1..65535")
    n_src = min(200, a.src_net.num_addresses - 12)
    n_dst = a.dst_net.num_addresses - 2
    if n_src < 1 or n_dst < 1:
        ap.error("--src-net and --dst-net are too small")

    with open(a.output, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # LINKTYPE_ETHERNET
        for i in range(a.flows):
            src = a.src_net.network_address + 10 + (i % n_src)
            # Spread destinations over the /16 (different LPM tbl8-free /24s) deterministically.
            dst = a.dst_net.network_address + 1 + ((i * 257) % n_dst)
            if a.ipv6:
                f = frame6(a.size, a.dst_mac, a.src_mac, a.src_net6.network_address + 256 + i,
                           a.dst_net6.network_address + 1 + i * 257, 1024 + i,
                           5001 + (i % 16), i)
            else:
                f = frame(a.size, a.dst_mac, a.src_mac, src, dst, 1024 + i, 5001 + (i % 16), i,
                          a.vlan)
            out.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                                  len(f), len(f)))
            out.write(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
