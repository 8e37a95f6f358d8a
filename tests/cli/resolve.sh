#!/bin/sh
# One way in: every command that takes a module name resolves it the same
# way, so an unknown name and a missing module directory read the same in
# info, check, deps, load and unload (one message, one hint).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

# The message and hint lines, with the command's name taken out.
said() {
    printf '%s\n' "$err" | sed "s/^mymod: $1: //"
}

# An unknown name.
first=
for c in info check deps "load --dry-run" "unload --with-deps"; do
    # shellcheck disable=SC2086 # the command and its options, split on purpose
    run $c -k "$KVER" no_such_module_here
    cmd=${c%% *}
    assert_eq "$cmd, unknown name: exit" 1 "$rc"
    got=$(said "$cmd")
    assert_contains "$cmd, unknown name: message" \
        "no_such_module_here: no module or alias of that name in $MODDIR" "$got"
    assert_contains "$cmd, unknown name: hint" "hint: names and aliases come from modules.dep" "$got"
    [ -n "$first" ] || first=$got
    assert_eq "$cmd, unknown name: as info says it" "$first" "$got"
done

# No module directory for the kernel named.
first=
for c in info check deps "load --dry-run" "unload --with-deps"; do
    # shellcheck disable=SC2086
    run $c -k 0.0-none loop
    cmd=${c%% *}
    assert_eq "$cmd, no module directory: exit" 1 "$rc"
    got=$(said "$cmd" | sed 's/^loop: //')
    assert_contains "$cmd, no module directory: message" \
        "no module directory /lib/modules/0.0-none for kernel 0.0-none" "$got"
    assert_eq "$cmd, no module directory: one hint" 1 "$(printf '%s\n' "$got" | grep -c 'hint:')"
    [ -n "$first" ] || first=$got
    assert_eq "$cmd, no module directory: as info says it" "$first" "$got"
done

# (An alias of a module that is not installed: modprobe-config.sh.)

finish
