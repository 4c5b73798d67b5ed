#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# accel-fallback.sh - run-vm.sh on a machine whose /dev/kvm cannot run the
# guest (issue 14 section 1): it must fall back to TCG, say so once, cache
# the verdict, and fail fast, with a message, when no boot can succeed.
#
# The unusable KVM is simulated, without touching the machine: the script
# re-runs itself in a private mount namespace whose /dev is an overlay with
# a /dev/kvm node (10:232; on a machine without a kvm misc device opening it
# fails with ENODEV), and QEMU is fake-kvm-qemu.sh, which given -accel kvm
# prints QEMU's "KVM internal error. Suberror: 1" / "emulation failure" and
# hangs, as QEMU does on a paravirtual KVM (kvm_pvm) host.
#
# Checks (each a PASS/FAIL line):
#   1. FENCE_NVME_PR_ACCEL=bogus: one error line, exit 125, no VM
#   2. auto, nothing cached: the probe boot fails, the run uses TCG and passes,
#      one "accelerator:" line says why, the verdict is cached
#   3. auto, the cache says KVM works (stale): the KVM boot fails, the run
#      falls back to TCG at once and passes, the cache now says TCG
#   4. FENCE_NVME_PR_ACCEL=kvm: exit 125 with QEMU's message within a minute
#   5. a guest that never prints anything, under KVM and under TCG: exit 125
#      with a message within the boot limits (15 s; TCG's 120 s lowered to
#      20 s by FNP_VM_TCG_LIFE_LIMIT), never at the --timeout
#   6. a guest kernel that panics in every boot under multi-threaded TCG
#      (QEMU 7.2's race, see run-vm.sh): the first retry panics too, the
#      second boots single-threaded and the run passes
# Usage: accel-fallback.sh (as root, on the host). Exit 0 iff all passed.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$(cd "$HERE/../vm" && pwd)
FAKE_QEMU=$HERE/fake-kvm-qemu.sh

if [[ ${FNP_ACCEL_TEST_NS:-} != 1 ]]; then
    [[ $EUID == 0 ]] || { echo "FAIL: needs root (a private mount namespace)"; exit 1; }
    exec unshare --mount --propagation private -- env FNP_ACCEL_TEST_NS=1 "$0" "$@"
fi

# shellcheck source=../vm/guest/lib.sh
source "$VM_DIR/guest/lib.sh"  # fnp_pass, fnp_fail, fnp_summary

# /dev as an overlay (this namespace only) holding a kvm node; /dev/pts and
# /dev/shm bound back in.
fake_dev_kvm() {
    local t
    t=$(mktemp -d) && mount -t tmpfs tmpfs "$t" && mkdir "$t"/{orig,upper,work} &&
        mount --rbind /dev "$t/orig" &&
        mount -t overlay overlay -o "lowerdir=/dev,upperdir=$t/upper,workdir=$t/work" /dev &&
        mount --bind "$t/orig/pts" /dev/pts && mount --bind "$t/orig/shm" /dev/shm || return 1
    [[ -e /dev/kvm ]] || mknod -m 0666 /dev/kvm c 10 232
}
fake_dev_kvm || { echo "FAIL: cannot set up the fake /dev/kvm"; exit 1; }
echo "fake /dev/kvm: $(stat -c '%A %t:%T' /dev/kvm) (private mount namespace)"

KDIR=$("$VM_DIR/fetch-kernel.sh") || { echo "FAIL: no VM kernel"; exit 1; }
# The cache file run-vm.sh uses with the fake QEMU (accel.sh's own key).
# shellcheck disable=SC2034 # QEMU and CACHE are read by accel.sh
CACHE_FILE=$(QEMU=$FAKE_QEMU CACHE=${FENCE_NVME_PR_CACHE:-/var/cache/fence-nvme-pr} \
    bash -c 'source "$1/accel.sh" && accel_cache_file "$2"' _ "$VM_DIR" "$KDIR") ||
    { echo "FAIL: no accel cache file name"; exit 1; }

# run LABEL [ENV=VALUE...]: run-vm.sh -- true with the fake QEMU; sets RC,
# ERR (its stderr) and DUR (seconds).
run() {
    local label=$1 t0=$SECONDS
    shift
    echo "-- $label"
    RC=0
    env FENCE_NVME_PR_QEMU="$FAKE_QEMU" "$@" "$VM_DIR/run-vm.sh" --timeout 600 -- true \
        2>"$TMP/err" >"$TMP/out" || RC=$?
    DUR=$((SECONDS - t0))
    ERR=$(<"$TMP/err")
    grep -v '^\[' "$TMP/err" | sed 's/^/   /'
    echo "   (exit $RC after $DUR s)"
}
TMP=$(mktemp -d)
trap 'rm -f "$CACHE_FILE"; rm -rf "$TMP"' EXIT
count() { grep -c -- "$1" <<<"$ERR"; }

