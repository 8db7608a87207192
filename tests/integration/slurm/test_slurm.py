#!/usr/bin/env python3
# slurm-carbon: job_submit/carbon and spank/carbon end to end on a real single-host Slurm.
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage (as root): test_slurm.py BUILD_DIR
#
# Starts a private cluster with scripts/cluster.sh (scratch directory $SC_ITEST_DIR, default a
# new /tmp/slurm-carbon-itest.XXXXXX, removed after a run without failures; four ports from
# $SC_ITEST_PORT, default the first free block from 17817 on) with the plugins of
# BUILD_DIR and a carbon.conf and forecasts written here, so that every expected decision is
# known: zone DE (partitions compute, gpu, flex) is 500 gCO2e/kWh except two greener windows
# at 100 (a short one minutes ahead, a long one hours ahead); zone FR (compute-fr, flex's
# alternative) is a constant 50; zone CAP (partitions capped, Cores=32, and synced, Cores=slurm
# GPUs=slurm, synchronised with slurmctld every 2 s) is 500 now, 420 for the
# next 8 hours but for one green hour at 100. Expected figures come from `scarbon plan --format json` of
# the same build at the same `now`. Learned estimates: `scarbon learn --input` on a crafted sacct
# dump writes StateDir/estimates.json before the cluster starts, with entries for partition
# compute only (user sctest, account carbon: run time 0.225 of the limit, the total ratio; 0.3 for
# its jobs named wrap, 0.1 for those named relax.sh), so the other
# partitions' decisions stay carbon.conf's. Prints TAP lines and "N passed, N failed"; exits non-zero
# on any failure; stops the cluster it started.

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CLUSTER_SH = os.path.join(TOP, "scripts", "cluster.sh")

if len(sys.argv) != 2:
    sys.stderr.write("usage: test_slurm.py BUILD_DIR\n")
    sys.exit(2)
BUILD = os.path.abspath(sys.argv[1])


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ports import free_ports  # noqa: E402  (the suites' shared port picker)


DIR = os.environ.get("SC_ITEST_DIR") or tempfile.mkdtemp(prefix="slurm-carbon-itest.", dir="/tmp")
PORT = os.environ.get("SC_ITEST_PORT") or str(free_ports(17817, 18800))
USER = os.environ.get("SC_ITEST_USER", "sctest")
DATA = os.path.join(DIR, "data")
CONF = os.path.join(DATA, "carbon.conf")
DE_CSV = os.path.join(DATA, "DE.csv")
SCARBON = os.path.join(BUILD, "cli", "scarbon")
FORGE = os.path.join(BUILD, "tests", "integration", "slurm", "sc_forge")
CTLD_LOG = os.path.join(DIR, "log", "slurmctld.log")
JOBS = os.path.join(DIR, "jobs")

ENV = dict(os.environ)
ENV.update({
    "SC_CLUSTER_DIR": DIR, "SC_CLUSTER_PORT": PORT, "SC_BUILD_DIR": BUILD,
    "SC_CARBON_CONF": CONF, "SC_CLUSTER_CARBON": "1", "SC_CLUSTER_USER": USER,
    "SLURM_CONF": os.path.join(DIR, "etc", "slurm.conf"), "TZ": "UTC",
})
for k in list(ENV):
    # Nothing from the caller's own Slurm session may leak into the commands.
    if k.startswith(("SLURM_SPANK", "SBATCH_", "SALLOC_", "SRUN_")) or k == "SLURM_CARBON_CONF":
        del ENV[k]

HIGH, LOW, FR = 500, 100, 50
STEP = 60

CONF_TEXT = """# Written by tests/integration/slurm/test_slurm.py.
Mode=enforce
MaxDelay=8:00:00
MinSavings=10%
ReloadInterval=0:01
SyncInterval=2
StateDir={data}/state
Estimates=learned
AllowOptOut=yes
ExemptAccounts=exempt
ZoneName=DE Provider=file Path=DE.csv MaxGap=0:10:00
ZoneName=FR Provider=static Intensity={fr}
ZoneName=CAP Provider=file Path=CAP.csv MaxGap=0:10:00
PartitionName=DEFAULT PUE=1.2 CoreWatts=10 GPUWatts=300 MemWattsPerGB=0.375 DefaultTime=1:00:00 DefMemPerCPU=256
PartitionName=compute Zone=DE Default=yes
PartitionName=gpu Zone=DE
PartitionName=flex Zone=DE Alternatives=compute-fr
PartitionName=compute-fr Zone=FR
PartitionName=capped Zone=CAP Cores=32
PartitionName=synced Zone=CAP Cores=slurm GPUs=slurm
"""


# --- TAP ------------------------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            for line in str(diag or "").splitlines():
                print(f"#   {line}", flush=True)
        return bool(cond)

    def note(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)


tap = Tap()


# --- helpers --------------------------------------------------------------------------------

def run(cmd, user=None, env=None, timeout=120, stdin=None):
    e = dict(ENV)
    if env:
        e.update(env)
    if user:
        # runuser keeps the environment it is given (no login shell).
        cmd = ["runuser", "-u", user, "--"] + cmd
    return subprocess.run(cmd, env=e, cwd=JOBS if os.path.isdir(JOBS) else "/",
                          capture_output=True, text=True, timeout=timeout, input=stdin)


