#!/bin/bash
# mymod info on bad input: each bad argument gets "mymod: info: ARG: what
# is wrong" and exit status 1, and the good arguments around it are still
# printed, in every format.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

HELLO=$FIXTURES/hello.ko
[ -f "$HELLO" ] || skip "fixtures not built"
for tool in gzip xz zstd python3 setpriv modinfo; do
    command -v $tool >/dev/null || skip "$tool is not installed"
done

printf 'this is not a kernel module\n' >"$TMP/text.ko"
head -c 3000 "$HELLO" >"$TMP/truncated.ko"
: >"$TMP/empty.ko"
# A gzip stream cut short, and one with its deflate data overwritten.
gzip -c "$HELLO" | head -c 2000 >"$TMP/short.ko.gz"
gzip -c "$HELLO" >"$TMP/corrupt.ko.gz"
printf 'garbage garbage garbage garbage' |
    dd of="$TMP/corrupt.ko.gz" bs=1 seek=200 conv=notrunc status=none
xz -c "$HELLO" | head -c 2000 >"$TMP/short.ko.xz"
zstd -q -c "$HELLO" | head -c 2000 >"$TMP/short.ko.zst"
mkdir "$TMP/dir.ko"

# expect_bad WHAT ARG MESSAGE [FORMATS]: ARG fails with MESSAGE, hello.ko around
# it still printed, in each of FORMATS (default: all three).
expect_bad() {
    local what=$1 arg=$2 message=$3
    for format in ${4:-human json modinfo}; do
        run info --format=$format -k "$KVER" "$HELLO" "$arg" "$HELLO"
        assert_eq "$what ($format): exit status" 1 "$rc"
        assert_contains "$what ($format): message" "mymod: info: $arg: " "$err"
        # The reason only: ARG itself (short.ko.xz) must not satisfy the check.
        reason=$(printf '%s\n' "$err" | grep -F "mymod: info: $arg: ")
        assert_contains "$what ($format): message says" "$message" "${reason#*"mymod: info: $arg: "}"
        case "$err" in
        *AddressSanitizer* | *"runtime error"*) fail "$what ($format): sanitizer report: $err" ;;
        esac
        case $format in
        human) count=$(printf '%s\n' "$out" | grep -c '^Parameters (6)') ;;
        json) count=$(printf '%s\n' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') ;;
        modinfo) count=$(printf '%s\n' "$out" | grep -c "^filename: *$HELLO\$") ;;
        esac
        assert_eq "$what ($format): the good arguments are still printed" 2 "$count"
    done
}

expect_bad "not ELF" "$TMP/text.ko" "not an ELF file"
expect_bad "empty file" "$TMP/empty.ko" "empty file"
expect_bad "truncated ELF" "$TMP/truncated.ko" "past the end of the file"
expect_bad "truncated gzip stream" "$TMP/short.ko.gz" "gzip: unexpected end of compressed data"
expect_bad "corrupt gzip stream" "$TMP/corrupt.ko.gz" "gzip: corrupt compressed data"
expect_bad "truncated xz stream" "$TMP/short.ko.xz" "xz: unexpected end of compressed data"
expect_bad "truncated zstd stream" "$TMP/short.ko.zst" "zstd: unexpected end of compressed data"
# Damage that ELF readers could take for no value: every __param ops
# relocation 2 GiB past its symbol, a symbol's name outside the string table.
python3 - "$HELLO" "$TMP" <<'PY'
import struct, sys
d = bytes(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", d, 0x28)
shnum, shstrndx = struct.unpack_from("<HH", d, 0x3c)
sh = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shnum)]
def name(i):
    o = sh[shstrndx][4] + sh[i][0]
    return d[o:d.index(b"\0", o)].decode()
