#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The agent inside a container, as the DaemonSet and FAR's pod run it
# (examples/kubernetes/): podman (Debian's), an image imported from a local
# root file system (the agent and its libraries; no registry), no
# network, and of the host's devices only the node's NVMe namespace. Two
# nodes: each registers from a container (on), status from a container sees
# both, node1 fences node2 from a container (off), node2's writes then fail,
# status says OFF.
# Usage: kubernetes-container.sh AGENT
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/kubernetes-container.sh" 420 "${1:-}"
AGENT=$1

command -v podman >/dev/null || { echo "FAIL: podman is not installed (packaging/install-deps.sh test)"; exit 1; }
# crun wants a cgroup file system at /sys/fs/cgroup even for a container
# without cgroups; the guest mounts none. Before the nodes: they see it too.
if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) != cgroup2fs ]]; then
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || { echo "FAIL: cannot mount cgroup2"; exit 1; }
fi
setup_cluster 2 1
WORK=$(mktemp -d)

# The root file system: the agent at /usr/sbin/fence_nvme_pr (where FAR
# looks) and the libraries ldd names; nothing else.
rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{usr/sbin,dev,proc,sys,run,tmp,etc}
cp "$AGENT" "$rootfs/usr/sbin/fence_nvme_pr"
ldd "$AGENT" | awk '/=> \// { print $3 } /^\s*\/lib/ { print $1 }' | while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")" && cp -L "$lib" "$rootfs$lib"
done
start=$(now_ms)
# Storage of its own (vfs: no overlay needed), no cgroups (the guest mounts none).
PODMAN=(podman --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs --cgroup-manager cgroupfs
        --events-backend none)
# shellcheck disable=SC2016 # expanded by the inner bash
fnp_check "the image is imported from the local root file system" \
    bash -c 'tar -C "$1" -c . | "${@:2}" import -q - localhost/fence-nvme-pr:test >/dev/null' _ "$rootfs" "${PODMAN[@]}"
fnp_timing "podman import took $(($(now_ms) - start)) ms"

# ctr NODE ARGS...: the agent in a container, in NODE, given NODE's namespace
# only (at the path the node knows it by) and the host's /run/fence_nvme_pr
# of that node (the DaemonSet's hostPath). Podman masks /sys/dev/block, where
# the agent checks what a device is; a privileged container (the DaemonSet,
# FAR's patched pod) masks nothing, so this unmasks that path only. Changing a
# reservation needs CAP_SYS_ADMIN (without it the kernel refuses register with
# EACCES; reading works): the one capability added.
ctr() {
    local node=$1; shift
    on "$node" mkdir -p /run/fence_nvme_pr
    on "$node" "${PODMAN[@]}" run --rm --network none --cgroups disabled --pull never \
        --device "$(disk 1):$(disk 1)" --security-opt unmask=/sys/dev/block --cap-add SYS_ADMIN \
        -v /run/fence_nvme_pr:/run/fence_nvme_pr \
        localhost/fence-nvme-pr:test /usr/sbin/fence_nvme_pr "$@"
}
MAP="node1:0x6b01,node2:0x6b02"
DEV=$(devices)
t=$(now_ms)
for n in 1 2; do
    fnp_check_rc 0 "node$n registers from a container (on)" \
        ctr "node$n" --action=on "--nodename=node$n" "--key-map=$MAP" "--devices=$DEV"
done
fnp_timing "two 'on' in containers took $(($(now_ms) - t)) ms"
fnp_check_eq "both keys are registered" "0x6b01 0x6b02" "$(tr ' ' '\n' <<<"$(keys 1)" | sort | tr '\n' ' ' | sed 's/ $//')"
out=$(ctr node1 --action status --key-map "$MAP" --devices "$DEV" --plug node2 2>/dev/null); rc=$?
fnp_check_eq "status of node2 from a container: Status: ON, exit 0" "Status: ON 0" "$out $rc"
fnp_check_rc 0 "node1 fences node2 from a container (off)" \
    ctr node1 --action=off --plug=node2 "--key-map=$MAP" "--devices=$DEV"
fnp_check_eq "node2's key is gone" "0x6b01" "$(keys 1)"
fnp_check_eq "node2's writes fail with EBADE" "2" "$(write_results node2)"
fnp_check_eq "node1 still writes" "0" "$(write_results node1)"
out=$(ctr node1 --action status --key-map "$MAP" --devices "$DEV" --plug node2 2>/dev/null); rc=$?
fnp_check_eq "status of node2 from a container: Status: OFF, exit 2" "Status: OFF 2" "$out $rc"
out=$(on node1 "${PODMAN[@]}" run --rm --network none --cgroups disabled --pull never \
    localhost/fence-nvme-pr:test /usr/sbin/fence_nvme_pr --action=monitor "--devices=$DEV" 2>&1); rc=$?
fnp_check_eq "without --device the container cannot open the namespace (exit 1)" 1 "$rc"
fnp_check "and says so" grep -q "cannot open\|No such file" <<<"$out"

rm -rf "$WORK"
fnp_summary
