#!/bin/sh
# mymod deps --format=modprobe and --format=list against modprobe --show-depends,
# for every module of the installed tree, every builtin module and the plain
# aliases: one batch each (modprobe -a takes many names; so does mymod).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

[ -f "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"
MODPROBE=$(command -v modprobe || echo /sbin/modprobe)
[ -x "$MODPROBE" ] || skip "no modprobe"

names=$TMP/names
sed 's|:.*||; s|.*/||; s|\.ko.*||; s|-|_|g' "$MODDIR/modules.dep" >"$names"
sed 's|.*/||; s|\.ko$||; s|-|_|g' "$MODDIR/modules.builtin" >>"$names"
# Aliases without wildcards (crypto-*, fs-*, ...): looked up as modprobe does.
awk '$1 == "alias" && $2 !~ /[][*?]/ { print $2 }' "$MODDIR/modules.alias" | sort -u >>"$names"
count=$(wc -l <"$names")
[ "$(grep -c . "$MODDIR/modules.dep")" -gt 1000 ] || fail "expected a full module tree in $MODDIR"

# shellcheck disable=SC2046
"$MODPROBE" -S "$KVER" -a --show-depends $(cat "$names") >"$TMP/modprobe.out" 2>"$TMP/modprobe.err"
# shellcheck disable=SC2046
"$MYMOD" deps -k "$KVER" --format=modprobe $(cat "$names") >"$TMP/mymod.out" 2>"$TMP/mymod.err"
assert_eq "mymod deps --format=modprobe exit status over $count names" 0 $?
if ! cmp -s "$TMP/modprobe.out" "$TMP/mymod.out"; then
    fail "--format=modprobe differs from modprobe -a --show-depends over $count names:
$(diff "$TMP/modprobe.out" "$TMP/mymod.out" | head -20)"
fi
[ "$(grep -c '^insmod ' "$TMP/mymod.out")" -gt 4000 ] || fail "too few insmod lines"
grep -q '^builtin ' "$TMP/mymod.out" || fail "no builtin line for the builtin modules"
grep -q '^insmod .* index=-2 $' "$TMP/mymod.out" || fail "no modprobe.d options (index=-2) shown"
[ -s "$TMP/mymod.err" ] && fail "stderr not empty: $(head -3 "$TMP/mymod.err")"

# --format=list: the files modprobe would insmod, each once, where it is first loaded.
awk '$1 == "insmod" && !seen[$2]++ { print $2 }' "$TMP/modprobe.out" >"$TMP/modprobe.list"
# shellcheck disable=SC2046
"$MYMOD" deps -k "$KVER" --format=list $(cat "$names") >"$TMP/mymod.list"
if ! cmp -s "$TMP/modprobe.list" "$TMP/mymod.list"; then
    fail "--format=list differs from modprobe's insmod paths:
$(diff "$TMP/modprobe.list" "$TMP/mymod.list" | head -20)"
fi

# One name at a time, for a sample (every 40th name): the list is that name's own plan.
for n in $(awk 'NR % 40 == 1' "$names") nvme ext4 btrfs crc_t10dif crypto-crc32c; do
    want=$("$MODPROBE" -S "$KVER" --show-depends "$n" 2>/dev/null | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
    run deps -k "$KVER" --format=list "$n"
    assert_eq "deps --format=list $n" "$want" "$out"
done

# The repeated dependency is modprobe's too: crct10dif_common is walked three times for nvme.
run deps -k "$KVER" --format=modprobe nvme
assert_eq "modprobe format for nvme" "$("$MODPROBE" -S "$KVER" --show-depends nvme)" "$out"
assert_eq "crct10dif_common lines for nvme" 3 "$(echo "$out" | grep -c crct10dif_common.ko)"
finish
