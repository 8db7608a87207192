#!/usr/bin/env python3
"""slurm-carbon: how good are the learned estimates (BENCHMARKS.md, "Learned estimates")?

Usage: bench/learn_accuracy.py SCARBON TRACE.swf [--learn-months N] [--min-jobs N] [--scale N]
                               [--names] [--work DIR]

Reads a Parallel Workloads Archive trace (SWF: user id, group id, requested time, run time,
processors), writes its first N months (by end time, default 6) as an `sacct -P` dump, runs
the real `SCARBON learn --input` on it, and tests the model on the following months: per-job
run time and kWh estimates, learned (time limit x the entry's total ratio, as the plan
prices it, and for comparison its median and upper quantile; the lookup of learn/model.c:
user+account+partition, else account+partition, else partition) against
today's (time limit x RuntimeRatio 1.0). SWF traces carry no energy, so power is the same
configured W per core on both sides and the kWh error is the run-time error. Budget
decisions: a budget at the median test job's actual kWh (emissions are kWh x PUE x intensity:
at one intensity the order is the same); a job is rejected when its estimate is over it.
With --scale N it also writes N copies of the whole trace (times shifted by the trace's span,
users renamed per copy) and times `scarbon learn` on them (GNU time for peak memory); with
--names the scaled dump has a JobName column with synthetic names (the public traces have no
application numbers), skewed as job names are: 90 % from 200 names per user drawn
log-uniformly by rank (P(rank r) about 1/r: a few scripts run most of the time), 10 % a
generated name of their own (run-<jobid>, as parameter sweeps make), seeded, so
reproducible.
Nothing of the trace is kept outside --work (default /tmp/learn-bench).
SPDX-License-Identifier: GPL-2.0-or-later"""
import argparse
import json
import os
import random
import statistics
import subprocess
import time

HEADER = "JobID|User|Account|Partition|State|Submit|Start|End|ElapsedRaw|TimelimitRaw|NCPUS"
PART = "sp2"


def read_swf(path):
    jobs = []
    start = 0
    with open(path) as f:
        for line in f:
            if line.startswith(";"):
                if "UnixStartTime:" in line:
                    start = int(line.split(":")[1])
                continue
            v = line.split()
            if len(v) < 18:
                continue
            jid, sub, wait, run, procs = int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4])
            req, user, group = int(v[8]), v[11], v[12]
            if procs <= 0:
                procs = int(v[7])
            if run <= 0 or procs <= 0 or req <= 0:
                continue
            st = start + sub + max(wait, 0)
            jobs.append(dict(id=jid, user="u" + user, account="g" + group, submit=start + sub,
                             start=st, end=st + run, run=run, req=req, cpus=procs))
    jobs.sort(key=lambda j: j["end"])
    return jobs


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


def synthetic_name(rng, jobid):
    """A job name with --scale --names' skew (see the module's text)."""
    if rng.random() < 0.1:
        return "run-%d" % jobid
    return "app%d.sh" % int(200 ** rng.random())


def write_dump(path, jobs, copies=1, span=0, names=False):
    rng = random.Random(42)
    with open(path, "w") as f:
        f.write(HEADER + ("|JobName" if names else "") + "\n")
        for c in range(copies):
            sh = c * span
            suf = "" if copies == 1 else "-c%d" % c
            for j in jobs:
                jobid = j["id"] + c * 10_000_000
                # TimelimitRaw is in minutes (Slurm's); SWF requests are seconds.
                f.write("%d|%s%s|%s%s|%s|COMPLETED|%s|%s|%s|%d|%d|%d%s\n" % (
                    jobid, j["user"], suf, j["account"], suf, PART,
                    iso(j["submit"] + sh), iso(j["start"] + sh), iso(j["end"] + sh), j["run"],
                    (j["req"] + 59) // 60, j["cpus"],
                    "|" + synthetic_name(rng, jobid) if names else ""))


def load_model(path):
    with open(path) as f:
        m = json.load(f)
    idx = {}
    for e in m["entries"]:
        idx[(e["level"], e.get("user", ""), e.get("account", ""), e["partition"])] = e
    return m, idx


def lookup(idx, user, account):
    for key in (("user", user, account, PART), ("account", "", account, PART),
                ("partition", "", "", PART)):
        if key in idx:
            return idx[key]
    return None


