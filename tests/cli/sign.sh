#!/bin/sh
# mymod sign against the kernel's scripts/sign-file: the same bytes for the
# same key, hash and module (the fixtures and Debian's modules, PEM and DER
# certificates, sha256/384/512, detached); a signed module is refused
# unless --resign; a compressed one is refused with why, or with
# --recompress signed inside; bad keys, a key that is not the
# certificate's, an unknown hash: exit 1 with the file untouched; the mode
# is kept. mymod
# verify: valid, changed, another key, not signed, a damaged PKCS#7; by
# module name; --keyring's bad kernel images (the keyring itself: the VM).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

SIGNFILE=$MODDIR/build/scripts/sign-file
[ -x "$SIGNFILE" ] || skip "no $SIGNFILE (linux-headers)"
command -v openssl >/dev/null || skip "no openssl"

cd "$TMP" || exit 1
openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 -subj "/CN=mymod test key" \
    -outform PEM -out cert.pem -keyout key.pem 2>/dev/null || fail "openssl req failed"
openssl x509 -in cert.pem -outform DER -out cert.der
openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 -subj "/CN=another key" \
    -outform PEM -out other.pem -keyout otherkey.pem 2>/dev/null
HELLO=$FIXTURES/hello.ko

for h in sha256 sha384 sha512; do
    for c in cert.pem cert.der; do
        cp "$HELLO" theirs.ko
        cp "$HELLO" ours.ko
        "$SIGNFILE" "$h" key.pem "$c" theirs.ko
        run sign --hash "$h" key.pem "$c" ours.ko
        assert_eq "sign $h $c: exit" 0 "$rc"
        cmp -s theirs.ko ours.ko || fail "sign $h $c: not sign-file's bytes"
    done
done

# A sample of Debian's modules, their signatures stripped: small and large,
# many sections or few.
for m in kernel/drivers/block/loop.ko kernel/net/ipv4/tcp_scalable.ko kernel/fs/xfs/xfs.ko \
    kernel/crypto/ofb.ko kernel/drivers/nvme/host/nvme-core.ko; do
    python3 "$SRCDIR/tests/craft-ko.py" strip "$MODDIR/$m" debian.ko || fail "cannot strip $m"
    for h in sha256 sha384 sha512; do
        cp debian.ko theirs.ko
        cp debian.ko ours.ko
        "$SIGNFILE" "$h" key.pem cert.der theirs.ko
        run sign --hash "$h" key.pem cert.der ours.ko
        assert_eq "sign $h $m: exit" 0 "$rc"
        cmp -s theirs.ko ours.ko || fail "sign $h $m: not sign-file's bytes"
    done
done

# The kernel's reader agrees: info shows the signer and hash.
run info ours.ko
assert_contains "info reads the signature" "mymod test key" "$out"
assert_contains "info reads the hash" "sha512" "$out"

# Detached: FILE.p7s as sign-file -d writes it; FILE untouched.
cp "$HELLO" theirs.ko
cp "$HELLO" ours.ko
"$SIGNFILE" -d sha256 key.pem cert.pem theirs.ko
run sign --detach key.pem cert.pem ours.ko
cmp -s theirs.ko.p7s ours.ko.p7s || fail "--detach: not sign-file -d's bytes"
cmp -s "$HELLO" ours.ko || fail "--detach changed the module"

# Already signed: refused, untouched; --resign strips the old one first.
cp "$HELLO" ours.ko
run sign key.pem cert.pem ours.ko
cp ours.ko before.ko
run sign key.pem cert.pem ours.ko
assert_eq "already signed: exit" 1 "$rc"
assert_contains "already signed: why" "already signed" "$err"
assert_contains "already signed: what to do" "--resign" "$err"
cmp -s before.ko ours.ko || fail "already signed: the file changed"
run sign --resign --hash sha384 key.pem cert.pem ours.ko
assert_eq "--resign: exit" 0 "$rc"
cp "$HELLO" theirs.ko
"$SIGNFILE" sha384 key.pem cert.pem theirs.ko
cmp -s theirs.ko ours.ko || fail "--resign: not the bytes of signing the unsigned module"

# --output: the signed module elsewhere, the original untouched; the mode kept.
cp "$HELLO" plain.ko
chmod 0640 plain.ko
run sign -o signed.ko key.pem cert.pem plain.ko
cmp -s "$HELLO" plain.ko || fail "--output changed the input"
cp "$HELLO" theirs.ko
"$SIGNFILE" sha256 key.pem cert.pem theirs.ko
cmp -s theirs.ko signed.ko || fail "--output: not sign-file's bytes"
run sign key.pem cert.pem plain.ko
assert_eq "the mode is kept" 640 "$(stat -c %a plain.ko)"

