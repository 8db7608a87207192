#!/bin/bash
# slurm-carbon: run every test — the README's test command, and what CI runs.
#
# As root on a fresh Debian 12 machine: installs the dependencies
# (scripts/deps.sh), builds with --enable-werror and runs the unit tests
# (make check), runs them again under valgrind, builds again with
# --enable-sanitizers (ASan + UBSan) and runs them there, runs every
# libFuzzer target of tests/fuzz for $SC_FUZZ_TIME (default 20) seconds
# (`make fuzz-check`, clang; about 7 minutes), checks `make distcheck`, then runs the integration suites (a real single-host
# Slurm, real HTTP on loopback, a headless browser) on Debian's Slurm 22.05.
# Then the Slurm matrix: for each newer release in ../shared/slurm, configure,
# build and `make check` against its headers; on real daemons of 24.11.7 and
# 26.05.3 (built once by scripts/slurm-build.sh into $SC_SLURM_CACHE) the
# Slurm and accounting suites again. Prints one summary line per stage and a
# total; exits non-zero if anything failed.
#
# Options: --quick (unit tests in the werror build only), --no-deps,
#          --no-matrix (Debian's Slurm only), --matrix-daemons=LIST (the
#          releases whose daemons run the suites; default 24.11.7,26.05.3).
# Build trees go to $SC_BUILD_ROOT (default: <source>/build-test).
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
root=${SC_BUILD_ROOT:-$top/build-test}
quick=0
deps=1
matrix=1
real="24.11.7 26.05.3"
for a in "$@"; do
	case "$a" in
	--quick) quick=1 ;;
	--no-deps) deps=0 ;;
	--matrix-daemons=*) real=$(echo "${a#*=}" | tr ',' ' ') ;;
	--no-matrix) matrix=0 ;;
	-h | --help)
		sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) echo "test.sh: unknown option '$a' (expected --quick, --no-deps, --no-matrix, --matrix-daemons=LIST)" >&2; exit 2 ;;
	esac
done
# The Slurm releases after Debian's: built against their headers; those in `real` also run
# the integration suites on their own daemons.
releases="23.11.10 24.05.8 24.11.7 25.05.8 25.11.7 26.05.3"

total_pass=0
total_fail=0
summary=()
record() { # stage passed failed
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	summary+=("$(printf '%-44s %5d passed, %d failed' "$1:" "$2" "$3")")
	printf '== %s: %d passed, %d failed\n' "$1" "$2" "$3"
}
jobs=$(nproc 2>/dev/null || echo 2)

if [ "$deps" = 1 ]; then
	"$top/scripts/deps.sh" all || { echo "test.sh: installing dependencies failed" >&2; exit 1; }
fi

cd "$top" || exit 1
autoreconf -fi >"$root.autoreconf.log" 2>&1 || { mkdir -p "$root"; cat "$root.autoreconf.log"; exit 1; }
rm -f "$root.autoreconf.log"

# build DIR CONFIGURE-ARGS...: configure and build out of tree.
build() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" >configure.out 2>&1 && make -j"$jobs" >make.out 2>&1) || {
		echo "test.sh: build in $dir failed:" >&2
		tail -n 40 "$dir"/configure.out "$dir"/make.out 2>/dev/null >&2
		return 1
	}
}

# unit STAGE DIR: make check, then count results from the TAP driver's log.
unit() {
	local stage=$1 dir=$2 pass fail
	(cd "$dir" && make -j"$jobs" check >check.out 2>&1)
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$dir/check.out" | grep -v '^PASS' || true
	pass=$(awk '/^# PASS:/ {s += $3} END {print s + 0}' "$dir/check.out")
	fail=$(awk '/^# (FAIL|ERROR|XPASS):/ {s += $3} END {print s + 0}' "$dir/check.out")
	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
		tail -n 30 "$dir/check.out"
		fail=1
	fi
	grep -E '^# (TOTAL|PASS|FAIL|ERROR):' "$dir/check.out" | sed "s/^/  [$stage] /"
	record "$stage" "$pass" "$fail"
}

# valgrind_units DIR: every unit-test binary under memcheck.
valgrind_units() {
	local dir=$1 pass=0 fail=0 t
	for t in "$dir"/tests/unit/test_*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		case "$t" in *.o | *.log | *.trs) continue ;; esac
		if (cd "$dir" && SC_TOP_SRCDIR=$top SC_TOP_BUILDDIR=$dir valgrind -q --error-exitcode=99 \
			--leak-check=full --errors-for-leak-kinds=definite "$t" >"$t.valgrind.log" 2>&1); then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "valgrind: $(basename "$t") failed; see $t.valgrind.log"
			tail -n 20 "$t.valgrind.log"
		fi
	done
	record "unit tests under valgrind (binaries)" "$pass" "$fail"
}

