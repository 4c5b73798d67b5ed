#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-vm.sh - (guest only) the fencing benchmark, every contender in one VM
# boot so that all share the same emulated CPU. bench/run.sh boots the VM and
# makes the table and plot; the CTest test bench.quick runs this with --quick.
#
# Usage: bench-vm.sh --agent PATH --timer PATH --floor PATH [--scsi-pr PATH]
#                    --out DIR [--quick] [--rounds N] [--hosts "2 16"]
#                    [--devices "1 4 16 64"] [--scsi-devices "1 4 16"]
#                    [--variant NAME=PATH]... [--on-9p] [--aslr]
#                    [--script-rounds-large N] [--no-scsi] [--no-profile] [--report]
#
# For each number of registered hosts H and of namespaces N it builds a
# shared nvmet target (tests/vm/guest/nvmet-target.sh: host1..hostH, each
# with its own /dev/nvmeXnY per namespace), unfences every host with the
# agent, and lets bench_timer run these contenders in rounds (every one once
# per round, untimed set-up and verification around each timed run):
#   agent-off       fence_nvme_pr, stdin as Pacemaker sends it: host1 fences
#                   host2 (pcmk_host_map key), own key from the state `on` saved
#   nvme-cli-off    bench/contenders/nvme-cli-fence.sh (nvme-cli per device)
#   floor-off       bench_floor fence, one thread; floor-off-par: -j;
#                   floor-off-ordered: -j -o (device 1 first, race-safe)
#   agent-on        fence_nvme_pr on for host2 after its key was removed
#   agent-status    fence_nvme_pr status of host2 (registered: exit 0)
#   agent-monitor   fence_nvme_pr monitor
#   NAME-off        for each --variant NAME=PATH: that build of fence_nvme_pr
#                   (bench/run.sh: "packaged", the binary of the .deb,
#                   dynamically linked; "static", -DFENCE_NVME_PR_STATIC=ON),
#                   the same off as agent-off; its --version is calibrated
#                   as NAME-version, and profiled like the agent;
#                   NAME-off-aslr, NAME-version-aslr: the same with address
#                   space layout randomisation (below)
# The nvme-cli script takes minutes per run at 16 and 64 namespaces (four
# nvme processes per namespace, each scanning the whole NVMe topology): there
# it gets --script-rounds-large timed rounds (default 5; the report shows n).
# Quick mode: the script and fence_scsi run once per configuration.
# Every off run starts with the victim registered again and ends with a
# check (bench_floor check) that its key is gone from every namespace.
# Then, on LIO SCSI disks through tcm_loop (lio-target.sh, 2 hosts):
#   scsi-on, scsi-status, scsi-monitor   fence_scsi (Debian fence-agents)
# and once, last, fence_scsi off (it hangs the LIO loopback on this kernel:
# bounded by a timeout, reported in failures.txt). Calibration (bed "exec"):
# the cost of exec'ing a static no-op, /bin/true, dynamically linked no-ops
# (libc; + libstdc++; + Boost.Program_options: bench_noop_*, next to
# bench_floor when built), the agent's --version, nvme-cli, bash and python3. With profiling (default): peak RSS of one off
# under /usr/bin/time -v, instruction counts under callgrind, and the dynamic
# loader's own account of each dynamically linked agent's start
# (LD_DEBUG=statistics of --version, NEEDED libraries: loader.txt).
#
# As installed: before anything is timed, every contender's executable and
# the shared libraries it loads are copied up from the host's root (9p, the
# overlay's lower layer) to the guest's tmpfs (the overlay's upper layer), as
# an installed node has them on a local file system. Over 9p every open() of
# a library is a round trip to the host (cache=loose keeps the pages, not the
# opens), which costs a dynamically linked program milliseconds per library
# that no installed system pays. --on-9p leaves them on 9p (to measure that).
#
# Without ASLR: every timed run starts without address space layout
# randomisation (bench_timer's "aslr off": personality ADDR_NO_RANDOMIZE),
# because under QEMU's software emulation (TCG) a program whose code lands at
# new addresses in every run pays for translating that code again in every
# run, which no CPU does: measured here, the packaged fence_nvme_pr --version
# takes ~143 ms with ASLR and ~45 ms without, the static-pie build's ~100 ms
# and ~32 ms, while the floor (static, not PIE: same addresses every run)
# does not change.
# The cost grows with the code a start runs at random addresses (the dynamic
# loader, libc's and libstdc++'s start-up; a static-pie binary's own code), so
# it would be charged to dynamic linking though real hardware does not pay
# it. The NAME-*-aslr contenders keep ASLR, so both are in every report;
# --aslr keeps it for every contender (as before this option existed).
#
# Results in DIR: raw.csv (one line per run), guest-env.txt, phases.txt,
# rss.txt, callgrind/, loader.txt, failures.txt, commands.log; --report also writes
# results.md and plot.png (bench/report.py).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH=$(cd "$HERE/.." && pwd)
VM_GUEST=$(cd "$BENCH/../tests/vm/guest" && pwd)
NVMET=$VM_GUEST/nvmet-target.sh
LIO=$HERE/lio-target.sh
SCRIPT=$BENCH/contenders/nvme-cli-fence.sh
# shellcheck source=off-bed.sh
source "$HERE/off-bed.sh"

