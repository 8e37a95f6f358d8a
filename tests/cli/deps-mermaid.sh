#!/bin/sh
# mymod deps --format=mermaid parses with Mermaid's own parser (the npm
# package, which scripts/install-deps puts in /opt/mymod-node).
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

NODEDIR=${MYMOD_NODE_DIR:-/opt/mymod-node}
command -v node >/dev/null || skip "node is not installed (scripts/install-deps)"
[ -d "$NODEDIR/node_modules/mermaid" ] && [ -d "$NODEDIR/node_modules/jsdom" ] ||
    skip "no mermaid and jsdom in $NODEDIR/node_modules (scripts/install-deps)"
[ -f "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"

check() {
    (cd "$NODEDIR" && node --input-type=module - "$@" <"$SRCDIR/tests/cli/deps-mermaid.mjs")
}

# The checker itself rejects a broken chart.
printf 'flowchart LR\n    n0 -->|"dep"| \n' >"$TMP/bad.mmd"
check "$TMP/bad.mmd" >/dev/null 2>&1 && fail "the mermaid checker accepts a broken chart"

i=0
for m in nvme ext4 btrfs unix snd_hda_intel crypto-crc32c; do
    i=$((i + 1))
    "$MYMOD" deps -k "$KVER" --format=mermaid "$m" >"$TMP/$i.mmd" || fail "deps --format=mermaid $m failed"
done
"$MYMOD" deps -k "$KVER" --reverse --format=mermaid nvme_core >"$TMP/rev.mmd" || fail "--reverse mermaid failed"
out=$(check "$TMP"/[0-9].mmd "$TMP/rev.mmd" 2>&1) || fail "mermaid rejects deps output: $out"

# The whole directory is valid too, but past Mermaid's default edge limit: said on stderr.
"$MYMOD" deps -k "$KVER" --all --format=mermaid >"$TMP/all.mmd" 2>"$TMP/all.err"
assert_contains "edge limit warning" "mymod: deps: warning: more than 500 edges" "$(cat "$TMP/all.err")"
out=$(MAXEDGES=100000 check "$TMP/all.mmd" 2>&1) || fail "mermaid rejects deps --all: $out"
finish
