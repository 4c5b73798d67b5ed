#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# host-config.sh - the cluster tests' host side (sourced by ../lib.sh): enter
# the VM, and write the configuration an administrator would write, with the
# administrator's tools (pcs, crmsh), the README's own commands among them.

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
        # shellcheck disable=SC2034 # for nodes.sh
        FENCE_AGENT=$agent RESOURCE_AGENT=$ra
        # shellcheck disable=SC2034
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
