#!/bin/bash
# mymod depmod against kmod's depmod: same tree, same files byte for byte
# (the installed Debian tree, the fixtures, compressed modules); libkmod
# answers the same from both; --check, -n, -A; bad input leaves nothing
# half-written; a depmod killed part-way leaves every index whole.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$DEPMOD" ] || skip "no depmod (kmod)"
[ -d "$MODDIR/kernel" ] || skip "no module tree at $MODDIR"

FILES="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.symbols modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin modules.devname"

# same WHAT ROOT_A ROOT_B: every index of the two roots is the same, byte for byte.
same() {
    local f
    for f in $FILES; do
        if ! cmp -s "$2/lib/modules/$KVER/$f" "$3/lib/modules/$KVER/$f"; then
            fail "$1: $f differs from kmod's ($(cmp "$2/lib/modules/$KVER/$f" "$3/lib/modules/$KVER/$f" 2>&1 | head -1))"
        fi
    done
}

# tree ROOT: an empty module directory with the kernel's builtin lists.
tree() {
    mkdir -p "$1/lib/modules/$KVER"
    cp "$MODDIR/modules.builtin" "$MODDIR/modules.builtin.modinfo" "$MODDIR/modules.order" \
        "$1/lib/modules/$KVER/"
}

# both WHAT ROOT: run kmod's depmod on ROOT/kmod and mymod's on ROOT/mymod (copies of ROOT/tree).
both() {
    local what=$1 root=$2
    shift 2
    cp -a "$root/tree" "$root/kmod"
    cp -a "$root/tree" "$root/mymod"
    "$DEPMOD" -b "$root/kmod" "$@" "$KVER" 2>"$root/kmod.err" || fail "$what: kmod's depmod failed"
    run depmod -b "$root/mymod" "$@" "$KVER"
    assert_eq "$what: exit" 0 "$rc"
    same "$what" "$root/kmod" "$root/mymod"
}

# 1. The installed Debian tree (hard links: nothing is written into the modules).
root=$TMP/debian
tree "$root/tree"
cp -al "$MODDIR/kernel" "$root/tree/lib/modules/$KVER/kernel" 2>/dev/null ||
    cp -a "$MODDIR/kernel" "$root/tree/lib/modules/$KVER/kernel"
both "the Debian tree" "$root"

# libkmod answers the same from mymod's indexes as from kmod's, for every name.
names=$(sed -n 's|^[^:]*/\([^/:]*\)\.ko[^:]*:.*|\1|p' "$root/kmod/lib/modules/$KVER/modules.dep")
a=$(for n in $names; do "$MODPROBE" -d "$root/kmod" -S "$KVER" --show-depends "$n" 2>&1; done | sed "s|$root/kmod||g")
b=$(for n in $names; do "$MODPROBE" -d "$root/mymod" -S "$KVER" --show-depends "$n" 2>&1; done | sed "s|$root/mymod||g")
assert_eq "modprobe --show-depends from mymod's indexes, every module" "$a" "$b"
a=$(awk '$1 == "alias" { print $2 }' "$root/kmod/lib/modules/$KVER/modules.alias" | head -400 |
    while read -r n; do "$MODPROBE" -d "$root/kmod" -S "$KVER" -R "$n" 2>&1; done)
b=$(awk '$1 == "alias" { print $2 }' "$root/kmod/lib/modules/$KVER/modules.alias" | head -400 |
    while read -r n; do "$MODPROBE" -d "$root/mymod" -S "$KVER" -R "$n" 2>&1; done)
assert_eq "modprobe -R from mymod's modules.alias.bin" "$a" "$b"

# --check: up to date right after, stale after a change, naming the file.
run depmod --check -b "$root/mymod" "$KVER"
assert_eq "--check on fresh indexes: exit" 0 "$rc"
assert_contains "--check on fresh indexes" "up to date" "$out"
sed -i '1d' "$root/mymod/lib/modules/$KVER/modules.dep"
run depmod --check -b "$root/mymod" "$KVER"
assert_eq "--check on a stale modules.dep: exit" 1 "$rc"
assert_contains "--check names the file" "modules.dep: differs at line 1" "$out"

# -n prints what kmod's -n prints.
a=$("$DEPMOD" -n -b "$root/tree" "$KVER" 2>/dev/null | md5sum)
b=$("$MYMOD" depmod -n -b "$root/tree" "$KVER" 2>/dev/null | md5sum)
assert_eq "-n: the same bytes as kmod's -n" "$a" "$b"
[ ! -e "$root/tree/lib/modules/$KVER/modules.dep" ] || fail "-n wrote modules.dep"
rm -rf "$root"

