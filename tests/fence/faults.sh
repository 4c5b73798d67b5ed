#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 7: a namespace disabled and a controller disconnected during an
# action end in a clear failure, naming the device, within power_timeout;
# never a hang, never exit 0. Then the device list mistakes of docs/safety.md's
# "Safety rules": a character device (a real watchdog, softdog) is refused
# without being opened, and one namespace named twice (by-id style link,
# "//", kernel name) is refused before anything changes.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/faults.sh" 300 "${1:-}"
AGENT=$1

setup_cluster 3 2
DEV=$(devices)
for n in 1 2 3; do agent "node$n" -q -o on -n "0x$n" -d "$DEV" || fnp_fail "node$n unfences"; done

# The namespace goes away while node1 waits out its delay before fencing:
# disable it as soon as the agent says it is waiting (a fixed sleep is too
# short or too long depending on the machine's load). That line is
# informational: on stderr with -v only.
start=$(now_ms)
agent node1 -o off -n 0x2 -d "$DEV" --delay=2 --power-timeout=5 -v >/tmp/off.out 2>&1 &
pid=$!
for ((i = 0; i < 100; i++)); do
    [[ $(</tmp/off.out) == *"waiting delay"* ]] && break
    sleep 0.1
done
"$FNP_NVMET" ns-disable 2 >/dev/null || fnp_fail "ns-disable 2"
wait "$pid"; rc=$?
took=$(($(now_ms) - start))
sed 's/^/  agent: /' /tmp/off.out
fnp_check_eq "off fails when a namespace is disabled (exit 1)" 1 "$rc"
fnp_check "the error names the device" grep -q "/dev/data-disk2" /tmp/off.out
fnp_check "it ended within delay + power_timeout ($took ms)" test "$took" -lt 7500
fnp_timing "failure reported after $took ms"
fnp_check_rc 1 "monitor fails too" agent node1 -o monitor -d "$DEV" --power-timeout=5
"$FNP_NVMET" ns-enable 2 >/dev/null && "$FNP_NODE" refresh >/dev/null || fnp_fail "ns-enable 2"

# node3's controller disconnects: its device path vanishes.
"$FNP_NVMET" disconnect host3 >/dev/null || fnp_fail "disconnect host3"
out=$(agent node3 -o off -n 0x1 -d "$DEV" --power-timeout=5 2>&1); rc=$?
echo "$out" | sed 's/^/  agent: /'
fnp_check_eq "off from a node whose controller is gone fails (exit 1)" 1 "$rc"
fnp_check "the error names the device" grep -q "/dev/data-disk" <<<"$out"
fnp_check_eq "node1 is untouched" 0 "$(write node1 1 60 x; echo $?)"
out=$(agent node3 -o status -n 0x1 -d "$DEV" 2>&1); rc=$?
fnp_check_eq "status from that node fails (exit 1), not 'off'" 1 "$rc"

# A watchdog given as a device (a typo): refused, never opened. Opening
# /dev/watchdog starts the watchdog and closing it without the magic 'V' makes
# the kernel log "watchdog did not stop!" (soft_noboot: no reboot if it did).
if modprobe softdog soft_noboot=1 soft_margin=600 2>/dev/null && [[ -c /dev/watchdog ]]; then
    wd=$(stat -c '%t %T' /dev/watchdog)
    read -r wd_major wd_minor <<<"$wd"
    mknod /run/nodes/node1/dev/watchdog c $((16#$wd_major)) $((16#$wd_minor)) || fnp_fail "mknod watchdog in node1"
    before=$(dmesg | grep -c "did not stop")
    out=$(agent node1 -o monitor -d "/dev/data-disk,/dev/watchdog" 2>&1); rc=$?
    echo "$out" | sed 's/^/  agent: /'
    fnp_check_eq "monitor with /dev/watchdog in devices fails (exit 1)" 1 "$rc"
    fnp_check "it says the watchdog is not a block device and was not opened" \
        grep -q "/dev/watchdog: not a block device (a character device; not opened)" <<<"$out"
    fnp_check_rc 1 "on with /dev/watchdog in devices fails" agent node1 -q -o on -n 0x1 -d "/dev/watchdog"
    fnp_check_eq "the watchdog was never opened (no 'did not stop' in the kernel log)" \
        "$before" "$(dmesg | grep -c "did not stop")"
    rm -f /run/nodes/node1/dev/watchdog
    rmmod softdog 2>/dev/null
else
    fnp_fail "softdog cannot be loaded in the guest"
fi

# One namespace under two names: a by-id style link, the kernel name, "//".
kname=$(fnp_ns_dev host1 1)
keys_before="$(keys 1) / $(keys 2)"
for twin in "$kname" /dev//data-disk; do
    out=$(agent node1 -o on -n 0x1 -d "/dev/data-disk,/dev/data-disk2,$twin" 2>&1); rc=$?
    echo "$out" | sed 's/^/  agent: /'
    fnp_check_eq "on with /dev/data-disk and $twin fails (exit 1)" 1 "$rc"
    fnp_check "the error says they are the same device" grep -q "/dev/data-disk and $twin are the same device" <<<"$out"
done
fnp_check_rc 1 "validate-all refuses the duplicate too" \
    agent_stdin node1 action=validate-all nodename=node1 "devices=/dev/data-disk,$kname"
fnp_check_eq "nothing changed on the devices" "$keys_before" "$(keys 1) / $(keys 2)"
fnp_check_rc 0 "/dev//data-disk alone is fine" agent node1 -o monitor -d /dev//data-disk
fnp_summary
