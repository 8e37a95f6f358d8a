#!/bin/busybox sh
# shellcheck shell=dash
# PID 1 of the check VM (tests/vm/check-vm.sh): for each crafted module,
# mymod check's verdict on the running kernel, then what the kernel does
# when kmod's insmod loads it. They must agree: check exits 0 exactly when
# the load succeeds, and the kernel's errno is the errno of one of check's
# blockers (of the expected code). Reports
#   MYMOD-CHECK <name> check=<rc> blockers=<codes> errnos=<names> kernel=<errno or 0>
#   MYMOD-TEST <name> PASS | FAIL <what went wrong>
# shellcheck source=tests/vm/vm-init-lib.sh
. /vm-init-lib.sh

KVER=$(uname -r)
M=/usr/bin/mymod
C=/check
X=/lib/modules/$KVER/extra
K=/kmod
CHECK_OPTS=
echo "MYMOD-VM-BOOT $KVER"

problems=
note() { problems="$problems${problems:+; }$*"; }
oneline() { echo "$1" | head -c 400 | tr '\n' '|'; }
# A mymod built with sanitizers (build-asan) stops at the first error; say so.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=abort_on_error=1
sanitized() {
	case "$1" in
	*"runtime error:"* | *Sanitizer*) note "sanitizer report: $(oneline "$1")" ;;
	esac
}

# The kernel's errno, from kmod's insmod's message (kmod's mod_strerror, else strerror).
insmod_errno() {
	case "$1" in
	*"Invalid module format"*) echo ENOEXEC ;;
	*"Unknown symbol in module"*) echo ENOENT ;;
	*"Invalid argument"* | *"Invalid parameters"*) echo EINVAL ;;
	*"Key was rejected"*) echo EKEYREJECTED ;;
	*"Operation not permitted"*) echo EPERM ;;
	*"File exists"* | *"already in kernel"*) echo EEXIST ;;
	*) echo "unknown($1)" ;;
	esac
}

# verdict NAME FILE MODULE WANT: check FILE, load it with kmod's insmod,
# compare. WANT is the expected blocker code, or - when it must load.
verdict() {
	name=$1 file=$2 module=$3 want=$4
	out=$($M $CHECK_OPTS check -q "$file" 2>/tmp/err)
	crc=$?
	sanitized "$(cat /tmp/err)"
	[ "$crc" -le 1 ] || note "check exited $crc: $(oneline "$(cat /tmp/err)")"
	codes=$(echo "$out" | sed -n 's/^  blocker \([a-z-]*\):.*/\1/p' | sort -u | tr '\n' ' ')
	json=$($M $CHECK_OPTS check --json "$file" 2>/tmp/err)
	sanitized "$(cat /tmp/err)"
	errnos=$(echo "$json" | awk '/"severity": "blocker"/ { b = 1 } /"severity": "(warning|info)"/ { b = 0 }
		b && /"errno": "/ { gsub(/[",]/, "", $2); print $2 }' | sort -u | tr '\n' ' ')
	kout=$($K/insmod "$file" 2>&1)
	krc=$?
	if [ "$krc" = 0 ]; then
		kerr=0
		$K/rmmod "$module" || note "rmmod $module failed"
	else
		kerr=$(insmod_errno "$kout")
	fi
	echo "MYMOD-CHECK $name check=$crc blockers=[${codes% }] errnos=[${errnos% }] kernel=$kerr"
	if [ "$want" = - ]; then
		[ "$crc" = 0 ] || note "check says it will not load: $(oneline "$out")"
	else
		case " $codes" in
		*" $want "*) ;;
		*) note "no $want blocker: $(oneline "$out")" ;;
		esac
	fi
	if [ "$krc" = 0 ] && [ "$crc" != 0 ]; then
		note "the kernel loaded it, check said it would not"
	elif [ "$krc" != 0 ] && [ "$crc" = 0 ]; then
		note "the kernel refused it ($kerr: $(oneline "$kout")), check said it would load"
	elif [ "$krc" != 0 ]; then
		case " $errnos " in
		*" $kerr "*) ;;
		*) note "the kernel's $kerr is not among check's blockers' errnos [$errnos]" ;;
		esac
	fi
}

scenario() {
	problems=
	"t_$1"
	if [ -z "$problems" ]; then
		echo "MYMOD-TEST $1 PASS"
	else
		echo "MYMOD-TEST $1 FAIL $problems"
	fi
}

