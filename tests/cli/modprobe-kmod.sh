#!/bin/sh
# mymod called as modprobe against Debian's modprobe (kmod), on the installed
# tree: -D and -R over every module name, every builtin and a sample of
# aliases (batched with -a), --show-exports and --dump-modversions over every
# module file, -c, and the errors: stdout, stderr and exit status each.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ -f "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"
KMOD_MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$KMOD_MODPROBE" ] || skip "no modprobe"
[ "$(grep -c . "$MODDIR/modules.dep")" -gt 1000 ] || fail "expected a full module tree in $MODDIR"

# Both called ./modprobe from their own directory: getopt's messages name argv[0].
mkdir "$TMP/k" "$TMP/m"
ln -s "$KMOD_MODPROBE" "$TMP/k/modprobe"
ln -s "$MYMOD" "$TMP/m/modprobe"

# same WHAT ARGS...: both modprobes, the same stdout, stderr and exit status.
# Where kmod 34 differs from Debian's kmod 30, mymod follows 34: kmod30to34
# turns 30's words into 34's (--help's -w line). Debian's libkmod also puts
# its source position into its messages, which a release build of kmod 34
# does not.
kmod30to34() {
    sed 's/^\t-w, --wait <MSEC>  /\t-w, --wait=<MSEC>  /
         s/^\(modprobe: [A-Z]*: \)\.\.\/libkmod\/[a-z-]*\.c:[0-9]* [a-z_]*() /\1/' "$1" >"$1.34" &&
        mv "$1.34" "$1"
}
same() {
    what=$1
    shift
    (cd "$TMP/k" && ./modprobe "$@" >"$TMP/k.out" 2>"$TMP/k.err"; echo "exit $?" >>"$TMP/k.out")
    kmod30to34 "$TMP/k.out"
    kmod30to34 "$TMP/k.err"
    (cd "$TMP/m" && ./modprobe "$@" >"$TMP/m.out" 2>"$TMP/m.err"; echo "exit $?" >>"$TMP/m.out")
    cmp -s "$TMP/k.out" "$TMP/m.out" ||
        fail "$what: stdout or exit status differs from kmod's:
$(diff "$TMP/k.out" "$TMP/m.out" | head -10)"
    cmp -s "$TMP/k.err" "$TMP/m.err" ||
        fail "$what: stderr differs from kmod's:
$(diff "$TMP/k.err" "$TMP/m.err" | head -10)"
}

names=$TMP/names
sed 's|:.*||; s|.*/||; s|\.ko.*||' "$MODDIR/modules.dep" >"$names"
sed 's|.*/||; s|\.ko$||' "$MODDIR/modules.builtin" >>"$names"
# A sample of the aliases without wildcards (every 7th), and names that match nothing.
awk '$1 == "alias" && $2 !~ /[][*?]/ { print $2 }' "$MODDIR/modules.alias" | sort -u |
    awk 'NR % 7 == 1' >>"$names"
printf '%s\n' no_such_module crypto-nothing-here >>"$names"
count=$(wc -l <"$names")

# shellcheck disable=SC2046
same "-a -D over $count names" -S "$KVER" -a -D $(cat "$names")
grep -c '^insmod ' "$TMP/m.out" | awk '$1 < 4000 { exit 1 }' || fail "-D: too few insmod lines"
# shellcheck disable=SC2046
same "-a -R over $count names" -S "$KVER" -a -R $(cat "$names")
[ "$(wc -l <"$TMP/m.out")" -gt 4000 ] || fail "-R: too few names"
# -R, -D one name at a time (not -a: a name not found is FATAL), for a sample.
for n in $(awk 'NR % 97 == 1' "$names") nvme ext4 crypto-crc32c no_such_module; do
    same "-D $n" -S "$KVER" -D "$n"
    same "-R $n" -S "$KVER" -R "$n"
    same "-R -q $n" -S "$KVER" -R -q "$n"
done
same "-D NAME PARAMS" -S "$KVER" -D loop max_loop=4 'name=a b'

