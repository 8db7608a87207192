#!/usr/bin/env python3
# slurm-carbon: the soak test. Thousands of submissions from concurrent clients into a private
# single-host Slurm with job_submit/carbon and spank/carbon, while forecasts, the learned model
# and the budget ledger are rewritten (also truncated, corrupt, non-atomically), `scarbon
# refresh` meets a misbehaving provider, `scontrol reconfigure` runs and slurmctld is restarted;
# then every accepted job is checked against accounting. Not part of scripts/test.sh (minutes).
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage (as root): tests/soak/soak.py BUILD_DIR [--jobs N] [--clients N] [--rate N]
#                  [--restarts N] [--reconfigures N] [--all-held] [--no-plugin]
#                  [--asan-preload LIB] [--spank-build DIR] [--dir DIR] [--port PORT] [--keep]
# See --help, tests/integration/README.md and RELIABILITY.md ("Soak") for what it reports.

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
CLUSTER_SH = os.path.join(TOP, "scripts", "cluster.sh")
MOCK = os.path.join(TOP, "tests", "providers", "mockprovider.py")
sys.path.insert(0, os.path.join(TOP, "tests", "integration", "lib"))
from ports import free_ports  # noqa: E402  (the suites' shared port picker)

USER, USER2 = "sctest", "scsoak2"
STEP = 60
HIGH, LOW, FR = 500, 100, 50
# Transient answers of a slurmctld that is restarting: the client submits again.
TRANSIENT = ("Unable to contact slurm controller", "Socket timed out", "temporarily unable",
             "Connection refused", "Connection reset by peer", "Zero Bytes were transmitted", "Slurm backup controller in standby")

CONF_TEXT = """# Written by tests/soak/soak.py.
Mode=enforce
MaxDelay=8:00:00
MinSavings=10%
ReloadInterval=0:01
StateDir={state}
Estimates=learned
AllowOptOut=yes
ExemptAccounts=exempt
ExemptUsers={user2}
ZoneName=DE Provider=file Path=DE.csv MaxGap=0:10:00
ZoneName=FR Provider=static Intensity={fr}
ZoneName=EM Provider=electricitymaps Region=DE URL={mock}/{scenario}/em TokenFile={data}/em.tok MaxAge=6:00:00
PartitionName=DEFAULT PUE=1.2 CoreWatts=10 GPUWatts=300 MemWattsPerGB=0.375 DefaultTime=1:00:00 DefMemPerCPU=256
PartitionName=compute Zone=DE Default=yes
PartitionName=gpu Zone=DE
PartitionName=flex Zone=DE Alternatives=compute-fr
PartitionName=compute-fr Zone=FR
PartitionName=live Zone=EM
BudgetName=carbon Account=carbon Limit=50t Period=month Action=warn Warn=80%
"""


def parse_args():
    p = argparse.ArgumentParser(description="slurm-carbon soak test on a private Slurm")
    p.add_argument("build", help="a configured and built tree")
    p.add_argument("--jobs", type=int, default=10000, help="submissions in all (default 10000)")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--rate", type=float, default=50.0,
                   help="submissions per second at most, all clients together (default 50)")
    p.add_argument("--restarts", type=int, default=2, help="slurmctld restarts in the middle (default 2)")
    p.add_argument("--reconfigures", type=int, default=3, help="scontrol reconfigure runs (default 3)")
    p.add_argument("--all-held", action="store_true",
                   help="every batch job is submitted held (--hold), as in --no-plugin: the same "
                        "scheduler load for comparing slurmctld's RSS and latencies")
    p.add_argument("--no-plugin", action="store_true",
                   help="plain Slurm (no plugins, no carbon options, no faults): Slurm's own growth")
    p.add_argument("--asan-preload", metavar="LIB",
                   help="slurmctld runs with LD_PRELOAD=LIB (e.g. libasan.so.8 for a build "
                        "configured with --enable-sanitizers); reports land in DIR/asan.*")
    p.add_argument("--spank-build", metavar="DIR",
                   help="take spank_carbon.so and the sc_forge client from this build (e.g. an "
                        "unsanitized one beside a sanitized BUILD; default BUILD)")
    p.add_argument("--dir", help="scratch directory (default a new /tmp/slurm-carbon-soak.XXXXXX)")
    p.add_argument("--port", help="first of four ports (default the first free block from 18817)")
    p.add_argument("--keep", action="store_true", help="leave the cluster running at the end")
    a = p.parse_args()
    if a.jobs < 100 or a.clients < 1 or a.rate <= 0 or a.restarts < 0 or a.reconfigures < 0:
        p.error("expected --jobs >= 100, --clients >= 1, --rate > 0, --restarts and --reconfigures >= 0")
    return a


