#!/bin/bash
# slurm-carbon: the demo — build everything and show the planner on the
# bundled offline forecast. (The end-to-end demo on a throwaway single-host
# Slurm replaces this once the plugins land.)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SC_BUILD_DIR:-$top/build-demo}

"$top/scripts/deps.sh" build
(cd "$top" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$build"
(cd "$build" && "$top/configure" -q && make -j"$(nproc)" >/dev/null)
scarbon="$build/cli/scarbon --config $top/etc/carbon.conf.example"
now=2021-11-09T00:00:00Z

echo "== scarbon check-config"
$scarbon check-config --now "$now"
echo
echo "== scarbon forecast --zone DE --hours 24 (as of $now)"
$scarbon forecast --zone DE --hours 24 --now "$now"
echo "== scarbon plan -p compute -c 8 -t 4:00:00 (as of $now)"
$scarbon plan -p compute -c 8 -t 4:00:00 --now "$now"
echo
echo "== the same as the AdminComment JSON the plugin writes"
$scarbon plan -p compute -c 8 -t 4:00:00 --now "$now" --format json
