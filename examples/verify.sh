#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The checks an administrator runs after setting up fence_nvme_pr, on one
# node, as root. Read-only unless --fence NODE is given:
#   1. who is registered on each device (fence_nvme_pr -o list, nvme resv-report)
#   2. whether every device answers and supports reservations (-o monitor)
#   3. whether Pacemaker knows the device and each node was unfenced
#   4. with --fence NODE (a TEST node, never one that runs anything you need):
#      a guided `pcs stonith fence NODE`, with what to expect at each step.
#      Refused for the node this runs on (it would cut itself off in the
#      middle of the guide) and after any failed check above (a fence test on
#      a set-up that already shows a problem proves nothing and may hurt).
# Usage: verify.sh DEVICES [--fence NODE]
#   DEVICES as in the stonith resource's devices= (comma separated)
# nvme-cli is run only on block devices, each call bounded by
# VERIFY_NVME_TIMEOUT seconds (default 10): a hung path must not hang this.
set -uo pipefail

usage() { echo "usage: $0 DEVICES [--fence NODE]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
devices=$1
shift
fence_node=
if [[ $# -gt 0 ]]; then
  [[ $1 == --fence && $# -eq 2 ]] || usage
  fence_node=$2
fi

# The names this node goes by: Pacemaker's, the kernel's, the short host name.
this_node_names() {
  if command -v crm_node >/dev/null; then timeout 10 crm_node -n 2>/dev/null; fi
  uname -n
  hostname -s 2>/dev/null
}
if [[ -n $fence_node ]]; then
  while read -r name; do
    if [[ -n $name && ${name,,} == "${fence_node,,}" ]]; then
      echo "verify: refusing --fence $fence_node: that is the node this runs on; run verify.sh on another node" >&2
      exit 2
    fi
  done < <(this_node_names)
fi

nvme_timeout=${VERIFY_NVME_TIMEOUT:-10}
[[ $nvme_timeout =~ ^[1-9][0-9]*$ ]] || { echo "verify: VERIFY_NVME_TIMEOUT='$nvme_timeout': a whole number of seconds" >&2; exit 2; }
# Every nvme-cli call below goes through this: bounded, killed if it ignores the TERM.
nvme() { timeout -k 2 "$nvme_timeout" nvme "$@"; }

agent=${FENCE_NVME_PR:-/usr/sbin/fence_nvme_pr}
failures=0
step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
bad() { printf 'PROBLEM: %s\n' "$*"; failures=$((failures + 1)); }
# nvme_resv report|register|acquire|release ARGS...: nvme-cli 3 spells these
# "nvme resv report" (the old names only behind a build option), 2.x (Debian
# 12 and 13) "nvme resv-report"; 2.x prints "Usage: nvme resv-report ..." for
# --help, 3.x without the old names does not. Arguments go to nvme as they are.
nvme_resv() {
  if [[ -z ${nvme_resv_spelling:-} ]]; then
    nvme_resv_spelling=new
    [[ $(nvme resv-report --help 2>&1) == *"Usage: nvme resv-report"* ]] && nvme_resv_spelling=old
  fi
  local sub=$1
  shift
  if [[ $nvme_resv_spelling == old ]]; then nvme "resv-$sub" "$@"; else nvme resv "$sub" "$@"; fi
}

step "1. Registered keys (fence_nvme_pr -o list: key,node per line)"
if "$agent" -o list -d "$devices"; then
  ok "every device answered"
else
  bad "list failed: see the error above"
fi
if type -P nvme >/dev/null; then
  IFS=', ' read -r -a each <<<"$devices"
  for device in "${each[@]}"; do
    [[ -n $device ]] || continue
    # Alibaba Cloud disk IDs d-xxxx name /dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_xxxx.
    [[ $device == d-* ]] && device=/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_${device#d-}
    # Only a block device (a by-id link to one counts): nvme-cli on anything
    # else (a character device, a file, a FIFO) is not a reservation check.
    if [[ ! -b $device ]]; then
      bad "$device is not a block device here: not passed to nvme-cli"
      continue
    fi
    echo "-- nvme resv-report $device (an independent reader: rtype 5 = write exclusive, all registrants)"
    nvme_resv report "$device" --eds -o json || bad "nvme resv-report failed on $device"
  done
else
  echo "(nvme-cli not installed: apt install nvme-cli for an independent view)"
fi

step "2. Devices answer and support reservations (fence_nvme_pr -o monitor)"
if "$agent" -o monitor -d "$devices"; then ok "monitor: 0"; else bad "monitor failed"; fi

step "3. Pacemaker's view"
if command -v pcs >/dev/null; then
  pcs stonith status || bad "pcs stonith status failed"
  echo "-- fencing history (unfencing shows as 'on' per node)"
  pcs stonith history show || true
else
  echo "(pcs not installed: skipped)"
fi

if [[ -n $fence_node ]] && ((failures > 0)); then
  step "4. Fencing the test node $fence_node: NOT done"
  echo "verify: $failures check(s) above failed: fix them first; not fencing $fence_node"
  fence_node=
fi
if [[ -n $fence_node ]]; then
  step "4. Fencing the test node $fence_node"
  cat <<EOT
This cuts $fence_node off the shared devices. Expect, within seconds:
  - pcs stonith fence prints "Node: $fence_node fenced";
  - fence_nvme_pr -o list no longer shows $fence_node's key;
  - on $fence_node, a write to a shared device fails with "Invalid exchange";
  - if its watchdog runs fence_nvme_pr_check, $fence_node reboots and, when
    it rejoins, Pacemaker unfences it (its key is back in the list).
EOT
  read -r -p "Type the node name again to fence it: " answer
  if [[ $answer != "$fence_node" ]]; then
    echo "not fenced (the names differ)"
  elif pcs stonith fence "$fence_node"; then
    ok "pcs stonith fence $fence_node"
    "$agent" -o list -d "$devices" || bad "list after the fence failed"
  else
    bad "pcs stonith fence $fence_node failed"
  fi
fi

printf '\n%s\n' "$( ((failures == 0)) && echo "verify: all checks passed" || echo "verify: $failures problem(s)")"
((failures == 0))
