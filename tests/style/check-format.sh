#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every C and C++ file of the tree is formatted as .clang-format says
# (clang-format --dry-run -Werror prints what it would change). Version 14
# (Debian 12's) is the reference: another version may break lines
# differently. Usage: check-format.sh TOP_OF_TREE
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
format=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z $format ]]; then
    echo "clang-format is not installed (packaging/install-deps.sh test installs it)"
    exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.cc' '*.h' '*.c')
else
    mapfile -t files < <(find core fence_agent resource_agent agent_docs tests bench \
                              -name '*.cc' -o -name '*.h' -o -name '*.c' | sort)
fi
if ! "$format" --dry-run -Werror --style=file "${files[@]}"; then
    echo "not formatted as .clang-format says; fix with: $format -i --style=file FILE..."
    exit 1
fi
echo "${#files[@]} C/C++ files formatted as .clang-format says"
