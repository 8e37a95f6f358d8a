#!/bin/sh
# mymod log: a crafted /dev/kmsg (MYMOD_SYSROOT, a plain file) gives the
# module's own lines, the loader's about it and stack frames in it, none of
# another module's; --follow prints what is appended until SIGTERM or
# SIGINT, then exits 0; a module not loaded still gets its past lines, exit 1.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

root=$TMP/root
mkdir -p "$root/proc" "$root/dev" "$root/sys/module/hello"
echo 'hello 16384 0 - Live 0x0000000000000000 (OE)' >"$root/proc/modules"
echo live >"$root/sys/module/hello/initstate"
kmsg=$root/dev/kmsg
cat >"$kmsg" <<'KMSG'
6,900,1000,-;hello: an earlier load
4,901,2000000,-;hello: loading out-of-tree module taints kernel.
 SUBSYSTEM=module
4,902,2000100,-;hello: module verification failed: signature and/or required key missing - tainting kernel
6,903,2500000,-;hello_user: hello greets world 3 times
4,904,3000000,-;Modules linked in: hello(OE) loop
4,905,3000001,-; hello_greet+0x5/0x20 [hello]
6,906,4000000,-;hello 0000:00:03.0: a device of its own
6,907,12345678,-;hello: hello, world (mode 2, levels 4)
KMSG
export MYMOD_SYSROOT=$root
want="[    0.001000] hello: an earlier load
[    2.000000] hello: loading out-of-tree module taints kernel.
[    2.000100] hello: module verification failed: signature and/or required key missing - tainting kernel
[    3.000001]  hello_greet+0x5/0x20 [hello]
[    4.000000] hello 0000:00:03.0: a device of its own
[   12.345678] hello: hello, world (mode 2, levels 4)"

run log hello
assert_eq "log: exit" 0 "$rc"
assert_eq "log: stderr" "" "$err"
assert_eq "log" "$want" "$out"

run log --json hello
json=$(printf '%s' "$out" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["module"], o["loaded"], len(o["lines"]))
for l in o["lines"][-2:]:
    print(l["time"], l["level"], l["text"])
') || fail "--json is not JSON: $out"
assert_eq "--json" "hello True 6
4.0 6 hello 0000:00:03.0: a device of its own
12.345678 6 hello: hello, world (mode 2, levels 4)" "$json"

# Not loaded: said (exit 1), and the past lines printed all the same.
run log hello_user
assert_eq "not loaded: exit" 1 "$rc"
assert_contains "not loaded" "hello_user: not loaded" "$err"
assert_eq "not loaded: its past lines" "[    2.500000] hello_user: hello greets world 3 times" "$out"
run log --json hello_user
assert_contains "not loaded: --json" '"loaded": false' "$out"

# A built-in module logs too: as good as loaded.
mkdir -p "$root/sys/module/loop/parameters"
echo "6,920,900000,-;loop: module loaded" >>"$kmsg"
run log loop
assert_eq "built in: exit" 0 "$rc"
assert_eq "built in" "[    0.900000] loop: module loaded" "$out"
sed -i '$d' "$kmsg"

# --follow: the past, then what is appended, until a signal; exit 0.
for sig in TERM INT; do
    "$MYMOD" log --follow hello >"$TMP/follow" 2>"$TMP/follow.err" &
    pid=$!
    sleep 0.5
    echo "6,910,20000000,-;hello: later, $sig" >>"$kmsg"
    echo "6,911,20000001,-;loop: not hello's" >>"$kmsg"
    sleep 1
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    assert_eq "--follow, SIG$sig: exit" 0 "$rc"
    assert_eq "--follow, SIG$sig" "$want
[   20.000000] hello: later, $sig" "$(cat "$TMP/follow")"
    sed -i '$d' "$kmsg"
    sed -i '$d' "$kmsg"
done
"$MYMOD" log -f -J nosuch >"$TMP/follow" 2>"$TMP/follow.err" &
pid=$!
sleep 0.5
echo "6,912,30000000,-;nosuch: it came" >>"$kmsg"
sleep 1
kill -TERM "$pid"
wait "$pid"
assert_eq "--follow, not loaded: exit" 0 "$?"
assert_contains "--follow, not loaded: said" "nosuch: not loaded" "$(cat "$TMP/follow.err")"
assert_eq "--follow --json: one object a line" '{"time":30.0,"level":6,"text":"nosuch: it came"}' \
    "$(cat "$TMP/follow")"

rm "$kmsg"
run log hello
assert_eq "no /dev/kmsg: exit" 1 "$rc"
assert_contains "no /dev/kmsg" "cannot read the kernel log $kmsg" "$err"
rm "$root/proc/modules"
run log hello
assert_eq "no /proc/modules: exit" 1 "$rc"
assert_contains "no /proc/modules" "no loadable-module support" "$err"
run log
assert_eq "no module: exit" 2 "$rc"
finish