# Every module file, one process each (modprobe takes one file).
sed 's|:.*||' "$MODDIR/modules.dep" >"$TMP/files"
for opt in --show-exports --dump-modversions; do
    : >"$TMP/k.all"
    : >"$TMP/m.all"
    while read -r f; do
        for side in k m; do
            echo "== $f" >>"$TMP/$side.all"
            (cd "$TMP/$side" && ./modprobe "$opt" "$MODDIR/$f" >>"$TMP/$side.all" 2>&1
             echo "exit $?" >>"$TMP/$side.all")
        done
    done <"$TMP/files"
    cmp -s "$TMP/k.all" "$TMP/m.all" ||
        fail "$opt over every module file differs from kmod's:
$(diff "$TMP/k.all" "$TMP/m.all" | head -10)"
    grep -q '^0x' "$TMP/m.all" || fail "$opt: no symbol line at all"
done

same "-c" -S "$KVER" -c
same "-c -C" -S "$KVER" -c -C /dev/null
same "--show-config" -S "$KVER" --show-config

# Loading and unloading: this host loads nothing (finit_module: ENOSYS), and its
# /sys/module holds its own kernel's built-in modules (loop among them): what
# is tried, printed and returned must still be kmod's.
for args in "-q loop" "loop" "-v loop" "-n loop" "-n -v nvme" "-n -v vfat" "-a -v loop nvme" \
    "-q nvme" "-v nvme" "--first-time -v loop" "-n -v unix" "--first-time unix" "-R -v vfat" \
    "-r -n -v vfat" "-r nvme" "-r --first-time nvme" "-r unix" "-r -a -n -v loop vfat" \
    "-r loop" "-r -v --remove-holders loop" "-r -w 10 loop" "-f -v loop" "-v --force-vermagic loop"; do
    # shellcheck disable=SC2086
    same "$args" -S "$KVER" $args
done
conf=$TMP/mp.conf
cat >"$conf" <<'EOF'
install nvme echo installing nvme: $CMDLINE_OPTS
install nvme_core echo core
options loop max_loop=8
options myalias hw=1
blacklist ext4
softdep vfat pre: loop post: nvme
remove vfat echo removing vfat
alias myalias loop
install crc_t10dif false
install crc64 echo to stderr >&2; echo to stdout
EOF
for args in "-D nvme" "-D nvme a=1" "-n -v nvme a=1 'b=c d'" "nvme x=1" "-D -i nvme" "-D loop a=1" \
    "-D vfat" "-n -v vfat" "-D ext4" "-D -b ext4" "-D myalias" "-R myalias" "-n -v myalias" \
    "-r -n -v vfat" "-r vfat" "-r -i -n -v vfat" "-v crc_t10dif" "-D crc_t10dif" "-c" \
    "-D -i vfat" "-n -v -i vfat" "-D -i nvme_core" "-v crc64"; do
    eval "same \"-C $args\" -S \"\$KVER\" -C \"\$conf\" $args"
done

# Errors.
same "no argument" -S "$KVER"
same "unknown option" --no-such-option nvme
same "unknown short option" -Z nvme
same "missing argument" -S
same "bad -w" -w 12x -r nvme
same "-q unknown module" -S "$KVER" -q no_such_module
same "-s unknown module (to syslog)" -S "$KVER" -s no_such_module
same "-q -v" -S "$KVER" -q -v loop
same "unknown module" -S "$KVER" no_such_module
same "-a unknown modules" -S "$KVER" -a no_such_module other_missing
same "-r unknown module" -S "$KVER" -r no_such_module
same "missing directory" -S 0.0-no-such-kernel -D nvme
same "missing file" --show-exports /no/such/file.ko
same "not a path" --dump-modversions nvme
same "help" -h
same "help first" -h --no-such-option
MODPROBE_OPTIONS="-S $KVER -q" same "MODPROBE_OPTIONS" no_such_module
MODPROBE_OPTIONS="-S '$KVER' -D" same "MODPROBE_OPTIONS quoted" nvme
finish
