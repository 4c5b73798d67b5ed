#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 3: the fencer holds a registrants-only reservation. The Linux
# target ignores a holder's preempt of another registrant (deviation D1);
# the agent must still leave the victim unable to write, or fail loudly,
# never exit 0 with the victim writable.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/holder-deviation.sh" 240 "${1:-}"
AGENT=$1

setup_cluster 3 2
DEV=$(devices)
for n in 1 2 3; do
    fnp_check_rc 0 "node$n unfences with write-exclusive-registrants-only" \
        agent "node$n" -o on -n "0x$n" -d "$DEV" --reservation-type=write-exclusive-registrants-only
done
fnp_check_eq "reservation type is WERO (3)" 3 "$(rtype 1)"
fnp_check_eq "node1 (the first) holds it" "0x1" "$(fnp_resv_holders "$(fnp_ns_dev host1 1)")"
out=$(agent node1 -o off -n 0x2 -d "$DEV" -v 2>&1); rc=$?
echo "$out" | sed 's/^/  agent: /'
fnp_check_eq "the holder's fence of node2 succeeds (exit 0)" 0 "$rc"
fnp_check "the agent saw the target ignore the preempt" grep -q "ignored the holder's preempt" <<<"$out"
fnp_check_eq "node2's key is gone" "0x1 0x3" "$(keys 1)"
fnp_check_eq "node2 cannot write" "2 2" "$(write_results node2)"
fnp_check_eq "node3 (registrant) still writes" "0 0" "$(write_results node3)"
fnp_check_eq "the reservation became WEAR (5): same access rules" 5 "$(rtype 2)"

# Write Exclusive (type 1): the detour would let the victim write; fail loudly.
teardown_cluster
setup_cluster 2 1
for n in 1 2; do
    fnp_check_rc 0 "node$n unfences with write-exclusive" agent "node$n" -o on -n "0x$n" -d /dev/data-disk -t write-exclusive
done
out=$(agent node1 -o off -n 0x2 -d /dev/data-disk 2>&1); rc=$?
echo "$out" | sed 's/^/  agent: /'
if ((rc == 0)); then
    fnp_check_eq "exit 0 only if node2 really is gone" "0x1" "$(keys 1)"
else
    fnp_pass "the agent failed loudly (exit $rc) instead of reporting a fence that did not happen"
    fnp_check "its message names the deviation" grep -q "nvmet deviation" <<<"$out"
fi
fnp_check_rc 2 "either way node2 cannot write (only the holder writes under WE)" write node2 1 100 x

fnp_summary
