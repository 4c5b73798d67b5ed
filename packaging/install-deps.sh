#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing fence-nvme-pr
# need, and only those that are missing (apt-get update runs only then).
# Usage: packaging/install-deps.sh [build|test]   (default: test)
set -euo pipefail

build_packages=(
  g++ cmake make pkg-config
  libboost-program-options-dev libxml2-dev libspdlog-dev libgtest-dev libgmock-dev
  liblzma-dev zlib1g-dev
)
# The VM test bed (QEMU, a busybox initramfs, nvme-cli as an independent
# reader of reservations) and the real Pacemaker tools the tests drive;
# clang (libFuzzer, tests/fuzz) and devscripts (hardening-check).
test_packages=(
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd nvme-cli util-linux
  pacemaker pacemaker-cli-utils pcs corosync resource-agents libxml2-utils
  fence-agents sg3-utils time valgrind gnuplot-nox
  clang devscripts
  crmsh debootstrap
)
# crmsh: the README's crm commands and a cluster scenario configured with it;
# debootstrap: the Debian 13 userland of the compatibility tests (tests/compat).

wanted=("${build_packages[@]}")
[[ "${1:-test}" == test ]] && wanted+=("${test_packages[@]}")

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
