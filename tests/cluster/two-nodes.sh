#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two-node active/standby cluster (one VM boot, scenarios in sequence):
#   1. failover: node1 runs the application and freezes (SIGSTOP of every
#      process); Pacemaker on node2 fences it through fence_nvme_pr and
#      starts the application; thawed, node1's next write fails with EBADE
#      and its watchdog (fence_nvme_pr_check) reboots it; nothing node1
#      wrote lands after the fence, node2's records are intact.
#   4. rejoin: node1 reboots (fresh namespaces), is unfenced automatically
#      and takes the service over again.
#   3. split brain: the link between the nodes is cut; both try to fence;
#      exactly one keeps the disk, the other cannot write.
# Usage: two-nodes.sh FENCE_AGENT RESOURCE_AGENT (on the host: boots the VM)
# FNP_CLUSTER_UNTIL=1|4|3 stops after that scenario (they run in the order
# 1, 4, 3, each on the state the one before left); default: all.
# FNP_CLUSTER_DEMO=1: scenario 1 only, with a VERDICT line (examples/).
# FNP_CLUSTER_SHELL=crmsh configures Pacemaker with crmsh instead of pcs
# (host_config_crmsh); FNP_CLUSTER_USERLAND: see lib/host-config.sh.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"

host_config() {
    local dir=$1
    case ${FNP_CLUSTER_SHELL:-pcs} in
        pcs) ;;
        crmsh) host_config_crmsh "$dir"; return ;;
        *) echo "FNP_CLUSTER_SHELL must be pcs or crmsh, not '$FNP_CLUSTER_SHELL'"; return 1 ;;
    esac
    cluster_corosync_conf "$dir" 2 || return 1
    echo "fencing: the README's command with pcmk_host_map (pcs -f, pushed to the live cluster as pcs cluster cib-push does):"
    cib_begin fencing.xml &&
        pcs_alerts fencing.xml &&
        pcs_f_readme fencing.xml host-map /dev/data-disk &&
        cib_patch fencing.xml fencing.patch || return 1
    echo "the service:"
    cib_begin service.xml &&
        pcs_f service.xml resource defaults update resource-stickiness=100 &&
        pcs_f service.xml resource create disk ocf:nvmepr:nvme_persist devices=/dev/data-disk2 \
            op monitor interval=10s timeout=20s on-fail=fence &&
        pcs_f service.xml resource create app ocf:fnptest:journal "devices=/dev/data-disk /dev/data-disk2" &&
        pcs_f service.xml constraint colocation add app with disk score=INFINITY &&
        pcs_f service.xml constraint order disk then app &&
        pcs_f service.xml constraint location disk prefers node1=50 &&
        cib_patch service.xml service.patch
}

# The same configuration with crmsh, as on SUSE Linux Enterprise (for SAP):
# the README's crmsh command for the fence device (only devices= changed),
# the service in crmsh's syntax. corosync.conf still comes from pcs
# (cluster_corosync_conf): crmsh writes it only in its bootstrap (`crm
# cluster init`), which needs ssh and systemd on every node; it is the same
# file either way. crmsh works on a CIB file (CIB_file) as pcs -f does, and
# its result is pushed as a diff the same way.
host_config_crmsh() {
    local dir=$1
    cluster_corosync_conf "$dir" 2 || return 1
    echo "fencing: the README's crmsh command with pcmk_host_map (crmsh on a CIB file, pushed to the live cluster as a diff):"
    cib_begin fencing.xml &&
        crm_alerts fencing.xml &&
        crm_f_readme fencing.xml host-map /dev/data-disk &&
        cib_patch fencing.xml fencing.patch || return 1
    echo "the service:"
    cib_begin_from fencing.xml service.xml &&
        crm_f service.xml configure rsc_defaults resource-stickiness=100 &&
        crm_f service.xml configure primitive disk ocf:nvmepr:nvme_persist params devices=/dev/data-disk2 \
            op monitor interval=10s timeout=20s on-fail=fence &&
        crm_f service.xml configure primitive app ocf:fnptest:journal params "devices=/dev/data-disk /dev/data-disk2" &&
        crm_f service.xml configure colocation app-with-disk inf: app disk &&
        crm_f service.xml configure order disk-then-app Mandatory: disk app &&
        crm_f service.xml configure location disk-prefers-node1 disk 50: node1 &&
        cib_patch service.xml service.patch
}

