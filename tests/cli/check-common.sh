# shellcheck shell=sh
# Shared by the check-* tests: sourced after tests/lib.sh, never run.
CRAFT="$SRCDIR/tests/craft-ko.py"
export LC_ALL=C # sort as the expected values are written
SYMVERS=$MODDIR/build/Module.symvers
[ -f "$SYMVERS" ] || skip "no $SYMVERS (install linux-headers-$KVER)"
command -v depmod >/dev/null || skip "no depmod (kmod)"

# findings JSON: one line "severity code symbol" per finding of every module.
findings() {
    python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    for f in m["findings"]:
        print(f["severity"], f["code"], f["symbol"] or "-")
'
}

# blockers JSON: the sorted "code symbol" of the blockers.
blockers() {
    findings | awk '$1 == "blocker" { print $2, $3 }' | sort
}

# mktree DIR: a module directory DIR/lib/modules/KVER with the kernel's
# headers linked in as build/, and the .ko files given after DIR under
# extra/; depmod run on it.
mktree() {
    local dir=$1
    shift
    mkdir -p "$dir/lib/modules/$KVER/extra"
    ln -sfn "$MODDIR/build" "$dir/lib/modules/$KVER/build"
    [ $# -gt 0 ] && cp "$@" "$dir/lib/modules/$KVER/extra/"
    depmod -b "$dir" "$KVER" 2>/dev/null || fail "depmod -b $dir $KVER failed"
}

# depmod_says DIR: what kmod's depmod -e -E reports on that tree, as
# "module code symbol" lines (code: unresolved, modversion), sorted.
depmod_says() {
    depmod -b "$1" -e -E "$SYMVERS" "$KVER" 2>&1 >/dev/null |
        sed -n -e 's|^depmod: WARNING: .*/\([^/]*\)\.ko needs unknown symbol \(.*\)$|\1 unresolved \2|p' \
            -e 's|^depmod: WARNING: .*/\([^/]*\)\.ko disagrees about version of symbol \(.*\)$|\1 modversion \2|p' |
        sort
}

# mymod_says JSON: the same from mymod check --json, for the blockers
# depmod knows of (unresolved, modversion).
mymod_says() {
    python3 -c '
import json, os, sys
for m in json.load(sys.stdin)["modules"]:
    base = os.path.basename(m["path"] or m["module"]).removesuffix(".ko")
    for f in m["findings"]:
        if f["severity"] == "blocker" and f["code"] in ("unresolved", "modversion"):
            print(base, f["code"], f["symbol"])
' | sort
}
