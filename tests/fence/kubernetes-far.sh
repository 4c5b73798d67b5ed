#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kubernetes, without a cluster: the agent driven exactly as medik8s Fence
# Agents Remediation (FAR) runs it (examples/kubernetes/), against real kernel
# NVMe reservations. Three nodes register as the DaemonSet does at start
# (action on, their Kubernetes node name, the key map); FAR validates the
# template (--action status --name value, 15 s limit, "STATUS: ON" in
# stdout); node2's writer is stalled (SIGSTOP) as a hung node would be;
# FAR remediates it (--name=value in any order, no --action: FAR adds
# --action=reboot; retries with an interval, each try killed at the
# template's timeout: the first try gets so short a timeout that it is killed
# at some point of its work, the retries must complete the fence). Then the
# stalled writer's next write fails with EBADE, node2's watchdog check
# (fence_nvme_pr_check) fires, node2 registers again after its "reboot", and
# the survivor's writer never stopped writing.
# Usage: kubernetes-far.sh AGENT CHECK (fence_nvme_pr, fence_nvme_pr_check)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/kubernetes-far.sh" 300 "${1:-}" "${2:-}"
AGENT=$1
CHECK=$2

setup_cluster 3 1
DEV=$(devices)
MAP="node1:0x6b38730000000001,node2:0x6b38730000000002,node3:0x6b38730000000003"
OUT=$(mktemp -d)

# The DaemonSet's init container on every node (examples/kubernetes/daemonset.yaml).
for n in 1 2 3; do
    fnp_check_rc 0 "node$n registers as the DaemonSet does" \
        agent "node$n" --action=on "--nodename=node$n" "--key-map=$MAP" "--devices=$DEV"
done
fnp_check_eq "three keys registered" "0x6b38730000000001 0x6b38730000000002 0x6b38730000000003" \
    "$(tr ' ' '\n' <<<"$(keys 1)" | sort | tr '\n' ' ' | sed 's/ $//')"

# FAR runs the agent on its own node: node1 here. The template's shared
# parameters, and the node parameter --plug for the node it is about.
far_params() { printf '%s\n' "--devices=$DEV" "--key-map=$MAP" "--plug=$1"; }

