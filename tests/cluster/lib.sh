#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared by the cluster scenarios (tests/cluster/*.sh) and the
# cluster demo: a real Corosync + Pacemaker cluster inside the VM test bed
# (tests/vm), fencing through fence_nvme_pr on real NVMe reservations.
#
# A scenario runs on the host as `SCENARIO.sh FENCE_AGENT RESOURCE_AGENT`.
# On the host, cluster_enter_vm writes the configuration an administrator
# would write, with the administrator's tools (see cluster_host_config),
# then boots the VM and runs the scenario there. In the VM:
#
#   cluster_setup N       the shared NVMe disks (nvmet-target.sh: namespace 1
#                         = /dev/data-disk, fenced by fence_nvme_pr; 2 =
#                         /dev/data-disk2), one node per host (node.sh, then
#                         node-init.sh: own network, IPC, PID, mounts), a
#                         bridge linking them, corosync and pacemakerd
#                         started in each
#   node_run NODE CMD     run CMD inside NODE (all its namespaces)
#   node_freeze/thaw      SIGSTOP / SIGCONT every process of a node
#   node_kill_stack NODE  SIGKILL its corosync and Pacemaker daemons
#   node_reboot NODE      kill the whole node and boot it afresh
#   wait_alert ...        wait for a Pacemaker alert line (guest/alert-log.sh)
#   journal_*             read the test application's records off the disk
#
# Every wait is bounded and says what it waited for when it fails.
#
# The parts, one seam each (lib/):
#   host-config.sh  on the host: enter the VM, write corosync.conf and the
#                   CIB with pcs or crmsh (the README's commands among them)
#   nodes.sh        in the VM: disks, nodes, corosync and Pacemaker; what a
#                   test does to a node
#   waits.sh        time, polling, alerts, unfencing, crm_mon's view
#   checks.sh       keys on the disks, the journal, writes, the watchdog,
#                   Pacemaker's logs; the nodes' state on failure
# On top of the test bed's library (tests/vm/guest/lib.sh, fnp_*): PASS/FAIL
# bookkeeping (fnp_pass, fnp_fail, fnp_check, fnp_check_eq, fnp_timing,
# fnp_summary; FNP_FAILED counts failures) and progress lines (fnp_log).

CLUSTER_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTER_GUEST=$CLUSTER_TESTS/guest
VM_DIR=$(cd "$CLUSTER_TESTS/../vm" && pwd)
# Guest paths (/tmp is the guest's own, shared by all nodes).
CLUSTER_STATE=/tmp/fnp-cluster
ALERTS=$CLUSTER_STATE/alerts.log
# Every node's address on the bridge: node I = 10.77.0.I.
CLUSTER_NET=10.77.0
CLUSTER_NAME=fnpcluster
# shellcheck source=../vm/guest/lib.sh
source "$VM_DIR/guest/lib.sh"

# Corosync timeouts for a software-emulated CPU (see tests/README.md). The guest
# runs ~15-20 times slower than the host and shares two host cores with
# QEMU's own threads; a daemon can be off the CPU for seconds while Python or
# a burst of process starts runs. token 5000 ms survives that (measured:
# no spurious membership change in any run), and detects a frozen node in
# token + consensus = 5 + 6 = 11 s instead of 22 s with token 10000.
COROSYNC_TOKEN=${COROSYNC_TOKEN:-5000}

# shellcheck source=lib/host-config.sh
source "$CLUSTER_TESTS/lib/host-config.sh"
# shellcheck source=lib/nodes.sh
source "$CLUSTER_TESTS/lib/nodes.sh"
# shellcheck source=lib/waits.sh
source "$CLUSTER_TESTS/lib/waits.sh"
# shellcheck source=lib/checks.sh
source "$CLUSTER_TESTS/lib/checks.sh"
