#!/bin/bash
# slurm-carbon: `scarbon metrics` end to end — on the bundled example with a saved counters
# file: the output passes `promtool check metrics` (Debian's prometheus package), --output
# replaces the file atomically, and a corrupt counters file is an error that names it. TAP.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
top=${SC_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SC_TOP_BUILDDIR:-$top/build}
scarbon=$build/cli/scarbon
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-metrics-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { # ok STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
echo "1..7"

mkdir -p "$tmp/state"
cp -r "$top/etc/sample" "$tmp/sample"
sed -e "s#^StateDir=.*#StateDir=$tmp/state#" "$top/etc/carbon.conf.example" >"$tmp/carbon.conf"
grep -q "^StateDir=$tmp/state" "$tmp/carbon.conf" || echo "StateDir=$tmp/state" >>"$tmp/carbon.conf"
cat >"$tmp/state/counters.json" <<'JSON'
{"v":1,"updated":1900000000,"partitions":{"compute":{"decisions":{"run":3,"delay":2},"estimated_g":812.5,"avoided_g":96.25},"gpu":{"decisions":{"reject":1},"estimated_g":0,"avoided_g":0}}}
JSON

"$scarbon" --config "$tmp/carbon.conf" metrics --now 2021-11-09T00:00:00Z >"$tmp/out.prom" 2>"$tmp/err"
ok $? "scarbon metrics exits 0"
grep -q '^slurm_carbon_decisions_total{partition="compute",decision="delay"} 2$' "$tmp/out.prom" &&
	grep -q '^slurm_carbon_avoided_grams_total{partition="compute"} 96.25$' "$tmp/out.prom" &&
	grep -q '^slurm_carbon_intensity_grams_per_kilowatt_hour{zone="DE",provider="file",signal="average"} ' "$tmp/out.prom"
ok $? "the counters and the zones' intensities are in it"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$tmp/out.prom" >"$tmp/promtool.out" 2>&1
	st=$?
	[ "$st" = 0 ] || cat "$tmp/promtool.out" | sed 's/^/#   /'
	ok $st "promtool check metrics accepts it"
else
	n=$((n + 1))
	echo "ok $n - promtool check metrics accepts it # SKIP promtool not found (scripts/deps.sh test installs prometheus)"
fi

echo "old" >"$tmp/textfile.prom"
"$scarbon" --config "$tmp/carbon.conf" metrics --now 2021-11-09T00:00:00Z --output "$tmp/textfile.prom" &&
	cmp -s "$tmp/textfile.prom" "$tmp/out.prom" && [ -z "$(find "$tmp" -maxdepth 1 -name '.textfile.prom.*')" ]
ok $? "--output replaces the file with the same text, leaving no temporary file"

echo '{"v":1,"partitions":{"compute":{"decisions":{"maybe":1},"estimated_g":0,"avoided_g":0}}}' \
	>"$tmp/state/counters.json"
"$scarbon" --config "$tmp/carbon.conf" metrics >"$tmp/out2" 2>"$tmp/err2"
st=$?
[ "$st" = 1 ] && grep -q "counters.json: partition 'compute': decision 'maybe' is not one of" "$tmp/err2"
ok $? "a corrupt counters file is an error naming the file and what is wrong"

rm -f "$tmp/state/counters.json"
"$scarbon" --config "$tmp/carbon.conf" metrics --now 2021-11-09T00:00:00Z >"$tmp/out3" 2>&1 &&
	! grep -q slurm_carbon_decisions_total "$tmp/out3" && grep -q slurm_carbon_forecast_usable "$tmp/out3"
ok $? "without counters (the plugin saved none yet): the zones only"

# The dashboard's queries are valid PromQL over these metric names ($__range as 1h).
if command -v promtool >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
	python3 - "$top/etc/grafana/slurm-carbon.json" "$tmp/out.prom" >"$tmp/rules.yml" <<'PY' &&
import json, re, sys
d = json.load(open(sys.argv[1]))
names = set(re.findall(r"^# TYPE (slurm_carbon_[a-z_0-9]+)", open(sys.argv[2]).read(), re.M))
print("groups:\n- name: dashboard\n  rules:")
for i, p in enumerate(d["panels"]):
    for t in p["targets"]:
        for m in re.findall(r"slurm_carbon_[a-z_0-9]+", t["expr"]):
            if m not in names:
                sys.exit(f"panel '{p['title']}' uses {m}, which scarbon metrics does not write")
        print(f"  - record: dashboard:panel{i}:{t['refId']}\n    expr: {json.dumps(t['expr'].replace('$__range', '1h'))}")
PY
		promtool check rules "$tmp/rules.yml" >"$tmp/rules.out" 2>&1
	st=$?
	[ "$st" = 0 ] && [ -s "$tmp/rules.yml" ] || { st=1; sed 's/^/#   /' "$tmp/rules.out" 2>/dev/null; }
	ok $st "the Grafana dashboard's queries are valid PromQL over the metrics written"
else
	n=$((n + 1))
	echo "ok $n - the Grafana dashboard's queries are valid PromQL # SKIP promtool or python3 not found"
fi
[ "$fails" = 0 ]
