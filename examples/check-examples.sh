#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks the administrator examples without a cluster: bash -n and shellcheck
# on each script; hana-style.sh and rac-style.sh print (and without --apply do
# not run) the pcs commands the README and docs/ promise (hana-style.sh: also with disk
# IDs d-xxxx, and it refuses one disk for both fencing and data);
# verify.sh refuses bad usage,
# a fence of its own node or after a failed check, keeps nvme-cli to block
# devices and cuts a hung one (with stand-ins for the agent, pcs and nvme-cli).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The test bed's PASS/FAIL bookkeeping (this script is a test, not one of the
# installed examples; those stay standalone).
# shellcheck source=../tests/vm/guest/lib.sh
source "$here/../tests/vm/guest/lib.sh"  # fnp_check, fnp_summary
scripts=(hana-style.sh rac-style.sh verify.sh)
for script in "${scripts[@]}"; do
  fnp_check "$script: bash -n" bash -n "$here/$script"
  fnp_check "$script: shellcheck" shellcheck "$here/$script"
done

hana=$(PATH=/nonexistent "$BASH" "$here/hana-style.sh" 2>&1)
fnp_check "hana-style.sh prints and runs nothing without --apply (pcs is not on its PATH)" test $? -eq 0
for want in "pcs stonith create nvme-fence fence_nvme_pr" "provides=unfencing" "pcmk_delay_base=" \
            "pcmk_delay_max=" "ocf:nvmepr:nvme_persist" "ocf:heartbeat:Filesystem" "--group hana" \
            "pcs constraint location hana prefers" "totem token=5000" "stonith-timeout="; do
  fnp_check "hana-style.sh: $want" grep -qF -- "$want" <<<"$hana"
done
rac=$(PATH=/nonexistent "$BASH" "$here/rac-style.sh" 2>&1)
fnp_check "rac-style.sh prints and runs nothing without --apply" test $? -eq 0
for want in "pcs stonith create nvme-fence fence_nvme_pr" "provides=unfencing" \
            "reservation_type=write-exclusive-all-registrants"; do
  fnp_check "rac-style.sh: $want" grep -qF -- "$want" <<<"$rac"
done
fnp_check "rac-style.sh: keys from Corosync (no pcmk_host_map)" test "${rac/pcmk_host_map/}" = "$rac"
bash "$here/verify.sh" >/dev/null 2>&1
fnp_check "verify.sh without devices: usage, exit 2" test $? -eq 2
bash "$here/hana-style.sh" --bogus >/dev/null 2>&1
fnp_check "hana-style.sh --bogus: exit 2" test $? -eq 2
fnp_check "hana-style.sh says it changes cluster-wide settings" grep -qF "Cluster-wide settings" <<<"$hana"
cloud=/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_
for same in "d-abc0 d-abc0" "d-abc0 ${cloud}abc0" "/dev/nvme0n1 /dev/nvme0n1"; do
  read -r fence data <<<"$same"
  out=$(FENCE_DISK=$fence DATA_DISK=$data PATH=/nonexistent "$BASH" "$here/hana-style.sh" 2>&1)
  fnp_check "hana-style.sh refuses FENCE_DISK=$fence DATA_DISK=$data (exit 2, nothing printed to run)" \
    test $? -eq 2 -a -z "$(grep '^pcs' <<<"$out")"
done
hana=$(FENCE_DISK=d-fence01 DATA_DISK=d-data01 PATH=/nonexistent "$BASH" "$here/hana-style.sh" 2>&1)
fnp_check "hana-style.sh with disk IDs: exit 0" test $? -eq 0
for want in "devices=d-fence01 " "devices=d-data01 " "device=${cloud}data01-part1 "; do
  fnp_check "hana-style.sh with disk IDs: $want" grep -qF -- "$want" <<<"$hana"
done
FENCE_DISK=d-Bad PATH=/nonexistent "$BASH" "$here/hana-style.sh" >/dev/null 2>&1
fnp_check "hana-style.sh FENCE_DISK=d-Bad (not a disk ID): exit 2" test $? -eq 2

# verify.sh with stand-ins on its PATH (each records its arguments; the
# nvme one hangs when asked, to show the time limit): the
# agent, pcs, crm_node and nvme-cli. No cluster, no device is touched.
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
for tool in agent pcs crm_node nvme; do
  printf '#!/bin/bash\necho "%s $*" >>"%s/calls"\n' "$tool" "$fake" >"$fake/$tool"
done
# shellcheck disable=SC2016 # written for the stand-ins to expand
echo 'exit "${FAKE_AGENT_RC:-0}"' >>"$fake/agent"
echo 'echo node9' >>"$fake/crm_node"
# shellcheck disable=SC2016
echo '[[ -z ${FAKE_NVME_HANG:-} ]] || exec sleep 30' >>"$fake/nvme"
chmod +x "$fake"/*
mknod "$fake/blockdev" b 7 250 2>/dev/null  # a block device node, never opened (nvme is a stand-in)
: >"$fake/regular"
verify() { PATH=$fake:$PATH FENCE_NVME_PR=$fake/agent VERIFY_NVME_TIMEOUT=1 bash "$here/verify.sh" "$@"; }
: >"$fake/calls"
verify /dev/x --fence node9 </dev/null >/dev/null 2>&1
fnp_check "verify.sh --fence (this node, as crm_node names it): exit 2" test $? -eq 2
fnp_check "verify.sh --fence (this node): nothing run" test -z "$(grep -v '^crm_node' "$fake/calls")"
verify /dev/x --fence "$(uname -n)" </dev/null >/dev/null 2>&1
fnp_check "verify.sh --fence (this node, as uname names it): exit 2" test $? -eq 2
: >"$fake/calls"
FAKE_AGENT_RC=1 verify /dev/x --fence node2 <<<node2 >/dev/null 2>&1
fnp_check "verify.sh --fence after a failed check: exit 1" test $? -eq 1
fnp_check "verify.sh --fence after a failed check: no fence" test -z "$(grep -F 'pcs stonith fence' "$fake/calls")"
: >"$fake/calls"
verify "$fake/regular" >/dev/null 2>&1
fnp_check "verify.sh on a regular file: a problem" test $? -eq 1
fnp_check "verify.sh on a regular file: nvme-cli not run on it" test -z "$(grep '^nvme' "$fake/calls")"
if [[ -b $fake/blockdev ]]; then
  : >"$fake/calls"
  verify "$fake/blockdev" --fence node2 <<<node2 >/dev/null 2>&1
  fnp_check "verify.sh --fence after passing checks: exit 0" test $? -eq 0
  fnp_check "verify.sh --fence after passing checks: pcs stonith fence node2" grep -qF "pcs stonith fence node2" "$fake/calls"
  : >"$fake/calls"
  started=$SECONDS
  FAKE_NVME_HANG=1 verify "$fake/blockdev" >/dev/null 2>&1
  fnp_check "verify.sh: a hung nvme-cli is a problem" test $? -eq 1
  fnp_check "verify.sh: a hung nvme-cli is cut at VERIFY_NVME_TIMEOUT (1 s; took $((SECONDS - started)) s)" \
    test $((SECONDS - started)) -lt 10
  fnp_check "verify.sh: nvme-cli run on the block device" grep -qE "nvme resv[- ]report $fake/blockdev" "$fake/calls"
else
  echo "SKIP: verify.sh nvme-cli timeout (cannot make a block device node here: not root?)"
fi
fnp_summary
