#!/bin/sh
# slurm-carbon: install the project's Debian 12 dependencies (as root).
# The one place that lists them. Usage: scripts/deps.sh [build|cluster|test|package|slurm-source|all] ...
# (default: all; slurm-source is not part of all). Installs nothing when everything is present already.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

# Building: compiler, autotools, and the libraries the code uses.
BUILD="build-essential autoconf automake libtool pkg-config libjansson-dev libcurl4-openssl-dev libcmocka-dev libslurm-dev"
# A private single-host Slurm for the demo and the integration tests.
CLUSTER="slurmctld slurmd slurmdbd slurm-client munge mariadb-server mariadb-client procps"
# Building and checking the packages (debian/, slurm-carbon.spec; tests/integration/package).
PACKAGE="dpkg-dev debhelper fakeroot lintian rpm"
# Building a private Slurm from SchedMD's source (scripts/slurm-build.sh): its compiler and
# autotools come from BUILD; MUNGE for auth/munge, MariaDB's client for accounting_storage/mysql.
SLURM_SOURCE="build-essential pkg-config python3 libmunge-dev libmariadb-dev libmariadb-dev-compat zlib1g-dev liblz4-dev libreadline-dev libssl-dev xz-utils"
# Test tools: the providers' mock server (python3), valgrind, a headless browser
# for the HTML report, promtool (in prometheus) for the metrics, clang with
# LLVM's libFuzzer runtime (libclang-rt-dev) for `make fuzz`, and what the
# integration scripts and benchmarks call.
TEST="python3 valgrind chromium ca-certificates curl time prometheus clang libclang-rt-dev"

want=""
[ $# -gt 0 ] || set -- all
for group in "$@"; do
	case "$group" in
	build) want="$want $BUILD" ;;
	cluster) want="$want $CLUSTER" ;;
	test) want="$want $TEST" ;;
	slurm-source) want="$want $SLURM_SOURCE" ;;
	package) want="$want $PACKAGE" ;;
	all) want="$want $BUILD $CLUSTER $TEST $PACKAGE" ;;
	*) echo "deps.sh: unknown group '$group' (expected build, cluster, test, package, slurm-source or all)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
# Installing slurmctld, slurmd, slurmdbd, munge or mariadb-server must not
# start the system's own daemons: the project runs private ones.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	policy=/usr/sbin/policy-rc.d
fi
trap '[ -z "$policy" ] || rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
