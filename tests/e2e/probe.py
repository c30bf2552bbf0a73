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

Forwarding through the routers (the client on one segment, a server on the other):

  craft [NS/]IFACE --kind K --dst-mac MAC --dst IP --count N
        send UDP datagrams to IP through the router at MAC, good or bad (kinds and the
        counter each must be counted under: see FWD_KINDS); reports the IP ids used.
  capture ENDPOINT... --duration S [--src IP] [--udp-sink PORT]
        record every IPv4 frame arriving (CARP left out): Ethernet source, TTL, id,
        fragment fields, header checksum; a summary per (endpoint, source MAC, TTL,
        protocol); with --udp-sink, also the datagrams a UDP socket receives.
  flows IP --port P --flows N --pps R --duration S
        UDP datagrams from N source ports (N flows) to IP:P, round robin, each carrying its
        flow and sequence number (the kernel's socket, so its routes and ARP are used).
  flow-sink --port P --duration S
        receive them: per flow how many arrived, how many out of order or twice, the
        longest gap between arrivals.
  tcp-serve --port P --timeout T
        accept one connection, read to EOF, answer "BYTES SHA256" and close.
  tcp-send IP --port P --bytes N [--duration D] --timeout T
        send N bytes of a fixed pattern (spread over D seconds), close the sending side,
        and compare the server's answer with what was sent.

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
# --tolerate-down: a capture whose interface goes down (a link cut on a watched bridge
# port) reads nothing until it comes back up, instead of ending the probe with ENETDOWN.
TOLERATE_DOWN = False


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
            except OSError as e:
                if TOLERATE_DOWN and e.errno in (errno.ENETDOWN, errno.ENXIO):
                    break
                raise
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
    "fragment": ("a well-formed advert in two IPv4 fragments (af_packet hands the node "
                 "the datagram reassembled, without DF)", "fragment"),
    "nodf": ("a well-formed advert whole but without DF, as reassembly leaves it",
             "fragment"),
}


def build_inject(kind, src_mac, src_ip, vhid):
    Ether, _, IP, Raw = scapy_layers()
    eth = Ether(dst=CARP_MCAST_MAC, src=src_mac)
    # DF, as every CARP sends it: only the kinds about fragments clear it.
    ip_args = dict(src=src_ip, dst=CARP_MCAST, proto=IPPROTO_CARP, ttl=255, flags="DF")
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
    if kind == "nodf":
        ip_args["flags"] = 0
        return bytes(eth / IP(**ip_args) / Raw(carp_header(vhid)))
    if kind == "fragment":
        del ip_args["flags"]
        payload = carp_header(vhid)
        ident = random.getrandbits(16)
        first = IP(id=ident, flags="MF", frag=0, **ip_args) / Raw(payload[:16])
        rest = IP(id=ident, frag=2, **ip_args) / Raw(payload[16:])
        return [bytes(eth / first), bytes(eth / rest)]
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
        frames = build_inject(a.kind, mac_str(ep.mac), src_ip, a.vhid)
        for f in frames if isinstance(frames, list) else [frames]:
            ep.send(f)
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


# --------------------------------------------------------------------------------------
# Forwarding: crafted IPv4 through a router, captures of what comes out, TCP transfers


def ipv4_packet(src, dst, payload, proto=17, ttl=64, ident=0, frag=0, version=4, ihl=5,
                total=None, good_csum=True, options=b""):
    """An IPv4 header (+ @options) and @payload. @frag is the 16-bit flags/offset word;
    @total overrides the total length; the checksum covers the header as built."""
    hlen = 20 + len(options)
    if total is None:
        total = hlen + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total, ident, frag, ttl, proto,
                      0, socket.inet_aton(src), socket.inet_aton(dst)) + options
    cks = inet_cksum(hdr)
    if not good_csum:
        cks ^= 0x5A5A
    return hdr[:10] + struct.pack("!H", cks) + hdr[12:] + payload


def udp_datagram(src, dst, sport, dport, data):
    """A UDP header with its checksum (RFC 768 pseudo-header) and @data."""
    length = 8 + len(data)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    cks = inet_cksum(pseudo + struct.pack("!HHHH", sport, dport, length, 0) + data) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, cks) + data


FWD_MARK = b"carp-fwd:"
FWD_FRAG_DATA = 3000  # UDP payload of a fragmented datagram: 3 fragments at MTU 1500
FWD_MCAST_IP = "224.1.2.3"
FWD_MCAST_MAC = "01:00:5e:01:02:03"

