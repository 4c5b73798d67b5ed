#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 9a: pcs and Pacemaker's tools accept the fence agent where no
# NVMe device is involved: stonith_admin lists it and prints its metadata,
# pcs describes it and creates stonith resources in a CIB file, rejecting an
# unknown parameter; the agent refuses an unknown command-line option.
# (stonith_admin --validate, which opens devices, runs in the VM test bed:
# pacemaker-tools.sh.)
#
# Runs on the host (pcs is Python: minutes in the emulated VM, a second
# here), as root, in a private mount namespace where an overlay (tmpfs upper
# layer) over /usr/sbin holds the agent: the host is left unchanged.
# Usage: pcs.sh AGENT
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SBIN=/usr/sbin

if [[ ${FENCE_PCS_INSIDE:-} != 1 ]]; then
    agent=$(readlink -f "${1:-}")
    [[ -x $agent ]] || { echo "no agent binary at '${1:-}' (build first)" >&2; exit 1; }
    [[ $EUID == 0 ]] || { echo "FAIL: needs root (a private mount namespace)" >&2; exit 1; }
    exec unshare --mount --propagation private env FENCE_PCS_INSIDE=1 "$0" "$agent"
fi
AGENT=$1

# shellcheck source=../vm/guest/lib.sh
source "$HERE/../vm/guest/lib.sh"
work=$(mktemp -d) || exit 1
# The mounts die with this namespace; unmount them so the directory can go.
trap 'umount -l "$SBIN" "$work/layers" 2>/dev/null; rm -rf "$work"' EXIT
# /usr/sbin holds hundreds of programs pcs and Pacemaker need: overlay it
# (lower = the host's, upper = a tmpfs) instead of hiding it under a tmpfs.
mkdir "$work/layers" && mount -t tmpfs -o mode=0755 tmpfs "$work/layers" &&
    mkdir "$work/layers/upper" "$work/layers/work" &&
    mount -t overlay overlay -o "lowerdir=$SBIN,upperdir=$work/layers/upper,workdir=$work/layers/work" "$SBIN" &&
    install -m 0755 "$AGENT" "$SBIN/fence_nvme_pr" ||
    { echo "FAIL: cannot install the agent in the private namespace"; exit 1; }
cib=$work/cib.xml meta=$work/meta.xml

fnp_check "stonith_admin lists the agent" bash -c "stonith_admin --list-installed | grep -qx fence_nvme_pr"
stonith_admin --metadata -a fence_nvme_pr >"$meta"
fnp_check "stonith_admin --metadata prints well-formed XML" xmllint --noout "$meta"
fnp_check "the metadata marks on as on_target and automatic" \
    grep -q '<action name="on" on_target="1" automatic="1"/>' "$meta"
fnp_check_rc 0 "pcs stonith describe" bash -c "pcs stonith describe fence_nvme_pr >'$work/describe'"
fnp_check "pcs stonith describe shows devices as required" grep -q 'devices (required)' "$work/describe"

cibadmin --empty >"$cib" || { echo "FAIL: cannot make an empty CIB"; exit 1; }
fnp_check_rc 0 "pcs -f stonith create with pcmk_host_map" pcs -f "$cib" stonith create nvme-fence \
    fence_nvme_pr devices=/dev/data-disk "pcmk_host_map=node1:0x1;node2:0x2" meta provides=unfencing
fnp_check_rc 0 "pcs -f stonith create with derived keys" pcs -f "$cib" stonith create nvme-fence2 \
    fence_nvme_pr devices=d-2ze0abc reservation_type=write-exclusive-all-registrants power_timeout=30
fnp_check "the CIB holds the resource and provides=unfencing" \
    bash -c "grep -q 'type=\"fence_nvme_pr\"' '$cib' && grep -q 'name=\"provides\" value=\"unfencing\"' '$cib'"
out=$(pcs -f "$cib" stonith create bad fence_nvme_pr devices=/dev/x no_such_option=1 2>&1); rc=$?
fnp_check "pcs rejects an unknown parameter" test "$rc" -ne 0
fnp_check_rc 1 "an unknown command-line option is an error" "$AGENT" --no-such-option
fnp_summary
