#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# in-root.sh - run a command on the host, at native speed, inside a userland
# from fetch-root.sh (e.g. Debian 13's pcs 0.12, Pacemaker 3 and crmsh
# tools), without changing that root or the host.
#
# Usage: in-root.sh ROOT [--bind DIR]... -- COMMAND [ARGS...]
#   ROOT is a directory, or a Debian suite name (e.g. trixie) for
#   fetch-root.sh's cached root of that suite.
#
# In a private mount namespace: ROOT under an overlay (tmpfs upper layer, so
# writes vanish), /proc, /sys, /dev, a fresh /run and /tmp, and every --bind
# DIR (read-write, at the same path; e.g. the build tree and an output
# directory), then chroot. Exit status: COMMAND's; 125 if the setup failed.
# Needs root.
set -euo pipefail

# shellcheck source=guest/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/guest/lib.sh"  # fnp_die
FNP_PROG=in-root FNP_DIE_STATUS=125

if [[ ${FNP_IN_ROOT_NS:-} != 1 ]]; then
    [[ $EUID == 0 ]] || fnp_die "needs root"
    exec unshare --mount --propagation private -- env FNP_IN_ROOT_NS=1 "$0" "$@"
fi
unset FNP_IN_ROOT_NS

root=${1:-}
if [[ $root =~ ^[a-z][a-z0-9-]*$ && ! -d $root ]]; then
    root=$("$(dirname "${BASH_SOURCE[0]}")/fetch-root.sh" --suite "$root") || fnp_die "no Debian $1 root (fetch-root.sh)"
fi
[[ -n $root && -x $root/bin/bash ]] || fnp_die "usage: in-root.sh ROOT [--bind DIR]... -- COMMAND (ROOT from fetch-root.sh)"
shift
binds=()
while (($#)); do
    case $1 in
        --bind) binds+=("$(cd "${2:?}" && pwd -P)") || fnp_die "--bind: no such directory: $2"; shift 2 ;;
        --) shift; break ;;
        *) fnp_die "unknown option $1" ;;
    esac
done
(($#)) || fnp_die "no command given"

t=$(mktemp -d)
if ! { mount -t tmpfs -o mode=0755 tmpfs "$t" && mkdir "$t"/{upper,work,root} &&
    mount -t overlay overlay -o "lowerdir=$root,upperdir=$t/upper,workdir=$t/work" "$t/root" &&
    mount -t proc proc "$t/root/proc" &&
    mount --rbind /sys "$t/root/sys" &&
    mount --rbind /dev "$t/root/dev" &&
    mount -t tmpfs -o mode=0755 tmpfs "$t/root/run" &&
    mount -t tmpfs -o mode=1777 tmpfs "$t/root/tmp"; }; then
    fnp_die "cannot set up $root"
fi
for d in "${binds[@]}"; do
    if ! { mkdir -p "$t/root$d" && mount --bind "$d" "$t/root$d"; }; then fnp_die "cannot bind $d"; fi
done
# The command runs with the caller's cwd when the root has it (a bind).
cwd=$PWD
[[ -d $t/root$cwd ]] || cwd=/
# shellcheck disable=SC2016 # expanded by the inner shell
exec chroot "$t/root" /bin/bash -c 'cd -- "$1" && shift && exec "$@"' in-root "$cwd" "$@"
