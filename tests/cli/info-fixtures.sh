#!/bin/bash
# mymod info on the reference modules: parameters of every kind (with the
# module_param_cb one kmod's modinfo cannot show), exports with GPL and
# namespace, hello_user's dependency, namespace import and softdep,
# compressed copies, -F, and the modinfo format against kmod's modinfo.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

HELLO=$FIXTURES/hello.ko
USER=$FIXTURES/hello_user.ko
[ -f "$HELLO" ] && [ -f "$USER" ] || skip "fixtures not built"
command -v modinfo >/dev/null || skip "kmod's modinfo is not installed"
# script (util-linux) gives the colour check its terminal.
for tool in gzip xz zstd python3 script; do
    command -v $tool >/dev/null || skip "$tool is not installed"
done

# json_check FILE: python3 asserts on mymod's JSON in FILE; prints failures.
json_check() {
    python3 - "$@"
}

run info --json "$HELLO" "$USER"
assert_eq "info --json exit status" 0 "$rc"
printf '%s\n' "$out" >"$TMP/fixtures.json"
problems=$(json_check "$TMP/fixtures.json" "$HELLO" 2>&1 <<'PY'
import json, sys
mods = json.load(open(sys.argv[1]))
problems = []
def check(what, expected, actual):
    if expected != actual:
        problems.append(f"{what}: expected {expected!r}, got {actual!r}")

check("number of records", 2, len(mods))
hello, user = mods
check("hello name", "hello", hello["name"])
check("hello filename", sys.argv[2], hello["filename"])
check("hello compression", "none", hello["compression"])
check("hello builtin", False, hello["builtin"])
check("hello modinfo alias", ["greeter"], hello["modinfo"].get("alias"))
check("hello modinfo version", ["1.2.3"], hello["modinfo"].get("version"))
check("hello parmtype list (file order, all values)",
      sorted(["whom:charp", "count:int", "loud:bool", "levels:array of int", "greeting:string"]),
      sorted(hello["modinfo"].get("parmtype", [])))

params = {p["name"]: p for p in hello["params"]}
check("parameter names", ["count", "greeting", "levels", "loud", "mode", "whom"], sorted(params))
expected = {
    "whom": ("charp", "param_ops_charp", "0644", "Whom to greet", "world"),
    "count": ("int", "param_ops_int", "0444", "How many times to greet", "3"),
    "loud": ("bool", "param_ops_bool", "0000", "Greet in capitals (perm 0: not in sysfs)", "N"),
    "levels": ("array of int", "param_array_ops", "0644", "Up to four levels", "1,2,3,4"),
    "greeting": ("string", "param_ops_string", "0600", "The greeting word", "hello"),
}
for name, (typ, ops, perm, desc, default) in expected.items():
    p = params.get(name, {})
    check(f"{name} type", typ, p.get("type"))
    check(f"{name} ops", ops, p.get("ops"))
    check(f"{name} perm", perm, p.get("perm"))
    check(f"{name} description", desc, p.get("description"))
    check(f"{name} default", default, p.get("default"))
mode = params.get("mode", {})
check("mode (module_param_cb) ops", "hello_mode_ops", mode.get("ops"))
check("mode perm", "0644", mode.get("perm"))
check("mode type (no parmtype in .modinfo)", None, mode.get("type"))
check("mode description", None, mode.get("description"))

exports = {e["name"]: (e["gpl"], e["namespace"]) for e in hello["exports"]}
check("hello exports", {"hello_greet": (False, None), "hello_count": (True, None),
                        "hello_whom": (True, "HELLO")}, exports)
check("hello signature (fixtures are unsigned)", None, hello["signature"])
elf = hello["elf"]
check("elf class", "ELF64", elf["class"])
check("elf endian", "little", elf["endian"])
check("elf machine", "x86_64", elf["machine"])
if not elf["build_id"] or any(c not in "0123456789abcdef" for c in elf["build_id"]):
    problems.append(f"elf build_id is not lower-case hex: {elf['build_id']!r}")
secs = {s["name"]: s["size"] for s in hello["sections"]}
for s in (".modinfo", "__param", "__ksymtab", "__ksymtab_gpl", ".symtab"):
    if not secs.get(s):
        problems.append(f"section {s} missing or empty: {secs.get(s)!r}")

check("hello_user depends", ["hello"], user["modinfo"].get("depends"))
check("hello_user import_ns", ["HELLO"], user["modinfo"].get("import_ns"))
check("hello_user softdep", ["pre: loop"], user["modinfo"].get("softdep"))
check("hello_user params", [], user["params"])
imports = {i["name"] for i in user["imports"]}
for sym in ("hello_greet", "hello_count", "hello_whom", "_printk"):
    if sym not in imports:
        problems.append(f"hello_user imports lack {sym}")
print("\n".join(problems))
PY
)
[ -z "$problems" ] || fail "JSON on the fixtures:
$problems"

