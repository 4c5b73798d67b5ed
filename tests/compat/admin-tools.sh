#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# admin-tools.sh - the administrator's tools of a Debian userland accept the
# agents, and every pcs and crmsh command of README.md and
# docs/nvme_persist.md works there:
#   - Pacemaker reads both agents' metadata (stonith_admin --metadata,
#     crm_resource --show-metadata), pcs describes them, crm_resource
#     --validate runs nvme_persist's validate-all;
#   - those pcs commands (stonith device with unfencing, with and
#     without pcmk_host_map; nvme_persist in a group; the promotable clone
#     and its constraints) build a CIB file that crm_verify accepts; the
#     crmsh commands build the same configuration.
# Without --userland: this machine's tools (Debian 12: Pacemaker 2.1.5,
# pcs 0.11, crmsh 4.4). With --userland SUITE: that Debian suite's, from
# tests/vm/fetch-root.sh, in a chroot on the host (tests/vm/in-root.sh);
# trixie has Pacemaker 3.0, pcs 0.12 and crmsh 5.0. Python tools run at
# native speed here, not in the emulated VM. Nothing on the host changes: the
# agents are installed in overlays of a private mount namespace.
#
# The documented pcs commands are written to work unchanged on pcs 0.11 and
# 0.12 (0.12 only warns that promotable meta attributes without the `meta`
# keyword are deprecated); pcs 0.12's --future form is tested too.
# Usage: admin-tools.sh [--userland SUITE] FENCE_AGENT RESOURCE_AGENT (root)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd -P)

if [[ ${FNP_ADMIN_TOOLS_INSIDE:-} != 1 ]]; then
    suite=''
    if [[ ${1:-} == --userland ]]; then suite=${2:?--userland wants a Debian suite}; shift 2; fi
    agent=$(readlink -f "${1:-}") ra=$(readlink -f "${2:-}")
    [[ -x $agent && -x $ra ]] || { echo "FAIL: usage: admin-tools.sh [--userland SUITE] FENCE_AGENT RESOURCE_AGENT (build first)"; exit 1; }
    [[ $EUID == 0 ]] || { echo "FAIL: needs root (a private mount namespace)"; exit 1; }
    if [[ -z $suite ]]; then
        exec unshare --mount --propagation private -- env FNP_ADMIN_TOOLS_INSIDE=1 "$0" "$agent" "$ra"
    fi
    root=$("$TOP/tests/vm/fetch-root.sh" --suite "$suite") || { echo "FAIL: no Debian $suite userland"; exit 1; }
    exec "$TOP/tests/vm/in-root.sh" "$root" --bind "$TOP" --bind "${agent%/*}" --bind "${ra%/*}" -- \
        env FNP_ADMIN_TOOLS_INSIDE=1 "$0" "$agent" "$ra"
fi
AGENT=$1 RA=$2
# shellcheck source=../vm/guest/lib.sh
source "$TOP/tests/vm/guest/lib.sh"

# The agents where Pacemaker looks, in overlays (tmpfs upper layers).
work=$(mktemp -d) || exit 1
if ! { mount -t tmpfs -o mode=0755 tmpfs "$work" && mkdir -p "$work"/{sbin,ocf}/{upper,work} &&
    mount -t overlay overlay -o "lowerdir=/usr/sbin,upperdir=$work/sbin/upper,workdir=$work/sbin/work" /usr/sbin &&
    mount -t overlay overlay -o "lowerdir=/usr/lib/ocf/resource.d,upperdir=$work/ocf/upper,workdir=$work/ocf/work" \
        /usr/lib/ocf/resource.d &&
    install -m 0755 "$AGENT" /usr/sbin/fence_nvme_pr &&
    install -D -m 0755 "$RA" /usr/lib/ocf/resource.d/nvmepr/nvme_persist; }; then
    echo "FAIL: cannot install the agents in the private namespace"
    exit 1
fi
cd "$work" || exit 1

version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
echo "userland: $(. /etc/os-release && echo "$PRETTY_NAME"); pacemaker $(version pacemaker), pcs $(version pcs), crmsh $(version crmsh), corosync $(version corosync)"
PCS_12=0
dpkg --compare-versions "$(version pcs)" ge 0.12 && PCS_12=1

