#!/bin/sh
# The vm suite's check half: crafted copies of real modules (made here, on
# the host, with tests/craft-ko.py) go into the test VM's initramfs beside
# the kernel's Module.symvers and configuration; tests/vm/check-init.sh
# then compares mymod check's verdict with the kernel's, module by module.
# The initramfs is tests/vm/mkinitramfs.sh's with check-init.sh as /init,
# and a second cpio archive appended (the kernel unpacks both).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
# shellcheck source=tests/vm/vm-lib.sh
. "$SRCDIR/tests/vm/vm-lib.sh"
vm_preflight
hostmods=/lib/modules/$VM_KVER
[ -f "$hostmods/build/Module.symvers" ] || skip "no headers for $VM_KVER"

vmdir=$BUILDDIR/tests/vm/check-run
init=$SRCDIR/tests/vm/check-init.sh
craft="python3 $SRCDIR/tests/craft-ko.py"
mkdir -p "$vmdir"
"$SRCDIR/tests/vm/mkinitramfs.sh" "$vmdir" "$init" || { fail "cannot build the initramfs"; finish; }

extra=$vmdir/extra
rm -rf "$extra"
mkdir -p "$extra/check" "$extra/lib/modules/$VM_KVER/build/include/generated"
build=$extra/lib/modules/$VM_KVER/build
cp "$hostmods/build/Module.symvers" "$hostmods/build/.config" "$build/"
cp "$hostmods/build/include/generated/utsrelease.h" "$build/include/generated/"

tcp=$hostmods/kernel/net/ipv4/tcp_scalable.ko
vermagic=$(modinfo -F vermagic "$tcp")
release=${vermagic%% *}
other=$(printf '%s' "$release" | sed 's/^\([0-9]*\.[0-9]*\.[0-9]*-\)[0-9][0-9]*/\199/')
c=$extra/check
cp "$tcp" "$c/tcp_scalable.ko"
$craft strip "$tcp" "$c/unsigned.ko" &&
    $craft modinfo "$tcp" "$c/release.ko" vermagic "$vermagic" "$other${vermagic#"$release"}" &&
    $craft modinfo "$tcp" "$c/flags.ko" vermagic "$vermagic" "$(printf '%s' "$vermagic" | sed 's/mod_unload/mod_unlaad/')" &&
    $craft modinfo "$tcp" "$c/license.ko" license GPL BSD &&
    $craft crc "$tcp" "$c/crc.ko" tcp_slow_start &&
    $craft crc "$tcp" "$c/layout.ko" module_layout &&
    $craft modinfo "$hostmods/kernel/crypto/ofb.ko" "$c/namespace.ko" import_ns CRYPTO_INTERNAL CRYPTO_INTERNAX &&
    $craft strip "$hostmods/kernel/drivers/iio/accel/mma7455_i2c.ko" "$c/mma7455_i2c.ko" &&
    $craft machine "$FIXTURES/hello.ko" "$c/hello-aarch64.ko" 183 &&
    $craft rename "$FIXTURES/hello.ko" "$c/hellx.ko" hellx &&
    $craft section "$tcp" "$c/noversions.ko" __versions __versionz &&
    $craft section "$c/release.ko" "$c/noversions-release.ko" __versions __versionz ||
    { fail "cannot craft the modules"; finish; }
# tcp_scalable signed again, by mymod sign, with a key of our own, one the
# kernel does not have.
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mymod test key" \
    -keyout "$vmdir/key.pem" -out "$vmdir/key.pem" 2>/dev/null &&
    "$MYMOD" sign --output "$c/foreign.ko" "$vmdir/key.pem" "$vmdir/key.pem" "$c/unsigned.ko" ||
    { fail "cannot sign tcp_scalable with a key of our own"; finish; }
# Debian's signed tcp_scalable with one byte changed (in .text), for verify --keyring.
text=$(readelf -S -W "$tcp" | awk '{ sub(/^ *\[ *[0-9]+\] */, "") } $1 == ".text" { print $4 }')
cp "$tcp" "$c/changed.ko" &&
    printf '\314' | dd of="$c/changed.ko" bs=1 seek=$((0x$text + 1)) conv=notrunc status=none ||
    { fail "cannot change a byte of tcp_scalable"; finish; }
# The kernel image: the certificates of its built-in keys (verify --keyring).
mkdir -p "$extra/boot" && cp "/boot/vmlinuz-$VM_KVER" "$extra/boot/" ||
    { fail "cannot copy the kernel image"; finish; }
# A tree of its own (-b): hello relicensed BSD, and hello_user, which needs it.
ptree=$c/ptree/lib/modules/$VM_KVER
mkdir -p "$ptree/extra"
ln -s "/lib/modules/$VM_KVER/build" "$ptree/build"
$craft modinfo "$FIXTURES/hello.ko" "$ptree/extra/hello.ko" license GPL BSD &&
    cp "$FIXTURES/hello_user.ko" "$ptree/extra/" &&
    depmod -b "$c/ptree" "$VM_KVER" 2>/dev/null || { fail "cannot make the proprietary tree"; finish; }
# hello_user with a CRC for hello_greet that hello.ko does not export it with.
$craft crc "$FIXTURES/hello_user.ko" "$c/hello_user-badcrc.ko" hello_greet ||
    { fail "cannot craft hello_user-badcrc.ko"; finish; }

# A tree without the headers: the running kernel's exports come from /proc/kallsyms.
ktree=$c/ktree/lib/modules/$VM_KVER
mkdir -p "$ktree/extra"
cp "$c/unsigned.ko" "$ktree/extra/tcp_scalable.ko" &&
    cp "$FIXTURES/hello_user.ko" "$ktree/extra/" &&
    depmod -b "$c/ktree" "$VM_KVER" 2>/dev/null || { fail "cannot make the kallsyms tree"; finish; }
(cd "$extra" && find . -mindepth 1 | sort | cpio -o -H newc --quiet) >>"$vmdir/initramfs.cpio"

vm_boot "$vmdir"
grep '^MYMOD-CHECK ' "$vmdir/console.log.txt"
vm_report "$init" "$vmdir/console.log.txt"
finish
