#!/bin/bash
# mymod info against kmod over the whole installed module tree:
# --format=modinfo byte-identical to modinfo (by file, by name and alias,
# builtin, -F, -0); imports' CRCs equal to modprobe --dump-modversions;
# exports equal to what depmod wrote to modules.symbols.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ -d "$MODDIR/kernel" ] || skip "no module tree at $MODDIR"
command -v modinfo >/dev/null || skip "kmod's modinfo is not installed"
for tool in python3 xz zstd; do
    command -v $tool >/dev/null || skip "$tool is not installed"
done
MODPROBE=$(command -v modprobe || echo /usr/sbin/modprobe)

find "$MODDIR" -name '*.ko' -o -name '*.ko.[gx]z' -o -name '*.ko.zst' | sort >"$TMP/files"
nfiles=$(wc -l <"$TMP/files")
[ "$nfiles" -gt 100 ] || skip "only $nfiles modules under $MODDIR"

# first_diff KMODOUT MYMODOUT: the first module whose modinfo output differs, and a diff.
first_diff() {
    python3 - "$1" "$2" <<'PY'
import difflib, re, sys
def split(path):
    text = open(path, errors="replace").read().replace("\0", "\n")
    return re.split(r"(?m)^(?=filename:)", text)
k, m = split(sys.argv[1]), split(sys.argv[2])
for a, b in zip(k, m):
    if a != b:
        print("first differing module:", a.splitlines()[0] if a else b.splitlines()[0])
        sys.stdout.writelines(difflib.unified_diff(a.splitlines(True), b.splitlines(True),
                                                   "modinfo", "mymod info"))
        break
else:
    print(f"{len(k)} modules in modinfo's output, {len(m)} in mymod's")
PY
}

# compare WHAT ARGS...: modinfo ARGS and mymod info --format=modinfo ARGS, byte for byte.
compare() {
    local what=$1
    shift
    modinfo "$@" >"$TMP/kmod.out" 2>/dev/null
    local krc=$?
    "$MYMOD" info --format=modinfo "$@" >"$TMP/mymod.out" 2>"$TMP/mymod.err"
    local mrc=$?
    if ! cmp -s "$TMP/kmod.out" "$TMP/mymod.out"; then
        fail "$what: output differs from modinfo
$(first_diff "$TMP/kmod.out" "$TMP/mymod.out" | head -40)"
    fi
    [ $krc = 0 ] && krc=0 || krc=1
    assert_eq "$what: exit status as modinfo's" "$krc" "$mrc"
}

# Every module by path, in one invocation each (the argument list fits).
mapfile -t files <"$TMP/files"
compare "all $nfiles modules by path" "${files[@]}"
compare "all modules, -0" -0 "${files[@]}"
for field in filename signer sig_key signature parm alias depends; do
    compare "all modules, -F $field" -F "$field" "${files[@]}"
done

# Compressed modules, as kmod reads them (xz and zstd; Debian's kmod has no zlib).
for f in "${files[@]:0:20}"; do
    base=$TMP/$(basename "$f")
    cp "$f" "$base"
    xz -k "$base"
    zstd -q -k "$base"
done
compare "xz- and zstd-compressed modules" "$TMP"/*.ko.xz "$TMP"/*.ko.zst

# By name and alias, builtin modules included.
names="loop ext4 crc32c amd_uncore unix fs-ext3 char-major-10-237 block-major-7-0 snd-hda-intel
virtio_net nvme xfs bluetooth net-pf-1 psmouse"
# shellcheck disable=SC2086
compare "by name and alias" -k "$KVER" $names
compare "by name, -F name" -k "$KVER" -F name loop amd_uncore unix ext4
compare "by name, -F filename" -k "$KVER" -F filename loop amd_uncore unix
compare "by name, -0" -k "$KVER" -0 amd_uncore loop
compare "unknown name among known ones" -k "$KVER" loop no_such_module_xyz ext4
grep -q '^kernel/net/unix/unix.ko$\|^kernel/arch/x86/events/amd/amd-uncore.ko$' "$MODDIR/modules.builtin" ||
    fail "the sample's builtin modules (unix, amd_uncore) are not builtin in $KVER"

# Builtin modules' parameters come from parm= and parmtype= (there is no
# __param to read): the same as modinfo's parm: lines, for every builtin.
sed -n 's|.*/\([^/]*\)\.ko$|\1|p' "$MODDIR/modules.builtin" | tr - _ | sort -u >"$TMP/builtin"
mapfile -t builtin <"$TMP/builtin"
[ "${#builtin[@]}" -gt 10 ] || fail "only ${#builtin[@]} builtin modules in $MODDIR/modules.builtin"
modinfo -k "$KVER" "${builtin[@]}" >"$TMP/builtin.modinfo" 2>/dev/null
"$MYMOD" info -k "$KVER" --json "${builtin[@]}" >"$TMP/builtin.json"
assert_eq "info --json on every builtin module: exit status" 0 "$?"
python3 - "$TMP/builtin.modinfo" "$TMP/builtin.json" <<'PY' >"$TMP/builtin.problems" 2>&1
import json, sys
from collections import defaultdict
kmod, name = defaultdict(list), None
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("name:"):
        name = line.split(None, 1)[1].rstrip("\n")
    elif line.startswith("parm:"):
        kmod[name].append(line[len("parm:"):].lstrip(" ").rstrip("\n"))
ours = {}
for m in json.load(open(sys.argv[2])):
    lines = []
    for p in m["params"]:
        if p["description"] is None:
            lines.append(f"{p['name']}:{p['type']}")
        elif p["type"] is None:
            lines.append(f"{p['name']}:{p['description']}")
        else:
            lines.append(f"{p['name']}:{p['description']} ({p['type']})")
        if (p["ops"], p["perm"], p["default"]) != (None, None, None):
            print(f"{m['name']}: parameter {p['name']} has ops, perm or default: {p!r}")
    ours[m["name"]] = sorted(lines)
