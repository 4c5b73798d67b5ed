#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - helpers for tests running inside the VM. Source it:
#   source "$FNP_VM_DIR/guest/lib.sh"
#
# Block I/O (O_DIRECT, one 4 KiB block, so a reservation conflict shows up
# at once instead of at writeback):
#   fnp_write_block DEV [LBA [TEXT]]  write TEXT (zero-padded) at 4 KiB block
#                                     LBA (default 0)
#   fnp_read_block DEV [LBA]          print the block's text (NULs dropped)
#   fnp_multipath_heads NQN           "NSID /dev/nvmeXnY" per multipath head
#                                     of subsystem NQN there now (native
#                                     multipath: a node connected over TCP)
#   Both return 0 on success, 2 on a reservation conflict (EBADE, "Invalid
#   exchange"), 1 on any other error, and say which on stderr.
#   fnp_journal_read DEV [FIRST_LBA [BLOCKS]]
#                                     the cluster tests' journal records
#                                     (tests/cluster/guest/journal) on DEV
#                                     from 4 KiB block FIRST_LBA (default 1),
#                                     as "SEQ NODE EPOCH_MS" lines in disk
#                                     order, up to the first gap (O_DIRECT
#                                     when DEV is a block device)
#
# Reservation state (nvme-cli "resv-report --eds -o json", in the installed
# nvme-cli's spelling: fnp_nvme_resv; nvmet only
# supports the extended format, see facts sheet D8):
#   fnp_resv_report DEV    the JSON
#   fnp_resv_parse DEV     set FNP_REPORT_GEN, FNP_REPORT_RTYPE and arrays
#                          FNP_REPORT_KEYS ("0x%x") / FNP_REPORT_RCSTS
#   fnp_resv_keys DEV      registered keys, "0x%x", one per line, sorted
#   fnp_resv_holders DEV   keys of the reservation holders (RCSTS bit 0)
#   fnp_resv_rtype DEV     reservation type, 0 = none
#   fnp_resv_gen DEV       generation
#   fnp_has_key DEV KEY    true if KEY (any base) is registered
#   fnp_key_hex KEY        KEY (decimal or 0x..., 64 bits) as 0x%x
#
# Nodes: fnp_on nodeI CMD...  like "node.sh exec nodeI CMD...", one process
# fewer (nsenter only).
#   fnp_ns_dev HOST K      HOST's device for namespace K, like
#                          "nvmet-target.sh dev HOST K" (the same map file),
#                          without starting a process
#   fnp_derived_key CLUSTER NODEID
#                          the key the agents derive from Corosync without a
#                          key map: 32-bit FNV-1a of the cluster name, then
#                          the nodeid, as 0x%x
#
# Test bookkeeping (PASS/FAIL/TIMING/SUMMARY lines on stdout, which the tests'
# logs and readers rely on: keep their form):
#   fnp_pass MSG, fnp_fail MSG     "PASS: MSG [+12.3s]", "FAIL: ..."
#   fnp_check MSG CMD...           PASS if CMD succeeds, FAIL otherwise
#   fnp_check_rc RC MSG CMD...     PASS if CMD exits with RC
#   fnp_check_eq MSG WANT GOT      PASS if the strings are equal
#   fnp_timing MSG                 "TIMING: MSG"
#   fnp_summary                    print totals; returns 1 if anything failed
#   fnp_elapsed                    seconds since lib.sh was sourced
#   fnp_log MSG                    "[  12.3s] MSG": a scenario's progress line
#
# Messages of the test bed's tools (stderr, named by FNP_PROG, default the
# script's file name; the one die of the test bed):
#   fnp_note MSG           "PROG: MSG"
#   fnp_die MSG            "PROG: ERROR: MSG", exit FNP_DIE_STATUS (default 1;
#                          125 for a test that could not run at all)
#   fnp_usage_error MSG    "PROG: MSG (see --help)", exit 2
#   fnp_usage              the script's header comment (line 2 up to its
#                          "set -euo" line), for --help
#
# Paths: FNP_VM_DIR (set by run-vm.sh), FNP_NVMET=nvmet-target.sh,
# FNP_NODE=node.sh, FNP_LIB=this file.
#
# Run as a command, it calls one function, e.g. inside a node:
#   node.sh exec node2 "$FNP_LIB" fnp_write_block /dev/data-disk

