#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""failover-trial.py: the arithmetic of scripts/bench-failover.sh.

  analyze --ping P.json --wire W.json --fault-file F --old r1 --new r2 --out results.jsonl
          [--meta KEY=VALUE ...]
        one trial: the client's view (tests/e2e/probe.py ping: longest reply gap, lost
        probes, who answered) and the wire's (probe.py sniff at both bridge ports) around
        the fault; checks that only the old master answered and the standby stayed silent
        before the fault; appends one JSON record to --out and prints it.
  steady --ping P.json --wire W.json --window S --ticks N1_0 N1_1 N2_0 N2_1
         --trans N1_0 N1_1 N2_0 N2_1 --out steady.jsonl [--meta KEY=VALUE ...]
        one steady window: adverts per second from r1's bridge port, anything from r2 (a
        false takeover), CPU of each node (clock ticks of /proc/PID/stat), transitions.
  report --results results.jsonl --steady steady.jsonl [--doc FILE] [--info FILE]
        the table (min / median / max per implementation and scenario), the comparison
        with the reference figures and the targets; with --doc, written into FILE between
        <!-- bench-failover:begin --> and <!-- bench-failover:end -->. The last line printed
        is exactly
          carp-dpdk medians: linkcut_ms=X sigterm_ms=Y sigterm_lost=N sigkill_ms=Z
        for the sub-second setting (NA where nothing was measured).
