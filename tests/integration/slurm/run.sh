#!/bin/sh
# slurm-carbon: the Slurm integration suite (job_submit/carbon, spank/carbon) on a private
# single-host cluster. Usage, as root: tests/integration/slurm/run.sh BUILD_DIR
# BUILD_DIR is a configured and built tree; nothing is built here. Prints TAP lines and
# "N passed, N failed"; exits non-zero on any failure. See test_slurm.py for the settings.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
if [ ! -x "$1/cli/scarbon" ] || [ ! -e "$1/plugin/.libs/job_submit_carbon.so" ] ||
	[ ! -x "$1/tests/integration/slurm/sc_forge" ]; then
	echo "run.sh: $1 holds no built scarbon and plugins: build it first (make -C $1)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# On a Slurm built under a prefix (SC_SLURM_PREFIX, as scripts/cluster.sh takes it), its
# commands come first.
if [ -n "${SC_SLURM_PREFIX:-}" ]; then
	PATH=$SC_SLURM_PREFIX/bin:$PATH
	export PATH
fi
exec python3 "$(dirname "$0")/test_slurm.py" "$1"
