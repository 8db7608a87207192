#!/bin/bash
# slurm-carbon integration suite "accounting": scarbon reconcile and report on a real
# single-host Slurm (scripts/cluster.sh), through EpilogSlurmctld and by hand, across a
# slurmctld restart, checked against an independent calculation; SystemComment is plain JSON
# (written through libslurm's accounting API) with other tools' keys kept, and records that
# sacctmgr stored with backticks are still read and not rewritten; and the HTML report opened
# in headless Chromium; carbon budgets over time (reconciled usage, the next job rejected, a
# burst of 100 submissions against room for 10).
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   tests/integration/accounting/run.sh [BUILD_DIR]
#
# BUILD_DIR is a built tree (default <source>/build). Runs as root. The cluster gets its own
# scratch directory and four free ports (SC_ACCT_CLUSTER_DIR [a new directory inside this
# run's work directory], SC_ACCT_CLUSTER_PORT [the first free block from 19417]) and is
# stopped on exit, whatever happens. Prints TAP-style
# lines and "N passed, N failed"; exits non-zero when anything failed.
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
scarbon=$build/cli/scarbon
cluster=$top/scripts/cluster.sh
python=$(command -v python3)

pass=0
fail=0
n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION CMD...: one test line from CMD's status (its output shown on failure).
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		echo "$out" | sed 's/^/#   /'
	fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

[ "$(id -u)" = 0 ] || { echo "accounting: run as root (it starts a private Slurm)"; not_ok "running as root"; finish; }
[ -x "$scarbon" ] || { not_ok "scarbon built in $build"; finish; }

work=$(mktemp -d /tmp/sc-acct-XXXXXX)
chmod 755 "$work"
export SC_CLUSTER_DIR=${SC_ACCT_CLUSTER_DIR:-$work/cluster}
export SC_CLUSTER_PORT=${SC_ACCT_CLUSTER_PORT:-$("$python" "$here/../lib/ports.py" 19417 20400)}

export SC_BUILD_DIR=$build
export SC_CARBON_CONF=$work/carbon.conf
export SC_CLUSTER_EXTRA_CONF=$work/slurm-extra.conf
export SC_CLUSTER_GPUS=4 SC_CLUSTER_CPUS=8 SC_CLUSTER_MEM_MB=16000
# The carbon plugins take part when they are built; the accounting is checked either way.
if [ -r "$build/plugin/.libs/job_submit_carbon.so" ] && [ -r "$build/plugin/.libs/spank_carbon.so" ]; then
	export SC_CLUSTER_CARBON=1
else
	export SC_CLUSTER_CARBON=0
fi
user=${SC_CLUSTER_USER:-sctest}

cleanup() {
	"$cluster" stop >"$work/cluster-stop.log" 2>&1
	if [ "$fail" -eq 0 ]; then
		"$cluster" clean >/dev/null 2>&1
		rm -rf "$work"
	else
		echo "# kept for inspection: $work and $SC_CLUSTER_DIR"
	fi
}
trap cleanup EXIT

# --- the site: static zones, and for DE an archive of actual intensities (321 g/kWh) ----
now=$(date -u +%s)
mkdir -p "$work/state/archive"
cat >"$work/carbon.conf" <<EOF
Mode=enforce
StateDir=$work/state
ZoneName=DE Provider=static Intensity=400
ZoneName=FR Provider=static Intensity=50
PartitionName=compute Zone=DE Default=yes PUE=1.3 CoreWatts=10 GPUWatts=300 Usage=1.0 MemWattsPerGB=0.3725 DefaultTime=0:10:00
PartitionName=gpu Zone=DE PUE=1.3 CoreWatts=10 GPUWatts=300 Usage=1.0 MemWattsPerGB=0.3725 DefaultTime=0:10:00
PartitionName=compute-fr Zone=FR PUE=1.2 CoreWatts=12 GPUWatts=300 Usage=0.5 MemWattsPerGB=0.5 DefaultTime=0:10:00
EOF
cat >"$work/model.json" <<EOF
{"partitions": {
  "compute": {"zone": "DE", "pue": 1.3, "core_w": 10, "gpu_w": 300, "mem_w": 0.3725, "usage": 1.0},
  "gpu": {"zone": "DE", "pue": 1.3, "core_w": 10, "gpu_w": 300, "mem_w": 0.3725, "usage": 1.0},
  "compute-fr": {"zone": "FR", "pue": 1.2, "core_w": 12, "gpu_w": 300, "mem_w": 0.5, "usage": 0.5}},
 "intensity": {"DE": 321, "FR": 50}}
