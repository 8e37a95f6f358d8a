#!/bin/sh
# mymod decode: module frames of a kernel log get the file, line and inline
# chain binutils' addr2line gives for the same section offset (every
# function of the fixtures, at several offsets, on call trace, "? ", RIP:
# and WARNING: lines); other text passes byte for byte; a module without
# debug information, or another build than the log's build id, is marked,
# not decoded; compressed modules, --module-dir, Debian's modules (no
# DWARF) found through the release the log names; unreadable input fails.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

command -v addr2line >/dev/null || skip "no addr2line (binutils)"
cd "$TMP" || exit 1

# For each function of module FILE (name MOD), frames at every offset (at
# most 128 of a long one), in the forms the kernel prints, into log.txt; what each
# line should become into want.txt.
frames() { # FILE MOD
    : >log.txt
    : >want.txt
    readelf -sW "$1" | awk '$4 == "FUNC" && $7 ~ /^[0-9]+$/ && $3 > 0 { print $3, $8 }' |
        while read -r size sym; do
            step=$(((size + 127) / 128))
            for off in $(seq 0 "$step" $((size - 1))); do
                frame=$(printf '%s+0x%x/0x%x [%s]' "$sym" "$off" "$size" "$2")
                add=$(decode_expected "$1" "$sym" "$off")
                for line in "[   12.345678]  $frame" "[   12.345678]  ? $frame" \
                    "[   12.345678] RIP: 0010:$frame" \
                    "Dec 02 23:40:01 host kernel: WARNING: CPU: 0 PID: 1 at x.c:1 $frame"; do
                    printf '%s\n' "$line" >>log.txt
                    printf '%s%s\n' "$line" "$add" >>want.txt
                done
            done
        done
}

for m in hello_warn hello; do
    frames "$FIXTURES/$m.ko" "$m"
    [ -s log.txt ] || fail "$m: no functions found in its symbol table"
    run decode --file "$FIXTURES/$m.ko" log.txt
    assert_eq "$m: exit" 0 "$rc"
    printf '%s\n' "$out" >got.txt
    diff want.txt got.txt >diff.txt || fail "$m: decode differs from addr2line:
$(head -20 diff.txt)"
    cp log.txt "$m.log"
done

# The WARN_ON's frame (its ud2, where RIP points) names the fixture's file,
# the warning's line, and the inline chain.
warn_line=$(grep -n 'HELLO_WARN_LINE' "$SRCDIR/tests/fixtures/hello_warn.c" | cut -d: -f1)
ud2=$(objdump -d "$FIXTURES/hello_warn.ko" |
    awk '/<hello_warn_check>:/ { f = 1 } f && /[[:space:]]ud2/ { sub(":", "", $1); print $1; exit }')
[ -n "$ud2" ] || fail "no ud2 (WARN_ON) in hello_warn_check"
size=$(readelf -sW "$FIXTURES/hello_warn.ko" | awk '$8 == "hello_warn_check" { print $3 }')
frame=$(printf '[ 2.0]  hello_warn_check+0x%x/0x%x [hello_warn]' "0x$ud2" "$size")
printf '%s\n' "$frame" >one.txt
run decode --file "$FIXTURES/hello_warn.ko" one.txt
decoded=$out
case "$out" in
*"hello_warn.c:$warn_line (hello_warn_helper inlined into hello_warn_check at "*) ;;
*) fail "the WARN_ON frame is not hello_warn.c:$warn_line inside hello_warn_helper: $out" ;;
esac

# Text that is not a trace, whatever its bytes, passes unchanged; so do
# frames of modules decode has no file for (said on stderr, once).
printf 'plain line\r\n[ 1.0] x+0x1/0x2 [not a module]\n\001\377\033[31m binary\n' >plain.txt
head -c 3000 "$FIXTURES/hello.ko" >>plain.txt
printf '\n[ 1.0]  other_fn+0x1/0x2 [other_mod]\n[ 1.0]  other_fn+0x3/0x4 [other_mod]\nno newline' >>plain.txt
"$MYMOD" decode --file "$FIXTURES/hello_warn.ko" plain.txt >plain.out 2>plain.err
assert_eq "plain text: exit" 0 "$?"
cmp -s plain.txt plain.out || fail "text that is not a decodable frame was changed"
assert_eq "a module without a file is said once" 1 "$(grep -c other_mod plain.err)"
"$MYMOD" decode --file "$FIXTURES/hello_warn.ko" <plain.txt >stdin.out 2>/dev/null
cmp -s plain.txt stdin.out || fail "standard input: text was changed"

# Compressed modules decode as the plain file does.
xz -c "$FIXTURES/hello_warn.ko" >hello_warn.ko.xz
zstd -q -c "$FIXTURES/hello_warn.ko" >hello_warn.ko.zst
gzip -c "$FIXTURES/hello_warn.ko" >hello_warn.ko.gz
for c in xz zst gz; do
    run decode --file "hello_warn.ko.$c" one.txt
    assert_eq "hello_warn.ko.$c" "$decoded" "$out"
done

# Without debug information: marked, not decoded.
mkdir stripped
strip --strip-debug -o stripped/hello_warn.ko "$FIXTURES/hello_warn.ko"
run decode --file stripped/hello_warn.ko one.txt
assert_eq "stripped: exit" 0 "$rc"
assert_eq "stripped: marked" "$frame (no debug information in stripped/hello_warn.ko)" "$out"

