#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-root.sh - build and cache a Debian userland (root file system) of
# another suite for the VM test bed, e.g. Debian 13 (trixie) with its
# Pacemaker 3, pcs 0.12, Corosync and crmsh.
#
# Usage: fetch-root.sh [--suite SUITE] [--profile guest|build] [--refresh]
#
# Prints the root directory on stdout (last line), e.g.
#   /var/cache/fence-nvme-pr/root/trixie-<hash>
# Profiles (the package list): guest (default), what the test guests and the
# administrator's tools run, below; build, the suite's own toolchain and the
# package's build dependencies (tests/toolchains, the build matrix: the
# agents and the .deb compiled with that suite's g++ and dpkg-buildflags). A
# build root is named SUITE-build-<hash> and gets nothing from the host.
# run-vm.sh --root DIR boots the guest on it instead of the host's root
# (tests/compat). The directory is built once with debootstrap (minbase plus
# the packages below) from the mirror of the machine's apt configuration
# (apt-mirror.sh; or $FENCE_NVME_PR_MIRROR), checked with the Debian archive
# keyring; the machine's apt setup is never touched. It is marked complete
# by a file `complete` and named after a hash of the suite and package list,
# so a changed list builds a new one; $CACHE/root/SUITE links to the newest.
# Later runs use the cache without any network; --refresh builds it afresh.
#
# Environment: FENCE_NVME_PR_CACHE (default /var/cache/fence-nvme-pr),
# FENCE_NVME_PR_MIRROR (Debian mirror URI, default: read from apt sources).
#
# Exit: 0 ok; 1 failure (one "fetch-root: ERROR:" line; log in $CACHE/root).
set -euo pipefail

readonly PROG=fetch-root
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly CACHE=${FENCE_NVME_PR_CACHE:-/var/cache/fence-nvme-pr}
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# shellcheck source=apt-mirror.sh
source "$HERE/apt-mirror.sh"

# What the guest runs from the root: stage2.sh and the test scripts (bash,
# coreutils, util-linux, kmod, iproute2, procps, nvme-cli, xmllint), the
# cluster stack and both cluster shells. Python and the rest come as their
# dependencies (debootstrap follows Depends, not Recommends).
readonly PACKAGES=(
    bash coreutils util-linux mount kmod iproute2 procps psmisc grep sed gawk findutils
    nvme-cli libxml2-utils
    corosync pacemaker pacemaker-cli-utils pcs crmsh resource-agents
)
# The build profile: the compiler and CMake, the libraries of
# packaging/debian/control's Build-Depends (without the <!nocheck> ones: the
# unit tests run on the host), and dpkg-buildpackage with debhelper
# (build-essential: dpkg-checkbuilddeps requires it).
readonly BUILD_PACKAGES=(
    build-essential g++ make cmake pkg-config
    libboost-program-options-dev libxml2-dev libspdlog-dev libfmt-dev
    dpkg-dev debhelper fakeroot
)

# shellcheck source=guest/lib.sh
source "$HERE/guest/lib.sh"  # fnp_note, fnp_die
FNP_PROG=$PROG

