// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel layer without a kernel: explanations of failed loads and
 * unloads (from errno, the module file and kernel log lines), and the kernel
 * log reader, on a fake sysroot (MYMOD_SYSROOT's tree) in a temporary
 * directory. Loads themselves run in the vm suite.
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
#include "src/kernel/kernel-internal.h"

static char sysroot[] = "/tmp/mymod-kernel-XXXXXX";

/* The running kernel's release, as the sysroot's /proc/sys/kernel/osrelease says. */
#define RELEASE "9.9.9-sysroot"

static void put(const char *rel, const char *text)
{
	char *path = mm_asprintf("%s%s", sysroot, rel);
	char *dir = mm_strdup(path);
	char *cmd;
	FILE *f;

	*strrchr(dir, '/') = '\0';
	cmd = mm_asprintf("mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(cmd);
	free(dir);
	free(path);
}

static int setup(void **state MM_UNUSED)
{
	if (!mkdtemp(sysroot))
		return -1;
	mm_cfg.sysroot = sysroot;
	put("/proc/sys/kernel/osrelease", RELEASE "\n");
	return 0;
}

static int teardown(void **state MM_UNUSED)
{
	char *cmd = mm_asprintf("rm -rf '%s'", sysroot);
	int r = system(cmd);

	free(cmd);
	return r;
}

static struct ko *hello(void)
{
	struct ko *ko = NULL;

	if (ko_open(fixture("hello.ko"), &ko) < 0)
		fail_msg("ko_open hello.ko: %s", mm_errmsg());
	return ko;
}

/* Explain ERR for hello.ko with LOG; check what and hint contain the texts. */
static void expect_load(int err, struct ko *ko, const char *const *log, size_t n, const char *what,
			const char *hint)
{
	struct kernel_explain ex;

	kernel_explain_load(err, ko, log, n, &ex);
	assert_non_null(ex.what);
	if (!strstr(ex.what, what))
		fail_msg("what: [%s] lacks [%s]", ex.what, what);
	if (hint && (!ex.hint || !strstr(ex.hint, hint)))
		fail_msg("hint: [%s] lacks [%s]", ex.hint ? ex.hint : "(none)", hint);
	kernel_explain_free(&ex);
}

static void test_init_failed(void **state MM_UNUSED)
{
	struct ko *ko = hello();
	const char *log[] = { "hello: no device here" };

	expect_load(-ENODEV, ko, log, 1, "hello's init function failed: ENODEV (No such device)",
		    "no device to drive");
	expect_load(EIO, ko, NULL, 0, "hello's init function failed: EIO (Input/output error)",
		    NULL);
	ko_close(ko);
}

static void test_bad_parameter(void **state MM_UNUSED)
{
	struct ko *ko = hello();
	const char *log[] = { "hello: `abc' invalid for parameter `count'" };
	const char *big[] = {
		"hello: `aaaaaaaaaaaaaaaaaaaaaaa' too large for parameter `greeting'"
	};

	expect_load(-EINVAL, ko, log, 1,
		    "parameter 'count' of hello: value 'abc' is invalid (EINVAL)",
		    "mymod info hello");
	expect_load(-ENOSPC, ko, big, 1,
		    "parameter 'greeting' of hello: value 'aaaaaaaaaaaaaaaaaaaaaaa' is too long "
		    "(ENOSPC)",
		    NULL);
	ko_close(ko);
}

static void test_unknown_symbols(void **state MM_UNUSED)
{
	struct ko *ko = hello();
	const char *log[] = {
		"hello: Unknown symbol foo_bar (err -2)",
		"something else entirely",
		"hello: Unknown symbol baz (err -2)",
	};

	expect_load(-ENOENT, ko, log, 3,
		    "hello needs symbols that no loaded module provides: foo_bar, baz (ENOENT)",
		    "mymod deps hello");
	/* Without the log (not readable), say what it may be. */
	expect_load(-ENOENT, ko, NULL, 0, "needs a symbol that no loaded module provides", "dmesg");
	ko_close(ko);
}

static void test_vermagic(void **state MM_UNUSED)
{
	struct ko *ko = hello();
	const char *log[] = { "hello: version magic '6.1.0-56-amd64 SMP preempt mod_unloax "
			      "modversions ' should be '6.1.0-56-amd64 SMP preempt mod_unload "
			      "modversions '" };
	const char *crc[] = { "hello: disagrees about version of symbol module_layout" };
	char *want;

	expect_load(-ENOEXEC, ko, log, 1,
		    "vermagic '6.1.0-56-amd64 SMP preempt mod_unloax modversions ' does not match "
		    "this kernel's '6.1.0-56-amd64 SMP preempt mod_unload modversions '",
		    "--force-vermagic");
	expect_load(-ENOEXEC, ko, crc, 1,
		    "its version (CRC) differs from this kernel's for module_layout (ENOEXEC)",
		    "--force-modversion");
	/* No log: the file's vermagic against the running release (the sysroot's). */
	want = mm_asprintf("hello was built for kernel %s, this kernel is " RELEASE, test_kver());
	expect_load(-ENOEXEC, ko, NULL, 0, want, NULL);
	free(want);
	ko_close(ko);
}

static void test_machine(void **state MM_UNUSED)
{
	size_t len;
	uint8_t *data = slurp(fixture("hello.ko"), &len);
	const char *log[] = { "Invalid architecture in ELF header: 183" };
	struct ko *ko = NULL;

	data[18] = 183; /* e_machine: EM_AARCH64 */
	data[19] = 0;
	assert_int_equal(ko_open_mem(data, len, "hello-arm.ko", &ko), 0);
	expect_load(-ENOEXEC, ko, log, 1,
		    "is built for AArch64 (ELF machine 183), this kernel runs on", "build it for");
	ko_close(ko);
	free(data);
}

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

static void test_eperm(void **state MM_UNUSED)
{
	struct ko *ko = hello();

	if (geteuid() != 0) {
		expect_load(-EPERM, ko, NULL, 0, "needs root (CAP_SYS_MODULE) (EPERM)", "root");
		ko_close(ko);
		return;
	}
	put("/proc/sys/kernel/modules_disabled", "1\n");
	expect_load(-EPERM, ko, NULL, 0, "module loading is disabled", "reboot");
	put("/proc/sys/kernel/modules_disabled", "0\n");
	put("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	expect_load(-EPERM, ko, NULL, 0, "locked down (integrity)", "sign the module");
	put("/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	expect_load(-EPERM, ko, NULL, 0, "operation not permitted", NULL);
	ko_close(ko);
}

static void test_signature(void **state MM_UNUSED)
{
	struct ko *ko = hello(); /* unsigned */

	expect_load(-EKEYREJECTED, ko, NULL, 0,
		    "hello carries no signature and this kernel only loads signed modules", NULL);
	ko_close(ko);
}

static void test_already_loaded(void **state MM_UNUSED)
{
	struct ko *ko = hello();

	put("/sys/module/hello/initstate", "live\n");
	expect_load(-EEXIST, ko, NULL, 0, "hello is already loaded (EEXIST)", NULL);
	put("/sys/module/hello/initstate", "going\n");
	expect_load(-EBUSY, ko, NULL, 0, "being loaded or removed", "try again");
	ko_close(ko);
}

static void expect_unload(int err, const char *name, const char *what, const char *hint)
{
	struct kernel_explain ex;

	kernel_explain_unload(err, name, &ex);
	if (!strstr(ex.what, what))
		fail_msg("what: [%s] lacks [%s]", ex.what, what);
	if (hint && (!ex.hint || !strstr(ex.hint, hint)))
		fail_msg("hint: [%s] lacks [%s]", ex.hint ? ex.hint : "(none)", hint);
	kernel_explain_free(&ex);
}

static void test_unload(void **state MM_UNUSED)
{
	put("/sys/module/crc_t10dif/initstate", "live\n");
	put("/sys/module/crc_t10dif/refcnt", "2\n");
	put("/sys/module/crc_t10dif/holders/t10_pi", "");
	put("/sys/module/crc_t10dif/holders/nvme_core", "");
	expect_unload(-EWOULDBLOCK, "crc-t10dif",
		      "crc-t10dif is in use by nvme_core, t10_pi, reference count 2 (EAGAIN)",
		      "unload nvme_core, t10_pi first");
	expect_unload(-ETIMEDOUT, "crc_t10dif", "reference count 2 (ETIMEDOUT)", "--timeout");
	put("/sys/module/crc_t10dif/initstate", "going\n");
	expect_unload(-EBUSY, "crc_t10dif", "crc_t10dif is being removed right now", NULL);
	put("/sys/module/noexit/initstate", "live\n");
	expect_unload(-EBUSY, "noexit", "no exit function", "--force");
	expect_unload(-ENOENT, "absent", "absent is not loaded (ENOENT)", "mymod list");
	put("/sys/module/zswap/parameters/enabled", "Y\n");
	expect_unload(-ENOENT, "zswap", "zswap is built into the kernel", NULL);
}

static void test_state(void **state MM_UNUSED)
{
	char **holders;
	size_t n;

	put("/sys/module/a_b/initstate", "coming\n");
	assert_int_equal(kernel_module_state("a-b"), KERNEL_MOD_COMING);
	assert_string_equal(kernel_mod_state_name(KERNEL_MOD_COMING), "Loading");
	put("/sys/module/builtin_one/parameters/x", "1\n");
	assert_int_equal(kernel_module_state("builtin_one"), KERNEL_MOD_BUILTIN);
	assert_int_equal(kernel_module_state("nothing"), KERNEL_MOD_ABSENT);
	put("/sys/module/a_b/refcnt", "7\n");
	assert_int_equal(kernel_module_refcnt("a_b"), 7);
	assert_int_equal(kernel_module_refcnt("nothing"), -ENOENT);
	put("/sys/module/a_b/holders/zz", "");
	put("/sys/module/a_b/holders/aa", "");
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

	put("/proc/modules", "perm 16384 0 [permanent], Live 0x0\n"
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

	put("/sys/module/compression", "zstd\n");
	assert_true(kernel_can_decompress(KO_COMP_ZSTD));
	assert_false(kernel_can_decompress(KO_COMP_XZ));
	assert_true(kernel_can_decompress(KO_COMP_NONE));
	path = mm_asprintf("%s/sys/module/compression", sysroot);
	unlink(path);
	free(path);
	assert_false(kernel_can_decompress(KO_COMP_ZSTD));
}

static void append(const char *rel, const char *text)
{
	char *path = mm_asprintf("%s%s", sysroot, rel);
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void test_log(void **state MM_UNUSED)
{
	struct kernel_log *log;
	const char *const *lines;
	size_t n;

	put("/dev/kmsg", "6,100,5000,-;hello: before the call\n");
	assert_int_equal(kernel_log_open(&log), 0);
	append("/dev/kmsg", "6,101,5001,-;hello: `abc' invalid for parameter `count'\n"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_failed),
		cmocka_unit_test(test_bad_parameter),
		cmocka_unit_test(test_unknown_symbols),
		cmocka_unit_test(test_vermagic),
		cmocka_unit_test(test_machine),
		cmocka_unit_test(test_elf_machine),
		cmocka_unit_test(test_load_unmappable),
		cmocka_unit_test(test_eperm),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_already_loaded),
		cmocka_unit_test(test_unload),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_log),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