# 2. The fixtures, in extra/ and updates/ (not in modules.order), one in both.
root=$TMP/fixtures
tree "$root/tree"
mkdir -p "$root/tree/lib/modules/$KVER/extra" "$root/tree/lib/modules/$KVER/updates"
for m in hello hello_user hello_fail hello_chain_fail hello_permanent; do
    cp "$FIXTURES/$m.ko" "$root/tree/lib/modules/$KVER/extra/"
done
cp "$FIXTURES/hello.ko" "$root/tree/lib/modules/$KVER/updates/"
# A weak dependency (MODULE_WEAKDEP, kernel 6.11): hello_user's softdep made one.
python3 - "$FIXTURES/hello_user.ko" "$root/tree/lib/modules/$KVER/extra/hello_weak.ko" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
old = b"softdep=pre: loop\0"
i = d.find(old)
d[i:i + len(old)] = b"weakdep=loop\0".ljust(len(old), b"\0")
open(sys.argv[2], "wb").write(d)
PY
both "the fixtures" "$root"
assert_eq "modules.weakdep, as kmod 33 writes it" \
    "# Weak dependencies extracted from modules themselves.
weakdep hello_weak loop" "$(cat "$root/mymod/lib/modules/$KVER/modules.weakdep")"
run depmod -v -n -b "$root/tree" "$KVER"
assert_contains "-v: the updates/ copy wins" \
    "hello: $root/tree/lib/modules/$KVER/updates/hello.ko (first in the search order)" "$out"
