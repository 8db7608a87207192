#!/bin/bash
# slurm-carbon: `scarbon refresh` end to end against a mock of the four
# providers on loopback (tests/providers/mockprovider.py, an ephemeral port),
# then `scarbon plan`, `forecast` and `check-config` on the refreshed cache.
# Every misbehaviour case asserts the error text and that the zone's cache
# is left exactly as it was. Prints TAP (run by `make check`); never reaches
# the public services: every base URL comes from the zone's URL=.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

top=${SC_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SC_TOP_BUILDDIR:-$top/build}
scarbon=$build/cli/scarbon
mock=$top/tests/providers/mockprovider.py

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not found (scripts/deps.sh test installs it)"
	exit 0
fi

# Loopback only: no proxy may see these requests.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-refresh-XXXXXX")
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	[ -z "$pid" ] || wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { # NAME COMMAND...: passes when the command succeeds
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}
is() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:  $2" "want: $3"; fi
}
has() { # NAME FILE TEXT: FILE contains TEXT
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "$2 lacks: $3" "it has: $(head -c 1500 "$2")"; fi
}
lacks() { # NAME FILE TEXT
	if grep -qF -- "$3" "$2"; then fail "$1" "$2 contains: $3"; else pass "$1"; fi
}
json() { # FILE PYTHON-EXPRESSION on j
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

NOW=2024-05-15T10:20:00Z
now_epoch=$(date -u -d "$NOW" +%s)
python3 "$mock" --port-file "$tmp/port" --data "$top/tests/data/providers" --now "$now_epoch" \
	--log "$tmp/requests.log" >"$tmp/mock.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[ -s "$tmp/port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if ! [ -s "$tmp/port" ]; then
	echo "Bail out! the mock provider did not start: $(cat "$tmp/mock.out")"
	exit 1
fi
base=http://127.0.0.1:$(cat "$tmp/port")
state=$tmp/state

echo em-secret-token >"$tmp/em.tok"
echo wt-user:wt-secret-pass >"$tmp/wt.tok"
echo not-the-token >"$tmp/em-wrong.tok"
echo wt-user:wrong-pass >"$tmp/wt-wrong.tok"
echo em-secret-token >"$tmp/em-open.tok"
chmod 600 "$tmp"/*.tok
chmod 644 "$tmp/em-open.tok"

# zone NAME KIND SCENARIO [TOKENFILE]: one ZoneName line.
zone() {
	case $2 in
	em) echo "ZoneName=$1 Provider=electricitymaps Region=DE URL=$base/$3/em TokenFile=${4:-$tmp/em.tok}" ;;
	wt) echo "ZoneName=$1 Provider=watttime Region=CAISO_NORTH URL=$base/$3/wt TokenFile=${4:-$tmp/wt.tok}" ;;
	uk) echo "ZoneName=$1 Provider=ukci Region=national URL=$base/$3/uk" ;;
	uk3) echo "ZoneName=$1 Provider=ukci Region=3 URL=$base/$3/uk" ;;
	ca) echo "ZoneName=$1 Provider=casdk Region=eastus URL=$base/$3/ca" ;;
	esac
}

# conf FILE LINES...: a carbon.conf with StateDir, then the lines.
conf() {
	local f=$1
	shift
	{
		echo "StateDir=$state"
		echo "Mode=enforce"
		echo "MaxDelay=12:00:00"
		printf '%s\n' "$@"
	} >"$f"
}

refresh() { # CONF ARGS...: runs scarbon refresh; sets rc, out, err files
	local c=$1
	shift
	"$scarbon" --config "$c" refresh --now "$NOW" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# ---- every provider, as it should be ------------------------------------------

main=$tmp/carbon.conf
conf "$main" "$(zone EM em ok)" "$(zone WT wt ok)" "$(zone GB uk ok)" "$(zone NW uk3 ok)" "$(zone CA ca ok)" \
	"PartitionName=DEFAULT PUE=1.2 CoreWatts=10 Usage=1.0 MemWattsPerGB=0 DefaultTime=1:00:00" \
	"PartitionName=em Zone=EM Default=yes" "PartitionName=wt Zone=WT" \
	"PartitionName=gb Zone=GB Alternatives=nw" "PartitionName=nw Zone=NW" "PartitionName=ca Zone=CA"
refresh "$main"
is "refresh of the five zones exits 0" "$rc" 0
has "refresh reports Electricity Maps" "$tmp/out" "EM: 25 points, 2024-05-15T10:00:00Z .. 2024-05-16T11:00:00Z, issued 2024-05-15T10:05:00Z, average signal from electricitymaps:DE; 23 actual points archived"
has "refresh reports WattTime" "$tmp/out" "WT: 288 points, 2024-05-15T10:20:00Z .. 2024-05-16T10:20:00Z, issued 2024-05-15T10:20:00Z, marginal signal from watttime:CAISO_NORTH"
has "refresh reports UK national" "$tmp/out" "GB: 97 points, 2024-05-15T10:00:00Z .. 2024-05-17T10:30:00Z, average signal from ukci:national; 47 actual points archived"
has "refresh reports UK region 3" "$tmp/out" "NW: 97 points"
has "refresh reports the Carbon Aware SDK" "$tmp/out" "CA: 48 points, 2024-05-15T10:00:00Z .. 2024-05-16T10:00:00Z, issued 2024-05-15T10:00:00Z, average signal from casdk:eastus; 48 actual points archived"
is "refresh prints nothing on stderr" "$(cat "$tmp/err")" ""

c=$state/forecast-EM.json
is "EM cache: provider, signal, unit, fetched_at" \
	"$(json "$c" '(j["v"], j["provider"], j["region"], j["signal"], j["unit"], j["fetched_at"], j["issued_at"])')" \
	"(1, 'electricitymaps', 'DE', 'average', 'gCO2e/kWh', '2024-05-15T10:20:00Z', '2024-05-15T10:05:00Z')"
is "EM cache: points" "$(json "$c" 'len(j["points"]), j["points"][0], j["points"][4]')" \
	"(25, ['2024-05-15T10:00:00Z', 400.0], ['2024-05-15T14:00:00Z', 300.0])"
c=$state/forecast-WT.json
is "WT cache: marginal, lbs/MWh converted to g/kWh" \
	"$(json "$c" '(j["signal"], len(j["points"]), j["points"][0], round(j["points"][-1][1], 6))')" \
	"('marginal', 288, ['2024-05-15T10:20:00Z', 408.233133], 408.233133)"
c=$state/forecast-GB.json
# {from} = 10:30 (now rounded up); the first slot is the one that ENDS there.
is "GB cache: slots aligned, the first holds now" \
	"$(json "$c" '(j["points"][0], j["points"][1], j["points"][6], len(j["points"]))')" \
	"(['2024-05-15T10:00:00Z', 200.0], ['2024-05-15T10:30:00Z', 200.0], ['2024-05-15T13:00:00Z', 120.0], 97)"
has "the UK {from} sent was now rounded up to the half hour" "$tmp/requests.log" "ok uk intensity/2024-05-15T10:30Z/fw48h 200"
is "NW cache: the regional object form" "$(json "$state/forecast-NW.json" 'j["region"], j["points"][0]')" \
	"('3', ['2024-05-15T10:00:00Z', 230.0])"
is "CA cache: forecastData" "$(json "$state/forecast-CA.json" 'j["points"][0], j["points"][4]')" \
	"(['2024-05-15T10:00:00Z', 500.0], ['2024-05-15T12:00:00Z', 350.0])"
is "cache files are 0644" "$(stat -c %a "$state/forecast-EM.json")" 644
is "no temporary file left in StateDir" "$(find "$state" -name '.forecast-*' | wc -l)" 0
is "WattTime: one login for the forecast and the history" "$(grep -c '^ok wt login 200 ok' "$tmp/requests.log")" 1
has "Electricity Maps got its auth-token" "$tmp/requests.log" "ok em carbon-intensity/forecast 200 ok"
check "secrets appear in no cache, archive or output" \
	sh -c "! grep -rqE 'em-secret-token|wt-secret-pass|tok1-ok' '$state' '$tmp/out' '$tmp/err'"

is "actual archive: the contract's CSV" "$(head -n 2 "$state/archive/EM-actual.csv")" \
	"$(printf 'Time,Carbon Intensity\n2024-05-14T10:00:00Z,405')"
is "actual archive: nulls dropped (24 hours, one null)" "$(($(wc -l <"$state/archive/EM-actual.csv") - 1))" 23
is "forecast archive: issued_at,target,forecast" "$(head -n 2 "$state/archive/GB-forecasts.csv")" \
	"$(printf 'issued_at,target,forecast\n2024-05-15 10:20:00,2024-05-15 10:00:00,200')"
is "forecast archive: WattTime issue time and converted values" "$(sed -n 2p "$state/archive/WT-forecasts.csv")" \
	"2024-05-15 10:20:00,2024-05-15 10:20:00,408.233"

# A second run an hour later merges the archive and replaces the caches.
refresh "$main" --quiet --now 2024-05-15T11:20:00Z
is "a quiet second refresh exits 0 and prints nothing" "$rc:$(cat "$tmp/out" "$tmp/err")" "0:"
is "the cache was replaced (fetched_at)" "$(json "$state/forecast-GB.json" 'j["fetched_at"]')" 2024-05-15T11:20:00Z
# (the mock's actuals end at its own now, so the second answer adds nothing new)
is "actual archive merged without duplicates" "$(($(wc -l <"$state/archive/GB-actual.csv") - 1))" 47
is "forecast archive holds both issues" "$(cut -d, -f1 "$state/archive/GB-forecasts.csv" | sort -u | wc -l)" 3
refresh "$main" --quiet

# ---- plan, forecast and check-config on the refreshed caches --------------------

plan() { "$scarbon" --config "$main" plan --now "$NOW" -n 1 -c 8 -t 2:00:00 --format json "$@" 2>&1; }
p=$(plan -p em)
is "plan em: delayed to the 14:00 valley" \
	"$(echo "$p" | python3 -c 'import json,sys; c=json.load(sys.stdin)["carbon"]; print(c["decision"], c["partition"], c["start"], c["ci"], c["gco2e"], c["baseline_ci"], c["baseline_gco2e"], c["saving_pct"], c["source"], c["signal"])')" \
	"delay em $(date -u -d 2024-05-15T14:00:00Z +%s) 300.0 57.6 400.0 76.8 25.0 electricitymaps:DE average"
p=$(plan -p wt)
is "plan wt: the marginal signal, converted" \
	"$(echo "$p" | python3 -c 'import json,sys; c=json.load(sys.stdin)["carbon"]; print(c["decision"], c["start"], c["ci"], c["baseline_ci"], c["signal"])')" \
	"delay $(date -u -d 2024-05-15T13:00:00Z +%s) 272.2 408.2 marginal"
p=$(plan -p gb)
is "plan gb: UK national, stays on gb (nw is greyer)" \
	"$(echo "$p" | python3 -c 'import json,sys; c=json.load(sys.stdin)["carbon"]; print(c["decision"], c["partition"], c["start"], c["ci"], c["gco2e"])')" \
	"delay gb $(date -u -d 2024-05-15T13:00:00Z +%s) 120.0 23.0"
p=$(plan -p ca)
is "plan ca: the Carbon Aware SDK's valley" \
	"$(echo "$p" | python3 -c 'import json,sys; c=json.load(sys.stdin)["carbon"]; print(c["decision"], c["start"], c["ci"])')" \
	"delay $(date -u -d 2024-05-15T12:00:00Z +%s) 350.0"
p=$("$scarbon" --config "$main" plan --now 2024-05-15T17:30:00Z -p em -n 1 -c 8 -t 2:00:00 --format json 2>&1)
is "plan after MaxAge: fails open, saying why" \
	"$(echo "$p" | python3 -c 'import json,sys; c=json.load(sys.stdin)["carbon"]; print(c["decision"], "older than MaxAge=06:00:00" in c["reason"], "run scarbon refresh" in c["reason"])')" \
	"none True True"
"$scarbon" --config "$main" forecast --now "$NOW" --zone GB --format csv --hours 1 >"$tmp/fc" 2>&1
is "forecast --format csv from the cache" "$(cat "$tmp/fc")" \
	"$(printf 'zone,time,intensity\nGB,2024-05-15T10:00:00Z,200.0\nGB,2024-05-15T10:30:00Z,200.0\nGB,2024-05-15T11:00:00Z,200.0')"

mixed=$tmp/mixed.conf
conf "$mixed" "$(zone EM em ok)" "$(zone WT wt ok)" \
	"PartitionName=DEFAULT PUE=1.2 CoreWatts=10 DefaultTime=1:00:00" \
	"PartitionName=em Zone=EM Alternatives=wt" "PartitionName=wt Zone=WT"
"$scarbon" --config "$mixed" check-config --now "$NOW" >"$tmp/cc" 2>&1
is "check-config refuses comparing marginal with average" "$?" 1
has "... and says why and what to do" "$tmp/cc" "comparing marginal and average intensities is meaningless; choose alternatives with the same signal kind or set AllowMixedSignals=yes"
echo "AllowMixedSignals=yes" >>"$mixed"
"$scarbon" --config "$mixed" check-config --now "$NOW" >"$tmp/cc" 2>&1
is "check-config accepts it with AllowMixedSignals=yes" "$?" 0
has "... showing each zone's signal" "$tmp/cc" "WT           watttime        marginal 2024-05-15T10:20:00Z"

# ---- misbehaving providers ----------------------------------------------------
# case NAME KIND SCENARIO RC TEXT [TOKENFILE] [-- REFRESH ARGS]: zone Z<n>
# is first refreshed from the well-behaved service, then from SCENARIO;
# the second run must exit RC, print TEXT, and (RC 1) leave the cache as
# it was.
k=0
case_() {
	local name=$1 kind=$2 scen=$3 want_rc=$4 text=$5 tok=${6:-}
	shift 6 2>/dev/null || shift $#
	k=$((k + 1))
	local z=Z$k c=$tmp/case$k.conf
	conf "$c" "$(zone "$z" "$kind" ok)"
	refresh "$c" --zone "$z"
	if [ "$rc" != 0 ]; then
		fail "$name: preparing a good cache" "$(cat "$tmp/err")"
		return
	fi
	cp "$state/forecast-$z.json" "$tmp/before.json"
	local ino
	ino=$(stat -c %i "$state/forecast-$z.json")
	conf "$c" "$(zone "$z" "$kind" "$scen" "$tok")"
	refresh "$c" --zone "$z" "$@"
	is "$name: exit status" "$rc" "$want_rc"
	if [ -n "$text" ]; then
		has "$name: message" "$tmp/err" "$text"
	else
		is "$name: no message" "$(cat "$tmp/err")" ""
	fi
	if [ "$want_rc" = 1 ]; then
		has "$name: names the zone and provider" "$tmp/err" "scarbon refresh: zone $z ("
		check "$name: the cache is unchanged" cmp -s "$tmp/before.json" "$state/forecast-$z.json"
		is "$name: the cache is the same file" "$(stat -c %i "$state/forecast-$z.json")" "$ino"
	else
		check "$name: the cache was replaced" test "$(stat -c %i "$state/forecast-$z.json")" != "$ino"
	fi
}

case_ "500" em e500 1 "GET $base/e500/em/carbon-intensity/forecast?zone=DE: HTTP 500 (after 2 attempts): upstream database unavailable" "" --retries 1
case_ "500 then success" uk e500once 0 "" "" --retries 1
is "... the 500 was retried" "$(grep -c '^e500once uk intensity' "$tmp/requests.log")" 3
case_ "429 with Retry-After: 1, then success" ca e429 0 "" "" --retries 1
is "... after one 429" "$(grep '^e429 ca emissions/forecasts/current' "$tmp/requests.log" | cut -d' ' -f4 | tr '\n' ' ')" "429 200 "
case_ "429 asking for an hour" wt e429long 1 "HTTP 429 (rate limited; the service asks to wait 3600 s, after 1 attempt): rate limited"
case_ "WattTime 401, then a new login" wt e401once 0 ""
is "... logged in twice, the history retried" \
	"$(grep '^e401once wt' "$tmp/requests.log" | cut -d' ' -f3,4 | tr '\n' ' ')" \
	"login 200 v3/forecast 200 v3/historical 401 login 200 v3/historical 200 "
case_ "Electricity Maps refuses the token" em ok 1 "HTTP 401 (the token was refused: check the API token in TokenFile=$tmp/em-wrong.tok): Invalid auth-token" "$tmp/em-wrong.tok"
lacks "... the wrong token is not printed" "$tmp/err" "not-the-token"
case_ "WattTime refuses the login" wt ok 1 "login: GET $base/ok/wt/login: HTTP 401 (login refused: check the username:password in TokenFile=$tmp/wt-wrong.tok): invalid credentials" "$tmp/wt-wrong.tok"
lacks "... the password is not printed" "$tmp/err" "wrong-pass"
before=$(wc -l <"$tmp/requests.log")
case_ "a token file others can read" em ok 1 "TokenFile $tmp/em-open.tok has mode 0644: its group or others may read it, and it holds a secret; it must be readable by its owner only: run chmod 600 $tmp/em-open.tok" "$tmp/em-open.tok"
is "... and nothing was sent" "$(($(wc -l <"$tmp/requests.log") - before))" 2
case_ "a body slower than the timeout" uk slow 1 "timed out (connect timeout 10 s, total 1 s)" "" --timeout 1 --retries 0
case_ "a truncated body" uk truncated 1 "response truncated" "" --retries 0
case_ "a body cut in the middle" em cutjson 1 "carbon-intensity/forecast?zone=DE: invalid JSON at line 1"
case_ "the UK documentation's regional example (not JSON)" uk3 invalid 1 "GET $base/invalid/uk/regional/intensity/2024-05-15T10:30Z/fw48h/regionid/3: invalid JSON at line 16, column 21"
case_ "a huge body (Content-Length)" ca huge 1 "response larger than 8388608 bytes: refused"
case_ "a huge body (no length)" ca hugestream 1 "response larger than 1048576 bytes: refused" "" --max-size 1048576
case_ "nulls are dropped" em nulls 0 ""
is "... two of 25 points" "$(json "$state/forecast-Z$k.json" 'len(j["points"])')" 23
case_ "only nulls" uk allnull 1 "data: all 97 values are null; no intensity to plan with"
case_ "times out of order" wt unordered 1 "data[4]: times not increasing: 2024-05-15T10:35:00Z does not come after 2024-05-15T10:40:00Z"
case_ "an unknown unit" wt units 1 "meta.units: unknown unit 'kg_per_banana'; expected lbs_co2_per_mwh"
case_ "a value out of range" ca range 1 "forecastData[3].value: 5000 g/kWh is outside 0..3000"
case_ "a forecast in the past" em stale 1 "the forecast ends at 2024-05-13T11:00:00Z, not after now (2024-05-15T10:20:00Z): the provider's data are out of date"
case_ "no history: the forecast is still cached" uk nohist 0 "warning: actual intensities not fetched: GET $base/nohist/uk/intensity/2024-05-15T10:30Z/pt24h: HTTP 404: no history for this plan"

# One zone's failure doesn't stop the others, and the exit status says which.
both=$tmp/both.conf
conf "$both" "$(zone BAD em e500)" "$(zone GOOD uk ok)"
refresh "$both" --retries 0 --now 2024-05-15T10:25:00Z
is "a failing zone: exit 1" "$rc" 1
has "... the failing zone named" "$tmp/err" "scarbon refresh: 1 of 2 zones failed: BAD"
is "... the other zone refreshed" "$(json "$state/forecast-GOOD.json" 'j["fetched_at"]')" 2024-05-15T10:25:00Z
check "... no cache for the failed zone" test ! -e "$state/forecast-BAD.json"
conf "$both" "$(zone BAD uk ok)" "ZoneName=GONE Provider=ukci URL=http://127.0.0.1:1/"
refresh "$both" --retries 0
has "a refused connection" "$tmp/err" "zone GONE (ukci): GET http://127.0.0.1:1/intensity/2024-05-15T10:30Z/fw48h: Failed to connect to 127.0.0.1 port 1"

# ---- the archive's bounds: --no-archive, ArchiveDays=, --archive-days ------------

astate=$tmp/astate
aconf() { { echo "StateDir=$astate"; printf '%s\n' "$@"; zone AR uk3 ok; } >"$tmp/arch.conf"; }
arefresh() { # NOW ARGS...
	local at=$1
	shift
	"$scarbon" --config "$tmp/arch.conf" refresh --quiet --now "$at" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
issues() { sed 1d "$astate/archive/AR-forecasts.csv" | cut -d, -f1 | sort -u | tr '\n' ' '; }
aconf
arefresh "$NOW" --no-archive
is "--no-archive: exit 0" "$rc:$(cat "$tmp/err")" "0:"
check "--no-archive: the cache is written" test -s "$astate/forecast-AR.json"
check "--no-archive: no archive" test ! -e "$astate/archive"
arefresh "$NOW"
is "the archive holds the first issue" "$(issues)" "2024-05-15 10:20:00 "
aconf "ArchiveDays=1"
arefresh 2024-05-17T10:20:00Z
is "ArchiveDays=1: the issue of two days ago is dropped" "$(issues)" "2024-05-17 10:20:00 "
is "ArchiveDays=1: so are the actuals older than a day" \
	"$(sed -n 2p "$astate/archive/AR-actual.csv" | cut -d, -f1)" 2024-05-16T10:30:00Z
arefresh 2024-05-18T12:00:00Z --archive-days 5
is "--archive-days overrides ArchiveDays=" "$(issues)" "2024-05-17 10:20:00 2024-05-18 12:00:00 "

# ---- the command line ---------------------------------------------------------

refresh "$main" --zone NOPE
is "--zone of an unknown zone: exit 1" "$rc:$(cat "$tmp/err")" "1:scarbon refresh: --zone: no zone 'NOPE' in $main"
conf "$tmp/file.conf" "ZoneName=F Provider=static Intensity=100"
refresh "$tmp/file.conf" --zone F
is "--zone of a local zone: exit 1" "$rc:$(cat "$tmp/err")" \
	"1:scarbon refresh: --zone: zone F has Provider=static, which reads local data: nothing to refresh"
refresh "$tmp/file.conf"
is "no live zones: nothing to do" "$rc:$(cat "$tmp/out")" "0:No live zones in $tmp/file.conf (Provider=electricitymaps, watttime, ukci or casdk): nothing to refresh."
refresh "$main" --bogus
is "an unknown option: exit 2, named" "$rc:$(head -n1 "$tmp/err")" "2:scarbon refresh: unknown option '--bogus'"
refresh "$main" --timeout
is "an option without its value: exit 2, named" "$rc:$(head -n1 "$tmp/err")" "2:scarbon refresh: option '--timeout' needs a value"
refresh "$main" --retries 11
is "--retries 11: exit 2" "$rc:$(head -n1 "$tmp/err")" "2:scarbon refresh: --retries '11' is out of range: expected a number from 0 to 10"
"$scarbon" refresh --help >"$tmp/out" 2>&1
is "--help: exit 0" "$?" 0
has "--help documents the exit status" "$tmp/out" "Exit status: 0 every zone refreshed, 1 a zone failed"
flock "$state/.refresh.lock" "$scarbon" --config "$main" refresh --now "$NOW" >"$tmp/out" 2>"$tmp/err"
is "a second refresh at the same time: exit 1" "$?:$(cat "$tmp/err")" \
	"1:scarbon refresh: another scarbon refresh is running (it holds $state/.refresh.lock); try again later"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
