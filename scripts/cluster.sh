#!/usr/bin/env bash
# slurm-carbon: a private single-host Slurm cluster for tests, the demo and the benchmark.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   scripts/cluster.sh start      start munged, MariaDB, slurmdbd, slurmctld, slurmd (idempotent)
#   scripts/cluster.sh stop       cancel the cluster's jobs, then stop exactly the daemons this
#                                 script started, by PID (and any job step they left)
#   scripts/cluster.sh restart [slurmctld|slurmd|slurm]
#                                 stop and start slurmctld and/or slurmd with a freshly
#                                 written configuration (default: both)
#   scripts/cluster.sh status     say which daemons run
#   scripts/cluster.sh env        print the `export ...` lines for Slurm's commands
#   scripts/cluster.sh clean      stop, then delete the scratch directory
#
# Everything lives in one scratch directory and on loopback ports of its own, so the cluster
# never touches /etc/slurm, /run/munge or a site's real Slurm, and two instances with
# different SC_CLUSTER_DIR and SC_CLUSTER_PORT run side by side. Runs as root.
#
# Settings (environment):
#   SC_CLUSTER_DIR     scratch directory            [/tmp/slurm-carbon-cluster]
#   SC_CLUSTER_PORT    first of four TCP ports: slurmctld, slurmd, slurmdbd, MariaDB [16817]
#   SC_BUILD_DIR       build directory holding plugin/.libs/*.so        [<source>/build]
#   SC_PLUGIN_DIR      directory holding job_submit_carbon.so and spank_carbon.so, e.g. an
#                      installed package's                       [$SC_BUILD_DIR/plugin/.libs]
#   SC_SLURM_PREFIX    a Slurm installed under one prefix (bin/ sbin/ lib/slurm/), e.g. one
#                      scripts/slurm-build.sh built; empty: Debian's packages   []
#   SC_CARBON_CONF     carbon.conf to use (read in place, through SLURM_CARBON_CONF, so that
#                      its relative paths keep working)        [<source>/etc/carbon.conf.example]
#   SC_CLUSTER_CARBON  1: load job_submit/carbon and spank_carbon; 0: plain Slurm     [1]
#   SC_CLUSTER_USER    unprivileged test user, created if missing            [sctest]
#   SC_CLUSTER_CPUS, SC_CLUSTER_GPUS, SC_CLUSTER_MEM_MB   the fake node   [8, 4, 16000]
#   SC_CLUSTER_TIMEOUT seconds to wait for each daemon                      [60]
#   SC_CLUSTER_SCHED   extra SchedulerParameters                            []
#   SC_CLUSTER_CLEAR_STATE  1: slurmctld starts without the jobs it had (-c)  [0]
#   SC_CLUSTER_EXTRA_CONF  a file of extra slurm.conf lines (e.g. EpilogSlurmctld=...)  []
#   SC_CLUSTER_CTLD_ENV  NAME=VALUE words added to slurmctld's environment only, e.g.
#                      "LD_PRELOAD=libasan.so.8 ASAN_OPTIONS=detect_leaks=0" (tests/soak)   []
#
# Slurm partitions: one per PartitionName record of carbon.conf (its Default=yes, or the
# first, is Slurm's default; DefaultTime= is copied), plus `debug`, which carbon.conf does not
# manage. Accounts: `carbon` and every name in carbon.conf's ExemptAccounts, with root and the
# test user in each.
set -u
set -o pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${SC_CLUSTER_DIR:-/tmp/slurm-carbon-cluster}

# `start` and `restart` save the settings in effect; later commands on the same cluster reuse
# them unless the environment says otherwise.
settings="SC_CLUSTER_PORT SC_BUILD_DIR SC_PLUGIN_DIR SC_SLURM_PREFIX SC_CARBON_CONF SC_CLUSTER_CARBON SC_CLUSTER_USER SC_CLUSTER_CPUS SC_CLUSTER_GPUS SC_CLUSTER_MEM_MB SC_CLUSTER_SCHED SC_CLUSTER_EXTRA_CONF SC_CLUSTER_CTLD_ENV"
if [ -r "$dir/settings" ]; then
	while IFS='=' read -r k v; do
		case " $settings " in *" $k "*) [ -n "${!k+x}" ] || printf -v "$k" '%s' "$v" ;; esac
	done <"$dir/settings"
