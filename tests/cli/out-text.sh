#!/bin/sh
# The out layer, as users see it: whatever bytes a module holds, every
# --json parses and a terminal gets no control characters; a signing key
# prints the same in info and check; list and deps share lsblk's table
# options (-o +COL, --sort, --list-columns, -J, -r, -n).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

HELLO=$FIXTURES/hello.ko

# A copy of hello whose vermagic holds a byte that is not UTF-8 and an
# escape character: check quotes the vermagic it refuses.
python3 - "$HELLO" "$TMP/bad.ko" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"vermagic=") + len("vermagic=")
d[i] = 0xFF
d[i + 1] = 0x1B
open(sys.argv[2], "wb").write(d)
PY

run check --json -k "$KVER" "$TMP/bad.ko"
assert_eq "check --json on a bad byte: exit (a warning only)" 0 "$rc"
got=$(printf '%s' "$out" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    for f in m["findings"]:
        if f["code"] == "vermagic":
            print(ascii(f["message"]))' 2>&1)
assert_contains "check --json is JSON, U+FFFD for the bad byte" "\\ufffd\\x1b" "$got"

run check -k "$KVER" "$TMP/bad.ko"
assert_contains "check: the bad byte and the escape shown as \\xHH" '\xFF\x1B' "$out"
case $out in
*"$(printf '\033')"*) fail "check printed an escape character from the module to the terminal" ;;
esac

# A signed module of the installed kernel: the same key id in info and check.
signed=$(find "$MODDIR/kernel" -name 'tcp_scalable.ko*' | head -1)
[ -n "$signed" ] || skip "no tcp_scalable module in $MODDIR"
run info --json "$signed"
key=$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["signature"]["key"])')
case $key in
[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:*) ;;
*) fail "info --json: key id is not colon-separated upper-case hex: $key" ;;
esac
run info "$signed"
assert_contains "info: the key id" "key        $key" "$out"
run check -k "$KVER" "$signed"
assert_contains "check: the same key id as info" "key $key;" "$out"

# list: --sort by a number sorts by value, not as text.
root=$TMP/root
mkdir -p "$root/proc"
cat >"$root/proc/modules" <<'MODS'
big 139264 0 - Live 0x0000000000000000
small 9216 0 - Live 0x0000000000000000
mid 20480 1 big, Live 0x0000000000000000
MODS
export MYMOD_SYSROOT=$root
run list -rn -o NAME,SIZE --sort SIZE
assert_eq "list --sort SIZE: exit" 0 "$rc"
assert_eq "list --sort SIZE: by value" "small 9216
mid 20480
big 139264" "$out"
run list -rn -o NAME --sort name
assert_eq "list --sort takes a column in any case" "big
mid
small" "$out"
run list --json --sort NAME -o NAME,USED-BY
got=$(printf '%s' "$out" | python3 -c '
import json, sys
print([(m["name"], m["used-by"]) for m in json.load(sys.stdin)["modules"]])')
assert_eq "list --json --sort" "[('big', []), ('mid', ['big']), ('small', [])]" "$got"
run list --sort BOGUS
assert_eq "--sort BOGUS: exit" 2 "$rc"
assert_contains "--sort BOGUS: message" "unknown column: BOGUS" "$err"
run list -o NAME,,SIZE
assert_eq "an empty column name: exit" 2 "$rc"

# --list-columns: every column, with its JSON type; -J makes it JSON.
run list --list-columns -n
assert_eq "list --list-columns: exit" 0 "$rc"
printf '%s\n' "$out" | grep -qE '^SIZE +number +size in memory, in bytes$' ||
    fail "list --list-columns: SIZE is not a number: $out"
printf '%s\n' "$out" | grep -qE '^USED-BY +strings +modules that use it$' ||
    fail "list --list-columns: USED-BY is not a list: $out"
run list --list-columns -J
got=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join(c["name"] + ":" + c["type"] for c in json.load(sys.stdin)["columns"]))')
assert_eq "list --list-columns -J" "NAME:string SIZE:number REFCNT:number USED-BY:strings \
STATE:string TAINT:string ADDRESS:string VERSION:string SRCVERSION:string FLAGS:strings" "$got"
unset MYMOD_SYSROOT

# deps: --sort sorts each module's children; the tree stays a tree.
run deps -k "$KVER" -n -o NAME xfs
assert_eq "deps: modprobe's order without --sort" "xfs
\`-libcrc32c
  |-crc32c_intel
  \`-crc32c_generic" "$out"
run deps -k "$KVER" -n -o NAME --sort NAME xfs
assert_eq "deps --sort NAME: siblings sorted, still a tree" "xfs
\`-libcrc32c
  |-crc32c_generic
  \`-crc32c_intel" "$out"
run deps -k "$KVER" --list-columns -n
printf '%s\n' "$out" | grep -qE '^BUILTIN +boolean ' ||
    fail "deps --list-columns: BUILTIN is not a boolean: $out"
run deps -k "$KVER" -rn -o NAME,BUILTIN loop
assert_eq "deps BUILTIN as true/false" "loop false" "$out"

finish
