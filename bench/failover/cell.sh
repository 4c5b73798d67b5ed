#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cell.sh - one cell of the failover comparison (issue 21): one contender,
# one failure, one profile, on a bed of its own VMs.
#
# Usage: cell.sh [--nodes N] [--profile debian|hana] [--out FILE]
#                CONTENDER FAILURE AGENT_DIR
#   CONTENDER  fence_nvme_pr | sbd | fence_scsi
#   FAILURE    crash | freeze | stall | netsplit
#   --check    also judge the cell by fence_nvme_pr's targets (issue 21 §5):
#              exit 1 unless it ran, no late write (log or disk), no healthy
#              node fenced, only the survivor's application still writing
#              at the end and the fence step under 1 s (the CTest label
#              failover runs the stall cell this way)
#   AGENT_DIR  the build's fence_agent/ directory (fence_nvme_pr,
#              fence_nvme_pr_check); nvme_persist is found beside it
#              (../resource_agent/nvme_persist)
#
# The bed (run-vm.sh, software emulation unless KVM works): one storage VM
# (guest/storage.sh: NVMe/TCP with reservations, iSCSI with SCSI PR, and
# the two bridges) and one VM per node (guest/node.sh), each with its own
# kernel, softdog watchdog, Corosync and Pacemaker from this machine's
# Debian packages. Node I's eth0 is its cluster link, eth1 its storage link,
# each a QEMU unix-socket link to the storage VM: nothing leaves the machine.
#
# node1 runs the application (the cluster tests' journal writer: numbered
# records with O_DIRECT, every 250 ms) and fails:
#   crash     its kernel panics (sysrq c): the VM is gone
#   freeze    every process stops (SIGSTOP); thawed once the survivor wrote
#   stall     the hypervisor pauses the whole VM (QEMU stop) until the
#             survivor has taken over and written, then resumes it (cont)
#   netsplit  its cluster link is cut (QEMU set_link), its storage link stays
# Measured (the survivor's clock; the failure's instant converted from this
# host's clock with an offset measured just before): failure -> fence
# confirmed, failure -> the survivor's first record, the fence step in the
# survivor's fencer, late writes (records of node1 that reached the disk
# after the survivor's first record: node1's successful writes with a
# sequence number at or past the survivor's first, from node1's write log
# and from the disk as the storage VM reads it), healthy nodes fenced, the
# stonith history and how node1 ended.
#
# Output: one line "CELL key=value ..." on stdout and in FILE (appended);
# the evidence (logs, alerts, histories) in a directory named in the line.
# Exit: 0 the cell ran (whatever it measured), 1 it failed to run, 77 it
# cannot run here (e.g. no iSCSI target in this kernel): "CELL ... status=not-run".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VM=$TOP/tests/vm
NODES=2 PROFILE=debian OUT='' CHECK=0

# shellcheck source=../../tests/vm/guest/lib.sh
source "$VM/guest/lib.sh"                  # fnp_die, fnp_log (seconds since here)
# shellcheck source=../../tests/cluster/lib/waits.sh
source "$TOP/tests/cluster/lib/waits.sh"   # now_us, poll
FNP_PROG=cell

while (($#)); do
    case $1 in
        --nodes) NODES=${2:?}; shift 2 ;;
        --profile) PROFILE=${2:?}; shift 2 ;;
        --out) OUT=${2:?}; shift 2 ;;
        --check) CHECK=1; shift ;;
        --) shift; break ;;
        -*) fnp_die "unknown option $1" ;;
        *) break ;;
    esac
