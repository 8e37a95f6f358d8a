#!/bin/sh
# info --show-exports and --dump-modversions against kmod's modprobe on the
# same files: a sample of the installed tree (every 16th module) and the
# fixtures, byte for byte. kmod 30 fails on a module that exports nothing
# ("could not get symbols"); mymod prints nothing and exits 0 there.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

command -v modprobe >/dev/null || skip "kmod's modprobe is not installed"
files=$( (find "$MODDIR/kernel" -name '*.ko' | sort | awk 'NR % 16 == 0'; ls "$FIXTURES"/*.ko) )
n=0
for f in $files; do
    n=$((n + 1))
    for opt in --show-exports --dump-modversions; do
        theirs=$(modprobe "$opt" "$f" 2>/dev/null)
        run info "$opt" "$f"
        [ "$rc" = 0 ] || fail "info $opt $f: exit $rc: $err"
        [ "$out" = "$theirs" ] || fail "info $opt $f: not modprobe's lines"
    done
done
[ "$n" -gt 100 ] || fail "only $n modules compared"
# By name, and several at once: the same lines, in order.
run info --show-exports -k "$KVER" crc64 nvme_core
assert_eq "by name, two modules" "$(modprobe --show-exports "$(modinfo -k "$KVER" -n crc64)"; modprobe --show-exports "$(modinfo -k "$KVER" -n nvme_core)")" "$out"
run info --show-exports --json "$FIXTURES/hello.ko"
assert_eq "--show-exports with --json: exit" 2 "$rc"
finish