t_fixture() {
	verdict fixture $X/hello.ko hello -
	# mkinitramfs.sh's modprobe.d blacklists hello.
	out=$($M check $X/hello.ko 2>&1)
	sanitized "$out"
	case "$out" in
	*"info    blacklist: modprobe.d blacklists hello"*) ;;
	*) note "no blacklist finding: $(oneline "$out")" ;;
	esac
}
t_unsigned() { verdict unsigned $C/unsigned.ko tcp_scalable -; }
t_release() { verdict release $C/release.ko tcp_scalable -; }
t_flags() { verdict flags $C/flags.ko tcp_scalable vermagic; }
t_license() { verdict license $C/license.ko tcp_scalable license; }
t_crc() { verdict crc $C/crc.ko tcp_scalable modversion; }
t_layout() { verdict layout $C/layout.ko tcp_scalable modversion; }
t_namespace() { verdict namespace $C/namespace.ko ofb namespace; }
t_nodep() { verdict nodep $C/mma7455_i2c.ko mma7455_i2c unresolved; }
t_noversions() {
	$K/insmod $C/noversions.ko || note "insmod failed"
	grep '^tcp_scalable ' /proc/modules | grep -q F || note "no F taint: $(grep '^tcp_scalable ' /proc/modules)"
	$K/rmmod tcp_scalable
	verdict noversions $C/noversions.ko tcp_scalable -
	verdict noversions_release $C/noversions-release.ko tcp_scalable vermagic
}
t_arch() { verdict arch $C/hello-aarch64.ko hello arch; }

# hello_user needs hello: while hello is not loaded, check warns with the
# errno the kernel then gives; once it is, both load it.
t_dependency() {
	out=$($M check --json $X/hello_user.ko 2>&1)
	crc=$?
	sanitized "$out"
	[ "$crc" = 0 ] || note "check exited $crc: $(oneline "$out")"
	echo "$out" | grep -q '"code": "dependency"' || note "no dependency finding: $(oneline "$out")"
	echo "$out" | grep -q '"errno": "ENOENT"' || note "dependency finding without ENOENT"
	kout=$($K/insmod $X/hello_user.ko 2>&1) && note "the kernel loaded hello_user without hello"
	kerr=$(insmod_errno "$kout")
	[ "$kerr" = ENOENT ] || note "the kernel's errno is $kerr, not ENOENT"
	echo "MYMOD-CHECK dependency check=$crc kernel=$kerr"
	$K/insmod $X/hello.ko || note "insmod hello failed"
	verdict dependency_loaded $X/hello_user.ko hello_user -
	$K/rmmod hello
}

# A module using GPL-only symbols may not use a proprietary module's.
t_proprietary() {
	P=$C/ptree/lib/modules/$KVER/extra
	$K/insmod $P/hello.ko || note "insmod of the BSD hello failed"
	grep '^hello ' /proc/modules | grep -q P || note "no P taint: $(grep '^hello ' /proc/modules)"
	CHECK_OPTS="-b $C/ptree" verdict proprietary $P/hello_user.ko hello_user license
	$K/rmmod hello
}

# No headers in this tree: /proc/kallsyms says what the kernel exports.
t_kallsyms() {
	T=$C/ktree/lib/modules/$KVER/extra
	CHECK_OPTS="-b $C/ktree" verdict kallsyms_resolved $T/tcp_scalable.ko tcp_scalable -
	CHECK_OPTS="-b $C/ktree" verdict kallsyms_unresolved $T/hello_user.ko hello_user unresolved
	$K/insmod $X/hello.ko || note "insmod hello failed"
	CHECK_OPTS="-b $C/ktree" verdict kallsyms_loaded_module $T/hello_user.ko hello_user -
	$K/rmmod hello
}

# hello is not in Module.symvers: the CRC to match is hello.ko's own.
t_provider_crc() {
	$K/insmod $X/hello.ko || note "insmod hello failed"
	verdict provider_crc $C/hello_user-badcrc.ko hello_user modversion
	$K/rmmod hello
}

t_already_loaded() {
	$K/insmod $X/hello.ko || note "insmod hello failed"
	verdict already_loaded $X/hello.ko hello kernel-state
	$K/rmmod hello
}

# A renamed copy of hello exports what the loaded hello exports.
t_duplicate() {
	$K/insmod $X/hello.ko || note "insmod hello failed"
	verdict duplicate $C/hellx.ko hellx duplicate-export
	$K/rmmod hello
}

# once TEXT OUT WHAT: TEXT is in exactly one line of mymod's OUT above the kernel's own lines.
once() {
	n=$(echo "$2" | sed '/^kernel log:/,$d' | grep -c -F -e "$1")
	[ "$n" = 1 ] || note "$3: $n lines with [$1], want 1: $(oneline "$2")"
}

