#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# smoke-test.sh - prove that the VM test bed gives real NVMe reservations
# shared by several hosts, with nvme-cli only (no project code).
#
# Usage: smoke-test.sh
#   On the host it re-runs itself in a VM (run-vm.sh); inside the VM
#   (FNP_VM=1) it runs the checks. Prints PASS/FAIL lines and a SUMMARY.
# Exit: 0 all checks passed; 1 a check failed; other = setup/VM failure
# (124 VM timeout, 125 VM failure, see run-vm.sh).
#
# Checks, on nvmet over nvme-loop with 3 hosts, each in its own node
# (node.sh) whose namespace 1 is /dev/data-disk and namespace 2
# /dev/data-disk2:
#   ns 1: node1..3 register keys 0x1..0x3; node1 acquires WEAR (type 5);
#         node1 preempt-and-aborts 0x2; node2's O_DIRECT write then fails
#         with EBADE ("Invalid exchange") while node1's and node3's work.
#   ns 2: deviation D1: node1 holds WERO (type 3) and "preempts" 0x3; the
#         command succeeds but 0x3 stays registered and can still write.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ${FNP_VM:-} != 1 ]]; then
    exec "$HERE/run-vm.sh" --timeout 240 -- "$HERE/smoke-test.sh" "$@"
fi

# shellcheck source=guest/lib.sh
source "$HERE/guest/lib.sh"

# Run a command in node $1 (host $1's view, /dev/data-disk*).
on() { fnp_on "$@"; }

setup() {
    "$FNP_NVMET" setup --hosts 3 --namespaces 2 --size-mb 16
    echo "nvmet target ready [+$(fnp_elapsed)s]"
    "$FNP_NODE" setup
    echo "nodes ready [+$(fnp_elapsed)s]"
}

check_nodes() {
    local dev1 dev2
    fnp_check_eq "node1 has its own hostname" node1 "$(on node1 hostname)"
    dev1=$(on node1 readlink -f /dev/data-disk)
    dev2=$(on node2 readlink -f /dev/data-disk)
    fnp_check_eq "node1's /dev/data-disk is host1's namespace 1" \
        "$("$FNP_NVMET" dev host1 1)" "$dev1"
    fnp_check_eq "node2's /dev/data-disk is host2's namespace 1" \
        "$("$FNP_NVMET" dev host2 1)" "$dev2"
    fnp_check "node1 cannot see host2's device" on node1 test ! -e "$dev2"
}

# Namespace 1: register, WEAR, preempt-and-abort, fenced write fails.
check_preempt_abort() {
    local i
    for i in 1 2 3; do
        fnp_check "node$i registers key 0x$i" on "node$i" "$FNP_LIB" fnp_nvme_resv register /dev/data-disk --nrkey="0x$i" --rrega=0
    done
    fnp_check_eq "keys 0x1 0x2 0x3 registered" "0x1 0x2 0x3" "$(on node1 "$FNP_LIB" fnp_resv_keys /dev/data-disk | paste -sd' ')"
    fnp_check "node1 acquires WEAR (rtype 5)" on node1 "$FNP_LIB" fnp_nvme_resv acquire /dev/data-disk --crkey=0x1 --rtype=5 --racqa=0
    fnp_check_eq "reservation type is 5" 5 "$(fnp_resv_rtype "$("$FNP_NVMET" dev host1 1)")"
    fnp_check_rc 0 "node2 (registrant) can write under WEAR" on node2 "$FNP_LIB" fnp_write_block /dev/data-disk 0 node2
    fnp_check "node1 preempt-and-aborts key 0x2" on node1 "$FNP_LIB" fnp_nvme_resv acquire /dev/data-disk --crkey=0x1 --prkey=0x2 --rtype=5 --racqa=2
    fnp_check_eq "keys after preempt: 0x1 0x3" "0x1 0x3" "$(fnp_resv_keys "$("$FNP_NVMET" dev host1 1)" | paste -sd' ')"
    fnp_check_rc 2 "node2's O_DIRECT write fails with EBADE (Invalid exchange)" on node2 "$FNP_LIB" fnp_write_block /dev/data-disk 0 node2-fenced
    fnp_check_rc 0 "node1's O_DIRECT write works" on node1 "$FNP_LIB" fnp_write_block /dev/data-disk 0 node1
    fnp_check_rc 0 "node3's O_DIRECT write works" on node3 "$FNP_LIB" fnp_write_block /dev/data-disk 1 node3
    fnp_check_eq "node2 still reads node1's block (WE types allow reads)" node1 \
        "$(on node2 "$FNP_LIB" fnp_read_block /dev/data-disk 0 2>/dev/null)"
}

# Namespace 2: known nvmet deviation D1 (holder of a type 1-4 reservation
# preempting another registrant changes nothing).
check_d1() {
    local dev1 i
    dev1=$("$FNP_NVMET" dev host1 2)
    for i in 1 2 3; do
        on "node$i" "$FNP_LIB" fnp_nvme_resv register /dev/data-disk2 --nrkey="0x$i" --rrega=0 >/dev/null
    done
    fnp_check "node1 acquires WERO (rtype 3) on namespace 2" on node1 "$FNP_LIB" fnp_nvme_resv acquire /dev/data-disk2 --crkey=0x1 --rtype=3 --racqa=0
    fnp_check "node2 unregisters from namespace 2" on node2 "$FNP_LIB" fnp_nvme_resv register /dev/data-disk2 --crkey=0x2 --rrega=1
    fnp_check_rc 2 "unregistered node2 cannot write under WERO" on node2 "$FNP_LIB" fnp_write_block /dev/data-disk2
    fnp_check "holder node1 preempts key 0x3 (command succeeds)" on node1 "$FNP_LIB" fnp_nvme_resv acquire /dev/data-disk2 --crkey=0x1 --prkey=0x3 --rtype=3 --racqa=1
    fnp_check "D1: key 0x3 is still registered after the holder's preempt" fnp_has_key "$dev1" 0x3
    fnp_check_eq "D1: reservation still WERO held by 0x1" "3 0x1" "$(fnp_resv_rtype "$dev1") $(fnp_resv_holders "$dev1")"
    fnp_check_rc 0 "D1: node3 can still write" on node3 "$FNP_LIB" fnp_write_block /dev/data-disk2
}

main() {
    setup
    check_nodes
    check_preempt_abort
    check_d1
    echo "smoke test took $(fnp_elapsed) s in the guest"
    fnp_summary
}

main "$@"
