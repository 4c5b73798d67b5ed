#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared by the resource agent's VM scenarios (tests/ocf/*.sh).
#
# A scenario runs on the host as `SCENARIO.sh AGENT`: it re-runs itself
# inside the VM test bed (tests/vm/run-vm.sh), where this library builds a
# shared nvmet target and one simulated node per host (tests/vm/guest/node.sh:
# each node sees namespace K as /dev/data-disk, /dev/data-disk2, ...),
# installs the agent exactly as built where Pacemaker looks for it (the
# guest's root is a throw-away overlay), and runs it as Pacemaker does:
# action as argv[1], parameters in OCF_RESKEY_* variables. Reservations are
# checked independently with nvme-cli, writes with O_DIRECT dd.

OCF_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$(cd "$OCF_TESTS/../vm" && pwd)
RA=/usr/lib/ocf/resource.d/nvmepr/nvme_persist

# On the host: boot the VM and run the calling script in it.
ocf_enter_vm() {
    local script=$1 agent=$2 timeout=${3:-240}
    if [[ ${FNP_VM:-} != 1 ]]; then
        [[ -x $agent ]] || { echo "no agent binary at '$agent' (build first)" >&2; exit 1; }
        exec "$VM_DIR/run-vm.sh" --timeout "$timeout" -- "$script" "$agent"
    fi
}

# shellcheck source=../vm/guest/lib.sh
source "$VM_DIR/guest/lib.sh"

# setup_cluster HOSTS NAMESPACES AGENT: shared disks, nodes, the agent
# installed; NS_DEV[K] is namespace K's device in the guest (host1's view).
# A scenario cannot go on without them: exit at once on failure.
setup_cluster() {
    local h k
    "$FNP_NVMET" setup --hosts "$1" --namespaces "$2" --size-mb 8 >/dev/null &&
        "$FNP_NODE" setup >/dev/null &&
        install -D -m 0755 "$3" "$RA" || { echo "FAIL: test bed setup failed"; exit 1; }
    NAMESPACES=$2
    NS_DEV=()
    for ((k = 1; k <= $2; k++)); do NS_DEV[k]=$("$FNP_NVMET" dev host1 "$k") || exit 1; done
    # Checked once here, so write() cannot quietly fill a file instead.
    for ((h = 1; h <= $1; h++)); do
        on "node$h" test -b /dev/data-disk || { echo "FAIL: node$h has no /dev/data-disk"; exit 1; }
    done
}

# The devices parameter every node uses: /dev/data-disk,/dev/data-disk2,...
devices() {
    local list=/dev/data-disk k
    for ((k = 2; k <= ${1:-$NAMESPACES}; k++)); do list+=",/dev/data-disk$k"; done
    printf '%s' "$list"
}
disk() { if (($1 == 1)); then echo /dev/data-disk; else echo "/dev/data-disk$1"; fi; }

on() { fnp_on "$@"; }

# ra NODE ACTION [NAME=VALUE...]: the agent as Pacemaker runs it in NODE:
# OCF_RESKEY_NAME=VALUE for parameters and meta attributes (CRM_meta_*),
# plain NAME=VALUE for the rest (OCF_CHECK_LEVEL...). stderr is kept in
# $RA_ERR (last run) for checks on the exit reason.
RA_ERR=/tmp/ocf-ra.err
ra() {
    local node=$1 action=$2 arg
    shift 2
    local -a env=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=disk OCF_RESKEY_CRM_meta_timeout=20000)
    for arg in "$@"; do
        case $arg in
            OCF_*|HA_*) env+=("$arg") ;;
            *) env+=("OCF_RESKEY_$arg") ;;
        esac
    done
    on "$node" env "${env[@]}" "$RA" "$action" 2>"$RA_ERR"
}

# write NODE K [LBA [TEXT]]: 0 written, 2 reservation conflict, 1 other error.
write() { on "$1" "$FNP_LIB" fnp_write_block "$(disk "$2")" "${3:-0}" "${4:-$1}" 2>/dev/null; }

# writes NODE K...: one result per namespace, "0 2" = written to the first,
# reservation conflict (EBADE) on the second.
writes() {
    local node=$1 k out=()
    shift
    for k in "$@"; do
        local rc=0
        write "$node" "$k" 100 "$node" || rc=$?
        out+=("$rc")
    done
    echo "${out[*]}"
}

# state K: "rtype=R holders=K1,.. keys=K1,.." of namespace K, from one
# nvme-cli report through host1's view.
state() { fnp_resv_summary "${NS_DEV[$1]}"; }

# start_corosync NODE: a one-node Corosync cluster "fnpvm" in NODE (nodeid 1),
# so the agent derives its key as it would in a real cluster.
start_corosync() {
    local node=$1 conf=/tmp/corosync-$1.conf try
    cat >"$conf" <<EOF
totem {
  version: 2
  cluster_name: fnpvm
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}
nodelist {
  node {
    ring0_addr: 127.0.0.1
    name: $node
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_stderr: no
  to_syslog: no
  to_logfile: no
}
EOF
    mkdir -p /var/lib/corosync /var/log/cluster
    on "$node" corosync -c "$conf" || return 1
    for ((try = 0; try < 100; try++)); do
        on "$node" corosync-cmapctl totem.cluster_name >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
