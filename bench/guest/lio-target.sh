#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lio-target.sh - (guest only) SCSI disks with persistent reservations for
# fence_scsi: the kernel's LIO target (file backstores on tmpfs) exported
# through tcm_loop once per simulated host, so each host sees every LUN as
# its own /dev/sdX over its own I_T nexus (a distinct PR registrant), the
# SCSI counterpart of nvmet-target.sh. Configured through configfs directly
# (no targetcli: every process start is slow in the emulated guest).
#
# Usage:
#   lio-target.sh setup --hosts H --luns N [--size-mb S]
#       creates LUNs 1..N (S MiB files, default 1), one tcm_loop target per
#       host with its own initiator port, waits for the disks and prints the
#       map: "hostI LUN /dev/sdX" (also in /run/lio/map)
#   lio-target.sh devs HOST     HOST's devices, comma-separated, LUN order
#   lio-target.sh teardown      removes everything
#
# Exit: 0 ok, 1 error (message on stderr), 2 usage error.
set -euo pipefail

readonly PROG=lio-target
readonly STATE=/run/lio
readonly CFS=/sys/kernel/config/target

# shellcheck source=../../tests/vm/guest/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/vm/guest/lib.sh"   # fnp_die
FNP_PROG=$PROG
usage_error() { printf '%s: %s (see --help)\n' "$PROG" "$*" >&2; exit 2; }

# NAA WWNs: the target port of host I and its initiator port.
target_wwn() { printf 'naa.50014050000%05x' "$1"; }
initiator_wwn() { printf 'naa.50014051000%05x' "$1"; }

cmd_setup() {
    local hosts='' luns='' size=1 h k t
    while (($#)); do
        case $1 in
            --hosts) hosts=${2:-}; shift 2 ;;
            --luns) luns=${2:-}; shift 2 ;;
            --size-mb) size=${2:-}; shift 2 ;;
            *) usage_error "unknown setup option: $1" ;;
        esac
    done
    [[ $hosts =~ ^[1-9][0-9]*$ && $luns =~ ^[1-9][0-9]*$ && $size =~ ^[1-9][0-9]*$ ]] ||
        usage_error "setup wants --hosts H --luns N with positive numbers"
    [[ ! -e $STATE/map ]] || fnp_die "a target is already set up (teardown first)"
    modprobe -a target_core_mod target_core_file tcm_loop sd_mod ||
        fnp_die "cannot load the LIO modules (target_core_mod target_core_file tcm_loop sd_mod)"
    # LIO saves APTPL state there (and logs an error on every PR change
    # when it cannot); the guest's /var is a throw-away overlay.
    mkdir -p "$STATE" /var/target/pr
    for ((k = 1; k <= luns; k++)); do
        local b=$CFS/core/fileio_0/lun$k
        truncate -s "${size}M" "$STATE/lun$k.img"
        mkdir -p "$b"
        echo "fd_dev_name=$STATE/lun$k.img,fd_dev_size=$((size * 1048576))" >"$b/control"
        echo 1 >"$b/enable"
    done
    for ((h = 1; h <= hosts; h++)); do
        t=$CFS/loopback/$(target_wwn "$h")/tpgt_1
        mkdir -p "$t"
        # The nexus first: tcm_loop fails commands of a target without one.
        echo "$(initiator_wwn "$h")" >"$t/nexus"
        for ((k = 1; k <= luns; k++)); do
            mkdir "$t/lun/lun_$((k - 1))"
            ln -s "$CFS/core/fileio_0/lun$k" "$t/lun/lun_$((k - 1))/port"
        done
    done
    write_map "$hosts" "$luns"
    cat "$STATE/map"
}

# Find each host's disk for each LUN: the tpgt's "address" is the SCSI
# host:channel:target of its tcm_loop port; the LUN is the fourth number.
write_map() {
    local hosts=$1 luns=$2 h k addr try d name found
    : >"$STATE/map.new"
    for ((h = 1; h <= hosts; h++)); do
        addr=$(<"$CFS/loopback/$(target_wwn "$h")/tpgt_1/address")
        for ((k = 1; k <= luns; k++)); do
            found=
            for ((try = 0; try < 300; try++)); do
                for d in /sys/class/scsi_device/"$addr:$((k - 1))"/device/block/*; do
                    name=${d##*/}
                    [[ -b /dev/$name ]] && found=/dev/$name
                done
                [[ -n $found ]] && break
                sleep 0.1
            done
            [[ -n $found ]] || fnp_die "host$h LUN $k: no disk appeared for $addr:$((k - 1))"
            printf 'host%d %d %s\n' "$h" "$k" "$found" >>"$STATE/map.new"
        done
    done
    mv "$STATE/map.new" "$STATE/map"
}

cmd_devs() {
    local host lun dev list=''
    while read -r host lun dev; do
        [[ $host == "$1" ]] && list+=${list:+,}$dev
    done <"$STATE/map"
    [[ -n $list ]] || fnp_die "no devices for $1"
    printf '%s\n' "$list"
}

cmd_teardown() {
    local t l b
    [[ -d $CFS/loopback ]] || [[ -d $CFS/core ]] || return 0
    shopt -s nullglob
    for t in "$CFS"/loopback/naa.*/tpgt_1; do
        for l in "$t"/lun/lun_*; do
            rm -f "$l"/port
            rmdir "$l"
        done
        echo NULL >"$t/nexus" 2>/dev/null || true
        rmdir "$t" "${t%/tpgt_1}"
    done
    for b in "$CFS"/core/fileio_0/lun*; do rmdir "$b"; done
    rmdir "$CFS/core/fileio_0" 2>/dev/null || true
    rm -rf "$STATE"
}

case ${1:-} in
    setup) shift; cmd_setup "$@" ;;
    devs) [[ $# == 2 ]] || usage_error "usage: devs HOST"; cmd_devs "$2" ;;
    teardown) cmd_teardown ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
    *) usage_error "unknown command: ${1:-}" ;;
esac