# ------------------------------------------------------------ metadata
stonith_admin --metadata -a fence_nvme_pr >fence.xml 2>stonith_admin.err
fnp_check "stonith_admin --metadata: well-formed XML" xmllint --noout fence.xml
fnp_check "stonith_admin --list-installed lists fence_nvme_pr" \
    bash -c 'stonith_admin --list-installed | grep -qx fence_nvme_pr'
fnp_check "crm_resource --show-metadata ocf:nvmepr:nvme_persist: well-formed XML" \
    bash -c 'crm_resource --show-metadata ocf:nvmepr:nvme_persist | xmllint --noout -'
fnp_check "pcs stonith describe fence_nvme_pr" \
    bash -c 'pcs stonith describe fence_nvme_pr >describe.fence && grep -q "devices (required)" describe.fence'
fnp_check "pcs resource describe ocf:nvmepr:nvme_persist" \
    bash -c 'pcs resource describe ocf:nvmepr:nvme_persist >describe.ra && grep -q "devices (required)" describe.ra'
fnp_check_rc 0 "crm_resource --validate (nvme_persist validate-all, level 0: parameters only)" \
    crm_resource --validate --class ocf --provider nvmepr --agent nvme_persist --option devices=/dev/disk/by-id/x
fnp_check_rc 6 "crm_resource --validate without devices: 6 (not configured)" \
    crm_resource --validate --class ocf --provider nvmepr --agent nvme_persist

# ---------------------------- pcs (README.md, docs/nvme_persist.md)
# cmd FILE TOOL ARGS...: TOOL (pcs or crm) on the CIB in FILE, echoed.
cmd() {
    local file=$1 out rc=0
    shift
    if [[ $1 == pcs ]]; then
        out=$(pcs -f "$file" "${@:2}" 2>&1) || rc=$?
    else
        out=$(CIB_file=$file crm "${@:2}" 2>&1) || rc=$?
    fi
    if ((rc == 0)); then fnp_pass "$*"; else fnp_fail "$* (exit $rc)"; fi
    # Anything it said, except crm_verify's on a cluster without nodes.
    grep -v 'lack of quorum' <<<"$out" | sed '/^$/d; s/^/      /'
}
new_cib() { cibadmin --empty >"$1"; }
DISK=/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_2ze0abc
MAP="node1:0x1a2b0001;node2:0x1a2b0002"

new_cib pcs.xml
cmd pcs.xml pcs stonith create nvme-fence fence_nvme_pr devices=$DISK pcmk_host_map="$MAP" meta provides=unfencing
new_cib pcs-derived.xml
cmd pcs-derived.xml pcs stonith create nvme-fence fence_nvme_pr devices=d-2ze0abc meta provides=unfencing
cmd pcs.xml pcs resource create hana-disk ocf:nvmepr:nvme_persist devices=$DISK \
    op monitor interval=10s timeout=20s --group hana
cmd pcs.xml pcs resource create hana-fs ocf:heartbeat:Filesystem device=... directory=/hana fstype=xfs --group hana
cmd pcs.xml pcs resource create db ocf:heartbeat:Dummy
cmd pcs.xml pcs resource create db-disk ocf:nvmepr:nvme_persist devices=d-2ze0abc \
    op monitor interval=9s role=Promoted timeout=20s \
    op monitor interval=11s role=Unpromoted timeout=20s \
    promotable promoted-max=1
cmd pcs.xml pcs constraint colocation add db with Promoted db-disk-clone score=INFINITY
cmd pcs.xml pcs constraint order promote db-disk-clone "then" start db
if ((PCS_12)); then
    # pcs 0.12's future syntax (no deprecation warning): meta after promotable.
    new_cib pcs-future.xml
    cmd pcs-future.xml pcs resource create --future db-disk ocf:nvmepr:nvme_persist devices=d-2ze0abc \
        op monitor interval=9s role=Promoted timeout=20s \
        op monitor interval=11s role=Unpromoted timeout=20s \
        promotable meta promoted-max=1
    fnp_check "pcs 0.12 --future: a promotable clone with promoted-max=1" \
        grep -q 'name="promoted-max" value="1"' pcs-future.xml
