// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mm_write_atomic() as kmod's testsuite sees it: its path.so fake moves
 * the paths given to open() (and stat(), fopen(), ...) under a test root,
 * but not those inside the C library (mkstemp()) nor rename()'s. This
 * binary's own open() does the same for paths under /mymod-fake-root, so
 * a file written anywhere but through open()'s directory goes astray.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mymod/util.h"

#define FAKE_ROOT "/mymod-fake-root"

static char test_root[PATH_MAX];

/*
 * open() as path.so wraps it: FAKE_ROOT/x is opened as TEST_ROOT/x.
 * fcntl.h makes this open64() (_FILE_OFFSET_BITS=64), as the library's calls.
 */
int open(const char *path, int flags, ...)
{
	int (*next)(const char *, int, ...) =
		(int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open64");
	size_t n = strlen(FAKE_ROOT);
	char moved[PATH_MAX * 2];
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strncmp(path, FAKE_ROOT, n) == 0 && (path[n] == '/' || path[n] == '\0')) {
		snprintf(moved, sizeof(moved), "%s%s", test_root, path + n);
		path = moved;
	}
	return next(path, flags, mode);
}

/* The names in DIR, sorted, one string. */
static char *names_in(const char *dir)
{
	struct dirent **list;
	struct mm_strbuf sb = { 0 };
	int n = scandir(dir, &list, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			mm_strbuf_sep(&sb, " ");
			mm_strbuf_add(&sb, list[i]->d_name);
		}
		free(list[i]);
	}
	free(list);
	mm_strbuf_add(&sb, "");
	return mm_strbuf_steal(&sb);
}

static void writes_through_the_fake(void **state MM_UNUSED)
{
	char real[PATH_MAX * 2], buf[64];
	char *names;
	struct stat st;
	FILE *f;

	snprintf(test_root, sizeof(test_root), "%s/mymod-atomic.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(test_root));
	snprintf(real, sizeof(real), "%s/modules.dep", test_root);

	assert_int_equal(mm_write_atomic(FAKE_ROOT "/modules.dep", "a.ko:\n", 6, 0644), 0);
	assert_int_equal(mm_write_atomic(FAKE_ROOT "/modules.dep", "b.ko:\n", 6, 0640), 0);

	f = fopen(real, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "b.ko:\n");
	assert_int_equal(stat(real, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	names = names_in(test_root);
	assert_string_equal(names, "modules.dep"); /* no temporary file left */
	free(names);

	unlink(real);
	rmdir(test_root);
}

static void fails_in_a_missing_directory(void **state MM_UNUSED)
{
	snprintf(test_root, sizeof(test_root), "%s/mymod-atomic-none", P_tmpdir);
	assert_int_equal(mm_write_atomic(FAKE_ROOT "/x/modules.dep", "", 0, 0644), -ENOENT);
	assert_non_null(strstr(mm_errmsg(), FAKE_ROOT "/x/modules.dep"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_through_the_fake),
		cmocka_unit_test(fails_in_a_missing_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
