#!/bin/sh
# Run a libFuzzer target for FUZZ_SECONDS (default 60) over a seed corpus:
# the files of SEEDS, or when SEEDS is empty, one made from the fixtures:
# the reference modules (debug info stripped, so the fuzzer spends its
# time on what the reader parses), the cross-compiled objects, compressed
# copies and a signed Debian module. Inputs are at most MAX_LEN bytes
# (default 262144).
# Fails on any crash, leak, timeout or sanitizer report.
# usage: run.sh FUZZER [SEEDS [MAX_LEN]]
set -eu
fuzzer=$1
seeds=${2:-}
max_len=${3:-262144}
: "${FIXTURES:?run through meson test}"
: "${SRCDIR:?run through meson test}"
secs=${FUZZ_SECONDS:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/mymod-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus
mkdir -p "$corpus" "$work/artifacts"

# The module files of the fixtures, into $corpus.
module_corpus() {
    for m in hello hello_user hello_fail; do
        strip --strip-debug -o "$corpus/$m.ko" "$FIXTURES/$m.ko"
    done
    cp "$FIXTURES"/foreign/*.o "$corpus/"
    gzip -9 -c "$corpus/hello.ko" >"$corpus/hello.ko.gz"
    xz -c "$corpus/foreign-arm.o" >"$corpus/foreign-arm.o.xz"
    zstd -q -c "$corpus/foreign-s390x.o" >"$corpus/foreign-s390x.o.zst"
    kver=$("$SRCDIR/tests/fixtures/kver.sh")
    signed=/lib/modules/$kver/kernel/drivers/block/loop.ko
    if [ ! -r "$signed" ]; then
        echo "run.sh: $signed is missing (apt-get install linux-image-amd64)" >&2
        exit 1
    fi
    cp "$signed" "$corpus/loop.ko"
}

if [ -n "$seeds" ]; then
    cp "$seeds"/* "$corpus/"
else
    module_corpus
fi

echo "fuzzing for ${secs}s over $(ls "$corpus" | wc -l) seeds"
rc=0
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$corpus" || rc=$?
if [ "$rc" != 0 ] || [ -n "$(ls "$work/artifacts")" ]; then
    echo "run.sh: the fuzzer found a problem (exit $rc); reproducer:" >&2
    for f in "$work"/artifacts/*; do
        [ -e "$f" ] || continue
        echo "  $f:" >&2
        od -A x -t x1z "$f" | head -20 >&2
        mkdir -p "$BUILDDIR/fuzz-artifacts" 2>/dev/null && cp "$f" "$BUILDDIR/fuzz-artifacts/" &&
            echo "  kept as $BUILDDIR/fuzz-artifacts/$(basename "$f")" >&2
    done
    exit 1
fi
