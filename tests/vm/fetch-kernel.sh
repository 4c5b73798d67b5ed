#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-kernel.sh - download and cache a Debian kernel for the VM test bed.
#
# Usage: fetch-kernel.sh [--suite SUITE] [--refresh]
#
# Prints the kernel directory on stdout (last line), e.g.
#   /var/cache/fence-nvme-pr/kernel/7.2.13+deb14-amd64
# which holds: vmlinuz, lib/modules/<kver>/ (full module tree, depmod'ed),
# kver (the kernel release), suite and packages (the .deb versions used).
#
# SUITE is the Debian suite whose linux-image-amd64 is fetched; default
# *unstable*, the test bed's own kernel, because nvmet reservation support
# needs Linux >= 6.13. Older suites (bookworm: 6.1, bullseye: 5.10) give the
# distribution kernels the compatibility tests boot as cluster nodes
# (tests/compat). The link $CACHE/kernel/current names unstable's kernel,
# $CACHE/kernel/SUITE any other suite's. The kernel is fetched with a
# private apt configuration (own sources, lists, cache and an empty dpkg
# status) so the machine's apt setup is never touched: adding unstable to
# the system sources would upgrade libc.
#
# Once a kernel is cached, later runs use it without any network access.
# --refresh checks the mirror for a newer kernel of the suite.
#
# Environment:
#   FENCE_NVME_PR_CACHE   cache root (default /var/cache/fence-nvme-pr)
#   FENCE_NVME_PR_MIRROR  Debian mirror URI (default: read from apt sources)
#   FENCE_NVME_PR_FLAVOUR kernel flavour (default amd64)
#
# Exit: 0 ok; 1 download/unpack failure (one "fetch-kernel: ERROR:" line).
set -euo pipefail

readonly PROG=fetch-kernel
readonly CACHE=${FENCE_NVME_PR_CACHE:-/var/cache/fence-nvme-pr}
readonly FLAVOUR=${FENCE_NVME_PR_FLAVOUR:-amd64}
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# shellcheck source=apt-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-mirror.sh"   # find_mirror

# shellcheck source=guest/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/guest/lib.sh"  # fnp_note, fnp_die
FNP_PROG=$PROG

SUITE=unstable

# The cache link of the suite: "current" for unstable (the name every
# caller of the test bed has used since before suites existed).
suite_link() {
    if [[ $SUITE == unstable ]]; then printf '%s\n' "$CACHE/kernel/current"
    else printf '%s\n' "$CACHE/kernel/$SUITE"; fi
}

# Print the cached kernel dir if a complete one exists.
cached_kernel() {
    local dir
    dir=$(suite_link)
    [[ -f $dir/complete && -f $dir/vmlinuz ]] || return 1
    readlink -f "$dir"
}

# Write a private apt configuration under $1 that only knows $SUITE.
write_apt_config() {
    local root=$1 mirror=$2
    mkdir -p "$root"/{etc/apt.conf.d,etc/preferences.d,etc/trusted.gpg.d,lists/partial,cache/archives/partial,state}
    printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "$mirror" "$SUITE" >"$root/etc/sources.list"
    # Check-Valid-Until is off because mirrors serving a frozen snapshot carry
    # an expired Release date; signatures are still checked with the keyring.
    cat >"$root/apt.conf" <<EOF
Dir::Etc "$root/etc";
Dir::Etc::sourcelist "$root/etc/sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::parts "$root/etc/apt.conf.d";
Dir::Etc::preferencesparts "$root/etc/preferences.d";
Dir::Etc::trustedparts "$root/etc/trusted.gpg.d";
Dir::State "$root/state";
Dir::State::lists "$root/lists";
Dir::State::status "/dev/null";
Dir::Cache "$root/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Acquire::Retries "3";
EOF
}

