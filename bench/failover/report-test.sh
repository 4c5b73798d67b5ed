#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# report-test.sh - report.py on fixed cells: a cell that ran, one with late
# writes, one not run with its reason and one missing must each show as
# such in failover.md, the late writes with the log lines of the cell's
# evidence, the targets judged (open while cells are missing), and the plot
# must be written (when gnuplot is here); and README.md's headline table
# must be what report.py makes of the published cells.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cat >"$dir/cells.txt" <<'CELLS'
CELL contender=fence_nvme_pr failure=stall profile=debian nodes=2 status=ran fence_ms=5100 fence_step_ms=600 survivor_ms=9800 survivor_first_seq=40 late_writes=0 late_on_disk=0 healthy_fenced=none fences_in_history=1 node1_end=running-writes-refused evidence=none
CELL contender=sbd failure=stall profile=debian nodes=2 status=ran fence_ms=16000 survivor_ms=21000 survivor_first_seq=60 late_writes=3 late_on_disk=1 healthy_fenced=none fences_in_history=1 node1_end=reset-by-watchdog evidence=EVIDENCE
CELL contender=fence_scsi failure=stall profile=debian nodes=2 status=not-run reason="the storage VM has no iSCSI target (no: x)"
CELLS
mkdir -p "$dir/evidence/logs"
sed -i "s|evidence=EVIDENCE|evidence=$dir/evidence|" "$dir/cells.txt"
printf '%s\n' '1000 59 ok' '1250 60 ok' '1500 61 ok' '1750 62 ok' >"$dir/evidence/logs/journal-node1.log"
printf '%s\n' '59 node1 1000' '60 node2 2000' '61 node1 1500' >"$dir/evidence/disk-journal.txt"
printf 'date=2026-12-07T00:00:00Z\ncommand=bench/failover/run.sh --profile debian\n' >"$dir/machine.txt"
python3 "$HERE/report.py" "$dir" >/dev/null || { echo "FAIL: report.py failed"; exit 1; }
md=$dir/failover.md rc=0
check() { if grep -qF -- "$2" "$md"; then echo "PASS: $1"; else echo "FAIL: $1 (no '$2' in failover.md)"; rc=1; fi; }
check "a cell that ran shows its times" "| fence_nvme_pr | ran | 5.1 | 0.6 | 9.8 | 0 | none | running-writes-refused | - |"
check "late writes are shown as a number, with those on the disk" "| sbd | ran | 16.0 | - | 21.0 | **3** (1 on disk) |"
check "a cell not run says why" "| fence_scsi | not run: the storage VM has no iSCSI target (no: x) | | | | | | | |"
check "a missing cell is not run, never passed" "| fence_nvme_pr | not run | | | | | | | |"
check "the late writes' log lines" "  1250 60 ok"
check "the late write left on the disk" "  61 node1 1500"
check "a target with cells missing is open" "| 0 late writes in every cell | open | 1 of 4 cells ran |"
check "the fence step target judged" "| the fence step under 1 s | met | longest 0.60 s over 1 cells |"
check "the SBD margin judged where both ran" "debian/stall +11.2 s"
if command -v gnuplot >/dev/null; then
    if [[ -s $dir/failover.png ]]; then echo "PASS: the plot"; else echo "FAIL: no failover.png"; rc=1; fi
fi
# The README's headline table is what report.py makes of the published
# cells (bench/results/failover/, written by run.sh --publish).
TOP=$(cd "$HERE/../.." && pwd)
mkdir -p "$dir/published" && cp "$TOP/bench/results/failover/cells.txt" "$TOP/bench/results/failover/machine.txt" \
    "$dir/published/" && cp "$TOP/README.md" "$dir/README.md" || { echo "FAIL: cannot copy the published cells"; exit 1; }
if python3 "$HERE/report.py" "$dir/published" --readme "$dir/README.md" >/dev/null &&
    cmp -s "$TOP/README.md" "$dir/README.md"; then
    echo "PASS: README.md's headline table is the published cells'"
else
    echo "FAIL: README.md's headline table differs from the published cells' (bench/failover/run.sh --publish):"
    diff "$TOP/README.md" "$dir/README.md" | head -n 20
    rc=1
fi
exit "$rc"
