#!/bin/bash
# Benchmark: `mymod sign` against the kernel's scripts/sign-file on the
# same modules (a sample of the installed tree, signatures stripped), with
# the same key and hash, alternately for several rounds: sign-file once per
# module (as DKMS and scripts run it), mymod once per module, and mymod
# once for all of them. The signed files are checked identical first.
# Prints each run and the ratios of the median wall times.
#
# usage: bench/bench-sign.sh [-k KVER] [-r ROUNDS] [MYMOD]
set -euo pipefail
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

signfile=$moddir/build/scripts/sign-file
[ -x "$signfile" ] || { echo "bench-sign: no $signfile (linux-headers)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -new -nodes -utf8 -sha256 -days 2 -batch -x509 -subj "/CN=bench key" \
    -outform PEM -out "$tmp/cert.pem" -keyout "$tmp/key.pem" 2>/dev/null
mkdir -p "$tmp/src"
find "$moddir/kernel" -name '*.ko' | sort | awk 'NR % 20 == 0' | head -200 | while read -r m; do
    python3 tests/craft-ko.py strip "$m" "$tmp/src/$(basename "$m")"
done
n=$(find "$tmp/src" -name '*.ko' | wc -l)
echo "$n modules ($(du -sh "$tmp/src" | cut -f1)), $rounds rounds"

fresh() { rm -rf "${tmp:?}/$1" && cp -a "$tmp/src" "$tmp/$1"; }
run_signfile() { for f in "$tmp"/a/*.ko; do "$signfile" sha256 "$tmp/key.pem" "$tmp/cert.pem" "$f"; done; }
run_each() { for f in "$tmp"/b/*.ko; do "$mymod" sign "$tmp/key.pem" "$tmp/cert.pem" "$f"; done; }
run_all() { "$mymod" sign "$tmp/key.pem" "$tmp/cert.pem" "$tmp"/c/*.ko; }

fresh a && fresh b && fresh c
run_signfile && run_each && run_all
for f in "$tmp"/a/*.ko; do
    if ! cmp -s "$f" "$tmp/b/${f##*/}" || ! cmp -s "$f" "$tmp/c/${f##*/}"; then
        echo "bench-sign: ${f##*/} differs from sign-file's" >&2
        exit 1
    fi
done

# wall FUNCTION: the seconds one run takes (the copy made first is not counted).
wall() {
    local TIMEFORMAT=%R t
    t=$({ time "$1" >/dev/null 2>&1; } 2>&1)
    echo "$t"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

sw=() ew=() aw=()
for ((i = 1; i <= rounds; i++)); do
    fresh a && s=$(wall run_signfile)
    fresh b && e=$(wall run_each)
    fresh c && a=$(wall run_all)
    sw+=("$s") ew+=("$e") aw+=("$a")
    printf 'round %d: sign-file %6.3f s   mymod per file %6.3f s   mymod all at once %6.3f s\n' \
        "$i" "$s" "$e" "$a"
done
ms=$(printf '%s\n' "${sw[@]}" | median)
me=$(printf '%s\n' "${ew[@]}" | median)
ma=$(printf '%s\n' "${aw[@]}" | median)
awk -v s="$ms" -v e="$me" -v a="$ma" 'BEGIN {
    printf "median: sign-file %.3f s, mymod per file %.3f s (%.2fx), mymod all at once %.3f s (%.2fx)\n",
        s, e, e / s, a, a / s }'
