#!/bin/bash
# Build hardening of the agents (CMakeLists.txt, FENCE_NVME_PR_HARDENING):
# Debian's hardening-check (devscripts) on each binary.
#  - Control flow integrity (-fcf-protection) is not asked for: it is not one
#    of the project's flags, and Debian 12's own start files (Scrt1.o, crti.o)
#    lack the IBT/SHSTK notes, so no PIE program built on Debian 12 has it.
#  - A statically linked binary (fence_nvme_pr and fence_nvme_pr_check with
#    FENCE_NVME_PR_STATIC, as static-pie) defines __stack_chk_fail and the
#    _chk functions itself, where hardening-check looks for them as symbols
#    to be resolved, and has no PHDR header, by which it tells a PIE: for
#    those two checks this script reads the binary itself (ELF type DYN,
#    calls to __stack_chk_fail and to fortified __*_chk functions).
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
    disassembly=$(objdump -d --no-show-raw-insn "$binary")
    check "Stack protected (calls to __stack_chk_fail)" \
        "grep -q 'call.*<__stack_chk_fail' <<<\"\$disassembly\""
    check "Fortify Source functions (calls to __*_chk)" \
        "grep -Eq 'call.*<__[a-z]+_chk>' <<<\"\$disassembly\""
done
exit $failed
