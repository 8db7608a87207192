#!/usr/bin/env python3
"""slurm-carbon: variants of the learned estimates, tried before any is built
(BENCHMARKS.md, "Learned estimates": "Variants tried").

Usage: bench/learn_variants.py SCARBON TRACE.swf [--learn-months N] [--work DIR]
                               [--window ZONES] [--max-delays D,...]

Learns on the first N months (by end time) and tests on the following months
only, as bench/learn_accuracy.py does, but fits the entries here, in Python,
with learn/fit.c's keys (user+account+partition, account+partition,
partition), its minimum job count and its type-7 quantiles, so that other
choices can be compared: the statistic an entry keeps for the run time
(median, other quantiles, the mean ratio, the ratio of total run time to
total time limit, the quantile that minimises the training jobs' absolute
percentage error), the minimum job count, and an extra most specific key
(user + time limit). Every variant is written as a model file the real reader
takes (the statistic in ratio_total and ratio_q: the plan prices jobs and
chooses their start with it), scored on the test months for per-job
MdAPE, total bias and budget decisions, and with --window replayed by the
real `SCARBON simulate --estimates` (perfect forecast) for the share of the
oracle's saving kept.
SPDX-License-Identifier: GPL-2.0-or-later"""
import bisect
import json
import math
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import learn_accuracy as la  # noqa: E402


def q7(v, q):
    """Hyndman and Fan type 7 on sorted v (learn/fit.c's quantile)."""
    h = (len(v) - 1) * q
    i = int(math.floor(h))
    if i + 1 >= len(v):
        return v[-1]
    return v[i] + (h - i) * (v[i + 1] - v[i])


def min_ape(v):
    """The ratio r among v minimising sum |r - x| / x (a median weighted 1/x)."""
    w = [(x, 1.0 / max(x, 1e-4)) for x in v]
    tot = sum(b for _, b in w)
    acc = 0.0
    for x, b in w:
        acc += b
        if acc >= tot / 2:
            return x
    return v[-1]


STATS = {
    "median": lambda v, j: q7(v, 0.5),
    "q0.25": lambda v, j: q7(v, 0.25),
    "q0.4": lambda v, j: q7(v, 0.4),
    "q0.6": lambda v, j: q7(v, 0.6),
    "q0.75": lambda v, j: q7(v, 0.75),
    "q0.9": lambda v, j: q7(v, 0.9),
    "mean": lambda v, j: sum(v) / len(v),
    "sum-ratio": lambda v, j: sum(min(x["run"], x["req"]) * x["cpus"] for x in j) / sum(x["req"] * x["cpus"] for x in j),
    "min-ape": lambda v, j: min_ape(v),
}


def keys(j, by_limit):
    k = [("user", j["user"], j["account"], la.PART), ("account", "", j["account"], la.PART),
         ("partition", "", "", la.PART)]
    if by_limit:
        k.insert(0, ("limit", j["user"] + "@" + str(j["req"]), j["account"], la.PART))
    return k


def fit(train, stat, min_jobs, by_limit):
    groups = {}
    for j in train:
        for k in keys(j, by_limit):
            groups.setdefault(k, []).append(j)
    idx = {}
    for k, js in groups.items():
        if len(js) < min_jobs:
            continue
        v = sorted(min(x["run"] / x["req"], 1.0) for x in js)
        r = min(max(STATS[stat](v, js), 0.0), 1.0)
        idx[k] = {"jobs": len(js), "ratio": r, "ratio_q": max(q7(v, 0.9), r)}
    return idx


def lookup(idx, j, by_limit):
    for k in keys(j, by_limit):
        if k in idx:
            return k, idx[k]
    return None, None


def score(idx, test, by_limit):
    act = [j["run"] * j["cpus"] / 3600.0 for j in test]
    est = []
    for j in test:
        _, e = lookup(idx, j, by_limit)
        est.append(j["req"] * max(e["ratio"], 1e-4) * j["cpus"] / 3600.0)
    budget = statistics.median(act)
    r, fr, oa = la.budget_rates(est, act, budget)
    return {"mdape": la.mdape(est, act), "bias": sum(est) / sum(act) - 1, "rejected": r,
            "false_rejections": fr, "over_budget_accepted": oa}


