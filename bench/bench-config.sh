#!/bin/bash
# Benchmark: `mymod config` against kmod's `modprobe -c` (the effective
# configuration, then the alias and symbol indexes), alternately for
# several rounds, output to /dev/null; checked identical first. Prints the
# median wall times and their ratio.
#
# usage: bench/bench-config.sh [-k KVER] [-r ROUNDS] [MYMOD]
set -euo pipefail
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

cmp -s <(modprobe -c -S "$kver") <("$mymod" config -k "$kver") ||
    { echo "bench-config: the outputs differ (run the cli suite's config test)" >&2; exit 1; }
wall() {
    local TIMEFORMAT=%R t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    echo "$t"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
kw=() mw=()
for ((i = 1; i <= rounds * 3; i++)); do
    kw+=("$(wall modprobe -c -S "$kver")")
    mw+=("$(wall "$mymod" config -k "$kver")")
done
k=$(printf '%s\n' "${kw[@]}" | median)
m=$(printf '%s\n' "${mw[@]}" | median)
awk -v k="$k" -v m="$m" -v n="${#kw[@]}" 'BEGIN {
    printf "%d rounds: modprobe -c %.3f s, mymod config %.3f s (%.2fx)\n", n, k, m, m / k }'
