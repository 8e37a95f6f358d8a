#!/bin/busybox sh
# shellcheck shell=dash
# PID 1 of the benchmark VM (bench/bench-load.sh): loads and unloads hello
# (and hello_user's chain: hello, loop, hello_user) N times per round with mymod and with kmod's tools, alternately, and
# prints each round as "MYMOD-BENCH <case> <tool> <round> <seconds>".
# shellcheck source=tests/vm/vm-init-lib.sh
. /vm-init-lib.sh

n=$(sed -n 's/.*mymod.n=\([0-9]*\).*/\1/p' /proc/cmdline)
rounds=$(sed -n 's/.*mymod.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
M=/usr/bin/mymod
K=/kmod
X=/lib/modules/$(uname -r)/extra
echo "MYMOD-BENCH-START n=$n rounds=$rounds"

# bench CASE TOOL LOADCMD UNLOADCMD: N loads and unloads, timed.
bench() {
	t0=$(now)
	i=0
	while [ $i -lt "$n" ]; do
		$3 >/dev/null 2>&1 || { echo "MYMOD-BENCH-ERROR $1 $2: $3 failed"; return; }
		$4 >/dev/null 2>&1 || { echo "MYMOD-BENCH-ERROR $1 $2: $4 failed"; return; }
		i=$((i + 1))
	done
	echo "MYMOD-BENCH $1 $2 $r $(elapsed "$t0")"
}

r=1
while [ $r -le "$rounds" ]; do
	bench file mymod "$M load $X/hello.ko" "$M unload hello"
	bench file kmod "$K/insmod $X/hello.ko" "$K/rmmod hello"
	bench name mymod "$M load hello" "$M unload hello"
	bench name kmod "$K/modprobe hello" "$K/modprobe -r hello"
	bench xz mymod "$M load /data/hello.ko.xz" "$M unload hello"
	bench xz kmod "$K/insmod /data/hello.ko.xz" "$K/rmmod hello"
	bench chain mymod "$M load --with-deps hello_user" "$M unload --with-deps hello_user"
	bench chain kmod "$K/modprobe hello_user" "$K/modprobe -r hello_user"
	r=$((r + 1))
done
echo "MYMOD-BENCH-DONE"
poweroff -f