if [[ ${1:-} == --host-config ]]; then
    cluster_host_config "$2" "$3" "$4"
    exit
fi
cluster_enter_vm "$HERE/two-nodes.sh" 900 "${1:-}" "${2:-}"

trap 'keep_logs; if ((FNP_FAILED)); then dump_state; [[ ${FNP_CLUSTER_DEMO:-} != 1 ]] || fnp_log "VERDICT: FAILED - see above"; fi' EXIT
fnp_log "setting up: shared disks, nodes, network, corosync + pacemaker"
cluster_setup 2 || { fnp_fail "cluster setup"; exit 1; }
wait_for "node1 and node2 online (crm_mon on node2)" 240 is_online node2 "node1 node2" || exit 1
now_us
fnp_timing "cluster formation: corosync started -> both nodes online in crm_mon $(secs "$COROSYNC_US" "$REPLY") s"
fnp_pass "both nodes online"

# ------------------------------------------------------------- configure
cluster_configure fencing.patch service.patch node1 node2 || exit 1
K1=$(readme_map_key node1) && K2=$(readme_map_key node2) || { fnp_fail "the README's pcmk_host_map"; exit 1; }
fnp_check_eq "both nodes unfenced automatically: their keys are on the disk" "$K1 $K2" "$(disk_keys 1)"
fnp_check_eq "fence_nvme_pr made a write-exclusive-all-registrants reservation" 5 "$(fnp_resv_rtype "$(ns_dev 1)")"
wait_alert "app started on node1" 120 0 "* resource node1 app start 0 *" || exit 1
fnp_pass "app runs on node1, after disk"
fnp_check_eq "nvme_persist holds a write-exclusive reservation on /dev/data-disk2" 1 "$(fnp_resv_rtype "$(ns_dev 2)")"

# ------------------------------------------------------ 1. failover
echo "== scenario 1: node1 freezes, node2 fences it and takes over"
records_ok() { local n; n=$(grep -c ' ok$' "$CLUSTER_STATE/journal-$1.log" 2>/dev/null); ((n >= $2)); }
wait_for "node1 wrote 3 records" 60 records_ok node1 3 || exit 1
alerts_count; from=$REPLY
node_freeze node1
now_us; T_FAIL=$REPLY
fnp_log "node1 frozen (SIGSTOP of all ${#PIDS[@]} processes)"
wait_alert "node2 fences node1" 180 "$from" "* fencing node1 *Operation * of node1 by node2 *: OK*" || exit 1
T_FENCE=$ALERT_US
fnp_log "fenced: ${ALERT#* * * * * * * }"
# What the fencer on node2 logged of fence_nvme_pr's run: its result line
# goes to syslog and stdout (logged at debug level), nothing to stderr.
pacemaker_grep "fence_nvme_pr.*(reboot|off)|Operation '(off|reboot)' .*using nvme-fence" node2 |
    tail -n 3 | sed 's/^/    node2 pacemaker.log: /'
agents_quiet_after_success 'on|off|reboot' node2
wait_alert "app started on node2" 180 "$from" "* resource node2 app start 0 *" || exit 1
T_APP=$ALERT_US
fnp_timing "failover: failure -> fence complete $(secs "$T_FAIL" "$T_FENCE") s, failure -> app running on node2 $(secs "$T_FAIL" "$T_APP") s"
fnp_check_eq "only node2's key is left on the disk" "$K2" "$(disk_keys 1)"
mapfile -t before < <(journal_read 1)
fnp_log "journal after the takeover: ${#before[@]} records, the last: ${before[-1]}"

