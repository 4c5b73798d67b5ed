#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nvme-cli-fence.sh - the "nvme-cli script" contender of the benchmark: the
# same verified fence as fence_nvme_pr off, done the way an administrator
# scripts it from the cloud provider's documented nvme-cli commands and as
# lvm2's lvmpersist does its takeover (register our key, then
# "resv-acquire --racqa=2" = preempt-and-abort, per device, one nvme process
# per command), plus the checks a careful script adds:
#
#   1. per device: resv-report; refuse unless our key is registered (a fenced
#      node must not fence), note the reservation type;
#   2. per device: resv-register our key (lvmpersist: rrega=0, falling back
#      to rrega=2 --iekey for a stale key of this host);
#   3. per device: resv-acquire --racqa=2 --prkey=VICTIM under that type;
#   4. per device: resv-report read-back: victim gone, our key present, a
#      reservation in place.
#
# Four nvme-cli processes per device, devices in turn. JSON is parsed with
# bash builtins only (lvmpersist pipes it through grep/jq: more processes),
# so this is the fastest form of such a script.
#
# nvme-cli 3 spells the reservation commands "nvme resv report" (and
# register, acquire, release); 2.x, as in Debian 12 and 13, "resv-report".
# The spelling is found with one more nvme process, unless given in
# NVME_RESV_SPELLING (old or new): bench-vm.sh finds it once with --spelling,
# so that the timed runs do not pay for it.
#
# Usage: nvme-cli-fence.sh OWN_KEY VICTIM_KEY DEVICE...   (keys 0x... or decimal)
#        nvme-cli-fence.sh --spelling    (prints old or new)
# Exit: 0 fenced and verified on every device; 1 otherwise.
set -uo pipefail

# Sets NVME_RESV_SPELLING unless given: nvme-cli 2.x prints "Usage: nvme
# resv-report ..." for --help (and exits 1); 3.x without the old names does not.
nvme_resv_spelling() {
    [[ -n ${NVME_RESV_SPELLING:-} ]] && return
    NVME_RESV_SPELLING=new
    [[ $(timeout 10 nvme resv-report --help 2>&1) == *"Usage: nvme resv-report"* ]] && NVME_RESV_SPELLING=old
}

# nvme_resv report|register|acquire|release ARGS...: in the installed
# nvme-cli's spelling. No timeout process per command (it would add a
# process start to each of the measured commands): the benchmark's timer
# bounds the whole run.
nvme_resv() {
    nvme_resv_spelling
    local sub=$1
    shift
    if [[ $NVME_RESV_SPELLING == old ]]; then nvme "resv-$sub" "$@"; else nvme resv "$sub" "$@"; fi
}

if [[ ${1:-} == --spelling ]]; then
    nvme_resv_spelling
    echo "$NVME_RESV_SPELLING"
    exit 0
fi

own=$1 victim=$2
shift 2
printf -v own_dec '%u' "$own"
printf -v victim_dec '%u' "$victim"

fail() { echo "nvme-cli-fence: $*" >&2; exit 1; }

# Sets REPORT (whitespace stripped), RTYPE, HAS_OWN, HAS_VICTIM for $1.
read_report() {
    local json
    json=$(nvme_resv report --eds -o json "$1") || fail "$1: resv-report failed"
    REPORT=${json//[$' \t\n']/}
    [[ $REPORT =~ \"rtype\":([0-9]+) ]] || fail "$1: no rtype in the report"
    RTYPE=${BASH_REMATCH[1]}
    HAS_OWN=0 HAS_VICTIM=0
    [[ $REPORT =~ \"rkey\":$own_dec[,}] ]] && HAS_OWN=1
    [[ $REPORT =~ \"rkey\":$victim_dec[,}] ]] && HAS_VICTIM=1
    return 0
}

declare -A type_of victim_on
for dev; do
    read_report "$dev"
    ((HAS_OWN)) || fail "$dev: our key $own is not registered: this node is fenced, refusing"
    type_of[$dev]=$RTYPE
    victim_on[$dev]=$HAS_VICTIM
done

for dev; do
    nvme_resv register --nrkey="$own" --rrega=0 "$dev" >/dev/null 2>&1 ||
        nvme_resv register --nrkey="$own" --rrega=2 --iekey "$dev" >/dev/null 2>&1 ||
        fail "$dev: cannot register our key"
done

for dev; do
    ((${victim_on[$dev]})) || continue
    nvme_resv acquire --crkey="$own" --prkey="$victim" --rtype="${type_of[$dev]}" --racqa=2 "$dev" >/dev/null ||
        fail "$dev: preempt-and-abort failed"
done

for dev; do
    read_report "$dev"
    ((HAS_VICTIM == 0)) || fail "$dev: victim $victim still registered"
    ((HAS_OWN)) || fail "$dev: our key is gone"
    ((RTYPE != 0)) || fail "$dev: no reservation"
done
exit 0
