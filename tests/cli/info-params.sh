#!/bin/sh
# info's parameters are exactly the entries of __param, in section order,
# each with its ops, permissions and default; a later entry of a name is
# marked shadowed (the kernel sets the first only); parm= text for a name
# __param lacks is said to be no parameter. Checked against binutils'
# readelf (the __param_NAME symbol of each entry) and kmod's modinfo (its
# parm: lines), on modules of Debian's kernels: wm97xx-ts of the installed
# tree, and i386, armhf and s390x modules that scripts/fetch-foreign-kernels
# puts into /var/cache/mymod-foreign.
. "$SRCDIR/tests/lib.sh"

foreign=${MYMOD_FOREIGN_DIR:-/var/cache/mymod-foreign}
MODINFO=$(command -v modinfo || echo /sbin/modinfo)
for tool in python3 readelf; do
    command -v $tool >/dev/null || skip "$tool is not installed"
done
[ -x "$MODINFO" ] || skip "kmod's modinfo is not installed"

# check FILE: mymod's parameters against readelf's __param entries and modinfo's parm: lines.
check() {
    "$MYMOD" info --json "$1" >"$TMP/info.json" || fail "info --json $1 failed"
    readelf -hSsW "$1" >"$TMP/readelf.out" || fail "readelf $1 failed"
    "$MODINFO" -0 -F parm "$1" >"$TMP/parm.out" || fail "modinfo $1 failed"
    python3 - "$1" "$TMP/info.json" "$TMP/readelf.out" "$TMP/parm.out" <<'PY' || fail "$1: parameters wrong"
import json, re, sys
path, info, relf, parm = sys.argv[1:]
m = json.load(open(info))[0]
text = open(relf).read()
cls = 32 if re.search(r"Class:\s+ELF32", text) else 64
sec = re.search(r"\[\s*(\d+)\]\s+__param\s+\S+\s+\S+\s+\S+\s+([0-9a-f]+)", text)
idx, size = int(sec.group(1)), int(sec.group(2), 16)
# Symbol lines: Num: Value Size Type Bind Vis Ndx Name
syms = []
for line in text.splitlines():
    f = line.split()
    if len(f) == 8 and f[0].endswith(":") and f[6] == str(idx) and f[7].startswith("__param_"):
        syms.append((int(f[1], 16), f[7][len("__param_"):]))
names = [n for _, n in sorted(syms)]
bad = []
if len(names) != size // (20 if cls == 32 else 40):
    bad.append(f"readelf: {len(names)} __param_ symbols for {size} bytes of __param")
got = [p["name"].rsplit(".", 1)[-1] for p in m["params"]]
if got != names:
    bad.append(f"parameters {got}, __param has {names}")
seen = set()
for p in m["params"]:
    if p["ops"] is None or p["perm"] is None:
        bad.append(f"parameter {p['name']} without ops or permissions: {p}")
    if p.get("shadowed") != (p["name"] in seen):
        bad.append(f"parameter {p['name']}: shadowed is {p.get('shadowed')}")
    seen.add(p["name"])
# Every parm: line of modinfo names a parameter, or is said to name none.
described = {v.split(":", 1)[0] for v in open(parm).read().split("\0") if ":" in v}
unmatched = {d["name"] for d in m.get("unmatched_parm", [])}
for name in described:
    if (name in unmatched) == (name in got):
        bad.append(f"modinfo's parm {name}: a parameter {name in got}, unmatched {name in unmatched}")
for b in bad:
    print(f"{path}: {b}")
sys.exit(1 if bad else 0)
PY
}

# count FILE NAME: how many parameters of FILE are called NAME.
count() {
    "$MYMOD" info --json "$1" | python3 -c "
import json, sys
print(sum(p['name'] == sys.argv[1] for p in json.load(sys.stdin)[0]['params']))" "$2"
}

# wm97xx-ts is linked from one file per codec, each declaring delay, pil
# and mask: three entries each, of which the kernel sets the first.
wm=$(find "$MODDIR/kernel/drivers/input/touchscreen" -name 'wm97xx-ts.ko*' | head -1)
[ -n "$wm" ] || skip "no wm97xx-ts module in $MODDIR"
check "$wm"
for p in delay pil mask; do
    assert_eq "wm97xx-ts: entries of $p" 3 "$(count "$wm" $p)"
done
run info "$wm"
assert_eq "wm97xx-ts, human: delay twice shadowed" 2 "$(printf '%s\n' "$out" | grep -c '^  delay (shadowed) ')"
assert_contains "wm97xx-ts, human: what shadowed means" \
    "(shadowed): the kernel sets only the first __param entry of a name" "$out"

for f in i386/fscache.ko armhf/sfc-siena.ko armhf/wm97xx-ts.ko s390x/qla2xxx.ko; do
    [ -f "$foreign/$f" ] || skip "no $foreign/$f: run scripts/fetch-foreign-kernels (install-deps --tests does)"
    check "$foreign/$f"
done
# fscache: MODULE_PARM_DESC(fscache_debug, ...) for module_param_named(debug, fscache_debug, ...).
run info --json "$foreign/i386/fscache.ko"
assert_eq "i386 fscache: the parameters" "debug uint 0644 0 | fscache_debug: FS-Cache debugging mask" \
    "$(printf '%s\n' "$out" | python3 -c "
import json, sys
m = json.load(sys.stdin)[0]
print(' '.join(f\"{p['name']} {p['type']} {p['perm']} {p['default']}\" for p in m['params']), '|',
      ' '.join(f\"{d['name']}: {d['description']}\" for d in m['unmatched_parm']))")"
run info "$foreign/i386/fscache.ko"
assert_contains "i386 fscache, human: a description without a parameter" \
    "  fscache_debug: described in .modinfo, but __param has no such parameter: FS-Cache debugging mask" "$out"
run info --json "$foreign/s390x/qla2xxx.ko"
assert_eq "s390x qla2xxx: qla2xfc2target is no parameter" "False True" "$(printf '%s\n' "$out" | python3 -c "
import json, sys
m = json.load(sys.stdin)[0]
print(any(p['name'] == 'qla2xfc2target' for p in m['params']),
      any(d['name'] == 'qla2xfc2target' for d in m['unmatched_parm']))")"
# sfc-siena (ARM, REL relocations): debug in two source files, both shown.
assert_eq "armhf sfc-siena: entries of debug" 2 "$(count "$foreign/armhf/sfc-siena.ko" debug)"

finish
