#!/bin/sh
# meson test --suite kmod: build kmod 30's own testsuite into the build
# directory (BUILDDIR/kmod-testsuite; the first time downloads kmod's
# source from Debian's archive and takes a few minutes), then run it
# against the built mymod. Anything missing is a failure, never a skip.
set -u
: "${MYMOD:?MYMOD must name the built binary (run through meson test)}"
: "${SRCDIR:?}" "${BUILDDIR:?}"
work=$BUILDDIR/kmod-testsuite
# shellcheck disable=SC2086 # no KVER: build.sh asks tests/fixtures/kver.sh
"$SRCDIR/tests/kmod/build.sh" "$work" ${MYMOD_TEST_KVER:-} || exit 1
"$SRCDIR/tests/kmod/run.sh" "$work" "$MYMOD"
rc=$?
# 77 would be meson's skip: only 0 passes.
[ "$rc" = 0 ] || exit 1
