#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# waits.sh - bounded waits on the cluster (sourced by ../lib.sh): polling,
# Pacemaker's alerts, the configuration pushed and every node unfenced, and
# crm_mon's view. Every wait is bounded and says what it waited for when it
# fails.

# Time: stamps in microseconds (REPLY), durations, and sleeps.
now_us() { REPLY=${EPOCHREALTIME/[.,]/}; }
# seconds between two microsecond stamps, "12.345"
secs() { local d=$(($2 - $1)); ((d < 0)) && d=0; printf '%d.%03d' $((d / 1000000)) $((d / 1000 % 1000)); }
# Sleep without starting a process.
exec {NAP_FD}<> <(:)
nap() { read -rt "$1" -u "$NAP_FD" || true; }

# poll TIMEOUT_S CMD...: run CMD every second until it succeeds (0) or
# TIMEOUT_S have passed (1).
poll() {
    local timeout=$1 start
    shift
    now_us
    start=$REPLY
    while :; do
        "$@" && return 0
        now_us
        ((REPLY - start > timeout * 1000000)) && return 1
        nap 1
    done
}

# wait_for DESC TIMEOUT_S CMD...: poll, and FAIL with DESC on timeout.
wait_for() {
    local desc=$1 timeout=$2
    shift 2
    poll "$timeout" "$@" && return 0
    fnp_fail "timed out after ${timeout}s waiting for: $desc"
    return 1
}

# wait_alert DESC TIMEOUT_S FROM PATTERN: wait for an alert line (see
# guest/alert-log.sh) matching the bash glob PATTERN, among lines FROM...
# (0-based). Sets ALERT to the line, ALERT_US to its time (us), ALERT_N to
# its index.
wait_alert() {
    local desc=$1 timeout=$2 from=$3 pattern=$4 start i
    local -a lines
    now_us
    start=$REPLY
    while :; do
        # shellcheck disable=SC2153 # ALERTS: set by ../lib.sh
        mapfile -t lines <"$ALERTS"
        for ((i = from; i < ${#lines[@]}; i++)); do
            # shellcheck disable=SC2053 # glob match intended
            if [[ ${lines[i]} == $pattern ]]; then
                ALERT=${lines[i]} ALERT_N=$i
                local t=${ALERT%% *}
                ALERT_US=${t/./}
                return 0
            fi
        done
        now_us
        if ((REPLY - start > timeout * 1000000)); then
            fnp_fail "timed out after ${timeout}s waiting for: $desc"
            return 1
        fi
        nap 0.25
    done
}
alerts_count() { local -a l; mapfile -t l <"$ALERTS"; REPLY=${#l[@]}; }

# cluster_configure FENCING_PATCH SERVICE_PATCH NODE...: push the fencing
# configuration, then the service, to the live cluster (cibadmin --patch on
# node1, what `pcs cluster cib-push diff-against=` does), and wait until
# Pacemaker has unfenced every NODE.
#
# Pacemaker schedules unfencing in the same transition that adds the fence
# device. A node whose fencer has not registered the new device yet (under
# emulation its CIB update can take many seconds) cannot run its `on`: the
# unfencing fails with "No fence device" and the controller gives up until
# the next transition. So the service, which needs every node unfenced, is
# pushed only once every fencer has the device: that change is the next
# transition, which unfences any node the first one could not.
cluster_configure() {
    local fencing=$1 service=$2
    shift 2
    node_run node1 cibadmin --patch --xml-file "$CFG/$fencing" || { fnp_fail "cibadmin --patch $fencing"; return 1; }
    fnp_log "fencing configured ($fencing)"
    wait_for "every fencer registered nvme-fence" 180 fencers_ready "$@" || return 1
    node_run node1 cibadmin --patch --xml-file "$CFG/$service" || { fnp_fail "cibadmin --patch $service"; return 1; }
    fnp_log "service configured ($service)"
    ensure_unfenced "$@"
}

# fencers_ready NODE...: every NODE's fencer has registered nvme-fence (its
# log says so; reading it from outside costs one grep, no nsenter).
fencers_ready() {
    local n
    for n; do
        grep -qs "Added 'nvme-fence' to device list" "/proc/${NODE_PID[$n]}/root/var/log/pacemaker/pacemaker.log" ||
            return 1
    done
}

unfenced() { grep -q "fencing $1 .*Operation on of $1 by [^ ]* .*: OK" "$ALERTS"; }
all_unfenced() {
    local n
    for n; do unfenced "$n" || return 1; done
}

# ensure_unfenced NODE...: wait until Pacemaker has unfenced every NODE. An
# unfencing Pacemaker gave up on is asked for again the way an administrator
# would: `crm_resource --cleanup` of the device (what `pcs stonith cleanup`
# runs), which starts a new transition.
ensure_unfenced() {
    local _
    for _ in 1 2 3; do
        poll 90 all_unfenced "$@" && return 0
        fnp_log "unfencing incomplete; crm_resource --cleanup --resource nvme-fence"
        node_run node1 crm_resource --cleanup --resource nvme-fence 2>&1 | sed 's/^/  /'
    done
    fnp_fail "not every node of $* was unfenced"
    return 1
}

# crm_mon on NODE, one shot.
crm_status() { node_run "$1" crm_mon -1 "${@:2}" 2>&1; }

# The node names crm_mon (XML) of NODE reports online, space separated.
online_nodes() {
    local xml line out=()
    xml=$(node_run "$1" crm_mon -1 --output-as xml 2>/dev/null) || { REPLY=''; return 1; }
    while read -r line; do
        [[ $line == '<node name='* && $line == *'online="true"'* ]] || continue
        line=${line#<node name=\"}
        out+=("${line%%\"*}")
    done <<<"$xml"
    REPLY=${out[*]}
}
is_online() { online_nodes "$1" && [[ $REPLY == "$2" ]]; }

# is_clean_offline VIEWER NODE: crm_mon (XML) of VIEWER shows NODE offline
# and not UNCLEAN, i.e. no fencing of NODE is still due.
is_clean_offline() {
    local line
    line=$(node_run "$1" crm_mon -1 --output-as xml 2>/dev/null | grep "<node name=\"$2\"") || return 1
    [[ $line == *'online="false"'* && $line == *'unclean="false"'* ]]
}
