#!/bin/sh
# mymod params on a fake /sys/module tree (MYMOD_SYSROOT) with hello_dev.ko
# as the declarations: the table joins sysfs and the file (permissions 0,
# read-only, a build's parameter missing in sysfs); assignments are checked
# before anything is written (each wrong kind refused, nothing written);
# --check writes nothing; a write that fails sets the earlier ones back.
# The kernel's own verdicts are the VM's (tests/vm/init.sh, params).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

DEV=$FIXTURES/hello_dev.ko
root=$TMP/root
P=$root/sys/module/hello_dev/parameters
mkdir -p "$P" "$root/proc"
: >"$root/proc/modules"
for kv in speed=100 mask=0x0000ff big=1 delta=-5 level=7 quiet=N enabled=Y label=dev \
    ports=80,443 even=2 poke=0; do
    printf '%s\n' "${kv#*=}" >"$P/${kv%%=*}"
    chmod 644 "$P/${kv%%=*}"
done
echo 42 >"$P/serial"
chmod 444 "$P/serial"
p() { MYMOD_SYSROOT=$root run params --file "$DEV" hello_dev "$@"; }

p
assert_eq "list: exit" 0 "$rc"
assert_contains "list: a value and its declaration" "speed   100      uint              100      0644  Speed (uint)" "$out"
assert_contains "list: permissions 0, said" "secret  -        int               7        0000  A secret (permissions 0: no sysfs file) permissions 0: no sysfs file; set it at load time" "$out"
assert_contains "list: read-only, said" "read-only: set it at load time" "$out"
assert_contains "list: the module's own ops" "custom (even_ops)" "$out"
p -J -o NAME,VALUE,WRITABLE
got=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join("%s=%s" % (p["name"], p["value"]) for p in json.load(sys.stdin)["parameters"]))')
assert_eq "JSON: every parameter, sorted, null for no sysfs file" \
    "big=1 delta=-5 enabled=Y even=2 label=dev level=7 mask=0x0000ff poke=0 ports=80,443 quiet=N secret=None serial=42 speed=100" "$got"

# Assignments: every wrong one said, none written.
p speed=4294967296 level=-1 enabled=maybe ports=1,2,3,4 serial=1 secret=1 nope=1 delta=0x
assert_eq "bad values: exit" 1 "$rc"
for want in "speed=4294967296: '4294967296' is out of range for uint (0 to 4294967295)" \
    "level=-1: '-1' is not a number" "enabled=maybe: 'maybe' is not a boolean" \
    "ports=1,2,3,4: 4 elements, more than the 3 it takes" "serial is read-only (0444)" \
    "secret has permissions 0" "hello_dev has no parameter nope" "delta=0x: '0x' is not a number"; do
    assert_contains "refused before writing: $want" "$want" "$err"
done
assert_contains "read-only: the hint" "set it at load time: mymod load hello_dev serial=1" "$err"
assert_eq "bad values: nothing written" "100" "$(cat "$P/speed")"

p --check speed=7 ports=1,2
assert_eq "--check: exit" 0 "$rc"
assert_contains "--check: what would change" "speed: 100 -> 7 (not written: --check)" "$out"
assert_eq "--check: nothing written" "100" "$(cat "$P/speed")"

p speed=7 ports=1,2,3
assert_eq "written: exit" 0 "$rc"
assert_contains "written: old and new" "speed: 100 -> 7" "$out"
assert_eq "written: speed" "7" "$(cat "$P/speed")"
assert_eq "written: ports" "1,2,3" "$(cat "$P/ports")"

# A write that fails (a directory where the file was): the earlier ones are set back.
rm "$P/poke" && mkdir "$P/poke"
p speed=9 label=new poke=1
assert_eq "refused by the kernel: exit" 1 "$rc"
assert_contains "refused by the kernel: which" "poke=1: the kernel refused it: EISDIR" "$err"
assert_contains "refused by the kernel: set back" "label set back to 'dev'" "$err"
assert_contains "refused by the kernel: set back" "speed set back to '7'" "$err"
assert_eq "set back: speed" "7" "$(cat "$P/speed")"
assert_eq "set back: label" "dev" "$(cat "$P/label")"

# Bad command lines, a module that is not there.
p speed
assert_eq "not NAME=VALUE: exit" 2 "$rc"
p speed=1 speed=2
assert_eq "assigned twice: exit" 2 "$rc"
MYMOD_SYSROOT=$root run params nosuch
assert_eq "not loaded: exit" 1 "$rc"
assert_contains "not loaded: why" "nosuch: not loaded" "$err"
MYMOD_SYSROOT=$root run params --check hello_dev
assert_eq "--check without assignments: exit" 2 "$rc"
MYMOD_SYSROOT=$root run params --file "$TMP/nosuch.ko" hello_dev
assert_eq "--file that is not there: exit" 1 "$rc"
finish
