# shellcheck shell=sh
# Shared by the shell test scripts: sourced, never run.
# A test exits 0 (pass), 1 (fail) or 77 (skip). Under CI a skip is a failure:
# a suite that cannot run must not pass quietly.
set -u

: "${MYMOD:?MYMOD must name the built binary (run through meson test)}"
: "${FIXTURES:?FIXTURES must name the built fixtures directory}"
: "${SRCDIR:?}"

KVER=$("$SRCDIR/tests/fixtures/kver.sh") || exit 1
MODDIR=/lib/modules/$KVER
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mymod-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# skip REASON: 77 locally, a failure under CI.
skip() {
    if [ -n "${CI:-}" ]; then
        echo "FAIL (would skip, but CI must run everything): $*" >&2
        exit 1
    fi
    echo "SKIP: $*" >&2
    exit 77
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
    if [ "$2" != "$3" ]; then
        fail "$1: expected [$2], got [$3]"
    fi
}

# assert_contains WHAT NEEDLE HAYSTACK
assert_contains() {
    case "$3" in
    *"$2"*) ;;
    *) fail "$1: [$2] not found in output:
$3" ;;
    esac
}

# Run mymod, capturing stdout, stderr and status into $out, $err, $rc.
run() {
    out=$("$MYMOD" "$@" 2>"$TMP/stderr")
    rc=$?
    err=$(cat "$TMP/stderr")
}

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}

# addr2line_chain: what `mymod decode` adds for an address, from the output
# of binutils' addr2line -f -i on stdin: " at FILE:LINE", then the inline chain.
addr2line_chain() {
    sed 's/ (discriminator [0-9]*)$//' | awk '
        BEGIN { n = 0 }
        NR % 2 == 1 { fn[n] = $0; next }
        { loc[n++] = $0 }
        END {
            s = " at " loc[0]
            if (n > 1) {
                s = s " (" fn[0]
                for (i = 1; i < n; i++)
                    s = s (i > 1 ? "," : "") " inlined into " fn[i] " at " loc[i]
                s = s ")"
            }
            print s
        }'
}

# decode_expected FILE SYMBOL OFFSET: what `mymod decode` should add to the
# frame SYMBOL+OFFSET of module FILE, from addr2line on the section offset.
decode_expected() {
    _de_sym=$(readelf -sW "$1" | awk -v s="$2" '$8 == s && $4 == "FUNC" && $7 ~ /^[0-9]+$/ { print $2, $7; exit }')
    if [ -z "$_de_sym" ]; then
        echo " (no function $2 in $1)"
        return
    fi
    _de_sec=$(readelf -SW "$1" | sed -n "s/^ *\[ *${_de_sym#* }\] \([^ ]*\) .*/\1/p")
    _de_addr=$(printf '0x%x' $((0x${_de_sym% *} + $3)))
    addr2line -f -i -e "$1" -j "$_de_sec" "$_de_addr" | addr2line_chain
}
