#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nvme-cli 3 renamed "nvme resv-report" (and resv-register, resv-acquire,
# resv-release) to "nvme resv report"; Debian 12 and 13 ship 2.x, which knows
# only the old names. Every script we ship or run finds the spelling the
# installed nvme-cli accepts: here each of them (examples/verify.sh, the
# benchmark's nvme-cli contender, the test guests' lib.sh) runs against a stub
# `nvme` that only answers to the new spelling, then one that only knows the
# old, and must do its job with either.
# Usage: nvme-resv-spelling.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: $0 SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../vm/guest/lib.sh
source "$src/tests/vm/guest/lib.sh"  # fnp_check, fnp_summary

# The stub: one namespace whose registrants are kept in $STUB_STATE (keys,
# decimal); every call is appended to $STUB_LOG. Its answers to the spelling
# it does not know are nvme-cli 2.3's ("ERROR: Invalid sub-command", exit 1),
# as are its --help answers (usage, exit 1).
mkdir -p "$work/bin"
cat >"$work/bin/nvme" <<'STUB'
#!/bin/bash
echo "$*" >>"$STUB_LOG"
unknown() { printf "ERROR: Invalid sub-command '%s'\nusage: nvme <command> [<device>] [<args>]\n" "$1" >&2; exit 1; }
if [[ $STUB_SPELLING == new ]]; then
  [[ ${1:-} == resv && -n ${2:-} ]] || unknown "${1:-}"
  sub=$2 cmd="resv $2"
  shift 2
else
  [[ ${1:-} == resv-* ]] || unknown "${1:-}"
  sub=${1#resv-} cmd=$1
  shift
fi
for arg; do
  [[ $arg == --help ]] && { printf '\e[1mUsage: nvme %s <device> [OPTIONS]\e[0m\n' "$cmd"; exit 1; }
done
keys=$(<"$STUB_STATE")
case $sub in
  report)
    json='{"gen":1,"rtype":5,"regctl":2,"ptpls":0,"regctlext":['
    sep=''
    for k in $keys; do json+="$sep{\"cntlid\":1,\"rcsts\":0,\"hostid\":\"0\",\"rkey\":$k}"; sep=,; done
    echo "$json]}" ;;
  register) ;;
  acquire)
    for arg; do
      [[ $arg == --prkey=* ]] || continue
      printf -v victim '%u' "${arg#--prkey=}"
      new=''
      for k in $keys; do [[ $k == "$victim" ]] || new+="$k "; done
      echo "$new" >"$STUB_STATE"
    done ;;
  release) ;;
  *) echo "ERROR: Invalid sub-command '$cmd'" >&2; exit 1 ;;
esac
STUB
chmod +x "$work/bin/nvme"
printf '#!/bin/sh\nexit 0\n' >"$work/bin/fence_nvme_pr"
chmod +x "$work/bin/fence_nvme_pr"

export STUB_LOG=$work/nvme.log STUB_STATE=$work/keys
# verify.sh runs nvme-cli on block devices only: a block device node, never
# opened (nvme is the stub).
mknod "$work/stub0" b 7 250
# Only the stub on PATH, no nvme-cli or pcs from /usr/sbin.
export PATH=$work/bin:/usr/bin:/bin
for spelling in new old; do
  export STUB_SPELLING=$spelling
  if [[ $spelling == new ]]; then want='resv report'; other='resv-'; else want='resv-report'; other='resv '; fi
  calls() { grep -v -- '--help' "$STUB_LOG"; }

  echo 1 2 >"$STUB_STATE"; : >"$STUB_LOG"
  out=$(FENCE_NVME_PR=$work/bin/fence_nvme_pr bash "$src/examples/verify.sh" "$work/stub0" 2>&1)
  fnp_check "$spelling: verify.sh passes" test $? -eq 0
  fnp_check "$spelling: verify.sh shows the stub's report" grep -q '"rkey":2' <<<"$out"
  fnp_check "$spelling: verify.sh spells it '$want'" grep -q "^$want $work/stub0 --eds -o json$" "$STUB_LOG"

  echo 1 2 >"$STUB_STATE"; : >"$STUB_LOG"
  contender=$src/bench/contenders/nvme-cli-fence.sh
  fnp_check "$spelling: nvme-cli-fence.sh --spelling says $spelling" test "$(bash "$contender" --spelling)" = "$spelling"
  : >"$STUB_LOG"
  bash "$contender" 0x1 0x2 /dev/stub0
  fnp_check "$spelling: nvme-cli-fence.sh fences key 0x2" test $? -eq 0 -a "$(<"$STUB_STATE")" = "1 "
  fnp_check "$spelling: ... with report, register, acquire, report in the $spelling spelling only" \
    test "$(calls | grep -c "^${want%report}")" -eq 4 -a "$(calls | grep -c "^$other")" -eq 0
  : >"$STUB_LOG"
  NVME_RESV_SPELLING=$spelling bash "$contender" 0x1 0x3 /dev/stub0
  fnp_check "$spelling: ... and with NVME_RESV_SPELLING given, probes nothing" \
    test $? -eq 0 -a "$(grep -c -- --help "$STUB_LOG")" -eq 0

  echo 1 2 >"$STUB_STATE"; : >"$STUB_LOG"
  lib=$src/tests/vm/guest/lib.sh
  export FNP_NVME_RESV_CACHE=$work/spelling.$spelling
  fnp_check "$spelling: lib.sh fnp_resv_keys reads the keys" test "$(bash "$lib" fnp_resv_keys /dev/stub0 | paste -sd' ')" = "0x1 0x2"
  fnp_check "$spelling: lib.sh fnp_nvme_resv release runs" bash "$lib" fnp_nvme_resv release /dev/stub0 --crkey=0x1 --rrela=1
  fnp_check "$spelling: lib.sh probed once (then its cache), spelled '${want% *}...'" \
    test "$(grep -c -- --help "$STUB_LOG")" -eq 1 -a "$(calls | grep -c "^$other")" -eq 0 -a "$(calls | wc -l)" -eq 2
done

# Debian's own nvme-cli (2.x), where installed: the probe picks the old names.
if version=$(/usr/sbin/nvme version 2>/dev/null) && [[ $version == "nvme version 2."* ]]; then
  fnp_check "the installed ${version%%$'\n'*}: the old names" \
    test "$(PATH=/usr/sbin:/usr/bin:/bin NVME_RESV_SPELLING='' bash "$src/bench/contenders/nvme-cli-fence.sh" --spelling)" = old
fi
fnp_summary
