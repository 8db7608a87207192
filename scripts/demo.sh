#!/bin/bash
# slurm-carbon: the demo — the README's first command.
#
# As root on a fresh Debian 12 machine: installs what it needs (scripts/deps.sh), builds,
# starts a throwaway single-host Slurm (munge, MariaDB, slurmdbd, slurmctld, slurmd, in
# /tmp/slurm-carbon-demo) with job_submit/carbon, spank/carbon and the example carbon.conf
# (etc/carbon.conf.example with Mode=enforce and ExemptAccounts=ops) on the bundled offline
# forecast (etc/sample: real German and French grid intensities replayed onto this week),
# submits a handful of realistic jobs as an ordinary user, and shows what happened: the
# plugin's messages, squeue with start times, sacct with the AdminComment estimates of the
# jobs that ran, then the loop a site runs after each job: EpilogSlurmctld (the installed
# scarbon-epilog.sh) runs `scarbon reconcile`, which records the job's actual emissions in
# its SystemComment as plain JSON (sacct -o SystemComment), and scarbon report by user
# counts those reconciled figures. The cluster keeps running for you to explore.
#
#   scripts/demo.sh          run the demo
#   scripts/demo.sh --env    print the `export ...` lines for Slurm's commands on the demo cluster
#   scripts/demo.sh --stop   stop the demo cluster
#
# Settings: SC_DEMO_DIR [/tmp/slurm-carbon-demo], SC_DEMO_PORT (first of four TCP ports)
# [18817], SC_BUILD_DIR [<source>/build-demo].
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SC_BUILD_DIR:-$top/build-demo}
dir=${SC_DEMO_DIR:-/tmp/slurm-carbon-demo}
user=sctest
export SC_CLUSTER_DIR=$dir SC_CLUSTER_PORT=${SC_DEMO_PORT:-18817} SC_BUILD_DIR=$build
export SC_CARBON_CONF=$dir/demo/carbon.conf SC_CLUSTER_CARBON=1 SC_CLUSTER_USER=$user
export SC_CLUSTER_CPUS=32 SC_CLUSTER_MEM_MB=64000
export TZ=UTC
cluster=$top/scripts/cluster.sh

case ${1:-} in
--stop) exec "$cluster" stop ;;
--env) exec "$cluster" env ;;
"") ;;
*) echo "usage: $0 [--env|--stop]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (it installs packages and starts daemons)" >&2; exit 1; }

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Installing the dependencies (scripts/deps.sh build cluster)"
"$top/scripts/deps.sh" build cluster

