#!/bin/bash
# Benchmark: `mymod check` over every module of a kernel's tree against
# kmod's nearest equivalent, `depmod -e -E Module.symvers` (which resolves
# every module's symbols and compares their CRCs) on a tree of the same
# modules, alternately for several rounds; then one module, `mymod check`
# against `modinfo` + `modprobe --dump-modversions` (what one runs by hand
# to see a module's vermagic and CRCs). Prints each run and the medians.
#
# usage: bench/bench-check.sh [-k KVER] [-r ROUNDS] [MYMOD]
set -euo pipefail
# shellcheck source=bench/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
symvers=$moddir/build/Module.symvers
[ -f "$symvers" ] || { echo "bench-check: no $symvers (install the headers)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# depmod writes its indexes: give it a tree of its own with the same modules.
mkdir -p "$tmp/lib/modules/$kver"
ln -s "$moddir/kernel" "$tmp/lib/modules/$kver/kernel"
cp "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$moddir/modules.order" \
    "$tmp/lib/modules/$kver/"
mapfile -t files < <(find "$moddir/kernel" -name '*.ko' | sort)
one=$moddir/kernel/drivers/block/loop.ko
echo "${#files[@]} modules under $moddir, $rounds rounds"

# seconds CMD...: "WALL CPU" of one run (CPU: user + system), output discarded.
seconds() {
    local TIMEFORMAT='%R %U %S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }' <<<"$t"
}
median() {
    sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
by_hand() {
    modinfo -F vermagic "$one" && modprobe --dump-modversions "$one"
}

# Warm the page cache.
"$mymod" check -q -k "$kver" "${files[@]}" >/dev/null || true
depmod -b "$tmp" -e -E "$symvers" "$kver" 2>/dev/null

declare -a dw dc mw mc hw hc ow oc
for ((i = 1; i <= rounds; i++)); do
    read -r a b < <(seconds depmod -b "$tmp" -e -E "$symvers" "$kver")
    dw+=("$a") dc+=("$b")
    read -r a b < <(seconds "$mymod" check -q -k "$kver" "${files[@]}")
    mw+=("$a") mc+=("$b")
    read -r a b < <(seconds by_hand)
    hw+=("$a") hc+=("$b")
    read -r a b < <(seconds "$mymod" check -k "$kver" "$one")
    ow+=("$a") oc+=("$b")
    printf 'round %d: tree: depmod -e -E %6.3f s (cpu %6.3f)  mymod check %6.3f s (cpu %6.3f)   loop.ko: modinfo+modprobe %6.4f s  mymod check %6.4f s\n' \
        "$i" "${dw[-1]}" "${dc[-1]}" "${mw[-1]}" "${mc[-1]}" "${hw[-1]}" "${ow[-1]}"
done
m() { printf '%s\n' "$@" | median; }
printf 'median, whole tree: depmod -e -E %.3f s (cpu %.3f), mymod check %.3f s (cpu %.3f), mymod/kmod wall = %.2f\n' \
    "$(m "${dw[@]}")" "$(m "${dc[@]}")" "$(m "${mw[@]}")" "$(m "${mc[@]}")" \
    "$(awk -v a="$(m "${mw[@]}")" -v b="$(m "${dw[@]}")" 'BEGIN { print a / b }')"
printf 'median, loop.ko: modinfo + modprobe --dump-modversions %.4f s, mymod check %.4f s\n' \
    "$(m "${hw[@]}")" "$(m "${ow[@]}")"
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
