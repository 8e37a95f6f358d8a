#!/bin/busybox sh
# shellcheck shell=dash
# PID 1 of the benchmark VM of bench/bench-jobs.sh: per round, loads the
# list with kmod's modprobe -a, mymod -j 1 and mymod -j 2, each followed
# by an untimed unload, and prints "MYMOD-BENCH <tool> <round> <seconds>".
# shellcheck source=tests/vm/vm-init-lib.sh
. /vm-init-lib.sh

rounds=$(sed -n 's/.*mymod.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
list=$(sed -n 's/.*mymod.list=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
M=/usr/bin/mymod
K=/kmod
echo "MYMOD-BENCH-START rounds=$rounds cpus=$(grep -c ^processor /proc/cpuinfo)"

# timed TOOL CMD...: run CMD once, print its time.
timed() {
	tool=$1
	shift
	t0=$(now)
	# shellcheck disable=SC2086 # the list is words
	"$@" >/dev/null 2>&1 || { echo "MYMOD-BENCH-ERROR $tool: $* failed"; return; }
	echo "MYMOD-BENCH $tool $r $(elapsed "$t0")"
}

# shellcheck disable=SC2086 # the list is words
unload_all() {
	$K/modprobe -r -a $list >/dev/null 2>&1
	! grep -qwE "$(echo $list | tr ' ' '|')" /proc/modules ||
		echo "MYMOD-BENCH-ERROR not all unloaded after $1"
}

# shellcheck disable=SC2086 # the list is words
{
	# One untimed load first: the page cache holds every file for all tools.
	$K/modprobe -a $list
	n=$(wc -l </proc/modules)
	echo "MYMOD-BENCH-INFO $n modules loaded for the list of $(echo $list | wc -w)"
	unload_all warm-up
	r=1
	while [ $r -le "$rounds" ]; do
		timed kmod $K/modprobe -a $list
		unload_all kmod
		timed seq $M load --with-deps -a -j 1 $list
		unload_all seq
		timed jobs $M load --with-deps -a -j 2 $list
		unload_all jobs
		r=$((r + 1))
	done
}
echo "MYMOD-BENCH-DONE"
poweroff -f