# A compressed module: refused, with why, unless --recompress: then the
# decompressed module is sign-file's, compressed again as before (xz with
# CRC32, as the kernel's build and its own decompressor want).
xz -c "$HELLO" >comp.ko.xz
cp comp.ko.xz comp-before.ko.xz
run sign key.pem cert.pem comp.ko.xz
assert_eq "compressed: exit" 1 "$rc"
assert_contains "compressed: why" "comp.ko.xz: a compressed module (xz)" "$err"
assert_contains "compressed: the way out" "--recompress signs the decompressed module" "$err"
cmp -s comp.ko.xz comp-before.ko.xz || fail "compressed: the file was changed"
cp "$HELLO" theirs.ko
"$SIGNFILE" sha256 key.pem cert.pem theirs.ko
gzip -n -c "$HELLO" >comp.ko.gz
zstd -q -c "$HELLO" >comp.ko.zst
for z in xz:"xz -dc" gz:"gzip -dc" zst:"zstd -q -dc"; do
    ext=${z%%:*}
    run sign --recompress key.pem cert.pem "comp.ko.$ext"
    assert_eq "--recompress .$ext: exit" 0 "$rc"
    ${z#*:} "comp.ko.$ext" >decompressed.ko || fail "--recompress .$ext: not $ext any more"
    cmp -s theirs.ko decompressed.ko || fail "--recompress .$ext: not sign-file's bytes inside"
    run verify --cert cert.pem "comp.ko.$ext"
    assert_contains "--recompress .$ext: verifies" "comp.ko.$ext: valid" "$out"
done
xz -lvv comp.ko.xz | grep -q 'CRC32' || fail "--recompress .xz: not CRC32 (the kernel's xz wants it)"
run sign --recompress key.pem cert.pem comp.ko.xz
assert_eq "--recompress, signed already: exit" 1 "$rc"
assert_contains "--recompress, signed already" "already signed" "$err"
printf '\3757zXZ\000garbage' >bad.ko.xz
run sign --recompress key.pem cert.pem bad.ko.xz
assert_eq "--recompress, a damaged stream: exit" 1 "$rc"
assert_contains "--recompress, a damaged stream: why" "bad.ko.xz: xz:" "$err"

# Bad input: the file is left as it was, nothing beside it.
cp "$HELLO" ours.ko
for what in "other.pem:a key that is not the certificate's" "nosuch.pem:no such key" \
    "cert.pem:a certificate as the key"; do
    k=${what%%:*}
    run sign "$k" cert.pem ours.ko
    assert_eq "${what#*:}: exit" 1 "$rc"
    cmp -s "$HELLO" ours.ko || fail "${what#*:}: the file changed"
done
run sign otherkey.pem cert.pem ours.ko
assert_eq "a key that is not the certificate's: exit" 1 "$rc"
assert_contains "a key that is not the certificate's: why" "does the key match the certificate" "$err"
openssl rsa -in key.pem -aes256 -passout pass:secret -out locked.pem 2>/dev/null
run sign locked.pem cert.pem ours.ko </dev/null
assert_eq "a key with a passphrase: exit" 1 "$rc"
run sign --hash nosuch key.pem cert.pem ours.ko
assert_eq "unknown hash: exit" 1 "$rc"
assert_contains "unknown hash: why" "unknown hash 'nosuch'" "$err"
cmp -s "$HELLO" ours.ko || fail "bad input: the file changed"
[ -z "$(find . -name 'ours.ko.??????')" ] || fail "bad input: a temporary file was left"

run sign key.pem cert.pem
assert_eq "no FILE: exit" 2 "$rc"

# mymod verify: valid for the signer's certificate (PEM or DER, and through
# compression), invalid once a byte changed, another key's, not signed.
cp "$HELLO" v.ko
run sign key.pem cert.pem v.ko
run verify --cert cert.pem v.ko
assert_eq "verify: exit" 0 "$rc"
assert_contains "verify: valid, by whom" "v.ko: valid (signer 'mymod test key', key " "$out"
run verify --cert cert.der v.ko
assert_eq "verify a DER certificate: exit" 0 "$rc"
xz -c v.ko >v.ko.xz
run verify --cert cert.pem v.ko.xz
assert_eq "verify .ko.xz (the signature inside): exit" 0 "$rc"
python3 - v.ko changed.ko <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"author=")
d[i + 7] ^= 1
open(sys.argv[2], "wb").write(d)
PY
run verify --cert cert.pem changed.ko
assert_eq "verify a changed module: exit" 1 "$rc"
assert_contains "verify a changed module" "invalid: the module was changed after signing" "$out"
run verify --cert other.pem v.ko
assert_eq "verify with another certificate: exit" 1 "$rc"
assert_contains "verify with another certificate" "signed by a key other than the certificate's" "$out"
run verify --cert cert.pem "$HELLO" v.ko
assert_eq "verify an unsigned module among valid ones: exit" 1 "$rc"
assert_contains "verify an unsigned module" "hello.ko: not signed" "$out"
assert_contains "verify: the others still checked" "v.ko: valid" "$out"
# A PKCS#7 whose bytes are damaged: said, exit 1.
python3 - v.ko damaged.ko <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
magic = b"~Module signature appended~\n"
n = int.from_bytes(d[-len(magic) - 4:-len(magic)], "big")
start = len(d) - len(magic) - 12 - n
d[start] = 0x00  # no longer a DER SEQUENCE
open(sys.argv[2], "wb").write(d)
PY
run verify --cert cert.pem damaged.ko
assert_eq "verify a damaged PKCS#7: exit" 1 "$rc"
assert_contains "verify a damaged PKCS#7: why" "not a PKCS#7 message" "$err"
run verify v.ko
assert_eq "verify without --cert: exit" 2 "$rc"
run verify --cert other.pem --cert cert.der v.ko
assert_eq "verify with two certificates, one the signer's: exit" 0 "$rc"
assert_contains "verify with two certificates" "v.ko: valid (signer 'mymod test key'" "$out"
run verify --kernel-image /boot/vmlinuz-"$KVER" v.ko
assert_eq "verify --kernel-image without --keyring: exit" 2 "$rc"
printf 'not a kernel\n' >notakernel
run verify --keyring --kernel-image notakernel v.ko
assert_eq "verify --keyring, a kernel image that is not one: exit" 1 "$rc"
assert_contains "verify --keyring, a kernel image that is not one: why" "notakernel: not a kernel image" "$err"
run verify --keyring --kernel-image "$TMP/nosuch" v.ko
assert_eq "verify --keyring, no kernel image: exit" 1 "$rc"
assert_contains "verify --keyring, no kernel image: why" "cannot read the kernel image $TMP/nosuch" "$err"
# By name, in the module directory: the file modprobe would load; a builtin has no signature.
run verify -k "$KVER" --cert cert.pem loop
assert_eq "verify a module by name: exit" 1 "$rc"
assert_contains "verify a module by name: its file" "$MODDIR/kernel/drivers/block/loop.ko: signed by a key other than the certificate's (signer '" "$out"
builtin=$(sed -n '1s|.*/||; 1s|\.ko$||p' "$MODDIR/modules.builtin")
run verify -k "$KVER" --cert cert.pem "$builtin"
assert_eq "verify a builtin: exit" 1 "$rc"
assert_contains "verify a builtin" "$builtin: built into the kernel: no module file" "$out"

