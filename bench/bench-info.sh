#!/bin/bash
# Benchmark: `mymod info --format=modinfo` against kmod's `modinfo` over
# every module of a kernel's module tree, same argument list, output to
# /dev/null, alternately for several rounds. Prints each run and the ratio
# of the medians (target: mymod <= 1/4 of kmod's time), of the best runs, and
# of the CPU times (user + system), which other load on the machine disturbs less.
#
# usage: bench/bench-info.sh [-k KVER] [-r ROUNDS] [MYMOD]
set -euo pipefail
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

mapfile -t files < <(find "$moddir" -name '*.ko' -o -name '*.ko.[gx]z' -o -name '*.ko.zst' | sort)
echo "${#files[@]} modules under $moddir, $rounds rounds"

# Warm the page cache, and check both print the same before timing them.
if ! cmp -s <(modinfo "${files[@]}" 2>&1) <("$mymod" info --format=modinfo "${files[@]}" 2>&1); then
    echo "bench-info: warning: outputs differ (run the cli suite's info-kmod test)" >&2
fi

# seconds CMD...: "WALL CPU" of one run (CPU: user + system, children included),
# output discarded.
seconds() {
    local TIMEFORMAT='%R %U %S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }' <<<"$t"
}

median() {
    sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

minimum() {
    sort -n | head -1
}

kmod_times=()
mymod_times=()
kmod_cpu=()
mymod_cpu=()
for ((i = 1; i <= rounds; i++)); do
    read -r k kc < <(seconds modinfo "${files[@]}")
    read -r m mc < <(seconds "$mymod" info --format=modinfo "${files[@]}")
    kmod_times+=("$k")
    mymod_times+=("$m")
    kmod_cpu+=("$kc")
    mymod_cpu+=("$mc")
    printf 'round %d: modinfo %6.3f s (cpu %6.3f s)   mymod info %6.3f s (cpu %6.3f s)\n' \
        "$i" "$k" "$kc" "$m" "$mc"
done
km=$(printf '%s\n' "${kmod_times[@]}" | median)
mm=$(printf '%s\n' "${mymod_times[@]}" | median)
kc=$(printf '%s\n' "${kmod_cpu[@]}" | median)
mc=$(printf '%s\n' "${mymod_cpu[@]}" | median)
printf 'median wall: modinfo %.3f s, mymod info %.3f s, mymod/kmod = %.2f (target <= 0.25)\n' \
    "$km" "$mm" "$(awk -v m="$mm" -v k="$km" 'BEGIN { print m / k }')"
kmin=$(printf '%s\n' "${kmod_times[@]}" | minimum)
mmin=$(printf '%s\n' "${mymod_times[@]}" | minimum)
printf 'best wall:   modinfo %.3f s, mymod info %.3f s, mymod/kmod = %.2f\n' \
    "$kmin" "$mmin" "$(awk -v m="$mmin" -v k="$kmin" 'BEGIN { print m / k }')"
printf 'median cpu:  modinfo %.3f s, mymod info %.3f s, mymod/kmod = %.2f\n' \
    "$kc" "$mc" "$(awk -v m="$mc" -v k="$kc" 'BEGIN { print m / k }')"
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
