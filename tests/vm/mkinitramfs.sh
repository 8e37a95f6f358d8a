#!/bin/sh
# Build the test VM's initramfs: busybox, the built mymod and kmod (with
# their shared libraries), the fixture modules and a few real ones from the
# installed tree under /lib/modules/KVER (indexed by kmod's depmod), crafted
# bad modules under /data, and INIT as /init.
#
# usage: mkinitramfs.sh OUTDIR INIT
# env:   MYMOD (the binary), FIXTURES (built fixtures), VM_KVER (the kernel);
#        MYMOD_VM_MODULES: more real modules to copy, with what they need
# Writes OUTDIR/initramfs.cpio (uncompressed: quicker to unpack under TCG).
set -eu
out=$1
init=$2
: "${MYMOD:?}" "${FIXTURES:?}" "${VM_KVER:?}"
hostmods=/lib/modules/$VM_KVER
PATH=$PATH:/usr/sbin:/sbin
root=$out/root
mods=$root/lib/modules/$VM_KVER

# The real modules: loop (parameters), a dependency chain, nvme with
# everything modprobe would load for it (its softdeps' aliases included),
# and nvme_fabrics, another user of nvme_core.
real_modules="loop crct10dif_common crc_t10dif crc64 crc64_rocksoft t10_pi nvme_fabrics
$(for m in nvme ${MYMOD_VM_MODULES:-}; do
    modprobe -S "$VM_KVER" --show-depends --ignore-install "$m" | awk '$1 == "insmod" { print $2 }'
done | sed 's|.*/||; s|\.ko.*||' | sort -u)"

rm -rf "$root"
mkdir -p "$root"/bin "$root"/usr/bin "$root"/kmod "$root"/etc/modprobe.d "$root"/data \
    "$root"/proc "$root"/sys "$root"/dev "$root"/tmp "$mods"/extra

# copy_bin SRC DEST: the program and every library ldd lists, at the same paths.
copy_bin() {
    cp -L "$1" "$root$2"
    ldd "$1" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | while read -r lib; do
        mkdir -p "$root$(dirname "$lib")"
        [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
    done
}

cp /bin/busybox "$root/bin/busybox"
copy_bin "$MYMOD" /usr/bin/mymod
copy_bin "$(command -v kmod)" /usr/bin/kmod
copy_bin "$(command -v keyctl)" /usr/bin/keyctl
# The libraries mymod opens with dlopen, which ldd does not list: libelf
# (modules), libdw (decode, addr), zlib, libzstd, liblzma (compressed
# modules), json-c (--json) and libsmartcols (tables).
for so in libelf.so.1 libdw.so.1 libz.so.1 libzstd.so.1 liblzma.so.5 libjson-c.so.5 libsmartcols.so.1; do
    lib=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ { print $NF; exit }')
    [ -n "$lib" ] || { echo "mkinitramfs: no $so (scripts/install-deps)" >&2; exit 1; }
    mkdir -p "$root$(dirname "$lib")"
    copy_bin "$lib" "$lib"
done
for tool in insmod rmmod modprobe lsmod modinfo; do
    ln -s /usr/bin/kmod "$root/kmod/$tool"
done
# mymod behind the kmod names (src/names/), as -Dkmod-names installs them.
mkdir -p "$root/names"
for tool in insmod rmmod modprobe lsmod modinfo depmod kmod; do
    ln -s /usr/bin/mymod "$root/names/$tool"
done

cp "$FIXTURES"/hello.ko "$FIXTURES"/hello_user.ko "$FIXTURES"/hello_fail.ko \
    "$FIXTURES"/hello_chain_fail.ko "$FIXTURES"/hello_permanent.ko "$FIXTURES"/hello_warn.ko \
    "$FIXTURES"/hello_dev.ko "$mods/extra/"
for m in $real_modules; do
    rel=$(modinfo -k "$VM_KVER" -n "$m" | sed "s|^$hostmods/||")
    case $rel in
    kernel/*) ;;
    *) echo "mkinitramfs: $m is not a module file of $VM_KVER ($rel)" >&2; exit 1 ;;
    esac
    mkdir -p "$mods/$(dirname "$rel")"
    cp "$hostmods/$rel" "$mods/$rel"
done
cp "$hostmods/modules.builtin" "$hostmods/modules.builtin.modinfo" "$hostmods/modules.order" "$mods/"
depmod -b "$root" "$VM_KVER"

# Compressed copies, outside the module directory (depmod would see two hellos).
data=$root/data
gzip -c "$FIXTURES/hello.ko" >"$data/hello.ko.gz"
xz -c --check=crc32 "$FIXTURES/hello.ko" >"$data/hello.ko.xz"
zstd -q -c "$FIXTURES/hello.ko" >"$data/hello.ko.zst"

# patch FILE NEEDLE REPLACEMENT: overwrite the first NEEDLE in FILE, same length.
patch() {
    off=$(grep -boa -m1 "$2" "$1" | head -1 | cut -d: -f1)
    [ -n "$off" ] || { echo "mkinitramfs: no '$2' in $1" >&2; exit 1; }
    printf '%s' "$3" | dd of="$1" bs=1 seek="$off" conv=notrunc status=none
}
# A vermagic the kernel refuses (the release part is not compared under
# modversions, so change a flag word).
cp "$FIXTURES/hello.ko" "$data/hello-badmagic.ko"
patch "$data/hello-badmagic.ko" "mod_unload modversions" "mod_unloax modversions"
xz -c --check=crc32 "$data/hello-badmagic.ko" >"$data/hello-badmagic.ko.xz"
# A symbol version (CRC) the kernel does not have: the first __versions entry's.
cp "$FIXTURES/hello.ko" "$data/hello-badcrc.ko"
versions=$(readelf -S -W "$data/hello-badcrc.ko" | awk '$2 == "__versions" { print $5 }')
[ -n "$versions" ] || { echo "mkinitramfs: hello.ko has no __versions" >&2; exit 1; }
printf '\377\377\377\377' |
    dd of="$data/hello-badcrc.ko" bs=1 seek=$((0x$versions)) conv=notrunc status=none
# Another architecture: e_machine (offset 18) = 183, EM_AARCH64.
cp "$FIXTURES/hello.ko" "$data/hello-aarch64.ko"
printf '\267\000' | dd of="$data/hello-aarch64.ko" bs=1 seek=18 conv=notrunc status=none
# A signed module changed after signing.
cp "$hostmods/kernel/drivers/block/loop.ko" "$data/loop-tampered.ko"
patch "$data/loop-tampered.ko" "license=GPL" "license=gpl"

# hello_dev rebuilt: version 2.0; and a build whose init fails (hello_dex
# under hello_dev's name), for reload.
craft="python3 $(dirname "$0")/../craft-ko.py"
$craft modinfo "$FIXTURES/hello_dev.ko" "$data/hello_dev-v2.ko" version 1.0 2.0
$craft rename "$FIXTURES/hello_dex.ko" "$data/hello_dev-broken.ko" hello_dev

# The line of hello_warn's WARN_ON, which decode must name.
grep -n HELLO_WARN_LINE "$(dirname "$0")/../fixtures/hello_warn.c" | cut -d: -f1 >"$data/hello_warn.line"

cat >"$root/etc/modprobe.d/mymod-test.conf" <<'CONF'
options hello whom=config count=4
blacklist hello
CONF
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

cp "$init" "$root/init"
cp "$(dirname "$0")/vm-init-lib.sh" "$root/vm-init-lib.sh"
chmod 755 "$root/init"
(cd "$root" && find . | sort | cpio -o -H newc --quiet) >"$out/initramfs.cpio"
