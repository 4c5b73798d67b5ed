#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-vm.sh - run a command as root in a throw-away QEMU VM with a recent kernel.
#
# Usage: run-vm.sh [OPTIONS] -- COMMAND [ARGS...]
#
# The guest sees the host's whole file system read-only through 9p, with a
# tmpfs overlay on top (writes vanish at power-off), private /run and /dev, the kernel modules of the cached kernel, configfs mounted and the
# NVMe modules (nvme-core with multipath=N, nvme-fabrics, nvmet, nvme-loop)
# loaded. COMMAND runs with cwd = the caller's cwd, a minimal environment
# (PATH, HOME, TERM, LANG, FNP_VM=1, FNP_VM_DIR=<this dir>, FNP_VM_RUN) and
# stdin from /dev/null. The guest console goes to stdout.
#
# Options:
#   --timeout SEC     power the VM off after SEC seconds (default 300)
#   --rw DIR          share host DIR read-write at the same path (repeatable)
#   --ro DIR          share host DIR read-only at the same path (repeatable)
#   --root DIR        the guest's root is DIR (e.g. a Debian 13 userland from
#                     fetch-root.sh) instead of the host's /; the repository
#                     of this script and the kernel directory are shared in
#                     read-only at their host paths, more with --ro
#   --env NAME=VALUE  add to COMMAND's environment (repeatable)
#   --mem MB          guest memory (default 2048)
#   --smp N           guest CPUs (default 2)
#   --log FILE        also save the raw console log to FILE
#   --verbose         show all kernel messages (default: warnings and worse)
#   --interactive     attach the terminal to the guest console (COMMAND's
#                     stdin); Ctrl-A X quits QEMU
#   --keep            keep the run directory (path printed on stderr)
#
# Other kernels and a network (the compatibility tests, tests/compat):
#   --kernel-suite SUITE  boot the kernel of Debian SUITE (fetch-kernel.sh
#                     --suite SUITE) instead of unstable's; the userland is
#                     the host's either way
#   --multipath Y|N|default  nvme_core.multipath (default N); "default"
#                     leaves it to the kernel (Y in Debian's kernels)
#   --netdev SPEC     a virtio-net NIC on QEMU network backend SPEC, e.g.
#                     stream,server=on,addr.type=unix,addr.path=/tmp/x.sock
#                     (or server=off to connect); only loopback or unix
#                     sockets: nothing may leave the machine. Repeatable: the
#                     Nth is the guest's eth<N-1>, QEMU's netdev fnpnet<N-1>
#   --net-addr A/P    IPv4 address of a NIC in the guest: the Nth --net-addr
#                     is the Nth --netdev's; "none" leaves that NIC up
#                     without an address
#   --monitor PATH    the QEMU monitor (HMP) on unix socket PATH, for a test
#                     that pauses the VM (stop/cont) or cuts a link
#                     (set_link fnpnet0 off); default: no monitor
#   --append TEXT     extra kernel command line
#
# Exit status: COMMAND's exit status; 124 on timeout; 125 when the VM
# itself failed (QEMU or kernel unavailable, kernel panic, guest setup
# failure, no status reported, the guest not booting: see watch_boot).
# Errors are one "run-vm: ERROR:" line.
#
# Environment: FENCE_NVME_PR_CACHE (see fetch-kernel.sh), FENCE_NVME_PR_QEMU
# (QEMU binary, default qemu-system-x86_64), FENCE_NVME_PR_ACCEL (auto, the
# default, kvm or tcg: see accel.sh), FENCE_NVME_PR_TCG_THREAD (multi, the
# default, or single: see build_qemu_args).
set -euo pipefail