EOF
{
	echo "Time,Carbon Intensity"
	t=$(((now - 86400) / 3600 * 3600))
	while [ "$t" -le $((now + 86400)) ]; do
		echo "$(date -u -d "@$t" '+%Y-%m-%d %H:%M:%S'),321"
		t=$((t + 3600))
	done
} >"$work/state/archive/DE-actual.csv"
# EpilogSlurmctld: the shipped example, told where this cluster and its carbon.conf are, and
# where its Slurm commands are (slurmctld's PATH has the system's; SC_SLURM_PREFIX runs
# another Slurm, whose bin/ the caller puts first in PATH).
cat >"$work/epilog.sh" <<EOF
#!/bin/sh
export PATH='$PATH'
export SLURM_CONF=$SC_CLUSTER_DIR/etc/slurm.conf
export SCARBON=$scarbon SCARBON_CONFIG=$work/carbon.conf SCARBON_EPILOG_LOG=$work/epilog.log
exec /bin/sh $build/etc/scarbon-epilog.sh
EOF
chmod 755 "$work/epilog.sh"
: >"$work/epilog.log"
chmod 666 "$work/epilog.log"
chmod -R a+rX "$work"
echo "EpilogSlurmctld=$work/epilog.sh" >"$SC_CLUSTER_EXTRA_CONF"

# A fresh cluster: what an earlier run left in this directory (kept after a failure) goes.
"$cluster" clean >"$work/cluster-clean.log" 2>&1
if ! "$cluster" start >"$work/cluster-start.log" 2>&1; then
	not_ok "the private cluster starts"
	sed 's/^/#   /' "$work/cluster-start.log" | tail -n 20
	finish
fi
ok "the private cluster starts (carbon plugins: $SC_CLUSTER_CARBON)"
eval "$("$cluster" env)"
export SLURM_CONF

