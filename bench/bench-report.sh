#!/bin/sh
# slurm-carbon: benchmark `scarbon report` (and `scarbon reconcile --dry-run`) on synthetic
# `sacct -P` dumps of 10,000 and 100,000 jobs (bench/gen-sacct.sh).
#
#   bench/bench-report.sh BUILD_DIR [RUNS]
#
# For each size and format: the median wall time of RUNS runs (default 3) and the largest
# maximum resident set size, from GNU time. Memory should not grow with the number of jobs
# (the reader streams; the report keeps one row per group, day and hour).
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: bench-report.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-3}
scarbon=$build/cli/scarbon
conf=$here/../etc/carbon.conf.example
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "bench-report.sh: needs GNU time (Debian package time)" >&2; exit 1; }

printf '%-8s %-26s %10s %12s\n' jobs command "median s" "max RSS KB"
for n in 10000 100000; do
	"$here/gen-sacct.sh" "$n" >"$tmp/dump"
	for what in "report table" "report json" "report html" "reconcile"; do
		: >"$tmp/times"
		i=0
		while [ "$i" -lt "$runs" ]; do
			case $what in
			report*)
				/usr/bin/time -f '%e %M' -a -o "$tmp/times" "$scarbon" --config "$conf" report \
					--input "$tmp/dump" --format "${what#report }" >/dev/null
				;;
			reconcile)
				/usr/bin/time -f '%e %M' -a -o "$tmp/times" "$scarbon" --config "$conf" reconcile \
					--input "$tmp/dump" --dry-run --quiet >/dev/null
				;;
			esac
			i=$((i + 1))
		done
		sort -n "$tmp/times" | awk -v n="$n" -v w="$what" '
			{ t[NR] = $1; if ($2 > m) m = $2 }
			END { printf "%-8s %-26s %10.2f %12d\n", n, (w == "reconcile" ? "reconcile --dry-run" : w), t[int((NR + 1) / 2)], m }'
	done
done
