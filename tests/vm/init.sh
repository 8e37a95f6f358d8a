#!/bin/busybox sh
# shellcheck shell=dash
# PID 1 of the test VM. Runs each scenario and reports it on the console as
#   MYMOD-TEST <name> PASS
#   MYMOD-TEST <name> FAIL <what went wrong>
# then powers off. tests/vm/vm.sh reads the scenario names from the
# `scenario NAME` lines below, so every one of them must report.
# shellcheck source=tests/vm/vm-init-lib.sh
. /vm-init-lib.sh

KVER=$(uname -r)
M=/usr/bin/mymod
X=/lib/modules/$KVER/extra
D=/data
K=/kmod # kmod's tools, by full path (busybox has applets of the same names)
echo "MYMOD-VM-BOOT $KVER"

problems=
# note WHAT: record a failed check of the current scenario.
note() { problems="$problems${problems:+; }$*"; }
oneline() { echo "$1" | head -c 600 | tr '\n' '|'; }
verbose=
grep -q mymod.verbose /proc/cmdline && verbose=1
# A mymod built with sanitizers (build-asan) stops at the first error.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=abort_on_error=1
# r CMD...: run it; $out, $err, $rc. With mymod.verbose, show them all.
r() {
	out=$("$@" 2>/tmp/err)
	rc=$?
	err=$(cat /tmp/err)
	case $err in
	*"runtime error:"* | *Sanitizer*) note "sanitizer report from $*: $(oneline "$err")" ;;
	esac
	if [ -n "$verbose" ]; then
		echo "MYMOD-LOG \$ $* => $rc"
		[ -z "$out" ] || echo "$out" | sed 's/^/MYMOD-LOG   /'
		[ -z "$err" ] || echo "$err" | sed 's/^/MYMOD-LOG   /'
	fi
}
# ok CMD...: run it as r does (a sanitizer report is a failure) and want exit 0.
ok() {
	r "$@"
	want_rc 0 "$*"
}
want_rc() { [ "$rc" = "$1" ] || note "$2: exit $rc, want $1 (out: $(oneline "$out") err: $(oneline "$err"))"; }
has() {
	case "$2" in
	*"$1"*) ;;
	*) note "$3: no [$1] in [$(oneline "$2")]" ;;
	esac
}
eq() { [ "$2" = "$3" ] || note "$1: [$(oneline "$3")], want [$(oneline "$2")]"; }
# once TEXT ERR WHAT: TEXT is in exactly one line of mymod's ERR above the kernel's own lines.
once() {
	n=$(echo "$2" | sed '/^kernel log:/,$d' | grep -c -F -e "$1")
	[ "$n" = 1 ] || note "$3: $n lines with [$1], want 1: $(oneline "$2")"
}
param() { cat "/sys/module/$1/parameters/$2" 2>&1; }
loaded() { cat /proc/modules | cut -d' ' -f1 | sort; }
# What /proc/modules says of each module that only loads and unloads change:
# name, size, reference count and users, sorted. What a command undoes must
# be as it was, not only by name.
modules_now() { cut -d' ' -f1-4 /proc/modules | sort; }
is_loaded() { grep -q "^$1 " /proc/modules; }
not_loaded() { if is_loaded "$1"; then note "$2: $1 is loaded"; fi; }

# /proc/modules as `mymod list -r -n -o NAME,SIZE,REFCNT,USED-BY,STATE,TAINT` prints it
# (the kernel's [permanent] and [unsafe] markers are no users).
proc_table() {
	awk '{ u = $4; if (u == "-") u = ""; gsub(/\[[a-z]+\],/, "", u); sub(/,$/, "", u);
	       t = $7; gsub(/[()]/, "", t);
	       print $1, $2, $3, u, $5, t }' /proc/modules
}

# The list, compared with /proc/modules and with kmod's lsmod.
check_list() {
	r $M list -r -n -o NAME,SIZE,REFCNT,USED-BY,STATE,TAINT
	want_rc 0 "list"
	eq "list vs /proc/modules" "$(proc_table)" "$out"
	r $M list -r -n -o NAME,SIZE,REFCNT,USED-BY
	eq "list vs kmod lsmod" "$($K/lsmod | tail -n +2 | awk '{ print $1, $2, $3, $4 }')" \
		"$(echo "$out" | awk '{ print $1, $2, $3, $4 }')"
}

scenario() {
	name=$1
	problems=
	before=$(modules_now)
	case $(type "t_$name" 2>/dev/null) in
	*function*) "t_$name" ;;
	*) note "no function t_$name" ;;
	esac
	after=$(modules_now)
	if [ "$before" != "$after" ]; then
		note "/proc/modules before [$(oneline "$before")], after [$(oneline "$after")]"
		for i in 1 2 3; do
			for m in $(echo "$after" | cut -d' ' -f1); do
				echo "$before" | cut -d' ' -f1 | grep -qx "$m" || $K/rmmod "$m" 2>/dev/null
			done
		done
	fi
	if [ -z "$problems" ]; then
		echo "MYMOD-TEST $name PASS"
	else
		echo "MYMOD-TEST $name FAIL $problems"
	fi
}

t_load_params() {
	r $M load $X/hello.ko whom=vm count=5 levels=7,8 mode=3 "greeting=hi there"
	want_rc 0 "load"
	eq whom vm "$(param hello whom)"
	eq count 5 "$(param hello count)"
	eq levels 7,8 "$(param hello levels)"
	eq mode 3 "$(param hello mode)"
	eq greeting "hi there" "$(param hello greeting)"
	r $M unload hello
	want_rc 0 "unload"
	# kmod's insmod, the same parameters: the same values.
	$K/insmod $X/hello.ko whom=vm count=5 levels=7,8 mode=3 || note "kmod insmod failed"
	eq "kmod: whom" vm "$(param hello whom)"
	eq "kmod: levels" 7,8 "$(param hello levels)"
	$K/rmmod hello
}

t_list() {
	ok $M load $X/hello.ko
	ok $M load $X/hello_user.ko
	check_list
	r $M list
	has "hello_user" "$out" "table"
	r $M list --json
	want_rc 0 "--json"
	has '"name": "hello"' "$out" "--json"
	has '"used-by": [
        "hello_user"
      ]' "$out" "--json used-by"
	has '"taint": "OE"' "$out" "--json taint"
	r $M unload hello_user hello
	want_rc 0 "unload"
}

t_already_loaded() {
	ok $M load $X/hello.ko
	r $M load $X/hello.ko count=9
	want_rc 0 "load again"
	has "already loaded" "$out" "load again"
	has "parameters given were not applied" "$err" "load again with count=9"
	eq "count unchanged" 3 "$(param hello count)"
	r $M load hello
	want_rc 0 "load by name"
	has "already loaded" "$out" "load by name"
	ok $M unload hello
}

t_unload() {
	$K/insmod $X/hello.ko || note "kmod insmod failed"
	r $M unload hello
	want_rc 0 "unload"
	not_loaded hello "after unload"
	[ -e /sys/module/hello ] && note "/sys/module/hello still there"
}

