#!/bin/sh
# mymod deps vs modprobe --show-depends, on the same names, alternately in
# the same run; and mymod deps --all --format=json on the whole tree.
#
# usage: bench/bench-deps.sh [MYMOD [KVER [ROUNDS]]]
#
# Fair comparison: both tools take many names in one invocation
# (modprobe -a --show-depends NAME..., mymod deps --format=modprobe
# NAME...), their outputs are checked identical first, and the time is
# divided by the number of names; the same for --format=list. Then one
# name per invocation (--format=list), for a sample, which adds each
# tool's start-up to every name.
set -eu
cd "$(dirname "$0")/.."
MYMOD=${1:-build/mymod}
KVER=${2:-$(tests/fixtures/kver.sh)}
ROUNDS=${3:-15}
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
MODDIR=/lib/modules/$KVER
[ -x "$MYMOD" ] || { echo "bench-deps: no $MYMOD (build first)" >&2; exit 1; }
[ -f "$MODDIR/modules.dep" ] || { echo "bench-deps: no $MODDIR/modules.dep" >&2; exit 1; }

exec python3 - "$MYMOD" "$MODPROBE" "$KVER" "$MODDIR" "$ROUNDS" <<'PY'
import os, statistics, subprocess, sys, time

mymod, modprobe, kver, moddir, rounds = sys.argv[1:6]
rounds = int(rounds)
names = []
for line in open(os.path.join(moddir, "modules.dep")):
    base = os.path.basename(line.split(":", 1)[0])
    names.append(base[: base.index(".ko")].replace("-", "_"))

def run(argv):
    t = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.stdout

batch = {
    "modprobe": [modprobe, "-S", kver, "-a", "--show-depends"] + names,
    "mymod": [mymod, "deps", "-k", kver, "--format=modprobe"] + names,
}
_, a = run(batch["modprobe"])
_, b = run(batch["mymod"])
if a != b:
    sys.exit("bench-deps: outputs differ; fix that before timing")

def alternate(cmds, rounds):
    times = {k: [] for k in cmds}
    for _ in range(rounds):
        for k, argv in cmds.items():
            times[k].append(run(argv)[0])
    return times

# Time CMDS (modprobe, mymod) alternately, each over all the names.
def report(cmds):
    t = alternate(cmds, rounds)
    for k in cmds:
        med, lo = statistics.median(t[k]), min(t[k])
        print(f"   {k:9s} {med*1e3:7.1f} ms ({lo*1e3:.1f})  = {med/len(names)*1e6:6.2f} us/name")
    ratio = statistics.median(t["mymod"]) / statistics.median(t["modprobe"])
    print(f"   mymod / modprobe: {ratio:.2f}")

print(f"kernel {kver}: {len(names)} modules; {rounds} rounds, alternating, median (min)")
print(f"\n1. one invocation for all {len(names)} names (modprobe -a), identical output:")
report(batch)

# --format=list: one plan for all the names, so each path once; the same
# files as modprobe's insmod lines (tests/cli/deps-modprobe.sh compares
# the order, name by name).
listed = {"modprobe": batch["modprobe"], "mymod": [mymod, "deps", "-k", kver, "--format=list"] + names}
paths = {l.split()[1] for l in a.decode().splitlines() if l.startswith("insmod ")}
_, c = run(listed["mymod"])
if set(c.decode().split()) != paths:
    sys.exit("bench-deps: --format=list does not give the files of modprobe's insmod lines")
print(f"\n1b. --format=list for all {len(names)} names (the same files as modprobe's):")
report(listed)

sample = names[:: max(1, len(names) // 200)][:200]
print(f"\n2. one invocation per name, {len(sample)} names:")
per = {"modprobe": [], "mymod": []}
for _ in range(max(1, rounds // 5)):
    for n in sample:
        per["modprobe"].append(run([modprobe, "-S", kver, "--show-depends", n])[0])
        per["mymod"].append(run([mymod, "deps", "-k", kver, "--format=list", n])[0])
for k in per:
    print(f"   {k:9s} {statistics.median(per[k])*1e3:7.2f} ms/name ({min(per[k])*1e3:.2f})")
ratio = statistics.median(per["mymod"]) / statistics.median(per["modprobe"])
print(f"   mymod / modprobe: {ratio:.2f} (mostly each tool's start-up)")

print("\n3. mymod deps --all --format=json (the whole tree, target < 100 ms):")
allj = [run([mymod, "deps", "-k", kver, "--all", "--format=json"])[0] for _ in range(rounds)]
med = statistics.median(allj)
print(f"   {med*1e3:7.1f} ms ({min(allj)*1e3:.1f})  {'OK' if med < 0.1 else 'OVER 100 ms'}")
PY
