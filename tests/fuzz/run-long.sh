#!/bin/sh
# slurm-carbon: runs every fuzz target for a long time (issue 14: hours,
# >= 10 million execs each), keeping the grown corpora and any findings
# outside the source tree.
#
#   tests/fuzz/run-long.sh BUILD_DIR [SECONDS_PER_TARGET] [OUT_DIR] [JOBS]
#
# BUILD_DIR: a configured build directory (the targets are built there with
# `make fuzz`); SECONDS_PER_TARGET: default 3600; OUT_DIR: default
# $HOME/slurm-carbon-fuzz (corpus/<target>/ grows across runs, crashes go to
# findings/<target>-crash-*, logs to logs/<target>.log); JOBS: targets run
# at once (default 1). Exits 1 when any target found something.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
build=${1:?usage: run-long.sh BUILD_DIR [SECONDS] [OUT_DIR] [JOBS]}
secs=${2:-3600}
out=${3:-$HOME/slurm-carbon-fuzz}
jobs=${4:-1}
src=$(cd "$(dirname "$0")/../.." && pwd)
# every target of tests/fuzz/targets (name and dictionary per line)
targets=$(sed -n 's/^\(fuzz_[a-z_]*\) .*/\1/p' "$src/tests/fuzz/targets")

case $out in "$src"/*) echo "run-long.sh: OUT_DIR must be outside the source tree" >&2; exit 2;; esac
make -C "$build" fuzz || exit 2
mkdir -p "$out/findings" "$out/logs" || exit 2

run() {
	t=$1
	dict=$(sed -n "s/^$t //p" "$src/tests/fuzz/targets")
	mkdir -p "$out/corpus/$t"
	"$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict="$src/tests/fuzz/$dict.dict" -artifact_prefix="$out/findings/$t-" \
		"$out/corpus/$t" "$src/tests/fuzz/corpus/$t" >"$out/logs/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/logs/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$out/logs/$t.log" | tail -1)
	echo "$t: exit $rc, ${execs:-?} execs, ${rate:-?}/s, ${cov:-cov: ?}"
	return $rc
}

status=0
running=0
for t in $targets; do
	run "$t" >"$out/logs/$t.summary" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
for t in $targets; do
	cat "$out/logs/$t.summary"
	grep -q ': exit 0,' "$out/logs/$t.summary" || status=1
done
exit $status
