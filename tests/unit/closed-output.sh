#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The agents survive a reader that went away: with stdout and stderr a pipe
# whose reader has exited, each exits with its own status, not killed by
# SIGPIPE (status 141). Usage: closed-output.sh FENCE_AGENT CHECK RESOURCE_AGENT
set -uo pipefail
fence=$1 check=$2 persist=$3
failed=0
rc_file=$(mktemp)
trap 'rm -f "$rc_file"' EXIT

# expect STATUS COMMAND...: runs COMMAND once the pipe's reader is gone.
expect() {
    local want=$1; shift
    # `true` exits at once; half a second later nobody reads the pipe.
    { sleep 0.5; "$@" 2>&1; echo $? >"$rc_file"; } | true
    local got; got=$(<"$rc_file")
    if [[ $got == "$want" ]]; then
        echo "ok: $* -> $got"
    else
        echo "FAIL: $* exited $got with a closed output, expected $want"; failed=1
    fi
}

expect 0 "$fence" --help
expect 1 "$fence" --action=no-such-action
expect 2 "$check" no-such-argument
expect 0 "$persist" meta-data
expect 3 "$persist" no-such-action
exit $failed
