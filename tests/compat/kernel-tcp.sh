#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kernel-tcp.sh - a cluster node on a distribution kernel, with native NVMe
# multipath, over NVMe/TCP (issue 14 §3), proven against real reservations.
#
# Usage: kernel-tcp.sh SUITE FENCE_NVME_PR FENCE_NVME_PR_CHECK NVME_PERSIST
#
# Boots two VMs on this machine, linked by a unix socket (QEMU -netdev
# stream; nothing leaves the machine):
#   target  the test bed's own kernel (Debian unstable, nvmet reservations
#           need >= 6.13), nvme_core.multipath=N; exports two namespaces over
#           nvme-loop and NVMe/TCP (10.99.0.1:4420) and is the second host
#           ("peer", host1 over loop, key 0x1); guest/target.sh
#   node    Debian SUITE's own kernel package (bookworm: 6.1, bullseye:
#           5.10) with its default nvme_core.multipath=Y, connected over
#           NVMe/TCP as host2 (key 0x2): the node under test; it drives the
#           test and asks the peer to act through files in a shared
#           directory; guest/node-test.sh
# Both run the host's userland (its root over 9p, read-only): only the
# kernel differs from the machine, so the agents run as built.
#
# Exit: the node's test result (0 = every check passed); 1 when the target
# VM failed too or instead; 125 when a VM could not run.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM=$(cd "$HERE/../vm" && pwd)
readonly TIMEOUT=${FNP_COMPAT_TIMEOUT:-600}
# One vCPU per VM: two VMs then run in two host threads, as many as this
# 2-core machine has, and the multi-threaded TCG race of QEMU 7.2 (run-vm.sh,
# build_qemu_args) needs two. no_timer_check: a one-CPU guest on a loaded
# host otherwise can panic at boot ("IO-APIC + timer doesn't work!", seen
# here at load 20).
readonly VM_OPTS=(--timeout "$TIMEOUT" --smp 1 --mem 1024 --append no_timer_check)

# shellcheck source=../vm/guest/lib.sh
source "$VM/guest/lib.sh"  # fnp_die
FNP_PROG=kernel-tcp FNP_DIE_STATUS=125

(($# == 4)) || fnp_die "usage: kernel-tcp.sh SUITE FENCE_NVME_PR FENCE_NVME_PR_CHECK NVME_PERSIST"
suite=$1
for bin in "${@:2}"; do [[ -x $bin ]] || fnp_die "no binary at '$bin' (build first)"; done

# Fetch both kernels before the clock of either VM starts.
"$VM/fetch-kernel.sh" >/dev/null || fnp_die "cannot fetch the test bed's kernel"
"$VM/fetch-kernel.sh" --suite "$suite" >/dev/null || fnp_die "cannot fetch Debian $suite's kernel"

SHARE=$(mktemp -d "${TMPDIR:-/tmp}/fnp-compat.XXXXXX") || fnp_die "mktemp failed"
TARGET_PID=''
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    [[ -z $TARGET_PID ]] || kill "$TARGET_PID" 2>/dev/null
    rm -rf "$SHARE"
}
trap cleanup EXIT
trap 'exit 125' INT TERM
sock=$SHARE/net.sock

start=$SECONDS
"$VM/run-vm.sh" "${VM_OPTS[@]}" --rw "$SHARE" --net-addr 10.99.0.1/24 \
    --netdev "stream,server=on,addr.type=unix,addr.path=$sock" \
    -- "$HERE/guest/target.sh" "$SHARE" "$2" "$4" \
    > >(sed -u 's/^/[target] /') 2>&1 &
TARGET_PID=$!
# The node's QEMU connects to the target's socket once (QEMU 7.2 does not
# retry), so it starts when the target guest is up and serving: a target
# that run-vm.sh boots a second time after a panic would have a new QEMU
# and a new socket. (A node booted again reconnects: the server listens
# again when its client goes.)
for ((i = 0; i < TIMEOUT * 10; i++)); do
    [[ -e $SHARE/target-ready || -e $SHARE/target-failed ]] && break
    kill -0 "$TARGET_PID" 2>/dev/null || break
    sleep 0.1
done
[[ -e $SHARE/target-ready && -S $sock ]] || fnp_die "the target VM did not come up (see [target] above)"

node_rc=0
"$VM/run-vm.sh" "${VM_OPTS[@]}" --kernel-suite "$suite" --multipath default \
    --rw "$SHARE" --net-addr 10.99.0.2/24 \
    --netdev "stream,server=off,addr.type=unix,addr.path=$sock" \
    -- "$HERE/guest/node-test.sh" "$SHARE" "$suite" "$2" "$3" "$4" \
    > >(sed -u 's/^/[node] /') 2>&1 || node_rc=$?
# Whatever happened to the node, the target stops serving now.
: >"$SHARE/done"
target_rc=0
wait "$TARGET_PID" || target_rc=$?
TARGET_PID=''
echo "kernel-tcp: node VM exit $node_rc, target VM exit $target_rc, $((SECONDS - start)) s for both"
((node_rc != 0)) && exit "$node_rc"
((target_rc != 0)) && exit 1
exit 0
