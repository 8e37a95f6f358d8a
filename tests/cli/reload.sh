#!/bin/sh
# mymod reload off the VM: a kernel without module support (a fake tree)
# is said before anything; bad command lines; a name that is nothing. The
# reload itself, its fallback and --with-holders are the VM's
# (tests/vm/init.sh, reload).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

mkdir -p "$TMP/nomods/proc"
MYMOD_SYSROOT=$TMP/nomods run reload "$FIXTURES/hello_dev.ko"
assert_eq "no module support: exit" 1 "$rc"
assert_contains "no module support: why" "this kernel has no loadable-module support" "$err"
run reload
assert_eq "no FILE: exit" 2 "$rc"
run reload --bogus "$FIXTURES/hello_dev.ko"
assert_eq "unknown option: exit" 2 "$rc"

root=$TMP/root
mkdir -p "$root/proc" "$root/sys/module"
: >"$root/proc/modules"
MYMOD_SYSROOT=$root run reload -k "$KVER" nosuchmodule
assert_eq "no such module: exit" 1 "$rc"
assert_contains "no such module: why" "nosuchmodule: no module or alias of that name" "$err"
MYMOD_SYSROOT=$root run reload "$TMP/nosuch.ko"
assert_eq "no such file: exit" 1 "$rc"
finish
