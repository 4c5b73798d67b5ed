#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's main demo: installs what is missing, builds, boots the VM test
# bed and runs a real two-node Corosync + Pacemaker cluster on one shared
# NVMe disk: node1 runs the application, node1 freezes, Pacemaker on node2
# fences it through fence_nvme_pr and takes over, node1 wakes up and its next
# write fails with "Invalid exchange", its watchdog check reboots it.
# A timestamped narrative, then a one-line verdict; exit 0 only if every
# step happened as it must. About 4 minutes on 2 cores under emulation.
# The agent alone, without Pacemaker (30 s): examples/failover-story.sh AGENT.
# Usage: examples/demo.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packaging/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target fence_nvme_pr fence_nvme_pr_check nvme_persist >/dev/null
echo "Booting the test bed VM (a current Linux kernel with its NVMe target, under QEMU)..."
FNP_CLUSTER_DEMO=1 exec tests/cluster/two-nodes.sh build/fence_agent/fence_nvme_pr build/resource_agent/nvme_persist