fi
port=${SC_CLUSTER_PORT:-16817}
build=${SC_BUILD_DIR:-$top/build}
plugin_src=${SC_PLUGIN_DIR:-$build/plugin/.libs}
slurm_prefix=${SC_SLURM_PREFIX:-}
carbon_conf=${SC_CARBON_CONF:-$top/etc/carbon.conf.example}
with_carbon=${SC_CLUSTER_CARBON:-1}
test_user=${SC_CLUSTER_USER:-sctest}
cpus=${SC_CLUSTER_CPUS:-8}
gpus=${SC_CLUSTER_GPUS:-4}
mem_mb=${SC_CLUSTER_MEM_MB:-16000}
timeout=${SC_CLUSTER_TIMEOUT:-60}
extra_sched=${SC_CLUSTER_SCHED:-}
extra_conf=${SC_CLUSTER_EXTRA_CONF:-}
ctld_env=${SC_CLUSTER_CTLD_ENV:-}
cluster_name=carbontest

ctld_port=$port
slurmd_port=$((port + 1))
dbd_port=$((port + 2))
db_port=$((port + 3))

etc=$dir/etc
log=$dir/log
run=$dir/run
pids=$dir/pids
conf=$etc/slurm.conf
export SLURM_CONF=$conf

# Slurm's programs: those of SC_SLURM_PREFIX, else Debian's (/usr/sbin, /usr/bin).
if [ -n "$slurm_prefix" ]; then
	[ -x "$slurm_prefix/sbin/slurmctld" ] ||
		{ echo "cluster.sh: SC_SLURM_PREFIX=$slurm_prefix has no sbin/slurmctld (build it: scripts/slurm-build.sh VERSION)" >&2; exit 1; }
	sbin=$slurm_prefix/sbin
	export PATH=$slurm_prefix/bin:$PATH
else
	sbin=/usr/sbin
fi

die() {
	echo "cluster.sh: $*" >&2
	echo "cluster.sh: logs are in $log (and $dir/munge/munged.out, $dir/mysql/mariadb.log)" >&2
	exit 1
}

note() { echo "cluster.sh: $*"; }

# The one Debian directory holding Slurm's own plugins.
slurm_plugindir() {
	local f
	if [ -n "$slurm_prefix" ]; then
		for f in "$slurm_prefix"/lib/slurm/auth_munge.so "$slurm_prefix"/lib64/slurm/auth_munge.so; do
			[ -e "$f" ] && { dirname "$f"; return 0; }
		done
		return 1
	fi
	for f in /usr/lib/*/slurm-wlm/auth_munge.so /usr/lib/slurm/auth_munge.so /usr/lib64/slurm/auth_munge.so; do
		[ -e "$f" ] && { dirname "$f"; return 0; }
	done
	return 1
}

# --- PID bookkeeping: a daemon counts as ours only if the recorded PID still exists with
# the start time recorded when we started it (so a recycled PID is never signalled).
proc_start() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	set -- $stat
	[ "$1" != Z ] || return 1 # exited, not yet reaped
	echo "${20}"
}

pid_of() {
	local name=$1 pid start now
	[ -r "$pids/$name" ] || return 1
	read -r pid start <"$pids/$name" || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	now=$(proc_start "$pid") || return 1
	[ "$now" = "$start" ] || return 1
	echo "$pid"
}

running() { pid_of "$1" >/dev/null; }

# start_daemon NAME LOGFILE CMD...: runs CMD in the foreground of its own session, in the
# background of this script, and records its PID.
start_daemon() {
	local name=$1 logf=$2
	shift 2
	local pid
	setsid "$@" >>"$logf" 2>&1 </dev/null &
	pid=$!
	echo "$pid $(proc_start "$pid")" >"$pids/$name"
}

stop_daemon() {
	local name=$1 pid
	pid=$(pid_of "$name") || { rm -f "$pids/$name"; return 0; }
	kill -TERM "$pid" 2>/dev/null
	local deadline=$((SECONDS + timeout))
	while ((SECONDS < deadline)) && pid_of "$name" >/dev/null; do
		sleep 0.1
	done
	if pid_of "$name" >/dev/null; then
		note "$name (PID $pid) ignored SIGTERM for ${timeout}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$pids/$name"
	note "stopped $name (PID $pid)"
}

# wait_for NAME WHAT CMD...: polls CMD until it succeeds, the daemon dies or time runs out.
wait_for() {
	local name=$1 what=$2 deadline=$((SECONDS + timeout))
	shift 2
	while ((SECONDS < deadline)); do
		if declare -F "$1" >/dev/null; then
			"$@" >/dev/null 2>&1 && return 0
		else
			timeout 10 "$@" >/dev/null 2>&1 && return 0
		fi
		running "$name" || die "$name exited while starting ($what); see its log"
		sleep 0.2
	done
	die "$name: timed out after ${timeout}s waiting for $what"
}

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

check_port() {
	port_free "$1" || die "port $1 ($2) is in use; choose other ports with SC_CLUSTER_PORT"
}

# --- configuration ----------------------------------------------------------------------

# Prints "name default deftime" for each PartitionName record of carbon.conf.
conf_partitions() {
	awk '
	{ sub(/#.*/, "") }
	{
		name = ""; def = "no"; t = ""
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			k = tolower(kv[1]); v = kv[2]; gsub(/"/, "", v)
			if (k == "partitionname") name = v
			else if (k == "default") def = tolower(v)
			else if (k == "defaulttime") t = v
		}
		if (name != "" && toupper(name) != "DEFAULT") print name, def, (t == "" ? "-" : t)
	}' "$carbon_conf"
}

