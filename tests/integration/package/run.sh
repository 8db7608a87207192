#!/bin/bash
# slurm-carbon integration suite "package": the Debian packages, as a site installs them.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   tests/integration/package/run.sh BUILD_DIR
#
# As root on Debian 12. Builds the .debs with `dpkg-buildpackage -us -uc -b` from the
# distribution BUILD_DIR makes (`make distdir`: what a release tarball holds), or takes them
# from SC_DEB_DIR; runs lintian (no errors allowed); checks the plugins' dependencies on the
# Slurm release they were built for; installs them with `apt-get install ./*.deb`; starts a
# private cluster (scripts/cluster.sh) whose slurmctld loads job_submit/carbon from the
# package's path and whose sbatch loads spank/carbon as the README enables it; submits a job
# that gets planned; checks that a plugin built for another Slurm release is refused with the
# log line the README quotes; then stops the cluster and purges the packages (the system is
# left as it was: packages installed before the run stay installed).
#
# Settings (environment):
#   SC_DEB_DIR            directory holding slurm-carbon*_*.deb to test instead of building []
#   SC_PKG_WORK           scratch directory (kept after a failure)  [a new /tmp/sc-pkg-XXXXXX]
#   SC_PKG_CLUSTER_DIR    the cluster's scratch directory                 [/tmp/sc-pkg-cluster]
#   SC_PKG_CLUSTER_PORT   its first of four ports      [the first free block from 18817 on]
#   SC_PKG_KEEP           1: leave the packages installed and the cluster running      [0]
#
# Prints TAP-style lines and "N passed, M failed"; exits non-zero when anything failed.
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
cluster=$top/scripts/cluster.sh
t_start=$SECONDS

pass=0
fail=0
n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/#   /'; }
note() { echo "# $*"; }
# check DESCRIPTION CMD...: one test line from CMD's status (its output shown on failure).
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		echo "$out" | tail -n 30 | diag
	fi
}
finish() {
	note "package suite took $((SECONDS - t_start)) s"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { not_ok "running as root (it installs packages and starts a private Slurm)"; finish; }
command -v dpkg-query >/dev/null && [ -r /etc/debian_version ] ||
	{ not_ok "running on Debian (dpkg)"; finish; }

pkgs="slurm-carbon slurm-carbon-ctld slurm-carbon-spank"
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
plugindir=/usr/lib/$multiarch/slurm-wlm
installed_before=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" &&
		installed_before="$installed_before $p"
done
[ -z "$installed_before" ] || note "installed before this run (left installed):$installed_before"

work=${SC_PKG_WORK:-$(mktemp -d /tmp/sc-pkg-XXXXXX)}
mkdir -p "$work"
chmod 755 "$work"
export SC_CLUSTER_DIR=${SC_PKG_CLUSTER_DIR:-/tmp/sc-pkg-cluster}
# Ports: a block of its own, away from the slurm suite's (17817 on) and accounting's (19417 on).
export SC_CLUSTER_PORT=${SC_PKG_CLUSTER_PORT:-$(python3 "$here/../lib/ports.py" 18817 19400)}
export SC_CLUSTER_USER=sctest
export SC_BUILD_DIR=$build
export SC_PLUGIN_DIR=$plugindir
export SC_CARBON_CONF=$work/etc/carbon.conf
export SC_CLUSTER_CARBON=1
unset SC_SLURM_PREFIX SC_CLUSTER_EXTRA_CONF SLURM_CARBON_CONF
for v in $(env | sed -n 's/^\(SLURM_SPANK[^=]*\|SBATCH_[^=]*\|SALLOC_[^=]*\|SRUN_[^=]*\)=.*/\1/p'); do
	unset "$v"
done
export SLURM_CONF=$SC_CLUSTER_DIR/etc/slurm.conf TZ=UTC
cluster_started=0
purge_needed=0

cleanup() {
	if [ "${SC_PKG_KEEP:-0}" = 1 ]; then
		note "SC_PKG_KEEP=1: packages and cluster ($SC_CLUSTER_DIR) left as they are"
		return
	fi
	if [ "$cluster_started" = 1 ]; then
		"$cluster" stop >"$work/cluster-stop.out" 2>&1 || cat "$work/cluster-stop.out" | diag
	fi
	if [ "$purge_needed" = 1 ]; then
		local p purge=""
		for p in $pkgs; do
			case " $installed_before " in *" $p "*) ;; *) purge="$purge $p" ;; esac
		done
		# shellcheck disable=SC2086
		[ -z "$purge" ] || DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $purge >"$work/purge.out" 2>&1 ||
			{ echo "# apt-get purge$purge failed:"; diag <"$work/purge.out"; }
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------------------
# What building and checking a package takes: scripts/deps.sh's group `package`.
"$top/scripts/deps.sh" package >"$work/tools.out" 2>&1 ||
	{ not_ok "installing the packaging tools (scripts/deps.sh package)"; diag <"$work/tools.out"; finish; }

