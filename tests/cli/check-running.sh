#!/bin/sh
# mymod check against the running kernel: its state (and its release)
# comes from /proc and /sys, here a fake tree (MYMOD_SYSROOT) beside a
# module directory named after that release (-b), so nothing depends on the
# host's kernel.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
# shellcheck source=tests/cli/check-common.sh
. "$SRCDIR/tests/cli/check-common.sh"

running=9.9.9-running
root=$TMP/root
sys=$TMP/sys
mkdir -p "$root/lib/modules/$running/extra" "$sys/proc/sys/kernel" "$sys/sys/module" \
    "$sys/sys/kernel/security"
echo "$running" >"$sys/proc/sys/kernel/osrelease"
ln -s "$MODDIR/build" "$root/lib/modules/$running/build"
cp "$FIXTURES/hello.ko" "$FIXTURES/hello_user.ko" "$root/lib/modules/$running/extra/"
depmod -b "$root" "$running" 2>/dev/null || fail "depmod -b $root $running"

# check_running ARGS...: mymod check on the running kernel, as root would see it.
check_running() {
    MYMOD_SYSROOT=$sys run -b "$root" -k "$running" check "$@"
}

# A kernel without loadable-module support (as the host's own).
check_running --json hello
assert_eq "no /proc/modules: exit status" 1 "$rc"
assert_contains "no /proc/modules: running" '"running": true' "$out"
assert_eq "no /proc/modules: blockers" "kernel-state -" "$(printf '%s' "$out" | blockers)"
assert_contains "no /proc/modules: errno" '"errno": "ENOSYS"' "$out"

: >"$sys/proc/modules"
echo 0 >"$sys/proc/sys/kernel/modules_disabled"
echo "[none] integrity confidentiality" >"$sys/sys/kernel/security/lockdown"
check_running hello
assert_eq "nothing loaded: exit status" 0 "$rc"
assert_contains "nothing loaded: verdict" "(hello) on $running: loads, with 2 warnings" "$out"
check_running hello_user
assert_eq "hello not loaded: exit status" 0 "$rc"
assert_contains "hello not loaded: dependency" \
    "warning dependency: needs module hello for 3 symbols (hello_count, hello_whom, hello_greet), which is not loaded" "$out"
check_running --json hello_user
assert_contains "hello not loaded: dependency errno" '"errno": "ENOENT"' "$out"

echo 1 >"$sys/proc/sys/kernel/modules_disabled"
check_running --json hello
assert_eq "modules_disabled: exit status" 1 "$rc"
assert_eq "modules_disabled: blockers" "kernel-state -" "$(printf '%s' "$out" | blockers)"
assert_contains "modules_disabled: errno" '"errno": "EPERM"' "$out"
echo 0 >"$sys/proc/sys/kernel/modules_disabled"

echo "none [integrity] confidentiality" >"$sys/sys/kernel/security/lockdown"
check_running hello
assert_eq "lockdown, unsigned: exit status" 1 "$rc"
assert_contains "lockdown, unsigned: finding" \
    "blocker signature: unsigned, and the kernel is locked down (integrity)" "$out"
echo "[none] integrity confidentiality" >"$sys/sys/kernel/security/lockdown"

mkdir -p "$sys/sys/module/module/parameters"
echo Y >"$sys/sys/module/module/parameters/sig_enforce"
check_running --json hello
assert_eq "sig_enforce, unsigned: exit status" 1 "$rc"
assert_eq "sig_enforce, unsigned: blockers" "signature -" "$(printf '%s' "$out" | blockers)"
assert_contains "sig_enforce, unsigned: errno" '"errno": "EKEYREJECTED"' "$out"
echo N >"$sys/sys/module/module/parameters/sig_enforce"

# hello is loaded: hello cannot be loaded again; hello_user's dependency is met.
echo "hello 16384 0 - Live 0x0000000000000000 (OE)" >"$sys/proc/modules"
mkdir -p "$sys/sys/module/hello"
echo live >"$sys/sys/module/hello/initstate"
modinfo -F srcversion "$FIXTURES/hello.ko" >"$sys/sys/module/hello/srcversion"
check_running hello
assert_eq "hello loaded: exit status" 1 "$rc"
assert_contains "hello loaded: finding" \
    "blocker kernel-state: hello is already loaded (Live, the same build)" "$out"