t_unload_absent() {
	r $M unload hello
	want_rc 1 "unload"
	has "hello is not loaded" "$err" "unload"
	has ENOENT "$err" "unload"
	$K/rmmod hello 2>/dev/null && note "kmod rmmod succeeded"
}

t_init_fail() {
	r $M load $X/hello_fail.ko
	want_rc 1 "load"
	has "init function failed" "$err" "explanation"
	has ENODEV "$err" "errno name"
	has "hello_fail: no device here" "$err" "kernel log line"
	not_loaded hello_fail "after load"
	$K/insmod $X/hello_fail.ko 2>/dev/null && note "kmod insmod succeeded"
}

t_in_use() {
	ok $M load $X/hello.ko
	ok $M load $X/hello_user.ko
	r $M unload hello
	want_rc 1 "unload hello"
	has "in use by hello_user" "$err" "holder named"
	has "reference count 1" "$err" "reference count"
	is_loaded hello || note "hello was unloaded"
	r $M unload --wait --timeout 0.5 hello
	want_rc 1 "unload --wait"
	has "ETIMEDOUT" "$err" "unload --wait"
	r $M unload hello_user hello
	want_rc 0 "unload both"
}

t_compressed() {
	for c in xz zst gz; do
		r $M load --dry-run $D/hello.ko.$c
		has "init_module, decompressed in memory" "$out" "$c dry run"
		r $M load $D/hello.ko.$c count=6
		want_rc 0 "load .ko.$c"
		eq "$c: count" 6 "$(param hello count)"
		r $M unload hello
		want_rc 0 "unload ($c)"
	done
}

t_bad_param() {
	r $M load $X/hello.ko count=abc
	want_rc 1 "count=abc"
	has "parameter 'count' of hello: value 'abc' is invalid" "$err" "count=abc"
	r $M load $X/hello.ko mode=7
	want_rc 1 "mode=7"
	has "parameter 'mode'" "$err" "mode=7"
	has EINVAL "$err" "mode=7"
	not_loaded hello "after bad parameters"
	r $M load $X/hello.ko nosuch=1
	want_rc 0 "unknown parameter"
	has "unknown parameter 'nosuch' ignored" "$err" "unknown parameter warning"
	ok $M unload hello
}

t_nonroot() {
	r su -s /bin/sh nobody -c "$M load $X/hello.ko"
	want_rc 1 "load as nobody"
	has "needs root" "$err" "load as nobody"
	has EPERM "$err" "load as nobody"
	not_loaded hello "after load as nobody"
	ok $M load $X/hello.ko
	r su -s /bin/sh nobody -c "$M unload hello"
	want_rc 1 "unload as nobody"
	has EPERM "$err" "unload as nobody"
	is_loaded hello || note "unloaded by nobody"
	ok $M unload hello
}

t_by_name() {
	r $M load hello
	want_rc 0 "load hello"
	eq "config whom" config "$(param hello whom)"
	eq "config count" 4 "$(param hello count)"
	ok $M unload hello
	r $M load hello count=9
	eq "command line after config" 9 "$(param hello count)"
	eq "config kept" config "$(param hello whom)"
	ok $M unload hello
	r $M load --ignore-config hello
	eq "--ignore-config whom" world "$(param hello whom)"
	eq "--ignore-config count" 3 "$(param hello count)"
	ok $M unload hello
	# kmod's modprobe, the same name and parameters: the same values.
	$K/modprobe hello count=9 || note "kmod modprobe failed"
	eq "modprobe count" 9 "$(param hello count)"
	eq "modprobe whom" config "$(param hello whom)"
	$K/rmmod hello
}

t_blacklist() {
	r $M load greeter
	$K/modprobe greeter
	krc=$?
	want_rc $krc "load greeter (kmod's modprobe exits $krc)"
	has "blacklist" "$err" "load greeter"
	not_loaded hello "mymod load greeter"
	not_loaded hello "kmod modprobe greeter"
	r $M load -q greeter
	want_rc $krc "load -q greeter"
	eq "load -q greeter: quiet" "" "$err"
	r $M load --use-blacklist hello
	want_rc $krc "load --use-blacklist hello"
	not_loaded hello "load --use-blacklist hello"
}

# unload --remove-holders: hello_user goes first, then hello; -n says so only.
t_remove_holders() {
	ok $M load $X/hello.ko
	ok $M load $X/hello_user.ko
	r $M unload -n --remove-holders hello
	want_rc 0 "unload -n --remove-holders"
	has "would unload hello_user" "$out" "unload -n --remove-holders"
	is_loaded hello_user || note "unload -n --remove-holders: hello_user unloaded"
	r $M unload hello
	want_rc 1 "unload hello in use"
	r $M unload --remove-holders hello
	want_rc 0 "unload --remove-holders"
	not_loaded hello_user "unload --remove-holders"
	not_loaded hello "unload --remove-holders"
}

# Several modules in one call, each with its own parameters; -a; --first-time.
t_several() {
	r $M load hello_dev speed=7 $X/hello.ko whom=two
	want_rc 0 "load two modules"
	eq "two modules: the first's parameter" 7 "$(param hello_dev speed)"
	eq "two modules: the second's" two "$(param hello whom)"
	r $M load --first-time hello_dev
	want_rc 1 "load --first-time, loaded"
	has "hello_dev is already loaded (--first-time)" "$err" "load --first-time"
	$K/modprobe --first-time hello_dev 2>/dev/null && note "kmod's modprobe --first-time succeeded"
	ok $M unload hello hello_dev
	r $M load -a hello_dev nosuchmodule
	want_rc 1 "load -a, one missing"
	is_loaded hello_dev || note "load -a: hello_dev not loaded"
	has "nosuchmodule: no module or alias of that name" "$err" "load -a, one missing"
	r $M load -a -q nosuchmodule
	want_rc 1 "load -a -q, missing"
	eq "load -q: quiet" "" "$err"
	ok $M unload hello_dev
}

# --jobs: chains that share nothing load at once, in child processes; the
# output is each group's in order, and a failure in one group is reported
# and leaves the others loaded.
t_jobs() {
	state=$(modules_now)
	r $M load --with-deps -a -j 3 hello_user crc64_rocksoft hello_fail
	want_rc 1 "load -j 3, one fails"
	for m in hello hello_user loop crc64_rocksoft; do
		is_loaded $m || note "load -j 3: $m not loaded"
	done
	not_loaded hello_fail "load -j 3"
	has "hello_fail: no device here" "$err" "load -j 3: the failing group's kernel log line"
	r $M load --with-deps -a -j 2 -n hello_dev crc64_rocksoft
	want_rc 0 "load -j 2 -n"
	has "would load hello_dev (" "$out" "load -j 2 -n: the first group's output"
	has "crc64_rocksoft is already loaded" "$out" "load -j 2 -n: the second group's output"
	ok $M unload --with-deps hello_user crc64_rocksoft
	eq "load -j 3, then unload --with-deps" "$state" "$(modules_now)"
	r $M load -j 0 hello
	want_rc 2 "load -j 0"
}

