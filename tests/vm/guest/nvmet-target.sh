#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nvmet-target.sh - (guest only) a shared NVMe subsystem with reservations,
# served by the in-kernel target (nvmet) over nvme-loop, connected once per
# simulated host. Needs the modules and configfs that run-vm.sh sets up.
#
# Usage:
#   nvmet-target.sh [setup] --hosts H --namespaces N [--size-mb S] [--nqn NQN]
#                   [--tcp ADDR:PORT]
#       Create namespaces 1..N (S MiB files on tmpfs, default 64, with
#       resv_enable=1), export them on a loop port and connect host1..hostH,
#       each with its own hostnqn/hostid (so each is a distinct registrant).
#       --tcp also exports them on an NVMe/TCP port (IPv4 ADDR, PORT) for
#       hosts in other VMs (tests/compat); hostI's identity there is
#       host_id/host_nqn I, as over loop. Prints the map (see below). Fails
#       if a target is already set up.
#   nvmet-target.sh map                  print the map
#   nvmet-target.sh dev HOST NS          print HOST's device for namespace NS
#   nvmet-target.sh ns-disable NS        enable=0: hosts lose the namespace
#   nvmet-target.sh ns-enable NS         enable=1 again (PR state is lost, D9)
#   nvmet-target.sh disconnect HOST      delete HOST's controller
#   nvmet-target.sh connect HOST         reconnect HOST with the same identity
#   nvmet-target.sh connect HOST --as OTHER
#                                        reconnect HOST with OTHER's hostnqn and
#                                        hostid: a node cloned from OTHER's image
#                                        (one NVMe host to the target)
#   nvmet-target.sh teardown             disconnect all and remove the target
#   nvmet-target.sh identity HOST        print "HOSTNQN HOSTID" of HOST (hostI),
#                                        needs no target: for hosts in other VMs
#
# State (directory $NVMET_STATE, default /run/nvmet):
#   map    "HOST NS DEVICE" per connected host and namespace, e.g.
#          "host1 1 /dev/nvme0n2" (device numbers do NOT follow NS numbers)
#   hosts  "HOST HOSTNQN HOSTID CTRL" per host; CTRL is nvmeX or "-"
#   env    shell assignments: NVMET_NQN NVMET_SUBSYS NVMET_PORT NVMET_HOSTS
#          NVMET_NAMESPACES NVMET_SIZE_MB NVMET_STATE
#   nsK.img  backing file of namespace K
# Host identities are fixed (hostid a5a5a5a5-0000-4000-8000-<I as 12 hex>),
# so they are the same in every VM run.
#
# Exit: 0 ok, 1 error (message on stderr), 2 usage error.
set -euo pipefail

readonly PROG=nvmet-target
readonly STATE=${NVMET_STATE:-/run/nvmet}
readonly CFS=/sys/kernel/config/nvmet
readonly DEFAULT_NQN=nqn.2024-01.io.fence-nvme-pr:shared

# shellcheck source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"  # fnp_die, fnp_usage_error, fnp_usage, fnp_ns_dev
FNP_PROG=$PROG

host_id() { printf 'a5a5a5a5-0000-4000-8000-%012x' "$1"; }
host_nqn() { printf 'nqn.2014-08.org.nvmexpress:uuid:%s' "$(host_id "$1")"; }

load_env() {
    [[ -f $STATE/env ]] || fnp_die "no target set up (run: nvmet-target.sh setup ...)"
    # shellcheck source=/dev/null
    source "$STATE/env"
}

# "hostI" -> I, validated against the configured host count.
host_index() {
    [[ $1 =~ ^host([0-9]+)$ ]] || fnp_usage_error "bad host name: $1 (want hostI)"
    local i=${BASH_REMATCH[1]}
    ((i >= 1 && i <= NVMET_HOSTS)) || fnp_die "$1 does not exist (hosts: 1..$NVMET_HOSTS)"
    printf '%d\n' "$i"
}

ns_check() {
    if [[ ! $1 =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > NVMET_NAMESPACES)); then
        fnp_die "namespace $1 does not exist (namespaces: 1..$NVMET_NAMESPACES)"
    fi
}