# kind -> (what the frame is, the /carp/lcores counter it must be counted under, frames
# per datagram). Every frame but "frag"'s is one a router must not forward.
FWD_KINDS = {
    "good": ("a well-formed UDP datagram to the routable destination", "forwarded", 1),
    # Too short to classify as IPv4 at all: the worker counts it before the IPv4 checks
    # (as tests/component/test_dataplane.c expects).
    "hdr_cut": ("a frame that ends 12 bytes into its IPv4 header", "runt", 1),
    "len_over": ("total length 100 bytes beyond the end of the frame", "ip_truncated", 1),
    "ihl_short": ("IHL 4 (16 bytes), below the minimum of 5", "ip_bad_ihl", 1),
    "ihl_long": ("IHL 15 (60 bytes) in a 36-byte packet", "ip_bad_ihl", 1),
    "bad_version": ("IP version 6 in an IPv4 (0x0800) frame", "ip_bad_version", 1),
    "bad_csum": ("a wrong IPv4 header checksum", "ip_bad_csum", 1),
    "ttl0": ("TTL 0", "ttl_exceeded", 1),
    "ttl1": ("TTL 1", "ttl_exceeded", 1),
    "mcast_dst": (f"destination {FWD_MCAST_IP} in a unicast frame to the router",
                  "ip_bad_dst", 1),
    "bcast_dst": ("destination 255.255.255.255 in a unicast frame to the router",
                  "ip_bad_dst", 1),
    "mcast_src": (f"source {FWD_MCAST_IP}", "ip_bad_src", 1),
    "no_route": ("destination 192.0.2.1 (TEST-NET-1), no route to it", "no_route", 1),
    "bcast_frame": ("the routable unicast destination in an Ethernet broadcast frame",
                    "l2_multicast", 1),
    "mcast_frame": (f"destination {FWD_MCAST_IP} in an Ethernet multicast frame "
                    f"({FWD_MCAST_MAC})", "l2_multicast", 1),
    "frag": (f"a UDP datagram of {FWD_FRAG_DATA} bytes in 3 fragments (MF, offsets 0, 185, "
             "370)", "forwarded", 3),
}


