#!/bin/sh
# mymod deps on the reference modules, in a module tree of their own
# (depmod -b): hello_user needs hello and has a softdep pre: loop.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$DEPMOD" ] || skip "no depmod"
[ -f "$FIXTURES/hello_user.ko" ] || skip "fixtures not built"
LOOP=$MODDIR/kernel/drivers/block/loop.ko
[ -f "$LOOP" ] || skip "no $LOOP"

base=$TMP/root
dir=$base/lib/modules/$KVER
mkdir -p "$dir/extra" "$dir/kernel/drivers/block"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$FIXTURES/hello_fail.ko" "$dir/extra/"
cp "$LOOP" "$dir/kernel/drivers/block/"
"$DEPMOD" -b "$base" "$KVER" || fail "depmod -b failed"

run deps -b "$base" -k "$KVER" --format=json hello_user
assert_eq "exit status" 0 "$rc"
python3 - "$out" "$dir" <<'PY' || fail "hello_user's graph: $out"
import json, sys
g = json.loads(sys.argv[1])
d = sys.argv[2]
edges = {(e["from"], e["to"], e["kind"]) for e in g["edges"]}
assert edges == {("hello_user", "hello", "dep"), ("hello_user", "loop", "softdep-pre")}, edges
paths = {n["name"]: n["path"] for n in g["nodes"]}
assert paths == {"hello_user": d + "/extra/hello_user.ko", "hello": d + "/extra/hello.ko",
                 "loop": d + "/kernel/drivers/block/loop.ko"}, paths
assert g["roots"] == ["hello_user"]
PY
run deps -b "$base" -k "$KVER" -n -o NAME,KIND hello_user; out=$(echo "$out" | sed "s/  */ /g; s/ *$//")
assert_eq "tree" "hello_user
|-hello dep
\`-loop softdep-pre" "$out"
run deps -b "$base" -k "$KVER" --format=list hello_user
assert_eq "load order" "$dir/extra/hello.ko
$dir/kernel/drivers/block/loop.ko
$dir/extra/hello_user.ko" "$out"
run deps -b "$base" -k "$KVER" --format=modprobe hello_user
assert_eq "as modprobe -d" "$("$MODPROBE" -d "$base" -S "$KVER" --show-depends hello_user)" "$out"
# The alias MODULE_ALIAS("greeter") is resolved.
run deps -b "$base" -k "$KVER" --format=list greeter
assert_eq "alias greeter" "$dir/extra/hello.ko" "$out"
run deps -b "$base" -k "$KVER" --reverse -n -o NAME hello; out=$(echo "$out" | sed "s/ *$//")
assert_eq "reverse of hello" "hello
\`-hello_user" "$out"

# Weak dependencies: libkmod 30 has none, so modules.weakdep is read (depmod 33's format).
echo "# Weak dependencies extracted from modules themselves.
weakdep hello_user hello_fail" >"$dir/modules.weakdep"
run deps -b "$base" -k "$KVER" -n -o NAME,KIND hello_user; out=$(echo "$out" | sed "s/  */ /g; s/ *$//")
assert_eq "tree with a weakdep" "hello_user
|-hello dep
|-loop softdep-pre
\`-hello_fail weakdep" "$out"
run deps -b "$base" -k "$KVER" --format=json hello_user
assert_contains "weakdep edge" '"kind": "weakdep"' "$out"
# modprobe does not load weak dependencies; neither does the list.
run deps -b "$base" -k "$KVER" --format=list hello_user
assert_eq "list without the weakdep" "$dir/extra/hello.ko
$dir/kernel/drivers/block/loop.ko
$dir/extra/hello_user.ko" "$out"
finish