def mdape(est, act):
    return statistics.median(abs(e - a) / a for e, a in zip(est, act))


def budget_rates(est, act, budget):
    rej = [a for e, a in zip(est, act) if e > budget]
    acc = [a for e, a in zip(est, act) if e <= budget]
    false_rej = sum(1 for a in rej if a <= budget) / len(rej) if rej else 0.0
    over_acc = sum(1 for a in acc if a > budget) / len(acc) if acc else 0.0
    return len(rej) / len(est), false_rej, over_acc


def accuracy(scarbon, jobs, months, work, min_jobs):
    t0 = jobs[0]["end"]
    cut = t0 + months * 30 * 86400
    train = [j for j in jobs if j["end"] < cut]
    test = [j for j in jobs if j["end"] >= cut]
    dump, model = os.path.join(work, "train.sacct"), os.path.join(work, "estimates.json")
    write_dump(dump, train)
    subprocess.run([scarbon, "learn", "--input", dump, "--output", model, "--min-jobs", min_jobs, "--now",
                    iso(cut) + "Z"], check=True, stdout=subprocess.DEVNULL)
    m, idx = load_model(model)
    # Power: one W per core for both estimates (the trace has none measured), so kWh = core-h.
    act = [j["run"] * j["cpus"] / 3600.0 for j in test]
    today = [j["req"] * 1.0 * j["cpus"] / 3600.0 for j in test]
    levels = {"user": 0, "account": 0, "partition": 0}
    learned, learned_med, learned_q = [], [], []
    for j in test:
        e = lookup(idx, j["user"], j["account"])
        levels[e["level"]] += 1
        # What the plan uses (learn/model.c sc_model_ratio): the total
        # ratio; a version 1 file's median.
        learned.append(j["req"] * max(e.get("ratio_total", e["ratio_median"]), 1e-4) * j["cpus"] / 3600.0)
        learned_med.append(j["req"] * max(e["ratio_median"], 1e-4) * j["cpus"] / 3600.0)
        learned_q.append(j["req"] * e["ratio_q"] * j["cpus"] / 3600.0)
    budget = statistics.median(act)
    out = {
        "trace_jobs": len(jobs), "train_jobs": len(train), "test_jobs": len(test),
        "train_months": months, "test_months": round((test[-1]["end"] - cut) / (30 * 86400), 1),
        "model_version": m["version"], "entries": len(m["entries"]), "matched": levels,
        "mdape_kwh_today": mdape(today, act), "mdape_kwh_learned": mdape(learned, act),
        "mdape_kwh_learned_median": mdape(learned_med, act),
        "bias_kwh_today": sum(today) / sum(act) - 1, "bias_kwh_learned": sum(learned) / sum(act) - 1,
        "bias_kwh_learned_median": sum(learned_med) / sum(act) - 1,
        "bias_kwh_learned_q": sum(learned_q) / sum(act) - 1,
        "budget_core_h": budget,
    }
    for name, est in (("today", today), ("learned", learned), ("learned_median", learned_med),
                      ("learned_q", learned_q)):
        r, fr, oa = budget_rates(est, act, budget)
        out["budget_" + name] = {"rejected": r, "false_rejections": fr, "over_budget_accepted": oa}
    return out


EM = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                  "shared", "data", "intensity", "electricitymaps-2021")
T2021 = 1609459200


def simulate(scarbon, work, zone, delay, trace, extra):
    """`scarbon simulate --format json` of trace on one partition (PART) in
    zone (a year of Electricity Maps intensity), perfect forecast."""
    conf = os.path.join(work, "window-%s.conf" % zone)
    with open(conf, "w") as f:
        f.write("MaxDelay=%s\nReroute=no\nZoneName=%s Provider=file Path=%s/%s_2021_hourly.csv\n"
                "PartitionName=%s Zone=%s Default=yes PUE=1.2 CoreWatts=10 DefaultTime=1:00:00\n"
                % (delay, zone, EM, zone, PART, zone))
    r = subprocess.run([scarbon, "simulate", "--config", conf, "--trace", trace, "--format", "json"] + extra,
                       check=True, capture_output=True, text=True)
    return json.loads(r.stdout)


