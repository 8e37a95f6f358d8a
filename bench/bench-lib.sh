# shellcheck shell=sh
# Shared by the module-tree benchmarks (bench-info.sh, bench-check.sh):
# sourced, never run. Parses [-k KVER] [-r ROUNDS] [MYMOD] into kver,
# rounds, mymod and moddir, from the repository's root.
cd "$(dirname "$0")/.."
kver=$(tests/fixtures/kver.sh)
rounds=7
while getopts k:r: opt; do
    case $opt in
    k) kver=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
mymod=${1:-build/mymod}
moddir=/lib/modules/$kver
bench=$(basename "$0" .sh)
[ -x "$mymod" ] || { echo "$bench: no $mymod (meson compile -C build)" >&2; exit 1; }
[ -d "$moddir" ] || { echo "$bench: no module tree at $moddir" >&2; exit 1; }