def build_fwd(kind, src_mac, dst_mac, src, dst, ident, sport, dport, seq):
    """The frames of one datagram of @kind (a list: fragments are several)."""
    data = FWD_MARK + f"{kind}:{seq}:".encode()
    data += bytes(64 - len(data)) if len(data) < 64 else b""
    eth_dst = {"bcast_frame": BROADCAST_MAC, "mcast_frame": FWD_MCAST_MAC}.get(kind, dst_mac)
    eth = mac_bytes(eth_dst) + mac_bytes(src_mac) + struct.pack("!H", ETH_P_IP)
    if kind in ("mcast_dst", "mcast_frame"):
        dst = FWD_MCAST_IP
    elif kind == "bcast_dst":
        dst = "255.255.255.255"
    elif kind == "no_route":
        dst = "192.0.2.1"
    elif kind == "mcast_src":
        src = FWD_MCAST_IP
    if kind == "frag":
        data = (data * (FWD_FRAG_DATA // len(data) + 1))[:FWD_FRAG_DATA]
    udp = udp_datagram(src, dst, sport, dport, data)
    ip = dict(ident=ident)
    if kind == "frag":
        frames, off, step = [], 0, 1480
        while off < len(udp):
            part = udp[off:off + step]
            more = 0x2000 if off + step < len(udp) else 0
            frames.append(eth + ipv4_packet(src, dst, part, frag=more | (off // 8), **ip))
            off += step
        return frames
    if kind == "hdr_cut":
        return [eth + ipv4_packet(src, dst, udp, **ip)[:12]]
    if kind == "len_over":
        return [eth + ipv4_packet(src, dst, udp, total=20 + len(udp) + 100, **ip)]
    if kind == "ihl_short":
        return [eth + ipv4_packet(src, dst, udp, ihl=4, **ip)]
    if kind == "ihl_long":
        return [eth + ipv4_packet(src, dst, udp[:16], ihl=15, **ip)]
    if kind == "bad_version":
        return [eth + ipv4_packet(src, dst, udp, version=6, **ip)]
    if kind == "bad_csum":
        return [eth + ipv4_packet(src, dst, udp, good_csum=False, **ip)]
    if kind in ("ttl0", "ttl1"):
        return [eth + ipv4_packet(src, dst, udp, ttl=int(kind[3]), **ip)]
    return [eth + ipv4_packet(src, dst, udp, **ip)]


def cmd_craft(a):
    count = bounded(a.count, 1, MAX_COUNT, "count")
    bounded(a.interval, 0.0, 10.0, "interval")
    ep = Endpoint(a.endpoint)
    src_mac = a.src_mac or mac_str(ep.mac)
    src_ip = a.src or iface_ipv4(ep.iface)
    base = random.getrandbits(16) & 0xFF00
    ids, frames = [], 0
    for i in range(count):
        ident = (base + i) & 0xFFFF
        ids.append(ident)
        for f in build_fwd(a.kind, src_mac, a.dst_mac, src_ip, a.dst, ident, a.sport,
                           a.dport, i):
            ep.send(f)
            frames += 1
        if a.interval and i + 1 < count:
            time.sleep(a.interval)
    what, counter, per = FWD_KINDS[a.kind]
    print(json.dumps({"kind": a.kind, "datagrams": count, "frames": frames, "ids": ids,
                      "what": what, "expect": counter, "frames_per_datagram": per}))
    return 0


def parse_ipv4(f):
    """Every field the forwarding checks look at, for any IPv4 frame; None for others."""
    if len(f) < 14 + 20 or struct.unpack_from("!H", f, 12)[0] != ETH_P_IP:
        return None
    vihl, _, total, ident, frag, ttl, proto, _ = struct.unpack_from("!BBHHHBBH", f, 14)
    ihl = (vihl & 0x0F) * 4
    d = {"eth_src": mac_str(f[6:12]), "eth_dst": mac_str(f[0:6]), "version": vihl >> 4,
         "ihl": ihl, "len": total, "frame_len": len(f), "id": ident,
         "df": bool(frag & 0x4000), "mf": bool(frag & 0x2000), "offset": frag & 0x1FFF,
         "ttl": ttl, "proto": proto, "src": socket.inet_ntoa(f[26:30]),
         "dst": socket.inet_ntoa(f[30:34]),
         "csum_ok": 20 <= ihl <= len(f) - 14 and inet_cksum(f[14:14 + ihl]) == 0}
    if proto == 17 and d["offset"] == 0 and len(f) >= 14 + ihl + 8 + len(FWD_MARK):
        body = f[14 + ihl + 8:14 + ihl + 8 + 40]
        if body.startswith(FWD_MARK):
            d["tag"] = body.split(b"\0")[0].decode("ascii", "replace")
    return d


def cmd_capture(a):
    duration = bounded(a.duration, 0.01, MAX_DURATION_S, "duration")
    max_events = bounded(a.max_events, 0, MAX_EVENTS, "max-events")
    eps = [Endpoint(s) for s in a.endpoints]
    sink = None
    if a.udp_sink:
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sink.bind(("0.0.0.0", a.udp_sink))
        sink.setblocking(False)
    events, summary, total, udp = [], {}, 0, []
    wait_ready(a.ready_file)
    end = time.time() + duration
    while time.time() < end:
        if a.stop_file and os.path.exists(a.stop_file):
            time.sleep(0.1)  # what is still on its way
            end = min(end, time.time())
        socks = eps + ([sink] if sink else [])
        wait = max(0.0, end - time.time())
        ready, _, _ = select.select(socks, [], [], min(wait, 0.1) if a.stop_file else wait)
        for s in ready:
            if s is sink:
                while True:
                    try:
                        data, peer = sink.recvfrom(65535)
                    except BlockingIOError:
                        break
                    udp.append({"t": round(time.time(), 6), "from": peer[0], "len": len(data),
                                "tag": data[:40].split(b"\0")[0].decode("ascii", "replace")})
                continue
            for t, f in s.drain():
                d = parse_ipv4(f)
                if d is None or (d["proto"] == IPPROTO_CARP and not a.carp):
                    continue
                if a.src and d["src"] not in a.src:
                    continue
                total += 1
                key = f"{s.label} {d['eth_src']} ttl={d['ttl']} proto={d['proto']}"
                summary[key] = summary.get(key, 0) + 1
                if len(events) < max_events:
                    d["t"] = round(t, 6)
                    d["at"] = s.label
                    events.append(d)
    print(json.dumps({"duration": duration, "frames": total, "summary": summary,
                      "events": events, "events_dropped": total - len(events),
                      "udp": udp[:MAX_EVENTS]}))
    return 0


def tcp_pattern(n):
    """@n bytes of a fixed pseudo-random pattern (the same on both ends)."""
    block = random.Random(112).randbytes(65536)
    return (block * (n // len(block) + 1))[:n]


def cmd_tcp_serve(a):
    import hashlib
    timeout = bounded(a.timeout, 0.1, MAX_DURATION_S, "timeout")
    deadline = time.time() + timeout
    # Both families on one socket where the host has IPv6 (IPv4 as ::ffff:a.b.c.d).
    try:
        ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("::", a.port))
    except OSError:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("0.0.0.0", a.port))
    ls.listen(1)
    wait_ready(a.ready_file)
    out = {"port": a.port, "accepted": False, "bytes": 0, "sha256": None, "eof": False}
    ls.settimeout(max(0.01, deadline - time.time()))
    try:
        c, peer = ls.accept()
    except socket.timeout:
        out["error"] = "no connection"
        print(json.dumps(out))
        return 1
    peer_ip = peer[0][7:] if peer[0].startswith("::ffff:") else peer[0]
    out.update(accepted=True, peer=peer_ip, accepted_at=round(time.time(), 6))
    h = hashlib.sha256()
    n = 0
    try:
        while time.time() < deadline:
            c.settimeout(max(0.01, deadline - time.time()))
            data = c.recv(1 << 16)
            if not data:
                out["eof"] = True
                break
            h.update(data)
            n += len(data)
        if out["eof"]:
            c.settimeout(max(0.01, deadline - time.time()))
            c.sendall(f"{n} {h.hexdigest()}\n".encode())
    except (socket.timeout, OSError) as e:
        out["error"] = str(e) or type(e).__name__
    finally:
        c.close()
        ls.close()
    out.update(bytes=n, sha256=h.hexdigest(), done_at=round(time.time(), 6))
    print(json.dumps(out))
    return 0 if out["eof"] else 1


def cmd_tcp_send(a):
    import hashlib
    size = bounded(a.bytes, 1, 1 << 30, "bytes")
    timeout = bounded(a.timeout, 0.1, MAX_DURATION_S, "timeout")
    pace = bounded(a.duration, 0.0, MAX_DURATION_S, "duration")
    data = tcp_pattern(size)
    out = {"dst": a.dst, "port": a.port, "bytes": size,
           "sha256": hashlib.sha256(data).hexdigest(), "sent": 0, "server": None}
    start = time.time()
    deadline = start + timeout
    s = socket.socket(socket.AF_INET6 if ":" in a.dst else socket.AF_INET, socket.SOCK_STREAM)
    if a.sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if ":" in a.dst else "0.0.0.0", a.sport))
    wait_ready(a.ready_file)
    try:
        s.settimeout(max(0.01, deadline - time.time()))
        s.connect((a.dst, a.port))
        out["connected_at"] = round(time.time(), 6)
        chunk = 16384
        while out["sent"] < size:
            due = start + pace * out["sent"] / size  # paced: @pace seconds for the whole
            if time.time() < due:
                time.sleep(min(due - time.time(), 0.05))
                continue
            if time.time() >= deadline:
                raise socket.timeout("timed out sending")
            s.settimeout(max(0.01, deadline - time.time()))
            out["sent"] += s.send(data[out["sent"]:out["sent"] + chunk])
        out["all_sent_at"] = round(time.time(), 6)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while not reply.endswith(b"\n") and time.time() < deadline:
            s.settimeout(max(0.01, deadline - time.time()))
            got = s.recv(256)
            if not got:
                break
            reply += got
        parts = reply.decode("ascii", "replace").split()
        if len(parts) == 2:
            out["server"] = {"bytes": int(parts[0]), "sha256": parts[1]}
        out["done_at"] = round(time.time(), 6)
    except (socket.timeout, OSError) as e:
        out["error"] = str(e) or type(e).__name__
    finally:
        s.close()
    out["elapsed_s"] = round(time.time() - start, 3)
    out["ok"] = out["server"] == {"bytes": size, "sha256": out["sha256"]}
    print(json.dumps(out))
    return 0 if out["ok"] else 1


def raise_fd_limit(n):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, n + 64)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))


