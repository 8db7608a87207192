#!/bin/bash
# slurm-carbon: the EpilogSlurmctld script as slurmctld runs it — an almost empty
# environment (no SLURM_CONF, a minimal PATH) — takes SLURM_CONF and the rest from
# $(sysconfdir)/default/scarbon (here SCARBON_DEFAULTS), runs `scarbon reconcile` for the
# job, and never fails the epilog. A stand-in scarbon records what it was given. TAP.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
top=${SC_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SC_TOP_BUILDDIR:-$top/build}
epilog=$build/etc/scarbon-epilog.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-epilog-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { # ok COND-STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
echo "1..5"

cat >"$tmp/scarbon" <<'SH'
#!/bin/sh
{ echo "SLURM_CONF=${SLURM_CONF:-}"; echo "SCARBON_X=${SCARBON_X:-}"; echo "JOB=${SLURM_JOB_ID:-}"; echo "ARGS=$*"; } >"$OUT"
echo "stand-in scarbon: an error for the log" >&2
exit 1
SH
chmod 755 "$tmp/scarbon"
printf '# written by test_epilog.sh\nSLURM_CONF=/opt/slurm/etc/slurm.conf\nSCARBON_X=from-defaults\n' >"$tmp/defaults"

# As slurmctld runs it: no SLURM_CONF, a minimal PATH.
env -i PATH=/usr/bin:/bin SLURM_JOB_ID=42 SLURM_SCRIPT_CONTEXT=epilog_slurmctld OUT="$tmp/out" \
	SCARBON="$tmp/scarbon" SCARBON_DEFAULTS="$tmp/defaults" SCARBON_EPILOG_LOG="$tmp/log" \
	/bin/sh "$epilog"
ok $? "the epilog exits 0 when scarbon fails"
grep -qx 'SLURM_CONF=/opt/slurm/etc/slurm.conf' "$tmp/out"
ok $? "SLURM_CONF comes from the defaults file"
grep -qx 'SCARBON_X=from-defaults' "$tmp/out" && grep -qx 'JOB=42' "$tmp/out" &&
	grep -qx 'ARGS=reconcile --quiet' "$tmp/out"
ok $? "the defaults are exported to scarbon, with the job's id, to reconcile it"
grep -q 'stand-in scarbon: an error for the log' "$tmp/log"
ok $? "scarbon's errors go to SCARBON_EPILOG_LOG"

# No defaults file: nothing is invented, SCARBON_CONFIG still works.
rm -f "$tmp/out"
env -i PATH=/usr/bin:/bin SLURM_JOB_ID=43 OUT="$tmp/out" SCARBON="$tmp/scarbon" \
	SCARBON_DEFAULTS="$tmp/none" SCARBON_CONFIG=/etc/x/carbon.conf SCARBON_EPILOG_LOG="$tmp/log" \
	/bin/sh "$epilog"
grep -qx 'SLURM_CONF=' "$tmp/out" && grep -qx 'ARGS=--config /etc/x/carbon.conf reconcile --quiet' "$tmp/out"
ok $? "without a defaults file: no SLURM_CONF, SCARBON_CONFIG passed as --config"
[ "$fails" = 0 ]
