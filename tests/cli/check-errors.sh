#!/bin/sh
# mymod check on bad input: a clear message on stderr and the right exit
# status, never a crash; and its --help.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

run check --help
assert_eq "--help: exit status" 0 "$rc"
for opt in --json --quiet --kernel --basedir --help; do
    assert_contains "--help lists $opt" "$opt" "$out"
done

run check -k "$KVER"
assert_eq "no module: exit status" 2 "$rc"
assert_contains "no module: message" "mymod: check: no module given" "$err"

run check --no-such-option "$FIXTURES/hello.ko"
assert_eq "bad option: exit status" 2 "$rc"
assert_contains "bad option: hint" "Try 'mymod check --help'." "$err"

run check -k "$KVER" "$TMP/missing.ko"
assert_eq "missing file: exit status" 1 "$rc"
assert_contains "missing file: message" "mymod: check: $TMP/missing.ko: " "$err"

echo "not a module" >"$TMP/text.ko"
run check -k "$KVER" "$TMP/text.ko"
assert_eq "not ELF: exit status" 1 "$rc"
assert_contains "not ELF: message" "mymod: check: $TMP/text.ko: " "$err"

for size in 64 1000 4000; do
    head -c "$size" "$FIXTURES/hello.ko" >"$TMP/cut.ko"
    run check -k "$KVER" "$TMP/cut.ko"
    assert_eq "truncated to $size: exit status" 1 "$rc"
    assert_contains "truncated to $size: message" "mymod: check: $TMP/cut.ko: " "$err"
done

# One unreadable module among good ones: the good one is still checked.
run check -k "$KVER" "$FIXTURES/hello.ko" "$TMP/missing.ko"
assert_eq "good and missing: exit status" 1 "$rc"
assert_contains "good and missing: the good one" "(hello) on $KVER: loads" "$out"

run check -k "$KVER" no_such_module_at_all
assert_eq "unknown name: exit status" 1 "$rc"
assert_contains "unknown name: message" \
    "mymod: check: no_such_module_at_all: no module or alias of that name in $MODDIR" "$err"
assert_contains "unknown name: hint" "mymod: check: hint: " "$err"

run check -k 0.0.0-no-such-kernel "$FIXTURES/hello.ko"
assert_eq "no module directory: exit status" 1 "$rc"
assert_contains "no module directory: message" "no module directory /lib/modules/0.0.0-no-such-kernel" "$err"
assert_contains "no module directory: hint" "mymod: check: hint: " "$err"

# A module directory without headers, config or in-tree modules: what
# cannot be known is said, not guessed.
mkdir -p "$TMP/bare/lib/modules/$KVER/extra"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$TMP/bare/lib/modules/$KVER/extra/"
depmod -b "$TMP/bare" "$KVER" 2>/dev/null
run -b "$TMP/bare" check -k "$KVER" hello_user
assert_eq "bare tree: exit status" 0 "$rc"
assert_contains "bare tree: vermagic unknown" "warning vermagic: the version magic of $KVER is unknown" "$out"
assert_contains "bare tree: hello resolves" "needs module hello for 3 symbols" "$out"
run -b "$TMP/bare" check -k "$KVER" "$FIXTURES/hello_fail.ko"
assert_contains "bare tree: kernel's exports unknown" \
    "imported symbols are not exported by any module of the tree; whether the kernel exports them is unknown without its Module.symvers" "$out"

# A Module.symvers that is not one: said, not trusted.
mkdir -p "$TMP/badsym/lib/modules/$KVER/build"
echo "not a symvers line" >"$TMP/badsym/lib/modules/$KVER/build/Module.symvers"
run -b "$TMP/badsym" check -k "$KVER" "$FIXTURES/hello_fail.ko"
assert_eq "bad Module.symvers: exit status" 0 "$rc"
assert_contains "bad Module.symvers: said" \
    "warning unverified: the kernel's symbol versions are unusable: $TMP/badsym/lib/modules/$KVER/build/Module.symvers:1: not a Module.symvers line" "$out"

finish
