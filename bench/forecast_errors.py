#!/usr/bin/env python3
# slurm-carbon: how forecast errors behave across issues — a real archive
# against the simulator's error model (BENCHMARKS.md, "The error model
# across issues").
# SPDX-License-Identifier: GPL-2.0-or-later
"""Usage: SC_DATA=DIR [FORECAST_ISSUES=PATH] bench/forecast_errors.py [SEEDS] > tables.md

Compares the UK national forecast archive (SC_DATA/intensity/ukci-2023-03/,
184 issues every 30 minutes, 48 h each) with `--forecast error:PCT` on the
same actual intensity, issued at the same times (seeds 1..SEEDS pooled,
default 5; PCT is the archive's mean absolute error 24 h ahead, as
`scarbon simulate` measures it). Errors are (forecast - actual) / the
actual's mean over the day around the target (the scale of the error model).

FORECAST_ISSUES: the bench/forecast_issues binary (default: build/bench/,
then bench/; build it with `make bench`).
"""
import csv
import math
import os
import subprocess
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DATA = os.environ.get("SC_DATA") or os.path.join(os.path.dirname(TOP), "shared", "data")
UK = os.path.join(DATA, "intensity", "ukci-2023-03")
TOOL = os.environ.get("FORECAST_ISSUES") or next(
    (p for p in (os.path.join(TOP, "build", "bench", "forecast_issues"), os.path.join(HERE, "forecast_issues"))
     if os.path.exists(p)), "forecast_issues")
# The last 13 rows of the actual carry a forecast (no actual was published).
ACTUAL_END = "2023-03-19 20:00:00"
LEADS = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 6), (6, 9), (9, 12), (12, 18), (18, 24), (24, 30), (30, 36), (36, 48)]
CLEADS = [(0, 2), (2, 6), (6, 12), (12, 24), (24, 36)]
DELTAS = [0.5, 1, 2, 3, 6, 12, 24]


def epoch(s):
    s = s.strip().replace("T", " ").rstrip("Z")
    return int(datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp())


def read_actual():
    act = {}
    with open(os.path.join(UK, "actual_national.csv")) as f:
        for r in csv.DictReader(f):
            act[epoch(r["Time"])] = float(r["Carbon Intensity"])
    end = epoch(ACTUAL_END)
    act = {t: v for t, v in act.items() if t < end}
    ts = sorted(act)
    level, lo, hi, acc = {}, 0, 0, 0.0
    for t in ts:  # running mean over [t - 12 h, t + 12 h]
        while hi < len(ts) and ts[hi] <= t + 43200:
            acc += act[ts[hi]]
            hi += 1
        while ts[lo] < t - 43200:
            acc -= act[ts[lo]]
            lo += 1
        level[t] = acc / (hi - lo)
    return act, level


def read_archive(lines):
    fc = {}
    for r in csv.DictReader(lines):
        fc.setdefault(epoch(r["issued_at"]), {})[epoch(r["target"])] = float(r["forecast"])
    return fc


