#!/bin/sh
# mymod sections: a fake /sys/module/hello/sections (MYMOD_SYSROOT) as a
# table, JSON, and gdb's add-symbol-file naming the module directory's file
# or --file's; hidden addresses, unreadable files and an absent module are
# said, with exit 1.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

root=$TMP/root
sec=$root/sys/module/hello/sections
mkdir -p "$root/proc/sys/kernel" "$sec" "$root/sys/module/loop/parameters"
echo "$KVER" >"$root/proc/sys/kernel/osrelease"
echo 'hello 16384 0 - Live 0x0000000000000000 (OE)' >"$root/proc/modules"
echo live >"$root/sys/module/hello/initstate"
for s in .text:ffffffffc0a00000 .data:ffffffffc0a02000 .bss:ffffffffc0a02400 \
    .rodata:ffffffffc0a01000 __param:ffffffffc0a01200 .exit.text:ffffffffc0a00400; do
    echo "0x${s#*:}" >"$sec/${s%%:*}"
done
# A module directory holding hello.ko, indexed.
base=$TMP/base
mkdir -p "$base/lib/modules/$KVER/extra"
cp "$FIXTURES/hello.ko" "$base/lib/modules/$KVER/extra/"
"$MYMOD" depmod -b "$base" "$KVER" || fail "depmod of the fake module directory"
export MYMOD_SYSROOT=$root

run sections hello
assert_eq "table: exit" 0 "$rc"
assert_eq "table, by address" "NAME       ADDRESS
.text      0xffffffffc0a00000
.exit.text 0xffffffffc0a00400
.rodata    0xffffffffc0a01000
__param    0xffffffffc0a01200
.data      0xffffffffc0a02000
.bss       0xffffffffc0a02400" "$out"

run sections --json hello
json=$(printf '%s' "$out" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sections"]:
    print(s["name"], s["address"])
') || fail "--json is not JSON: $out"
assert_eq "--json" "$(ls -A "$sec" | while read -r s; do echo "$s $(cat "$sec/$s")"; done |
    sort -k2)" "$json"

gdb_tail="0xffffffffc0a00000 -s .exit.text 0xffffffffc0a00400 -s .rodata 0xffffffffc0a01000 -s __param 0xffffffffc0a01200 -s .data 0xffffffffc0a02000 -s .bss 0xffffffffc0a02400"
run -b "$base" sections --gdb hello
assert_eq "--gdb: exit" 0 "$rc"
assert_eq "--gdb names the module directory's file" \
    "add-symbol-file $base/lib/modules/$KVER/extra/hello.ko $gdb_tail" "$out"
run sections --gdb --file /src/hello/hello.ko hello
assert_eq "--gdb --file" "add-symbol-file /src/hello/hello.ko $gdb_tail" "$out"
run sections --gdb --json --file=/src/hello.ko hello
json=$(printf '%s' "$out" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["file"], o["gdb"])
') || fail "--gdb --json is not JSON: $out"
assert_eq "--gdb --json" "/src/hello.ko add-symbol-file /src/hello.ko $gdb_tail" "$json"

# The module directory's file is another build: gdb would read wrong symbols.
echo 0123456789ABCDEF0123456 >"$root/sys/module/hello/srcversion"
run -b "$base" sections --gdb hello
assert_eq "--gdb, another build: exit" 1 "$rc"
assert_eq "--gdb, another build: stdout" "" "$out"
assert_contains "--gdb, another build" "not the build of hello the kernel loaded" "$err"
assert_contains "--gdb, another build: what to do" "with --file FILE" "$err"
run -b "$base" sections --gdb --file /src/hello.ko hello
assert_eq "--gdb --file, another build: exit" 0 "$rc"
rm "$root/sys/module/hello/srcversion"

run -b "$TMP/nowhere" sections --gdb hello
assert_eq "--gdb, no module directory: exit" 1 "$rc"
assert_contains "--gdb, no module directory" "name the file the kernel loaded with --file FILE" "$err"

run sections loop
assert_eq "built in: exit" 1 "$rc"
assert_eq "built in" "mymod: sections: loop: not loaded: it is built into the kernel" "$err"
run sections nosuch
assert_eq "absent: exit" 1 "$rc"
assert_eq "absent" "mymod: sections: nosuch: not loaded" "$err"

for s in "$sec"/* "$sec"/.[a-z]*; do echo 0x0000000000000000 >"$s"; done
run sections hello
assert_eq "hidden: exit" 1 "$rc"
assert_eq "hidden: stdout" "" "$out"
assert_contains "hidden" "hello: the kernel hides its section addresses (they read as 0)" "$err"
assert_contains "hidden: kptr_restrict" "kernel.kptr_restrict" "$err"
if [ "$(id -u)" != 0 ]; then
    chmod 000 "$sec/.text"
    run sections hello
    assert_eq "unreadable: exit" 1 "$rc"
    assert_contains "unreadable" "readable by root only" "$err"
fi

rm "$root/proc/modules"
run sections hello
assert_eq "no /proc/modules: exit" 1 "$rc"
assert_eq "no /proc/modules" \
    "mymod: sections: this kernel has no loadable-module support (no $root/proc/modules)" "$err"

run sections
assert_eq "no module: exit" 2 "$rc"
run sections hello loop
assert_eq "two modules: exit" 2 "$rc"
finish