# The CRCs of the imports are those modprobe --dump-modversions reads.
modprobe --dump-modversions "$USER" | awk '$2 != "module_layout" { print $2, $1 }' | sort >"$TMP/kmod-crcs"
python3 - "$TMP/fixtures.json" <<'PY' | sort >"$TMP/mymod-crcs"
import json, sys
for i in json.load(open(sys.argv[1]))[1]["imports"]:
    if i["crc"] is not None:
        print(i["name"], i["crc"])
PY
[ -s "$TMP/kmod-crcs" ] || fail "modprobe --dump-modversions printed nothing for hello_user"
diff -u "$TMP/kmod-crcs" "$TMP/mymod-crcs" >"$TMP/crc.diff" || fail "hello_user's import CRCs differ from modprobe --dump-modversions:
$(cat "$TMP/crc.diff")"

# mode is declared with module_param_cb: mymod shows it, kmod's modinfo cannot.
kmod_parms=$(modinfo -F parm "$HELLO")
case "$kmod_parms" in
*mode*) fail "kmod's modinfo unexpectedly lists mode: $kmod_parms" ;;
esac
run info "$HELLO"
assert_eq "info (human) exit status" 0 "$rc"
assert_contains "human: parameters heading" "Parameters (6)" "$out"
assert_contains "human: mode row" "mode" "$(printf '%s\n' "$out" | grep -E '^  +mode +')"
assert_contains "human: whom row" "0644" "$(printf '%s\n' "$out" | grep -E '^  +whom +')"
assert_contains "human: whom default" "world" "$(printf '%s\n' "$out" | grep -E '^  +whom +')"
assert_contains "human: namespaced export" "HELLO" "$(printf '%s\n' "$out" | grep -E '^  +hello_whom +')"
assert_contains "human: GPL export" "GPL" "$(printf '%s\n' "$out" | grep -E '^  +hello_count +')"
# Rows, not the whole output: the filename row holds the build directory's path.
assert_contains "human: ELF machine" "x86_64" "$(printf '%s\n' "$out" | grep -E '^  +machine +')"
assert_contains "human: required symbols counted" "Required symbols (" "$out"
case "$out" in
*"_printk"*) fail "human output lists required symbols without --symbols" ;;
esac
case "$out" in
*$'\033'*) fail "human output into a pipe has colour escapes" ;;
esac
# On a terminal, headings are bold; NO_COLOR turns that off.
tty_out=$(env -u NO_COLOR script -qec "'$MYMOD' info '$HELLO'" /dev/null)
assert_contains "human output on a terminal: bold heading" $'\033[1mParameters' "$tty_out"
tty_out=$(NO_COLOR=1 script -qec "'$MYMOD' info '$HELLO'" /dev/null)
case "$tty_out" in
*$'\033'*) fail "NO_COLOR: colour escapes on a terminal" ;;
esac
run info --symbols --sections "$USER"
assert_contains "--symbols lists hello_greet with its CRC" "0x" "$(printf '%s\n' "$out" | grep -E '^  +hello_greet +')"
assert_contains "--sections lists __versions with its size" "__versions" "$(printf '%s\n' "$out" | grep -E '^  +__versions +[0-9]+$')"
assert_contains "human: hello_user depends" "hello" "$(printf '%s\n' "$out" | grep -E '^  +depends +')"
assert_contains "human: hello_user softdep" "pre: loop" "$(printf '%s\n' "$out" | grep -E '^  +softdep +')"

# Compressed copies give the same record, but for filename and compression.
cp "$HELLO" "$TMP/hello.ko"
gzip -k "$TMP/hello.ko"
xz -k "$TMP/hello.ko"
zstd -q -k "$TMP/hello.ko"
run info --json "$TMP/hello.ko" "$TMP/hello.ko.gz" "$TMP/hello.ko.xz" "$TMP/hello.ko.zst"
assert_eq "info --json on compressed copies: exit status" 0 "$rc"
printf '%s\n' "$out" >"$TMP/compressed.json"
problems=$(python3 - "$TMP/compressed.json" <<'PY' 2>&1
import json, sys
mods = json.load(open(sys.argv[1]))
base = dict(mods[0])
base.pop("filename")
base.pop("compression")
out = []
for m, comp in zip(mods[1:], ("gzip", "xz", "zstd")):
    if m["compression"] != comp:
        out.append(f"{m['filename']}: compression {m['compression']!r}, expected {comp!r}")
    m = dict(m)
    m.pop("filename")
    m.pop("compression")
    for k in base:
        if base[k] != m[k]:
            out.append(f"{comp}: {k} differs from the plain file")
if len(mods) != 4:
    out.append(f"{len(mods)} records, expected 4")
print("\n".join(out))
PY
)
[ -z "$problems" ] || fail "compressed copies:
$problems"

