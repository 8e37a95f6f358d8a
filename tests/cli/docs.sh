#!/bin/bash
# Every option a command's --help lists is in its man page and is offered by
# the bash, fish and zsh completions; every man page renders without warnings.
. "$SRCDIR/tests/lib.sh"

command -v man >/dev/null || skip "man (man-db) is not installed"
command -v fish >/dev/null || skip "fish is not installed"
command -v zsh >/dev/null || skip "zsh is not installed"

help_options() { # CMD: the long options of `mymod CMD --help` (CMD may be empty)
    "$MYMOD" ${1:+"$1"} --help | sed -n 's/^ \{1,\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//' |
        grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u
}

commands=$("$MYMOD" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx help)
[ -n "$commands" ] || fail "mymod --help lists no commands"

bash_complete() { # WORDS...: what the bash completion offers for the last word
    MYMOD_SYSROOT=${MYMOD_SYSROOT:-} bash -c '
        source "$SRCDIR/completions/mymod.bash"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _mymod; printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}

check_page() { # PAGE CMD
    local page=$1 cmd=$2 opt
    if [ ! -f "$SRCDIR/man/$page.scd" ]; then
        fail "no man page man/$page.scd for '${cmd:-mymod}'"
        return
    fi
    for opt in $(help_options "$cmd"); do
        grep -qF -- "$opt" "$SRCDIR/man/$page.scd" ||
            fail "$page: option $opt of 'mymod $cmd --help' is not in man/$page.scd"
        bash_complete "$MYMOD" $cmd "$opt" | grep -qx -- "$opt" ||
            fail "bash completion does not offer $opt for 'mymod $cmd'"
        zsh -f "$SRCDIR/tests/cli/zsh-complete.zsh" "$SRCDIR/completions" "$MYMOD" $cmd "$opt" |
            grep -qx -- "$opt" || fail "zsh completion does not offer $opt for 'mymod $cmd'"
        fish -c "source '$SRCDIR/completions/mymod.fish'; complete -C '$MYMOD $cmd $opt'" |
            cut -f1 | grep -qx -- "$opt" ||
            fail "fish completion does not offer $opt for 'mymod $cmd'"
    done
    local built="$BUILDDIR/man/$page"
    if [ ! -f "$built" ]; then
        fail "man page $page was not built (add it to man/meson.build)"
        return
    fi
    local warnings
    warnings=$(MANWIDTH=80 man --warnings -l "$built" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man $page renders with warnings: $warnings"
}

check_page mymod.1 ""
for c in $commands; do
    check_page "mymod-$c.1" "$c"
done

# The cases a person types.
for c in $commands; do
    bash_complete "$MYMOD" "${c:0:2}" | grep -qx "$c" || fail "bash: 'mymod ${c:0:2}<TAB>' does not offer $c"
done
if echo "$commands" | grep -qx info; then
    got=$(bash_complete "$MYMOD" info --f | sort | tr '\n' ' ')
    assert_contains "bash: mymod info --f<TAB>" "--field" "$got"
    assert_contains "bash: mymod info --f<TAB>" "--format" "$got"
fi
if echo "$commands" | grep -qx unload; then
    mkdir -p "$TMP/root/proc"
    printf '%s\n' "hello_user 16384 0 - Live 0x0000000000000000" \
        "hello 16384 1 hello_user, Live 0x0000000000000000" \
        "loop 32768 0 - Live 0x0000000000000000" >"$TMP/root/proc/modules"
    got=$(MYMOD_SYSROOT=$TMP/root bash_complete "$MYMOD" unload h | sort | tr '\n' ' ')
    assert_eq "bash: mymod unload h<TAB>" "hello hello_user " "$got"
fi
# Module names from the module directory chosen with -k.
got=$(bash_complete "$MYMOD" -k "$KVER" info loo)
echo "$got" | grep -qx loop || fail "bash: 'mymod -k $KVER info loo<TAB>' does not offer loop: $got"
got=$(zsh -f "$SRCDIR/tests/cli/zsh-complete.zsh" "$SRCDIR/completions" "$MYMOD" -k "$KVER" info loo)
echo "$got" | grep -qx loop || fail "zsh: 'mymod -k $KVER info loo<TAB>' does not offer loop: $got"
got=$(cd "$TMP" && fish -c "source '$SRCDIR/completions/mymod.fish'; complete -C '$MYMOD -k $KVER info loo'" | cut -f1)
echo "$got" | grep -qx loop || fail "fish: 'mymod -k $KVER info loo<TAB>' does not offer loop: $got"

finish