"""
import argparse
import json
import os
import statistics
import sys

CLK_TCK = os.sysconf("SC_CLK_TCK")

IMPL_ORDER = ["carp-ab1", "carp-sub", "ucarp", "ka-1", "ka-0.1", "ka-0.01"]
SCEN_ORDER = ["linkcut", "sigkill", "sigterm", "failback-preempt", "failback-nopreempt"]
SCEN_LABEL = {
    "linkcut": "link cut (master's bridge port down)",
    "sigkill": "master killed (SIGKILL)",
    "sigterm": "graceful stop (SIGTERM)",
    "failback-preempt": "failback, preempt on",
    "failback-nopreempt": "failback, preempt off",
}
# Reference figures (outage median of 7, measured here earlier with the same method):
# implementation -> (link cut ms, SIGTERM ms)
REFERENCE = {"ucarp": (4240, 4310), "ka-1": (2990, 620), "ka-0.1": (340, 80),
             "ka-0.01": (40, 17)}
BEGIN = "<!-- bench-failover:begin -->"
END = "<!-- bench-failover:end -->"


def load(path):
    with open(path) as f:
        return json.load(f)


def load_lines(path):
    out = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(json.loads(line))
    return out


def meta_dict(pairs):
    d = {}
    for p in pairs or []:
        k, _, v = p.partition("=")
        d[k] = v
    return d


def is_advert(e):
    """An advert that claims mastership: CARP (not a bow-out) or VRRP (carp-short)."""
    return e.get("kind") in ("carp", "carp-short") and not e.get("bow_out")


def append(path, rec):
    with open(path, "a") as f:
        f.write(json.dumps(rec, sort_keys=True) + "\n")
    print(json.dumps(rec, sort_keys=True))


def cmd_analyze(a):
    ping = load(a.ping)
    wire = load(a.wire) if a.wire and os.path.exists(a.wire) else {"events": []}
    with open(a.fault_file) as f:
        fault = float(f.read().split()[0])
    old, new = a.old, a.new
    events = wire.get("events", [])
    before = ping.get("repliers_before_fault") or []
    lost = ping["lost"]
    lost_after = ping.get("lost_after_fault") or 0
    why = []
    if before != [old]:
        why.append(f"replies before the fault from {','.join(before) or 'nobody'}")
    if lost - lost_after > 1:  # one probe may be in flight at the fault
        why.append(f"{lost - lost_after} probes lost before the fault")
    early = [e for e in events if e["at"] == new and is_advert(e) and e["t"] < fault]
    if early:
        why.append(f"{len(early)} adverts from {new} before the fault")
    wire_new = [e["t"] for e in events if e["at"] == new and is_advert(e) and e["t"] > fault]
    rec = meta_dict(a.meta)
    rec.update(
        status="ok" if not why else "invalid",
        pre_why="; ".join(why),
        pre_s=round(fault - ping["start"], 3),
        outage_ms=ping["longest_gap_ms"],
        gap_from_ms=round((ping["longest_gap_from"] - fault) * 1000, 1),
        lost=lost,
        lost_after=lost_after,
        sent=ping["sent"],
        takeover_ms=ping.get("takeover_ms") if ping.get("new_replier") == new else None,
        first_reply_after_ms=ping.get("first_reply_after_fault_ms"),
        wire_ms=round((min(wire_new) - fault) * 1000, 1) if wire_new else None,
        replies_by=ping.get("replies_by"),
        split_replies=ping.get("split_brain_replies", 0),
        duplicates=ping.get("duplicates", 0),
        fault=fault,
    )
    append(a.out, rec)
    return 0


def cmd_steady(a):
    ping = load(a.ping)
    wire = load(a.wire) if a.wire and os.path.exists(a.wire) else {"events": []}
    events = wire.get("events", [])
    dur = float(wire.get("duration") or a.window)
    r1_adv = sum(1 for e in events if e["at"] == "r1" and is_advert(e))
    r2_adv = sum(1 for e in events if e["at"] == "r2" and is_advert(e))
    by = ping.get("replies_by") or {}
    t = [int(x) for x in a.ticks]
    tr = [int(x) for x in a.trans]
    rec = meta_dict(a.meta)
    rec.update(
        window_s=a.window,
        r1_adverts_per_s=round(r1_adv / dur, 1),
        r2_adverts=r2_adv,
        r2_replies=by.get("r2", 0),
        cpu_r1_pct=round(100.0 * (t[1] - t[0]) / CLK_TCK / a.window, 1),
        cpu_r2_pct=round(100.0 * (t[3] - t[2]) / CLK_TCK / a.window, 1),
        transitions_r1=tr[1] - tr[0],
        transitions_r2=tr[3] - tr[2],
        lost=ping["lost"],
        sent=ping["sent"],
        longest_gap_ms=ping["longest_gap_ms"],
    )
    rec["stable"] = (rec["r2_adverts"] == 0 and rec["r2_replies"] == 0
                     and rec["transitions_r1"] == 0 and rec["transitions_r2"] == 0)
    append(a.out, rec)
    return 0


# --------------------------------------------------------------------------------------
# Report


def fmt(v, nd=1):
    if v is None:
        return "NA"
    if isinstance(v, float):
        v = round(v, nd)
        return str(int(v)) if v == int(v) else f"{v:.{nd}f}"
    return str(v)


def mmm(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return min(vals), statistics.median(vals), max(vals)


def fmt_mmm(t, nd=1):
    if t is None:
        return "NA"
    return " / ".join(fmt(float(x), nd) for x in t)


def summarize(results):
    """(impl, scen) -> dict of the valid runs' figures and the notes."""
    groups = {}
    for r in results:
        groups.setdefault((r["impl"], r["scen"]), []).append(r)
    out = {}
    for key, rs in groups.items():
        ok = [r for r in rs if r["status"] == "ok"]
        invalid = [r for r in rs if r["status"] == "invalid"]
        split = [r for r in ok if r.get("split_vip") == "1"]
        switched = [r for r in ok if r.get("takeover_ms") is not None]
        out[key] = {
            "label": rs[0].get("label", key[0]),
            "runs": len(ok),
            "outage": mmm([r["outage_ms"] for r in ok]),
            "lost": mmm([r["lost"] for r in ok]),
            "takeover": mmm([r["takeover_ms"] for r in ok]),
            "wire": mmm([r["wire_ms"] for r in ok]),
            "invalid": len(invalid),
            "invalid_why": sorted({r["pre_why"] for r in invalid}),
            "split": len(split),
            "switched": len(switched),
            "split_replies": sum(r.get("split_replies", 0) for r in ok),
            "pre_s": sum(r.get("pre_s", 0) + 1.5 for r in rs),
            "rows": ok,
        }
    return out


def notes_for(key, s):
    impl, scen = key
    n = []
    if s["split"]:
        n.append(f"**split brain**: the killed master's box still held the VIP in "
                 f"{s['split']}/{s['runs']} runs (its kernel kept answering until the "
                 f"standby's gratuitous ARP moved the client); not a failover")
    kept = sum(1 for r in s.get("rows", []) if r.get("cut_kept_vip") == "1")
    if kept:
        n.append(f"the cut-off r1 kept the VIP in {kept}/{s['runs']} runs (a conflict once "
                 "its link returns)")
    if scen == "failback-nopreempt":
        if s["switched"] == 0:
            n.append("no switch: r2 stayed master")
        else:
            n.append(f"switched back to r1 in {s['switched']}/{s['runs']} runs")
    elif s["runs"] and s["switched"] < s["runs"]:
        n.append(f"the client was answered by the new master in {s['switched']}/{s['runs']}"
                 " runs only")
    if s["split_replies"]:
        n.append(f"{s['split_replies']} probes answered by both")
    if s["invalid"]:
        n.append(f"{s['invalid']} trials discarded: {' | '.join(s['invalid_why'])}")
    return "; ".join(n)


