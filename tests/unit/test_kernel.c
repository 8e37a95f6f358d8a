// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel layer without a kernel: module state, the ELF machine of its
 * modules, a load whose image cannot be mapped, the kernel log reader and
 * its records parsed into events, on a fake sysroot (MYMOD_SYSROOT's tree)
 * in a temporary directory. Loads themselves run in the vm suite;
 * their explanations are findings' (test-explain.c).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kotest.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

/* The ELF machine of a kernel's modules, from uname's machine. */
static void test_elf_machine(void **state MM_UNUSED)
{
	static const struct {
		const char *machine;
		unsigned int em;
	} cases[] = {
		{ "x86_64", EM_X86_64 },   { "i386", EM_386 },	      { "i686", EM_386 },
		{ "ia64", EM_IA_64 },	   { "aarch64", EM_AARCH64 }, { "armv7l", EM_ARM },
		{ "s390x", EM_S390 },	   { "ppc", EM_PPC },	      { "ppc64", EM_PPC64 },
		{ "ppc64le", EM_PPC64 },   { "riscv64", EM_RISCV },   { "mips64", EM_MIPS },
		{ "sparc64", EM_SPARCV9 }, { "imaginary", EM_NONE },  { "i786x", EM_NONE },
	};

	for (size_t i = 0; i < MM_ARRAY_SIZE(cases); i++)
		if (kernel_elf_machine(cases[i].machine) != cases[i].em)
			fail_msg("%s: e_machine %u, expected %u", cases[i].machine,
				 kernel_elf_machine(cases[i].machine), cases[i].em);
}

/*
 * In a child that can load nothing (seccomp: finit_module fails with
 * ENOSYS, so init_module is tried, which fails with EBADMSG) and that may
 * map little more (RLIMIT_AS), load a module file too large to map: the
 * image cannot be had, and kernel_load() must say so rather than hand the
 * kernel a NULL image (init_module's EBADMSG). Returns the child's -errno.
 */
static int load_unmappable(const char *path)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_finit_module, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_init_module, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EBADMSG),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = MM_ARRAY_SIZE(filter), .filter = filter };
	unsigned long pages = 0;
	struct rlimit rl;
	struct ko *ko;
	int status;
	pid_t pid;
	FILE *f;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (ko_open(path, &ko) < 0 || !(f = fopen("/proc/self/statm", "r")) ||
		    fscanf(f, "%lu", &pages) != 1)
			_exit(100);
		fclose(f);
		rl.rlim_cur = rl.rlim_max =
			pages * (unsigned long)sysconf(_SC_PAGESIZE) + (256 << 20);
		if (setrlimit(RLIMIT_AS, &rl) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(101);
		_exit(-kernel_load(ko, "", 0));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return -WEXITSTATUS(status);
}

static void test_load_unmappable(void **state MM_UNUSED)
{
	size_t len;
	uint8_t *data = slurp(fixture("hello.ko"), &len);
	char *path = write_temp(data, len, ".ko");

	/* A gigabyte of zeros after the module: still a module, too large to map here. */
	assert_int_equal(truncate(path, 1L << 30), 0);
	assert_int_equal(load_unmappable(path), -ENOMEM);
	unlink(path);
	free(path);
	free(data);
}

