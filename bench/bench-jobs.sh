#!/bin/sh
# Parallel loading, inside the test VM with 2 CPUs (Debian's kernel under
# QEMU/TCG): a list of real modules whose chains are mostly independent
# (filesystems and ciphers), loaded with everything they need and unloaded
# again, per round, the tools alternating:
#   kmod   modprobe -a LIST                      / modprobe -r -a LIST
#   seq    mymod load --with-deps -a -j 1 LIST   / mymod unload --with-deps LIST
#   jobs   mymod load --with-deps -a -j 2 LIST   / (the same unload)
# Each load is timed alone (the unloads are not). load --jobs's default is
# whichever of seq and jobs this says is faster.
#
# usage: bench/bench-jobs.sh [ROUNDS]   (default 8)
# env:   BUILDDIR (default ./build)
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-8}
MYMOD_VM_MODULES="xfs f2fs vfat isofs udf jfs nilfs2 minix reiserfs twofish_generic
serpent_generic camellia_generic cast6_generic"
export MYMOD_VM_MODULES
list=$(printf '%s' "$MYMOD_VM_MODULES" | tr -s ' \n' ,)
# shellcheck source=bench/bench-vm-lib.sh
. bench/bench-vm-lib.sh
bench_vm jobs bench/bench-jobs-init.sh "mymod.rounds=$rounds mymod.list=$list" -smp 2 -m 1G
grep '^MYMOD-BENCH-INFO ' "$out/console.log" | cut -d' ' -f2-
echo "$rounds rounds (kernel $VM_KVER under QEMU TCG, 2 CPUs); seconds per load of the list"
grep '^MYMOD-BENCH ' "$out/console.log" | awk '
    { t[$2] += $4; v[$2, $3] = $4; n[$2]++ }
    END {
        split("kmod seq jobs", tools, " ")
        for (i = 1; i <= 3; i++)
            printf "%-5s %8.2f s in all, %6.2f s per load\n", tools[i], t[tools[i]], t[tools[i]] / n[tools[i]]
        # the median of the per-round ratios, robust to a round the host slowed
        split("seq jobs", mine, " ")
        for (j = 1; j <= 2; j++) {
            m = 0
            for (r = 1; r <= n["kmod"]; r++) ratio[++m] = v[mine[j], r] / v["kmod", r]
            for (x = 1; x <= m; x++)
                for (y = x + 1; y <= m; y++)
                    if (ratio[y] < ratio[x]) { tmp = ratio[x]; ratio[x] = ratio[y]; ratio[y] = tmp }
            med = m % 2 ? ratio[(m + 1) / 2] : (ratio[m / 2] + ratio[m / 2 + 1]) / 2
            printf "%s/kmod: %.2f (total), %.2f (median of rounds)\n", mine[j], t[mine[j]] / t["kmod"], med
        }
    }'
