#!/bin/sh
# mymod called as modprobe where kmod 34 differs from Debian's kmod 30 (which
# modprobe-kmod.sh compares with): a module given by path, -V, and the
# configuration's missing module directory.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ -f "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"
ln -s "$MYMOD" "$TMP/modprobe"
# mp ARGS...: mymod as modprobe, from $TMP; $out, $err, $rc.
mp() {
    out=$(cd "$TMP" && ./modprobe "$@" 2>"$TMP/stderr")
    rc=$?
    err=$(cat "$TMP/stderr")
}
fat=$MODDIR/kernel/fs/fat/fat.ko
vfat=$MODDIR/kernel/fs/fat/vfat.ko
[ -f "$vfat" ] || skip "no $vfat"

# A path is that file, after what the tree says its name needs.
cp "$vfat" "$TMP/vfat.ko"
mp -S "$KVER" -D "$TMP/vfat.ko" a=1 'b=c d'
assert_eq "-D PATH status" 0 "$rc"
assert_eq "-D PATH" "insmod $fat 
insmod $TMP/vfat.ko a=1 b=\"c d\"" "$out"
mp -S "$KVER" -D ./vfat.ko
assert_eq "-D ./FILE" "insmod $fat 
insmod ./vfat.ko " "$out"
mp -S "$KVER" -R ./vfat.ko
assert_eq "-R ./FILE" "vfat" "$out"
# A name the tree does not know: the file alone, with modprobe.d's options for it.
cp "$fat" "$TMP/zz_unknown.ko"
printf 'options zz_unknown opt=1\n' >"$TMP/zz.conf"
mp -S "$KVER" -C "$TMP/zz.conf" -D ./zz_unknown.ko x=2
assert_eq "-D unknown ./FILE" "insmod ./zz_unknown.ko opt=1 x=2" "$out"
mp -S "$KVER" -D ./not-there.ko
assert_eq "missing path status" 1 "$rc"
assert_eq "missing path" "modprobe: FATAL: Failed to get module from path ./not-there.ko: No such file or directory" "$err"
mp -S "$KVER" -q -D ./not-there.ko
assert_eq "missing path -q" "" "$err"
# Not a path (no '/' or './' first): a name, as in kmod 30.
mp -S "$KVER" -D vfat.ko
assert_eq "vfat.ko is a name" 1 "$rc"
assert_contains "vfat.ko is a name" "Module vfat.ko not found in directory $MODDIR" "$err"

mp -V
assert_eq "-V" "kmod version 34
+ZSTD +XZ +ZLIB +OPENSSL" "$out"
mp -h
assert_contains "--help -w" "	-w, --wait=<MSEC>           When removing" "$out"

# -c needs no module directory (kmod reads modprobe.d without one).
mp -S 0.0-no-such-kernel -C "$TMP/zz.conf" -c
assert_eq "-c without a module directory: status" 0 "$rc"
assert_contains "-c without a module directory" "options zz_unknown opt=1" "$out"
# MODPROBE_OPTIONS: kmod's splitting, quotes included (in a word they go; a
# quoted word ends at its quote, and a space after it would make an empty word).
out=$(cd "$TMP" && MODPROBE_OPTIONS="-C'$TMP/zz.conf' -S \"$KVER\"" ./modprobe -D ./zz_unknown.ko)
assert_eq "MODPROBE_OPTIONS with quotes" "insmod ./zz_unknown.ko opt=1 " "$out"
finish
