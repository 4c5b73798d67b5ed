#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# accel.sh - which QEMU accelerator run-vm.sh uses, and why. Sourced by
# run-vm.sh (and by tests); needs QEMU, CACHE and the fnp_ library (fnp_note,
# fnp_die with FNP_PROG and FNP_DIE_STATUS: tests/vm/guest/lib.sh) set.
#
# FENCE_NVME_PR_ACCEL selects it:
#   auto (default)  KVM only once it has been shown to run the guest on this
#                   machine, TCG (software emulation) otherwise
#   kvm             KVM, no probe; a KVM failure is an error
#   tcg             TCG, KVM is never tried
#
# Why not simply "KVM when /dev/kvm is writable": a paravirtual KVM flavour
# (kvm_pvm, found on micro-VM hosts) offers a writable /dev/kvm that cannot run
# a stock guest kernel. QEMU then prints "KVM internal error. Suberror: 1" /
# "emulation failure" seconds into the boot, stops the vCPUs and stays alive,
# so the guest hangs until the caller's timeout. In auto mode a short probe
# boot (the real kernel and initramfs, fnp.probe=1: /init prints
# @@FNP-PROBE-OK@@ and powers off; about a second under a working KVM)
# decides; its result is cached in $CACHE/accel/, keyed by what decides
# whether KVM can run this guest: the host kernel release, QEMU's version,
# /dev/kvm's device number, the loaded kvm* modules and the guest kernel.
# A failed probe is cached too (delete the file to probe again). run-vm.sh
# also watches every KVM boot and falls back to TCG at once when QEMU reports
# a KVM failure (see accel_kvm_failure) or the guest shows no sign of life,
# and then records KVM as broken here.

readonly ACCEL_MODE=${FENCE_NVME_PR_ACCEL:-auto}
# Seconds a probe boot may take before KVM counts as unable to run the guest
# (a working KVM needs about one; TCG would need ~10 under load).
readonly ACCEL_PROBE_TIMEOUT=20
# shellcheck disable=SC2034 # used by run-vm.sh
ACCEL='' ACCEL_WHY=''

# Reject an unknown FENCE_NVME_PR_ACCEL before anything else happens.
accel_check_mode() {
    case $ACCEL_MODE in
        auto|kvm|tcg) ;;
        *) fnp_die "FENCE_NVME_PR_ACCEL must be auto, kvm or tcg, not '$ACCEL_MODE'" ;;
    esac
}

accel_kvm_usable_device() { [[ -c /dev/kvm && -r /dev/kvm && -w /dev/kvm ]]; }

# What QEMU prints when KVM cannot run the guest (kvm-all.c, target/i386/kvm).
readonly ACCEL_KVM_ERRORS='KVM internal error|emulation failure|KVM: entry failed|kvm run failed|failed to initialize kvm|Could not access KVM kernel module'

# accel_kvm_failure FILE: print the first line of FILE in which QEMU reports a
# KVM failure; false if there is none.
accel_kvm_failure() {
    local line
    line=$(grep -aE -m1 "$ACCEL_KVM_ERRORS" "$1" 2>/dev/null) || return 1
    line=${line%$'\r'}
    printf '%s\n' "${line#qemu-system-x86_64: }"
}

# accel_cache_file KERNEL_DIR: the cache file for this machine and guest.
accel_cache_file() {
    local key
    key=$(accel_cache_key "$1") || return 1
    printf '%s/accel/%s\n' "$CACHE" "$(sha256sum <<<"$key" | cut -c1-16)"
}

accel_cache_key() {
    local mods=(/sys/module/kvm*)
    printf 'host-kernel=%s\n' "$(uname -r)"
    printf 'qemu=%s\n' "$("$QEMU" --version 2>/dev/null | head -n1)"
    printf 'kvm-device=%s\n' "$(stat -Lc '%t:%T' /dev/kvm 2>/dev/null)"
    printf 'kvm-modules=%s\n' "${mods[*]##*/}"
    printf 'guest-kernel=%s\n' "$(<"$1/kver")"
}

# accel_cache_write FILE RESULT WHY KERNEL_DIR: store a probe result (atomically).
accel_cache_write() {
    local file=$1 tmp
    mkdir -p "${file%/*}" && tmp=$(mktemp "$file.XXXXXX") || return 1
    { accel_cache_key "$4"; printf 'result=%s\nwhy=%s\n' "$2" "$3"; } >"$tmp" && mv "$tmp" "$file"
}

