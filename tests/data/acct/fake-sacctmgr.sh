#!/bin/sh
# A stand-in for sacctmgr in the tests of scarbon reconcile: `modify job where jobid=ID
# [cluster=C] set SystemComment=VALUE`, from its arguments or, one command a line, from its
# stdin. It stores VALUE in the dump $SC_FAKE_DUMP as Slurm 22.05's sacctmgr does (quotes
# become backticks, letters lower case), prints what sacctmgr prints, and logs every call to
# $SC_FAKE_LOG. $SC_FAKE_FAIL: a JobID whose modification fails ("Nothing modified").
# `show user` prints $SC_FAKE_ADMINLEVEL.
log=$SC_FAKE_LOG
modify() { # JOBID VALUE
	id=$1
	v=$(printf '%s' "$2" | sed -e 's/^"\(.*\)"$/\1/' | tr "\"'" '``' | tr 'A-Z' 'a-z')
	if [ "$id" = "${SC_FAKE_FAIL:-}" ]; then
		echo " Nothing modified"
		return
	fi
	raw=$(awk -F'|' -v id="$id" 'NR > 1 && $1 == id { print $2; exit }' "$SC_FAKE_DUMP")
	if [ -z "$raw" ]; then
		echo " Nothing modified"
		return
	fi
	awk -F'|' -v OFS='|' -v id="$id" -v v="$v" 'NR > 1 && $1 == id { $22 = v } { print }' \
		"$SC_FAKE_DUMP" >"$SC_FAKE_DUMP.new" && mv "$SC_FAKE_DUMP.new" "$SC_FAKE_DUMP"
	echo " Modified jobs..."
	echo "  $raw submitted at 2024-03-04T09:00:00"
}
# command WORDS...: one sacctmgr command.
command() {
	id=""
	value=""
	for w in "$@"; do
		case "$w" in
		jobid=*) id=${w#jobid=} ;;
		SystemComment=*) value=${w#SystemComment=} ;;
		esac
	done
	printf 'modify %s %s\n' "$id" "$value" >>"$log"
	modify "$id" "$value"
}
case " $* " in
*" show user "*)
	echo "sacctmgr show user" >>"$log"
	echo "${SC_FAKE_ADMINLEVEL:-None}"
	exit 0
	;;
*" modify "*)
	echo "sacctmgr argv" >>"$log"
	command "$@"
	exit 0
	;;
esac
echo "sacctmgr stdin" >>"$log"
# Commands on stdin, as sacctmgr reads them: the value is in double quotes.
while IFS= read -r line; do
	id=$(printf '%s\n' "$line" | sed -n 's/.* jobid=\([^ ]*\) .*/\1/p')
	value=$(printf '%s\n' "$line" | sed -n 's/.* set SystemComment="\(.*\)"$/\1/p')
	printf 'modify %s %s\n' "$id" "$value" >>"$log"
	modify "$id" "$value"
done
