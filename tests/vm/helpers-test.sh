#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# helpers-test.sh - check the guest helpers that integration tests build on:
# shared data between nodes, host disconnect/reconnect, namespace
# disable/enable (fault injection) with node.sh refresh, and teardown.
#
# Usage: helpers-test.sh
#   On the host it re-runs itself in a VM (run-vm.sh); inside the VM it runs
#   the checks. Prints PASS/FAIL lines and a SUMMARY.
# Exit: 0 all checks passed; 1 a check failed; 124/125 VM timeout/failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ${FNP_VM:-} != 1 ]]; then
    exec "$HERE/run-vm.sh" --timeout 240 -- "$HERE/helpers-test.sh" "$@"
fi

# shellcheck source=guest/lib.sh
source "$HERE/guest/lib.sh"

on() { fnp_on "$@"; }
quiet() { "$@" >/dev/null; }
silent() { "$@" >/dev/null 2>&1; }

# Number of map lines for host $1 (all hosts if empty).
map_lines() {
    local n=0 host _rest
    while read -r host _rest; do [[ -z $1 || $host == "$1" ]] && n=$((n + 1)); done <"$NVMET_STATE/map"
    printf '%d\n' "$n"
}

check_setup() {
    "$FNP_NVMET" setup --hosts 2 --namespaces 2 --size-mb 8 >/dev/null
    "$FNP_NODE" setup >/dev/null
    # shellcheck source=/dev/null
    source /run/nvmet/env
    fnp_check_eq "map has 2 hosts x 2 namespaces" 4 "$(map_lines '')"
    fnp_check_eq "node.sh list" "node1 node2" "$("$FNP_NODE" list | paste -sd' ')"
    # shellcheck disable=SC2016 # expanded in the node
    fnp_check_eq "node.sh exec runs in the node (hostname, cwd)" "node2 $PWD" \
        "$("$FNP_NODE" exec node2 bash -c 'echo "$(hostname) $PWD"')"
    fnp_check_eq "the guest keeps its hostname" fnp-vm "$(hostname)"
    fnp_check_eq "node2's /dev/data-disk2 is host2's namespace 2" \
        "$("$FNP_NVMET" dev host2 2)" "$(on node2 readlink -f /dev/data-disk2)"
    fnp_check_rc 1 "a second setup is refused" silent "$FNP_NVMET" setup --hosts 1 --namespaces 1
}

check_shared_data() {
    fnp_check "node1 writes block 3" on node1 "$FNP_LIB" fnp_write_block /dev/data-disk 3 hello-from-node1
    fnp_check_eq "node2 reads node1's data" hello-from-node1 \
        "$(on node2 "$FNP_LIB" fnp_read_block /dev/data-disk 3 2>/dev/null)"
}

check_disconnect() {
    on node2 "$FNP_LIB" fnp_nvme_resv register /dev/data-disk --nrkey=0x22 --rrega=0 >/dev/null
    fnp_check "host2 disconnects" "$FNP_NVMET" disconnect host2
    fnp_check_eq "map has no host2 entry" 0 "$(map_lines host2)"
    fnp_check "node.sh refresh node2" "$FNP_NODE" refresh node2
    fnp_check "node2 has no /dev/data-disk while disconnected" on node2 test ! -e /dev/data-disk
    fnp_check "host2's registration survives the disconnect (D9)" \
        fnp_has_key "$("$FNP_NVMET" dev host1 1)" 0x22
    fnp_check "host2 reconnects" quiet "$FNP_NVMET" connect host2
    fnp_check_eq "map has host2 again" 2 "$(map_lines host2)"
    "$FNP_NODE" refresh node2
    fnp_check "node2 writes after reconnect + refresh" on node2 "$FNP_LIB" fnp_write_block /dev/data-disk
}

check_ns_disable() {
    local dev1
    dev1=$("$FNP_NVMET" dev host1 1)
    fnp_check "namespace 1 disabled" "$FNP_NVMET" ns-disable 1
    fnp_check_eq "map lost namespace 1" "" "$(grep ' 1 ' "$NVMET_STATE/map" || true)"
    fnp_check "host1's device for namespace 1 is gone" test ! -e "$dev1"
    fnp_check_rc 1 "node1's write to the vanished namespace is an error, not a conflict" \
        on node1 "$FNP_LIB" fnp_write_block /dev/data-disk
    fnp_check "namespace 1 enabled again" "$FNP_NVMET" ns-enable 1
    "$FNP_NODE" refresh
    fnp_check "node1 writes after ns-enable + refresh" on node1 "$FNP_LIB" fnp_write_block /dev/data-disk
    fnp_check_eq "registrations were lost by disable (D9)" "" \
        "$(fnp_resv_keys "$("$FNP_NVMET" dev host1 1)")"
}

check_teardown() {
    fnp_check "node.sh teardown" "$FNP_NODE" teardown
    fnp_check "nvmet-target.sh teardown" "$FNP_NVMET" teardown
    fnp_check "no NVMe controllers left" test -z "$(ls /sys/class/nvme)"
    fnp_check "setup works again after teardown" "$FNP_NVMET" setup --hosts 1 --namespaces 1
}

main() {
    check_setup
    check_shared_data
    check_disconnect
    check_ns_disable
    check_teardown
    echo "helpers test took $(fnp_elapsed) s in the guest"
    fnp_summary
}

main "$@"
