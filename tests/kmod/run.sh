#!/bin/bash
# Run kmod's own testsuite (built by tests/kmod/build.sh in WORKDIR) against
# BINARY as kmod's tools: build/tools/{kmod,modprobe,insmod,rmmod,lsmod,
# modinfo,depmod}, which the test binaries exec, become links to BINARY, so
# the basename of argv[0] says which tool it is to be.
# usage: tests/kmod/run.sh WORKDIR BINARY [TEST...]
#   TEST  a test case (modprobe_show_depends) or a whole test binary
#         (test-modprobe); default: every case of the binaries below.
# Prints PASS, FAIL or SKIP and the name of each case, then a summary; exits
# 1 if any case fails or skips (in this build none should skip), 2 on bad
# use. Each case's output is in WORKDIR/logs/CASE.log; with a single case,
# a failure's log is printed too. Takes WORKDIR's lock: runs (and builds)
# in one WORKDIR wait for each other. The rootfs is copied afresh for each
# case, since tests write into it.
set -uo pipefail

# The test binaries that exec a tool, then those of libkmod alone (they run
# as kmod builds them; the fakes still apply). test-tools runs
# `kmod insert` and `kmod remove`: experimental in kmod 30.
TOOL_TESTS="test-modprobe test-modinfo test-depmod test-tools"
LIB_TESTS="test-blacklist test-dependencies test-loaded test-initstate test-init"
TOOLS="kmod modprobe insmod rmmod lsmod modinfo depmod"
CASE_TIMEOUT=120

usage() {
    echo "usage: tests/kmod/run.sh WORKDIR BINARY [TEST...]" >&2
    exit 2
}
die() {
    echo "kmod/run.sh: $*" >&2
    exit 2
}

[ $# -ge 2 ] || usage
[ -d "$1" ] || die "no directory $1 (build it with tests/kmod/build.sh $1)"
work=$(cd "$1" && pwd)
build=$work/build
[ -x "$build/testsuite/test-modprobe" ] && [ -d "$work/rootfs" ] ||
    die "$work holds no built testsuite (run tests/kmod/build.sh $1)"
case $2 in
/*) bin=$2 ;;
*) bin=$PWD/$2 ;;
esac
[ -f "$bin" ] && [ -x "$bin" ] || die "$2 is not an executable file"
shift 2

exec 9>"$work/lock"
if ! flock -n 9; then
    echo "kmod/run.sh: waiting for another run or build in $work" >&2
    flock 9
fi

# cases_of BINARY: its test cases, as its -l lists them ("\tNAME, what").
cases_of() {
    "$build/testsuite/$1" -l | sed -n 's/^\t\([^,]*\),.*/\1/p'
}

# The cases to run, as "BINARY CASE" lines.
all=$(for t in $TOOL_TESTS $LIB_TESTS; do
    [ -x "$build/testsuite/$t" ] || die "$build/testsuite/$t is missing (run tests/kmod/build.sh $work)"
    cases_of "$t" | awk -v t="$t" '!seen[$0]++ { print t " " $0 }'
done) || exit 2
[ -n "$all" ] || die "the test binaries list no test cases"
if [ $# -gt 0 ]; then
    selected=
    for want in "$@"; do
        lines=$(echo "$all" | awk -v w="$want" '$1 == w || $2 == w')
        [ -n "$lines" ] || die "no test binary or case named $want (cases: tests/kmod/run.sh lists them all when run without TEST)"
        selected="$selected$lines"$'\n'
    done
    all=${selected%$'\n'}
fi

# fresh_rootfs: the populated rootfs, as build.sh left it, for each case:
# tests write into it (depmod's indexes, the fakes' /sys/module), and
# testsuite.c refuses a rootfs changed since testsuite/stamp-rootfs.
fresh_rootfs() {
    rm -rf "$build/testsuite/rootfs" &&
        cp -a "$work/rootfs" "$build/testsuite/rootfs" &&
        touch "$build/testsuite/stamp-rootfs" || die "cannot copy the rootfs"
}

# The tools under test.
for tool in $TOOLS; do
    rm -f "$build/tools/$tool" "$build/tools/.libs/$tool" "$build/tools/.libs/lt-$tool"
    ln -s "$bin" "$build/tools/$tool" || die "cannot link $build/tools/$tool"
done
rm -rf "$work/logs"
mkdir -p "$work/logs"

# Nothing from the caller's environment that changes what a tool does.
unset LD_PRELOAD MODPROBE_OPTIONS
cd "$build" || exit 2
pass=0
failed=()
ncases=$(echo "$all" | wc -l)
while read -r t c; do
    log=$work/logs/$c.log
    # kmod's testsuite.c names cases for -l and for running one; test-init
    # has two cases named test_load_resources, and by name only the first
    # runs: such a name runs the whole binary and passes if each case of
    # that name did (the binary stops at its first failure).
    n=$(cases_of "$t" | grep -cx "$c")
    fresh_rootfs
    if [ "$n" = 1 ]; then
        timeout "$CASE_TIMEOUT" "testsuite/$t" "$c" >"$log" 2>&1
    else
        timeout "$CASE_TIMEOUT" "testsuite/$t" >"$log" 2>&1
    fi
    rc=$?
    [ "$rc" != 124 ] || echo "timed out after $CASE_TIMEOUT s" >>"$log"
    # A failed case's exit status is lost (main returns a wait status, 256,
    # truncated to 0), so the verdict is the testsuite's own line.
    if [ "$rc" = 0 ] && [ "$(grep -cxE "TESTSUITE: (PASSED|EXPECTED FAIL): $c" "$log")" = "$n" ]; then
        result=PASS
    elif [ "$rc" = 0 ] && grep -qx "TESTSUITE: SKIPPED: $c" "$log"; then
        result=SKIP
    else
        result=FAIL
    fi
    if [ "$n" = 1 ]; then
        echo "$result $t $c"
    else
        echo "$result $t $c ($n cases of this name: the whole $t ran)"
    fi
    if [ "$result" = PASS ]; then
        pass=$((pass + 1))
    else
        failed+=("$result $t $c: $log")
        [ "$ncases" != 1 ] || sed 's/^/    /' "$log"
    fi
done <<<"$all"

echo "kmod testsuite with $bin: $pass of $ncases passed"
[ ${#failed[@]} = 0 ] && exit 0
echo "not passed (SKIP counts: nothing should skip in this build):"
printf '  %s\n' "${failed[@]}"
exit 1
