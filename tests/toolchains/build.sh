#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh - one entry of the build matrix (issue 20): the agents build
# where users and distributions build them, and no compiler warns.
#
# Usage: build.sh agents CXX BUILD_TYPE OUT_DIR [SUITE]
#        build.sh deb SUITE OUT_DIR [OPT]
#   agents: a fresh configure of the source tree in OUT_DIR with the C++
#     compiler CXX (e.g. g++, clang++) and CMAKE_BUILD_TYPE BUILD_TYPE, as a
#     user's plain build (no -Werror, no test suite), then a build of the three
#     agents only (fence_nvme_pr, fence_nvme_pr_check, nvme_persist, and what
#     they need), -j2. With SUITE (e.g. trixie): in a chroot on that Debian
#     suite's own toolchain (tests/vm/fetch-root.sh --profile build), else
#     with this machine's.
#   deb: the Debian package built in SUITE's build root with that suite's
#     dpkg-buildpackage and dpkg-buildflags, from a `git archive` of the
#     checkout as packaging/build-packages.sh builds it; nocheck (the unit
#     tests run in the project's own builds; the package's test run needs
#     GoogleTest, ~minutes more, and proves nothing about the compiler).
#     With OPT (e.g. -O3) appended to dpkg-buildflags' CXXFLAGS through
#     DEB_CXXFLAGS_APPEND: one compile then covers both what a Release build
#     of that compiler warns about (its optimiser's warnings come at -O3) and
#     the package build, instead of two compiles of the same sources.
# Then the built fence agent prints its version and its metadata (in the
# suite's root when there is one: it links that suite's libraries).
#
# FAILS when the configure or build fails, when the compiler, the linker,
# CMake or dpkg print any warning (the lines are shown), when the agent's
# --version or metadata is wrong, or when the suite's root cannot be built.
# Prints one line per phase with its duration. Needs root for a SUITE.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd -P)
readonly AGENTS=(fence_nvme_pr fence_nvme_pr_check nvme_persist)

fail() { echo "FAIL: $*"; exit 1; }

mode=${1:-}
case $mode in
    agents) cxx=${2:-} type=${3:-} out=${4:-} suite=${5:-}
        [[ -n $cxx && -n $type && -n $out ]] || fail "usage: build.sh agents CXX BUILD_TYPE OUT_DIR [SUITE]" ;;
    deb) suite=${2:-} out=${3:-} opt=${4:-}
        [[ -n $suite && -n $out ]] || fail "usage: build.sh deb SUITE OUT_DIR [OPT]" ;;
    *) fail "usage: build.sh agents CXX BUILD_TYPE OUT_DIR [SUITE] | deb SUITE OUT_DIR [OPT]" ;;
esac
[[ $suite =~ ^[a-z0-9-]*$ ]] || fail "bad suite name '$suite'"
[[ -z ${opt:-} || $opt =~ ^-O[0-3s]$ ]] || fail "OPT must be an optimisation level like -O3, not '${opt:-}'"

# A fresh directory every time: what is measured is a user's first build.
if ! { rm -rf "$out" && mkdir -p "$out"; }; then fail "cannot create $out"; fi
out=$(cd "$out" && pwd -P)
log=$out/build.log

# in_root CMD...: CMD on this machine, or in the suite's build root (a
# private mount namespace with /proc, /sys, /dev, /run and /tmp, the root
# under a throw-away overlay; everything is unmounted when CMD ends:
# tests/vm/in-root.sh), with the source tree and OUT_DIR bound.
in_root=()
if [[ -n $suite ]]; then
    start=$SECONDS
    root=$("$TOP/tests/vm/fetch-root.sh" --suite "$suite" --profile build 2>"$out/fetch-root.log") ||
        fail "no Debian $suite build root: $(grep -m1 'ERROR' "$out/fetch-root.log" || tail -n1 "$out/fetch-root.log")"
    in_root=("$TOP/tests/vm/in-root.sh" "$root" --bind "$TOP" --bind "$out" --)
    echo "ok: Debian $suite build root $root ($((SECONDS - start)) s): $(grep -E '^(g\+\+|clang|cmake|dpkg-dev) ' "$root/fnp-packages" | paste -sd' ')"
fi

