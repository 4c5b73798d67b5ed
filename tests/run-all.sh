#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite from a clean clone: installs what is missing, builds
# the project twice (release, and ASan+UBSan for the unit tests), and runs
# every CTest test: unit tests in both builds, then the VM tests that drive
# the real agent against real kernel NVMe reservations.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc)

packaging/install-deps.sh test

# Warnings are errors in both builds (FENCE_NVME_PR_WERROR; a plain build
# and the packages only warn). Release (-O3): g++ 12's optimiser warns most
# there, and this build is the build matrix's g++ 12 Release entry.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFENCE_NVME_PR_WERROR=ON \
  -DFENCE_NVME_PR_PROPERTY_TESTS=ON >/dev/null
cmake --build build -j "$jobs"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON -DFENCE_NVME_PR_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs" --target unit_tests

echo "== unit tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
ctest --test-dir build-asan -L unit --output-on-failure -j "$jobs"
# Two tests at a time (-j), except that a test that boots VMs runs alone
# (tests/vm/CMakeLists.txt, FENCE_NVME_PR_VM_ALONE): compiles, package
# builds, downloads and pcs runs pair up; VMs never share the machine.
echo "== all tests (unit, vm)"
ctest --test-dir build --output-on-failure -j "$jobs"