# mymod behind the kmod names (/names/*: links to mymod), against kmod's
# own tools on the same modules: the same effect, lsmod byte for byte, the
# same exit status and stderr for the errors scripts read.
t_kmod_names() {
	N=/names
	state=$(modules_now)
	r $N/insmod $X/hello.ko whom=names
	want_rc 0 "insmod"
	eq "insmod: the parameter" names "$(param hello whom)"
	eq "lsmod: kmod's bytes" "$($K/lsmod)" "$($N/lsmod)"
	r $N/rmmod hello
	want_rc 0 "rmmod"
	not_loaded hello "rmmod"
	base=$(loaded)
	r $N/modprobe hello_user
	want_rc 0 "modprobe hello_user"
	mine=$(new_since "$base")
	eq "lsmod with a chain: kmod's bytes" "$($K/lsmod)" "$($N/lsmod)"
	eq "kmod list: lsmod's bytes" "$($K/lsmod)" "$($N/kmod list)"
	r $N/modprobe -r hello_user
	want_rc 0 "modprobe -r hello_user"
	eq "modprobe -r: what modprobe loaded is gone" "$state" "$(modules_now)"
	$K/modprobe hello_user || note "kmod's modprobe hello_user failed"
	eq "kmod's modprobe loads the same" "$mine" "$(new_since "$base")"
	$K/modprobe -r hello_user
	r $N/modprobe -q loop
	want_rc 0 "modprobe -q loop"
	r $N/modprobe -q loop
	want_rc 0 "modprobe -q loop, loaded already"
	ok $N/rmmod loop
	for args in "nosuchmod" "-r nosuchmod" "-r hello" "--first-time -r hello"; do
		# shellcheck disable=SC2086 # the words are arguments
		$K/modprobe $args >/tmp/k.out 2>/tmp/k.err
		krc=$?
		# shellcheck disable=SC2086
		r $N/modprobe $args
		want_rc $krc "modprobe $args: kmod's exit status"
		eq "modprobe $args: kmod's stderr" "$(cat /tmp/k.err)" "$err"
	done
	for t in "rmmod hello" "insmod /data/nosuch.ko" "insmod $X/hello_fail.ko"; do
		# shellcheck disable=SC2086
		$K/$t >/tmp/k.out 2>/tmp/k.err
		krc=$?
		# shellcheck disable=SC2086
		r $N/$t
		want_rc $krc "$t: kmod's exit status"
		eq "$t: kmod's stderr" "$(cat /tmp/k.err)" "$err"
	done
	# modprobe.d's install and remove commands run through the modprobe name.
	conf=/etc/modprobe.d/zz-names.conf
	cat >$conf <<-EOF
	install hello_dev echo "installing \$MODPROBE_MODULE" >/tmp/installed; $K/insmod $X/hello_dev.ko \$CMDLINE_OPTS
	remove hello_dev echo "removing \$MODPROBE_MODULE" >/tmp/removed; $K/rmmod hello_dev
	EOF
	r $N/modprobe hello_dev speed=3
	want_rc 0 "modprobe: install command"
	eq "modprobe: install command ran" "installing hello_dev" "$(cat /tmp/installed 2>&1)"
	eq "modprobe: install command's \$CMDLINE_OPTS" 3 "$(param hello_dev speed)"
	r $N/modprobe -r hello_dev
	want_rc 0 "modprobe -r: remove command"
	eq "modprobe -r: remove command ran" "removing hello_dev" "$(cat /tmp/removed 2>&1)"
	not_loaded hello_dev "modprobe -r: remove command"
	echo "install hello_dev /bin/false" >$conf
	r $N/modprobe hello_dev
	want_rc 1 "modprobe: install /bin/false"
	not_loaded hello_dev "modprobe: install /bin/false"
	rm -f $conf /tmp/installed /tmp/removed /tmp/k.out /tmp/k.err
	eq "kmod names: nothing left loaded" "$state" "$(modules_now)"
}

t_real_module() {
	r $M load loop max_loop=3
	want_rc 0 "load loop"
	eq max_loop 3 "$(param loop max_loop)"
	check_list
	r $M unload loop
	want_rc 0 "unload loop"
}

t_dep_chain() {
	for m in crct10dif_common crc-t10dif crc64 crc64_rocksoft t10-pi; do
		r $M load $m
		want_rc 0 "load $m"
	done
	check_list
	r $M unload crct10dif_common
	want_rc 1 "unload crct10dif_common"
	has "in use by crc_t10dif" "$err" "holder named"
	r $M unload t10-pi crc64_rocksoft crc64 crc_t10dif crct10dif_common
	want_rc 0 "unload the chain"
}

t_unknown_symbol() {
	r $M load $X/hello_user.ko
	want_rc 1 "load hello_user alone"
	once "mymod: load: $X/hello_user.ko: needs module hello for 3 symbols" "$err" "explanation"
	has "hello_greet" "$err" "symbol named"
	once "(ENOENT)" "$err" "errno name"
	once "mymod: load: hint: load hello first" "$err" "what to do"
	once "hint:" "$err" "one hint"
}

t_vermagic() {
	r $M load $D/hello-badmagic.ko
	want_rc 1 "load"
	once "(ENOEXEC)" "$err" "errno name"
	once "version magic '$KVER SMP preempt mod_unloax modversions ' should be '$KVER SMP preempt mod_unload modversions '" "$err" "the vermagics"
	once "--force-vermagic loads it anyway" "$err" "how to force it"
	once "hint:" "$err" "one hint"
	$K/insmod $D/hello-badmagic.ko 2>/dev/null && note "kmod insmod succeeded"
	r $M load --force-vermagic $D/hello-badmagic.ko
	want_rc 0 "--force-vermagic"
	has "taints the kernel" "$err" "--force-vermagic warning"
	grep '^hello ' /proc/modules | grep -q 'F' || note "no F taint: $(grep '^hello ' /proc/modules)"
	ok $M unload hello
	r $M load --dry-run --force-vermagic $D/hello-badmagic.ko.xz
	has "finit_module (memfd)" "$out" "compressed and forced: dry run"
	r $M load --force-vermagic $D/hello-badmagic.ko.xz
	want_rc 0 "--force-vermagic .ko.xz"
	ok $M unload hello
}

t_modversion() {
	r $M load $D/hello-badcrc.ko
	want_rc 1 "load"
	once "built against a different kernel: its version (CRC) differs from this kernel's for __fentry__" "$err" "explanation"
	once "hint:" "$err" "one hint"
	has "disagrees about version of symbol" "$err" "kernel log line"
	not_loaded hello "after load"
	r $M load --force-modversion $D/hello-badcrc.ko
	want_rc 0 "--force-modversion"
	grep '^hello ' /proc/modules | grep -q 'F' || note "no F taint: $(grep '^hello ' /proc/modules)"
	ok $M unload hello
}

t_bad_arch() {
	r $M load $D/hello-aarch64.ko
	want_rc 1 "load"
	once "(ENOEXEC)" "$err" "errno name"
	once "mymod: load: $D/hello-aarch64.ko: built for AArch64 (64-bit)" "$err" "architecture"
}

