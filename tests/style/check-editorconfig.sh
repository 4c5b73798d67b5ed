#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What .editorconfig asks of the tracked text files: a final newline and no
# trailing white space (Markdown may end a line with spaces: a line break),
# and no tabs in C and C++ sources. The fuzz corpus is data, kept byte for
# byte. Usage: check-editorconfig.sh TOP_OF_TREE
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files)
else
    mapfile -t files < <(find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||' | sort)
fi
failed=0
for file in "${files[@]}"; do
    [[ -f $file && -s $file ]] || continue
    [[ $file == tests/fuzz/corpus/* ]] && continue
    grep -Iq . "$file" || continue  # binary (a plot)
    if [[ $(tail -c1 "$file" | od -An -tx1 | tr -d ' ') != 0a ]]; then
        echo "$file: no newline at the end"; failed=1
    fi
    if [[ $file != *.md ]]; then
        found=$(grep -nE '[[:space:]]+$' "$file" | head -3 || true)
        if [[ -n $found ]]; then echo "$found" | sed "s|^|$file:|;s|\$| <- trailing white space|"; failed=1; fi
    fi
    case $file in
    *.cc | *.h | *.c | *.h.in)
        found=$(grep -nP '\t' "$file" | head -3 || true)
        if [[ -n $found ]]; then echo "$found" | sed "s|^|$file:|;s|\$| <- tab|"; failed=1; fi ;;
    esac
done
((failed == 0)) && echo "${#files[@]} files as .editorconfig says"
exit $failed
