#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""carp-status: ask a running carp-dpdk node for its state over DPDK telemetry.

    carp-status.py [--prefix P] [COMMAND]      (default COMMAND: /carp/status)
    carp-status.py --prefix P /carp/stats
    carp-status.py --prefix P --get 1@lan.state     (VHID 1 on port lan; also lan/1)
    carp-status.py --prefix P /                (list every command the node serves)

The node serves rte_telemetry v2 on an AF_UNIX SOCK_SEQPACKET socket,
<runtime dir>/dpdk/<file-prefix>/dpdk_telemetry.v2, where the runtime dir is /var/run for
root and $XDG_RUNTIME_DIR (or /tmp) for other users, as the EAL chooses it. On connect the
server sends a JSON info blob; each command string sent gets one JSON reply
{"<command>": VALUE}. This prints VALUE as JSON (or, with --get, one field of it).

Exit status: 0 on success, 1 when the node answered but not with what was asked (unknown
command, missing field), 2 when no node listens there (no socket, connection refused).

Paged replies (/carp/status, /carp/stats, /carp/lcores) are followed to the last page and
merged; "/carp/status,N" asks for the one page starting at entry N.
Importable (stdlib only): query(prefix, cmd) -> dict returns VALUE; find_entry(reply,
"1@lan") picks one VHID's entry. The file name has a dash, so load it by path:

    spec = importlib.util.spec_from_file_location("carp_status", "scripts/carp-status.py")
    carp_status = importlib.util.module_from_spec(spec); spec.loader.exec_module(carp_status)
    carp_status.query("rte", "/carp/status")
"""
import argparse
import json
import os
import socket
import sys

DEFAULT_COMMAND = "/carp/status"
DEFAULT_PREFIX = "rte"  # the EAL's default --file-prefix
SOCKET_NAME = "dpdk_telemetry.v2"
TIMEOUT_S = 2.0


class TelemetryError(Exception):
    """The node answered, but not with a usable reply."""


class NoNode(TelemetryError):
    """Nothing listens on the telemetry socket (missing, stale or refused)."""


def runtime_dir():
    """The EAL's runtime directory for this user (eal_get_runtime_dir)."""
    if os.getuid() == 0:
        base = "/var/run"
    else:
        base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    return os.path.join(base, "dpdk")


def socket_path(prefix):
    return os.path.join(runtime_dir(), prefix, SOCKET_NAME)


def _recv_json(sock, bufsize):
    data = sock.recv(bufsize)
    if not data:
        raise TelemetryError("the node closed the connection")
    try:
        return json.loads(data.decode("utf-8", "replace"))
    except ValueError as e:
        raise TelemetryError(f"reply is not JSON ({e}): {data[:200]!r}") from None


def query_socket(path, cmd, timeout=TIMEOUT_S):
    """Send one command to the telemetry socket at @path; return the reply's value."""
    if not os.path.exists(path):
        raise NoNode(f"no telemetry socket at {path}: is the node running "
                     "(and started with this --file-prefix)?")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(path)
        except (ConnectionRefusedError, FileNotFoundError) as e:
            raise NoNode(f"{path}: {e.strerror}: the node is not running "
                         "(stale socket)") from None
        info = _recv_json(sock, 16384)
        max_len = 16384
        if isinstance(info, dict) and isinstance(info.get("max_output_len"), int):
            max_len = info["max_output_len"]
        sock.send(cmd.encode())
        reply = _recv_json(sock, max_len + 1024)
    except socket.timeout:
        raise TelemetryError(f"{path}: no reply within {timeout} s") from None
    except (BrokenPipeError, ConnectionResetError) as e:
        raise NoNode(f"{path}: {e.strerror}: the node went away") from None
    finally:
        sock.close()
    # The reply is keyed by the command without its parameters ("/ethdev/stats,0").
    key = cmd.split(",", 1)[0]
    if not isinstance(reply, dict) or key not in reply:
        raise TelemetryError(f"unexpected reply to {cmd}: {json.dumps(reply)[:200]}")
    if reply[key] is None:
        raise TelemetryError(f"the node does not know the command {cmd} "
                             "(try / for the list)")
    return reply[key]