conf_exempt_accounts() {
	awk '{ sub(/#.*/, "") } { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (tolower(kv[1]) == "exemptaccounts") print kv[2] } }' \
		"$carbon_conf" | tr ',' '\n' | tr -d '"' | grep -v '^$' | tr 'A-Z' 'a-z'
}

write_slurm_conf() {
	local pdir parts first="" have_default=0 name def t line plugins=""
	pdir=$(slurm_plugindir) || die "Slurm's plugins not found (install slurmctld, slurmd)"
	if [ "$with_carbon" = 1 ]; then
		plugins="$dir/plugins"
		[ -r "$carbon_conf" ] || die "carbon.conf $carbon_conf not readable (set SC_CARBON_CONF)"
	fi
	parts=$(conf_partitions 2>/dev/null)
	local node_gres=""
	((gpus > 0)) && node_gres=" Gres=gpu:$gpus"
	{
		cat <<EOF
# Written by scripts/cluster.sh; rewritten at every start.
ClusterName=$cluster_name
SlurmctldHost=localhost
SlurmUser=slurm
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd-%n.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
PluginDir=${plugins:+$plugins:}$pdir
PlugStackConfig=$etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=2,sched_min_interval=100000,default_queue_depth=1000${extra_sched:+,$extra_sched}
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
GresTypes=gpu
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$dbd_port
# For slurmdbd connections Slurm takes the munge socket from here, not from AuthInfo.
AccountingStoragePass=socket=$dir/munge/munge.socket
AccountingStorageEnforce=associations
AccountingStorageTRES=gres/gpu
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
MinJobAge=600
DefMemPerCPU=256
MaxJobCount=20000
InactiveLimit=0
KillWait=5
TmpFS=$dir/tmp
EOF
		[ "$with_carbon" = 1 ] && echo "JobSubmitPlugins=carbon"
		if [ -n "$extra_conf" ]; then
			echo "# From $extra_conf (SC_CLUSTER_EXTRA_CONF)."
			cat "$extra_conf" || die "SC_CLUSTER_EXTRA_CONF: cannot read $extra_conf"
		fi
		echo "NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb$node_gres State=UNKNOWN"
		while read -r name def t; do
			[ -n "$name" ] || continue
			[ -n "$first" ] || first=$name
			line="PartitionName=$name Nodes=localhost MaxTime=INFINITE State=UP"
			[ "$t" != "-" ] && line="$line DefaultTime=$t"
			case $def in yes|true|1|on) line="$line Default=YES"; have_default=1 ;; esac
			echo "$line"
		done <<<"$parts"
		if [ -z "$first" ]; then
			echo "PartitionName=debug Nodes=localhost MaxTime=INFINITE State=UP Default=YES"
		else
			echo "PartitionName=debug Nodes=localhost MaxTime=INFINITE State=UP"
		fi
	} >"$conf.new"
	if [ -n "$first" ] && [ $have_default = 0 ]; then
		sed -i "s/^PartitionName=$first Nodes=/PartitionName=$first Default=YES Nodes=/" "$conf.new"
	fi
	mv "$conf.new" "$conf"

	# gres/gpu drops GPUs without File= (22.05), so the fake GPUs are character devices
	# with /dev/null's numbers: schedulable and accounted, harmless if opened.
	local i
	mkdir -p "$dir/dev"
	for ((i = 0; i < gpus; i++)); do
		[ -c "$dir/dev/gpu$i" ] || mknod -m 666 "$dir/dev/gpu$i" c 1 3 ||
			die "cannot create the fake GPU device $dir/dev/gpu$i (is $dir on a nodev mount?)"
	done
	if ((gpus > 0)); then
		echo "NodeName=localhost Name=gpu File=$dir/dev/gpu[0-$((gpus - 1))]" >"$etc/gres.conf"
	else
		: >"$etc/gres.conf"
	fi
	# /sys/fs/cgroup is v1 or hybrid here; slurmd initialises a cgroup plugin in any case.
	if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
		printf 'CgroupPlugin=cgroup/v2\nIgnoreSystemd=yes\n' >"$etc/cgroup.conf"
	else
		printf 'CgroupPlugin=cgroup/v1\nCgroupMountpoint=/sys/fs/cgroup\n' >"$etc/cgroup.conf"
	fi
	if [ "$with_carbon" = 1 ]; then
		echo "required $dir/plugins/spank_carbon.so" >"$etc/plugstack.conf"
	else
		: >"$etc/plugstack.conf"
	fi
	chmod 644 "$conf" "$etc/gres.conf" "$etc/cgroup.conf" "$etc/plugstack.conf"
}

