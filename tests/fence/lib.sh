#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared by the fence agent's VM scenarios (tests/fence/*.sh).
#
# A scenario script runs on the host as `SCENARIO.sh AGENT`: it re-runs
# itself inside the VM test bed (tests/vm/run-vm.sh), where this library
# builds a shared nvmet target, one simulated node per host (node.sh: each
# node sees its namespaces as /dev/data-disk, /dev/data-disk2, ...) and runs
# the agent binary AGENT exactly as built, as Pacemaker does (stdin) and as an
# administrator does (command line). Device state is checked independently
# with nvme-cli (guest/lib.sh), writes with O_DIRECT dd.

FENCE_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$(cd "$FENCE_TESTS/../vm" && pwd)

# On the host: boot the VM and run the calling script in it.
fence_enter_vm() {
    local script=$1 agent=$2 timeout=${3:-240}
    if [[ ${FNP_VM:-} != 1 ]]; then
        [[ -x $agent ]] || { echo "no agent binary at '$agent' (build first)" >&2; exit 1; }
        exec "$VM_DIR/run-vm.sh" --timeout "$timeout" -- "$script" "$agent"
    fi
}

# shellcheck source=../vm/guest/lib.sh
source "$VM_DIR/guest/lib.sh"
AGENT=${AGENT:-}

# setup_cluster HOSTS NAMESPACES: the shared disks and the nodes.
# A scenario cannot go on without them: exit at once on failure.
setup_cluster() {
    "$FNP_NVMET" setup --hosts "$1" --namespaces "$2" --size-mb 8 >/dev/null &&
        "$FNP_NODE" setup >/dev/null || { echo "FAIL: test bed setup failed"; exit 1; }
    NAMESPACES=$2
}

teardown_cluster() {
    "$FNP_NODE" teardown >/dev/null && "$FNP_NVMET" teardown >/dev/null ||
        { echo "FAIL: test bed teardown failed"; exit 1; }
}

# The devices parameter every node uses: /dev/data-disk,/dev/data-disk2,...
devices() {
    local list=/dev/data-disk k
    for ((k = 2; k <= ${1:-$NAMESPACES}; k++)); do list+=",/dev/data-disk$k"; done
    printf '%s' "$list"
}

# disk K: the path of namespace K inside a node.
disk() { if (($1 == 1)); then echo /dev/data-disk; else echo "/dev/data-disk$1"; fi; }

# Under emulation every process start counts: fnp_on enters the node with
# nsenter alone, without starting node.sh.
on() { fnp_on "$@"; }

# agent NODE ARGS...: the agent on the command line, inside NODE.
agent() { local node=$1; shift; on "$node" "$AGENT" "$@"; }

# agent_stdin NODE LINES...: the agent as Pacemaker runs it: no arguments,
# name=value lines on stdin.
agent_stdin() {
    local node=$1; shift
    printf '%s\n' "$@" | on "$node" "$AGENT"
}

# write NODE K [LBA [TEXT]]: 0 written, 2 reservation conflict, 1 other error.
# A path that is not a block device would just be written as a file: refuse.
# One process in the node for the check and the write.
write() {
    # shellcheck disable=SC2016 # expanded in the node
    on "$1" bash -c '[[ -b $2 ]] || { echo "no block device $2 in $3" >&2; exit 1; }
        source "$1" && fnp_write_block "$2" "$4" "$5" 2>/dev/null' _ "$FNP_LIB" "$(disk "$2")" "$1" "${3:-0}" "${4:-$1}"
}
read_text() { on "$1" "$FNP_LIB" fnp_read_block "$(disk "$2")" "${3:-0}" 2>/dev/null; }

# ns_dev HOST K: HOST's device for namespace K, like "nvmet-target.sh dev HOST K"
# (same map file) without starting a process.
ns_dev() {
    local host ns d
    while read -r host ns d; do
        if [[ $host == "$1" && $ns == "$2" ]]; then printf '%s\n' "$d"; return 0; fi
    done <"${NVMET_STATE:-/run/nvmet}/map"
    echo "no device for $1 namespace $2" >&2
    return 1
}

# keys K: registered keys of namespace K as nvme-cli reports them, one line.
keys() { local k; k=$(fnp_resv_keys "$(ns_dev host1 "$1")") && echo "${k//$'\n'/ }"; }
key_absent() { ! fnp_has_key "$(ns_dev host1 "$1")" "$2"; }
rtype() { fnp_resv_rtype "$(ns_dev host1 "$1")"; }

# Every namespace: can NODE write to it? "0 0 2" = two yes, one conflict.
# One process in the node for all namespaces: under emulation every exec counts.
write_results() {
    on "$1" bash -c '
        source "$1"; node=$2 n=$3 out=()
        for ((k = 1; k <= n; k++)); do
            d=/dev/data-disk; ((k > 1)) && d=/dev/data-disk$k
            if [[ ! -b $d ]]; then out+=(1); continue; fi
            rc=0; fnp_write_block "$d" 100 "$node" 2>/dev/null || rc=$?
            out+=("$rc")
        done
        echo "${out[*]}"' _ "$FNP_LIB" "$1" "$NAMESPACES"
}
all_of() { local v=$1 n=$2 out=() i; for ((i = 0; i < n; i++)); do out+=("$v"); done; echo "${out[*]}"; }

# Milliseconds since the epoch.
now_ms() { local us=${EPOCHREALTIME/[.,]/}; echo $((us / 1000)); }
