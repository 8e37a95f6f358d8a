#!/bin/sh
# mymod symbols: a fake /proc/kallsyms (MYMOD_SYSROOT) gives a module's own
# symbols, by address, sized from the module file's symbol table when it is
# the loaded build, else from the distance to the next symbol; hidden
# addresses are said; an absent module is an error.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

root=$TMP/root
mkdir -p "$root/proc/sys/kernel" "$root/sys/module/hello"
echo "$KVER" >"$root/proc/sys/kernel/osrelease"
printf '%s\n' 'hello_user 16384 0 - Live 0x0000000000000000 (OE)' \
    'hello 16384 1 hello_user, Live 0x0000000000000000 (OE)' >"$root/proc/modules"
echo live >"$root/sys/module/hello/initstate"
kallsyms() { # ADDRESS-PREFIX
    printf '%s\n' "${1}81000000 T _stext" \
        "${1}c0a00010 t hello_exit	[hello]" \
        "${1}c0a00000 T hello_greet	[hello]" \
        "${1}c0a00040 T hello_count	[hello]" \
        "${1}c0a00050 T hello_whom	[hello]" \
        "${1}c0a02000 d count	[hello]" \
        "${1}c0a02010 d greeting	[hello]" \
        "${1}c0a02020 d levels	[hello]" \
        "${1}c0b00000 t hello_user_init	[hello_user]" >"$root/proc/kallsyms"
}
kallsyms ffffffff
base=$TMP/base
mkdir -p "$base/lib/modules/$KVER/extra"
cp "$FIXTURES/hello.ko" "$base/lib/modules/$KVER/extra/"
"$MYMOD" depmod -b "$base" "$KVER" || fail "depmod of the fake module directory"
export MYMOD_SYSROOT=$root

# No module file: sizes from the distance to the next symbol of the same kind.
run -b "$TMP/nowhere" symbols hello -o +SIZE-FROM
assert_eq "distances: exit" 0 "$rc"
assert_eq "distances: stderr" "" "$err"
assert_eq "distances" "ADDRESS            TYPE NAME        SIZE SIZE-FROM
0xffffffffc0a00000 T    hello_greet   16 next
0xffffffffc0a00010 t    hello_exit    48 next
0xffffffffc0a00040 T    hello_count   16 next
0xffffffffc0a00050 T    hello_whom     - 
0xffffffffc0a02000 d    count         16 next
0xffffffffc0a02010 d    greeting      16 next
0xffffffffc0a02020 d    levels         - " "$out"

# The module directory's hello.ko: sizes as nm -S gives them.
nm_size() { printf '%d' "0x$(nm -S "$FIXTURES/hello.ko" | awk -v s="$1" '$4 == s { print $2 }')"; }
want=""
for s in hello_greet hello_exit hello_count hello_whom count greeting levels; do
    want="$want$s $(nm_size "$s") elf
"
done
run -b "$base" symbols -r -n -o NAME,SIZE,SIZE-FROM hello
assert_eq "elf sizes: exit" 0 "$rc"
assert_eq "elf sizes" "${want%
}" "$out"
run symbols --file "$FIXTURES/hello.ko" -r -n -o NAME,SIZE,SIZE-FROM hello
assert_eq "--file" "${want%
}" "$out"

# Another build than the loaded one: its sizes would lie.
echo 0123456789ABCDEF0123456 >"$root/sys/module/hello/srcversion"
run symbols --file "$FIXTURES/hello.ko" -r -n -o NAME,SIZE-FROM hello
assert_contains "another build" "not the build of hello the kernel loaded" "$err"
assert_contains "another build: distances" "hello_greet next" "$out"
rm "$root/sys/module/hello/srcversion"

run -b "$base" symbols --json hello
json=$(printf '%s' "$out" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["symbols"]:
    print(s["address"], s["type"], s["name"], s["size"] + 0)
') || fail "--json is not JSON: $out"
assert_contains "--json" "0xffffffffc0a02000 d count 4" "$json"

# Hidden addresses: said, and no address printed; sizes from the file still.
sed -i "s/^[0-9a-f]*/0000000000000000/" "$root/proc/kallsyms"
run -b "$base" symbols -r -n hello
assert_eq "hidden: exit" 0 "$rc"
assert_contains "hidden: said" "kernel.kptr_restrict" "$err"
assert_contains "hidden: no address" "- d count 4" "$out"
run -b "$TMP/nowhere" symbols --json -o ADDRESS,NAME,SIZE hello
assert_contains "hidden: --json" '"address": null' "$out"
assert_contains "hidden: no distances" '"size": null' "$out"

run symbols nosuch
assert_eq "absent: exit" 1 "$rc"
assert_eq "absent" "mymod: symbols: nosuch: not loaded" "$err"
rm "$root/proc/kallsyms"
run -b "$base" symbols hello
assert_eq "no kallsyms: exit" 1 "$rc"
assert_contains "no kallsyms" "cannot read $root/proc/kallsyms" "$err"
rm "$root/proc/modules"
run symbols hello
assert_eq "no /proc/modules: exit" 1 "$rc"
assert_contains "no /proc/modules" "no loadable-module support" "$err"
run symbols
assert_eq "no module: exit" 2 "$rc"
finish