install_plugins() {
	[ "$with_carbon" = 1 ] || return 0
	local so
	mkdir -p "$dir/plugins"
	for so in job_submit_carbon.so spank_carbon.so; do
		[ -r "$plugin_src/$so" ] ||
			die "$plugin_src/$so not found: build first (make -C $build), or set SC_BUILD_DIR or SC_PLUGIN_DIR"
		# A copy, so that a rebuild never rewrites a library a daemon has mapped.
		install -m 755 "$plugin_src/$so" "$dir/plugins/$so.new"
		mv -f "$dir/plugins/$so.new" "$dir/plugins/$so"
	done
}

ensure_user() {
	id -u "$test_user" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --shell /bin/bash "$test_user" ||
		die "cannot create the test user $test_user"
	note "created user $test_user"
}

# --- the daemons -----------------------------------------------------------------------

start_munge() {
	running munged && return 0
	mkdir -p "$dir/munge"
	chown munge:munge "$dir/munge"
	chmod 755 "$dir/munge"
	if [ ! -s "$dir/munge/munge.key" ]; then
		if command -v mungekey >/dev/null 2>&1 || [ -x /usr/sbin/mungekey ]; then
			PATH=$PATH:/usr/sbin mungekey --create --keyfile="$dir/munge/munge.key" ||
				die "mungekey failed"
		else
			dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
		fi
		chown munge:munge "$dir/munge/munge.key"
		chmod 600 "$dir/munge/munge.key"
	fi
	start_daemon munged "$dir/munge/munged.out" setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
		--socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
		--pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
		--seed-file="$dir/munge/munged.seed" --num-threads=4
	wait_for munged "its socket" sh -c "munge -S '$dir/munge/munge.socket' -n | unmunge -S '$dir/munge/munge.socket'"
	note "munged up (socket $dir/munge/munge.socket)"
}

db_sql() {
	timeout 30 mariadb --no-defaults -S "$dir/mysql/mysqld.sock" -u root "$@"
}

start_mariadb() {
	running mariadb && return 0
	check_port "$db_port" MariaDB
	mkdir -p "$dir/mysql"
	chown mysql:mysql "$dir/mysql"
	if [ ! -d "$dir/mysql/data/mysql" ]; then
		mariadb-install-db --no-defaults --user=mysql --datadir="$dir/mysql/data" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$dir/mysql/install.log" 2>&1 ||
			die "mariadb-install-db failed; see $dir/mysql/install.log"
	fi
	start_daemon mariadb "$dir/mysql/mariadb.out" /usr/sbin/mariadbd --no-defaults --user=mysql \
		--datadir="$dir/mysql/data" --socket="$dir/mysql/mysqld.sock" \
		--port="$db_port" --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$dir/mysql/mariadb.pid" \
		--log-error="$dir/mysql/mariadb.log" --skip-log-bin \
		--innodb-buffer-pool-size=256M --innodb-lock-wait-timeout=900 \
		--innodb-flush-log-at-trx-commit=2
	wait_for mariadb "its socket" db_sql -e 'SELECT 1'
	db_sql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
		CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm-carbon-test';
		GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" ||
		die "cannot create the accounting database"
	note "MariaDB up (127.0.0.1:$db_port)"
}

