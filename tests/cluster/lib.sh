#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared by the cluster scenarios (tests/cluster/*.sh) and the
# cluster demo: a real Corosync + Pacemaker cluster inside the VM test bed
# (tests/vm), fencing through fence_nvme_pr on real NVMe reservations.
#
# A scenario runs on the host as `SCENARIO.sh FENCE_AGENT RESOURCE_AGENT`.
# On the host, cluster_enter_vm writes the configuration an administrator
# would write, with the administrator's tools (see cluster_host_config),
# then boots the VM and runs the scenario there. In the VM:
#
#   cluster_setup N       the shared NVMe disks (nvmet-target.sh: namespace 1
#                         = /dev/data-disk, fenced by fence_nvme_pr; 2 =
#                         /dev/data-disk2), one node per host (node.sh, then
#                         node-init.sh: own network, IPC, PID, mounts), a
#                         bridge linking them, corosync and pacemakerd
#                         started in each
#   node_run NODE CMD     run CMD inside NODE (all its namespaces)
#   node_freeze/thaw      SIGSTOP / SIGCONT every process of a node
#   node_kill_stack NODE  SIGKILL its corosync and Pacemaker daemons
#   node_reboot NODE      kill the whole node and boot it afresh
#   wait_alert ...        wait for a Pacemaker alert line (guest/alert-log.sh)
#   journal_*             read the test application's records off the disk
#
# Every wait is bounded and says what it waited for when it fails.

CLUSTER_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTER_GUEST=$CLUSTER_TESTS/guest
VM_DIR=$(cd "$CLUSTER_TESTS/../vm" && pwd)
# Guest paths (/tmp is the guest's own, shared by all nodes).
CLUSTER_STATE=/tmp/fnp-cluster
ALERTS=$CLUSTER_STATE/alerts.log
# Every node's address on the bridge: node I = 10.77.0.I.
CLUSTER_NET=10.77.0
CLUSTER_NAME=fnpcluster
# shellcheck source=../vm/guest/lib.sh
source "$VM_DIR/guest/lib.sh"

# Corosync timeouts for a software-emulated CPU (see README.md). The guest
# runs ~15-20 times slower than the host and shares two host cores with
# QEMU's own threads; a daemon can be off the CPU for seconds while Python or
# a burst of process starts runs. token 5000 ms survives that (measured:
# no spurious membership change in any run), and detects a frozen node in
# token + consensus = 5 + 6 = 11 s instead of 22 s with token 10000.
COROSYNC_TOKEN=${COROSYNC_TOKEN:-5000}

now_us() { REPLY=${EPOCHREALTIME/[.,]/}; }
T0_US=${EPOCHREALTIME/[.,]/}
# Seconds since the script started, "12.3".
elapsed() { local us=$((${EPOCHREALTIME/[.,]/} - T0_US)); printf '%d.%d' $((us / 1000000)) $((us / 100000 % 10)); }
log() { printf '[%6ss] %s\n' "$(elapsed)" "$*"; }
# seconds between two microsecond stamps, "12.345"
secs() { local d=$(($2 - $1)); ((d < 0)) && d=0; printf '%d.%03d' $((d / 1000000)) $((d / 1000 % 1000)); }

# ---------------------------------------------------------------- host side

