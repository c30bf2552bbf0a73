#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the fuzz harnesses' seed corpora (tests/fuzz/corpus/<harness>/): real captures,
the shipped configs and frames of every kind the node handles. The checked-in corpus is
this script's output; run it again (from the top of the tree) after changing it.
Needs /usr/bin/python3 with scapy."""
import glob
import hashlib
import os
import shutil
import struct
import sys

from scapy.layers.inet import IP, ICMP, TCP, UDP
from scapy.layers.inet6 import (ICMPv6EchoRequest, ICMPv6MLQuery2, ICMPv6ND_NA, ICMPv6ND_NS,
                                 ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig,
                                 IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, PadN, RouterAlert)
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw
from scapy.utils import rdpcap

ROOT = os.path.dirname(os.path.abspath(__file__))
VMAC1 = "00:00:5e:00:01:01"
CLIENT = "02:00:00:00:63:09"


def carp_hdr(vhid=1, advskew=0, advbase=1, counter=0x0102030405060708):
    hdr = struct.pack("!BBBBBBHQ", 0x21, vhid, advskew, 7, 0, advbase, 0, counter) + bytes(20)
    s = sum(struct.unpack("!18H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return hdr[:6] + struct.pack("!H", ~s & 0xFFFF) + hdr[8:]


def advert(**kw):
    return bytes(Ether(dst="01:00:5e:00:00:12", src=VMAC1) /
                 IP(src="10.99.0.3", dst="224.0.0.18", proto=112, ttl=255, flags="DF") /
                 Raw(carp_hdr(**kw)))


def frames():
    out = {
        "advert": advert(),
        "advert_bowout": advert(advbase=255, advskew=255),
        "advert_v6": bytes(Ether(dst="33:33:00:00:00:12", src=VMAC1) /
                           IPv6(src="fe80::3", dst="ff02::12", nh=112, hlim=255) /
                           Raw(carp_hdr())),
        "advert_tagged": bytes(Ether(dst="01:00:5e:00:00:12", src=VMAC1) / Dot1Q(vlan=5) /
                               IP(src="10.99.0.3", dst="224.0.0.18", proto=112, ttl=255,
                                  flags="DF") / Raw(carp_hdr())),
        "advert_fragment": bytes(Ether(dst="01:00:5e:00:00:12", src=VMAC1) /
                                 IP(src="10.99.0.3", dst="224.0.0.18", proto=112, ttl=255,
                                    flags="MF") / Raw(carp_hdr()[:16])),
        "arp_request_vip": bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=CLIENT) /
                                 ARP(op=1, hwsrc=CLIENT, psrc="10.99.0.9", pdst="10.99.0.1")),
        "arp_request_wan_vip": bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=CLIENT) /
                                     ARP(op=1, hwsrc=CLIENT, psrc="10.99.0.9",
                                         pdst="10.100.0.1")),
        "garp": bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=CLIENT) /
                      ARP(op=1, hwsrc=CLIENT, psrc="10.99.0.9", pdst="10.99.0.9")),
        "arp_reply": bytes(Ether(dst=VMAC1, src=CLIENT) /
                           ARP(op=2, hwsrc=CLIENT, psrc="10.99.0.9", pdst="10.99.0.2")),
        "echo_vip": bytes(Ether(dst=VMAC1, src=CLIENT) /
                          IP(src="10.99.0.9", dst="10.99.0.1") / ICMP() / Raw(b"ping")),
        "echo_bcast_src": bytes(Ether(dst=VMAC1, src=CLIENT) /
                                IP(src="10.99.0.255", dst="10.99.0.1") / ICMP()),
        "udp_forward": bytes(Ether(dst=VMAC1, src=CLIENT) /
                             IP(src="10.99.0.9", dst="10.100.0.9") / UDP(dport=53) /
                             Raw(b"hello")),
        "udp_gateway": bytes(Ether(dst=VMAC1, src=CLIENT) /
                             IP(src="10.99.0.9", dst="10.200.1.5", options=b"\x01\x01\x01\x00") /
                             UDP(dport=53)),
        "udp_tagged": bytes(Ether(dst=VMAC1, src=CLIENT) / Dot1Q(vlan=7) /
                            IP(src="10.99.0.9", dst="10.100.0.9") / UDP()),
        "udp_vlan20_to_vlan30": bytes(Ether(dst=VMAC1, src=CLIENT) / Dot1Q(vlan=20) /
                                      IP(src="10.20.0.9", dst="10.30.0.9") / UDP()),
        "udp_vlan20_via_vlan30": bytes(Ether(dst=VMAC1, src=CLIENT) / Dot1Q(vlan=20) /
                                       IP(src="10.20.0.9", dst="10.201.0.9") / UDP()),
        "arp_request_vlan20_vip": bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=CLIENT) /
                                        Dot1Q(vlan=20) /
                                        ARP(op=1, hwsrc=CLIENT, psrc="10.20.0.9",
                                            pdst="10.20.0.1")),
        "echo_vlan20_vip": bytes(Ether(dst=VMAC1, src=CLIENT) / Dot1Q(vlan=20) /
                                 IP(src="10.20.0.9", dst="10.20.0.1") / ICMP()),
        # A ping on VLAN 20 for the untagged side's VIP, in a group frame: the reply must
        # leave from VLAN 20's own MAC, never the other segment's vMAC (a fuzzer's find).
        "echo_vlan20_other_vip": bytes(Ether(dst="ff:00:5e:00:01:01", src=CLIENT) /
                                       IP(src="10.99.0.255", dst="10.99.0.1") / ICMP()),
        "advert_vlan20": bytes(Ether(dst="01:00:5e:00:00:12", src=VMAC1) / Dot1Q(vlan=20) /
                               IP(src="10.20.0.3", dst="224.0.0.18", proto=112, ttl=255,
                                  flags="DF") / Raw(carp_hdr())),
        "udp_qinq": bytes(Ether(dst=VMAC1, src=CLIENT, type=0x88a8) / Dot1Q(vlan=100) /
                          Dot1Q(vlan=20) / IP(src="10.20.0.9", dst="10.30.0.9") / UDP()),
        "udp_priority_tagged": bytes(Ether(dst=VMAC1, src=CLIENT) / Dot1Q(vlan=0, prio=5) /
                                     IP(src="10.99.0.9", dst="10.100.0.9") / UDP()),
        # State sync datagrams (fuzz_dataplane has sync on the LAN, unicast peer mode):
        # to the group, and to the LAN address from the peer.
        "sync_group": bytes(Ether(dst="01:00:5e:00:00:f0", src=CLIENT) /
                            IP(src="10.99.0.3", dst="224.0.0.240", ttl=255, flags="DF") /
                            UDP(sport=8240, dport=8240, chksum=0) / Raw(b"CSYN" + bytes(60))),
        "sync_unicast": bytes(Ether(dst=VMAC1, src=CLIENT) /
                              IP(src="10.99.0.3", dst="10.99.0.2", ttl=255, flags="DF") /
                              UDP(sport=8240, dport=8240, chksum=0) / Raw(b"CSYN" + bytes(60))),
        "udp_own_src": bytes(Ether(dst=VMAC1, src=CLIENT) /
                             IP(src="10.100.0.1", dst="10.100.0.9") / UDP()),
        "nd_solicit": bytes(Ether(dst="33:33:ff:00:00:01", src=CLIENT) /
                            IPv6(src="fe80::9", dst="ff02::1:ff00:1", hlim=255) /
                            ICMPv6ND_NS(tgt="2001:db8::1")),
        # fuzz_dataplane's LAN: 2001:db8:63::2, VIP 2001:db8:63::1; VLAN 20: 2001:db8:14::
        "nd_solicit_vip6": bytes(Ether(dst="33:33:ff:00:00:01", src=CLIENT) /
                                 IPv6(src="fe80::9", dst="ff02::1:ff00:1", hlim=255) /
                                 ICMPv6ND_NS(tgt="2001:db8:63::1") /
                                 ICMPv6NDOptSrcLLAddr(lladdr=CLIENT)),
        "nd_dad_vip6": bytes(Ether(dst="33:33:ff:00:00:01", src=CLIENT) /
                             IPv6(src="::", dst="ff02::1:ff00:1", hlim=255) /
                             ICMPv6ND_NS(tgt="2001:db8:63::1")),
        "nd_solicit_vlan20": bytes(Ether(dst="33:33:ff:00:00:01", src=CLIENT) /
                                   Dot1Q(vlan=20) /
                                   IPv6(src="fe80::9", dst="ff02::1:ff00:1", hlim=255) /
                                   ICMPv6ND_NS(tgt="2001:db8:14::1")),
        "nd_advert": bytes(Ether(dst="33:33:00:00:00:01", src=CLIENT) /
                           IPv6(src="fe80::9", dst="ff02::1", hlim=255) /
                           ICMPv6ND_NA(tgt="2001:db8:63::1", O=1) /
                           ICMPv6NDOptDstLLAddr(lladdr=CLIENT)),
        "echo6_vip": bytes(Ether(dst=VMAC1, src=CLIENT) /
                           IPv6(src="2001:db8:63::9", dst="2001:db8:63::1") /
                           ICMPv6EchoRequest(data=b"ping")),
        "echo6_wan_vip": bytes(Ether(dst=VMAC1, src=CLIENT) /
                               IPv6(src="2001:db8:63::9", dst="2001:db8:64::1") /
                               ICMPv6EchoRequest()),
        "mld_query": bytes(Ether(dst="33:33:00:00:00:01", src=CLIENT) /
                           IPv6(src="fe80::1", dst="ff02::1", hlim=1) /
                           IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), PadN(optdata=b"")]) /
                           ICMPv6MLQuery2(mrd=10000)),
        # ICMP errors: TTL and hop limit 1, no route, too big with DF
        "udp_ttl1": bytes(Ether(dst=VMAC1, src=CLIENT) /
                          IP(src="10.99.0.9", dst="10.100.0.9", ttl=1) / UDP(dport=53)),
        "udp_no_route": bytes(Ether(dst=VMAC1, src=CLIENT) /
                              IP(src="10.99.0.9", dst="11.0.0.1") / UDP(dport=53)),
        "udp_df_too_big": bytes(Ether(dst=VMAC1, src=CLIENT) /
                                IP(src="10.99.0.9", dst="10.100.0.9", flags="DF") /
                                UDP(dport=53) / Raw(b"x" * 1600)),
        "udp6_hlim1": bytes(Ether(dst=VMAC1, src=CLIENT) /
                            IPv6(src="2001:db8:63::9", dst="2001:db8:64::9", hlim=1) /
                            UDP(dport=53)),
        "udp6_too_big": bytes(Ether(dst=VMAC1, src=CLIENT) /
                              IPv6(src="2001:db8:63::9", dst="2001:db8:64::9") /
                              UDP(dport=53) / Raw(b"x" * 1600)),
        "udp6": bytes(Ether(dst=VMAC1, src=CLIENT) /
                      IPv6(src="2001:db8:63::9", dst="2001:db8:64::9") / UDP(dport=53)),
    }
    for f in ("ucarp-advert.pcap", "keepalived-v2-advert.pcap", "keepalived-v3-advert.pcap"):
        for i, p in enumerate(rdpcap(os.path.join(ROOT, "..", "captures", f))[:2]):
            out[f"{f[:-5]}-{i}"] = bytes(p)
    return out


def conversations():
    """The filter harness's inputs: packets from the IP header, each as flags (bit 0:
    IPv6; bit 1: to the node; bits 4-7: ingress), length, bytes."""
    c4, s4, r4 = "10.0.0.9", "198.18.1.9", "198.18.1.1"
    c6, s6, r6 = "2001:db8::9", "2001:db8:1::9", "2001:db8:1::1"

    def rec(pkt, v6=False, flags=0):
        b = bytes(pkt)
        assert len(b) < 256, len(b)
        return bytes([flags | (1 if v6 else 0), len(b)]) + b

    def handshake(ip, c, s, v6):
        syn = TCP(sport=40000, dport=80, flags="S", seq=1000, window=64240,
                  options=[("MSS", 1460), ("WScale", 7)])
        synack = TCP(sport=80, dport=40000, flags="SA", seq=7000, ack=1001, window=65160,
                     options=[("MSS", 1460), ("WScale", 7)])
        ack = TCP(sport=40000, dport=80, flags="A", seq=1001, ack=7001, window=502)
        data = TCP(sport=40000, dport=80, flags="PA", seq=1001, ack=7001, window=502) / Raw(b"x" * 40)
        return [rec(ip(src=c, dst=s) / syn, v6), rec(ip(src=s, dst=c) / synack, v6, 0x10),
                rec(ip(src=c, dst=s) / ack, v6), rec(ip(src=c, dst=s) / data, v6)], data

    out = {}
    tcp4, data4 = handshake(IP, c4, s4, False)
    rst = rec(IP(src=s4, dst=c4) / TCP(sport=80, dport=40000, flags="R", seq=9999999), False, 0x10)
    fin = rec(IP(src=c4, dst=s4) / TCP(sport=40000, dport=80, flags="FA", seq=1041, ack=7001))
    err = rec(IP(src=r4, dst=c4) / ICMP(type=3, code=4, nexthopmtu=1400) /
              bytes(IP(src=c4, dst=s4) / data4)[:28], False, 0x10)
    out["tcp4"] = b"".join(tcp4 + [rst, err, fin])
    out["udp4"] = b"".join([rec(IP(src=c4, dst=s4) / UDP(sport=5353, dport=53) / Raw(b"q")),
                            rec(IP(src=s4, dst=c4) / UDP(sport=53, dport=5353) / Raw(b"a"), False, 0x10),
                            rec(IP(src=c4, dst=s4) / UDP(sport=5353, dport=53))])
    out["echo4"] = b"".join([rec(IP(src=c4, dst="10.0.0.1") / ICMP(type=8, id=77), False, 2),
                             rec(IP(src="10.0.0.1", dst=c4) / ICMP(type=0, id=77))])
    tcp6, data6 = handshake(IPv6, c6, s6, True)
    err6 = rec(IPv6(src=r6, dst=c6) / ICMPv6PacketTooBig(mtu=1280) /
               bytes(IPv6(src=c6, dst=s6) / data6)[:68], True, 0x10)
    ext6 = rec(IPv6(src=c6, dst=s6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
               UDP(sport=5353, dport=53), True)
    echo6 = rec(IPv6(src=c6, dst="2001:db8::1") / ICMPv6EchoRequest(id=5), True, 2)
    out["tcp6"] = b"".join(tcp6 + [err6, ext6, echo6])
    return out


def fragment_sequences():
    """fuzz_dataplane_reasm's inputs: fragments from the LAN to the WAN's server, several
    frames an input (each a 2-byte length and its bytes)."""
    from scapy.layers.inet import fragment

    def seq(frags, tag=None):
        out = b""
        for f in frags:
            e = Ether(dst=VMAC1, src=CLIENT)
            if tag is not None:
                e = Ether(dst="00:00:5e:00:01:01", src=CLIENT) / Dot1Q(vlan=tag)
            b = bytes(e / f)
            out += struct.pack("!H", len(b)) + b
        return out

    def dgram(l4, n, ident):
        return IP(src="10.99.0.9", dst="10.100.0.9", id=ident) / l4 / Raw((bytes(range(256)) * (n // 256 + 1))[:n])

    udp = fragment(dgram(UDP(sport=40000, dport=5000), 1200, 1), fragsize=800)
    big = fragment(dgram(UDP(sport=40000, dport=5000), 2900, 2), fragsize=976)
    dns = fragment(dgram(UDP(sport=40000, dport=53), 1200, 3), fragsize=800)
    ssh = fragment(dgram(TCP(sport=40000, dport=22, flags="S"), 1200, 4), fragsize=8)
    tiny = fragment(dgram(TCP(sport=40000, dport=80, flags="S"), 3000, 5), fragsize=8)
    def dgram6(l4, n, ident):
        from scapy.layers.inet6 import IPv6ExtHdrFragment, fragment6
        p = IPv6(src="2001:db8:63::9", dst="2001:db8:64::9") / IPv6ExtHdrFragment(id=ident) / l4 / \
            Raw((bytes(range(256)) * (n // 256 + 1))[:n])
        return fragment6(p, 1280)

    v6 = dgram6(UDP(sport=40000, dport=5000), 2000, 0x1234)
    v6dns = dgram6(UDP(sport=40000, dport=53), 2000, 0x1235)
    return {
        "v6_in_order": seq(v6),
        "v6_reversed": seq(reversed(v6)),
        "v6_dns_rejected": seq(v6dns),
        "udp_in_order": seq(udp),
        "udp_reversed": seq(reversed(udp)),
        "udp_twice": seq(udp + udp),
        "udp_first_only": seq(udp[:1]),
        "big_chain": seq(big),
        "dns_rejected": seq(dns),
        "ssh_tiny_rejected": seq(ssh[:8]),
        "tcp_tiny_chain": seq(tiny[:1]) + seq(fragment(dgram(TCP(sport=40000, dport=80), 3000, 5), fragsize=1480)[1:]),
        "mixed_iface": seq(udp[:1]) + seq(udp[1:], tag=20),
    }


def sync_sections():
    """fuzz_sync's inputs: the sections of sync messages (the harness signs them), each a
    valid element of every type, and a later version's type."""
    def mapped(a):
        return bytes(10) + b"\xff\xff" + bytes(int(x) for x in a.split("."))

    def key(a, pa, b, pb, proto=6):
        # The filter's order (flt_end_after): the second 8 bytes as a native word, then
        # the first, then the port.
        def order(addr, port):
            return (int.from_bytes(addr[8:], "little"), int.from_bytes(addr[:8], "little"), port)
        (a, pa), (b, pb) = sorted([(mapped(a), pa), (mapped(b), pb)], key=lambda e: order(*e))
        return a + b + struct.pack("!HHBBxx", pa, pb, proto, 4)

    def section(t, elems):
        return struct.pack("!BBH", t, len(elems[0]) // 4, len(elems)) + b"".join(elems)

    k = key("10.0.0.9", 40000, "198.18.1.9", 80)
    peer = struct.pack("!IIHBB", 1000, 66000, 64240, 4, 0x87) + \
        struct.pack("!IIHBB", 7000, 90000, 65535, 4, 0x89)
    st = k + struct.pack("!BBxxIII", 1, 2, 3, 5000, 20) + peer + struct.pack("!QQQQ", 10, 12, 1000, 2000)
    return {
        "ins_upd": section(1, [st]) + section(2, [st, st]),
        "del_req": section(3, [k]) + section(4, [bytes(40)]),
        "bus_nack": section(5, [struct.pack("!BxxxII", 1, 7, 100)]) + section(6, [struct.pack("!III", 3, 5, 9)]),
        "later_type": section(99, [bytes(8), bytes(8)]) + section(3, [k + bytes(4)]),
        # A digest round: its start, two slices and the end (2 slices sent).
        "digest": section(7, [struct.pack("!IHHIQ", 9, 0xffff, 0, 0, 0),
                              struct.pack("!IHHIQ", 9, 17, 0, 3, 0x1234567890abcdef),
                              struct.pack("!IHHIQ", 9, 4095, 0, 1, 42),
                              struct.pack("!IHHIQ", 9, 0xfffe, 0, 2, 0)]),
    }


def write(harness, name, data):
    d = os.path.join(ROOT, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)


def main():
    shutil.rmtree(os.path.join(ROOT, "corpus"), ignore_errors=True)
    for name, f in frames().items():
        for mode in (0, 1, 3):  # advert: with HMAC, without, with replay protection
            write("fuzz_advert", f"{name}-{mode}", bytes([mode]) + f)
        # dataplane: every VHID MASTER, every one BACKUP, a tag (VLAN 20) stripped
        for mode in (0x0f, 0x00, 0x5f):
            write("fuzz_dataplane", f"{name}-{mode}", bytes([mode]) + f)
            write("fuzz_dataplane_filter", f"{name}-{mode}", bytes([mode]) + f)
    for name, f in sync_sections().items():
        write("fuzz_sync", name, f)
    for name, f in fragment_sequences().items():
        for mode in (0x0f, 0x2f):  # every VHID MASTER; the device checked the checksum
            write("fuzz_dataplane_reasm", f"{name}-{mode}", bytes([mode]) + f)
    # The IPv6 parsers on their own: every frame, and the unit tests' ND frames.
    for name, f in frames().items():
        write("fuzz_nd", name, f)
    # The fuzzer's find as it was: a solicitation for ::, whose answer came from ::.
    write("fuzz_nd", "ns_unspecified_target", bytes.fromhex("3333ff00000102000000630986dd6000000000183aff20010db8006300000000000000000001ff0200000000000000000001ff00000187004c8a00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000020010db8006300000000000000000001000000000000000000000000"))
    # The fuzzer's find as it was: VLAN 20 stripped (prio 1), its VHID BACKUP, the
    # untagged side's MASTER.
    write("fuzz_dataplane", "echo_vlan20_other_vip-243",
          bytes([0xf3]) + frames()["echo_vlan20_other_vip"])
    top = os.path.join(ROOT, "..", "..")
    for f in glob.glob(os.path.join(top, "config", "*.yaml")) + \
            sorted(glob.glob(os.path.join(top, "tests", "config", "bad", "*.yaml"))):
        with open(f, "rb") as fh:
            write("fuzz_config", os.path.basename(f), fh.read())
    for f in glob.glob(os.path.join(ROOT, "..", "captures", "*.pcap")):
        with open(f, "rb") as fh:
            write("fuzz_pcap", os.path.basename(f), fh.read())
    for name, conv in conversations().items():
        write("fuzz_filter", name, conv)
    for i in range(8):
        write("fuzz_neigh", f"program-{i}", hashlib.sha256(bytes([i])).digest() * 8)
    for i, t in enumerate([b"0\n", b"1764000000000\n", b"18446744073709551615", b"12x\n", b""]):
        write("fuzz_counter_file", f"value-{i}", t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