# --- build -----------------------------------------------------------------------------
if [ -n "${SC_DEB_DIR:-}" ]; then
	debdir=$(cd "$SC_DEB_DIR" && pwd)
	note "testing the packages in $debdir"
else
	debdir=$work/debs
	version=$(sed -n 's/^VERSION = //p' "$build/Makefile")
	src=$debdir/slurm-carbon-$version
	mkdir -p "$debdir"
	t0=$SECONDS
	# The distribution's files (what `make dist` packs), so that the packages are built from
	# what a release holds and debian/ is checked to be part of it.
	if make -C "$build" distdir >"$work/distdir.out" 2>&1 && rm -rf "$src" &&
		mv "$build/slurm-carbon-$version" "$src"; then
		ok "make distdir: the distribution holds debian/ and slurm-carbon.spec"
	else
		not_ok "make distdir in $build"
		tail -n 20 "$work/distdir.out" | diag
		finish
	fi
	[ -x "$src/debian/rules" ] && [ -r "$src/slurm-carbon.spec" ] ||
		{ not_ok "the distribution holds debian/rules and slurm-carbon.spec"; finish; }
	if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/dpkg-buildpackage.out" 2>&1; then
		ok "dpkg-buildpackage -us -uc -b builds the packages ($((SECONDS - t0)) s, with make check)"
	else
		not_ok "dpkg-buildpackage -us -uc -b"
		tail -n 40 "$work/dpkg-buildpackage.out" | diag
		finish
	fi
fi
deb() { ls "$debdir/$1"_*_"$arch".deb 2>/dev/null | head -n 1; }
debs=""
for p in $pkgs; do
	f=$(deb "$p")
	[ -n "$f" ] || { not_ok "$p's .deb in $debdir"; finish; }
	debs="$debs $f"
done
ok "three packages:$(for f in $debs; do printf ' %s' "$(basename "$f")"; done)"

# --- lintian -------------------------------------------------------------------------------
# shellcheck disable=SC2086
lintian --tag-display-limit 0 --fail-on error $debs >"$work/lintian.out" 2>&1
rc=$?
errors=$(grep -c '^E:' "$work/lintian.out")
warnings=$(grep -c '^W:' "$work/lintian.out")
if [ "$rc" -eq 0 ] && [ "$errors" -eq 0 ]; then
	ok "lintian: no errors ($warnings warnings)"
else
	not_ok "lintian: $errors errors (exit status $rc)"
	grep -v -E '^[EWINPX]:' "$work/lintian.out" | grep -v 'root privileges' | diag
fi
grep -E '^[EW]:' "$work/lintian.out" | diag

