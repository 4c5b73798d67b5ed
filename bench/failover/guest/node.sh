#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# node.sh - (node VM of bench/failover/cell.sh) one cluster node, set up for
# one contender as its documentation tells an administrator.
#
# Usage: node.sh SHARE I CONTENDER PROFILE AGENT_DIR RESOURCE_AGENT
#
# eth0 is the cluster link (10.77.0.I), eth1 the storage link (10.88.0.I);
# the storage VM (guest/storage.sh) serves the disks. The node connects to
# the NVMe/TCP subsystem as its own host (identity host(I+1) of
# nvmet-target.sh; /dev/fnp-data, /dev/fnp-sbd, /dev/fnp-persist are
# namespaces 1-3) and, for fence_scsi, logs in to the iSCSI LUN
# (/dev/fnp-lun). Then, per contender:
#   fence_nvme_pr  watchdog(8) with softdog and fence_nvme_pr_check in
#                  /etc/watchdog.d (README: "the watchdog step")
#   sbd            sbd -d /dev/fnp-sbd create (node1), /etc/default/sbd as
#                  Debian ships it but SBD_DEVICE (and the profile's
#                  watchdog timeout), sbd started before the cluster as its
#                  systemd unit does (sbd $SBD_OPTS -p /run/sbd.pid watch)
#   fence_scsi     watchdog(8) with softdog and fence_scsi_check in
#                  /etc/watchdog.d (fence_scsi(8), "watchdog")
# corosync and pacemakerd start when the host says (SHARE/nodeI.go), then
# the node answers the host's requests (tests/compat/guest/rpc.sh, in
# SHARE/nodeI/) until SHARE/done. Events: SHARE/nodeI.events.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
# shellcheck source=../../../tests/compat/guest/rpc.sh
source "$TOP/tests/compat/guest/rpc.sh"
# shellcheck source=../../../tests/vm/guest/lib.sh
source "$FNP_VM_DIR/guest/lib.sh"
readonly SHARE=$1 I=$2 CONTENDER=$3 PROFILE=$4 AGENT_DIR=$5 RA=$6
readonly NODE=node$I
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

event() { printf '%s %s\n' "${EPOCHREALTIME/[.,]/}" "$*" >>"$SHARE/$NODE.events"; }
fail() {
    echo "$NODE: ERROR: $*"
    event "setup-failed $*"
    echo "$*" >"$SHARE/$NODE.failed"
    exit 1
}
# shellcheck source=/dev/null # written by the host (cell.sh)
source "$SHARE/profile.env"

# NVMe/TCP as host(I+1), as nvme-cli connects (/dev/nvme-fabrics), then
# stable names for the three namespaces.
connect_nvme() {
    local hostnqn hostid fd resp nsid dev try
    # shellcheck source=/dev/null # written by storage.sh
    source "$SHARE/storage.env"
    read -r hostnqn hostid < <("$FNP_NVMET" identity "host$((I + 1))")
    exec {fd}<>/dev/nvme-fabrics
    printf 'transport=tcp,traddr=10.88.0.100,trsvcid=4420,nqn=%s,hostnqn=%s,hostid=%s' \
        "$NQN" "$hostnqn" "$hostid" >&"$fd" || return 1
    read -r resp <&"$fd" || true
    exec {fd}>&-
    event "nvme-connect ${resp:-no answer}"
    for ((try = 0; try < 300; try++)); do
        while read -r nsid dev; do
            case $nsid in
                1) ln -sf "$dev" /dev/fnp-data ;;
                2) ln -sf "$dev" /dev/fnp-sbd ;;
                3) ln -sf "$dev" /dev/fnp-persist ;;
            esac
        done < <(fnp_multipath_heads "$NQN")
        [[ -e /dev/fnp-data && -e /dev/fnp-sbd && -e /dev/fnp-persist ]] && return 0
        _rpc_nap 0.1
    done
    return 1
}

# open-iscsi as its documentation sets up an initiator.
connect_iscsi() {
    local try
    echo "InitiatorName=iqn.2026-12.io.fence-nvme-pr:$NODE" >/etc/iscsi/initiatorname.iscsi
    modprobe -a iscsi_tcp sd_mod || return 1
    mkdir -p /run/lock/iscsi /var/lib/iscsi
    iscsid || return 1
    iscsiadm -m discovery -t sendtargets -p 10.88.0.100:3260 >/dev/null &&
        iscsiadm -m node -p 10.88.0.100:3260 --login >/dev/null || return 1
    for ((try = 0; try < 300; try++)); do
        [[ -b /dev/sda ]] && { ln -sf /dev/sda /dev/fnp-lun; return 0; }
        _rpc_nap 0.1
    done
    return 1
}