def cmd_tcp_echo_many(a):
    """Accept connections on one port and echo every byte on each, until the stop file
    (or the timeout): the server side of tcp-hold."""
    import select
    timeout = bounded(a.timeout, 0.1, MAX_DURATION_S, "timeout")
    deadline = time.time() + timeout
    raise_fd_limit(bounded(a.max, 1, 10000, "max"))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", a.port))
    ls.listen(1024)
    ls.setblocking(False)
    wait_ready(a.ready_file)
    conns, accepted, echoed = [], 0, 0
    ep = select.epoll()
    ep.register(ls.fileno(), select.EPOLLIN)
    by_fd = {}
    while time.time() < deadline and not (a.stop_file and os.path.exists(a.stop_file)):
        for fd, _ in ep.poll(0.1):
            if fd == ls.fileno():
                while True:
                    try:
                        c, _ = ls.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False)
                    by_fd[c.fileno()] = c
                    ep.register(c.fileno(), select.EPOLLIN)
                    accepted += 1
                continue
            c = by_fd.get(fd)
            try:
                data = c.recv(4096)
            except (BlockingIOError, OSError):
                continue
            if not data:
                ep.unregister(fd)
                c.close()
                del by_fd[fd]
                continue
            c.sendall(data)
            echoed += 1
    for c in by_fd.values():
        c.close()
    print(json.dumps({"port": a.port, "accepted": accepted, "echoed": echoed}))
    return 0


