#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nodes.sh - the cluster's nodes in the VM (sourced by ../lib.sh): shared
# disks, one node per host with corosync and Pacemaker, and what a test does
# to a node (run in it, freeze, thaw, kill its stack, reboot, cut its link).

declare -A NODE_PID=()

# cluster_setup N: disks, nodes, network, corosync + pacemaker everywhere.
cluster_setup() {
    local n=$1 i files
    rm -rf "$CLUSTER_STATE"
    mkdir -p "$CLUSTER_STATE/etc-corosync" || return 1
    cp "$CFG/corosync.conf" "$CLUSTER_STATE/etc-corosync/" || return 1
    : >"$ALERTS" && chmod 0666 "$ALERTS" && chmod 1777 "$CLUSTER_STATE"
    # The guest's root is a throw-away overlay: install where Pacemaker looks.
    install -m 0755 "$FENCE_AGENT" /usr/sbin/fence_nvme_pr &&
        install -m 0755 "$(dirname "$FENCE_AGENT")/fence_nvme_pr_check" /usr/sbin/fence_nvme_pr_check &&
        install -D -m 0755 "$RESOURCE_AGENT" /usr/lib/ocf/resource.d/nvmepr/nvme_persist &&
        install -D -m 0755 "$CLUSTER_GUEST/journal" /usr/lib/ocf/resource.d/fnptest/journal &&
        install -m 0755 "$CLUSTER_GUEST/alert-log.sh" /usr/local/bin/fnp-alert-log || return 1
    mapfile -t files <"$CFG/prewarm.list"
    cat "${files[@]}" >/dev/null &
    local prewarm=$!
    modprobe -a veth bridge || return 1
    "$FNP_NVMET" setup --hosts "$n" --namespaces 2 --size-mb 16 >/dev/null &&
        "$FNP_NODE" setup >/dev/null || return 1
    fnp_log "shared disks and $n nodes' devices ready"
    ip link add fnpbr0 type bridge && ip link set fnpbr0 up || return 1
    wait "$prewarm"
    now_us
    COROSYNC_US=$REPLY
    for ((i = 1; i <= n; i++)); do node_boot "node$i" || return 1; done
    fnp_log "corosync started on $n nodes"
    for ((i = 1; i <= n; i++)); do node_start_pacemaker "node$i" || return 1; done
    fnp_log "Pacemaker started on $n nodes"
}

# node_start_pacemaker NODE: let NODE's init start pacemakerd and wait (up
# to 120 s) until its controller answers, i.e. its IPC socket exists, and
# its fencer has the CIB (node_fencer_cib).
node_start_pacemaker() {
    local node=$1 try
    : >"$CLUSTER_STATE/$node.go"
    for ((try = 0; try < 1200; try++)); do
        [[ $(<"/proc/${NODE_PID[$node]}/net/unix") == *@crmd* ]] && break
        nap 0.1
    done
    ((try < 1200)) || { echo "FAIL: $node: Pacemaker's controller did not start within 120 s"; return 1; }
    node_fencer_cib "$node"
}