done
(($# == 3)) || fnp_die "usage: cell.sh [--nodes N] [--profile debian|hana] [--out FILE] CONTENDER FAILURE AGENT_DIR"
CONTENDER=$1 FAILURE=$2 AGENT_DIR=$(cd "$3" 2>/dev/null && pwd) || fnp_die "no directory '$3'"
[[ $CONTENDER == @(fence_nvme_pr|sbd|fence_scsi) ]] || fnp_die "contender must be fence_nvme_pr, sbd or fence_scsi"
[[ $FAILURE == @(crash|freeze|stall|netsplit) ]] || fnp_die "failure must be crash, freeze, stall or netsplit"
[[ $NODES =~ ^[2-8]$ ]] || fnp_die "--nodes wants 2-8"
RA=$(cd "$AGENT_DIR/../resource_agent" 2>/dev/null && pwd)/nvme_persist
[[ -x $AGENT_DIR/fence_nvme_pr && -x $AGENT_DIR/fence_nvme_pr_check && -x $RA ]] ||
    fnp_die "no fence_nvme_pr, fence_nvme_pr_check or nvme_persist under '$3' (build first)"
[[ $EUID == 0 ]] || fnp_die "needs root"

# The two profiles: one flag, the same code.
case $PROFILE in
    # Debian 12's defaults: corosync's token (1000 ms, consensus 1.2 x token:
    # pcs writes neither) is too short for a software-emulated CPU, where a
    # daemon can be off the CPU for seconds; the bed uses the cluster tests'
    # 5000 ms for both profiles (tests/cluster/lib.sh) and says so in the
    # results. sbd: Debian's /etc/default/sbd (watchdog 5 s) and sbd's
    # default msgwait (2 x watchdog = 10 s).
    debian) TOKEN=5000 CONSENSUS=6000 SBD_WATCHDOG=5 SBD_MSGWAIT=10 ;;
    # SAP HANA guides (SUSE, Microsoft): token 5000, consensus 6000, SBD
    # watchdog 15 s, msgwait 30 s.
    hana) TOKEN=5000 CONSENSUS=6000 SBD_WATCHDOG=15 SBD_MSGWAIT=30 ;;
    *) fnp_die "--profile must be debian or hana" ;;
esac
# fence_sbd returns after msgwait; Pacemaker's stonith-timeout must be
# longer (sbd(8): at least 1.2 x msgwait).
STONITH_TIMEOUT=$((SBD_MSGWAIT * 2 + 20))

SHARE=$(mktemp -d /tmp/fnp-failover.XXXXXX) || fnp_die "mktemp failed"
chmod 0755 "$SHARE"
declare -A VM_PID=()
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    local p
    : >"$SHARE/done"
    for p in "${VM_PID[@]}"; do kill "$p" 2>/dev/null; done
    sleep 1
    for p in "${VM_PID[@]}"; do kill -KILL "$p" 2>/dev/null; done
    if [[ -n ${KEEP_DIR:-} ]]; then
        cp -r "$SHARE"/. "$KEEP_DIR"/ 2>/dev/null
    fi
    rm -rf "$SHARE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ------------------------------------------------------------ configuration

write_config() {
    printf 'SBD_WATCHDOG=%q\nSBD_MSGWAIT=%q\n' "$SBD_WATCHDOG" "$SBD_MSGWAIT" >"$SHARE/profile.env"
    mkdir -p "$SHARE/logs" && chmod 0777 "$SHARE/logs"
    export CONTENDER NODES TOKEN CONSENSUS STONITH_TIMEOUT SHARE
    unshare --mount --propagation private -- "$HERE/host-config.sh" "$SHARE" \
        "$AGENT_DIR/fence_nvme_pr" "$RA" >"$SHARE/config.log" 2>&1 || { cat "$SHARE/config.log"; return 1; }
}

# ------------------------------------------------------------ the VMs

# rpc WHO COMMAND...: run COMMAND in VM WHO (storage, node1, ...), which
# defines the functions named there (guest/storage.sh, guest/node.sh).
rpc() {
    local who=$1
    shift
    # shellcheck source=../../tests/compat/guest/rpc.sh
    RPC_COUNTER=$SHARE/$who.counter rpc_call "$SHARE/$who" "$@"
}
source "$TOP/tests/compat/guest/rpc.sh"