t_signature() {
	r $M load $D/loop-tampered.ko
	want_rc 1 "load"
	has EKEYREJECTED "$err" "errno name"
	has "signature does not verify" "$err" "explanation"
	not_loaded loop "after load"
}

t_builtin() {
	r $M load zswap
	want_rc 0 "load zswap"
	has "zswap is built into the kernel" "$out" "load zswap"
	$K/modprobe zswap || note "kmod modprobe zswap failed"
	r $M unload zswap
	want_rc 1 "unload zswap"
	has "built into the kernel" "$err" "unload zswap"
	# Without parameters, a built-in module has no /sys/module/NAME: modules.builtin says.
	[ -e /sys/module/crc32 ] && note "/sys/module/crc32 exists: choose a built-in module without"
	r $M unload crc32
	want_rc 1 "unload crc32"
	has "crc32 is built into the kernel and cannot be unloaded" "$err" "unload crc32"
	r $M unload --with-deps crc32
	want_rc 1 "unload --with-deps crc32"
	has "crc32 is built into the kernel" "$err" "unload --with-deps crc32"
}

t_dry_run() {
	r $M load --dry-run $X/hello.ko whom=x
	want_rc 0 "dry run"
	has "would load hello ($X/hello.ko) with finit_module, parameters: whom=x" "$out" "dry run"
	r $M load -n hello
	has "parameters: whom=config count=4" "$out" "dry run by name"
}

# The kernel's taint mask has R (TAINT_FORCED_RMMOD, bit 3): a module was force-removed.
tainted_r() { [ $(($(cat /proc/sys/kernel/tainted) & 8)) != 0 ]; }

# Debian's kernel has CONFIG_MODULE_FORCE_UNLOAD=y: --force removes a module in use.
t_force_unload() {
	tainted_r && note "R taint before any forced unload"
	# Unused: removed, and no forcing was needed, so no taint.
	ok $M load $X/hello.ko
	r $M unload --force hello
	want_rc 0 "unload --force, unused"
	has "taints the kernel" "$err" "--force warning"
	not_loaded hello "after unload --force, unused"
	tainted_r && note "R taint after a forced unload of an unused module"
	# In use: pin=1 takes a reference on hello that nothing drops (and no holder).
	ok $M load $X/hello.ko
	r $M load $X/hello_chain_fail.ko pin=1
	want_rc 1 "hello_chain_fail pin=1"
	eq "hello's reference count" 1 "$(cat /sys/module/hello/refcnt)"
	r $M unload hello
	want_rc 1 "unload hello in use"
	has "hello is in use, reference count 1" "$err" "unload hello in use"
	r $M unload --force hello
	want_rc 0 "unload --force, in use"
	not_loaded hello "after unload --force, in use"
	tainted_r || note "no R taint after a forced unload: $(cat /proc/sys/kernel/tainted)"
	# Held by another module: the kernel refuses even --force (EWOULDBLOCK).
	ok $M load $X/hello.ko
	ok $M load $X/hello_user.ko
	r $M unload --force hello
	want_rc 1 "unload --force, held by hello_user"
	has "in use by hello_user" "$err" "unload --force, held by hello_user"
	is_loaded hello || note "hello was removed under hello_user"
	ok $M unload hello_user hello
}

# Init but no exit function: "[permanent]" in /proc/modules, no user for list or
# lsmod, EBUSY without --force.
t_permanent() {
	ok $M load $X/hello_permanent.ko
	grep -q '^hello_permanent [0-9]* [0-9]* \[permanent\], ' /proc/modules ||
		note "no [permanent] in /proc/modules: $(grep '^hello_permanent ' /proc/modules)"
	check_list
	r $M list -r -n -o NAME,USED-BY,FLAGS
	has "hello_permanent  permanent" "$out" "FLAGS"
	r $M list --json -o NAME,USED-BY,FLAGS
	has '"name": "hello_permanent",
      "used-by": [
      ],
      "flags": [
        "permanent"
      ]' "$out" "--json"
	r $M unload hello_permanent
	want_rc 1 "unload"
	has "it has an init function but no exit function" "$err" "unload"
	has EBUSY "$err" "unload"
	r $M unload --with-deps hello_permanent
	want_rc 1 "unload --with-deps"
	is_loaded hello_permanent || note "unloaded without --force"
	r $M unload --force hello_permanent
	want_rc 0 "unload --force"
	not_loaded hello_permanent "after unload --force"
}

