#!/usr/bin/env python3
# slurm-carbon: regenerate the simulator tables of BENCHMARKS.md from the
# shared data, by running `scarbon simulate --format json`.
# SPDX-License-Identifier: GPL-2.0-or-later
"""Usage: SC_DATA=DIR [SCARBON=PATH] [JOBS=N] bench/simulate_tables.py [SECTION ...] > tables.md

SC_DATA  the shared data: intensity/electricitymaps-2021/, intensity/ukci-2023-03/
         and traces/ (default: ../shared/data from the source tree's parent)
SCARBON  the scarbon binary (default: build/cli/scarbon, then cli/scarbon)
JOBS     simulations run at once (default: the number of CPUs)
SECTION  zones, uk, reroute, capacity, tuning, minsavings, replan (default: all), in that order

The capacity section on an SWF trace (Parallel Workloads Archive) instead of the GAIA ones:

    bench/simulate_tables.py capacity --swf FILE --from YYYY-MM-DD --to YYYY-MM-DD [--zones DE,GB,FR]
                             [--exact-requested]

takes the jobs submitted from --from to --to (UTC, the end excluded), makes their times
relative and starts them on the same weekday and time of day, a whole number of weeks
away, nearest the same date of 2021 (the intensity data's year), with --trace-start; the
cores come from the period's mean load (core-hours of the jobs / its hours). Each zone
is one row group (default: DE). --exact-requested replaces each job's requested time
by its run time (what planning with exact run times would do).
"""
import calendar
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DATA = os.environ.get("SC_DATA") or os.path.join(os.path.dirname(TOP), "shared", "data")
SCARBON = os.environ.get("SCARBON") or next(
    (p for p in (os.path.join(TOP, "build", "cli", "scarbon"), os.path.join(TOP, "cli", "scarbon"))
     if os.path.exists(p)), "scarbon")
WORKERS = int(os.environ.get("JOBS") or os.cpu_count() or 2)
EM = os.path.join(DATA, "intensity", "electricitymaps-2021")
UK = os.path.join(DATA, "intensity", "ukci-2023-03")
TRACES = [("mustang", "mustang-trace-2015-100k.csv"), ("azure", "azure-100k.csv"), ("pai", "pai-100k.csv")]
DELAYS = [("2 h", "2:00:00"), ("8 h", "8:00:00"), ("24 h", "1-00:00:00")]
ZONES = ["DE", "GB", "FR", "PL"]
PEERS = ["casdk", "cats", "threshold"]
TMP = tempfile.mkdtemp(prefix="sc-bench-")


