#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 4: two nodes fence each other at the same instant, 20 rounds, on
# three namespaces. Each round exactly one wins, the loser cannot write
# anywhere, the winner writes everywhere: nobody is fenced by a node that had
# already been fenced, and the devices never end up split between them.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/race.sh" 400 "${1:-}"
AGENT=$1

setup_cluster 2 3
DEV=$(devices)
rounds=20 clean=0
# Both fencers of a round start together: each blocks opening the same FIFO
# until it is opened for writing; one write releases both (one reads it, one
# EOF). The FIFO is empty again after every round.
fifo=/tmp/race.fifo
mkfifo "$fifo" /tmp/race.pause || { echo "FAIL: mkfifo"; exit 1; }
# Nobody writes to race.pause: "read -t" on it is a sleep without a process.
for ((round = 1; round <= rounds; round++)); do
    agent node1 -q -o on -n 0x1 -d "$DEV" & p1=$!
    agent node2 -q -o on -n 0x2 -d "$DEV" || fnp_fail "round $round: node2 unfences"
    wait "$p1" || fnp_fail "round $round: node1 unfences"
    (read -r _ <"$fifo"; agent node1 -q -o off -n 0x2 -d "$DEV"; echo $? >/tmp/rc1) &
    (read -r _ <"$fifo"; agent node2 -q -o off -n 0x1 -d "$DEV"; echo $? >/tmp/rc2) &
    read -r -t 0.3 _ <>/tmp/race.pause
    echo go >"$fifo"
    wait
    rc1=$(</tmp/rc1) rc2=$(</tmp/rc2)
    if [[ $rc1 == 0 && $rc2 != 0 ]]; then winner=1 loser=2
    elif [[ $rc2 == 0 && $rc1 != 0 ]]; then winner=2 loser=1
    else fnp_fail "round $round: exit codes $rc1 and $rc2, want exactly one 0"; continue; fi
    # Winner and loser write at the same time (each in its own node).
    write_results "node$loser" >/tmp/loser & write_results "node$winner" >/tmp/winner; wait
    w=$(</tmp/winner) l=$(</tmp/loser)
    if [[ $w == "$(all_of 0 3)" && $l == "$(all_of 2 3)" ]]; then
        clean=$((clean + 1))
        echo "round $round: node$winner won; node$loser cannot write ($l)"
    else
        fnp_fail "round $round: winner node$winner writes '$w' (want all 0), loser node$loser '$l' (want all 2)"
    fi
    on "node$loser" rm -rf /run/fence_nvme_pr
done
fnp_check_eq "every round had exactly one winner and a clean cut" "$rounds" "$clean"
fnp_summary
