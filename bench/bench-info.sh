#!/bin/bash
# Benchmark: `mymod info --format=modinfo` against kmod's `modinfo` over
# every module of a kernel's module tree, same argument list, output to
# /dev/null, alternately for several rounds. Prints each run and the ratio
# of the medians (target: mymod <= 1/4 of kmod's time).
#
# usage: bench/bench-info.sh [-k KVER] [-r ROUNDS] [MYMOD]
set -euo pipefail
cd "$(dirname "$0")/.."

kver=$(tests/fixtures/kver.sh)
rounds=7
while getopts k:r: opt; do
    case $opt in
    k) kver=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
mymod=${1:-build/mymod}
moddir=/lib/modules/$kver
[ -x "$mymod" ] || { echo "bench-info: no $mymod (meson compile -C build)" >&2; exit 1; }
[ -d "$moddir" ] || { echo "bench-info: no module tree at $moddir" >&2; exit 1; }

mapfile -t files < <(find "$moddir" -name '*.ko' -o -name '*.ko.[gx]z' -o -name '*.ko.zst' | sort)
echo "${#files[@]} modules under $moddir, $rounds rounds"

# Warm the page cache, and check both print the same before timing them.
if ! cmp -s <(modinfo "${files[@]}" 2>&1) <("$mymod" info --format=modinfo "${files[@]}" 2>&1); then
    echo "bench-info: warning: outputs differ (run the cli suite's info-kmod test)" >&2
fi

# seconds CMD...: wall-clock time of one run, output discarded.
seconds() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}

median() {
    sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

kmod_times=()
mymod_times=()
for ((i = 1; i <= rounds; i++)); do
    k=$(seconds modinfo "${files[@]}")
    m=$(seconds "$mymod" info --format=modinfo "${files[@]}")
    kmod_times+=("$k")
    mymod_times+=("$m")
    printf 'round %d: modinfo %6.3f s   mymod info %6.3f s\n' "$i" "$k" "$m"
done
km=$(printf '%s\n' "${kmod_times[@]}" | median)
mm=$(printf '%s\n' "${mymod_times[@]}" | median)
printf 'median: modinfo %.3f s, mymod info %.3f s, mymod/kmod = %.2f (target <= 0.25)\n' \
    "$km" "$mm" "$(awk -v m="$mm" -v k="$km" 'BEGIN { print m / k }')"
