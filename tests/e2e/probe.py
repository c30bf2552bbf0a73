#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""probe.py: the client's and the wire's view in carp-dpdk's end-to-end tests.

Run with /usr/bin/python3 (Debian's python3-scapy) as root, usually inside the client's
network namespace. Every subcommand prints one JSON object on stdout and every loop is
bounded in time.

  arp VIP [--iface eth0] --count N --timeout T
        send N ARP requests for VIP; report each reply (Ethernet source, sender MAC) and
        how many distinct nodes replied.
  ping VIP [--iface eth0] --interval 0.01 --duration S [--fault-at EPOCH | --fault-file F]
        ICMP echo on a fixed schedule (sent by the kernel, so the client's own ARP cache
        is used, as a real client's would be); replies sniffed with their source MAC.
        Reports sent, received, lost, the longest gap between replies, who answered first
        and when the answering node changed, relative to the fault time.
  inject IFACE --kind K --count N
        send bad protocol-112 frames on the segment (kinds: see INJECT_KINDS).
  sniff ENDPOINT... --filter garp|carp|arp|icmp|all --duration S
        record gratuitous ARP / adverts / ARP / ICMP seen, with timestamps.

CARP nodes answer from the same virtual MAC, so the client cannot tell them apart by MAC.
--watch NS/IFACE=LABEL (repeatable) opens an extra capture on IFACE inside network
namespace NS (for instance a router's port on the test bridge) and attributes every reply
that arrives there to LABEL. An ENDPOINT of sniff has the same form, [NS/]IFACE[=LABEL].

All times are Unix epoch seconds (time.time()), the clock the shell's $EPOCHREALTIME reads,
so a fault stamped by the test script and the probe's timestamps compare directly.
"""
import argparse
import ctypes
import errno
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_8021Q = 0x8100
PACKET_OUTGOING = 4
CLONE_NEWNET = 0x40000000
SOL_RAW = 255
ICMP_FILTER = 1
IPPROTO_CARP = 112
CARP_MCAST = "224.0.0.18"
CARP_MCAST_MAC = "01:00:5e:00:00:12"
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
MAX_DURATION_S = 600.0
MAX_COUNT = 100000
MAX_EVENTS = 200000


def die(msg, code=2):
    print(f"probe: {msg}", file=sys.stderr)
    sys.exit(code)


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def inet_cksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def bounded(value, lo, hi, name):
    if not lo <= value <= hi:
        die(f"--{name} {value} is out of range {lo}..{hi}")
    return value


# --------------------------------------------------------------------------------------
# Network namespaces and capture endpoints


_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"setns: {os.strerror(e)}")


class NetNs:
    """`with NetNs(name):` runs the block inside network namespace @name (None: here).

    Sockets opened inside stay in that namespace after the block, which is how one probe
    watches the client's interface and the bridge's ports at once.
    """

    def __init__(self, name):
        self.name = name
        self.orig = None

    def __enter__(self):
        if self.name:
            self.orig = os.open("/proc/self/ns/net", os.O_RDONLY)
            target = os.open(f"/var/run/netns/{self.name}", os.O_RDONLY)
            try:
                _setns(target)
            finally:
                os.close(target)
        return self

    def __exit__(self, *exc):
        if self.orig is not None:
            _setns(self.orig)
            os.close(self.orig)
        return False


class Endpoint:
    """A packet capture on one interface, in this or another namespace.

    Frames the interface sends (PACKET_OUTGOING) are skipped: on a bridge port that leaves
    exactly what the attached node sent, on the client what arrives from the segment.
    """

    def __init__(self, spec):
        ns, _, rest = spec.rpartition("/")
        iface, _, label = rest.partition("=")
        if not iface:
            die(f"bad endpoint '{spec}'; valid: [NS/]IFACE[=LABEL]")
        self.ns = ns or None
        self.iface = iface
        self.label = label or iface
        with NetNs(self.ns):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            try:
                self.sock.bind((iface, ETH_P_ALL))
            except OSError as e:
                die(f"cannot capture on {spec}: {e.strerror}")
            self.mac = self.sock.getsockname()[4]
        self.sock.setblocking(False)

    def fileno(self):
        return self.sock.fileno()

    def drain(self, limit=1024):
        """Frames waiting now: list of (time, frame), at most @limit."""
        out = []
        for _ in range(limit):
            try:
                data, addr = self.sock.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] != PACKET_OUTGOING:
                out.append((time.time(), data))
        return out

    def send(self, frame):
        self.sock.send(frame)


def poll(endpoints, timeout):
    """Wait up to @timeout s; return [(endpoint, time, frame)] of what arrived."""
    if timeout > 0:
        ready, _, _ = select.select(endpoints, [], [], timeout)
    else:
        ready = endpoints
    got = []
    for ep in ready:
        got.extend((ep, t, f) for t, f in ep.drain())
    return got


def iface_ipv4(iface):
    """The first IPv4 address of @iface in this namespace (SIOCGIFADDR)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        import fcntl
        ifr = struct.pack("256s", iface.encode()[:15])
        res = fcntl.ioctl(s.fileno(), 0x8915, ifr)  # SIOCGIFADDR
        return socket.inet_ntoa(res[20:24])
    except OSError as e:
        die(f"{iface} has no IPv4 address: {e.strerror}")
    finally:
        s.close()


# --------------------------------------------------------------------------------------
# Frame parsing (struct, fast enough for 100 probes a second on every endpoint)


def parse_frame(f):
    """Decode what the probes look at. Returns a dict, or None for other frames."""
    if len(f) < 14:
        return None
    eth_type = struct.unpack_from("!H", f, 12)[0]
    off = 14
    if eth_type == ETH_P_8021Q and len(f) >= 18:
        eth_type = struct.unpack_from("!H", f, 16)[0]
        off = 18
    d = {"eth_dst": mac_str(f[0:6]), "eth_src": mac_str(f[6:12])}
    if eth_type == ETH_P_ARP and len(f) >= off + 28:
        htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", f, off)
        if htype != 1 or ptype != ETH_P_IP or hlen != 6 or plen != 4:
            return None
        d.update(kind="arp", op=op, sha=mac_str(f[off + 8:off + 14]),
                 spa=socket.inet_ntoa(f[off + 14:off + 18]),
                 tha=mac_str(f[off + 18:off + 24]),
                 tpa=socket.inet_ntoa(f[off + 24:off + 28]))
        d["garp"] = d["spa"] == d["tpa"]
        return d
    if eth_type != ETH_P_IP or len(f) < off + 20:
        return None
    vihl, _, total, _, _, ttl, proto, _ = struct.unpack_from("!BBHHHBBH", f, off)
    ihl = (vihl & 0x0F) * 4
    if vihl >> 4 != 4 or ihl < 20:
        return None
    d.update(src=socket.inet_ntoa(f[off + 12:off + 16]),
             dst=socket.inet_ntoa(f[off + 16:off + 20]), ttl=ttl, proto=proto)
    p = off + ihl
    if proto == 1 and len(f) >= p + 8:
        itype, code, _, ident, seq = struct.unpack_from("!BBHHH", f, p)
        d.update(kind="icmp", type=itype, code=code, id=ident, seq=seq)
        return d
    if proto == IPPROTO_CARP and len(f) >= p + 36:
        vt, vhid, advskew, authlen, demote, advbase = struct.unpack_from("!BBBBBB", f, p)
        counter = struct.unpack_from("!Q", f, p + 8)[0]
        d.update(kind="carp", version=vt >> 4, type=vt & 0x0F, vhid=vhid, advskew=advskew,
                 authlen=authlen, demote=demote, advbase=advbase, counter=counter,
                 bow_out=advbase == 255 and advskew == 255)
        return d
    if proto == IPPROTO_CARP:
        d.update(kind="carp-short")
        return d
    return None


# --------------------------------------------------------------------------------------
# Frame building (scapy)


def scapy_layers():
    # Only the layers needed: importing scapy.all takes a second and loads much more.
    from scapy.layers.l2 import ARP, Ether
    from scapy.layers.inet import IP
    from scapy.packet import Raw
    return Ether, ARP, IP, Raw


def carp_header(vhid=1, advskew=0, advbase=1, demote=0, version=2, counter=None,
                md=None, good_sum=True):
    """A 36-byte CARP header (version/type, vhid, advskew, authlen 7, demote, advbase,
    checksum, counter, HMAC-SHA1 digest). The digest is random: only a node with the same
    key could compute it, so such an advert fails authentication at best."""
    if counter is None:
        counter = random.getrandbits(64)
    if md is None:
        md = os.urandom(20)
    hdr = struct.pack("!BBBBBBHQ", (version << 4) | 1, vhid, advskew, 7, demote, advbase,
                      0, counter) + md
    cks = inet_cksum(hdr)
    if not good_sum:
        cks ^= 0x5A5A
    return hdr[:6] + struct.pack("!H", cks) + hdr[8:]


def vrrp3_packet(vrid=1, prio=100, vip="10.99.0.1"):
    """A VRRPv3 advert (RFC 5798): version 3, type 1, one IPv4 address, interval 1 s."""
    body = struct.pack("!BBBBH", 0x31, vrid, prio, 1, 100) + b"\0\0" + socket.inet_aton(vip)
    return body  # its checksum covers a pseudo-header; the receiver rejects it earlier


# kind -> (what is wrong, the drop counter the node must count it under)
INJECT_KINDS = {
    "garbage": ("IPv4 header of a protocol-112 packet with a wrong header checksum and "
                "random payload", "badip"),
    "truncated": ("a valid advert cut short: the IP total length promises more than the "
                  "frame holds", "badlen"),
    "shortcarp": ("a complete IPv4 packet whose CARP payload is 20 bytes (< 36)", "badlen"),
    "badttl": ("a well-formed advert with TTL 64 (it crossed a router)", "badttl"),
    "badsum": ("a well-formed advert whose CARP checksum is wrong", "badsum"),
    "badver": ("a well-formed advert with CARP version 1", "badver"),
    "badvhid": ("a well-formed advert for a VHID the node does not run (vhid 222)",
                "badvhid"),
    "badauth": ("a well-formed advert for the node's VHID with a random HMAC", "badauth"),
    "vrrp": ("a VRRPv3 advert (keepalived) on protocol 112", "vrrp"),
}


def build_inject(kind, src_mac, src_ip, vhid):
    Ether, _, IP, Raw = scapy_layers()
    eth = Ether(dst=CARP_MCAST_MAC, src=src_mac)
    ip_args = dict(src=src_ip, dst=CARP_MCAST, proto=IPPROTO_CARP, ttl=255)
    if kind == "garbage":
        raw = bytearray(bytes(eth / IP(**ip_args) / Raw(os.urandom(36))))
        raw[24] ^= 0xFF  # IP header checksum (Ethernet 14 + offset 10)
        return bytes(raw)
    if kind == "truncated":
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid)))[:14 + 20 + 20]
    if kind == "shortcarp":
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid)[:20]))
    if kind == "badttl":
        ip_args["ttl"] = 64
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid)))
    if kind == "badsum":
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid, good_sum=False)))
    if kind == "badver":
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid, version=1)))
    if kind == "badvhid":
        return bytes(eth / IP(**ip_args) / Raw(carp_header(222)))
    if kind == "badauth":
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid)))
    if kind == "vrrp":
        return bytes(eth / IP(**ip_args) / Raw(vrrp3_packet(vhid)))
    die(f"unknown kind {kind}")
    return b""


