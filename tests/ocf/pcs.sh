#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 3: pcs and Pacemaker's tools accept the agent. pcs describes it
# and creates it, as a primitive and as a promotable clone, in a CIB file
# with the operations the metadata advertises; it refuses unknown or missing
# parameters; crm_verify accepts the result.
#
# Runs on the host (pcs is Python: minutes in the emulated VM, a second
# here), as root, in a private mount namespace where a tmpfs over
# /usr/lib/ocf/resource.d holds only the agent: the host is left unchanged.
# Usage: pcs.sh AGENT
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly RA_DIR=/usr/lib/ocf/resource.d

if [[ ${OCF_PCS_INSIDE:-} != 1 ]]; then
    agent=$(readlink -f "${1:-}")
    [[ -x $agent ]] || { echo "no agent binary at '${1:-}' (build first)" >&2; exit 1; }
    [[ $EUID == 0 ]] || { echo "FAIL: needs root (a private mount namespace)" >&2; exit 1; }
    exec unshare --mount --propagation private env OCF_PCS_INSIDE=1 "$0" "$agent"
fi

# shellcheck source=../vm/guest/lib.sh
source "$HERE/../vm/guest/lib.sh"
mount -t tmpfs -o mode=0755 tmpfs "$RA_DIR" && install -D -m 0755 "$1" "$RA_DIR/nvmepr/nvme_persist" ||
    { echo "FAIL: cannot install the agent in the private namespace"; exit 1; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cib=$work/cib.xml
AGENT=ocf:nvmepr:nvme_persist

fnp_check "pcs resource describe shows the metadata" \
    bash -c "pcs resource describe $AGENT >'$work/describe' && grep -q 'devices (required)' '$work/describe'"
fnp_check "crm_resource --show-metadata prints the committed metadata" \
    bash -c "crm_resource --show-metadata $AGENT | diff -q - '$HERE/../../metadata/nvme_persist.xml'"
cibadmin --empty >"$cib" && pcs -f "$cib" property set stonith-enabled=false ||
    { echo "FAIL: cannot make an empty CIB"; exit 1; }
fnp_check_rc 0 "pcs resource create (primitive)" \
    pcs -f "$cib" resource create disk $AGENT devices=/dev/disk/by-id/nvme-a
fnp_check_rc 0 "pcs resource create ... promotable" \
    pcs -f "$cib" resource create disk2 $AGENT devices=d-2ze0abc key="node1:0x1;node2:0x2" promotable promoted-max=1
fnp_check "the primitive monitors every 10 s" grep -q 'id="disk-monitor-interval-10s"' "$cib"
fnp_check "the clone monitors Promoted and Unpromoted at distinct intervals" \
    bash -c "grep -q 'interval=\"9s\" timeout=\"20s\" role=\"Promoted\"' '$cib' &&
             grep -q 'interval=\"11s\" timeout=\"20s\" role=\"Unpromoted\"' '$cib'"
fnp_check "the clone is promotable" grep -q 'name="promotable" value="true"' "$cib"
out=$(pcs -f "$cib" resource create bad $AGENT devices=/dev/x colour=blue 2>&1)
fnp_check "pcs refuses an unknown parameter" test $? -ne 0
out=$(pcs -f "$cib" resource create bad $AGENT 2>&1)
fnp_check "pcs refuses a missing devices" grep -q "required resource option 'devices' is missing" <<<"$out"
fnp_check_rc 0 "crm_verify accepts the configuration" env CIB_file="$cib" crm_verify -L
fnp_summary
