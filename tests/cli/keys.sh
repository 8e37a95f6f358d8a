#!/bin/sh
# mymod keys off the VM: no /proc/keys, and a /proc/keys whose keyrings
# the running kernel does not confirm (a fake tree, or a user who is not
# root), are said plainly with exit 1; the table options behave. The
# keyrings themselves are compared with keyctl's view in the VM
# (tests/vm/check-init.sh, scenario keys).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

mkdir -p "$TMP/empty"
MYMOD_SYSROOT=$TMP/empty run keys
assert_eq "no /proc/keys: exit" 1 "$rc"
assert_eq "no /proc/keys: message" \
    "mymod: keys: cannot read the kernel's keyrings ($TMP/empty/proc/keys)" "$err"
assert_eq "no /proc/keys: stdout" "" "$out"

# Names the running kernel does not confirm through keyctl: not its keyrings.
mkdir -p "$TMP/fake/proc"
cat >"$TMP/fake/proc/keys" <<'KEYS'
7fffff01 I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: 1
7fffff02 I------     1 perm 1f030000     0     0 asymmetri Fake key: 00112233: X509.rsa 00112233 []
KEYS
MYMOD_SYSROOT=$TMP/fake run keys
assert_eq "unconfirmed keyrings: exit" 1 "$rc"
assert_contains "unconfirmed keyrings: why" "no trusted keyring in $TMP/fake/proc/keys: the kernel shows them to root only" "$err"
MYMOD_SYSROOT=$TMP/fake run verify --keyring --kernel-image /dev/null "$FIXTURES/hello.ko"
assert_eq "verify --keyring, an empty kernel image: exit" 1 "$rc"
assert_contains "verify --keyring, an empty kernel image" "/dev/null: not a kernel image" "$err"

run keys --list-columns -J
assert_eq "--list-columns -J: exit" 0 "$rc"
got=$(printf '%s' "$out" | python3 -c 'import json, sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["columns"]))')
assert_eq "--list-columns: the columns" "NAME TYPE KEYID NOTE SERIAL KEYRING DESCRIPTION PERM" "$got"
run keys -o NAME,NOPE
assert_eq "an unknown column: exit" 2 "$rc"
run keys extra
assert_eq "an argument: exit" 2 "$rc"
assert_contains "an argument: why" "unexpected argument 'extra'" "$err"
finish
