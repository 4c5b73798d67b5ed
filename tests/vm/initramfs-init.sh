#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the VM's initramfs (busybox sh, PID 1). build-initramfs.sh packs it.
#
# Mounts the host's root (9p tag "hostroot", read-only; or run-vm.sh --root's
# directory) as the lower layer of an overlay whose upper layer is a tmpfs, so
# the guest has every host program yet cannot change the host. Mounts the per-run share (9p tag "fnprun",
# read-write) at /run/fnp-vm, then switch_roots into /run/fnp-vm/stage2.sh,
# which run-vm.sh copied there from guest/stage2.sh.
#
# On failure it prints "@@FNP-VM-SETUP-FAILED@@" for run-vm.sh and powers off.
# With fnp.probe=1 on the kernel command line it only prints "@@FNP-PROBE-OK@@"
# and powers off (the KVM probe boot of accel.sh).
PATH=/bin

fail() {
    echo "fnp-initramfs: ERROR: $*"
    echo "@@FNP-VM-SETUP-FAILED@@"
    poweroff -f
    sleep 10
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# First sign of life for run-vm.sh's boot watch: the kernel booted and runs
# user space. A probe boot (accel.sh: does KVM run this guest?) ends here.
read -r up _ </proc/uptime
echo "fnp-initramfs: user space up after $up s of uptime"
case " $(cat /proc/cmdline) " in
    *" fnp.probe=1 "*)
        echo "@@FNP-PROBE-OK@@"
        poweroff -f
        sleep 10 ;;
esac

# Modules needed to reach the root: 9p over virtio and overlayfs, in
# dependency order (build-initramfs.sh resolved it from modules.dep).
while read -r mod; do
    insmod "/lib/modules/$mod" || fail "insmod $mod"
done </lib/modules/load-order

mkdir -p /lower /rw /newroot
# msize: larger 9p messages cut the number of round trips (default 128 KiB).
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 hostroot /lower ||
    fail "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
# index/xino/metacopy/redirect_dir off: 9p lacks the file handles they need.
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work,index=off,xino=off,metacopy=off,redirect_dir=off \
    overlay /newroot || fail "cannot mount the overlay root"

mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
# devtmpfs lacks the links udev would add; bash needs /dev/fd for <(...).
ln -sf /proc/self/fd /newroot/dev/fd
ln -sf /proc/self/fd/0 /newroot/dev/stdin
ln -sf /proc/self/fd/1 /newroot/dev/stdout
ln -sf /proc/self/fd/2 /newroot/dev/stderr
ln -sf /proc/kcore /newroot/dev/core
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
# Private /run: the host's runtime state is not the guest's business. /tmp
# stays the overlay (writable, private to the guest) so that commands and
# build trees under the host's /tmp remain visible.
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mkdir -p /newroot/run/fnp-vm
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 fnprun /newroot/run/fnp-vm ||
    fail "cannot mount the run share"
[ -f /newroot/run/fnp-vm/stage2.sh ] || fail "stage2.sh missing in the run share"
# Read-only shares at their host paths (run-vm.sh --ro, and with --root the
# repository and the kernel directory): "TAG PATH" lines.
if [ -f /newroot/run/fnp-vm/ro-shares ]; then
    while read -r tag path; do
        if ! { mkdir -p "/newroot$path" &&
            mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 "$tag" "/newroot$path"; }; then
            fail "cannot mount the read-only share $path"
        fi
    done </newroot/run/fnp-vm/ro-shares
fi
[ -x /newroot/bin/bash ] || fail "no /bin/bash on the host root"

exec switch_root /newroot /bin/bash /run/fnp-vm/stage2.sh
