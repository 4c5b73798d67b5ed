#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages that building and testing fence-nvme-pr
# need, and only those that are missing (apt-get update runs only then).
# Usage: packaging/install-deps.sh [build|package|test]   (default: test;
# test includes package, package includes build)
set -euo pipefail

build_packages=(
  g++ cmake make pkg-config
  libboost-program-options-dev libxml2-dev libspdlog-dev libgtest-dev libgmock-dev
)
# The VM test bed (QEMU, a busybox initramfs, nvme-cli as an independent
# reader of reservations) and the real Pacemaker tools the tests drive;
# clang (libFuzzer, tests/fuzz), clang-format (tests/style), devscripts
# (hardening-check) and RapidCheck (the safety property test, tests/property).
test_packages=(
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd nvme-cli util-linux
  pacemaker pacemaker-cli-utils pcs corosync resource-agents libxml2-utils
  fence-agents sg3-utils time valgrind gnuplot-nox
  clang clang-format devscripts librapidcheck-dev
  crmsh debootstrap
  python3-jsonschema python3-kubernetes python3-yaml podman crun
  sbd open-iscsi watchdog
)
# crmsh: the crm commands of README.md and docs/nvme_persist.md, and a
# cluster scenario configured with it;
# debootstrap: the Debian 13 userland of the compatibility tests (tests/compat);
# python3-jsonschema, python3-kubernetes, python3-yaml: the offline validation
# of examples/kubernetes/ (the Kubernetes API types come from python3-kubernetes);
# podman, crun: the agent in a container (tests/fence/kubernetes-container.sh);
# sbd, open-iscsi, watchdog: the contenders of the failover comparison
# (bench/failover: SBD, fence_scsi on an iSCSI LUN, watchdog(8) on softdog).

# packaging/build-packages.sh: dpkg-buildpackage with debhelper, lintian,
# hardening-check (devscripts), rpmbuild and rpmlint; what the package's
# unit tests read (xmllint, the OCF DTD, man); shellcheck for the examples.
package_packages=(
  dpkg-dev debhelper fakeroot lintian devscripts rpm rpmlint
  libxml2-utils resource-agents man-db shellcheck
)

mode=${1:-test}
case "$mode" in
  build) wanted=("${build_packages[@]}") ;;
  package) wanted=("${build_packages[@]}" "${package_packages[@]}") ;;
  test) wanted=("${build_packages[@]}" "${package_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: packaging/install-deps.sh [build|package|test]" >&2; exit 2 ;;
esac

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