# accel_probe KERNEL_DIR INITRD: boot the guest under KVM as far as its /init.
# True if it got there; sets PROBE_WHY either way.
accel_probe() {
    local kdir=$1 initrd=$2 log pid t0=$SECONDS line rc
    log=$(mktemp "${TMPDIR:-/tmp}/fnp-kvm-probe.XXXXXX") || return 1
    # The run's CPU model and vCPU count (a vCPU bring-up can be what fails),
    # little memory: nothing but /init runs.
    # shellcheck disable=SC2054 # commas are QEMU option syntax
    timeout -k 2 $((ACCEL_PROBE_TIMEOUT + 5)) "$QEMU" -accel kvm -cpu max -m 256 -smp "${SMP:-2}" -display none -monitor none -no-reboot -nic none \
        -kernel "$kdir/vmlinuz" -initrd "$initrd" -serial stdio \
        -append "console=ttyS0 loglevel=4 panic=-1 8250.nr_uarts=1 fnp.probe=1" </dev/null >"$log" 2>&1 &
    pid=$!
    while :; do
        if grep -aq '@@FNP-PROBE-OK@@' "$log"; then
            PROBE_WHY="a probe boot under KVM reached the guest's user space in $((SECONDS - t0)) s"
            rc=0
            break
        fi
        if line=$(accel_kvm_failure "$log"); then
            PROBE_WHY="KVM cannot run the guest: a probe boot under KVM failed with \"$line\""
            rc=1
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" && rc=0 || rc=$?
            line=$(grep -av '^\s*$' "$log" | tail -n1)
            PROBE_WHY="a probe boot under KVM ended early (QEMU exit $rc${line:+: $line})"
            rc=1
            break
        fi
        if ((SECONDS - t0 >= ACCEL_PROBE_TIMEOUT)); then
            PROBE_WHY="a probe boot under KVM showed no sign of life within $ACCEL_PROBE_TIMEOUT s"
            rc=1
            break
        fi
        sleep 0.2
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$log"
    return "$rc"
}

# accel_choose KERNEL_DIR INITRD: set ACCEL (kvm or tcg) and ACCEL_WHY.
accel_choose() {
    local kdir=$1 initrd=$2 file result='' why='' lockfd
    case $ACCEL_MODE in
        tcg) ACCEL=tcg ACCEL_WHY="FENCE_NVME_PR_ACCEL=tcg"; return 0 ;;
        kvm)
            accel_kvm_usable_device || fnp_die "FENCE_NVME_PR_ACCEL=kvm but /dev/kvm is missing or not read-writable"
            ACCEL=kvm ACCEL_WHY="FENCE_NVME_PR_ACCEL=kvm"
            return 0 ;;
    esac
    if ! accel_kvm_usable_device; then
        ACCEL=tcg ACCEL_WHY="no usable /dev/kvm"
        return 0
    fi
    file=$(accel_cache_file "$kdir") || fnp_die "cannot work out the accelerator cache key"
    mkdir -p "$CACHE/accel" || fnp_die "cannot create $CACHE/accel"
    # One probe at a time: concurrent runs wait for its result.
    exec {lockfd}>"$CACHE/accel/.lock"
    flock -w $((ACCEL_PROBE_TIMEOUT * 3)) "$lockfd" || fnp_die "timed out waiting for another run's KVM probe ($CACHE/accel/.lock)"
    if [[ -f $file ]]; then
        result=$(sed -n 's/^result=//p' "$file")
        why=$(sed -n 's/^why=//p' "$file")
    fi
    if [[ $result == kvm || $result == tcg ]]; then
        why="$why; verdict cached in $file"
    elif accel_probe "$kdir" "$initrd"; then
        result=kvm why=$PROBE_WHY
        accel_cache_write "$file" "$result" "$why" "$kdir" || fnp_note "cannot write $file"
        why="$why; verdict cached in $file"
    else
        result=tcg why=$PROBE_WHY
        accel_cache_write "$file" "$result" "$why" "$kdir" || fnp_note "cannot write $file"
        why="$why; verdict cached in $file (delete it to probe again)"
    fi
    exec {lockfd}>&-
    # shellcheck disable=SC2034 # used by run-vm.sh
    ACCEL=$result ACCEL_WHY=$why
}

# accel_record_broken KERNEL_DIR WHY: a run found KVM unable to run the guest
# although the cache said it could; remember, so later runs skip it.
accel_record_broken() {
    [[ $ACCEL_MODE == auto ]] || return 0
    local file
    if ! file=$(accel_cache_file "$1") || ! accel_cache_write "$file" tcg "KVM cannot run the guest: $2" "$1"; then
        fnp_note "cannot record the KVM failure in $CACHE/accel"
    fi
}
