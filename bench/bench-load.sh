#!/bin/sh
# Load and unload speed, mymod against kmod, inside the test VM (Debian's
# kernel under QEMU/TCG, the vm suite's initramfs with another init).
# Three cases, each N load+unload cycles per round, the tools alternating:
#   file  mymod load FILE.ko / unload    vs  insmod FILE.ko / rmmod
#   name  mymod load NAME / unload       vs  modprobe NAME / modprobe -r
#   xz    mymod load FILE.ko.xz / unload vs  insmod FILE.ko.xz / rmmod
# Times include starting each program (as a user or script pays it); TCG
# emulation makes absolute times slow, the ratio is what to read.
#
# usage: bench/bench-load.sh [N [ROUNDS]]   (default 200 and 2)
# env:   BUILDDIR (default ./build)
set -eu
cd "$(dirname "$0")/.."
n=${1:-200}
rounds=${2:-2}
builddir=${BUILDDIR:-build}
[ -x "$builddir/mymod" ] || { echo "bench-load: build first (meson compile -C $builddir)" >&2; exit 1; }
MYMOD=$(realpath "$builddir/mymod")
FIXTURES=$(realpath "$builddir/tests/fixtures")
VM_KVER=${MYMOD_VM_KVER:-$(tests/fixtures/kver.sh)}
export MYMOD FIXTURES VM_KVER
kernel=/boot/vmlinuz-$VM_KVER
[ -r "$kernel" ] || { echo "bench-load: no kernel image $kernel" >&2; exit 1; }

out=$builddir/bench/load
mkdir -p "$out"
tests/vm/mkinitramfs.sh "$out" bench/bench-load-init.sh
timeout 1800 qemu-system-x86_64 -accel tcg -m 512M -nographic -no-reboot \
    -kernel "$kernel" -initrd "$out/initramfs.cpio" \
    -append "console=ttyS0 loglevel=1 panic=-1 mymod.n=$n mymod.rounds=$rounds" \
    </dev/null | tr -d '\r' >"$out/console.log"

if grep -q 'MYMOD-BENCH-ERROR' "$out/console.log" || ! grep -q 'MYMOD-BENCH-DONE' "$out/console.log"; then
    echo "bench-load: the benchmark did not complete; console in $out/console.log" >&2
    grep 'MYMOD-BENCH' "$out/console.log" >&2
    exit 1
fi
echo "$n load+unload cycles per round, $rounds rounds, alternating (kernel $VM_KVER, QEMU TCG)"
grep '^MYMOD-BENCH ' "$out/console.log" | awk -v n="$n" '
    { t[$2 " " $3] += $5; r[$2 " " $3] = r[$2 " " $3] " " $5 }
    END {
        printf "%-5s %-6s %10s %12s  %s\n", "case", "tool", "total s", "ms/cycle", "rounds (s)"
        split("file name xz", cases, " ")
        for (i = 1; i <= 3; i++) {
            c = cases[i]
            for (j = 0; j < 2; j++) {
                tool = j ? "kmod" : "mymod"
                k = c " " tool
                printf "%-5s %-6s %10.2f %12.2f %s\n", c, tool, t[k], 1000 * t[k] / (n * (split(r[k], x, " "))), r[k]
            }
            printf "%-5s mymod/kmod time ratio: %.2f\n", c, t[c " mymod"] / t[c " kmod"]
        }
    }'