step "Building in $build"
(cd "$top" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$build"
(cd "$build" && "$top/configure" -q && make -j"$(nproc)" >/dev/null)
scarbon="$build/cli/scarbon --config $SC_CARBON_CONF"

step "Starting a throwaway single-host Slurm in $dir"
"$cluster" clean >/dev/null
mkdir -p "$dir/demo/sample" "$dir/demo/state"
chmod 755 "$dir" "$dir/demo" "$dir/demo/sample"
# StateDir: the plugin (as SlurmUser) saves its decision counters there (scarbon metrics).
chown slurm:slurm "$dir/demo/state"
# The example configuration, enforcing, with an exempt account; its forecasts next to it
# (relative paths in carbon.conf are relative to its directory, and SlurmUser must read them).
cp "$top"/etc/sample/intensity-*.csv "$dir/demo/sample/"
# EpilogSlurmctld: the script `make install` puts in $(pkgdatadir), told where this cluster,
# its scarbon and carbon.conf are. slurmctld runs it as SlurmUser, for every job that ends.
cat >"$dir/demo/epilog.sh" <<EOF
#!/bin/sh
export SLURM_CONF=$dir/etc/slurm.conf
export SCARBON=$build/cli/scarbon SCARBON_CONFIG=$SC_CARBON_CONF SCARBON_EPILOG_LOG=$dir/demo/epilog.log
exec /bin/sh $build/etc/scarbon-epilog.sh
EOF
chmod 755 "$dir/demo/epilog.sh"
: >"$dir/demo/epilog.log"
chown slurm "$dir/demo/epilog.log"
echo "EpilogSlurmctld=$dir/demo/epilog.sh" >"$dir/demo/slurm-extra.conf"
export SC_CLUSTER_EXTRA_CONF=$dir/demo/slurm-extra.conf
sed -e 's/^Mode=advise$/Mode=enforce/' -e 's/^#ExemptAccounts=ops$/ExemptAccounts=ops/' \
	-e "s#^StateDir=.*#StateDir=$dir/demo/state#" \
	"$top/etc/carbon.conf.example" >"$SC_CARBON_CONF"
chmod 644 "$SC_CARBON_CONF" "$dir"/demo/sample/*
echo "carbon.conf: etc/carbon.conf.example with"
{ diff "$top/etc/carbon.conf.example" "$SC_CARBON_CONF" || true; } | sed -n "s/^> /    /p"
"$cluster" start
eval "$("$cluster" env)"
sinfo -o "%12P %.5a %.6D %.10T %G"

step "scarbon check-config"
$scarbon check-config

step "The forecast for zone DE (partitions compute, gpu, flex), next 24 hours"
$scarbon forecast --zone DE --hours 24 --window 4:00:00

step "Submitting jobs as user $user (the lines after each command are the plugin's message)"
jobs_dir=$dir/jobs
submit() { # submit NAME SECONDS SBATCH-ARGS...: prints the command, sbatch's output, sets $last
	local name=$1 secs=$2 out
	shift 2
	printf '\n$ sbatch -J %s %s\n' "$name" "$*"
	out=$(cd "$jobs_dir" && runuser -u "$user" -- sbatch --parsable -J "$name" -o /dev/null "$@" \
		--wrap "sleep $secs" 2>&1) || true
	printf '%s\n' "$out" | sed 's/^/  /'
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+$' | tail -n 1 || true)
}
short=()
submit cpu-sim 600 -p compute -n 8 -t 4:00:00
submit gpu-train 600 -p gpu --gres=gpu:2 -c 4 -t 8:00:00
submit ensemble 600 -p compute -n 4 -t 2:00:00 --carbon-budget=3kg
submit finetune 600 -p gpu --gres=gpu:4 -t 12:00:00 --carbon-budget=1kg
# Jobs that run now, so that sacct has records to show during the demo.
submit postproc 15 -p flex -n 4 -t 1:00:00 --carbon-max-delay=0
short+=("$last")
submit backup 15 -A ops -p compute -t 1:00:00
short+=("$last")
submit smoke-test 15 -p compute -n 2 -t 0:30:00 --carbon-max-delay=0
short+=("$last")
submit gpu-smoke 60 -p gpu --gres=gpu:2 -c 8 -t 0:30:00 --carbon-max-delay=0
short+=("$last")

step "squeue: delayed jobs wait for their greener window (START_TIME, reason BeginTime)"
squeue -o "%.6i %.10j %.8u %.10P %.9T %.20S %.12r"

step "Waiting for the short jobs (${short[*]}) to finish and reach the accounting database"
list=$(IFS=,; echo "${short[*]}")
for _ in $(seq 1 60); do
	done_n=$(sacct -X -n -P -j "$list" -o State,AdminComment 2>/dev/null |
		grep -c '^COMPLETED|{' || true)
	[ "$done_n" -ge "${#short[@]}" ] && break
	sleep 2
done

step "sacct: the submit-time estimate of each finished job, from its AdminComment"
field() { printf '%s' "$2" | { grep -o "\"$1\":[^,}]*" || true; } | head -n 1 | cut -d: -f2- | tr -d '"'; }
printf '%-6s %-11s %-11s %-14s %-20s %9s %9s %11s %9s\n' JobID JobName Partition Decision \
	"Planned start (UTC)" kWh gCO2e "run as req." saving
sacct -X -n -P -j "$list" -o JobID,JobName,Partition,AdminComment | while IFS='|' read -r id name part ac; do
	start=$(field start "$ac")
	[ -n "$start" ] && start=$(date -u -d "@$start" '+%Y-%m-%d %H:%M')
	saving=$(field saving_pct "$ac")
	printf '%-6s %-11s %-11s %-14s %-20s %9s %9s %11s %9s\n' "$id" "$name" "$part" \
		"$(field decision "$ac")" "${start:--}" "$(field kwh "$ac")" "$(field gco2e "$ac")" \
		"$(field baseline_gco2e "$ac")" "${saving:+$saving%}"
done
echo
echo "One record in full (sacct -o AdminComment):"
sacct -X -n -P -j "${short[0]}" -o AdminComment | sed 's/^/  /'

step "EpilogSlurmctld: scarbon reconcile records each finished job's actual emissions"
echo "slurm.conf: $(cat "$SC_CLUSTER_EXTRA_CONF")  ->  $build/etc/scarbon-epilog.sh"
for _ in $(seq 1 45); do
	rec_n=$(sacct -X -n -P -j "$list" -o SystemComment 2>/dev/null | grep -c '"carbon_actual"' || true)
	[ "$rec_n" -ge "${#short[@]}" ] && break
	sleep 2
done
echo "${rec_n:-0} of ${#short[@]} finished jobs reconciled by the epilog"
if [ -s "$dir/demo/epilog.log" ]; then
	echo "The epilog's log ($dir/demo/epilog.log):"
	sed 's/^/  /' "$dir/demo/epilog.log"
fi

step "sacct: the actual emissions of each finished job, from its SystemComment"
printf '%-6s %-11s %-11s %10s %-9s %8s %-9s %5s %9s %9s\n' JobID JobName Partition kWh "(from)" \
	gCO2/kWh "(from)" PUE gCO2e estimate
sacct -X -n -P -j "$list" -o JobID,JobName,Partition,SystemComment,AdminComment |
	while IFS='|' read -r id name part sc ac; do
		printf '%-6s %-11s %-11s %10s %-9s %8s %-9s %5s %9s %9s\n' "$id" "$name" "$part" \
			"$(field kwh "$sc")" "$(field energy_source "$sc")" "$(field ci "$sc")" \
			"$(field ci_source "$sc")" "$(field pue "$sc")" "$(field gco2e "$sc")" "$(field gco2e "$ac")"
	done
echo "(estimate: the plugin's at submission, for the whole time limit; gCO2e: what the job's"
echo " real run emitted, on the intensity over its run)"
echo
echo "One record in full (sacct -P -n -o SystemComment -j ${short[0]}): plain JSON, as jq or python read it"
sacct -X -n -P -j "${short[0]}" -o SystemComment | sed 's/^/  /'
if sacct -X -n -P -j "${short[0]}" -o SystemComment |
	python3 -c 'import json, sys; json.loads(sys.stdin.read())["carbon_actual"]' 2>/dev/null; then
	echo "  (json.loads reads it: valid JSON)"
else
	echo "  (not valid JSON: was libslurm loadable? see the epilog's log)"
fi

step "scarbon report (by user): the reconciled figures, then what is still an estimate"
$scarbon report -a -S "$(date -u '+%Y-%m-%dT00:00:00')" || true

step "scarbon metrics: what Prometheus would scrape (the plugin's counters, the zones)"
$scarbon metrics | grep -v '^#' | grep -E 'decisions_total\{.*\} [1-9]|avoided|intensity_' || true

cat <<EOF

The demo cluster keeps running in $dir; the delayed jobs start in their windows, and
EpilogSlurmctld reconciles each one as it ends.
  eval "\$($0 --env)"            # then squeue, scontrol show job N, sacct, ...
  $build/cli/scarbon --config $SC_CARBON_CONF plan -p gpu --gres=gpu:1 -t 4:00:00
  $0 --stop                      # stops every daemon the demo started
EOF