start_slurmdbd() {
	running slurmdbd && return 0
	check_port "$dbd_port" slurmdbd
	cat >"$etc/slurmdbd.conf" <<EOF
# Written by scripts/cluster.sh.
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$dbd_port
SlurmUser=slurm
DebugLevel=info
LogFile=$log/slurmdbd.log
PidFile=$run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=slurm-carbon-test
StorageLoc=slurm_acct_db
EOF
	chown slurm:slurm "$etc/slurmdbd.conf"
	chmod 600 "$etc/slurmdbd.conf"
	start_daemon slurmdbd "$log/slurmdbd.out" "$sbin/slurmdbd" -D
	wait_for slurmdbd "port $dbd_port" sacctmgr -n show cluster
	note "slurmdbd up (port $dbd_port)"
}

setup_accounts() {
	local acct users="root,$test_user"
	sacctmgr -i add cluster "$cluster_name" >/dev/null 2>&1
	for acct in carbon $(conf_exempt_accounts 2>/dev/null); do
		sacctmgr -n -P show account "$acct" format=account | grep -qx "$acct" ||
			sacctmgr -i add account "$acct" cluster="$cluster_name" \
				description="slurm-carbon test account" organization=test >/dev/null ||
			die "sacctmgr: cannot add account $acct"
		sacctmgr -i add user "$users" account="$acct" cluster="$cluster_name" >/dev/null 2>&1
	done
	sacctmgr -i modify user where name="$users" set defaultaccount=carbon >/dev/null 2>&1
	sacctmgr -n -P show assoc where user="$test_user" format=account | grep -qx carbon ||
		die "sacctmgr: the association of $test_user with account carbon is missing"
}

start_slurmctld() {
	local opts=-i w
	running slurmctld && return 0
	for w in $ctld_env; do
		[[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] ||
			die "SC_CLUSTER_CTLD_ENV: '$w' is not NAME=VALUE (expected words such as LD_PRELOAD=/path/libasan.so.8)"
	done
	check_port "$ctld_port" slurmctld
	# -c: start with no jobs (the benchmark's runs must not inherit each other's).
	[ "${SC_CLUSTER_CLEAR_STATE:-0}" = 1 ] && opts="-c -i"
	if [ "$with_carbon" = 1 ]; then
		start_daemon slurmctld "$log/slurmctld.out" \
			env SLURM_CONF="$conf" SLURM_CARBON_CONF="$carbon_conf" $ctld_env "$sbin/slurmctld" -D $opts
	else
		start_daemon slurmctld "$log/slurmctld.out" env SLURM_CONF="$conf" $ctld_env "$sbin/slurmctld" -D $opts
	fi
	wait_for slurmctld "scontrol ping" sh -c 'scontrol ping | grep -q "is UP"'
	note "slurmctld up (port $ctld_port)"
}

node_ready() {
	local st
	st=$(timeout 10 sinfo -h -n localhost -o %T 2>/dev/null | head -n 1)
	case $st in idle*|mixed*|alloc*|allocated*|completing*) return 0 ;; esac
	return 1
}

start_slurmd() {
	running slurmd && return 0
	check_port "$slurmd_port" slurmd
	start_daemon slurmd "$log/slurmd.out" env SLURM_CONF="$conf" "$sbin/slurmd" -D -N localhost
	wait_for slurmd "node localhost to be idle" node_ready
	note "slurmd up (port $slurmd_port)"
}

prepare_dirs() {
	mkdir -p "$dir" "$etc" "$log" "$run" "$pids" "$dir/state" "$dir/spool/slurmd" "$dir/tmp" "$dir/jobs"
	chmod 755 "$dir" "$etc"
	chown slurm:slurm "$log" "$run" "$dir/state"
	chmod 755 "$log" "$run"
	chmod 700 "$pids"
	chmod 1777 "$dir/tmp" "$dir/jobs"
}

save_settings() {
	cat >"$dir/settings" <<EOF
SC_CLUSTER_PORT=$port
SC_BUILD_DIR=$build
SC_PLUGIN_DIR=${SC_PLUGIN_DIR:-}
SC_SLURM_PREFIX=$slurm_prefix
SC_CARBON_CONF=$carbon_conf
SC_CLUSTER_CARBON=$with_carbon
SC_CLUSTER_USER=$test_user
SC_CLUSTER_CPUS=$cpus
SC_CLUSTER_GPUS=$gpus
SC_CLUSTER_MEM_MB=$mem_mb
SC_CLUSTER_SCHED=$extra_sched
SC_CLUSTER_EXTRA_CONF=$extra_conf
SC_CLUSTER_CTLD_ENV=$ctld_env
EOF
}