start_vms() {
    local i try
    local -a nics=()
    for ((i = 1; i <= NODES; i++)); do
        nics+=(--netdev "stream,server=on,addr.type=unix,addr.path=$SHARE/cl$i.sock" --net-addr none
            --netdev "stream,server=on,addr.type=unix,addr.path=$SHARE/st$i.sock" --net-addr none)
    done
    "$VM/run-vm.sh" --timeout 1800 --smp 1 --mem 768 --append no_timer_check --rw "$SHARE" "${nics[@]}" \
        --log "$SHARE/storage.console" -- "$HERE/guest/storage.sh" "$SHARE" "$NODES" \
        > >(sed -u 's/^/[storage] /' >>"$SHARE/vm.log") 2>&1 &
    VM_PID[storage]=$!
    for ((try = 0; try < 3000; try++)); do
        [[ -e $SHARE/storage-ready || -e $SHARE/storage-failed ]] && break
        kill -0 "${VM_PID[storage]}" 2>/dev/null || break
        sleep 0.2
    done
    [[ -e $SHARE/storage-ready ]] || { tail -n 30 "$SHARE/vm.log"; fnp_die "the storage VM did not come up"; }
    # shellcheck source=/dev/null # written by storage.sh
    source "$SHARE/storage.env"
    if [[ $CONTENDER == fence_scsi && $ISCSI != yes ]]; then
        not_run "the storage VM has no iSCSI target ($ISCSI)"
    fi
    fnp_log "storage VM up (NVMe/TCP; iSCSI: $ISCSI)"
    for ((i = 1; i <= NODES; i++)); do
        "$VM/run-vm.sh" --timeout 1800 --smp 1 --mem 1536 --append no_timer_check --multipath default --rw "$SHARE" \
            --netdev "stream,server=off,addr.type=unix,addr.path=$SHARE/cl$i.sock" --net-addr "10.77.0.$i/24" \
            --netdev "stream,server=off,addr.type=unix,addr.path=$SHARE/st$i.sock" --net-addr "10.88.0.$i/24" \
            --monitor "$SHARE/node$i.mon" --log "$SHARE/node$i.console" \
            -- "$HERE/guest/node.sh" "$SHARE" "$i" "$CONTENDER" "$PROFILE" "$AGENT_DIR" "$RA" \
            > >(sed -u "s/^/[node$i] /" >>"$SHARE/vm.log") 2>&1 &
        VM_PID[node$i]=$!
    done
}

# wait_file FILE SECONDS WHAT [VM]: fails at once when VM (a key of
# VM_PID) stopped or reported a setup failure.
wait_file() {
    local try
    for ((try = 0; try < $2 * 5; try++)); do
        [[ -e $1 ]] && return 0
        if [[ -n ${4:-} ]]; then
            [[ -e $SHARE/$4.failed ]] && fnp_die "$4: $(<"$SHARE/$4.failed")"
            vm_alive "$4" || { tail -n 40 "$SHARE/vm.log"; fnp_die "the $4 VM stopped before $3"; }
        fi
        sleep 0.2
    done
    tail -n 40 "$SHARE/vm.log"
    fnp_die "timed out after $2 s waiting for $3"
}

not_run() {
    result status=not-run "reason=\"$*\""
    exit 77
}

result() {
    local line="CELL contender=$CONTENDER failure=$FAILURE profile=$PROFILE nodes=$NODES $*"
    echo "$line"
    [[ -z $OUT ]] || echo "$line" >>"$OUT"
    ((CHECK)) && judge "$@"
    return 0
}