# cluster_enter_vm SCRIPT TIMEOUT FENCE_AGENT RESOURCE_AGENT [MEM_MB]: on the host,
# write the configuration into a fresh directory (the script's host_config
# function, run by cluster_host_config in a private mount namespace), boot
# the VM and run SCRIPT in it; exit with its status. In the VM: return.
#
# FNP_CLUSTER_USERLAND=SUITE (e.g. trixie: Pacemaker 3, pcs 0.12) runs the
# cluster on another Debian suite's userland (tests/vm/fetch-root.sh): the
# configuration is written with that suite's tools (tests/vm/in-root.sh, a
# chroot on the host) and the VM boots with it as its root (run-vm.sh
# --root). Default: the host's own (Debian 12: Pacemaker 2.1, pcs 0.11).
cluster_enter_vm() {
    local script=$1 timeout=$2 agent=$3 ra=$4 mem=${5:-2048} cfg rc=0 root='' d
    local -a vm_opts=() host_cmd=(unshare --mount --propagation private --)
    if [[ ${FNP_VM:-} == 1 ]]; then
        FENCE_AGENT=$agent RESOURCE_AGENT=$ra
        CFG=${FNP_CLUSTER_CFG:?}
        return 0
    fi
    [[ -x $agent ]] || { echo "FAIL: no fence agent binary at '$agent' (build first)"; exit 1; }
    [[ -x $ra ]] || { echo "FAIL: no resource agent binary at '$ra' (build first)"; exit 1; }
    [[ $EUID == 0 ]] || { echo "FAIL: needs root"; exit 1; }
    agent=$(readlink -f "$agent") ra=$(readlink -f "$ra")
    cfg=$(mktemp -d /tmp/fnp-cluster-cfg.XXXXXX) || exit 1
    # shellcheck disable=SC2064 # expand now
    trap "rm -rf '$cfg'" EXIT
    if [[ -n ${FNP_CLUSTER_USERLAND:-} ]]; then
        root=$("$VM_DIR/fetch-root.sh" --suite "$FNP_CLUSTER_USERLAND") ||
            { echo "FAIL: no Debian $FNP_CLUSTER_USERLAND userland (fetch-root.sh)"; exit 1; }
        echo "userland: Debian $FNP_CLUSTER_USERLAND ($(grep -E '^(pacemaker|pcs|corosync|crmsh) ' "$root/fnp-packages" | paste -sd' ' | sed 's/ \([^ ]*\) / \1, /g'))"
        host_cmd=("$VM_DIR/in-root.sh" "$root")
        vm_opts=(--root "$root")
        for d in "$cfg" "$(cd "$CLUSTER_TESTS/../.." && pwd -P)" "${agent%/*}" "${ra%/*}"; do
            host_cmd+=(--bind "$d")
            vm_opts+=(--ro "$d")
        done
        host_cmd+=(--)
    fi
    "${host_cmd[@]}" "$script" --host-config "$cfg" "$agent" "$ra" ||
        { echo "FAIL: writing the cluster configuration on the host failed"; exit 1; }
    # FNP_CLUSTER_LOGS=DIR (for diagnosis): every node's Pacemaker log is
    # copied there when the run ends, passed or failed.
    if [[ -n ${FNP_CLUSTER_LOGS:-} ]]; then
        mkdir -p "$FNP_CLUSTER_LOGS" && FNP_CLUSTER_LOGS=$(cd "$FNP_CLUSTER_LOGS" && pwd -P) || exit 1
        vm_opts+=(--rw "$FNP_CLUSTER_LOGS" --env "FNP_CLUSTER_LOGS=$FNP_CLUSTER_LOGS")
    fi
    "$VM_DIR/run-vm.sh" "${vm_opts[@]}" --timeout "$timeout" --mem "$mem" --env "FNP_CLUSTER_CFG=$cfg" \
        --env "FNP_CLUSTER_DEMO=${FNP_CLUSTER_DEMO:-0}" --env "FNP_CLUSTER_UNTIL=${FNP_CLUSTER_UNTIL:-}" \
        -- "$script" "$agent" "$ra" || rc=$?
    exit "$rc"
}

# Called by a scenario as `SCRIPT --host-config DIR AGENT RA` (in its own
# mount namespace): make the agents visible where Pacemaker's tools look,
# without touching the host (overlays on a tmpfs), then run host_config DIR.
cluster_host_config() {
    local dir=$1 agent=$2 ra=$3 t
    t=$(mktemp -d) || return 1
    mount -t tmpfs tmpfs "$t" || return 1
    mkdir -p "$t"/{sbin,ocf}/{upper,work} || return 1
    mount -t overlay overlay -o "lowerdir=/usr/sbin,upperdir=$t/sbin/upper,workdir=$t/sbin/work" /usr/sbin &&
        mount -t overlay overlay -o "lowerdir=/usr/lib/ocf/resource.d,upperdir=$t/ocf/upper,workdir=$t/ocf/work" \
            /usr/lib/ocf/resource.d || { echo "cannot overlay /usr/sbin and /usr/lib/ocf/resource.d" >&2; return 1; }
    install -m 0755 "$agent" /usr/sbin/fence_nvme_pr &&
        install -D -m 0755 "$ra" /usr/lib/ocf/resource.d/nvmepr/nvme_persist &&
        install -D -m 0755 "$CLUSTER_GUEST/journal" /usr/lib/ocf/resource.d/fnptest/journal || return 1
    cd "$dir" || return 1
    prewarm_list >"$dir/prewarm.list" || return 1
    host_config "$dir"
}

# The programs every node starts and their libraries (57 MB). The guest reads
# them once in one sequential pass (cluster_setup) instead of one 9p page
# fault at a time while a dozen daemons start at once: under emulation that
# start-up otherwise takes so long that pacemakerd kills daemons which do
# not answer on IPC within ~30 s and starts them again.
prewarm_list() {
    local b
    for b in /usr/sbin/corosync /usr/sbin/corosync-cmapctl /usr/sbin/pacemakerd /usr/lib/pacemaker/pacemaker-* \
        /usr/sbin/crm_mon /usr/sbin/cibadmin /usr/sbin/crm_resource /usr/sbin/crm_attribute \
        /usr/sbin/stonith_admin /usr/bin/nsenter /usr/bin/dd /usr/bin/grep /usr/sbin/ip /usr/bin/bash; do
        echo "$b"
        ldd "$b" | grep -o '/[^ ]*'
    done | xargs readlink -f | sort -u | grep -v libicudata
}

