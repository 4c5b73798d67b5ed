#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 2: the failover story on two nodes and two shared namespaces.
# Primitive: node1 starts and writes; node2 starts while node1 is frozen and
# takes the disks over in the same command; node1's next O_DIRECT write
# fails with EBADE, its monitor reports the loss, and it stops cleanly.
# Promotable clone: both registered, promote one, promote the other
# (takeover), demote; promotion scores go through crm_attribute.
# Degraded (OCF 1.1): with required_devices=1 and namespace 2 disabled, the
# monitor says 190 (191 promoted) with a reason naming the missing device,
# run directly and through crm_resource --force-check.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/scenario-lib.sh
source "$HERE/../vm/scenario-lib.sh"
scenario_enter_vm "$HERE/failover.sh" 240 "${1:-}"

setup_cluster 2 2 "$1"
# One key per node, given as Pacemaker passes one resource's parameters to
# every node: the agent picks its node's entry (by host name here).
P=("devices=$(devices)" "key=node1:0xa1;node2:0xb2")
RECURRING=OCF_RESKEY_CRM_meta_interval=10000
NOBODY="rtype=0 holders= keys="

echo "== primitive"
fnp_check_rc 0 "node1 start" ra node1 start "${P[@]}"
fnp_check_eq "node1 holds write-exclusive on both namespaces" "rtype=1 holders=0xa1 keys=0xa1 rtype=1 holders=0xa1 keys=0xa1" \
    "$(state 1) $(state 2)"
fnp_check_eq "node1 writes to both" "0 0" "$(writes node1 1 2)"
fnp_check_eq "node2 cannot write (EBADE)" "2" "$(writes node2 1)"
fnp_check_rc 0 "node1 monitor: running" ra node1 monitor "${P[@]}" "$RECURRING"
fnp_check_rc 7 "node2 probe: not running" ra node2 monitor "${P[@]}"

# node1 freezes (nothing runs there); Pacemaker starts the resource on node2.
t0=${EPOCHREALTIME/[.,]/}
fnp_check_rc 0 "node2 start while node1 is frozen: takes over" ra node2 start "${P[@]}"
echo "takeover (node2 start, 2 namespaces) took $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
fnp_check_eq "node2 holds both namespaces, node1's key is gone" \
    "rtype=1 holders=0xb2 keys=0xb2 rtype=1 holders=0xb2 keys=0xb2" "$(state 1) $(state 2)"
fnp_check_eq "node2 writes" "0 0" "$(writes node2 1 2)"
fnp_check_eq "node1 wakes up: its next O_DIRECT write fails with EBADE" "2 2" "$(writes node1 1 2)"
fnp_check_rc 1 "node1 monitor reports the loss (1)" ra node1 monitor "${P[@]}" "$RECURRING"
fnp_check "the exit reason names the new holder" \
    grep -q "ocf-exit-reason:the reservation was taken away.*0x00000000000000b2 holds" "$RA_ERR"
fnp_check_rc 0 "node1 stops cleanly" ra node1 stop "${P[@]}"
fnp_check_rc 7 "node1 monitor after stop: not running" ra node1 monitor "${P[@]}"
fnp_check_eq "node1's stop leaves node2 owning the disks" "rtype=1 holders=0xb2 keys=0xb2" "$(state 1)"
fnp_check_rc 0 "node2 monitor: running" ra node2 monitor "${P[@]}" "$RECURRING"
fnp_check_rc 0 "node2 stop" ra node2 stop "${P[@]}"
fnp_check_eq "nothing registered, no reservation" "$NOBODY $NOBODY" "$(state 1) $(state 2)"

echo "== promotable clone"
# crm_attribute needs a running CIB; record what the agent asks of it instead
# (the guest's root is a throw-away overlay; /usr/local/sbin comes first in PATH).
printf '#!/bin/sh\necho "$*" >>/tmp/crm_attribute.log\n' >/usr/local/sbin/crm_attribute
chmod 0755 /usr/local/sbin/crm_attribute
clone() {
    local node=$1 action=$2
    shift 2
    ra "$node" "$action" "${P[@]}" CRM_meta_clone_max=2 CRM_meta_promoted_max=1 CRM_meta_master_max=1 \
        "CRM_meta_on_node=$node" "$@"
}
monitor() { clone "$1" monitor "$RECURRING" "CRM_meta_role=$2"; }

