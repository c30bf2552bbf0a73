#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Count TAP results in a meson testlog.json: prints "PASSED FAILED".

Every "ok"/"not ok" line of a test's output is one case. A test whose process failed
without reporting a failing case (crash, sanitizer abort, timeout) adds one failure, and
each failing case is printed with the diagnostic lines that follow it ("# ..."), so the
reason, with the measured value, is visible wherever only this summary is kept.
"""
import json
import re
import sys

passed = failed = 0
with open(sys.argv[1]) as log:
    for line in log:
        t = json.loads(line)
        out = t.get("stdout") or ""
        ok = len(re.findall(r"^ok \d+", out, re.M))
        bad = re.findall(r"^not ok \d+.*$(?:\n#.*$){0,4}", out, re.M)
        passed += ok
        failed += len(bad)
        for b in bad:
            first, *diag = b.split("\n")
            print(f"FAILED {t['name']}: {first}", file=sys.stderr)
            for d in diag:
                print(f"FAILED {t['name']}:   {d}", file=sys.stderr)
        if t.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and not bad:
            failed += 1
            print(f"FAILED {t['name']}: {t.get('result')}", file=sys.stderr)
print(passed, failed)
