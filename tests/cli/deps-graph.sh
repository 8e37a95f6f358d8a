#!/bin/sh
# mymod deps graphs on the installed tree: dot renders, JSON agrees with
# modules.dep (both ways), the tree shows the nvme chain and marks a
# repeated subtree, mermaid is well-formed.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ -f "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"
command -v dot >/dev/null && command -v nop >/dev/null || skip "graphviz (dot, nop) is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

# dot: graphviz reads the whole directory's graph (nop parses it, as dot
# does, without dot's minute-long layout of ~4,000 nodes) ...
"$MYMOD" deps -k "$KVER" --all --format=dot >"$TMP/all.dot" || fail "deps --all --format=dot failed"
nop "$TMP/all.dot" >"$TMP/all.nop" 2>"$TMP/all.dot.err" || fail "graphviz rejects deps --all: $(head -5 "$TMP/all.dot.err")"
[ "$(grep -c -- ' -> ' "$TMP/all.nop")" -gt 1000 ] || fail "graphviz read fewer than 1000 edges from deps --all"
# ... and a few modules render, softdeps and all.
for m in nvme ext4 btrfs snd_hda_intel "crypto-crc32c"; do
    "$MYMOD" deps -k "$KVER" --format=dot "$m" >"$TMP/m.dot" || fail "deps --format=dot $m failed"
    dot -Tsvg "$TMP/m.dot" >"$TMP/m.svg" 2>"$TMP/m.err" || fail "dot -Tsvg rejects deps $m: $(cat "$TMP/m.err")"
    grep -q '<svg' "$TMP/m.svg" || fail "no SVG for $m"
done
run deps -k "$KVER" --format=dot ext4
assert_contains "dot softdep edge" '"ext4" -> "crc32c_intel" [label="softdep-pre"' "$out"

# json --all: every node of modules.dep, and the dep edges' closure is modules.dep's.
"$MYMOD" deps -k "$KVER" --all --format=json >"$TMP/all.json" || fail "deps --all --json failed"
python3 - "$TMP/all.json" "$MODDIR" <<'PY' || fail "json --all disagrees with modules.dep"
import json, os, sys
g = json.load(open(sys.argv[1]))
moddir = sys.argv[2]
def name(p):
    b = os.path.basename(p)
    b = b[:b.index(".ko")]
    return b.replace("-", "_")
dep = {}
for line in open(os.path.join(moddir, "modules.dep")):
    m, _, ds = line.partition(":")
    dep[name(m)] = {name(d) for d in ds.split()}
nodes = {n["name"]: n for n in g["nodes"]}
bad = 0
for m in dep:
    if m not in nodes:
        print("missing node", m); bad += 1
for n in g["nodes"]:
    assert set(n) == {"name", "path", "builtin", "loaded"}, n
    assert n["loaded"] is None, n
    if n["name"] in dep:
        assert n["path"] and os.path.isabs(n["path"]) and not n["builtin"], n
out = {}
for e in g["edges"]:
    assert e["kind"] in ("dep", "softdep-pre", "softdep-post", "weakdep"), e
    if e["kind"] == "dep":
        out.setdefault(e["from"], []).append(e["to"])
def closure(m):
    seen, stack = set(), list(out.get(m, []))
    while stack:
        d = stack.pop()
        if d not in seen:
            seen.add(d); stack.extend(out.get(d, []))
    return seen
ndirect = sum(len(v) for v in out.values())
nlisted = sum(len(v) for v in dep.values())
for m, ds in dep.items():
    c = closure(m)
    if c != ds:
        print("closure of", m, "is", sorted(c), "modules.dep says", sorted(ds)); bad += 1
        if bad > 10: break
if not (0 < ndirect < nlisted):
    print("dep edges not reduced:", ndirect, "of", nlisted); bad += 1
assert g["cycles"] == [], g["cycles"]
sys.exit(1 if bad else 0)
PY

# --reverse: what needs X, from modules.dep read the other way, for a sample.
for m in nvme_core usbcore drm scsi_mod cryptd libcrc32c snd_pcm mii t10_pi hid; do
    "$MYMOD" deps -k "$KVER" --reverse --format=json "$m" >"$TMP/rev.json" || fail "deps --reverse $m failed"
    python3 - "$TMP/rev.json" "$MODDIR" "$m" <<'PY' || fail "--reverse $m disagrees with modules.dep"