install_agents() {
    install -m 0755 "$AGENT_DIR/fence_nvme_pr" /usr/sbin/fence_nvme_pr &&
        install -D -m 0755 "$AGENT_DIR/fence_nvme_pr_check" /usr/share/cluster/fence_nvme_pr_check &&
        install -D -m 0755 "$RA" /usr/lib/ocf/resource.d/nvmepr/nvme_persist &&
        install -D -m 0755 "$TOP/tests/cluster/guest/journal" /usr/lib/ocf/resource.d/fnptest/journal &&
        install -m 0755 "$TOP/tests/cluster/guest/alert-log.sh" /usr/local/bin/fnp-alert-log
}

# watchdog(8) on softdog running the check CHECK from /etc/watchdog.d (the
# README's step for fence_nvme_pr; fence_scsi(8)'s for fence_scsi_check),
# every INTERVAL seconds (Debian's default: 1).
start_watchdog() {
    local check=$1 interval=$2
    modprobe softdog || return 1
    mkdir -p /etc/watchdog.d && ln -sf "$check" "/etc/watchdog.d/${check##*/}" || return 1
    # Debian's watchdog.conf names no device: "softdog if no hardware watchdog".
    echo "watchdog-device = /dev/watchdog" >>/etc/watchdog.conf
    ((interval == 1)) || echo "interval = $interval" >>/etc/watchdog.conf
    watchdog || return 1
    event "watchdog-started $check"
}

# sbd as Debian's unit starts it, on the profile's timeouts.
start_sbd() {
    local try
    modprobe softdog || return 1
    if ((I == 1)); then
        sbd -d /dev/fnp-sbd -1 "$SBD_WATCHDOG" -4 "$SBD_MSGWAIT" create >>"$SHARE/$NODE-sbd.log" 2>&1 || return 1
        : >"$SHARE/sbd-created"
    fi
    for ((try = 0; try < 600; try++)); do
        [[ -e $SHARE/sbd-created ]] && break
        _rpc_nap 0.1
    done
    sed -i "s|^#*SBD_DEVICE=.*|SBD_DEVICE=/dev/fnp-sbd|; s|^SBD_WATCHDOG_TIMEOUT=.*|SBD_WATCHDOG_TIMEOUT=$SBD_WATCHDOG|" /etc/default/sbd
    grep -q '^SBD_DEVICE=' /etc/default/sbd || echo SBD_DEVICE=/dev/fnp-sbd >>/etc/default/sbd
    # sbd gives up at start when its servants do not all report within the
    # watchdog timeout ("Not enough votes to proceed. Aborting start-up.",
    # in the node's syslog): under emulation the disk servant can take
    # longer than 5 s to start. The bed then starts it again, up to 3 times,
    # as an administrator would; the start is not what a cell measures.
    local attempt
    for attempt in 1 2 3; do
        rm -f /run/sbd.pid
        (
            set -a
            # shellcheck source=/dev/null
            source /etc/default/sbd
            # shellcheck disable=SC2086 # as the unit's ExecStart
            exec sbd $SBD_OPTS -p /run/sbd.pid watch
        ) >>"$SHARE/$NODE-sbd.log" 2>&1 || continue
        # Running when its inquisitor is still there after the start-up
        # vote (a few seconds; it exits when the vote fails).
        _rpc_nap 10
        [[ -s /run/sbd.pid ]] && kill -0 "$(</run/sbd.pid)" 2>/dev/null && break
        event "sbd-start-retry $attempt"
    done
    [[ -s /run/sbd.pid ]] && kill -0 "$(</run/sbd.pid)" 2>/dev/null || return 1
    event "sbd-started $(</run/sbd.pid)"
}

start_corosync() {
    install -d -o hacluster -g haclient -m 0750 /var/lib/pacemaker/cib /var/lib/pacemaker/pengine \
        /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores /var/log/pacemaker || return 1
    mkdir -p /var/log/corosync /var/log/cluster /etc/corosync && cp "$SHARE/corosync.conf" /etc/corosync/ || return 1
    # corosync forks into the background; its log goes to its file only.
    corosync >/dev/null 2>&1 || return 1
    local try
    for ((try = 0; try < 1200; try++)); do
        [[ $(</proc/net/unix) == *@cfg* ]] && { event corosync-started; return 0; }
        _rpc_nap 0.05
    done
    return 1
}

