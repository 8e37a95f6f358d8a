// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * findings: the one explanation of a refused load or unload. Without a
 * module directory, from the errno, the module file and the kernel's log
 * lines (parsed by the kernel layer), on a fake sysroot (MYMOD_SYSROOT's
 * tree); with the installed tree of the test kernel (and a tree made here),
 * one explanation per cause: what the kernel logged, in the words of the
 * check that predicts it, each hint once. Loads themselves run in the vm
 * suite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kotest.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

/* The running kernel's release, as the sysroot's /proc/sys/kernel/osrelease says. */
#define RELEASE "9.9.9-sysroot"

static int setup(void **state)
{
	mm_cfg.kver = test_kver();
	if (sysroot_setup(state) < 0)
		return -1;
	sysroot_put("/proc/sys/kernel/osrelease", RELEASE "\n");
	return 0;
}

static struct ko *open_file(const char *path)
{
	struct ko *ko = NULL;

	if (ko_open(path, &ko) < 0)
		fail_msg("ko_open %s: %s", path, mm_errmsg());
	return ko;
}

static struct ko *hello(void)
{
	return open_file(fixture("hello.ko"));
}

/* A copy of KO's file with its bytes edited by EDIT, opened from memory. */
static struct ko *edited(struct ko *ko, void (*edit)(struct ko *orig, char *data, size_t len))
{
	size_t len;
	const char *data = ko_file_data(ko, &len);
	char *copy = mm_malloc(len);
	struct ko *out = NULL;

	memcpy(copy, data, len);
	edit(ko, copy, len);
	assert_int_equal(ko_open_mem(copy, len, ko_path(ko), &out), 0);
	free(copy);
	ko_close(ko);
	return out;
}

/* The explanation of ERR for KO, with the events of LOG (N lines), on MT (may be NULL). */
static void explain(struct modtree *mt, struct ko *ko, int err, const char *const *log, size_t n,
		    struct findings *f)
{
	struct kernel_event *ev;
	size_t nev;

	kernel_log_events(log, n, &ev, &nev);
	findings_explain_load(mt, ko, err, ev, nev, f);
	kernel_events_free(ev, nev);
}

/* How often NEEDLE is in S. */
static size_t count(const char *s, const char *needle)
{
	size_t k = 0;

	for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
		k++;
	return k;
}