AGENT='' TIMER='' FLOOR='' SCSI_PR='' OUT='' QUICK=0 ROUNDS='' REPORT=0
HOSTS_LIST='2 16' DEVICES_LIST='1 4 16 64' SCSI_DEVICES_LIST='1 4 16' SCSI=1 PROFILE=1
SCRIPT_ROUNDS_LARGE=5 SLOW_ROUNDS='' HOSTS_GIVEN=0 DEVICES_GIVEN=0 ON_9P=0 ASLR=0
VARIANTS=()   # NAME=PATH

# shellcheck source=../../tests/vm/guest/lib.sh
source "$HERE/../../tests/vm/guest/lib.sh"   # fnp_die, fnp_note
FNP_PROG=bench-vm

while (($#)); do
    case $1 in
        --agent) AGENT=$2; shift 2 ;;
        --timer) TIMER=$2; shift 2 ;;
        --floor) FLOOR=$2; shift 2 ;;
        --scsi-pr) SCSI_PR=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --hosts) HOSTS_LIST=$2; HOSTS_GIVEN=1; shift 2 ;;
        --devices) DEVICES_LIST=$2; DEVICES_GIVEN=1; shift 2 ;;
        --scsi-devices) SCSI_DEVICES_LIST=$2; shift 2 ;;
        --variant) VARIANTS+=("$2"); shift 2 ;;
        --on-9p) ON_9P=1; shift ;;
        --aslr) ASLR=1; shift ;;
        --script-rounds-large) SCRIPT_ROUNDS_LARGE=$2; shift 2 ;;
        --no-scsi) SCSI=0; shift ;;
        --no-profile) PROFILE=0; shift ;;
        --report) REPORT=1; shift ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) fnp_die "unknown option $1 (see --help)" ;;
    esac
