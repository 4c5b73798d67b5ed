# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# off-bed.sh - (guest only, sourced) what bench-vm.sh and
# instructions-guard.sh share: the programs as installed, and the bed of one
# profiled `off` (host1 fences host2 on a shared nvmet target).
#
# The caller sets NVMET (tests/vm/guest/nvmet-target.sh) and WORK (a
# directory on the guest's tmpfs) and defines die MESSAGE.

# Comma- and space-separated device lists of host $1 (from the nvmet map):
# COMMA, SPACE.
devs_of() {
    local host ns dev
    local -a list=()
    while read -r host ns dev; do
        [[ $host == "$1" ]] && list[ns]=$dev
    done </run/nvmet/map
    COMMA=$(IFS=,; echo "${list[*]}")
    SPACE="${list[*]}"
}

# The files a program needs at start: itself and what the loader maps.
loaded_files() {
    local f
    for f in "$@"; do
        f=$(command -v "$f") || continue
        echo "$f"
        ldd "$f" 2>/dev/null | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
    done
}

# Copies files of the overlay root up to its tmpfs layer: touch -c opens
# each for writing, which makes overlayfs copy it up; the host's files are
# never changed (read-only 9p). Files elsewhere (a writable --rw share) are
# left alone. valgrind cannot name objects read through the overlay over 9p.
copy_up() {
    local f
    while read -r f; do
        [[ $(stat -f -c %T "$f" 2>/dev/null) == overlay* ]] && touch -c "$f"
    done
}

# off_bed AGENT N: a target with 2 hosts and N namespaces of 1 MB, both hosts
# unfenced with AGENT (keys 0x1 and 0x2 saved under WORK/node1 and
# WORK/node2), and WORK/off.in: host1's `off` of host2 as Pacemaker sends it
# on stdin (the set-up with a long power_timeout: a loaded emulated machine
# must not fail it). Sets OFF_D1S and OFF_D2S, host1's and host2's devices
# (space-separated). Tear down with "$NVMET" teardown.
# shellcheck disable=SC2034 # OFF_D1S, OFF_D2S: for the caller
off_bed() {
    local agent=$1 n=$2
    "$NVMET" setup --hosts 2 --namespaces "$n" --size-mb 1 >/dev/null || die "nvmet setup failed"
    rm -rf "$WORK"/node*
    devs_of host2; OFF_D2S=$SPACE; mkdir -p "$WORK/node2"
    "$agent" -q -o on -n 0x2 -d "$COMMA" -s "$WORK/node2" --power-timeout=600 || die "host2 could not unfence"
    devs_of host1; OFF_D1S=$SPACE; mkdir -p "$WORK/node1"
    "$agent" -q -o on -n 0x1 -d "$COMMA" -s "$WORK/node1" --power-timeout=600 || die "host1 could not unfence"
    printf 'action=off\nnodename=node2\nport=0x2\ndevices=%s\nstore_path=%s\n' "$COMMA" "$WORK/node1" >"$WORK/off.in"
}
