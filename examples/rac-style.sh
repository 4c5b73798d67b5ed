#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A shared-everything cluster (Oracle RAC style, 3 to 16 nodes): every node is
# registered on the shared disks and writes to them; Pacemaker only fences.
# fence_nvme_pr creates a write-exclusive-all-registrants reservation: every
# registered node may write, a fenced node's writes fail with "Invalid
# exchange". Keys are derived from Corosync (FNV-1a of the cluster name in the
# high 32 bits, the nodeid in the low 32), so nothing per node is configured.
#
# Prints the pcs commands; runs them only with --apply (as root on one node of
# a running cluster). Edit the variables first.
set -euo pipefail

# Every shared namespace, by a name that is the same on every node.
DISKS=${DISKS:-/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_rac0001,/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_rac0002}

apply=0
case "${1:-}" in
  --apply) apply=1 ;;
  "") ;;
  *) echo "usage: $0 [--apply]" >&2; exit 2 ;;
esac

run() {
  printf '%q ' "$@"
  printf '\n'
  if ((apply)); then "$@"; fi
}

# Three nodes or more: quorum decides who may fence, so no fencing delay is
# needed (the partition without quorum does not fence). Corosync adds
# token_coefficient (650 ms) per node beyond two to the token: with 16 nodes
# and token 5000 the effective token is 5000 + 14 x 650 = 14.1 s. Lower
# token_coefficient only with a fast, quiet network.
run pcs cluster config update totem token=5000

# The devices are the same everywhere; keys come from Corosync: no
# pcmk_host_map. Pacemaker asks the agent's `list` which nodes it can fence
# (every registered key maps back to a node).
run pcs stonith create nvme-fence fence_nvme_pr \
  devices="$DISKS" \
  reservation_type=write-exclusive-all-registrants \
  power_timeout=20 \
  op monitor interval=60s \
  meta provides=unfencing
run pcs property set stonith-timeout=40s

# Check on one node that every member is registered:
#   fence_nvme_pr -o list -d "$DISKS"
# and link the watchdog test on every node:
#   ln -s /usr/share/cluster/fence_nvme_pr_check /etc/watchdog.d/fence_nvme_pr_check
