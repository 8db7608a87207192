#!/bin/bash
# slurm-carbon: submission throughput of one private single-host cluster with and without
# job_submit/carbon and spank/carbon, in alternating runs; prints each run, the medians and
# their ratio (goal: >= 0.95).
#
# Usage (as root): bench/bench_submit.sh BUILD_DIR [ROUNDS] [JOBS] [CLIENTS]
#   ROUNDS rounds of two runs each (ABBA order: with, without, without, with, ...) [5];
#   JOBS held batch jobs per run [1000], submitted by CLIENTS parallel sbatch processes [8],
#   as an ordinary user, over the example's partitions. Before each run slurmctld and slurmd
#   restart with the plugins on or off and slurmctld drops the previous run's jobs (-c).
# The plugins run the example configuration (etc/carbon.conf.example, Mode=enforce) on the
# bundled sample forecasts. Settings: SC_BENCH_DIR [/tmp/slurm-carbon-bench], SC_BENCH_PORT
# [19817]. Stops the cluster at the end.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] && [ -d "$1" ] || { echo "usage: $0 BUILD_DIR [ROUNDS] [JOBS] [CLIENTS]" >&2; exit 2; }
build=$(cd "$1" && pwd)
rounds=${2:-5}
jobs=${3:-1000}
clients=${4:-8}
dir=${SC_BENCH_DIR:-/tmp/slurm-carbon-bench}
user=sctest
export SC_CLUSTER_DIR=$dir SC_CLUSTER_PORT=${SC_BENCH_PORT:-19817} SC_BUILD_DIR=$build
export SC_CARBON_CONF=$dir/bench/carbon.conf SC_CLUSTER_USER=$user TZ=UTC
cluster=$top/scripts/cluster.sh
[ "$(id -u)" = 0 ] || { echo "bench_submit.sh: run as root" >&2; exit 1; }

"$cluster" clean >/dev/null
mkdir -p "$dir/bench/sample"
chmod 755 "$dir" "$dir/bench" "$dir/bench/sample"
cp "$top"/etc/sample/intensity-*.csv "$dir/bench/sample/"
sed -e 's/^Mode=advise$/Mode=enforce/' -e "s#^StateDir=.*#StateDir=$dir/bench/state#" \
	"$top/etc/carbon.conf.example" >"$SC_CARBON_CONF"
chmod 644 "$SC_CARBON_CONF" "$dir"/bench/sample/*
trap '"$cluster" stop >/dev/null' EXIT
SC_CLUSTER_CARBON=1 "$cluster" start >/dev/null
eval "$("$cluster" env)"

parts=(compute gpu flex compute-fr)
lines=$dir/bench/jobs.txt
for ((i = 0; i < jobs; i++)); do
	echo "-p ${parts[i % ${#parts[@]}]} -n $((1 + i % 4)) -t $((10 + i % 240))"
done >"$lines"

# CPU seconds the cluster's daemons have used (utime + stime of each recorded PID).
daemons_cpu() {
	local f pid stat total=0
	for f in "$dir"/pids/*; do
		read -r pid _ <"$f"
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		stat=${stat##*) }
		set -- $stat
		total=$((total + ${12} + ${13}))
	done
	echo "$total $(getconf CLK_TCK)" | awk '{printf "%.3f", $1 / $2}'
}

# The seconds of "XmY.Zs".
secs() { echo "$1" | awk -Fm '{sub(/s$/, "", $2); printf "%.3f", $1 * 60 + $2}'; }

# run CARBON(0|1): restarts the cluster that way, submits the jobs, waits until slurmctld has
# passed every record on to slurmdbd, and prints: jobs/s accepted CPU-ms-per-job.
run() {
	local carbon=$1 t0 t1 n c0 c1 client out
	SC_CLUSTER_CARBON=$carbon SC_CLUSTER_CLEAR_STATE=1 "$cluster" restart >/dev/null
	c0=$(daemons_cpu)
	t0=$(date +%s.%N)
	out=$(cd "$dir/jobs" && runuser -u "$user" -- sh -c '
		xargs -P "$1" -L 1 -a "$2" sh -c "exec sbatch --parsable --hold -o /dev/null -e /dev/null \"\$@\" --wrap true 2>/dev/null" sh
		times' sh "$clients" "$lines")
	t1=$(date +%s.%N)
	n=$(printf '%s\n' "$out" | grep -c '^[0-9]*$' || true)
	# `times`: the shell, then its children (every sbatch); user and system time.
	client=$(printf '%s\n' "$out" | tail -n 1)
	for _ in $(seq 1 120); do
		sdiag 2>/dev/null | grep -q '^DBD Agent queue size: 0$' && break
		sleep 0.5
	done
	c1=$(daemons_cpu)
	echo "$jobs $t0 $t1 $n $c0 $c1 $(secs "${client% *}") $(secs "${client#* }")" |
		awk '{printf "%.1f %d %.2f\n", $1 / ($3 - $2), $4, ($6 - $5 + $7 + $8) * 1000 / $1}'
}

with=()
without=()
cwith=()
cwithout=()
pairs=()
printf '%-6s %-9s %8s %9s %12s\n' round plugins "jobs/s" accepted "CPU ms/job"
for ((r = 1; r <= rounds; r++)); do
	if ((r % 2)); then order="1 0"; else order="0 1"; fi
	for c in $order; do
		read -r rate n cpu < <(run "$c")
		[ "$n" = "$jobs" ] || echo "bench_submit.sh: only $n of $jobs submissions accepted" >&2
		if [ "$c" = 1 ]; then
			with+=("$rate"); cwith+=("$cpu"); label=with; rw=$rate
		else
			without+=("$rate"); cwithout+=("$cpu"); label=without; ro=$rate
		fi
		printf '%-6s %-9s %8s %9s %12s\n' "$r" "$label" "$rate" "$n" "$cpu"
	done
	pairs+=("$(echo "$rw $ro" | awk '{printf "%.3f", $1 / $2}')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mw=$(median "${with[@]}")
mo=$(median "${without[@]}")
cw=$(median "${cwith[@]}")
co=$(median "${cwithout[@]}")
echo
echo "throughput, median: with the plugins $mw jobs/s, without $mo jobs/s"
echo "throughput ratio (with / without): $(echo "$mw $mo" | awk '{printf "%.3f", $1 / $2}') of the medians, $(median "${pairs[@]}") median of the rounds' ratios"
echo "CPU per submission, median (every daemon and every sbatch): with $cw ms, without $co ms"
echo "CPU-bound throughput ratio (without / with CPU per job): $(echo "$co $cw" | awk '{printf "%.3f", $1 / $2}')"
