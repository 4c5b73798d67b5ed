#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-deb.sh - the CTest package.build_deb: the .deb as
# packaging/build-packages.sh builds it (Debian 12's dpkg-buildflags: g++ 12,
# -g -O2 and the hardening flags; lintian and hardening-check included),
# then no warning in its build log. This is also the build matrix's g++ 12
# entry at -O2 -g (tests/README.md, "The build matrix"): the package build
# keeps warnings as warnings, the test does not accept one.
# Usage: build-deb.sh   (environment: DEB_BUILD_OPTIONS, passed on)
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$top/packaging/build-packages.sh" deb || exit 1
log=$top/build/package-work/deb/build.log
rc=0
"$top/tests/toolchains/warning-lines.sh" "$log" >"$top/build/package-work/deb/warnings" || rc=$?
case $rc in
    0) head -n 40 "$top/build/package-work/deb/warnings"
       echo "FAIL: $(wc -l <"$top/build/package-work/deb/warnings") warning line(s) in the package build (log: $log)"
       exit 1 ;;
    1) echo "ok: no warning in the package build" ;;
    *) echo "FAIL: cannot read the package build log $log"; exit 1 ;;
esac
