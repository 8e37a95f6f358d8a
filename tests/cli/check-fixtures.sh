#!/bin/sh
# mymod check on the reference modules, against the 6.1 tree and against
# a tree of their own (depmod -b), compared with depmod -e where both answer.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
# shellcheck source=tests/cli/check-common.sh
. "$SRCDIR/tests/cli/check-common.sh"

hello=$FIXTURES/hello.ko
user=$FIXTURES/hello_user.ko

# hello: nothing blocks; out-of-tree and unsigned are warnings.
run check -k "$KVER" "$hello"
assert_eq "hello: exit status" 0 "$rc"
assert_contains "hello: verdict" "(hello) on $KVER: loads, with 2 warnings" "$out"
assert_contains "hello: out-of-tree" "warning out-of-tree:" "$out"
assert_contains "hello: unsigned" "warning signature: unsigned" "$out"
assert_contains "hello: what to do" "what to do:" "$out"
assert_contains "hello: vermagic source" "matches the kernel's (from module $MODDIR/kernel/" "$out"
case "$out" in *blocker*) fail "hello: a blocker: $out" ;; esac
run check -k "$KVER" --json "$hello"
assert_eq "hello --json: exit status" 0 "$rc"
assert_eq "hello --json: findings" "warning out-of-tree -
warning signature -
info vermagic -" "$(printf '%s' "$out" | findings)"

# Compressed copies get the same findings as the file itself.
for z in "gzip -c" "xz -c --check=crc32" "zstd -q -c"; do
    ext=$(echo "$z" | sed 's/^gzip.*/gz/; s/^xz.*/xz/; s/^zstd.*/zst/')
    $z "$user" >"$TMP/hello_user.ko.$ext" || fail "$z failed"
    run check -k "$KVER" --json "$TMP/hello_user.ko.$ext"
    assert_eq "hello_user.ko.$ext: exit status" 1 "$rc"
    assert_eq "hello_user.ko.$ext: findings" "$("$MYMOD" check -k "$KVER" --json "$user" | findings)" \
        "$(printf '%s' "$out" | findings)"
done

# hello_user: hello is not in the 6.1 tree, so its three symbols are unknown.
run check -k "$KVER" "$user"
assert_eq "hello_user: exit status" 1 "$rc"
assert_contains "hello_user: verdict" "will not load: 3 blockers" "$out"
for sym in hello_greet hello_count hello_whom; do
    assert_contains "hello_user: $sym" "blocker unresolved: $sym: unknown symbol: the kernel does not export it and no module in the tree exports it" "$out"
done
run check -k "$KVER" --json "$user"
assert_eq "hello_user --json: blockers" "unresolved hello_count
unresolved hello_greet
unresolved hello_whom" "$(printf '%s' "$out" | blockers)"

# The same as kmod's depmod says on a tree holding only hello_user.
mktree "$TMP/alone" "$user"
run -b "$TMP/alone" check -k "$KVER" --json "$TMP/alone/lib/modules/$KVER/extra/hello_user.ko"
assert_eq "hello_user alone: mymod vs depmod -e" "$(depmod_says "$TMP/alone")" \
    "$(printf '%s' "$out" | mymod_says)"
assert_contains "hello_user alone: vermagic from the headers" \
    "\"vermagic_source\": \"the headers (utsrelease.h, $TMP/alone/lib/modules/$KVER/build/.config)\"" "$out"

# With hello in the tree, hello_user resolves: hello is named as its dependency.
mktree "$TMP/both" "$hello" "$user"
run -b "$TMP/both" check -k "$KVER" hello_user
assert_eq "hello_user with hello: exit status" 0 "$rc"
assert_contains "hello_user with hello: dependency" \
    "info    dependency: needs module hello for 3 symbols (hello_count, hello_whom, hello_greet)" "$out"
assert_eq "hello_user with hello: depmod -e agrees" "" "$(depmod_says "$TMP/both")"

