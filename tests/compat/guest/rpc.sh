#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# rpc.sh - (guest only) two VMs of tests/compat talk through files in a
# directory both mount from the host (run-vm.sh --rw SHARE). Source it.
#
#   rpc_serve SHARE      (target VM) run each request SHARE/req.N, N = 1, 2,
#                        ..., in order, in a subshell of the caller (so the
#                        caller's functions are there), until SHARE/done
#                        exists; output to SHARE/out.N, exit status to
#                        SHARE/rc.N
#   rpc_call SHARE WORDS...  (node VM) send WORDS as one command, wait for
#                        it (at most RPC_TIMEOUT s, default 120), print its
#                        output and return its exit status; 124 on timeout
#
# Every file is written under a temporary name and renamed, so the other
# side never reads half a file. The share is mounted without caching (9p
# cache=none), so each side sees the other's files at once.

# The number of the last request, in a file: callers use $(rpc_call ...),
# whose subshell would lose a counter kept in a variable.
RPC_COUNTER=${TMPDIR:-/tmp}/rpc.counter

# Sleep without starting a process (each start costs ~50 ms under emulation).
_rpc_nap() {
    [[ -n ${_RPC_FD:-} ]] || exec {_RPC_FD}<> <(:)
    read -r -t "$1" -u "$_RPC_FD" _ || true
}

rpc_serve() {
    local share=$1 n=1
    while [[ ! -e $share/done ]]; do
        if [[ -e $share/req.$n ]]; then
            # shellcheck source=/dev/null # the request
            (source "$share/req.$n") >"$share/out.$n" 2>&1 </dev/null
            echo $? >"$share/rc.$n.tmp"
            mv "$share/rc.$n.tmp" "$share/rc.$n"
            n=$((n + 1))
        else
            _rpc_nap 0.05
        fi
    done
}

rpc_call() {
    local share=$1 waited=0 limit=$((${RPC_TIMEOUT:-120} * 20)) rc RPC_N=0
    shift
    [[ ! -e $RPC_COUNTER ]] || read -r RPC_N <"$RPC_COUNTER"
    RPC_N=$((RPC_N + 1))
    echo "$RPC_N" >"$RPC_COUNTER"
    printf '%q ' "$@" >"$share/req.$RPC_N.tmp"
    echo >>"$share/req.$RPC_N.tmp"
    mv "$share/req.$RPC_N.tmp" "$share/req.$RPC_N"
    while [[ ! -e $share/rc.$RPC_N ]]; do
        if ((waited++ >= limit)); then
            echo "rpc: no answer to '$*' within ${RPC_TIMEOUT:-120} s" >&2
            return 124
        fi
        _rpc_nap 0.05
    done
    rc=$(<"$share/rc.$RPC_N")
    [[ ! -s $share/out.$RPC_N ]] || cat "$share/out.$RPC_N"
    return "$rc"
}