# judge KEY=VALUE...: --check, fence_nvme_pr's targets (issue 21 §5): PASS
# or FAIL per target; exit 1 on any FAIL.
judge() {
    local -A r=()
    local kv bad=0
    for kv in "$@"; do r[${kv%%=*}]=${kv#*=}; done
    want() {
        if [[ ${r[$1]:-} == "$2" ]]; then echo "PASS: $3 ($1=${r[$1]:-})"
        else echo "FAIL: $3 ($1=${r[$1]:-}, want $2)"; bad=1; fi
    }
    want status ran "the cell ran"
    [[ ${r[status]:-} == ran ]] || exit 1
    want late_writes 0 "no write of the failed node succeeded after the survivor's first record"
    want late_on_disk 0 "no record of the failed node past the survivor's first on the disk"
    want healthy_fenced none "no healthy node fenced"
    want app_on node2 "only the survivor's application writes at the end"
    if [[ ${r[fence_step_ms]:-} =~ ^[0-9]+$ ]] && ((r[fence_step_ms] < 1000)); then
        echo "PASS: the fence step (fencer starts the agent -> done) under 1 s (fence_step_ms=${r[fence_step_ms]})"
    else
        echo "FAIL: the fence step (fencer starts the agent -> done) under 1 s (fence_step_ms=${r[fence_step_ms]:-})"
        bad=1
    fi
    ((bad == 0)) || exit 1
}


# clock_offset WHO: WHO's clock minus this host's, microseconds (midpoint of
# one request's round trip).
clock_offset() {
    local a b g
    now_us; a=$REPLY
    g=$(rpc "$1" node_clock) || return 1
    now_us; b=$REPLY
    REPLY=$((g - (a + b) / 2))
}

# ------------------------------------------------------------ run

# alert_us NODE PATTERN: the survivor's clock (us) of the first alert line
# of NODE matching the glob PATTERN, or fail.
alert_us() {
    local line
    while IFS= read -r line; do
        # shellcheck disable=SC2053 # glob match intended
        if [[ $line == $2 ]]; then
            local t=${line%% *}
            REPLY=${t/./}
            return 0
        fi
    done <"$SHARE/alerts-$1.log"
    return 1
}

# first_fence: the first successful fence any node's alerts report; sets
# FENCED to its target.
# fences_done: every successful fence the nodes' alerts report, in time
# order ("TIME NODE fencing TARGET ...").
fences_done() {
    cat "$SHARE"/alerts-node*.log 2>/dev/null | grep -E ' fencing .*Operation (off|reboot) .*: OK' | sort -n
}

first_fence() {
    local line
    line=$(fences_done | head -n1)
    [[ -n $line ]] || return 1
    read -r _ _ _ FENCED _ <<<"$line"
}

# ok_records NODE: NODE's successful records so far (its write log).
ok_records() { REPLY=$(grep -c ' ok$' "$SHARE/logs/journal-$1.log" 2>/dev/null); REPLY=${REPLY:-0}; }
records_at_least() { ok_records "$1"; ((REPLY >= $2)); }
vm_alive() { kill -0 "${VM_PID[$1]}" 2>/dev/null; }
vm_gone() { ! vm_alive "$1"; }

inflict() {
    case $FAILURE in
        crash) (rpc node1 node_crash >/dev/null 2>&1 &) ;;
        freeze) rpc node1 node_freeze >/dev/null ;;
        stall) "$HERE/qemu-monitor.py" "$SHARE/node1.mon" stop >/dev/null ;;
        netsplit) "$HERE/qemu-monitor.py" "$SHARE/node1.mon" set_link fnpnet0 off >/dev/null ;;
    esac
}

# After the survivor wrote: resume what the failure paused.
release() {
    case $FAILURE in
        freeze) vm_alive node1 && RPC_TIMEOUT=20 rpc node1 node_thaw >/dev/null ;;
        stall) "$HERE/qemu-monitor.py" "$SHARE/node1.mon" cont >/dev/null ;;
    esac
    return 0
}

