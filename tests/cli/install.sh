#!/bin/bash
# `meson install` installs the binary, a man page for mymod and for every
# command, and the bash, zsh and fish completions where each shell looks.
. "$SRCDIR/tests/lib.sh"

command -v meson >/dev/null || skip "meson is not installed"
dest=$TMP/dest
meson install -C "$BUILDDIR" --no-rebuild --quiet --destdir "$dest" >"$TMP/install.log" 2>&1 ||
    { cat "$TMP/install.log" >&2; fail "meson install failed"; finish; }

bin=$(find "$dest" -type f -name mymod -path '*/bin/*')
[ -n "$bin" ] || fail "no bin/mymod installed"
[ -n "$bin" ] && { "$bin" --version | grep -q '^mymod ' || fail "the installed mymod does not run"; }

commands=$("$MYMOD" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx help)
for page in mymod $(printf 'mymod-%s\n' $commands); do
    find "$dest" -path "*/man1/$page.1" | grep -q . || fail "man page $page.1 not installed"
done
find "$dest" -path '*/bash-completion/completions/mymod' | grep -q . ||
    fail "bash completion not installed in bash-completion's completions directory"
find "$dest" -path '*/zsh/site-functions/_mymod' | grep -q . ||
    fail "zsh completion not installed in site-functions"
find "$dest" -path '*/fish/vendor_completions.d/mymod.fish' | grep -q . ||
    fail "fish completion not installed in vendor_completions.d"
finish