# --- dependencies on the Slurm release ------------------------------------------------------
ctld_ver=$(dpkg-query -W -f='${Version}' slurmctld 2>/dev/null)
slurm_ver=$(echo "$ctld_ver" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
[ -n "$slurm_ver" ] || { not_ok "slurmctld is installed (scripts/deps.sh cluster)"; finish; }
major=${slurm_ver%%.*}
rest=${slurm_ver#*.}
minor=${rest%%.*}
micro=${rest#*.}
next_micro="$major.$minor.$((10#$micro + 1))"
next_minor="$major.$(printf %02d $((10#$minor + 1)))"
ctld_dep=$(dpkg-deb -f "$(deb slurm-carbon-ctld)" Depends)
spank_dep=$(dpkg-deb -f "$(deb slurm-carbon-spank)" Depends)
want_ctld="slurmctld (>= $slurm_ver), slurmctld (<< $next_micro~)"
want_spank="slurm-wlm-basic-plugins (>= $major.$minor), slurm-wlm-basic-plugins (<< $next_minor~)"
case ", $ctld_dep, " in
*", $want_ctld, "*) ok "slurm-carbon-ctld depends on slurmctld $slurm_ver exactly: $want_ctld" ;;
*) not_ok "slurm-carbon-ctld depends on slurmctld $slurm_ver exactly"; echo "Depends: $ctld_dep" | diag ;;
esac
case ", $spank_dep, " in
*", $want_spank, "*) ok "slurm-carbon-spank depends on Slurm $major.$minor: $want_spank" ;;
*) not_ok "slurm-carbon-spank depends on Slurm $major.$minor"; echo "Depends: $spank_dep" | diag ;;
esac
# What the range admits: every Debian revision of the release, and no other release.
satisfies() { # VERSION: does it satisfy slurm-carbon-ctld's slurmctld range?
	dpkg --compare-versions "$1" ge "$slurm_ver" && dpkg --compare-versions "$1" lt "$next_micro~"
}
bad=""
for v in "$ctld_ver" "$slurm_ver-1" "$slurm_ver-9+deb12u9" "$slurm_ver-1~bpo12+1"; do
	satisfies "$v" || bad="$bad $v(refused)"
done
for v in "$major.$minor.$((10#$micro - 1))-1" "$next_micro-1" "$next_micro~rc1-1" "$next_minor.0-1" "$((major + 1)).$minor.$micro-1"; do
	satisfies "$v" && bad="$bad $v(admitted)"
done
if [ -z "$bad" ]; then
	ok "the slurmctld range admits $ctld_ver and other revisions of $slurm_ver, no other release"
else
	not_ok "the slurmctld range admits exactly the revisions of $slurm_ver:$bad"
fi

# --- install -------------------------------------------------------------------------------
purge_needed=1
# shellcheck disable=SC2086
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $debs >"$work/install.out" 2>&1; then
	ok "apt-get install ./slurm-carbon*.deb"
else
	not_ok "apt-get install ./slurm-carbon*.deb"
	tail -n 20 "$work/install.out" | diag
	finish