def cmd_tcp_hold(a):
    """Open N connections to a tcp-echo-many server and hold them idle until the go file
    exists; then send a few bytes on each and count the ones whose echo comes back (and
    those reset or silent)."""
    import select
    n = bounded(a.count, 1, 10000, "count")
    timeout = bounded(a.timeout, 0.1, MAX_DURATION_S, "timeout")
    deadline = time.time() + timeout
    raise_fd_limit(n)
    socks, out = [], {"count": n, "opened": 0, "echoed": 0, "reset": 0, "silent": 0}
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2.0)
        try:
            s.connect((a.dst, a.port))
        except OSError:
            s.close()
            continue
        socks.append(s)
    out["opened"] = len(socks)
    wait_ready(a.ready_file)
    while time.time() < deadline and not os.path.exists(a.go_file):
        time.sleep(0.05)
    ep = select.epoll()
    by_fd = {}
    for s in socks:
        try:
            s.setblocking(False)
            s.send(b"ping\n")
            by_fd[s.fileno()] = s
            ep.register(s.fileno(), select.EPOLLIN)
        except OSError:
            out["reset"] += 1
    end = min(deadline, time.time() + a.wait)
    while by_fd and time.time() < end:
        for fd, _ in ep.poll(0.1):
            s = by_fd.pop(fd)
            ep.unregister(fd)
            try:
                got = s.recv(64)
                if got == b"ping\n":
                    out["echoed"] += 1
                else:
                    out["reset"] += 1
            except OSError:
                out["reset"] += 1
    out["silent"] = len(by_fd)
    for s in socks:
        s.close()
    print(json.dumps(out))
    return 0 if out["echoed"] == n else 1


def cmd_counter_serve(a):
    """Accept one TCP connection and echo each line back, until it closes."""
    timeout = bounded(a.timeout, 0.1, MAX_DURATION_S, "timeout")
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", a.port))
    ls.listen(1)
    ls.settimeout(timeout)
    wait_ready(a.ready_file)
    out = {"port": a.port, "lines": 0}
    try:
        c, _ = ls.accept()
        c.settimeout(timeout)
        f = c.makefile("rwb", buffering=0)
        for line in f:
            f.write(line)
            out["lines"] += 1
    except (socket.timeout, OSError) as e:
        out["error"] = str(e) or type(e).__name__
    print(json.dumps(out))
    return 0


def cmd_counter_send(a):
    """Send a counter over one TCP connection every interval for duration s, each line
    echoed back: the connection's life as a stream would see it (did it break, did every
    number come back in order, the longest wait for one)."""
    duration = bounded(a.duration, 0.1, MAX_DURATION_S, "duration")
    out = {"sent": 0, "echoed": 0, "in_order": True, "longest_wait_ms": 0.0, "broke": None}
    s = socket.create_connection((a.dst, a.port), timeout=5)
    s.settimeout(a.timeout)
    f = s.makefile("rwb", buffering=0)
    wait_ready(a.ready_file)
    start = time.time()
    try:
        while time.time() - start < duration and not (a.stop_file and os.path.exists(a.stop_file)):
            t0 = time.time()
            f.write(b"%d\n" % out["sent"])
            out["sent"] += 1
            back = f.readline()
            wait = (time.time() - t0) * 1000
            out["longest_wait_ms"] = max(out["longest_wait_ms"], round(wait, 1))
            if back != b"%d\n" % (out["sent"] - 1):
                out["in_order"] = False
                break
            out["echoed"] += 1
            time.sleep(max(0.0, a.interval - (time.time() - t0)))
    except (socket.timeout, OSError) as e:
        out["broke"] = str(e) or type(e).__name__
    s.close()
    print(json.dumps(out))
    return 0 if out["broke"] is None and out["in_order"] else 1


