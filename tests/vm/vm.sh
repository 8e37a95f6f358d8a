#!/bin/sh
# The vm suite: boot the Debian kernel under QEMU (TCG) with an initramfs
# holding the built mymod, kmod and test modules; tests/vm/init.sh runs the
# scenarios inside and reports each on the serial console. Fails if the VM
# does not boot, a scenario fails, or one does not report.
# MYMOD_VM_VERBOSE=1 shows every command's output in the console log.
. "$SRCDIR/tests/lib.sh"

VM_KVER=${MYMOD_VM_KVER:-$KVER}
export VM_KVER
kernel=/boot/vmlinuz-$VM_KVER
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
[ -r "$kernel" ] || skip "no kernel image $kernel (apt-get install linux-image-amd64)"
[ -d "/lib/modules/$VM_KVER/kernel" ] || skip "no modules for $VM_KVER"
command -v busybox >/dev/null || skip "busybox is not installed (busybox-static)"

vmdir=$BUILDDIR/tests/vm/run
mkdir -p "$vmdir"
init=$SRCDIR/tests/vm/init.sh
"$SRCDIR/tests/vm/mkinitramfs.sh" "$vmdir" "$init" || { fail "cannot build the initramfs"; finish; }

log=$vmdir/console.log
timeout 150 qemu-system-x86_64 -accel tcg -m 512M -nographic -no-reboot \
    -kernel "$kernel" -initrd "$vmdir/initramfs.cpio" \
    -append "console=ttyS0 loglevel=1 panic=-1${MYMOD_VM_VERBOSE:+ mymod.verbose}" </dev/null >"$log" 2>&1
qrc=$?
tr -d '\r' <"$log" >"$log.txt"
[ "$qrc" = 0 ] || fail "qemu exited with $qrc (124: timed out); console in $log.txt"

grep -q 'MYMOD-VM-BOOT ' "$log.txt" || fail "the VM did not boot into the test init"
expected=$(sed -n 's/^scenario \([a-z0-9_]*\).*/\1/p' "$init")
[ -n "$expected" ] || fail "no scenarios found in $init"
for s in $expected; do
    line=$(grep "^MYMOD-TEST $s " "$log.txt")
    case $line in
    "MYMOD-TEST $s PASS") echo "ok: $s" ;;
    "MYMOD-TEST $s FAIL"*) fail "$s: ${line#MYMOD-TEST $s FAIL }" ;;
    *) fail "$s: did not report" ;;
    esac
done
grep -q '^MYMOD-VM-DONE' "$log.txt" || fail "the VM did not finish its scenarios"
[ "$failures" = 0 ] || { echo "--- console ---" >&2; tail -50 "$log.txt" >&2; }
finish
