#!/bin/sh
# mymod check on crafted copies of real modules of the tree (signature
# dropped, one thing changed in place): each gets its finding and exit
# status; unresolved symbols and CRC mismatches as kmod's depmod -e says.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"
# shellcheck source=tests/cli/check-common.sh
. "$SRCDIR/tests/cli/check-common.sh"

tcp=$MODDIR/kernel/net/ipv4/tcp_scalable.ko  # GPL, GPL-only imports, no dependency
ofb=$MODDIR/kernel/crypto/ofb.ko              # imports namespace CRYPTO_INTERNAL
mma=$MODDIR/kernel/drivers/iio/accel/mma7455_i2c.ko # needs mma7455_core
for m in "$tcp" "$ofb" "$mma"; do
    [ -f "$m" ] || skip "no $m in the $KVER tree"
done
vermagic=$(modinfo -F vermagic "$tcp")
release=${vermagic%% *}
other=$(printf '%s' "$release" | sed 's/^\([0-9]*\.[0-9]*\.[0-9]*-\)[0-9][0-9]*/\199/')
[ "$other" != "$release" ] || skip "cannot make another release from $release"

c=$TMP/crafted
mkdir -p "$c"
python3 "$CRAFT" strip "$tcp" "$c/unsigned.ko"
python3 "$CRAFT" modinfo "$tcp" "$c/release.ko" vermagic "$vermagic" "$other${vermagic#"$release"}"
python3 "$CRAFT" modinfo "$tcp" "$c/flags.ko" vermagic "$vermagic" "$(printf '%s' "$vermagic" | sed 's/mod_unload/mod_unlaad/')"
python3 "$CRAFT" modinfo "$tcp" "$c/license.ko" license GPL BSD
python3 "$CRAFT" crc "$tcp" "$c/crc.ko" tcp_slow_start
python3 "$CRAFT" crc "$tcp" "$c/layout.ko" module_layout
python3 "$CRAFT" modinfo "$ofb" "$c/namespace.ko" import_ns CRYPTO_INTERNAL CRYPTO_INTERNAX
python3 "$CRAFT" strip "$mma" "$c/mma7455_i2c.ko"
python3 "$CRAFT" section "$tcp" "$c/noversions.ko" __versions __versionz
python3 "$CRAFT" section "$c/release.ko" "$c/noversions-release.ko" __versions __versionz

# expect FILE STATUS BLOCKERS [WARNING-CODE...]
expect() {
    file=$1 status=$2 want=$3
    shift 3
    run check -k "$KVER" --json "$c/$file"
    assert_eq "$file: exit status" "$status" "$rc"
    assert_eq "$file: blockers" "$want" "$(printf '%s' "$out" | blockers)"
    for w in "$@"; do
        case "$(printf '%s' "$out" | findings)" in
        *"warning $w "*) ;;
        *) fail "$file: no $w warning: $out" ;;
        esac
    done
}

expect unsigned.ko 0 "" signature
# The kernel compares the release only for modules without symbol versions.
expect release.ko 0 "" vermagic signature
expect flags.ko 1 "vermagic -"
expect license.ko 1 "license tcp_cong_avoid_ai
license tcp_register_congestion_control
license tcp_reno_undo_cwnd
license tcp_slow_start
license tcp_unregister_congestion_control" license
expect crc.ko 1 "modversion tcp_slow_start"
expect layout.ko 1 "modversion module_layout"
expect namespace.ko 1 "namespace crypto_cipher_encrypt_one"
expect mma7455_i2c.ko 0 ""
# Without __versions the kernel compares the release, and forces the load (taint F).
expect noversions.ko 0 "" modversion
expect noversions-release.ko 1 "vermagic -"

# The signed original: signature facts only, as info.
run check -k "$KVER" "$tcp"
assert_eq "signed original: exit status" 0 "$rc"
assert_contains "signed original: signer" "info    signature: signed (PKCS#7, " "$out"
assert_eq "signed original: verdict" "$tcp (tcp_scalable) on $KVER: loads" "$(printf '%s' "$out" | head -1)"

# A name that modules.builtin lists: nothing to load, nothing blocks.
builtin=$(sed -n '1s|.*/||; 1s|\.ko$||p' "$MODDIR/modules.builtin" | tr - _)
run check -k "$KVER" --json "$builtin"
assert_eq "built-in $builtin: exit status" 0 "$rc"
assert_contains "built-in $builtin: builtin" '"builtin": true' "$out"
run check -k "$KVER" "$builtin"
assert_contains "built-in $builtin: said" "($builtin) on $KVER: built into the kernel, nothing to load" "$out"

# A dependency missing from the tree: mma7455_i2c without mma7455_core.
mktree "$TMP/nodep" "$c/mma7455_i2c.ko"
run -b "$TMP/nodep" check -k "$KVER" --json mma7455_i2c
assert_eq "missing dependency: exit status" 1 "$rc"
assert_eq "missing dependency: blockers" "unresolved mma7455_core_probe
unresolved mma7455_core_regmap
unresolved mma7455_core_remove" "$(printf '%s' "$out" | blockers)"
assert_contains "missing dependency: provider named" \
    "exported by module mma7455_core ($TMP/nodep/lib/modules/$KVER/build/Module.symvers), which is not in the tree" "$out"
# With the provider in the tree, it is named instead.
python3 "$CRAFT" strip "$MODDIR/kernel/drivers/iio/accel/mma7455_core.ko" "$TMP/mma7455_core.ko"
mktree "$TMP/dep" "$c/mma7455_i2c.ko" "$TMP/mma7455_core.ko"
run -b "$TMP/dep" check -k "$KVER" mma7455_i2c
assert_eq "dependency present: exit status" 0 "$rc"
assert_contains "dependency present: provider named" "dependency: needs module mma7455_core for 3 symbols" "$out"

# kmod's depmod -e -E on a tree of all of them says the same of symbols.
# Not of those without __versions: depmod calls every symbol of theirs a
# CRC mismatch, while the kernel loads them as forced (the vm suite shows it).
mkdir -p "$TMP/noversions"
mv "$c"/noversions*.ko "$TMP/noversions/"
mktree "$TMP/all" "$c"/*.ko
run -b "$TMP/all" check -k "$KVER" --json "$TMP/all/lib/modules/$KVER/extra"/*.ko
assert_eq "all: exit status" 1 "$rc"
assert_eq "all: mymod vs depmod -e -E" "$(depmod_says "$TMP/all")" "$(printf '%s' "$out" | mymod_says)"

finish
