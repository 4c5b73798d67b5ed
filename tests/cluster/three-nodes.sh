#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Three-node cluster, every node writing to the shared disk at once (Oracle
# RAC style: write-exclusive-all-registrants, keys derived from Corosync, no
# pcmk_host_map); one VM boot, scenarios in sequence:
#   2. node3's corosync and Pacemaker are SIGKILLed: it is fenced, node1 and
#      node2 keep writing, node3 cannot write (EBADE), nothing it wrote lands
#      after the fence, and its watchdog reboots it.
#   5. misconfiguration: a second fence device with a wrong device path fails
#      visibly in crm_mon, with fence_nvme_pr's own message.
# Each successful unfence and fence leaves no warning line from our agents in
# pacemaker.log, and the failed device nothing but its error (issue 20).
# Usage: three-nodes.sh FENCE_AGENT RESOURCE_AGENT (on the host: boots the VM)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"
STRIDE=500   # blocks of each node's own journal

host_config() {
    local dir=$1
    cluster_corosync_conf "$dir" 3 || return 1
    # The README's own Corosync-derived command: no host map, no host list,
    # so Pacemaker asks `list` (dynamic-list) which nodes the device can fence
    # (issue 11 §3). One earlier run failed ("No fence device" for node2's
    # unfencing) at a host load of 20-28: node3's fencer joined 45 s after the
    # others and node2's never registered nvme-fence within the 180 s wait;
    # bad-fence's `list` also still claimed every node then (it now fails).
    echo "fencing with keys derived from Corosync (pcs -f, pushed to the live cluster):"
    cib_begin fencing.xml &&
        pcs_alerts fencing.xml &&
        pcs_f_readme fencing.xml derived /dev/data-disk &&
        cib_patch fencing.xml fencing.patch || return 1
    echo "the application, on every node:"
    cib_begin rac.xml &&
        pcs_f rac.xml resource create rac ocf:fnptest:journal devices=/dev/data-disk stride=$STRIDE clone &&
        cib_patch rac.xml rac.patch || return 1
    echo "the misconfiguration:"
    cib_begin bad.xml &&
        pcs_f bad.xml stonith create bad-fence fence_nvme_pr devices=/dev/no-such-disk &&
        cib_patch bad.xml bad.patch
}

if [[ ${1:-} == --host-config ]]; then
    cluster_host_config "$2" "$3" "$4"
    exit
fi
cluster_enter_vm "$HERE/three-nodes.sh" 900 "${1:-}" "${2:-}" 3072

trap 'keep_logs; if ((FNP_FAILED)); then dump_state; fi' EXIT
fnp_log "setting up: shared disks, nodes, network, corosync + pacemaker"
cluster_setup 3 || { fnp_fail "cluster setup"; exit 1; }
wait_for "node1, node2 and node3 online (crm_mon on node1)" 300 is_online node1 "node1 node2 node3" || exit 1
now_us
fnp_timing "cluster formation (3 nodes): corosync started -> all online in crm_mon $(secs "$COROSYNC_US" "$REPLY") s"
fnp_pass "three nodes online"

cluster_configure fencing.patch rac.patch node1 node2 node3 || exit 1
want_keys=("$(derived_key 1)" "$(derived_key 2)" "$(derived_key 3)")
fnp_check_eq "all three unfenced with their Corosync-derived keys" "${want_keys[*]}" "$(disk_keys 1)"
fnp_check_eq "write-exclusive-all-registrants reservation" 5 "$(fnp_resv_rtype "$(ns_dev 1)")"
agents_quiet_after_success on node1 node2 node3
for i in 1 2 3; do
    wait_alert "rac started on node$i" 120 0 "* resource node$i rac start 0 *" || exit 1
done
records_ok() { local n; n=$(grep -c ' ok$' "$CLUSTER_STATE/journal-$1.log" 2>/dev/null); ((n >= $2)); }
for i in 1 2 3; do wait_for "node$i wrote 2 records" 60 records_ok "node$i" 2 || exit 1; done
fnp_pass "all three nodes write to the shared disk"

# ------------------------------------------------------ 2. a node killed
echo "== scenario 2: node3's corosync and Pacemaker are killed (SIGKILL)"
alerts_count; from=$REPLY
node_kill_stack node3
now_us; T_FAIL=$REPLY
fnp_log "node3: ${#PIDS[@]} cluster processes killed; its application keeps running"
wait_alert "node3 fenced" 180 "$from" "* fencing node3 *Operation * of node3 by node* *: OK*" || exit 1
T_FENCE=$ALERT_US
fnp_log "fenced: ${ALERT#* * * * * * * }"
fnp_timing "node killed: failure -> fence complete $(secs "$T_FAIL" "$T_FENCE") s (the survivors' application never stopped)"
fnp_check_eq "node3's key is gone, node1's and node2's stay" "${want_keys[0]} ${want_keys[1]}" "$(disk_keys 1)"
agents_quiet_after_success 'off|reboot' node1 node2
n1=$(grep -c ' ok$' "$CLUSTER_STATE/journal-node1.log") n2=$(grep -c ' ok$' "$CLUSTER_STATE/journal-node2.log")
wait_for "node1 and node2 keep writing" 60 eval 'records_ok node1 $((n1 + 2)) && records_ok node2 $((n2 + 2))' &&
    fnp_pass "node1 and node2 keep writing"