# hello_whom is in hello's namespace HELLO (hello.ko's own __ksymtab says so,
# Module.symvers of the kernel does not know hello): a copy of hello_user
# that does not import it is refused.
python3 "$CRAFT" modinfo "$user" "$TMP/hello_user.ko" import_ns HELLO HELLX
run -b "$TMP/both" check -k "$KVER" --json "$TMP/hello_user.ko"
assert_eq "hello_user without import_ns: exit status" 1 "$rc"
assert_eq "hello_user without import_ns: blockers" "namespace hello_whom" \
    "$(printf '%s' "$out" | blockers)"

# hello is not in the kernel's Module.symvers: hello_user's CRC for
# hello_greet is compared with hello.ko's own (__kcrctab).
mkdir -p "$TMP/crc"
python3 "$CRAFT" crc "$user" "$TMP/crc/hello_user.ko" hello_greet
run -b "$TMP/both" check -k "$KVER" --json "$TMP/crc/hello_user.ko"
assert_eq "hello_user, bad CRC of hello's: exit status" 1 "$rc"
assert_eq "hello_user, bad CRC of hello's: blockers" "modversion hello_greet" \
    "$(printf '%s' "$out" | blockers)"
assert_contains "hello_user, bad CRC of hello's: hello's CRC" \
    "module hello's 0x$(awk '$2 == "hello_greet" { sub(/^0x/, "", $1); print $1 }' "$FIXTURES/Module.symvers")" "$out"

mktree "$TMP/crctree" "$hello" "$TMP/crc/hello_user.ko"
run -b "$TMP/crctree" check -k "$KVER" --json hello_user
assert_eq "hello_user, bad CRC of hello's: mymod vs depmod -e -E" "$(depmod_says "$TMP/crctree")" \
    "$(printf '%s' "$out" | mymod_says)"

# A Module.symvers that lists hello_greet with another CRC (stale: hello
# was rebuilt since): the kernel compares with the hello.ko it loads, so
# that file's own CRC is the one that counts.
mktree "$TMP/stale" "$hello" "$user"
stalebuild=$TMP/stale/lib/modules/$KVER/build
rm "$stalebuild"
mkdir "$stalebuild"
for f in "$MODDIR"/build/* "$MODDIR"/build/.config; do ln -s "$f" "$stalebuild/"; done
rm "$stalebuild/Module.symvers"
{ cat "$SYMVERS"; printf '0x12345678\thello_greet\textra/hello\tEXPORT_SYMBOL\t\n'; } >"$stalebuild/Module.symvers"
run -b "$TMP/stale" check -k "$KVER" --json hello_user
assert_eq "stale Module.symvers: exit status" 0 "$rc"
assert_eq "stale Module.symvers: no blocker" "" "$(printf '%s' "$out" | blockers)"

# hello relicensed (BSD): hello_user uses GPL-only symbols, so the kernel
# refuses it the symbols of a proprietary module (inherit_taint()).
mkdir -p "$TMP/bsd"
python3 "$CRAFT" modinfo "$hello" "$TMP/bsd/hello.ko" license GPL BSD
mktree "$TMP/proprietary" "$TMP/bsd/hello.ko" "$user"
run -b "$TMP/proprietary" check -k "$KVER" --json hello_user hello
assert_eq "proprietary hello: exit status" 1 "$rc"
assert_eq "proprietary hello: blockers" "license hello_count
license hello_greet
license hello_whom" "$(printf '%s' "$out" | blockers)"
assert_contains "proprietary hello: its own taint" "license 'BSD' is not GPL-compatible: loading taints the kernel (P, proprietary)" "$out"

# Several modules at once: one blocked module fails the whole run.
run -b "$TMP/both" check -k "$KVER" -q hello hello_user "$user"
assert_eq "three modules, none blocked: exit status" 0 "$rc"
run check -k "$KVER" -q "$hello" "$user"
assert_eq "two modules, one blocked: exit status" 1 "$rc"
assert_contains "two modules: hello" "(hello) on $KVER: loads" "$out"
assert_contains "two modules: hello_user" "(hello_user) on $KVER: will not load" "$out"

# hello_fail loads (its init fails later, which no check can see).
run check -k "$KVER" "$FIXTURES/hello_fail.ko"
assert_eq "hello_fail: exit status" 0 "$rc"

finish
