#!/bin/bash
# Every option a command's --help lists is in its man page and is offered by
# the bash, fish and zsh completions; every man page renders without warnings;
# `mymod help` is each command's --help; bash completes what a person types,
# in a real interactive bash with bash-completion loaded.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

command -v man >/dev/null || skip "man (man-db) is not installed"
command -v fish >/dev/null || skip "fish is not installed"
command -v zsh >/dev/null || skip "zsh is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"

# The option part of each option line of `mymod CMD --help` ("-k, --kernel=KVER").
option_lines() {
    "$MYMOD" ${1:+"$1"} --help | sed -n 's/^ \{1,\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//'
}
# Every -x and --long on the option lines on stdin, one a line.
parse_options() {
    grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ,'
}
# has_option FILE OPT: FILE names OPT as a whole word (-k is not in --kernel).
has_option() {
    grep -qE -e "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" "$1"
}
zsh_complete() { # WORDS...: what the zsh completion offers for the last word
    zsh -f "$SRCDIR/tests/cli/zsh-complete.zsh" "$SRCDIR/completions" "$MYMOD" "$@"
}
fish_complete() { # LINE: what the fish completion offers for `mymod LINE`
    (cd "$TMP" && fish -c "source '$SRCDIR/completions/mymod.fish'; complete -C '$MYMOD $1'") | cut -f1
}

# bash cases are queued and typed into one interactive bash at the end
# (bash-complete.py). expect KIND KEYS WANT: after KEYS, the command line is
# WANT (line), the listed candidates are WANT (list: sorted, each followed by
# a space), or WANT's options are all listed (options).
bash_keys=() bash_checks=()
expect() {
    bash_keys+=("$2")
    bash_checks+=("$1"$'\t'"$3")
}
run_bash_cases() {
    local results i kind want line listed w what
    mkdir -p "$TMP/bin"
    ln -s "$MYMOD" "$TMP/bin/mymod"
    mapfile -t results < <(PATH=$TMP/bin:$PATH python3 "$SRCDIR/tests/cli/bash-complete.py" \
        "$SRCDIR/completions/mymod.bash" "${bash_keys[@]}")
    if [ "${#results[@]}" != "${#bash_keys[@]}" ]; then
        fail "bash-complete.py answered ${#results[@]} of ${#bash_keys[@]} cases"
        return
    fi
    for i in "${!bash_keys[@]}"; do
        IFS=$'\t' read -r kind want <<<"${bash_checks[i]}"
        what=${bash_keys[i]//$'\t'/<TAB>}
        line=${results[i]%%$'\t'*}
        listed="${results[i]#*$'\t'} "
        case $kind in
        line) assert_eq "bash: '$what'" "$want" "$line" ;;
        list) assert_eq "bash: '$what' lists" "$want" "${listed# }" ;;
        options)
            listed=${listed//= / }
            for w in $want; do
                [[ " $listed" == *" $w "* ]] || fail "bash: '$what' does not offer $w: $listed"
            done
            ;;
        esac
    done
}

commands=$("$MYMOD" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx help)
[ "$(echo "$commands" | wc -w)" -ge 6 ] || fail "mymod --help lists fewer than 6 commands: $commands"

check_page() { # PAGE CMD
    local page=$1 cmd=$2 what="mymod${2:+ $2}" opt line lines opts
    lines=$(option_lines "$cmd")
    # A help the parser cannot read must not pass as "no options".
    [ "$(echo "$lines" | grep -c .)" -ge 2 ] || fail "'$what --help': fewer than 2 option lines found"
    while IFS= read -r line; do
        [ -n "$(echo "$line" | parse_options)" ] || fail "'$what --help': no option read from '$line'"
    done <<<"$lines"
    opts=$(echo "$lines" | parse_options | sort -u)
    echo "$opts" | grep -qx -- --help || fail "'$what --help': --help not among the options read: $opts"
    echo "$opts" | grep -qx -- -h || fail "'$what --help': -h not among the options read: $opts"

    expect options "$what -"$'\t\t' "$opts"
    if [ ! -f "$SRCDIR/man/$page.scd" ]; then
        fail "no man page man/$page.scd for '$what'"
        return
    fi
    local zsh_opts fish_opts
    zsh_opts=$(zsh_complete $cmd -)
    fish_opts=$(fish_complete "${cmd:+$cmd }-")
    for opt in $opts; do
        has_option "$SRCDIR/man/$page.scd" "$opt" ||
            fail "$page: option $opt of '$what --help' is not in man/$page.scd"
        echo "$zsh_opts" | grep -qx -- "$opt" || fail "zsh: '$what -<TAB>' does not offer $opt"
        echo "$fish_opts" | grep -qx -- "$opt" || fail "fish: '$what -<TAB>' does not offer $opt"
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

# mymod help: each command's --help; an unknown command is a usage error.
for c in $commands; do
    run help "$c"
    assert_eq "mymod help $c: exit status" 0 "$rc"
    assert_eq "mymod help $c: the same as '$c --help'" "$("$MYMOD" "$c" --help)" "$out"
done
run help nosuch
assert_eq "mymod help nosuch: exit status" 2 "$rc"
assert_contains "mymod help nosuch: message" "unknown command 'nosuch'" "$err"
run help
assert_eq "mymod help: exit status" 0 "$rc"
assert_eq "mymod help: the same as 'mymod --help'" "$("$MYMOD" --help)" "$out"
for c in $commands help; do
    echo "$out" | grep -qE "^  $c " || fail "mymod help: command $c is not listed"
done
for a in help --help; do
    run help "$a"
    assert_eq "mymod help $a: exit status" 0 "$rc"
    assert_eq "mymod help $a: the same as 'mymod --help'" "$("$MYMOD" --help)" "$out"
done

# No example names a release that will be stale after the next kernel update.
release='[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-[a-z0-9]+'
for f in "$SRCDIR"/man/*.scd; do
    got=$(sed -n '/^# EXAMPLES/,/^# /p' "$f" | grep -oE "$release" | head -1)
    [ -z "$got" ] || fail "${f##*/}: an example names a concrete kernel release: $got"
