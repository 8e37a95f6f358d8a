#!/bin/sh
# mymod load/unload on the host: usage errors, files that cannot be loaded,
# names that resolve or not, and --dry-run. Nothing here reaches a module
# system call: the host must never load anything (the vm suite does).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
hello=$FIXTURES/hello.ko
PATH=$PATH:/usr/sbin:/sbin # kmod's modprobe

run load
assert_eq "no module: exit" 2 "$rc"
assert_contains "no module" "mymod: load: no module given" "$err"
run load "$hello" =x
assert_eq "bad parameter: exit" 2 "$rc"
assert_contains "bad parameter" "'=x' is not a parameter" "$err"
run load --bogus "$hello"
assert_eq "unknown option: exit" 2 "$rc"
run unload
assert_eq "unload, no module: exit" 2 "$rc"
run unload --timeout=soon hello
assert_eq "unload --timeout=soon: exit" 2 "$rc"
assert_contains "unload --timeout=soon" "--timeout: 'soon' is not a number of seconds" "$err"

run load "$TMP/missing.ko"
assert_eq "missing file: exit" 1 "$rc"
assert_contains "missing file" "mymod: load: $TMP/missing.ko: " "$err"
echo "not a module" >"$TMP/text.ko"
run load "$TMP/text.ko"
assert_eq "not ELF: exit" 1 "$rc"
assert_contains "not ELF" "mymod: load: $TMP/text.ko: " "$err"

run load -k "$KVER" no_such_module_here
assert_eq "unknown name: exit" 1 "$rc"
assert_contains "unknown name" "no_such_module_here: no module or alias of that name in $MODDIR" "$err"
run load -k 0.0.0-none -n loop
assert_eq "no module directory: exit" 1 "$rc"
assert_contains "no module directory" "no module directory /lib/modules/0.0.0-none" "$err"

# --dry-run says what would be done, and does nothing.
run load --dry-run "$hello" "whom=the world" count=2
assert_eq "dry run: exit" 0 "$rc"
assert_eq "dry run" "would load hello ($hello) with finit_module, parameters: whom=\"the world\" count=2" "$out"
run load -n -f "$hello"
assert_eq "dry run, forced" "would load hello ($hello) with finit_module, ignoring vermagic and symbol versions" "$out"
# A kernel that decompresses nothing itself (a sysroot without
# /sys/module/compression, whatever the host's kernel does).
mkdir -p "$TMP/plainroot"
for c in gz xz zst; do
    case $c in
    gz) gzip -c "$hello" >"$TMP/hello.ko.gz"; name=gzip ;;
    xz) xz -c "$hello" >"$TMP/hello.ko.xz"; name=xz ;;
    zst) zstd -q -c "$hello" >"$TMP/hello.ko.zst"; name=zstd ;;
    esac
    MYMOD_SYSROOT=$TMP/plainroot run load -n "$TMP/hello.ko.$c"
    assert_eq "dry run .ko.$c" \
        "would load hello ($TMP/hello.ko.$c) with init_module, decompressed in memory from $name" "$out"
    MYMOD_SYSROOT=$TMP/plainroot run load -n --force-modversion "$TMP/hello.ko.$c"
    assert_contains "dry run .ko.$c, forced" "with finit_module (memfd), decompressed in memory" "$out"
done
# A kernel that decompresses xz itself (/sys/module/compression, on a fake
# sysroot): an .xz file goes to finit_module as it is, with
# MODULE_INIT_COMPRESSED_FILE; another format is still decompressed here.
mkdir -p "$TMP/xzroot/sys/module"
echo xz >"$TMP/xzroot/sys/module/compression"
MYMOD_SYSROOT=$TMP/xzroot run load -n "$TMP/hello.ko.xz"
assert_eq "kernel decompresses xz: exit" 0 "$rc"
assert_eq "kernel decompresses xz" \
    "would load hello ($TMP/hello.ko.xz) with finit_module (compressed), decompressed by the kernel from xz" "$out"
MYMOD_SYSROOT=$TMP/xzroot run load -n --force-vermagic "$TMP/hello.ko.xz"
assert_eq "kernel decompresses xz, forced" \
    "would load hello ($TMP/hello.ko.xz) with finit_module (compressed), decompressed by the kernel from xz, ignoring vermagic" "$out"
for c in zst gz; do
    MYMOD_SYSROOT=$TMP/xzroot run load -n "$TMP/hello.ko.$c"
    assert_contains "kernel decompresses xz only: .ko.$c" \
        "would load hello ($TMP/hello.ko.$c) with init_module, decompressed in memory from" "$out"
done
MYMOD_SYSROOT=$TMP/xzroot run load -n "$hello"
assert_eq "kernel decompresses xz: uncompressed" "would load hello ($hello) with finit_module" "$out"

# By name: the path modprobe would use (kmod's modprobe, same question).
run load -k "$KVER" -n --ignore-config crc-t10dif
want=$(modprobe -S "$KVER" --show-depends --ignore-install crc-t10dif | tail -1 | awk '{ print $2 }')
assert_eq "dry run by name" "would load crc_t10dif ($want) with finit_module" "$out"

finish