done
[[ ${FNP_VM:-} == 1 ]] || fnp_die "runs inside the VM test bed only (use bench/run.sh)"
[[ -x $AGENT && -x $TIMER && -x $FLOOR && -n $OUT ]] || fnp_die "--agent, --timer, --floor (executables) and --out are required"
[[ -n $SCSI_PR ]] || SCSI_PR=$(dirname "$FLOOR")/bench_scsi_pr
for v in "${VARIANTS[@]}"; do
    [[ $v =~ ^[a-z][a-z0-9]*=/ && -x ${v#*=} ]] ||
        fnp_die "--variant $v: want NAME=PATH (NAME lower-case letters and digits, PATH an absolute executable)"
done
WARMUP=1
if ((QUICK)); then
    ((HOSTS_GIVEN)) || HOSTS_LIST=2
    ((DEVICES_GIVEN)) || DEVICES_LIST='1 4'
    SCSI_DEVICES_LIST=1
    ROUNDS=${ROUNDS:-2} WARMUP=0 SLOW_ROUNDS=1
fi
ROUNDS=${ROUNDS:-20}
# Profiled (RSS, callgrind) at the smallest and largest namespace count.
PROFILE_DEVICES=${DEVICES_LIST%% *}
[[ ${DEVICES_LIST##* } == "$PROFILE_DEVICES" ]] || PROFILE_DEVICES+=" ${DEVICES_LIST##* }"
((QUICK)) && PROFILE_DEVICES=${DEVICES_LIST%% *}

mkdir -p "$OUT" /run/bench || fnp_die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
WORK=/run/bench
# The contenders' stdout and stderr go to the guest's tmpfs (as to the pipe
# a parent such as Pacemaker reads), not to OUT, which may be a host
# directory shared over 9p where every write is a round trip to the host;
# copied to OUT at the end.
CSV=$OUT/raw.csv LOG=$WORK/commands.log PHASES=$OUT/phases.txt FAILURES=$OUT/failures.txt
echo "bed,hosts,ndev,contender,round,wall_us,rc,verify_rc,status,maxrss_kb,utime_us,stime_us,minflt,nvcsw,nivcsw" >"$CSV"
: >"$LOG"
: >"$PHASES"
: >"$FAILURES"
trap 'cp "$LOG" "$OUT/commands.log"' EXIT

# Plan lines that start a contender: timed without ASLR unless --aslr (see
# the header); contender_aslr NAME: with ASLR whatever --aslr says.
contender() { echo "contender $1"; ((ASLR)) || echo "aslr off"; }
contender_aslr() { echo "contender $1"; }

# "static" or "dynamic (NEEDED: ...)" for an ELF file.
file_kind() {
    local needed
    needed=$(readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd' ')
    [[ -n $needed ]] && echo "dynamic, NEEDED: $needed" || echo "static"
}

# As installed (see the header): every contender's program and libraries.
if ((!ON_9P)); then
    loaded_files "$AGENT" "${VARIANTS[@]#*=}" "$TIMER" "$FLOOR" "$SCSI_PR" "$SCRIPT" nvme bash \
        "$(dirname "$FLOOR")"/bench_noop_* \
        | sort -u | copy_up
    echo /etc/ld.so.cache | copy_up
fi

# The guest's TSC rate, read now: later kernel messages (LIO's) can push the
# boot messages out of the ring buffer.
TSC_MHZ=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p; s/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -n1)

# nvme-cli 3 renamed resv-report & co.: the contender script's spelling, found
# once here so that its timed runs do not pay for it.
NVME_RESV_SPELLING=$("$SCRIPT" --spelling)
export NVME_RESV_SPELLING

# --- environment --------------------------------------------------------------
{
    echo "guest_kernel: $(uname -r)"
    echo "guest_cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1) ($(nproc) vCPUs, $(awk '/MemTotal/ {printf "%d MB", $2/1024}' /proc/meminfo))"
    echo "qemu: $(qemu-system-x86_64 --version 2>/dev/null | head -n1)"
    echo "agent: $("$AGENT" --version 2>&1 | head -n1) ($AGENT)"
    for v in "${VARIANTS[@]}"; do
        echo "variant_${v%%=*}: $("${v#*=}" --version 2>&1 | head -n1) (${v#*=}; $(file_kind "${v#*=}"))"
    done
    echo "binaries: $( ((ON_9P)) && echo "on 9p (--on-9p)" || echo "copied up to the guest's tmpfs (as installed)")"
    echo "aslr: $( ((ASLR)) && echo "on for every contender (--aslr)" || echo "off for the timed runs except the *-aslr contenders")"
    echo "nvme_cli: $(nvme version 2>&1 | head -n1) (reservation commands spelled: $NVME_RESV_SPELLING)"
    echo "fence_agents: $(dpkg-query -W -f='${Version}' fence-agents 2>/dev/null)"
    echo "sg3_utils: $(dpkg-query -W -f='${Version}' sg3-utils 2>/dev/null)"
    echo "rounds: $ROUNDS (+$WARMUP warm-up)"
    echo "mode: $( ((QUICK)) && echo quick || echo full)"
} >"$OUT/guest-env.txt"

# phase NAME: a line "NAME start|end EPOCH LOAD1" in phases.txt, so the
# report can show the (guest) load and bench/run.sh the host's during it.
phase() { printf '%s %s %s %s\n' "$1" "$2" "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)" >>"$PHASES"; }

# timer TAG PLAN [ROUNDS]
timer() {
    phase "$1" start
    "$TIMER" --rounds "${3:-$ROUNDS}" --warmup "$WARMUP" --timeout 600 --tag "$1" --csv "$CSV" --log "$LOG" "$2"
    local rc=$?
    phase "$1" end
    return $rc
}

# --- calibration: what an exec costs ------------------------------------------
calibrate() {
    local plan=$WORK/plan-exec
    {
        contender "exec-static-noop"; echo "run $FLOOR noop"
        contender "exec-true"; echo "run /bin/true"
        # The dynamically linked no-ops, if built (bench/CMakeLists.txt).
        local noop
        for noop in dynamic cxx boost; do
            [[ -x $(dirname "$FLOOR")/bench_noop_$noop ]] || continue
            contender "exec-noop-$noop"; echo "run $(dirname "$FLOOR")/bench_noop_$noop"
        done
        contender "agent-version"; echo "run $AGENT --version"
        for v in "${VARIANTS[@]}"; do
            contender "${v%%=*}-version"; echo "run ${v#*=} --version"
            ((ASLR)) || { contender_aslr "${v%%=*}-version-aslr"; echo "run ${v#*=} --version"; }
        done
        contender "nvme-cli-version"; echo "run nvme version"
        contender "bash-noop"; echo "run /bin/bash -c :"
        contender "python3-noop"; echo "run python3 -c pass"
    } >"$plan"
    timer exec,0,0 "$plan"
}

# --- NVMe: nvmet over nvme-loop ---------------------------------------------------
nvme_config() {
    local hosts=$1 n=$2 h tag=nvme,$1,$2
    fnp_note "NVMe: $hosts hosts, $n namespaces"
    "$NVMET" setup --hosts "$hosts" --namespaces "$n" --size-mb 1 >/dev/null || fnp_die "nvmet setup failed"
    rm -rf "$WORK"/node*
    # Every host unfences itself with the agent (saves its key under its store).
    for ((h = 1; h <= hosts; h++)); do
        devs_of "host$h"
        mkdir -p "$WORK/node$h"
        "$AGENT" -q -o on -n "$(printf '0x%x' "$h")" -d "$COMMA" -s "$WORK/node$h" ||
            fnp_die "host$h could not unfence on $n namespaces"
    done
    devs_of host1; local d1c=$COMMA d1s=$SPACE
    devs_of host2; local d2c=$COMMA d2s=$SPACE
    printf 'action=off\nnodename=node2\nport=0x2\ndevices=%s\nstore_path=%s\n' "$d1c" "$WORK/node1" >"$WORK/off.in"
    printf 'action=on\nnodename=node2\nport=0x2\ndevices=%s\nstore_path=%s\n' "$d2c" "$WORK/node2" >"$WORK/on.in"
    printf 'action=status\nnodename=node2\nport=0x2\ndevices=%s\nstore_path=%s\n' "$d1c" "$WORK/node1" >"$WORK/status.in"
    printf 'action=monitor\ndevices=%s\nstore_path=%s\n' "$d1c" "$WORK/node1" >"$WORK/monitor.in"
    local reregister="setup $FLOOR register 0x2 $d2s" gone="verify $FLOOR check absent 0x2 $d1s"
    local script_rounds=${SLOW_ROUNDS:-$ROUNDS}
    ((n >= 16 && SCRIPT_ROUNDS_LARGE < script_rounds)) && script_rounds=$SCRIPT_ROUNDS_LARGE
    {
        contender "agent-off"; echo "$reregister"; echo "stdin $WORK/off.in"; echo "run $AGENT"; echo "$gone"
        for v in "${VARIANTS[@]}"; do
            contender "${v%%=*}-off"; echo "$reregister"; echo "stdin $WORK/off.in"; echo "run ${v#*=}"; echo "$gone"
            ((ASLR)) && continue
            contender_aslr "${v%%=*}-off-aslr"; echo "$reregister"; echo "stdin $WORK/off.in"; echo "run ${v#*=}"
            echo "$gone"
        done
        contender "nvme-cli-off"; echo "rounds $script_rounds"; echo "$reregister"
        echo "run $SCRIPT 0x1 0x2 $d1s"; echo "$gone"
        contender "floor-off"; echo "$reregister"; echo "run $FLOOR fence 0x1 0x2 $d1s"; echo "$gone"
        contender "floor-off-par"; echo "$reregister"; echo "run $FLOOR fence -j 0x1 0x2 $d1s"; echo "$gone"
        contender "floor-off-ordered"; echo "$reregister"; echo "run $FLOOR fence -j -o 0x1 0x2 $d1s"; echo "$gone"
        contender "agent-on"; echo "setup $FLOOR unregister 0x2 $d2s"; echo "stdin $WORK/on.in"; echo "run $AGENT"
        echo "verify $FLOOR check present 0x2 $d2s"
        contender "agent-status"; echo "$reregister"; echo "stdin $WORK/status.in"; echo "run $AGENT"
        contender "agent-monitor"; echo "stdin $WORK/monitor.in"; echo "run $AGENT"
    } >"$WORK/plan-$tag"
    timer "$tag" "$WORK/plan-$tag"
    "$NVMET" teardown || fnp_die "nvmet teardown failed"
}

# --- profile: peak RSS (GNU time) and instructions (callgrind) of one off ---------
# After every timed run: valgrind cannot name objects read through the
# overlay over 9p, so the files it profiles are first copied up to the
# overlay's tmpfs (touch), which would change later timings under --on-9p.
profile() {
    local n dir=$OUT/callgrind what d1s d2s v
    local -a variant_names=()
    for v in "${VARIANTS[@]}"; do variant_names+=("${v%%=*}"); done
    mkdir -p "$dir"
    printf '%s\n' "$AGENT" "$FLOOR" | copy_up
    loaded_files "$AGENT" "${VARIANTS[@]#*=}" | sort -u | copy_up
    loader_statistics
    for n in $PROFILE_DEVICES; do
        fnp_note "profile: $n namespaces"
        off_bed "$AGENT" "$n"
        d1s=$OFF_D1S d2s=$OFF_D2S
        "$FLOOR" register 0x2 $d2s || fnp_die "cannot register the victim"
        {
            echo "== fence_nvme_pr off, $n namespaces: /usr/bin/time -v"
            /usr/bin/time -v "$AGENT" <"$WORK/off.in" 2>&1
            echo "exit: $?"
        } >>"$OUT/rss.txt"
        if command -v valgrind >/dev/null; then
            local -a whats=(agent-off floor-off agent-version)
            for v in "${variant_names[@]}"; do whats+=("$v-off" "$v-version"); done
            ((QUICK)) && whats=(agent-off)
            for what in "${whats[@]}"; do
                [[ $what == *-version && $n != "${PROFILE_DEVICES%% *}" ]] && continue
                "$FLOOR" register 0x2 $d2s || fnp_die "cannot register the victim"
                local -a cmd=("$AGENT")
                [[ $what == floor-off ]] && cmd=("$FLOOR" fence -j 0x1 0x2 $d1s)
                [[ $what == agent-version ]] && cmd=("$AGENT" --version)
                for v in "${VARIANTS[@]}"; do
                    [[ $what == "${v%%=*}-off" ]] && cmd=("${v#*=}")
                    [[ $what == "${v%%=*}-version" ]] && cmd=("${v#*=}" --version)
                done
                valgrind --tool=callgrind --callgrind-out-file="$dir/$what.$n.out" "${cmd[@]}" \
                    <"$WORK/off.in" >>"$LOG" 2>"$dir/$what.$n.log"
                echo "$what $n exit $?" >>"$dir/exit-status.txt"
            done
        else
            fnp_note "no valgrind: no instruction counts"
        fi
        "$NVMET" teardown || fnp_die "nvmet teardown failed"
    done
}

# The dynamic loader's account of each dynamically linked agent's start
# (glibc's LD_DEBUG=statistics, in TSC cycles; the guest's TSC rate to turn
# them into time): 10 runs of --version each, after the timed runs, started
# by bench_timer (static: no statistics of its own), without ASLR as the
# timed runs and, as NAME-aslr, with it.
loader_statistics() {
    local name path aslr f
    local plan=$WORK/plan-loader stats=$WORK/ld-stat
    rm -rf "$stats"
    mkdir -p "$stats"
    {
        echo "tsc_mhz: $TSC_MHZ"
        for v in "agent=$AGENT" "${VARIANTS[@]}"; do
            for aslr in 0 1; do
                ((aslr == 0 && ASLR)) && continue
                name=${v%%=*} path=${v#*=}
                ((aslr)) && name+=-aslr
                echo "== $name $path"
                echo "kind: $(file_kind "$path")"
                [[ $(file_kind "$path") == static ]] && continue
                {
                    echo "contender $name"
                    ((aslr)) || echo "aslr off"
                    echo "env LD_DEBUG=statistics"; echo "env LD_DEBUG_OUTPUT=$stats/$name"
                    echo "run $path --version"
                } >"$plan"
                "$TIMER" --rounds 10 --warmup 0 --tag loader --csv /dev/null --log /dev/null "$plan" 2>/dev/null
                for f in "$stats/$name".*; do
                    [[ -f $f ]] || continue
                    sed 's/^ *[0-9]*: *//' "$f" | grep -E 'cycles|relocations'
                    echo "--"
                done
            done
        done
    } >"$OUT/loader.txt"
}

# --- SCSI: LIO through tcm_loop, fence_scsi ---------------------------------------
scsi_config() {
    local n=$1 tag=scsi,2,$1 s1 s2
    fnp_note "SCSI: 2 hosts, $n LUNs"
    "$LIO" setup --hosts 2 --luns "$n" >/dev/null || fnp_die "LIO setup failed"
    s1=$("$LIO" devs host1) s2=$("$LIO" devs host2)
    printf 'action=on\nkey=2\ndevices=%s\n' "$s2" | fence_scsi >>"$LOG" 2>&1 || fnp_die "fence_scsi on (host2) failed"
    printf 'action=on\nkey=1\ndevices=%s\n' "$s1" | fence_scsi >>"$LOG" 2>&1 || fnp_die "fence_scsi on (host1) failed"
    printf 'action=on\nkey=2\ndevices=%s\n' "$s2" >"$WORK/scsi-on.in"
    printf 'action=status\nkey=2\ndevices=%s\n' "$s1" >"$WORK/scsi-status.in"
    printf 'action=monitor\ndevices=%s\n' "$s1" >"$WORK/scsi-monitor.in"
    {
        contender "scsi-on"; echo "setup $SCSI_PR unregister 2 ${s2//,/ }"; echo "stdin $WORK/scsi-on.in"
        echo "run fence_scsi"; echo "verify $SCSI_PR check present 2 ${s1//,/ }"
        contender "scsi-status"; echo "setup $SCSI_PR register 2 ${s2//,/ }"; echo "stdin $WORK/scsi-status.in"
        echo "run fence_scsi"
        contender "scsi-monitor"; echo "stdin $WORK/scsi-monitor.in"; echo "run fence_scsi"
    } >"$WORK/plan-$tag"
    timer "$tag" "$WORK/plan-$tag" "${SLOW_ROUNDS:-$ROUNDS}"
    "$LIO" teardown || fnp_die "LIO teardown failed"
}

# fence_scsi off: preempt-and-abort through tcm_loop. Known to hang; one
# attempt, bounded, then a record of what is stuck. Last thing in the VM.
scsi_off_probe() {
    local s1 s2
    "$LIO" setup --hosts 2 --luns 1 >/dev/null || fnp_die "LIO setup failed"
    s1=$("$LIO" devs host1) s2=$("$LIO" devs host2)
    printf 'action=on\nkey=2\ndevices=%s\n' "$s2" | fence_scsi >>"$LOG" 2>&1
    printf 'action=on\nkey=1\ndevices=%s\n' "$s1" | fence_scsi >>"$LOG" 2>&1
    printf 'action=off\nkey=2\ndevices=%s\n' "$s1" >"$WORK/scsi-off.in"
    {
        contender "scsi-off"; echo "stdin $WORK/scsi-off.in"; echo "run fence_scsi"; echo "timeout 60"
        echo "verify $SCSI_PR check absent 2 $s1"
    } >"$WORK/plan-scsi-off"
    phase scsi-off start
    "$TIMER" --rounds 1 --warmup 0 --tag scsi,2,1 --csv "$CSV" --log "$LOG" "$WORK/plan-scsi-off"
    phase scsi-off end
    {
        echo "fence_scsi off (2 hosts, 1 LUN, LIO fileio through tcm_loop, Linux $(uname -r)):"
        grep '^scsi,2,1,scsi-off,' "$CSV" | awk -F, '{printf "  status %s after %.1f s (exit %s)\n", $9, $6 / 1e6, $7}'
        echo "  processes in uninterruptible sleep afterwards:"
        ps -eo pid,stat,wchan:32,args | awk '$2 ~ /D/ {print "    " $0}'
    } >>"$FAILURES"
}

# --- main -----------------------------------------------------------------------
phase all start
calibrate
for hosts in $HOSTS_LIST; do
    for n in $DEVICES_LIST; do
        nvme_config "$hosts" "$n"
    done
done
if ((SCSI)); then
    for n in $SCSI_DEVICES_LIST; do
        scsi_config "$n"
    done
fi
phase all end
if ((PROFILE)); then
    phase profile start
    profile
    phase profile end
fi
# Any run that failed (other than the fence_scsi off probe below) fails the benchmark.
bad=$(awk -F, 'NR > 1 && $9 != "ok" {n++} END {print n + 0}' "$CSV")
if ((REPORT)); then
    python3 "$BENCH/report.py" "$OUT" || fnp_die "report failed"
    # The harness check of bench.quick: a table row for every configuration
    # and contender, and a plot.
    for hosts in $HOSTS_LIST; do
        for n in $DEVICES_LIST; do
            grep -Eq "^\| $hosts \| $n \| [0-9]" "$OUT/results.md" || fnp_die "results.md: no off row for $hosts hosts, $n namespaces"
        done
    done
    [[ $(head -c 8 "$OUT/plot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
        fnp_die "no PNG plot in $OUT"
fi
# The off probe leaves a process stuck in the kernel: nothing may follow it.
if ((SCSI && !QUICK)); then
    scsi_off_probe
fi
if ((bad)); then
    fnp_note "$bad run(s) failed or could not be verified (see $CSV and $LOG)"
    exit 1
fi
fnp_note "done: $OUT"
exit 0