# The build id the log prints: the same decodes, another is marked.
id=$(readelf -n "$FIXTURES/hello_warn.ko" | sed -n 's/.*Build ID: *//p')
[ -n "$id" ] || fail "the fixture has no build id"
printf '%s\n' "${frame%]} $id]" >id.txt
run decode --file "$FIXTURES/hello_warn.ko" id.txt
assert_contains "same build id: decoded" "hello_warn.c:$warn_line" "$out"
other=0123456789abcdef0123456789abcdef01234567
printf '%s\n' "${frame%]} $other]" >id.txt
run decode --file "$FIXTURES/hello_warn.ko" id.txt
assert_eq "other build id: marked" "${frame%]} $other] (build id differs: log $other, $FIXTURES/hello_warn.ko $id)" "$out"

# A symbol the file does not have: said, not guessed.
printf '[ 2.0]  no_such_fn+0x1/0x10 [hello_warn]\n' >nosym.txt
run decode --file "$FIXTURES/hello_warn.ko" nosym.txt
assert_contains "unknown symbol" "(no symbol no_such_fn in" "$out"

# --module-dir: found by file name under a build tree.
mkdir -p tree/sub
cp "$FIXTURES/hello_warn.ko" tree/sub/
run decode --module-dir tree one.txt
assert_contains "--module-dir" "hello_warn.c:$warn_line" "$out"

# Debian's modules carry no DWARF: found through the release on the CPU:
# line of the log, and marked.
loop=$(find "$MODDIR/kernel/drivers/block" -name 'loop.ko*' | head -1)
if [ -n "$loop" ]; then
    # The WARNING: line comes before the CPU: line that names the release.
    printf '%s\n' "[ 3.0] WARNING: CPU: 1 PID: 7 at x.c:1 lo_rw_aio+0x10/0x100 [loop]" \
        "[ 3.0] CPU: 1 PID: 7 Comm: kworker/1:0 Not tainted $KVER #1  Debian" \
        "[ 3.0]  lo_rw_aio+0x10/0x100 [loop]" >debian.txt
    run -k no-such-release decode -k "$KVER" debian.txt
    want=$out
    run decode debian.txt
    assert_eq "Debian module: exit" 0 "$rc"
    assert_contains "Debian module: marked" "[loop] (no debug information in $loop)" "$out"
    assert_eq "the release of the log's CPU: line, read ahead" "$want" "$out"
    assert_eq "marked on both lines" 2 "$(echo "$out" | grep -c 'no debug information')"
    # -k wins over the log's release.
    run decode -k no-such-release debian.txt
    assert_eq "-k: exit" 0 "$rc"
    assert_eq "-k: unchanged" "$(cat debian.txt)" "$out"
    assert_contains "-k: why" "no-such-release" "$err"
else
    fail "no loop module in $MODDIR"
fi

# --vmlinux: the kernel's own frames (no [module]) decoded with an image's
# DWARF; here a small program stands in for vmlinux, and addr2line on its
# address is the judge.
if command -v cc >/dev/null; then
    cat >image.c <<'C'
static inline __attribute__((always_inline)) int helper(volatile int *p) { return *p + 1; }
__attribute__((noinline)) int image_fn(volatile int *p) { return helper(p) * 3; }
int main(void) { volatile int x = 1; return image_fn(&x); }
C
    cc -g -O2 -no-pie -o image image.c || fail "cannot build the stand-in image"
    sym=$(readelf -sW image | awk '$8 == "image_fn" { print $2, $3 }')
    value=${sym% *}
    size=${sym#* }
    : >image.log
    : >image.want
    for off in $(seq 0 $((size - 1))); do
        line=$(printf '[ 4.0]  image_fn+0x%x/0x%x' "$off" "$size")
        printf '%s\n' "$line" >>image.log
        printf '%s%s\n' "$line" \
            "$(addr2line -f -i -e image "$(printf '0x%x' $((0x$value + off)))" | addr2line_chain)" \
            >>image.want
    done
    run decode --vmlinux image image.log
    assert_eq "--vmlinux: exit" 0 "$rc"
    printf '%s\n' "$out" >image.got
    diff image.want image.got >image.diff || fail "--vmlinux: decode differs from addr2line:
$(head -10 image.diff)"
    grep -q 'inlined into image_fn' image.got || fail "--vmlinux: no inline chain decoded"
    # Without --vmlinux, the kernel's frames pass unchanged.
    run decode --file "$FIXTURES/hello_warn.ko" image.log
    assert_eq "no --vmlinux: kernel frames unchanged" "$(cat image.log)" "$out"
else
    fail "no cc to build the stand-in image"
fi

# A line is decoded as soon as it is read (dmesg -w | mymod decode): the
# input is still open when its output is looked at.
mkfifo in.fifo
(
    cat hello_warn.log
    sleep 10
) >in.fifo &
writer=$!
"$MYMOD" decode --file "$FIXTURES/hello_warn.ko" in.fifo >stream.out &
reader=$!
sleep 3
n=$(grep -c ' at ' stream.out)
assert_eq "decoded before the input ends" "$(wc -l <hello_warn.log)" "$n"
kill "$reader" "$writer" 2>/dev/null
wait 2>/dev/null

# Unreadable input, bad options: an error and a non-zero exit.
run decode no-such-file.txt
assert_eq "missing input: exit" 1 "$rc"
assert_contains "missing input: message" "no-such-file.txt: cannot read" "$err"
run decode .
assert_eq "directory as input: exit" 1 "$rc"
run decode --file no-such.ko one.txt
assert_eq "missing --file: exit" 1 "$rc"
assert_contains "missing --file: message" "no-such.ko" "$err"
run decode --vmlinux stripped/hello_warn.ko one.txt
assert_eq "--vmlinux without debug info: exit" 1 "$rc"
run decode --no-such-option
assert_eq "bad option: exit" 2 "$rc"
run decode a.txt b.txt
assert_eq "two inputs: exit" 2 "$rc"

finish
