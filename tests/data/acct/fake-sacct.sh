#!/bin/sh
# A stand-in for sacct in the tests of scarbon reconcile/report: prints the dump
# $SC_FAKE_DUMP ('|'-separated) with the separator asked for by --delimiter, and
# appends its arguments, one per line, to $SC_FAKE_LOG.
{
	echo "sacct"
	for a in "$@"; do printf '  %s\n' "$a"; done
} >>"$SC_FAKE_LOG"
if [ -n "${SC_FAKE_SACCT_FAIL:-}" ]; then
	echo "sacct: error: Problem talking to the database: Connection refused" >&2
	exit 1
fi
delim='|'
for a in "$@"; do
	case "$a" in --delimiter=*) delim=${a#--delimiter=} ;; esac
done
tr '|' "$delim" <"$SC_FAKE_DUMP"