# Foreign architectures (tests/fixtures/foreign: 32-bit ARM with REL relocations,
# big-endian s390x, AArch64): modinfo reads them too, so the modinfo format must
# match; the records come from foreign.c's declarations (mask = 0xbeef is a hexint,
# which the kernel prints with "%#08x": 0x00beef).
for arch in arm:ELF32:little:ARM s390x:ELF64:big:S390 aarch64:ELF64:little:AArch64; do
    IFS=: read -r a class endian machine <<<"$arch"
    obj=$FIXTURES/foreign/foreign-$a.o
    [ -f "$obj" ] || { fail "no foreign object $obj"; continue; }
    cp "$obj" "$TMP/foreign_$a.ko"
    # Byte for byte, including foreign.c's .modinfo string without '='
    # (a key with no value, as kmod lists it).
    expected=$(modinfo "$TMP/foreign_$a.ko")
    actual=$("$MYMOD" info --format=modinfo "$TMP/foreign_$a.ko")
    assert_eq "$a: --format=modinfo as modinfo" "$expected" "$actual"
    "$MYMOD" info --json "$TMP/foreign_$a.ko" >"$TMP/foreign.json"
    problems=$(python3 - "$TMP/foreign.json" "$class" "$endian" "$machine" <<'PY' 2>&1
import json, sys
m = json.load(open(sys.argv[1]))[0]
elf = m["elf"]
want = dict(zip(("class", "endian", "machine"), sys.argv[2:5]))
out = [f"elf {k}: {elf[k]!r}, expected {v!r}" for k, v in want.items() if elf[k] != v]
p = {x["name"]: x for x in m["params"]}
for name, typ, perm, default in (("count", "int", "0444", "-7"), ("loud", "bool", "0000", "Y"),
                                 ("levels", "array of int", "0644", "10,20,30"),
                                 ("greeting", "string", "0600", "hi"), ("mask", "hexint", "0644", "0x00beef"),
                                 ("port", "ushort", "0444", "65535"), ("offset", "long", "0644", "-5")):
    got = p.get(name, {})
    if (got.get("type"), got.get("perm"), got.get("default")) != (typ, perm, default):
        out.append(f"param {name}: {got!r}")
mode = p.get("mode", {})
if mode.get("perm") != "0644":
    out.append(f"param mode (module_param_cb): {mode!r}")
e = {x["name"]: (x["gpl"], x["namespace"]) for x in m["exports"]}
if e != {"foreign_greet": (False, None), "foreign_count": (True, None), "foreign_whom": (True, "FOREIGN"),
         "foreign_new": (True, "NEWNS")}:
    out.append(f"exports: {e!r}")
print("\n".join(out))
PY
)
    [ -z "$problems" ] || fail "$a:
$problems"
done

# Bytes that are not UTF-8 in .modinfo (a key and a value): --json stays valid
# JSON (U+FFFD for each bad byte); --format=modinfo passes them through as modinfo does.
python3 - "$HELLO" "$TMP/latin1.ko" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"description=Reference")
d[i + len("description=")] = 0xFF
j = d.find(b"author=mymod")
d[j + 1] = 0xC3
open(sys.argv[2], "wb").write(d)
PY
run info --json "$TMP/latin1.ko"
assert_eq "--json with bytes that are not UTF-8: exit status" 0 "$rc"
problems=$(printf '%s\n' "$out" | python3 -c '
import json, sys
mi = json.load(sys.stdin)[0]["modinfo"]
want = "\ufffdeference module: parameters and exports of every kind"
if mi.get("description") != [want]:
    print("description:", ascii(mi.get("description")))
if "a\ufffdthor" not in mi:
    print("keys:", ascii(sorted(mi)))' 2>&1)
[ -z "$problems" ] || fail "--json does not replace bytes that are not UTF-8 with U+FFFD: $problems"
expected=$(modinfo "$TMP/latin1.ko" | od -c)
actual=$("$MYMOD" info --format=modinfo "$TMP/latin1.ko" | od -c)
assert_eq "--format=modinfo passes bytes that are not UTF-8 through" "$expected" "$actual"

# -F prints a field's values as modinfo -F does, the special ones included.
run info -F alias "$HELLO"
assert_eq "-F alias" "greeter" "$out"
run info -F filename "$HELLO"
assert_eq "-F filename" "$HELLO" "$out"
run info --field=depends "$USER"
assert_eq "-F depends" "hello" "$out"
for field in parm parmtype filename license name vermagic nosuchfield; do
    expected=$(modinfo -F "$field" "$HELLO" "$USER")
    run info -F "$field" "$HELLO" "$USER"
    assert_eq "-F $field, as modinfo -F" "$expected" "$out"
done

# --format=modinfo is modinfo's output, with and without -0.
expected=$(modinfo "$HELLO" "$USER" | od -c)
actual=$("$MYMOD" info --format=modinfo "$HELLO" "$USER" | od -c)
assert_eq "--format=modinfo on the fixtures" "$expected" "$actual"
expected=$(modinfo -0 "$HELLO" "$USER" | od -c)
actual=$("$MYMOD" info --format=modinfo -0 "$HELLO" "$USER" | od -c)
assert_eq "--format=modinfo -0 on the fixtures" "$expected" "$actual"

finish
