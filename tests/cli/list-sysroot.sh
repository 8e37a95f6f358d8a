#!/bin/sh
# mymod list: no /proc/modules is said plainly (exit 1); a fake /proc/modules
# and /sys/module tree (MYMOD_SYSROOT) prints as a table, raw, JSON, with -o.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

# This host's own kernel, when it has no module support.
if [ ! -e /proc/modules ]; then
    run list
    assert_eq "list on this host: exit" 1 "$rc"
    assert_contains "list on this host" "no loadable-module support (no /proc/modules)" "$err"
    assert_eq "list on this host: stdout" "" "$out"
fi

mkdir -p "$TMP/empty"
MYMOD_SYSROOT=$TMP/empty run list
assert_eq "no /proc/modules: exit" 1 "$rc"
assert_eq "no /proc/modules: message" \
    "mymod: list: this kernel has no loadable-module support (no $TMP/empty/proc/modules)" "$err"

root=$TMP/root
mkdir -p "$root/proc" "$root/sys/module/hello/holders" "$root/sys/module/hello_user/holders" \
    "$root/sys/module/loop/holders"
cat >"$root/proc/modules" <<'MODS'
hello_user 16384 0 - Live 0xffffffffc0a10000 (OE)
hello 20480 1 hello_user, Live 0xffffffffc0a00000 (OE)
loop 32768 2 - Live 0x0000000000000000
nvme_core 139264 3 nvme,nvme_fabrics, Unloading 0x0000000000000000 (F)
MODS
echo 1.2.3 >"$root/sys/module/hello/version"
echo 3F1E8C2B2D6C6B6B1A4D3B2 >"$root/sys/module/hello/srcversion"
export MYMOD_SYSROOT=$root

run list
assert_eq "table: exit" 0 "$rc"
assert_eq "table" "NAME          SIZE REFCNT USED-BY           STATE     TAINT
hello_user   16384      0                   Live      OE
hello        20480      1 hello_user        Live      OE
loop         32768      2                   Live      
nvme_core   139264      3 nvme,nvme_fabrics Unloading F" "$out"

run list --raw --noheadings
assert_eq "--raw --noheadings" "hello_user 16384 0  Live OE
hello 20480 1 hello_user Live OE
loop 32768 2  Live 
nvme_core 139264 3 nvme,nvme_fabrics Unloading F" "$out"

run list -r -o NAME,VERSION,SRCVERSION
assert_eq "-o NAME,VERSION,SRCVERSION" "NAME VERSION SRCVERSION
hello_user  
hello 1.2.3 3F1E8C2B2D6C6B6B1A4D3B2
loop  
nvme_core  " "$out"

run list -n -r -o +ADDRESS
assert_contains "-o +ADDRESS keeps the defaults" \
    "hello 20480 1 hello_user Live OE 0xffffffffc0a00000" "$out"

run list --json -o NAME,REFCNT,USED-BY,VERSION
assert_eq "--json: exit" 0 "$rc"
json=$(printf '%s' "$out" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    print(m["name"], m["refcnt"], ",".join(m["used-by"]), m["version"], sorted(m))
') || fail "--json is not JSON: $out"
assert_eq "--json" "hello_user 0  None ['name', 'refcnt', 'used-by', 'version']
hello 1 hello_user 1.2.3 ['name', 'refcnt', 'used-by', 'version']
loop 2  None ['name', 'refcnt', 'used-by', 'version']
nvme_core 3 nvme,nvme_fabrics None ['name', 'refcnt', 'used-by', 'version']" "$json"

run list --json
json=$(printf '%s' "$out" | python3 -c '
import json, sys
m = json.load(sys.stdin)["modules"][3]
print(m["size"] + 1, m["state"], m["taint"])
') || fail "--json is not JSON: $out"
assert_eq "--json types" "139265 Unloading F" "$json"

run list -o NAME,BOGUS
assert_eq "unknown column: exit" 2 "$rc"
assert_contains "unknown column" "unknown column: BOGUS" "$err"

run list --help
assert_eq "--help: exit" 0 "$rc"
for col in NAME SIZE REFCNT USED-BY STATE TAINT ADDRESS VERSION SRCVERSION FLAGS; do
    assert_contains "--help lists $col" "  $col " "$out"
done

# The kernel's markers in the deps field are no modules (lsmod shows none).
cat >"$root/proc/modules" <<'MODS'
perm 16384 0 [permanent], Live 0x0000000000000000
held 16384 1 user,[permanent], Live 0x0000000000000000 (OE)
old 16384 0 [unsafe],[permanent], Live 0x0000000000000000
user 16384 0 - Live 0x0000000000000000
MODS
run list -r -n
assert_eq "markers: exit" 0 "$rc"
assert_eq "markers are not in USED-BY" "perm 16384 0  Live 
held 16384 1 user Live OE
old 16384 0  Live 
user 16384 0  Live " "$out"
run list -r -n -o NAME,USED-BY,FLAGS
assert_eq "markers in FLAGS" "perm  permanent
held user permanent
old  permanent,unsafe
user  " "$out"
run list --json -o NAME,USED-BY,FLAGS
json=$(printf '%s' "$out" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    print(m["name"], m["used-by"], m["flags"])
') || fail "--json is not JSON: $out"
assert_eq "markers: --json" "perm [] ['permanent']
held ['user'] ['permanent']
old [] ['permanent', 'unsafe']
user [] []" "$json"

printf 'hello twenty 1 - Live 0x0\n' >"$root/proc/modules"
run list
assert_eq "malformed /proc/modules: exit" 1 "$rc"
assert_contains "malformed /proc/modules" "line 1: not a module line" "$err"

finish