# Template validation (FAR's runFenceStatus): --action status, then each
# parameter as two words, a 15 s limit, one try; passes when stdout holds
# "STATUS: ON" or "STATUS:ON" in any case, or starts with "ON".
# FAR runs a program with a time limit (SIGKILL): here bash entering node1.
far_on() { printf 'source %q; fnp_on "$@"' "$FNP_LIB"; }
FNP_ON_WRAPPER_ARGS=(-c "$(far_on)" _)
far_validate() {
    local node=$1 args=() p rc=0 out
    while read -r p; do args+=("${p%%=*}" "${p#*=}"); done < <(far_params "$node" | shuf)
    out=$(timeout -s KILL 15 bash "${FNP_ON_WRAPPER_ARGS[@]}" node1 "$AGENT" --action status "${args[@]}" \
        2>/dev/null) || rc=$?
    out=${out^^}
    ((rc == 0)) && [[ $out == *"STATUS: ON"* || $out == *"STATUS:ON"* || ${out#"${out%%[![:space:]]*}"} == ON* ]]
}
for n in 1 2 3; do
    fnp_check "FAR's template validation passes for node$n (Status: ON)" far_validate "node$n"
done

# Remediation (FAR's runWithRetry): up to RETRIES tries, INTERVAL apart, each
# killed (SIGKILL) at TIMEOUT; parameters as --name=value in map order
# (random), no --action given: FAR adds --action=reboot. Prints the number of
# tries; 0 if none succeeded.
far_remediate() {
    local node=$1 retries=$2 interval=$3 timeout=$4 try rc
    for ((try = 1; try <= retries; try++)); do
        rc=0
        mapfile -t args < <({ far_params "$node"; echo "--action=reboot"; } | shuf)
        timeout -s KILL "$timeout" bash "${FNP_ON_WRAPPER_ARGS[@]}" node1 "$AGENT" "${args[@]}" \
            >>"$OUT/far.out" 2>>"$OUT/far.err" || rc=$?
        echo "try $try: exit $rc" >>"$OUT/far.tries"
        if ((rc == 0)); then echo "$try"; return 0; fi
        ((try < retries)) && sleep "$interval"
    done
    echo 0
    return 1
}

# The workload: a writer on node2 (to be stalled) and on node3 (the survivor),
# one O_DIRECT write of 4 KiB every 0.2 s, each logged as "START-TIME RC ERROR".
writer() {
    # shellcheck disable=SC2016 # expanded in the node
    on "$1" bash -c 'source "$1"; i=0; echo "$$" >"$4"
        while :; do
            i=$((i + 1)); rc=0; t=$(date +%s.%N)
            err=$(printf "%s-%d" "$2" "$i" | dd of="$3" bs=4096 count=1 seek=$((200 + i % 50)) \
                oflag=direct conv=sync,notrunc status=none 2>&1) || rc=1
            echo "$t $rc $err"
            sleep 0.2
        done' _ "$FNP_LIB" "$1" "$(disk 1)" "$OUT/writer-$1.pid" >"$OUT/writer-$1.log" 2>&1 &
}
# The writer's own process (the loop's bash: nodes share the VM's PIDs).
writer_pid() {
    local i
    for ((i = 0; i < 100; i++)); do [[ -s $OUT/writer-$1.pid ]] && break; sleep 0.1; done
    cat "$OUT/writer-$1.pid"
}
writer node2
writer node3
w2=$(writer_pid node2)
w3=$(writer_pid node3)
sleep 2
fnp_check "node2's writer writes before the stall" grep -q " 0 " "$OUT/writer-node2.log"
kill -STOP "$w2"
stalled_at=$(date +%s.%N)
fnp_check_eq "node2's writer is stalled (SIGSTOP, pid $w2)" T "$(ps -o stat= -p "$w2" | cut -c1)"

# Remediation as FAR does it. First with a template timeout so short that
# the one try is killed wherever it is (under emulation an off takes longer),
# then with FAR's defaults (5 tries, 5 s apart, 60 s each): the retried off
# must complete the fence whatever the killed try did.
start=$(now_ms)
first=$(far_remediate node2 1 0 0.3)
echo "INFO: a remediation with timeout 0.3 s: $( [[ $first == 0 ]] && echo "killed (or failed)" || echo "completed") "
tries=$(far_remediate node2 5 5 60)
took=$(($(now_ms) - start))
fnp_check "FAR's remediation with its defaults succeeds (try $tries)" test "$tries" -ge 1
fnp_timing "stall -> fenced through FAR's invocation: $took ms (both remediations, emulated CPU)"
cat "$OUT/far.tries"
fnp_check "the agent said reboot is carried out as off" grep -q "reboot: carried out as off" "$OUT/far.err"
fnp_check_eq "node2's key is gone" "0x6b38730000000001 0x6b38730000000003" \
    "$(tr ' ' '\n' <<<"$(keys 1)" | sort | tr '\n' ' ' | sed 's/ $//')"
fnp_check "a reservation protects the disk" test "$(rtype 1)" != 0
mapfile -t args < <(far_params node2)
out=$(bash "${FNP_ON_WRAPPER_ARGS[@]}" node3 "$AGENT" --action status "${args[@]}" 2>/dev/null); rc=$?
fnp_check_eq "status of node2 through FAR's arguments: Status: OFF, exit 2" "Status: OFF 2" "$out $rc"

# The stalled node wakes up: every write it starts now fails with EBADE.
fenced_at=$(date +%s.%N)
kill -CONT "$w2"
sleep 1.5
kill "$w2" 2>/dev/null
# Result lines only (the shell's "Terminated" for a killed writer is not one).
results() { awk '$1 ~ /^[0-9]+\.[0-9]+$/' "$OUT/writer-$1.log"; }
after_fence() { results node2 | awk -v t="$fenced_at" '$1 > t'; }
fnp_check "node2's writer wrote again after it woke up" test "$(after_fence | wc -l)" -ge 1
fnp_check "each such write failed: Invalid exchange (EBADE)" \
    bash -c "! grep -v ' 1 .*Invalid exchange' <<<\"\$1\" | grep -q ." _ "$(after_fence)"

# Its watchdog check (the DaemonSet's self-fence container) fires.
fnp_check_rc 1 "node2's fence_nvme_pr_check finds its key gone (1: reboot)" on node2 "$CHECK" test
fnp_check_rc 0 "node3's fence_nvme_pr_check: still registered (0)" on node3 "$CHECK" test

# The survivor never stopped: it wrote before, during and after the fence.
kill "$w3" 2>/dev/null
wait 2>/dev/null
fnp_check "node3's writer never failed" bash -c "! awk '\$2 != 0' <<<\"\$1\" | grep -q ." _ "$(results node3)"
# shellcheck disable=SC2016 # awk's fields
fnp_check "node3 wrote after node2 was stalled" \
    awk -v t="$stalled_at" '$1 > t && $2 == 0 { found = 1 } END { exit !found }' <<<"$(results node3)"
fnp_check_eq "node3 writes after the fence" "0" "$(write_results node3)"

# node2 "reboots" (its /run is new) and the DaemonSet registers it again.
on node2 rm -rf /run/fence_nvme_pr
fnp_check_rc 0 "node2 registers again after its reboot" \
    agent node2 --action=on --nodename=node2 "--key-map=$MAP" "--devices=$DEV"
fnp_check_eq "node2 writes again" "0" "$(write_results node2)"
fnp_check "and passes FAR's template validation again" far_validate node2

rm -rf "$OUT"
fnp_summary
