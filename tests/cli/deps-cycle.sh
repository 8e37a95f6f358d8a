#!/bin/sh
# A dependency cycle in modules.dep is reported with its members, exit 1,
# and never looped on. depmod refuses to write a cycle, so the index
# libkmod reads (modules.dep.bin) is written by deps-mkindex.py.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$DEPMOD" ] || skip "no depmod"
[ -f "$FIXTURES/hello_user.ko" ] || skip "fixtures not built"

base=$TMP/root
dir=$base/lib/modules/$KVER
mkdir -p "$dir/extra"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$FIXTURES/hello_fail.ko" "$dir/extra/"
"$DEPMOD" -b "$base" "$KVER" || fail "depmod -b failed"
cat >"$dir/modules.dep" <<'DEP'
extra/hello.ko: extra/hello_user.ko
extra/hello_user.ko: extra/hello.ko
extra/hello_fail.ko: extra/hello.ko extra/hello_user.ko
DEP
python3 "$SRCDIR/tests/cli/deps-mkindex.py" "$dir/modules.dep" "$dir/modules.dep.bin" ||
    fail "cannot write modules.dep.bin"
# The crafted index is one libkmod reads: modprobe walks it.
"$MODPROBE" -d "$base" -S "$KVER" --show-depends hello_fail >"$TMP/modprobe.out" ||
    fail "modprobe cannot read the crafted index"
grep -q 'hello_user.ko' "$TMP/modprobe.out" || fail "modprobe does not see the crafted deps"

for fmt in tree dot mermaid json list modprobe; do
    out=$(timeout 20 "$MYMOD" deps -b "$base" -k "$KVER" --format=$fmt hello_fail 2>"$TMP/err")
    rc=$?
    err=$(cat "$TMP/err")
    assert_eq "exit status, --format=$fmt" 1 "$rc"
    assert_contains "cycle reported, --format=$fmt" \
        "mymod: deps: $dir/modules.dep: dependency cycle between hello, hello_user" "$err"
    [ -n "$out" ] || fail "no output for --format=$fmt"
done
run deps -b "$base" -k "$KVER" --format=modprobe hello_fail
assert_eq "modprobe format on a cycle" "$(cat "$TMP/modprobe.out")" "$out"
out=$(timeout 20 "$MYMOD" deps -b "$base" -k "$KVER" -n -o NAME,NOTE hello 2>/dev/null)
assert_contains "cycle marked in the tree" "hello_user" "$out"
assert_contains "cycle marked in the tree" "cycle" "$out"
out=$(timeout 20 "$MYMOD" deps -b "$base" -k "$KVER" --all --format=json 2>/dev/null)
assert_eq "exit status, --all" 1 $?
assert_contains "cycles in json" '"cycles": [
    [
      "hello",
      "hello_user"
    ]' "$out"
# A module outside the cycle is fine.
printf 'extra/hello_fail.ko:\nextra/hello.ko:\n' >"$dir/modules.dep"
python3 "$SRCDIR/tests/cli/deps-mkindex.py" "$dir/modules.dep" "$dir/modules.dep.bin"
run deps -b "$base" -k "$KVER" hello_fail
assert_eq "no cycle, exit status" 0 "$rc"
finish