# Create the subsystem, N namespaces and the loop port in configfs.
create_target() {
    local ns dir
    [[ -d $CFS ]] || fnp_die "$CFS missing (nvmet not loaded or configfs not mounted)"
    mkdir "$NVMET_SUBSYS" || fnp_die "cannot create subsystem $NVMET_NQN"
    echo 1 >"$NVMET_SUBSYS/attr_allow_any_host"
    for ((ns = 1; ns <= NVMET_NAMESPACES; ns++)); do
        dir=$NVMET_SUBSYS/namespaces/$ns
        truncate -s "${NVMET_SIZE_MB}M" "$STATE/ns$ns.img"
        mkdir "$dir"
        echo "$STATE/ns$ns.img" >"$dir/device_path"
        [[ -e $dir/resv_enable ]] || fnp_die "this nvmet has no reservation support (Linux >= 6.13 needed)"
        # resv_enable can only be changed while the namespace is disabled.
        echo 1 >"$dir/resv_enable"
        echo 1 >"$dir/enable" || fnp_die "cannot enable namespace $ns"
    done
    mkdir "$NVMET_PORT"
    echo loop >"$NVMET_PORT/addr_trtype"
    ln -s "$NVMET_SUBSYS" "$NVMET_PORT/subsystems/$NVMET_NQN"
    [[ -z $NVMET_TCP ]] || create_tcp_port
}

