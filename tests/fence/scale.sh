#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 6: 16 hosts (the cloud multi-attach limit) on 8 namespaces; one
# node fences another on all of them; only the victim loses write access.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/scale.sh" 400 "${1:-}"
AGENT=$1

setup_cluster 16 8
DEV=$(devices)
# Nodes unfence four at a time, as a starting cluster's nodes do at once
# (and under emulation every process start counts).
for ((first = 1; first <= 16; first += 4)); do
    pids=()
    for ((n = first; n < first + 4; n++)); do
        agent "node$n" -q -o on -n "$(printf '0x%x' "$n")" -d "$DEV" & pids[n]=$!
    done
    for n in "${!pids[@]}"; do wait "${pids[n]}" || fnp_fail "node$n unfences"; done
done
fnp_check_eq "16 keys on namespace 8" 16 "$(fnp_resv_keys "$(fnp_ns_dev host1 8)" | wc -l)"
start=$(now_ms)
fnp_check_rc 0 "node3 fences node11 on 8 namespaces" agent node3 -o off -n 0xb -d "$DEV"
fnp_timing "off of 1 of 16 hosts on 8 namespaces took $(($(now_ms) - start)) ms"
# The victim and three survivors write at the same time, each in its own node.
outdir=$(mktemp -d) || exit 1
for n in 11 1 3 16; do write_results "node$n" >"$outdir/node$n" & done
wait
fnp_check_eq "node11 cannot write anywhere" "$(all_of 2 8)" "$(<"$outdir/node11")"
for n in 1 3 16; do
    fnp_check_eq "node$n still writes everywhere" "$(all_of 0 8)" "$(<"$outdir/node$n")"
done
for k in 1 4 8; do
    fnp_check "node11's key is gone from namespace $k" key_absent "$k" 0xb
done
fnp_check_eq "15 keys remain on namespace 8" 15 "$(fnp_resv_keys "$(fnp_ns_dev host1 8)" | wc -l)"
fnp_summary
