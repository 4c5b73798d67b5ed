#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fence_nvme_pr run as Pacemaker does (no arguments) with a stdin that never
# reaches its end: it fails (exit 1) after kStdinTimeout (10 s), with a
# message, instead of waiting for ever. Usage: stdin-never-closes.sh FENCE_AGENT
set -uo pipefail
fence=$1
dir=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$dir"' EXIT
mkfifo "$dir/in"
exec 3<>"$dir/in"  # this shell keeps the writing end open
echo action=monitor >&3
start=$(date +%s%N)
timeout 60 "$fence" <"$dir/in" >"$dir/out" 2>&1
rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$dir/out"
echo "exit $rc after $took ms"
[[ $rc == 1 ]] || { echo "FAIL: expected exit 1"; exit 1; }
grep -q "stdin did not end" "$dir/out" || { echo "FAIL: no message about stdin"; exit 1; }
(( took >= 9000 && took < 30000 )) || { echo "FAIL: expected about 10 s"; exit 1; }