# The NVMe/TCP port of --tcp ADDR:PORT, next to the loop port.
create_tcp_port() {
    local port=${NVMET_PORT##*/}
    NVMET_TCP_PORT=$CFS/ports/$((port + 1))
    [[ ! -e $NVMET_TCP_PORT ]] || fnp_die "port $NVMET_TCP_PORT exists already"
    mkdir "$NVMET_TCP_PORT"
    echo tcp >"$NVMET_TCP_PORT/addr_trtype"
    echo ipv4 >"$NVMET_TCP_PORT/addr_adrfam"
    echo "${NVMET_TCP%:*}" >"$NVMET_TCP_PORT/addr_traddr"
    echo "${NVMET_TCP##*:}" >"$NVMET_TCP_PORT/addr_trsvcid"
    ln -s "$NVMET_SUBSYS" "$NVMET_TCP_PORT/subsystems/$NVMET_NQN" ||
        fnp_die "cannot export the subsystem on tcp $NVMET_TCP (nvmet-tcp loaded?)"
}

# Connect host $1 (index); print the controller name (nvmeX). Writing the
# options to /dev/nvme-fabrics and reading it back is what nvme-cli does,
# without nvme-cli's defaults from /etc/nvme.
connect_host() {
    local i=$1 as=${2:-$1} fd resp extra=''
    # A second controller of one identity: the kernel refuses it as a
    # duplicate unless asked (what nvme-cli's --duplicate-connect does).
    [[ $as == "$i" ]] || extra=,duplicate_connect
    exec {fd}<>/dev/nvme-fabrics
    printf 'transport=loop,nqn=%s,hostnqn=%s,hostid=%s%s' \
        "$NVMET_NQN" "$(host_nqn "$as")" "$(host_id "$as")" "$extra" >&"$fd" ||
        { exec {fd}>&-; fnp_die "connect of host$i failed"; }
    read -r resp <&"$fd" || true
    exec {fd}>&-
    [[ $resp =~ instance=([0-9]+) ]] || fnp_die "unexpected answer from /dev/nvme-fabrics: $resp"
    printf 'nvme%s\n' "${BASH_REMATCH[1]}"
}

# Print "NSID DEVICE" for each namespace block device of controller $1,
# waiting (up to ~20 s; namespace scanning is asynchronous) until $2 are
# present. With multipath off the names do not follow the NSIDs, so read
# each device's nsid from sysfs.
ctrl_namespaces() {
    local ctrl=$1 want=$2 try d name n
    local -a found
    for ((try = 0; try < 200; try++)); do
        found=() n=0
        for d in /sys/class/nvme/"$ctrl"/nvme*n*; do
            name=${d##*/}
            [[ $name =~ ^nvme[0-9]+n[0-9]+$ && -r $d/nsid && -b /dev/$name ]] || continue
            found[$(<"$d/nsid")]=/dev/$name   # indexed by NSID: sorted
            n=$((n + 1))
        done
        if ((n >= want)); then
            for n in "${!found[@]}"; do printf '%s %s\n' "$n" "${found[n]}"; done
            return 0
        fi
        sleep 0.1
    done
    fnp_die "$ctrl: only $n of $want namespaces appeared"
}

# Rewrite map from the hosts file and the live controllers.
write_map() {
    local host ctrl nsid dev want list
    want=$(enabled_namespaces)
    : >"$STATE/map.new"
    while read -r host _ _ ctrl; do
        [[ $ctrl != - ]] || continue
        list=$(ctrl_namespaces "$ctrl" "$want") || exit 1
        while read -r nsid dev; do
            [[ -z $nsid ]] || printf '%s %s %s\n' "$host" "$nsid" "$dev" >>"$STATE/map.new"
        done <<<"$list"
    done <"$STATE/hosts"
    mv "$STATE/map.new" "$STATE/map"
}

enabled_namespaces() {
    local n=0 ns
    for ((ns = 1; ns <= NVMET_NAMESPACES; ns++)); do
        [[ $(<"$NVMET_SUBSYS/namespaces/$ns/enable") == 1 ]] && n=$((n + 1))
    done
    printf '%d\n' "$n"
}

# Set field 4 (controller) of host $1 in the hosts file to $2.
set_host_ctrl() {
    awk -v h="$1" -v c="$2" '$1 == h { $4 = c } { print }' "$STATE/hosts" >"$STATE/hosts.new"
    mv "$STATE/hosts.new" "$STATE/hosts"
}

# Set the identity fields (2, 3) of host $1 in the hosts file to host $2's.
set_host_identity() {
    awk -v h="$1" -v n="$(host_nqn "$2")" -v i="$(host_id "$2")" \
        '$1 == h { $2 = n; $3 = i } { print }' "$STATE/hosts" >"$STATE/hosts.new"
    mv "$STATE/hosts.new" "$STATE/hosts"
}

host_ctrl() { awk -v h="$1" '$1 == h { print $4 }' "$STATE/hosts"; }

cmd_setup() {
    local hosts='' namespaces='' size=64 nqn=$DEFAULT_NQN i ctrl
    NVMET_TCP='' NVMET_TCP_PORT=''
    while (($#)); do
        case $1 in
            --tcp) NVMET_TCP=${2:-}; shift 2 ;;
            --hosts) hosts=${2:-}; shift 2 ;;
            --namespaces) namespaces=${2:-}; shift 2 ;;
            --size-mb) size=${2:-}; shift 2 ;;
            --nqn) nqn=${2:-}; shift 2 ;;
            *) fnp_usage_error "unknown setup option: $1" ;;
        esac
    done
    [[ $hosts =~ ^[1-9][0-9]*$ ]] || fnp_usage_error "--hosts wants a positive number"
    [[ $namespaces =~ ^[1-9][0-9]*$ ]] || fnp_usage_error "--namespaces wants a positive number"
    [[ $size =~ ^[1-9][0-9]*$ ]] || fnp_usage_error "--size-mb wants a positive number"
    [[ -z $NVMET_TCP || $NVMET_TCP =~ ^[0-9]+(\.[0-9]+){3}:[0-9]+$ ]] || fnp_usage_error "--tcp wants IPV4:PORT"
    [[ ! -e $STATE/env ]] || fnp_die "a target is already set up in $STATE (teardown first)"
    mkdir -p "$STATE"
    NVMET_NQN=$nqn NVMET_HOSTS=$hosts NVMET_NAMESPACES=$namespaces NVMET_SIZE_MB=$size
    NVMET_SUBSYS=$CFS/subsystems/$nqn
    local port=1
    while [[ -e $CFS/ports/$port ]]; do port=$((port + 1)); done
    NVMET_PORT=$CFS/ports/$port
    create_target
    : >"$STATE/hosts"
    for ((i = 1; i <= hosts; i++)); do
        ctrl=$(connect_host "$i")
        printf 'host%d %s %s %s\n' "$i" "$(host_nqn "$i")" "$(host_id "$i")" "$ctrl" >>"$STATE/hosts"
    done
    {
        printf 'NVMET_%s=%q\n' NQN "$NVMET_NQN" SUBSYS "$NVMET_SUBSYS" PORT "$NVMET_PORT" \
            HOSTS "$NVMET_HOSTS" NAMESPACES "$NVMET_NAMESPACES" SIZE_MB "$NVMET_SIZE_MB" STATE "$STATE" \
            TCP "$NVMET_TCP" TCP_PORT "$NVMET_TCP_PORT"
    } >"$STATE/env"
    write_map
    cat "$STATE/map"
}

# Builtins only: tests call this often.
cmd_dev() { fnp_ns_dev "$1" "$2" 2>/dev/null || fnp_die "no device for $1 namespace $2"; }

cmd_disconnect() {
    local host=$1 ctrl
    host_index "$host" >/dev/null
    ctrl=$(host_ctrl "$host")
    [[ $ctrl != - ]] || fnp_die "$host is not connected"
    echo 1 >"/sys/class/nvme/$ctrl/delete_controller"
    set_host_ctrl "$host" -
    write_map
}