def write_model(idx, path, created):
    """The entries as the model file holds them; the user + limit level
    cannot be written (the reader has no such level): None then."""
    ents = []
    for (lv, u, a, p), e in sorted(idx.items()):
        if lv == "limit":
            return None
        # The statistic for the start and the price alike (ratio_q is
        # what the plan chooses the start with).
        r = round(e["ratio"], 5)
        o = {"level": lv, "partition": p, "jobs": e["jobs"], "ratio_median": r, "ratio_q": r,
             "ratio_total": r}
        if lv != "partition":
            o["account"] = a
        if lv == "user":
            o["user"] = u
        ents.append(o)
    m = {"version": 2, "kind": "slurm-carbon estimates", "created": created,
         "source": {"input": "learn_variants.py", "start": 0, "end": 0, "jobs_read": 0, "jobs_used": 0},
         "min_jobs": 1, "quantile": 0.9, "entries": ents}
    with open(path, "w") as f:
        json.dump(m, f)
    return path


def window(scarbon, model, trace, work, zones, delays):
    return {"%s %s" % (z, d): la.simulate(scarbon, work, z, d, trace, ["--estimates", model])["oracle_fraction"]
            for z in zones for d in delays}


def by_day(test, jobs, days=90):
    """For each UTC day with submissions among test (sorted by submit):
    (day, that day's test jobs, the jobs that ended in the `days` days
    before it), what the daily timer would have learned from."""
    by_end = sorted(jobs, key=lambda j: j["end"])
    ends = [j["end"] for j in by_end]
    i = 0
    while i < len(test):
        day = test[i]["submit"] // 86400 * 86400
        k = i
        while k < len(test) and test[k]["submit"] < day + 86400:
            k += 1
        yield day, test[i:k], by_end[bisect.bisect_left(ends, day - days * 86400):bisect.bisect_left(ends, day)]
        i = k


def learn_real(scarbon, train, day, work, name):
    """The model the real `SCARBON learn` fits on train at day: its path."""
    dump, model = os.path.join(work, name + ".sacct"), os.path.join(work, name + ".json")
    la.write_dump(dump, train)
    subprocess.run([scarbon, "learn", "--input", dump, "--output", model, "--min-jobs", "5",
                    "--now", la.iso(day) + "Z"], check=True, stdout=subprocess.DEVNULL)
    return model


def rolling(scarbon, jobs, cut, stats, work, days=90, check_real=False):
    """Re-learning daily on the trailing `days` days (the timer's
    sacct -S now-90days) against once on the months before cut: each test
    job (submitted on or after cut) is estimated by the model of the day it
    was submitted, learned on the jobs that ended in the 90 days before
    that day's midnight (UTC). With check_real, every day's model is also
    learned by the real `SCARBON learn` and both lookups must
    agree (the median and the total ratio, sum-ratio: ratio_total)."""
    test = sorted((j for j in jobs if j["submit"] >= cut), key=lambda j: j["submit"])
    out = {}
    for stat in stats:
        est, act, miss, mismatch = [], [], 0, 0
        for day, today_jobs, train in by_day(test, jobs, days):
            idx = fit(train, stat, 5, False)
            real = None
            field = {"median": "ratio_median", "sum-ratio": "ratio_total"}.get(stat) if check_real else None
            if field and train:
                real = la.load_model(learn_real(scarbon, train, day, work, "roll"))[1]
            for j in today_jobs:
                _, e = lookup(idx, j, False)
                if e is None:  # nothing ended in the last 90 days: today's estimate
                    miss += 1
                    r = 1.0
                else:
                    r = max(e["ratio"], 1e-4)
                if real is not None:
                    re = la.lookup(real, j["user"], j["account"])
                    if re is None or abs(max(re[field], 1e-4) - r) > 1e-4:
                        mismatch += 1
                est.append(j["req"] * r * j["cpus"] / 3600.0)
                act.append(j["run"] * j["cpus"] / 3600.0)
        budget = statistics.median(act)
        rj, fr, oa = la.budget_rates(est, act, budget)
        out[stat] = {"jobs": len(act), "no_model": miss, "mdape": la.mdape(est, act),
                     "bias": sum(est) / sum(act) - 1, "rejected": rj, "false_rejections": fr,
                     "over_budget_accepted": oa}
        if check_real and stat in ("median", "sum-ratio"):
            out[stat]["mismatch_with_scarbon_learn"] = mismatch
        print(json.dumps({"rolling": stat, **out[stat]}), flush=True)
    return out