# --wait: the module is in use (an open /dev/loop0), then not; it goes then.
t_unload_wait() {
	ok $M load loop
	(exec 3</dev/loop0 && sleep 2) &
	holder=$!
	i=0
	while [ "$(cat /sys/module/loop/refcnt)" = 0 ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	eq "loop held" 1 "$(cat /sys/module/loop/refcnt)"
	t0=$(cut -d' ' -f1 /proc/uptime)
	r $M unload --wait --timeout 20 loop
	t1=$(cut -d' ' -f1 /proc/uptime)
	want_rc 0 "unload --wait"
	not_loaded loop "after unload --wait"
	waited=$(awk "BEGIN { print ($t1 - $t0 >= 0.5) }")
	eq "unload --wait waited ($t0 -> $t1)" 1 "$waited"
	wait $holder
}

t_lockdown() {
	echo integrity >/sys/kernel/security/lockdown ||
		note "cannot raise lockdown: $(cat /sys/kernel/security/lockdown)"
	r $M load $X/hello.ko
	want_rc 1 "unsigned hello"
	has "locked down (integrity)" "$err" "explanation"
	has EPERM "$err" "errno name"
	has "unsigned module loading is restricted" "$err" "kernel log line"
	not_loaded hello "after load"
	# A module Debian signed still loads.
	r $M load loop
	want_rc 0 "signed loop"
	ok $M unload loop
}

t_modules_disabled() {
	echo 1 >/proc/sys/kernel/modules_disabled
	r $M load $X/hello.ko
	want_rc 1 "load"
	has "modules_disabled is 1" "$err" "explanation"
	has EPERM "$err" "errno name"
}

# The modules loaded now that were not in BEFORE (a sorted name list).
new_since() { loaded | grep -vxF "$1"; }
nvme_chain="crc64
crc64_rocksoft
crc_t10dif
crct10dif_common
crct10dif_generic
nvme
nvme_core
t10_pi"

t_with_deps() {
	base=$(loaded)
	state=$(modules_now)
	r $M load --with-deps --dry-run hello_user
	want_rc 0 "dry run"
	eq "dry run: nothing loaded" "$state" "$(modules_now)"
	has "would load hello ($X/hello.ko) with finit_module, parameters: whom=config count=4" "$out" "dry run: hello, blacklisted, with its options"
	has "would load loop (" "$out" "dry run: the softdep"
	has "would load hello_user ($X/hello_user.ko)" "$out" "dry run: hello_user"
	r $M load --with-deps hello_user
	want_rc 0 "load --with-deps"
	mine=$(new_since "$base")
	eq "loaded" "hello
hello_user
loop" "$mine"
	eq "config options of the dependency" config "$(param hello whom)"
	loaded_state=$(modules_now)
	r $M unload --with-deps --dry-run hello_user
	want_rc 0 "unload --with-deps --dry-run"
	eq "unload --with-deps --dry-run: nothing unloaded" "$loaded_state" "$(modules_now)"
	for m in hello_user hello loop; do
		has "would unload $m" "$out" "unload --with-deps --dry-run"
	done
	r $M unload --with-deps hello_user
	want_rc 0 "unload --with-deps"
	eq "after unload --with-deps" "$state" "$(modules_now)"
	# kmod's modprobe, the same question: the same modules.
	$K/modprobe hello_user || note "kmod modprobe failed"
	eq "kmod modprobe loads the same" "$mine" "$(new_since "$base")"
	$K/modprobe -r hello_user
	# A blacklisted module named by an alias is passed over, as by modprobe (same exit).
	$K/modprobe greeter 2>/dev/null
	krc=$?
	r $M load --with-deps greeter
	want_rc $krc "load --with-deps greeter"
	has "blacklist" "$err" "load --with-deps greeter"
	eq "greeter: nothing loaded" "$state" "$(modules_now)"
	# A module in use outside the chain stays: an open /dev/loop0 holds loop.
	ok $M load --with-deps hello_user
	exec 3</dev/loop0
	r $M unload --with-deps --dry-run hello_user
	has "would keep loop: reference count 1" "$out" "unload --with-deps --dry-run, loop in use"
	has "would unload hello" "$out" "unload --with-deps --dry-run, loop in use"
	r $M unload --with-deps -v hello_user
	want_rc 0 "unload --with-deps, loop in use"
	has "kept loop: reference count 1" "$out" "unload --with-deps -v"
	is_loaded loop || note "loop was unloaded while in use"
	not_loaded hello "unload --with-deps, loop in use"
	exec 3<&-
	ok $M unload loop
}

t_with_deps_rollback() {
	base=$(loaded)
	state=$(modules_now)
	r $M load --with-deps -n hello_chain_fail
	want_rc 0 "dry run"
	eq "dry run: nothing loaded" "$state" "$(modules_now)"
	r $M load --with-deps hello_chain_fail
	want_rc 1 "load --with-deps hello_chain_fail"
	has "init function failed" "$err" "explanation"
	has "hello_chain_fail: failing on purpose" "$err" "kernel log"
	has "hello_chain_fail failed: rolled back: unloaded loop, hello" "$err" "rollback report"
	eq "rolled back" "$state" "$(modules_now)"
	# A parameter for NAME only; a bad one fails NAME, and the chain is undone.
	r $M load --with-deps hello_chain_fail fail=maybe
	want_rc 1 "fail=maybe"
	has EINVAL "$err" "fail=maybe"
	has "rolled back" "$err" "fail=maybe"
	eq "rolled back after a bad parameter" "$state" "$(modules_now)"
	r $M load --with-deps hello_chain_fail fail=0
	want_rc 0 "fail=0"
	eq "fail=0: the chain" "hello
hello_chain_fail
loop" "$(new_since "$base")"
	eq "fail=0: hello's options from modprobe.d only" 4 "$(param hello count)"
	ok $M unload --with-deps hello_chain_fail
	eq "unloaded" "$state" "$(modules_now)"
	# What was loaded before stays loaded.
	ok $M load loop
	with_loop=$(modules_now)
	r $M load --with-deps hello_chain_fail
	want_rc 1 "loop loaded before"
	has "rolled back: unloaded hello" "$err" "loop loaded before"
	eq "rolled back, loop as it was" "$with_loop" "$(modules_now)"
	ok $M unload loop
	r $M load --with-deps --no-rollback hello_chain_fail
	want_rc 1 "--no-rollback"
	has "kept what this command loaded (--no-rollback): hello, loop" "$err" "--no-rollback"
	eq "--no-rollback keeps them" "hello
loop" "$(new_since "$base")"
	ok $M unload loop hello
	# A rollback that cannot finish: pin=1 keeps a reference on hello.
	r $M load --with-deps hello_chain_fail pin=1
	want_rc 1 "pin=1"
	has "ROLLBACK FAILED: hello stays loaded" "$err" "pin=1"
	has "ROLLBACK INCOMPLETE: still loaded: hello; unloaded: loop" "$err" "pin=1"
	is_loaded hello || note "pin=1: hello was unloaded"
	ok $M unload --force hello
}

t_with_deps_nvme() {
	base=$(loaded)
	state=$(modules_now)
	r $M load --with-deps nvme
	want_rc 0 "load --with-deps nvme"
	mine=$(new_since "$base")
	eq "nvme's chain" "$nvme_chain" "$mine"
	r $M deps --reverse --loaded -r -n -o NAME crc64
	want_rc 0 "deps --reverse --loaded"
	eq "deps --reverse --loaded crc64" "crc64
crc64_rocksoft
t10_pi
nvme_core
nvme" "$out"
	r $M deps --json nvme
	has '"name": "nvme",
      "path": "/lib/modules/'"$KVER"'/kernel/drivers/nvme/host/nvme.ko",
      "builtin": false,
      "loaded": true' "$out" "deps --json: loaded"
	r $M unload --with-deps nvme
	want_rc 0 "unload --with-deps nvme"
	eq "after unload --with-deps nvme" "$state" "$(modules_now)"
	# kmod's modprobe loads the same set; kmod 30's modprobe -r checks nvme's
	# dependencies once, in load order, so it unloads only nvme and nvme_core.
	$K/modprobe nvme || note "kmod modprobe nvme failed"
	eq "kmod modprobe nvme loads the same" "$mine" "$(new_since "$base")"
	$K/modprobe -r nvme
	eq "kmod modprobe -r nvme" "$(echo "$nvme_chain" | grep -vx -e nvme -e nvme_core)" "$(new_since "$base")"
	r $M unload --with-deps t10_pi
	want_rc 0 "unload --with-deps t10_pi"
	eq "after unload --with-deps t10_pi" "$state" "$(modules_now)"
	# crc64 loaded by hand first: unused once nvme's chain goes, so it goes too
	# (modprobe -r does not know who loaded a module either).
	ok $M load crc64
	ok $M load --with-deps nvme
	r $M unload --with-deps nvme
	want_rc 0 "crc64 first"
	not_loaded crc64 "crc64 first"
	# A module in use outside the chain stays: nvme_fabrics holds nvme_core.
	ok $M load --with-deps nvme
	ok $M load --with-deps nvme_fabrics
	r $M unload --with-deps -v nvme
	want_rc 0 "nvme_fabrics loaded"
	has "kept nvme_core: in use by nvme_fabrics" "$out" "nvme_fabrics loaded"
	not_loaded nvme "nvme_fabrics loaded"
	eq "nvme_fabrics keeps the rest" "$( (echo "$nvme_chain" | grep -vx nvme; echo nvme_fabrics) | sort)" \
		"$(new_since "$base")"
	ok $M unload --with-deps nvme_fabrics
	eq "after unload --with-deps nvme_fabrics" "$state" "$(modules_now)"
}

# mymod decode on a real warning: hello_warn's WARN_ON (warn=1), as dmesg
# prints it, decoded with the module found by name in the module directory
# of the release the log names. The module frames are printed as
# MYMOD-DECODE lines, for vm.sh to compare with addr2line on the host.
# mymod params on hello_dev: values as sysfs has them; a write of each type
# lands; a value the module's setter refuses sets the others back; read-only
# and permissions 0 explained; the pre-check agrees with the kernel's
# parsers, value by value; nobody may read but not write; not loaded.
P=/sys/module/hello_dev/parameters
t_params() {
	ok $M load hello_dev
	r $M params -r -n -o NAME,VALUE hello_dev
	want_rc 0 "params"
	for f in $P/*; do
		eq "params: ${f##*/}" "$(cat "$f")" "$(echo "$out" | awk -v n="${f##*/}" '$1 == n { print $2 }')"
	done
	r $M params hello_dev
	has "permissions 0: no sysfs file" "$out" "params: secret"
	ok $M params hello_dev speed=5 mask=0x10 big=18446744073709551615 delta=-7 level=255 \
		quiet=Y enabled=off label=abc ports=1,2,3 even=8
	for kv in speed=5 mask=0x000010 big=18446744073709551615 delta=-7 level=255 quiet=Y \
		enabled=N label=abc ports=1,2,3 even=8; do
		eq "written: ${kv%%=*}" "${kv#*=}" "$(param hello_dev "${kv%%=*}")"
	done
	r $M params hello_dev speed=6 label=xyz even=3
	want_rc 1 "an odd even"
	has "even=3: the kernel refused it: EINVAL" "$err" "an odd even"
	has "hello_dev: even: 3 is odd, refused" "$err" "an odd even: the kernel log"
	has "speed set back to '5'" "$err" "an odd even: set back"
	eq "set back: speed" 5 "$(param hello_dev speed)"
	eq "set back: label" abc "$(param hello_dev label)"
	r $M params hello_dev serial=1 secret=2
	want_rc 1 "read-only"
	has "serial is read-only (0444)" "$err" "read-only"
	has "secret has permissions 0" "$err" "permissions 0"
	# The pre-check against the kernel's own parsers.
	for kv in speed=4294967295 speed=4294967296 speed=0x1F speed=017 speed=018 speed=-1 \
		speed=+3 delta=-32768 delta=-32769 level=256 mask=0xffffffff enabled=maybe \
		enabled=on quiet=of ports=4,5,6 ports=1,2,3,4 ports=7,x label=ok; do
		n=${kv%%=*}
		r $M params --check hello_dev "$kv"
		ours=$rc
		old=$(param hello_dev "$n")
		printf '%s' "${kv#*=}" >"$P/$n" 2>/dev/null
		theirs=$?
		printf '%s' "$old" >"$P/$n"
		[ "$ours" = "$theirs" ] || note "$kv: params --check exits $ours, the kernel's write $theirs"
	done
	r su -s /bin/sh nobody -c "$M params hello_dev speed=1"
	want_rc 1 "params as nobody"
	has "needs root" "$err" "params as nobody"
	r su -s /bin/sh nobody -c "$M params hello_dev"
	want_rc 0 "params as nobody, reading"
	ok $M unload hello_dev
	r $M params hello_dev
	want_rc 1 "params, not loaded"
	has "hello_dev: not loaded" "$err" "params, not loaded"
}