# step NAME CMD...: CMD with its output appended to the log; fails the entry
# when CMD fails (with the log's tail). Says the wall-clock time and the CPU
# time (user + system, of CMD and its children: what the step costs on an
# idle machine is about CPU / 2 on two cores).
step() {
    local name=$1 rc=0 t; shift
    echo "== $name: $*" >>"$log"
    t=$( { TIMEFORMAT='%0R s, CPU %0U+%0S s'; time "${in_root[@]}" "$@" >>"$log" 2>&1; } 2>&1 ) || rc=$?
    if ((rc)); then
        tail -n 40 "$log"
        fail "$name failed ($t; log: $log)"
    fi
    echo "ok: $name ($t)"
}

if [[ $mode == agents ]]; then
    step "configure ($cxx, $type)" env CXX="$cxx" cmake -S "$TOP" -B "$out/build" \
        -DCMAKE_BUILD_TYPE="$type" -DBUILD_TESTING=OFF
    step "build of the agents" cmake --build "$out/build" -j 2 --target "${AGENTS[@]}"
    agent=$out/build/fence_agent/fence_nvme_pr
else
    version=$(sed -n 's/^project(fence-nvme-pr VERSION \([0-9.]*\).*/\1/p' "$TOP/CMakeLists.txt")
    name=fence-nvme-pr-$version
    # What git tracks, with uncommitted changes to tracked files (as
    # packaging/build-packages.sh packages it).
    tree=$(git -C "$TOP" stash create) || fail "git stash create failed in $TOP"
    if ! { mkdir -p "$out/src" &&
        git -C "$TOP" archive --format=tar --prefix="$name/" "${tree:-HEAD}" | tar -xf - -C "$out/src" &&
        cp -a "$TOP/packaging/debian" "$out/src/$name/debian"; }; then
        fail "cannot export the source tree to $out/src"
    fi
    # shellcheck disable=SC2016 # expanded by the inner shell
    step "dpkg-buildpackage (Debian $suite, nocheck${opt:+, CXXFLAGS += $opt})" bash -c 'cd "$1" && \
        DEB_CXXFLAGS_APPEND="$2" DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -us -uc -Pnocheck' \
        build "$out/src/$name" "$opt"
    debs=("$out"/src/fence-nvme-pr_"$version"-*.deb)
    [[ -f ${debs[0]} ]] || fail "dpkg-buildpackage made no fence-nvme-pr_$version-*.deb in $out/src"
    dpkg-deb -x "${debs[0]}" "$out/contents" || fail "cannot unpack ${debs[0]}"
    echo "ok: ${debs[0]##*/} ($(stat -c %s "${debs[0]}") bytes)"
    agent=$out/contents/usr/sbin/fence_nvme_pr
fi

# Any line of the compiler, linker, CMake or dpkg that is a warning
# (warning-lines.sh says which are not about this project).
rc=0
"$HERE/warning-lines.sh" "$log" >"$out/warnings" || rc=$?
((rc <= 1)) || fail "cannot read the build log $log"
if ((rc == 0)); then
    head -n 40 "$out/warnings"
    fail "$(wc -l <"$out/warnings") warning line(s) in the build (log: $log)"
fi
echo "ok: no warning in the build"

[[ -x $agent ]] || fail "no fence agent at $agent"
got=$("${in_root[@]}" "$agent" --version 2>&1) || fail "fence_nvme_pr --version failed: $got"
want=$(sed -n 's/^project(fence-nvme-pr VERSION \([0-9.]*\).*/\1/p' "$TOP/CMakeLists.txt")
[[ $got == *"$want"* ]] || fail "fence_nvme_pr --version printed '$got', not version $want"
echo "ok: fence_nvme_pr --version: $got"
"${in_root[@]}" "$agent" -o metadata >"$out/metadata.xml" 2>"$out/metadata.err" ||
    fail "fence_nvme_pr -o metadata failed: $(head -n1 "$out/metadata.err")"
if ! { grep -q '<resource-agent name="fence_nvme_pr"' "$out/metadata.xml" &&
    grep -q '</resource-agent>' "$out/metadata.xml"; }; then
    fail "fence_nvme_pr -o metadata printed no complete <resource-agent> (see $out/metadata.xml)"
fi
cmp -s "$out/metadata.xml" "$TOP/metadata/fence_nvme_pr.xml" ||
    fail "fence_nvme_pr -o metadata differs from metadata/fence_nvme_pr.xml (see $out/metadata.xml)"
echo "ok: fence_nvme_pr -o metadata: $(wc -c <"$out/metadata.xml") bytes, as metadata/fence_nvme_pr.xml"