def slurm_version():
    """(major, minor) of the Slurm the commands belong to (`scontrol --version`)."""
    out = run(["scontrol", "--version"]).stdout.split()
    try:
        major, minor = out[1].split(".")[:2]
        return (int(major), int(minor))
    except (IndexError, ValueError):
        return (0, 0)


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def slurm_time(t):
    """A time as scontrol and sacct print it (TZ=UTC)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


def write_forecast(t0, windows):
    """DE.csv: HIGH from an hour before t0 to a day after, but each (start, end, value)
    window; written atomically so that the plugin never reads half a file."""
    start = t0 - t0 % STEP - 3600
    rows = ["Time,Carbon Intensity"]
    for t in range(start, t0 + 24 * 3600, STEP):
        v = HIGH
        for a, b, val in windows:
            if a <= t < b:
                v = val
        rows.append(f"{iso(t)},{v}")
    tmp = DE_CSV + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(rows) + "\n")
    os.chmod(tmp, 0o644)
    os.rename(tmp, DE_CSV)


CAP_CSV = os.path.join(DATA, "CAP.csv")
CAP_CORES, CAP_MAX_DELAY, SLOT = 32, 8 * 3600, 300


def cap_green(t0):
    """The capped partition's one green hour: 2 to 3 hours after t0 (minute-aligned)."""
    a = t0 - t0 % STEP + 2 * 3600
    return a, a + 3600


def write_cap_forecast(t0):
    """CAP.csv: HIGH until t0's next hour, 420 for 8 hours but the green hour at LOW, then HIGH."""
    start, (ga, gb) = t0 - t0 % STEP - 3600, cap_green(t0)
    rows = ["Time,Carbon Intensity"]
    for t in range(start, t0 + 24 * 3600, STEP):
        v = LOW if ga <= t < gb else 420 if t0 + 3600 <= t < t0 + 9 * 3600 else HIGH
        rows.append(f"{iso(t)},{v}")
    with open(CAP_CSV, "w") as f:
        f.write("\n".join(rows) + "\n")
    os.chmod(CAP_CSV, 0o644)