# mymod debug on hello_dev: the callsites are the control file's; on makes
# poke's pr_debug print, off stops it; --func narrows; load --debug prints
# init's; errors: bad flags, not loaded, no callsites, not root.
t_debug() {
	ok $M load hello_dev
	r $M debug -r -n -o FILE,LINE,FUNCTION,FLAGS hello_dev
	want_rc 0 "debug"
	eq "debug vs the control file" "$(grep ' \[hello_dev\]' /proc/dynamic_debug/control |
		sed 's/^\([^ ]*\):\([0-9]*\) \[hello_dev\]\([^ ]*\) =\([^ ]*\) .*/\1 \2 \3 \4/')" "$out"
	ok $M debug hello_dev on
	has ": _ -> p" "$out" "on: what changed"
	echo 1 >$P/poke
	dmesg | grep -q "hello_dev: poked with 1" || note "on: no pr_debug line in the log"
	ok $M debug hello_dev off
	echo 2 >$P/poke
	dmesg | grep -q "hello_dev: poked with 2" && note "off: the pr_debug line is still printed"
	r $M debug --func poke_set hello_dev +pf
	want_rc 0 "debug --func"
	eq "--func: one callsite changed" 1 "$(echo "$out" | grep -c -- ' -> ')"
	has "poke_set: _ -> pf" "$out" "--func: which"
	r $M debug hello_dev bogus
	want_rc 2 "bad flags"
	r su -s /bin/sh nobody -c "$M debug hello_dev =_"
	want_rc 1 "debug as nobody"
	has "needs root" "$err" "debug as nobody"
	ok $M unload hello_dev
	r $M debug hello_dev
	want_rc 1 "debug, not loaded"
	has "hello_dev: not loaded" "$err" "debug, not loaded"
	ok $M load $X/hello.ko
	r $M debug hello
	want_rc 1 "no callsites"
	has "hello has no dynamic-debug callsites" "$err" "no callsites"
	ok $M unload hello
	ok $M load --debug hello_dev
	dmesg | grep -q "hello_dev: init, speed" || note "load --debug: init's pr_debug not printed"
	ok $M unload hello_dev
}

# mymod reload: a new version replaces the old and keeps its values (the
# command line overrides); a new build that fails leaves the old one loaded
# with its values; a module in use is refused, or --with-holders takes its
# holders out and back; not loaded: loaded; nobody cannot.
t_reload() {
	ok $M load hello_dev speed=11 label=first
	ok $M params hello_dev even=6
	r $M reload $D/hello_dev-v2.ko
	want_rc 0 "reload"
	eq "reload: the new version" 2.0 "$(cat /sys/module/hello_dev/version)"
	eq "reload: speed kept" 11 "$(param hello_dev speed)"
	eq "reload: label kept" first "$(param hello_dev label)"
	eq "reload: even kept" 6 "$(param hello_dev even)"
	has "hello_dev: ready (first, speed 11, even 6)" "$out" "reload: the new module's log"
	ok $M reload $D/hello_dev-v2.ko speed=12
	eq "reload: the command line overrides" 12 "$(param hello_dev speed)"
	r $M reload -J $D/hello_dev-v2.ko
	want_rc 0 "reload -J"
	has '"result": "reloaded"' "$out" "reload -J"
	has '"hello_dev: ready (first, speed 12, even 6)"' "$out" "reload -J: the log"
	r $M reload $D/hello_dev-broken.ko
	want_rc 1 "reload a broken build"
	has "the old build is back" "$out" "reload a broken build"
	has "this build does not work" "$err" "reload a broken build: the kernel's words"
	is_loaded hello_dev || note "reload a broken build: hello_dev is not loaded"
	eq "fallback: the old version" 2.0 "$(cat /sys/module/hello_dev/version 2>&1)"
	eq "fallback: speed kept" 12 "$(param hello_dev speed)"
	eq "fallback: even kept" 6 "$(param hello_dev even)"
	r su -s /bin/sh nobody -c "$M reload $D/hello_dev-v2.ko"
	want_rc 1 "reload as nobody"
	is_loaded hello_dev || note "reload as nobody: hello_dev is gone"
	ok $M unload hello_dev
	ok $M load $X/hello.ko whom=vm
	ok $M load $X/hello_user.ko
	r $M reload $X/hello.ko
	want_rc 1 "reload in use"
	has "hello is in use by hello_user" "$err" "reload in use"
	has "--with-holders" "$err" "reload in use: the hint"
	r $M reload --with-holders $X/hello.ko
	want_rc 0 "reload --with-holders"
	has "hello_user loaded back" "$out" "reload --with-holders"
	is_loaded hello_user || note "reload --with-holders: hello_user is not back"
	eq "reload --with-holders: whom kept" vm "$(param hello whom)"
	ok $M unload hello_user
	ok $M unload hello
	r $M reload $X/hello.ko
	want_rc 0 "reload, not loaded"
	has "hello was not loaded: loading" "$out" "reload, not loaded"
	ok $M unload hello
}

