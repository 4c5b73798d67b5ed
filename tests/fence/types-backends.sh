#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 8: every reservation type the target supports, and both device
# backends (NVMe passthrough, block-layer PR ioctls) forced, give the same
# outcome: the victim cannot write, the fencer can, exit 0.
#
# The two backends run side by side on disjoint namespaces (passthrough on
# 1-6, block on 7-12): the guest has two CPUs and each check is a chain of
# process starts. Each backend's output is printed whole, in order.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/types-backends.sh" 300 "${1:-}"
AGENT=$1

types=(write-exclusive exclusive-access write-exclusive-registrants-only
       exclusive-access-registrants-only write-exclusive-all-registrants exclusive-access-all-registrants)
setup_cluster 2 12

# check_backend BACKEND FIRST: type t (1-6) on namespace FIRST+t-1. Run in a
# subshell: its last line "COUNTS passed failed" carries the bookkeeping.
check_backend() {
    local backend=$1 first=$2 t k type d
    for t in 1 2 3 4 5 6; do
        k=$((first + t - 1)) type=${types[t - 1]} d=$(disk "$k")
        # node2 unfences first, so under types 1-4 the victim holds the reservation.
        agent node2 -q -o on -n 0x2 -d "$d" -t "$type" -b "$backend" -s /run/fence-$k &&
            agent node1 -q -o on -n 0x1 -d "$d" -t "$type" -b "$backend" -s /run/fence-$k ||
            fnp_fail "$backend $type: unfence"
        fnp_check_eq "$backend: namespace $k has type $t ($type)" "$t" "$(rtype "$k")"
        fnp_check_rc 0 "$backend $type: node1 fences node2" agent node1 -o off -n 0x2 -d "$d" -b "$backend" -s /run/fence-$k
        fnp_check_eq "$backend $type: node2 cannot write" 2 "$(write node2 "$k" 50 x; echo $?)"
        fnp_check_eq "$backend $type: node1 writes" 0 "$(write node1 "$k" 50 x; echo $?)"
        fnp_check_eq "$backend $type: only 0x1 registered" "0x1" "$(keys "$k")"
        fnp_check_rc 2 "$backend $type: status of node2 is off" agent node1 -o status -n 0x2 -d "$d" -b "$backend"
        # Leave the namespace empty: node1 clears it.
        on node1 "$FNP_LIB" fnp_nvme_resv release "$d" --crkey=0x1 --rrela=1 >/dev/null || fnp_fail "clear namespace $k"
    done
    echo "COUNTS $FNP_PASSED $FNP_FAILED"
}

outdir=$(mktemp -d) || exit 1
(FNP_PASSED=0 FNP_FAILED=0; check_backend passthrough 1) >"$outdir/passthrough" 2>&1 &
(FNP_PASSED=0 FNP_FAILED=0; check_backend block 7) >"$outdir/block" 2>&1 &
wait
for backend in passthrough block; do
    counted=0
    while IFS= read -r line; do
        if [[ $line =~ ^COUNTS\ ([0-9]+)\ ([0-9]+)$ ]]; then
            FNP_PASSED=$((FNP_PASSED + BASH_REMATCH[1])) FNP_FAILED=$((FNP_FAILED + BASH_REMATCH[2])) counted=1
        else
            printf '%s\n' "$line"
        fi
    done <"$outdir/$backend"
    ((counted)) || fnp_fail "$backend: the checks did not run to the end"
done
fnp_check_rc 1 "passthrough forced on a non-NVMe device is refused" agent node1 -o monitor -d /dev/null -b passthrough
fnp_summary
