#!/bin/sh
# mymod config against kmod's modprobe -c on the same machine and module
# directory: byte for byte (configuration, then the indexes); --json holds
# the same entries; bad command lines.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

command -v modprobe >/dev/null || skip "kmod's modprobe is not installed"
modprobe -c -S "$KVER" >"$TMP/theirs" 2>/dev/null || fail "modprobe -c failed"
run config -k "$KVER"
assert_eq "config: exit" 0 "$rc"
printf '%s\n' "$out" >"$TMP/ours"
cmp -s "$TMP/theirs" "$TMP/ours" || fail "config: not modprobe -c's output ($(diff "$TMP/theirs" "$TMP/ours" | head -5))"
run config -k "$KVER" --json
assert_eq "config --json: exit" 0 "$rc"
got=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for b in d.get("blacklist", []): print("blacklist " + b)
for k in ("install", "remove"):
    for e in d.get(k, []): print(k, e["module"], e["command"])
for e in d.get("alias", []): print("alias", e["alias"], e["module"])
for e in d.get("options", []): print("options", e["module"], e["options"])
for e in d.get("softdep", []): print("softdep", e["module"], e["deps"])')
assert_eq "config --json: the same entries" "$(sed '/^$/,$d' "$TMP/theirs")" "$got"
run config extra
assert_eq "an argument: exit" 2 "$rc"
run config -k no-such-kernel
assert_eq "no module directory: exit" 1 "$rc"
finish
