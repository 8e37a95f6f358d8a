#!/bin/bash
# Build kmod's own testsuite, from Debian 12's kmod source, into WORKDIR, so
# tests/kmod/run.sh can run it against mymod's kmod names.
# usage: tests/kmod/build.sh WORKDIR [KVER]
#
# Each step is skipped when it was done already, so running it again is
# cheap. Needs scripts/install-deps --tests (deb-src, dpkg-dev, autotools);
# the network only for Debian's archive (apt-get source). Leaves in WORKDIR:
#   src/           the .dsc, its tarballs and the unpacked source (with
#                  Debian's patches and testsuite-strict-output.patch)
#   build/         kmod's out-of-tree autotools build: the test binaries
#                  (build/testsuite/test-*), the fakes (build/testsuite/.libs/
#                  *.so) and kmod's tools; their paths are compiled into the
#                  test binaries, so WORKDIR cannot move
#   rootfs/        the testsuite's rootfs, populated with the test modules
#                  (built with Kbuild against KVER's headers, as the
#                  project's fixtures are); run.sh copies it for each run
#   reference/kmod kmod 30 as built here (with its experimental insert and
#                  remove), to check the harness with: run.sh WORKDIR
#                  WORKDIR/reference/kmod
set -euo pipefail

# The release Debian 12 ships; its configure flags below are Debian's
# (debian/rules: --sysconfdir=/etc --with-openssl --with-xz --with-zstd), so
# the features the testsuite checks for are those of Debian's kmod.
KMOD_VERSION=30+20221128-1
KMOD_DIR=kmod-30+20221128