# modprobe.d's install and remove commands, run by load and unload by name:
# "install X /bin/false" stops the load; a command that loads the module
# itself gets $CMDLINE_OPTS and MODPROBE_MODULE; -i skips it; a command
# that calls mymod for the same module does not loop; --dry-run prints it;
# --with-deps rolls back when a step's command fails.
t_install_remove() {
	conf=/etc/modprobe.d/zz-install.conf
	echo "install hello_dev /bin/false" >$conf
	r $M load hello_dev
	want_rc 1 "install /bin/false"
	has "its install command '/bin/false' failed with exit status 1" "$err" "install /bin/false"
	not_loaded hello_dev "install /bin/false"
	r $M load -i hello_dev speed=4
	want_rc 0 "load -i"
	eq "load -i: loaded itself" 4 "$(param hello_dev speed)"
	ok $M unload hello_dev
	cat >$conf <<-EOF
	install hello_dev echo "installing \$MODPROBE_MODULE with \$CMDLINE_OPTS" >/tmp/installed; $K/insmod $X/hello_dev.ko \$CMDLINE_OPTS
	remove hello_dev echo "removing \$MODPROBE_MODULE" >/tmp/removed; $K/rmmod hello_dev
	EOF
	r $M load -n hello_dev speed=5
	has "would run hello_dev's install command: echo" "$out" "install --dry-run"
	not_loaded hello_dev "install --dry-run"
	r $M load hello_dev speed=5
	want_rc 0 "install command"
	eq "install command: its variables" "installing hello_dev with speed=5" "$(cat /tmp/installed 2>&1)"
	eq "install command: the module's parameter" 5 "$(param hello_dev speed)"
	r $M unload -n hello_dev
	has "would run hello_dev's remove command" "$out" "remove --dry-run"
	is_loaded hello_dev || note "remove --dry-run: unloaded"
	r $M unload hello_dev
	want_rc 0 "remove command"
	eq "remove command: ran" "removing hello_dev" "$(cat /tmp/removed 2>&1)"
	not_loaded hello_dev "remove command"
	# A command that calls mymod for the same module: loads it, once.
	echo "install hello_dev $M load hello_dev \$CMDLINE_OPTS" >$conf
	r timeout 20 $M load hello_dev speed=6
	want_rc 0 "install command calling mymod"
	eq "install command calling mymod: loaded" 6 "$(param hello_dev speed)"
	ok $M unload hello_dev
	# A command that leaves a helper running with its output: mymod does not wait for it.
	echo "install hello_dev $K/insmod $X/hello_dev.ko; echo started; sleep 120 &" >$conf
	r timeout 30 $M load hello_dev
	want_rc 0 "install command with a helper in the background"
	has "started" "$out" "install command with a helper: its output"
	is_loaded hello_dev || note "install command with a helper: not loaded"
	ok $M unload hello_dev
	# --with-deps: hello's command fails, so hello_user is not loaded and nothing stays.
	echo "install hello /bin/false" >$conf
	r $M load --with-deps hello_user
	want_rc 1 "--with-deps, a failing install command"
	not_loaded hello "--with-deps, a failing install command"
	not_loaded hello_user "--with-deps, a failing install command"
	rm -f $conf /tmp/installed /tmp/removed
}

# mymod addr: an address in hello_dev's poke_set names it, its module and
# source line (checked against addr2line on the host: MYMOD-ADDR lines); an
# address in its freed init code is said to be so; one in the kernel image
# names the kernel's symbol; bad input; nobody sees no addresses.
t_addr() {
	ok $M load hello_dev
	base=$(grep ' poke_set	\[hello_dev\]' /proc/kallsyms | cut -d' ' -f1)
	[ -n "$base" ] || note "addr: no poke_set in /proc/kallsyms"
	a=$(printf '%x' $((0x$base + 8)))
	r $M addr "$a"
	want_rc 0 "addr"
	has "0x$a: poke_set+0x8/0x" "$out" "addr: the symbol"
	has " [hello_dev] at " "$out" "addr: the module and source"
	has "hello_dev.c:" "$out" "addr: the source file"
	echo "$out" | sed 's/^/MYMOD-ADDR /'
	r $M addr -J "$a"
	has '"symbol": "poke_set"' "$out" "addr -J"
	init=$(cat /sys/module/hello_dev/sections/.init.text)
	r $M addr "$init"
	want_rc 1 "addr, freed init code"
	has "which the kernel freed once hello_dev's init had run" "$out" "addr, freed init code"
	k=$(grep ' T _printk$' /proc/kallsyms | cut -d' ' -f1)
	r $M addr "0x$k"
	want_rc 0 "addr, the kernel image"
	has "_printk+0x0/0x" "$out" "addr, the kernel image"
	has "in the kernel image, not in a module" "$out" "addr, the kernel image"
	r $M addr xyz
	want_rc 2 "addr xyz"
	r su -s /bin/sh nobody -c "$M addr $a"
	want_rc 1 "addr as nobody"
	has "hides module addresses" "$err" "addr as nobody"
	ok $M unload hello_dev
}

t_decode() {
	line=$(cat $D/hello_warn.line)
	ok $M load hello_warn warn=1
	ok $M unload hello_warn
	dmesg >/tmp/warn.log
	grep -q 'WARNING: .*hello_warn' /tmp/warn.log || note "no WARNING of hello_warn in dmesg"
	r $M decode /tmp/warn.log
	want_rc 0 "decode"
	frames=$(echo "$out" | grep -F '[hello_warn]')
	[ -n "$frames" ] || note "no hello_warn frame in the decoded log: $(oneline "$out")"
	has "RIP: 0010:hello_warn_check+" "$frames" "the RIP line"
	has "hello_warn.c:$line (hello_warn_helper inlined into hello_warn_check at " "$frames" \
		"the WARN_ON's line"
	echo "$frames" | grep -q 'hello_warn_init+.* at .*hello_warn.c:[0-9]' ||
		note "the init frame is not decoded: $(oneline "$frames")"
	eq "other lines unchanged" "$(grep -vF '[hello_warn' /tmp/warn.log)" \
		"$(echo "$out" | grep -vF '[hello_warn')"
	echo "$frames" | sed 's/^/MYMOD-DECODE /'
}

