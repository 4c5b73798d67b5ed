#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# node.sh - (guest only) simulated cluster nodes, one per nvmet host.
#
# Each node nodeI is a persistent mount + UTS namespace (bound to the files
# /run/nodes/nodeI/{mnt,uts}) in which:
#   - the hostname is nodeI;
#   - /run and /dev/shm are private tmpfs (daemons' sockets do not clash);
#   - /dev is the directory /run/nodes/nodeI/dev: the basic devices and ONLY
#     hostI's NVMe devices (nvmeX, nvmeXnY, ngXnY), plus
#       /dev/data-disk  -> hostI's device for namespace 1
#       /dev/data-diskK -> hostI's device for namespace K (K >= 2)
#     so every node runs the agent with identical parameters, as in a real
#     cluster. The rest of the file system is shared with the guest.
#
# Usage:
#   node.sh setup [--nodes N]    create node1..nodeN (default: every host in
#                                the nvmet map, see nvmet-target.sh)
#   node.sh exec nodeI CMD...    run CMD (no shell) in nodeI; cwd and
#                                environment kept, plus NODE_NAME=nodeI
#                                (lib.sh's fnp_on does the same, cheaper)
#   node.sh refresh [nodeI...]   rebuild the NVMe entries of the nodes' /dev
#                                after nvmet-target.sh connect/ns-enable
#   node.sh list                 print the node names
#   node.sh teardown             remove all nodes
#
# Exit: exec returns CMD's status; otherwise 0 ok, 1 error, 2 usage error.
set -euo pipefail

readonly PROG=node.sh
readonly NODES=/run/nodes
readonly NVMET=${NVMET_STATE:-/run/nvmet}
shopt -s nullglob
# Every process start costs tens of ms in the emulated guest: the code below
# prefers bash builtins and batches file operations.

# shellcheck source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"  # fnp_die, fnp_usage_error, fnp_usage
FNP_PROG=$PROG

node_check() {
    [[ $1 =~ ^node[0-9]+$ ]] || fnp_usage_error "bad node name: $1 (want nodeI)"
    [[ -e $NODES/$1/mnt ]] || fnp_die "$1 does not exist (node.sh setup first)"
}

cmd_setup() {
    local n='' i
    case ${1:-} in
        --nodes) n=${2:-}; [[ $n =~ ^[1-9][0-9]*$ ]] || fnp_usage_error "--nodes wants a positive number" ;;
        '') ;;
        *) fnp_usage_error "unknown setup option: $1" ;;
    esac
    [[ -f $NVMET/hosts ]] || fnp_die "no nvmet target (run nvmet-target.sh setup first)"
    if [[ -z $n ]]; then
        n=0
        while read -r _; do n=$((n + 1)); done <"$NVMET/hosts"
    fi
    local -a dirs=() files=()
    for ((i = 1; i <= n; i++)); do
        [[ ! -e $NODES/node$i ]] || fnp_die "node$i already exists (node.sh teardown first)"
        dirs+=("$NODES/node$i/dev")
        files+=("$NODES/node$i/mnt" "$NODES/node$i/uts")
    done
    mkdir -p "${dirs[@]}"
    touch "${files[@]}"
    # Persistent namespace files must sit on a private mount, else the bind
    # mount of a mount namespace would be propagated into itself (EINVAL).
    if ! mountpoint -q "$NODES"; then
        mount --bind "$NODES" "$NODES"
        mount --make-private "$NODES"
    fi
    make_dev_template
    for ((i = 1; i <= n; i++)); do
        create_node "node$i" "host$i"
    done
    cmd_list
}

# Create node $1 for nvmet host $2. Its /dev is the directory $NODES/$1/dev,
# filled here in the guest's namespace (so refresh needs no nsenter) and
# bind-mounted over /dev inside the node. One "mount -a" with a per-node
# fstab does all of the node's mounts in one process.
create_node() {
    local node=$1 dir=$NODES/$1
    printf '%s\n' "$2" >"$dir/host"
    cp -a "$NODES/.devtemplate/." "$dir/dev/"
    add_nvme_devices "$node"
    # The tmpfs sources carry the node name because mount -a skips an entry
    # whose source is already mounted on its target (as "tmpfs" on /run).
    printf '%s\n' \
        "/dev/pts $dir/dev/pts none bind 0 0" \
        "$node-shm $dir/dev/shm tmpfs mode=1777 0 0" \
        "$dir/dev /dev none rbind 0 0" \
        "$node-run /run tmpfs mode=0755 0 0" >"$dir/fstab"
    # Writing /proc/sys/kernel/hostname names the writer's UTS namespace; the
    # -ef test makes sure that is the node's, never the guest's.
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount="$dir/mnt" --uts="$dir/uts" --propagation private -- \
        /bin/bash -c '[[ ! /proc/self/ns/uts -ef /proc/1/ns/uts ]] &&
            echo "$1" >/proc/sys/kernel/hostname && exec mount -a --fstab "$2"' \
        node-init "$node" "$dir/fstab" || fnp_die "cannot create $node"
}