# --- jobs -----------------------------------------------------------------------------
as_user() { runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" "$@"; }
cd /tmp || exit 1
sub() { as_user sbatch --parsable -o /dev/null -e /dev/null "$@" 2>>"$work/sbatch.err" | cut -d';' -f1; }
j1=$(sub -p compute -n 2 --mem=1G --wrap 'sleep 4')
j2=$(sub -p gpu -n 1 --gres=gpu:2 --mem=2G --wrap 'sleep 3')
j3=$(sub -p compute-fr -a 1-3 --mem=512M --wrap 'sleep 2')
j5=$(sub -p debug -n 1 --mem=256M --wrap 'sleep 1')
j6=$(sub -p compute -n 1 --hold --wrap 'sleep 1')
j7=$(sbatch --parsable -o /dev/null -e /dev/null -p compute -n 1 --mem=128M --wrap 'sleep 1' 2>>"$work/sbatch.err")
scancel "$j6"
# (No heterogeneous job: its components can't share the one node. The unit tests have them.)
if [ -n "$j1" ] && [ -n "$j2" ] && [ -n "$j3" ] && [ -n "$j5" ] && [ -n "$j7" ]; then
	ok "jobs submitted: $j1 (compute), $j2 (gpu, 2 GPUs), $j3 (array), $j5 (debug, unmanaged), $j6 (cancelled while held), $j7 (root's)"
else
	not_ok "jobs submitted ($j1 $j2 $j3 $j5 $j7)"
	finish
fi
deadline=$((SECONDS + 180))
while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && ((SECONDS < deadline)); do sleep 1; done
check "every job has ended" test -z "$(squeue -h -o %i)"

fields=JobID,JobIDRaw,User,Partition,State,Start,End,ElapsedRaw,NCPUS,NNodes,AllocTRES,ReqMem,CPUTimeRAW,SystemComment,AdminComment
dump() { TZ=UTC sacct -P -X -a --noconvert -S now-1hour -o "$fields" >"$1" 2>"$work/sacct.err"; }
# The managed jobs that ran, as sacct shows them now.
managed_without_record() {
	dump "$work/now.sacct" && awk -F'|' 'NR > 1 && $4 ~ /^(compute|gpu|compute-fr)$/ && $6 != "None" && $6 != "Unknown" && $14 !~ /carbon_actual/ { print $1 }' "$work/now.sacct"
}

# --- EpilogSlurmctld recorded each job as it ended ---------------------------------------
deadline=$((SECONDS + 90))
while [ -n "$(managed_without_record)" ] && ((SECONDS < deadline)); do sleep 1; done
left=$(managed_without_record)
if [ -z "$left" ]; then
	ok "EpilogSlurmctld recorded every managed job's actual emissions"
else
	not_ok "EpilogSlurmctld recorded every managed job's actual emissions (missing: $left)"
	sed 's/^/#   /' "$work/epilog.log" | tail -n 20
fi
check "the epilog reported no error" test ! -s "$work/epilog.log"
check "no figure for the unmanaged job or the one that never ran" \
	awk -F'|' -v a="$j5" -v b="$j6" '($1 == a || $1 == b) && $14 ~ /carbon_actual/ { exit 1 }' "$work/now.sacct"
check "the records agree with an independent calculation (epilog)" "$python" "$here/verify.py" figures "$work/now.sacct" "$work/model.json"
# What a user sees: `sacct -o SystemComment` of each job is the contract's JSON, as it is.
comments() { # FILE: "JobID|SystemComment" of every managed job that ran, one sacct -j each
	local id
	: >"$1"
	for id in $(awk -F'|' 'NR > 1 && $4 ~ /^(compute|gpu|compute-fr)$/ && $6 != "None" && $6 != "Unknown" { print $1 }' "$work/now.sacct"); do
		printf '%s|%s\n' "$id" "$(sacct -P -n -X -o SystemComment -j "$id")" >>"$1"
	done
}
comments "$work/epilog.comments"
check "SystemComment is plain JSON for every job (sacct -o SystemComment, epilog)" "$python" "$here/verify.py" json "$work/epilog.comments"

# --- scarbon reconcile by hand: fills what is missing, keeps other tools' text and keys ------
sacctmgr -i modify job where jobid="$j1" set SystemComment= >/dev/null
sacctmgr -i modify job where jobid="${j3}_1" set SystemComment= >/dev/null
sacctmgr -i modify job where jobid="$j2" set SystemComment="checked by ops" >/dev/null
# Another tool's JSON: one written as JSON (as through the accounting API; here straight into
# slurmdbd's database), one set with sacctmgr, which stores it with backticks.
mariadb --no-defaults -S "$SC_CLUSTER_DIR/mysql/mysqld.sock" -u root slurm_acct_db \
	-e "UPDATE carbontest_job_table SET system_comment='{\"ops\":{\"ticket\":7}}' WHERE id_job=$j7" 2>>"$work/sql.err"
sacctmgr -i modify job where jobid="${j3}_2" set SystemComment='{"ops":{"ticket":42}}' >/dev/null
out=$("$scarbon" --config "$work/carbon.conf" reconcile --since now-1hour 2>&1)
echo "$out" | grep -q "5 written, .* 0 failed" && ok "reconcile writes the five missing records" ||
	{ not_ok "reconcile writes the five missing records"; echo "$out" | sed 's/^/#   /'; }
dump "$work/first.sacct"
check "another tool's SystemComment text is kept" \
	awk -F'|' -v j="$j2" '$1 == j && $14 ~ /^checked by ops [{]"carbon_actual":[{]/ { found = 1 } END { exit !found }' "$work/first.sacct"
check "another tool's SystemComment key is kept, the whole comment JSON" "$python" -c '
import json, subprocess, sys
for job, ticket in ((sys.argv[1], 7), (sys.argv[2], 42)):
    text = subprocess.run(["sacct", "-P", "-n", "-X", "-o", "SystemComment", "-j", job], check=True,
                          capture_output=True, text=True).stdout.rstrip("\n")
    c = json.loads(text)
    assert list(c) == ["ops", "carbon_actual"] and c["ops"] == {"ticket": ticket}, (job, text)
    assert "`" not in text and isinstance(c["carbon_actual"]["gco2e"], float), (job, text)
' "$j7" "${j3}_2"
check "the records agree with an independent calculation (reconcile)" "$python" "$here/verify.py" figures "$work/first.sacct" "$work/model.json"
out=$("$scarbon" --config "$work/carbon.conf" reconcile --since now-1hour 2>&1)
dump "$work/second.sacct"
if echo "$out" | grep -q ": 0 written, " && cmp -s "$work/first.sacct" "$work/second.sacct"; then
	ok "reconcile twice changes nothing"
else
	not_ok "reconcile twice changes nothing"
	echo "$out" | sed 's/^/#   /'
	diff "$work/first.sacct" "$work/second.sacct" | sed 's/^/#   /'
fi

dump "$work/now.sacct"
comments "$work/first.comments"
check "SystemComment is plain JSON for every job (sacct -o SystemComment, reconcile)" "$python" "$here/verify.py" json "$work/first.comments" "$j2"

# --- records that sacctmgr stored (scarbon before plain JSON, or its fallback) ----------------
# Without a usable libslurm, reconcile falls back to sacctmgr and says so; what it stores has
# backticks (and, on 22.05, lower case). A later run through the API finds the same figures
# there and leaves them alone; reports read them alike.
sacctmgr -i modify job where jobid="$j1" set SystemComment= >/dev/null
out=$(SCARBON_LIBSLURM=/nonexistent/libslurm.so "$scarbon" --config "$work/carbon.conf" reconcile --jobs "$j1" 2>&1)
if echo "$out" | grep -q "warning: cannot load libslurm /nonexistent/libslurm.so: .* through sacctmgr instead" &&
	echo "$out" | grep -q "1 written, .* 0 failed" &&
	sacct -P -n -X -o SystemComment -j "$j1" | grep -q '^[{]`carbon_actual`:[{]`v`:1,'; then
	ok "without libslurm: a warning, and the record in sacctmgr's backtick form"
else
	not_ok "without libslurm: a warning, and the record in sacctmgr's backtick form"
	echo "$out" | sed 's/^/#   /'
	sacct -P -n -X -o SystemComment -j "$j1" | sed 's/^/#   /'
fi
dump "$work/before.sacct"
out=$("$scarbon" --config "$work/carbon.conf" reconcile --since now-1hour 2>&1)
dump "$work/backtick.sacct"
if echo "$out" | grep -q ": 0 written, " && cmp -s "$work/before.sacct" "$work/backtick.sacct" &&
	awk -F'|' -v j="$j1" '$1 == j && $14 ~ /^[{]`carbon_actual`:/ { f = 1 } END { exit !f }' "$work/backtick.sacct"; then
	ok "a backtick record with the same figures is left alone"
else
	not_ok "a backtick record with the same figures is left alone"
	echo "$out" | sed 's/^/#   /'
fi
check "the records agree with an independent calculation (both forms)" "$python" "$here/verify.py" figures "$work/backtick.sacct" "$work/model.json"
sacctmgr -i modify job where jobid="$j1" set SystemComment= >/dev/null
"$scarbon" --config "$work/carbon.conf" reconcile --jobs "$j1" --quiet

# --- permissions ------------------------------------------------------------------------
sacctmgr -i modify job where jobid="$j1" set SystemComment= >/dev/null
out=$(as_user "$scarbon" --config "$work/carbon.conf" reconcile --jobs "$j1" 2>&1)
st=$?
if [ $st -eq 1 ] && echo "$out" | grep -q "job $j1: permission denied: only root, SlurmUser"; then
	ok "a user who isn't an operator cannot write SystemComment"
else
	not_ok "a user who isn't an operator cannot write SystemComment (status $st)"
	echo "$out" | sed 's/^/#   /'
fi
"$scarbon" --config "$work/carbon.conf" reconcile --jobs "$j1" --quiet
as_user "$scarbon" --config "$work/carbon.conf" report -S now-1hour --format csv >"$work/user.csv" 2>&1
check "a user's report shows only their own jobs" \
	awk -F, -v u="$user" 'NR > 1 { rows++; if ($1 != u) bad = 1 } END { exit bad || rows != 1 }' "$work/user.csv"
"$scarbon" --config "$work/carbon.conf" report -S now-1hour --format csv >"$work/root.csv" 2>&1
check "an operator's report shows every user" \
	awk -F, -v u="$user" 'NR > 1 && ($1 == u || $1 == "root") { k++ } END { exit k != 2 }' "$work/root.csv"

runuser -u slurm -- env SLURM_CONF="$SLURM_CONF" "$scarbon" --config "$work/carbon.conf" report -S now-1hour --format csv >"$work/slurm.csv" 2>&1
check "SlurmUser's report shows every user" \
	awk -F, -v u="$user" 'NR > 1 && ($1 == u || $1 == "root") { k++ } END { exit k != 2 }' "$work/slurm.csv"
sacctmgr -i modify user where name="$user" set adminlevel=operator >/dev/null
as_user "$scarbon" --config "$work/carbon.conf" report -S now-1hour --format csv >"$work/operator.csv" 2>&1
sacctmgr -i modify user where name="$user" set adminlevel=none >/dev/null
check "an AdminLevel=Operator user's report shows every user" \
	awk -F, -v u="$user" 'NR > 1 && ($1 == u || $1 == "root") { k++ } END { exit k != 2 }' "$work/operator.csv"

# --- the report against the same inputs -----------------------------------------------------
dump "$work/report.sacct"
"$scarbon" --config "$work/carbon.conf" report -S now-1hour --format json >"$work/report.json" 2>"$work/report.err"
check "report totals equal the independent sums" "$python" "$here/verify.py" totals "$work/report.sacct" "$work/report.json"
for f in table parsable csv; do
	check "report --format $f" sh -c "'$scarbon' --config '$work/carbon.conf' report -S now-1hour -g partition --format $f | grep -q compute"
done

# --- a slurmctld restart keeps the figures ---------------------------------------------------
if "$cluster" restart slurmctld >"$work/restart.log" 2>&1; then
	ok "slurmctld restarted"
else
	not_ok "slurmctld restarted"
	tail -n 20 "$work/restart.log" | sed 's/^/#   /'
fi
sleep 5 # time for slurmctld to send slurmdbd what it sends after a restart
dump "$work/restarted.sacct"
if cut -d'|' -f1,14 "$work/report.sacct" | cmp -s - <(cut -d'|' -f1,14 "$work/restarted.sacct"); then
	ok "a slurmctld restart keeps the SystemComment figures"
else
	not_ok "a slurmctld restart keeps the SystemComment figures"
	diff <(cut -d'|' -f1,14 "$work/report.sacct") <(cut -d'|' -f1,14 "$work/restarted.sacct") | sed 's/^/#   /'
fi
"$scarbon" --config "$work/carbon.conf" report -S now-1hour --format json >"$work/report2.json" 2>&1
check "the report is the same after the restart" cmp "$work/report.json" "$work/report2.json"

# --- with the plugin: the submit-time estimate stands in for a missing reconciled figure -----
if [ "$SC_CLUSTER_CARBON" = 1 ]; then
	check "job_submit/carbon wrote its estimate into every managed job's AdminComment" \
		awk -F'|' 'NR > 1 && $4 ~ /^(compute|gpu|compute-fr)$/ && $6 != "None" && $15 !~ /^[{]"carbon":/ { bad = 1 } END { exit bad }' "$work/report.sacct"
	sacctmgr -i modify job where jobid="$j2" set SystemComment= >/dev/null
	dump "$work/estimated.sacct"
	"$scarbon" --config "$work/carbon.conf" report -S now-1hour --format json >"$work/estimated.json" 2>&1
	check "a job without a reconciled figure counts with its estimate" "$python" -c '
import json, sys
t = json.load(open(sys.argv[1]))["total"]
assert t["jobs_estimated"] == 1, t' "$work/estimated.json"
	check "report totals equal the independent sums (with an estimate)" "$python" "$here/verify.py" totals "$work/estimated.sacct" "$work/estimated.json"
	"$scarbon" --config "$work/carbon.conf" reconcile --jobs "$j2" --quiet
fi

# --- carbon budgets over time: consumed by real jobs, reconciled, the next job rejected; a
# burst of 100 submissions against a budget with room for 10 accepts no more than 10 ----------
if [ "$SC_CLUSTER_CARBON" = 1 ]; then
	for acct in physics burst roll; do
		sacctmgr -i add account "$acct" cluster=carbontest description=budget organization=test >/dev/null 2>&1
		sacctmgr -i add user "$user" account="$acct" cluster=carbontest >/dev/null 2>&1
	done
	# gpu, 2 GPUs, 1 minute: 610 W x 1/60 h x 1.3 x 400 g/kWh = 5.29 g estimated; compute, 1 CPU,
	# 1G, 1 minute: 10.3725 W -> 0.0899 g, so that 0.95 g has room for 10.
	# `roll` renews every hour, the next period starting 75 s from now.
	roll_at=$(($(date +%s) + 75))
	cat >>"$work/carbon.conf" <<EOB
ReloadInterval=0:01
BudgetName=small Account=physics Limit=8g Period=month Action=reject
BudgetName=burst Account=burst Limit=0.95g Period=year Action=reject
BudgetName=roll Account=roll Limit=0.1g Start=$(date -u -d "@$((roll_at - 3600))" +%Y-%m-%dT%H:%M:%SZ) Length=1:00:00 Action=reject
EOB
	if "$cluster" restart slurmctld >"$work/restart-budget.log" 2>&1; then
		ok "slurmctld restarted with budgets"
	else
		not_ok "slurmctld restarted with budgets"
		tail -n 20 "$work/restart-budget.log" | sed 's/^/#   /'
	fi
	sleep 3
	# The period rolls over: `roll` has room for one 0.09 g job a period. Two submissions
	# before its next period starts (the second refused), then one after.
	r1=$(sub -A roll -p compute -n 1 --mem=1G -t 1 --hold --wrap 'sleep 1')
	r2=$(as_user sbatch --parsable -o /dev/null -A roll -p compute -n 1 --mem=1G -t 1 --hold --wrap 'sleep 1' 2>&1)
	[ "$(date +%s)" -lt "$roll_at" ] || r2="(too late: the period had already rolled over) $r2"
	while [ "$(date +%s)" -lt $((roll_at + 2)) ]; do sleep 1; done
	r3=$(sub -A roll -p compute -n 1 --mem=1G -t 1 --hold --wrap 'sleep 1')
	if [ -n "$r1" ] && echo "$r2" | grep -q "carbon budget roll: .*: job rejected" && [ -n "$r3" ]; then
		ok "the budget's period rolls over: refused at its limit, accepted again in the next period"
	else
		not_ok "the budget's period rolls over: first '$r1', second '$r2', next period '$r3'"
	fi
	scancel $r1 $r3 2>/dev/null
	ja=$(sub -A physics -p gpu -n 1 --gres=gpu:2 --mem=1G -t 1 --wrap 'sleep 20')
	deadline=$((SECONDS + 120))
	while [ -n "$(squeue -h -j "$ja" -o %i 2>/dev/null)" ] && ((SECONDS < deadline)); do sleep 1; done
	"$scarbon" --config "$work/carbon.conf" reconcile --jobs "$ja" --quiet
	"$scarbon" --config "$work/carbon.conf" budget --all --write --format json >"$work/budget.json" 2>"$work/budget.err"
	check "scarbon budget counts the reconciled figure of the physics job" "$python" -c '
import json, sys
b = {x["name"]: x for x in json.load(open(sys.argv[1]))["budgets"]}["small"]
assert b["jobs"] == 1 and 0.5 < b["actual_g"] < 5 and b["estimated_g"] == 0, b' "$work/budget.json"
	check "the ledger is in StateDir" test -s "$work/state/budgets.json"
	sleep 3 # the reloader picks the ledger up (ReloadInterval=0:01)
	# With the ledger: actual (< 5 g) + 5.29 g fits in 8 g; without it, 2 x 5.29 g would not.
	jb=$(sub -A physics -p gpu -n 1 --gres=gpu:2 --mem=1G -t 1 --hold --wrap 'sleep 1')
	check "the next job fits: the ledger's reconciled figure replaced the first job's estimate" test -n "$jb"
	out=$(as_user sbatch --parsable -o /dev/null -A physics -p gpu -n 1 --gres=gpu:2 --mem=1G -t 1 --hold --wrap 'sleep 1' 2>&1)
	if echo "$out" | grep -q "carbon budget small: .* of 8 gCO2e used (.*), this job's estimate 5.29 gCO2e would make it .*; the period resets at .*: job rejected"; then
		ok "the job after that is rejected with the budget, usage, estimate and reset"
	else
		not_ok "the job after that is rejected with the budget, usage, estimate and reset"
		echo "$out" | sed 's/^/#   /'
	fi
	# (a pending job's AdminComment reaches accounting when it starts: ask slurmctld)
	check "its AdminComment names the budget and its usage" sh -c "scontrol show job '$jb' | grep -q 'AdminComment=.*\"budget\":\"small\",\"budget_used_g\":'"
	as_user "$scarbon" --config "$work/carbon.conf" budget --format parsable >"$work/user-budget.txt" 2>&1
	check "a user's scarbon budget shows the budgets of their accounts" grep -q "^small|physics|" "$work/user-budget.txt"
	[ -n "$jb" ] && scancel "$jb"

	: >"$work/burst.ids"
	for i in $(seq 100); do
		(as_user sbatch --parsable -o /dev/null -A burst -p compute -n 1 --mem=1G -t 1 --hold --wrap 'sleep 1' \
			>>"$work/burst.ids" 2>>"$work/burst.err") &
	done
	wait
	accepted=$(grep -c '^[0-9]' "$work/burst.ids")
	rejected=$(grep -c "carbon budget burst: .*: job rejected" "$work/burst.err")
	if [ "$accepted" -eq 10 ] && [ "$rejected" -eq 90 ]; then
		ok "a burst of 100 concurrent submissions against room for 10: 10 accepted, 90 rejected"
	else
		not_ok "a burst of 100 concurrent submissions against room for 10: $accepted accepted, $rejected rejected"
		sort "$work/burst.err" | uniq -c | head -n 5 | sed 's/^/#   /'
	fi
	scancel $(cut -d';' -f1 "$work/burst.ids") 2>/dev/null

	"$scarbon" --config "$work/carbon.conf" metrics >"$work/metrics.prom" 2>&1
	check "scarbon metrics shows the budgets" grep -q '^slurm_carbon_budget_used_grams{budget="small"} ' "$work/metrics.prom"
fi

# --- the HTML report in headless Chromium ---------------------------------------------------
"$scarbon" --config "$work/carbon.conf" report -S now-1hour --format html >"$work/report.html" 2>"$work/html.err"
if command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
	# The browser's own temporary files go where the rest of the run's do.
	mkdir -p "$work/tmp"
	if TMPDIR=$work/tmp "$python" "$here/cdp_check.py" "$work/report.html" >"$work/cdp.json" 2>"$work/cdp.err"; then
		ok "the HTML report loads in headless Chromium"
		check "its three charts are rendered" "$python" -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = sorted(c["id"] for c in d["charts"] if c["width"] > 100 and c["height"] > 50)
assert ids == ["chart-days", "chart-groups", "chart-intensity"], d["charts"]
assert d["visible_bars"] >= 2 and d["curves"] >= 1 and d["starts"] >= 1 and d["rows"] >= 2, d
' "$work/cdp.json"
		check "the console shows no errors" "$python" -c '
import json, sys
e = json.load(open(sys.argv[1]))["errors"]
assert not e, e' "$work/cdp.json"
	else
		not_ok "the HTML report loads in headless Chromium"
		sed 's/^/#   /' "$work/cdp.err"
	fi
	# The console check can fail: a page with an error is caught.
	printf '<!DOCTYPE html><html><head><title>t</title></head><body><script>console.error("x")</script></body></html>\n' >"$work/control.html"
	check "the console check catches an error (control page)" sh -c "TMPDIR='$work/tmp' '$python' '$here/cdp_check.py' '$work/control.html' | grep -q 'console.error: x'"
else
	not_ok "chromium is installed (scripts/deps.sh test)"
fi

finish
