#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/failover/run.sh - the failover comparison (issue 21), one command:
# every contender against every failure, each cell on a bed of its own VMs
# (cell.sh), then the table and the plot (report.py).
#
# Usage: bench/failover/run.sh [--profile debian|hana|both] [--contenders LIST]
#                              [--failures LIST] [--nodes N] [--out DIR]
#                              [--build DIR] [--publish]
#   --profile     debian (default): Debian 12's defaults; hana: the SAP HANA
#                 guides' timeouts; both: one after the other
#   --contenders  comma-separated, default fence_nvme_pr,sbd,fence_scsi
#   --failures    comma-separated, default crash,freeze,stall,netsplit
#   --nodes       cluster nodes per cell (default 2)
#   --out         results directory (default BUILD/failover-results)
#   --build       CMake build directory with the agents (default ./build)
#   --publish     copy failover.md and failover.png to bench/results/, the
#                 cells and the machine to bench/results/failover/, and
#                 rewrite README.md's headline table from them
#
# Each cell boots its own VMs under software emulation; what the published
# run took is in bench/results/failover/machine.txt (duration_s, and the
# load before and after), and a loaded machine takes several times that. A cell that cannot
# run here is reported "not run" with its reason, never as passed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
profiles=debian contenders=fence_nvme_pr,sbd,fence_scsi failures=crash,freeze,stall,netsplit
nodes=2 out='' build=$top/build publish=0
while (($#)); do
    case $1 in
        --profile) profiles=$2; shift 2 ;;
        --contenders) contenders=$2; shift 2 ;;
        --failures) failures=$2; shift 2 ;;
        --nodes) nodes=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --publish) publish=1; shift ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "failover/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $profiles == both ]] && profiles=debian,hana
out=${out:-$build/failover-results}
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
cells=$out/cells.txt
: >"$cells"

# The machine and the software, for the report.
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null)$(git -C "$top" diff --quiet HEAD 2>/dev/null || echo +changes)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
    echo "kernel=$(cat /var/cache/fence-nvme-pr/kernel/current/kver 2>/dev/null)"
    echo "packages=$(dpkg-query -W -f='${Package} ${Version}\n' pacemaker corosync pcs sbd fence-agents open-iscsi targetcli-fb watchdog 2>/dev/null | paste -sd';')"
    echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

start=$SECONDS
for profile in ${profiles//,/ }; do
    for failure in ${failures//,/ }; do
        for contender in ${contenders//,/ }; do
            echo "== $profile / $contender / $failure"
            rc=0
            "$top/bench/failover/cell.sh" --profile "$profile" --nodes "$nodes" --out "$cells" \
                "$contender" "$failure" "$build/fence_agent" >"$out/cell-$profile-$contender-$failure.log" 2>&1 || rc=$?
            grep '^CELL ' "$out/cell-$profile-$contender-$failure.log" | tail -n1
            if ((rc != 0 && rc != 77)); then
                reason=$(grep -m1 'cell: ERROR' "$out/cell-$profile-$contender-$failure.log" | sed 's/^cell: ERROR: //; s/"/'"'"'/g')
                echo "CELL contender=$contender failure=$failure profile=$profile nodes=$nodes status=not-run reason=\"failed to run: ${reason:-exit $rc}\"" | tee -a "$cells"
            fi
        done
    done
done
{
    echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "duration_s=$((SECONDS - start))"
    echo "command=bench/failover/run.sh --profile $profiles --contenders $contenders --failures $failures --nodes $nodes"
    # run-vm.sh says which accelerator it chose (KVM, or TCG: emulation).
    echo "accel=$(grep -ho 'run-vm: accelerator: [a-z]*' "$out"/evidence/*/vm.log 2>/dev/null | head -n1 | sed 's/.*: //')"
} >>"$out/machine.txt"
python3 "$top/bench/failover/report.py" "$out" || exit 1
if ((publish)); then
    # The report, its plot and the cells behind them; the README's headline
    # table is rewritten from the same cells (between its markers).
    mkdir -p "$top/bench/results/failover" &&
        cp "$out/failover.md" "$out/failover.png" "$top/bench/results/" &&
        cp "$out/cells.txt" "$out/machine.txt" "$top/bench/results/failover/" &&
        python3 "$top/bench/failover/report.py" "$out" --readme "$top/README.md" >/dev/null &&
        echo "failover/run.sh: published to bench/results/ and README.md's headline table"
fi
