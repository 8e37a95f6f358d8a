#!/bin/sh
# mymod taint: a crafted /proc/sys/kernel/tainted and /sys/module/*/taint
# (MYMOD_SYSROOT) decoded flag by flag, with the modules that carry each.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

root=$TMP/root
mkdir -p "$root/proc/sys/kernel" "$root/sys/module/hello" "$root/sys/module/blob" \
    "$root/sys/module/loop"
cat >"$root/proc/modules" <<'MODS'
hello 16384 0 - Live 0x0000000000000000 (OE)
blob 32768 0 - Live 0x0000000000000000 (PO)
loop 32768 0 - Live 0x0000000000000000
MODS
echo OE >"$root/sys/module/hello/taint"
echo POE >"$root/sys/module/blob/taint" # sysfs wins over /proc/modules
: >"$root/sys/module/loop/taint"
# P (0), W (9), O (12), E (13) and bit 40, which no kernel knows yet.
echo $((1 + 512 + 4096 + 8192 + (1 << 40))) >"$root/proc/sys/kernel/tainted"
export MYMOD_SYSROOT=$root

run taint
assert_eq "table: exit" 0 "$rc"
assert_eq "table: stderr" "" "$err"
run taint -r -n -o BIT,LETTER,NAME,SET,MODULES
assert_eq "flags and modules" "0 P PROPRIETARY_MODULE true blob
9 W WARN true 
12 O OOT_MODULE true hello,blob
13 E UNSIGNED_MODULE true hello,blob
40   true " "$out"
run taint
assert_contains "O in words" "out-of-tree module was loaded" "$out"
assert_contains "E in words" "signed with a key the kernel does not trust" "$out"

run taint --json
assert_eq "--json: exit" 0 "$rc"
json=$(printf '%s' "$out" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["taint"]:
    print(f["letter"], f["name"], f["modules"], bool(f["description"]))
') || fail "--json is not JSON: $out"
assert_eq "--json" "P PROPRIETARY_MODULE ['blob'] True
W WARN [] True
O OOT_MODULE ['hello', 'blob'] True
E UNSIGNED_MODULE ['hello', 'blob'] True
None None [] True" "$json"

# --modules: why each module carries each letter. Without its file, in
# general words; with the module directory's file, what the file says.
run taint --modules
assert_eq "--modules: exit" 0 "$rc"
run taint --modules -r -n -o NAME,TAINT
assert_eq "--modules: the tainted modules" "hello OE
blob POE" "$out"
run taint --modules --json
json=$(printf '%s' "$out" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    print(m["name"], m["taint"], "|".join(w.split(":")[0] for w in m["why"]))
    for w in m["why"]:
        print(" ", w)
') || fail "--modules --json is not JSON: $out"
assert_eq "--modules --json" "hello OE O|E
  O: out-of-tree: built outside the kernel's source tree (no intree=Y in its .modinfo)
  E: unsigned or signed with a key the kernel does not trust
blob POE P|O|E
  P: its licence is not GPL-compatible
  O: out-of-tree: built outside the kernel's source tree (no intree=Y in its .modinfo)
  E: unsigned or signed with a key the kernel does not trust" "$json"
base=$TMP/base
mkdir -p "$base/lib/modules/$KVER/extra" "$root/proc/sys/kernel"
cp "$FIXTURES/hello.ko" "$base/lib/modules/$KVER/extra/"
echo "$KVER" >"$root/proc/sys/kernel/osrelease"
"$MYMOD" depmod -b "$base" "$KVER" 2>/dev/null || fail "depmod of the fake module directory"
why() { # the module's WHY and FILE from --json, one a line
    printf '%s' "$out" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    if m["name"] == sys.argv[1]:
        print("\n".join(m["why"] + [str(m["file"])]))
' "$1" || fail "--modules --json is not JSON: $out"
}
run -b "$base" taint --modules --json -o +FILE
assert_eq "--modules: unsigned, from the file" \
    "O: out-of-tree: built outside the kernel's source tree (no intree=Y in its .modinfo)
E: unsigned (the file carries no signature)
$base/lib/modules/$KVER/extra/hello.ko" "$(why hello)"
if command -v openssl >/dev/null; then
    openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 -subj "/CN=mymod test key" \
        -outform PEM -out "$TMP/cert.pem" -keyout "$TMP/key.pem" 2>/dev/null || fail "openssl req failed"
    "$MYMOD" sign "$TMP/key.pem" "$TMP/cert.pem" "$base/lib/modules/$KVER/extra/hello.ko" ||
        fail "mymod sign failed"
    run -b "$base" taint --modules --json -o +FILE
    assert_contains "--modules: signed, key not known here" "E: signed with key " "$(why hello)"
fi
# Another build than the loaded one tells nothing.
echo 0123456789ABCDEF0123456 >"$root/sys/module/hello/srcversion"
run -b "$base" taint --modules --json -o +FILE
assert_contains "--modules: another build" "not the build of hello the kernel loaded" "$err"
assert_contains "--modules: another build, no file" "None" "$(why hello)"
rm "$root/sys/module/hello/srcversion"

# A module's flag the global mask lacks (a copied tree) is still shown, as not set.
echo 0 >"$root/proc/sys/kernel/tainted"
run taint -r -n -o LETTER,SET,MODULES
assert_eq "not set globally" "P false blob
O false hello,blob
E false hello,blob" "$out"

: >"$root/sys/module/blob/taint"
: >"$root/sys/module/hello/taint"
run taint
assert_eq "not tainted: exit" 0 "$rc"
assert_eq "not tainted" "The kernel is not tainted." "$out"
run taint --modules
assert_eq "no tainted module" "No loaded module carries a taint." "$out"
run taint --json
assert_eq "not tainted: --json" '{
  "taint": [
  ]
}' "$out"

# No module support: the flags still decode.
rm "$root/proc/modules"
echo 512 >"$root/proc/sys/kernel/tainted"
run taint -r -n -o LETTER,MODULES
assert_eq "no /proc/modules: exit" 0 "$rc"
assert_eq "no /proc/modules" "W " "$out"

echo bogus >"$root/proc/sys/kernel/tainted"
run taint
assert_eq "bad tainted: exit" 1 "$rc"
assert_contains "bad tainted" "tainted is not a number: 'bogus'" "$err"
rm "$root/proc/sys/kernel/tainted"
run taint
assert_eq "no tainted file: exit" 1 "$rc"
assert_contains "no tainted file" "cannot read $root/proc/sys/kernel/tainted" "$err"

run taint extra
assert_eq "an argument: exit" 2 "$rc"
finish
