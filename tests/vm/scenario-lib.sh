#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scenario-lib.sh - shared by the agents' VM scenarios, tests/fence/*.sh (the
# fence agent) and tests/ocf/*.sh (the resource agent). Source it:
#   source "$HERE/../vm/scenario-lib.sh"
#
# A scenario runs on the host as `SCENARIO.sh BINARY...` (the agents as
# built): scenario_enter_vm re-runs it inside the VM test bed (run-vm.sh).
# There this library builds a shared nvmet target and one simulated node per
# host (guest/node.sh: each node sees namespace K as /dev/data-disk,
# /dev/data-disk2, ...) and runs the agents exactly as built: the fence agent
# as Pacemaker does (name=value lines on stdin) and as an administrator does
# (command line), the resource agent as Pacemaker does (action as argv[1],
# parameters in OCF_RESKEY_* variables). Device state is checked
# independently with nvme-cli, writes with O_DIRECT dd (guest/lib.sh, whose
# fnp_* functions, PASS/FAIL bookkeeping included, the scenarios use too).
#
#   scenario_enter_vm SCRIPT TIMEOUT BINARY...   on the host: boot, run there
#   setup_cluster HOSTS NAMESPACES [RESOURCE_AGENT], teardown_cluster
#   devices [N], disk K, on NODE CMD..., write NODE K [LBA [TEXT]], read_text
#   keys K, key_absent K KEY, rtype K, state K       (through host1's view)
#   agent NODE ARGS..., agent_stdin NODE LINES...    the fence agent (AGENT)
#   ra NODE ACTION [NAME=VALUE...], crm_ra ACTION [NAME=VALUE...]
#                                                    the resource agent (RA)
#   write_results NODE, writes NODE K..., all_of V N, now_ms, start_corosync

SCENARIO_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=guest/lib.sh
source "$SCENARIO_VM_DIR/guest/lib.sh"
AGENT=${AGENT:-}
# Where Pacemaker looks for the resource agent (setup_cluster installs it).
RA=/usr/lib/ocf/resource.d/nvmepr/nvme_persist

# scenario_enter_vm SCRIPT TIMEOUT BINARY...: on the host, boot the VM and run
# SCRIPT BINARY... in it (run-vm.sh --timeout TIMEOUT seconds); every BINARY
# must be an executable (build first). In the VM: return.
scenario_enter_vm() {
    local script=$1 timeout=$2 binary
    shift 2
    [[ ${FNP_VM:-} == 1 ]] && return 0
    for binary in "$@"; do
        [[ -x $binary ]] || { echo "no agent binary at '$binary' (build first)" >&2; exit 1; }
    done
    exec "$SCENARIO_VM_DIR/run-vm.sh" --timeout "$timeout" -- "$script" "$@"
}

# setup_cluster HOSTS NAMESPACES [RESOURCE_AGENT]: the shared disks and the
# nodes; with RESOURCE_AGENT, that binary installed as $RA (the guest's root is
# a throw-away overlay). A scenario cannot go on without them: exit at once on
# failure.
setup_cluster() {
    "$FNP_NVMET" setup --hosts "$1" --namespaces "$2" --size-mb 8 >/dev/null &&
        "$FNP_NODE" setup >/dev/null &&
        { [[ -z ${3:-} ]] || install -D -m 0755 "$3" "$RA"; } || { echo "FAIL: test bed setup failed"; exit 1; }
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

# write NODE K [LBA [TEXT]]: 0 written, 2 reservation conflict, 1 other error.
# A path that is not a block device would just be written as a file: refuse.
# One process in the node for the check and the write.
write() {
    # shellcheck disable=SC2016 # expanded in the node
    on "$1" bash -c '[[ -b $2 ]] || { echo "no block device $2 in $3" >&2; exit 1; }
        source "$1" && fnp_write_block "$2" "$4" "$5" 2>/dev/null' _ "$FNP_LIB" "$(disk "$2")" "$1" "${3:-0}" "${4:-$1}"
}
read_text() { on "$1" "$FNP_LIB" fnp_read_block "$(disk "$2")" "${3:-0}" 2>/dev/null; }

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

# writes NODE K...: one result per namespace named, "0 2" = written to the
# first, reservation conflict (EBADE) on the second.
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
all_of() { local v=$1 n=$2 out=() i; for ((i = 0; i < n; i++)); do out+=("$v"); done; echo "${out[*]}"; }

# keys K: registered keys of namespace K as nvme-cli reports them, one line.
keys() { local k; k=$(fnp_resv_keys "$(fnp_ns_dev host1 "$1")") && echo "${k//$'\n'/ }"; }
key_absent() { ! fnp_has_key "$(fnp_ns_dev host1 "$1")" "$2"; }
rtype() { fnp_resv_rtype "$(fnp_ns_dev host1 "$1")"; }
# state K: "rtype=R holders=K1,.. keys=K1,.." of namespace K, from one
# nvme-cli report.
state() { fnp_resv_summary "$(fnp_ns_dev host1 "$1")"; }

# agent NODE ARGS...: the fence agent on the command line, inside NODE.
agent() { local node=$1; shift; on "$node" "$AGENT" "$@"; }

# agent_stdin NODE LINES...: the fence agent as Pacemaker runs it: no
# arguments, name=value lines on stdin.
agent_stdin() {
    local node=$1; shift
    printf '%s\n' "$@" | on "$node" "$AGENT"
}

# ra NODE ACTION [NAME=VALUE...]: the resource agent as Pacemaker runs it in
# NODE: OCF_RESKEY_NAME=VALUE for parameters and meta attributes (CRM_meta_*),
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

# crm_ra ACTION [NAME=VALUE...]: crm_resource ACTION on the resource agent in
# node1, outside any cluster (its exit code is the agent's); the output in
# /tmp/crm.out.
crm_ra() {
    local action=$1 o
    shift
    local -a options=()
    for o in "$@"; do options+=(--option "$o"); done
    on node1 crm_resource "$action" --class ocf --provider nvmepr --agent nvme_persist "${options[@]}" >/tmp/crm.out 2>&1
}

# start_corosync NODE: a one-node Corosync cluster "fnpvm" in NODE (nodeid 1),
# so the agents derive their key as they would in a real cluster.
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

# Milliseconds since the epoch.
now_ms() { local us=${EPOCHREALTIME/[.,]/}; echo $((us / 1000)); }