class Stats:
    """Sums for per-lead errors, cross-issue correlations and revisions."""

    def __init__(self):
        self.lead = {b: [0, 0.0, 0.0, 0.0] for b in LEADS}       # n, |e|/a, e/l, (e/l)^2
        self.corr = {(d, b): [0, 0.0, 0.0, 0.0, 0.0, 0.0] for d in DELTAS for b in CLEADS}
        self.rev = {d: [0, 0.0, 0.0] for d in DELTAS}

    def add(self, fc, act, level):
        by5 = {i // 300: i for i in fc}
        for i, row in fc.items():
            for t, f in row.items():
                if t not in act:
                    continue
                lead = (t - i) / 3600
                for b in LEADS:
                    if b[0] <= lead < b[1]:
                        x = (f - act[t]) / level[t]
                        a = self.lead[b]
                        a[0] += 1
                        a[1] += abs(f - act[t]) / act[t]
                        a[2] += x
                        a[3] += x * x
            for d in DELTAS:
                j = None
                for k in (0, -1, 1):
                    j = by5.get((i - int(d * 3600)) // 300 + k)
                    if j is not None and abs(j - (i - d * 3600)) <= 300:
                        break
                    j = None
                if j is None:
                    continue
                old = fc[j]
                for t, f in row.items():
                    if t not in old or t < i:
                        continue
                    lead = (t - i) / 3600
                    if t in act:
                        y, x = (f - act[t]) / level[t], (old[t] - act[t]) / level[t]
                        for b in CLEADS:
                            if b[0] <= lead < b[1]:
                                a = self.corr[(d, b)]
                                a[0] += 1
                                a[1] += x
                                a[2] += y
                                a[3] += x * x
                                a[4] += y * y
                                a[5] += x * y
                    if lead < 36 and t in level:
                        r = (f - old[t]) / level[t]
                        a = self.rev[d]
                        a[0] += 1
                        a[1] += r
                        a[2] += r * r

    def mae24(self):
        a = self.lead[(18, 24)]
        return 100 * a[1] / a[0]

    def lead_row(self, b):
        n, mae, s, ss = self.lead[b]
        m = s / n
        return 100 * mae / n, math.sqrt(max(ss / n - m * m, 0)), m

    def corr_of(self, d, b):
        n, sx, sy, sxx, syy, sxy = self.corr[(d, b)]
        if n < 30:
            return None
        cov = sxy / n - sx / n * sy / n
        vx, vy = sxx / n - (sx / n) ** 2, syy / n - (sy / n) ** 2
        return cov / math.sqrt(vx * vy) if vx > 0 and vy > 0 else None

    def rev_sd(self, d):
        n, s, ss = self.rev[d]
        return math.sqrt(max(ss / n - (s / n) ** 2, 0)) if n else None


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    act, level = read_actual()
    with open(os.path.join(UK, "forecasts_national.csv")) as f:
        arch = read_archive(f)
    real = Stats()
    real.add(arch, act, level)
    pct = real.mae24()
    # scarbon simulate sets PCT from the archive the same way (24 h ahead).
    model = Stats()
    first, last = min(arch), max(arch)
    for seed in range(1, seeds + 1):
        out = subprocess.run([TOOL, os.path.join(UK, "actual_national.csv"), "error:%.1f:%d" % (pct, seed),
                              datetime.fromtimestamp(first, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              datetime.fromtimestamp(last, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")],
                             capture_output=True, text=True)
        if out.returncode:
            sys.exit("forecast_issues: %s" % out.stderr.strip())
        model.add(read_archive(out.stdout.splitlines()), act, level)

    print("\nThe UK archive against `error:%.1f` (seeds 1-%d pooled), issued at the same times.\n" % (pct, seeds))
    print("**By lead time** (error = forecast − actual; MAE relative to the actual; sd and mean relative to the"
          " day's level)\n")
    print("| lead | archive: MAE · sd · mean | model: MAE · sd · mean |")
    print("|---|---:|---:|")
    for b in LEADS:
        r, m = real.lead_row(b), model.lead_row(b)
        print("| %d-%d h | %.1f %% · %.3f · %+.3f | %.1f %% · %.3f · %+.3f |" % (b + r + m))
    print("\n**Correlation of the errors for one target between issues Δ apart**, by the later issue's lead"
          " (archive / model)\n")
    print("| Δ | " + " | ".join("%d-%d h" % b for b in CLEADS) + " |")
    print("|---|" + "---:|" * len(CLEADS))
    for d in DELTAS:
        cells = []
        for b in CLEADS:
            r, m = real.corr_of(d, b), model.corr_of(d, b)
            cells.append("%s / %s" % ("–" if r is None else "%.2f" % r, "–" if m is None else "%.2f" % m))
        print("| %g h | %s |" % (d, " | ".join(cells)))
    print("\n**How much a forecast changes between issues Δ apart** (sd of the change for one target, relative"
          " to the day's level; leads 0-36 h)\n")
    print("| Δ | archive | model |")
    print("|---|---:|---:|")
    for d in DELTAS:
        r, m = real.rev_sd(d), model.rev_sd(d)
        if r is not None and m is not None:
            print("| %g h | %.3f | %.3f |" % (d, r, m))


if __name__ == "__main__":
    main()
