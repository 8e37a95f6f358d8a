#!/bin/sh
# The vm suite: boot the Debian kernel under QEMU (TCG) with an initramfs
# holding the built mymod, kmod and test modules; tests/vm/init.sh runs the
# scenarios inside and reports each on the serial console. Fails if the VM
# does not boot, a scenario fails, or one does not report.
# MYMOD_VM_VERBOSE=1 shows every command's output in the console log.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
# shellcheck source=tests/vm/vm-lib.sh
. "$SRCDIR/tests/vm/vm-lib.sh"
vm_preflight

vmdir=$BUILDDIR/tests/vm/run
mkdir -p "$vmdir"
init=$SRCDIR/tests/vm/init.sh
"$SRCDIR/tests/vm/mkinitramfs.sh" "$vmdir" "$init" || { fail "cannot build the initramfs"; finish; }

vm_boot "$vmdir" "${MYMOD_VM_VERBOSE:+ mymod.verbose}"
vm_report "$init" "$vmdir/console.log.txt"

# The module frames mymod decoded in the VM, decoded on the host by
# binutils' addr2line on the same fixture file: the same file, line and
# inline chain.
decoded=$(sed -n 's/^MYMOD-DECODE //p' "$vmdir/console.log.txt")
[ -n "$decoded" ] || fail "decode: no MYMOD-DECODE lines on the console"
echo "$decoded" | while IFS= read -r line; do
    frame=$(echo "$line" | grep -oE '[A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[hello_warn\]')
    sym=${frame%%+*}
    off=${frame#*+}
    off=${off%%/*}
    want="$frame$(decode_expected "$FIXTURES/hello_warn.ko" "$sym" $((off)))"
    case $line in
    *"$want") echo "ok: decode: $frame" ;;
    *) echo "FAIL: decode: the VM says [$line], addr2line [$want]" >&2; exit 1 ;;
    esac
done || fail "decode: the VM's frames disagree with addr2line"

# The same for mymod addr: the address the VM resolved, and addr2line's line for it.
addr=$(sed -n 's/^MYMOD-ADDR //p' "$vmdir/console.log.txt")
[ -n "$addr" ] || fail "addr: no MYMOD-ADDR line on the console"
frame=$(echo "$addr" | grep -oE 'poke_set\+0x[0-9a-f]+/0x[0-9a-f]+ \[hello_dev\]')
off=${frame#*+}
off=${off%%/*}
want="$frame$(decode_expected "$FIXTURES/hello_dev.ko" poke_set $((off)))"
case $addr in
*"$want") echo "ok: addr: $frame" ;;
*) fail "addr: the VM says [$addr], addr2line [$want]" ;;
esac
finish