node_thaw_application node1
now_us; T_THAW=$REPLY
fnp_log "node1 thawed (all but its watchdog, which comes next)"
failed_write() { grep -q ' FAILED ' "$CLUSTER_STATE/journal-node1.log"; }
if wait_for "node1's writer to fail" 60 failed_write; then
    line=$(grep ' FAILED ' "$CLUSTER_STATE/journal-node1.log" | head -n1)
    fnp_log "node1: ${line#* }"
    fnp_check "node1's next write fails with EBADE (Invalid exchange)" grep -q 'Invalid exchange' <<<"$line"
fi
node_thaw node1
now_us; T_WD=$REPLY
fnp_log "node1's watchdog thawed"
# node1 missed Pacemaker's notification of its own fencing (it was frozen),
# so nothing in Pacemaker stops it; its watchdog (fence_nvme_pr_check) finds
# its key gone and reboots it.
if wait_for "node1's watchdog to reboot it" 60 watchdog_rebooted node1; then
    fnp_timing "watchdog thawed -> node1 rebooted by it $(secs "$T_WD" "$REPLY") s"
    fnp_pass "node1's watchdog (fence_nvme_pr_check) found its key gone and rebooted it"
fi
nap 3
mapfile -t after < <(journal_read 1)
prefix_kept=1
for i in "${!before[@]}"; do [[ ${after[i]:-} == "${before[i]}" ]] || prefix_kept=0; done
fnp_check "node2's records and node1's before the fence are intact" test "$prefix_kept" = 1
late=0
for ((i = ${#before[@]}; i < ${#after[@]}; i++)); do [[ ${after[i]} == *" node2 "* ]] || late=$((late + 1)); done
fnp_check_eq "no record of node1 landed after the fence" 0 "$late"
fnp_check "node2 keeps appending" test "${#after[@]}" -gt "${#before[@]}"
crm_status node2 | sed -n '/Node List/,/^$/p'
if [[ ${FNP_CLUSTER_DEMO:-} == 1 ]]; then
    if ((FNP_FAILED == 0)); then
        fnp_log "VERDICT: PASSED - node2 fenced the frozen node1 through fence_nvme_pr $(secs "$T_FAIL" "$T_FENCE") s after it froze and ran the application after $(secs "$T_FAIL" "$T_APP") s; node1's write failed (Invalid exchange) and its watchdog rebooted it"
    else
        fnp_log "VERDICT: FAILED - $FNP_FAILED of $((FNP_PASSED + FNP_FAILED)) checks failed (see above)"
    fi
    fnp_summary
    exit
fi

if [[ ${FNP_CLUSTER_UNTIL:-3} == 1 ]]; then fnp_summary; exit; fi

# ------------------------------------------------------ 4. rejoin
echo "== scenario 4: node1 reboots, is unfenced automatically and takes the service back"
# node1 is rebooted once Pacemaker is done with it. Between its thaw and its
# watchdog's reboot node1 rejoins (it missed the notice of its own fencing
# while frozen), its monitors fail (its key is gone; on-fail=fence) and node2
# fences it a second time, which node2's crm_mon shows as "UNCLEAN" until
# done (seen on Pacemaker 2.1 and 3.0). A real node's reboot takes longer
# than that fencing; here the reboot is immediate, so wait for it.
wait_for "node2's crm_mon shows node1 offline and not UNCLEAN" 180 is_clean_offline node2 node1 || exit 1
alerts_count; from=$REPLY
now_us; T_BOOT=$REPLY
node_reboot node1 || { fnp_fail "node1 reboot"; exit 1; }
fnp_log "node1 rebooted (fresh namespaces and state), corosync and Pacemaker started"
wait_alert "node1 unfenced again" 240 "$from" "* fencing node1 *Operation on of node1 by *: OK*" || exit 1
fnp_timing "rejoin: node1 boot -> unfenced $(secs "$T_BOOT" "$ALERT_US") s"
fnp_check_eq "node1's key is back on the disk" "$K1 $K2" "$(disk_keys 1)"
alerts_count; from=$REPLY
mapfile -t before < <(journal_read 1)
now_us; T_MOVE=$REPLY
# Pacemaker may already be moving the service back by itself (node1's
# location preference) when the command comes: crm_resource then refuses
# ("already active"), which is fine; what counts is the application
# starting on node1.
if out=$(node_run node2 crm_resource --move --resource disk --node node1 2>&1); then
    moved_by=crm_resource
else
    moved_by=Pacemaker
    fnp_log "crm_resource --move: ${out//$'\n'/ }"
fi
wait_alert "app started on node1" 180 "$from" "* resource node1 app start 0 *" || exit 1
fnp_timing "switchover node2 -> node1 (moved by $moved_by): $(secs "$T_MOVE" "$ALERT_US") s"
fnp_pass "node1 took the service over again"
node_run node2 crm_resource --clear --resource disk >/dev/null 2>&1 || fnp_fail "crm_resource --clear"
wait_for "node1 wrote 2 records" 60 records_ok node1 2 || exit 1
mapfile -t after < <(journal_read 1)
prefix_kept=1
for i in "${!before[@]}"; do [[ ${after[i]:-} == "${before[i]}" ]] || prefix_kept=0; done
fnp_check "the journal is intact and node1 continues it" test "$prefix_kept" = 1 -a "${after[-1]}" != "${before[-1]}"
fnp_check "the continuation is node1's" test "${after[-1]#* }" != "${after[-1]#* node1 }"

if [[ ${FNP_CLUSTER_UNTIL:-3} == 4 ]]; then fnp_summary; exit; fi

# ------------------------------------------------------ 3. split brain
echo "== scenario 3: the link between node1 and node2 is cut; both try to fence"
key_of() { readme_map_key "$1"; }
alerts_count; from=$REPLY
node_link node1 down
now_us; T_CUT=$REPLY
fnp_log "link cut (fnp-node1 down): node1 runs the service, node2 is idle"
wait_alert "one node fences the other" 180 "$from" "* fencing node* *Operation * of node* by node*: OK*" || exit 1
T_FENCE=$ALERT_US
desc=${ALERT#*Operation }
L=${desc#* of }; L=${L%% *}
W=${desc#* by }; W=${W%% *}
fnp_log "$W fenced $L: Operation $desc"
nap 15
fnp_check_eq "only the winner's key is on the disk" "$(key_of "$W")" "$(disk_keys 1)"
# Only this scenario's alerts: scenario 1 had node2 fence node1 already.
tail -n +$((from + 1)) "$ALERTS" | grep -q "Operation [a-z]* of $W by $L [^:]*: OK" &&
    fnp_fail "$L fenced $W too" || fnp_pass "$L did not fence $W"
tail -n +$((from + 1)) "$ALERTS" | grep "Operation [a-z]* of $W by $L" | head -n 2 | sed 's/^[^ ]* /  /'
host_write_test "$L"; fnp_check_eq "$L cannot write (EBADE)" 2 "$?"
wait_for "$L's watchdog to reboot it" 60 watchdog_rebooted "$L" && fnp_pass "$L's watchdog rebooted it"
write_test "$W"; fnp_check_eq "$W can write" 0 "$?"
if [[ $W == node1 ]]; then
    n1=$(grep -c ' ok$' "$CLUSTER_STATE/journal-node1.log")
    wait_for "node1 keeps writing" 30 records_ok node1 $((n1 + 2)) && fnp_pass "the service kept running on node1"
    fnp_timing "split brain: cut -> fence complete $(secs "$T_CUT" "$T_FENCE") s, service never stopped (on the winner)"
else
    wait_alert "app started on node2" 180 "$from" "* resource node2 app start 0 *" &&
        fnp_pass "the service moved to node2" &&
        fnp_timing "split brain: cut -> fence complete $(secs "$T_CUT" "$T_FENCE") s, cut -> app running on node2 $(secs "$T_CUT" "$ALERT_US") s"
fi
fnp_summary