def cmd_connect(a):
    """One TCP connection attempt: connected, refused (an RST came back) or timeout."""
    timeout = bounded(a.timeout, 0.1, MAX_DURATION_S, "timeout")
    s = socket.socket(socket.AF_INET6 if ":" in a.dst else socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    start = time.time()
    try:
        s.connect((a.dst, a.port))
        result = "connected"
    except ConnectionRefusedError:
        result = "refused"
    except (socket.timeout, TimeoutError):
        result = "timeout"
    except OSError as e:
        result = f"error: {e}"
    finally:
        s.close()
    print(json.dumps({"dst": a.dst, "port": a.port, "result": result,
                      "elapsed_s": round(time.time() - start, 3)}))
    return 0


def tcp_segment(src, dst, sport, dport, seq, ack, flags, data=b""):
    """A TCP header without options (window 65535) with its checksum, and @data."""
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                      flags, 65535, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(
        "!BBH", 0, 6, len(hdr) + len(data))
    cks = inet_cksum(pseudo + hdr + data)
    return hdr[:16] + struct.pack("!H", cks) + hdr[18:] + data


TCP_FLAGS = {"syn": 0x02, "rst": 0x04, "data": 0x18}


def cmd_tcp_inject(a):
    """TCP segments with chosen ports and sequence numbers for a router to forward: a SYN
    flood from --count source ports, or blind RSTs or data at --seq for one connection."""
    count = bounded(a.count, 1, MAX_COUNT, "count")
    ep = Endpoint(a.endpoint)
    src_mac = mac_str(ep.mac)
    src_ip = a.src or iface_ipv4(ep.iface)
    flags = TCP_FLAGS[a.kind]
    for i in range(count):
        sport = a.sport + i if a.kind == "syn" else a.sport
        seq = a.seq + i * a.seq_step
        data = b"injected" if a.kind == "data" else b""
        ip = ipv4_packet(src_ip, a.dst, tcp_segment(src_ip, a.dst, sport, a.dport, seq, a.ack,
                                                    flags, data), proto=6)
        ep.send(mac_bytes(a.dst_mac) + mac_bytes(src_mac) + struct.pack("!H", ETH_P_IP) + ip)
        if a.interval:
            time.sleep(a.interval)
    print(json.dumps({"kind": a.kind, "sent": count}))
    return 0


FLOW_MARK = b"carp-flow:"


def cmd_flows(a):
    """UDP datagrams from --flows source ports (one flow each) to DST:PORT, round robin at
    --pps for --duration, each carrying its flow and sequence number."""
    n = bounded(a.flows, 1, 4096, "flows")
    pps = bounded(a.pps, 1.0, 100000.0, "pps")
    duration = bounded(a.duration, 0.1, MAX_DURATION_S, "duration")
    socks = []
    for i in range(n):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("0.0.0.0", a.sport + i))
        u.connect((a.dst, a.port))
        socks.append(u)
    seq = [0] * n
    sent, errors = 0, 0
    wait_ready(a.ready_file)
    start = time.time()
    end = start + duration
    while time.time() < end:
        wait = start + sent / pps - time.time()
        if wait > 0:
            time.sleep(min(wait, 0.01))
            continue
        i = sent % n
        try:
            socks[i].send(FLOW_MARK + f"{i}:{seq[i]}:".encode().ljust(32, b"."))
            seq[i] += 1
        except OSError:
            errors += 1
        sent += 1
    for u in socks:
        u.close()
    print(json.dumps({"flows": n, "sent": sent, "errors": errors, "per_flow": seq,
                      "started": round(start, 6), "seconds": round(time.time() - start, 3)}))
    return 0