fi
owner() { dpkg-query -S "$1" 2>/dev/null | cut -d: -f1; }
check "job_submit_carbon.so and spank_carbon.so in Slurm's plugin directory $plugindir" \
	sh -c "[ \"\$(dpkg-query -S '$plugindir/job_submit_carbon.so' | cut -d: -f1)\" = slurm-carbon-ctld ] &&
		[ \"\$(dpkg-query -S '$plugindir/spank_carbon.so' | cut -d: -f1)\" = slurm-carbon-spank ]"
check "scarbon, its man pages, units, example, sample data and epilog script are installed" \
	sh -c '/usr/bin/scarbon --version && man -w scarbon && man -w 5 carbon.conf &&
		for u in scarbon-refresh scarbon-reconcile; do
			for s in service timer; do test -r /lib/systemd/system/$u.$s || exit 1; done
		done &&
		grep -q "^ExecStart=/usr/bin/scarbon refresh" /lib/systemd/system/scarbon-refresh.service &&
		test -r /usr/share/doc/slurm-carbon/carbon.conf.example &&
		test -r /usr/share/slurm-carbon/sample/intensity-DE.csv &&
		test -x /usr/share/slurm-carbon/scarbon-epilog.sh &&
		grep -q "/usr/bin/scarbon" /usr/share/slurm-carbon/scarbon-epilog.sh'

# A site's carbon.conf: the installed example, enforcing, with the installed sample forecasts.
mkdir -p "$work/etc" "$work/state"
chmod 755 "$work/etc" "$work/state"
sed -e 's/^Mode=.*/Mode=enforce/' -e "s|^StateDir=.*|StateDir=$work/state|" \
	/usr/share/doc/slurm-carbon/carbon.conf.example >"$SC_CARBON_CONF" 2>/dev/null
ln -sfn /usr/share/slurm-carbon/sample "$work/etc/sample"
chmod 644 "$SC_CARBON_CONF"
check "the installed scarbon check-config accepts the example with the installed sample data" \
	/usr/bin/scarbon check-config --config "$SC_CARBON_CONF"

# --- a private cluster with the installed plugins --------------------------------------------
"$cluster" clean >"$work/cluster-clean.out" 2>&1
cluster_started=1
started=0
for _ in 1 2 3; do
	"$cluster" start >"$work/cluster-start.out" 2>&1 && { started=1; break; }
	# Another cluster took a port between the choice and the start: another free block.
	grep -q 'is in use; choose other ports' "$work/cluster-start.out" && [ -z "${SC_PKG_CLUSTER_PORT:-}" ] || break
	"$cluster" clean >"$work/cluster-clean.out" 2>&1
	SC_CLUSTER_PORT=$(python3 "$here/../lib/ports.py" $((SC_CLUSTER_PORT + 10)) 19400)
	note "ports taken meanwhile; trying again from port $SC_CLUSTER_PORT"
done
if [ "$started" = 1 ]; then
	ok "a private cluster starts (SC_PLUGIN_DIR=$plugindir, port $SC_CLUSTER_PORT)"
else
	not_ok "a private cluster starts with the installed plugins"
	tail -n 20 "$work/cluster-start.out" | diag
	tail -n 20 "$SC_CLUSTER_DIR/log/slurmctld.log" 2>/dev/null | diag
	finish
fi
ctld_log=$SC_CLUSTER_DIR/log/slurmctld.log
read -r ctld_pid _ <"$SC_CLUSTER_DIR/pids/slurmctld"
want_log="job_submit/carbon: $SC_CARBON_CONF: Mode=enforce, 4 managed partition(s), 2 zone(s)"
if grep -qF "$want_log" "$ctld_log"; then
	ok "slurmctld's log: $want_log"
else
	not_ok "slurmctld's log shows job_submit/carbon's start"
	tail -n 20 "$ctld_log" | diag
fi
# Where slurmctld took the plugin from: the file it has mapped.
mapped=$(awk '$6 ~ /job_submit_carbon\.so$/ { print $6; exit }' "/proc/$ctld_pid/maps" 2>/dev/null)
if [ "$mapped" = "$plugindir/job_submit_carbon.so" ]; then
	ok "slurmctld runs the package's $mapped"
elif [ -n "$mapped" ] && cmp -s "$mapped" "$plugindir/job_submit_carbon.so"; then
	ok "slurmctld runs a copy of the package's job_submit_carbon.so ($mapped)"
else
	not_ok "slurmctld runs the package's job_submit_carbon.so (mapped: ${mapped:-none})"
fi
grep -E 'PluginDir|PlugStack|JobSubmit' "$SLURM_CONF" | sed 's/^/# slurm.conf: /'

jobs=$SC_CLUSTER_DIR/jobs
submit() { # sbatch ARGS... as the test user, in the cluster's job directory
	(cd "$jobs" && runuser -u "$SC_CLUSTER_USER" -- sbatch "$@")
}
out=$(submit -p compute -t 4:00:00 --wrap=true 2>"$work/sbatch.err")
err=$(cat "$work/sbatch.err")
jobid=$(echo "$out" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')
if [ -n "$jobid" ] && echo "$err" | grep -q '^sbatch: carbon: '; then
	ok "sbatch -p compute -t 4:00:00: $(echo "$err" | grep '^sbatch: carbon: ' | head -n 1)"
else
	not_ok "sbatch prints the plugin's carbon: line and submits the job"
	printf '%s\n%s\n' "$out" "$err" | diag
fi
if [ -n "$jobid" ]; then
	rec=$(scontrol show job "$jobid" 2>&1 | sed -n 's/^ *AdminComment=//p')
	if echo "$rec" | grep -q '"carbon"' && echo "$rec" | grep -q '"decision"'; then
		ok "job $jobid's AdminComment holds the carbon record"
	else
		not_ok "job $jobid's AdminComment holds the carbon record"
		scontrol show job "$jobid" 2>&1 | diag
	fi
fi

# The SPANK plugin enabled as the README says: a client slurm.conf without PluginDir= (Debian's
# default directory) and plugstack.conf.d/carbon.conf naming spank_carbon.so bare.
client=$work/client
mkdir -p "$client/plugstack.conf.d"
grep -v -E '^(PluginDir|PlugStackConfig)=' "$SLURM_CONF" >"$client/slurm.conf"
echo "PlugStackConfig=$client/plugstack.conf" >>"$client/slurm.conf"
echo "include $client/plugstack.conf.d/*.conf" >"$client/plugstack.conf"
echo "optional spank_carbon.so" >"$client/plugstack.conf.d/carbon.conf"
chmod -R a+rX "$client"
help=$(cd "$jobs" && SLURM_CONF=$client/slurm.conf runuser -u "$SC_CLUSTER_USER" -- sbatch --help 2>&1)
bad=$(cd "$jobs" && SLURM_CONF=$client/slurm.conf runuser -u "$SC_CLUSTER_USER" -- \
	sbatch -p compute -t 1:00:00 --carbon-budget=plenty --wrap=true 2>&1)
if echo "$help" | grep -q -- '--carbon-budget' && echo "$bad" | grep -q -- "--carbon-budget: invalid carbon amount 'plenty'"; then
	ok "\"optional spank_carbon.so\" in plugstack.conf.d with Debian's PluginDir: sbatch has --carbon-budget"
else
	not_ok "\"optional spank_carbon.so\" in plugstack.conf.d with Debian's PluginDir: sbatch has --carbon-budget"
	printf '%s\n%s\n' "$(echo "$help" | grep -i carbon)" "$bad" | diag
fi
out=$(cd "$jobs" && SLURM_CONF=$client/slurm.conf runuser -u "$SC_CLUSTER_USER" -- \
	sbatch -p compute -t 1:00:00 --carbon-budget=1t --wrap=true 2>&1)
jid2=$(echo "$out" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')
if [ -n "$jid2" ] && echo "$out" | grep -q '^sbatch: carbon: ' &&
	scontrol show job "$jid2" 2>&1 | grep -q '"budget_gco2e":1000000'; then
	ok "a job submitted with --carbon-budget=1t carries the budget into its carbon record"
else
	not_ok "a job submitted with --carbon-budget=1t carries the budget into its carbon record"
	{ echo "$out"; [ -z "$jid2" ] || scontrol show job "$jid2" 2>&1 | grep AdminComment; } | diag
fi

# --- when Slurm is upgraded: plugins built for another release ------------------------------
# set_plugin_version FILE X.Y.Z: rewrites a copy's plugin_version (4 bytes) in place, as if it
# had been built against Slurm X.Y.Z's headers.
set_plugin_version() {
	python3 - "$1" "$2" <<'EOF'
import re, struct, subprocess, sys
path = sys.argv[1]
a, b, c = map(int, sys.argv[2].split("."))
syms = subprocess.run(["readelf", "-sW", path], capture_output=True, text=True, check=True).stdout
m = re.search(r"^\s*\d+:\s+([0-9a-f]+)\s+4\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+plugin_version$", syms, re.M)
secs = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, check=True).stdout
s = re.search(r"^\s*\[\s*%s\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)" % m.group(2), secs, re.M)
off = int(m.group(1), 16) - int(s.group(1), 16) + int(s.group(2), 16)
with open(path, "r+b") as f:
    f.seek(off)
    f.write(struct.pack("<I", (a << 16) | (b << 8) | c))
EOF
}
# The packages go first (purged now, as at the end), so that the cluster's own plugin directory
# is where slurmctld finds job_submit_carbon.so: a copy built "for" the next release.
if [ "${SC_PKG_KEEP:-0}" != 1 ] && [ -z "$installed_before" ]; then
	stale=$work/stale
	mkdir -p "$stale"
	chmod 755 "$stale"
	cp "$plugindir/job_submit_carbon.so" "$plugindir/spank_carbon.so" "$stale/"
	cp "$plugindir/spank_carbon.so" "$stale/spank_carbon_stale.so"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $pkgs >"$work/purge.out" 2>&1 && purge_needed=0
	if [ "$purge_needed" = 0 ] && [ ! -e "$plugindir/job_submit_carbon.so" ] && [ ! -e "$plugindir/spank_carbon.so" ]; then
		ok "apt-get purge removes the plugins from $plugindir"
	else
		not_ok "apt-get purge removes the plugins from $plugindir"
		tail -n 10 "$work/purge.out" | diag
	fi
	stale_ver="$major.$minor.$((10#$micro + 1))"
	if set_plugin_version "$stale/job_submit_carbon.so" "$stale_ver"; then
		SC_PLUGIN_DIR=$stale SC_CLUSTER_TIMEOUT=30 "$cluster" restart slurmctld >"$work/cluster-stale.out" 2>&1
		want="Incompatible Slurm plugin $SC_CLUSTER_DIR/plugins/job_submit_carbon.so version ($stale_ver)"
		if grep -qF "$want" "$ctld_log" && grep -qF 'fatal: failed to initialize job_submit plugin' "$ctld_log"; then
			ok "slurmctld $slurm_ver refuses a job_submit_carbon.so built for $stale_ver, and stops:"
			grep -F -e "$want" -e 'job_submit/carbon: Incompatible' -e 'job_submit context' -e 'fatal' "$ctld_log" |
				tail -n 4 | sed 's/^/#   /'
		else
			not_ok "slurmctld $slurm_ver refuses a job_submit_carbon.so built for $stale_ver, and stops"
			tail -n 15 "$ctld_log" | diag
		fi
	else
		not_ok "rewriting plugin_version in a copy of job_submit_carbon.so"
	fi
	# The SPANK plugin of another series (major.minor), "optional" in plugstack.conf: sbatch
	# says why and goes on without the carbon options.
	spank_ver="$next_minor.0"
	if set_plugin_version "$stale/spank_carbon_stale.so" "$spank_ver"; then
		echo "optional $stale/spank_carbon_stale.so" >"$client/plugstack.conf.d/carbon.conf"
		out=$(cd "$jobs" && SLURM_CONF=$client/slurm.conf runuser -u "$SC_CLUSTER_USER" -- sbatch --help 2>&1)
		if echo "$out" | grep -qF "Incompatible Slurm plugin $stale/spank_carbon_stale.so version ($spank_ver)" &&
			! echo "$out" | grep -q -- '--carbon-budget'; then
			ok "sbatch $slurm_ver refuses a spank_carbon.so built for $spank_ver and runs without it:"
			echo "$out" | grep -i -e 'incompatible' -e 'spank' | head -n 4 | sed 's/^/#   /'
		else
			not_ok "sbatch $slurm_ver refuses a spank_carbon.so built for $spank_ver and runs without it"
			echo "$out" | grep -v '^ ' | head -n 15 | diag
		fi
	else
		not_ok "rewriting plugin_version in a copy of spank_carbon.so"
	fi
elif [ -n "$installed_before" ]; then
	note "skipped: plugins built for another Slurm (slurm-carbon packages were installed before the run)"
fi

# --- the end -------------------------------------------------------------------------------
if [ "${SC_PKG_KEEP:-0}" != 1 ]; then
	cleanup
	cluster_started=0
	purge_needed=0
	left=""
	for p in $pkgs; do
		case " $installed_before " in *" $p "*) continue ;; esac
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed" && left="$left $p"
	done
	if [ -z "$left" ] && ! "$cluster" status >/dev/null 2>&1; then
		ok "the cluster is stopped and the packages are purged"
	else
		not_ok "the cluster is stopped and the packages are purged (left:${left:- none})"
		"$cluster" status 2>&1 | diag
	fi
	if [ "$fail" -eq 0 ]; then
		rm -rf "$SC_CLUSTER_DIR"
		[ -n "${SC_PKG_WORK:-}" ] || rm -rf "$work"
	else
		note "logs kept in $work and $SC_CLUSTER_DIR"
	fi
fi
finish
