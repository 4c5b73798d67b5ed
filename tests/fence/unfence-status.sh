#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 1 (and rejoin): nodes unfence themselves, through stdin as
# Pacemaker does and on the command line; status, list, monitor answer right.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/unfence-status.sh" 240 "${1:-}"
AGENT=$1

setup_cluster 3 2
DEV=$(devices)

fnp_check_rc 0 "node1 unfences through stdin (pcmk_host_map key as port)" \
    agent_stdin node1 action=on nodename=node1 port=0x1 "devices=$DEV" "pcmk_host_map=x" "crm_feature_set=3.17.4"
fnp_check_rc 0 "node2 unfences on the command line" agent node2 -o on -n 0x2 -d "$DEV"
fnp_check_eq "keys 0x1 0x2 on namespace 1" "0x1 0x2" "$(keys 1)"
fnp_check_eq "keys 0x1 0x2 on namespace 2" "0x1 0x2" "$(keys 2)"
fnp_check_eq "auto created write-exclusive-all-registrants (5)" 5 "$(rtype 1)"
fnp_check_rc 0 "node3 unfences" agent node3 --action=on --plug=0x3 --devices="$DEV"
fnp_check_eq "three keys" "0x1 0x2 0x3" "$(keys 1)"
fnp_check_rc 0 "unfencing again is idempotent" agent node3 -o on -n 0x3 -d "$DEV"
fnp_check_eq "still three keys" "0x1 0x2 0x3" "$(keys 2)"
fnp_check_eq "every node can write everywhere" "0 0" "$(write_results node3)"

fnp_check_rc 0 "status of node2 is on (0)" agent node1 -o status -n 0x2 -d "$DEV"
fnp_check_rc 2 "status of an unregistered key is off (2)" agent node1 -o status -n 0x9 -d "$DEV"
fnp_check_rc 0 "status through stdin" agent_stdin node1 action=status port=0x3 nodename=node3 "devices=$DEV"
fnp_check_eq "list prints every key" "0x0000000000000001, 0x0000000000000002, 0x0000000000000003," \
    "$(agent node1 -o list -d "$DEV" 2>/dev/null | paste -sd' ')"
fnp_check_rc 0 "monitor passes" agent node1 -o monitor -d "$DEV"
fnp_check_rc 0 "validate-all passes" agent_stdin node1 action=validate-all nodename=node1 "devices=$DEV"
fnp_check_rc 1 "monitor fails on a missing device" agent node1 -o monitor -d "$DEV,/dev/data-disk9"
out=$(agent node1 -o monitor -d /dev/data-disk9 2>&1)
fnp_check "the error names the missing device" grep -q "/dev/data-disk9" <<<"$out"
fnp_check "state saved under /run/fence_nvme_pr" on node1 grep -q "key=0x0000000000000001" /run/fence_nvme_pr/state
fnp_check_rc 1 "a key another host already uses is refused" agent node3 -o on -n 0x1 -d "$DEV" --store-path=/run/other

# Issue 11 rule 1: node3 is cloned from node1's image (the same hostnqn and
# hostid, so the target sees ONE host). Its unfencing must refuse, change
# nothing and say why; node1's key stays and node1 keeps writing.
"$FNP_NVMET" disconnect host3 >/dev/null && "$FNP_NVMET" connect host3 --as host1 >/dev/null &&
    "$FNP_NODE" refresh node3 >/dev/null || fnp_fail "reconnect host3 with host1's identity"
out=$(agent node3 -o on -n 0x33 -d "$DEV" --store-path=/run/clone 2>&1); rc=$?
echo "$out" | sed 's/^/  agent: /'
fnp_check_eq "on from a node sharing node1's host identity is refused (exit 1)" 1 "$rc"
fnp_check "the refusal names the key in the way and the shared identity" \
    grep -q "holds key 0x0000000000000001.*host identity.*/etc/nvme/hostid" <<<"$out"
fnp_check_eq "node1's key stays, nothing changed" "0x1 0x2 0x3" "$(keys 1)"
fnp_check_eq "node1 still writes" 0 "$(write node1 1 70 x; echo $?)"
out=$(agent node3 -o monitor -d "$DEV" --store-path=/run/clone --key=0x33 2>&1); rc=$?
fnp_check_eq "monitor on the clone passes" 0 "$rc"
fnp_check "and warns about the shared identity" grep -q "warning.*this host's registration.*holds key 0x0000000000000001" <<<"$out"

fnp_summary