assert_contains "-v: the loser" "not $root/tree/lib/modules/$KVER/extra/hello.ko" "$out"
run depmod --json -n -b "$root/tree" "$KVER"
got=$(printf '%s' "$out" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    if m["name"] == "hello":
        print(m["path"].split("/lib/modules/")[1], m["reason"], [l.split("/lib/modules/")[1] for l in m["losers"]])')
assert_eq "--json: the winner, why, the loser" \
    "$KVER/updates/hello.ko first in the search order ['$KVER/extra/hello.ko']" "$got"
run depmod --check -b "$root/tree" "$KVER"
assert_eq "--check where there are no indexes: exit" 1 "$rc"
assert_contains "--check names a missing file" "modules.dep.bin:" "$out"
rm -rf "$root"

# kmod's test-depmod cases (its testsuite's depmod.d trees), with hello as
# the module of many places; kmod's depmod is the judge.
# case NAME CONF DIR...: hello.ko in each DIR (relative to the root), CONF as
# etc/depmod.d/test.conf.
case_tree() {
    local name=$1 conf=$2 d
    shift 2
    root=$TMP/case-$name
    tree "$root/tree"
    mkdir -p "$root/tree/etc/depmod.d"
    printf '%s\n' "$conf" >"$root/tree/etc/depmod.d/test.conf"
    for d in "$@"; do
        mkdir -p "$root/tree/$d"
        cp "$FIXTURES/hello.ko" "$root/tree/$d/"
    done
    # kmod 30 reads the host's depmod.d even with -b: name the tree's to both.
    both "kmod's $name" "$root" -C "$root/tree/etc/depmod.d"
    rm -rf "$root"
}
m=lib/modules/$KVER
case_tree search-order-simple "search updates built-in" "$m/kernel/crypto" "$m/updates"
case_tree search-order-same-prefix "search foobar foo built-in" "$m/foo" "$m/foobar"
case_tree search-order-external-first "$(printf 'external %s /lib/modules/external\nsearch external foobar foo built-in' "$KVER")" \
    "$m/foo" "$m/foobar" lib/modules/external
case_tree search-order-external-last "$(printf 'external %s /lib/modules/external\nsearch foobar foo built-in external' "$KVER")" \
    "$m/foo" "$m/foobar" lib/modules/external
case_tree search-order-override "$(printf 'search foo built-in\noverride hello %s override' "$KVER")" \
    "$m/foo" "$m/override"
case_tree exclude "exclude foo" "$m/foo" "$m/bar"

# A cycle of symbol dependencies: reported with every member, as kmod does
# (exit 1, nothing written), never looped on.
root=$TMP/cycle
tree "$root"
mkdir -p "$root/lib/modules/$KVER/extra"
cp "$FIXTURES/hello_loop_a.ko" "$FIXTURES/hello_loop_b.ko" "$FIXTURES/hello.ko" "$root/lib/modules/$KVER/extra/"
run depmod -b "$root" "$KVER"
assert_eq "a cycle: exit" 1 "$rc"
assert_contains "a cycle: its members" "hello_loop_b -> hello_loop_a -> hello_loop_b" "$err"
assert_contains "a cycle: the count" "Found 2 modules in dependency cycles" "$err"
[ ! -e "$root/lib/modules/$KVER/modules.dep" ] || fail "a cycle: modules.dep was written"
rm -rf "$root"

# -e with the kernel's Module.symvers: the same warnings as kmod's, in kmod's words.
symvers=$MODDIR/build/Module.symvers
if [ -f "$symvers" ]; then
    root=$TMP/errsyms
    tree "$root"
    mkdir -p "$root/lib/modules/$KVER/extra"
    cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$root/lib/modules/$KVER/extra/"
    # A symbol nobody provides: hello_user without hello.
    mkdir -p "$root/lone/lib/modules/$KVER/extra"
    cp "$FIXTURES/hello_user.ko" "$root/lone/lib/modules/$KVER/extra/"
    for r in "$root" "$root/lone"; do
        a=$("$DEPMOD" -n -e -E "$symvers" -b "$r" "$KVER" 2>&1 >/dev/null | sed 's/^depmod: WARNING: //' | sort)
        b=$("$MYMOD" depmod -n -e -E "$symvers" -b "$r" "$KVER" 2>&1 >/dev/null |
            sed 's/^mymod: depmod: warning: //' | sort)
        assert_eq "-e -E: kmod's warnings (${r##*/})" "$a" "$b"
    done
    assert_contains "-e -E: an unknown symbol is named" "needs unknown symbol hello_greet" "$b"
    rm -rf "$root"
else
    fail "no $symvers (linux-headers) for -e -E"
fi

# Other architectures: Debian's i386, armhf and s390x modules
# (scripts/fetch-foreign-kernels), each a tree of its own.
foreign=${MYMOD_FOREIGN_DIR:-/var/cache/mymod-foreign}
for arch in i386 armhf s390x; do
    if [ ! -d "$foreign/$arch" ]; then
        fail "no $foreign/$arch (scripts/fetch-foreign-kernels)"
        continue
    fi
    root=$TMP/foreign-$arch
    tree "$root/tree"
    mkdir -p "$root/tree/lib/modules/$KVER/kernel"
    cp "$foreign/$arch"/*.ko "$root/tree/lib/modules/$KVER/kernel/"
    both "$arch modules" "$root"
    rm -rf "$root"
done

# -o: the indexes go under OUTDIR/lib/modules/KVER; the module directory is left alone.
root=$TMP/outdir
tree "$root/in"
mkdir -p "$root/in/lib/modules/$KVER/extra"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$root/in/lib/modules/$KVER/extra/"
mkdir -p "$root/out/lib/modules/$KVER"
run depmod -b "$root/in" -o "$root/out" "$KVER"
assert_eq "-o: exit" 0 "$rc"
assert_eq "-o: modules.dep there" "extra/hello_user.ko: extra/hello.ko" \
    "$(grep hello_user "$root/out/lib/modules/$KVER/modules.dep")"
[ ! -e "$root/in/lib/modules/$KVER/modules.dep" ] || fail "-o: wrote into the module directory"
rm -rf "$root"

# A module whose e_shstrndx points past its section table (kmod 30 aborts on
# it): a warning, and the others indexed.
root=$TMP/shstrndx
tree "$root"
mkdir -p "$root/lib/modules/$KVER/extra"
cp "$FIXTURES/hello.ko" "$root/lib/modules/$KVER/extra/"
python3 - "$FIXTURES/hello_user.ko" "$root/lib/modules/$KVER/extra/bad_shstrndx.ko" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<H", d, 0x3E, 0x7FFF)  # e_shstrndx of an ELF64 header
open(sys.argv[2], "wb").write(d)
PY
run depmod -b "$root" "$KVER"
assert_eq "a bad e_shstrndx: exit" 0 "$rc"
assert_contains "a bad e_shstrndx: named" "bad_shstrndx.ko" "$err"
assert_contains "a bad e_shstrndx: listed, no dependencies" "extra/bad_shstrndx.ko:" \
    "$(cat "$root/lib/modules/$KVER/modules.dep")"
rm -rf "$root"

# 3. Compressed modules (Debian's kmod reads .ko.xz and .ko.zst).
root=$TMP/compressed
tree "$root/tree"
mkdir -p "$root/tree/lib/modules/$KVER/extra"
for m in hello hello_user; do
    xz -c "$FIXTURES/$m.ko" >"$root/tree/lib/modules/$KVER/extra/$m.ko.xz"
done
zstd -q -c "$FIXTURES/hello_fail.ko" >"$root/tree/lib/modules/$KVER/extra/hello_fail.ko.zst"
both "compressed modules" "$root"
rm -rf "$root"

# 4. -A: nothing to do on an unchanged tree; a newer module means work.
root=$TMP/quick
tree "$root"
mkdir -p "$root/lib/modules/$KVER/extra"
cp "$FIXTURES/hello.ko" "$root/lib/modules/$KVER/extra/"
run depmod -b "$root" "$KVER"
touch -d '1 hour ago' "$root/lib/modules/$KVER/extra/hello.ko"
before=$(stat -c %Y.%i "$root/lib/modules/$KVER/modules.dep")
run depmod -A -b "$root" "$KVER"
assert_eq "-A on an unchanged tree: exit" 0 "$rc"
assert_eq "-A on an unchanged tree: nothing written" "$before" \
    "$(stat -c %Y.%i "$root/lib/modules/$KVER/modules.dep")"
cp "$FIXTURES/hello_user.ko" "$root/lib/modules/$KVER/extra/"
touch -d '1 hour' "$root/lib/modules/$KVER/extra/hello_user.ko"
run depmod -A -b "$root" "$KVER"
assert_contains "-A with a newer module: indexed" "hello_user.ko" \
    "$(cat "$root/lib/modules/$KVER/modules.dep")"

# 5. Bad input.
# A damaged module: one warning naming it; the others indexed; listed with no dependencies.
head -c 3000 "$FIXTURES/hello_user.ko" >"$root/lib/modules/$KVER/extra/broken.ko"
printf 'not an ELF file\n' >"$root/lib/modules/$KVER/extra/text.ko"
run depmod -b "$root" "$KVER"
assert_eq "damaged modules: exit" 0 "$rc"
assert_contains "damaged modules: named" "broken.ko" "$err"
assert_contains "damaged modules: listed, no dependencies" "extra/broken.ko:" \
    "$(cat "$root/lib/modules/$KVER/modules.dep")"
assert_contains "damaged modules: the others indexed" "extra/hello_user.ko: extra/hello.ko" \
    "$(cat "$root/lib/modules/$KVER/modules.dep")"
rm "$root/lib/modules/$KVER/extra/broken.ko" "$root/lib/modules/$KVER/extra/text.ko"

run depmod -b "$TMP/nowhere" "$KVER"
assert_eq "no module directory: exit" 1 "$rc"
assert_contains "no module directory: message" "no module directory $TMP/nowhere/lib/modules/$KVER" "$err"

run depmod -C "$TMP/no-such.conf" -b "$root" "$KVER"
assert_eq "an unknown -C file: exit" 1 "$rc"

# An output directory that cannot be written (a file where it should be; root
# writes through permission bits): exit 1, nothing written.
mkdir -p "$TMP/ro/lib/modules"
: >"$TMP/ro/lib/modules/$KVER"
run depmod -b "$root" -o "$TMP/ro" "$KVER"
assert_eq "an unwritable output directory: exit" 1 "$rc"
assert_eq "an unwritable output directory: nothing written" "$KVER" "$(ls "$TMP/ro/lib/modules")"

# 6. Killed part-way: every index is the whole old file or the whole new one.
good=$TMP/good
cp -a "$root/lib/modules/$KVER" "$good"
cp "$FIXTURES/hello_fail.ko" "$root/lib/modules/$KVER/extra/"
"$MYMOD" depmod -n -b "$root" "$KVER" >/dev/null
new=$TMP/new
cp -a "$root" "$TMP/newroot"
"$MYMOD" depmod -b "$TMP/newroot" "$KVER"
cp -a "$TMP/newroot/lib/modules/$KVER" "$new"
for delay in 0.001 0.005 0.01 0.02 0.05; do
    cp "$good"/modules.* "$root/lib/modules/$KVER/"
    "$MYMOD" depmod -b "$root" "$KVER" &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    for f in $FILES; do
        cmp -s "$root/lib/modules/$KVER/$f" "$good/$f" || cmp -s "$root/lib/modules/$KVER/$f" "$new/$f" ||
            fail "killed after ${delay}s: $f is neither the old file nor the new one"
    done
done

finish
