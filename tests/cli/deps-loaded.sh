#!/bin/sh
# mymod deps --loaded: the running kernel's graph (who holds whom), from a
# fake /proc/modules and /sys/module/*/holders (MYMOD_SYSROOT); a plain error
# without module support; JSON's "loaded" from the kernel layer.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

# This host's own kernel, when it has no module support.
if [ ! -e /proc/modules ]; then
    run deps --loaded --reverse loop
    assert_eq "--loaded on this host: exit" 1 "$rc"
    assert_eq "--loaded on this host" \
        "mymod: deps: this kernel has no loadable-module support (no /proc/modules)" "$err"
    assert_eq "--loaded on this host: stdout" "" "$out"
    # JSON's loaded is unknown there.
    run deps -k "$KVER" --json loop
    assert_contains "loaded unknown on this host" '"loaded": null' "$out"
fi

root=$TMP/root
mkdir -p "$root/proc"
cat >"$root/proc/modules" <<'MODS'
nvme_fabrics 32768 0 - Live 0x0000000000000000
nvme 57344 0 - Live 0x0000000000000000
nvme_core 163840 2 nvme,nvme_fabrics, Live 0x0000000000000000
t10_pi 16384 1 nvme_core, Live 0x0000000000000000
crc64_rocksoft 20480 1 t10_pi, Live 0x0000000000000000
crc64 20480 1 crc64_rocksoft, Live 0x0000000000000000
crc_t10dif 20480 1 t10_pi, Live 0x0000000000000000
crct10dif_common 16384 1 crc_t10dif, Live 0x0000000000000000
loop 32768 0 - Live 0x0000000000000000
MODS
for m in $(cut -d' ' -f1 "$root/proc/modules"); do
    mkdir -p "$root/sys/module/$m/holders"
    echo live >"$root/sys/module/$m/initstate"
done
holds() { ln -s "../../$1" "$root/sys/module/$2/holders/$1"; }
holds nvme nvme_core
holds nvme_fabrics nvme_core
holds nvme_core t10_pi
holds t10_pi crc64_rocksoft
holds t10_pi crc_t10dif
holds crc64_rocksoft crc64
holds crc_t10dif crct10dif_common
export MYMOD_SYSROOT=$root

run deps --reverse --loaded crc64
assert_eq "--reverse --loaded: exit" 0 "$rc"
assert_eq "--reverse --loaded crc64" "NAME KIND NOTE
crc64
\`-crc64_rocksoft dep
  \`-t10_pi dep
    \`-nvme_core dep
      |-nvme_fabrics dep
      \`-nvme dep" "$(echo "$out" | sed 's/\([^ ]\)  */\1 /g; s/ *$//')"
run deps --reverse --loaded --format=list crc-t10dif
assert_eq "--reverse --loaded --format=list: users first" "nvme_fabrics
nvme
nvme_core
t10_pi
crc_t10dif" "$out"
run deps --loaded -n -r -o NAME,KIND nvme
assert_eq "--loaded, what nvme holds" "nvme 
nvme_core dep
t10_pi dep
crc_t10dif dep
crct10dif_common dep
crc64_rocksoft dep
crc64 dep" "$out"
run deps --loaded --json nvme_fabrics
assert_eq "--json: exit" 0 "$rc"
json=$(printf '%s' "$out" | python3 -c '
import json, sys
g = json.load(sys.stdin)
print(g["roots"], g["directory"], sorted({n["loaded"] for n in g["nodes"]}),
      sorted((e["from"], e["to"], e["kind"]) for e in g["edges"]))
') || fail "--json is not JSON: $out"
assert_eq "--loaded --json" "['nvme_fabrics'] None [True] [('crc64_rocksoft', 'crc64', 'dep'), ('crc_t10dif', 'crct10dif_common', 'dep'), ('nvme_core', 't10_pi', 'dep'), ('nvme_fabrics', 'nvme_core', 'dep'), ('t10_pi', 'crc64_rocksoft', 'dep'), ('t10_pi', 'crc_t10dif', 'dep')]" "$json"
run deps --loaded --all -r -n -o NAME
assert_eq "--loaded --all" "loop
nvme
nvme_core
t10_pi
crc_t10dif
crct10dif_common
crc64_rocksoft
crc64
nvme_fabrics
nvme_core" "$out"
run deps --loaded nvme no_such_module
assert_eq "not loaded: exit" 1 "$rc"
assert_contains "not loaded" "mymod: deps: no_such_module: not loaded" "$err"
run deps --loaded --format=modprobe nvme
assert_eq "--loaded --format=modprobe: exit" 2 "$rc"

# The module directory's graph, with "loaded" from this fake kernel.
run deps -k "$KVER" --json nvme
json=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join(sorted(n["name"] + "=" + str(n["loaded"]) for n in json.load(sys.stdin)["nodes"])))
') || fail "--json is not JSON: $out"
assert_contains "loaded from /proc/modules" "crc64=True" "$json"
assert_contains "loaded from /proc/modules" "nvme=True" "$json"
assert_contains "not loaded" "crct10dif_generic=False" "$json"

MYMOD_SYSROOT=$TMP/empty run deps --loaded nvme
assert_eq "no /proc/modules: exit" 1 "$rc"
assert_eq "no /proc/modules" \
    "mymod: deps: this kernel has no loadable-module support (no $TMP/empty/proc/modules)" "$err"

finish
