#!/bin/sh
# Load and unload speed, mymod against kmod, inside the test VM (Debian's
# kernel under QEMU/TCG, the vm suite's initramfs with another init).
# Three cases, each N load+unload cycles per round, the tools alternating
# within each round (small rounds, many of them: QEMU's speed drifts with
# the host's load, and both tools see the same drift):
#   file  mymod load FILE.ko / unload    vs  insmod FILE.ko / rmmod
#   name  mymod load NAME / unload       vs  modprobe NAME / modprobe -r
#   xz    mymod load FILE.ko.xz / unload vs  insmod FILE.ko.xz / rmmod
#   chain mymod load --with-deps hello_user / unload --with-deps
#                                        vs  modprobe hello_user / modprobe -r
#         (three modules each way: hello, loop, hello_user)
# Times include starting each program (as a user or script pays it); TCG
# emulation makes absolute times slow, the ratio is what to read.
#
# usage: bench/bench-load.sh [N [ROUNDS]]   (default 50 and 8: 400 cycles per tool and case)
# env:   BUILDDIR (default ./build)
set -eu
cd "$(dirname "$0")/.."
n=${1:-50}
rounds=${2:-8}
# shellcheck source=bench/bench-vm-lib.sh
. bench/bench-vm-lib.sh
bench_vm load bench/bench-load-init.sh "mymod.n=$n mymod.rounds=$rounds" -m 512M
echo "$n load+unload cycles per round, $rounds rounds (kernel $VM_KVER under QEMU TCG)"
grep '^MYMOD-BENCH ' "$out/console.log" | awk -v n="$n" '
    { t[$2 " " $3] += $5; round[$2 " " $3 " " $4] = $5; nr[$2 " " $3]++ }
    END {
        printf "%-5s %-6s %9s %10s\n", "case", "tool", "total s", "ms/cycle"
        split("file name xz chain", cases, " ")
        for (i = 1; i <= 4; i++) {
            c = cases[i]
            for (j = 0; j < 2; j++) {
                k = c " " (j ? "kmod" : "mymod")
                printf "%-5s %-6s %9.2f %10.1f\n", c, j ? "kmod" : "mymod", t[k], 1000 * t[k] / (n * nr[k])
            }
            # the median of the rounds ratios, robust to a round the host slowed
            m = 0
            for (r = 1; r <= nr[c " mymod"]; r++)
                if (round[c " kmod " r] > 0)
                    ratio[++m] = round[c " mymod " r] / round[c " kmod " r]
            for (x = 1; x <= m; x++)
                for (y = x + 1; y <= m; y++)
                    if (ratio[y] < ratio[x]) { tmp = ratio[x]; ratio[x] = ratio[y]; ratio[y] = tmp }
            med = m % 2 ? ratio[(m + 1) / 2] : (ratio[m / 2] + ratio[m / 2 + 1]) / 2
            printf "%-5s mymod/kmod: %.2f (total), %.2f (median of rounds)\n", c, t[c " mymod"] / t[c " kmod"], med
        }
    }'