# 1
run "unknown FENCE_NVME_PR_ACCEL" FENCE_NVME_PR_ACCEL=bogus
if [[ $RC == 125 && $ERR == "run-vm: ERROR: FENCE_NVME_PR_ACCEL must be auto, kvm or tcg, not 'bogus'" ]]; then
    fnp_pass "1. FENCE_NVME_PR_ACCEL=bogus: one error line, exit 125"
else
    fnp_fail "1. FENCE_NVME_PR_ACCEL=bogus: want one error line and exit 125"
fi

# 2
rm -f "$CACHE_FILE"
run "auto, no cached verdict"
if [[ $RC == 0 ]] && (($(count 'accelerator:') == 1)) &&
    grep -q 'accelerator: tcg - KVM cannot run the guest: a probe boot under KVM failed with "KVM internal error. Suberror: 1"' <<<"$ERR"; then
    fnp_pass "2. the probe boot failed; the run used TCG, passed, and said why once"
else
    fnp_fail "2. want exit 0 and one 'accelerator: tcg - KVM cannot run the guest ...' line"
fi
if grep -qx 'result=tcg' "$CACHE_FILE" 2>/dev/null; then
    fnp_pass "2. the verdict is cached: $CACHE_FILE"
else
    fnp_fail "2. no cached verdict in $CACHE_FILE"
fi

# 3
sed -i 's/^result=.*/result=kvm/; s/^why=.*/why=test: a stale verdict/' "$CACHE_FILE"
run "auto, the cache says KVM works"
if [[ $RC == 0 ]] && grep -q 'accelerator: kvm - test: a stale verdict' <<<"$ERR" &&
    grep -q 'KVM did not boot the guest (QEMU reported "KVM internal error. Suberror: 1"): booting again under TCG' <<<"$ERR"; then
    fnp_pass "3. the KVM boot failed; the run fell back to TCG at once and passed"
else
    fnp_fail "3. want exit 0 and 'KVM did not boot the guest ... booting again under TCG'"
fi
if grep -qx 'result=tcg' "$CACHE_FILE"; then fnp_pass "3. the cache now says TCG"; else fnp_fail "3. the cache was not corrected"; fi

# 4
run "FENCE_NVME_PR_ACCEL=kvm" FENCE_NVME_PR_ACCEL=kvm
if [[ $RC == 125 ]] && ((DUR < 60)) &&
    grep -q '^run-vm: ERROR: the VM did not boot under kvm: QEMU reported "KVM internal error. Suberror: 1"' <<<"$ERR"; then
    fnp_pass "4. FENCE_NVME_PR_ACCEL=kvm: exit 125 after $DUR s with QEMU's message"
else
    fnp_fail "4. FENCE_NVME_PR_ACCEL=kvm: want exit 125 within 60 s and QEMU's message"
fi

# 5
run "a silent guest under KVM" FENCE_NVME_PR_ACCEL=kvm FNP_FAKE_QEMU_MODE=silent
if [[ $RC == 125 ]] && ((DUR < 45)) && grep -q '^run-vm: ERROR: the VM did not boot under kvm: no sign of life' <<<"$ERR"; then
    fnp_pass "5. a silent guest under KVM: exit 125 after $DUR s"
else
    fnp_fail "5. a silent guest under KVM: want exit 125 within 45 s, 'no sign of life'"
fi
# The TCG limit (120 s) lowered to 20 s through run-vm.sh's override: the
# same watch, 100 s less of CI time.
run "a silent guest under TCG" FENCE_NVME_PR_ACCEL=tcg FNP_FAKE_QEMU_MODE=silent FNP_VM_TCG_LIFE_LIMIT=20
if [[ $RC == 125 ]] && ((DUR < 35)) && grep -q '^run-vm: ERROR: the VM did not boot under tcg: no sign of life from the guest within 20 s' <<<"$ERR"; then
    fnp_pass "5. a silent guest under TCG: exit 125 after $DUR s"
else
    fnp_fail "5. a silent guest under TCG: want exit 125 within 35 s, 'no sign of life ... within 20 s'"
fi

# 6
run "a boot panic under multi-threaded TCG" FENCE_NVME_PR_ACCEL=tcg FNP_FAKE_QEMU_MODE=panic-multi
if [[ $RC == 0 ]] && (($(count 'kernel panic while booting') == 2)) &&
    grep -q 'kernel panic while booting, before the guest command ran: boot 2 of 3$' <<<"$ERR" &&
    grep -q 'kernel panic while booting, before the guest command ran: boot 3 of 3 (TCG thread=single)' <<<"$ERR"; then
    fnp_pass "6. boot panics under multi-threaded TCG: the third boot, single-threaded, passed"
else
    fnp_fail "6. boot panics under multi-threaded TCG: want exit 0 after a multi-threaded and a single-threaded retry"
fi

fnp_summary
