#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# node-init.sh NODE STATE_DIR - (guest only) PID 1 of one cluster node.
#
# cluster.sh starts it with
#   node.sh's mount+UTS namespace of NODE (hostname NODE, /dev/data-disk...)
#   + unshare --net --ipc --pid --fork --mount-proc --propagation private
# so each node has its own network, IPC (libqb's abstract sockets, /dev/shm),
# PID numbering and mounts. It mounts the node's private state (fresh tmpfs on
# every boot, as after a reboot), waits for the eth0 that cluster.sh moves
# into its network namespace, sets its address, starts `corosync -f` and,
# once corosync answers and cluster.sh says go, `pacemakerd -f`, then stays PID 1: it reaps the
# orphans (the application's writer, agents' children) and writes one line
# to STATE_DIR/NODE.events for every daemon that exits. Killing it kills the
# whole node (the kernel ends every process of its PID namespace).
#
# Input in STATE_DIR: NODE.fstab (the node's mounts), NODE.addr (CIDR
# address of eth0), etc-corosync/corosync.conf.
set -u
readonly NODE=$1 DIR=$2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec >>"$DIR/$NODE.console" 2>&1

# Bash builtins only while waiting: every exec costs tens of ms here.
exec {SLEEP_FD}<> <(:)
nap() { read -rt "$1" -u "$SLEEP_FD" || true; }
event() { printf '%s %s %s\n' "${EPOCHREALTIME/[.,]/}" "$NODE" "$*" >>"$DIR/$NODE.events"; }
die() { event "init-failed $*"; echo "node-init $NODE: ERROR: $*"; exit 1; }

mount -a --fstab "$DIR/$NODE.fstab" || die "mounts failed"
install -d -o hacluster -g haclient -m 0750 /var/lib/pacemaker/cib /var/lib/pacemaker/pengine \
    /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores /var/log/pacemaker || die "cannot create Pacemaker's directories"
mkdir -p /var/log/corosync /var/log/cluster || die "cannot create /var/log/corosync"

# eth0 appears when cluster.sh has created the veth pair (or never: bounded).
for ((i = 0; i < 200; i++)); do
    [[ $(</proc/net/dev) == *eth0:* ]] && break
    nap 0.05
done
[[ $(</proc/net/dev) == *eth0:* ]] || die "no eth0 after 10 s"
ip -b - <<EOF || die "network setup failed"
link set lo up
addr add $(<"$DIR/$NODE.addr") dev eth0
link set eth0 up
EOF
event network-up

corosync -f &
COROSYNC=$!
# corosync answers once its IPC sockets exist (abstract unix sockets of this
# network namespace). pacemakerd gives up if it cannot reach corosync.
for ((i = 0; i < 1200; i++)); do
    [[ $(</proc/net/unix) == *@cfg* ]] && break
    kill -0 "$COROSYNC" 2>/dev/null || break
    nap 0.05
done
[[ $(</proc/net/unix) == *@cfg* ]] || die "corosync did not start (see $NODE.console)"
event corosync-started "$COROSYNC"

# cluster.sh starts Pacemaker node by node (it writes NODE.go when this
# node's turn comes): a dozen daemons starting at once on two emulated CPUs
# take so long that pacemakerd kills those that do not answer within ~30 s.
for ((i = 0; i < 6000; i++)); do
    [[ -e $DIR/$NODE.go ]] && break
    nap 0.1
done
[[ -e $DIR/$NODE.go ]] || die "no go for pacemakerd after 600 s"
# Pacemaker's log goes to its file only: there is no syslog in the guest.
PCMK_logfacility=none PCMK_debug=no pacemakerd -f &
PACEMAKERD=$!
event pacemakerd-started "$PACEMAKERD"

# The watchdog. On a real node watchdog(8) runs fence_nvme_pr_check from
# /etc/watchdog.d/ and reboots the machine when it fails (the node's key is
# gone: it was fenced, e.g. while frozen, and missed Pacemaker's own
# notification). A node here is a set of namespaces inside one VM, so its
# reboot is this init exiting: the kernel then kills every process of the
# node. Interval: STATE_DIR/watchdog-interval (seconds; 0 = no watchdog).
WATCHDOG_INTERVAL=2
[[ -r $DIR/watchdog-interval ]] && read -r WATCHDOG_INTERVAL <"$DIR/watchdog-interval"
WATCHDOG=''
if [[ $WATCHDOG_INTERVAL != 0 ]]; then
    (
        while nap "$WATCHDOG_INTERVAL"; do
            /usr/sbin/fence_nvme_pr_check test || exit 3
        done
    ) &
    WATCHDOG=$!
    echo "$WATCHDOG" >"$DIR/$NODE.watchdog"
fi

while :; do
    dead=''
    wait -n -p dead
    rc=$?
    # wait -p leaves the variable unset when no child of ours is left.
    if [[ -z ${dead:-} ]]; then nap 1; continue; fi
    case $dead in
        "$COROSYNC") event corosync-exited "$rc" ;;
        "$PACEMAKERD") event pacemakerd-exited "$rc" ;;
        "$WATCHDOG")
            event watchdog-reboot "$rc"
            exit 1 ;;
    esac
done