readonly PROG=run-vm
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly QEMU=${FENCE_NVME_PR_QEMU:-qemu-system-x86_64}
# shellcheck disable=SC2034 # used by accel.sh
readonly CACHE=${FENCE_NVME_PR_CACHE:-/var/cache/fence-nvme-pr}
# Boot watch (watch_boot): seconds from QEMU's start until the guest shows a
# sign of life (a kernel console line or the first line of its /init), and
# until it is ready to run the command. Measured on this 2-core host under
# TCG: /init after ~22 s of guest uptime and ready after ~44 s (66 s wall
# time) with a load average of 20; with a load near 30 (seven developers'
# builds and VMs) /init came later than 60 s. The TCG limits leave room for
# that, as CI must not fail for a busy machine, and still end a silent guest
# in 2 minutes instead of at the test's timeout (15 min for the cluster
# tests). Under KVM a healthy guest boots in seconds, and a KVM that cannot
# run it (accel.sh) is usually reported by QEMU at once; the KVM limits only
# catch a silent hang, within 15 s.
# FNP_VM_TCG_LIFE_LIMIT (seconds, 5-600) replaces the TCG sign-of-life limit:
# for tests/compat/accel-fallback.sh, whose silent-guest check would wait the
# full 120 s of CI time otherwise; the mechanism is the same.
TCG_LIFE_LIMIT=120
if [[ -n ${FNP_VM_TCG_LIFE_LIMIT:-} ]]; then
    [[ $FNP_VM_TCG_LIFE_LIMIT =~ ^[0-9]{1,3}$ ]] && ((FNP_VM_TCG_LIFE_LIMIT >= 5 && FNP_VM_TCG_LIFE_LIMIT <= 600)) || {
        echo "run-vm: ERROR: FNP_VM_TCG_LIFE_LIMIT must be 5-600 seconds, not '$FNP_VM_TCG_LIFE_LIMIT'" >&2
        exit 125
    }
    TCG_LIFE_LIMIT=$FNP_VM_TCG_LIFE_LIMIT
fi
readonly TCG_LIFE_LIMIT TCG_READY_LIMIT=300 KVM_LIFE_LIMIT=15 KVM_READY_LIMIT=60

TIMEOUT=300 MEM=2048 SMP=2 LOG_COPY='' VERBOSE=0 INTERACTIVE=0 KEEP=0
KERNEL_SUITE=unstable MULTIPATH=N EXTRA_APPEND='' MONITOR=''
NETDEVS=() NET_ADDRS=()
RW_DIRS=() GUEST_ENV=() CMD=()
ROOT_DIR=/ RO_DIRS=()
RUN_DIR='' QEMU_PID='' TAIL_PID='' NONCE='' START=0 BOOT_FAIL='' KVM_FAIL=''

# shellcheck source=guest/lib.sh
source "$HERE/guest/lib.sh"  # fnp_note, fnp_die, fnp_usage
FNP_PROG=$PROG FNP_DIE_STATUS=125
# shellcheck source=accel.sh
source "$HERE/accel.sh"

parse_args() {
    while (($#)); do
        case $1 in
            --timeout) TIMEOUT=${2:?}; shift 2 ;;
            --rw) RW_DIRS+=("$(cd "${2:?}" && pwd -P)") || fnp_die "--rw: no such directory: $2"; shift 2 ;;
            --ro) RO_DIRS+=("$(cd "${2:?}" && pwd -P)") || fnp_die "--ro: no such directory: $2"; shift 2 ;;
            --root)
                ROOT_DIR=$(cd "${2:?}" && pwd -P) || fnp_die "--root: no such directory: $2"
                [[ -x $ROOT_DIR/bin/bash ]] || fnp_die "--root: $ROOT_DIR has no /bin/bash"
                shift 2 ;;
            --env) [[ ${2:-} == [A-Za-z_]*=* ]] || fnp_die "--env wants NAME=VALUE"; GUEST_ENV+=("$2"); shift 2 ;;
            --mem) MEM=${2:?}; shift 2 ;;
            --smp) SMP=${2:?}; shift 2 ;;
            --log) LOG_COPY=${2:?}; shift 2 ;;
            --verbose) VERBOSE=1; shift ;;
            --interactive) INTERACTIVE=1; shift ;;
            --keep) KEEP=1; shift ;;
            --kernel-suite|--multipath|--netdev|--net-addr|--append|--monitor)
                parse_compat_option "$1" "${2-}"; shift 2 ;;
            -h|--help) fnp_usage; exit 0 ;;
            --) shift; CMD=("$@"); break ;;
            *) fnp_die "unknown option $1 (see --help)" ;;
        esac
    done
    ((${#CMD[@]})) || fnp_die "no command given (usage: run-vm.sh [OPTIONS] -- COMMAND [ARGS...])"
    [[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || fnp_die "--timeout wants a positive number of seconds"
}

# The options of the compatibility tests (other kernels, a network).
parse_compat_option() {
    local opt=$1 value=$2
    case $opt in
        --kernel-suite)
            [[ $value =~ ^[a-z][a-z0-9-]*$ ]] || fnp_die "--kernel-suite wants a Debian suite name"
            KERNEL_SUITE=$value ;;
        --multipath)
            [[ $value == @(Y|N|default) ]] || fnp_die "--multipath wants Y, N or default"
            MULTIPATH=$value ;;
        --netdev)
            # Only sockets on this machine: a unix socket or the loopback address.
            [[ $value == @(stream|socket),* ]] || fnp_die "--netdev wants a stream or socket backend"
            [[ $value == *addr.type=unix* || $value == *127.0.0.1* ]] ||
                fnp_die "--netdev: only unix sockets or 127.0.0.1 (nothing may leave the machine)"
            NETDEVS+=("$value") ;;
        --net-addr)
            [[ $value == none || $value =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$ ]] ||
                fnp_die "--net-addr wants ADDR/PREFIX or none"
            NET_ADDRS+=("$value") ;;
        --monitor)
            [[ -n $value && $value != *,* && -d $(dirname -- "$value") ]] ||
                fnp_die "--monitor wants a socket path (no comma) in an existing directory"
            MONITOR=$value ;;
        --append) EXTRA_APPEND=$value ;;
    esac
}

