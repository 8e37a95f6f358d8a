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
