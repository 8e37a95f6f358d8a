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
finish