# pacemakerd, and the fencer's CIB sign-on (see tests/cluster/lib.sh,
# node_fencer_cib: under emulation it can give up after 10 s; pacemakerd
# respawns it when killed).
start_pacemaker() {
    local try given=0 log=/var/log/pacemaker/pacemaker.log
    local -a lines
    # pacemakerd stays in the foreground (Pacemaker 2.1 ignores -f).
    PCMK_logfacility=none pacemakerd >/dev/null 2>&1 &
    event pacemakerd-started
    for ((try = 0; try < 2400; try++)); do
        mapfile -t lines < <(grep -s -E 'pacemaker-fenced +\[.*(Watching for fencing topology changes|Could not connect to the CIB manager)' "$log")
        if ((${#lines[@]} > given)); then
            [[ ${lines[-1]} == *Watching* ]] && { event fencer-ready; return 0; }
            given=${#lines[@]}
            event "fencer-restarted (it gave up on the CIB manager)"
            pkill -KILL -x pacemaker-fence
        fi
        _rpc_nap 0.1
    done
    return 1
}

# ---- what the host may ask for (rpc requests run in a subshell of main)

node_clock() { echo "${EPOCHREALTIME/[.,]/}"; }
node_online() { crm_mon -1 2>/dev/null | grep -q "Online: \[ $* \]"; }
node_cib_patch() { cibadmin --patch --xml-file "$1"; }
node_property() { crm_attribute --type crm_config --name "$1" --update "$2"; }
node_history() { stonith_admin --history '*' --verbose 2>&1; }
node_pcmk_log() { grep -E "$1" /var/log/pacemaker/pacemaker.log; }
node_crm_mon() { crm_mon -1 2>&1; }
# The node's Pacemaker and Corosync logs, into the share (the evidence).
node_save_logs() {
    cp /var/log/pacemaker/pacemaker.log "$SHARE/$NODE-pacemaker.log" 2>/dev/null
    cp /var/log/corosync/corosync.log "$SHARE/$NODE-corosync.log" 2>/dev/null
    return 0
}
# Stop every process but the kernel's, this node's init and the request
# server (this subshell and its parents), as an administrator simulating a
# hang would: the watchdog daemon and sbd stop too.
node_freeze() {
    local keep=" 1 $$ $BASHPID $PPID " p
    for _ in 1 2 3; do
        for p in /proc/[0-9]*; do
            p=${p#/proc/}
            [[ $keep == *" $p "* ]] && continue
            [[ -e /proc/$p/exe ]] || continue   # kernel threads have none
            kill -STOP "$p" 2>/dev/null
        done
    done
    event frozen
}
node_thaw() {
    local p
    for p in /proc/[0-9]*; do kill -CONT "${p#/proc/}" 2>/dev/null; done
    event thawed
}
node_crash() { event crash; echo c >/proc/sysrq-trigger; }

main() {
    echo "$NODE" >/proc/sys/kernel/hostname
    event "boot $CONTENDER profile=$PROFILE"
    export HOSTNAME=$NODE
    install_agents || fail "cannot install the agents"
    # A syslog, into the share: what sbd, watchdog(8) and the agents log.
    busybox syslogd -O "$SHARE/$NODE-syslog.log" || fail "cannot start syslogd"
    # Pacemaker's alerts (recipient /run/fnp-alerts.log) land in the share.
    # Alert agents run as hacluster.
    : >>"$SHARE/alerts-$NODE.log" && chmod 0666 "$SHARE/alerts-$NODE.log" &&
        ln -sf "$SHARE/alerts-$NODE.log" /run/fnp-alerts.log
    connect_nvme || fail "NVMe/TCP connect failed"
    if [[ $CONTENDER == fence_scsi ]]; then connect_iscsi || fail "iSCSI login failed"; fi
    event "disks-ready $(readlink /dev/fnp-data) $(readlink /dev/fnp-lun 2>/dev/null)"
    case $CONTENDER in
        fence_nvme_pr) start_watchdog /usr/share/cluster/fence_nvme_pr_check 1 || fail "watchdog" ;;
        # fence_scsi_check is a Python program: under emulation one run
        # takes longer than watchdog(8)'s default 1 s interval, so a run
        # every second kept the node's one vCPU busy and Pacemaker did not
        # start (its fencer gave up on the CIB manager three times). Every
        # 10 s it costs under emulation about what fence-agents #313
        # reports at 1 s on real hardware (~20 % of a vCPU). Only how a
        # fenced node ends depends on it: fence_scsi's fence is the
        # reservation, not the watchdog.
        fence_scsi) start_watchdog /usr/share/cluster/fence_scsi_check 10 || fail "watchdog" ;;
        sbd) start_sbd || fail "sbd did not start: $(tail -n 3 "$SHARE/$NODE-sbd.log" 2>/dev/null | paste -sd' ')" ;;
    esac
    start_corosync || fail "corosync did not start"
    local try
    for ((try = 0; try < 6000; try++)); do
        [[ -e $SHARE/$NODE.go ]] && break
        _rpc_nap 0.1
    done
    start_pacemaker || fail "Pacemaker did not start"
    mkdir -p "$SHARE/$NODE"
    : >"$SHARE/$NODE.ready"
    rpc_serve "$SHARE/$NODE"
}

main