# ---- The loaded module's own commands (taint, sections, symbols, log) ----

# Does LINES hold the line "KEY VALUES" where the comma-separated VALUES hold NAME?
lists() { echo "$1" | grep -qE "^$2 ([^ ]*,)?$3(,| |\$)"; }

t_live_taint() {
	ok $M load $X/hello.ko
	r $M taint -r -n -o LETTER,MODULES
	want_rc 0 "taint"
	for l in O E; do
		lists "$out" "$l" hello || note "taint: $l does not list hello: $(oneline "$out")"
	done
	# The flags set add up to /proc/sys/kernel/tainted.
	r $M taint -r -n -o BIT,SET
	sum=0
	for b in $(echo "$out" | awk '$2 == "true" { print $1 }'); do
		sum=$((sum + (1 << b)))
	done
	eq "taint: the flags set" "$(cat /proc/sys/kernel/tainted)" "$sum"
	# Each module's letters, as /proc/modules has them, list it.
	r $M taint -r -n -o LETTER,MODULES
	for m in $(awk '$7 ~ /^\(/ { print $1 }' /proc/modules); do
		for l in $(grep "^$m " /proc/modules | awk '{ print $7 }' | tr -d '()' | sed 's/./& /g'); do
			lists "$out" "$l" "$m" || note "taint: $l does not list $m"
		done
	done
	r $M taint --json
	want_rc 0 "taint --json"
	has '"name": "OOT_MODULE"' "$out" "taint --json"
	r $M taint --modules --json
	want_rc 0 "taint --modules"
	has '"E: unsigned (the file carries no signature)"' "$out" "taint --modules: E from the file"
	has "\"file\": \"$X/hello.ko\"" "$($M taint --modules --json -o NAME,FILE)" "taint --modules: the file"
	ok $M unload hello
}

# NAME ADDRESS of each file of /sys/module/$1/sections, sorted.
sysfs_sections() {
	for f in "/sys/module/$1/sections"/* "/sys/module/$1/sections"/.[!.]*; do
		[ -e "$f" ] && echo "${f##*/} $(cat "$f")"
	done | sort
}

t_live_sections() {
	ok $M load $X/hello.ko
	r $M sections -r -n hello
	want_rc 0 "sections"
	eq "sections vs /sys/module/hello/sections" "$(sysfs_sections hello)" "$(echo "$out" | sort)"
	r $M sections --gdb hello
	want_rc 0 "sections --gdb"
	has "add-symbol-file $X/hello.ko $(cat /sys/module/hello/sections/.text) -s " "$out" "--gdb"
	sysfs_sections hello | grep -v '^\.text ' | while read -r s a; do
		has " -s $s $a" "$out" "--gdb: $s"
	done
	eq "--gdb: one -s a section but .text" "$(($(sysfs_sections hello | wc -l) - 1))" \
		"$(echo "$out" | grep -o ' -s ' | wc -l)"
	r $M sections --gdb --file /build/hello.ko hello
	has "add-symbol-file /build/hello.ko 0x" "$out" "--gdb --file"
	r su -s /bin/sh nobody -c "$M sections hello"
	want_rc 1 "sections as nobody"
	has "readable by root only" "$err" "sections as nobody"
	ok $M unload hello
	r $M sections hello
	want_rc 1 "sections, not loaded"
	eq "sections, not loaded" "mymod: sections: hello: not loaded" "$err"
}

t_live_symbols() {
	ok $M load $X/hello.ko
	r $M symbols -r -n -o ADDRESS,TYPE,NAME hello
	want_rc 0 "symbols"
	eq "symbols vs /proc/kallsyms" "$(grep '\[hello\]$' /proc/kallsyms | awk '{ print "0x" $1, $2, $3 }' | sort)" \
		"$(echo "$out" | sort)"
	r $M symbols -r -n -o NAME,SIZE-FROM hello
	has "hello_greet elf" "$out" "symbols: size from the file"
	r su -s /bin/sh nobody -c "$M symbols hello"
	want_rc 0 "symbols as nobody"
	has "kptr_restrict" "$err" "symbols as nobody"
	has "hello_greet" "$out" "symbols as nobody"
	ok $M unload hello
}

t_live_log() {
	ok $M load $X/hello.ko
	ok $M load $X/hello_user.ko
	r $M log hello
	want_rc 0 "log"
	has "] hello: hello, world (mode 2, levels 4)" "$out" "log: hello's line on load"
	# hello_user's own lines name hello; they are not hello's (hello's may name hello_user).
	echo "$out" | grep -q '^\[[ 0-9.]*\] hello_user' &&
		note "log hello shows hello_user's lines: $(oneline "$out")"
	r $M log hello_user
	has "] hello_user: hello greets" "$out" "log hello_user: its own lines"
	r $M log --json hello
	has '"loaded": true' "$out" "log --json"
	# --follow: what comes, until SIGTERM; exit 0.
	$M log --follow hello >/tmp/follow 2>/tmp/follow.err &
	pid=$!
	sleep 1
	ok $M unload hello_user hello
	sleep 1
	kill -TERM $pid
	wait $pid
	eq "log --follow: exit" 0 "$?"
	has "hello: goodbye, world" "$(cat /tmp/follow)" "log --follow"
	r $M log hello
	want_rc 1 "log, not loaded"
	has "hello: not loaded" "$err" "log, not loaded"
	has "hello: goodbye, world" "$out" "log, not loaded: its past lines"
}

scenario load_params
scenario list
scenario already_loaded
scenario unload
scenario unload_absent
scenario init_fail
scenario in_use
scenario compressed
scenario bad_param
scenario nonroot
scenario by_name
scenario blacklist
scenario several
scenario jobs
scenario kmod_names
scenario remove_holders
scenario real_module
scenario dep_chain
scenario unknown_symbol
scenario vermagic
scenario modversion
scenario bad_arch
scenario signature
scenario builtin
scenario dry_run
scenario force_unload # taints the kernel (R): the first to force a module in use
scenario permanent
scenario unload_wait
scenario with_deps
scenario with_deps_nvme
scenario live_taint
scenario live_sections
scenario live_symbols
scenario live_log
scenario with_deps_rollback # last but two: pin=1 taints the kernel (forced unload)
scenario params
scenario debug
scenario reload
scenario install_remove
scenario addr
scenario decode             # taints the kernel (W)
scenario lockdown         # these two last: they cannot be undone
scenario modules_disabled

# The kernel's own messages, kept for a failure's diagnosis (the console
# shows only loglevel 1).
dmesg | sed 's/^/MYMOD-KMSG /'
echo "MYMOD-VM-DONE"
poweroff -f
