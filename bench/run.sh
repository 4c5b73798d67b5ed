#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run.sh - the fencing benchmark from a clean clone, one command:
# installs what is missing, builds the agent and the benchmark programs,
# boots one VM (tests/vm) that runs every contender, and writes the table
# (results.md) and the plot (plot.png) to the results directory.
#
# Usage: bench/run.sh [--quick] [--out DIR] [--build DIR] [--rounds N]
#                     [--variants LIST] [--deb PATH]
#                     [--publish] [-- EXTRA bench-vm.sh OPTIONS]
#   --quick    a few rounds, 1 and 4 namespaces, 2 hosts (a couple of minutes)
#   --out      results directory (default BUILD/bench-results[-quick])
#   --build    CMake build directory (default ./build)
#   --rounds   timed rounds per contender (default 20; quick 3)
#   --variants builds of fence_nvme_pr measured beside this build's own
#              (contender agent-off), space- or comma-separated, any of:
#                packaged  /usr/sbin/fence_nvme_pr of the .deb (dynamically
#                          linked, dpkg-buildflags), extracted with dpkg-deb -x
#                          into BUILD/agent-packaged; contender packaged-off
#                static    -DFENCE_NVME_PR_STATIC=ON, built in
#                          BUILD/agent-static; contender static-off
#              default "packaged static"; with --quick none; "" for none
#   --deb      the .deb for "packaged" (implies it), e.g. one already built:
#              build/packages/fence-nvme-pr_0.1.0-1_amd64.deb. Without it,
#              "packaged" builds one first with packaging/build-packages.sh
#              deb (DEB_BUILD_OPTIONS=nocheck unless set; lintian and
#              hardening-check included; ~7 min on a quiet machine here)
#   --publish  also copy results.md and plot.png to bench/results/
# Anything after "--" goes to bench/guest/bench-vm.sh (e.g. --devices "1 4",
# --hosts 2, --no-scsi, --no-profile, --on-9p).
#
# The guest sees the host's root read-only over 9p (tests/vm), so the
# extracted package's binary finds the host's libraries where an installed
# package finds them (the package's Depends are the build's own libraries);
# bench-vm.sh copies the programs and libraries up to the guest's tmpfs
# before timing, as on an installed node (see its header).
#
# The machine's load matters (the VM is emulated): run.sh samples the host's
# load average every 10 s while the VM runs and puts it in the report.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
quick=0 out='' build=$top/build rounds='' publish=0 variants=default deb=''
extra=()
while (($#)); do
    case $1 in
        --quick) quick=1; shift ;;
        --out) out=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --publish) publish=1; shift ;;
        --variants) variants=$2; shift 2 ;;
        --deb) deb=$2; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p "$build"
build=$(cd "$build" && pwd)
[[ -n $out ]] || out=$build/bench-results$( ((quick)) && echo -quick || :)
if [[ $variants == default ]]; then
    variants='packaged static'
    ((quick)) && variants=''
