#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# core/ is four layers, each allowed to include only its own headers and those
# of the layers below it (core/CMakeLists.txt, CONTRIBUTING.md "Layout"); the kit's
# OCF-only part and its document writers sit on top of the shared kit:
#   base < device < reservation_logic < agent_kit < agent_kit/ocf
#        < agent_kit/docs < the agents
# The build already fails on most wrong-way includes (a higher layer's folder
# is not on a lower layer's include path); this check also catches the ones
# an include path would happen to resolve, and keeps header names unique
# (the sources include by bare name). Usage: check-layering.sh TOP_OF_TREE
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
layers=(core/base core/device core/reservation_logic core/agent_kit core/agent_kit/ocf core/agent_kit/docs
        "fence_agent resource_agent agent_docs")
declare -A rank where
for i in "${!layers[@]}"; do
    for dir in ${layers[$i]}; do
        for file in "$dir"/*.h; do
            name=${file##*/}
            if [[ -n ${where[$name]:-} ]]; then
                echo "header name used twice: ${where[$name]} and $file"; exit 1
            fi
            rank[$name]=$i; where[$name]=$file
        done
    done
done
rank[version.h]=3  # configured from core/agent_kit/version.h.in
failed=0
for i in "${!layers[@]}"; do
    for dir in ${layers[$i]}; do
        for file in "$dir"/*.h "$dir"/*.cc; do
            [[ -e $file ]] || continue
            while IFS= read -r line; do
                name=${line#*\"}; name=${name%%\"*}
                if [[ -z ${rank[$name]:-} ]]; then
                    echo "$file includes \"$name\", which is in no layer"; failed=1
                elif (( rank[$name] > i )); then
                    echo "$file (layer ${layers[$i]}) includes $name from the layer above, ${where[$name]:-$name}"; failed=1
                fi
            done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" || true)
        done
    done
done
((failed == 0)) && echo "core layering: every include points down or sideways"
exit $failed