# fuzz_check DIR: builds the fuzz targets with clang and runs each one
# $SC_FUZZ_TIME seconds from its seeds; a target passes when it ends
# without a finding (make fuzz-check stops at the first one).
fuzz_check() {
	local dir=$1 secs=${SC_FUZZ_TIME:-20} pass fail=0
	if ! (cd "$dir" && make -j"$jobs" fuzz >fuzz-build.out 2>&1); then
		tail -n 30 "$dir/fuzz-build.out"
		record "fuzz-check (build)" 0 1
		return
	fi
	(cd "$dir" && make fuzz-check FUZZ_TIME="$secs" >fuzz-check.out 2>&1) || fail=1
	grep -E '^fuzz-check: .* FAILED' "$dir/fuzz-check.out" || true
	pass=$(grep -c '^stat::number_of_executed_units' "$dir/fuzz-check.out")
	record "fuzz-check ($secs s per target)" "$pass" "$fail"
}

# suite NAME CMD...: an integration suite that prints "N passed, N failed"
# as its last such line and exits non-zero on failure.
suite() {
	local name=$1 out line pass fail rc
	shift
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	pass=$(echo "$line" | sed -nE 's/.*\b([0-9]+) passed.*/\1/p')
	fail=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
	pass=${pass:-0}
	fail=${fail:-0}
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
	fi
	rm -f "$out"
	record "$name" "$pass" "$fail"
}

# The architecture the README draws: includes run downward, no circles.
suite "layers (scripts/check-layers.py)" python3 "$top/scripts/check-layers.py" "$top"

werror=$root/werror
if build "$werror" --enable-werror; then
	unit "unit tests (werror build)" "$werror"
else
	record "build (werror)" 0 1
fi

if [ "$quick" = 0 ]; then
	[ -d "$werror/tests" ] && valgrind_units "$werror"
	asan=$root/sanitizers
	if build "$asan" --enable-werror --enable-sanitizers; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			unit "unit tests (ASan+UBSan build)" "$asan"
	else
		record "build (sanitizers)" 0 1
	fi
	[ -d "$werror/tests" ] && fuzz_check "$werror"
	if (cd "$werror" && make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >distcheck.out 2>&1); then
		record "make distcheck" 1 0
	else
		tail -n 40 "$werror/distcheck.out"
		record "make distcheck" 0 1
	fi

	# Integration suites (each starts and stops what it needs).
	for runner in "$top"/tests/integration/*/run.sh; do
		[ -x "$runner" ] || continue
		name=$(basename "$(dirname "$runner")")
		suite "integration: $name" "$runner" "$werror"
	done
fi

# The Slurm matrix.
if [ "$quick" = 0 ] && [ "$matrix" = 1 ]; then
	for v in $releases; do
		case " $real " in *" $v "*) on_daemons=1 ;; *) on_daemons=0 ;; esac
		start=$SECONDS
		if [ "$on_daemons" = 1 ]; then
			prefix=$("$top/scripts/slurm-build.sh" "$v" | tail -n 1) || prefix=""
		else
			prefix=$("$top/scripts/slurm-build.sh" --headers "$v" | tail -n 1) || prefix=""
		fi
		if [ -z "$prefix" ] || [ ! -d "$prefix/include/slurm" ]; then
			record "Slurm $v: build of Slurm" 0 1
			continue
		fi
		dir=$root/slurm-$v
		if ! build "$dir" --enable-werror --with-slurm="$prefix"; then
			record "Slurm $v: build" 0 1
			continue
		fi
		grep -m1 -A3 '^  Slurm headers:' "$dir/config.log" | sed "s/^/  [Slurm $v] /"
		unit "Slurm $v: unit tests" "$dir"
		if [ "$on_daemons" = 1 ]; then
			for name in slurm accounting; do
				PATH=$prefix/bin:$PATH SC_SLURM_PREFIX=$prefix \
					suite "Slurm $v: integration: $name" "$top/tests/integration/$name/run.sh" "$dir"
			done
		fi
		echo "== Slurm $v: $((SECONDS - start)) s"
	done
fi

echo
echo "Summary"
for s in "${summary[@]}"; do echo "  $s"; done
printf '  %-44s %5d passed, %d failed\n' "TOTAL:" "$total_pass" "$total_fail"
[ "$total_fail" -eq 0 ]
