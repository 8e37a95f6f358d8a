#!/bin/sh
# mymod check on every module of the installed tree, against its own
# kernel: each is an in-tree, signed module of that very build, so none
# may be blocked (no false blocker), and each names its version magic's
# source. kmod's depmod -e -E agrees that no symbol is missing or mismatched.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
# shellcheck source=tests/cli/check-common.sh
. "$SRCDIR/tests/cli/check-common.sh"

find "$MODDIR/kernel" -name '*.ko' | sort >"$TMP/files"
n=$(wc -l <"$TMP/files")
[ "$n" -gt 0 ] || skip "no modules under $MODDIR/kernel"
# shellcheck disable=SC2046 # one argument per path (no spaces in the tree)
run check -q --json -k "$KVER" $(cat "$TMP/files")
assert_eq "whole tree: exit status" 0 "$rc"
assert_eq "whole tree: stderr" "" "$err"
summary=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
mods = d["modules"]
blocked = [m["module"] for m in mods if not m["loads"]]
codes = sorted({f["code"] for m in mods for f in m["findings"]})
print(len(mods), len(blocked), " ".join(blocked[:5]))
print(" ".join(codes))
print(d["vermagic_source"].startswith("module "))
')
assert_eq "whole tree: modules, blocked" "$n 0 " "$(echo "$summary" | sed -n 1p)"
# Only staging drivers warn (taint C); nothing else is worth a warning.
assert_eq "whole tree: warning codes" "staging" "$(echo "$summary" | sed -n 2p)"
assert_eq "whole tree: vermagic from a module of the tree" "True" "$(echo "$summary" | sed -n 3p)"

# depmod -e -E on the same modules reports no unknown symbol and no CRC mismatch.
mkdir -p "$TMP/tree/lib/modules/$KVER"
ln -s "$MODDIR/kernel" "$TMP/tree/lib/modules/$KVER/kernel"
cp "$MODDIR/modules.builtin" "$MODDIR/modules.order" "$TMP/tree/lib/modules/$KVER/"
assert_eq "whole tree: depmod -e -E" "" "$(depmod_says "$TMP/tree")"

finish