def build_report(results, steady, info):
    s = summarize(results)
    impls = [i for i in IMPL_ORDER if any(k[0] == i for k in s)]
    L = []
    when = info.get("when", "")
    L.append(f"Run {when}: `{info.get('cmdline', 'scripts/bench-failover.sh')}`")
    L.append("")
    for k in ("machine", "binary", "versions", "method", "budget_note"):
        if info.get(k):
            L.append(f"- {k.replace('_', ' ')}: {info[k]}")
    L.append("")
    L.append("Outage = the longest gap between two echo replies seen by the client "
             "(probes every 10 ms on a fixed schedule; steady state 10-20 ms); lost = "
             "unanswered probes; takeover = fault to the first reply from the new master "
             "(attributed by the bridge port it came in on). min / median / max over the "
             "valid runs.")
    L.append("")
    L.append("| implementation | scenario | runs | outage ms min / median / max | "
             "lost probes min / median / max | takeover ms median | notes |")
    L.append("|---|---|---|---|---|---|---|")
    for impl in impls:
        for scen in SCEN_ORDER:
            key = (impl, scen)
            if key not in s:
                continue
            x = s[key]
            tk = fmt(float(x["takeover"][1])) if x["takeover"] else "-"
            L.append(f"| {x['label']} | {SCEN_LABEL[scen]} | {x['runs']} | "
                     f"{fmt_mmm(x['outage'])} | {fmt_mmm(x['lost'], 0)} | {tk} | "
                     f"{notes_for(key, x)} |")
    L.append("")

    # Reference comparison
    refs = [i for i in impls if i in REFERENCE]
    if refs:
        L.append("Against the reference figures (outage median, ms; reference: median of 7 "
                 "measured here earlier with the same method):")
        L.append("")
        L.append("| implementation | link cut: here | link cut: reference | SIGTERM: here | "
                 "SIGTERM: reference |")
        L.append("|---|---|---|---|---|")
        for impl in refs:
            lc = s.get((impl, "linkcut"))
            st = s.get((impl, "sigterm"))
            lab = (lc or st or {"label": impl})["label"]
            L.append(f"| {lab} | {fmt(float(lc['outage'][1])) if lc and lc['outage'] else 'NA'}"
                     f" | {REFERENCE[impl][0]} | "
                     f"{fmt(float(st['outage'][1])) if st and st['outage'] else 'NA'} | "
                     f"{REFERENCE[impl][1]} |")
        L.append("")

    # Targets
    L.append("Targets for carp-dpdk:")
    L.append("")
    sub = [i for i in impls if i == "carp-sub"]
    if sub:
        lc = s.get(("carp-sub", "linkcut"))
        if lc and lc["outage"]:
            med = lc["outage"][1]
            L.append(f"- link cut <= 30 ms with the fastest stable setting "
                     f"({lc['label']}): median {fmt(float(med))} ms (min {fmt(float(lc['outage'][0]))},"
                     f" max {fmt(float(lc['outage'][2]))}): **{'met' if med <= 30 else 'not met'}**")
    for impl in ("carp-ab1", "carp-sub"):
        st = s.get((impl, "sigterm"))
        if st and st["lost"]:
            L.append(f"- graceful stop loses no probe ({st['label']}): lost "
                     f"{fmt_mmm(st['lost'], 0)} (min / median / max over {st['runs']} runs): "
                     f"**{'met' if st['lost'][2] == 0 else 'not met'}**")
    ab = info.get("ab1_limit_ms")
    if ab:
        lim = float(ab)
        for scen in ("linkcut", "sigkill"):
            x = s.get(("carp-ab1", scen))
            if x and x["outage"]:
                L.append(f"- advbase 1, {SCEN_LABEL[scen]}: no worse than 3 x advbase + "
                         f"advskew/256 + 50 ms = {fmt(lim)} ms: max {fmt(float(x['outage'][2]))} ms:"
                         f" **{'met' if x['outage'][2] <= lim else 'not met'}**")
    L.append("")

    # Steady windows: the trade-off
    if steady:
        L.append("Steady state (no fault; the client probing every 10 ms and both bridge "
                 "ports sniffed, as in the trials): adverts per second from the master, CPU "
                 "of each node (user + system time of the whole process from /proc/PID/stat, "
                 "% of one core), and anything that would be a false takeover (an advert or "
                 "echo reply from the standby, a state transition):")
        L.append("")
        L.append("| implementation / setting | master-down of r2 | window s | adverts/s | "
                 "CPU r1 (master) % | CPU r2 (backup) % | standby adverts / replies / "
                 "transitions | lost | longest gap ms | stable |")
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in steady:
            L.append(f"| {r.get('label', r.get('impl'))} | {r.get('master_down', '')} | "
                     f"{fmt(r['window_s'])} | {fmt(r['r1_adverts_per_s'])} | "
                     f"{fmt(r['cpu_r1_pct'])} | {fmt(r['cpu_r2_pct'])} | "
                     f"{r['r2_adverts']} / {r['r2_replies']} / "
                     f"{r['transitions_r1'] + r['transitions_r2']} | {r['lost']} | "
                     f"{fmt(r['longest_gap_ms'])} | {'yes' if r['stable'] else '**no**'} |")
        L.append("")
    subs = [r for r in results if r["impl"] == "carp-sub"]
    if subs:
        obs = sum(r.get("pre_s", 0) + 1.5 for r in subs)
        bad = [r for r in subs if r["status"] == "invalid"]
        L.append(f"Sub-second setting chosen: {info.get('chosen', '?')} "
                 f"({info.get('choice_note', '')}). Steady state observed before the "
                 f"faults of its {len(subs)} trials: {fmt(obs, 0)} s, with standby activity "
                 f"before the fault in {len(bad)} of them.")
        L.append("")
    if info.get("commands"):
        L.append("Commands ($T is the run's temporary directory, $N the namespace prefix "
                 "`bfo<PID>`; r1 is shown, r2 differs by carp1, 10.99.0.3, advskew/priority):")
        L.append("")
        L.append("```")
        with open(info["commands"]) as f:
            L.append(f.read().rstrip("\n"))
        L.append("```")
        L.append("")
    return L, s