# First error or warning line of apt log $1, for a one-line diagnosis.
apt_error() {
    grep -m1 -E '^(E|W):' "$1" 2>/dev/null || grep -m1 '^Err' "$1" 2>/dev/null ||
        echo "linux-image-$FLAVOUR not in the index"
}

# apt-get/apt-cache with the private configuration.
papt() { APT_CONFIG="$APT_ROOT/apt.conf" "$@"; }

# Print the package names of a package's Depends, first alternative only.
depends_of() {
    papt apt-cache show --no-all-versions "$1" 2>/dev/null |
        sed -n 's/^Depends: //p' | tr ',' '\n' |
        sed -e 's/|.*//' -e 's/(.*)//' -e 's/[[:space:]]//g' | sed '/^$/d'
}

# Resolve linux-image-$FLAVOUR to the versioned packages holding the kernel
# image, modules and module metadata (layout changed over time: 7.x splits
# linux-image-X into linux-binary-X, linux-modules-X and linux-base-X; up to
# 6.x linux-image-X is all there is).
resolve_packages() {
    local image dep
    image=$(depends_of "linux-image-$FLAVOUR" | grep -m1 '^linux-image-') ||
        fnp_die "linux-image-$FLAVOUR not found in $SUITE on $MIRROR"
    printf '%s\n' "$image"
    for dep in $(depends_of "$image"); do
        case $dep in
            linux-binary-*|linux-modules-*|linux-base-*|linux-image-*) printf '%s\n' "$dep" ;;
        esac
    done
}

# Unpack the .debs in $1 into $2 and lay the result out as a kernel dir.
unpack() {
    local debs=$1 out=$2 root deb d kver moddir
    root=$out/.unpacked
    mkdir -p "$root"
    for deb in "$debs"/*.deb; do
        dpkg-deb -x "$deb" "$root" || fnp_die "cannot unpack $deb"
    done
    # Merged-/usr packages use usr/lib/modules, older ones lib/modules.
    moddir=
    for d in "$root"/usr/lib/modules/* "$root"/lib/modules/*; do
        if [[ -d $d ]]; then moddir=$d; break; fi
    done
    [[ -n $moddir ]] || fnp_die "no modules directory in the kernel packages"
    kver=${moddir##*/}
    mkdir -p "$out/lib/modules"
    mv "$moddir" "$out/lib/modules/$kver"
    if [[ -f $out/lib/modules/$kver/vmlinuz ]]; then
        mv "$out/lib/modules/$kver/vmlinuz" "$out/vmlinuz"
    elif [[ -f $root/boot/vmlinuz-$kver ]]; then
        mv "$root/boot/vmlinuz-$kver" "$out/vmlinuz"
    else
        fnp_die "no vmlinuz in the kernel packages"
    fi
    rm -rf "$root"
    # The packages ship no modules.dep (postinst runs depmod); make one so
    # the guest's modprobe (and build-initramfs.sh) can resolve dependencies.
    depmod -b "$out" "$kver" 2>/dev/null || fnp_die "depmod failed for $kver"
    printf '%s\n' "$kver" >"$out/kver"
}