die() {
    echo "kmod/build.sh: $*" >&2
    exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || {
    echo "usage: tests/kmod/build.sh WORKDIR [KVER]" >&2
    exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1" || die "cannot create $1"
work=$(cd "$1" && pwd)
case $work in
*[[:space:]]*) die "WORKDIR must not contain white space (make cannot handle it): $work" ;;
esac
kver=${2:-}
[ -n "$kver" ] || kver=$("$here/../fixtures/kver.sh") || die "no kernel headers to build kmod's test modules with"
kdir=/lib/modules/$kver/build
[ -d "$kdir" ] || die "no kernel headers at $kdir (apt-get install linux-headers-amd64)"
for tool in apt-get dpkg-source patch autoreconf libtoolize pkg-config make gcc xz zstd; do
    command -v "$tool" >/dev/null || die "$tool is not installed (run scripts/install-deps --tests as root)"
done

# One build or run at a time in WORKDIR (run.sh takes the same lock).
exec 9>"$work/lock"
flock 9

log=$work/build.log
: >"$log"
# step WHAT CMD...: run CMD, its output in build.log; on failure show the end.
step() {
    local what=$1
    shift
    echo "kmod/build.sh: $what"
    echo "== $what: $*" >>"$log"
    "$@" >>"$log" 2>&1 || {
        tail -30 "$log" >&2
        die "$what failed (whole log: $log)"
    }
}

src=$work/src/$KMOD_DIR
if [ ! -f "$src/configure.ac" ]; then
    mkdir -p "$work/src"
    cd "$work/src"
    if [ ! -f "kmod_$KMOD_VERSION.dsc" ]; then
        apt-cache showsrc kmod 2>/dev/null | grep -qx "Version: $KMOD_VERSION" ||
            die "apt knows no source package kmod $KMOD_VERSION (run scripts/install-deps --tests as root: it enables deb-src)"
        step "downloading kmod $KMOD_VERSION's source from Debian's archive" \
            apt-get source --download-only "kmod=$KMOD_VERSION"
    fi
    # dpkg-source checks the tarballs against the .dsc's checksums and
    # applies Debian's patches; unpacked aside, then moved, so a failed
    # unpack is not taken for a done one.
    rm -rf "$KMOD_DIR.tmp"
    step "unpacking kmod_$KMOD_VERSION.dsc" \
        dpkg-source -x "kmod_$KMOD_VERSION.dsc" "$KMOD_DIR.tmp"
    mv "$KMOD_DIR.tmp" "$src"
fi

# One change to kmod's testsuite: outputs are compared whole (see the
# patch); applied again to the original file when the patch changes.
patch_sum=$(sha256sum <"$here/testsuite-strict-output.patch")
if [ "$(cat "$src/.strict-output-applied" 2>/dev/null)" != "$patch_sum" ]; then
    orig=$src/testsuite/testsuite.c.orig-kmod
    [ -f "$orig" ] || cp -p "$src/testsuite/testsuite.c" "$orig"
    cp "$orig" "$src/testsuite/testsuite.c"
    step "making the testsuite compare outputs whole" \
        patch -p1 -d "$src" -i "$here/testsuite-strict-output.patch"
    echo "$patch_sum" >"$src/.strict-output-applied"
fi

if [ ! -x "$src/configure" ]; then
    # As kmod's autogen.sh: no gtk-doc, so an empty gtk-doc.make.
    touch "$src/libkmod/docs/gtk-doc.make"
    step "generating kmod's configure (autoreconf)" \
        autoreconf --force --install --symlink "$src"
fi

build=$work/build
if [ ! -f "$build/Makefile" ]; then
    mkdir -p "$build"
    cd "$build"
    # --enable-experimental builds test-tools (kmod insert/remove);
    # --sysconfdir=/etc, or the tests that read /etc/modprobe.d are skipped.
    step "configuring kmod" \
        "$src/configure" --prefix=/usr --sysconfdir=/etc \
        --with-openssl --with-xz --with-zstd --enable-experimental \
        --disable-manpages --disable-python
fi
cd "$build"
jobs=-j2

# kmod itself, kept aside as the reference: run.sh puts links to the binary
# under test in place of build/tools/*.
if [ ! -x "$work/reference/kmod" ]; then
    [ ! -L tools/kmod ] || rm -f tools/kmod tools/insmod tools/rmmod tools/lsmod \
        tools/modprobe tools/modinfo tools/depmod
    step "building kmod's tools" make "$jobs" tools/kmod
    mkdir -p "$work/reference"
    cp tools/kmod "$work/reference/kmod.tmp"
    mv "$work/reference/kmod.tmp" "$work/reference/kmod"
fi

# The test modules (module-playground, with Kbuild against KVER's headers)
# and the rootfs they go into.
# rootfs/.populated names the release they were built for.
if [ "$(cat "$work/rootfs/.populated" 2>/dev/null)" != "$kver" ]; then
    step "building kmod's test modules against $kdir and populating the rootfs" \
        make rootfs KDIR="$kdir" KVER="$kver"
    rm -rf "$work/rootfs.tmp"
    cp -a testsuite/rootfs "$work/rootfs.tmp"
    echo "$kver" >"$work/rootfs.tmp/.populated"
    rm -rf "$work/rootfs"
    mv "$work/rootfs.tmp" "$work/rootfs"
fi

# The fakes (path.so, init_module.so, ...), the test binaries. The rootfs
# make would (re)create without the test modules is put back and made newer
# than its source, so make takes it as done.
[ -d testsuite/rootfs ] || cp -a "$work/rootfs" testsuite/rootfs
touch testsuite/stamp-rootfs
[ testsuite/rootfs -nt "$src/testsuite/rootfs-pristine" ] || touch testsuite/rootfs
step "building kmod's testsuite" make "$jobs" buildtest-TESTS
for f in path init_module delete_module uname; do
    [ -f "testsuite/.libs/$f.so" ] || die "the fake testsuite/.libs/$f.so was not built"
done
for t in test-modprobe test-modinfo test-depmod test-tools test-blacklist \
    test-dependencies test-loaded test-initstate test-init; do
    [ -x "testsuite/$t" ] || die "the test binary testsuite/$t was not built"
done
echo "kmod/build.sh: kmod's testsuite is ready in $work"