def last_line(s):
    def med(scen, field):
        x = s.get(("carp-sub", scen))
        if not x or not x[field]:
            return "NA"
        return fmt(float(x[field][1]), 1 if field != "lost" else 1)
    return (f"carp-dpdk medians: linkcut_ms={med('linkcut', 'outage')} "
            f"sigterm_ms={med('sigterm', 'outage')} sigterm_lost={med('sigterm', 'lost')} "
            f"sigkill_ms={med('sigkill', 'outage')}")


def write_doc(path, lines):
    body = "\n".join([BEGIN] + lines + [END])
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if BEGIN in text and END in text and text.index(BEGIN) < text.index(END):
        a = text.index(BEGIN)
        b = text.index(END) + len(END)
        text = text[:a] + body + text[b:]
    else:
        if not text.endswith("\n"):
            text += "\n"
        text += "\n## Failover\n\n" + body + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def cmd_report(a):
    results = load_lines(a.results)
    steady = load_lines(a.steady)
    info = load(a.info) if a.info and os.path.exists(a.info) else {}
    lines, s = build_report(results, steady, info)
    print("\n".join(lines))
    if a.doc:
        write_doc(a.doc, lines)
        print(f"(written into {a.doc} between the bench-failover markers)")
    print(last_line(s))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("analyze")
    p.add_argument("--ping", required=True)
    p.add_argument("--wire")
    p.add_argument("--fault-file", required=True)
    p.add_argument("--old", required=True)
    p.add_argument("--new", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append")
    p.set_defaults(fn=cmd_analyze)
    p = sub.add_parser("steady")
    p.add_argument("--ping", required=True)
    p.add_argument("--wire")
    p.add_argument("--window", type=float, required=True)
    p.add_argument("--ticks", nargs=4, required=True)
    p.add_argument("--trans", nargs=4, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append")
    p.set_defaults(fn=cmd_steady)
    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--steady")
    p.add_argument("--info")
    p.add_argument("--doc")
    p.set_defaults(fn=cmd_report)
    a = ap.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
