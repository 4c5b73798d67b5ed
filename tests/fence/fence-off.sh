#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenarios 2, 5 and rejoin: node1 fences node2 (stdin, as Pacemaker); the
# victim's writes fail with EBADE while the survivor's work and its data stay
# intact; fencing again is a success; the fenced node cannot fence the
# survivor; after a reboot (fresh /run) it unfences and writes again.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/fence-off.sh" 240 "${1:-}"
AGENT=$1

setup_cluster 2 2
DEV=$(devices)
for n in 1 2; do
    fnp_check_rc 0 "node$n unfences" agent_stdin "node$n" action=on "nodename=node$n" "port=0x$n" "devices=$DEV"
done
fnp_check_rc 0 "node1 writes its data before the fence" write node1 1 10 "node1-before"
fnp_check_rc 0 "node2 can write before the fence" write node2 1 20 "node2-before"

start=$(now_ms)
fnp_check_rc 0 "node1 fences node2 (stdin, pcmk_host_map key)" \
    agent_stdin node1 action=off nodename=node2 port=0x2 "devices=$DEV" pcmk_delay_max=0 "unknown_extra=1"
fnp_timing "off through stdin took $(($(now_ms) - start)) ms (agent process, 2 namespaces, emulated CPU)"
fnp_check_eq "node2's key is gone from namespace 1" "0x1" "$(keys 1)"
fnp_check_eq "node2's key is gone from namespace 2" "0x1" "$(keys 2)"
fnp_check_eq "node2's writes fail with EBADE on every namespace" "2 2" "$(write_results node2)"
err=$(on node2 dd if=/dev/zero of=/dev/data-disk bs=4096 count=1 seek=30 oflag=direct 2>&1)
fnp_check "the failed write says 'Invalid exchange'" grep -q "Invalid exchange" <<<"$err"
fnp_check_eq "node1 still writes everywhere" "0 0" "$(write_results node1)"
fnp_check_rc 0 "node1 writes after the fence" write node1 1 11 "node1-after"
fnp_check_eq "node1's data from before is intact" "node1-before" "$(read_text node1 1 10)"
fnp_check_eq "node1's data from after is intact" "node1-after" "$(read_text node1 1 11)"
fnp_check_eq "node2 can still read (write-exclusive)" "node1-before" "$(read_text node2 1 10)"
fnp_check_rc 2 "status of node2 is off (2)" agent node1 -o status -n 0x2 -d "$DEV"
fnp_check_rc 0 "fencing node2 again succeeds (already off)" agent node1 -o off -n 0x2 -d "$DEV"

# Scenario 5: the fenced node tries to fence the survivor.
out=$(agent node2 -o off -n 0x1 -d "$DEV" 2>&1); rc=$?
fnp_check_eq "the fenced node2 is refused when it fences node1 (exit 1)" 1 "$rc"
fnp_check "the refusal says why" grep -q "has been fenced" <<<"$out"
fnp_check_eq "node1 untouched on namespace 1" "0x1" "$(keys 1)"
fnp_check_eq "node1 still writes everywhere" "0 0" "$(write_results node1)"

# Rejoin: a reboot empties /run; the node unfences again as it joins.
on node2 rm -rf /run/fence_nvme_pr
fnp_check_rc 0 "node2 unfences again after its 'reboot'" agent_stdin node2 action=on nodename=node2 port=0x2 "devices=$DEV"
fnp_check_eq "node2 writes again" "0 0" "$(write_results node2)"
fnp_check_rc 0 "and node2 may now fence node1" agent node2 -o off -n 0x1 -d "$DEV"
fnp_check_eq "node1's writes fail now" "2 2" "$(write_results node1)"

fnp_summary