param = next(i for i in range(shnum) if name(i) == "__param")
rela = next(i for i in range(shnum) if sh[i][1] == 4 and sh[i][7] == param)
symtab = next(i for i in range(shnum) if sh[i][1] == 2)
bad = bytearray(d)
for k in range(sh[rela][5] // 24):
    at = sh[rela][4] + 24 * k
    if struct.unpack_from("<Q", bad, at)[0] % 40 == 16:
        struct.pack_into("<q", bad, at + 16, 0x7fffffff)
open(sys.argv[2] + "/reloc.ko", "wb").write(bad)
bad = bytearray(d)
struct.pack_into("<I", bad, sh[symtab][4] + 24 * 5, sh[sh[symtab][6]][5] + 100)
open(sys.argv[2] + "/symname.ko", "wb").write(bad)
PY
# --format=modinfo reads only .modinfo (and the signature), as kmod's modinfo does.
expect_bad "relocation outside its section" "$TMP/reloc.ko" "of __param points outside " "human json"
expect_bad "symbol name outside the string table" "$TMP/symname.ko" "the name of symbol 5 (offset " "human json"
for f in reloc symname; do
    assert_eq "$f.ko: --format=modinfo, as modinfo" "$(modinfo "$TMP/$f.ko")" "$("$MYMOD" info --format=modinfo "$TMP/$f.ko")"
done
expect_bad "missing file" "$TMP/missing.ko" "No such file or directory"
expect_bad "a directory" "$TMP/dir.ko" "not a regular file"
expect_bad "unknown name" "no_such_module_xyz" "no module or alias of that name in /lib/modules/$KVER"
assert_contains "unknown name: hint" "mymod: info: hint: " "$err"

# What modinfo prints for a file it cannot read, byte for byte and with its
# exit status: the filename: line of a regular file first, nothing for a
# missing file or a directory; -F filename prints the path and succeeds
# (modinfo does not read the file for it). mymod's own error line is on stderr.
# compare_unreadable WHAT ARG: for each option set, as modinfo (run as $AS).
compare_unreadable() {
    local what=$1 arg=$2 opts krc mrc
    for opts in "" "-0" "-F filename" "-F license"; do
        # shellcheck disable=SC2086
        $AS modinfo $opts "$arg" >"$TMP/kmod.out" 2>/dev/null
        krc=$?
        # shellcheck disable=SC2086
        $AS "$MYMOD" info --format=modinfo $opts "$arg" >"$TMP/mymod.out" 2>"$TMP/mymod.err"
        mrc=$?
        cmp -s "$TMP/kmod.out" "$TMP/mymod.out" ||
            fail "$what [$opts]: stdout differs from modinfo's: $(od -c "$TMP/kmod.out" | head -3) vs $(od -c "$TMP/mymod.out" | head -3)"
        assert_eq "$what [$opts]: exit status as modinfo's" "$krc" "$mrc"
        if [ "$mrc" = 0 ]; then
            assert_eq "$what [$opts]: nothing on stderr" "" "$(cat "$TMP/mymod.err")"
        else
            assert_contains "$what [$opts]: mymod's error line" "mymod: info: $arg: " "$(cat "$TMP/mymod.err")"
        fi
    done
}
AS=
compare_unreadable "not ELF" "$TMP/text.ko"
compare_unreadable "truncated ELF" "$TMP/truncated.ko"
compare_unreadable "empty file" "$TMP/empty.ko"
compare_unreadable "truncated xz stream" "$TMP/short.ko.xz"
compare_unreadable "truncated zstd stream" "$TMP/short.ko.zst"
compare_unreadable "missing file" "$TMP/missing.ko"
compare_unreadable "a directory" "$TMP/dir.ko"

# Permission denied: root reads anything, so read as nobody. The build tree
# may be out of nobody's reach (a checkout in /root, mode 0700): nobody runs
# a copy of mymod on copies of the fixture, in $TMP.
mkdir "$TMP/private" "$TMP/public"
cp "$HELLO" "$TMP/private/hello.ko"
cp "$HELLO" "$TMP/public/hello.ko"
cp "$MYMOD" "$TMP/public/mymod"
chmod 0600 "$TMP/private/hello.ko"
chmod 0644 "$TMP/public/hello.ko"
chmod 0755 "$TMP" "$TMP/private" "$TMP/public" "$TMP/public/mymod"
AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
$AS "$TMP/public/mymod" info "$TMP/public/hello.ko" >/dev/null 2>"$TMP/stderr" ||
    fail "nobody cannot run mymod on a readable file (the premise of the permission checks): $(cat "$TMP/stderr")"
out=$($AS "$TMP/public/mymod" info "$TMP/private/hello.ko" "$TMP/public/hello.ko" 2>"$TMP/stderr")
rc=$?
err=$(cat "$TMP/stderr")
assert_eq "permission denied: exit status" 1 "$rc"
assert_contains "permission denied: message" "mymod: info: $TMP/private/hello.ko: " "$err"
assert_contains "permission denied: reason" "mymod: info: $TMP/private/hello.ko: Permission denied" "$err"
assert_contains "permission denied: the readable file is still printed" "Parameters (6)" "$out"
MYMOD=$TMP/public/mymod compare_unreadable "permission denied" "$TMP/private/hello.ko"

# A name where there is no module directory: said plainly, with a hint at -k.
run info -b "$TMP/nowhere" -k "$KVER" hello "$HELLO" loop
assert_eq "no module directory: exit status" 1 "$rc"
assert_contains "no module directory: message" "mymod: info: hello: no module directory $TMP/nowhere/lib/modules/$KVER" "$err"
assert_contains "no module directory: hint" "mymod: info: hint: choose the kernel with -k KVER" "$err"
assert_contains "no module directory: the file is still printed" "Parameters (6)" "$out"
assert_contains "no module directory: said for every name" "mymod: info: loop: no module directory" "$err"
if [ ! -d "/lib/modules/$(uname -r)" ]; then
    run info loop
    assert_eq "running kernel without modules: exit status" 1 "$rc"
    assert_contains "running kernel without modules: message" "no module directory /lib/modules/$(uname -r)" "$err"
    assert_contains "running kernel without modules: hint" "mymod: info: hint: choose the kernel with -k KVER" "$err"
fi

# Many arguments (split between worker processes): output and errors in
# argument order, names looked up among files, the status of the failures.
USER=$FIXTURES/hello_user.ko
args=()
expected=()
for _ in $(seq 40); do args+=("$HELLO"); expected+=(hello); done
args+=("$TMP/text.ko" loop)
expected+=(loop)
for _ in $(seq 40); do args+=("$USER"); expected+=(hello_user); done
args+=(no_such_module_xyz "$TMP/truncated.ko" "$HELLO")
expected+=(hello)
run info -k "$KVER" -F name "${args[@]}"
assert_eq "many arguments: exit status" 1 "$rc"
assert_eq "many arguments: output in argument order" "$(printf '%s\n' "${expected[@]}")" "$out"
assert_eq "many arguments: errors in argument order" \
    "$TMP/text.ko no_such_module_xyz $TMP/truncated.ko" \
    "$(printf '%s\n' "$err" | grep -v 'hint:' | sed -n 's/^mymod: info: \([^:]*\): .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"

# Usage errors exit 2.
run info
assert_eq "no arguments: exit status" 2 "$rc"
run info --format=yaml "$HELLO"
assert_eq "unknown format: exit status" 2 "$rc"
assert_contains "unknown format: message" "unknown format 'yaml'" "$err"
run info --json -F name "$HELLO"
assert_eq "--json with -F: exit status" 2 "$rc"
run info -0 "$HELLO"
assert_eq "-0 without -F or --format=modinfo: exit status" 2 "$rc"
run info --help
assert_eq "--help: exit status" 0 "$rc"
for opt in --format --json --field --null --symbols --sections --kernel --basedir --help; do
    assert_contains "--help lists $opt" "$opt" "$out"
done

finish
