#!/bin/sh
# modprobe.d configuration, as kmod's tools read it, on a depmod-made tree
# of the fixtures: softdep lines with pre: and post:, options given to an
# alias. libkmod reads the tree's modules.softdep with modprobe.d's parser,
# so lines appended to it are configuration for mymod and kmod alike.
# Nothing here reaches a module system call: the vm suite loads for real.
. "$SRCDIR/tests/lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
MODINFO=$(command -v modinfo || echo /sbin/modinfo)
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$DEPMOD" ] || skip "no depmod"
[ -x "$MODPROBE" ] || skip "no modprobe"
[ -x "$MODINFO" ] || skip "no modinfo"
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

# An alias of a module that is not there (neither in modules.dep nor built
# in) names an unknown module: modprobe fails on it (its dry run says
# nothing), and so do load and check. It runs here without CAP_SYS_MODULE:
# nothing could be loaded even if it tried.
cat >>"$dir/modules.softdep" <<'EOF'
alias lost_alias no_such_module
EOF
if command -v setpriv >/dev/null; then
    setpriv --bounding-set=-sys_module "$MODPROBE" -d "$base" -S "$KVER" lost_alias 2>"$TMP/modprobe.err"
    assert_eq "modprobe on an alias of a missing module: exit" 1 $?
    assert_contains "modprobe on an alias of a missing module" "no_such_module" "$(cat "$TMP/modprobe.err")"
else
    skip "setpriv (util-linux) is not installed"
fi
for opt in "" -n --with-deps; do
    # shellcheck disable=SC2086
    run load $opt -b "$base" -k "$KVER" lost_alias
    assert_eq "load $opt ALIAS of a missing module: exit" 1 "$rc"
    case $out in *"built into the kernel"*) fail "load $opt: a missing module is called built in: $out" ;; esac
done
run load -b "$base" -k "$KVER" lost_alias
assert_eq "load ALIAS of a missing module" \
    "mymod: load: lost_alias: no_such_module is neither in modules.dep nor in modules.builtin of $dir
mymod: load: hint: install the module and run depmod, or correct the alias in modprobe.d" "$err"
run check -b "$base" -k "$KVER" lost_alias
assert_eq "check ALIAS of a missing module: exit" 1 "$rc"
assert_contains "check ALIAS of a missing module" \
    "lost_alias: no_such_module is neither in modules.dep nor in modules.builtin of $dir" "$err"
run info -b "$base" -k "$KVER" lost_alias
assert_eq "info ALIAS of a missing module: exit" 1 "$rc"
assert_contains "info ALIAS of a missing module" "no_such_module is neither in modules.dep" "$err"
# modinfo reads the tree's modules.softdep too: it shows the module as
# builtin, and --format=modinfo does what modinfo does.
want=$("$MODINFO" -b "$base" -k "$KVER" lost_alias)
run info --format=modinfo -b "$base" -k "$KVER" lost_alias
assert_eq "info --format=modinfo ALIAS of a missing module, as modinfo" "$want" "$out"
assert_eq "info --format=modinfo ALIAS of a missing module: exit" 0 "$rc"

# kmod's modinfo reads no modprobe.d (only the tree's modules.softdep):
# an alias there means nothing to it, and --format=modinfo and -F must
# answer the same; mymod's own formats resolve it as modprobe does. A
# private mount namespace puts a modprobe.d of the test's own over
# /etc/modprobe.d, for these commands only.
mkdir -p "$TMP/modprobe.d"
echo "alias conf_alias hello" >"$TMP/modprobe.d/test.conf"
# with_modprobe_d CMD ARGS...: CMD with $TMP/modprobe.d as /etc/modprobe.d.
with_modprobe_d() {
    unshare $userns -m sh -c 'mount --bind "$0" /etc/modprobe.d && exec "$@"' "$TMP/modprobe.d" "$@"
}
userns=
[ "$(id -u)" = 0 ] || userns=-r
with_modprobe_d true 2>/dev/null || skip "cannot mount a modprobe.d in a private mount namespace (unshare $userns -m)"
with_modprobe_d "$MODPROBE" -d "$base" -S "$KVER" --show-depends conf_alias >"$TMP/modprobe.out"
assert_eq "modprobe sees the test's modprobe.d" "insmod $dir/extra/hello.ko whom=by_name " "$(cat "$TMP/modprobe.out")"
for args in "-F name" "--format=modinfo" "-F filename"; do
    # shellcheck disable=SC2086
    with_modprobe_d "$MODINFO" -b "$base" -k "$KVER" $args conf_alias >"$TMP/modinfo.out" 2>/dev/null
    krc=$?
    # shellcheck disable=SC2086
    with_modprobe_d "$MYMOD" info -b "$base" -k "$KVER" $args conf_alias >"$TMP/mymod.out" 2>/dev/null
    mrc=$?
    assert_eq "info $args ALIAS of modprobe.d: output as modinfo's" "$(cat "$TMP/modinfo.out")" "$(cat "$TMP/mymod.out")"
    assert_eq "info $args ALIAS of modprobe.d: exit as modinfo's" "$krc" "$mrc"
done
with_modprobe_d "$MYMOD" info -b "$base" -k "$KVER" --json conf_alias >"$TMP/mymod.json"
assert_eq "info --json ALIAS of modprobe.d: resolved as modprobe does" hello \
    "$(python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["name"])' <"$TMP/mymod.json")"

finish
