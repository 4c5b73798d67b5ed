#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 1: the OCF tools accept the agent against a real namespace.
# ocf-tester passes with nothing but devices= (the key derived from a real,
# one-node Corosync); crm_resource --validate and --force-start/check/
# promote/demote/stop return the right codes; bad input gets 5/6/3 with the
# reason naming the problem; meta-data works as nobody.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/ocf-tools.sh" 240 "${1:-}"

setup_cluster 1 1 "$1"
cd /tmp || exit 1
fnp_check "corosync runs in node1" start_corosync node1
# The key nvme_persist must derive: FNV-1a("fnpvm") in the high 32 bits, nodeid 1.
KEY=$(fnp_derived_key fnpvm 1)

# crm_ra: crm_resource runs the agent outside any cluster, exit code = the agent's.
DEV=devices=/dev/data-disk

tester_out=$(on node1 ocf-tester -n test -o devices=/dev/data-disk "$RA" 2>&1)
rc=$?
fnp_check_eq "ocf-tester passes with only devices= (exit 0)" 0 "$rc"
fnp_check "ocf-tester reports every test passed" grep -q "passed all tests" <<<"$tester_out"
[[ $rc == 0 ]] || printf "%s\n" "$tester_out"
fnp_check_eq "ocf-tester leaves no registration behind" "rtype=0 holders= keys=" "$(state 1)"

fnp_check_rc 0 "crm_resource --validate" crm_ra --validate "$DEV"
fnp_check_rc 6 "crm_resource --validate without devices: 6 (not configured)" crm_ra --validate
fnp_check_rc 0 "crm_resource --force-start" crm_ra --force-start "$DEV"
fnp_check_eq "the derived key holds a write-exclusive reservation" "rtype=1 holders=$KEY keys=$KEY" "$(state 1)"
fnp_check_rc 0 "crm_resource --force-check: running" crm_ra --force-check "$DEV"
fnp_check_rc 0 "crm_resource --force-start again (idempotent)" crm_ra --force-start "$DEV"
fnp_check_rc 0 "crm_resource --force-promote" crm_ra --force-promote "$DEV"
fnp_check_rc 8 "crm_resource --force-check: promoted" crm_ra --force-check "$DEV"
fnp_check_rc 0 "crm_resource --force-demote" crm_ra --force-demote "$DEV"
fnp_check_eq "demoted: registered, no reservation" "rtype=0 holders= keys=$KEY" "$(state 1)"
fnp_check_rc 0 "crm_resource --force-check: started, unpromoted" crm_ra --force-check "$DEV"
fnp_check_rc 0 "crm_resource --force-demote again (idempotent)" crm_ra --force-demote "$DEV"
fnp_check_rc 0 "crm_resource --force-stop" crm_ra --force-stop "$DEV"
fnp_check_eq "stopped: nothing registered" "rtype=0 holders= keys=" "$(state 1)"
fnp_check_rc 7 "crm_resource --force-check: not running" crm_ra --force-check "$DEV"
fnp_check_rc 0 "crm_resource --force-stop again (idempotent, never 7)" crm_ra --force-stop "$DEV"

fnp_check_rc 5 "a missing device: 5 (not installed)" crm_ra --force-start devices=/dev/data-disk,/dev/data-disk9
fnp_check "with the reason naming it" grep -q "ocf-exit-reason:/dev/data-disk9: cannot open" /tmp/crm.out
fnp_check_rc 6 "a device that is no NVMe namespace: 6 (not configured)" crm_ra --force-start devices=/dev/null
fnp_check "with the reason naming it" grep -q "ocf-exit-reason:/dev/null: not a block device" /tmp/crm.out
fnp_check_rc 6 "a bad reservation_type: 6" crm_ra --force-start "$DEV" reservation_type=wear
fnp_check_rc 0 "validate-all at level 0 touches no device" crm_ra --validate devices=/dev/data-disk9
fnp_check_rc 5 "validate-all at level 10 opens them" crm_ra --validate=10 devices=/dev/data-disk9
fnp_check_rc 3 "an unknown action: 3" ra node1 reload "$DEV"
fnp_check_rc 0 "notify: 0" ra node1 notify "$DEV"
fnp_check_rc 0 "meta-data as nobody" su nobody -s /bin/sh -c "$RA meta-data >/dev/null"
fnp_check "meta-data valid against ra-api-1.dtd" \
    bash -c "'$RA' meta-data | xmllint --noout --dtdvalid /usr/share/resource-agents/ra-api-1.dtd - 2>/dev/null"
fnp_summary
