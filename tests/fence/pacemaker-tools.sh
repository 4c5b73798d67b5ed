#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 9: the real Pacemaker tools accept the agent against a real
# device: stonith_admin runs validate-all, which passes with an NVMe device
# and fails, naming it, on a missing one or on a bad reservation_type.
# Everything that needs no device (stonith_admin --list-installed/--metadata,
# pcs stonith describe/create, option checks) runs on the host: pcs.sh.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/pacemaker-tools.sh" 240 "${1:-}"
AGENT=$1

setup_cluster 1 1
# The guest's root is a throw-away overlay: install where Pacemaker looks.
install -m 0755 "$AGENT" /usr/sbin/fence_nvme_pr || { echo "FAIL: install"; exit 1; }

fnp_check_rc 0 "stonith_admin --validate passes with a real device" \
    on node1 stonith_admin --validate -a fence_nvme_pr -o devices=/dev/data-disk
out=$(on node1 stonith_admin --validate -a fence_nvme_pr -o devices=/dev/data-disk7 2>&1); rc=$?
fnp_check "stonith_admin --validate fails on a missing device" test "$rc" -ne 0
fnp_check "with the agent's message naming it" grep -q "/dev/data-disk7" <<<"$out"
out=$(on node1 stonith_admin --validate -a fence_nvme_pr -o devices=/dev/data-disk -o reservation_type=bogus 2>&1); rc=$?
fnp_check "stonith_admin --validate fails on a bad reservation_type" test "$rc" -ne 0
fnp_summary