def cmd_flow_sink(a):
    """Receive what cmd_flows sends on --port for --duration: per flow, how many arrived,
    how many out of order (a sequence number below one already seen), the last seen."""
    duration = bounded(a.duration, 0.1, MAX_DURATION_S, "duration")
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    u.bind(("0.0.0.0", a.port))
    u.settimeout(0.1)
    got, last, reordered, dup, arrivals = {}, {}, 0, 0, []
    wait_ready(a.ready_file)
    end = time.time() + duration
    while time.time() < end:
        if a.stop_file and os.path.exists(a.stop_file):
            end = min(end, time.time() + 0.2)
        try:
            data = u.recv(2048)
        except socket.timeout:
            continue
        if not data.startswith(FLOW_MARK):
            continue
        try:
            f, q = (int(x) for x in data[len(FLOW_MARK):].split(b":")[:2])
        except ValueError:
            continue
        if f in last and q <= last[f]:
            if q == last[f]:
                dup += 1
            else:
                reordered += 1
        else:
            last[f] = q
        got[f] = got.get(f, 0) + 1
        if len(arrivals) < MAX_EVENTS:
            arrivals.append(round(time.time(), 4))
    u.close()
    print(json.dumps({"flows_seen": len(got), "received": sum(got.values()),
                      "reordered": reordered, "duplicates": dup,
                      "per_flow": {str(k): got[k] for k in sorted(got)},
                      "last_seq": {str(k): last[k] for k in sorted(last)},
                      "longest_gap_s": round(max((b - a2 for a2, b in zip(arrivals, arrivals[1:])),
                                                 default=0.0), 4)}))
    return 0


