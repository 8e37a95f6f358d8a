# shellcheck shell=sh
# Shared by the benchmarks that run in the test VM (bench-load.sh,
# bench-jobs.sh): sourced, never run, from the repository's root.
# bench_vm NAME INIT APPEND [QEMU OPTION...]: boot Debian's kernel under
# QEMU (TCG) with the vm suite's initramfs and INIT as /init, kernel
# command line APPEND; the console goes to $out/console.log, where out is
# BUILDDIR/bench/NAME. Exits when the benchmark did not complete.
bench_vm() {
    name=$1 init=$2 append=$3
    shift 3
    builddir=${BUILDDIR:-build}
    [ -x "$builddir/mymod" ] || { echo "bench-$name: build first (meson compile -C $builddir)" >&2; exit 1; }
    MYMOD=$(realpath "$builddir/mymod")
    FIXTURES=$(realpath "$builddir/tests/fixtures")
    VM_KVER=${MYMOD_VM_KVER:-$(tests/fixtures/kver.sh)}
    export MYMOD FIXTURES VM_KVER
    kernel=/boot/vmlinuz-$VM_KVER
    [ -r "$kernel" ] || { echo "bench-$name: no kernel image $kernel" >&2; exit 1; }
    out=$builddir/bench/$name
    mkdir -p "$out"
    tests/vm/mkinitramfs.sh "$out" "$init"
    timeout 3600 qemu-system-x86_64 -accel tcg -nographic -no-reboot "$@" \
        -kernel "$kernel" -initrd "$out/initramfs.cpio" \
        -append "console=ttyS0 loglevel=1 panic=-1 $append" </dev/null | tr -d '\r' >"$out/console.log"
    if grep -q 'MYMOD-BENCH-ERROR' "$out/console.log" || ! grep -q 'MYMOD-BENCH-DONE' "$out/console.log"; then
        echo "bench-$name: the benchmark did not complete; console in $out/console.log" >&2
        grep 'MYMOD-BENCH' "$out/console.log" >&2
        exit 1
    fi
}