import json, os, sys
g = json.load(open(sys.argv[1]))
moddir, target = sys.argv[2], sys.argv[3]
def name(p):
    b = os.path.basename(p)
    return b[:b.index(".ko")].replace("-", "_")
users = {target}
for line in open(os.path.join(moddir, "modules.dep")):
    m, _, ds = line.partition(":")
    if target in {name(d) for d in ds.split()}:
        users.add(name(m))
got = {n["name"] for n in g["nodes"]}
if got != users:
    print("missing", sorted(users - got)[:10], "extra", sorted(got - users)[:10])
    sys.exit(1)
if len(users) < 2:
    print("nothing needs", target)
    sys.exit(1)
PY
done
# --reverse --format=list: an unload order, users before what they use.
run deps -k "$KVER" --reverse --format=list nvme_core
assert_eq "last of the reverse list" "$MODDIR/kernel/drivers/nvme/host/nvme-core.ko" "$(echo "$out" | tail -1)"
before=$(echo "$out" | grep -n '/nvme-fabrics.ko$' | cut -d: -f1)
after=$(echo "$out" | grep -n '/nvme-tcp.ko$' | cut -d: -f1)
[ -n "$before" ] && [ -n "$after" ] && [ "$after" -lt "$before" ] ||
    fail "nvme-tcp (a user of nvme-fabrics) must come before it in the unload order: $out"

# tree: the nvme chain, and a subtree shown once (nvme_core under nvme_tcp's chain).
run deps -k "$KVER" -n -o NAME nvme
out=$(echo "$out" | sed 's/ *$//')
assert_eq "tree of nvme" "nvme
\`-nvme_core
  \`-t10_pi
    |-crc_t10dif
    | |-crct10dif_common
    | |-crct10dif_pclmul
    | | \`-crct10dif_common
    | \`-crct10dif_generic
    |   \`-crct10dif_common
    \`-crc64_rocksoft
      |-crc64
      \`-crc64" "$out"
run deps -k "$KVER" -r -n -o NAME,KIND nvme
assert_eq "raw list of nvme's tree" "nvme 
nvme_core dep
t10_pi dep
crc_t10dif dep
crct10dif_common dep
crct10dif_pclmul softdep-pre
crct10dif_common dep
crct10dif_generic softdep-pre
crct10dif_common dep
crc64_rocksoft dep
crc64 dep
crc64 softdep-pre" "$out"
run deps -k "$KVER" -o NAME,NOTE nvme nvme_tcp
assert_eq "exit status" 0 "$rc"
assert_contains "repeated subtree marked" "nvme_core shown above" "$(echo "$out" | tr -s ' ')"
assert_eq "nvme_core's subtree shown once" 1 "$(echo "$out" | grep -c 't10_pi')"
run deps -k "$KVER" -o +VIA,BUILTIN ext4
assert_contains "VIA column: the alias of a softdep" "crypto-crc32c" "$out"

# mermaid: a flowchart whose every node label is quoted and every edge joins declared nodes.
run deps -k "$KVER" --format=mermaid nvme ext4
python3 - "$out" <<'PY' || fail "mermaid output is malformed: $out"
import re, sys
lines = sys.argv[1].splitlines()
assert lines[0] == "flowchart LR", lines[0]
nodes, edges = set(), 0
for l in lines[1:]:
    l = l.strip()
    m = re.fullmatch(r'(n\d+)(\[|\(\[)"([^"]+)"(\]|\]\))', l)
    if m:
        nodes.add(m.group(1)); continue
    m = re.fullmatch(r'(n\d+) (-->|-\.->)(\|"[a-z-]+"\|)? (n\d+)', l)
    if m:
        assert m.group(1) in nodes and m.group(4) in nodes, l
        edges += 1; continue
    assert re.fullmatch(r'(classDef \w+ .*|class n\d+ \w+)', l), l
assert len(nodes) >= 10 and edges >= 10, (len(nodes), edges)
PY
assert_contains "mermaid softdep edge" '-.->|"softdep-pre"|' "$out"
assert_contains "mermaid label with a dash kept quoted" '["crc32c_intel"]' "$out"

finish
