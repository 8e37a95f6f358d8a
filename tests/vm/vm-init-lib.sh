# shellcheck shell=dash
# Sourced first by every /init of the test VMs (tests/vm/init.sh,
# check-init.sh, bench/bench-load-init.sh): the file systems and PATH a
# scenario expects, and no module autoloading behind its back.
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
echo >/proc/sys/kernel/modprobe

# The benchmarks' clock: seconds since boot, to the hundredth.
now() { cut -d' ' -f1 /proc/uptime; }

# elapsed T0: seconds since T0 (a now()), as "%.3f".
elapsed() { echo "$1 $(now)" | awk '{ printf "%.3f", $2 - $1 }'; }
