#!/bin/sh
# slurm-carbon: the one list of the project's Debian (12, bookworm) dependencies.
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run as root. Installs what building, `make check`, the integration tests, the demo and the
# benchmarks need: the toolchain and libraries, and a local Slurm 22.05 with munge, slurmdbd
# and MariaDB for scripts/cluster.sh.
set -eu

build="build-essential autoconf automake libtool pkg-config
	libjansson-dev libcurl4-openssl-dev libcmocka-dev libslurm-dev"
check="valgrind python3"
cluster="slurmctld slurmd slurmdbd slurm-client munge mariadb-server mariadb-client util-linux"

export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $build $check $cluster
