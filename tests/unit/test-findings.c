// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * findings: the explanation of a failed load picks the findings whose
 * errno is the kernel's; the reference modules on the installed tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "mymod/findings.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

static char kver[256];
static struct modtree *mt;

static char *fixture(const char *name)
{
	return mm_asprintf("%s/%s", getenv("FIXTURES"), name);
}

static struct ko *open_fixture(const char *name)
{
	char *path = fixture(name);
	struct ko *ko = NULL;

	assert_int_equal(ko_open(path, &ko), 0);
	free(path);
	return ko;
}

/* The fixture's bytes with FROM replaced by TO (same length), opened from memory. */
static struct ko *open_edited(const char *name, const char *from, const char *to)
{
	struct ko *orig = open_fixture(name), *ko = NULL;
	size_t len, flen = strlen(from);
	const char *data = ko_file_data(orig, &len);
	char *copy = mm_malloc(len);
	char *p;

	assert_int_equal(flen, strlen(to));
	memcpy(copy, data, len);
	p = memmem(copy, len, from, flen);
	assert_non_null(p);
	memcpy(p, to, flen);
	assert_int_equal(ko_open_mem(copy, len, name, &ko), 0);
	free(copy);
	ko_close(orig);
	return ko;
}

static int setup(void **state)
{
	const char *env = getenv("MYMOD_TEST_KVER");
	char *cmd;
	FILE *p;

	(void)state;
	if (env && *env) {
		snprintf(kver, sizeof(kver), "%s", env);
	} else {
		cmd = mm_asprintf("%s/tests/fixtures/kver.sh", getenv("SRCDIR"));
		p = popen(cmd, "r");
		free(cmd);
		if (!p || !fgets(kver, sizeof(kver), p))
			return -1;
		pclose(p);
		kver[strcspn(kver, "\n")] = '\0';
	}
	mm_cfg.kver = kver;
	return modtree_open(&mt) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	modtree_close(mt);
	return 0;
}

/* The explanation of a refusal that the kernel logged nothing about. */
static int findings_for_load_error(struct modtree *tree, struct ko *ko, int err, struct findings *f)
{
	findings_explain_load(tree, ko, err, NULL, 0, f);
	return 0;
}

/* Only the errno's words: no check explains it. */
static void assert_no_check(const struct findings *f)
{
	assert_int_equal(f->n, 1);
	assert_string_equal(f->v[0].code, "refusal");
}

static void unresolved_explains_enoent(void **state)
{
	struct ko *ko = open_fixture("hello_user.ko");
	const char *want[] = { "hello_count", "hello_whom", "hello_greet" };
	struct findings f;

	(void)state;
	assert_int_equal(findings_for_load_error(mt, ko, -ENOENT, &f), 0);
	assert_int_equal(f.n, 3);
	for (size_t i = 0; i < f.n; i++) {
		assert_string_equal(f.v[i].code, "unresolved");
		assert_int_equal(f.v[i].severity, FINDING_BLOCKER);
		assert_int_equal(f.v[i].err, ENOENT);
		assert_string_equal(f.v[i].symbol, want[i]);
		assert_non_null(f.v[i].hint);
	}
	findings_free(&f);
	/* A positive errno means the same. */
	assert_int_equal(findings_for_load_error(mt, ko, ENOENT, &f), 0);
	assert_int_equal(f.n, 3);
	findings_free(&f);
	/* Nothing in hello_user explains ENOEXEC or EINVAL. */
	assert_int_equal(findings_for_load_error(mt, ko, -ENOEXEC, &f), 0);
	assert_no_check(&f);
	findings_free(&f);
	assert_int_equal(findings_for_load_error(mt, ko, -EINVAL, &f), 0);
	assert_no_check(&f);
	findings_free(&f);
	ko_close(ko);
}