FNP_VM_DIR=${FNP_VM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck disable=SC2034 # for the scripts that source this file
FNP_NVMET=$FNP_VM_DIR/guest/nvmet-target.sh
# shellcheck disable=SC2034
FNP_NODE=$FNP_VM_DIR/guest/node.sh
# shellcheck disable=SC2034
FNP_LIB=$FNP_VM_DIR/guest/lib.sh
FNP_PASSED=0
FNP_FAILED=0
FNP_T0=${EPOCHREALTIME/[.,]/}

# Every process start costs ~50 ms in the emulated guest, so these helpers
# use bash builtins wherever they can.

# Classify a failed dd from its stderr $3: 2 = reservation conflict, else 1.
_fnp_dd_verdict() {
    local what=$1 dev=$2 err=$3
    if [[ $err == *"Invalid exchange"* ]]; then
        echo "fnp: $what $dev: reservation conflict (EBADE, Invalid exchange)" >&2
        return 2
    fi
    echo "fnp: $what $dev: error: ${err//$'\n'/ }" >&2
    return 1
}

fnp_write_block() {
    local dev=$1 lba=${2:-0} text=${3:-fnp-test-block} err
    # conv=sync pads the short read of TEXT with NULs to the 4 KiB block.
    if err=$(printf '%s' "$text" |
        dd of="$dev" bs=4096 count=1 seek="$lba" oflag=direct conv=sync,notrunc status=none 2>&1); then
        echo "fnp: write $dev: ok" >&2
        return 0
    fi
    _fnp_dd_verdict write "$dev" "$err"
}

fnp_read_block() {
    local dev=$1 lba=${2:-0} err data=''
    local tmp=${TMPDIR:-/tmp}/.fnp-block.$$
    if ! err=$(dd if="$dev" of="$tmp" bs=4096 count=1 skip="$lba" iflag=direct status=none 2>&1); then
        _fnp_dd_verdict read "$dev" "$err"
        return
    fi
    echo "fnp: read $dev: ok" >&2
    # The text ends at the first NUL of the padding.
    IFS= read -r -d '' data <"$tmp" || true
    printf '%s\n' "$data"
}

# Run a command in node $1 (see node.sh) without starting node.sh itself.
fnp_on() {
    local node=$1 wd=$PWD
    shift
    [[ -e /run/nodes/$node/mnt ]] || { echo "fnp: no node $node (node.sh setup first)" >&2; return 1; }
    [[ $wd == /run || $wd == /run/* || $wd == /dev/* ]] && wd=/
    NODE_NAME=$node nsenter --mount="/run/nodes/$node/mnt" --uts="/run/nodes/$node/uts" --wd="$wd" -- "$@"
}

# fnp_nvme_resv report|register|acquire|release ARGS...: nvme-cli 3 spells
# these "nvme resv report" (the old names only behind a build option), 2.x
# (Debian 12 and 13) "nvme resv-report". 2.x prints "Usage: nvme
# resv-report ..." for --help, 3.x without the old names does not. Found once
# per guest (cached in FNP_NVME_RESV_CACHE: each nvme process costs ~50 ms
# here); FNP_NVME_RESV=old|new skips the probe. Arguments go to nvme as they
# are. No timeout process per call: the VM run is bounded as a whole.
fnp_nvme_resv() {
    local sub=$1 cache=${FNP_NVME_RESV_CACHE:-/tmp/.fnp-nvme-resv-spelling}
    shift
    if [[ ${FNP_NVME_RESV:-} != old && ${FNP_NVME_RESV:-} != new ]]; then
        [[ -r $cache ]] && FNP_NVME_RESV=$(<"$cache")
        if [[ ${FNP_NVME_RESV:-} != old && ${FNP_NVME_RESV:-} != new ]]; then
            FNP_NVME_RESV=new
            [[ $(timeout 10 nvme resv-report --help 2>&1) == *"Usage: nvme resv-report"* ]] && FNP_NVME_RESV=old
            { echo "$FNP_NVME_RESV" >"$cache"; } 2>/dev/null
        fi
    fi
    if [[ $FNP_NVME_RESV == old ]]; then nvme "resv-$sub" "$@"; else nvme resv "$sub" "$@"; fi
}

fnp_resv_report() {
    fnp_nvme_resv report "$1" --eds -o json
}

# Set REPLY to key $1 (decimal or 0x hex, up to 64 bits) as 0x%x. Bash
# arithmetic wraps at 2^64, which gives the right bit pattern >= 2^63.
_fnp_key_hex() {
    local k=${1,,} v=0 i
    if [[ $k == 0x* ]]; then
        k=${k#0x}
        [[ $k =~ ^[0-9a-f]{1,16}$ ]] || { echo "fnp: bad key $1" >&2; return 1; }
        v=$((16#$k))
    else
        [[ $k =~ ^[0-9]+$ ]] || { echo "fnp: bad key $1" >&2; return 1; }
        for ((i = 0; i < ${#k}; i++)); do v=$((v * 10 + ${k:i:1})); done
    fi
    printf -v REPLY '0x%x' "$v"
}

fnp_key_hex() { _fnp_key_hex "$1" && printf '%s\n' "$REPLY"; }

# Set FNP_REPORT_{GEN,RTYPE} and the arrays FNP_REPORT_KEYS /
# FNP_REPORT_RCSTS (one entry per registrant) from the report of $1.
fnp_resv_parse() {
    local json entry num='"?(0x[0-9a-fA-F]+|[0-9]+)"?'
    json=$(fnp_resv_report "$1") || return 1
    json=${json//[$' \t\n']/}
    FNP_REPORT_GEN='' FNP_REPORT_RTYPE='' FNP_REPORT_KEYS=() FNP_REPORT_RCSTS=()
    [[ $json =~ \"gen\":$num ]] && FNP_REPORT_GEN=${BASH_REMATCH[1]}
    [[ $json =~ \"rtype\":$num ]] && FNP_REPORT_RTYPE=${BASH_REMATCH[1]}
    [[ $json == *'"regctlext":['* ]] || return 0
    json=${json#*'"regctlext":['}
    while [[ $json == *'}'* ]]; do
        entry=${json%%'}'*}
        json=${json#*'}'}
        [[ $entry =~ \"rkey\":$num ]] || continue
        _fnp_key_hex "${BASH_REMATCH[1]}" || return 1
        FNP_REPORT_KEYS+=("$REPLY")
        if [[ $entry =~ \"rcsts\":$num ]]; then
            FNP_REPORT_RCSTS+=("$((BASH_REMATCH[1]))")
        else
            FNP_REPORT_RCSTS+=(0)
        fi
    done
}

# Print the keys selected by $1 (all | holders), in numeric order, unique.
_fnp_print_keys() {
    local i k
    local -A seen=()
    for i in "${!FNP_REPORT_KEYS[@]}"; do
        [[ $1 == all ]] || ((FNP_REPORT_RCSTS[i] & 1)) || continue
        # Zero-padded to 16 digits, text order is numeric order.
        printf -v k '%016x' "$((16#${FNP_REPORT_KEYS[i]#0x}))"
        seen[$k]=1
    done
    ((${#seen[@]})) || return 0
    printf '%s\n' "${!seen[@]}" | sort | while read -r k; do printf '0x%x\n' "$((16#$k))"; done
}

fnp_resv_keys() { fnp_resv_parse "$1" && _fnp_print_keys all; }

# fnp_resv_summary DEV: "rtype=R holders=K1,.. keys=K1,.." from one report,
# keys as 0x%x in numeric order: one line a test compares with what it wants.
fnp_multipath_heads() {
    local s d name
    for s in /sys/class/nvme-subsystem/nvme-subsys*; do
        [[ -r $s/subsysnqn && $(<"$s/subsysnqn") == "$1" ]] || continue
        for d in "$s"/nvme*n*; do
            name=${d##*/}
            [[ $name =~ ^nvme[0-9]+n[0-9]+$ && -b /dev/$name ]] || continue
            printf '%s /dev/%s\n' "$(<"$d/nsid")" "$name"
        done
    done
}

fnp_resv_summary() {
    fnp_resv_parse "$1" || return 1
    echo "rtype=$FNP_REPORT_RTYPE holders=$(_fnp_print_keys holders | paste -sd,) keys=$(_fnp_print_keys all | paste -sd,)"
}
fnp_resv_holders() { fnp_resv_parse "$1" && _fnp_print_keys holders; }
fnp_resv_rtype() { fnp_resv_parse "$1" && printf '%s\n' "$FNP_REPORT_RTYPE"; }
fnp_resv_gen() { fnp_resv_parse "$1" && printf '%s\n' "$FNP_REPORT_GEN"; }

fnp_ns_dev() {
    local host ns dev
    while read -r host ns dev; do
        if [[ $host == "$1" && $ns == "$2" ]]; then printf '%s\n' "$dev"; return 0; fi
    done <"${NVMET_STATE:-/run/nvmet}/map"
    echo "fnp: no device for $1 namespace $2" >&2
    return 1
}

fnp_derived_key() {
    local name=$1 h=2166136261 i c
    for ((i = 0; i < ${#name}; i++)); do
        printf -v c '%d' "'${name:i:1}"
        h=$((((h ^ c) * 16777619) & 0xffffffff))
    done
    printf '0x%x\n' $(((h << 32) | $2))
}

fnp_has_key() {
    local want k
    _fnp_key_hex "$2" || return 1
    want=$REPLY
    fnp_resv_parse "$1" || return 1
    for k in "${FNP_REPORT_KEYS[@]}"; do [[ $k == "$want" ]] && return 0; done
    return 1
}

fnp_journal_read() {
    local dev=$1 off seq node ms n=0
    local -a direct=()
    [[ -b $dev ]] && direct=(iflag=direct)
    while IFS=': ' read -r off _ seq node ms; do
        ((off == n * 4096 && seq == n)) || break
        printf '%s %s %s\n' "$seq" "$node" "$ms"
        n=$((n + 1))
    done < <(dd if="$dev" bs=4096 skip="${2:-1}" count="${3:-2048}" "${direct[@]}" status=none |
        grep -abo 'JRNL [0-9]* [^ ]* [0-9]*')
}

# Seconds since lib.sh was sourced, e.g. "12.3".
fnp_elapsed() {
    local us=$((${EPOCHREALTIME/[.,]/} - FNP_T0))
    printf '%d.%d\n' $((us / 1000000)) $((us / 100000 % 10))
}

fnp_pass() { FNP_PASSED=$((FNP_PASSED + 1)); echo "PASS: $* [+$(fnp_elapsed)s]"; }
fnp_fail() { FNP_FAILED=$((FNP_FAILED + 1)); echo "FAIL: $* [+$(fnp_elapsed)s]"; }

fnp_check() {
    local msg=$1
    shift
    if "$@"; then fnp_pass "$msg"; else fnp_fail "$msg (command: $*)"; fi
}

fnp_check_rc() {
    local want=$1 msg=$2 rc=0
    shift 2
    "$@" || rc=$?
    if ((rc == want)); then fnp_pass "$msg"; else fnp_fail "$msg (exit $rc, want $want; command: $*)"; fi
}

fnp_check_eq() {
    if [[ $2 == "$3" ]]; then fnp_pass "$1"; else fnp_fail "$1 (want '$2', got '$3')"; fi
}

fnp_timing() { echo "TIMING: $*"; }

fnp_summary() {
    echo "SUMMARY: $FNP_PASSED passed, $FNP_FAILED failed"
    ((FNP_FAILED == 0))
}

fnp_log() { printf '[%6ss] %s\n' "$(fnp_elapsed)" "$*"; }

fnp_note() { printf '%s: %s\n' "${FNP_PROG:-${0##*/}}" "$*" >&2; }
fnp_die() {
    printf '%s: ERROR: %s\n' "${FNP_PROG:-${0##*/}}" "$*" >&2
    exit "${FNP_DIE_STATUS:-1}"
}
fnp_usage_error() { printf '%s: %s (see --help)\n' "${FNP_PROG:-${0##*/}}" "$*" >&2; exit 2; }
fnp_usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# Executed rather than sourced: run the named fnp_* function.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -uo pipefail
    if [[ ${1:-} != fnp_* || $(type -t "$1") != function ]]; then
        echo "usage: lib.sh fnp_FUNCTION [ARGS...]" >&2
        exit 2
    fi
    "$@"
fi