cmd_connect() {
    local host=$1 i as ctrl
    i=$(host_index "$host")
    as=$i
    if (($# == 3)) && [[ $2 == --as ]]; then as=$(host_index "$3"); fi
    [[ $(host_ctrl "$host") == - ]] || fnp_die "$host is already connected"
    ctrl=$(connect_host "$i" "$as")
    set_host_ctrl "$host" "$ctrl"
    set_host_identity "$host" "$as"
    write_map
    grep "^$host " "$STATE/map" || true
}

# Disabling makes the hosts drop the namespace (its devices disappear);
# re-enabling brings new devices, so the map is rewritten either way.
cmd_ns_enable() {
    local ns=$1 value=$2
    ns_check "$ns"
    echo "$value" >"$NVMET_SUBSYS/namespaces/$ns/enable" || fnp_die "cannot set enable=$value on namespace $ns"
    wait_ns_change "$ns" "$value"
    write_map
}

# Wait until every connected host sees namespace $1 (value 1) or none does (0).
wait_ns_change() {
    local ns=$1 value=$2 try host ctrl seen total
    for ((try = 0; try < 200; try++)); do
        seen=0 total=0
        while read -r host _ _ ctrl; do
            [[ $ctrl != - ]] || continue
            total=$((total + 1))
            grep -qx "$ns" /sys/class/nvme/"$ctrl"/nvme*n*/nsid 2>/dev/null && seen=$((seen + 1))
        done <"$STATE/hosts"
        if { ((value == 1)) && ((seen == total)); } || { ((value == 0)) && ((seen == 0)); }; then
            return 0
        fi
        sleep 0.1
    done
    fnp_die "namespace $ns: hosts did not follow enable=$value"
}

cmd_teardown() {
    local host ctrl ns
    [[ -f $STATE/env ]] || return 0
    load_env
    while read -r host _ _ ctrl; do
        [[ $ctrl == - || ! -e /sys/class/nvme/$ctrl ]] || echo 1 >"/sys/class/nvme/$ctrl/delete_controller"
    done <"$STATE/hosts"
    rm -f "$NVMET_PORT/subsystems/$NVMET_NQN"
    rmdir "$NVMET_PORT" 2>/dev/null || true
    if [[ -n ${NVMET_TCP_PORT:-} ]]; then
        rm -f "$NVMET_TCP_PORT/subsystems/$NVMET_NQN"
        rmdir "$NVMET_TCP_PORT" 2>/dev/null || true
    fi
    for ((ns = 1; ns <= NVMET_NAMESPACES; ns++)); do
        [[ -d $NVMET_SUBSYS/namespaces/$ns ]] || continue
        echo 0 >"$NVMET_SUBSYS/namespaces/$ns/enable"
        rmdir "$NVMET_SUBSYS/namespaces/$ns"
    done
    rmdir "$NVMET_SUBSYS" 2>/dev/null || true
    rm -rf "$STATE"
}

main() {
    local cmd=${1:-}
    case $cmd in
        -h|--help) fnp_usage; exit 0 ;;
        --*) cmd_setup "$@"; return ;;
        setup) shift; cmd_setup "$@"; return ;;
        teardown) cmd_teardown; return ;;
        identity)
            [[ ${2:-} =~ ^host([1-9][0-9]*)$ ]] || fnp_usage_error "usage: identity hostI"
            printf '%s %s\n' "$(host_nqn "${BASH_REMATCH[1]}")" "$(host_id "${BASH_REMATCH[1]}")"
            return ;;
        '') fnp_usage_error "no command" ;;
    esac
    shift
    load_env
    case $cmd in
        map) cat "$STATE/map" ;;
        dev) (($# == 2)) || fnp_usage_error "usage: dev HOST NS"; cmd_dev "$1" "$2" ;;
        ns-disable) (($# == 1)) || fnp_usage_error "usage: ns-disable NS"; cmd_ns_enable "$1" 0 ;;
        ns-enable) (($# == 1)) || fnp_usage_error "usage: ns-enable NS"; cmd_ns_enable "$1" 1 ;;
        disconnect) (($# == 1)) || fnp_usage_error "usage: disconnect HOST"; cmd_disconnect "$1" ;;
        connect) (($# == 1 || $# == 3)) || fnp_usage_error "usage: connect HOST [--as OTHER]"; cmd_connect "$@" ;;
        *) fnp_usage_error "unknown command: $cmd" ;;
    esac
}

main "$@"