# mymod load explains a refusal once: one message a cause, in the words of
# check's finding that predicts what the kernel logged, with the errno, and
# one hint; then the kernel's own lines.
t_load_explains() {
	out=$($M load $C/crc.ko 2>&1) && note "mymod load succeeded"
	sanitized "$out"
	echo "$out" | sed 's/^/MYMOD-LOG /'
	once "mymod: load: $C/crc.ko: tcp_slow_start: disagrees about version of symbol: the module's CRC" "$out" "crc: check's finding"
	once "tcp_slow_start" "$out" "crc: explained once"
	once "(EINVAL)" "$out" "crc: the errno"
	once "hint:" "$out" "crc: one hint"
	once "--force-modversion loads it anyway" "$out" "crc: how to force it"
	out=$($M load $X/hello_user.ko 2>&1) && note "mymod load hello_user succeeded"
	sanitized "$out"
	echo "$out" | sed 's/^/MYMOD-LOG /'
	once "mymod: load: $X/hello_user.ko: needs module hello for 3 symbols" "$out" "hello_user: the missing dependency"
	once "which is not loaded (ENOENT)" "$out" "hello_user: explained once"
	once "hint: load hello first" "$out" "hello_user: one hint"
	once "hint:" "$out" "hello_user: one hint"
	out=$($M load $C/namespace.ko 2>&1) && note "mymod load succeeded"
	sanitized "$out"
	echo "$out" | sed 's/^/MYMOD-LOG /'
	once "mymod: load: $C/namespace.ko: crypto_cipher_encrypt_one: module uses symbol from namespace CRYPTO_INTERNAL, but does not import it (EINVAL)" "$out" "namespace: check's finding"
	once "crypto_cipher_encrypt_one" "$out" "namespace: explained once"
	once "hint: add MODULE_IMPORT_NS(CRYPTO_INTERNAL)" "$out" "namespace: the hint"
	once "hint:" "$out" "namespace: one hint"
}

# Signed with a key the kernel does not have: it loads, tainted E, and check
# says so; the kernel's own modules' key is one it has.
t_foreign_key() {
	verdict foreign_key $C/foreign.ko tcp_scalable -
	out=$($M check $C/foreign.ko 2>&1)
	sanitized "$out"
	echo "$out" | sed 's/^/MYMOD-LOG /'
	case "$out" in
	*"warning signature: signed with a key the running kernel does not have"*) ;;
	*) note "no warning about the key: $(oneline "$out")" ;;
	esac
	out=$($M check $C/tcp_scalable.ko 2>&1)
	case "$out" in
	*"does not have"*) note "the kernel's own key is said to be unknown: $(oneline "$out")" ;;
	esac
	$K/insmod $C/foreign.ko || note "insmod foreign.ko failed"
	grep '^tcp_scalable ' /proc/modules | grep -q E || note "no E taint: $(grep '^tcp_scalable ' /proc/modules)"
	$K/rmmod tcp_scalable
}

# mymod keys: each trusted keyring's keys as keyctl lists them, each in
# /proc/keys; Debian's module key is there; signatures not enforced yet.
t_keys() {
	out=$($M keys 2>/tmp/err) || note "mymod keys failed: $(oneline "$(cat /tmp/err)")"
	sanitized "$(cat /tmp/err)"
	echo "$out" | sed 's/^/MYMOD-LOG /'
	case "$out" in
	*"Module signatures: not enforced"*) ;;
	*) note "keys does not say signatures are not enforced: $(oneline "$out")" ;;
	esac
	rows=$($M keys -r -n -o KEYRING,SERIAL,TYPE,DESCRIPTION 2>&1 | sed 's/\\x20/ /g')
	for ring in .builtin_trusted_keys .secondary_trusted_keys .machine .platform .blacklist; do
		want=$(for id in $(/usr/bin/keyctl rlist "%:$ring" 2>/dev/null); do
			d=$(/usr/bin/keyctl rdescribe "$id")
			printf '%s %08x %s %s\n' "$ring" "$id" "${d%%;*}" "${d#*;*;*;*;}"
		done | sort)
		got=$(echo "$rows" | awk -v r="$ring" '$1 == r' | sort)
		[ "$got" = "$want" ] || note "$ring: mymod keys [$(oneline "$got")], keyctl [$(oneline "$want")]"
	done
	echo "$rows" | awk '$1 ~ /^\./ { print $2 }' | while read -r serial; do
		grep -q "^$serial " /proc/keys || echo "$serial"
	done >/tmp/missing
	[ -s /tmp/missing ] && note "not in /proc/keys: $(oneline "$(cat /tmp/missing)")"
	echo "$rows" | grep -q '^.builtin_trusted_keys [0-9a-f]* asymmetric ' ||
		note "no key in .builtin_trusted_keys: $(oneline "$rows")"
}

