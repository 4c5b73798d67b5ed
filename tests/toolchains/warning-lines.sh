#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# warning-lines.sh LOG - print the lines of a build log that are warnings,
# for the build matrix (tests/toolchains/build.sh) and the package build
# (tests/package/build-deb.sh). Exit 0 when there is at least one, 1 when
# there is none, 2 when LOG cannot be read.
#
# The compiler, the linker, CMake and dpkg's tools say "warning:" (GCC and
# clang: "FILE:LINE:COL: warning: ..."; CMake: "CMake Warning"). Not counted,
# because they are not about this project: debhelper's dh_auto_configure
# passes every CMake project the same variables (CMAKE_EXPORT_NO_PACKAGE_REGISTRY,
# FETCHCONTENT_FULLY_DISCONNECTED, ...), and CMake notes those it did not
# read ("Manually-specified variables were not used by the project"); and
# trixie's dpkg-shlibdeps says "diversions involved" of every program: its
# libc6 diverts /lib64/ld-linux-x86-64.so.2 for the /usr merge.
set -uo pipefail
log=${1:?usage: warning-lines.sh LOG}
[[ -r $log ]] || { echo "warning-lines: cannot read $log" >&2; exit 2; }
awk '/CMake Warning/ { held = $0; next }
     held != "" && /^ *$/ { next }
     held != "" { if ($0 !~ /Manually-specified variables were not used/) print held; held = "" }
     /^dpkg-shlibdeps: warning: diversions involved - output may be incorrect$/ { next }
     tolower($0) ~ /warning:/ { print }' "$log" | grep .
