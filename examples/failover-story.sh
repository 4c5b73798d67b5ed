#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The classic failover, told with real NVMe reservations in the VM test bed:
# node1 holds the shared disk and writes; node1 freezes; node2 fences it with
# fence_nvme_pr and takes over; node1 wakes up and its next write fails with
# "Invalid exchange". Prints a timeline and a one-line verdict; exits 0 only
# if every step happened as it must.
# Usage: failover-story.sh AGENT   (on the host: boots the VM and runs itself there)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT=${1:?usage: failover-story.sh AGENT}
if [[ ${FNP_VM:-} != 1 ]]; then
    echo "Booting the test bed VM (a current Linux kernel with its NVMe target, under QEMU)..."
    exec "$HERE/../tests/vm/run-vm.sh" --timeout 300 -- "$HERE/failover-story.sh" "$AGENT"
fi
source "$HERE/../tests/vm/guest/lib.sh"

T0=$(date +%s%N)
say() { printf '[%6.2fs] %-6s %s\n' "$(( ($(date +%s%N) - T0) / 1000000 ))e-3" "$1" "$2"; }
on() { "$FNP_NODE" exec "$@"; }
verdict_fail() { say demo "VERDICT: FAILED - $*"; exit 1; }

"$FNP_NVMET" setup --hosts 2 --namespaces 1 --size-mb 16 >/dev/null && "$FNP_NODE" setup >/dev/null ||
    verdict_fail "could not build the shared disk"
say setup "one NVMe namespace with reservations, shared by node1 and node2 (/dev/data-disk in each)"

for n in 1 2; do
    printf 'action=on\nnodename=node%s\nport=0x%s\ndevices=/dev/data-disk\n' "$n" "$n" |
        on "node$n" "$AGENT" >/dev/null 2>&1 || verdict_fail "node$n could not unfence"
    say "node$n" "joined: fence_nvme_pr action=on registered key 0x$n"
done
say disk "keys: $(fnp_resv_keys "$("$FNP_NVMET" dev host1 1)" | paste -sd' '), reservation type $(fnp_resv_rtype "$("$FNP_NVMET" dev host1 1)") (write exclusive, all registrants)"

# node1's application: one O_DIRECT block write every 200 ms, numbered.
on node1 bash -c '
    source "$1"; i=0; echo "$BASHPID" >/tmp/node1-app.pid
    while fnp_write_block /dev/data-disk "$i" "node1 write #$i" 2>/dev/null; do
        echo "$i" >/tmp/node1-last; i=$((i + 1)); sleep 0.2
    done
    err=$(dd if=/dev/zero of=/dev/data-disk bs=4096 count=1 seek="$i" oflag=direct 2>&1)
    echo "$i ${err##*: }" >/tmp/node1-failed' _ "$FNP_LIB" &
app=$!
sleep 2
say node1 "application running, writing block after block (last: #$(cat /tmp/node1-last 2>/dev/null))"

# The hang: freeze node1's application and everything it started, parent
# first so it cannot start anything new, as an administrator simulating one would.
signal_tree() {
    local sig=$1 pid=$2 child
    [[ $sig == STOP ]] && kill -STOP "$pid" 2>/dev/null
    for child in $(pgrep -P "$pid"); do signal_tree "$sig" "$child"; done
    [[ $sig == CONT ]] && kill -CONT "$pid" 2>/dev/null
    return 0
}
app_pid=$(cat /tmp/node1-app.pid)
signal_tree STOP "$app_pid"
say node1 "FROZEN (SIGSTOP of its application) after write #$(cat /tmp/node1-last)"

start=$(date +%s%N)
out=$(printf 'action=off\nnodename=node1\nport=0x1\ndevices=/dev/data-disk\n' | on node2 "$AGENT" 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
say node2 "fence_nvme_pr action=off port=0x1: exit $rc, $ms ms wall time (agent's own: ${out##* in })"
((rc == 0)) || verdict_fail "the fence failed: $out"
say disk "keys now: $(fnp_resv_keys "$("$FNP_NVMET" dev host1 1)" | paste -sd' ')"

on node2 "$FNP_LIB" fnp_write_block /dev/data-disk 1000 "node2 took over" 2>/dev/null ||
    verdict_fail "node2 could not write after fencing"
say node2 "took over: its write succeeded"

signal_tree CONT "$app_pid"
say node1 "thawed (SIGCONT)"
wait "$app" 2>/dev/null
read -r failed_at reason </tmp/node1-failed 2>/dev/null || verdict_fail "node1's application did not stop"
say node1 "write #$failed_at failed: $reason"
[[ $reason == *"Invalid exchange"* ]] || verdict_fail "node1's write failed for another reason: $reason"

# What is on the disk: node1's writes up to the freeze, none after; node2's.
landed=$(on node2 "$FNP_LIB" fnp_read_block /dev/data-disk "$failed_at" 2>/dev/null)
[[ $landed != "node1 write #$failed_at" ]] || verdict_fail "node1's write #$failed_at landed after the fence"
[[ $(on node2 "$FNP_LIB" fnp_read_block /dev/data-disk 1000 2>/dev/null) == "node2 took over" ]] ||
    verdict_fail "node2's data is not intact"
say disk "node1's blocks end at #$((failed_at - 1)); nothing of node1 landed after the fence; node2's data intact"
say demo "VERDICT: PASSED - node1 was cut off the shared disk in $ms ms and could not write again"
