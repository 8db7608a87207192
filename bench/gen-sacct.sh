#!/bin/sh
# slurm-carbon: a synthetic `sacct -P` dump for benchmarking `scarbon report`.
#
#   bench/gen-sacct.sh JOBS [SEED] > dump.sacct
#
# The columns of SC_SACCT_FIELDS (what `scarbon report --input` reads), one job line
# and two step lines (batch, extern) per job, as `sacct -P` prints without -X: 500
# users in 50 accounts, 4 partitions, jobs over 30 days from 2024-03-01, 1 to 64 CPUs,
# a GPU for one job in eight, runs of 1 minute to 12 hours. 90 % of the jobs carry a
# submit-time estimate in AdminComment, 70 % a reconciled figure in SystemComment (in
# the form sacctmgr stores it), some with another tool's text; one in fifty is an
# array task, one in a hundred never started. Deterministic for a given SEED.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
jobs=${1:?usage: gen-sacct.sh JOBS [SEED]}
seed=${2:-42}
awk -v jobs="$jobs" -v seed="$seed" 'BEGIN {
	srand(seed)
	OFS = "|"
	print "JobID", "JobIDRaw", "Cluster", "User", "Account", "Partition", "State", "Submit", \
		"Eligible", "Start", "End", "ElapsedRaw", "Elapsed", "NNodes", "NCPUS", "AllocTRES", \
		"ReqMem", "CPUTimeRAW", "TotalCPU", "ConsumedEnergyRaw", "AdminComment", "SystemComment"
	split("compute gpu flex compute-fr", parts, " ")
	split("DE DE DE FR", zones, " ")
	t0 = 1709251200 # 2024-03-01T00:00:00Z
	for (i = 1; i <= jobs; i++) {
		id = 100000 + i
		u = int(rand() * 500)
		user = sprintf("user%03d", u)
		acct = sprintf("acct%02d", u % 50)
		p = 1 + int(rand() * 4)
		gpus = (p == 2 || rand() < 0.02) ? 1 + int(rand() * 4) : 0
		cpus = 2 ^ int(rand() * 7)
		mem = cpus * 4096
		elapsed = 60 + int(rand() * rand() * 43140)
		submit = t0 + int(rand() * 30 * 86400)
		delay = rand() < 0.2 ? int(rand() * 14400) : 0
		start = submit + delay + int(rand() * 600)
		end = start + elapsed
		jobid = (i % 50 == 0) ? sprintf("%d_%d", id - 1, i % 7) : id
		never = (i % 100 == 7)
		state = never ? "CANCELLED by 1000" : (rand() < 0.9 ? "COMPLETED" : "FAILED")
		tres = sprintf("billing=%d,cpu=%d%s,mem=%dM,node=1", cpus, cpus, gpus ? ",gres/gpu=" gpus : "", mem)
		w = cpus * 10 + gpus * 300 + mem / 1024 * 0.3725
		kwh = w * elapsed / 3.6e6
		ci = 150 + int(rand() * 300)
		g = kwh * 1.3 * ci
		admin = ""
		if (rand() < 0.9)
			admin = sprintf("{\"carbon\":{\"v\":1,\"decision\":\"%s\",\"mode\":\"enforce\",\"applied\":true,\"partition\":\"%s\",\"zone\":\"%s\",\"start\":%d,\"kwh\":%.4f,\"pue\":1.3,\"ci\":%.1f,\"gco2e\":%.1f,\"runtime_s\":%d,\"watts\":%.1f,\"delay_s\":%d,\"saving_pct\":%.1f,\"baseline_gco2e\":%.1f,\"baseline_partition\":\"%s\",\"baseline_start\":%d,\"baseline_ci\":%.1f,\"best_gco2e\":%.1f,\"signal\":\"average\",\"source\":\"file:/etc/slurm/%s.csv (replay weekly)\",\"submit\":%d}}", \
				delay ? "delay" : "run", parts[p], zones[p], submit + delay, kwh, ci, g, elapsed, w, delay, \
				delay ? 12.5 : 0, delay ? g * 1.14 : g, parts[p], submit, ci * 1.14, g, zones[p], submit)
		sys = ""
		if (!never && rand() < 0.7) {
			sys = sprintf("{`carbon_actual`:{`v`:1,`kwh`:%.6f,`gco2e`:%.3f,`ci`:%.1f,`pue`:1.3,`energy_source`:`%s`,`ci_source`:`actual`,`partition`:`%s`,`zone`:`%s`,`start`:%d,`end`:%d,`elapsed_s`:%d,`watts`:%.1f}}", \
				kwh, g, ci, gpus ? "measured" : "model", parts[p], tolower(zones[p]), start, end, elapsed, w)
			if (rand() < 0.05)
				sys = "requeued by ops " sys
		}
		if (never) {
			print jobid, id, "cluster", user, acct, parts[p], state, iso(submit), iso(submit), "None", \
				iso(submit + 300), 0, "00:00:00", 0, 0, "", mem "M", 0, "00:00:00", 0, admin, ""
			continue
		}
		print jobid, id, "cluster", user, acct, parts[p], state, iso(submit), iso(submit + delay), \
			iso(start), iso(end), elapsed, dur(elapsed), 1, cpus, tres, mem "M", cpus * elapsed, \
			dur(int(cpus * elapsed * rand())) ".123", 0, admin, sys
		print jobid ".batch", id ".batch", "cluster", "", "", "", state, "", "", iso(start), iso(end), \
			elapsed, dur(elapsed), 1, cpus, sprintf("cpu=%d,mem=%dM,node=1", cpus, mem), "", \
			cpus * elapsed, "00:01.000", "", "", ""
		print jobid ".extern", id ".extern", "cluster", "", "", "", "COMPLETED", "", "", iso(start), \
			iso(end), elapsed, dur(elapsed), 1, cpus, "billing=" cpus ",cpu=" cpus ",node=1", "", \
			cpus * elapsed, "00:00:00", "", "", ""
	}
}
function iso(t) { return strftime("%Y-%m-%dT%H:%M:%S", t, 1) }
function dur(s,   d) {
	d = int(s / 86400)
	s -= d * 86400
	return (d ? d "-" : "") sprintf("%02d:%02d:%02d", int(s / 3600), int(s % 3600 / 60), s % 60)
}'