done
got=$(grep -oE "$release" "$SRCDIR/README.md" | head -1)
[ -z "$got" ] || fail "README.md names a concrete kernel release: $got"

# zsh and fish: module names from the module directory chosen with -k.
got=$(zsh_complete -k "$KVER" info loo)
echo "$got" | grep -qx loop || fail "zsh: 'mymod -k $KVER info loo<TAB>' does not offer loop: $got"
got=$(fish_complete "-k $KVER info loo")
echo "$got" | grep -qx loop || fail "fish: 'mymod -k $KVER info loo<TAB>' does not offer loop: $got"

mkdir -p "$TMP/dmdir/outdir-x"
: >"$TMP/dmdir/conf-x.conf"
# fish: depmod's -o is a directory (list's, columns); -C a file.
got=$(fish_complete "depmod -o $TMP/dmdir/out")
[ "$got" = "$TMP/dmdir/outdir-x/" ] || fail "fish: 'mymod depmod -o DIR<TAB>' does not offer the directory: $got"
got=$(fish_complete "depmod -C $TMP/dmdir/con")
[ "$got" = "$TMP/dmdir/conf-x.conf" ] || fail "fish: 'mymod depmod -C FILE<TAB>' does not offer the file: $got"

# zsh and fish: --sort takes one of the command's columns.
got=$(zsh_complete list --sort RE)
[ "$got" = REFCNT ] || fail "zsh: 'mymod list --sort RE<TAB>' does not offer REFCNT: $got"
got=$(fish_complete "deps --sort BU")
[ "$got" = BUILTIN ] || fail "fish: 'mymod deps --sort BU<TAB>' does not offer BUILTIN: $got"

# bash: commands, and the options of a command.
for c in $commands; do
    # Four letters tell every command apart (deps, depmod).
    expect line "mymod ${c:0:4}"$'\t' "mymod $c "
done
expect line "mymod --kernel=$KVER ch"$'\t' "mymod --kernel=$KVER check "
expect list $'mymod info --f\t\t' "--field= --format= "

# Loaded modules for unload, from the fake /proc/modules of MYMOD_SYSROOT.
mkdir -p "$TMP/root/proc"
printf '%s\n' "hello_user 16384 0 - Live 0x0000000000000000" \
    "hello 16384 1 hello_user, Live 0x0000000000000000" \
    "loop 32768 0 - Live 0x0000000000000000" >"$TMP/root/proc/modules"
export MYMOD_SYSROOT=$TMP/root
expect line $'mymod unload h\t' "mymod unload hello"
expect list $'mymod unload hello\t\t' "hello hello_user "
for c in sections symbols log; do
    expect list "mymod $c hello"$'\t\t' "hello hello_user "
done
expect line "mymod sections --file $FIXTURES/hello_u"$'\t' "mymod sections --file $FIXTURES/hello_user."

# Module names from the module directory -k or --kernel chose, however spelt;
# files for a path.
for c in info deps load check; do
    for k in "-k $KVER $c" "--kernel=$KVER $c" "$c -k $KVER" "$c --kernel=$KVER" "$c -k$KVER"; do
        expect line "mymod $k loo"$'\t' "mymod $k loop "
    done
done
expect line "mymod info $FIXTURES/hello_u"$'\t' "mymod info $FIXTURES/hello_user.ko "