MAX_PAGES = 10000  # a node has at most 32 x 255 VHIDs; bounds the loop all the same


def query_all(path, cmd, timeout=TIMEOUT_S):
    """@cmd's value, every page of it: /carp/status, /carp/stats and /carp/lcores answer
    at most one telemetry buffer at a time, with "_next" naming the first entry of the
    next page and "_total" counting them all; the pages are merged into one dict
    (without those two keys). A command given with its own parameter is asked once."""
    value = query_socket(path, cmd, timeout)
    if "," in cmd or not isinstance(value, dict) or "_total" not in value:
        return value
    merged = {}
    for _ in range(MAX_PAGES):
        nxt = value.pop("_next", None)
        value.pop("_total", None)
        merged.update(value)
        if nxt is None:
            return merged
        value = query_socket(path, f"{cmd},{nxt}", timeout)
        if not isinstance(value, dict):
            raise TelemetryError(f"page {nxt} of {cmd} is not a dict")
    raise TelemetryError(f"{cmd}: more than {MAX_PAGES} pages")


def query(prefix, cmd, timeout=TIMEOUT_S):
    """The value of @cmd (every page) from the node started with --file-prefix=@prefix."""
    return query_all(socket_path(prefix), cmd, timeout)


def find_entry(reply, key):
    """The entry of a /carp/* reply for @key ("1@lan", "lcore1", "lan").

    DPDK 22.11's telemetry accepts only [A-Za-z0-9_/] in dict keys, so the node spells
    the VHID written 1@lan in logs as "lan/1"; "1@lan", "lan/1", "1/lan", "lan_1" and
    "1_lan" all find it, and so does an entry whose own vhid and port fields match.
    Returns None when nothing matches.
    """
    if not isinstance(reply, dict):
        return None
    if key in reply:
        return reply[key]
    if "@" in key:
        vhid, port = key.split("@", 1)
        for k in (f"{port}/{vhid}", f"{vhid}/{port}", f"{port}_{vhid}", f"{vhid}_{port}"):
            if k in reply:
                return reply[k]
        for entry in reply.values():
            if (isinstance(entry, dict) and str(entry.get("vhid")) == vhid
                    and entry.get("port") == port):
                return entry
    return None


def get_field(value, path):
    """Walk a dotted path ("1@lan.state") through nested dicts."""
    for part in path.split("."):
        found = find_entry(value, part)
        if found is None:
            have = ", ".join(sorted(value)) if isinstance(value, dict) else type(value).__name__
            raise TelemetryError(f"no field '{part}' in the reply (have: {have})")
        value = found
    return value


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Query a running carp-dpdk node over DPDK telemetry.")
    ap.add_argument("command", nargs="?", default=DEFAULT_COMMAND,
                    help=f"telemetry command (default {DEFAULT_COMMAND}; / lists them)")
    ap.add_argument("--prefix", "-p", default=DEFAULT_PREFIX,
                    help=f"the node's EAL --file-prefix (default {DEFAULT_PREFIX})")
    ap.add_argument("--socket", help="telemetry socket path (overrides --prefix)")
    ap.add_argument("--get", metavar="PATH",
                    help="print one field, a dotted path such as 1@lan.state")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S,
                    help=f"seconds to wait for the reply (default {TIMEOUT_S})")
    ap.add_argument("--compact", action="store_true", help="JSON on one line")
    args = ap.parse_args(argv)

    path = args.socket or socket_path(args.prefix)
    try:
        value = query_all(path, args.command, args.timeout)
        if args.get:
            value = get_field(value, args.get)
    except NoNode as e:
        print(f"carp-status: {e}", file=sys.stderr)
        return 2
    except TelemetryError as e:
        print(f"carp-status: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"carp-status: {path}: {e}", file=sys.stderr)
        return 2
    if args.get and not isinstance(value, (dict, list)):
        print(value)
    elif args.compact:
        print(json.dumps(value, sort_keys=True))
    else:
        print(json.dumps(value, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