A = parse_args()
BUILD = os.path.abspath(A.build)
SPANK_BUILD = os.path.abspath(A.spank_build or A.build)
DIR = A.dir or tempfile.mkdtemp(prefix="slurm-carbon-soak.", dir="/tmp")
PORT = A.port or str(free_ports(18817, 19800))
DATA = os.path.join(DIR, "data")
STATE = os.path.join(DATA, "state")
CONF = os.path.join(DATA, "carbon.conf")
DE_CSV = os.path.join(DATA, "DE.csv")
SCARBON = os.path.join(BUILD, "cli", "scarbon")
FORGE = os.path.join(SPANK_BUILD, "tests", "integration", "slurm", "sc_forge")
CTLD_LOG = os.path.join(DIR, "log", "slurmctld.log")
PLUGINS = os.path.join(DIR, "plugin-src")
MOCK_PROC = None

ENV = {k: v for k, v in os.environ.items()
       if not k.startswith(("SLURM_SPANK", "SBATCH_", "SALLOC_", "SRUN_", "SLURM_CARBON"))}
ENV.update({"SC_CLUSTER_DIR": DIR, "SC_CLUSTER_PORT": PORT, "SC_BUILD_DIR": BUILD,
            "SC_CARBON_CONF": CONF, "SC_CLUSTER_CARBON": "0" if A.no_plugin else "1",
            "SC_CLUSTER_USER": USER, "SLURM_CONF": os.path.join(DIR, "etc", "slurm.conf"), "TZ": "UTC"})


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, flush=True)


def run(cmd, user=None, env=None, timeout=120, stdin=None):
    e = dict(ENV)
    e.update(env or {})
    kw = {}
    if user:
        # setuid in the child, not runuser: the measured latency is sbatch's own.
        kw = {"user": user, "group": user, "extra_groups": []}
        e.update({"HOME": "/tmp", "USER": user, "LOGNAME": user})
    try:
        return subprocess.run(cmd, env=e, cwd="/tmp", capture_output=True, text=True,
                              timeout=timeout, input=stdin, **kw)
    except subprocess.TimeoutExpired as ex:
        return subprocess.CompletedProcess(cmd, 124, ex.stdout or "", f"timed out after {timeout}s")


def cluster(*args, env=None):
    e = dict(ENV)
    e.update(env or {})
    return subprocess.run([CLUSTER_SH] + list(args), env=e, capture_output=True, text=True, timeout=900)


def ctld_pid():
    try:
        with open(os.path.join(DIR, "pids", "slurmctld")) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, TypeError):
        pass
    return None


def preloaded(pid):
    """With --asan-preload: whether slurmctld has the runtime mapped (None otherwise)."""
    if not A.asan_preload or not pid:
        return None
    try:
        with open(f"/proc/{pid}/maps") as f:
            return os.path.basename(A.asan_preload) in f.read()
    except OSError:
        return False