def capacity_burst(t0):
    """200 flexible jobs (1 or 2 cores, 1 h) to the 32-core capped partition within a minute:
    their planned load (each delayed job's window, on the 5-minute slots it touches) never
    exceeds 32 cores, every planned start is within MaxDelay, the green hour is filled first
    and the jobs congestion moved say so."""
    lines = "\n".join(f"-p capped -t 60 -n 1 -c {1 + i % 2}" for i in range(200)) + "\n"
    began = time.time()
    p = run(["xargs", "-P", "4", "-L", "1", "sh", "-c",
             'exec sbatch --parsable -o /dev/null -e /dev/null "$@" --wrap true 2>/dev/null', "sh"],
            user=USER, stdin=lines, timeout=600)
    took = time.time() - began
    ids = [x for x in p.stdout.split() if x.strip().isdigit()]
    tap.ok(len(ids) == 200 and took < 60, "200 jobs are submitted to the capped partition within a minute",
           f"{len(ids)} accepted in {took:.1f} s")
    load, late, moved, odd, delayed = {}, [], 0, [], 0
    ga, gb = cap_green(t0)
    for jid in ids:
        j = show_job(jid)
        rec = carbon(j.get("AdminComment", {}))
        cpus = int(j.get("NumCPUs", "0") or 0)
        if rec.get("decision") not in ("delay", "run") or cpus not in (1, 2):
            odd.append(f"{jid}: {rec} NumCPUs={cpus}")
            continue
        if rec.get("congestion"):
            moved += 1
            if not ga <= rec.get("uncongested_start", 0) < gb:
                odd.append(f"{jid}: uncongested plan outside the green hour: {rec}")
        if rec["decision"] != "delay":
            continue
        delayed += 1
        start = rec["start"]
        if j.get("EligibleTime") != slurm_time(start) or start - rec["submit"] > CAP_MAX_DELAY:
            late.append(f"{jid}: start {slurm_time(start)} submitted {slurm_time(rec['submit'])} "
                        f"EligibleTime {j.get('EligibleTime')}")
        for s in range(start // SLOT, (start + rec["runtime_s"] - 1) // SLOT + 1):
            load[s] = load.get(s, 0) + cpus
    peak = max(load.values()) if load else 0
    green = [load.get(s, 0) for s in range(ga // SLOT + 1, gb // SLOT - 1)]
    tap.ok(not odd and delayed > 0 and peak <= CAP_CORES,
           "the planned load of the delayed jobs never exceeds the partition's 32 cores in a 5-minute slot",
           f"peak {peak} cores, {delayed} delayed\n" + "\n".join(odd[:10]))
    tap.ok(not late, "every planned start is the job's hold and within MaxDelay", "\n".join(late[:10]))
    tap.ok(green and min(green) >= CAP_CORES - 2 and moved > 0,
           "the green hour is filled (to within 2 cores), the jobs moved elsewhere say congestion",
           f"green-hour slots {green}; {moved} congested")
    tap.note(f"capacity: {delayed} of 200 delayed, {moved} moved by congestion, peak {peak} cores")
    # A restart keeps the plans: the reloader saved the ledger (ReloadInterval 1 s), the new
    # slurmctld restores it, and the next job still finds the green hour full.
    time.sleep(3)
    p = cluster("restart", "slurmctld")
    log = open(CTLD_LOG, errors="replace").read()
    restored = re.findall(r"planned-load ledger: (\d+) planned job\(s\) restored", log)
    jid, err = sbatch(["-p", "capped", "-t", "60", "-n", "1", "-c", "1"])
    rec = carbon(show_job(jid).get("AdminComment", {})) if jid else {}
    tap.ok(p.returncode == 0 and restored and int(restored[-1]) == delayed and rec.get("congestion")
           and not ga <= rec.get("start", 0) < gb,
           "a slurmctld restart keeps the planned load: the next job still finds the green hour full",
           f"{p.stdout + p.stderr}\nrestored {restored[-1:]} of {delayed}\n{rec}")
    run(["scancel"] + ids + ([jid] if jid else []))


LEDGER = os.path.join(DATA, "state", "planned-load")


def ledger():
    """StateDir/planned-load as {key: (partition, start, end, cores, gpus)} ({} when absent)."""
    out = {}
    try:
        with open(LEDGER) as f:
            for line in f:
                w = line.split()
                if len(w) == 6 and w[0].isdigit():
                    out[int(w[0])] = (w[1], int(w[2]), int(w[3]), int(w[4]), int(w[5]))
    except OSError:
        pass
    return out


def ledger_sync():
    """Cores=slurm/GPUs=slurm and the sync with slurmctld (SyncInterval=2): the partition's
    capacity is slurmctld's; delayed jobs there are planned, their records name their ledger
    keys; cancelling two pending ones takes their load out of StateDir/planned-load at the next
    sync and leaves the others'; with planned-load removed, a restarted slurmctld adds the
    pending jobs' load back from their records."""
    part = {}
    for k, v in re.findall(r"(\S+?)=(\S*)", run(["scontrol", "show", "partition", "synced"]).stdout):
        part.setdefault(k, v)
    m = re.search(r"gres/gpu=(\d+)", part.get("TRES", ""))
    cpus, gpus = int(part.get("TotalCPUs", "0") or 0), int(m.group(1)) if m else 0
    line = f"job_submit/carbon: partition synced: capacity {cpus} cores, {gpus} GPUs (from slurmctld)"

    def since_start():
        # The capacity is unknown until the running slurmctld's first sync: its own log lines.
        log = open(CTLD_LOG, errors="replace").read()
        return log.rsplit(f"job_submit/carbon: {CONF}: Mode=enforce", 1)[-1]
    seen = wait_for(lambda: line in since_start(), 30)
    tap.ok(seen and cpus > 0 and gpus > 0, "Cores=slurm GPUs=slurm take the partition's CPUs and GPUs from slurmctld",
           f"expected '{line}'; partition {part}")
    ids, keys = [], []
    for _ in range(4):
        jid, err = sbatch(["-p", "synced", "-t", "60", "-n", "1"])
        rec = carbon(show_job(jid).get("AdminComment", {})) if jid else {}
        ids.append(jid)
        keys.append(rec.get("ledger") if rec.get("decision") == "delay" else None)
    tap.ok(all(isinstance(k, int) and k > 0 for k in keys) and len(set(keys)) == 4,
           "delayed jobs on a Cores=slurm partition are planned, each record naming its ledger key",
           f"{ids} {keys}")
    if not all(keys):
        return
    planned = wait_for(lambda: all(ledger().get(k, ("",))[0] == "synced" for k in keys), 30)
    tap.ok(planned, "their load is in StateDir/planned-load", f"{keys}\n{ledger()}")
    run(["scancel", ids[0], ids[1]])

    def after_cancel():
        led = ledger()
        return keys[0] not in led and keys[1] not in led and keys[2] in led and keys[3] in led
    tap.ok(wait_for(after_cancel, 30), "a sync releases the cancelled pending jobs' load and keeps the others'",
           f"{keys}\n{ledger()}")
    # The ledger lost with slurmctld's restart: the sync adds the pending jobs back.
    kept = {k: ledger()[k] for k in keys[2:]}
    os.remove(LEDGER)
    size = os.path.getsize(CTLD_LOG)
    p = cluster("restart", "slurmctld")

    def back():
        led = ledger()
        return all(led.get(k) == v for k, v in kept.items()) and keys[0] not in led and keys[1] not in led
    ok = p.returncode == 0 and wait_for(back, 30)
    with open(CTLD_LOG, errors="replace") as f:
        f.seek(size)
        log = f.read()
    tap.ok(ok and re.search(r"planned-load ledger synchronised with slurmctld's \d+ jobs: \d+ released "
                            r"\(ended or gone\), 2 added back", log),
           "with planned-load removed, a restarted slurmctld's sync adds the pending jobs' load back",
           f"{p.stdout}{p.stderr}\n{kept}\n{ledger()}\n{log[-1500:]}")
    run(["scancel"] + ids[2:])


def loads_seen():
    try:
        with open(CTLD_LOG, errors="replace") as f:
            return sum(1 for line in f if "job_submit/carbon: forecasts loaded" in line)
    except OSError:
        return 0


def wait_for(pred, timeout, interval=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return pred()


def rewrite_forecast(write):
    """Rewrites DE.csv with write() and waits until slurmctld has loaded it."""
    before = loads_seen()
    write()
    return wait_for(lambda: loads_seen() > before, 30)


def sbatch(args, user=USER, script=None, env=None):
    """Returns (jobid or None, stderr)."""
    cmd = ["sbatch", "--parsable", "-o", "/dev/null", "-e", "/dev/null"] + args
    cmd += [script] if script else ["--wrap", "sleep 1"]
    p = run(cmd, user=user, env=env)
    m = re.match(r"^(\d+)", p.stdout.strip())
    return (m.group(1) if p.returncode == 0 and m else None), p.stderr


def show_job(jobid):
    """scontrol show job as a dict; AdminComment parsed as JSON when present."""
    p = run(["scontrol", "show", "job", str(jobid)])
    info = {}
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("AdminComment="):
            raw = line[len("AdminComment="):].strip()
            try:
                info["AdminComment"] = json.loads(raw)
            except ValueError:
                info["AdminComment"] = raw
            continue
        for k, v in re.findall(r"(\S+?)=(\S*)", line):
            info.setdefault(k, v)
    return info


def carbon(rec):
    return rec.get("carbon", {}) if isinstance(rec, dict) else {}


def sacct(jobid):
    p = run(["sacct", "-X", "-n", "-P", "-j", str(jobid), "-o",
             "State,Partition,Eligible,Start,AdminComment"])
    line = p.stdout.strip().splitlines()
    if not line:
        return None
    state, part, eligible, start, comment = (line[0].split("|", 4) + [""] * 5)[:5]
    try:
        comment = json.loads(comment) if comment else {}
    except ValueError:
        pass
    return {"State": state, "Partition": part, "Eligible": eligible, "Start": start,
            "AdminComment": comment}


def plan(args, now):
    p = run([SCARBON, "--config", CONF, "plan"] + args + ["--now", iso(now), "--format", "json"])
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": p.stdout + p.stderr}


def job_done(jobid):
    """The job's accounting record once it is complete: a short job's end can reach the
    database before its start, so wait for the partition and the eligible time too."""
    r = sacct(jobid)
    return r if r and r["State"].split()[0] in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT") \
        and r["AdminComment"] and r["Partition"] and r["Eligible"] not in ("", "Unknown") else None


def ctld_pid():
    with open(os.path.join(DIR, "pids", "slurmctld")) as f:
        return int(f.read().split()[0])


def cluster(*args):
    return cluster_env({}, *args)


def cluster_env(env, *args):
    e = dict(ENV)
    e.update(env)
    return subprocess.run([CLUSTER_SH] + list(args), env=e, capture_output=True, text=True,
                          timeout=600)


def write_model():
    """A crafted accounting history of USER on compute, learned into StateDir/estimates.json
    by the real scarbon learn: 5 jobs named wrap (sbatch --wrap's name) of a 1 h limit
    (median elapsed 900 s, total ratio 5400 s of 5 h = 0.3) and 3 named relax.sh of 360 s
    (0.1): USER's entry 6480 s of 8 h = 0.225, each name 0.075 or more from it, so both
    name entries are written (5 entries in all)."""
    state = os.path.join(DATA, "state")
    os.makedirs(state, exist_ok=True)
    os.chmod(state, 0o755)
    dump = os.path.join(DATA, "history.sacct")
    rows = ["JobID|User|Account|Partition|State|Start|End|ElapsedRaw|TimelimitRaw|NCPUS|JobName"]
    for i, (el, name) in enumerate(((600, "wrap"), (900, "wrap"), (900, "wrap"), (900, "wrap"),
                                    (2100, "wrap"), (360, "relax.sh"), (360, "relax.sh"),
                                    (360, "relax.sh"))):
        rows.append(f"{100 + i}|{USER}|carbon|compute|COMPLETED|2025-01-01T00:00:00|"
                    f"2025-01-01T00:{el // 60:02d}:00|{el}|60|1|{name}")
    with open(dump, "w") as f:
        f.write("\n".join(rows) + "\n")
    return run([SCARBON, "learn", "--input", dump, "--min-jobs", "3", "--output",
                os.path.join(state, "estimates.json")])


def diff(a, b):
    keys = sorted(set(carbon(a)) | set(carbon(b)))
    return "\n".join(f"{k}: plugin {carbon(a).get(k)!r} vs scarbon plan {carbon(b).get(k)!r}"
                     for k in keys if carbon(a).get(k) != carbon(b).get(k)) or f"{a!r} vs {b!r}"


# --- the suite --------------------------------------------------------------------------------

def main():
    t0 = int(time.time())
    long_window = (t0 + 3 * 3600 - t0 % STEP, t0 + 5 * 3600 - t0 % STEP, LOW)

    p = cluster("clean")
    os.makedirs(DATA, exist_ok=True)
    os.chmod(DIR, 0o755)
    os.chmod(DATA, 0o755)
    # StateDir: the plugin (as SlurmUser) saves its decision counters there.
    os.makedirs(os.path.join(DATA, "state"), exist_ok=True)
    shutil.chown(os.path.join(DATA, "state"), "slurm", "slurm")
    with open(CONF, "w") as f:
        f.write(CONF_TEXT.format(data=DATA, fr=FR))
    write_forecast(t0, [long_window])
    write_cap_forecast(t0)
    p = write_model()
    tap.ok(p.returncode == 0 and "5 entries written" in p.stdout,
           "scarbon learn writes the learned estimates into StateDir", p.stdout + p.stderr)
    p = cluster("start")
    if not tap.ok(p.returncode == 0, "the cluster starts with job_submit/carbon and spank/carbon",
                  p.stdout + p.stderr):
        return
    log = open(CTLD_LOG, errors="replace").read()
    tap.ok(f"job_submit/carbon: {CONF}: Mode=enforce, 6 managed partition(s), 3 zone(s)" in log,
           "slurmctld loaded carbon.conf at init", log[-2000:])

    # A delayed job that must then run in its window: a short greener window a few minutes
    # ahead, written now and loaded by the plugin before the job is submitted.
    now = int(time.time())
    w0 = now - now % STEP + 2 * STEP
    short_window = (w0, w0 + 6 * STEP, LOW)
    loaded = rewrite_forecast(lambda: write_forecast(t0, [short_window, long_window]))
    tap.ok(loaded, "the plugin reloads a changed forecast file within ReloadInterval")
    d_args = ["-p", "gpu", "-t", "3", "--gres=gpu:1"]
    d_id, err = sbatch(d_args)
    d = show_job(d_id) if d_id else {}
    d_rec = d.get("AdminComment", {})
    d_plan = plan(d_args, carbon(d_rec).get("submit", 0))
    tap.ok(d_id and "carbon: delayed to" in err and carbon(d_rec).get("decision") == "delay"
           and carbon(d_rec).get("start") == w0 and d.get("Reason") == "BeginTime"
           and d.get("EligibleTime") == slurm_time(w0) and d.get("StartTime") == slurm_time(w0),
           "a job is delayed to the planned window (EligibleTime = StartTime = its start)",
           f"{err}\n{d}\nwindow starts {slurm_time(w0)}")
    tap.ok(d_rec == d_plan, "the plugin's record equals `scarbon plan --format json` at the same now",
           diff(d_rec, d_plan))

    # The options: command line, #SBATCH, the SPANK environment variable, salloc.
    def budget_of(jobid):
        return carbon(show_job(jobid).get("AdminComment", {})).get("budget_gco2e")

    jid, err = sbatch(["--hold", "-p", "compute-fr", "-t", "5", "--carbon-budget=5kg"])
    tap.ok(jid and budget_of(jid) == 5000, "--carbon-budget on the command line reaches the plugin", err)
    script = os.path.join(JOBS, "budget.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n#SBATCH --carbon-budget=4kg\n#SBATCH -t 5\nsleep 1\n")
    os.chmod(script, 0o755)
    jid, err = sbatch(["--hold", "-p", "compute-fr"], script=script)
    tap.ok(jid and budget_of(jid) == 4000, "#SBATCH --carbon-budget reaches the plugin", err)
    env = {"SLURM_SPANK__SLURM_SPANK_OPTION_carbon_carbon_budget": "3kg"}
    jid, err = sbatch(["--hold", "-p", "compute-fr", "-t", "5"], env=env)
    tap.ok(jid and budget_of(jid) == 3000,
           "SLURM_SPANK__SLURM_SPANK_OPTION_carbon_carbon_budget reaches the plugin", err)
    jid, err = sbatch(["--hold", "-p", "compute-fr", "--carbon-budget=5kg"], script=script, env=env)
    tap.ok(jid and budget_of(jid) == 5000, "the command line wins over #SBATCH and the environment", err)
    p = run(["salloc", "--no-shell", "-p", "compute-fr", "-t", "1", "--carbon-budget=2kg"], user=USER)
    m = re.search(r"Granted job allocation (\d+)", p.stderr)
    tap.ok(m and budget_of(m.group(1)) == 2000 and
           "carbon: not planned (interactive job, PlanInteractive=no)" in p.stderr,
           "salloc --carbon-budget reaches the plugin; interactive jobs are left alone by default",
           p.stderr)
    if m:
        run(["scancel", m.group(1)])
    # ... but a budget still caps them: over it even running now, it is rejected, not delayed.
    p = run(["salloc", "--no-shell", "-p", "gpu", "-t", "600", "--carbon-budget=1g"], user=USER)
    tap.ok(p.returncode != 0 and "carbon: rejected: over the budget of 1 gCO2e" in p.stderr
           and "Granted job allocation" not in p.stderr,
           "salloc over its --carbon-budget is rejected (interactive jobs are never delayed)", p.stderr)
    jid, err = sbatch(["--hold", "-p", "gpu", "-t", "60", "--carbon-max-delay=0"])
    rec = carbon(show_job(jid).get("AdminComment", {})) if jid else {}
    jid2, err2 = sbatch(["--hold", "-p", "gpu", "-t", "60", "--carbon-max-delay=30"])
    rec2 = carbon(show_job(jid2).get("AdminComment", {})) if jid2 else {}
    tap.ok(rec.get("decision") == "run" and rec2.get("decision") == "run" and
           "runs as requested" in err and rec.get("start") == rec.get("submit"),
           "--carbon-max-delay shortens the site's MaxDelay (no delay for a job that needs hours)",
           f"{err}{rec}\n{err2}{rec2}")
    jid, err = sbatch(["--hold", "-p", "gpu", "-t", "60", "--carbon-policy=none"])
    rec = carbon(show_job(jid).get("AdminComment", {})) if jid else {}
    tap.ok(rec.get("decision") == "none" and "opted out" in rec.get("reason", "")
           and show_job(jid).get("Reason") != "BeginTime",
           "--carbon-policy=none opts out where carbon.conf allows it", f"{err}{rec}")

    # Bad values fail at submission, in sbatch, with what is accepted.
    for args, what, scr in (
            (["--carbon-budget=lots"], "--carbon-budget", None),
            (["--carbon-budget=-1kg"], "--carbon-budget", None),
            (["--carbon-max-delay=forever"], "--carbon-max-delay", None),
            (["--carbon-policy=maybe"], "--carbon-policy", None),
            ([], "--carbon-budget", "#SBATCH --carbon-budget=2kilos\n")):
        path = None
        if scr:
            path = os.path.join(JOBS, "bad.sh")
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + scr + "sleep 1\n")
        jid, err = sbatch(["-p", "gpu", "-t", "5"] + args, script=path)
        tap.ok(jid is None and f"sbatch: error: {what}:" in err and "expected" in err,
               f"sbatch refuses {' '.join(args) or scr.strip()} with a message saying what is accepted",
               err)
    # Forged through Slurm's C API: the plugin validates every CARBON_* entry again and owns
    # CARBON_NOT_BEFORE.
    p = run([FORGE, "compute-fr", "5", "0", "CARBON_BUDGET=plenty"], user=USER)
    tap.ok(p.returncode != 0 and "carbon: --carbon-budget: invalid carbon amount 'plenty'" in p.stderr,
           "a forged, invalid CARBON_BUDGET is refused by job_submit/carbon", p.stdout + p.stderr)
    p = run([FORGE, "compute-fr", "5", "3600", "CARBON_NOT_BEFORE=9999999999"], user=USER)
    f_id = p.stdout.strip()
    f = show_job(f_id) if p.returncode == 0 else {}
    q = run(["scontrol", "update", f"jobid={f_id}", "StartTime=now"], user=USER) if f_id else p
    tap.ok(p.returncode == 0 and f.get("Reason") == "BeginTime" and q.returncode == 0,
           "a forged CARBON_NOT_BEFORE is dropped: it holds no job back",
           f"{p.stdout}{p.stderr}\n{f}\n{q.stderr}")

    # Reroute.
    r_args = ["-p", "flex", "-t", "5"]
    r_id, err = sbatch(r_args)
    r = show_job(r_id) if r_id else {}
    tap.ok(r_id and "carbon: rerouted to partition compute-fr" in err and
           r.get("Partition") == "compute-fr" and carbon(r.get("AdminComment")).get("decision") == "reroute",
           "a job is rerouted to a greener partition", f"{err}\n{r}")

    # Over budget.
    jid, err = sbatch(["-p", "gpu", "-t", "60", "--carbon-budget=1g"])
    tap.ok(jid is None and "carbon: rejected: over the budget of 1 gCO2e" in err and
           "the best achievable is est." in err and "would fit" in err,
           "a job over its budget is rejected with the best achievable figure", err)

    # A learned estimate: USER's jobs named wrap (sbatch --wrap) on compute run 0.3 of their
    # limit in total, by the model the reloader loaded; the record says so, and scarbon plan
    # agrees.
    log = open(CTLD_LOG, errors="replace").read()
    tap.ok("job_submit/carbon: learned estimates loaded from " in log and ": 5 entries" in log,
           "the plugin's reloader loads the learned estimates", log[-2000:])
    l_id, err = sbatch(["--hold", "-p", "compute", "-t", "60"])
    l_rec = carbon(show_job(l_id).get("AdminComment")) if l_id else {}
    l_plan = plan(["-p", "compute", "-t", "60", "-u", USER, "-A", "carbon", "-J", "wrap"],
                  l_rec.get("submit", 0))
    tap.ok(l_id and l_rec.get("estimate") == "learned" and
           l_rec.get("estimate_key") == f"{USER}/carbon/compute/wrap" and
           l_rec.get("estimate_jobs") == 5 and l_rec.get("runtime_s") == 1080 and
           l_rec.get("estimate_ratio") == 0.3,
           "a job's plan and AdminComment use the learned estimate of its name (run time = limit x "
           "learned ratio)", f"{err}\n{l_rec}")
    tap.ok(l_id and {"carbon": l_rec} == l_plan,
           "... and scarbon plan gives the same record", diff({"carbon": l_rec}, l_plan))
    # The name sbatch gives a batch script (its file name), and one the model has no entry for.
    script = os.path.join(JOBS, "relax.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n#SBATCH -t 60\nsleep 1\n")
    os.chmod(script, 0o755)
    for args, scr, key, jobs, runtime in (([], script, "/relax.sh", 3, 360),
                                          (["-J", "other"], None, "", 8, 810)):
        n_id, err = sbatch(["--hold", "-p", "compute", "-t", "60"] + args, script=scr)
        n_rec = carbon(show_job(n_id).get("AdminComment")) if n_id else {}
        n_plan = plan(["-p", "compute", "-t", "60", "-u", USER, "-A", "carbon"] + args +
                      ([scr] if scr else []),
                      n_rec.get("submit", 0))
        tap.ok(n_id and n_rec.get("estimate_key") == f"{USER}/carbon/compute{key}" and
               n_rec.get("estimate_jobs") == jobs and n_rec.get("runtime_s") == runtime,
               f"a job named {'by its script' if scr else ' '.join(args)} is priced on "
               f"{'its name' if key else 'its user'}'s entry", f"{err}\n{n_rec}")
        tap.ok(n_id and {"carbon": n_rec} == n_plan,
               "... and scarbon plan gives the same record", diff({"carbon": n_rec}, n_plan))
    o_id, err = sbatch(["--hold", "-p", "gpu", "-t", "60"])
    o_rec = carbon(show_job(o_id).get("AdminComment")) if o_id else {}
    tap.ok(o_id and o_rec.get("estimate") == "configured" and o_rec.get("runtime_s") == 3600,
           "a partition the model has no entry for is priced on carbon.conf, and says so",
           f"{err}\n{o_rec}")

    # Exempt account.
    e_id, err = sbatch(["-A", "exempt", "-p", "gpu", "-t", "60"])
    e = show_job(e_id) if e_id else {}
    rec = carbon(e.get("AdminComment"))
    tap.ok(e_id and "exempt account" in err and rec.get("decision") == "none" and
           rec.get("reason") == "exempt account" and e.get("Reason") != "BeginTime" and
           e.get("Partition") == "gpu",
           "a job of an exempt account is left alone and recorded as such", f"{err}\n{e}")

    # A user cannot undo a delay; root can.
    u_id, err = sbatch(["-p", "gpu", "-t", "60"])
    u = show_job(u_id) if u_id else {}
    hold = carbon(u.get("AdminComment")).get("start", 0)
    p = run(["scontrol", "update", f"jobid={u_id}", "StartTime=now"], user=USER)
    u2 = show_job(u_id)
    tap.ok(u.get("Reason") == "BeginTime" and hold >= long_window[0] and p.returncode != 0
           and "Access/permission denied" in p.stderr and u2.get("EligibleTime") == slurm_time(hold),
           "a user cannot move a delayed job's start before its carbon hold",
           f"{u}\n{p.stderr}\n{u2}")
    tap.note(f"scontrol update StartTime=now as {USER}:\n{p.stderr.strip()}")
    if slurm_version() >= (23, 2):
        # From 23.02 job_modify can tell the user why, at the terminal.
        tap.ok(f"carbon: job {u_id} keeps its carbon hold" in p.stderr
               and f"may not start before {iso(hold)}" in p.stderr and "only by an operator" in p.stderr,
               "... and scontrol prints why: the hold, when it ends, who may override", p.stderr)
    later = hold + 600
    p = run(["scontrol", "update", f"jobid={u_id}", f"StartTime={slurm_time(later)}"], user=USER)
    tap.ok(p.returncode == 0 and show_job(u_id).get("EligibleTime") == slurm_time(later),
           "a user may move it later", p.stderr)
    p = run(["scontrol", "update", f"jobid={u_id}", "StartTime=now"])
    started = wait_for(lambda: show_job(u_id).get("JobState") in ("RUNNING", "COMPLETED", "COMPLETING"), 60)
    tap.ok(p.returncode == 0 and started, "root (an operator) can", f"{p.stderr}\n{show_job(u_id)}")

    # A slurmctld restart keeps delayed jobs delayed, and their holds.
    k_id, err = sbatch(["-p", "gpu", "-t", "60"])
    k = show_job(k_id) if k_id else {}
    pid = ctld_pid()
    p = cluster("restart", "slurmctld")
    k2 = show_job(k_id) if k_id else {}
    tap.ok(p.returncode == 0 and ctld_pid() != pid and k.get("Reason") == "BeginTime" and
           k2.get("JobState") == "PENDING" and k2.get("Reason") == "BeginTime" and
           k2.get("EligibleTime") == k.get("EligibleTime") and k2.get("AdminComment") == k.get("AdminComment"),
           "a slurmctld restart keeps a delayed job delayed", f"{p.stdout}{p.stderr}\n{k}\n{k2}")
    p = run(["scontrol", "update", f"jobid={k_id}", "StartTime=now"], user=USER)
    tap.ok(p.returncode != 0 and show_job(k_id).get("EligibleTime") == k.get("EligibleTime"),
           "... and its carbon hold", p.stderr)

    # A corrupt forecast lets jobs through, and says why; a good one is used again.
    loaded = rewrite_forecast(lambda: open(DE_CSV, "w").write("Time,Carbon Intensity\nyesterday,lots\n"))
    c_id, err = sbatch(["-p", "gpu", "-t", "60"])
    c = show_job(c_id) if c_id else {}
    rec = carbon(c.get("AdminComment"))
    tap.ok(loaded and c_id and "carbon: not planned" in err and rec.get("decision") == "none" and
           "no usable forecast for zone DE" in rec.get("reason", "") and c.get("Reason") != "BeginTime",
           "a corrupt forecast lets jobs through unchanged, with the reason recorded", f"{err}\n{c}")
    loaded = rewrite_forecast(lambda: write_forecast(t0, [short_window, long_window]))
    jid, err = sbatch(["--hold", "-p", "gpu", "-t", "60"])
    tap.ok(loaded and jid and carbon(show_job(jid).get("AdminComment")).get("decision") == "delay",
           "a repaired forecast is used again", err)

    # After completion, sacct holds the record with the numbers scarbon plan gives.
    r_done = wait_for(lambda: job_done(r_id), 120, 2)
    r_plan = plan(r_args, carbon(r_done["AdminComment"] if r_done else {}).get("submit", 0))
    tap.ok(r_done and r_done["AdminComment"] == r_plan and r_done["Partition"] == "compute-fr",
           "after completion, sacct AdminComment of the rerouted job equals scarbon plan",
           f"{r_done}\n" + diff(r_done["AdminComment"] if r_done else {}, r_plan))
    tap.note(f"waiting for the delayed job {d_id} (window at {slurm_time(w0)})")
    d_done = wait_for(lambda: job_done(d_id), max(60, w0 - time.time() + 180), 2)
    start = d_done["Start"] if d_done else ""
    ok_start = False
    if start and start != "Unknown":
        st = int(time.mktime(time.strptime(start, "%Y-%m-%dT%H:%M:%S")) - time.timezone)
        ok_start = w0 <= st <= w0 + 120
    tap.ok(d_done and d_done["State"] == "COMPLETED" and ok_start and d_done["Eligible"] == slurm_time(w0),
           "the delayed job ran in its window", f"{d_done}\nwindow starts {slurm_time(w0)}")
    tap.ok(d_done and d_done["AdminComment"] == d_plan,
           "after completion, sacct AdminComment of the delayed job equals scarbon plan",
           f"{d_done}\n" + diff(d_done["AdminComment"] if d_done else {}, d_plan))

    # A burst of 1,000 submissions, all accepted, slurmctld alive.
    pid = ctld_pid()
    parts = ["compute", "gpu", "flex", "compute-fr", "debug"]
    lines = "\n".join(f"-p {parts[i % len(parts)]} -t {5 + i % 120}" for i in range(1000)) + "\n"
    began = time.time()
    p = run(["xargs", "-P", "8", "-L", "1", "sh", "-c",
             'exec sbatch --parsable --hold -o /dev/null -e /dev/null "$@" --wrap true 2>/dev/null', "sh"],
            user=USER, stdin=lines, timeout=900)
    took = time.time() - began
    ids = [x for x in p.stdout.split() if x.strip().isdigit()]
    alive = run(["scontrol", "ping"]).stdout
    tap.ok(len(ids) == 1000 and "is UP" in alive and ctld_pid() == pid,
           "a burst of 1,000 submissions is accepted in full, slurmctld alive",
           f"{len(ids)} accepted; {alive}")
    tap.note(f"1,000 submissions in {took:.1f} s (8 parallel sbatch)")
    capacity_burst(t0)
    run(["scancel", "-u", USER])
    run(["scancel", "-u", "root"])
    ledger_sync()

    # The plugin counted them (800 in managed partitions), saved the counts in StateDir within
    # its ReloadInterval, and scarbon metrics shows them in Prometheus' format.
    def decided():
        m = run([SCARBON, "--config", CONF, "metrics"])
        total = sum(float(line.rsplit(" ", 1)[1]) for line in m.stdout.splitlines()
                    if line.startswith("slurm_carbon_decisions_total{"))
        return total, m
    total, m = 0, None
    for _ in range(30):
        total, m = decided()
        if total >= 800:
            break
        time.sleep(1)
    promtool = shutil.which("promtool")
    checked = run([promtool, "check", "metrics"], stdin=m.stdout) if promtool else None
    tap.ok(total >= 800 and 'partition="debug"' not in m.stdout and
           (checked is None or checked.returncode == 0),
           "scarbon metrics counts the plugin's decisions (promtool check metrics passes)",
           f"{total} decisions\n{m.stderr}\n{checked.stdout + checked.stderr if checked else 'no promtool'}")

    # A broken carbon.conf stops slurmctld at start, with file, line and reason in its log;
    # the good one starts it again.
    bad = os.path.join(DATA, "broken.conf")
    with open(bad, "w") as f:
        f.write(CONF_TEXT.format(data=DATA, fr=FR).replace("MinSavings=10%", "MinSavings=10%\nMaxDelai=3"))
    os.chmod(bad, 0o644)
    p = cluster_env({"SC_CARBON_CONF": bad}, "restart", "slurmctld")
    log = open(CTLD_LOG, errors="replace").read()
    tap.ok(p.returncode != 0 and f"job_submit/carbon: {bad}:5: unknown key 'MaxDelai'" in log and
           "fatal: failed to initialize job_submit plugin" in log.split(f"{bad}:5:")[-1],
           "a broken carbon.conf stops slurmctld at start with file, line and reason",
           p.stdout + p.stderr + log[-1500:])
    p = cluster_env({"SC_CARBON_CONF": CONF}, "restart", "slurmctld")
    tap.ok(p.returncode == 0 and "is UP" in run(["scontrol", "ping"]).stdout,
           "... and starts again with a good one", p.stdout + p.stderr)


if __name__ == "__main__":
    try:
        main()
    except Exception as ex:  # a crash of the suite is a failure, with its trace
        import traceback
        tap.ok(False, "the suite ran to the end", traceback.format_exc())
    finally:
        p = cluster("stop")
        if tap.failed:
            tap.note(f"logs: {DIR}/log (slurmctld.log, slurmd-localhost.log, slurmdbd.log)")
        elif not os.environ.get("SC_ITEST_DIR"):
            shutil.rmtree(DIR, ignore_errors=True)
        print(f"{tap.n - tap.failed} passed, {tap.failed} failed", flush=True)
    sys.exit(1 if tap.failed or tap.n == 0 else 0)