static void vermagic_explains_enoexec(void **state)
{
	struct ko *ko = open_edited("hello.ko", " mod_unload ", " mod_unlaad ");
	struct findings f;

	(void)state;
	assert_int_equal(findings_for_load_error(mt, ko, -ENOEXEC, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].code, "vermagic");
	assert_string_equal(f.v[0].field, "vermagic");
	assert_non_null(strstr(f.v[0].message, "lacks mod_unload"));
	findings_free(&f);
	assert_int_equal(findings_for_load_error(mt, ko, -ENOENT, &f), 0);
	assert_no_check(&f);
	findings_free(&f);
	ko_close(ko);
}

/* The findings of CODE in F, as "severity:errno" words, e.g. "blocker:8 ". */
static char *of_code(const struct findings *f, const char *code)
{
	char *out = mm_strdup("");

	for (size_t i = 0; i < f->n; i++) {
		char *next;

		if (strcmp(f->v[i].code, code) != 0)
			continue;
		next = mm_asprintf("%s%s:%d ", out, finding_severity_name(f->v[i].severity),
				   f->v[i].err);
		free(out);
		out = next;
	}
	return out;
}

static void check_code(struct ko *ko, const char *code, const char *want)
{
	struct findings_target *t;
	struct findings f;
	char *got;

	assert_int_equal(findings_target_open(mt, &t), 0);
	assert_int_equal(findings_check(t, ko, &f), 0);
	got = of_code(&f, code);
	assert_string_equal(got, want);
	free(got);
	findings_free(&f);
	findings_target_close(t);
	ko_close(ko);
}

/* same_magic(): with symbol versions, the release is not compared. */
static void release_alone_is_a_warning(void **state)
{
	char *release = mm_asprintf("vermagic=%s ", kver);
	char *other = mm_strdup(release);
	char *digit = other + strlen("vermagic=");

	(void)state;
	*digit = *digit == '9' ? '8' : '9';
	check_code(open_edited("hello.ko", release, other), "vermagic", "warning:0 ");
	free(release);
	free(other);
}

/* The 6.1 configuration has CONFIG_MODULE_FORCE_LOAD: no vermagic loads as forced. */
static void no_vermagic_is_forced(void **state)
{
	(void)state;
	check_code(open_edited("hello.ko", "vermagic=", "vermagix="), "vermagic", "warning:0 ");
}

static void another_machine_is_refused(void **state)
{
	(void)state;
	/* e_machine EM_X86_64 (62) becomes EM_AARCH64 (183), little-endian at offset 18. */
	check_code(open_edited("hello.ko", "\x3e\x00\x01\x00\x00\x00", "\xb7\x00\x01\x00\x00\x00"),
		   "arch", "blocker:8 ");
}

static void blockers_come_first(void **state)
{
	struct findings_target *t;
	struct ko *user = open_fixture("hello_user.ko"), *hello = open_fixture("hello.ko");
	struct findings f;

	(void)state;
	assert_int_equal(findings_target_open(mt, &t), 0);
	assert_int_equal(findings_check(t, user, &f), 0);
	assert_true(findings_blocked(&f));
	for (size_t i = 1; i < f.n; i++)
		assert_true(f.v[i - 1].severity >= f.v[i].severity);
	assert_int_equal(f.v[0].severity, FINDING_BLOCKER);
	assert_int_equal(f.v[f.n - 1].severity, FINDING_INFO);
	findings_free(&f);
	assert_int_equal(findings_check(t, hello, &f), 0);
	assert_false(findings_blocked(&f));
	findings_free(&f);
	assert_false(findings_blocked(&f));
	findings_target_close(t);
	ko_close(user);
	ko_close(hello);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unresolved_explains_enoent),
		cmocka_unit_test(vermagic_explains_enoexec),
		cmocka_unit_test(blockers_come_first),
		cmocka_unit_test(release_alone_is_a_warning),
		cmocka_unit_test(no_vermagic_is_forced),
		cmocka_unit_test(another_machine_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
