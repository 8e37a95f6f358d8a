#!/bin/sh
# load --with-deps --dry-run prints modprobe's plan (compared with kmod's
# modprobe --show-depends on a depmod-made tree), passes over what a fake
# /sys says is loaded or built in; unload of a built-in module, unload
# --with-deps and the usage errors.
# Nothing here reaches a module system call: the vm suite loads for real.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$DEPMOD" ] || skip "no depmod"
[ -f "$FIXTURES/hello_chain_fail.ko" ] || skip "fixtures not built"

# A tree with the fixtures, loop, and nvme with all modprobe loads for it.
base=$TMP/root
dir=$base/lib/modules/$KVER
mkdir -p "$dir/extra"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$FIXTURES/hello_chain_fail.ko" "$dir/extra/"
for f in "$MODDIR/kernel/drivers/block/loop.ko" $("$MODPROBE" -S "$KVER" --show-depends \
    --ignore-install nvme | awk '$1 == "insmod" { print $2 }'); do
    rel=${f#"$MODDIR"/}
    mkdir -p "$dir/$(dirname "$rel")"
    cp "$f" "$dir/$rel" || fail "cannot copy $f"
done
"$DEPMOD" -b "$base" "$KVER" 2>/dev/null || fail "depmod -b failed"

# Nothing loaded, nothing built in: an empty /sys.
sys=$TMP/sys
mkdir -p "$sys/sys/module"
export MYMOD_SYSROOT=$sys

# plan MODULE [PARAM...]: the files of the dry run's "would load" lines, in order.
plan() {
    run load --with-deps --dry-run -b "$base" -k "$KVER" "$@"
    assert_eq "dry run $1: exit" 0 "$rc"
    printf '%s\n' "$out" | sed -n 's/^would load [^ ]* (\(.*\)) with .*/\1/p'
}
# modprobe's plan: its insmod lines' files, each once, where first loaded.
modprobe_plan() {
    "$MODPROBE" -d "$base" -S "$KVER" --show-depends "$1" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}
for m in nvme hello_user hello_chain_fail t10-pi; do
    want=$(modprobe_plan $m)
    [ -n "$want" ] || fail "kmod's modprobe has no plan for $m"
    assert_eq "plan for $m, as modprobe's" "$want" "$(plan $m)"
done

# Parameters go to NAME only.
run load --with-deps -n -b "$base" -k "$KVER" hello_chain_fail fail=0 "whom=the world"
assert_eq "parameters: exit" 0 "$rc"
assert_eq "parameters to NAME only" "would load hello ($dir/extra/hello.ko) with finit_module
would load loop ($dir/kernel/drivers/block/loop.ko) with finit_module
would load hello_chain_fail ($dir/extra/hello_chain_fail.ko) with finit_module, parameters: fail=0 whom=\"the world\"" "$out"

# What /sys says is loaded or built in is passed over.
mkdir -p "$sys/sys/module/crc64" "$sys/sys/module/t10_pi"
echo live >"$sys/sys/module/crc64/initstate"
run load --with-deps -n -b "$base" -k "$KVER" nvme
assert_eq "loaded and builtin: exit" 0 "$rc"
assert_contains "loaded: said" "crc64 is already loaded" "$out"
assert_contains "built in: said" "t10_pi is built into the kernel" "$out"
case $out in *"would load crc64 "* | *"would load t10_pi "*) fail "loaded or builtin in the plan: $out" ;; esac
assert_contains "the rest" "would load nvme_core ($dir/kernel/drivers/nvme/host/nvme-core.ko)" "$out"
# As modprobe: NAME loaded already, nothing else is done.
mkdir -p "$sys/sys/module/nvme"
echo live >"$sys/sys/module/nvme/initstate"
run load --with-deps -n -b "$base" -k "$KVER" nvme io_queue_depth=64
assert_eq "NAME loaded: exit" 0 "$rc"
assert_eq "NAME loaded" "nvme is already loaded" "$out"
assert_contains "NAME loaded: parameters" "parameters given were not applied" "$err"
rm -rf "$sys/sys/module"/*

# --jobs: the same plan, group by group. nvme and t10-pi share crc64 and
# more, so they are one group, in command-line order; hello_user's chain
# is another, printed after theirs although it was given between them.
run load --with-deps -n -a -j 1 -b "$base" -k "$KVER" nvme t10-pi
first=$out
run load --with-deps -n -a -b "$base" -k "$KVER" hello_user
second=$out
run load --with-deps -n -a -j 3 -b "$base" -k "$KVER" nvme hello_user t10-pi
assert_eq "-j 3: exit" 0 "$rc"
assert_eq "-j 3: one group's output after the other's" "2 groups, up to 3 at once: nvme t10-pi | hello_user
$first
$second" "$out"
# Files: hello_user.ko's modinfo says it depends on hello, so the two are
# one group (hello_user given first: the order is the command line's).
run load -n -j 2 "$FIXTURES/hello_user.ko" "$FIXTURES/hello_fail.ko" "$FIXTURES/hello.ko"
assert_eq "-j 2, files: exit" 0 "$rc"
assert_eq "-j 2, files: a module and what it depends on are one group" \
    "2 groups, up to 2 at once: $FIXTURES/hello_user.ko $FIXTURES/hello.ko | $FIXTURES/hello_fail.ko" \
    "$(printf '%s\n' "$out" | head -1)"
# -j 1: one after another, no groups.
run load --with-deps -n -a -j 1 -b "$base" -k "$KVER" nvme hello_user t10-pi
assert_eq "-j 1: exit" 0 "$rc"
case $out in "would load"*) ;; *) fail "-j 1: groups said: $(printf '%s\n' "$out" | head -1)" ;; esac
# A failing module's group fails, the others' output is still there.
run load --with-deps -n -a -j 2 -b "$base" -k "$KVER" no_such_module hello_user
assert_eq "-j 2, one unknown: exit" 1 "$rc"
assert_contains "-j 2, one unknown: the error" "no_such_module: no module or alias" "$err"
assert_contains "-j 2, one unknown: the other group" "would load hello_user (" "$out"
for j in 0 1025 x -1; do
    run load -j "$j" -n -b "$base" -k "$KVER" hello
    assert_eq "-j $j: exit" 2 "$rc"
    assert_contains "-j $j" "--jobs: '$j' is not a number from 1 to 1024" "$err"
done

# Usage errors and names that match nothing.
run load --with-deps "$FIXTURES/hello.ko"
assert_eq "--with-deps FILE: exit" 2 "$rc"
assert_contains "--with-deps FILE" "is a file: give a module name or alias" "$err"
run load --no-rollback -n -b "$base" -k "$KVER" hello
assert_eq "--no-rollback alone: exit" 2 "$rc"
assert_contains "--no-rollback alone" "--no-rollback goes with --with-deps" "$err"
run load --with-deps -n -b "$base" -k "$KVER" no_such_module
assert_eq "unknown: exit" 1 "$rc"
assert_contains "unknown" "no_such_module: no module or alias of that name in $dir" "$err"
run unload --with-deps -b "$base" -k "$KVER" no_such_module
assert_eq "unload unknown: exit" 1 "$rc"
assert_contains "unload unknown" "no_such_module: no module or alias of that name in $dir" "$err"
# A built-in module without /sys/module/NAME (one without parameters):
# modules.builtin says so, by its name even where an alias of that name
# means other modules (alias crc32 is crc32_generic's).
for m in crc32 bitrev; do
    run unload -k "$KVER" $m
    assert_eq "unload builtin $m: exit" 1 "$rc"
    assert_eq "unload builtin $m" "mymod: unload: $m is built into the kernel and cannot be unloaded" "$err"
done
run unload --with-deps -k "$KVER" bitrev
assert_eq "unload --with-deps builtin: exit" 1 "$rc"
assert_eq "unload --with-deps builtin" "mymod: unload: bitrev is built into the kernel and cannot be unloaded" "$err"
run load --with-deps -n -b "$base" -k 0.0.0-none nvme
assert_eq "no module directory: exit" 1 "$rc"
assert_contains "no module directory" "no module directory" "$err"

finish