# The kernel command line: the console, and nvme_core.multipath unless the
# kernel's default is wanted.
kernel_cmdline() {
    local loglevel=$1 line
    line="console=ttyS0 loglevel=$loglevel panic=-1 mitigations=off 8250.nr_uarts=1"
    [[ $MULTIPATH == default ]] || line+=" nvme_core.multipath=$MULTIPATH"
    [[ -z $EXTRA_APPEND ]] || line+=" $EXTRA_APPEND"
    printf '%s\n' "$line"
}

# Append the NICs of --netdev to QEMU_ARGS.
add_net_args() {
    local mac i
    for i in "${!NETDEVS[@]}"; do
        # A MAC per run directory keeps linked guests apart.
        mac=$(printf '52:54:00:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
        QEMU_ARGS+=(-netdev "${NETDEVS[i]},id=fnpnet$i" -device "virtio-net-pci,netdev=fnpnet$i,mac=$mac")
    done
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    [[ -n $QEMU_PID ]] && kill "$QEMU_PID" 2>/dev/null
    [[ -n $TAIL_PID ]] && kill "$TAIL_PID" 2>/dev/null
    if [[ -n $RUN_DIR ]]; then
        if ((KEEP)); then fnp_note "run directory kept: $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
    fi
    return 0
}

# Print "%q"-quoted words separated by spaces.
quote_words() { (($#)) && printf '%q ' "$@"; }

# Fill the run directory shared with the guest: stage2.sh, its config and
# the command script. Passing the command in a file avoids any quoting
# through the kernel command line.
write_run_dir() {
    local kdir=$1 kver
    kver=$(<"$kdir/kver")
    NONCE=$(</proc/sys/kernel/random/uuid)
    cp "$HERE/guest/stage2.sh" "$RUN_DIR/stage2.sh"
    {
        printf 'FNP_NONCE=%q\nFNP_KVER=%q\nFNP_KDIR=%q\nFNP_VM_DIR=%q\n' "$NONCE" "$kver" "$kdir" "$HERE"
        printf 'FNP_INTERACTIVE=%q\nFNP_TERM=%q\n' "$INTERACTIVE" "$( ((INTERACTIVE)) && echo "${TERM:-vt100}" || echo dumb)"
        printf 'FNP_RW_DIRS=(%s)\n' "$(quote_words "${RW_DIRS[@]}")"
        printf 'FNP_ENV=(%s)\n' "$(quote_words "${GUEST_ENV[@]}")"
        printf 'FNP_MULTIPATH=%q\nFNP_NET_ADDR=%q\n' "$MULTIPATH" "${NET_ADDRS[0]:-}"
        printf 'FNP_NET_ADDRS=(%s)\nFNP_NICS=%d\n' "$(quote_words "${NET_ADDRS[@]}")" "${#NETDEVS[@]}"
    } >"$RUN_DIR/config"
    {
        printf 'cd -- %q 2>/dev/null || { echo "run-vm: cwd %q not in the guest, using /"; cd /; }\n' "$PWD" "$PWD"
        printf 'exec %s\n' "$(quote_words "${CMD[@]}")"
    } >"$RUN_DIR/cmd"
}

# The read-only shares (--ro; with --root also this repository and the
# kernel directory $1), without one inside another, listed for
# initramfs-init.sh in the run directory's ro-shares ("TAG PATH" lines).
write_ro_shares() {
    local d i
    local -a all=("${RO_DIRS[@]}")
    [[ $ROOT_DIR == / ]] || all+=("$(cd "$HERE/../.." && pwd -P)" "$(cd "$1" && pwd -P)")
    RO_DIRS=()
    while read -r d; do
        [[ -n $d ]] || continue
        for i in "${RO_DIRS[@]}"; do [[ $d == "$i" || $d == "$i"/* ]] && continue 2; done
        RO_DIRS+=("$d")
    done < <(printf '%s\n' "${all[@]}" | sort -u)
    for i in "${!RO_DIRS[@]}"; do printf 'fnpro%d %s\n' "$i" "${RO_DIRS[i]}"; done >"$RUN_DIR/ro-shares"
}

# Fill the QEMU_ARGS array.
build_qemu_args() {
    local kdir=$1 initrd=$2 loglevel=4 i
    ((VERBOSE)) && loglevel=7
    # accel_choose decided (see accel.sh).
    local accel=$ACCEL
    # Multi-threaded TCG before QEMU 8.1 (Debian 12 has 7.2) has a race
    # between translating and invalidating code: a vCPU can go on running a
    # stale translation holding the temporary int3 that the kernel writes
    # while another CPU patches a jump label. The guest then oopses
    # ("Oops: int3" at a static branch, e.g. in sched_clock_cpu, when the TSC
    # clocksource switch flips static keys ~2 s into boot) and panics: 2 of
    # 82 boots here. QEMU 8.1 fixed it (deba78709a "accel/tcg: Always lock
    # pages before translation"). The panic comes before the guest command
    # starts, so main() boots again (the last retry single-threaded).
    # FENCE_NVME_PR_TCG_THREAD=single
    # avoids the race by running both vCPUs in one host thread, at a price
    # measured on this 2-core host: an off on 64 namespaces 125 ms instead
    # of 113, on one namespace 47 instead of 40 (tests/README.md, test bed); the
    # cluster tests were never run that way, so the default stays multi.
    case ${FENCE_NVME_PR_TCG_THREAD:-multi} in
        multi) ;;
        single) [[ $accel == tcg ]] && accel=tcg,thread=single ;;
        *) fnp_die "FENCE_NVME_PR_TCG_THREAD must be multi or single, not '$FENCE_NVME_PR_TCG_THREAD'" ;;
    esac
    # shellcheck disable=SC2054 # commas are QEMU option syntax
    QEMU_ARGS=(
        -accel "$accel" -cpu max -m "$MEM" -smp "$SMP"
        -display none -no-reboot -nic none
        -kernel "$kdir/vmlinuz" -initrd "$initrd"
        -append "$(kernel_cmdline "$loglevel")"
        -virtfs "local,path=$ROOT_DIR,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
        -virtfs "local,path=$RUN_DIR,mount_tag=fnprun,security_model=none,multidevs=remap"
    )
    for i in "${!RW_DIRS[@]}"; do
        QEMU_ARGS+=(-virtfs "local,path=${RW_DIRS[i]},mount_tag=fnprw$i,security_model=none,multidevs=remap")
    done
    for i in "${!RO_DIRS[@]}"; do
        QEMU_ARGS+=(-virtfs "local,path=${RO_DIRS[i]},mount_tag=fnpro$i,security_model=none,readonly=on,multidevs=remap")
    done
    if [[ -n $MONITOR ]]; then
        QEMU_ARGS+=(-monitor "unix:$MONITOR,server=on,wait=off")
    else
        QEMU_ARGS+=(-monitor none)
    fi
    if ((INTERACTIVE)); then
        QEMU_ARGS+=(-serial mon:stdio)
    else
        QEMU_ARGS+=(-serial stdio)
    fi
    add_net_args
}

# Run QEMU; the console goes to $RUN_DIR/console.log and, CR-stripped, to
# stdout. Sets QEMU_RC (124 on timeout).
run_qemu() {
    local log=$RUN_DIR/console.log
    if ((INTERACTIVE)); then
        QEMU_RC=0
        # --foreground: QEMU must stay in the terminal's process group.
        timeout --foreground -k 5 "$TIMEOUT" "$QEMU" "${QEMU_ARGS[@]}" || QEMU_RC=$?
        return 0
    fi
    : >"$log"
    timeout -k 5 "$TIMEOUT" "$QEMU" "${QEMU_ARGS[@]}" </dev/null >"$log" 2>&1 &
    QEMU_PID=$!
    tail -s 0.2 -n +1 -f --pid="$QEMU_PID" "$log" | sed -u 's/\r$//' &
    TAIL_PID=$!
    QEMU_RC=0
    watch_boot "$log"
    wait "$QEMU_PID" || QEMU_RC=$?
    QEMU_PID=
    wait "$TAIL_PID" 2>/dev/null || true
    TAIL_PID=
    [[ -z $LOG_COPY ]] || cp "$log" "$LOG_COPY" || fnp_note "cannot write $LOG_COPY"
}

# watch_boot LOG: until the guest is ready, end a boot that cannot succeed
# at once instead of at the --timeout: QEMU reporting a KVM failure (sets
# BOOT_FAIL and KVM_FAIL), or no line from /init or no "guest ready" within
# the limits above (sets BOOT_FAIL). Under KVM it goes on watching for KVM
# failures (sets KVM_FAIL) while the command runs. Returns when QEMU exits
# or has been told to.
watch_boot() {
    local log=$1 t0=$SECONDS life=0 ready=0 alive=1 line life_limit=$TCG_LIFE_LIMIT ready_limit=$TCG_READY_LIMIT
    BOOT_FAIL='' KVM_FAIL=''
    [[ $ACCEL == kvm ]] && life_limit=$KVM_LIFE_LIMIT ready_limit=$KVM_READY_LIMIT
    while ((alive)); do
        # Once more after QEMU's exit: it may have said why on its way out.
        kill -0 "$QEMU_PID" 2>/dev/null || alive=0
        if [[ $ACCEL == kvm ]] && line=$(accel_kvm_failure "$log"); then
            KVM_FAIL=$line
            ((ready)) || BOOT_FAIL="QEMU reported \"$line\""
            break
        fi
        if ((!ready)); then
            ((life)) || ! grep -aqE '^\[ *[0-9]+\.[0-9]+\] |fnp-initramfs: ' "$log" || life=1
            grep -aq 'fnp-stage2: guest ready' "$log" && ready=1
        fi
        if ((!alive)); then
            break
        elif ((!ready)); then
            if ((!life && SECONDS - t0 >= life_limit)); then
                BOOT_FAIL="no sign of life from the guest within $life_limit s of QEMU's start"
                break
            elif ((SECONDS - t0 >= ready_limit)); then
                BOOT_FAIL="the guest was not ready within $ready_limit s of QEMU's start"
                break
            fi
        elif [[ $ACCEL != kvm ]]; then
            return 0
        fi
        sleep 0.5
    done
    [[ -z $BOOT_FAIL && -z $KVM_FAIL ]] || kill "$QEMU_PID" 2>/dev/null
    return 0
}

# The kernel panicked before the guest was ready to run the command.
boot_panicked() {
    local log=$RUN_DIR/console.log
    ((!INTERACTIVE && QEMU_RC != 124)) && [[ -z $BOOT_FAIL && ! -s $RUN_DIR/status && -f $log ]] &&
        grep -aq 'Kernel panic' "$log" && ! grep -aq 'guest ready' "$log"
}

# Work out the exit status of run-vm.sh from what the guest reported.
verdict() {
    local log=$RUN_DIR/console.log status=
    local elapsed=$((SECONDS - START))
    if [[ -n $BOOT_FAIL ]]; then
        local hint=''
        [[ $ACCEL == kvm ]] && hint=" (FENCE_NVME_PR_ACCEL=$ACCEL_MODE; FENCE_NVME_PR_ACCEL=tcg avoids KVM)"
        printf '%s: ERROR: the VM did not boot under %s: %s%s\n' "$PROG" "$ACCEL" "$BOOT_FAIL" "$hint" >&2
        return 125
    fi
    if [[ -n $KVM_FAIL ]]; then
        printf '%s: ERROR: KVM failed while the command ran: QEMU reported "%s" (FENCE_NVME_PR_ACCEL=tcg avoids KVM)\n' "$PROG" "$KVM_FAIL" >&2
        return 125
    fi
    if ((QEMU_RC == 124)); then
        printf '%s: ERROR: timeout: the VM ran longer than %s s and was killed\n' "$PROG" "$TIMEOUT" >&2
        return 124
    fi
    [[ -f $RUN_DIR/status ]] && status=$(<"$RUN_DIR/status")
    if [[ -z $status && -f $log ]]; then
        # The status file is authoritative; the console marker is a fallback.
        status=$(grep -ao "@@FNP-VM-EXIT:$NONCE:[0-9]*@@" "$log" | tail -n1 | sed 's/.*:\([0-9]*\)@@/exit=\1/') || true
        grep -aq '@@FNP-VM-SETUP-FAILED@@' "$log" && status=setup-failed
    fi
    case $status in
        exit=*)
            fnp_note "guest command exited with status ${status#exit=} (VM wall time ${elapsed} s)"
            return "${status#exit=}" ;;
        setup-failed)
            printf '%s: ERROR: guest setup failed (see the console output above)\n' "$PROG" >&2 ;;
        *)
            if [[ -f $log ]] && grep -aq 'Kernel panic' "$log"; then
                printf '%s: ERROR: kernel panic in the VM (see the console output above)\n' "$PROG" >&2
            else
                printf '%s: ERROR: the VM stopped without reporting a status (QEMU exit %s)\n' "$PROG" "$QEMU_RC" >&2
            fi ;;
    esac
    return 125
}

main() {
    parse_args "$@"
    accel_check_mode
    command -v "$QEMU" >/dev/null || fnp_die "$QEMU not found (install qemu-system-x86)"
    START=$SECONDS
    local kdir initrd
    kdir=$("$HERE/fetch-kernel.sh" --suite "$KERNEL_SUITE") || fnp_die "no VM kernel: fetch-kernel.sh failed"
    initrd=$("$HERE/build-initramfs.sh" "$kdir") || fnp_die "build-initramfs.sh failed"
    trap cleanup EXIT
    trap 'exit 125' INT TERM
    RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fnp-vm.XXXXXX")
    write_run_dir "$kdir"
    write_ro_shares "$kdir"
    accel_choose "$kdir" "$initrd"
    fnp_note "accelerator: $ACCEL - $ACCEL_WHY"
    build_qemu_args "$kdir" "$initrd"
    run_qemu
    # KVM failed before the command started: in auto mode, remember that and
    # boot once more under TCG.
    if [[ $ACCEL == kvm && -n $BOOT_FAIL && $ACCEL_MODE == auto ]]; then
        accel_record_broken "$kdir" "$BOOT_FAIL"
        fnp_note "KVM did not boot the guest ($BOOT_FAIL): booting again under TCG; later runs use TCG"
        ACCEL=tcg
        build_qemu_args "$kdir" "$initrd"
        run_qemu
    fi
    # A kernel panic during boot came before the guest command started (the
    # TCG race noted in build_qemu_args was one cause): boot again, at most
    # twice. The third boot runs TCG single-threaded, where that race cannot
    # happen but the guest is slower (cluster.three-nodes took 222 s instead
    # of 125): a CI run once saw two boots in a row panic.
    local boot=1
    while boot_panicked && ((boot < 3)); do
        boot=$((boot + 1))
        if [[ $ACCEL == tcg ]] && ((boot == 3)); then
            FENCE_NVME_PR_TCG_THREAD=single
            build_qemu_args "$kdir" "$initrd"
        fi
        fnp_note "kernel panic while booting, before the guest command ran: boot $boot of 3${FENCE_NVME_PR_TCG_THREAD:+ (TCG thread=$FENCE_NVME_PR_TCG_THREAD)}"
        run_qemu
    done
    local rc=0
    verdict || rc=$?
    exit "$rc"
}

main "$@"
