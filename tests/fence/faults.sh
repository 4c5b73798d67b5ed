#!/bin/bash
# Scenario 7: a namespace disabled and a controller disconnected during an
# action end in a clear failure, naming the device, within power_timeout;
# never a hang, never exit 0.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
fence_enter_vm "$HERE/faults.sh" "${1:-}" 300
AGENT=$1

setup_cluster 3 2
DEV=$(devices)
for n in 1 2 3; do agent "node$n" -q -o on -n "0x$n" -d "$DEV" || fnp_fail "node$n unfences"; done

# The namespace goes away while node1 waits out its delay before fencing:
# disable it as soon as the agent says it is waiting (a fixed sleep is too
# short or too long depending on the machine's load).
start=$(now_ms)
agent node1 -o off -n 0x2 -d "$DEV" --delay=2 --power-timeout=5 >/tmp/off.out 2>&1 &
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
echo "TIMING: failure reported after $took ms"
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
fnp_summary