# cluster_corosync_conf DIR NODES: corosync.conf for node1..nodeN, written by
# pcs as an administrator would (local mode: no pcsd, no network).
cluster_corosync_conf() {
    local dir=$1 n=$2 i
    local -a nodes=()
    for ((i = 1; i <= n; i++)); do nodes+=("node$i" "addr=$CLUSTER_NET.$i"); done
    # knet without crypto: the link is a bridge inside one VM. token: see
    # COROSYNC_TOKEN above; consensus stays corosync's default 1.2 * token.
    pcs cluster setup "$CLUSTER_NAME" "${nodes[@]}" transport knet crypto cipher=none hash=none \
        totem token="$COROSYNC_TOKEN" --corosync_conf "$dir/corosync.conf" 2>/dev/null || return 1
    # pcs logs to a file in /var/log/corosync (private per node) and syslog
    # (absent in the guest): keep the file, and make its timestamps precise.
    sed -i 's/timestamp: on/timestamp: hires/' "$dir/corosync.conf"
}

# cib_begin FILE: an empty CIB to run `pcs -f FILE ...` on.
cib_begin() { cibadmin --empty >"$1" && cp "$1" "$1.orig"; }

# cib_patch FILE PATCH: what `pcs cluster cib-push FILE diff-against=ORIG`
# pushes (crm_diff --no-version), saved for `cibadmin --patch` on the live
# cluster.
cib_patch() {
    crm_diff --original "$1.orig" --new "$1" --no-version >"$2"
    (($? <= 1)) && [[ -s $2 ]]
}

# pcs_alerts FILE: the alert every scenario waits on (guest/alert-log.sh).
pcs_alerts() {
    pcs_f "$1" alert create id=events path=/usr/local/bin/fnp-alert-log meta timestamp-format=%s.%06N &&
        pcs_f "$1" alert recipient add events value="$ALERTS"
}

# The README's `pcs stonith create` commands, and their crmsh forms, are the
# ones the tests run (issue 11 §3: every configuration the README documents
# is one a test runs).
README_MD=$(cd "$CLUSTER_TESTS/../.." && pwd)/README.md

# readme_command START WHICH: the README's command that begins with START
# for one setup, one word per line without the leading tool name ("pcs",
# "crm"): WHICH=host-map is the one with pcmk_host_map, WHICH=derived the one
# with neither pcmk_host_map nor pcmk_host_list (keys derived from Corosync).
# Callers change nothing but devices=, which names the test's disk.
readme_command() {
    local start=$1 which=$2 line cmd='' found=''
    while IFS= read -r line; do
        [[ -n $cmd || $line == "$start"* ]] || continue
        # A shell comment after the command ("... # keys derived from Corosync").
        [[ $line =~ ^(.*[^[:space:]])[[:space:]]+#.*$ ]] && line=${BASH_REMATCH[1]}
        cmd+=" ${line%\\}"
        [[ $line == *\\ ]] && continue
        case $which in
            host-map) [[ $cmd == *pcmk_host_map=* ]] && found=$cmd ;;
            derived) [[ $cmd == *pcmk_host_* ]] || found=$cmd ;;
        esac
        [[ -n $found ]] && break
        cmd=''
    done <"$README_MD"
    [[ -n $found ]] || { echo "README.md has no '$start...' command for $which" >&2; return 1; }
    # xargs splits words as the shell would (quotes), without evaluating anything.
    xargs printf '%s\n' <<<"$found" | tail -n +2
}
readme_stonith_create() { readme_command "pcs stonith create " "$1"; }
# The crmsh form: `crm configure primitive nvme-fence stonith:fence_nvme_pr ...`.
readme_crm_stonith() { readme_command "crm configure primitive nvme-fence stonith:fence_nvme_pr " "$1"; }