# Option values: releases under the base directory, formats, columns.
mkdir -p "$TMP/base/lib/modules/1.0-a" "$TMP/base/lib/modules/1.0-b"
expect line "mymod -b $TMP/base --kernel=1"$'\t' "mymod -b $TMP/base --kernel=1.0-"
expect list "mymod -b $TMP/base --kernel=1.0-"$'\t\t' "1.0-a 1.0-b "
expect list "mymod -b $TMP/base -k 1.0-"$'\t\t' "1.0-a 1.0-b "
if [ "$(ls /lib/modules | wc -l)" = 1 ]; then
    expect line $'mymod --kernel=\t' "mymod --kernel=$(ls /lib/modules) "
else
    expect list $'mymod --kernel=\t\t' "$(ls /lib/modules | LC_ALL=C sort | tr '\n' ' ')"
fi
for c in info deps; do
    # What the completion offers is what the parser accepts.
    want=$("$MYMOD" "$c" --format=nosuch x 2>&1 | sed -n "s/.*unknown format 'nosuch' (\(.*\))$/\1/p" |
        tr -d ' ' | tr ',' '\n' | LC_ALL=C sort | tr '\n' ' ')
    [ -n "$want" ] || fail "mymod $c --format=nosuch does not list the formats"
    expect list "mymod $c --format="$'\t\t' "$want"
    expect list "mymod $c --format "$'\t\t' "$want"
done
expect list $'mymod list -o NAME,S\t\t' "NAME,SIZE NAME,SRCVERSION NAME,STATE "
expect line $'mymod list --output=NAME,RE\t' "mymod list --output=NAME,REFCNT"
expect line $'mymod deps --output=+PA\t' "mymod deps --output=+PATH"
expect list $'mymod list --sort S\t\t' "SIZE SRCVERSION STATE "
# depmod's -o is a directory, -C a file; list's -o is columns.
mkdir -p "$TMP/dmdir/outdir-x"
: >"$TMP/dmdir/conf-x.conf"
expect line "mymod depmod -o $TMP/dmdir/out"$'\t' "mymod depmod -o $TMP/dmdir/outdir-x/"
expect line "mymod depmod -C $TMP/dmdir/con"$'\t' "mymod depmod -C $TMP/dmdir/conf-x.conf "
expect line $'mymod deps --sort BU\t' "mymod deps --sort BUILTIN "

run_bash_cases

# The kmod names (mymod-kmod-names(1)): every option each name's --help
# lists (kmod's format: a tab, then the option) is in the page; bash
# completes them from completions/kmod-names.bash, installed under each name.
names="modprobe insmod rmmod lsmod modinfo depmod kmod"
page=$SRCDIR/man/mymod-kmod-names.1.scd
mkdir -p "$TMP/names"
for n in $names; do
    ln -s "$MYMOD" "$TMP/names/$n"
    help=$("$TMP/names/$n" --help)
    [ "$n" = kmod ] && help+=$'\n'$("$TMP/names/kmod" static-nodes --help)
    opts=$(echo "$help" | sed -n 's/^\t\{1,\}\(-[^ \t].*\)$/\1/p' | sed 's/  .*//' | parse_options | sort -u)
    [ "$(echo "$opts" | grep -c .)" -ge 2 ] || fail "'$n --help': fewer than 2 options read"
    for opt in $opts; do
        has_option "$page" "$opt" || fail "mymod-kmod-names.1: $n's option $opt is not in the page"
    done
done
warnings=$(MANWIDTH=80 man --warnings -l "$BUILDDIR/man/mymod-kmod-names.1" 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "man mymod-kmod-names renders with warnings: $warnings"
cases=(
    $'modprobe --show-d\t' $'modinfo --fie\t' $'depmod --out\t' $'kmod st\t'
    $'kmod static-nodes --fo\t' $'kmod static-nodes --format=tm\t' "modprobe -S $KVER loo"$'\t'
    "modinfo -k $KVER -F lic"$'\t' $'lsmod --sys\t'
)
want=(
    "modprobe --show-depends " "modinfo --field=" "depmod --outdir=" "kmod static-nodes "
    "kmod static-nodes --format=" "kmod static-nodes --format=tmpfiles " "modprobe -S $KVER loop "
    "modinfo -k $KVER -F license " "lsmod --syslog "
)
mapfile -t got < <(PATH=$TMP/names:$PATH python3 "$SRCDIR/tests/cli/bash-complete.py" \
    "$SRCDIR/completions/kmod-names.bash:${names// /,}" "${cases[@]}")
for i in "${!cases[@]}"; do
    assert_eq "bash: '${cases[i]//$'\t'/<TAB>}'" "${want[i]}" "${got[i]%%$'\t'*}"
done
finish