def conf(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def zone_conf(zone, extra="", reroute=None):
    """One partition in zone (an Electricity Maps export); reroute: an
    alternative partition in that zone."""
    lines = ["MaxDelay=8:00:00", "Reroute=%s" % ("yes" if reroute else "no"),
             "ZoneName=%s Provider=file Path=%s/%s_2021_hourly.csv %s" % (zone, EM, zone, extra)]
    alt = ""
    if reroute:
        lines.append("ZoneName=%s Provider=file Path=%s/%s_2021_hourly.csv %s" % (reroute, EM, reroute, extra))
        alt = " Alternatives=alt"
    lines.append("PartitionName=compute Zone=%s Default=yes PUE=1.2 CoreWatts=10 DefaultTime=1:00:00%s" % (zone, alt))
    if reroute:
        lines.append("PartitionName=alt Zone=%s PUE=1.2 CoreWatts=10 DefaultTime=1:00:00" % reroute)
    return conf("%s-%s-%s.conf" % (zone, reroute or "", abs(hash(extra))), "\n".join(lines) + "\n")


def uk_traces():
    """The traces' first 95.5 hours: the jobs submitted while the UK
    archive has a fresh forecast (issued 2023-03-14 03:01 to 03-18 02:31)."""
    out = []
    for label, name in TRACES:
        path = os.path.join(TMP, "uk-" + name)
        with open(os.path.join(DATA, "traces", name)) as src, open(path, "w") as dst:
            for i, line in enumerate(src):
                if i == 0 or float(line.split(",", 1)[0]) < 95.5:
                    dst.write(line)
        out.append((label, path))
    return out


def simulate(args):
    r = subprocess.run([SCARBON, "simulate", "--format", "json"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("scarbon simulate %s: %s" % (" ".join(args), r.stderr.strip()))
    return json.loads(r.stdout)


def run_all(jobs):
    with ThreadPoolExecutor(max_workers=WORKERS) as ex:
        return list(ex.map(simulate, jobs))


def pct(x):
    return "–" if x is None else "%.0f %%" % (100 * x)


def cell(o, rerouted=False):
    s = "%s · %.2f %% · %.1f h" % (pct(o["oracle_fraction"]), o["savings_pct"], o["mean_delay_s"] / 3600)
    if rerouted:
        s += " · %.0f %% moved" % o["rerouted_pct"]
    return s


HEAD = ("| zone | trace | max delay | oracle saving · delay | slurm-carbon | casdk | cats | threshold |\n"
        "|---|---|---|---:|---:|---:|---:|---:|")


def row(label, j, rerouted=False):
    o = j["oracle"]
    return "| %s | %.2f %% · %.1f h | %s | %s |" % (
        label, j["oracle_savings_pct"], o["mean_delay_s"] / 3600, cell(j, rerouted),
        " | ".join(cell(j["peers"][p], rerouted) for p in PEERS))


def summary(results, keyf):
    """Mean share of the oracle and mean delay per policy and group."""
    groups = {}
    for key, j in results:
        g = keyf(key)
        acc = groups.setdefault(g, {})
        for name, o in [("slurm-carbon", j)] + [(p, j["peers"][p]) for p in PEERS]:
            a = acc.setdefault(name, [0.0, 0.0, 0])
            a[0] += o["oracle_fraction"] or 0
            a[1] += o["mean_delay_s"] / 3600
            a[2] += 1
    lines = ["| %s | slurm-carbon | casdk | cats | threshold |" % "group",
             "|---|---:|---:|---:|---:|"]
    for g in groups:
        acc = groups[g]
        lines.append("| %s | %s |" % (g, " | ".join(
            "%.0f %% · %.1f h" % (100 * acc[n][0] / acc[n][2], acc[n][1] / acc[n][2])
            for n in ["slurm-carbon"] + PEERS)))
    return "\n".join(lines)


def section_zones():
    keys, jobs = [], []
    for fc in ["perfect", "error:25"]:
        for zone in ZONES:
            c = zone_conf(zone)
            for tl, tn in TRACES:
                for dl, dv in DELAYS:
                    keys.append((fc, zone, tl, dl))
                    jobs.append(["--config", c, "--trace", os.path.join(DATA, "traces", tn), "--max-delay", dv,
                                 "--forecast", fc])
    res = list(zip(keys, run_all(jobs)))
    for fc in ["perfect", "error:25"]:
        print("\n**Forecast `%s`** (each cell: share of the oracle's saving · saving · mean delay)\n" % fc)
        print(HEAD)
        for (k, j) in res:
            if k[0] == fc:
                print(row("%s | %s | %s" % (k[1], k[2], k[3]), j))
    print("\n**Means over the zones and traces** (share of the oracle's saving · mean delay)\n")
    print(summary(res, lambda k: "%s, max delay %s" % (k[0], k[3])))


def section_uk():
    keys, jobs = [], []
    c = conf("uk.conf", "MaxDelay=8:00:00\nZoneName=GB Provider=file Path=%s/actual_national.csv\n"
                        "PartitionName=compute Zone=GB Default=yes PUE=1.2 CoreWatts=10 DefaultTime=1:00:00\n" % UK)
    modes = [("perfect", "perfect"), ("archive", "archive:%s/forecasts_national.csv" % UK), ("error:25", "error:25")]
    for tl, tp in uk_traces():
        for dl, dv in DELAYS:
            for ml, mv in modes:
                keys.append((ml, tl, dl))
                jobs.append(["--config", c, "--trace", tp, "--trace-start", "2023-03-14T03:01:00Z",
                             "--max-delay", dv, "--forecast", mv])
    res = list(zip(keys, run_all(jobs)))
    print("\n| forecast | trace (jobs) | max delay | oracle saving · delay | slurm-carbon | casdk | cats | threshold |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for k, j in res:
        print(row("%s | %s (%d) | %s" % (k[0], k[1], j["jobs"], k[2]), j))
    print("\nslurm-carbon's ForecastError (measured on the archive, 24 h ahead): %.1f %%" %
          next(j["forecast_error_pct"] for k, j in res if k[0] == "archive"))
    print("\n**Means over the traces**\n")
    print(summary(res, lambda k: "%s, max delay %s" % (k[0], k[2])))


def section_reroute():
    keys, jobs = [], []
    c = zone_conf("DE", reroute="FR")
    for fc in ["perfect", "error:25"]:
        for tl, tn in TRACES:
            for dl, dv in DELAYS:
                keys.append((fc, tl, dl))
                jobs.append(["--config", c, "--trace", os.path.join(DATA, "traces", tn), "--max-delay", dv,
                             "--forecast", fc])
    res = list(zip(keys, run_all(jobs)))
    print("\n| forecast | trace | max delay | oracle saving · delay | slurm-carbon | casdk | cats | threshold |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for k, j in res:
        print(row("%s | %s | %s" % k, j, rerouted=True))


def mean_load(path):
    """Cores busy on average over the trace's year (core-hours / 8,760 h)."""
    with open(path) as f:
        next(f)
        return sum(float(r.split(",")[1]) * int(r.split(",")[2]) for r in f) / 8760


IDLE_W = 4  # an idle core draws 40 % of the 10 W a busy one does
DAY = 86400


def hours(s):
    return "%.1f h" % (s / 3600)


def easy_runs(res, utils):
    """(key, result, the unlimited result of its trace and forecast) of the
    capacity runs with EASY backfill at the utilisations utils."""
    unl = {(k[0], k[4]): j for k, j in res if not k[2]}
    for k, j in res:
        if k[2] in utils and k[5] == "easy":
            yield k, j, unl[(k[0], k[4])]


def utc(date):
    """Seconds since the epoch of a YYYY-MM-DD date (UTC midnight)."""
    try:
        y, m, d = (int(x) for x in date.split("-"))
        return calendar.timegm(datetime.date(y, m, d).timetuple())
    except ValueError:
        sys.exit("simulate_tables.py: invalid date '%s': expected YYYY-MM-DD" % date)


def swf_cut(path, start, end, exact):
    """The jobs of an SWF trace submitted in [start, end) (seconds since the
    epoch), written with times relative to start and no UnixStartTime (exact:
    the requested time replaced by the run time). Returns (the new file, the
    mean load in cores, the jobs kept)."""
    unix_start, out, core_s, n = None, os.path.join(TMP, "cut-" + os.path.basename(path)), 0.0, 0
    with open(path) as src, open(out, "w") as dst:
        dst.write("; %s, jobs submitted from %d to %d, times relative\n" % (os.path.basename(path), start, end))
        for line in src:
            if line.startswith(";"):
                key, _, val = line[1:].partition(":")
                if key.strip() == "UnixStartTime":
                    unix_start = int(val)
                continue
            f = line.split()
            if len(f) != 18 or unix_start is None:
                sys.exit("simulate_tables.py: %s: expected an SWF trace with a UnixStartTime header" % path)
            t = unix_start + int(float(f[1]))
            if not start <= t < end:
                continue
            f[1] = str(t - start)
            if exact:
                f[8] = f[3]
            dst.write(" ".join(f) + "\n")
            n += 1
            procs = float(f[4]) if float(f[4]) > 0 else float(f[7])
            if float(f[3]) > 0 and procs > 0:  # the jobs scarbon replays
                core_s += float(f[3]) * procs
    if not n:
        sys.exit("simulate_tables.py: %s: no job submitted in the period" % path)
    return out, core_s / (end - start), n


def aligned_2021(start):
    """The start in 2021 on the same weekday and time of day, whole weeks
    from start, nearest the same calendar date."""
    t = time.gmtime(start)
    same = calendar.timegm((2021, t.tm_mon, min(t.tm_mday, 28), t.tm_hour, t.tm_min, t.tm_sec))
    weeks = round((same - start) / (7 * DAY))
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + weeks * 7 * DAY))


def capacity_traces(swf):
    """(label, path, mean load, extra simulate arguments) of the GAIA traces,
    or of the SWF period."""
    if not swf:
        return [(tl, os.path.join(DATA, "traces", tn), mean_load(os.path.join(DATA, "traces", tn)), [])
                for tl, tn in TRACES]
    start, end = utc(swf["from"]), utc(swf["to"])
    path, load, n = swf_cut(swf["swf"], start, end, swf["exact"])
    at = aligned_2021(start)
    label = os.path.basename(swf["swf"]).split("-")[1].lower()
    print("\n%s: %d jobs submitted %s to %s (UTC), replayed from %s; mean load %.0f cores%s" % (
        os.path.basename(swf["swf"]), n, swf["from"], swf["to"], at, load,
        "; requested times = run times" if swf["exact"] else ""))
    return [(label, path, load, ["--trace-start", at])]


def section_capacity(swf=None):
    """Each trace on DE (or the zones given) at 60, 75 and 90 % utilisation
    (cores from its mean load) and unlimited, max delay 8 h, perfect and
    error:25 forecasts; EASY backfill (the default), and the baseline's queue
    under FCFS for comparison."""
    keys, jobs = [], []
    zones = swf["zones"] if swf else ["DE"]
    for tl, path, load, extra in capacity_traces(swf):
        for zone in zones:
            c = zone_conf(zone)
            label = tl if len(zones) == 1 and zone == "DE" else "%s %s" % (tl, zone)
            for util in [0, 60, 75, 90]:
                cores = int(round(load * 100 / util)) if util else 0
                for fc in ["perfect", "error:25"]:
                    for model in ["easy", "fcfs"] if cores and fc == "perfect" else ["easy"]:
                        keys.append((label, load, util, cores, fc, model))
                        jobs.append(["--config", c, "--trace", path, "--max-delay", "8:00:00", "--forecast", fc,
                                     "--capacity-model", model, "--idle-watts-per-core", str(IDLE_W)] + extra +
                                    (["--cores", str(cores)] if cores else []))
    res = list(zip(keys, run_all(jobs)))
    unl = {(k[0], k[4]): j for k, j in res if not k[2]}
    h = hours

    def net(j, o):
        """Saving with the idle cores' emissions counted."""
        b = j["baseline_gco2e"] + j["baseline"]["idle_gco2e"]
        return 100 * (b - o["policy_gco2e"] - o["idle_gco2e"]) / b
    print("\n| trace | utilisation · cores | forecast | baseline queue: mean · p95 | slurm-carbon: saving "
          "(of unlimited) · queue mean · p95 | net of idle | capacity-aware: saving (of unlimited) · delay · "
          "queue | casdk: saving · queue | cats: saving · queue | oracle: saving · queue |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for k, j in res:
        tl, load, util, cores, fc, model = k
        if model != "easy":
            continue
        u = unl[(tl, fc)]
        peers = j["peers"]
        if not cores:
            print("| %s | unlimited (load %.0f) | %s | – | %.2f %% · – | – | – | %.2f %% | %.2f %% | %.2f %% |" % (
                tl, load, fc, j["savings_pct"], peers["casdk"]["savings_pct"], peers["cats"]["savings_pct"],
                j["oracle_savings_pct"]))
            continue
        orc = dict(j["oracle"], policy_gco2e=j["oracle_gco2e"])
        ca = j["capacity_aware"]
        print("| %s | %d %% (%.1f %%) · %d | %s | %s · %s | %.2f %% (%.0f %%) · %s · %s | %.2f %% | "
              "%.2f %% (%.0f %%) · %s · %s | %.2f %% · %s | %.2f %% · %s | %.2f %% · %s |" % (
                  tl, util, j["baseline"]["utilisation_pct"], cores, fc, h(j["baseline"]["mean_queue_s"]),
                  h(j["baseline"]["p95_queue_s"]), j["savings_pct"], 100 * j["savings_pct"] / u["savings_pct"],
                  h(j["mean_queue_s"]), h(j["p95_queue_s"]), net(j, j),
                  ca["savings_pct"], 100 * ca["savings_pct"] / u["savings_pct"], h(ca["mean_delay_s"]),
                  h(ca["mean_queue_s"]),
                  peers["casdk"]["savings_pct"], h(peers["casdk"]["mean_queue_s"]),
                  peers["cats"]["savings_pct"], h(peers["cats"]["mean_queue_s"]),
                  j["oracle_savings_pct"], h(orc["mean_queue_s"])))
    print("\n**At 75 %** (the goal: keep 80 % of slurm-carbon's unlimited saving, add at most 25 % to the "
          "baseline's mean queue, save more than casdk and cats at no more total wait); slurm-carbon as it "
          "was, then capacity-aware (the plugin with `Cores=`)\n")
    print("| trace | forecast | policy | share of unlimited saving | added mean queue | total wait: policy · casdk "
          "· cats · baseline | saving: policy · casdk · cats |")
    print("|---|---|---|---:|---:|---:|---:|")
    for k, j, u in easy_runs(res, [75]):
        tl, load, util, cores, fc, model = k
        b = j["baseline"]["mean_queue_s"]
        p = j["peers"]
        for name, o in [("slurm-carbon", j), ("capacity-aware", j["capacity_aware"])]:
            print("| %s | %s | %s | %.0f %% | %+.0f %% (%s) | %s · %s · %s · %s | %.2f · %.2f · %.2f %% |" % (
                tl, fc, name, 100 * o["savings_pct"] / u["savings_pct"],
                100 * (o["mean_queue_s"] - b) / b if b else 0, h(o["mean_queue_s"] - b), h(o["mean_wait_s"]),
                h(p["casdk"]["mean_wait_s"]), h(p["cats"]["mean_wait_s"]), h(j["baseline"]["mean_wait_s"]),
                o["savings_pct"], p["casdk"]["savings_pct"], p["cats"]["savings_pct"]))
    print("\n**The baseline's queue, EASY against FCFS** (perfect forecast; mean · p95)\n")
    print("| trace | utilisation · cores | EASY | FCFS | slurm-carbon saving: EASY · FCFS |")
    print("|---|---|---:|---:|---:|")
    fc_res = {(k[0], k[2], k[5]): j for k, j in res if k[3] and k[4] == "perfect"}
    for (tl, util, model), j in fc_res.items():
        if model != "easy":
            continue
        f = fc_res[(tl, util, "fcfs")]
        print("| %s | %d %% · %d | %s · %s | %s · %s | %.2f · %.2f %% |" % (
            tl, util, j["cores"], h(j["baseline"]["mean_queue_s"]), h(j["baseline"]["p95_queue_s"]),
            h(f["baseline"]["mean_queue_s"]), h(f["baseline"]["p95_queue_s"]), j["savings_pct"], f["savings_pct"]))
    if swf:
        capacity_policies(res)


def capacity_policies(res):
    """Every policy at every utilisation (EASY): saving, its share of the
    oracle's and of its own unlimited saving, carbon delay, queue, total wait."""
    h = hours
    print("\n**Every policy** (EASY backfill; of unlimited: of the same policy's saving without a capacity, "
          "capacity-aware against slurm-carbon's)\n")
    print("| trace | utilisation · cores | forecast | policy | saving | of oracle | of unlimited | carbon delay "
          "| queue: mean · p95 | total wait | utilisation |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for k, j, u in easy_runs(res, [60, 75, 90]):
        tl, load, util, cores, fc, model = k
        orc = dict(j["oracle"], savings_pct=j["oracle_savings_pct"], oracle_fraction=1)
        rows = [("baseline", dict(j["baseline"], savings_pct=0, oracle_fraction=0, mean_delay_s=0), None),
                ("slurm-carbon", j, u["savings_pct"]), ("capacity-aware", j["capacity_aware"], u["savings_pct"]),
                ("casdk", j["peers"]["casdk"], u["peers"]["casdk"]["savings_pct"]),
                ("cats", j["peers"]["cats"], u["peers"]["cats"]["savings_pct"]),
                ("oracle", orc, u["oracle_savings_pct"])]
        for name, o, us in rows:
            print("| %s | %d %% · %d | %s | %s | %.2f %% | %s | %s | %s | %s · %s | %s | %.1f %% |" % (
                tl, util, cores, fc, name, o["savings_pct"], "–" if us is None else pct(o["oracle_fraction"]),
                "–" if not us else "%.0f %%" % (100 * o["savings_pct"] / us), h(o["mean_delay_s"]),
                h(o["mean_queue_s"]), h(o["p95_queue_s"]), h(o["mean_wait_s"]), o["utilisation_pct"]))


def section_tuning():
    """ForecastError as configured, under error:25 and the UK archive: 0
    trusts the forecast (the peers' rule), 25 is half a standard deviation
    of the error model, 50 a whole one."""
    keys, jobs = [], []
    for fe in [0, 25, 50]:
        for zone in ["DE", "PL"]:
            c = zone_conf(zone, "ForecastError=%d%%" % fe)
            for tl, tn in TRACES:
                for dl, dv in DELAYS[1:]:
                    keys.append(("error:25", fe, "%s %s" % (zone, tl), dl))
                    jobs.append(["--config", c, "--trace", os.path.join(DATA, "traces", tn), "--max-delay", dv,
                                 "--forecast", "error:25"])
        c = conf("uk-%d.conf" % fe, "MaxDelay=8:00:00\nZoneName=GB Provider=file Path=%s/actual_national.csv "
                                    "ForecastError=%d%%\nPartitionName=compute Zone=GB Default=yes PUE=1.2 "
                                    "CoreWatts=10 DefaultTime=1:00:00\n" % (UK, fe))
        for tl, tp in uk_traces():
            for dl, dv in DELAYS[1:]:
                keys.append(("archive", fe, "GB " + tl, dl))
                jobs.append(["--config", c, "--trace", tp, "--trace-start", "2023-03-14T03:01:00Z", "--max-delay",
                             dv, "--forecast", "archive:%s/forecasts_national.csv" % UK])
    res = list(zip(keys, run_all(jobs)))
    agg = {}
    for k, j in res:
        a = agg.setdefault((k[0], k[3], k[1]), [0.0, 0.0, 0.0, 0.0, 0])
        a[0] += j["oracle_fraction"] or 0
        a[1] += j["mean_delay_s"] / 3600
        a[2] += j["peers"]["cats"]["oracle_fraction"] or 0
        a[3] += j["peers"]["cats"]["mean_delay_s"] / 3600
        a[4] += 1
    print("\n| forecast | max delay | ForecastError | slurm-carbon: share of oracle · mean delay | cats: share · delay |")
    print("|---|---|---:|---:|---:|")
    for (fc, dl, fe), a in sorted(agg.items(), key=lambda x: (x[0][0] != "error:25", x[0][1], x[0][2])):
        n = a[4]
        print("| %s | %s | %d %% | %.0f %% · %.1f h | %.0f %% · %.1f h |" % (
            fc, dl, fe, 100 * a[0] / n, a[1] / n, 100 * a[2] / n, a[3] / n))


def section_minsavings():
    keys, jobs = [], []
    for ms in ["0", "0.5", "1", "2", "10"]:
        for zone in ZONES:
            c = conf("ms-%s-%s.conf" % (zone, ms), open(zone_conf(zone)).read().replace(
                "MaxDelay=8:00:00", "MaxDelay=8:00:00\nMinSavings=%s%%" % ms))
            for tl, tn in TRACES:
                for dl, dv in DELAYS:
                    keys.append((ms, dl))
                    jobs.append(["--config", c, "--trace", os.path.join(DATA, "traces", tn), "--max-delay", dv,
                                 "--forecast", "perfect"])
    res = list(zip(keys, run_all(jobs)))
    agg = {}
    for k, j in res:
        a = agg.setdefault(k, [1.0, 0.0, 0.0, 0])
        f = j["oracle_fraction"] or 0
        a[0] = min(a[0], f)
        a[1] += f
        a[2] += j["mean_delay_s"] / 3600
        a[3] += 1
    print("\n| MinSavings | max delay | share of the oracle's saving: worst · mean | mean delay |")
    print("|---:|---|---:|---:|")
    for (ms, dl), a in sorted(agg.items(), key=lambda x: (float(x[0][0]), [d[0] for d in DELAYS].index(x[0][1]))):
        print("| %s %% | %s | %.0f %% · %.0f %% | %.1f h |" % (ms, dl, 100 * a[0], 100 * a[1] / a[3], a[2] / a[3]))


def share(o):
    return "%s · %.1f h" % (pct(o["oracle_fraction"]), o["mean_delay_s"] / 3600)


def section_replan():
    """Re-planning held jobs (--replan) against the one-shot decision, under
    error:25 on the four zones and under the UK archive; then the interval."""
    uk = conf("uk.conf", "MaxDelay=8:00:00\nZoneName=GB Provider=file Path=%s/actual_national.csv\n"
                         "PartitionName=compute Zone=GB Default=yes PUE=1.2 CoreWatts=10 DefaultTime=1:00:00\n" % UK)
    archive = "archive:%s/forecasts_national.csv" % UK
    keys, jobs = [], []
    for zone in ZONES:
        c = zone_conf(zone)
        for tl, tn in TRACES:
            for dl, dv in DELAYS:
                keys.append(("error:25", zone, tl, dl))
                jobs.append(["--config", c, "--trace", os.path.join(DATA, "traces", tn), "--max-delay", dv,
                             "--forecast", "error:25", "--replan", "1:00:00"])
    for tl, tp in uk_traces():
        for dl, dv in DELAYS:
            for ml, mv in [("archive", archive), ("error:25", "error:25")]:
                keys.append((ml, "GB (UK week)", tl, dl))
                jobs.append(["--config", uk, "--trace", tp, "--trace-start", "2023-03-14T03:01:00Z", "--max-delay", dv,
                             "--forecast", mv, "--replan", "30:00" if ml == "archive" else "1:00:00"])
    res = list(zip(keys, run_all(jobs)))
    print("\n| forecast | zone | trace | max delay | oracle saving · delay | one-shot | re-planned | jobs moved "
          "| casdk | cats |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    for k, j in res:
        print("| %s | %s | %s | %s | %.2f %% · %.1f h | %s | %s | %.0f %% | %s | %s |" % (
            k + (j["oracle_savings_pct"], j["oracle"]["mean_delay_s"] / 3600, share(j["one_shot"]), share(j),
                 j["replanned_pct"], share(j["peers"]["casdk"]), share(j["peers"]["cats"]))))
    groups = {}
    for k, j in res:
        g = groups.setdefault(("%s%s" % (k[0], " (UK week)" if k[1].startswith("GB (") else ", 4 zones"), k[3]), [])
        g.append(j)
    print("\n**Means** (share of the oracle's saving · mean delay)\n")
    print("| forecast | max delay | one-shot | re-planned | gain | jobs moved · started early | casdk | cats |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (fc, dl), js in groups.items():
        def mean(f):
            return sum(f(j) for j in js) / len(js)
        one = mean(lambda j: j["one_shot"]["oracle_fraction"] or 0)
        rep = mean(lambda j: j["oracle_fraction"] or 0)
        print("| %s | %s | %.0f %% · %.1f h | %.0f %% · %.1f h | %+.1f points | %.0f %% · %.1f %% | %.0f %% · %.1f h "
              "| %.0f %% · %.1f h |" % (
                  fc, dl, 100 * one, mean(lambda j: j["one_shot"]["mean_delay_s"]) / 3600, 100 * rep,
                  mean(lambda j: j["mean_delay_s"]) / 3600, 100 * (rep - one), mean(lambda j: j["replanned_pct"]),
                  mean(lambda j: j["replan_started_pct"]),
                  100 * mean(lambda j: j["peers"]["casdk"]["oracle_fraction"] or 0),
                  mean(lambda j: j["peers"]["casdk"]["mean_delay_s"]) / 3600,
                  100 * mean(lambda j: j["peers"]["cats"]["oracle_fraction"] or 0),
                  mean(lambda j: j["peers"]["cats"]["mean_delay_s"]) / 3600))
    # The interval: DE and GB under error:25, and the UK archive; 8 and 24 h.
    keys, jobs = [], []
    for iv, ivv in [("30 min", "30:00"), ("1 h", "1:00:00"), ("3 h", "3:00:00")]:
        for zone in ["DE", "GB"]:
            c = zone_conf(zone)
            for tl, tn in TRACES:
                for dl, dv in DELAYS[1:]:
                    keys.append(("error:25, DE and GB", dl, iv))
                    jobs.append(["--config", c, "--trace", os.path.join(DATA, "traces", tn), "--max-delay", dv,
                                 "--forecast", "error:25", "--replan", ivv])
        for tl, tp in uk_traces():
            for dl, dv in DELAYS[1:]:
                keys.append(("archive (UK week)", dl, iv))
                jobs.append(["--config", uk, "--trace", tp, "--trace-start", "2023-03-14T03:01:00Z", "--max-delay",
                             dv, "--forecast", archive, "--replan", ivv])
    res = list(zip(keys, run_all(jobs)))
    agg = {}
    for k, j in res:
        a = agg.setdefault(k, [0.0, 0.0, 0.0, 0.0, 0])
        a[0] += j["one_shot"]["oracle_fraction"] or 0
        a[1] += j["oracle_fraction"] or 0
        a[2] += j["mean_delay_s"] / 3600
        a[3] += j["replan_moves"] / max(j["jobs"], 1)
        a[4] += 1
    print("\n**Re-planning interval** (means; the one-shot figures do not depend on it)\n")
    print("| forecast | max delay | interval | one-shot | re-planned · mean delay | changes per job |")
    print("|---|---|---|---:|---:|---:|")
    for (fc, dl, iv), a in agg.items():
        n = a[4]
        print("| %s | %s | %s | %.0f %% | %.0f %% · %.1f h | %.2f |" % (fc, dl, iv, 100 * a[0] / n, 100 * a[1] / n,
                                                                   a[2] / n, a[3] / n))


SECTIONS = {"zones": section_zones, "uk": section_uk, "reroute": section_reroute, "capacity": section_capacity,
            "tuning": section_tuning, "minsavings": section_minsavings, "replan": section_replan}

def parse_swf_args(argv):
    """Splits --swf FILE --from DATE --to DATE [--zones Z,...]
    [--exact-requested] off argv. Returns (the sections, the SWF options or
    None)."""
    opts, names, i = {}, [], 0
    while i < len(argv):
        a = argv[i]
        if a == "--exact-requested":
            opts["exact"] = True
            i += 1
            continue
        if a in ("--swf", "--from", "--to", "--zones"):
            if i + 1 >= len(argv):
                sys.exit("simulate_tables.py: %s needs a value" % a)
            opts[a[2:]] = argv[i + 1]
            i += 2
            continue
        names.append(a)
        i += 1
    if not opts:
        return names, None
    if "swf" not in opts or "from" not in opts or "to" not in opts:
        sys.exit("simulate_tables.py: an SWF trace needs --swf FILE --from YYYY-MM-DD --to YYYY-MM-DD")
    if names != ["capacity"]:
        sys.exit("simulate_tables.py: --swf applies to the capacity section only: give the section 'capacity'")
    if not os.path.isfile(opts["swf"]):
        sys.exit("simulate_tables.py: --swf: no such file: %s" % opts["swf"])
    if utc(opts["to"]) <= utc(opts["from"]):
        sys.exit("simulate_tables.py: --to %s is not after --from %s" % (opts["to"], opts["from"]))
    opts["zones"] = opts.get("zones", "DE").split(",")
    opts.setdefault("exact", False)
    for z in opts["zones"]:
        if not os.path.exists(os.path.join(EM, "%s_2021_hourly.csv" % z)):
            sys.exit("simulate_tables.py: --zones: no intensity data for '%s' in %s" % (z, EM))
    return names, opts


if __name__ == "__main__":
    names, swf = parse_swf_args(sys.argv[1:])
    names = names or list(SECTIONS)
    for n in names:
        if n not in SECTIONS:
            sys.exit("simulate_tables.py: unknown section '%s' (expected %s)" % (n, ", ".join(SECTIONS)))
    if not os.path.isdir(EM):
        sys.exit("simulate_tables.py: no shared data in %s (set SC_DATA)" % DATA)
    for n in names:
        print("\n<!-- simulate_tables.py %s -->" % " ".join(sys.argv[1:] if swf else [n]))
        SECTIONS[n](swf) if swf else SECTIONS[n]()
        sys.stdout.flush()
