#!/bin/sh
# mymod debug off the VM, on fake trees (MYMOD_SYSROOT): the control file's
# lines parsed into the table and JSON; no control file said with why
# (debugfs not mounted, with the mount command; no CONFIG_DYNAMIC_DEBUG);
# bad flags and options are usage errors. Turning callsites on and off,
# and the kernel's verdicts, are the VM's (tests/vm/init.sh, debug).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

root=$TMP/root
mkdir -p "$root/proc/dynamic_debug" "$root/sys/module/hello_dev"
cat >"$root/proc/dynamic_debug/control" <<'CTL'
# filename:lineno [module]function flags format
/src/hello_dev.c:93 [hello_dev]poke_set =_ "hello_dev: poked with %s\012"
/src/hello_dev.c:107 [hello_dev]hello_dev_init =p "hello_dev: init, speed %u\012"
drivers/block/loop.c:1234 [loop]loop_configure =_ "a b c\012"
CTL
MYMOD_SYSROOT=$root run debug hello_dev
assert_eq "list: exit" 0 "$rc"
assert_contains "list: a callsite" "/src/hello_dev.c   93 poke_set       _     hello_dev: poked with %s\\012" "$out"
assert_contains "list: its flags" "hello_dev_init p" "$out"
case $out in *loop_configure*) fail "list: another module's callsite" ;; esac
MYMOD_SYSROOT=$root run debug -J hello_dev
got=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join("%s:%d:%s" % (c["function"], c["line"], c["flags"]) for c in json.load(sys.stdin)["callsites"]))')
assert_eq "JSON: the callsites" "poke_set:93:_ hello_dev_init:107:p" "$got"

MYMOD_SYSROOT=$root run debug nosuch
assert_eq "not loaded: exit" 1 "$rc"
assert_contains "not loaded: why" "nosuch: not loaded" "$err"
MYMOD_SYSROOT=$root run debug hello_dev +x
assert_eq "bad flags: exit" 2 "$rc"
assert_contains "bad flags: why" "'+x' is not on, off or flags" "$err"
MYMOD_SYSROOT=$root run debug --line 1x hello_dev on
assert_eq "bad --line: exit" 2 "$rc"
MYMOD_SYSROOT=$root run debug hello_dev on off
assert_eq "two flag words: exit" 2 "$rc"

# No control file: debugfs not mounted (an empty /sys/kernel/debug), or none at all.
mkdir -p "$TMP/nodebugfs/sys/kernel/debug" "$TMP/nodyndbg/sys/kernel/debug/tracing"
MYMOD_SYSROOT=$TMP/nodebugfs run debug hello_dev
assert_eq "debugfs not mounted: exit" 1 "$rc"
assert_contains "debugfs not mounted: why" "debugfs is not mounted on /sys/kernel/debug" "$err"
assert_contains "debugfs not mounted: what to do" "mount -t debugfs none /sys/kernel/debug (or mymod debug --mount)" "$err"
MYMOD_SYSROOT=$TMP/nodyndbg run debug hello_dev
assert_eq "no dynamic debug: exit" 1 "$rc"
assert_contains "no dynamic debug: why" "built without CONFIG_DYNAMIC_DEBUG" "$err"
finish
