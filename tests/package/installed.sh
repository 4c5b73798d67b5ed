#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package as an administrator gets it: installed with apt into the
# VM guest (whose root is the host's file system read-only with a tmpfs
# overlay on top, so nothing reaches the host), then checked from the
# installed files alone: Pacemaker's and pcs's view of both agents, the man
# pages, one unfence -> fence -> "Invalid exchange" cycle against the kernel's
# NVMe target with /usr/sbin/fence_nvme_pr, the watchdog check at its
# packaged path; finally dpkg --purge must leave the file system as it was.
#
# apt resolves the dependencies from the guest's package state, which is the
# host's: packaging/install-deps.sh test has installed the libraries, pacemaker
# and pcs there. The guest has no network, so a missing dependency fails the
# test instead of being fetched (apt's --no-download cannot be used: with it
# apt 2.6 rejects the local .deb, "Pathname to install is not absolute");
# --no-install-recommends because watchdog is only recommended.
# Usage (inside the VM, see tests/package/CMakeLists.txt): installed.sh PACKAGES_DIR
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
# shellcheck source=../vm/guest/lib.sh
source "$HERE/../vm/guest/lib.sh"

dir=${1:?usage: installed.sh PACKAGES_DIR}
debs=("$dir"/fence-nvme-pr_*.deb)
[[ -f ${debs[0]} && ${#debs[@]} -eq 1 ]] || { echo "FAIL: not exactly one fence-nvme-pr .deb in $dir"; exit 1; }
deb=${debs[0]}
work=$(mktemp -d)

# What the package may touch, listed before and after.
snapshot() {
  find /usr/sbin /usr/libexec /usr/lib/ocf /usr/share/cluster /usr/share/man /usr/share/doc \
       /usr/share/lintian /etc /var/lib/dpkg/info -printf '%p %y %m\n' 2>/dev/null | LC_ALL=C sort
}
snapshot >"$work/before"
fnp_check_rc 1 "fence-nvme-pr is not installed in the guest yet" dpkg-query -W -f='${Status}' fence-nvme-pr

export DEBIAN_FRONTEND=noninteractive
apt_out=$(apt-get install -y --no-install-recommends "$deb" 2>&1); rc=$?
fnp_check_eq "apt-get install ./$(basename "$deb") (dependencies resolved by apt)" 0 "$rc"
((rc == 0)) || { echo "$apt_out" | tail -n 20; fnp_summary; exit 1; }
fnp_check_eq "dpkg says installed" "install ok installed" "$(dpkg-query -W -f='${Status}' fence-nvme-pr)"

fnp_check "/usr/sbin/fence_nvme_pr is an executable" test -x /usr/sbin/fence_nvme_pr
fnp_check "/usr/share/cluster/fence_nvme_pr_check leads to an executable" test -x /usr/share/cluster/fence_nvme_pr_check
fnp_check "/usr/lib/ocf/resource.d/nvmepr/nvme_persist is an executable" \
  test -x /usr/lib/ocf/resource.d/nvmepr/nvme_persist
fnp_check "README and examples under /usr/share/doc/fence-nvme-pr" \
  bash -c 'ls /usr/share/doc/fence-nvme-pr/README.md* /usr/share/doc/fence-nvme-pr/examples/hana-style.sh* >/dev/null'
# The administrators' documents the README links, and the generated reference.
fnp_check "docs/ (administrators' documents and reference) under /usr/share/doc/fence-nvme-pr" \
  bash -c 'cd /usr/share/doc/fence-nvme-pr/docs && ls fencing.md* safety.md* nvme_persist.md* compatibility.md* \
    troubleshooting.md* reference/fence_nvme_pr.md* reference/nvme_persist.md* reference/fence_nvme_pr_check.md* >/dev/null'
fnp_check "nothing was linked into /etc/watchdog.d" bash -c '! ls /etc/watchdog.d/*fence_nvme_pr* 2>/dev/null'

stonith_admin --metadata -a fence_nvme_pr >"$work/fence.xml" 2>"$work/err"
# stonith_admin rewrites the metadata (adds start/stop, marks action optional),
# so it is checked for what Pacemaker needs, and the agent's own output against
# the committed file.
fnp_check "stonith_admin --metadata -a fence_nvme_pr: well-formed, on is automatic on the target" \
  bash -c "xmllint --noout '$work/fence.xml' && grep -q '<action name=\"on\" on_target=\"1\" automatic=\"1\"/>' '$work/fence.xml'"
fnp_check "/usr/sbin/fence_nvme_pr -o metadata is the committed metadata" \
  bash -c "/usr/sbin/fence_nvme_pr -o metadata | diff -u '$SRC/metadata/fence_nvme_pr.xml' -"
fnp_check "nvme_persist meta-data (installed) is the committed metadata" \
  bash -c "/usr/lib/ocf/resource.d/nvmepr/nvme_persist meta-data | diff -u '$SRC/metadata/nvme_persist.xml' -"
fnp_check "pcs stonith describe fence_nvme_pr shows devices as required" \
  bash -c "pcs stonith describe fence_nvme_pr 2>&1 | grep -q 'devices (required)'"
fnp_check "pcs resource describe ocf:nvmepr:nvme_persist shows devices as required" \
  bash -c "pcs resource describe ocf:nvmepr:nvme_persist 2>&1 | grep -q 'devices (required'"
for page in fence_nvme_pr fence_nvme_pr_check nvme_persist; do
  fnp_check "man -w $page finds the installed page" bash -c "man -w $page | grep -q '^/usr/share/man/man[78]/$page\\.[78]'"
done

# One fencing cycle with the installed agent and check.
if "$FNP_NVMET" setup --hosts 2 --namespaces 1 --size-mb 16 >/dev/null && "$FNP_NODE" setup >/dev/null; then
  for n in 1 2; do
    fnp_check "node$n unfences with /usr/sbin/fence_nvme_pr -o on" \
      fnp_on "node$n" /usr/sbin/fence_nvme_pr -o on -n "0x$n" -d /dev/data-disk -q
  done
  fnp_check "node2 writes" fnp_on node2 "$FNP_LIB" fnp_write_block /dev/data-disk 10 "node2 before"
  fnp_check_rc 0 "node2's watchdog check: registered (exit 0)" fnp_on node2 /usr/share/cluster/fence_nvme_pr_check test
  fnp_check "node1 fences node2 with /usr/sbin/fence_nvme_pr -o off" \
    fnp_on node1 /usr/sbin/fence_nvme_pr -o off -n 0x2 -d /dev/data-disk -q
  err=$(fnp_on node2 dd if=/dev/zero of=/dev/data-disk bs=4096 count=1 seek=11 oflag=direct 2>&1); rc=$?
  fnp_check "node2's next write fails with Invalid exchange" \
    bash -c '[[ $1 != 0 && $2 == *"Invalid exchange"* ]]' _ "$rc" "$err"
  fnp_check_rc 1 "node2's watchdog check (/usr/share/cluster/fence_nvme_pr_check): fenced (exit 1)" \
    fnp_on node2 /usr/share/cluster/fence_nvme_pr_check test
  "$FNP_NODE" teardown >/dev/null 2>&1
  "$FNP_NVMET" teardown >/dev/null 2>&1
else
  fnp_fail "could not set up the NVMe target and the nodes"
fi

dpkg-query -L fence-nvme-pr >"$work/files"
fnp_check "dpkg --purge fence-nvme-pr" dpkg --purge fence-nvme-pr
snapshot >"$work/after"
fnp_check "after the purge the file system is as before the install" diff -u "$work/before" "$work/after"
left=0
while read -r path; do
  # Shared directories (/usr, /usr/share...) stay; every file and link must go.
  [[ -d $path && ! -L $path ]] && continue
  if [[ -e $path || -L $path ]]; then left=$((left + 1)); echo "left behind: $path"; fi
done <"$work/files"
fnp_check_eq "none of the package's files and links is left behind" 0 "$left"
rm -rf "$work"
fnp_summary