for n in sorted(set(kmod) | set(ours)):
    if sorted(kmod.get(n, [])) != ours.get(n, []):
        print(f"{n}: modinfo {sorted(kmod.get(n, []))!r}, mymod {ours.get(n)!r}")
if len(ours.get("i8042", [])) != 16:
    print(f"i8042 (builtin, 16 parameters in modinfo): {ours.get('i8042')!r}")
PY
[ -s "$TMP/builtin.problems" ] && fail "builtin modules' parameters differ from modinfo's parm: lines:
$(head -20 "$TMP/builtin.problems")"
run info -k "$KVER" i8042
assert_contains "human: a builtin module's parameters" "Parameters (16)" "$out"

# Imports and exports of every module, from one JSON run.
"$MYMOD" info --json "${files[@]}" >"$TMP/all.json" 2>"$TMP/json.err"
assert_eq "info --json over all modules: exit status" 0 "$?"
[ -s "$TMP/json.err" ] && fail "info --json over all modules wrote to stderr: $(head -5 "$TMP/json.err")"

# modprobe --dump-modversions reads one file per call: run them two at a time,
# each batch into a file of its own (lines from parallel pipes could
# interleave; mktemp, as a shell's PID can come again in a long run), a
# "@ FILE" line before each file's CRCs (no process per file but modprobe's).
mkdir "$TMP/crcs"
tr '\n' '\0' <"$TMP/files" |
    CRCDIR=$TMP/crcs xargs -0 -P 2 -n 100 sh -c \
        'out=$(mktemp "$CRCDIR/batch.XXXXXX") || exit 1
        for f; do echo "@ $f"; "$0" --dump-modversions "$f"; done >"$out"' "$MODPROBE" ||
    fail "modprobe --dump-modversions batches failed"
cat "$TMP"/crcs/* | awk -F'\t' '/^@ / { f = substr($0, 3); next } { print f "\t" $2 "\t" $1 }' |
    sort >"$TMP/kmod-crcs"
python3 - "$TMP/all.json" "$TMP/kmod-crcs" "$MODDIR/modules.symbols" <<'PY' >"$TMP/symbols.problems" 2>&1
import json, sys
from collections import defaultdict
mods = json.load(open(sys.argv[1]))

# kmod: FILE -> {symbol: crc} from __versions.
kmod = defaultdict(dict)
for line in open(sys.argv[2]):
    f, sym, crc = line.rstrip("\n").split("\t")
    kmod[f][sym] = int(crc, 16)
problems = 0
for m in mods:
    ours = {i["name"]: int(i["crc"], 16) for i in m["imports"] if i["crc"] is not None}
    theirs = dict(kmod.get(m["filename"], {}))
    # module_layout is a __versions entry without an undefined symbol.
    theirs.pop("module_layout", None)
    if ours != theirs:
        problems += 1
        if problems == 1:
            print(f"first module whose imports' CRCs differ from modprobe --dump-modversions: {m['filename']}")
            for s in sorted(set(ours) | set(theirs)):
                if ours.get(s) != theirs.get(s):
                    print(f"  {s}: mymod {ours.get(s)!r}, modprobe {theirs.get(s)!r}")
if problems:
    print(f"{problems} modules' imports differ from modprobe --dump-modversions")
if len(kmod) < len(mods) // 2:
    print(f"modprobe --dump-modversions gave CRCs for only {len(kmod)} of {len(mods)} modules")

# modules.symbols: "alias symbol:NAME MODULE".
depmod = defaultdict(set)
for line in open(sys.argv[3]):
    if line.startswith("alias symbol:"):
        _, sym, mod = line.split()
        depmod[mod].add(sym[len("symbol:"):])
bad = 0
for m in mods:
    ours = {e["name"] for e in m["exports"]}
    theirs = depmod.get(m["name"], set())
    if ours != theirs:
        bad += 1
        if bad == 1:
            print(f"first module whose exports differ from modules.symbols: {m['filename']}")
            print(f"  only mymod: {sorted(ours - theirs)[:10]}")
            print(f"  only modules.symbols: {sorted(theirs - ours)[:10]}")
if bad:
    print(f"{bad} modules' exports differ from modules.symbols")
if sum(len(m["exports"]) for m in mods) < 1000:
    print("fewer than 1000 exports over the whole tree: exports are not being read")

# A MODULE_PARAM_PREFIX parameter is one parameter, with __param's (prefixed)
# name and .modinfo's description and type: mmc_block's "mmcblk." prefix.
for m in mods:
    names = {p["name"] for p in m["params"]}
    for p in m["params"]:
        bare = p["name"].rpartition(".")[2]
        if bare != p["name"] and bare in names:
            print(f"{m['name']}: parameter {p['name']} is listed again as {bare}")
mmc = [m for m in mods if m["name"] == "mmc_block"]
if mmc:
    p = {x["name"]: x for x in mmc[0]["params"]}
    got = p.get("mmcblk.perdev_minors", {})
    want = ("int", "0444", "Minors numbers to allocate per device", "256")
    if (got.get("type"), got.get("perm"), got.get("description"), got.get("default")) != want or len(p) != 1:
        print(f"mmc_block: parameters {sorted(p)}, mmcblk.perdev_minors {got!r}, expected {want!r}")
else:
    print("no mmc_block in the tree: the MODULE_PARAM_PREFIX case is not tested")
PY
[ -s "$TMP/symbols.problems" ] && fail "imports/exports:
$(cat "$TMP/symbols.problems")"

finish
