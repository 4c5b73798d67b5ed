#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The three ways to hurt a healthy node that the safety property test
# (tests/property) found in the model before issue 19's fixes, replayed on
# real kernel reservations (nvmet), three nodes, two shared namespaces:
#   1. nvme_persist configured on the fence disks: its start is refused, and
#      the stops Pacemaker runs then (on the node that tried, and on a node
#      where it never ran) must leave the fencing registrations alone;
#   2. `on` typed by hand for a fenced node ("unfence node2") on node1 must
#      be refused and leave node1's own registration as it was;
#   3. a reservation cleared on one disk is not evidence of being fenced:
#      the watchdog check must not ask for a reboot (a fenced node's check
#      still does).
# Usage: safety.sh FENCE_AGENT CHECK RESOURCE_AGENT (each as built).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/safety.sh" 300 "${1:-}" "${2:-}" "${3:-}"
# RA: the resource agent as built, run by its own ra() below.
AGENT=$1 CHECK=$2 RA=$3

setup_cluster 3 3
NAMESPACES=2  # the fence disks; namespace 3 is for the last section
DEV=$(devices)
KEYMAP="node1:0x1;node2:0x2;node3:0x3"
for n in 1 2 3; do
    fnp_check_rc 0 "node$n unfences" agent_stdin "node$n" action=on "nodename=node$n" "port=0x$n" "devices=$DEV"
done

# ra NODE ACTION: nvme_persist as Pacemaker runs it, on the fence disks, with
# the fence agent's keys (the mistake of hole 1: the same key, the same disks).
ra() {
    on "$1" env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=db OCF_RESKEY_CRM_meta_timeout=20000 \
        "OCF_RESKEY_CRM_meta_on_node=$1" "OCF_RESKEY_devices=$DEV" "OCF_RESKEY_key=$KEYMAP" "$RA" "$2"
}
check() { on "$1" "$CHECK" test; }

echo "== hole 1: nvme_persist on the fence disks"
fnp_check_rc 6 "nvme_persist start on node1 is refused (fence_nvme_pr's reservation)" ra node1 start
fnp_check_eq "the refused start changed nothing" "0x1 0x2 0x3" "$(keys 1)"
fnp_check_rc 0 "the stop after the failed start succeeds" ra node1 stop
fnp_check_rc 0 "a stop on node2, where it never ran, succeeds" ra node2 stop
fnp_check_eq "every fencing key is still registered on namespace 1" "0x1 0x2 0x3" "$(keys 1)"
fnp_check_eq "every fencing key is still registered on namespace 2" "0x1 0x2 0x3" "$(keys 2)"
fnp_check_eq "node1 still writes everywhere" "0 0" "$(write_results node1)"
fnp_check_rc 0 "node1's watchdog check passes" check node1
fnp_check_rc 0 "node2's watchdog check passes" check node2

echo "== hole 2: on typed by hand for another node"
fnp_check_rc 0 "node1 fences node2" agent_stdin node1 action=off nodename=node2 port=0x2 "devices=$DEV"
out=$(agent node1 -o on -n 0x2 -d "$DEV" 2>&1); rc=$?
fnp_check_eq "node1: 'fence_nvme_pr -o on -n 0x2' is refused (exit 1)" 1 "$rc"
fnp_check "the refusal names this node's key" grep -q "this node's key is 0x0000000000000001" <<<"$out"
fnp_check_eq "node1's registration is still its own key, node2 stays fenced" "0x1 0x3" "$(keys 1)"
fnp_check_eq "node2 still cannot write" "2 2" "$(write_results node2)"
fnp_check_rc 0 "node1's watchdog check passes" check node1
fnp_check_rc 1 "node2's watchdog check finds it fenced" check node2

echo "== hole 3: a reservation cleared on one disk"
fnp_check_rc 0 "node1 clears namespace 2 with nvme-cli (resv-release --rrela=1)" \
    on node1 nvme resv-release /dev/data-disk2 --crkey=1 --rtype=5 --rrela=1
fnp_check_eq "namespace 2 has no registrant left" "" "$(keys 2)"
out=$(on node1 "$CHECK" test 2>&1); rc=$?
fnp_check_eq "node1's watchdog check does not ask for a reboot (exit 0)" 0 "$rc"
fnp_check "it says why" grep -q "not a fence" <<<"$out"
fnp_check_rc 0 "node3's watchdog check does not ask for a reboot" check node3
fnp_check_rc 1 "node2, fenced, still fails its check (namespace 1 shows the fence)" check node2
fnp_check_rc 0 "node1 unfences again, namespace 2 protected anew" agent_stdin node1 action=on nodename=node1 port=0x1 "devices=$DEV"
fnp_check_eq "node1 is registered on namespace 2 again" "0x1" "$(keys 2)"

echo "== further findings of the property test: both agents on one disk (namespace 3)"
ra3() {
    on "$1" env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=data OCF_RESKEY_CRM_meta_timeout=20000 \
        "OCF_RESKEY_CRM_meta_on_node=$1" OCF_RESKEY_devices=/dev/data-disk3 "OCF_RESKEY_key=$KEYMAP" "$RA" "$2"
}
fnp_check_rc 0 "nvme_persist starts on node3, namespace 3 only" ra3 node3 start
fnp_check_eq "node3 holds namespace 3" "0x3" "$(keys 3)"
out=$(agent_stdin node1 action=on nodename=node1 port=0x1 devices=/dev/data-disk3 2>&1); rc=$?
fnp_check_eq "fence_nvme_pr on over nvme_persist's write-exclusive reservation is refused (exit 1)" 1 "$rc"
fnp_check "the refusal says why" grep -q "one owner" <<<"$out"
fnp_check_eq "the refused on changed nothing" "0x3" "$(keys 3)"
fnp_check_rc 0 "nvme_persist stops on node3" ra3 node3 stop
fnp_check_eq "namespace 3 is free" "" "$(keys 3)"
fnp_check_rc 0 "node1 unfences namespace 3 with a registrants-only reservation" \
    agent_stdin node1 action=on nodename=node1 port=0x1 devices=/dev/data-disk3 reservation_type=write-exclusive-registrants-only
fnp_check_rc 6 "nvme_persist start on node2 is refused: it would preempt node1's fencing registration" ra3 node2 start
fnp_check_eq "node1's registration is still there" "0x1" "$(keys 3)"

teardown_cluster
fnp_summary
