#!/bin/bash
# Scenario 8: every reservation type the target supports, and both device
# backends (NVMe passthrough, block-layer PR ioctls) forced, give the same
# outcome: the victim cannot write, the fencer can, exit 0.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
fence_enter_vm "$HERE/types-backends.sh" "${1:-}" 300
AGENT=$1

types=(write-exclusive exclusive-access write-exclusive-registrants-only
       exclusive-access-registrants-only write-exclusive-all-registrants exclusive-access-all-registrants)
setup_cluster 2 6
for backend in passthrough block; do
    for k in 1 2 3 4 5 6; do
        type=${types[k - 1]} d=$(disk "$k")
        # node2 unfences first, so under types 1-4 the victim holds the reservation.
        agent node2 -q -o on -n 0x2 -d "$d" -t "$type" -b "$backend" -s /run/fence-$k &&
            agent node1 -q -o on -n 0x1 -d "$d" -t "$type" -b "$backend" -s /run/fence-$k ||
            fnp_fail "$backend $type: unfence"
        fnp_check_eq "$backend: namespace $k has type $k ($type)" "$k" "$(rtype "$k")"
        fnp_check_rc 0 "$backend $type: node1 fences node2" agent node1 -o off -n 0x2 -d "$d" -b "$backend" -s /run/fence-$k
        fnp_check_eq "$backend $type: node2 cannot write" 2 "$(write node2 "$k" 50 x; echo $?)"
        fnp_check_eq "$backend $type: node1 writes" 0 "$(write node1 "$k" 50 x; echo $?)"
        fnp_check_eq "$backend $type: only 0x1 registered" "0x1" "$(keys "$k")"
        fnp_check_rc 2 "$backend $type: status of node2 is off" agent node1 -o status -n 0x2 -d "$d" -b "$backend"
        # Leave the namespace empty for the next backend: node1 clears it.
        on node1 nvme resv-release "$d" --crkey=0x1 --rrela=1 >/dev/null || fnp_fail "clear namespace $k"
    done
done
fnp_check_rc 1 "passthrough forced on a non-NVMe device is refused" agent node1 -o monitor -d /dev/null -b passthrough
fnp_summary
