#!/bin/bash
# Benchmark: `mymod depmod` against kmod's `depmod` on the same copy of a
# kernel's module tree (hard links, hot cache), alternately for several
# rounds; then `depmod -A` on the unchanged tree. Prints each run, the
# ratio of the median wall times (target: mymod <= 0.33 of kmod's), of the
# CPU times, the peak memory of each (target: mymod's no higher), and -A's
# time (target: under 10 ms). The outputs are checked identical first.
#
# usage: bench/bench-depmod.sh [-k KVER] [-r ROUNDS] [MYMOD]
set -euo pipefail
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

DEPMOD=$(command -v depmod || echo /sbin/depmod)
[ -x /usr/bin/time ] || echo "bench-depmod: no /usr/bin/time (apt-get install time): no peak memory" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in kmod mymod; do
    mkdir -p "$tmp/$t/lib/modules/$kver"
    cp "$moddir"/modules.builtin "$moddir"/modules.builtin.modinfo "$moddir"/modules.order \
        "$tmp/$t/lib/modules/$kver/"
    cp -al "$moddir/kernel" "$tmp/$t/lib/modules/$kver/kernel" 2>/dev/null ||
        cp -a "$moddir/kernel" "$tmp/$t/lib/modules/$kver/kernel"
done
echo "$(find "$tmp/kmod" -name '*.ko*' | wc -l) modules, $rounds rounds"

# Both once, warming the cache, and the outputs compared.
"$DEPMOD" -b "$tmp/kmod" "$kver"
"$mymod" depmod -b "$tmp/mymod" "$kver"
for f in "$tmp/kmod/lib/modules/$kver"/modules.*; do
    cmp -s "$f" "$tmp/mymod/lib/modules/$kver/${f##*/}" ||
        echo "bench-depmod: warning: ${f##*/} differs (run the cli suite's depmod test)" >&2
done

# measure CMD...: "WALL CPU MAXRSS_KB" of one run, output discarded (GNU
# time reports the peak memory; bash's time, the times to the millisecond).
measure() {
    local TIMEFORMAT='%R %U %S' t rss=0
    if [ -x /usr/bin/time ]; then
        t=$({ time /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1; } 2>&1)
        rss=$(tail -1 "$tmp/rss")
    else
        t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    fi
    awk -v r="$rss" '{ printf "%.4f %.4f %d\n", $1, $2 + $3, r }' <<<"$t"
}

median() {
    sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

kw=() mw=() kc=() mc=() km=() mm=()
for ((i = 1; i <= rounds; i++)); do
    read -r w c r < <(measure "$DEPMOD" -b "$tmp/kmod" "$kver")
    kw+=("$w") kc+=("$c") km+=("$r")
    read -r w2 c2 r2 < <(measure "$mymod" depmod -b "$tmp/mymod" "$kver")
    mw+=("$w2") mc+=("$c2") mm+=("$r2")
    printf 'round %d: depmod %6.3f s (cpu %6.3f s, %d KiB)   mymod %6.3f s (cpu %6.3f s, %d KiB)\n' \
        "$i" "$w" "$c" "$r" "$w2" "$c2" "$r2"
done
kwm=$(printf '%s\n' "${kw[@]}" | median)
mwm=$(printf '%s\n' "${mw[@]}" | median)
kcm=$(printf '%s\n' "${kc[@]}" | median)
mcm=$(printf '%s\n' "${mc[@]}" | median)
printf 'median wall: depmod %.3f s, mymod depmod %.3f s, mymod/kmod = %.2f (target <= 0.33)\n' \
    "$kwm" "$mwm" "$(awk -v m="$mwm" -v k="$kwm" 'BEGIN { print m / k }')"
printf 'median cpu:  depmod %.3f s, mymod depmod %.3f s, mymod/kmod = %.2f\n' \
    "$kcm" "$mcm" "$(awk -v m="$mcm" -v k="$kcm" 'BEGIN { print m / k }')"
printf 'peak memory: depmod %d KiB, mymod depmod %d KiB (target: no higher)\n' \
    "$(printf '%s\n' "${km[@]}" | median)" "$(printf '%s\n' "${mm[@]}" | median)"

# -A on the unchanged tree.
qa=() qm=()
for ((i = 1; i <= rounds; i++)); do
    read -r w _ _ < <(measure "$DEPMOD" -A -b "$tmp/kmod" "$kver")
    qa+=("$w")
    read -r w _ _ < <(measure "$mymod" depmod -A -b "$tmp/mymod" "$kver")
    qm+=("$w")
done
printf 'quick (-A, unchanged): depmod %.0f ms, mymod depmod %.0f ms (target < 10 ms)\n' \
    "$(printf '%s\n' "${qa[@]}" | median | awk '{ print $1 * 1000 }')" \
    "$(printf '%s\n' "${qm[@]}" | median | awk '{ print $1 * 1000 }')"
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
