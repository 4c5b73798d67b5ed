#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# node-test.sh - (node VM of tests/compat/kernel-tcp.sh) the agents on a
# distribution kernel with native NVMe multipath, over NVMe/TCP.
#
# Usage: node-test.sh SHARE SUITE FENCE_NVME_PR FENCE_NVME_PR_CHECK NVME_PERSIST
#
# This VM runs Debian SUITE's kernel with its default nvme_core.multipath=Y.
# It connects to the target VM over NVMe/TCP as host2 (key 0x2) and runs the
# agents on the multipath heads /dev/nvmeXnY, as on a user's node; the
# target VM is the second host ("peer", key 0x1, over loop) and acts when
# asked (rpc.sh, guest/target.sh's peer_* functions). Namespace 1 is for
# fence_nvme_pr, namespace 2 for nvme_persist (the fence agent leaves a
# write-exclusive-all-registrants reservation, which nvme_persist refuses).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=rpc.sh
source "$HERE/rpc.sh"
# shellcheck source=../../vm/guest/lib.sh
source "$FNP_VM_DIR/guest/lib.sh"
SHARE=$1 SUITE=$2 FENCE=$3 CHECK=$4 RA=$5

peer() { rpc_call "$SHARE" "$@"; }
abort() { fnp_fail "$*"; fnp_summary; exit 1; }

# The kernel release each suite's linux-image-amd64 brings.
declare -A SUITE_KERNEL=([bullseye]=5.10 [bookworm]=6.1)

wait_target() {
    local i
    for ((i = 0; i < 3000; i++)); do
        [[ -e $SHARE/target-ready ]] && return 0
        [[ -e $SHARE/target-failed ]] && abort "the target VM failed: $(<"$SHARE/target-failed")"
        _rpc_nap 0.1
    done
    abort "the target VM was not ready within 300 s"
}

# Connect over NVMe/TCP as host2, the way nvme-cli does (options written to
# /dev/nvme-fabrics); sets CTRL (nvmeX).
connect_tcp() {
    local hostnqn hostid fd resp
    # shellcheck source=/dev/null # written by target.sh
    source "$SHARE/target.env"
    read -r hostnqn hostid < <("$FNP_NVMET" identity host2)
    exec {fd}<>/dev/nvme-fabrics
    printf 'transport=tcp,traddr=%s,trsvcid=%s,nqn=%s,hostnqn=%s,hostid=%s' \
        "$ADDR" "$PORT" "$NQN" "$hostnqn" "$hostid" >&"$fd" || abort "NVMe/TCP connect to $ADDR:$PORT failed"
    read -r resp <&"$fd" || true
    exec {fd}>&-
    [[ $resp =~ instance=([0-9]+) ]] || abort "unexpected answer from /dev/nvme-fabrics: $resp"
    CTRL=nvme${BASH_REMATCH[1]}
}

# Set D1/D2: the multipath heads (/dev/nvmeXnY) of namespaces 1 and 2 in
# the target's subsystem, once both are there.
find_heads() {
    local try nsid dev
    for ((try = 0; try < 300; try++)); do
        D1='' D2=''
        while read -r nsid dev; do
            case $nsid in
                1) D1=$dev ;;
                2) D2=$dev ;;
            esac
        done < <(fnp_multipath_heads "$NQN")
        [[ -n $D1 && -n $D2 ]] && return 0
        _rpc_nap 0.1
    done
    abort "the namespaces of $NQN did not appear as multipath heads"
}

# fence NAME ARGS...: fence_nvme_pr on this node, namespace 1; output in $OUT.
OUT=/tmp/compat.out
fence() { "$FENCE" -d "$D1" "$@" >"$OUT" 2>&1; }
# ra ACTION [NAME=VALUE...]: nvme_persist on this node, namespace 2, key 0x2.
ra() {
    local action=$1 arg
    shift
    local -a env=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=disk OCF_RESKEY_CRM_meta_timeout=20000
        "OCF_RESKEY_devices=$D2" OCF_RESKEY_key=0x2)
    for arg in "$@"; do env+=("OCF_RESKEY_$arg"); done
    env "${env[@]}" "$RA" "$action" >"$OUT" 2>&1
}
# write DEV: 0 written, 2 reservation conflict (EBADE), 1 other error; the
# error text in $OUT.
write() { fnp_write_block "$1" 100 node 2>"$OUT"; }
# rc CMD...: print CMD's exit status.
rc() { local r=0; "$@" >/dev/null 2>&1 || r=$?; echo "$r"; }
has() { grep -q -- "$1" "$OUT"; }