echo 0123456789ABCDEF0123456 >"$sys/sys/module/hello/srcversion"
check_running hello
assert_contains "another hello loaded: finding" \
    "hello is already loaded (Live, another build: srcversion 0123456789ABCDEF0123456, the file's $(modinfo -F srcversion "$FIXTURES/hello.ko"))" "$out"
check_running hello_user
assert_eq "hello loaded, hello_user: exit status" 0 "$rc"
assert_contains "hello loaded, hello_user: dependency" "info    dependency: needs module hello for 3 symbols (hello_count, hello_whom, hello_greet), loaded" "$out"

# A built-in module of the same name: /sys/module/hello without initstate.
: >"$sys/proc/modules"
rm "$sys/sys/module/hello/initstate"
check_running --json "$FIXTURES/hello.ko"
assert_eq "hello built in: exit status" 1 "$rc"
assert_eq "hello built in: blockers" "kernel-state -" "$(printf '%s' "$out" | blockers)"
assert_contains "hello built in: message" "a module named hello is built into the running kernel" "$out"

# Without the headers (no Module.symvers), the running kernel's exports
# come from /proc/kallsyms: its __ksymtab_ entries, a loaded module's too.
bare=$TMP/bare
mkdir -p "$bare/lib/modules/$running/extra"
cp "$FIXTURES/hello_fail.ko" "$FIXTURES/hello_user.ko" "$bare/lib/modules/$running/extra/"
depmod -b "$bare" "$running" 2>/dev/null || fail "depmod -b $bare $running"
printf '%s\n' "ffffffff8aa63b84 r __ksymtab__printk" "ffffffff8aa63b90 r __ksymtab___fentry__" \
    "ffffffff8aa63b9c T _printk" "ffffffffc0a01000 r __ksymtab_hello_greet	[hello]" \
    "ffffffffc0a0100c r __ksymtab_hello_count	[hello]" >"$sys/proc/kallsyms"
MYMOD_SYSROOT=$sys run -b "$bare" -k "$running" check --json hello_fail
assert_eq "kallsyms, hello_fail: exit status" 1 "$rc"
assert_eq "kallsyms, hello_fail: blockers" "unresolved __x86_return_thunk" "$(printf '%s' "$out" | blockers)"
echo "ffffffff8aa63ba8 r __ksymtab___x86_return_thunk" >>"$sys/proc/kallsyms"
MYMOD_SYSROOT=$sys run -b "$bare" -k "$running" check --json hello_fail
assert_eq "kallsyms, hello_fail resolved: exit status" 0 "$rc"
echo "hello 16384 0 - Live 0x0000000000000000 (OE)" >"$sys/proc/modules"
echo live >"$sys/sys/module/hello/initstate"
MYMOD_SYSROOT=$sys run -b "$bare" -k "$running" check hello_user
assert_eq "kallsyms, hello_user: exit status" 1 "$rc"
assert_contains "kallsyms, hello_user: loaded hello's symbols" \
    "needs module hello for 2 symbols (hello_count, hello_greet), loaded" "$out"
assert_contains "kallsyms, hello_user: the one hello does not export" \
    "blocker unresolved: hello_whom: unknown symbol" "$out"
# A renamed copy of hello exports what the loaded hello exports.
python3 "$CRAFT" rename "$FIXTURES/hello.ko" "$TMP/hellx.ko" hellx
MYMOD_SYSROOT=$sys run -b "$bare" -k "$running" check --json "$TMP/hellx.ko"
assert_eq "duplicate exports: exit status" 1 "$rc"
assert_eq "duplicate exports: blockers" "duplicate-export hello_count
duplicate-export hello_greet" "$(printf '%s' "$out" | blockers | grep duplicate-export)"
assert_contains "duplicate exports: owner" "hello_greet: exports a symbol loaded module hello exports" "$out"

# Without kallsyms either, what the kernel exports is unknown: not a blocker.
rm "$sys/proc/kallsyms"
MYMOD_SYSROOT=$sys run -b "$bare" -k "$running" check hello_fail
assert_eq "no kallsyms: exit status" 0 "$rc"
assert_contains "no kallsyms: said" "whether the kernel exports them is unknown" "$out"

finish