def rolling_window(scarbon, jobs, cut, work, zones, delays, days=90):
    """The window choice (perfect forecast) with the model re-learned daily:
    the jobs learn_accuracy.py --window replays (submitted in the 360 days
    after cut, shifted to 2021), each day's by `SCARBON simulate
    --estimates` with the model the real `SCARBON learn` fits on the jobs
    that ended in the 90 days before that day (UTC). Jobs are independent
    (unlimited capacity), so the days' grams add up to one replay."""
    test = sorted((j for j in jobs if cut <= j["submit"] < cut + 360 * 86400), key=lambda j: j["submit"])
    shift = la.T2021 + 86400 - test[0]["submit"]
    sums = {}
    for day, today_jobs, train in by_day(test, jobs, days):
        model, trace = learn_real(scarbon, train, day, work, "rw"), os.path.join(work, "rw-day.sacct")
        la.write_dump(trace, [dict(j, submit=j["submit"] + shift, start=j["start"] + shift,
                                   end=j["end"] + shift) for j in today_jobs])
        for z in zones:
            for d in delays:
                r = la.simulate(scarbon, work, z, d, trace, ["--estimates", model])
                acc = sums.setdefault("%s %s" % (z, d), [0, 0.0, 0.0, 0.0])
                acc[0] += r["jobs"]
                acc[1] += r["baseline_gco2e"]
                acc[2] += r["policy_gco2e"]
                acc[3] += r["oracle_gco2e"]
    out = {key: {"jobs": a[0], "oracle_fraction": (a[1] - a[2]) / (a[1] - a[3]),
                 "savings_pct": 100 * (a[1] - a[2]) / a[1]} for key, a in sums.items()}
    print(json.dumps({"rolling_window": out}), flush=True)
    return out


def main():
    ap = la.arguments()
    ap.add_argument("--rolling", action="store_true", help="also re-learn daily on the trailing 90 days")
    ap.add_argument("--rolling-window", action="store_true",
                    help="with --window: the window choice with the model re-learned daily")
    ap.add_argument("--check-real", action="store_true", help="with --rolling: check the median and total models against scarbon learn")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    jobs = la.read_swf(a.trace)
    cut = jobs[0]["end"] + a.learn_months * 30 * 86400
    train = [j for j in jobs if j["end"] < cut]
    test = [j for j in jobs if j["end"] >= cut]
    wtrace = None
    if a.window:
        wtrace = os.path.join(a.work, "window.sacct")
        if not os.path.exists(wtrace):
            sys.exit("%s: run learn_accuracy.py --window with the same --work first" % wtrace)
    if a.rolling_window:
        rolling_window(a.scarbon, jobs, cut, a.work, a.window.split(","), a.max_delays.split(","))
        return
    variants = [(s, 5, False) for s in STATS] + [("median", n, False) for n in (2, 3, 10, 20)] + \
               [("median", 5, True), ("q0.75", 5, True)]
    res = []
    for stat, mj, by_limit in variants:
        idx = fit(train, stat, mj, by_limit)
        row = {"stat": stat, "min_jobs": mj, "user_limit_key": by_limit, "entries": len(idx)}
        row.update(score(idx, test, by_limit))
        path = write_model(idx, os.path.join(a.work, "variant.json"), cut)
        if wtrace and path:
            row["oracle_fraction"] = window(a.scarbon, path, wtrace, a.work, a.window.split(","),
                                            a.max_delays.split(","))
        res.append(row)
        print(json.dumps(row), flush=True)
    if a.rolling:
        # The static split's test jobs are those that ended after cut; the
        # rolling ones those submitted after it: the static figures again on
        # the rolling jobs, for a like-for-like comparison.
        rtest = [j for j in jobs if j["submit"] >= cut]
        for stat in ("median", "sum-ratio", "mean", "q0.6"):
            row = {"static_on_rolling_jobs": stat}
            row.update(score(fit(train, stat, 5, False), rtest, False))
            today = [j["req"] * j["cpus"] / 3600.0 for j in rtest]
            act = [j["run"] * j["cpus"] / 3600.0 for j in rtest]
            row["today_mdape"], row["today_bias"] = la.mdape(today, act), sum(today) / sum(act) - 1
            print(json.dumps(row), flush=True)
        rolling(a.scarbon, jobs, cut, ("median", "sum-ratio", "mean", "q0.6"), a.work, check_real=a.check_real)


if __name__ == "__main__":
    main()
