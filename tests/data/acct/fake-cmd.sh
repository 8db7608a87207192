#!/bin/sh
# A stand-in for sacct/sacctmgr in the unit tests of acct/slurmcmd.h.
case "$1" in
args)
	shift
	echo "TZ=$TZ"
	echo "FMT=$SLURM_TIME_FORMAT"
	for a in "$@"; do printf '[%s]\n' "$a"; done
	;;
fail)
	echo "sacct: error: something broke" >&2
	echo "second line" >&2
	exit 3
	;;
cat) cat ;;
quit) exit 0 ;;
kill) kill -TERM $$ ;;
big) i=0; while [ $i -lt 20000 ]; do echo "0123456789012345678901234567890123456789"; i=$((i + 1)); done ;;
esac
