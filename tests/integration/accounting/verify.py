#!/usr/bin/env python3
# slurm-carbon: the accounting suite's independent calculation — from the same sacct output
# and the same carbon.conf numbers, without any of scarbon's code.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   verify.py figures DUMP MODEL.json   each reconciled job's SystemComment against
#                                       kWh = W × elapsed, gCO2e = kWh × PUE × intensity
#   verify.py totals DUMP REPORT.json   `scarbon report --format json` totals against sums
#                                       over the dump (the reconciled figure, else the
#                                       submit-time estimate)
#   verify.py json COMMENTS [JOBID...]  each line "JobID|SystemComment" (as `sacct -P -n -X -o
#                                       SystemComment -j JobID` prints it) is the contract's
#                                       plain JSON: json.loads reads the whole comment, an
#                                       object with "carbon_actual" and its keys, no backtick;
#                                       for the JobIDs named, other text comes first and the
#                                       JSON object follows it
#
# DUMP: `sacct -P -X -o JobID,JobIDRaw,User,Partition,State,Start,End,ElapsedRaw,NCPUS,NNodes,
# AllocTRES,ReqMem,CPUTimeRAW,SystemComment,AdminComment`. MODEL.json: {"partitions": {name:
# {"zone", "pue", "core_w", "gpu_w", "mem_w", "usage"}}, "intensity": {zone: g/kWh}}.
# Prints one line per problem; exit status 1 when there is one.
import json
import re
import sys

UNITS = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}


def rows(path):
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    head = lines[0].split("|")
    for l in lines[1:]:
        yield dict(zip(head, l.split("|", len(head) - 1)))


def mem_mb(r):
    m = re.search(r"(?:^|,)mem=([0-9.]+)([KMGT]?)", r["AllocTRES"])
    if m:
        return float(m.group(1)) * UNITS[m.group(2) or "M"]
    m = re.fullmatch(r"([0-9.]+)([KMGT]?)([cn]?)", r["ReqMem"])
    if not m or float(m.group(1)) == 0:
        return 0.0
    v = float(m.group(1)) * UNITS[m.group(2) or "M"]
    if m.group(3) == "c":
        v *= int(r["NCPUS"])
    elif m.group(3) == "n":
        v *= int(r["NNodes"])
    return v


def gpus(r):
    m = re.search(r"(?:^|,)gres/gpu=(\d+)", r["AllocTRES"])
    return int(m.group(1)) if m else 0


def record(comment, key="carbon_actual"):
    # Either form (JSON, or sacctmgr's backticks), alone or beside other keys.
    m = re.search(r"[{,][`\"]" + key + r"[`\"]:([{][^{}]*[}])", comment)
    if not m:
        return None
    return json.loads(m.group(1).replace("`", '"'))


def estimate(comment):
    """The submit-time estimate, when it has figures a report uses."""
    e = record(comment, "carbon")
    if e and e.get("decision") not in ("none", "reject") and "gco2e" in e and "kwh" in e:
        return e
    return None


def ran(r):
    return r["Start"] not in ("", "Unknown", "None")


def expected(r, model):
    p = model["partitions"][r["Partition"]]
    watts = (int(r["NCPUS"]) * p["core_w"] * p["usage"] + gpus(r) * p["gpu_w"] * p["usage"] +
             mem_mb(r) / 1024 * p["mem_w"])
    kwh = watts * int(r["ElapsedRaw"]) / 3600 / 1000
    return kwh, kwh * p["pue"] * model["intensity"][p["zone"]]


