#!/bin/bash
# `meson install` installs the binary, a man page for mymod and for every
# command, and the bash, zsh and fish completions where each shell looks:
# the completionsdir of the shell's pkg-config file when there is one, else
# the usual directory; zsh's is the zshcompletiondir option.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

command -v meson >/dev/null || skip "meson is not installed"
command -v pkg-config >/dev/null || skip "pkg-config is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

dest=$TMP/dest
meson install -C "$BUILDDIR" --no-rebuild --quiet --destdir "$dest" >"$TMP/install.log" 2>&1 ||
    { cat "$TMP/install.log" >&2; fail "meson install failed"; finish; }

bin=$(find "$dest" -type f -name mymod -path '*/bin/*')
[ -n "$bin" ] || fail "no bin/mymod installed"
[ -n "$bin" ] && { "$bin" --version | grep -q '^mymod ' || fail "the installed mymod does not run"; }

# The kmod names are off by default: no modprobe next to mymod.
[ -z "$(find "$dest" -name modprobe -o -name lsmod)" ] || fail "kmod names installed without -Dkmod-names"

commands=$("$MYMOD" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx help)
for page in mymod $(printf 'mymod-%s\n' $commands); do
    find "$dest" -path "*/man1/$page.1" | grep -q . || fail "man page $page.1 not installed"
done

# read_build BUILDDIR: set prefix, datadir, zshcompletiondir (the options
# of BUILDDIR) and bash_to, zsh_to, fish_to (where it installs each completion).
read_build() {
    prefix='' datadir='' zshcompletiondir='' bash_to='' zsh_to='' fish_to=''
    eval "$(meson introspect --buildoptions --installed "$1" | python3 -c '
import json, shlex, sys
intro, src = json.load(sys.stdin), sys.argv[1] + "/completions/"
opts = {o["name"]: str(o["value"]) for o in intro["buildoptions"]}
for name in ("prefix", "datadir", "zshcompletiondir"):
    print(name + "=" + shlex.quote(opts.get(name, "")))
for var, file in (("bash_to", "mymod.bash"), ("zsh_to", "_mymod"), ("fish_to", "mymod.fish")):
    print(var + "=" + shlex.quote(intro["installed"].get(src + file, "")))
' "$SRCDIR")"
    [ -n "${prefix:-}" ] || fail "$1: no build options read"
}
# pkg-config as the build being checked saw it (pc_libdir: its only directory).
pc_libdir=
pc() {
    if [ -n "$pc_libdir" ]; then
        PKG_CONFIG_LIBDIR=$pc_libdir PKG_CONFIG_PATH='' pkg-config "$@"
    else
        pkg-config "$@"
    fi
}
# expect_dir PCNAME FALLBACK: where the build read_build read installs a
# completion for the shell of pkg-config module PCNAME: its completionsdir
# with the build's datadir, else FALLBACK; under the prefix unless absolute.
expect_dir() {
    local dir
    if dir=$(pc --define-variable=datadir="$datadir" --variable=completionsdir "$1" 2>/dev/null) &&
        [ -n "$dir" ]; then
        echo "$1: pkg-config's completionsdir" >&2
    else
        dir=$2
        echo "$1: no pkg-config file, the usual directory" >&2
    fi
    case $dir in
    /*) echo "$dir" ;;
    *) echo "$prefix/$dir" ;;
    esac
}
check_completions() { # BUILDDIR ZSHDIR, after read_build BUILDDIR
    assert_eq "$1: bash completion" "$(expect_dir bash-completion "$datadir/bash-completion/completions")/mymod" "$bash_to"
    assert_eq "$1: fish completion" "$(expect_dir fish "$datadir/fish/vendor_completions.d")/mymod.fish" "$fish_to"
    assert_eq "$1: zsh completion" "$2/_mymod" "$zsh_to"
}

# This build: the default zsh directory, site-functions.
read_build "$BUILDDIR"
[ -f "$dest$bash_to" ] || fail "bash completion not installed"
[ -f "$dest$zsh_to" ] || fail "zsh completion not installed"
[ -f "$dest$fish_to" ] || fail "fish completion not installed"
if [ -z "$zshcompletiondir" ]; then
    check_completions "$BUILDDIR" "$prefix/$datadir/zsh/site-functions"
fi

# Another configuration, where bash-completion's pkg-config file names a
# directory of its own and fish has none; zsh's directory chosen as Debian
# needs it.
pc_libdir=$TMP/pkgconfig
mkdir -p "$pc_libdir"
IFS=: read -ra pc_path <<<"$(pkg-config --variable pc_path pkg-config)"
for d in "${pc_path[@]}"; do
    for f in "$d"/*.pc; do
        [ -e "$f" ] && [ ! -e "$pc_libdir/${f##*/}" ] && ln -s "$f" "$pc_libdir/"
    done
done
rm -f "$pc_libdir/bash-completion.pc" "$pc_libdir/fish.pc"
printf '%s\n' 'prefix=/usr' 'datadir=${prefix}/share' 'completionsdir=${datadir}/own-bash-completion/completions' \
    'Name: bash-completion' 'Description: a test stand-in' 'Version: 2.11' >"$pc_libdir/bash-completion.pc"
if PKG_CONFIG_LIBDIR=$pc_libdir PKG_CONFIG_PATH='' meson setup "$TMP/build" "$SRCDIR" --prefix=/opt/mymod \
    -Dzshcompletiondir=/usr/share/zsh/vendor-completions -Dkmod-names=true >"$TMP/setup.log" 2>&1; then
    read_build "$TMP/build"
    check_completions "$TMP/build" /usr/share/zsh/vendor-completions
    assert_eq "bash completion from the stand-in pkg-config file" \
        /opt/mymod/share/own-bash-completion/completions/mymod "$bash_to"
    assert_eq "fish completion without a pkg-config file" /opt/mymod/share/fish/vendor_completions.d/mymod.fish "$fish_to"
    # -Dkmod-names: the kmod tools' names as links to mymod, where Debian's
    # kmod has them. Only the links are installed (meson wants the file they
    # point to under the destdir: a stand-in, as this build is not compiled).
    mkdir -p "$TMP/dest2/opt/mymod/bin" && : >"$TMP/dest2/opt/mymod/bin/mymod"
    if meson install -C "$TMP/build" --no-rebuild --tags kmod-names --destdir "$TMP/dest2" \
        >"$TMP/install2.log" 2>&1; then
        for link in sbin/modprobe sbin/insmod sbin/rmmod sbin/modinfo sbin/depmod bin/lsmod bin/kmod; do
            assert_eq "-Dkmod-names: $link" /opt/mymod/bin/mymod "$(readlink "$TMP/dest2/opt/mymod/$link")"
        done
        for name in modprobe insmod rmmod lsmod modinfo depmod kmod; do
            cmp -s "$SRCDIR/completions/kmod-names.bash" \
                "$TMP/dest2/opt/mymod/share/own-bash-completion/completions/$name" ||
                fail "-Dkmod-names: no bash completion for $name"
        done
    else
        cat "$TMP/install2.log" >&2
        fail "meson install --tags kmod-names failed"
    fi
else
    cat "$TMP/setup.log" >&2
    fail "meson setup with -Dzshcompletiondir failed"
fi
finish
