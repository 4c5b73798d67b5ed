#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fake-kvm-qemu.sh - a QEMU that fails the way QEMU does on a host whose KVM
# cannot run the guest, for accel-fallback.sh (FENCE_NVME_PR_QEMU=this file).
#
# FNP_FAKE_QEMU_MODE:
#   kvm-internal-error (default)  given -accel kvm, print what QEMU 7.2 prints
#       on a paravirtual KVM host (kvm_pvm) a few seconds into the boot, then
#       stay alive with the guest stopped, as QEMU does; otherwise run the
#       real QEMU ($FNP_REAL_QEMU, default qemu-system-x86_64)
#   silent  never print anything and never exit, whatever the accelerator
#       (a guest that hangs before its first console line)
#   panic-multi  given multi-threaded TCG (-accel tcg without thread=single),
#       print the panic that QEMU 7.2's multi-threaded TCG race causes early in
#       the guest's boot and exit, as QEMU does with -no-reboot; otherwise run
#       the real QEMU
# --version adds "(fence-nvme-pr fake KVM)" to the real QEMU's version, so
# accel.sh caches this QEMU's probe results apart from the real one's.
readonly REAL=${FNP_REAL_QEMU:-qemu-system-x86_64}
if [[ ${1:-} == --version ]]; then
    "$REAL" --version | sed '1s/$/ (fence-nvme-pr fake KVM)/'
    exit
fi
kvm=0 multi=0 prev=''
for a; do
    [[ $prev == -accel && $a == kvm* ]] && kvm=1
    [[ $prev == -accel && $a == tcg* && $a != *thread=single* ]] && multi=1
    prev=$a
done
case ${FNP_FAKE_QEMU_MODE:-kvm-internal-error} in
    kvm-internal-error)
        ((kvm)) || exec "$REAL" "$@"
        sleep 1
        printf '%s\n' 'KVM internal error. Suberror: 1' 'emulation failure' \
            'EAX=00000000 EBX=00000000 ECX=00000000 EDX=00060fb1' \
            'EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0' >&2 ;;
    silent) ;;
    panic-multi)
        ((multi)) || exec "$REAL" "$@"
        printf '%s\n' '[    1.027445] Oops: int3: 0000 [#1] SMP NOPTI' \
            '[    1.028151] RIP: 0010:set_next_task_fair+0x6ed/0x7f0' \
            '[    1.030748] Kernel panic - not syncing: Fatal exception in interrupt'
        exit 0 ;;
    *) echo "fake-kvm-qemu: unknown FNP_FAKE_QEMU_MODE '$FNP_FAKE_QEMU_MODE'" >&2; exit 2 ;;
esac
exec sleep 3600
