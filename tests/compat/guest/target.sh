#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# target.sh - (target VM of tests/compat/kernel-tcp.sh) the shared disks and
# the second host.
#
# Usage: target.sh SHARE FENCE_NVME_PR NVME_PERSIST
#
# Exports two namespaces with reservations over nvme-loop and NVMe/TCP
# (10.99.0.1:4420), connects host1 ("the peer", key 0x1) over loop, writes
# SHARE/target.env and SHARE/target-ready, then runs the node's requests
# (rpc.sh) until SHARE/done. The peer_* functions below are what the node
# may ask for. This kernel has multipath=N: the peer's view of namespace K
# is its own per-controller device.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=rpc.sh
source "$HERE/rpc.sh"
# shellcheck source=../../vm/guest/lib.sh
source "$FNP_VM_DIR/guest/lib.sh"
SHARE=$1 FENCE=$2 RA=$3

fail() {
    echo "target: ERROR: $*"
    echo "$*" >"$SHARE/target-failed"
    exit 1
}

# peer_dev K: the peer's device for namespace K.
peer_dev() { "$FNP_NVMET" dev host1 "$1"; }

# peer_fence ARGS...: fence_nvme_pr on the peer, namespace 1, its own store.
peer_fence() { "$FENCE" --store-path /run/peer-fence -d "$(peer_dev 1)" "$@"; }

# peer_ra ACTION [NAME=VALUE...]: nvme_persist on the peer, namespace 2, key
# 0x1, as Pacemaker runs it; stderr (the exit reason) goes with the output.
peer_ra() {
    local action=$1 arg
    shift
    local -a env=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=disk OCF_RESKEY_CRM_meta_timeout=20000
        "OCF_RESKEY_devices=$(peer_dev 2)" OCF_RESKEY_key=0x1 OCF_RESKEY_store_path=/run/peer-ocf)
    for arg in "$@"; do env+=("OCF_RESKEY_$arg"); done
    env "${env[@]}" "$RA" "$action"
}

# peer_write K: O_DIRECT write of one block; 0 ok, 2 EBADE, 1 other error.
peer_write() { fnp_write_block "$(peer_dev "$1")" 200 peer 2>&1; }

# peer_state K: "rtype=R holders=K1,.. keys=K1,.." from nvme-cli on this
# kernel: an independent read of what the node's agent did.
peer_state() { fnp_resv_summary "$(peer_dev "$1")"; }

main() {
    echo "target: kernel $(uname -r), nvme_core.multipath=$(</sys/module/nvme_core/parameters/multipath)"
    "$FNP_NVMET" setup --hosts 1 --namespaces 2 --size-mb 8 --tcp 10.99.0.1:4420 >/dev/null ||
        fail "nvmet setup failed"
    # shellcheck source=/dev/null # written by nvmet-target.sh
    source /run/nvmet/env
    printf 'NQN=%q\nADDR=10.99.0.1\nPORT=4420\n' "$NVMET_NQN" >"$SHARE/target.env"
    : >"$SHARE/target-ready"
    echo "target: serving namespaces 1-2 on tcp 10.99.0.1:4420; the peer is host1 ($(peer_dev 1), $(peer_dev 2))"
    rpc_serve "$SHARE"
    echo "target: done after $(fnp_elapsed) s"
}

main