# node_fencer_cib NODE: wait (up to 120 s) until NODE's fencer has connected
# to the CIB manager; if it gave up, restart it.
#
# pacemaker-fenced tries to sign on to the CIB manager 5 times within 10 s
# (setup_cib, Pacemaker 2.1 and 3.0 alike) and then runs on WITHOUT the CIB:
# it never registers a fence device, so every fencing and unfencing it is
# asked for fails with "No fence device" and the controller gives up on it.
# pacemakerd starts its subdaemons at once; under emulation on a loaded
# 2-core host pacemaker-based has taken longer than those 10 s (seen on
# Pacemaker 3 for a rebooting node and for the crmsh run: "Could not connect
# to the CIB manager: Transport endpoint is not connected", then the node's
# unfencing failed "No fence device"). That is the test bed's slowness, not
# the agent's, and on real hardware the CIB manager answers in well under a
# second. The test bed's answer: SIGKILL the fencer; pacemakerd respawns it
# (child_respawn) and by then the CIB manager answers. Said in the log, so a
# run shows when it happened.
node_fencer_cib() {
    local node=$1 file seen=0 start
    local -a lines
    file=/proc/${NODE_PID[$node]}/root/var/log/pacemaker/pacemaker.log
    now_us
    start=$REPLY
    while :; do
        mapfile -t lines < <(grep -s -E 'pacemaker-fenced +\[.*(Watching for fencing topology changes|Could not connect to the CIB manager)' "$file")
        if ((${#lines[@]} > seen)); then
            [[ ${lines[-1]} == *Watching* ]] && return 0
            seen=${#lines[@]}
            fnp_log "$node: its fencer gave up on the CIB manager (slow start under emulation); restarting it, pacemakerd respawns it"
            node_pids "$node"
            local p comm
            for p in "${PIDS[@]}"; do
                read -r comm 2>/dev/null <"/proc/$p/comm" && [[ $comm == pacemaker-fence* ]] && kill -KILL "$p" 2>/dev/null
            done
        fi
        now_us
        ((REPLY - start > 120 * 1000000)) && break
        nap 0.5
    done
    echo "FAIL: $node: Pacemaker's fencer did not connect to the CIB manager within 120 s"
    return 1
}

# node_boot NODE: start NODE's init (a fresh boot: new namespaces, empty
# /run, /var/lib/pacemaker, /var/log...) and plug it into the bridge. It
# starts corosync at once, pacemakerd after node_start_pacemaker.
node_boot() {
    local node=$1 i=${1#node} upid pid='' try
    printf '%s\n' \
        "fnp-$node-run /run tmpfs mode=0755 0 0" \
        "fnp-$node-shm /dev/shm tmpfs mode=1777 0 0" \
        "fnp-$node-pacemaker /var/lib/pacemaker tmpfs mode=0755 0 0" \
        "fnp-$node-corosync /var/lib/corosync tmpfs mode=0755 0 0" \
        "fnp-$node-log /var/log tmpfs mode=0755 0 0" \
        "$CLUSTER_STATE/etc-corosync /etc/corosync none bind,ro 0 0" >"$CLUSTER_STATE/$node.fstab"
    echo "$CLUSTER_NET.$i/24" >"$CLUSTER_STATE/$node.addr"
    # nsenter (mount + UTS of node.sh's node) execs unshare, which forks the
    # node's PID 1: its pid is the only child of $!.
    (exec nsenter --mount="/run/nodes/$node/mnt" --uts="/run/nodes/$node/uts" -- \
        unshare --net --ipc --pid --fork --mount-proc --propagation private -- \
        "$CLUSTER_GUEST/node-init.sh" "$node" "$CLUSTER_STATE") &
    upid=$!
    for ((try = 0; try < 200; try++)); do
        [[ -r /proc/$upid/task/$upid/children ]] && read -r pid _ <"/proc/$upid/task/$upid/children"
        [[ -n $pid ]] && break
        nap 0.05
    done
    [[ -n $pid ]] || { echo "FAIL: $node: no init process"; return 1; }
    NODE_PID[$node]=$pid
    # A killed node's veth disappears with its network namespace, a moment later.
    for ((try = 0; try < 100; try++)); do
        [[ -e /sys/class/net/fnp-$node ]] || break
        nap 0.1
    done
    ip link add "fnp-$node" type veth peer name eth0 netns "$pid" &&
        ip link set "fnp-$node" master fnpbr0 up || { echo "FAIL: $node: network setup failed"; return 1; }
}


# node_run NODE CMD...: CMD in all of NODE's namespaces.
node_run() {
    local node=$1
    shift
    nsenter -t "${NODE_PID[$node]}" -m -u -i -n -p --wd=/tmp -- "$@"
}

# node_pids NODE: set PIDS to every process of NODE (its PID namespace).
node_pids() {
    local ns=/proc/${NODE_PID[$1]}/ns/pid p
    PIDS=()
    [[ -e $ns ]] || return 0
    for p in /proc/[0-9]*; do
        [[ $p/ns/pid -ef $ns ]] && PIDS+=("${p#/proc/}")
    done
}

# node_daemons NODE: set PIDS to NODE's corosync and Pacemaker processes.
node_daemons() {
    local p comm
    local -a all
    node_pids "$1"
    all=("${PIDS[@]}")
    PIDS=()
    for p in "${all[@]}"; do
        read -r comm 2>/dev/null <"/proc/$p/comm" || continue
        [[ $comm == corosync || $comm == pacemaker* ]] && PIDS+=("$p")
    done
}

# signal_pids SIG: send SIG to every process in PIDS (none: nothing to do).
signal_pids() {
    ((${#PIDS[@]})) && kill "-$1" "${PIDS[@]}" 2>/dev/null
    return 0
}

# Freeze every process of the node, as an administrator simulating a hang
# would. Repeated: a process forked meanwhile is caught by the next round.
node_freeze() {
    local _
    for _ in 1 2 3; do
        node_pids "$1"
        signal_pids STOP
    done
}
node_thaw() { node_pids "$1"; signal_pids CONT; }
# node_thaw_application NODE: SIGCONT every process of NODE except its
# watchdog (and a check it runs), so that the application's next write is
# seen before the watchdog reboots the node; node_thaw wakes the rest.
node_thaw_application() {
    local wd='' p comm nspid
    read -r wd 2>/dev/null <"$CLUSTER_STATE/$1.watchdog"
    node_pids "$1"
    for p in "${PIDS[@]}"; do
        read -r comm 2>/dev/null <"/proc/$p/comm" && [[ $comm == fence_nvme_pr_c* ]] && continue
        # The watchdog's pid as the node knows it: the last NSpid field.
        nspid=$(grep -s '^NSpid:' "/proc/$p/status")
        [[ -n $wd && ${nspid##*[[:space:]]} == "$wd" ]] && continue
        kill -CONT "$p" 2>/dev/null
    done
    return 0
}
node_kill_stack() { node_daemons "$1"; signal_pids KILL; }

# node_reboot NODE: kill the node (all of its PID namespace) and boot it again.
node_reboot() {
    local node=$1 pid=${NODE_PID[$1]} try
    kill -KILL "$pid" 2>/dev/null
    for ((try = 0; try < 100; try++)); do
        [[ -e /proc/$pid ]] || break
        nap 0.1
    done
    [[ ! -e /proc/$pid ]] || { echo "FAIL: $node did not die"; return 1; }
    rm -f "$CLUSTER_STATE/$node.go"
    node_boot "$node" && node_start_pacemaker "$node"
}

# Cut / restore a node's link to the bridge.
node_link() { ip link set "fnp-$1" "$2"; }