def window_choice(scarbon, jobs, months, work, zones, delays):
    """With a perfect forecast, the share of the oracle's saving slurm-carbon
    keeps planning with time limit x RuntimeRatio 1.0 against the learned
    model (scarbon simulate --estimates): the jobs submitted in the 360 days
    after the learning months, shifted to start on 2021-01-02 (the intensity
    data's year), as an sacct trace; the same model accuracy() learned."""
    cut = jobs[0]["end"] + months * 30 * 86400
    test = sorted((j for j in jobs if cut <= j["submit"] < cut + 360 * 86400), key=lambda j: j["submit"])
    shift = T2021 + 86400 - test[0]["submit"]
    moved = [dict(j, submit=j["submit"] + shift, start=j["start"] + shift, end=j["end"] + shift)
             for j in test]
    trace, model = os.path.join(work, "window.sacct"), os.path.join(work, "estimates.json")
    write_dump(trace, moved)
    # References: the true run time as the time limit (an exact estimate),
    # and the model with one figure of each entry (its total ratio, median
    # or upper quantile) for both the start and the price.
    exact, model_q = os.path.join(work, "window-exact.sacct"), os.path.join(work, "estimates-q.json")
    write_dump(exact, [dict(j, req=j["run"]) for j in moved])
    model_med = os.path.join(work, "estimates-median.json")
    model_tot = os.path.join(work, "estimates-total.json")
    for path, field in ((model_q, "ratio_q"), (model_med, "ratio_median"), (model_tot, "ratio_total")):
        with open(model) as f:
            m = json.load(f)
        for e in m["entries"]:
            # One figure for the start and the price: the window's ratio
            # (ratio_q) is that figure too.
            x = e[field]
            e["ratio_total"] = e["ratio_q"] = x
            e["ratio_median"] = min(e["ratio_median"], x)
        with open(path, "w") as f:
            json.dump(m, f)
    runs = (("today", trace, []), ("learned", trace, ["--estimates", model]),
            ("learned_total", trace, ["--estimates", model_tot]),
            ("learned_median", trace, ["--estimates", model_med]),
            ("learned_q", trace, ["--estimates", model_q]), ("exact", exact, []))
    out = {"jobs": len(moved), "rows": []}
    for zone in zones:
        for delay in delays:
            row = {"zone": zone, "max_delay": delay}
            for name, tr, extra in runs:
                j = simulate(scarbon, work, zone, delay, tr, extra)
                row[name] = {k: j.get(k) for k in ("jobs", "oracle_fraction", "savings_pct",
                                                   "oracle_savings_pct", "mean_delay_s", "jobs_learned")}
            out["rows"].append(row)
    return out




def scale(scarbon, jobs, copies, work, names=False):
    span = jobs[-1]["end"] - jobs[0]["submit"] + 86400
    dump, model = os.path.join(work, "scaled.sacct"), os.path.join(work, "scaled.json")
    write_dump(dump, jobs, copies, span, names)
    n = len(jobs) * copies
    t = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", scarbon, "learn", "--input", dump,
                        "--output", model, "--format", "json"], check=True, capture_output=True,
                       text=True)
    wall = time.monotonic() - t
    peak_kb = int(r.stderr.strip().splitlines()[-1])
    return {"records": n, "seconds": round(wall, 2), "peak_mb": round(peak_kb / 1024, 1),
            "summary": json.loads(r.stdout), "model": model}


def arguments():
    """The options this script and learn_variants.py share."""
    ap = argparse.ArgumentParser()
    ap.add_argument("scarbon")
    ap.add_argument("trace")
    ap.add_argument("--learn-months", type=int, default=6)
    ap.add_argument("--work", default="/tmp/learn-bench")
    ap.add_argument("--window", default="", help="zones for the window choice (DE,GB,...)")
    ap.add_argument("--max-delays", default="8:00:00", help="for --window, comma-separated")
    return ap


def main():
    ap = arguments()
    ap.add_argument("--scale", type=int, default=0)
    ap.add_argument("--min-jobs", default="5")
    ap.add_argument("--names", action="store_true", help="--scale: synthetic job names")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    jobs = read_swf(a.trace)
    res = {"trace": os.path.basename(a.trace), "accuracy": accuracy(a.scarbon, jobs, a.learn_months, a.work,
                                                                     a.min_jobs)}
    if a.window:
        res["window"] = window_choice(a.scarbon, jobs, a.learn_months, a.work, a.window.split(","),
                                      a.max_delays.split(","))
    if a.scale:
        res["scale"] = scale(a.scarbon, jobs, a.scale, a.work, a.names)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