# The part of /dev every node gets: copies (same major:minor) of the
# guest's basic device nodes, and the usual links. Built once per setup.
make_dev_template() {
    local d=$NODES/.devtemplate name
    local -a nodes=()
    rm -rf "$d"
    mkdir -p "$d/pts" "$d/shm"
    for name in null zero full random urandom tty console kmsg nvme-fabrics \
        loop-control watchdog watchdog0 fuse /dev/loop[0-9]*; do
        name=/dev/${name#/dev/}
        [[ -e $name ]] && nodes+=("$name")
    done
    cp -a "${nodes[@]}" "$d/"
    if [[ -e /dev/mapper/control ]]; then mkdir "$d/mapper"; cp -a /dev/mapper/control "$d/mapper/"; fi
    ln -s pts/ptmx "$d/ptmx"
    ln -s /proc/self/fd "$d/fd"
    ln -s /proc/self/fd/0 "$d/stdin"
    ln -s /proc/self/fd/1 "$d/stdout"
    ln -s /proc/self/fd/2 "$d/stderr"
}

# (Re)create, from the current nvmet map, the NVMe nodes of node $1's host
# and the data-disk links in the node's /dev directory.
add_nvme_devices() {
    local node=$1 d=$NODES/$1/dev host h ns dev ctrl='' base
    local -a copy=() old=("$d"/nvme[0-9]* "$d"/ng[0-9]* "$d"/data-disk*)
    host=$(<"$NODES/$node/host")
    if ((${#old[@]})); then rm -f "${old[@]}"; fi
    while read -r h _ _ dev; do
        [[ $h == "$host" ]] && ctrl=$dev
    done <"$NVMET/hosts"
    [[ -n $ctrl && $ctrl != - ]] || return 0
    copy+=("/dev/$ctrl")
    while read -r h ns dev; do
        [[ $h == "$host" ]] || continue
        base=${dev#/dev/}
        copy+=("/dev/$base")
        [[ -e /dev/${base/nvme/ng} ]] && copy+=("/dev/${base/nvme/ng}")
    done <"$NVMET/map"
    cp -a "${copy[@]}" "$d/"
    while read -r h ns dev; do
        [[ $h == "$host" ]] || continue
        if ((ns == 1)); then ln -s "${dev#/dev/}" "$d/data-disk"; else ln -s "${dev#/dev/}" "$d/data-disk$ns"; fi
    done <"$NVMET/map"
}

cmd_refresh() {
    local node
    local -a nodes=("$@")
    ((${#nodes[@]})) || mapfile -t nodes < <(cmd_list)
    for node in "${nodes[@]}"; do
        node_check "$node"
        add_nvme_devices "$node"
    done
}

cmd_list() {
    local d
    local -a names=()
    for d in "$NODES"/node*; do [[ -e $d/mnt ]] && names[${d##*/node}]=${d##*/}; done
    ((${#names[@]} == 0)) || printf '%s\n' "${names[@]}"
}

cmd_exec() {
    (($# >= 2)) || fnp_usage_error "usage: node.sh exec nodeI COMMAND..."
    local node=$1 wd=$PWD
    shift
    node_check "$node"
    # setns() moves the cwd to the namespace's root; --wd brings ours along
    # unless it is private to the guest's root namespace.
    [[ $wd == /run || $wd == /run/* || $wd == /dev/* ]] && wd=/
    NODE_NAME=$node exec nsenter --mount="$NODES/$node/mnt" --uts="$NODES/$node/uts" --wd="$wd" -- "$@"
}

cmd_teardown() {
    local d
    [[ -d $NODES ]] || return 0
    for d in "$NODES"/node*; do
        umount "$d/mnt" "$d/uts" 2>/dev/null || true
    done
    rm -rf "${NODES:?}"/node* "$NODES/.devtemplate"
}

main() {
    local cmd=${1:-}
    (($#)) && shift
    case $cmd in
        setup) cmd_setup "$@" ;;
        exec) cmd_exec "$@" ;;
        refresh) cmd_refresh "$@" ;;
        list) cmd_list ;;
        teardown) cmd_teardown ;;
        -h|--help) fnp_usage ;;
        '') fnp_usage_error "no command" ;;
        *) fnp_usage_error "unknown command: $cmd" ;;
    esac
}

main "$@"
