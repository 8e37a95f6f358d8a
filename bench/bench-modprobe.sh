#!/bin/sh
# The per-call cost of mymod behind the modprobe name, against kmod's
# modprobe, on the same input, alternately in one run. The kernel runs
# `modprobe -q -- NAME` for every request_module(); each call is a new
# process, so its start-up is most of it.
#   host: `modprobe -S KVER --show-depends NAME` for 200 names of the
#         installed tree, one process per name, the tools alternating name
#         by name, ROUNDS rounds (wall time, median of rounds); and
#         callgrind's instruction count for a few names (exact, no noise).
#   vm:   `modprobe -q loop` with loop loaded already, and
#         `modprobe -q hello` + kmod's rmmod hello (the load itself),
#         N calls per round, the tools alternating (bench-modprobe-init.sh).
# The outputs are compared first: a benchmark of different answers is void.
#
# usage: bench/bench-modprobe.sh [ROUNDS [N]]   (default 7 and 100)
# env:   BUILDDIR (default ./build); BENCH_NO_VM=1 skips the VM part
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-7}
n=${2:-100}
builddir=${BUILDDIR:-build}
kver=$(tests/fixtures/kver.sh)
kmod_modprobe=$(command -v modprobe || echo /sbin/modprobe)
names=$builddir/bench/names
mkdir -p "$names"
ln -sf "$(realpath "$builddir/mymod")" "$names/modprobe"
python3 - "$names/modprobe" "$kmod_modprobe" "$kver" "$rounds" <<'PY'
import os, re, statistics, subprocess, sys, time

mine, kmod, kver, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
moddir = f"/lib/modules/{kver}"
names = []
for line in open(os.path.join(moddir, "modules.dep")):
    base = os.path.basename(line.split(":", 1)[0])
    names.append(base[: base.index(".ko")])
names = names[:: max(1, len(names) // 200)][:200]

def run(tool, name):
    t = time.perf_counter()
    p = subprocess.run([tool, "-S", kver, "--show-depends", name], capture_output=True)
    return time.perf_counter() - t, p

for name in names:
    a, b = run(kmod, name)[1], run(mine, name)[1]
    if (a.stdout, a.stderr, a.returncode) != (b.stdout, b.stderr, b.returncode):
        sys.exit(f"bench-modprobe: --show-depends {name}: the outputs differ; fix that first")
per = {"kmod": [], "mymod": []}
for _ in range(rounds):
    tot = {"kmod": 0.0, "mymod": 0.0}
    for name in names:
        tot["kmod"] += run(kmod, name)[0]
        tot["mymod"] += run(mine, name)[0]
    for k in tot:
        per[k].append(tot[k] / len(names))
print(f"host: modprobe --show-depends NAME, {len(names)} names, {rounds} rounds (median per call)")
for k in per:
    print(f"   {k:6s} {statistics.median(per[k]) * 1e3:6.3f} ms")
ratios = sorted(m / k for m, k in zip(per["mymod"], per["kmod"]))
print(f"   mymod/kmod: {statistics.median(ratios):.2f} (median of rounds)")

def instructions(argv):
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                       capture_output=True, text=True)
    m = re.search(r"refs:\s+([0-9,]+)", p.stderr)
    return int(m.group(1).replace(",", "")) if m else None

print("host: instructions per call (callgrind)")
for args in (["--version"], ["-S", kver, "--show-depends", "loop"],
             ["-S", kver, "--show-depends", "nvme"], ["-S", kver, "-R", "fs-xfs"],
             ["-S", kver, "-n", "-q", "btrfs"]):
    k, m = instructions([kmod] + args), instructions([mine] + args)
    if k and m:
        print(f"   modprobe {' '.join(a for a in args if a not in ('-S', kver)):28s} "
              f"kmod {k / 1e6:5.2f}M  mymod {m / 1e6:5.2f}M  = {m / k:.2f}")
PY
[ -n "${BENCH_NO_VM:-}" ] && exit 0

# shellcheck source=bench/bench-vm-lib.sh
. bench/bench-vm-lib.sh
bench_vm modprobe bench/bench-modprobe-init.sh "mymod.n=$n mymod.rounds=$rounds" -m 512M
echo "vm: $n calls per round, $rounds rounds (kernel $VM_KVER under QEMU TCG); ms per call"
grep '^MYMOD-BENCH ' "$out/console.log" | awk -v n="$n" '
    { t[$2 " " $3] += $5; v[$2 " " $3 " " $4] = $5; r[$2 " " $3]++ }
    END {
        split("loaded load", cases, " ")
        for (i = 1; i <= 2; i++) {
            c = cases[i]
            m = 0
            for (x = 1; x <= r[c " kmod"]; x++) ratio[++m] = v[c " mymod " x] / v[c " kmod " x]
            for (x = 1; x <= m; x++)
                for (y = x + 1; y <= m; y++)
                    if (ratio[y] < ratio[x]) { tmp = ratio[x]; ratio[x] = ratio[y]; ratio[y] = tmp }
            med = m % 2 ? ratio[(m + 1) / 2] : (ratio[m / 2] + ratio[m / 2 + 1]) / 2
            printf "   %-7s kmod %6.1f  mymod %6.1f  mymod/kmod %.2f (median of rounds)\n", c,
                1000 * t[c " kmod"] / (n * r[c " kmod"]), 1000 * t[c " mymod"] / (n * r[c " mymod"]), med
        }
    }'
