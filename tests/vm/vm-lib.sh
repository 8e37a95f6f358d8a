# shellcheck shell=sh
# Shared by the host-side VM runners (vm.sh, check-vm.sh): sourced after
# tests/lib.sh, never run. Boots Debian's kernel under QEMU (TCG) with an
# initramfs from mkinitramfs.sh, and reads the scenarios' reports.

VM_KVER=${MYMOD_VM_KVER:-$KVER}
export VM_KVER
vm_kernel=/boot/vmlinuz-$VM_KVER

# What every VM run needs; a missing piece skips (fails under CI).
vm_preflight() {
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
    [ -r "$vm_kernel" ] || skip "no kernel image $vm_kernel (apt-get install linux-image-amd64)"
    [ -d "/lib/modules/$VM_KVER/kernel" ] || skip "no modules for $VM_KVER"
    command -v busybox >/dev/null || skip "busybox is not installed (busybox-static)"
    command -v keyctl >/dev/null || skip "keyctl is not installed (keyutils)"
}

# vm_boot DIR [APPEND]: boot DIR/initramfs.cpio; the console goes to
# DIR/console.log.txt. Returns qemu's status (124: timed out).
vm_boot() {
    local dir=$1 append=${2:-} rc
    timeout 900 qemu-system-x86_64 -accel tcg -m 512M -nographic -no-reboot \
        -kernel "$vm_kernel" -initrd "$dir/initramfs.cpio" \
        -append "console=ttyS0 loglevel=1 panic=-1$append" </dev/null >"$dir/console.log" 2>&1
    rc=$?
    tr -d '\r' <"$dir/console.log" >"$dir/console.log.txt"
    [ "$rc" = 0 ] || fail "qemu exited with $rc (124: timed out); console in $dir/console.log.txt"
    return "$rc"
}

# vm_report INIT LOG: every `scenario NAME` of INIT must have reported PASS
# in LOG; the VM must have booted and finished.
vm_report() {
    local init=$1 log=$2 expected s line
    grep -q 'MYMOD-VM-BOOT ' "$log" || fail "the VM did not boot into $(basename "$init")"
    expected=$(sed -n 's/^scenario \([a-z0-9_]*\).*/\1/p' "$init")
    [ -n "$expected" ] || fail "no scenarios found in $init"
    for s in $expected; do
        line=$(grep "^MYMOD-TEST $s " "$log")
        case $line in
        "MYMOD-TEST $s PASS") echo "ok: $s" ;;
        "MYMOD-TEST $s FAIL"*) fail "$s: ${line#MYMOD-TEST $s FAIL }" ;;
        *) fail "$s: did not report" ;;
        esac
    done
    grep -q '^MYMOD-VM-DONE' "$log" || fail "the VM did not finish its scenarios"
    [ "$failures" = 0 ] && return
    echo "--- console (without the kernel's messages) ---" >&2
    grep -v '^MYMOD-KMSG ' "$log" | tail -50 >&2
    echo "--- the kernel's last messages ---" >&2
    grep '^MYMOD-KMSG ' "$log" | tail -60 >&2
}
