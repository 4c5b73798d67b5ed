#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# apt-mirror.sh - find_mirror: the Debian mirror of this machine's apt
# configuration (or $FENCE_NVME_PR_MIRROR), for the test bed's downloads of
# other suites' packages (fetch-kernel.sh, fetch-root.sh), which never touch
# the machine's own apt sources. Sourced; defines find_mirror only.

# Print the URI of the main Debian archive from the machine's apt sources
# (deb822 *.sources first, then one-line sources.list files). Security and
# non-http(s) entries are skipped: they do not carry the wanted suite.
find_mirror() {
    if [[ -n ${FENCE_NVME_PR_MIRROR:-} ]]; then
        printf '%s\n' "$FENCE_NVME_PR_MIRROR"
        return 0
    fi
    local f uri
    shopt -s nullglob
    for f in /etc/apt/sources.list.d/*.sources; do
        uri=$(awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "" &&
                    suites !~ /-security/ && !found) {
                    n = split(uris, u, " ")
                    for (i = 1; i <= n; i++)
                        if (u[i] ~ /^https?:\/\// && u[i] !~ /security/) { print u[i]; found = 1; break }
                }
                types = uris = suites = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                line = $0; key = tolower(line); sub(/:.*/, "", key)
                val = line; sub(/^[^:]*:[ \t]*/, "", val)
                if (key == "types") types = val
                else if (key == "uris") uris = val
                else if (key == "suites") suites = val
                else if (key == "enabled") enabled = tolower(val)
            }
            END { flush() }' "$f")
        if [[ -n $uri ]]; then printf '%s\n' "$uri"; return 0; fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        # deb [options] URI suite components...
        uri=$(awk '$1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($i ~ /^https?:\/\// && $i !~ /security/ && $(i+1) !~ /-security/) { print $i; exit }
            }' "$f")
        if [[ -n $uri ]]; then printf '%s\n' "$uri"; return 0; fi
    done
    return 1
}
