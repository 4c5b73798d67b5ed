#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package and the RPM from this checkout and leaves them in
# build/packages/, after lintian, hardening-check and rpmlint have passed.
# Usage: packaging/build-packages.sh [deb|rpm|all]   (default: all)
# Environment: DEB_BUILD_OPTIONS is passed on (nocheck skips the unit tests).
#
# Both packages are built from a `git archive` of the checkout, so what is
# packaged is exactly what git tracks: committed files plus uncommitted
# changes to tracked files (git stash create); untracked files are left out
# (git add them first). The Debian rules live in packaging/debian/ and are
# copied to debian/ in the exported tree: the checkout stays free of build
# products (dpkg-buildpackage writes into debian/ and into the parent
# directory), and a distribution's own debian/ cannot clash with ours.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
case "$what" in deb|rpm|all) ;; *) echo "usage: $0 [deb|rpm|all]" >&2; exit 2 ;; esac

"$top/packaging/install-deps.sh" package

version=$(sed -n 's/^project(fence-nvme-pr VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
spec_version=$(sed -n 's/^Version: *//p' "$top/packaging/rpm/fence-nvme-pr.spec")
deb_version=$(sed -n '1s/^fence-nvme-pr (\([0-9.]*\)-.*/\1/p' "$top/packaging/debian/changelog")
if [[ "$spec_version" != "$version" ]] || [[ "$deb_version" != "$version" ]]; then
  echo "build-packages: versions differ: CMakeLists.txt $version, spec $spec_version, debian/changelog $deb_version" >&2
  exit 1
fi

out=$top/build/packages
work=$top/build/package-work
rm -rf "$work" "$out"
mkdir -p "$work" "$out"
tree=$(git -C "$top" stash create)
tree=${tree:-HEAD}
name=fence-nvme-pr-$version
git -C "$top" archive --format=tar.gz --prefix="$name/" -o "$work/$name.tar.gz" "$tree"

build_deb() {
  echo "== Debian package"
  mkdir -p "$work/deb"
  tar -xzf "$work/$name.tar.gz" -C "$work/deb"
  cp -a "$top/packaging/debian" "$work/deb/$name/debian"
  # Binary packages only: no source package, so no .orig tarball is needed.
  (cd "$work/deb/$name" && dpkg-buildpackage -b -us -uc) >"$work/deb/build.log" 2>&1 || {
    tail -n 60 "$work/deb/build.log" >&2
    echo "build-packages: dpkg-buildpackage failed (log: $work/deb/build.log)" >&2
    exit 1
  }
  cp "$work"/deb/*.deb "$out/"
  echo "== lintian"
  # Errors and warnings fail the build; overrides (with their reasons) are in
  # packaging/debian/*.lintian-overrides.
  lintian --fail-on error,warning --display-info "$work"/deb/*.changes
  echo "== hardening-check"
  mkdir -p "$work/deb/contents"
  dpkg-deb -x "$out"/fence-nvme-pr_"$version"-*_*.deb "$work/deb/contents"
  for binary in usr/sbin/fence_nvme_pr usr/libexec/fence-nvme-pr/fence_nvme_pr_check \
                usr/lib/ocf/resource.d/nvmepr/nvme_persist; do
    # Not control-flow protection: Debian 12's own start files (Scrt1.o,
    # crti.o) lack the IBT/SHSTK notes, so no program linked on Debian 12 has
    # it, whatever its flags (tests/hardening-check.sh, the same rule).
    hardening-check --nocfprotection "$work/deb/contents/$binary"
  done
}

build_rpm() {
  echo "== RPM"
  local topdir=$work/rpm
  mkdir -p "$topdir/SOURCES"
  cp "$work/$name.tar.gz" "$topdir/SOURCES/"
  rpmspec -P "$top/packaging/rpm/fence-nvme-pr.spec" >/dev/null
  # --nodeps: the BuildRequires name Fedora's packages, not Debian's.
  rpmbuild --define "_topdir $topdir" --nodeps -bb "$top/packaging/rpm/fence-nvme-pr.spec" \
    >"$topdir/build.log" 2>&1 || {
    tail -n 60 "$topdir/build.log" >&2
    echo "build-packages: rpmbuild failed (log: $topdir/build.log)" >&2
    exit 1
  }
  find "$topdir/RPMS" -name '*.rpm' -exec cp {} "$out/" \;
  echo "== rpmlint"
  rpmlint -r "$top/packaging/rpm/rpmlintrc" "$out"/*.rpm
}

[[ "$what" == rpm ]] || build_deb
[[ "$what" == deb ]] || build_rpm
echo "build-packages: packages in $out:"
ls -l "$out"
