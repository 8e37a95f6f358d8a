#!/bin/sh
# depmod's scan against kmod's depmod (/sbin/depmod, kmod 30): in small
# trees like the test-depmod cases of kmod's testsuite (search order,
# override, external, exclude, modules.order, compressed modules), the
# module files dm_scan() takes and their order must be the relative paths
# of the modules.dep kmod writes, line for line; the winner of a name and
# why are checked too. Only names and places matter: every module is a
# copy of the hello fixture.
# usage: depmod-scan.sh DM-SCAN-LIST
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

list=$1
kmod_depmod=/sbin/depmod
[ -x "$kmod_depmod" ] || skip "$kmod_depmod is missing (apt-get install kmod)"
rel=4.4.4

# tree NAME: a new root for one case, with its module directory and depmod.d.
tree() {
    root=$TMP/$1
    dir=$root/lib/modules/$rel
    mkdir -p "$dir" "$root/etc/depmod.d"
}

# put REL...: the hello fixture as each REL of the module directory (or an
# absolute path), compressed as its extension says.
put() {
    for p; do
        case $p in
        /*) f=$p ;;
        *) f=$dir/$p ;;
        esac
        mkdir -p "$(dirname "$f")"
        case $f in
        *.xz) xz -c "$FIXTURES/hello.ko" >"$f" ;;
        *.zst) zstd -q -c "$FIXTURES/hello.ko" >"$f" ;;
        *.gz) gzip -c "$FIXTURES/hello.ko" >"$f" ;;
        *) cp "$FIXTURES/hello.ko" "$f" ;;
        esac
    done
}

# conf TEXT: the depmod.d file of the case.
conf() {
    printf '%s\n' "$1" >"$root/etc/depmod.d/test.conf"
}

# compare [FILE...]: dm_scan()'s list is modules.dep's, in order, for the case $case.
compare() {
    "$kmod_depmod" -b "$root" -C "$root/etc/depmod.d" "$rel" "$@" 2>"$TMP/kmod.err" ||
        fail "$case: kmod's depmod failed: $(cat "$TMP/kmod.err")"
    cut -d: -f1 "$dir/modules.dep" >"$TMP/want"
    "$list" -b "$root" -C "$root/etc/depmod.d" "$rel" "$@" >"$TMP/got" 2>"$TMP/got.err" ||
        fail "$case: dm-scan-list failed: $(cat "$TMP/got.err")"
    if ! cmp -s "$TMP/want" "$TMP/got"; then
        fail "$case: dm_scan differs from kmod's modules.dep: $(diff "$TMP/want" "$TMP/got" | head -20)"
    fi
}

# winner CASE NAME EXPECTED: NAME's line of dm-scan-list -v (relpath, name, reason, losers sorted).
winner() {
    got=$("$list" -v -b "$root" -C "$root/etc/depmod.d" "$rel" | grep "	$2 ")
    assert_eq "$1: $2" "$3" "$got"
}

# Without a search line: updates/ first, the rest equal (the first found stays).
case="default-search"
tree $case
put kernel/a/mod-simple.ko updates/mod-simple.ko extra/mod-simple.ko kernel/b/mod-other.ko \
    updates/sub/mod-other.ko.xz
compare
winner $case mod_simple "updates/mod-simple.ko	mod_simple search $dir/extra/mod-simple.ko $dir/kernel/a/mod-simple.ko"

# search-order-simple and -same-prefix: the first written wins; "foo" is not "foobar".
case="search-order"
tree $case
conf "search foo foobar built-in"
put kernel/mod-simple.ko foobar/mod-simple.ko foo/mod-simple.ko kernel/mod-b.ko foobar/mod-b.ko \
    foo2/mod-c.ko foo/x/mod-c.ko
compare
winner $case mod_simple "foo/mod-simple.ko	mod_simple search $dir/foobar/mod-simple.ko $dir/kernel/mod-simple.ko"

# built-in first: what no search names beats the named directories.
case="builtin-first"
tree $case
conf "search built-in updates"
put updates/mod-a.ko kernel/mod-a.ko extra/mod-a.ko
compare

# search-order-override: an override beats the search order, a KVER regex decides
# whether a line counts, and the last override line naming a file wins.
case=override
tree $case
conf "search foo built-in
override mod-simple 4.4.4 override
override mod-b 5\\..* override
override mod-c * kernel
override mod-c ^4\\.4 other"
put foo/mod-simple.ko override/mod-simple.ko kernel/mod-simple.ko \
    foo/mod-b.ko override/mod-b.ko kernel/mod-c.ko other/mod-c.ko foo/mod-c.ko
compare
winner $case mod_simple "override/mod-simple.ko	mod_simple override $dir/foo/mod-simple.ko $dir/kernel/mod-simple.ko"
winner $case mod_c "other/mod-c.ko	mod_c override $dir/foo/mod-c.ko $dir/kernel/mod-c.ko"

# search-order-external-first and -last: external directories, outside the
# module directory, listed by absolute path.
for order in "external foobar foo built-in" "foobar foo built-in external"; do
    case=external-$(echo "$order" | cut -c1-3)
    tree "$case"
    conf "search $order
external 4\\.4\\..* $root/ext1
external 9.9 $root/ext-nomatch
external * $root/ext2
external * $root/missing"
    put foo/mod-simple.ko kernel/mod-simple.ko "$root/ext1/mod-simple.ko" \
        "$root/ext2/mod-simple.ko" "$root/ext2/sub/mod-e.ko" "$root/ext-nomatch/mod-n.ko" \
        "$root/ext1/mod-two.ko" "$root/ext2/mod-two.ko"
    compare
done
winner "$case" mod_simple "foo/mod-simple.ko	mod_simple search $root/ext1/mod-simple.ko $root/ext2/mod-simple.ko $dir/kernel/mod-simple.ko"

# exclude: a name excluded at any depth; build and source never read.
case=exclude
tree $case
conf "exclude skipme other
search built-in"
put kernel/mod-a.ko skipme/mod-b.ko kernel/skipme/mod-c.ko build/mod-d.ko source/mod-e.ko \
    kernel/build/mod-f.ko other/mod-g.ko kernel/mod-h.ko.zst
compare

# Links are followed (a linked directory, a linked file); a dangling one is passed over.
# (Which of two files in "kernel" wins is the walk's order, so only kmod's list is compared.)
case=links
tree $case
put real/mod-a.ko real/mod-b.ko kernel/mod-a.ko other/mod-c.ko
ln -s ../real "$dir/kernel/linked"
ln -s ../other/mod-c.ko "$dir/kernel/mod-d.ko"
ln -s nowhere.ko "$dir/kernel/mod-e.ko"
conf "search kernel built-in"
compare

# modules.order: its order first (compressed files by their .ko line, the last
# line naming a module counting), then the modules it does not list, in kmod's
# order; files that are not modules (x.ko.bz2, .ko) are left out.
case=order
tree $case
i=0
while [ $i -lt 40 ]; do
    put "kernel/drivers/m$i/mod-$i.ko"
    i=$((i + 1))
done
put updates/zz.ko extra/a-b.ko.xz extra/c_d.ko.zst kernel/drivers/x.ko.bz2 kernel/.ko \
    kernel/aa.bb.ko
printf '%s\n' kernel/drivers/m3/mod-3.ko kernel/drivers/m1/mod-1.ko kernel/none.ko \
    extra/a-b.ko kernel/drivers/m2/mod-2.ko kernel/drivers/m3/mod-3.ko "" kernel/aa.bb.ko \
    >"$dir/modules.order"
compare

# A modules.order whose last line has no newline: kmod ignores all of it.
case="order-cut"
tree $case
put kernel/mod-a.ko kernel/mod-b.ko kernel/mod-c.ko.xz updates/mod-d.ko
printf 'kernel/mod-c.ko\nkernel/mod-b.ko' >"$dir/modules.order"
compare
printf 'kernel/mod-c.ko\nkernel/mod-b.ko\n' >"$dir/modules.order"
compare

# FILE...: only those files, outside the module directory too.
case=files
tree $case
put kernel/mod-a.ko kernel/mod-b.ko "$root/elsewhere/mod-c.ko"
printf 'kernel/mod-b.ko\nkernel/mod-a.ko\n' >"$dir/modules.order"
compare "$dir/kernel/mod-a.ko" "$root/elsewhere/mod-c.ko" "$dir/kernel/mod-b.ko"

# A file given twice is an error, as in kmod.
if "$list" -b "$root" "$rel" "$dir/kernel/mod-a.ko" "$dir/kernel/mod-a.ko" >/dev/null 2>"$TMP/err"; then
    fail "files: a file given twice: no error"
fi
assert_contains "files: a file given twice" "given already" "$(cat "$TMP/err")"
# A missing module directory is an error that names it.
if "$list" -b "$TMP/nowhere" "$rel" >/dev/null 2>"$TMP/err"; then
    fail "missing module directory: no error"
fi
assert_contains "missing module directory" "$TMP/nowhere/lib/modules/$rel" "$(cat "$TMP/err")"

finish
