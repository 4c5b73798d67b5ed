#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stage2.sh - PID 1 of the guest after switch_root (copied by run-vm.sh into
# the run share, started by initramfs-init.sh as /run/fnp-vm/stage2.sh).
#
# Finishes the system setup (hostname, kernel modules of the cached kernel,
# configfs, NVMe modules with nvme_core multipath off, extra shares), runs
# the command run-vm.sh wrote to /run/fnp-vm/cmd, reports its exit status
# both in /run/fnp-vm/status and as a console marker line, and powers off.
#
# No "set -e": whatever happens, the status must be reported.
set -uo pipefail

readonly RUN=/run/fnp-vm
# The kernel starts init with PATH=/bin at best.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

poweroff_now() {
    local fd
    sync
    # PID 1 must not exit (kernel panic) while the power-off proceeds, and
    # nothing may be started from the 9p root it tears down: wait with a
    # builtin read on a pipe we hold both ends of, so it never sees EOF.
    exec {fd}<> <(:)
    # sysrq works without any init system; -no-reboot makes QEMU exit.
    echo o >/proc/sysrq-trigger
    read -r -t 60 -u "$fd" _ || true
}

setup_failed() {
    echo "fnp-stage2: ERROR: $*"
    echo setup-failed >"$RUN/status"
    echo "@@FNP-VM-SETUP-FAILED@@"
    poweroff_now
}

# Make the cached kernel's module tree the guest's /lib/modules/<kver>, so the
# host's modprobe (kmod, reads .ko.xz) loads modules of the running kernel.
setup_modules() {
    mkdir -p "/lib/modules/$FNP_KVER" || setup_failed "cannot create /lib/modules/$FNP_KVER"
    mount --bind "$FNP_KDIR/lib/modules/$FNP_KVER" "/lib/modules/$FNP_KVER" ||
        setup_failed "cannot bind the module tree of $FNP_KVER"
    # One modprobe: each process start is slow under emulation. multipath=N
    # (read-only at run time) comes from the kernel command line, which kmod
    # applies; it gives each connection its own /dev/nvmeXnY, i.e. one view
    # of the shared namespace per simulated host.
    # With a network (--net-addr) also the NIC and both ends of NVMe/TCP.
    # Debian's bookworm and bullseye kernels (tests/compat's nodes) have no
    # nvme-loop: there the target modules are left out, those kernels are
    # only initiators (their nvmet has no reservations either).
    local -a modules=(configfs nvme-core nvme-fabrics)
    local -a loop=("/lib/modules/$FNP_KVER"/kernel/drivers/nvme/target/nvme-loop.ko*)
    [[ -e ${loop[0]} ]] && modules+=(nvmet nvme-loop)
    ((${FNP_NICS:-0} == 0)) || modules+=(virtio_net nvme-tcp)
    ((${FNP_NICS:-0} == 0)) || [[ ! -e ${loop[0]} ]] || modules+=(nvmet-tcp)
    modprobe -a "${modules[@]}" || setup_failed "cannot load configfs and the NVMe modules"
    check_multipath
    mount -t configfs configfs /sys/kernel/config || setup_failed "cannot mount configfs"
}

# nvme_core.multipath as run-vm.sh --multipath asked (N unless told);
# "default" is whatever the kernel chose, reported for the log.
check_multipath() {
    local want=${FNP_MULTIPATH:-N} got
    got=$(</sys/module/nvme_core/parameters/multipath)
    if [[ $want == default ]]; then
        echo "fnp-stage2: nvme_core.multipath=$got (the kernel's default)"
    elif [[ $got != "$want" ]]; then
        setup_failed "nvme_core multipath is $got, not $want"
    fi
}

# The NICs of run-vm.sh --netdev/--net-addr: eth0, eth1, ... in order (no
# udev renames them); each up, with its address unless it is "none".
setup_network() {
    local i addr
    for ((i = 0; i < ${FNP_NICS:-0}; i++)); do
        addr=${FNP_NET_ADDRS[i]:-none}
        ip link set "eth$i" up || setup_failed "cannot bring eth$i up"
        [[ $addr == none ]] || ip addr add "$addr" dev "eth$i" || setup_failed "cannot configure eth$i with $addr"
    done
}

# Mount the --rw shares at their host paths over the read-only root.
setup_shares() {
    local i
    for i in "${!FNP_RW_DIRS[@]}"; do
        mkdir -p "${FNP_RW_DIRS[i]}" || setup_failed "cannot create ${FNP_RW_DIRS[i]}"
        mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 "fnprw$i" "${FNP_RW_DIRS[i]}" ||
            setup_failed "cannot mount share ${FNP_RW_DIRS[i]}"
    done
}

main() {
    local up status
    # shellcheck source=/dev/null # written by run-vm.sh
    source "$RUN/config" || setup_failed "cannot read $RUN/config"
    echo fnp-vm >/proc/sys/kernel/hostname
    ip link set lo up 2>/dev/null
    setup_modules
    setup_network
    setup_shares
    read -r up _ </proc/uptime
    echo "fnp-stage2: guest ready after $up s of uptime"

    # Minimal environment (not the kernel's), as a login shell would see.
    local -a run=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM="$FNP_TERM" LANG=C.UTF-8
        FNP_VM=1 FNP_VM_DIR="$FNP_VM_DIR" FNP_VM_RUN="$RUN" "${FNP_ENV[@]}"
        /bin/bash "$RUN/cmd")
    if [[ $FNP_INTERACTIVE == 1 ]]; then
        # The serial port as controlling terminal gives shells job control.
        setsid --wait --ctty "${run[@]}" <>/dev/ttyS0 >&0 2>&0
    else
        "${run[@]}" </dev/null
    fi
    status=$?
    echo "exit=$status" >"$RUN/status"
    # Own line, after a newline, so console output cannot glue onto it.
    printf '\n@@FNP-VM-EXIT:%s:%d@@\n' "$FNP_NONCE" "$status"
    poweroff_now
}

main
