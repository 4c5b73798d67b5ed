#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# storage.sh - (storage VM of bench/failover/cell.sh) the shared disks and
# the two networks; it outlives every node failure.
#
# Usage: storage.sh SHARE NODES
#
# NICs (run-vm.sh order): for node I (1..NODES) eth(2I-2) is I's cluster
# link and eth(2I-1) its storage link. The cluster links are bridged
# (fnpcl0, no address: Corosync's network, node I = 10.77.0.I) and so are
# the storage links (fnpst0 = 10.88.0.100, node I = 10.88.0.I): cutting a
# node's cluster link (QEMU set_link on the node) leaves its storage link.
# Exports, from tmpfs files:
#   NVMe/TCP 10.88.0.100:4420 (nvmet, reservations): namespace 1 the data
#     disk, 2 the SBD disk, 3 nvme_persist's disk; the storage VM itself is
#     host1 over loop (reads the journal at the end, never registers)
#   iSCSI 10.88.0.100:3260 (LIO, configfs): one 64 MiB LUN with SCSI
#     persistent reservations, for fence_scsi; one ACL per node
#     (iqn.2026-12.io.fence-nvme-pr:nodeI)
# Writes SHARE/storage.env and SHARE/storage-ready (or storage-failed), then
# answers the host's requests (tests/compat/guest/rpc.sh in SHARE/storage/)
# until SHARE/done.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../tests/compat/guest/rpc.sh
source "$HERE/../../../tests/compat/guest/rpc.sh"
# shellcheck source=../../../tests/vm/guest/lib.sh
source "$FNP_VM_DIR/guest/lib.sh"
readonly SHARE=$1 NODES=$2
readonly IQN=iqn.2026-12.io.fence-nvme-pr:storage LIO=/sys/kernel/config/target

fail() {
    echo "storage: ERROR: $*"
    echo "$*" >"$SHARE/storage-failed"
    exit 1
}

bridge() {
    local name=$1 first=$2 i
    ip link add "$name" type bridge && ip link set "$name" up || return 1
    for ((i = 0; i < NODES; i++)); do
        ip link set "eth$((2 * i + first))" master "$name" || return 1
    done
}

# The iSCSI LUN, written into LIO's configfs as targetcli would (targetcli
# itself fails here: it wants a D-Bus it cannot reach in this guest): a
# fileio backstore, one LUN, a portal, an ACL per node, no CHAP.
lio_setup() {
    local tpg=$LIO/iscsi/$IQN/tpgt_1 dev=$LIO/core/fileio_0/lun0 i acl
    modprobe -a target_core_mod target_core_file iscsi_target_mod || return 1
    mkdir -p /etc/target
    truncate -s 64M /run/lun0.img || return 1
    mkdir -p "$dev" &&
        echo "fd_dev_name=/run/lun0.img,fd_dev_size=67108864" >"$dev/control" &&
        echo 1 >"$dev/enable" || { echo "fileio backstore failed"; return 1; }
    mkdir -p "$tpg/lun/lun_0" && ln -s "$dev" "$tpg/lun/lun_0/fnp_lun0" || { echo "LUN failed"; return 1; }
    mkdir -p "$tpg/np/10.88.0.100:3260" || { echo "portal failed"; return 1; }
    echo 0 >"$tpg/attrib/authentication" && echo 0 >"$tpg/attrib/generate_node_acls" || { echo "attrib failed"; return 1; }
    for ((i = 1; i <= NODES; i++)); do
        acl=$tpg/acls/iqn.2026-12.io.fence-nvme-pr:node$i
        mkdir -p "$acl/lun_0" && ln -s "$tpg/lun/lun_0" "$acl/lun_0/fnp_map0" || { echo "ACL node$i failed"; return 1; }
    done
    echo 1 >"$tpg/enable" || { echo "TPG enable failed"; return 1; }
}

# storage_journal DEV: the records on the data disk, "SEQ NODE EPOCH_MS" per
# line in disk order, read here, independent of any node, up to the first
# gap (the iSCSI LUN is a tmpfs file: no O_DIRECT there).
storage_journal() { fnp_journal_read "$1" 1 4096; }
storage_journal_nvme() { storage_journal "$("$FNP_NVMET" dev host1 1)"; }
storage_journal_iscsi() { storage_journal /run/lun0.img; }
# The storage VM's clock, for the host's offset estimate.
storage_clock() { echo "${EPOCHREALTIME/[.,]/}"; }

main() {
    echo "storage: kernel $(uname -r), $NODES nodes"
    bridge fnpcl0 0 && bridge fnpst0 1 && ip addr add 10.88.0.100/24 dev fnpst0 ||
        fail "network setup failed"
    "$FNP_NVMET" setup --hosts 1 --namespaces 3 --size-mb 64 --tcp 10.88.0.100:4420 >/dev/null ||
        fail "nvmet setup failed"
    # shellcheck source=/dev/null # written by nvmet-target.sh
    source /run/nvmet/env
    local iscsi=yes
    local out
    out=$(lio_setup 2>&1) || { iscsi="no: ${out##*$'\n'}"; echo "storage: iSCSI target not available: $out"; }
    printf 'NQN=%q\nISCSI_IQN=%q\nISCSI=%q\n' "$NVMET_NQN" "$IQN" "$iscsi" >"$SHARE/storage.env"
    mkdir -p "$SHARE/storage"
    : >"$SHARE/storage-ready"
    echo "storage: serving NVMe/TCP 10.88.0.100:4420 (3 namespaces), iSCSI $iscsi"
    rpc_serve "$SHARE/storage"
    echo "storage: done after $(fnp_elapsed) s"
}

main
