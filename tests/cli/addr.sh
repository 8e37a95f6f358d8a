#!/bin/sh
# mymod addr on a fake tree (MYMOD_SYSROOT): /proc/modules places
# hello_dev, /proc/kallsyms gives its symbols and the kernel's, and
# hello_dev.ko (--file) its sizes and DWARF. An address in a function names
# it, its size and the source line addr2line gives for it; an address past
# every module names the kernel's symbol; nothing there, and hidden
# addresses (all 0), are said; bad input is a usage error. The real kernel
# is the VM's (tests/vm/init.sh, addr).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

DEV=$FIXTURES/hello_dev.ko
command -v addr2line >/dev/null || skip "no addr2line (binutils)"
root=$TMP/root
mkdir -p "$root/proc" "$root/sys/module/hello_dev"
echo "hello_dev 20480 0 - Live 0xffffffffc0530000 (OE)" >"$root/proc/modules"
cat >"$root/proc/kallsyms" <<'SYMS'
ffffffff81000000 T _stext
ffffffff81100000 T _printk
ffffffff81100200 T vprintk
ffffffffc0530000 t even_set	[hello_dev]
ffffffffc0530070 t poke_set	[hello_dev]
ffffffffc05300b0 t hello_dev_exit	[hello_dev]
SYMS
a() { MYMOD_SYSROOT=$root run addr --file "$DEV" "$@"; }

a 0xffffffffc0530078
assert_eq "a module's function: exit" 0 "$rc"
want="poke_set+0x8/0x$(readelf -sW "$DEV" | awk '$8 == "poke_set" { printf "%x", $3 }') [hello_dev]$(decode_expected "$DEV" poke_set 8)"
assert_eq "a module's function: symbol, size, source line as addr2line" "0xffffffffc0530078: $want" "$out"
a ffffffff81100010 -J
got=$(printf '%s' "$out" | python3 -c '
import json, sys
h = json.load(sys.stdin)[0]
print(h["symbol"], h["offset"], h["size"], h["module"], h["note"])')
assert_eq "the kernel image: JSON" "_printk 16 512 None in the kernel image, not in a module" "$got"
a ffffffffd0000000
assert_eq "nothing there: exit" 1 "$rc"
assert_contains "nothing there: said" "in no loaded module and not in the kernel image" "$out"
MYMOD_SYSROOT=$root run addr 0xffffffffc0530078
assert_contains "no file of the loaded build: said" "no file of hello_dev's loaded build at hand (--file gives it)" "$out"
a nothex
assert_eq "not an address: exit" 2 "$rc"
assert_contains "not an address: why" "'nothex' is not an address" "$err"
run addr
assert_eq "no address: exit" 2 "$rc"

sed -i 's/0xffffffffc0530000/0x0000000000000000/' "$root/proc/modules"
a 0xffffffffc0530078
assert_eq "hidden addresses: exit" 1 "$rc"
assert_contains "hidden addresses: why" "the kernel hides module addresses from this user" "$err"
finish
