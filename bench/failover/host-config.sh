#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# host-config.sh DIR FENCE_NVME_PR NVME_PERSIST - (bench/failover/cell.sh,
# on the host, in a private mount namespace) write a cell's corosync.conf and
# CIB patches into DIR with pcs, as an administrator would. The cell's
# choices come from the environment: CONTENDER NODES TOKEN CONSENSUS
# STONITH_TIMEOUT SHARE.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../tests/cluster/lib.sh disable=SC1091
source "$HERE/../../tests/cluster/lib.sh"
: "${CONTENDER:?}" "${NODES:?}" "${TOKEN:?}" "${CONSENSUS:?}" "${STONITH_TIMEOUT:?}" "${SHARE:?}"

# host_config DIR: corosync.conf and the CIB patches, written with pcs as an
# administrator would (pcs -f on a CIB file, in a private mount namespace
# where the agents are installed: tests/cluster/lib.sh cluster_host_config).
host_config() {
    local dir=$1 i
    local -a nodes=() hosts=()
    for ((i = 1; i <= NODES; i++)); do nodes+=("node$i" "addr=10.77.0.$i"); hosts+=("node$i"); done
    pcs cluster setup fnpcluster "${nodes[@]}" transport knet crypto cipher=none hash=none \
        totem token="$TOKEN" consensus="$CONSENSUS" --corosync_conf "$dir/corosync.conf" 2>/dev/null || return 1
    sed -i 's/timestamp: on/timestamp: hires/' "$dir/corosync.conf"
    cib_begin fencing.xml &&
        pcs_f fencing.xml alert create id=events path=/usr/local/bin/fnp-alert-log meta timestamp-format=%s.%06N &&
        pcs_f fencing.xml alert recipient add events value=/run/fnp-alerts.log || return 1
    case $CONTENDER in
        fence_nvme_pr)
            # The README's command (keys derived from Corosync).
            pcs_f fencing.xml stonith create nvme-fence fence_nvme_pr devices=/dev/fnp-data \
                pcmk_delay_max=0 meta provides=unfencing || return 1 ;;
        sbd)
            # stonith-timeout is set on the live cluster (cell.sh): a
            # property set in a patch would duplicate cib-bootstrap-options.
            pcs_f fencing.xml stonith create sbd-fence fence_sbd devices=/dev/fnp-sbd pcmk_delay_max=0 || return 1 ;;
        fence_scsi)
            pcs_f fencing.xml stonith create scsi-fence fence_scsi devices=/dev/fnp-lun \
                pcmk_host_list="${hosts[*]}" pcmk_delay_max=0 meta provides=unfencing || return 1 ;;
    esac
    cib_patch fencing.xml fencing.patch || return 1
    local data=/dev/fnp-data
    [[ $CONTENDER == fence_scsi ]] && data=/dev/fnp-lun
    cib_begin service.xml &&
        pcs_f service.xml resource defaults update resource-stickiness=100 &&
        pcs_f service.xml resource create app ocf:fnptest:journal devices="$data" interval_ms=250 \
            log_dir="$SHARE/logs" op monitor interval=5s timeout=20s || return 1
    if [[ $CONTENDER == fence_nvme_pr ]]; then
        # nvme_persist as the README's promotable-free primitive: the
        # application's disk held by its node.
        pcs_f service.xml resource create disk ocf:nvmepr:nvme_persist devices=/dev/fnp-persist \
            op monitor interval=10s timeout=20s on-fail=fence &&
            pcs_f service.xml constraint colocation add app with disk score=INFINITY &&
            pcs_f service.xml constraint order disk "then" app || return 1
    fi
    pcs_f service.xml constraint location app prefers node1=50 &&
        cib_patch service.xml service.patch
}

cluster_host_config "$1" "$2" "$3"
