#!/bin/sh
# The running kernel's release comes from the kernel layer, which reads
# /proc/sys/kernel/osrelease under MYMOD_SYSROOT: a fake sysroot fakes the
# release, and so chooses the module directory when -k is not given.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

rel=9.9.9-fakerelease
tree=$TMP/tree
root=$TMP/root
mkdir -p "$tree/lib/modules/$rel/extra" "$root/proc/sys/kernel"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$tree/lib/modules/$rel/extra/"
depmod -b "$tree" "$rel" 2>/dev/null || fail "depmod -b $tree $rel"
echo "$rel" >"$root/proc/sys/kernel/osrelease"

MYMOD_SYSROOT=$root run -b "$tree" deps --format=list hello_user
assert_eq "sysroot's release: exit" 0 "$rc"
assert_eq "sysroot's release chooses the module directory" \
    "$tree/lib/modules/$rel/extra/hello.ko
$tree/lib/modules/$rel/extra/hello_user.ko" "$out"
MYMOD_SYSROOT=$root run -b "$tree" deps --json hello
assert_contains "sysroot's release in deps --json" "\"kernel\": \"$rel\"" "$out"
MYMOD_SYSROOT=$root run -b "$tree" info -F filename hello
assert_eq "info by name in the sysroot's release" "$tree/lib/modules/$rel/extra/hello.ko" "$out"

# -k still chooses, whatever the sysroot says.
MYMOD_SYSROOT=$root run -b "$tree" -k 0.0-other deps hello
assert_eq "-k over the sysroot's release: exit" 1 "$rc"
assert_contains "-k over the sysroot's release" "no module directory $tree/lib/modules/0.0-other" "$err"

# A sysroot that does not say its release: a plain error, not the host's release.
mkdir -p "$TMP/norelease"
MYMOD_SYSROOT=$TMP/norelease run -b "$tree" deps hello
assert_eq "no osrelease: exit" 1 "$rc"
assert_contains "no osrelease: message" \
    "mymod: deps: cannot read the running kernel's release from $TMP/norelease/proc/sys/kernel/osrelease: No such file or directory" "$err"
assert_eq "no osrelease: stdout" "" "$out"
finish