# pcs_f_readme FILE WHICH DEVICE: runs the README's command WHICH on FILE
# with devices=DEVICE.
pcs_f_readme() {
    local -a words
    mapfile -t words < <(readme_stonith_create "$2") && ((${#words[@]})) || return 1
    pcs_f "$1" "${words[@]/#devices=*/devices=$3}"
}

# crm_f_readme FILE WHICH DEVICE: the same with the README's crmsh form.
crm_f_readme() {
    local -a words
    mapfile -t words < <(readme_crm_stonith "$2") && ((${#words[@]})) || return 1
    crm_f "$1" "${words[@]/#devices=*/devices=$3}"
}

# readme_map_key NODE: NODE's key in the README's pcmk_host_map, as
# disk_keys prints keys ("0x1a2b0001").
readme_map_key() {
    local word entry
    word=$(readme_stonith_create host-map | grep '^pcmk_host_map=') || return 1
    local IFS=';'
    for entry in ${word#pcmk_host_map=}; do
        [[ ${entry%%:*} == "$1" ]] && { printf '0x%x\n' "$((${entry#*:}))"; return 0; }
    done
    echo "README.md's pcmk_host_map has no entry for $1" >&2
    return 1
}

# pcs_f FILE ARGS...: pcs -f, echoing the command (the scenario's log shows
# exactly what an administrator types).
pcs_f() {
    local file=$1
    shift
    echo "  pcs $*"
    pcs -f "$file" "$@"
}

# crm_f FILE ARGS...: crmsh on the CIB in FILE (CIB_file, which crmsh passes
# to Pacemaker's tools), echoing the command. crmsh commits each command at
# once and refuses one that leaves the CIB invalid for crm_verify, e.g.
# resources without any STONITH device: build on the fencing CIB
# (cib_begin_from).
crm_f() {
    local file=$1 out rc=0
    shift
    echo "  crm $*"
    out=$(CIB_file=$file crm "$@" 2>&1) || rc=$?
    # crm_verify's warning about a CIB without nodes is noise here.
    grep -v 'lack of quorum' <<<"$out" | sed $'s/\e\[[0-9;]*m//g; /^$/d; s/^/    /'
    return "$rc"
}

# crm_alerts FILE: pcs_alerts, in crmsh.
crm_alerts() {
    crm_f "$1" configure alert events /usr/local/bin/fnp-alert-log meta timestamp-format=%s.%06N to "$ALERTS"
}

# cib_begin_from BASE FILE: FILE starts as a copy of the CIB in BASE (its
# patch then holds only what is added to it).
cib_begin_from() { cp "$1" "$2" && cp "$2" "$2.orig"; }

# ---------------------------------------------------------------- guest side

declare -A NODE_PID=()

# cluster_setup N: disks, nodes, network, corosync + pacemaker everywhere.
cluster_setup() {
    local n=$1 i files
    rm -rf "$CLUSTER_STATE"
    mkdir -p "$CLUSTER_STATE/etc-corosync" || return 1
    cp "$CFG/corosync.conf" "$CLUSTER_STATE/etc-corosync/" || return 1
    : >"$ALERTS" && chmod 0666 "$ALERTS" && chmod 1777 "$CLUSTER_STATE"
    # The guest's root is a throw-away overlay: install where Pacemaker looks.
    install -m 0755 "$FENCE_AGENT" /usr/sbin/fence_nvme_pr &&
        install -m 0755 "$(dirname "$FENCE_AGENT")/fence_nvme_pr_check" /usr/sbin/fence_nvme_pr_check &&
        install -D -m 0755 "$RESOURCE_AGENT" /usr/lib/ocf/resource.d/nvmepr/nvme_persist &&
        install -D -m 0755 "$CLUSTER_GUEST/journal" /usr/lib/ocf/resource.d/fnptest/journal &&
        install -m 0755 "$CLUSTER_GUEST/alert-log.sh" /usr/local/bin/fnp-alert-log || return 1
    mapfile -t files <"$CFG/prewarm.list"
    cat "${files[@]}" >/dev/null &
    local prewarm=$!
    modprobe -a veth bridge || return 1
    "$FNP_NVMET" setup --hosts "$n" --namespaces 2 --size-mb 16 >/dev/null &&
        "$FNP_NODE" setup >/dev/null || return 1
    log "shared disks and $n nodes' devices ready"
    ip link add fnpbr0 type bridge && ip link set fnpbr0 up || return 1
    wait "$prewarm"
    now_us
    COROSYNC_US=$REPLY
    for ((i = 1; i <= n; i++)); do node_boot "node$i" || return 1; done
    log "corosync started on $n nodes"
    for ((i = 1; i <= n; i++)); do node_start_pacemaker "node$i" || return 1; done
    log "Pacemaker started on $n nodes"
}

# node_start_pacemaker NODE: let NODE's init start pacemakerd and wait (up
# to 120 s) until its controller answers, i.e. its IPC socket exists, and
# its fencer has the CIB (node_fencer_cib).
node_start_pacemaker() {
    local node=$1 try
    : >"$CLUSTER_STATE/$node.go"
    for ((try = 0; try < 1200; try++)); do
        [[ $(<"/proc/${NODE_PID[$node]}/net/unix") == *@crmd* ]] && break
        nap 0.1
    done
    ((try < 1200)) || { echo "FAIL: $node: Pacemaker's controller did not start within 120 s"; return 1; }
    node_fencer_cib "$node"
}

# node_fencer_cib NODE: wait (up to 120 s) until NODE's fencer has connected
# to the CIB manager; if it gave up, restart it.
#
# pacemaker-fenced tries to sign on to the CIB manager 5 times within 10 s
# (setup_cib, Pacemaker 2.1 and 3.0 alike) and then runs on WITHOUT the CIB:
# it never registers a fence device, so every fencing and unfencing it is
# asked for fails with "No fence device" and the controller gives up on it.
# pacemakerd starts its subdaemons at once; under emulation on a loaded
# 2-core host pacemaker-based has taken longer than those 10 s (seen on
# Pacemaker 3 for a rebooting node and for the crmsh run: "Could not connect
# to the CIB manager: Transport endpoint is not connected", then the node's
# unfencing failed "No fence device"). That is the test bed's slowness, not
# the agent's, and on real hardware the CIB manager answers in well under a
# second. The test bed's answer: SIGKILL the fencer; pacemakerd respawns it
# (child_respawn) and by then the CIB manager answers. Said in the log, so a
# run shows when it happened.
node_fencer_cib() {
    local node=$1 file seen=0 start
    local -a lines
    file=/proc/${NODE_PID[$node]}/root/var/log/pacemaker/pacemaker.log
    now_us
    start=$REPLY
    while :; do
        mapfile -t lines < <(grep -s -E 'pacemaker-fenced +\[.*(Watching for fencing topology changes|Could not connect to the CIB manager)' "$file")
        if ((${#lines[@]} > seen)); then
            [[ ${lines[-1]} == *Watching* ]] && return 0
            seen=${#lines[@]}
            log "$node: its fencer gave up on the CIB manager (slow start under emulation); restarting it, pacemakerd respawns it"
            node_pids "$node"
            local p comm
            for p in "${PIDS[@]}"; do
                read -r comm 2>/dev/null <"/proc/$p/comm" && [[ $comm == pacemaker-fence* ]] && kill -KILL "$p" 2>/dev/null
            done
        fi
        now_us
        ((REPLY - start > 120 * 1000000)) && break
        nap 0.5
    done
    echo "FAIL: $node: Pacemaker's fencer did not connect to the CIB manager within 120 s"
    return 1
}

# node_boot NODE: start NODE's init (a fresh boot: new namespaces, empty
# /run, /var/lib/pacemaker, /var/log...) and plug it into the bridge. It
# starts corosync at once, pacemakerd after node_start_pacemaker.
node_boot() {
    local node=$1 i=${1#node} upid pid='' try
    printf '%s\n' \
        "fnp-$node-run /run tmpfs mode=0755 0 0" \
        "fnp-$node-shm /dev/shm tmpfs mode=1777 0 0" \
        "fnp-$node-pacemaker /var/lib/pacemaker tmpfs mode=0755 0 0" \
        "fnp-$node-corosync /var/lib/corosync tmpfs mode=0755 0 0" \
        "fnp-$node-log /var/log tmpfs mode=0755 0 0" \
        "$CLUSTER_STATE/etc-corosync /etc/corosync none bind,ro 0 0" >"$CLUSTER_STATE/$node.fstab"
    echo "$CLUSTER_NET.$i/24" >"$CLUSTER_STATE/$node.addr"
    # nsenter (mount + UTS of node.sh's node) execs unshare, which forks the
    # node's PID 1: its pid is the only child of $!.
    (exec nsenter --mount="/run/nodes/$node/mnt" --uts="/run/nodes/$node/uts" -- \
        unshare --net --ipc --pid --fork --mount-proc --propagation private -- \
        "$CLUSTER_GUEST/node-init.sh" "$node" "$CLUSTER_STATE") &
    upid=$!
    for ((try = 0; try < 200; try++)); do
        [[ -r /proc/$upid/task/$upid/children ]] && read -r pid _ <"/proc/$upid/task/$upid/children"
        [[ -n $pid ]] && break
        nap 0.05
    done
    [[ -n $pid ]] || { echo "FAIL: $node: no init process"; return 1; }
    NODE_PID[$node]=$pid
    # A killed node's veth disappears with its network namespace, a moment later.
    for ((try = 0; try < 100; try++)); do
        [[ -e /sys/class/net/fnp-$node ]] || break
        nap 0.1
    done
    ip link add "fnp-$node" type veth peer name eth0 netns "$pid" &&
        ip link set "fnp-$node" master fnpbr0 up || { echo "FAIL: $node: network setup failed"; return 1; }
}

# Sleep without starting a process.
exec {NAP_FD}<> <(:)
nap() { read -rt "$1" -u "$NAP_FD" || true; }

# node_run NODE CMD...: CMD in all of NODE's namespaces.
node_run() {
    local node=$1
    shift
    nsenter -t "${NODE_PID[$node]}" -m -u -i -n -p --wd=/tmp -- "$@"
}

# node_pids NODE: set PIDS to every process of NODE (its PID namespace).
node_pids() {
    local ns=/proc/${NODE_PID[$1]}/ns/pid p
    PIDS=()
    [[ -e $ns ]] || return 0
    for p in /proc/[0-9]*; do
        [[ $p/ns/pid -ef $ns ]] && PIDS+=("${p#/proc/}")
    done
}

# node_daemons NODE: set PIDS to NODE's corosync and Pacemaker processes.
node_daemons() {
    local p comm
    local -a all
    node_pids "$1"
    all=("${PIDS[@]}")
    PIDS=()
    for p in "${all[@]}"; do
        read -r comm 2>/dev/null <"/proc/$p/comm" || continue
        [[ $comm == corosync || $comm == pacemaker* ]] && PIDS+=("$p")
    done
}

# Freeze every process of the node, as an administrator simulating a hang
# would. Repeated: a process forked meanwhile is caught by the next round.
node_freeze() {
    local round
    for round in 1 2 3; do
        node_pids "$1"
        ((${#PIDS[@]})) && kill -STOP "${PIDS[@]}" 2>/dev/null
    done
    return 0
}
node_thaw() {
    node_pids "$1"
    ((${#PIDS[@]})) && kill -CONT "${PIDS[@]}" 2>/dev/null
    return 0
}
# node_thaw_application NODE: SIGCONT every process of NODE except its
# watchdog (and a check it runs), so that the application's next write is
# seen before the watchdog reboots the node; node_thaw wakes the rest.
node_thaw_application() {
    local wd='' p comm nspid
    read -r wd 2>/dev/null <"$CLUSTER_STATE/$1.watchdog"
    node_pids "$1"
    for p in "${PIDS[@]}"; do
        read -r comm 2>/dev/null <"/proc/$p/comm" && [[ $comm == fence_nvme_pr_c* ]] && continue
        # The watchdog's pid as the node knows it: the last NSpid field.
        nspid=$(grep -s '^NSpid:' "/proc/$p/status")
        [[ -n $wd && ${nspid##*[[:space:]]} == "$wd" ]] && continue
        kill -CONT "$p" 2>/dev/null
    done
    return 0
}
node_kill_stack() {
    node_daemons "$1"
    ((${#PIDS[@]})) && kill -KILL "${PIDS[@]}" 2>/dev/null
    return 0
}

# node_reboot NODE: kill the node (all of its PID namespace) and boot it again.
node_reboot() {
    local node=$1 pid=${NODE_PID[$1]} try
    kill -KILL "$pid" 2>/dev/null
    for ((try = 0; try < 100; try++)); do
        [[ -e /proc/$pid ]] || break
        nap 0.1
    done
    [[ ! -e /proc/$pid ]] || { echo "FAIL: $node did not die"; return 1; }
    rm -f "$CLUSTER_STATE/$node.go"
    node_boot "$node" && node_start_pacemaker "$node"
}

# Cut / restore a node's link to the bridge.
node_link() { ip link set "fnp-$1" "$2"; }

# ------------------------------------------------------------------ waiting

# poll TIMEOUT_S CMD...: run CMD every second until it succeeds (0) or
# TIMEOUT_S have passed (1).
poll() {
    local timeout=$1 start
    shift
    now_us
    start=$REPLY
    while :; do
        "$@" && return 0
        now_us
        ((REPLY - start > timeout * 1000000)) && return 1
        nap 1
    done
}

# wait_for DESC TIMEOUT_S CMD...: poll, and FAIL with DESC on timeout.
wait_for() {
    local desc=$1 timeout=$2
    shift 2
    poll "$timeout" "$@" && return 0
    fail "timed out after ${timeout}s waiting for: $desc"
    return 1
}

# wait_alert DESC TIMEOUT_S FROM PATTERN: wait for an alert line (see
# guest/alert-log.sh) matching the bash glob PATTERN, among lines FROM...
# (0-based). Sets ALERT to the line, ALERT_US to its time (us), ALERT_N to
# its index.
wait_alert() {
    local desc=$1 timeout=$2 from=$3 pattern=$4 start i
    local -a lines
    now_us
    start=$REPLY
    while :; do
        mapfile -t lines <"$ALERTS"
        for ((i = from; i < ${#lines[@]}; i++)); do
            # shellcheck disable=SC2053 # glob match intended
            if [[ ${lines[i]} == $pattern ]]; then
                ALERT=${lines[i]} ALERT_N=$i
                local t=${ALERT%% *}
                ALERT_US=${t/./}
                return 0
            fi
        done
        now_us
        if ((REPLY - start > timeout * 1000000)); then
            fail "timed out after ${timeout}s waiting for: $desc"
            return 1
        fi
        nap 0.25
    done
}
alerts_count() { local -a l; mapfile -t l <"$ALERTS"; REPLY=${#l[@]}; }

# cluster_configure FENCING_PATCH SERVICE_PATCH NODE...: push the fencing
# configuration, then the service, to the live cluster (cibadmin --patch on
# node1, what `pcs cluster cib-push diff-against=` does), and wait until
# Pacemaker has unfenced every NODE.
#
# Pacemaker schedules unfencing in the same transition that adds the fence
# device. A node whose fencer has not registered the new device yet (under
# emulation its CIB update can take many seconds) cannot run its `on`: the
# unfencing fails with "No fence device" and the controller gives up until
# the next transition. So the service, which needs every node unfenced, is
# pushed only once every fencer has the device: that change is the next
# transition, which unfences any node the first one could not.
cluster_configure() {
    local fencing=$1 service=$2
    shift 2
    node_run node1 cibadmin --patch --xml-file "$CFG/$fencing" || { fail "cibadmin --patch $fencing"; return 1; }
    log "fencing configured ($fencing)"
    wait_for "every fencer registered nvme-fence" 180 fencers_ready "$@" || return 1
    node_run node1 cibadmin --patch --xml-file "$CFG/$service" || { fail "cibadmin --patch $service"; return 1; }
    log "service configured ($service)"
    ensure_unfenced "$@"
}

# fencers_ready NODE...: every NODE's fencer has registered nvme-fence (its
# log says so; reading it from outside costs one grep, no nsenter).
fencers_ready() {
    local n
    for n; do
        grep -qs "Added 'nvme-fence' to device list" "/proc/${NODE_PID[$n]}/root/var/log/pacemaker/pacemaker.log" ||
            return 1
    done
}

unfenced() { grep -q "fencing $1 .*Operation on of $1 by [^ ]* .*: OK" "$ALERTS"; }
all_unfenced() {
    local n
    for n; do unfenced "$n" || return 1; done
}

# ensure_unfenced NODE...: wait until Pacemaker has unfenced every NODE. An
# unfencing Pacemaker gave up on is asked for again the way an administrator
# would: `crm_resource --cleanup` of the device (what `pcs stonith cleanup`
# runs), which starts a new transition.
ensure_unfenced() {
    local try
    for try in 1 2 3; do
        poll 90 all_unfenced "$@" && return 0
        log "unfencing incomplete; crm_resource --cleanup --resource nvme-fence"
        node_run node1 crm_resource --cleanup --resource nvme-fence 2>&1 | sed 's/^/  /'
    done
    fail "not every node of $* was unfenced"
    return 1
}

# crm_mon on NODE, one shot.
crm_status() { node_run "$1" crm_mon -1 "${@:2}" 2>&1; }

# The node names crm_mon (XML) of NODE reports online, space separated.
online_nodes() {
    local xml line out=()
    xml=$(node_run "$1" crm_mon -1 --output-as xml 2>/dev/null) || { REPLY=''; return 1; }
    while read -r line; do
        [[ $line == '<node name='* && $line == *'online="true"'* ]] || continue
        line=${line#<node name=\"}
        out+=("${line%%\"*}")
    done <<<"$xml"
    REPLY=${out[*]}
}
is_online() { online_nodes "$1" && [[ $REPLY == "$2" ]]; }

# is_clean_offline VIEWER NODE: crm_mon (XML) of VIEWER shows NODE offline
# and not UNCLEAN, i.e. no fencing of NODE is still due.
is_clean_offline() {
    local line
    line=$(node_run "$1" crm_mon -1 --output-as xml 2>/dev/null | grep "<node name=\"$2\"") || return 1
    [[ $line == *'online="false"'* && $line == *'unclean="false"'* ]]
}

# --------------------------------------------------------------- the disks

# The guest's view (host1's device) of namespace K, for reading.
ns_dev() { "$FNP_NVMET" dev host1 "$1"; }

# disk_keys K: registered keys of namespace K, "0x1 0x2".
disk_keys() { fnp_resv_keys "$(ns_dev "$1")" | paste -sd' '; }

# derived_key NODEID: the key fence_nvme_pr derives from Corosync without a
# pcmk_host_map: 32-bit FNV-1a of the cluster name, then the nodeid.
derived_key() {
    local h=2166136261 i c
    for ((i = 0; i < ${#CLUSTER_NAME}; i++)); do
        printf -v c '%d' "'${CLUSTER_NAME:i:1}"
        h=$((((h ^ c) * 16777619) & 0xffffffff))
    done
    printf '0x%x\n' $(((h << 32) | $1))
}

# journal_read K [FIRST_LBA [BLOCKS]]: print the records of namespace K as
# "SEQ NODE MS" lines, in disk order, stopping at the first gap.
journal_read() {
    local dev off seq node ms n=0 base=${2:-1}
    dev=$(ns_dev "$1") || return 1
    while IFS=': ' read -r off _ seq node ms; do
        ((off == n * 4096 && seq == n)) || break
        printf '%s %s %s\n' "$seq" "$node" "$ms"
        n=$((n + 1))
    done < <(dd if="$dev" bs=4096 skip="$base" count="${3:-2048}" iflag=direct status=none |
        grep -abo 'JRNL [0-9]* [^ ]* [0-9]*')
}

# journal_log NODE: the node's write log (see guest/journal).
journal_log() { cat "$CLUSTER_STATE/journal-$1.log" 2>/dev/null; }

# write_test NODE: can NODE write to /dev/data-disk? 0 yes, 2 EBADE, 1 other.
write_test() { node_run "$1" "$FNP_LIB" fnp_write_block /dev/data-disk 4000 "write test by $1" 2>/dev/null; }
# host_write_test NODE: the same through NODE's NVMe host connection from
# outside the node (the same controller and host ID), for a node its
# watchdog has already rebooted.
host_write_test() {
    "$FNP_LIB" fnp_write_block "$("$FNP_NVMET" dev "host${1#node}" 1)" 4000 "write test by $1" 2>/dev/null
}

# watchdog_rebooted NODE: NODE's watchdog (fence_nvme_pr_check) rebooted it;
# sets REPLY to the time (us).
watchdog_rebooted() {
    local line
    line=$(grep -h " $1 watchdog-reboot" "$CLUSTER_STATE/$1.events" 2>/dev/null | tail -n 1)
    [[ -n $line ]] || return 1
    REPLY=${line%% *}
}

# pacemaker_grep REGEX NODE...: the lines of the nodes' Pacemaker logs that
# match REGEX (grep -E) and name our agents or nvme-fence, read through
# /proc/PID/root (no process in a node). One fixed-string pass over the logs
# first: grep in the emulated guest takes seconds over these logs.
pacemaker_grep() {
    local re=$1 node
    local -a files=()
    shift
    for node; do files+=("/proc/${NODE_PID[$node]}/root/var/log/pacemaker/pacemaker.log"); done
    grep -hF -e fence_nvme_pr -e nvme_persist -e nvme-fence "${files[@]}" 2>/dev/null | grep -E -- "$re"
}

# agents_quiet_after_success OPS NODE...: the checks of issue 20 on the
# nodes' logs: the operations OPS (a regex: "on|off") of nvme-fence show
# there as succeeded, and no warning line from our agents does
# (pacemaker-fenced logs every line of a fence agent's stderr as a warning).
agents_quiet_after_success() {
    local ops=$1 lines done warnings
    shift
    lines=$(pacemaker_grep "Operation '($ops)' \[[0-9]+\] targeting node[0-9] using nvme-fence returned 0|warning: .*(fence_nvme_pr|nvme_persist)" "$@")
    done=$(grep -c "^.*Operation '" <<<"$lines")
    warnings=$(grep -E 'warning: .*(fence_nvme_pr|nvme_persist)' <<<"$lines")
    check "pacemaker.log on $* shows $done successful '$ops' of nvme-fence" test "$done" -gt 0
    check "... and no warning line from our agents" test -z "$warnings"
    [[ -z $warnings ]] || sed 's/^/    /' <<<"$warnings" | head -n 5
}

# ------------------------------------------------------------- bookkeeping

PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $* [+$(elapsed)s]"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $* [+$(elapsed)s]"; }
check() {
    local msg=$1
    shift
    if "$@"; then pass "$msg"; else fail "$msg"; fi
}
check_eq() { if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1 (want '$2', got '$3')"; fi; }
timing() { echo "TIMING: $*"; }
summary() {
    echo "SUMMARY: $PASSED passed, $FAILED failed"
    ((FAILED == 0))
}

# On failure: what the nodes said, for the test log.
# keep_logs: with FNP_CLUSTER_LOGS set, copy every node's Pacemaker log there.
keep_logs() {
    local node
    [[ -n ${FNP_CLUSTER_LOGS:-} ]] || return 0
    for node in "${!NODE_PID[@]}"; do
        node_run "$node" cat /var/log/pacemaker/pacemaker.log >"$FNP_CLUSTER_LOGS/$node.pacemaker.log" 2>/dev/null
    done
    cp "$ALERTS" "$FNP_CLUSTER_LOGS/alerts.log" 2>/dev/null
    return 0
}

dump_state() {
    local node
    echo "---- alerts"
    cat "$ALERTS"
    for node in "${!NODE_PID[@]}"; do
        echo "---- $node: events, console, crm_mon, last Pacemaker log lines"
        cat "$CLUSTER_STATE/$node.events" "$CLUSTER_STATE/$node.console" 2>/dev/null
        crm_status "$node" 2>&1 | head -40
        node_run "$node" tail -n 40 /var/log/pacemaker/pacemaker.log 2>/dev/null
        echo "---- $node: the fencer's last lines"
        node_run "$node" grep -h 'pacemaker-fenced' /var/log/pacemaker/pacemaker.log 2>/dev/null | tail -n 15
        echo "---- $node: journal writer log (last lines)"
        tail -n 5 "$CLUSTER_STATE/journal-$node.log" 2>/dev/null
        node_pids "$node"
        echo "---- $node: processes: ${PIDS[*]}"
    done
}