main() {
    local refresh=0
    while (($#)); do
        case $1 in
            --refresh) refresh=1; shift ;;
            --suite) SUITE=${2:-}; shift 2 || fnp_die "--suite wants a Debian suite name" ;;
            -h|--help) fnp_usage; exit 0 ;;
            *) fnp_die "unknown argument: $1 (usage: fetch-kernel.sh [--suite SUITE] [--refresh])" ;;
        esac
    done
    # The suite becomes a file name and an apt sources field.
    [[ $SUITE =~ ^[a-z][a-z0-9-]*$ && $SUITE != current ]] || fnp_die "bad suite name '$SUITE'"
    readonly SUITE
    local link
    link=$(suite_link)
    if ((!refresh)) && cached_kernel; then return 0; fi

    command -v apt-get >/dev/null || fnp_die "apt-get not found"
    command -v dpkg-deb >/dev/null || fnp_die "dpkg-deb not found"
    command -v depmod >/dev/null || fnp_die "depmod not found (install kmod)"
    [[ -r $KEYRING ]] || fnp_die "$KEYRING missing (install debian-archive-keyring)"
    mkdir -p "$CACHE/kernel" || fnp_die "cannot create $CACHE"

    # Serialise concurrent fetches (parallel ctest runs share the cache).
    exec 9>"$CACHE/.fetch.lock"
    flock 9
    rm -rf "$CACHE"/kernel/.tmp.*   # leftovers of an interrupted fetch
    if ((!refresh)) && cached_kernel; then return 0; fi

    MIRROR=$(find_mirror) || fnp_die "no Debian mirror found in /etc/apt/sources.list{,.d}; set FENCE_NVME_PR_MIRROR"
    APT_ROOT=$CACHE/apt
    write_apt_config "$APT_ROOT" "$MIRROR"

    local logf=$CACHE/fetch.log start=$SECONDS
    fnp_note "updating package lists for $SUITE from $MIRROR"
    # apt-get update can exit 0 with a failed index: check the index too.
    if ! papt apt-get -q update >"$logf" 2>&1 ||
        ! papt apt-cache show "linux-image-$FLAVOUR" >/dev/null 2>&1; then
        fnp_die "apt-get update for Debian $SUITE from $MIRROR failed: $(apt_error "$logf") (log: $logf)"
    fi

    local -a pkgs
    local p
    mapfile -t pkgs < <(resolve_packages)
    # One package up to 6.x (linux-image-X holds image and modules), several
    # from 7.x; unpack checks that a vmlinuz and a module tree came out.
    ((${#pkgs[@]} >= 1)) || fnp_die "could not resolve the packages of linux-image-$FLAVOUR"

    # --refresh: nothing to download if the current kernel has these versions.
    local wanted
    wanted=$(for p in "${pkgs[@]}"; do
        printf '%s %s\n' "$p" "$(papt apt-cache show --no-all-versions "$p" | sed -n 's/^Version: //p')"
    done | sort)
    if [[ -f $link/packages && $wanted == "$(sort "$link/packages")" ]]; then
        fnp_note "cached kernel is up to date"
        rm -rf "$APT_ROOT"
        readlink -f "$link"
        return 0
    fi

    # Global: the EXIT trap runs after main returns.
    TMP_DIR=$(mktemp -d "$CACHE/kernel/.tmp.XXXXXX")
    local tmp=$TMP_DIR
    trap 'rm -rf "$TMP_DIR"' EXIT
    mkdir -p "$tmp/debs"
    fnp_note "downloading ${pkgs[*]}"
    (cd "$tmp/debs" && papt apt-get -q download "${pkgs[@]}") >>"$logf" 2>&1 ||
        fnp_die "apt-get download of ${pkgs[*]} failed: $(apt_error "$logf") (log: $logf)"

    fnp_note "unpacking"
    unpack "$tmp/debs" "$tmp/k"
    local deb
    for deb in "$tmp"/debs/*.deb; do
        # shellcheck disable=SC2016 # dpkg-deb format fields, not shell
        dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"
    done | sort >"$tmp/k/packages"
    printf '%s\n' "$SUITE" >"$tmp/k/suite"
    rm -rf "$tmp/debs"

    local kver dest
    kver=$(<"$tmp/k/kver")
    dest=$CACHE/kernel/$kver
    if [[ -f $dest/complete ]]; then
        fnp_note "kernel $kver already cached"
    else
        rm -rf "$dest"
        date -u +%FT%TZ >"$tmp/k/complete"
        mv "$tmp/k" "$dest"
    fi
    ln -sfn "$kver" "$link"
    rm -rf "$APT_ROOT"   # ~150 MB of indexes; --refresh fetches them again
    fnp_note "kernel $kver ($SUITE) ready in $((SECONDS - start)) s"
    readlink -f "$link"
}

main "$@"