check_kernel() {
    local release
    release=$(uname -r)
    echo "node: kernel $release (Debian $SUITE), nvme_core.multipath=$(</sys/module/nvme_core/parameters/multipath)"
    fnp_check_eq "Debian $SUITE's kernel ${SUITE_KERNEL[$SUITE]:-?} runs" "${SUITE_KERNEL[$SUITE]:-?}" \
        "$(cut -d. -f1,2 <<<"$release")"
    fnp_check_eq "native NVMe multipath is on (the kernel's default)" Y "$(</sys/module/nvme_core/parameters/multipath)"
    # The host's userland (its root over 9p under a tmpfs overlay): only the
    # kernel is the suite's, the C library is the machine's.
    fnp_check "the root is the host's, through the test bed's overlay" grep -q '^overlay / overlay ' /proc/mounts
    echo "node: userland of the host: Debian $(</etc/debian_version), $(getconf GNU_LIBC_VERSION)"
}

check_devices() {
    local path
    fnp_check_eq "the controller's transport is tcp" tcp "$(<"/sys/class/nvme/$CTRL/transport")"
    fnp_check "$D1 is a multipath head (nvme-subsystem in sysfs)" \
        grep -q /nvme-subsystem/ <<<"$(readlink -f "/sys/block/${D1#/dev/}")"
    path=("/sys/class/nvme/$CTRL/${CTRL}"c*n*)
    fnp_check "the path device of $CTRL exists behind the head (${path[0]##*/}, hidden)" test -e "${path[0]}"
    echo "node: namespace 1 = $D1, namespace 2 = $D2 (controller $CTRL over tcp)"
}

fence_agent_tests() {
    echo "== fence_nvme_pr on $D1"
    fnp_check_rc 0 "on: this node (0x2) registers and reserves" fence -o on -n 0x2
    fnp_check_rc 0 "peer on (0x1)" peer peer_fence -o on -n 0x1
    fnp_check_eq "both keys, write-exclusive-all-registrants (read by the peer's nvme-cli)" \
        "rtype=5 holders=0x1,0x2 keys=0x1,0x2" "$(peer peer_state 1)"
    fnp_check_rc 0 "status of this node: registered (0)" fence -o status -n 0x2
    fnp_check_rc 0 "status of the peer: registered (0)" fence -o status -n 0x1
    fnp_check_rc 2 "status of an unknown key: not registered (2)" fence -o status -n 0x3
    fnp_check_rc 0 "monitor (device_backend=auto)" fence -o monitor
    fnp_check_rc 0 "list" fence -o list
    fnp_check_eq "list prints both keys" "0x0000000000000001, 0x0000000000000002," \
        "$(grep -v '^info:' "$OUT" | sort | paste -sd' ')"
    fnp_check_rc 0 "monitor with device_backend=passthrough on the head" fence -o monitor -b passthrough
    # Reading reservations through the block layer needs Linux 6.19: auto
    # must not pick it, and block must say why it cannot work.
    fnp_check_rc 1 "monitor with device_backend=block fails on this kernel" fence -o monitor -b block
    fnp_check "  ... with a message naming the missing kernel support" has "6.19"
    sed 's/^/    /' "$OUT"
    fnp_check_rc 1 "status with device_backend=block: an error (1), not 'not registered'" \
        fence -o status -n 0x2 -b block
    fnp_check_rc 0 "fence_nvme_pr_check: key present (0)" "$CHECK" test

    echo "== this node fences the peer"
    fnp_check_eq "this node writes" 0 "$(rc write "$D1")"
    fnp_check_rc 0 "off of the peer (0x1)" fence -o off -n 0x1
    fnp_check_eq "only this node's key is left" "rtype=5 holders=0x2 keys=0x2" "$(peer peer_state 1)"
    fnp_check_eq "the peer's next write fails with EBADE" 2 "$(peer peer_write 1 >/dev/null; echo $?)"
    fnp_check_rc 0 "fence_nvme_pr_check on this node: still registered (0)" "$CHECK" test

    echo "== the peer fences this node"
    fnp_check_rc 0 "peer on again (rejoins)" peer peer_fence -o on -n 0x1
    fnp_check_rc 0 "peer: off of this node (0x2)" peer peer_fence -o off -n 0x2
    fnp_check_eq "only the peer's key is left" "rtype=5 holders=0x1 keys=0x1" "$(peer peer_state 1)"
    fnp_check_eq "this node's next write fails with EBADE" 2 "$(rc write "$D1")"
    write "$D1"
    fnp_check "  ... 'Invalid exchange'" has "Invalid exchange"
    fnp_check_rc 1 "fence_nvme_pr_check: key gone (1), the watchdog would reboot" "$CHECK" test
    fnp_check_rc 2 "status of this node: not registered (2)" fence -o status -n 0x2
    fnp_check_rc 1 "this fenced node's off of the peer is refused" fence -o off -n 0x1
    fnp_check "  ... saying it has been fenced" has "has been fenced"
    fnp_check_eq "the refusal changed nothing" "rtype=5 holders=0x1 keys=0x1" "$(peer peer_state 1)"
}

resource_agent_tests() {
    echo "== nvme_persist on $D2"
    fnp_check_rc 7 "probe: not running (7)" ra monitor
    # device_backend=block cannot read reservations here. A probe still
    # answers 7: the resource never ran on this node (its state file under
    # /run says so), whatever the devices say. Start must fail, and say why.
    fnp_check_rc 7 "probe with device_backend=block: not running (7), it never ran here" \
        ra monitor device_backend=block
    fnp_check "start with device_backend=block fails" test "$(rc ra start device_backend=block)" != 0
    ra start device_backend=block
    fnp_check "  ... naming the missing kernel support" has "6.19"
    sed 's/^/    /' "$OUT"
    fnp_check_eq "  ... and left nothing behind" "rtype=0 holders= keys=" "$(peer peer_state 2)"
    fnp_check_rc 0 "start: this node takes the reservation" ra start
    fnp_check_eq "write-exclusive held by this node (peer's nvme-cli)" "rtype=1 holders=0x2 keys=0x2" "$(peer peer_state 2)"
    fnp_check_rc 0 "monitor: running (0)" ra monitor CRM_meta_interval=10000
    fnp_check_eq "this node writes" 0 "$(rc write "$D2")"
    fnp_check_eq "the peer cannot write" 2 "$(peer peer_write 2 >/dev/null; echo $?)"
    fnp_check_rc 0 "the peer starts while this node is frozen: takes over" peer peer_ra start
    fnp_check_eq "the peer holds it, this node's key is gone" "rtype=1 holders=0x1 keys=0x1" "$(peer peer_state 2)"
    fnp_check_eq "this node's next write fails with EBADE" 2 "$(rc write "$D2")"
    fnp_check_rc 1 "monitor reports the loss (1)" ra monitor CRM_meta_interval=10000
    fnp_check "  ... naming the new holder" has "0x0000000000000001 holds"
    fnp_check_rc 0 "stop" ra stop
    fnp_check_rc 0 "start again: this node takes over from the peer" ra start
    fnp_check_eq "this node holds it again" "rtype=1 holders=0x2 keys=0x2" "$(peer peer_state 2)"
    fnp_check_rc 1 "the peer's monitor reports the loss (1)" peer peer_ra monitor CRM_meta_interval=10000
    fnp_check_eq "the peer cannot write" 2 "$(peer peer_write 2 >/dev/null; echo $?)"
    fnp_check_eq "this node writes" 0 "$(rc write "$D2")"
    fnp_check_rc 0 "stop" ra stop
    fnp_check_rc 0 "the peer stops" peer peer_ra stop
    fnp_check_eq "nothing registered, no reservation" "rtype=0 holders= keys=" "$(peer peer_state 2)"
}

main() {
    check_kernel
    wait_target
    connect_tcp
    find_heads
    check_devices
    fence_agent_tests
    resource_agent_tests
    fnp_summary
}

main