# --------------------------------------------------------------------------------------
# Subcommands


def open_watches(specs):
    return [Endpoint(s) for s in specs or []]


def wait_ready(path):
    if path:
        with open(path, "w") as f:
            f.write(f"{time.time():.6f}\n")


def cmd_arp(a):
    count = bounded(a.count, 1, MAX_COUNT, "count")
    bounded(a.timeout, 0.0, MAX_DURATION_S, "timeout")
    bounded(a.interval, 0.001, 60.0, "interval")
    client = Endpoint(a.iface + "=client")
    watches = open_watches(a.watch)
    eps = [client] + watches
    src_ip = a.src or iface_ipv4(a.iface)
    Ether, ARP, _, _ = scapy_layers()
    req = bytes(Ether(dst=BROADCAST_MAC, src=mac_str(client.mac)) /
                ARP(op=1, hwsrc=mac_str(client.mac), psrc=src_ip, pdst=a.vip))
    sent_at = []
    replies = []      # seen at the client
    attributed = {}   # label -> count, replies seen on watched ports
    wire = []         # every ARP reply for the VIP seen on a watched port

    def take(batch):
        for ep, t, f in batch:
            d = parse_frame(f)
            if not d or d["kind"] != "arp" or d["op"] != 2 or d["spa"] != a.vip:
                continue
            rec = {"t": round(t, 6), "eth_src": d["eth_src"], "sha": d["sha"]}
            if ep is client:
                replies.append(rec)
            else:
                rec["at"] = ep.label
                wire.append(rec)
                attributed[ep.label] = attributed.get(ep.label, 0) + 1

    wait_ready(a.ready_file)
    start = time.time()
    for i in range(count):
        due = start + i * a.interval
        while time.time() < due:
            take(poll(eps, due - time.time()))
        sent_at.append(time.time())
        client.send(req)
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        take(poll(eps, deadline - time.time()))

    # A reply belongs to the latest request sent before it.
    per_request = [0] * count
    for r in replies:
        idx = max((i for i, s in enumerate(sent_at) if s <= r["t"]), default=0)
        per_request[idx] += 1
    repliers = sorted(attributed) if watches else sorted({r["eth_src"] for r in replies})
    out = {
        "vip": a.vip, "requests": count, "replies": len(replies),
        "answered_requests": sum(1 for n in per_request if n),
        "max_replies_per_request": max(per_request),
        "eth_srcs": sorted({r["eth_src"] for r in replies}),
        "sender_macs": sorted({r["sha"] for r in replies}),
        "repliers": repliers, "distinct_repliers": len(repliers),
        "replies_by": attributed, "replies_detail": replies[:50], "wire": wire[:50],
    }
    print(json.dumps(out))
    return 0


