#!/usr/bin/env python3
# slurm-carbon: an independent check of `scarbon simulate`'s oracle, from
# the raw data, sharing no code with the simulator.
# SPDX-License-Identifier: GPL-2.0-or-later
"""Usage: bench/oracle_check.py [--trace FILE] [--intensity FILE] [--start ISO]
                            [--max-delay HOURS] [--watts W] [--pue P] [--column lca|direct]

Recomputes, for a GAIA CSV trace (arrival_time,length,cpus in hours) on an
Electricity Maps hourly export, the carbon of every job (cpus x W watts x
PUE x true run time x mean intensity over the run, the intensity piecewise
constant per hour) when it starts:

  baseline   at submission;
  grid5      at the best of submit + k x 5 min, k = 0 .. max delay / 5 min
             (the computation quoted in issue 11);
  slots      at the best of the submission and each later hour boundary up to
             submit + max delay (what the oracle of scarbon simulate did before
             it was made exact);
  exact      at the true minimum over every start in [submit, submit + max
             delay]: the window mean is piecewise linear in the start, with
             breakpoints where the start or the end crosses an hour boundary,
             so the minimum is at submit, at submit + max delay, at an hour
             boundary, or at an hour boundary minus the run time.

Jobs are the ones scarbon simulate replays: times rounded to the second,
submit inside the data and submit + max delay + run time not past its end.
Prints the job count, the baseline's grams and each oracle's saving.
Pure Python, no dependencies; about a minute for 100,000 jobs.
"""
import argparse
import csv
import datetime
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("SC_DATA") or os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "data")


def epoch(iso):
    d = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp())


def read_intensity(path, column):
    """Hourly values from an Electricity Maps export: (first hour, values)."""
    col = "Carbon Intensity gCO₂eq/kWh (%s)" % ("LCA" if column == "lca" else "direct")
    times, vals = [], []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            times.append(epoch(row["Datetime (UTC)"].replace(" ", "T") + "Z"))
            vals.append(float(row[col]))
    for a, b in zip(times, times[1:]):
        if b - a != 3600:
            sys.exit("oracle_check: %s is not hourly without gaps" % path)
    return times[0], vals


class Intensity:
    """Piecewise-constant hourly intensity with an O(1) integral."""

    def __init__(self, t0, vals):
        self.t0, self.v = t0, vals
        self.end = t0 + 3600 * len(vals)
        self.cum = [0.0]
        for x in vals:
            self.cum.append(self.cum[-1] + x * 3600)

    def integral(self, t):
        """Integral of the intensity from t0 to t (g/kWh x s), t0 <= t <= end."""
        i = min((t - self.t0) // 3600, len(self.v) - 1)
        return self.cum[i] + self.v[i] * (t - self.t0 - 3600 * i)

    def mean(self, s, r):
        return (self.integral(s + r) - self.integral(s)) / r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trace", default=os.path.join(DATA, "traces", "pai-100k.csv"))
    ap.add_argument("--intensity", default=os.path.join(DATA, "intensity", "electricitymaps-2021", "DE_2021_hourly.csv"))
    ap.add_argument("--start", default="2021-01-01T00:00:00Z")
    ap.add_argument("--max-delay", type=float, default=8, help="hours")
    ap.add_argument("--watts", type=float, default=10, help="per core")
    ap.add_argument("--pue", type=float, default=1.0)
    ap.add_argument("--column", choices=["lca", "direct"], default="lca")
    a = ap.parse_args()

    t0, vals = read_intensity(a.intensity, a.column)
    ci = Intensity(t0, vals)
    start = epoch(a.start)
    md = int(round(a.max_delay * 3600))
    tot = {"baseline": 0.0, "grid5": 0.0, "slots": 0.0, "exact": 0.0}
    n = outside = 0
    with open(a.trace) as f:
        for row in csv.DictReader(f):
            r = int(round(float(row["length"]) * 3600))
            if r <= 0:
                continue
            sub = start + int(round(float(row["arrival_time"]) * 3600))
            if sub < ci.t0 or sub + md + r > ci.end:
                outside += 1
                continue
            n += 1
            kwh = int(row["cpus"]) * a.watts * r / 3600 / 1000 * a.pue
            last = sub + md
            tot["baseline"] += kwh * ci.mean(sub, r)
            tot["grid5"] += kwh * min(ci.mean(sub + k * 300, r) for k in range(md // 300 + 1))
            first_b = ci.t0 + 3600 * -(-(sub - ci.t0) // 3600)  # first boundary >= sub
            bounds = range(first_b, last + 1, 3600)
            tot["slots"] += kwh * min([ci.mean(sub, r)] + [ci.mean(b, r) for b in bounds])
            # Starts whose end is on a boundary: b - r in [sub, last].
            lo = ci.t0 + 3600 * -(-(sub + r - ci.t0) // 3600)
            ends = range(lo, last + r + 1, 3600)
            cands = [sub, last] + list(bounds) + [e - r for e in ends]
            tot["exact"] += kwh * min(ci.mean(s, r) for s in cands)
    base = tot["baseline"]
    print("jobs %d (outside the data %d), baseline %.1f g" % (n, outside, base))
    for k in ("grid5", "slots", "exact"):
        print("%-6s %.1f g  saving %.4f %%" % (k, tot[k], 100 * (base - tot[k]) / base))


if __name__ == "__main__":
    main()