# info --cert: the same verdicts, in the signature section and in JSON.
run info --cert cert.pem v.ko
assert_eq "info --cert, valid: exit" 0 "$rc"
assert_contains "info --cert, valid" "verifies   yes, for the key of cert.pem" "$out"
run info --cert cert.pem changed.ko
assert_contains "info --cert, changed" "verifies   no: signed with the key of cert.pem, but changed after signing" "$out"
run info --cert other.pem v.ko
assert_contains "info --cert, another key" "verifies   no: signed by another key than other.pem's" "$out"
run info --json --cert cert.pem v.ko changed.ko
got=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join(m["signature"]["verified"] for m in json.load(sys.stdin)))')
assert_eq "info --json --cert: the verdicts" "valid changed" "$got"
run info --cert nosuch.pem v.ko
assert_eq "info --cert, no such certificate: exit" 1 "$rc"
assert_contains "info --cert, no such certificate: why" "nosuch.pem: cannot open the certificate" "$err"
run info --format=modinfo --cert cert.pem v.ko
assert_eq "info --cert with modinfo's format: exit" 2 "$rc"

# check --cert: the same verdicts as findings.
run check -k "$KVER" --cert cert.pem v.ko
assert_eq "check --cert, valid: exit" 0 "$rc"
assert_contains "check --cert, valid" "signature-cert: the signature verifies against cert.pem" "$out"
run check -k "$KVER" --cert cert.pem changed.ko
assert_eq "check --cert, changed: exit" 1 "$rc"
assert_contains "check --cert, changed: a blocker" "blocker signature-cert: signed with the key of cert.pem, but the module was changed after signing" "$out"
run check -k "$KVER" --cert other.pem v.ko
assert_contains "check --cert, another key" "warning signature-cert: signed, but not with the key of other.pem" "$out"
run check -k "$KVER" --json --cert cert.pem changed.ko
got=$(printf '%s' "$out" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["modules"][0]["findings"]:
    if f["code"] == "signature-cert":
        print(f["severity"], f["errno"])')
assert_eq "check --cert --json" "blocker EKEYREJECTED" "$got"

finish