def add_fwd_commands(sub):
    p = sub.add_parser("craft", help="send IPv4 frames (good or bad) for a router to forward")
    p.add_argument("endpoint", metavar="[NS/]IFACE", help="where to send the frames")
    p.add_argument("--kind", required=True, choices=sorted(FWD_KINDS))
    p.add_argument("--dst-mac", required=True, help="the router's MAC (a vMAC)")
    p.add_argument("--dst", required=True, help="the routable destination address")
    p.add_argument("--src", help="source IP (default: the interface's address)")
    p.add_argument("--src-mac", help="source MAC (default: the interface's)")
    p.add_argument("--sport", type=int, default=40000)
    p.add_argument("--dport", type=int, default=9999)
    p.add_argument("--count", type=int, default=1, help="datagrams")
    p.add_argument("--interval", type=float, default=0.01)
    p.set_defaults(fn=cmd_craft)

    p = sub.add_parser("capture", help="record every IPv4 frame that arrives (but CARP)")
    p.add_argument("endpoints", nargs="+", metavar="[NS/]IFACE[=LABEL]")
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--src", action="append", help="keep only this source (repeatable)")
    p.add_argument("--carp", action="store_true", help="keep protocol 112 too")
    p.add_argument("--max-events", type=int, default=2000,
                   help="frames listed one by one; the summary counts every frame")
    p.add_argument("--udp-sink", type=int, metavar="PORT",
                   help="also receive UDP on PORT here (reassembled datagrams)")
    p.add_argument("--stop-file", help="end early, 100 ms after this file appears")
    p.add_argument("--ready-file", help="written once the captures are open")
    p.set_defaults(fn=cmd_capture)

    p = sub.add_parser("flows", help="UDP from many source ports (flows), sequence-numbered")
    p.add_argument("dst")
    p.add_argument("--port", type=int, default=5002)
    p.add_argument("--sport", type=int, default=20000, help="first source port")
    p.add_argument("--flows", type=int, default=64)
    p.add_argument("--pps", type=float, default=2000.0)
    p.add_argument("--duration", type=float, default=3.0)
    p.add_argument("--ready-file", help="written just before the first datagram")
    p.set_defaults(fn=cmd_flows)

    p = sub.add_parser("flow-sink", help="count what flows sends: per flow, order, gaps")
    p.add_argument("--port", type=int, default=5002)
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--stop-file", help="end 200 ms after this file appears")
    p.add_argument("--ready-file", help="written once listening")
    p.set_defaults(fn=cmd_flow_sink)

    p = sub.add_parser("tcp-serve", help="accept one TCP connection, hash what it sends")
    p.add_argument("--port", type=int, default=5001)
    p.add_argument("--timeout", type=float, default=30.0, help="for the whole exchange")
    p.add_argument("--ready-file", help="written once listening")
    p.set_defaults(fn=cmd_tcp_serve)

    p = sub.add_parser("tcp-send", help="send N bytes over TCP, check the server's hash")
    p.add_argument("dst")
    p.add_argument("--port", type=int, default=5001)
    p.add_argument("--bytes", type=int, default=4 << 20)
    p.add_argument("--duration", type=float, default=0.0,
                   help="spread the bytes evenly over this many seconds (0: at once)")
    p.add_argument("--timeout", type=float, default=30.0, help="for the whole exchange")
    p.add_argument("--ready-file", help="written just before connecting")
    p.add_argument("--sport", type=int, default=0, help="bind this local port")
    p.set_defaults(fn=cmd_tcp_send)

    p = sub.add_parser("tcp-echo-many", help="accept many TCP connections, echo on each")
    p.add_argument("--port", type=int, default=5003)
    p.add_argument("--max", type=int, default=2000, help="connections at most (fd limit)")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--ready-file", help="written once listening")
    p.add_argument("--stop-file", help="stop once this file exists")
    p.set_defaults(fn=cmd_tcp_echo_many)

    p = sub.add_parser("tcp-hold", help="hold N idle TCP connections, then check each echoes")
    p.add_argument("dst")
    p.add_argument("--port", type=int, default=5003)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--go-file", required=True, help="send on each once this file exists")
    p.add_argument("--wait", type=float, default=10.0, help="for the echoes, at most")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--ready-file", help="written once every connection is open")
    p.set_defaults(fn=cmd_tcp_hold)

    p = sub.add_parser("counter-serve", help="accept one TCP connection, echo its lines")
    p.add_argument("--port", type=int, default=5001)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--ready-file", help="written once listening")
    p.set_defaults(fn=cmd_counter_serve)

    p = sub.add_parser("counter-send", help="a counter over TCP, each line echoed back")
    p.add_argument("dst")
    p.add_argument("--port", type=int, default=5001)
    p.add_argument("--interval", type=float, default=0.02)
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--timeout", type=float, default=15.0, help="for one echo, at most")
    p.add_argument("--ready-file", help="written once connected")
    p.add_argument("--stop-file", help="stop once this file exists")
    p.set_defaults(fn=cmd_counter_send)

    p = sub.add_parser("connect", help="one TCP connect: connected, refused or timeout")
    p.add_argument("dst")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--timeout", type=float, default=2.0)
    p.set_defaults(fn=cmd_connect)

    p = sub.add_parser("tcp-inject", help="TCP SYN flood, or blind RSTs/data, via a router")
    p.add_argument("endpoint", metavar="[NS/]IFACE", help="where to send the frames")
    p.add_argument("--kind", required=True, choices=sorted(TCP_FLAGS))
    p.add_argument("--dst-mac", required=True, help="the router's MAC (a vMAC)")
    p.add_argument("--dst", required=True)
    p.add_argument("--src", help="source IP (default: the interface's address)")
    p.add_argument("--sport", type=int, required=True, help="source port (SYNs: the first)")
    p.add_argument("--dport", type=int, required=True)
    p.add_argument("--seq", type=int, default=0)
    p.add_argument("--seq-step", type=int, default=0, help="added to --seq per segment")
    p.add_argument("--ack", type=int, default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--interval", type=float, default=0.0)
    p.set_defaults(fn=cmd_tcp_inject)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def watch_opt(p):
        p.add_argument("--watch", action="append", metavar="NS/IFACE=LABEL",
                       help="also capture on IFACE in namespace NS and attribute replies "
                            "seen there to LABEL (repeatable)")
        p.add_argument("--ready-file", help="written once the captures are open")
        p.add_argument("--tolerate-down", action="store_true",
                       help="keep going when a captured interface goes down (link cuts)")

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
    p.add_argument("--tolerate-down", action="store_true",
                   help="keep going when a captured interface goes down (link cuts)")
    p.set_defaults(fn=cmd_sniff)

    add_fwd_commands(sub)

    a = ap.parse_args(argv)
    if getattr(a, "filter", None) is None and a.cmd == "sniff":
        a.filter = ["carp", "garp"]
    if os.geteuid() != 0:
        die("needs root (packet sockets)")
    global TOLERATE_DOWN
    TOLERATE_DOWN = getattr(a, "tolerate_down", False)
    try:
        return a.fn(a)
    except OSError as e:
        if e.errno == errno.ENODEV:
            die(f"no such interface: {e}")
        raise


if __name__ == "__main__":
    sys.exit(main())
