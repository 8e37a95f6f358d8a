#!/bin/sh
# Bad input to mymod deps: a clear message and the right exit status,
# and the good names still processed.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ -f "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"

run deps -k "$KVER" --format=list nosuchmodule nvme
assert_eq "unknown name: exit status" 1 "$rc"
assert_eq "unknown name: message" "mymod: deps: nosuchmodule: no module or alias of that name in $MODDIR" \
    "$(printf '%s\n' "$err" | head -1)"
assert_contains "unknown name: hint" "mymod: deps: hint: names and aliases come from modules.dep" "$err"
assert_contains "the other name still processed" "$MODDIR/kernel/drivers/nvme/host/nvme.ko" "$out"
run deps -k "$KVER" nosuchmodule
assert_eq "only unknown names: exit status" 1 "$rc"
assert_eq "only unknown names: no output" "" "$out"
run deps -k "$KVER" --format=svg nvme
assert_eq "bad format: exit status" 2 "$rc"
assert_contains "bad format: message" "unknown format 'svg'" "$err"
run deps -k "$KVER"
assert_eq "no module: exit status" 2 "$rc"
run deps -k "$KVER" --all nvme
assert_eq "--all with a module: exit status" 2 "$rc"
run deps -k "$KVER" -o NAME,BOGUS nvme
assert_eq "bad column: exit status" 2 "$rc"
assert_contains "bad column: message" "unknown column: BOGUS" "$err"
run deps -k 0.0-nosuchkernel nvme
assert_eq "no such kernel: exit status" 1 "$rc"
assert_contains "no such kernel: message" "no module directory /lib/modules/0.0-nosuchkernel" "$err"
# A module directory that is a file: why, in words (no stale errno).
mkdir -p "$TMP/file/lib/modules"
: >"$TMP/file/lib/modules/X"
run deps -b "$TMP/file" -k X loop
assert_eq "module directory is a file: exit status" 1 "$rc"
assert_contains "module directory is a file: message" \
    "mymod: deps: no module directory $TMP/file/lib/modules/X for kernel X (Not a directory)" "$err"
run deps -k "$KVER" ''
assert_eq "empty name: exit status" 1 "$rc"
run deps --help
assert_eq "--help: exit status" 0 "$rc"
for o in --format --json --reverse --all --output --raw --noheadings --kernel --basedir --help; do
    assert_contains "--help lists $o" "$o" "$out"
done
finish
