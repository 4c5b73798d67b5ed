#!/usr/bin/env bash
# The README's demo: installs what is missing, builds, boots the VM test bed
# with two nodes sharing one NVMe disk, and replays the classic failover with
# fence_nvme_pr. Usage: examples/demo.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packaging/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target fence_nvme_pr >/dev/null
exec examples/failover-story.sh "$top/build/fence_agent/fence_nvme_pr"
