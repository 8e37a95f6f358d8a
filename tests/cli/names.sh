#!/bin/bash
# mymod called as modinfo, depmod, insmod, rmmod, lsmod and kmod against
# Debian's kmod 30 called the same way: same stdout, stderr and exit
# status, except where kmod 34 (which the names follow) differs from 30,
# which each check says.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

KMOD=$(command -v kmod || echo /usr/bin/kmod)
[ -x "$KMOD" ] || skip "kmod is not installed"
[ -d "$MODDIR/kernel" ] || skip "no module tree at $MODDIR"

# Both under the same argv[0] (getopt's messages name it): $TMP/k/NAME is kmod, $TMP/m/NAME mymod.
mkdir -p "$TMP/k" "$TMP/m"
for n in modinfo depmod insmod rmmod lsmod kmod; do
    ln -s "$KMOD" "$TMP/k/$n"
    ln -s "$MYMOD" "$TMP/m/$n"
done

# side WHICH NAME ARGS...: run NAME from $TMP/WHICH into $TMP/WHICH.{out,err,rc}.
side() {
    local which=$1
    shift
    env PATH="$TMP/$which:$PATH" "$@" >"$TMP/$which.out" 2>"$TMP/$which.err"
    echo $? >"$TMP/$which.rc"
}

# same WHAT NAME ARGS...: kmod's and mymod's stdout, stderr and status are the same.
same() {
    local what=$1
    shift
    side k "$@"
    side m "$@"
    cmp -s "$TMP/k.out" "$TMP/m.out" ||
        fail "$what: stdout differs from kmod's: $(diff "$TMP/k.out" "$TMP/m.out" | head -10)"
    cmp -s "$TMP/k.err" "$TMP/m.err" ||
        fail "$what: stderr differs from kmod's: $(diff "$TMP/k.err" "$TMP/m.err" | head -10)"
    assert_eq "$what: exit status as kmod's" "$(cat "$TMP/k.rc")" "$(cat "$TMP/m.rc")"
}

# ---- modinfo ----
names=$(sed -n 's|^[^:]*/\([^/:]*\)\.ko[^:]*:.*|\1|p' "$MODDIR/modules.dep" | sort)
[ "$(echo "$names" | wc -l)" -gt 100 ] || skip "too few modules in $MODDIR"
# shellcheck disable=SC2086
same "modinfo, every module by name" modinfo -k "$KVER" $names
for opt in -a -d -l -p -n "-F alias" "-F depends" "-F signer" "-F vermagic" -0 "-0 -F alias"; do
    # shellcheck disable=SC2086
    same "modinfo $opt, every module" modinfo -k "$KVER" $opt $names