fi
variants=${variants//,/ }
[[ -n $deb && " $variants " != *" packaged "* ]] && variants+=' packaged'
for v in $variants; do
    [[ $v == packaged || $v == static ]] || { echo "bench/run.sh: unknown variant '$v' (packaged, static)" >&2; exit 2; }
done
if [[ -n $deb ]]; then
    [[ -f $deb ]] || { echo "bench/run.sh: --deb $deb: no such file" >&2; exit 2; }
    deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
fi

"$top/packaging/install-deps.sh" test
jobs=$(nproc)
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs" --target fence_nvme_pr
agent=$build/fence_agent/fence_nvme_pr
# The benchmark programs: part of the main build once bench/ is a
# subdirectory of it, else built on their own.
if cmake --build "$build" -j "$jobs" --target bench_timer bench_floor bench_scsi_pr \
        bench_noop_dynamic bench_noop_cxx bench_noop_boost >/dev/null 2>&1; then
    tools=$build/bench
else
    cmake -S "$top/bench" -B "$build/bench-standalone" >/dev/null
    cmake --build "$build/bench-standalone" -j "$jobs"
    tools=$build/bench-standalone
fi

# The other builds of the agent (--variants).
variant_args=()
for v in $variants; do
    case $v in
    static)
        cmake -S "$top" -B "$build/agent-static" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DFENCE_NVME_PR_STATIC=ON -DBUILD_TESTING=OFF >/dev/null
        cmake --build "$build/agent-static" -j "$jobs" --target fence_nvme_pr
        variant_args+=(--variant "static=$build/agent-static/fence_agent/fence_nvme_pr")
        ;;
    packaged)
        if [[ -z $deb ]]; then
            # nocheck: the package's unit tests are not the benchmark's
            # business (the binaries are the same; DEB_BUILD_OPTIONS from
            # the environment wins).
            DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-nocheck} "$top/packaging/build-packages.sh" deb
            deb=$(ls "$top"/build/packages/fence-nvme-pr_*_*.deb)
        fi
        rm -rf "$build/agent-packaged"
        dpkg-deb -x "$deb" "$build/agent-packaged"
        variant_args+=(--variant "packaged=$build/agent-packaged/usr/sbin/fence_nvme_pr")
        ;;
    esac
done

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
accel="TCG software emulation"
[[ -r /dev/kvm && -w /dev/kvm ]] && accel=KVM
{
    echo "host_cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1) ($(nproc) CPUs)"
    echo "host_kernel: $(uname -r)"
    echo "qemu: $(qemu-system-x86_64 --version | head -n1)"
    echo "accel: $accel"
    echo "git: $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
    [[ -n $deb ]] && echo "deb: $deb ($(stat -c %y "$deb" | cut -d. -f1))"
    echo "started: $(date -u +%FT%TZ); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/host-env.txt"

# Host load sampler: "EPOCH LOAD1 QEMU_PROCESSES" every 10 s.
sample_load() {
    while :; do
        # pgrep prints 0 and fails when nothing matches. The kernel cuts
        # process names to 15 characters: qemu-system-x86_64 is qemu-system-x86.
        printf '%s %s %s\n' "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)" \
            "$(pgrep -c -x qemu-system-x86 || true)"
        sleep 10
    done >>"$out/host-load.txt"
}
sample_load &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT

args=(--agent "$agent" --timer "$tools/bench_timer" --floor "$tools/bench_floor" --scsi-pr "$tools/bench_scsi_pr"
      --out "$out" "${variant_args[@]}")
((quick)) && args+=(--quick)
[[ -n $rounds ]] && args+=(--rounds "$rounds")
timeout=14400
((quick)) && timeout=600
rc=0
"$top/tests/vm/run-vm.sh" --timeout "$timeout" --rw "$out" -- "$top/bench/guest/bench-vm.sh" "${args[@]}" "${extra[@]}" ||
    rc=$?
kill "$sampler" 2>/dev/null || true
[[ -s $out/raw.csv ]] || { echo "bench/run.sh: the VM produced no results (exit $rc)" >&2; exit 1; }

# Host load during the run: min / median / max of the samples, and how many
# QEMU processes (ours included) were running.
if [[ -s $out/host-load.txt ]]; then
    awk 'NF == 3' "$out/host-load.txt" | sort -n -k2 | awk '{l[NR] = $2; q = ($3 > q ? $3 : q)}
        END {printf "host_load: min %s, median %s, max %s\nother_qemu: up to %d besides ours\n", l[1], l[int((NR + 1) / 2)], l[NR], q - 1}' \
        >>"$out/host-env.txt"
fi
echo "finished: $(date -u +%FT%TZ); load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/host-env.txt"
python3 "$top/bench/report.py" "$out"
if ((publish)); then
    mkdir -p "$top/bench/results"
    cp "$out/results.md" "$out/plot.png" "$top/bench/results/"
    echo "bench/run.sh: copied results.md and plot.png to bench/results/"
fi
echo "bench/run.sh: results in $out (VM exit $rc)"
exit "$rc"