cmd_start() {
	prepare_dirs
	ensure_user
	install_plugins
	write_slurm_conf
	save_settings
	start_munge
	start_mariadb
	start_slurmdbd
	setup_accounts
	start_slurmctld
	start_slurmd
	note "cluster $cluster_name is up in $dir; for Slurm's commands: eval \"\$($0 env)\""
}

# kill_tree PID: PID and everything below it, with SIGKILL.
kill_tree() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$c"; done
	kill -KILL "$1" 2>/dev/null
}

# The job steps of this cluster's slurmd (slurmstepd outlives slurmd): found by the
# SLURM_CONF they inherited, so that nothing of another Slurm is touched.
stop_steps() {
	local p c left=0 deadline
	for p in $(pgrep -x slurmstepd 2>/dev/null); do
		if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$conf"; then
			for c in $(pgrep -P "$p" 2>/dev/null); do kill_tree "$c"; done # the job's processes
			kill -TERM "$p" 2>/dev/null && left=1
		fi
	done
	[ "$left" = 1 ] || return 0
	deadline=$((SECONDS + 5))
	while ((SECONDS < deadline)); do
		left=0
		for p in $(pgrep -x slurmstepd 2>/dev/null); do
			tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$conf" && left=1
		done
		[ "$left" = 1 ] || break
		sleep 0.2
	done
	for p in $(pgrep -x slurmstepd 2>/dev/null); do
		if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$conf"; then
			kill -KILL "$p" 2>/dev/null && note "job step $p ignored SIGTERM: SIGKILL"
		fi
	done
}

# Cancels every job of this cluster and waits (a while) until none is left, so that
# slurmd ends their processes itself before it stops.
cancel_jobs() {
	local ids deadline
	running slurmctld && running slurmd || return 0
	ids=$(SLURM_CONF=$conf timeout 10 squeue -h -o %A 2>/dev/null) || return 0
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2086
	SLURM_CONF=$conf timeout 10 scancel $ids >/dev/null 2>&1
	deadline=$((SECONDS + 15))
	while ((SECONDS < deadline)) && [ -n "$(SLURM_CONF=$conf timeout 10 squeue -h -o %A 2>/dev/null)" ]; do
		sleep 0.5
	done
}

cmd_stop() {
	local d
	cancel_jobs
	for d in slurmd slurmctld slurmdbd mariadb munged; do
		stop_daemon "$d"
		[ "$d" != slurmd ] || stop_steps
	done
}

cmd_restart() {
	local what=${1:-slurm}
	[ -d "$pids" ] || die "no cluster in $dir"
	case $what in
	slurmctld|slurmd|slurm) ;;
	*) die "restart: expected slurmctld, slurmd or slurm, not '$what'" ;;
	esac
	install_plugins
	write_slurm_conf
	save_settings
	case $what in slurmd|slurm) stop_daemon slurmd ;; esac
	case $what in slurmctld|slurm) stop_daemon slurmctld; start_slurmctld ;; esac
	case $what in slurmd|slurm) start_slurmd ;; esac
	return 0
}

cmd_status() {
	local d pid rc=0
	for d in munged mariadb slurmdbd slurmctld slurmd; do
		if pid=$(pid_of "$d"); then
			echo "$d: running (PID $pid)"
		else
			echo "$d: stopped"
			rc=3
		fi
	done
	return $rc
}

cmd_env() {
	echo "export SLURM_CONF='$conf'"
	[ -z "$slurm_prefix" ] || echo "export PATH='$slurm_prefix/bin':\"\$PATH\""
	[ "$with_carbon" = 1 ] && echo "export SLURM_CARBON_CONF='$carbon_conf'"
	return 0
}

[ "$(id -u)" = 0 ] || die "run as root (the cluster starts daemons as munge, mysql and slurm)"
case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
restart) shift; cmd_restart "$@" ;;
status) cmd_status ;;
env) cmd_env ;;
clean)
	cmd_stop
	case $dir in /|/tmp|/tmp/|"") die "refusing to delete '$dir'" ;; esac
	rm -rf -- "$dir"
	note "removed $dir"
	;;
*)
	echo "usage: $0 start|stop|restart [slurmctld|slurmd|slurm]|status|env|clean" >&2
	exit 2
	;;
esac
