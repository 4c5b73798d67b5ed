#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A two-node active/standby database (SAP HANA style, any database works the
# same way) on NVMe multi-attach disks, configured with pcs.
#
# Prints the pcs commands; runs them only with --apply (as root on one node of
# a cluster that `pcs cluster setup` has created and started). Edit the
# variables below first.
#
# Two disks, because the two agents cannot share one (docs/nvme_persist.md):
# fence_nvme_pr keeps every node registered under a
# write-exclusive-all-registrants reservation, nvme_persist wants one owner
# and refuses a disk under such a reservation.
#   FENCE_DISK  fencing: every node registered; fencing removes the failed
#               node's key, its watchdog (fence_nvme_pr_check) reboots it.
#   DATA_DISK   the database's data: the node running the database owns it;
#               a takeover removes the old owner with preempt-and-abort, so a
#               frozen old primary cannot write when it wakes up.
# With one disk only: use fence_nvme_pr on it and leave out nvme_persist (see
# rac-style.sh); the fence then cuts the failed node off the data itself.
# FENCE_DISK and DATA_DISK must differ (refused otherwise).
#
# CLUSTER-WIDE: besides creating its own resources, this changes settings of
# the whole cluster that every other resource inherits: the Corosync token
# (totem token=5000), stonith-timeout=45s, and the resource defaults
# migration-threshold=3 and resource-stickiness=200. On a cluster that runs
# other things, read those lines first and leave out what does not fit.
set -euo pipefail

NODE1=${NODE1:-hana1}
NODE2=${NODE2:-hana2}
# Names that are the same on every node (cloud-disks.md): /dev/disk/by-id/...
# or an Alibaba Cloud disk ID d-xxxx.
FENCE_DISK=${FENCE_DISK:-/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_fence0001}
DATA_DISK=${DATA_DISK:-/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_data0001}
MOUNTPOINT=${MOUNTPOINT:-/hana/data}
# The application: any resource agent; systemd:... for a service.
APP_AGENT=${APP_AGENT:-systemd:hana-demo}

apply=0
case "${1:-}" in
  --apply) apply=1 ;;
  "") ;;
  *) echo "usage: $0 [--apply]" >&2; exit 2 ;;
esac

# A disk as both agents take it: an absolute path, or a disk ID d-xxxx
# (lower-case letters and digits), which names
# /dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_xxxx on every node.
by_id_path() {
  case $1 in
    d-*) [[ ${1#d-} =~ ^[a-z0-9]+$ ]] || { echo "$0: '$1': a disk ID is d- and lower-case letters and digits" >&2; exit 2; }
         echo "/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_${1#d-}" ;;
    /*) echo "$1" ;;
    *) echo "$0: disk '$1': give a /dev/disk/by-id/... path or a disk ID d-xxxx" >&2; exit 2 ;;
  esac
}
fence_path=$(by_id_path "$FENCE_DISK")
data_path=$(by_id_path "$DATA_DISK")
# The file system is the data disk's first partition: the by-id name of a
# disk ID, never "d-xxxx-part1".
DATA_FS=${DATA_FS:-${data_path}-part1}
# One disk for both would put nvme_persist's exclusive reservation on the
# fence disk (docs/nvme_persist.md): refused, by name and, where the
# disks are attached here, by the device they lead to.
if [[ $fence_path == "$data_path" ]] ||
   [[ -e $fence_path && -e $data_path && $(readlink -f -- "$fence_path") == "$(readlink -f -- "$data_path")" ]]; then
  echo "$0: FENCE_DISK ($FENCE_DISK) and DATA_DISK ($DATA_DISK) are the same disk: give two disks" >&2
  exit 2
fi

run() {
  printf '%q ' "$@"
  printf '\n'
  if ((apply)); then "$@"; fi
}

# --- Timeouts: fast failover, without fencing a node for a hiccup ----------
# (Cluster-wide, as are the resource defaults further down.)
echo "# Cluster-wide settings (every resource inherits them): totem token, stonith-timeout, resource defaults"
# Corosync token 5000 ms: a node is declared lost after token + consensus
# (1.2 x token) = 11 s. The default 3000 ms (7.2 s) misfires on cloud VMs that
# pause for a few seconds (live migration, host maintenance); the 30 s that
# cloud SAP guides use costs 66 s of outage per failure. fence_nvme_pr itself
# takes well under a second (bench/README.md), so Corosync's detection is
# what the failover time is made of. Set it with
#   pcs cluster setup ... totem token=5000
# or on an existing cluster:
run pcs cluster config update totem token=5000
# Two nodes: pcs sets two_node and wait_for_all in corosync.conf; without a
# third vote both nodes keep quorum when they lose each other, so both try to
# fence: see the delays below.
#
# fencing-timeout (stonith-timeout on Pacemaker < 3.0.2): the agent's own
# power_timeout (20 s) plus the largest delay (10 s) plus margin.
run pcs property set stonith-timeout=45s
# A failed stop is fenced rather than retried forever.
run pcs resource defaults update migration-threshold=3

# --- Fencing ----------------------------------------------------------------
# provides=unfencing: each node registers its key (action on) when it joins,
# before it may run anything. Keys: pcmk_host_map names them; without it they
# are derived from Corosync (rac-style.sh).
# pcmk_delay_base: when both nodes lose each other, NODE2's fence of NODE1 waits
# 10 s, NODE1's fence of NODE2 does not: NODE1 (the usual primary) survives a
# split. pcmk_delay_max adds a random 0-3 s on top so that a misconfigured
# base never makes both shoot in the same millisecond. (The fence itself is
# race-safe anyway: both preempt the first device first, one wins, the loser
# finds its own key gone and stops - docs/fencing.md.)
run pcs stonith create nvme-fence fence_nvme_pr \
  devices="$FENCE_DISK" \
  pcmk_host_map="$NODE1:0x1a2b0001;$NODE2:0x1a2b0002" \
  pcmk_delay_base="$NODE1:10s;$NODE2:0s" pcmk_delay_max=3s \
  power_timeout=20 \
  op monitor interval=60s \
  meta provides=unfencing
# Pacemaker >= 2.0.4 can instead delay the fence of the node that runs the
# resources with the higher priority:
#   pcs resource meta hana-app priority=10; pcs property set priority-fencing-delay=10s

# --- The database: disk ownership, file system, application -----------------
# A group starts in order and stops in reverse: the disk is owned before the
# file system is mounted and released after it is unmounted.
run pcs resource create hana-disk ocf:nvmepr:nvme_persist \
  devices="$DATA_DISK" reservation_type=write-exclusive \
  op monitor interval=10s timeout=20s \
  --group hana
run pcs resource create hana-fs ocf:heartbeat:Filesystem \
  device="$DATA_FS" directory="$MOUNTPOINT" fstype=xfs \
  op monitor interval=20s timeout=40s \
  --group hana
run pcs resource create hana-app "$APP_AGENT" \
  op monitor interval=30s timeout=60s \
  --group hana

# --- Constraints --------------------------------------------------------------
# Prefer NODE1; resource-stickiness keeps the database where it runs after
# NODE1 comes back (a second failover is a second outage).
run pcs constraint location hana prefers "$NODE1=100"
run pcs resource defaults update resource-stickiness=200

# --- Afterwards ---------------------------------------------------------------
# The watchdog test (not enabled by the package; on each node):
#   apt install watchdog
#   ln -s /usr/share/cluster/fence_nvme_pr_check /etc/watchdog.d/fence_nvme_pr_check
#   systemctl enable --now watchdog
# Then verify.sh.