def figures(dump, model_path):
    model = json.load(open(model_path))
    bad = checked = 0
    for r in rows(dump):
        if r["Partition"] not in model["partitions"] or not ran(r) or r["End"] in ("", "Unknown"):
            if record(r["SystemComment"]):
                print(f"job {r['JobID']}: has a carbon_actual record but should have none")
                bad += 1
            continue
        rec = record(r["SystemComment"])
        if not rec:
            print(f"job {r['JobID']}: no carbon_actual record in SystemComment {r['SystemComment']!r}")
            bad += 1
            continue
        kwh, g = expected(r, model)
        checked += 1
        # The record rounds kWh to 1e-6 and g to 1e-3.
        if abs(rec["kwh"] - kwh) > 6e-7 or abs(rec["gco2e"] - g) > 6e-4:
            print(f"job {r['JobID']}: recorded {rec['kwh']} kWh, {rec['gco2e']} g; "
                  f"independently {kwh:.7f} kWh, {g:.4f} g")
            bad += 1
        p = model["partitions"][r["Partition"]]
        if abs(rec["pue"] - p["pue"]) > 1e-9 or abs(rec["ci"] - model["intensity"][p["zone"]]) > 0.051:
            print(f"job {r['JobID']}: recorded PUE {rec['pue']}, ci {rec['ci']}; expected "
                  f"{p['pue']}, {model['intensity'][p['zone']]}")
            bad += 1
    print(f"figures: {checked} jobs checked, {bad} problems")
    return 1 if bad or not checked else 0


def totals(dump, report_path):
    t = json.load(open(report_path))["total"]
    jobs = 0
    cpu_h = gpu_h = kg = 0.0
    rec_jobs = est_jobs = 0
    for r in rows(dump):
        if not ran(r):
            continue
        if not re.search(r"\+[1-9]\d*$", r["JobID"]):
            jobs += 1
        cpu_h += int(r["CPUTimeRAW"] or 0) / 3600
        gpu_h += gpus(r) * int(r["ElapsedRaw"] or 0) / 3600
        rec = record(r["SystemComment"])
        est = estimate(r["AdminComment"])
        if rec:
            kg += rec["gco2e"] / 1000
            rec_jobs += 1
        elif est:
            kg += est["gco2e"] / 1000
            est_jobs += 1
    want = {"jobs": jobs, "cpu_hours": cpu_h, "gpu_hours": gpu_h, "kgco2e": kg, "jobs_reconciled": rec_jobs,
            "jobs_estimated": est_jobs}
    tol = {"jobs": 0, "cpu_hours": 1e-3, "gpu_hours": 1e-3, "kgco2e": 2e-6, "jobs_reconciled": 0,
           "jobs_estimated": 0}
    bad = 0
    for k, v in want.items():
        if abs(t[k] - v) > tol[k]:
            print(f"total {k}: report says {t[k]}, independently {v}")
            bad += 1
    print(f"totals: report {json.dumps({k: t[k] for k in want})}; independently {json.dumps(want)}")
    return 1 if bad or not jobs else 0


ACTUAL_KEYS = {"v": int, "kwh": (int, float), "gco2e": (int, float), "ci": (int, float), "pue": (int, float),
               "energy_source": str, "ci_source": str}


def plain_json(path, with_text):
    bad = checked = 0
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    for l in lines:
        job, comment = l.split("|", 1)
        text = comment
        if job in with_text:
            # "<other text> {...}": the text is kept, the object after it is JSON.
            if not comment.find(" {") > 0:
                print(f"job {job}: expected other text, then the JSON object: {comment!r}")
                bad += 1
                continue
            text = comment[comment.find(" {") + 1:]
        try:
            c = json.loads(text)
        except ValueError as e:
            print(f"job {job}: SystemComment is not JSON ({e}): {comment!r}")
            bad += 1
            continue
        rec = c.get("carbon_actual") if isinstance(c, dict) else None
        if "`" in comment or not isinstance(rec, dict):
            print(f"job {job}: no plain carbon_actual object: {comment!r}")
            bad += 1
            continue
        wrong = [k for k, t in ACTUAL_KEYS.items() if not isinstance(rec.get(k), t)]
        if wrong or rec["v"] != 1 or rec["energy_source"] not in ("measured", "model"):
            print(f"job {job}: carbon_actual lacks or mistypes {wrong}: {comment!r}")
            bad += 1
            continue
        checked += 1
    print(f"json: {checked} comments checked, {bad} problems")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "json":
        sys.exit(plain_json(sys.argv[2], set(sys.argv[3:])))
    if len(sys.argv) != 4 or sys.argv[1] not in ("figures", "totals"):
        print("usage: verify.py figures|totals DUMP JSON, or verify.py json COMMENTS [JOBID...]", file=sys.stderr)
        sys.exit(2)
    sys.exit(figures(sys.argv[2], sys.argv[3]) if sys.argv[1] == "figures" else totals(sys.argv[2], sys.argv[3]))
