#!/bin/sh
# modprobe.d configuration, as kmod's tools read it, on a depmod-made tree
# of the fixtures: softdep lines with pre: and post:, options given to an
# alias. libkmod reads the tree's modules.softdep with modprobe.d's parser,
# so lines appended to it are configuration for mymod and kmod alike.
# Nothing here reaches a module system call: the vm suite loads for real.
. "$SRCDIR/tests/lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$DEPMOD" ] || skip "no depmod"
[ -x "$MODPROBE" ] || skip "no modprobe"
[ -f "$FIXTURES/hello_fail.ko" ] || skip "fixtures not built"

base=$TMP/root
dir=$base/lib/modules/$KVER
mkdir -p "$dir/extra"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_fail.ko" "$MODDIR/kernel/drivers/block/loop.ko" "$dir/extra/" ||
    fail "cannot copy the modules"
"$DEPMOD" -b "$base" "$KVER" 2>/dev/null || fail "depmod -b failed"
cat >>"$dir/modules.softdep" <<'EOF'
softdep hello_fail pre: hello post: loop
EOF
# Nothing loaded, nothing built in: an empty /sys.
mkdir -p "$TMP/sys/sys/module"
export MYMOD_SYSROOT="$TMP/sys"

# modprobe_show NAME: modprobe --show-depends on the tree.
modprobe_show() {
    "$MODPROBE" -d "$base" -S "$KVER" --show-depends "$1"
}
# plan NAME: the files of load --with-deps --dry-run's "would load" lines.
plan() {
    run load --with-deps --dry-run -b "$base" -k "$KVER" "$1"
    assert_eq "dry run $1: exit" 0 "$rc"
    printf '%s\n' "$out" | sed -n 's/^would load [^ ]* (\(.*\)) with .*/\1/p'
}

# softdep X pre: A post: B: A before X, B after it (libkmod's iterator
# gives the line as "pre: Apost: B", which lost A and put B first).
want=$(modprobe_show hello_fail)
assert_eq "modprobe's softdep order" "insmod $dir/extra/hello.ko 
insmod $dir/extra/hello_fail.ko 
insmod $dir/extra/loop.ko " "$want"
run deps -b "$base" -k "$KVER" --format=modprobe hello_fail
assert_eq "softdep pre: and post:, deps --format=modprobe" "$want" "$out"
assert_eq "softdep pre: and post:, load --with-deps -n" \
    "$(printf '%s\n' "$want" | awk '{ print $2 }')" "$(plan hello_fail)"
run deps -b "$base" -k "$KVER" -r -n -o NAME,KIND hello_fail
assert_eq "softdep pre: and post:, the tree" "hello_fail 
hello softdep-pre
loop softdep-post" "$out"

# Options given to an alias go to the module it names, with the module's
# own (modprobe passes both, its own first), with or without --with-deps.
cat >>"$dir/modules.softdep" <<'EOF'
options hello whom=by_name
alias greet_alias hello
options greet_alias count=5
EOF
want=$(modprobe_show greet_alias)
assert_eq "modprobe's options for an alias" "insmod $dir/extra/hello.ko whom=by_name count=5 " "$want"
run load -n -b "$base" -k "$KVER" greet_alias
assert_eq "load ALIAS: exit" 0 "$rc"
assert_eq "load ALIAS: the alias's options" \
    "would load hello ($dir/extra/hello.ko) with finit_module, parameters: whom=by_name count=5" "$out"
run load -n --with-deps -b "$base" -k "$KVER" greet_alias
assert_eq "load --with-deps ALIAS: the alias's options" \
    "would load hello ($dir/extra/hello.ko) with finit_module, parameters: whom=by_name count=5" "$out"
run load -n -b "$base" -k "$KVER" hello
assert_eq "load NAME: its own options only" \
    "would load hello ($dir/extra/hello.ko) with finit_module, parameters: whom=by_name" "$out"

finish
