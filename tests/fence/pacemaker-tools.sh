#!/bin/bash
# Scenario 9: the real Pacemaker tools accept the agent: stonith_admin reads
# its metadata and runs validate-all, pcs describes it and creates a stonith
# resource in a CIB file, rejecting unknown parameters.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
fence_enter_vm "$HERE/pacemaker-tools.sh" "${1:-}"
AGENT=$1

setup_cluster 2 1
# The guest's root is a throw-away overlay: install where Pacemaker looks.
install -m 0755 "$AGENT" /usr/sbin/fence_nvme_pr || { echo "FAIL: install"; exit 1; }

fnp_check "stonith_admin lists the agent" bash -c "stonith_admin --list-installed | grep -qx fence_nvme_pr"
stonith_admin --metadata -a fence_nvme_pr >/tmp/meta.xml
fnp_check "stonith_admin --metadata prints well-formed XML" xmllint --noout /tmp/meta.xml
fnp_check "the metadata marks on as on_target and automatic" \
    grep -q '<action name="on" on_target="1" automatic="1"/>' /tmp/meta.xml
fnp_check_rc 0 "stonith_admin --validate passes with a real device" \
    on node1 stonith_admin --validate -a fence_nvme_pr -o devices=/dev/data-disk
out=$(on node1 stonith_admin --validate -a fence_nvme_pr -o devices=/dev/data-disk7 2>&1); rc=$?
fnp_check "stonith_admin --validate fails on a missing device" test "$rc" -ne 0
fnp_check "with the agent's message naming it" grep -q "/dev/data-disk7" <<<"$out"
out=$(on node1 stonith_admin --validate -a fence_nvme_pr -o devices=/dev/data-disk -o reservation_type=bogus 2>&1); rc=$?
fnp_check "stonith_admin --validate fails on a bad reservation_type" test "$rc" -ne 0
fnp_check_rc 0 "pcs stonith describe" pcs stonith describe fence_nvme_pr

cibadmin --empty >/tmp/cib.xml
fnp_check_rc 0 "pcs -f stonith create with pcmk_host_map" pcs -f /tmp/cib.xml stonith create nvme-fence \
    fence_nvme_pr devices=/dev/data-disk "pcmk_host_map=node1:0x1;node2:0x2" meta provides=unfencing
fnp_check_rc 0 "pcs -f stonith create with derived keys" pcs -f /tmp/cib.xml stonith create nvme-fence2 \
    fence_nvme_pr devices=d-2ze0abc reservation_type=write-exclusive-all-registrants power_timeout=30
fnp_check "the CIB holds the resource and provides=unfencing" \
    bash -c "grep -q 'type=\"fence_nvme_pr\"' /tmp/cib.xml && grep -q 'name=\"provides\" value=\"unfencing\"' /tmp/cib.xml"
out=$(pcs -f /tmp/cib.xml stonith create bad fence_nvme_pr devices=/dev/x no_such_option=1 2>&1); rc=$?
fnp_check "pcs rejects an unknown parameter" test "$rc" -ne 0
fnp_check_rc 1 "an unknown command-line option is an error" "$AGENT" --no-such-option
fnp_summary