# verify --keyring: against the kernel's own keys, whose certificates come
# from the kernel image; the kernel's own verdict is premise's (it loads).
t_verify_keyring() {
	want() { # FILE RC TEXT
		out=$($M verify --keyring "$1" 2>/tmp/err)
		rc=$?
		sanitized "$(cat /tmp/err)"
		echo "$out" | sed 's/^/MYMOD-LOG /'
		[ "$rc" = "$2" ] || note "verify --keyring $1 exited $rc, not $2: $(oneline "$out $(cat /tmp/err)")"
		case "$out" in
		*"$3"*) ;;
		*) note "verify --keyring $1 does not say '$3': $(oneline "$out")" ;;
		esac
	}
	want $C/tcp_scalable.ko 0 ": valid (signer '"
	want $C/tcp_scalable.ko 0 "[.builtin_trusted_keys, from the kernel image]"
	want $C/foreign.ko 1 ": signed by a key the kernel does not trust (signer 'mymod test key'"
	want $C/changed.ko 1 ": invalid: the module was changed after signing"
	want $C/unsigned.ko 1 ": not signed"
	$K/insmod $C/changed.ko 2>/dev/null && note "the kernel loaded changed.ko" && $K/rmmod tcp_scalable
}

# Lockdown (it cannot be lifted): unsigned modules are refused, signed ones load.
t_lockdown() {
	echo integrity >/sys/kernel/security/lockdown || note "cannot lock down"
	verdict lockdown_unsigned $C/unsigned.ko tcp_scalable signature
	verdict lockdown_signed $C/tcp_scalable.ko tcp_scalable -
	verdict lockdown_foreign $C/foreign.ko tcp_scalable signature
}

# Enforced signatures (cannot be lifted either).
t_sig_enforce() {
	echo 1 >/sys/module/module/parameters/sig_enforce || note "cannot enforce signatures"
	verdict enforce_unsigned $X/hello.ko hello signature
	verdict enforce_signed $C/tcp_scalable.ko tcp_scalable -
	verdict enforce_foreign $C/foreign.ko tcp_scalable signature
	$M check $C/foreign.ko 2>&1 | sed 's/^/MYMOD-LOG /'
	out=$($M load $C/foreign.ko 2>&1) && note "mymod load foreign.ko succeeded"
	sanitized "$out"
	echo "$out" | sed 's/^/MYMOD-LOG /'
	case "$out" in
	*"signed by 'mymod test key' (key "*") with a key the kernel does not have"*) ;;
	*) note "load does not name the untrusted key: $(oneline "$out")" ;;
	esac
	$M keys | grep -q '^Module signatures: enforced' || note "keys does not say signatures are enforced"
}

# The premise of foreign_key, lockdown and sig_enforce: the kernel accepts
# Debian's own signature on tcp_scalable.ko (it loads, without the E taint
# of a signature it could not verify). If not, the kernel's words say why.
t_premise() {
	before=$(dmesg | wc -l)
	if ! kout=$($K/insmod $C/tcp_scalable.ko 2>&1); then
		note "the kernel refuses Debian's signed tcp_scalable.ko ($(oneline "$kout")); the kernel says: $(oneline "$(dmesg | tail -n +$((before + 1)))")"
		return
	fi
	line=$(grep '^tcp_scalable ' /proc/modules)
	case "$line" in
	*"("*E*")"*) note "Debian's signed tcp_scalable.ko loads tainted E (its signature was not verified): $line; the kernel says: $(oneline "$(dmesg | tail -n +$((before + 1)))")" ;;
	esac
	$K/rmmod tcp_scalable || note "rmmod tcp_scalable failed"
}

t_modules_disabled() {
	echo 1 >/proc/sys/kernel/modules_disabled
	verdict disabled $C/tcp_scalable.ko tcp_scalable kernel-state
}

scenario premise
scenario fixture
scenario unsigned
scenario release
scenario flags
scenario license
scenario crc
scenario layout
scenario namespace
scenario nodep
scenario noversions
scenario arch
scenario dependency
scenario proprietary
scenario kallsyms
scenario provider_crc
scenario already_loaded
scenario duplicate
scenario load_explains
scenario foreign_key
scenario keys
scenario verify_keyring
scenario lockdown # these three last: none can be undone
scenario sig_enforce
scenario modules_disabled

# The kernel's own messages, kept for a failure's diagnosis (the console
# shows only loglevel 1).
dmesg | sed 's/^/MYMOD-KMSG /'
echo "MYMOD-VM-DONE"
poweroff -f