# The agents under test are built on this Debian 12 machine and linked
# dynamically (as the Debian package is). The one library of theirs that a
# Debian 13 root lacks is Boost 1.74's program_options: Debian 13 ships 1.83,
# which a package built for Debian 13 would link instead. The host's copy goes
# into the root (a different soname, so nothing of the root's is replaced) and
# the same binaries run in both userlands; glibc and libstdc++ are backward
# compatible. Done on every call, so a root cached before this still gets it.
add_host_runtime() {
    local dest=$1 lib
    for lib in $(ldconfig -p | awk '/libboost_program_options\.so\.[0-9]/ && /x86-64/ {print $NF}'); do
        [[ -e $dest/usr/lib/x86_64-linux-gnu/${lib##*/} ]] && continue
        cp -L "$lib" "$dest/usr/lib/x86_64-linux-gnu/" || fnp_die "cannot copy $lib into $dest"
    done
}

main() {
    local suite=trixie refresh=0 profile=guest
    while (($#)); do
        case $1 in
            --suite) suite=${2:-}; shift 2 || fnp_die "--suite wants a Debian suite name" ;;
            --profile) profile=${2:-}; shift 2 || fnp_die "--profile wants guest or build" ;;
            --refresh) refresh=1; shift ;;
            -h|--help) fnp_usage; exit 0 ;;
            *) fnp_die "unknown argument: $1 (usage: fetch-root.sh [--suite SUITE] [--profile guest|build] [--refresh])" ;;
        esac
    done
    [[ $suite =~ ^[a-z][a-z0-9-]*$ ]] || fnp_die "bad suite name '$suite'"
    # name: the root's name without its hash (also its link, log and
    # download cache); the guest profile's hash is what it always was.
    local name packages=() hash
    case $profile in
        guest) name=$suite; packages=("${PACKAGES[@]}")
            hash=$(printf '%s\n' "$suite" "${packages[@]}" | sha256sum | cut -c1-12) ;;
        build) name=$suite-build; packages=("${BUILD_PACKAGES[@]}")
            hash=$(printf '%s\n' "$suite" build "${packages[@]}" | sha256sum | cut -c1-12) ;;
        *) fnp_die "unknown profile '$profile' (guest or build)" ;;
    esac
    local dest link=$CACHE/root/$name
    dest=$CACHE/root/$name-$hash
    if ((!refresh)) && [[ -f $dest/complete ]]; then
        [[ $profile == build ]] || add_host_runtime "$dest"
        printf '%s\n' "$dest"
        return 0
    fi
    [[ $EUID == 0 ]] || fnp_die "needs root (debootstrap)"
    command -v debootstrap >/dev/null || fnp_die "debootstrap not found (install debootstrap)"
    [[ -r $KEYRING ]] || fnp_die "$KEYRING missing (install debian-archive-keyring)"
    local mirror
    mirror=$(find_mirror) || fnp_die "no Debian mirror found in /etc/apt/sources.list{,.d}; set FENCE_NVME_PR_MIRROR"

    mkdir -p "$CACHE/root"
    # One build of a root at a time; a second caller waits and then uses it.
    # Roots of other names build side by side (tests/run-all.sh's ctest -j).
    exec {lock}>"$CACHE/root/.lock-$name"
    flock "$lock"
    if ((!refresh)) && [[ -f $dest/complete ]]; then
        [[ $profile == build ]] || add_host_runtime "$dest"
        printf '%s\n' "$dest"
        return 0
    fi
    TMP_DIR=$(mktemp -d "$CACHE/root/.tmp.XXXXXX")
    trap 'rm -rf "$TMP_DIR"' EXIT
    local logf=$CACHE/root/$name.log start=$SECONDS
    fnp_note "building a Debian $suite root ($profile profile) from $mirror: debootstrap (minbase), then apt-get install of ${#packages[@]} packages (log: $logf)"
    # Downloads kept across attempts (removed once the root is complete).
    mkdir -p "$CACHE/root/debs-$name"
    if ! debootstrap --variant=minbase --keyring="$KEYRING" --components=main \
        --cache-dir="$CACHE/root/debs-$name" "$suite" "$TMP_DIR/root" "$mirror" >"$logf" 2>&1; then
        cp "$TMP_DIR/root/debootstrap/debootstrap.log" "$CACHE/root/$name-debootstrap.log" 2>/dev/null
        fnp_die "debootstrap $suite failed: $(grep -m1 -E '^(E|W):' "$logf" || tail -n1 "$logf") (logs: $logf, $CACHE/root/$name-debootstrap.log)"
    fi
    # The packages with the root's own apt (its sources.list names the same
    # mirror), which orders their configuration properly where debootstrap
    # --include did not (python3-cryptography failed). In a private mount
    # namespace; policy-rc.d keeps maintainer scripts from starting services.
    printf '#!/bin/sh\nexit 101\n' >"$TMP_DIR/root/usr/sbin/policy-rc.d"
    chmod 0755 "$TMP_DIR/root/usr/sbin/policy-rc.d"
    # shellcheck disable=SC2016 # expanded by the inner shell
    if ! unshare --mount --propagation private -- /bin/bash -c '
        r=$1; shift
        mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" && mount --rbind /sys "$r/sys" &&
            DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get -q \
                install -y --no-install-recommends "$@"' fetch-root "$TMP_DIR/root" "${packages[@]}" \
        >>"$logf" 2>&1 </dev/null; then
        fnp_die "apt-get install in the $suite root failed: $(grep -m1 -E '^(E|W):' "$logf" || tail -n1 "$logf") (log: $logf)"
    fi
    rm -f "$TMP_DIR/root/usr/sbin/policy-rc.d"
    rm -rf "$CACHE/root/debs-$name"
    # The packages' versions, for docs/compatibility.md's table and the test logs.
    # shellcheck disable=SC2016 # dpkg-query format fields, not shell
    chroot "$TMP_DIR/root" dpkg-query -W -f='${Package} ${Version}\n' >"$TMP_DIR/root/fnp-packages" ||
        fnp_die "cannot list the packages of the new root"
    rm -rf "$TMP_DIR/root/var/cache/apt/archives/"*.deb
    [[ $profile == build ]] || add_host_runtime "$TMP_DIR/root"
    date -u +%FT%TZ >"$TMP_DIR/root/complete"
    rm -rf "$dest"
    mv "$TMP_DIR/root" "$dest"
    ln -sfn "${dest##*/}" "$link"
    fnp_note "Debian $suite root ($profile profile) ready in $((SECONDS - start)) s: $(grep -E '^(pacemaker|pcs|corosync|crmsh|g\+\+|cmake|dpkg-dev) ' "$dest/fnp-packages" | paste -sd' ')"
    printf '%s\n' "$dest"
}

main "$@"