static void test_state(void **state MM_UNUSED)
{
	char **holders;
	size_t n;

	sysroot_put("/sys/module/a_b/initstate", "coming\n");
	assert_int_equal(kernel_module_state("a-b"), KERNEL_MOD_COMING);
	assert_string_equal(kernel_mod_state_name(KERNEL_MOD_COMING), "Loading");
	sysroot_put("/sys/module/builtin_one/parameters/x", "1\n");
	assert_int_equal(kernel_module_state("builtin_one"), KERNEL_MOD_BUILTIN);
	assert_int_equal(kernel_module_state("nothing"), KERNEL_MOD_ABSENT);
	sysroot_put("/sys/module/a_b/refcnt", "7\n");
	assert_int_equal(kernel_module_refcnt("a_b"), 7);
	assert_int_equal(kernel_module_refcnt("nothing"), -ENOENT);
	sysroot_put("/sys/module/a_b/holders/zz", "");
	sysroot_put("/sys/module/a_b/holders/aa", "");
	assert_int_equal(kernel_module_holders("a_b", &holders, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(holders[0], "aa");
	assert_string_equal(holders[1], "zz");
	kernel_names_free(holders, n);
}

/* The deps field's "[permanent]," and "[unsafe]," are flags, not modules that use it. */
static void test_modules(void **state MM_UNUSED)
{
	struct kernel_module *mods;
	size_t n;

	sysroot_put("/proc/modules", "perm 16384 0 [permanent], Live 0x0\n"
				     "held 20480 2 user,other,[permanent], Live 0x0 (OE)\n"
				     "old 8192 0 [unsafe], Live 0x0\n"
				     "plain 8192 1 user, Live 0x0\n");
	assert_int_equal(kernel_modules(&mods, &n), 0);
	assert_int_equal(n, 4);
	assert_true(mods[0].permanent);
	assert_false(mods[0].unsafe);
	assert_int_equal(mods[0].nused_by, 0);
	assert_true(mods[1].permanent);
	assert_int_equal(mods[1].nused_by, 2);
	assert_string_equal(mods[1].used_by[0], "user");
	assert_string_equal(mods[1].used_by[1], "other");
	assert_string_equal(mods[1].taint, "OE");
	assert_false(mods[2].permanent);
	assert_true(mods[2].unsafe);
	assert_int_equal(mods[2].nused_by, 0);
	assert_false(mods[3].permanent || mods[3].unsafe);
	assert_int_equal(mods[3].nused_by, 1);
	kernel_modules_free(mods, n);
}

static void test_compression(void **state MM_UNUSED)
{
	char *path;

	sysroot_put("/sys/module/compression", "zstd\n");
	assert_true(kernel_can_decompress(KO_COMP_ZSTD));
	assert_false(kernel_can_decompress(KO_COMP_XZ));
	assert_true(kernel_can_decompress(KO_COMP_NONE));
	path = mm_asprintf("%s/sys/module/compression", sysroot_dir());
	unlink(path);
	free(path);
	assert_false(kernel_can_decompress(KO_COMP_ZSTD));
}

static void test_log(void **state MM_UNUSED)
{
	struct kernel_log *log;
	const char *const *lines;
	size_t n;

	sysroot_put("/dev/kmsg", "6,100,5000,-;hello: before the call\n");
	assert_int_equal(kernel_log_open(&log), 0);
	sysroot_append("/dev/kmsg", "6,101,5001,-;hello: `abc' invalid for parameter `count'\n"
				    " SUBSYSTEM=module\n"
				    "6,102,5002,-;hello_user: about itself\n"
				    "3,103,5003,-;Invalid architecture in ELF header: 183\n"
				    "6,104,5004,-;usb 1-1: new device\n"
				    "4,105,5005,-;module hello-x: but a dash is the same name? no\n"
				    "4,106,5006,-;(hello) in parentheses\n");
	assert_int_equal(kernel_log_read(log, "hello", &lines, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], "hello: `abc' invalid for parameter `count'");
	assert_string_equal(lines[1], "Invalid architecture in ELF header: 183");
	assert_string_equal(lines[2], "(hello) in parentheses");
	assert_int_equal(kernel_log_read(log, "hello_user", &lines, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(lines[0], "hello_user: about itself");
	kernel_log_close(log);
}

static void test_log_about(void **state MM_UNUSED)
{
	assert_true(kernel_log_about("hello: hello, world", "hello"));
	assert_true(kernel_log_about("hello: loading out-of-tree module taints kernel.", "hello"));
	assert_true(kernel_log_about("hello_x: dash and underscore alike", "hello-x"));
	assert_true(kernel_log_about("e1000 0000:00:03.0 eth0: NIC Link is Up", "e1000"));
	assert_true(kernel_log_about(" hello_init+0x10/0x30 [hello]", "hello"));
	assert_true(kernel_log_about("RIP: 0010:hello_greet+0x5/0x20 [hello]", "hello"));
	assert_false(kernel_log_about("hello_user: hello greets world 3 times", "hello"));
	assert_false(kernel_log_about("Modules linked in: hello(OE) loop", "hello"));
	assert_false(kernel_log_about("say hello: no", "hello"));
	assert_false(kernel_log_about("hello world", "hello"));
	assert_false(kernel_log_about(" f+0x1/0x2 [hello_user]", "hello"));
	assert_false(kernel_log_about("hello", "hello"));
}

static void test_log_module(void **state MM_UNUSED)
{
	const struct kernel_log_record *r;
	struct kernel_log *log;
	size_t n;

	sysroot_put("/dev/kmsg", "6,100,5000,-;hello: loaded\n"
				 " SUBSYSTEM=module\n"
				 "4,101,6000001,-;hello_user: not hello's\n"
				 "12,102,7000000,-;hello: from user space, facility 1\n");
	assert_int_equal(kernel_log_open_all(&log), 0);
	assert_int_equal(kernel_log_module(log, "hello", 0, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].text, "hello: loaded");
	assert_int_equal(r[0].level, 6);
	assert_int_equal(r[0].seq, 100);
	assert_int_equal(r[0].usec, 5000);
	assert_int_equal(r[1].level, 4);
	assert_int_equal(r[1].usec, 7000000);
	/* Only what came since, and a wait that ends. */
	assert_int_equal(kernel_log_module(log, "hello", 10, &r, &n), 0);
	assert_int_equal(n, 0);
	sysroot_append("/dev/kmsg", "6,103,8000000,-;hello: more\n");
	assert_int_equal(kernel_log_module(log, "hello", 10, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].text, "hello: more");
	kernel_log_close(log);
}

/* The one event LINE gives: its kind, name, value, expected and number ("-" for NULL). */
static void expect_event(const char *line, enum kernel_event_kind kind, const char *name,
			 const char *value, const char *expected, long number)
{
	struct kernel_event *ev;
	size_t n;

	kernel_log_events(&line, 1, &ev, &n);
	if (n != 1)
		fail_msg("[%s]: %zu events, want 1", line, n);
	assert_int_equal(ev->kind, kind);
	assert_string_equal(ev->line, line);
	assert_str_or_null(ev->name, name);
	assert_str_or_null(ev->value, value);
	assert_str_or_null(ev->expected, expected);
	assert_int_equal(ev->number, number);
	kernel_events_free(ev, n);
}

/* The records of Linux 6.1's loader, as Debian's kernel printed them in the vm suite. */
static void test_log_events(void **state MM_UNUSED)
{
	expect_event("tcp_scalable: disagrees about version of symbol tcp_slow_start",
		     KERNEL_EVENT_SYMBOL_VERSION, "tcp_slow_start", NULL, NULL, 0);
	expect_event("tcp_scalable: Unknown symbol tcp_slow_start (err -22)",
		     KERNEL_EVENT_UNKNOWN_SYMBOL, "tcp_slow_start", NULL, NULL, -EINVAL);
	expect_event("hello_user: Unknown symbol hello_count (err -2)", KERNEL_EVENT_UNKNOWN_SYMBOL,
		     "hello_count", NULL, NULL, -ENOENT);
	/* Kernels before 5.x print 0 for a symbol not found. */
	expect_event("hello_user: Unknown symbol hello_count (err 0)", KERNEL_EVENT_UNKNOWN_SYMBOL,
		     "hello_count", NULL, NULL, -ENOENT);
	expect_event("hello: no symbol version for module_layout", KERNEL_EVENT_NO_SYMBOL_VERSION,
		     "module_layout", NULL, NULL, 0);
	expect_event("ofb: module uses symbol (crypto_cipher_encrypt_one) from namespace "
		     "CRYPTO_INTERNAL, but does not import it.",
		     KERNEL_EVENT_NAMESPACE, "crypto_cipher_encrypt_one", "CRYPTO_INTERNAL", NULL,
		     0);
	expect_event("hello_user: module using GPL-only symbols uses symbols hello_count from "
		     "proprietary module hello.",
		     KERNEL_EVENT_PROPRIETARY, "hello_count", "hello", NULL, 0);
	expect_event("hellx: exports duplicate symbol hello_greet (owned by hello)",
		     KERNEL_EVENT_DUPLICATE_EXPORT, "hello_greet", "hello", NULL, 0);
	expect_event("hello: `abc' invalid for parameter `count'", KERNEL_EVENT_PARAM_INVALID,
		     "count", "abc", NULL, 0);
	expect_event("hello: `a b`c' too large for parameter `greeting'",
		     KERNEL_EVENT_PARAM_TOO_LONG, "greeting", "a b`c", NULL, 0);
	expect_event("hello: `' invalid for parameter `mode'", KERNEL_EVENT_PARAM_INVALID, "mode",
		     "", NULL, 0);
	expect_event("hello: unknown parameter 'nosuch' ignored", KERNEL_EVENT_PARAM_UNKNOWN,
		     "nosuch", NULL, NULL, 0);
	expect_event("tcp_scalable: version magic '6.1.0-57-amd64 SMP preempt mod_unlaad "
		     "modversions ' should be '6.1.0-57-amd64 SMP preempt mod_unload modversions '",
		     KERNEL_EVENT_VERMAGIC, NULL,
		     "6.1.0-57-amd64 SMP preempt mod_unlaad modversions ",
		     "6.1.0-57-amd64 SMP preempt mod_unload modversions ", 0);
	expect_event("Loading of module with unavailable key is rejected", KERNEL_EVENT_SIGNATURE,
		     NULL, "module with unavailable key", NULL, 0);
	expect_event("Loading of unsigned module is rejected", KERNEL_EVENT_SIGNATURE, NULL,
		     "unsigned module", NULL, 0);
	expect_event("Lockdown: insmod: unsigned module loading is restricted; see man "
		     "kernel_lockdown.7",
		     KERNEL_EVENT_LOCKDOWN, NULL, "unsigned module loading", NULL, 0);
	expect_event("Invalid architecture in ELF header: 183", KERNEL_EVENT_ARCH, NULL, NULL, NULL,
		     183);
	expect_event("Invalid ELF header len 12", KERNEL_EVENT_BAD_ELF, NULL, NULL, NULL, 0);
	expect_event("Module len 9 truncated", KERNEL_EVENT_BAD_ELF, NULL, NULL, NULL, 0);
	expect_event("No module found in object", KERNEL_EVENT_BAD_ELF, NULL, NULL, NULL, 0);
	expect_event("initcall hello_fail_init+0x0/0x1000 [hello_fail] returned -19 after 3 usecs",
		     KERNEL_EVENT_INIT_RETURNED, NULL, NULL, NULL, -ENODEV);
	expect_event("hello_fail: 'hello_fail_init'->init suspiciously returned 1, it should "
		     "follow 0/-E convention",
		     KERNEL_EVENT_INIT_RETURNED, NULL, NULL, NULL, 1);
}

/* The module's own words, and records cut short, are no event; the rest keep their order. */
static void test_log_events_malformed(void **state MM_UNUSED)
{
	const char *lines[] = {
		"hello_fail: no device here",
		"hello: Unknown symbol ",
		"hello: `abc' invalid for parameter `",
		"hello: `abc invalid for parameter `count'",
		"ofb: module uses symbol (x) from namespace",
		"hello: version magic '6.1.0 SMP' should be",
		"Loading of unsigned module",
		"Lockdown: insmod",
		"Invalid architecture in ELF header: x86",
		"initcall hello_init+0x0/0x10 [hello] returned",
		"module hello: Invalid ELF header len 12",
		"",
		"hello: Unknown symbol b (err -2)",
		"hello: Unknown symbol a (err -2)",
	};
	struct kernel_event *ev;
	size_t n;

	kernel_log_events(lines, MM_ARRAY_SIZE(lines), &ev, &n);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].name, "b");
	assert_string_equal(ev[1].name, "a");
	kernel_events_free(ev, n);
	kernel_log_events(lines, 0, &ev, &n);
	assert_int_equal(n, 0);
	kernel_events_free(ev, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),	    cmocka_unit_test(test_modules),
		cmocka_unit_test(test_compression), cmocka_unit_test(test_log),
		cmocka_unit_test(test_log_about),   cmocka_unit_test(test_log_module),
		cmocka_unit_test(test_log_events),  cmocka_unit_test(test_log_events_malformed),
		cmocka_unit_test(test_elf_machine), cmocka_unit_test(test_load_unmappable),
	};

	return cmocka_run_group_tests(tests, sysroot_setup, sysroot_teardown);
}