def sdiag_submit():
    """sdiag's REQUEST_SUBMIT_BATCH_JOB line: (count, ave_time us, total_time us), or None."""
    out = run(["sdiag"], timeout=30).stdout
    m = re.search(r"REQUEST_SUBMIT_BATCH_JOB\s*\(\s*\d+\)\s*count:(\d+)\s+ave_time:(\d+)\s+total_time:(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else None


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def pct(values, q):
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


# --- setup -----------------------------------------------------------------------------------

def forecast_text(now):
    """DE.csv: HIGH, but a short greener window a couple of minutes ahead (delayed jobs run
    in it during the soak) and a long one hours ahead (their holds outlast the soak)."""
    base = now - now % STEP
    windows = ((base + 2 * STEP, base + 5 * STEP), (base + 3 * 3600, base + 5 * 3600))
    rows = ["Time,Carbon Intensity"]
    for t in range(base - 3600, base + 24 * 3600, STEP):
        rows.append(f"{iso(t)},{LOW if any(a <= t < b for a, b in windows) else HIGH}")
    return "\n".join(rows) + "\n"


def write_atomic(path, text):
    tmp = path + ".soak-tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def write_slowly(path, text, pieces=4):
    """A non-atomic rewrite in place, in pieces, as a careless cron job would."""
    with open(path, "w") as f:
        step = max(1, len(text) // pieces)
        for i in range(0, len(text), step):
            f.write(text[i:i + step])
            f.flush()
            time.sleep(0.02)


def write_conf(mock_url, scenario="ok", path=CONF):
    with open(path, "w") as f:
        f.write(CONF_TEXT.format(state=STATE, data=DATA, fr=FR, user2=USER2, mock=mock_url,
                                 scenario=scenario))
    os.chmod(path, 0o644)


def learn_dump():
    dump = os.path.join(DATA, "history.sacct")
    rows = ["JobID|User|Account|Partition|State|Start|End|ElapsedRaw|TimelimitRaw|NCPUS"]
    for i, el in enumerate((600, 900, 900, 900, 1200)):
        rows.append(f"{100 + i}|{USER}|carbon|compute|COMPLETED|2025-01-01T00:00:00|"
                    f"2025-01-01T00:{el // 60:02d}:00|{el}|60|1")
    with open(dump, "w") as f:
        f.write("\n".join(rows) + "\n")
    return dump


def ensure_user2():
    if subprocess.run(["id", "-u", USER2], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/bin/bash", USER2], check=True)
    run(["sacctmgr", "-i", "add", "user", USER2, "account=carbon", "cluster=carbontest"])


def plugin_dir():
    """The plugins cluster.sh installs: BUILD's job_submit_carbon.so, and the spank_carbon.so of
    --spank-build (default BUILD): sbatch, slurmd and slurmstepd load it, and a sanitized one
    would need the sanitizer's runtime preloaded into each of them."""
    os.makedirs(PLUGINS, exist_ok=True)
    for so, build in (("job_submit_carbon.so", BUILD), ("spank_carbon.so", SPANK_BUILD)):
        shutil.copy(os.path.join(build, "plugin", ".libs", so), os.path.join(PLUGINS, so))
    return PLUGINS


# --- the submissions -------------------------------------------------------------------------

BAD_OPTS = (["--carbon-budget=lots"], ["--carbon-budget=-1kg"], ["--carbon-max-delay=forever"],
            ["--carbon-policy=maybe"], ["--carbon-max-delay=-5"], ["--deadline=someday"],
            ["--carbon-budget=1e999kg"])
FORGED_BAD = ("CARBON_BUDGET=plenty", "CARBON_MAX_DELAY=soon", "CARBON_POLICY=maybe",
              "CARBON_BUDGET=-3g")


def submission(i, tag):
    """What submission i is: (kind, argv, user, expect) with expect one of 'accept' (must be
    accepted), 'refuse' (must be refused) or 'either' (the plugin decides, e.g. a budget that
    the forecast of the moment may or may not meet)."""
    k = i % 20
    com = [f"--comment=soak:{tag}:{i}"]
    sb = ["sbatch", "--parsable", "-o", "/dev/null", "-e", "/dev/null"] + com
    parts = ("compute", "gpu", "flex", "compute-fr", "live", "debug")
    if A.no_plugin:
        if k == 15:
            return "bad", sb + ["--deadline=someday", "--wrap", "true"], USER, "refuse"
        return "batch", sb + ["--hold", "-p", parts[i % 6], "-t", str(5 + i % 120), "--wrap", "true"], USER, "accept"
    if k <= 5:
        return "held", sb + ["--hold", "-p", parts[k], "-t", str(5 + i % 120), "--wrap", "true"], USER, "accept"
    if k == 6:
        return "run", sb + ["-p", "compute-fr", "-t", "1", "--wrap", "true"], USER, "accept"
    if k == 7:
        return "array", sb + ["--hold", "-p", "compute", "-t", "30", "--array=0-3", "--wrap", "true"], USER, "accept"
    if k == 8:
        return "hetjob", sb + ["--hold", "-p", "compute", "-t", "10", ":", "-p", "gpu", "-t", "10",
                               "--wrap", "true"], USER, "accept"
    if k == 9:
        return "gpu", sb + ["-p", "gpu", "--gres=gpu:1", "-t", "3", "--wrap", "true"], USER, "accept"
    if k == 10:
        return "budget", sb + ["--hold", "-p", "compute", "-t", "30", "--carbon-budget=5kg", "--wrap", "true"], USER, "accept"
    if k == 11:
        return "budget-tight", sb + ["-p", "gpu", "-t", "600", "--gres=gpu:2", "--carbon-budget=20g",
                                     "--wrap", "true"], USER, "either"
    if k == 12:
        return "opt-out", sb + ["-p", "gpu", "-t", "2", "--carbon-policy=none", "--wrap", "true"], USER, "accept"
    if k == 13:
        return "exempt-account", sb + ["--hold", "-A", "exempt", "-p", "gpu", "-t", "60", "--wrap", "true"], USER, "accept"
    if k == 14:
        return "exempt-user", sb + ["--hold", "-p", "gpu", "-t", "60", "--wrap", "true"], USER2, "accept"
    if k == 15:
        return "bad", sb + ["-p", "gpu", "-t", "5"] + BAD_OPTS[(i // 20) % len(BAD_OPTS)] + ["--wrap", "true"], USER, "refuse"
    if k == 16:
        if (i // 20) % 2:
            return "forged-bad", [FORGE, "compute-fr", "1", "0", FORGED_BAD[(i // 40) % len(FORGED_BAD)]], USER, "refuse"
        return "forged-hold", [FORGE, "compute-fr", "1", "0", "CARBON_NOT_BEFORE=9999999999"], USER, "accept"
    if k == 17:
        return "deadline", sb + ["--hold", "-p", "gpu", "-t", "60", "--carbon-max-delay=2:00:00",
                                 "--deadline=now+6hours", "--wrap", "true"], USER, "accept"
    if k == 18:
        return "root", sb + ["-p", "compute", "-t", "2", "--wrap", "true"], None, "accept"
    return "short", sb + ["-p", "compute", "-t", "1", "--wrap", "true"], USER, "accept"


def submission_held(i, tag):
    """submission(i), held (--all-held): batch jobs wait unscheduled, as in --no-plugin."""
    kind, argv, user, expect = submission(i, tag)
    if A.all_held and argv[0] == "sbatch" and "--hold" not in argv:
        argv = argv[:1] + ["--hold"] + argv[1:]
    return kind, argv, user, expect


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.next = 0
        self.done = 0
        self.results = []  # dicts
        self.t_start = time.time()
        self.stop = threading.Event()


def client(sh, tag):
    while True:
        with sh.lock:
            i = sh.next
            if i >= A.jobs:
                return
            sh.next += 1
        due = sh.t_start + i / A.rate
        if due > time.time():
            time.sleep(due - time.time())
        kind, argv, user, expect = submission_held(i, tag)
        tries, lat, retry_why = 0, [], []
        while True:
            tries += 1
            t = time.time()
            p = run(argv, user=user, timeout=120)
            lat.append(time.time() - t)
            transient = p.returncode != 0 and any(s in p.stderr for s in TRANSIENT)
            if not transient or tries >= 60:
                break
            retry_why.append(p.stderr.strip()[-200:])
            time.sleep(1)
        m = re.match(r"^(\d+)", p.stdout.strip())
        jid = m.group(1) if p.returncode == 0 and m else None
        with sh.lock:
            sh.results.append({"i": i, "kind": kind, "expect": expect, "user": user or "root",
                               "id": jid, "rc": p.returncode, "err": p.stderr.strip()[:1000],
                               "tries": tries, "lat": lat, "t": t, "retry_why": retry_why})
            sh.done += 1


# --- the faults ------------------------------------------------------------------------------

REFRESH_SCENARIOS = ("ok", "e500", "e429", "slow", "cutjson", "hugestream", "range", "ok",
                     "e429long", "stale", "nulls", "truncated", "e500once")


class Faults:
    def __init__(self, mock_url):
        self.mock = mock_url
        self.counts = collections.Counter()
        self.refresh_rc = collections.Counter()
        self.errors = []

    def forecast(self, n):
        text = forecast_text(int(time.time()))
        kind = ("atomic", "slow", "atomic", "truncated", "corrupt", "empty", "atomic", "slow-truncated")[n % 8]
        if kind == "atomic":
            write_atomic(DE_CSV, text)
        elif kind == "slow":
            write_slowly(DE_CSV, text)
        elif kind == "truncated":
            write_atomic(DE_CSV, text[:len(text) * 2 // 5])
        elif kind == "slow-truncated":
            write_slowly(DE_CSV, text[:len(text) // 3] + "2026-13-45T99:00:00Z,1")
        elif kind == "corrupt":
            write_slowly(DE_CSV, "Time,Carbon Intensity\n" + "".join(chr(random.randrange(1, 256)) for _ in range(300)))
        else:
            open(DE_CSV, "w").close()
        self.counts["forecast file DE.csv: " + kind] += 1

    def cache(self, n):
        """The live zone's cache, which `scarbon refresh` writes: now and then damaged by hand."""
        path = os.path.join(STATE, "forecast-EM.json")
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            return
        if n % 2:
            write_slowly(path, text[:len(text) // 2])
            self.counts["forecast cache forecast-EM.json: truncated in place"] += 1
        else:
            write_slowly(path, text.replace('"points"', '"pointz"', 1))
            self.counts["forecast cache forecast-EM.json: corrupt in place"] += 1

    def refresh(self, n):
        scen = REFRESH_SCENARIOS[n % len(REFRESH_SCENARIOS)]
        conf = os.path.join(DATA, f"refresh-{scen}.conf")
        if not os.path.exists(conf):
            write_conf(self.mock, scen, conf)
        p = run([SCARBON, "--config", conf, "refresh", "--zone", "EM", "--quiet", "--timeout", "2",
                 "--connect-timeout", "1", "--retries", "1", "--no-archive"], timeout=60)
        self.refresh_rc[f"{scen}: exit {p.returncode}"] += 1

    def model(self, n):
        path = os.path.join(STATE, "estimates.json")
        kind = ("learn", "corrupt", "learn", "truncated")[n % 4]
        if kind == "learn":
            tmp = path + ".soak"
            run([SCARBON, "learn", "--input", os.path.join(DATA, "history.sacct"), "--min-jobs", "3",
                 "--output", tmp])
            if os.path.exists(tmp):
                os.chmod(tmp, 0o644)
                os.rename(tmp, path)
        elif kind == "corrupt":
            write_slowly(path, '{"version":1,"kind":"slurm-carbon estimates","entries":[{"level":"user"')
        else:
            try:
                text = open(path).read()
            except OSError:
                text = ""
            write_slowly(path, text[:len(text) // 2])
        self.counts["learned model estimates.json: " + kind] += 1

    def ledger(self, n):
        path = os.path.join(STATE, "budgets.json")
        kind = ("scarbon budget --write", "corrupt", "scarbon budget --write", "empty")[n % 4]
        if kind.startswith("scarbon"):
            p = run([SCARBON, "--config", CONF, "budget", "--all", "--write", "--format", "parsable"], timeout=120)
            if p.returncode != 0:
                self.errors.append("scarbon budget --write: " + p.stderr.strip()[-300:])
        elif kind == "corrupt":
            write_slowly(path, '{"version":1,"budgets":[{"name":"carbon","used_g":"lots"')
        else:
            open(path, "w").close()
        self.counts["budget ledger budgets.json: " + kind] += 1

    def loop(self, sh):
        n = 0
        while not sh.stop.is_set():
            t = time.time()
            try:
                self.forecast(n)
                if n % 3 == 2:
                    self.cache(n // 3)
                if n % 4 == 0:
                    threading.Thread(target=self.refresh, args=(n // 4,), daemon=True).start()
                if n % 7 == 3:
                    self.model(n // 7)
                if n % 11 == 5:
                    threading.Thread(target=self.ledger, args=(n // 11,), daemon=True).start()
            except Exception as ex:  # a fault injector's own trouble is reported, not fatal
                self.errors.append(repr(ex))
            n += 1
            time.sleep(max(0.0, 1.0 - (time.time() - t)))
        write_atomic(DE_CSV, forecast_text(int(time.time())))


# --- watching slurmctld ------------------------------------------------------------------------

class Watch:
    def __init__(self):
        self.samples = []   # (t, done, pid, rss_kb)
        self.marks = []     # (label, done, pid, rss_kb, sdiag)
        self.pings = []     # (t, seconds, ok)
        self.pids = []
        self.events = []

    def mark(self, label, done):
        pid = ctld_pid()
        self.marks.append({"label": label, "done": done, "pid": pid, "rss_kb": rss_kb(pid),
                           "sdiag": sdiag_submit(), "t": time.time(), "preloaded": preloaded(pid)})
        log(f"mark {label}: {self.marks[-1]}")

    def loop(self, sh):
        next_mark = 1000
        while not sh.stop.is_set():
            pid = ctld_pid()
            if pid and pid not in self.pids:
                self.pids.append(pid)
            t = time.time()
            p = run(["scontrol", "ping"], timeout=30)
            self.pings.append((t, time.time() - t, "is UP" in p.stdout))
            self.samples.append((t, sh.done, pid, rss_kb(pid)))
            if sh.done >= next_mark:
                self.mark(f"after {next_mark} submissions", sh.done)
                next_mark += 1000
            time.sleep(1)


def events(sh, watch):
    """Reconfigures and restarts at fixed shares of the submissions."""
    plan = []
    for k in range(A.reconfigures):
        plan.append(((k + 1) / (A.reconfigures + 1) - 0.05, "reconfigure"))
    for k in range(A.restarts):
        plan.append(((k + 1) / (A.restarts + 1), "restart"))
    for share, what in sorted(plan):
        while sh.done < share * A.jobs and not sh.stop.is_set() and sh.next < A.jobs:
            time.sleep(0.2)
        if sh.stop.is_set():
            return
        if what == "reconfigure":
            t = time.time()
            p = run(["scontrol", "reconfigure"], timeout=120)
            watch.events.append(f"scontrol reconfigure at {sh.done} submissions: rc {p.returncode} "
                                f"in {time.time() - t:.1f} s {p.stderr.strip()}")
        else:
            watch.mark(f"before restart at {sh.done}", sh.done)
            t = time.time()
            p = cluster("restart", "slurmctld")
            watch.events.append(f"slurmctld restart at {sh.done} submissions: rc {p.returncode} in "
                                f"{time.time() - t:.1f} s {p.stderr.strip()[-300:]}")
            watch.mark(f"after restart at {sh.done}", sh.done)
        log(watch.events[-1])


# --- the checks afterwards -------------------------------------------------------------------

def sacct_rows(ids):
    rows = []
    ids = sorted(set(ids), key=int)
    for k in range(0, len(ids), 400):
        p = run(["sacct", "-X", "-D", "-n", "-P", "-j", ",".join(ids[k:k + 400]), "-o",
                 "JobID,JobIDRaw,State,Partition,Submit,Eligible,Start,User,Comment,AdminComment"], timeout=300)
        for line in p.stdout.split("\n"):
            f = line.split("|", 9)
            if len(f) == 10:
                rows.append(dict(zip(("JobID", "JobIDRaw", "State", "Partition", "Submit", "Eligible",
                                      "Start", "User", "Comment", "AdminComment"), f)))
    return rows


def base_id(jobid):
    return re.split(r"[_+]", jobid)[0]


def epoch(s):
    try:
        return int(time.mktime(time.strptime(s, "%Y-%m-%dT%H:%M:%S")) - time.timezone)
    except ValueError:
        return None


def scontrol_jobs():
    """Every job slurmctld still knows (MinJobAge keeps ended ones for 10 minutes), by JobId:
    its state, EligibleTime and raw AdminComment (pending jobs' records are not in sacct yet)."""
    p = run(["scontrol", "show", "job", "-o"], timeout=300)
    jobs = {}
    dec = json.JSONDecoder()
    # Lines end at "\n" only: str.splitlines() would also split at U+0085 or U+2028 in a record.
    for line in p.stdout.split("\n"):
        m = re.search(r"JobId=(\d+)", line)
        if not m:
            continue
        j = {k: v for k, v in re.findall(r"(EligibleTime|JobState|StartTime)=(\S+)", line)}
        k = line.find(" AdminComment=")
        j["AdminComment"] = ""
        if k >= 0:
            rest = line[k + len(" AdminComment="):]
            try:
                j["AdminComment"] = json.dumps(dec.raw_decode(rest)[0], separators=(",", ":"))
            except ValueError:
                j["AdminComment"] = rest.split(" ")[0]
        jobs[m.group(1)] = j
    return jobs


def group_log(path, since_line):
    """The plugin's log lines (and slurmctld's errors) since a line, numbers and paths folded."""
    groups = collections.OrderedDict()
    try:
        lines = open(path, errors="replace").read().split("\n")[since_line:]
    except OSError:
        return groups
    for line in lines:
        body = re.sub(r"^\[[^]]*\] ", "", line)
        if "carbon" not in body and "error" not in body and "fatal" not in body:
            continue
        key = re.sub(r"\d+(\.\d+)?", "N", body)
        key = re.sub(r"'[^']*'", "'…'", key)
        key = re.sub(r"\d{4}-\d\d-\d\dT[\d:]+Z?", "T", key)
        g = groups.setdefault(key, {"count": 0, "example": body})
        g["count"] += 1
    return groups


# Text a record or log line must not carry: C1 controls, U+2028/U+2029 (sc_printable escapes
# them) and U+FFFD (what the JSON encoder puts for a character cut in two).
BAD_TEXT = re.compile("[\x80-\x9f\u2028\u2029\ufffd]")


def check_log_text(path, since_line, res):
    """The plugin's log lines are valid UTF-8 without controls, whatever the files it quotes."""
    try:
        lines = open(path, "rb").read().split(b"\n")[since_line:]
    except OSError:
        return
    bad = []
    for line in lines:
        if b"job_submit/carbon" not in line:
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(repr(line[-200:]))
            continue
        if BAD_TEXT.search(text):
            bad.append(repr(text[-200:]))
    res["log_bad_text"] = len(bad)
    if bad:
        res.fail(f"{len(bad)} plugin log line(s) with invalid UTF-8 or controls, e.g. {bad[0]}")


class Result(dict):
    """The report: figures by name, and "failures", each also logged."""

    def __init__(self):
        super().__init__(failures=[])

    def fail(self, what):
        self["failures"].append(what)
        log("FAIL " + what)


def check_clients(sh, res):
    """What the clients were told: every submission as expected, latencies."""
    ids = [r["id"] for r in sh.results if r["id"]]
    res["submitted"] = len(sh.results)
    res["accepted"] = len(ids)
    res["by_kind"] = collections.Counter(f"{r['kind']}: {'accepted' if r['id'] else 'refused'}" for r in sh.results)
    res["refusals"] = collections.Counter(
        f"{r['kind']}: " + re.sub(r"\d+", "N", (r["err"].split("\n") or [""])[0][:160]) for r in sh.results if not r["id"])
    res["retried"] = collections.Counter(re.sub(r"\d+", "N", w) for r in sh.results for w in r["retry_why"])
    for r in sh.results:
        if r["expect"] == "accept" and not r["id"]:
            res.fail(f"submission {r['i']} ({r['kind']}) refused: {r['err']}")
        if r["expect"] == "refuse" and r["id"]:
            res.fail(f"submission {r['i']} ({r['kind']}) accepted as job {r['id']}, expected a refusal")
        # ... refused for the bad value, not for a controller that was away.
        if r["expect"] == "refuse" and not r["id"] and not re.search(r"carbon|deadline", r["err"]):
            res.fail(f"submission {r['i']} ({r['kind']}) refused, but not for its bad value: {r['err']}")
    dup = [k for k, v in collections.Counter(ids).items() if v > 1]
    if dup:
        res.fail(f"job ids handed out twice: {dup[:10]}")
    lat = [r["lat"][-1] for r in sh.results if r["id"] and r["kind"] != "forged-hold"]
    res["sbatch_latency_s"] = {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "max": max(lat or [0])}
    # ... and per block of 1,000 submissions, in submission order (restarts show as spikes).
    blocks = collections.defaultdict(list)
    for r in sh.results:
        if r["id"] and r["kind"] != "forged-hold":
            blocks[r["i"] // 1000].append(r["lat"][-1])
    res["sbatch_latency_by_1000"] = {f"{k * 1000}-{k * 1000 + 999}": (round(pct(v, 0.5), 4), round(pct(v, 0.99), 4))
                                     for k, v in sorted(blocks.items())}
    return ids


def check_accounting(ids, t0, res):
    """Every accepted job in sacct exactly once, and no job nobody was told about; returns
    sacct's rows."""
    deadline = time.time() + 600
    while True:
        rows = sacct_rows(ids)
        seen = {base_id(r["JobID"]) for r in rows}
        missing = [j for j in ids if j not in seen]
        if not missing or time.time() > deadline:
            break
        log(f"waiting for slurmdbd: {len(missing)} jobs not in sacct yet")
        time.sleep(10)
    for j in missing:
        res.fail(f"accepted job {j} missing from sacct")
    for k, v in collections.Counter(r["JobID"] for r in rows).items():
        if v > 1:
            res.fail(f"sacct -D lists {k} {v} times (requeued or duplicated)")
    p = run(["sacct", "-a", "-X", "-n", "-P", "-S", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0 - 60)),
             "-o", "JobID,User,Comment"], timeout=300)
    known = set(ids)
    extra = sorted({base_id(line.split("|")[0]) for line in p.stdout.split("\n")
                    if len(line.split("|")) >= 3 and line.split("|")[1] in (USER, USER2, "root")
                    and base_id(line.split("|")[0]) not in known})
    res["extra_jobs"] = extra
    for j in extra:
        row = next((x for x in rows if base_id(x["JobID"]) == j), None)
        res.fail(f"job {j} in accounting but no client was told it was accepted {row or ''}")
    return rows


def check_hold(r, cur, hold, res, holds):
    """A delayed job either started at or after its carbon hold, or still waits for it."""
    start = epoch(r["Start"])
    if start is not None:
        if start < hold:
            res.fail(f"job {r['JobID']} started {r['Start']}, before its carbon hold {iso(hold)}")
        else:
            holds["ran inside its hold"] += 1
    elif r["State"].startswith("PENDING"):
        el = epoch(cur.get("EligibleTime", "")) if cur else epoch(r["Eligible"])
        if el != hold:
            res.fail(f"pending job {r['JobID']}: eligible {cur.get('EligibleTime') or r['Eligible']}, "
                     f"its carbon hold is {iso(hold)}")
        else:
            holds["pending, hold kept"] += 1
    else:
        holds[f"ended without starting ({r['State']})"] += 1


def check_records(rows, kinds, res):
    """One decision record per accepted job (sacct's AdminComment, or slurmctld's while the job
    is pending); every carbon hold kept or the job ran inside it."""
    ctl = scontrol_jobs()
    rec_count, decisions, holds = collections.Counter(), collections.Counter(), collections.Counter()
    for r in rows:
        j = base_id(r["JobID"])
        if "+" in r["JobID"] and not r["JobID"].endswith("+0"):
            continue  # a heterogeneous job's record is its leader's
        cur = ctl.get(r["JobIDRaw"], {})
        if not r["AdminComment"] and cur.get("AdminComment"):
            r["AdminComment"] = cur["AdminComment"]
        n = r["AdminComment"].count('"carbon":')
        if BAD_TEXT.search(r["AdminComment"]):
            res.fail(f"job {r['JobID']}: AdminComment with a control or a cut character: {r['AdminComment'][-200:]!r}")
        rec_count[(kinds.get(j, "?"), n)] += 1
        if A.no_plugin or (n == 0 and r["Partition"] == "debug"):
            continue
        if n != 1:
            res.fail(f"job {r['JobID']} ({kinds.get(j)}, {r['Partition']}) has {n} carbon records: "
                     f"{r['AdminComment'][:300]}")
            continue
        try:
            c = json.loads(r["AdminComment"])["carbon"]
        except (ValueError, KeyError, TypeError):
            res.fail(f"job {r['JobID']}: AdminComment is no JSON carbon record: {r['AdminComment'][:300]}")
            continue
        decisions[f"{kinds.get(j)}: {c.get('decision')}"] += 1
        if c.get("decision") == "delay" and not c.get("advice"):
            check_hold(r, cur, c.get("start"), res, holds)
    res["records"] = {f"{k}: {n} record(s)": v for (k, n), v in sorted(rec_count.items())}
    res["decisions"] = dict(sorted(decisions.items()))
    res["holds"] = dict(holds)


def checks(sh, t0):
    res = Result()
    ids = check_clients(sh, res)
    rows = check_accounting(ids, t0, res)
    check_records(rows, {r["id"]: r["kind"] for r in sh.results if r["id"]}, res)
    return res


# --- main ------------------------------------------------------------------------------------

def prepare(t0):
    """StateDir, the token, the mock provider, carbon.conf, the forecast and the model; the
    cluster started. Returns the Faults injector, or None when the cluster did not start."""
    global MOCK_PROC
    os.makedirs(STATE, exist_ok=True)
    os.chmod(DIR, 0o755)
    os.chmod(DATA, 0o755)
    shutil.chown(STATE, "slurm", "slurm")
    with open(os.path.join(DATA, "em.tok"), "w") as f:
        f.write("em-secret-token\n")
    os.chmod(os.path.join(DATA, "em.tok"), 0o600)
    port_file = os.path.join(DATA, "mock.port")
    MOCK_PROC = subprocess.Popen(["python3", MOCK, "--port-file", port_file, "--data",
                                  os.path.join(TOP, "tests", "data", "providers"), "--now", str(int(t0))],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(DATA, "mock.err"), "w"))
    for _ in range(100):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        time.sleep(0.1)
    mock_url = "http://127.0.0.1:" + open(port_file).read().strip()
    write_conf(mock_url)
    write_atomic(DE_CSV, forecast_text(int(t0)))
    run([SCARBON, "learn", "--input", learn_dump(), "--min-jobs", "3", "--output",
         os.path.join(STATE, "estimates.json")])
    faults = Faults(mock_url)
    faults.refresh(0)
    ENV["SC_PLUGIN_DIR"] = plugin_dir()
    if A.asan_preload:
        ENV["SC_CLUSTER_CTLD_ENV"] = (f"LD_PRELOAD={A.asan_preload} ASAN_OPTIONS=detect_leaks=0:"
                                      f"log_path={DIR}/asan:abort_on_error=0:halt_on_error=1 "
                                      f"UBSAN_OPTIONS=print_stacktrace=1:log_path={DIR}/ubsan")
    p = cluster("start")
    if p.returncode != 0:
        log("the cluster did not start:\n" + p.stdout + p.stderr)
        return None
    ensure_user2()
    return faults


def check_daemon(watch, res):
    """slurmctld: one PID per restart, no crash, the sanitizer runtime when asked, no report."""
    expected_pids = 1 + (0 if A.no_plugin else A.restarts)
    if len(watch.pids) != expected_pids:
        res.fail(f"slurmctld PIDs {watch.pids}: expected {expected_pids} (one per restart)")
    out = open(os.path.join(DIR, "log", "slurmctld.out"), errors="replace").read() \
        if os.path.exists(os.path.join(DIR, "log", "slurmctld.out")) else ""
    if re.search(r"Segmentation|Aborted|AddressSanitizer|runtime error", out):
        res.fail("slurmctld.out shows a crash or sanitizer report: " + out[-1500:])
    if A.asan_preload and any(m["preloaded"] is False for m in watch.marks):
        res.fail("slurmctld ran without the preloaded sanitizer runtime at: " +
                 ", ".join(m["label"] for m in watch.marks if m["preloaded"] is False))
    reports = [f for f in os.listdir(DIR) if f.startswith(("asan", "ubsan"))]
    res["sanitizer_reports"] = reports
    if reports:
        res.fail(f"sanitizer reports: {reports}")


def report(res):
    with open(os.path.join(DIR, "report.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    print(json.dumps({k: v for k, v in res.items() if k != "log_groups"}, indent=1, default=str))
    print("slurmctld log lines (plugin and errors), grouped:")
    for k, g in sorted(res["log_groups"].items(), key=lambda kv: -kv[1]["count"]):
        print(f"  {g['count']:6d}  {g['example'][:400]}")
    print(f"report: {DIR}/report.json; {len(res['failures'])} failure(s)")


def main():
    t0 = time.time()
    faults = prepare(t0)
    if not faults:
        return 1
    log_start = len(open(CTLD_LOG, errors="replace").read().split("\n")) - 1
    sh, watch = Shared(), Watch()
    watch.mark("before", 0)
    threads = [threading.Thread(target=watch.loop, args=(sh,), daemon=True)]
    if not A.no_plugin:
        threads.append(threading.Thread(target=faults.loop, args=(sh,), daemon=True))
        threads.append(threading.Thread(target=events, args=(sh, watch), daemon=True))
    clients = [threading.Thread(target=client, args=(sh, f"{int(t0)}")) for _ in range(A.clients)]
    sh.t_start = time.time()
    for t in threads + clients:
        t.start()
    for t in clients:
        t.join()
    took = time.time() - sh.t_start
    watch.mark(f"after {sh.done} submissions (end)", sh.done)
    sh.stop.set()
    for t in threads:
        t.join(timeout=120)
    log(f"{sh.done} submissions in {took:.0f} s; checking")
    res = checks(sh, t0)
    res.update(took_s=took, marks=watch.marks, events=watch.events, faults=dict(faults.counts),
               refresh=dict(faults.refresh_rc), fault_errors=faults.errors[:20], ctld_pids=watch.pids)
    res["ping"] = {"n": len(watch.pings), "max_s": max((s for _, s, _ in watch.pings), default=0),
                   "not_up_or_slow": [(round(t - sh.t_start), round(s, 2))
                                      for t, s, ok in watch.pings if not ok or s > 5]}
    check_daemon(watch, res)
    res["log_groups"] = group_log(CTLD_LOG, log_start)
    check_log_text(CTLD_LOG, log_start, res)
    report(res)
    return 1 if res["failures"] else 0


if __name__ == "__main__":
    rc = 1
    try:
        rc = main()
    finally:
        if MOCK_PROC:
            MOCK_PROC.terminate()
            MOCK_PROC.wait()
        if not A.keep:
            p = cluster("stop")
            log(p.stdout.strip().replace("\n", "; "))
            # The accounting database is most of the scratch directory's size; the report,
            # the logs and the configuration stay.
            shutil.rmtree(os.path.join(DIR, "mysql"), ignore_errors=True)
            log(f"kept {DIR}/report.json and {DIR}/log")
    sys.exit(rc)
