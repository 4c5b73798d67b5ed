#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-initramfs.sh - build (or reuse) the VM's initramfs for a cached kernel.
#
# Usage: build-initramfs.sh KERNEL_DIR
#   KERNEL_DIR as printed by fetch-kernel.sh.
# Prints the initramfs path on stdout, e.g.
#   /var/cache/fence-nvme-pr/initramfs/<sha256>.cpio.gz
#
# The image holds busybox-static, initramfs-init.sh as /init and the
# decompressed modules needed to mount the 9p/overlay root (busybox insmod
# cannot load .ko.xz). It is cached under a hash of everything that goes in,
# so editing initramfs-init.sh or changing kernel rebuilds it, and concurrent
# callers never see a half-written file.
#
# Exit: 0 ok; 1 error (one "build-initramfs: ERROR:" line).
set -euo pipefail

readonly PROG=build-initramfs
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly CACHE=${FENCE_NVME_PR_CACHE:-/var/cache/fence-nvme-pr}
readonly BUSYBOX=${FENCE_NVME_PR_BUSYBOX:-/bin/busybox}
# Modules /init loads before switch_root (dependencies are added).
# virtio_pci is built into unstable's kernel but a module in bookworm's and
# bullseye's (tests/compat boots those): without it 9p finds no channel.
# A module the kernel has built in is skipped.
readonly ROOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

# shellcheck source=guest/lib.sh
source "$HERE/guest/lib.sh"  # fnp_die
FNP_PROG=$PROG

# Print module paths (relative to the module dir) in load order: each
# module's dependencies (reversed modules.dep order, as modprobe does), then
# the module itself, without duplicates.
resolve_modules() {
    local moddir=$1 name line path dep
    local -a order=() deps
    local -A seen=()
    for name in "${ROOT_MODULES[@]}"; do
        if ! line=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$moddir/modules.dep"); then
            grep -qE "(^|/)${name}\.ko\$" "$moddir/modules.builtin" 2>/dev/null && continue
            fnp_die "module $name not found in $moddir/modules.dep"
        fi
        path=${line%%:*}
        read -r -a deps <<<"${line#*:}"
        for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
            dep=${deps[i]}
            [[ -n ${seen[$dep]:-} ]] || { seen[$dep]=1; order+=("$dep"); }
        done
        [[ -n ${seen[$path]:-} ]] || { seen[$path]=1; order+=("$path"); }
    done
    printf '%s\n' "${order[@]}"
}

# Decompress module $2 (path relative to $1) to $3.
decompress_module() {
    local src=$1/$2 dst=$3
    case $src in
        *.ko.xz) xz -dc "$src" >"$dst" ;;
        *.ko.zst) zstd -qdc "$src" >"$dst" ;;
        *.ko.gz) gzip -dc "$src" >"$dst" ;;
        *.ko) cp "$src" "$dst" ;;
        *) fnp_die "unknown module format: $src" ;;
    esac
}

main() {
    (($# == 1)) || fnp_die "usage: build-initramfs.sh KERNEL_DIR"
    local kdir=$1 kver moddir
    [[ -f $kdir/kver ]] || fnp_die "$kdir is not a kernel dir from fetch-kernel.sh"
    kver=$(<"$kdir/kver")
    moddir=$kdir/lib/modules/$kver
    [[ -x $BUSYBOX ]] || fnp_die "$BUSYBOX not found (install busybox-static)"
    command -v cpio >/dev/null || fnp_die "cpio not found (install cpio)"
    file_is_static "$BUSYBOX" || fnp_die "$BUSYBOX is not statically linked (install busybox-static)"

    local -a mods
    mapfile -t mods < <(resolve_modules "$moddir")
    ((${#mods[@]})) || fnp_die "module resolution failed"

    local hash out
    hash=$( { printf '%s\n' "$kver" "${mods[@]}"; cat "$HERE/initramfs-init.sh" "$BUSYBOX" "$0"; } |
        sha256sum | cut -c1-16)
    out=$CACHE/initramfs/$kver-$hash.cpio.gz
    if [[ -f $out ]]; then
        touch "$out"   # marks it in use for the pruning below
        printf '%s\n' "$out"
        return 0
    fi

    mkdir -p "$CACHE/initramfs"
    local tmp
    tmp=$(mktemp -d "$CACHE/initramfs/.tmp.XXXXXX")
    # shellcheck disable=SC2064 # expand now: tmp is local
    trap "rm -rf '$tmp'" EXIT
    build_tree "$tmp/root" "$moddir" "${mods[@]}"
    (cd "$tmp/root" && find . -print0 | LC_ALL=C sort -z |
        cpio --null --create --format=newc --quiet | gzip -1) >"$tmp/img" ||
        fnp_die "cpio failed"
    mv "$tmp/img" "$out"
    # Images of older inputs, unused for a day, are dead weight.
    find "$CACHE/initramfs" -maxdepth 1 -name '*.cpio.gz' ! -newermt '-1 day' -delete 2>/dev/null || true
    printf '%s\n' "$out"
}

# True if $1 has no ELF interpreter (i.e. runs without the host's libc).
file_is_static() {
    ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'INTERP'
}

# Lay out the initramfs tree in $1.
build_tree() {
    local root=$1 moddir=$2 m base applet
    shift 2
    mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
    cp "$BUSYBOX" "$root/bin/busybox"
    for applet in $("$BUSYBOX" --list); do
        [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
    done
    for m in "$@"; do
        base=${m##*/}
        base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
        decompress_module "$moddir" "$m" "$root/lib/modules/$base"
        printf '%s\n' "$base" >>"$root/lib/modules/load-order"
    done
    install -m 0755 "$HERE/initramfs-init.sh" "$root/init"
    # The kernel opens /dev/console before /init runs; without the node /init
    # would have no stdout. mknod needs root; otherwise rely on the kernel's
    # built-in initramfs, which has one.
    mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true
}

main "$@"
