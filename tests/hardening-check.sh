#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build hardening of the agents (CMakeLists.txt, FENCE_NVME_PR_HARDENING):
# Debian's hardening-check (devscripts) on each binary.
#  - Control flow integrity (-fcf-protection) is not asked for: it is not one
#    of the project's flags, and Debian 12's own start files (Scrt1.o, crti.o)
#    lack the IBT/SHSTK notes, so no PIE program built on Debian 12 has it.
#  - A statically linked binary (fence_nvme_pr and fence_nvme_pr_check with
#    FENCE_NVME_PR_STATIC, as static-pie) defines __stack_chk_fail and the
#    _chk functions itself, where hardening-check looks for them as symbols
#    to be resolved, and has no PHDR header, by which it tells a PIE: for
#    those two checks this script reads the binary itself (ELF type DYN;
#    calls from the project's own functions to __stack_chk_fail and to
#    fortified __*_chk functions).
# Usage: hardening-check.sh BINARY...
set -uo pipefail
failed=0
for binary in "$@"; do
    if readelf -lW "$binary" | grep -q 'INTERP'; then
        hardening-check --nocfprotection "$binary" || failed=1
        continue
    fi
    echo "$binary: statically linked"
    hardening-check --nocfprotection --nostackprotector --nopie "$binary" || failed=1
    check() {
        if eval "$2"; then echo " $1: yes"; else echo " $1: no!"; failed=1; fi
    }
    check "Position Independent Executable (static-pie)" \
        "readelf -hW '$binary' | grep -q 'Type: *DYN'"
    # The project's own functions (namespace nvmepr), not libc.a's, which
    # is built hardened whatever we do.
    calls=$(objdump -d --no-show-raw-insn "$binary" |
        awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 } /call.*<_*[a-z_]+_chk(_fail)?>/ && fn ~ /nvmepr/ { print $NF }')
    check "Stack protected (our code calls __stack_chk_fail)" "grep -q '<__stack_chk_fail>' <<<\"\$calls\""
    check "Fortify Source functions (our code calls __*_chk)" "grep -Eq '<_+[a-z]+_chk>' <<<\"\$calls\""
done
exit $failed