/* Explain ERR for KO with LOG, without a module directory: one cause, with these texts. */
static void expect_load(int err, struct ko *ko, const char *const *log, size_t n, const char *what,
			const char *hint)
{
	struct findings f;

	explain(NULL, ko, err, log, n, &f);
	assert_int_equal(f.n, 1);
	if (!strstr(f.v[0].message, what))
		fail_msg("what: [%s] lacks [%s]", f.v[0].message, what);
	if (hint && (!f.v[0].hint || !strstr(f.v[0].hint, hint)))
		fail_msg("hint: [%s] lacks [%s]", f.v[0].hint ? f.v[0].hint : "(none)", hint);
	assert_int_equal(count(f.v[0].message, kernel_errno_name(err)), 1);
	findings_free(&f);
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

static void test_eperm(void **state MM_UNUSED)
{
	struct ko *ko = hello();
	const char *lockdown[] = {
		"Lockdown: mymod: unsigned module loading is restricted; see man kernel_lockdown.7"
	};

	if (geteuid() != 0) {
		expect_load(-EPERM, ko, NULL, 0, "needs root (CAP_SYS_MODULE) (EPERM)", "root");
		ko_close(ko);
		return;
	}
	sysroot_put("/proc/sys/kernel/modules_disabled", "1\n");
	expect_load(-EPERM, ko, NULL, 0, "module loading is disabled", "reboot");
	sysroot_put("/proc/sys/kernel/modules_disabled", "0\n");
	sysroot_put("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	expect_load(-EPERM, ko, NULL, 0, "locked down (integrity)", "sign the module");
	sysroot_put("/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	expect_load(-EPERM, ko, NULL, 0, "operation not permitted", NULL);
	/* Only the kernel log says so (securityfs not mounted). */
	expect_load(-EPERM, ko, lockdown, 1, "locked down", "sign the module");
	ko_close(ko);
}

static void test_signature(void **state MM_UNUSED)
{
	struct ko *ko = hello(); /* unsigned */
	const char *key[] = { "Loading of module with unavailable key is rejected" };
	char *path;

	expect_load(-EKEYREJECTED, ko, NULL, 0,
		    "hello carries no signature and this kernel only loads signed modules", NULL);
	ko_close(ko);
	/* A module Debian signed: only the kernel log says that the key is not there. */
	path = mm_asprintf("/lib/modules/%s/kernel/crypto/ofb.ko", test_kver());
	ko = open_file(path);
	expect_load(-EKEYREJECTED, ko, key, 1,
		    "ofb is signed with a key this kernel does not trust", "enroll its key");
	ko_close(ko);
	free(path);
}

static void test_already_loaded(void **state MM_UNUSED)
{
	struct ko *ko = hello();

	sysroot_put("/sys/module/hello/initstate", "live\n");
	expect_load(-EEXIST, ko, NULL, 0, "hello is already loaded (EEXIST)", NULL);
	sysroot_put("/sys/module/hello/initstate", "going\n");
	expect_load(-EBUSY, ko, NULL, 0, "being loaded or removed", "try again");
	ko_close(ko);
}

static void expect_unload(int err, const char *name, const char *what, const char *hint)
{
	struct findings f;

	findings_explain_unload(err, name, &f);
	assert_int_equal(f.n, 1);
	if (!strstr(f.v[0].message, what))
		fail_msg("what: [%s] lacks [%s]", f.v[0].message, what);
	if (hint && (!f.v[0].hint || !strstr(f.v[0].hint, hint)))
		fail_msg("hint: [%s] lacks [%s]", f.v[0].hint ? f.v[0].hint : "(none)", hint);
	findings_free(&f);
}

static void test_unload(void **state MM_UNUSED)
{
	sysroot_put("/sys/module/crc_t10dif/initstate", "live\n");
	sysroot_put("/sys/module/crc_t10dif/refcnt", "2\n");
	sysroot_put("/sys/module/crc_t10dif/holders/t10_pi", "");
	sysroot_put("/sys/module/crc_t10dif/holders/nvme_core", "");
	expect_unload(-EWOULDBLOCK, "crc-t10dif",
		      "crc-t10dif is in use by nvme_core, t10_pi, reference count 2 (EAGAIN)",
		      "unload nvme_core, t10_pi first");
	expect_unload(-ETIMEDOUT, "crc_t10dif", "reference count 2 (ETIMEDOUT)", "--timeout");
	sysroot_put("/sys/module/crc_t10dif/initstate", "going\n");
	expect_unload(-EBUSY, "crc_t10dif", "crc_t10dif is being removed right now", NULL);
	sysroot_put("/sys/module/noexit/initstate", "live\n");
	expect_unload(-EBUSY, "noexit", "no exit function", "--force");
	expect_unload(-ENOENT, "absent", "absent is not loaded (ENOENT)", "mymod list");
	sysroot_put("/sys/module/zswap/parameters/enabled", "Y\n");
	expect_unload(-ENOENT, "zswap", "zswap is built into the kernel", NULL);
}

/* Two symbols of one namespace: two causes, and the one hint once. */
static void test_hint_once(void **state MM_UNUSED)
{
	struct ko *ko = hello();
	const char *log[] = {
		"hello: module uses symbol (a_sym) from namespace NS_X, but does not import it.",
		"hello: Unknown symbol a_sym (err -22)",
		"hello: module uses symbol (b_sym) from namespace NS_X, but does not import it.",
		"hello: Unknown symbol b_sym (err -22)",
	};
	struct findings f;

	explain(NULL, ko, -EINVAL, log, MM_ARRAY_SIZE(log), &f);
	assert_int_equal(f.n, 2);
	assert_non_null(strstr(f.v[0].message, "a_sym from namespace NS_X"));
	assert_non_null(strstr(f.v[1].message, "b_sym from namespace NS_X"));
	assert_non_null(strstr(f.v[0].hint, "MODULE_IMPORT_NS(NS_X)"));
	assert_null(f.v[1].hint);
	findings_free(&f);
	ko_close(ko);
}

/* ---- with a module directory: the checks' words for what the kernel said ---- */

/* In __versions, the CRC (an unsigned long) stands right before the name: make __fentry__'s 0. */
static void zero_fentry_crc(struct ko *orig, char *data, size_t len)
{
	const struct ko_version *v;
	char key[8 + sizeof("__fentry__")];
	char *p;
	size_t n;

	assert_int_equal(ko_versions(orig, &v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, "__fentry__") != 0)
			continue;
		memset(key, 0, 8);
		for (int b = 0; b < 4; b++)
			key[b] = (char)(v[i].crc >> (8 * b));
		memcpy(key + 8, "__fentry__", sizeof("__fentry__"));
		p = memmem(data, len, key, sizeof(key));
		assert_non_null(p);
		memset(p, 0, 4);
		return;
	}
	fail_msg("hello.ko has no version for __fentry__");
}

/*
 * The explanation of ERR for KO with LOG, on MT: one cause, the check
 * finding of CODE, its message with WHAT and the errno once, its hint with
 * each of HINTS (NULL-ended) once.
 */
static void expect_once(struct modtree *mt, struct ko *ko, int err, const char *const *log,
			size_t n, const char *code, const char *what, const char *const *hints)
{
	struct findings f;

	explain(mt, ko, err, log, n, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].code, code);
	if (!strstr(f.v[0].message, what))
		fail_msg("what: [%s] lacks [%s]", f.v[0].message, what);
	assert_int_equal(count(f.v[0].message, kernel_errno_name(err)), 1);
	for (size_t i = 0; hints[i]; i++)
		if (count(f.v[0].hint, hints[i]) != 1)
			fail_msg("hint: [%s] lacks [%s], or has it twice", f.v[0].hint, hints[i]);
	findings_free(&f);
}

/*
 * A symbol version the kernel has not: the kernel logs the mismatch and the
 * unknown symbol (err -22); one explanation, the check's, with one hint that
 * also says how to force it.
 */
static void test_crc_once(void **state MM_UNUSED)
{
	struct ko *ko = edited(hello(), zero_fentry_crc);
	const char *log[] = {
		"hello: disagrees about version of symbol __fentry__",
		"hello: Unknown symbol __fentry__ (err -22)",
	};
	const char *const hints[] = { "rebuild the module against the headers of",
				      "--force-modversion", NULL };
	const char *const param_hints[] = { "mymod info hello", NULL };
	struct modtree *mt;

	assert_int_equal(modtree_open(&mt), 0);
	expect_once(mt, ko, -EINVAL, log, MM_ARRAY_SIZE(log), "modversion",
		    "__fentry__: disagrees about version of symbol: the module's CRC 0x00000000",
		    hints);
	/* A parameter the kernel refused: its words, and no check's blocker besides. */
	log[0] = "hello: `abc' invalid for parameter `count'";
	expect_once(mt, ko, -EINVAL, log, 1, "refusal", "parameter 'count' of hello", param_hints);
	modtree_close(mt);
	ko_close(ko);
}

/* ofb imports CRYPTO_INTERNAL; a copy that names another namespace. */
static void rename_import_ns(struct ko *orig MM_UNUSED, char *data, size_t len)
{
	char *p = memmem(data, len, "import_ns=CRYPTO_INTERNAL", 25);

	assert_non_null(p);
	p[24] = 'X';
}

static void test_namespace_once(void **state MM_UNUSED)
{
	char *path = mm_asprintf("/lib/modules/%s/kernel/crypto/ofb.ko", test_kver());
	struct ko *ko = edited(open_file(path), rename_import_ns);
	const char *log[] = {
		"ofb: module uses symbol (crypto_cipher_encrypt_one) from namespace "
		"CRYPTO_INTERNAL, but does not import it.",
		"ofb: Unknown symbol crypto_cipher_encrypt_one (err -22)",
	};
	const char *const hints[] = { "MODULE_IMPORT_NS(CRYPTO_INTERNAL)", NULL };
	struct modtree *mt;

	assert_int_equal(modtree_open(&mt), 0);
	expect_once(mt, ko, -EINVAL, log, MM_ARRAY_SIZE(log), "namespace",
		    "crypto_cipher_encrypt_one: module uses symbol from namespace CRYPTO_INTERNAL",
		    hints);
	modtree_close(mt);
	ko_close(ko);
	free(path);
}

/*
 * A tree with hello and hello_user: the three symbols the kernel could not
 * resolve are one cause, the module that exports them.
 */
static void test_dependency_once(void **state MM_UNUSED)
{
	const char *log[] = {
		"hello_user: Unknown symbol hello_count (err -2)",
		"hello_user: Unknown symbol hello_whom (err -2)",
		"hello_user: Unknown symbol hello_greet (err -2)",
	};
	const char *const hints[] = { "load hello first", NULL };
	char *base = mm_asprintf("%s/tree", sysroot_dir());
	char *cmd = mm_asprintf(
		"mkdir -p %s/lib/modules/%s/extra && cp %s/hello.ko %s/hello_user.ko "
		"%s/lib/modules/%s/extra/ && PATH=$PATH:/usr/sbin:/sbin depmod -b %s %s "
		"2>/dev/null",
		base, test_kver(), getenv("FIXTURES"), getenv("FIXTURES"), base, test_kver(), base,
		test_kver());
	struct ko *ko = open_file(fixture("hello_user.ko"));
	struct modtree *mt;

	assert_int_equal(system(cmd), 0);
	mm_cfg.basedir = base;
	assert_int_equal(modtree_open(&mt), 0);
	expect_once(mt, ko, -ENOENT, log, MM_ARRAY_SIZE(log), "dependency",
		    "needs module hello for 3 symbols", hints);
	modtree_close(mt);
	mm_cfg.basedir = "";
	ko_close(ko);
	free(cmd);
	free(base);
}

/*
 * Without the log, the checks' blockers with the errno explain it, and
 * only the checks that can give that errno run: the same findings as
 * mymod check's.
 */
static void test_checks_by_errno(void **state MM_UNUSED)
{
	static const int errs[] = { ENOENT, EINVAL, ENOEXEC, EKEYREJECTED, EPERM, EEXIST };
	static const char *const files[] = { "hello_user.ko", "hello.ko" };
	struct findings_target *t;
	struct modtree *mt;

	assert_int_equal(modtree_open(&mt), 0);
	assert_int_equal(findings_target_open(mt, &t), 0);
	for (size_t i = 0; i < MM_ARRAY_SIZE(files); i++) {
		struct ko *ko = open_file(fixture(files[i]));
		struct findings all, f;

		assert_int_equal(findings_check(t, ko, &all), 0);
		for (size_t e = 0; e < MM_ARRAY_SIZE(errs); e++) {
			size_t k = 0;

			findings_explain_load(mt, ko, -errs[e], NULL, 0, &f);
			for (size_t j = 0; j < all.n; j++) {
				if (all.v[j].err != errs[e] || all.v[j].severity != FINDING_BLOCKER)
					continue;
				assert_true(k < f.n);
				assert_string_equal(f.v[k].code, all.v[j].code);
				k++;
			}
			if (k == 0)
				assert_string_equal(f.v[0].code, "refusal");
			findings_free(&f);
		}
		findings_free(&all);
		ko_close(ko);
	}
	findings_target_close(t);
	modtree_close(mt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_failed),	cmocka_unit_test(test_bad_parameter),
		cmocka_unit_test(test_unknown_symbols), cmocka_unit_test(test_vermagic),
		cmocka_unit_test(test_machine),		cmocka_unit_test(test_eperm),
		cmocka_unit_test(test_signature),	cmocka_unit_test(test_already_loaded),
		cmocka_unit_test(test_unload),		cmocka_unit_test(test_hint_once),
		cmocka_unit_test(test_crc_once),	cmocka_unit_test(test_namespace_once),
		cmocka_unit_test(test_dependency_once), cmocka_unit_test(test_checks_by_errno),
	};

	return cmocka_run_group_tests(tests, setup, sysroot_teardown);
}
