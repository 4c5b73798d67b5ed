#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# checks.sh - what the cluster tests check (sourced by ../lib.sh): the disks'
# keys, the test application's journal, writes, the watchdog's reboots, the
# nodes' Pacemaker logs; and on failure, the nodes' state for the log.

# The guest's view (host1's device) of namespace K, for reading.
ns_dev() { fnp_ns_dev host1 "$1"; }

# disk_keys K: registered keys of namespace K, "0x1 0x2".
disk_keys() { fnp_resv_keys "$(ns_dev "$1")" | paste -sd' '; }

# derived_key NODEID: the key fence_nvme_pr derives from Corosync without a
# pcmk_host_map (fnp_derived_key).
derived_key() { fnp_derived_key "$CLUSTER_NAME" "$1"; }

# journal_read K [FIRST_LBA [BLOCKS]]: print the records of namespace K as
# "SEQ NODE MS" lines, in disk order, stopping at the first gap.
journal_read() {
    local dev
    dev=$(ns_dev "$1") || return 1
    fnp_journal_read "$dev" "${2:-1}" "${3:-2048}"
}

# journal_log NODE: the node's write log (see guest/journal).
journal_log() { cat "$CLUSTER_STATE/journal-$1.log" 2>/dev/null; }

# write_test NODE: can NODE write to /dev/data-disk? 0 yes, 2 EBADE, 1 other.
write_test() { node_run "$1" "$FNP_LIB" fnp_write_block /dev/data-disk 4000 "write test by $1" 2>/dev/null; }
# host_write_test NODE: the same through NODE's NVMe host connection from
# outside the node (the same controller and host ID), for a node its
# watchdog has already rebooted.
host_write_test() {
    "$FNP_LIB" fnp_write_block "$(fnp_ns_dev "host${1#node}" 1)" 4000 "write test by $1" 2>/dev/null
}

# watchdog_rebooted NODE: NODE's watchdog (fence_nvme_pr_check) rebooted it;
# sets REPLY to the time (us).
watchdog_rebooted() {
    local line
    line=$(grep -h " $1 watchdog-reboot" "$CLUSTER_STATE/$1.events" 2>/dev/null | tail -n 1)
    [[ -n $line ]] || return 1
    REPLY=${line%% *}
}

# pacemaker_grep REGEX NODE...: the lines of the nodes' Pacemaker logs that
# match REGEX (grep -E) and name our agents or nvme-fence, read through
# /proc/PID/root (no process in a node). One fixed-string pass over the logs
# first: grep in the emulated guest takes seconds over these logs.
pacemaker_grep() {
    local re=$1 node
    local -a files=()
    shift
    for node; do files+=("/proc/${NODE_PID[$node]}/root/var/log/pacemaker/pacemaker.log"); done
    grep -hF -e fence_nvme_pr -e nvme_persist -e nvme-fence "${files[@]}" 2>/dev/null | grep -E -- "$re"
}

# agents_quiet_after_success OPS NODE...: the checks of issue 20 on the
# nodes' logs: the operations OPS (a regex: "on|off") of nvme-fence show
# there as succeeded, and no warning line from our agents does
# (pacemaker-fenced logs every line of a fence agent's stderr as a warning).
agents_quiet_after_success() {
    local ops=$1 lines done warnings
    shift
    lines=$(pacemaker_grep "Operation '($ops)' \[[0-9]+\] targeting node[0-9] using nvme-fence returned 0|warning: .*(fence_nvme_pr|nvme_persist)" "$@")
    done=$(grep -c "^.*Operation '" <<<"$lines")
    warnings=$(grep -E 'warning: .*(fence_nvme_pr|nvme_persist)' <<<"$lines")
    fnp_check "pacemaker.log on $* shows $done successful '$ops' of nvme-fence" test "$done" -gt 0
    fnp_check "... and no warning line from our agents" test -z "$warnings"
    [[ -z $warnings ]] || sed 's/^/    /' <<<"$warnings" | head -n 5
}

# On failure: what the nodes said, for the test log.
# keep_logs: with FNP_CLUSTER_LOGS set, copy every node's Pacemaker log there.
keep_logs() {
    local node
    [[ -n ${FNP_CLUSTER_LOGS:-} ]] || return 0
    for node in "${!NODE_PID[@]}"; do
        node_run "$node" cat /var/log/pacemaker/pacemaker.log >"$FNP_CLUSTER_LOGS/$node.pacemaker.log" 2>/dev/null
    done
    cp "$ALERTS" "$FNP_CLUSTER_LOGS/alerts.log" 2>/dev/null
    return 0
}

dump_state() {
    local node
    echo "---- alerts"
    cat "$ALERTS"
    for node in "${!NODE_PID[@]}"; do
        echo "---- $node: events, console, crm_mon, last Pacemaker log lines"
        cat "$CLUSTER_STATE/$node.events" "$CLUSTER_STATE/$node.console" 2>/dev/null
        crm_status "$node" 2>&1 | head -40
        node_run "$node" tail -n 40 /var/log/pacemaker/pacemaker.log 2>/dev/null
        echo "---- $node: the fencer's last lines"
        node_run "$node" grep -h 'pacemaker-fenced' /var/log/pacemaker/pacemaker.log 2>/dev/null | tail -n 15
        echo "---- $node: journal writer log (last lines)"
        tail -n 5 "$CLUSTER_STATE/journal-$node.log" 2>/dev/null
        node_pids "$node"
        echo "---- $node: processes: ${PIDS[*]}"
    done
}