fi

# -------------------------- crmsh (README.md, docs/nvme_persist.md)
new_cib crm.xml
cmd crm.xml crm configure primitive nvme-fence stonith:fence_nvme_pr \
    params devices=$DISK pcmk_host_map="$MAP" meta provides=unfencing
new_cib crm-derived.xml
cmd crm-derived.xml crm configure primitive nvme-fence stonith:fence_nvme_pr params devices=d-2ze0abc meta provides=unfencing
cmd crm.xml crm configure primitive hana-disk ocf:nvmepr:nvme_persist params devices=$DISK \
    op monitor interval=10s timeout=20s
cmd crm.xml crm configure primitive hana-fs ocf:heartbeat:Filesystem params device=... directory=/hana fstype=xfs
cmd crm.xml crm configure group hana hana-disk hana-fs
cmd crm.xml crm configure primitive db ocf:heartbeat:Dummy
cmd crm.xml crm configure primitive db-disk ocf:nvmepr:nvme_persist params devices=d-2ze0abc \
    op monitor interval=9s role=Promoted timeout=20s \
    op monitor interval=11s role=Unpromoted timeout=20s
cmd crm.xml crm configure clone db-disk-clone db-disk meta promotable=true promoted-max=1
cmd crm.xml crm configure colocation db-with-disk inf: db db-disk-clone:Promoted
cmd crm.xml crm configure order db-after-disk Mandatory: db-disk-clone:promote db:start

# ------------------------------------------------------ the results
# shape FILE: the configuration's essentials, one per line, whatever the
# shell (ids and attribute order differ between pcs and crmsh).
shape() {
    xmllint --xpath '
        concat("stonith ", //primitive[@class="stonith"]/@type, " provides=",
               //primitive[@class="stonith"]//nvpair[@name="provides"]/@value, " map=",
               //primitive[@class="stonith"]//nvpair[@name="pcmk_host_map"]/@value, "|",
               "group ", //group/@id, ": ", //group/primitive[1]/@id, " ", //group/primitive[2]/@id, "|",
               "clone ", //clone/@id, " of ", //clone/primitive/@id, " promotable=",
               //clone//nvpair[@name="promotable"]/@value, " promoted-max=",
               //clone//nvpair[@name="promoted-max"]/@value, "|",
               "monitors ", count(//clone//op[@name="monitor" and @role="Promoted" and @interval="9s"]), " ",
               count(//clone//op[@name="monitor" and @role="Unpromoted" and @interval="11s"]), "|",
               "colocation ", //rsc_colocation/@rsc, " with ", //rsc_colocation/@with-rsc, " ",
               //rsc_colocation/@with-rsc-role, " ", //rsc_colocation/@score, "|",
               "order ", //rsc_order/@first, " ", //rsc_order/@first-action, " then ",
               //rsc_order/@then, " ", //rsc_order/@then-action)' "$1" 2>/dev/null | tr '|' '\n'
}
want="stonith fence_nvme_pr provides=unfencing map=$MAP
group hana: hana-disk hana-fs
clone db-disk-clone of db-disk promotable=true promoted-max=1
monitors 1 1
colocation db with db-disk-clone Promoted INFINITY
order db-disk-clone promote then db start"
fnp_check_eq "the pcs commands build the configuration the README describes" "$want" "$(shape pcs.xml)"
fnp_check_eq "the crmsh commands build the same configuration" "$want" "$(shape crm.xml)"
fnp_check_rc 0 "crm_verify accepts the pcs configuration" env CIB_file=pcs.xml crm_verify -L
fnp_check_rc 0 "crm_verify accepts the crmsh configuration" env CIB_file=crm.xml crm_verify -L
for f in pcs-derived.xml crm-derived.xml; do
    fnp_check "$f: fence_nvme_pr with provides=unfencing, no host map" \
        bash -c "grep -q 'type=\"fence_nvme_pr\"' $f && grep -q 'name=\"provides\" value=\"unfencing\"' $f && ! grep -q pcmk_host_map $f"
done
fnp_summary
