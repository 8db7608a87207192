#!/usr/bin/env bash
# slurm-carbon: build a private Slurm from SchedMD's source tarball, once, into a cache.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   scripts/slurm-build.sh [--headers] VERSION     e.g. 26.05.3
#
# Prints the prefix it built (or found already built) as its last line of standard output:
#   full build:  $SC_SLURM_CACHE/VERSION          (bin/ sbin/ lib/ lib/slurm/ include/slurm/)
#   --headers:   $SC_SLURM_CACHE/VERSION-headers  (include/slurm/ only: enough to configure,
#                build and unit-test slurm-carbon against that release, in seconds)
# A prefix is reused when its stamp file says it is complete; delete it to rebuild.
#
# Settings (environment):
#   SC_SLURM_CACHE    where builds are kept, outside the source tree  [/var/cache/slurm-carbon]
#   SC_SLURM_TARBALLS where slurm-VERSION.tar.xz (and SHA256SUMS) are [<source>/../shared/slurm]
#   SC_SLURM_JOBS     make -j                                          [nproc + 1]
#
# A full build installs its build dependencies from Debian's packages (as root) and takes
# about 15-20 minutes on two cores; slurm-carbon's scripts/cluster.sh runs it with
# SC_SLURM_PREFIX set to the printed prefix.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SC_SLURM_CACHE:-/var/cache/slurm-carbon}
tarballs=${SC_SLURM_TARBALLS:-$top/../shared/slurm}
jobs=${SC_SLURM_JOBS:-$(($(nproc 2>/dev/null || echo 1) + 1))}

usage() {
	sed -n '4,20p' "$0" | sed 's/^# \{0,1\}//'
}

headers=0
version=""
for a in "$@"; do
	case "$a" in
	--headers) headers=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "slurm-build.sh: unknown option '$a' (expected --headers, --help)" >&2; exit 2 ;;
	*)
		[ -z "$version" ] || { echo "slurm-build.sh: one VERSION only (got '$version' and '$a')" >&2; exit 2; }
		version=$a
		;;
	esac
done
if ! [[ $version =~ ^[0-9]{2}\.[0-9]{2}\.[0-9]+$ ]]; then
	echo "slurm-build.sh: expected a Slurm release such as 26.05.3, got '${version}'" >&2
	echo "slurm-build.sh: releases here: $(cd "$tarballs" 2>/dev/null && ls slurm-*.tar.* 2>/dev/null | sed -E 's/^slurm-(.*)\.tar\..*/\1/' | tr '\n' ' ')" >&2
	exit 2
fi

tarball=""
for t in "$tarballs/slurm-$version.tar.xz" "$tarballs/slurm-$version.tar.bz2" "$tarballs/slurm-$version.tar.gz"; do
	[ -r "$t" ] && { tarball=$t; break; }
done
[ -n "$tarball" ] || { echo "slurm-build.sh: no slurm-$version.tar.{xz,bz2,gz} in $tarballs (set SC_SLURM_TARBALLS)" >&2; exit 1; }

if [ "$headers" = 1 ]; then
	prefix=$cache/$version-headers
else
	prefix=$cache/$version
fi
stamp=$prefix/.slurm-carbon-built
if [ -e "$stamp" ]; then
	echo "slurm-build.sh: Slurm $version already built in $prefix" >&2
	echo "$prefix"
	exit 0
fi

if [ -r "$tarballs/SHA256SUMS" ] && grep -q " $(basename "$tarball")\$" "$tarballs/SHA256SUMS"; then
	(cd "$tarballs" && grep " $(basename "$tarball")\$" SHA256SUMS | sha256sum -c --quiet -) ||
		{ echo "slurm-build.sh: $tarball does not match its SHA256SUMS entry" >&2; exit 1; }
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xf "$tarball" -C "$work"
src=$work/slurm-$version
[ -d "$src/slurm" ] || { echo "slurm-build.sh: $tarball has no slurm-$version/slurm/" >&2; exit 1; }
rm -rf "$prefix"

if [ "$headers" = 1 ]; then
	# The public headers as `make install` lays them out; slurm_version.h is the one that
	# configure generates, from META.
	IFS=. read -r major minor micro <<<"$version"
	mkdir -p "$prefix/include/slurm"
	for h in slurm.h slurm_errno.h slurmdb.h spank.h pmi.h; do
		[ -e "$src/slurm/$h" ] && cp "$src/slurm/$h" "$prefix/include/slurm/"
	done
	num=$(printf '0x%02x%02x%02x' "$((10#$major))" "$((10#$minor))" "$((10#$micro))")
	sed -e "s/^#undef SLURM_VERSION_NUMBER\$/#define SLURM_VERSION_NUMBER $num/" \
		"$src/slurm/slurm_version.h.in" >"$prefix/include/slurm/slurm_version.h"
	grep -q "define SLURM_VERSION_NUMBER $num" "$prefix/include/slurm/slurm_version.h" ||
		{ echo "slurm-build.sh: could not set SLURM_VERSION_NUMBER in slurm_version.h" >&2; exit 1; }
	touch "$stamp"
	echo "slurm-build.sh: Slurm $version headers in $prefix" >&2
	echo "$prefix"
	exit 0
fi

"$top/scripts/deps.sh" slurm-source >&2

log=$cache/build-$version.log
echo "slurm-build.sh: building Slurm $version into $prefix (log: $log)" >&2
start=$SECONDS
(
	cd "$src"
	# sysconfdir only sets the default slurm.conf; cluster.sh always passes SLURM_CONF.
	./configure --prefix="$prefix" --sysconfdir="$prefix/etc" --disable-debug \
		--without-hdf5 --without-rrdtool --without-ucx --without-pmix --without-nvml \
		--disable-slurmrestd --enable-pam=no
	make -j"$jobs"
	make install
) >"$log" 2>&1 || {
	tail -n 40 "$log" >&2
	echo "slurm-build.sh: building Slurm $version failed; the whole log is $log" >&2
	rm -rf "$prefix"
	exit 1
}
[ -x "$prefix/sbin/slurmctld" ] && [ -e "$prefix/include/slurm/slurm.h" ] ||
	{ echo "slurm-build.sh: the build of $version installed no slurmctld or slurm.h ($log)" >&2; rm -rf "$prefix"; exit 1; }
touch "$stamp"
echo "slurm-build.sh: Slurm $version built in $((SECONDS - start)) s into $prefix" >&2
echo "$prefix"