# node3's writer fails at its next write, unless node3's watchdog
# (fence_nvme_pr_check, every 2 s) reboots the node first: both are fine.
failed_write() { grep -q ' FAILED ' "$CLUSTER_STATE/journal-node3.log"; }
node3_stopped() { failed_write || watchdog_rebooted node3; }
if wait_for "node3's writer to fail or its watchdog to reboot it" 60 node3_stopped && failed_write; then
    line=$(grep ' FAILED ' "$CLUSTER_STATE/journal-node3.log" | head -n1)
    fnp_log "node3: ${line#* }"
    fnp_check "node3's writes fail with EBADE (Invalid exchange)" grep -q 'Invalid exchange' <<<"$line"
fi
host_write_test node3; fnp_check_eq "node3 cannot write (EBADE, through its own NVMe connection)" 2 "$?"
wait_for "node3's watchdog to reboot it" 60 watchdog_rebooted node3 &&
    fnp_pass "node3's watchdog (fence_nvme_pr_check) found its key gone and rebooted it"
late=0
while read -r seq node ms; do
    ((ms * 1000 <= T_FENCE)) || late=$((late + 1))
done < <(journal_read 1 $((1 + 2 * STRIDE)) "$STRIDE")
fnp_check_eq "no record of node3 landed after the fence" 0 "$late"
gap() {   # the longest pause between two writes of node $1 around the failure, ms
    local prev='' max=0 ms
    while read -r ms _ st; do
        [[ $st == ok ]] || continue
        ((ms * 1000 < T_FAIL - 5000000)) && { prev=$ms; continue; }
        [[ -n $prev ]] && ((ms - prev > max)) && max=$((ms - prev))
        prev=$ms
    done <"$CLUSTER_STATE/journal-$1.log"
    echo "$max"
}
fnp_timing "node killed: longest pause between two writes of node1 $(gap node1) ms, of node2 $(gap node2) ms"

# ------------------------------------------------------ 5. misconfiguration
echo "== scenario 5: a fence device with a wrong device path"
alerts_count; from=$REPLY
node_run node1 cibadmin --patch --xml-file "$CFG/bad.patch" || { fnp_fail "cibadmin --patch (bad-fence)"; exit 1; }
fnp_log "bad-fence configured (devices=/dev/no-such-disk)"
wait_alert "bad-fence fails" 120 "$from" "* resource * bad-fence * [1-9]* *" || exit 1
fnp_log "alert: ${ALERT#* }"
# The first failed start is not the end: Pacemaker then tries the other
# survivor (which one goes first depends on where nvme-fence runs). Read
# crm_mon once no start or stop of bad-fence is under way.
# Pacemaker 2.1's crm_mon says "returned 'error'", 3.0's "returned 'Error occurred'".
failed_re="bad-fence start on (node[0-9]) returned '(error|Error occurred)'"
bad_settled() {
    status=$(crm_status node1 2>&1)
    grep -Eq "$failed_re" <<<"$status" && ! grep -Eq 'bad-fence.*(Starting|Stopping)' <<<"$status"
}
wait_for "bad-fence's starts to end" 60 bad_settled
echo "$status" | sed -n '/Failed Resource Actions/,$p'
fnp_check "crm_mon lists bad-fence's failed start (its monitor) under Failed Resource Actions" \
    grep -Eq "$failed_re" <<<"$status"
fnp_check "bad-fence is not running anywhere" eval '! grep -q "bad-fence.*Started" <<<"$status"'
# Pacemaker 2.1 takes exit reasons from OCF agents' stderr only: a fence
# agent's message goes to the log of the fencer that ran it, on a node
# crm_mon names, where an administrator reads the cause.
failed_on=$(grep -Eo "$failed_re" <<<"$status" | cut -d' ' -f4 | sort -u)
agent_message() {
    local node
    msg=''
    for node in $failed_on; do
        msg=$(node_run "$node" grep -h "fence_nvme_pr.*stderr.*error: monitor: /dev/no-such-disk" /var/log/pacemaker/pacemaker.log | head -n1)
        [[ -n $msg ]] && return 0
    done
    return 1
}
poll 20 agent_message
echo "  ${msg#*(log_action) }"
fnp_check "Pacemaker's log (on ${failed_on//$'\n'/ }) has fence_nvme_pr's message naming the device" test -n "$msg"
# ... and nothing else from the agent: each failed run wrote one line, its
# error (issue 20: no informational lines on stderr).
lines=$(pacemaker_grep 'fence_nvme_pr\[[0-9]+\] stderr:' node1 node2)
errors=$(grep -cE 'fence_nvme_pr\[[0-9]+\] stderr: \[ error: [a-z-]+: /dev/no-such-disk' <<<"$lines")
fnp_check_eq "every stderr line of fence_nvme_pr in node1's and node2's logs is that error ($errors)" \
    "$(grep -c . <<<"$lines")" "$errors"
fnp_summary