fnp_check_rc 0 "node1 start (unpromoted)" clone node1 start
fnp_check_rc 0 "node2 start (unpromoted)" clone node2 start
fnp_check_eq "both registered, no reservation" "rtype=0 holders= keys=0xa1,0xb2" "$(state 1)"
fnp_check "start set the full promotion score" grep -qx -- "-N node2 -n master-disk -l reboot -v 1000" /tmp/crm_attribute.log
fnp_check_rc 0 "node1 monitor (Unpromoted): 0" monitor node1 Unpromoted
fnp_check_rc 0 "node1 promote" clone node1 promote
fnp_check_rc 8 "node1 monitor (Promoted): 8" monitor node1 Promoted
fnp_check_rc 0 "node2 monitor (Unpromoted): 0" monitor node2 Unpromoted
fnp_check_eq "node1 writes, registered node2 cannot" "0 2" "$(writes node1 1) $(writes node2 1)"
fnp_check_rc 0 "node2 promote while node1 is frozen: takes over" clone node2 promote
fnp_check_eq "node2 holds, node1 unregistered" "rtype=1 holders=0xb2 keys=0xb2" "$(state 2)"
fnp_check_eq "node2 writes, node1 gets EBADE" "0 2" "$(writes node2 2) $(writes node1 2)"
fnp_check_rc 9 "node1 monitor (Promoted): failed promoted (9)" monitor node1 Promoted
fnp_check_rc 0 "node1 demote (registers again)" clone node1 demote
fnp_check_rc 0 "node1 monitor (Unpromoted): 0" monitor node1 Unpromoted
fnp_check_rc 0 "node2 demote" clone node2 demote
fnp_check_eq "demoted: both registered, no reservation" "rtype=0 holders= keys=0xa1,0xb2" "$(state 2)"
fnp_check_rc 0 "node1 stop" clone node1 stop
fnp_check_rc 0 "node2 stop" clone node2 stop
fnp_check_eq "stopped: nothing registered" "$NOBODY $NOBODY" "$(state 1) $(state 2)"
fnp_check "stop deleted the promotion score" grep -qx -- "-N node2 -n master-disk -l reboot -D" /tmp/crm_attribute.log

echo "== a node cloned from another's image (issue 11 rule 1)"
# node2 reconnects with node1's hostnqn and hostid: the target sees one host.
"$FNP_NVMET" disconnect host2 >/dev/null && "$FNP_NVMET" connect host2 --as host1 >/dev/null &&
    "$FNP_NODE" refresh node2 >/dev/null || fnp_fail "reconnect host2 with host1's identity"
fnp_check_rc 0 "node1 start" ra node1 start "${P[@]}"
fnp_check_rc 6 "node2 start on the shared identity: configuration error (6)" ra node2 start "${P[@]}"
fnp_check "the reason names the key in the way and the shared identity" \
    grep -q "ocf-exit-reason:.*holds key 0x00000000000000a1.*host identity" "$RA_ERR"
fnp_check_rc 6 "node2 promote too (6)" clone node2 promote
fnp_check_eq "node1 still holds both namespaces, nothing changed" \
    "rtype=1 holders=0xa1 keys=0xa1 rtype=1 holders=0xa1 keys=0xa1" "$(state 1) $(state 2)"
fnp_check_rc 0 "node1 monitor: running" ra node1 monitor "${P[@]}" "$RECURRING"
fnp_check_rc 7 "node2 probe: not running" ra node2 monitor "${P[@]}"
fnp_check "and warns about the shared identity" grep -q "this host's registration.*holds key 0x00000000000000a1" "$RA_ERR"
fnp_check_rc 0 "node1 stop" ra node1 stop "${P[@]}"

echo "== degraded (OCF 1.1)"
ONE=required_devices=1
# crm_resource runs the agent outside any cluster; its exit code is the agent's.
crm() { crm_ra "$1" "${P[@]}" "${@:2}"; }
fnp_check_rc 0 "node1 start with required_devices=1" ra node1 start "${P[@]}" "$ONE"
fnp_check_rc 0 "node1 monitor: every device held (0)" ra node1 monitor "${P[@]}" "$ONE" "$RECURRING"
if "$FNP_NVMET" ns-disable 2 >/dev/null; then
    fnp_check_rc 190 "namespace 2 disabled: node1 monitor degraded (190)" ra node1 monitor "${P[@]}" "$ONE" "$RECURRING"
    fnp_check "the exit reason says held on 1 of 2 and names the missing device" \
        grep -q "ocf-exit-reason:degraded: the reservation is held on 1 of 2 devices.*/dev/data-disk2" "$RA_ERR"
    fnp_check_rc 190 "crm_resource --force-check: degraded (190)" crm --force-check "$ONE"
    fnp_check "crm_resource shows the reason" grep -q "held on 1 of 2 devices.*/dev/data-disk2" /tmp/crm.out
    fnp_check_rc 0 "node1 stop" ra node1 stop "${P[@]}" "$ONE"
    fnp_check_rc 0 "node1 start (promotable, required_devices=1)" clone node1 start "$ONE"
    fnp_check_rc 0 "node1 promote on the one namespace left" clone node1 promote "$ONE"
    fnp_check_rc 191 "node1 monitor (Promoted): degraded promoted (191)" \
        clone node1 monitor "$ONE" "$RECURRING" CRM_meta_role=Promoted
    fnp_check "the exit reason names the missing device" grep -q "ocf-exit-reason:degraded:.*/dev/data-disk2" "$RA_ERR"
    fnp_check_rc 0 "node1 stop" clone node1 stop "$ONE"
    fnp_check_eq "stopped: nothing registered on namespace 1" "$NOBODY" "$(state 1)"
else
    fnp_fail "ns-disable 2"
fi
"$FNP_NVMET" ns-enable 2 >/dev/null && "$FNP_NODE" refresh >/dev/null || fnp_fail "ns-enable 2"
fnp_summary
