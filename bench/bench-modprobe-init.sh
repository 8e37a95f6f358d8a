#!/bin/busybox sh
# shellcheck shell=dash
# PID 1 of the benchmark VM of bench/bench-modprobe.sh: N calls of
# `modprobe -q loop` with loop loaded (case "loaded"), and N of
# `modprobe -q hello` each followed by kmod's rmmod (case "load"), per
# round, kmod's modprobe and mymod's (/names/modprobe) alternately. Prints
# "MYMOD-BENCH <case> <tool> <round> <seconds>".
# shellcheck source=tests/vm/vm-init-lib.sh
. /vm-init-lib.sh

n=$(sed -n 's/.*mymod.n=\([0-9]*\).*/\1/p' /proc/cmdline)
rounds=$(sed -n 's/.*mymod.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
K=/kmod
echo "MYMOD-BENCH-START n=$n rounds=$rounds"

# bench CASE TOOL MODPROBE MODULE [AFTER]: N calls of MODPROBE -q MODULE, each then AFTER.
bench() {
	t0=$(now)
	i=0
	while [ $i -lt "$n" ]; do
		$3 -q "$4" || { echo "MYMOD-BENCH-ERROR $1 $2: $3 -q $4 failed"; return; }
		[ -z "${5:-}" ] || $5 || { echo "MYMOD-BENCH-ERROR $1 $2: $5 failed"; return; }
		i=$((i + 1))
	done
	echo "MYMOD-BENCH $1 $2 $r $(elapsed "$t0")"
}

$K/modprobe loop || echo "MYMOD-BENCH-ERROR cannot load loop"
r=1
while [ $r -le "$rounds" ]; do
	bench loaded kmod $K/modprobe loop
	bench loaded mymod /names/modprobe loop
	bench load kmod $K/modprobe hello "$K/rmmod hello"
	bench load mymod /names/modprobe hello "$K/rmmod hello"
	r=$((r + 1))
done
echo "MYMOD-BENCH-DONE"
poweroff -f
