#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the fuzz targets with clang (in BUILD_DIR, default build-fuzz/ at
# the top of the tree) and runs each for SECONDS (default 10) from its
# committed corpus (tests/fuzz/corpus/<target>/). New inputs go to
# BUILD_DIR/corpus/, never into the tree; a crash leaves its input in
# BUILD_DIR/crashes/ and fails the run.
# Usage: tests/fuzz/run.sh [SECONDS [BUILD_DIR]]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${1:-10}
build=${2:-$top/build-fuzz}

CXX=clang++ cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice -n 10 cmake --build "$build" -j "$(nproc)" >/dev/null

mkdir -p "$build/crashes"
failed=0
for target in fuzz_nvme_decode fuzz_stdin fuzz_ocf_environment fuzz_cmapctl fuzz_keys fuzz_clean_text; do
    seeds=$here/corpus/${target#fuzz_}
    work=$build/corpus/${target#fuzz_}
    mkdir -p "$work"
    log=$build/$target.log
    # -max_len: a little above the parsers' own limits would only slow the run.
    if "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=8192 \
        -artifact_prefix="$build/crashes/$target-" -print_final_stats=1 "$work" "$seeds" >"$log" 2>&1; then
        echo "ok: $target: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs in ${seconds} s"
    else
        echo "FAIL: $target (log $log):"
        grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5
        failed=1
    fi
done
exit $failed