done
same "modinfo, aliases and builtins" modinfo -k "$KVER" fs-ext3 char-major-10-237 unix ext4 loop
same "modinfo -F name, builtin" modinfo -k "$KVER" -F name unix loop
same "modinfo --author --null" modinfo --set-version="$KVER" --author --null loop xfs
mapfile -t fixtures < <(ls "$FIXTURES"/*.ko)
same "modinfo, the fixtures by path" modinfo "${fixtures[@]}"
same "modinfo -p, the fixtures" modinfo -p "${fixtures[@]}"
same "modinfo, an unknown name among known ones" modinfo -k "$KVER" loop no_such_xyz ext4
same "modinfo, a path that is no module file" modinfo -k "$KVER" /no/such.ko
same "modinfo, no argument" modinfo
same "modinfo, an unknown option" modinfo --bogus loop
same "modinfo -k, no such release" modinfo -k 9.9.9 loop
same "modinfo -m" modinfo -k "$KVER" -m loop unix ext4
same "modinfo -m, an alias and a file are no names" modinfo -k "$KVER" -m fs-ext3 "${fixtures[0]}" loop

# A key longer than 15: kmod 30 pads it by the excess (a negative width), kmod 34 not at all.
if command -v objcopy >/dev/null; then
    objcopy -O binary --only-section=.modinfo "$FIXTURES/hello.ko" "$TMP/modinfo.bin"
    printf 'a_very_long_key_name=1\0' >>"$TMP/modinfo.bin"
    objcopy --update-section .modinfo="$TMP/modinfo.bin" "$FIXTURES/hello.ko" "$TMP/long.ko"
    side k modinfo "$TMP/long.ko"
    side m modinfo "$TMP/long.ko"
    assert_contains "modinfo, a long key (kmod 30's)" "a_very_long_key_name:     1" "$(cat "$TMP/k.out")"
    sed 's/^a_very_long_key_name:     1$/a_very_long_key_name:1/' "$TMP/k.out" >"$TMP/k34.out"
    cmp -s "$TMP/k34.out" "$TMP/m.out" ||
        fail "modinfo, a long key: not kmod 34's: $(diff "$TMP/k34.out" "$TMP/m.out")"
fi

# -b: a root with a copy of part of the tree.
root=$TMP/root
mkdir -p "$root/lib/modules/$KVER"
cp -a "$MODDIR/kernel" "$root/lib/modules/$KVER/" 2>/dev/null
cp "$MODDIR"/modules.* "$root/lib/modules/$KVER/"
same "modinfo -b" modinfo -b "$root" -k "$KVER" -F filename loop ext4 unix
same "modinfo --basedir" modinfo --basedir="$root" --set-version="$KVER" loop

# -V: kmod 34's format (kmod 30 says "kmod version 30" and its own features).
side m modinfo -V
assert_eq "modinfo -V (kmod 34's)" "kmod version 34
+ZSTD +XZ +ZLIB +OPENSSL" "$(cat "$TMP/m.out")"
side m modinfo --help
assert_contains "modinfo --help (kmod 34's)" "-m, --modname " "$(cat "$TMP/m.out")"
assert_eq "modinfo --help: exit" 0 "$(cat "$TMP/m.rc")"

# ---- depmod ----
# A small tree: block and fs modules and the fixtures, on two copies.
small=$TMP/small/tree/lib/modules/$KVER
mkdir -p "$small/kernel/drivers" "$small/extra"
cp "$MODDIR/modules.builtin" "$MODDIR/modules.builtin.modinfo" "$MODDIR/modules.order" "$small/"
cp -a "$MODDIR/kernel/drivers/block" "$small/kernel/drivers/"
cp -a "$MODDIR/kernel/fs" "$MODDIR/kernel/lib" "$MODDIR/kernel/crypto" "$small/kernel/"
for f in "${fixtures[@]}"; do case $f in *loop*) ;; *) cp "$f" "$small/extra/" ;; esac; done
cp -a "$TMP/small/tree" "$TMP/small/k"
cp -a "$TMP/small/tree" "$TMP/small/m"
env PATH="$TMP/k:$PATH" depmod -b "$TMP/small/k" "$KVER" || fail "kmod's depmod failed"
run_m() { env PATH="$TMP/m:$PATH" "$@"; }
run_m depmod -b "$TMP/small/m" "$KVER"
assert_eq "depmod -b: exit" 0 "$?"
for f in modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep \
    modules.symbols modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin \
    modules.devname; do
    cmp -s "$TMP/small/k/lib/modules/$KVER/$f" "$TMP/small/m/lib/modules/$KVER/$f" ||
        fail "depmod -b: $f differs from kmod's"
done

# same_n WHAT ARGS...: depmod -n ARGS prints what kmod's does, but for modules.weakdep,
# which kmod 34 prints after modules.softdep and kmod 30 does not make.
same_n() {
    local what=$1
    shift
    side k depmod -n "$@"
    side m depmod -n "$@"
    awk '/^# Weak dependencies extracted from modules themselves/ { skip = 1 }
         /^# Aliases for symbols, used by symbol_request/ { skip = 0 }
         !skip' "$TMP/m.out" >"$TMP/m.noweak"
    cmp -s "$TMP/k.out" "$TMP/m.noweak" ||
        fail "$what: differs from kmod's: $(diff "$TMP/k.out" "$TMP/m.noweak" | head -10)"
    cmp -s "$TMP/k.err" "$TMP/m.err" ||
        fail "$what: stderr differs from kmod's: $(diff "$TMP/k.err" "$TMP/m.err" | head -10)"
    assert_eq "$what: exit status as kmod's" "$(cat "$TMP/k.rc")" "$(cat "$TMP/m.rc")"
}
same_n "depmod -n" -b "$TMP/small/tree" "$KVER"
awk '/^# Weak dependencies extracted from modules themselves/ { p = 1 }
     /^# Aliases for symbols, used by symbol_request/ { p = 0 }
     p' "$TMP/m.out" >"$TMP/m.weak"
cmp -s "$TMP/m.weak" "$TMP/small/m/lib/modules/$KVER/modules.weakdep" ||
    fail "depmod -n: its modules.weakdep is not the one depmod writes"
[ ! -e "$TMP/small/tree/lib/modules/$KVER/modules.dep" ] || fail "depmod -n wrote modules.dep"

same "depmod -A -n prints nothing" depmod -A -n -b "$TMP/small/tree" "$KVER"
touch -d '2000-01-01' "$TMP/small/m/lib/modules/$KVER/modules.dep"
run_m depmod -A -b "$TMP/small/m" "$KVER"
[ "$TMP/small/m/lib/modules/$KVER/modules.dep" -nt "$TMP/small/tree/lib/modules/$KVER/extra" ] ||
    fail "depmod -A: an older modules.dep was not written again"
mtime=$(stat -c %Y "$TMP/small/m/lib/modules/$KVER/modules.dep")
sleep 1
run_m depmod -A -b "$TMP/small/m" "$KVER"
assert_eq "depmod -A, up to date: nothing written" "$mtime" \
    "$(stat -c %Y "$TMP/small/m/lib/modules/$KVER/modules.dep")"

same "depmod, a bad version" depmod -b "$TMP/small/tree" notaversion
same "depmod -P with two characters" depmod -P ab -n -b "$TMP/small/tree" "$KVER"
same "depmod, an unknown option" depmod --bogus
same "depmod, no such directory" depmod -b "$TMP/nothing" "$KVER"
same_n "depmod -C, no such file (kmod ignores it)" -C "$TMP/nothing.conf" -b "$TMP/small/tree" "$KVER"
mkdir -p "$TMP/conf"
printf 'search extra built-in\noverride ext4 * kernel/fs\n' >"$TMP/conf/a.conf"
same_n "depmod -C DIR" -C "$TMP/conf" -b "$TMP/small/tree" "$KVER"
if [ -f "$MODDIR/build/Module.symvers" ]; then
    same_n "depmod -e -E" -e -E "$MODDIR/build/Module.symvers" -b "$TMP/small/tree" "$KVER"
fi
same_n "depmod -w -P _" -w -P _ -b "$TMP/small/tree" "$KVER"
# kmod 34: -o writes the indexes under another root.
run_m depmod -b "$TMP/small/tree" -o "$TMP/out" "$KVER"
cmp -s "$TMP/out/lib/modules/$KVER/modules.dep" "$TMP/small/k/lib/modules/$KVER/modules.dep" ||
    fail "depmod -o: modules.dep differs from kmod's"

# ---- kmod static-nodes (the running kernel's modules.devname, bind-mounted) ----
same "kmod static-nodes, no modules.devname here" kmod static-nodes
same "kmod static-nodes, an unknown format" kmod static-nodes -f bogus
lm=$TMP/lm/$(uname -r)
mkdir -p "$lm"
printf '# comment\nfuse fuse c10:229\nhello_dev hello/dev b240:1\nbad line\n' >"$lm/modules.devname"
if unshare -m true 2>/dev/null; then
    for f in human tmpfiles devname; do
        for w in k m; do
            unshare -m sh -c "mount --bind '$TMP/lm' /lib/modules && PATH='$TMP/$w:$PATH' kmod static-nodes -f $f -o '$TMP/sn/$w/$f' >'$TMP/$w.out' 2>'$TMP/$w.err'; echo \$? >'$TMP/$w.rc'"
        done
        cmp -s "$TMP/sn/k/$f" "$TMP/sn/m/$f" || fail "kmod static-nodes -f $f: differs from kmod's"
        cmp -s "$TMP/k.err" "$TMP/m.err" || fail "kmod static-nodes -f $f: stderr differs"
        assert_eq "kmod static-nodes -f $f: exit" "$(cat "$TMP/k.rc")" "$(cat "$TMP/m.rc")"
    done
else
    echo "note: no unshare -m here: static-nodes on a real modules.devname not compared" >&2
fi

# ---- kmod ----
side m kmod -V
assert_eq "kmod -V (kmod 34's)" "kmod version 34
+ZSTD +XZ +ZLIB +OPENSSL" "$(cat "$TMP/m.out")"
# kmod 34's help says "show help message" and "output the static-node ..." (30: "Show", "outputs").
side m kmod help
assert_contains "kmod help" "  list         list currently loaded modules" "$(cat "$TMP/m.out")"
assert_contains "kmod help" "  static-nodes output the static-node information" "$(cat "$TMP/m.out")"
side m kmod bogus
assert_eq "kmod bogus: exit" 1 "$(cat "$TMP/m.rc")"
assert_eq "kmod bogus" "invalid command 'bogus'" "$(cat "$TMP/m.err")"

# ---- lsmod, on a fake /proc/modules and /sys/module (MYMOD_SYSROOT) ----
sys=$TMP/sys
mkdir -p "$sys/proc" "$sys/sys/module/hello/holders/hello_user" "$sys/sys/module/hello_user/holders"
cat >"$sys/proc/modules" <<'MODS'
hello_user 16384 0 - Live 0xffffffffc0a10000 (OE)
hello 20480 1 hello_user, Live 0xffffffffc0a00000 (OE)
a_very_long_module_name 139264 3 - Live 0x0000000000000000
MODS
MYMOD_SYSROOT=$sys side m lsmod
assert_eq "lsmod" "Module                  Size  Used by
hello_user             16384  0
hello                  20480  1 hello_user
a_very_long_module_name   139264  3" "$(cat "$TMP/m.out")"
MYMOD_SYSROOT=$sys side m kmod list
assert_eq "kmod list is lsmod" "$(MYMOD_SYSROOT=$sys env PATH="$TMP/m:$PATH" lsmod)" "$(cat "$TMP/m.out")"
MYMOD_SYSROOT=$TMP/nothing side m lsmod
assert_eq "lsmod, no /proc/modules: exit" 1 "$(cat "$TMP/m.rc")"
assert_eq "lsmod, no /proc/modules (kmod 34's words)" "lsmod: ERROR: could not open /proc/modules: No such file or directory
lsmod: ERROR: could not get list of modules: No such file or directory" "$(cat "$TMP/m.err")"
side m lsmod extra
assert_eq "lsmod ARG (kmod 34's words; 30 prints its usage)" "lsmod: ERROR: too many arguments provided." "$(cat "$TMP/m.err")"
assert_eq "lsmod ARG: exit" 1 "$(cat "$TMP/m.rc")"

# ---- insmod and rmmod: their option errors (loading is the vm suite's) ----
same "insmod, no file" insmod
same "insmod, a missing file" insmod /no/such/file.ko
same "insmod -" insmod -
same "insmod, a directory" insmod "$TMP"
# Not a module: the kernel would refuse it with ENOEXEC, which insmod words so
# (this host's kernel, without module support, answers kmod ENOSYS instead).
side m insmod /etc/passwd
assert_eq "insmod, not a module" "insmod: ERROR: could not insert module /etc/passwd: Invalid module format" "$(cat "$TMP/m.err")"
assert_eq "insmod, not a module: exit" 1 "$(cat "$TMP/m.rc")"
same "insmod, an unknown option" insmod --bogus x.ko
same "rmmod, no module" rmmod
same "rmmod, an unknown option" rmmod --bogus x
if [ ! -e /proc/modules ]; then
    same "rmmod, a module not loaded" rmmod no_such_module_xyz
fi
# rmmod's checks before the unload, on the fake /sys/module (nothing reaches the kernel;
# one holder, as several come in the directory's order, as libkmod reads them).
mkdir -p "$sys/sys/module/unix" "$sys/sys/module/busy/holders"
echo live >"$sys/sys/module/hello/initstate"
echo live >"$sys/sys/module/busy/initstate"
echo 2 >"$sys/sys/module/busy/refcnt"
MYMOD_SYSROOT=$sys side m rmmod hello busy unix no_such_module_xyz
assert_eq "rmmod's checks: exit" 1 "$(cat "$TMP/m.rc")"
assert_eq "rmmod's checks" "rmmod: ERROR: Module hello is in use by: hello_user
rmmod: ERROR: Module busy is in use
rmmod: ERROR: Module unix is builtin.
rmmod: ERROR: Module no_such_module_xyz is not currently loaded" "$(cat "$TMP/m.err")"

# -s: the errors go to syslog, not stderr.
side m insmod -s /no/such/file.ko
assert_eq "insmod -s: stderr" "" "$(cat "$TMP/m.err")"
assert_eq "insmod -s: exit" 1 "$(cat "$TMP/m.rc")"

side m insmod -V
assert_eq "insmod -V: exit" 0 "$(cat "$TMP/m.rc")"
side m rmmod --help
assert_contains "rmmod --help" "-f, --force       DANGEROUS: forces a module unload" "$(cat "$TMP/m.out")"

finish