def read_fault(a):
    if a.fault_at is not None:
        return a.fault_at
    if a.fault_file:
        try:
            with open(a.fault_file) as f:
                return float(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
    return None


def icmp_echo(ident, seq, payload):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    cks = inet_cksum(hdr + payload)
    return struct.pack("!BBHHH", 8, 0, cks, ident, seq) + payload


def cmd_ping(a):
    interval = bounded(a.interval, 0.001, 10.0, "interval")
    duration = bounded(a.duration, 0.01, MAX_DURATION_S, "duration")
    linger = bounded(a.linger, 0.0, 10.0, "linger")
    client = Endpoint(a.iface + "=client")
    watches = open_watches(a.watch)
    eps = [client] + watches
    # The kernel sends the probes: routing, ARP and the neighbour cache are the client's
    # own. Its copy of the replies is filtered out; the capture sees them with their MAC.
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    raw.setsockopt(SOL_RAW, ICMP_FILTER, struct.pack("I", 0xFFFFFFFF))
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    raw.setblocking(False)
    ident = random.getrandbits(16)
    payload = b"carp-e2e" + bytes(48)
    sent = {}          # seq -> send time
    send_errors = 0
    got = {}           # seq -> first reply time at the client
    mac_of = {}        # seq -> Ethernet source of that reply
    dups = 0
    by = {}            # seq -> set of labels that answered it (watched ports)
    max_seq = 65535

    def take(batch):
        nonlocal dups
        for ep, t, f in batch:
            d = parse_frame(f)
            if (not d or d["kind"] != "icmp" or d["type"] != 0 or d["id"] != ident
                    or d["src"] != a.vip or d["seq"] not in sent):
                continue
            if ep is client:
                if d["seq"] in got:
                    dups += 1
                else:
                    got[d["seq"]] = t
                    mac_of[d["seq"]] = d["eth_src"]
            else:
                by.setdefault(d["seq"], set()).add(ep.label)

    wait_ready(a.ready_file)
    start = time.time()
    end = start + duration
    seq = 0
    while seq <= max_seq:
        due = start + seq * interval  # fixed schedule: a late probe does not delay the next
        if due >= end:
            break
        now = time.time()
        if now < due:
            take(poll(eps, due - now))
            continue
        sent[seq] = time.time()
        try:
            raw.sendto(icmp_echo(ident, seq, payload), (a.vip, 0))
        except OSError:
            send_errors += 1  # neighbour unresolved (EHOSTUNREACH): a lost probe
        seq += 1
    deadline = time.time() + linger
    while time.time() < deadline:
        take(poll(eps, deadline - time.time()))
    raw.close()

    fault = read_fault(a)
    order = sorted(got, key=lambda s: got[s])
    times = [got[s] for s in order]
    gaps = [(times[i + 1] - times[i], times[i], times[i + 1]) for i in range(len(times) - 1)]
    if times:
        gaps.append((times[0] - start, start, times[0]))
        gaps.append((max(0.0, end - times[-1]), times[-1], end))
    else:
        gaps.append((end - start, start, end))
    longest = max(gaps)

    def who(s):
        labels = by.get(s)
        if labels:
            return ",".join(sorted(labels))
        return None if watches else mac_of[s]

    first_who = who(order[0]) if order else None
    switch_at = None
    new_who = None
    for s in order:
        w = who(s)
        if w is not None and first_who is not None and w != first_who:
            switch_at, new_who = got[s], w
            break
    counts = {}
    for s in order:
        w = who(s) or "?"
        counts[w] = counts.get(w, 0) + 1
    out = {
        "vip": a.vip, "interval_ms": round(interval * 1000, 3), "start": round(start, 6),
        "end": round(end, 6), "sent": len(sent), "send_errors": send_errors,
        "received": len(got), "lost": len(sent) - len(got), "duplicates": dups,
        "split_brain_replies": sum(1 for labels in by.values() if len(labels) > 1),
        "longest_gap_ms": round(longest[0] * 1000, 1),
        "longest_gap_from": round(longest[1], 6), "longest_gap_to": round(longest[2], 6),
        "first_reply_at": round(times[0], 6) if times else None,
        "first_mac": mac_of[order[0]] if order else None,
        "last_mac": mac_of[order[-1]] if order else None,
        "macs": sorted(set(mac_of.values())),
        "first_replier": first_who, "new_replier": new_who,
        "replier_changed_at": round(switch_at, 6) if switch_at else None,
        "replies_by": counts, "fault_at": fault,
    }
    if fault is not None:
        after = [t for t in times if t > fault]
        before = [s for s in order if got[s] <= fault]
        out["takeover_ms"] = round((switch_at - fault) * 1000, 1) if switch_at else None
        out["first_reply_after_fault_ms"] = round((after[0] - fault) * 1000, 1) if after else None
        out["lost_after_fault"] = sum(1 for s, t in sent.items() if t > fault and s not in got)
        out["repliers_before_fault"] = sorted({who(s) or "?" for s in before})
    print(json.dumps(out))
    return 0


def cmd_inject(a):
    count = bounded(a.count, 1, MAX_COUNT, "count")
    bounded(a.interval, 0.0, 10.0, "interval")
    ep = Endpoint(a.iface)
    src_ip = a.src or iface_ipv4(a.iface)
    for i in range(count):
        ep.send(build_inject(a.kind, mac_str(ep.mac), src_ip, a.vhid))
        if a.interval and i + 1 < count:
            time.sleep(a.interval)
    what, reason = INJECT_KINDS[a.kind]
    print(json.dumps({"kind": a.kind, "sent": count, "what": what, "expect": reason}))
    return 0


FILTERS = {
    "garp": lambda d: d["kind"] == "arp" and d["garp"],
    "arp": lambda d: d["kind"] == "arp",
    "carp": lambda d: d["kind"] in ("carp", "carp-short"),
    "icmp": lambda d: d["kind"] == "icmp",
    "all": lambda d: True,
}


def cmd_sniff(a):
    duration = bounded(a.duration, 0.01, MAX_DURATION_S, "duration")
    eps = [Endpoint(s) for s in a.endpoints]
    keep = [FILTERS[f] for f in a.filter]
    events = []
    dropped = 0
    wait_ready(a.ready_file)
    end = time.time() + duration
    while time.time() < end:
        for ep, t, f in poll(eps, end - time.time()):
            d = parse_frame(f)
            if not d or not any(k(d) for k in keep):
                continue
            if a.vip and d["kind"] == "arp" and a.vip not in (d["spa"], d["tpa"]):
                continue
            if len(events) >= MAX_EVENTS:
                dropped += 1
                continue
            d["t"] = round(t, 6)
            d["at"] = ep.label
            events.append(d)
    print(json.dumps({"duration": duration, "events": events, "dropped": dropped}))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def watch_opt(p):
        p.add_argument("--watch", action="append", metavar="NS/IFACE=LABEL",
                       help="also capture on IFACE in namespace NS and attribute replies "
                            "seen there to LABEL (repeatable)")
        p.add_argument("--ready-file", help="written once the captures are open")

    p = sub.add_parser("arp", help="ARP for the VIP, count the repliers")
    p.add_argument("vip")
    p.add_argument("--iface", default="eth0")
    p.add_argument("--src", help="sender IP (default: the interface's address)")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--timeout", type=float, default=1.0,
                   help="seconds to wait for replies after the last request")
    watch_opt(p)
    p.set_defaults(fn=cmd_arp)

    p = sub.add_parser("ping", help="ICMP echo on a fixed schedule, measure the outage")
    p.add_argument("vip")
    p.add_argument("--iface", default="eth0")
    p.add_argument("--interval", type=float, default=0.01)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--linger", type=float, default=0.3,
                   help="seconds to wait for late replies after the last probe")
    p.add_argument("--fault-at", type=float, help="epoch of the fault")
    p.add_argument("--fault-file", help="file holding the fault's epoch, read at the end")
    watch_opt(p)
    p.set_defaults(fn=cmd_ping)

    p = sub.add_parser("inject", help="send bad protocol-112 frames")
    p.add_argument("iface")
    p.add_argument("--kind", required=True, choices=sorted(INJECT_KINDS))
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--interval", type=float, default=0.01)
    p.add_argument("--vhid", type=int, default=1)
    p.add_argument("--src", help="source IP (default: the interface's address)")
    p.set_defaults(fn=cmd_inject)

    p = sub.add_parser("sniff", help="record GARP / adverts / ARP / ICMP with timestamps")
    p.add_argument("endpoints", nargs="+", metavar="[NS/]IFACE[=LABEL]")
    p.add_argument("--filter", action="append", choices=sorted(FILTERS),
                   help="what to keep (repeatable; default carp and garp)")
    p.add_argument("--vip", help="keep only ARP about this address")
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--ready-file", help="written once the captures are open")
    p.set_defaults(fn=cmd_sniff)

    a = ap.parse_args(argv)
    if getattr(a, "filter", None) is None and a.cmd == "sniff":
        a.filter = ["carp", "garp"]
    if os.geteuid() != 0:
        die("needs root (packet sockets)")
    try:
        return a.fn(a)
    except OSError as e:
        if e.errno == errno.ENODEV:
            die(f"no such interface: {e}")
        raise


if __name__ == "__main__":
    sys.exit(main())
