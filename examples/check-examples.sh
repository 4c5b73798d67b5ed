#!/bin/bash
# Checks the administrator examples without a cluster: bash -n and shellcheck
# on each script; hana-style.sh and rac-style.sh print (and without --apply do
# not run) the pcs commands the README promises; verify.sh refuses bad usage.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
failures=0
check() {
  if "${@:2}"; then echo "PASS: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}
scripts=(hana-style.sh rac-style.sh verify.sh)
for script in "${scripts[@]}"; do
  check "$script: bash -n" bash -n "$here/$script"
  check "$script: shellcheck" shellcheck "$here/$script"
done

hana=$(PATH=/nonexistent "$BASH" "$here/hana-style.sh" 2>&1)
check "hana-style.sh prints and runs nothing without --apply (pcs is not on its PATH)" test $? -eq 0
for want in "pcs stonith create nvme-fence fence_nvme_pr" "provides=unfencing" "pcmk_delay_base=" \
            "pcmk_delay_max=" "ocf:nvmepr:nvme_persist" "ocf:heartbeat:Filesystem" "--group hana" \
            "pcs constraint location hana prefers" "totem token=5000" "stonith-timeout="; do
  check "hana-style.sh: $want" grep -qF -- "$want" <<<"$hana"
done
rac=$(PATH=/nonexistent "$BASH" "$here/rac-style.sh" 2>&1)
check "rac-style.sh prints and runs nothing without --apply" test $? -eq 0
for want in "pcs stonith create nvme-fence fence_nvme_pr" "provides=unfencing" \
            "reservation_type=write-exclusive-all-registrants"; do
  check "rac-style.sh: $want" grep -qF -- "$want" <<<"$rac"
done
check "rac-style.sh: keys from Corosync (no pcmk_host_map)" test "${rac/pcmk_host_map/}" = "$rac"
bash "$here/verify.sh" >/dev/null 2>&1
check "verify.sh without devices: usage, exit 2" test $? -eq 2
bash "$here/hana-style.sh" --bogus >/dev/null 2>&1
check "hana-style.sh --bogus: exit 2" test $? -eq 2
exit $((failures > 0))
