#!/bin/sh
# Style is a tool's job: every C file as clang-format (.clang-format) would
# write it; every shell script (and the bash completion) without a warning
# from shellcheck, which follows each file a script sources and checks it
# there, where its variables are used.
# shellcheck source=tests/lib.sh
. "$SRCDIR/tests/lib.sh"

command -v clang-format >/dev/null || skip "clang-format is not installed"
command -v shellcheck >/dev/null || skip "shellcheck is not installed"
cd "$SRCDIR" || exit 1

# The project's files: not build directories, not hidden ones.
files() {
    find . \( -name 'build*' -o -name '.?*' -o -name node_modules \) -prune -o -type f "$@" -print |
        sed 's|^\./||' | LC_ALL=C sort
}

cfiles=$(files \( -name '*.c' -o -name '*.h' \))
[ "$(echo "$cfiles" | wc -l)" -gt 30 ] || fail "found only $(echo "$cfiles" | wc -l) C files under $SRCDIR"
# shellcheck disable=SC2086 # one file a word: the tree has no spaces in names
out=$(clang-format --dry-run -Werror $cfiles 2>&1) ||
    fail "clang-format would change these files (run clang-format -i on them):
$(echo "$out" | grep -E '^[^ ].*: error:' | cut -d: -f1 | sort -u)
$(echo "$out" | head -20)"

# Scripts start with #!; files only sourced (lib.sh) are checked as their users source them.
scripts=$(files \( -name '*.sh' -o -path ./scripts/\* -o -path ./.ci/\* \) -exec sh -c 'head -c2 "$1" | grep -q "#!"' sh {} \;)
scripts="$scripts completions/mymod.bash"
[ "$(echo "$scripts" | wc -l)" -gt 30 ] || fail "found only $(echo "$scripts" | wc -l) shell scripts under $SRCDIR"
# shellcheck disable=SC2086
out=$(shellcheck -S warning -x -f gcc $scripts 2>&1) || fail "shellcheck warns:
$out"
finish