# fence_step_ms NODE: in NODE's fencer log, from "Requesting that NODE
# perform 'off|reboot' action targeting node1" (the fencer hands the action
# to its device, which runs the agent) to that operation's result ("...
# targeting node1 using DEVICE returned 0"): the fence step itself, agent
# included. "-" when the log does not show both.
fence_step_ms() {
    REPLY=$(awk -v me="$1" '
        function ms(t,  a) { split(t, a, /[:.]/); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
        !start && $0 ~ ("Requesting that " me " perform '"'"'(off|reboot)'"'"' action targeting node1") { start = ms($3); next }
        start && /log_async_result/ && /targeting node1 using .* returned 0/ {
            d = ms($3) - start; if (d < 0) d += 86400000; print d; exit }' "$SHARE/$1-pacemaker.log" 2>/dev/null)
    REPLY=${REPLY:--}
}

# How node1 ended, from its console and its write log.
node1_end() {
    local con=$SHARE/node1.console.live
    cp "$SHARE/vm.log" "$con" 2>/dev/null
    if vm_gone node1; then
        if grep -aq '\[node1\].*sysrq: Trigger a crash' "$con"; then REPLY=crashed
        elif grep -aq '\[node1\].*\(softdog: Initiating\|sysrq: Resetting\|watchdog did not stop\|watchdog.*reboot\)' "$con"; then
            # softdog's reset, or sbd's (sysrq b, SBD_TIMEOUT_ACTION), or
            # watchdog(8)'s reboot after a failed test.
            REPLY=reset-by-watchdog
        elif grep -aq '\[node1\].*Kernel panic' "$con"; then REPLY=panicked
        else REPLY=powered-off; fi
    elif grep -q 'FAILED' "$SHARE/logs/journal-node1.log" 2>/dev/null ||
        grep -aq '\[node1\].*reservation conflict' "$con"; then
        # The writer logs the refusal, unless Pacemaker stopped it first
        # (the resumed node rejoins): then only its kernel said it.
        REPLY=running-writes-refused
    else
        REPLY=running
    fi
}

# healthy_fenced: the nodes other than node1 that were fenced (alerts) or
# are gone (reset by their watchdog), comma-separated, or "none".
healthy_fenced() {
    local i list
    list=$(fences_done | awk '$4 != "node1" { print $4 }')
    for ((i = 2; i <= NODES; i++)); do
        vm_gone "node$i" && list+=$'\n'node$i
    done
    list=$(sort -u <<<"$list" | grep . | paste -sd, -)
    REPLY=${list:-none}
}

# save_logs: every running node copies its logs into the share.
save_logs() {
    local i
    for ((i = 1; i <= NODES; i++)); do
        vm_alive "node$i" && RPC_TIMEOUT=30 rpc "node$i" node_save_logs
    done
}

# app_on: the nodes whose application still writes (more records after 3 s).
app_on() {
    local i before=() list=''
    for ((i = 1; i <= NODES; i++)); do ok_records "node$i"; before[i]=$REPLY; done
    sleep 3
    for ((i = 1; i <= NODES; i++)); do
        ok_records "node$i"
        ((REPLY > before[i])) && list+=${list:+,}node$i
    done
    REPLY=${list:-none}
}

# split_result: the cell's line when node1 was not the node fenced (a
# split's other outcomes): after the rest of the race, every node other
# than node1 that was fenced (alerts) or is gone (reset by its watchdog),
# where the application still runs, and how node1 ended.
split_result() {
    sleep 20
    local healthy app
    healthy_fenced
    healthy=$REPLY
    save_logs
    app_on
    app=$REPLY
    node1_end
    result status=ran fence_ms=- survivor_ms=- fence_step_ms=- survivor_first_seq=- late_writes=- late_on_disk=- \
        healthy_fenced="$healthy" fences_in_history=- node1_end="$REPLY" app_on="$app" \
        evidence="${KEEP_DIR:-none}"
}

main() {
    fnp_log "cell: $CONTENDER / $FAILURE / profile $PROFILE / $NODES nodes"
    write_config || fnp_die "writing the configuration failed"
    start_vms
    local i
    for ((i = 1; i <= NODES; i++)); do
        # One node's Pacemaker at a time: a dozen daemons starting at once
        # on emulated CPUs time each other out.
        : >"$SHARE/node$i.go"
        wait_file "$SHARE/node$i.ready" 900 "node$i's Pacemaker" "node$i"
        fnp_log "node$i: Pacemaker up"
    done
    local all
    all=$(printf 'node%d ' $(seq 1 "$NODES"))
    poll 240 rpc node2 node_online "${all% }" || fnp_die "the nodes did not all come online"
    fnp_log "cluster formed: ${all% }"
    if ! rpc node1 node_cib_patch "$SHARE/fencing.patch" || ! rpc node1 node_cib_patch "$SHARE/service.patch"; then
        fnp_die "pushing the configuration failed"
    fi
    # fence_sbd returns after msgwait: stonith-timeout above it, as
    # `pcs property set stonith-timeout=...` (crm_attribute) sets it.
    if [[ $CONTENDER == sbd ]]; then
        rpc node1 node_property stonith-timeout "${STONITH_TIMEOUT}s" || fnp_die "setting stonith-timeout failed"
    fi
    poll 240 alert_us node1 "* resource node1 app start 0 *" || fnp_die "app did not start on node1"
    poll 60 records_at_least node1 4 || fnp_die "node1 wrote fewer than 4 records in 60 s"
    fnp_log "app runs on node1"

    # ---- the failure
    local off t_fail t_fence t_app
    clock_offset node2 || fnp_die "no clock from node2"
    off=$REPLY
    now_us
    t_fail=$((REPLY + off))
    inflict || fnp_die "could not inflict the failure '$FAILURE'"
    fnp_log "failure inflicted: $FAILURE"
    # A split is a race (pcmk_delay_max=0 for every contender): node1 may
    # fence node2 first, or both may fall (SBD's poison pills cross, and
    # neither fencer lives to confirm its fence).
    local limit=300
    [[ $FAILURE == netsplit ]] && limit=$((STONITH_TIMEOUT + 90))
    if ! poll "$limit" first_fence; then
        [[ $FAILURE == netsplit ]] || fnp_die "no successful fence within $limit s of the failure"
        fnp_log "no fence confirmed within $limit s of the split"
        split_result
        return 0
    fi
    if [[ $FENCED != node1 ]]; then
        fnp_log "$FENCED was fenced first, not node1"
        split_result
        return 0
    fi
    alert_us node2 "* fencing node1 *Operation off of node1 by *: OK*" ||
        alert_us node2 "* fencing node1 *Operation reboot of node1 by *: OK*" || fnp_die "node2 did not see node1's fence"
    t_fence=$REPLY
    if ! poll 300 alert_us node2 "* resource node2 app start 0 *"; then
        # Both sides of a split fenced (node2 reset by its own watchdog).
        [[ $FAILURE == netsplit ]] || fnp_die "app did not start on node2"
        split_result
        return 0
    fi
    poll 60 records_at_least node2 1 || fnp_die "node2 wrote no record"
    t_app=$(awk '$3 == "ok" { printf "%s000\n", $1; exit }' "$SHARE/logs/journal-node2.log")
    fnp_log "fence confirmed after $(((t_fence - t_fail) / 1000)) ms, node2's first record after $(((t_app - t_fail) / 1000)) ms"
    poll 60 records_at_least node2 4
    release
    # The window for late writes: the resumed node's next writes.
    sleep 15
    fnp_log "window for late writes over"

    # ---- what happened
    local first late_log late_disk healthy history
    first=$(awk '$3 == "ok" { print $2; exit }' "$SHARE/logs/journal-node2.log")
    late_log=$(awk -v s="$first" '$3 == "ok" && $2 >= s { n++ } END { print n + 0 }' "$SHARE/logs/journal-node1.log" 2>/dev/null)
    if [[ $CONTENDER == fence_scsi ]]; then
        rpc storage storage_journal_iscsi >"$SHARE/disk-journal.txt"
    else
        rpc storage storage_journal_nvme >"$SHARE/disk-journal.txt"
    fi
    late_disk=$(awk -v s="$first" '$2 == "node1" && $1 >= s { n++ } END { print n + 0 }' "$SHARE/disk-journal.txt")
    healthy_fenced
    healthy=$REPLY
    vm_alive node2 && rpc node2 node_history >"$SHARE/stonith-history.txt" 2>&1
    save_logs
    history=$(grep -c 'successful' "$SHARE/stonith-history.txt" 2>/dev/null)
    vm_alive node2 && rpc node2 node_pcmk_log 'pacemaker-fenced.*(Requesting|Operation|returned|using)' \
        >"$SHARE/node2-fencer.log" 2>&1
    app_on
    local app=$REPLY
    node1_end
    local end=$REPLY step
    fence_step_ms node2
    step=$REPLY
    REPLY=$end
    result status=ran fence_ms=$(((t_fence - t_fail) / 1000)) survivor_ms=$(((t_app - t_fail) / 1000)) \
        fence_step_ms="$step" \
        survivor_first_seq="$first" late_writes="$late_log" late_on_disk="$late_disk" \
        healthy_fenced="$healthy" fences_in_history="${history:-0}" node1_end="$REPLY" app_on="$app" \
        evidence="${KEEP_DIR:-none}"
}

if [[ -n $OUT ]]; then
    KEEP_DIR=$(dirname "$OUT")/evidence/$PROFILE-$CONTENDER-$FAILURE
    rm -rf "$KEEP_DIR" && mkdir -p "$KEEP_DIR"
fi
main
