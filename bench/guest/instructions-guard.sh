#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# instructions-guard.sh - (guest only) the instruction-count guard of the
# benchmark (issue 21): one `off` of the packaged fence_nvme_pr under
# valgrind --tool=callgrind at 1 and 64 namespaces, against the counts kept
# in bench/instructions-baseline.txt. Instruction counts are deterministic,
# so this catches a real regression of our code where the timed benchmark,
# under emulation and on a shared machine, cannot.
#
# Usage: instructions-guard.sh (--deb DEB | --deb-dir DIR) --floor PATH
#                              (--baseline FILE | --update FILE)
#   --deb       the .deb whose /usr/sbin/fence_nvme_pr is measured (the
#               binary the benchmark's "packaged" contender runs; extracted
#               with dpkg-deb -x to the guest's tmpfs, as installed)
#   --deb-dir   the directory with exactly one fence-nvme-pr_*.deb (CTest:
#               build/packages/ of package.build_deb)
#   --floor     bench_floor (registers the victim again, checks it is gone)
#   --baseline  the counts to compare with
#   --update    measure and write the counts to FILE instead of comparing;
#               bench/instructions-guard.sh --update makes the baseline of
#               them (with the commit, the package and its libraries)
#
# The same bed as the benchmark's callgrind profile (bench-vm.sh profile,
# off-bed.sh): nvmet over nvme-loop, 2 hosts, both unfenced, host1 fences
# host2 with the parameters on stdin as Pacemaker sends them (and
# power_timeout=600: valgrind under emulation is slow). The count is
# callgrind's total Ir: every instruction from the dynamic loader's first to
# exit, all threads. Each off must exit 0 and leave host2's key on no
# namespace, else nothing is compared.
#
# Verdict, one line per namespace count:
#   more than 10% above the baseline   FAIL, exit 1
#   more than 10% below                "improved", with the command that
#                                      updates the baseline; exit 0
#   otherwise                          ok, exit 0
# Exit 2: bad usage, no valgrind, no or a malformed baseline, or an off that
# could not be set up, failed, or did not fence (one "ERROR:" line).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NVMET=$(cd "$HERE/../../tests/vm/guest" && pwd)/nvmet-target.sh
WORK=/run/instructions-guard
# shellcheck source=off-bed.sh
source "$HERE/off-bed.sh"

readonly DEVICES='1 64' LIMIT_PERCENT=10 POWER_TIMEOUT=600
readonly UPDATE_COMMAND='bench/instructions-guard.sh --update'

die() { echo "instructions-guard: ERROR: $*" >&2; exit 2; }

deb='' deb_dir='' floor='' baseline='' update=''
while (($#)); do
    case $1 in
        --deb) deb=$2; shift 2 ;;
        --deb-dir) deb_dir=$2; shift 2 ;;
        --floor) floor=$2; shift 2 ;;
        --baseline) baseline=$2; shift 2 ;;
        --update) update=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ ${FNP_VM:-} == 1 ]] || die "runs inside the VM test bed only (bench/instructions-guard.sh boots it)"
if [[ -n $deb_dir ]]; then
    debs=("$deb_dir"/fence-nvme-pr_*.deb)
    [[ -f ${debs[0]} && ${#debs[@]} -eq 1 ]] || die "not exactly one fence-nvme-pr_*.deb in $deb_dir"
    deb=${debs[0]}
fi
[[ -f $deb ]] || die "--deb or --deb-dir: no package to measure"
[[ -x $floor ]] || die "--floor: bench_floor is required"
[[ -n $update || -r $baseline ]] || die "no baseline $baseline (make one with $UPDATE_COMMAND)"
command -v valgrind >/dev/null || die "no valgrind: no instruction counts"

rm -rf "$WORK"
mkdir -p "$WORK/pkg" "$WORK/callgrind"
trap '"$NVMET" teardown >/dev/null 2>&1' EXIT
dpkg-deb -x "$deb" "$WORK/pkg" || die "cannot extract $deb"
agent=$WORK/pkg/usr/sbin/fence_nvme_pr
[[ -x $agent ]] || die "$deb has no /usr/sbin/fence_nvme_pr"
# As the benchmark profiles: the libraries copied up to the guest's tmpfs.
loaded_files "$agent" "$floor" | sort -u | copy_up

# count N: measured[N], the instructions of one off on N namespaces.
# power_timeout: under callgrind and emulation on a busy machine, an off on
# 64 namespaces can take longer than the default 20 s; a deadline that
# passes would change what is counted (the same for baseline and check).
declare -A measured
count() {
    local n=$1 out=$WORK/callgrind/off.$1.out rc t0=$SECONDS t1
    off_bed "$agent" "$n"
    echo "power_timeout=$POWER_TIMEOUT" >>"$WORK/off.in"
    t1=$SECONDS
    # shellcheck disable=SC2086 # the device lists are split on purpose
    "$floor" register 0x2 $OFF_D2S || die "cannot register the victim"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$agent" <"$WORK/off.in" \
        >"$WORK/off.$n.stdout" 2>"$WORK/off.$n.stderr"
    rc=$?
    ((rc == 0)) || die "off on $n namespaces under callgrind exited $rc: $(grep -v '^==' "$WORK/off.$n.stderr" | tail -n 1)"
    # shellcheck disable=SC2086
    "$floor" check absent 0x2 $OFF_D1S || die "off on $n namespaces exited 0 but host2 is still registered"
    echo "instructions-guard: off, $n namespace(s): bed $((t1 - t0)) s, callgrind $((SECONDS - t1)) s" >&2
    "$NVMET" teardown || die "nvmet teardown failed"
    measured[$n]=$(sed -n 's/^totals: *\([0-9][0-9]*\).*/\1/p' "$out")
    [[ -n ${measured[$n]} ]] || die "no totals line in $out"
}

for n in $DEVICES; do
    count "$n"
done

if [[ -n $update ]]; then
    {
        echo "guest_kernel: $(uname -r)"
        for n in $DEVICES; do echo "off.$n: ${measured[$n]}"; done
    } >"$update" || die "cannot write $update"
    sed 's/^/instructions-guard: /' "$update"
    exit 0
fi

base_commit=$(sed -n 's/^commit: *//p' "$baseline")
worst=0
for n in $DEVICES; do
    base=$(sed -n "s/^off\\.$n: *\\([0-9][0-9]*\\) *\$/\\1/p" "$baseline")
    [[ -n $base ]] || die "$baseline has no line 'off.$n: COUNT' (make one with $UPDATE_COMMAND)"
    # verdict: 1 above the limit, 0 within, -1 below; the line that says so.
    read -r verdict line < <(awk -v m="${measured[$n]}" -v b="$base" -v n="$n" -v lim="$LIMIT_PERCENT" \
        -v c="$base_commit" -v upd="$UPDATE_COMMAND" 'BEGIN {
        p = (m - b) * 100 / b
        what = sprintf("one packaged off on %d namespace%s: %d instructions, baseline %d (commit %s): %+.1f%%",
                       n, n == 1 ? "" : "s", m, b, c, p)
        if (p > lim) printf "1 FAIL: %s, more than +%d%%\n", what, lim
        else if (p < -lim) printf "-1 improved: %s; update the baseline with %s\n", what, upd
        else printf "0 ok: %s (limit +%d%%)\n", what, lim }')
    echo "instructions-guard: $line"
    ((verdict > worst)) && worst=$verdict
done
exit "$worst"
