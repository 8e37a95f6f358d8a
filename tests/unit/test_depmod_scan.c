// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's scan: on the installed tree, dm_scan() gives exactly the files
 * of the modules.dep kmod 30's depmod wrote there, in its order; and the
 * depmod.d and modules.order readers take their input as kmod does. The
 * trees of the depmod.d cases are in tests/cli/depmod-scan.sh, which
 * checks them against kmod's depmod itself.
 */
#include "kotest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymod/depmod.h"
#include "mymod/util.h"
#include "src/modtree/depmod-scan.h"

/* The relative paths of a modules.dep, one a line: the text before each ':'. */
static char **dep_relpaths(const char *path, size_t *n)
{
	size_t len, cap = 0;
	char *text = (char *)slurp(path, &len), *line = text, **v = NULL;

	*n = 0;
	while (line < text + len) {
		char *nl = strchr(line, '\n');

		if (*n == cap)
			v = mm_reallocarray(v, cap = cap * 2 + 64, sizeof(*v));
		v[(*n)++] = mm_strndup(line, strcspn(line, ":\n"));
		line = nl ? nl + 1 : text + len;
	}
	free(text);
	return v;
}

static void test_installed_tree(void **state)
{
	struct depmod_config c = { .basedir = "",
				   .moduledir = "/lib/modules",
				   .kver = test_kver() };
	char *dep = mm_asprintf("/lib/modules/%s/modules.dep", c.kver);
	struct dm_module *mods;
	size_t n, nwant;
	char **want = dep_relpaths(dep, &nwant);

	(void)state;
	assert_int_equal(dm_scan(&c, &mods, &n), 0);
	assert_true(nwant > 1000);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(mods[i].relpath, want[i]);
		assert_non_null(strstr(mods[i].path, want[i]));
		assert_true(mods[i].order > 0);
		free(want[i]);
	}
	free(want);
	free(dep);
	dm_modules_free(mods, n);
}

static void parse(struct dm_conf *cf, const char *text)
{
	*cf = (struct dm_conf){ 0 };
	dm_conf_parse(cf, "4.4.4-1-amd64", text, strlen(text));
}

static void test_conf_lines(void **state)
{
	struct dm_conf cf;

	(void)state;
	parse(&cf, "# search no\n\nsearch updates \\\n built-in\textra external\n"
		   "override a-b 4\\.4 extra\noverride c 5\\..* extra\noverride d * kernel\n"
		   "override broken *\nexternal ^4.*amd64$ /opt/ext\nexternal [ /bad\n"
		   "exclude x y\nbogus line\nsearch fo\\o\n"
		   /* would take glibc's regcomp() gigabytes: taken as not matching */
		   "override big (4+)++++++++++++++++++++++++++++++++++++++++ kernel\n"
		   "override big (4{1,999}){1,999} kernel\n");
	assert_int_equal(cf.nsearch, 5);
	assert_int_equal(cf.search[0].type, DM_SEARCH_DIR);
	assert_string_equal(cf.search[0].dir, "updates");
	assert_int_equal(cf.search[1].type, DM_SEARCH_BUILTIN);
	assert_string_equal(cf.search[2].dir, "extra");
	assert_int_equal(cf.search[3].type, DM_SEARCH_EXTERNAL);
	assert_string_equal(cf.search[4].dir, "foo"); /* kmod drops a lone backslash */
	assert_int_equal(cf.noverrides, 2);
	assert_string_equal(cf.overrides[0], "extra/a-b");
	assert_string_equal(cf.overrides[1], "kernel/d");
	assert_int_equal(cf.nexternals, 1);
	assert_string_equal(cf.externals[0], "/opt/ext");
	assert_int_equal(cf.nexcludes, 2);
	assert_string_equal(cf.excludes[1], "y");
	dm_conf_free(&cf);
}

struct order_seen {
	char keys[8][32];
	long lines[8];
	size_t n;
};

static void order_cb(void *ctx, const char *key, size_t len, long line)
{
	struct order_seen *o = ctx;

	assert_true(o->n < 8 && len < 32);
	memcpy(o->keys[o->n], key, len);
	o->keys[o->n][len] = '\0';
	o->lines[o->n++] = line;
}

static int order(const char *text, size_t len, struct order_seen *o)
{
	memset(o, 0, sizeof(*o));
	return dm_order_parse(text, len, order_cb, o);
}

static void test_order_lines(void **state)
{
	static const char nul_first[] = "a.ko\n\0junk\nb.ko\n";
	static const char nul_inside[] = "a.ko\nb\0.ko\n";
	char *longline = mm_calloc(5000, 1);
	struct order_seen o;

	(void)state;
	assert_int_equal(order("a.ko\n\nb.ko\n", 11, &o), 0);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.keys[1], "");
	assert_string_equal(o.keys[2], "b.ko");
	assert_int_equal(o.lines[2], 3);
	/* a line cut at the end, or by a NUL, or too long: kmod uses none of the file */
	assert_int_equal(order("a.ko\nb.ko", 9, &o), -EINVAL);
	assert_int_equal(o.n, 0);
	assert_int_equal(order(nul_inside, sizeof(nul_inside) - 1, &o), -EINVAL);
	memset(longline, 'x', 4999);
	longline[4998] = '\n';
	assert_int_equal(order(longline, 4999, &o), -EINVAL);
	/* a line starting with NUL is passed over, still counted */
	assert_int_equal(order(nul_first, sizeof(nul_first) - 1, &o), 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.lines[1], 3);
	free(longline);
}

/* Compressed modules all count, .ko.gz too (as a zlib-enabled kmod); the name drops the extension.
 */
static void test_compressed(void **state)
{
	char *root = cmd_output("mktemp -d");
	char *dir = mm_asprintf("%s/lib/modules/1.0/kernel", root);
	static const char *const files[] = { "a-b.ko.gz", "c.ko.xz", "d.ko.zst", "e.ko",
					     "f.ko.bz2",  ".ko",     "g.o" };
	struct depmod_config c = { .basedir = root, .moduledir = "/lib/modules", .kver = "1.0" };
	struct dm_module *mods;
	size_t n;

	(void)state;
	free(cmd_output("mkdir -p '%s'", dir));
	for (size_t i = 0; i < MM_ARRAY_SIZE(files); i++)
		free(cmd_output("cp '%s' '%s/%s'", fixture("hello.ko"), dir, files[i]));
	assert_int_equal(dm_scan(&c, &mods, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		char *rel = mm_asprintf("kernel/%s", files[i]);
		bool found = false;

		for (size_t j = 0; j < n; j++)
			found |= strcmp(mods[j].relpath, rel) == 0;
		assert_true(found);
		assert_int_equal(mods[i].reason, DM_ONLY);
		assert_int_equal(mods[i].order, -1);
		free(rel);
	}
	for (size_t j = 0; j < n; j++)
		if (strcmp(mods[j].relpath, "kernel/a-b.ko.gz") == 0)
			assert_string_equal(mods[j].name, "a_b");
	dm_modules_free(mods, n);
	free(cmd_output("rm -rf '%s'", root));
	free(dir);
	free(root);
}

/* The one module of a scan of the tree ROOT (1.0), with its default depmod.d. */
static struct dm_module *scan_one(const char *root, size_t *n)
{
	struct depmod_config c = { .basedir = root, .moduledir = "/lib/modules", .kver = "1.0" };
	struct dm_module *mods;

	assert_int_equal(dm_scan(&c, &mods, n), 0);
	assert_int_equal(*n, 1);
	return mods;
}

/*
 * Without -C, the depmod.d directories under the base directory (kmod 30
 * reads the host's even with -b): one file per base name, /etc's first.
 */
static void test_default_conf(void **state)
{
	char *root = cmd_output("mktemp -d");
	struct dm_module *m;
	size_t n;

	(void)state;
	free(cmd_output(
		"cd '%s' && mkdir -p lib/modules/1.0/kernel lib/modules/1.0/extra etc/depmod.d "
		"run/depmod.d lib/depmod.d && cp '%s' lib/modules/1.0/kernel/m.ko && "
		"cp '%s' lib/modules/1.0/extra/m.ko && echo 'search extra built-in' "
		">etc/depmod.d/a.conf && echo 'search kernel' >run/depmod.d/a.conf",
		root, fixture("hello.ko"), fixture("hello.ko")));
	m = scan_one(root, &n);
	assert_string_equal(m->relpath, "extra/m.ko");
	assert_int_equal(m->reason, DM_SEARCH);
	assert_int_equal(m->nlosers, 1);
	assert_non_null(strstr(m->losers[0], "/lib/modules/1.0/kernel/m.ko"));
	dm_modules_free(m, n);
	free(cmd_output("echo 'override m * kernel' >'%s/lib/depmod.d/b.conf'", root));
	m = scan_one(root, &n);
	assert_string_equal(m->relpath, "kernel/m.ko");
	assert_int_equal(m->reason, DM_OVERRIDE);
	dm_modules_free(m, n);
	free(cmd_output("rm -rf '%s'", root));
	free(root);
}

/* FILE...: a relative path is refused with a message naming it. */
static void test_files_relative(void **state)
{
	char *files[] = { "kernel/a.ko" };
	struct depmod_config c = { .basedir = "",
				   .moduledir = "/lib/modules",
				   .kver = "1.0",
				   .files = files,
				   .nfiles = 1 };
	struct dm_module *mods;
	size_t n;

	(void)state;
	assert_int_equal(dm_scan(&c, &mods, &n), -EINVAL);
	assert_non_null(strstr(mm_errmsg(), "kernel/a.ko: not an absolute path"));
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_installed_tree), cmocka_unit_test(test_conf_lines),
		cmocka_unit_test(test_order_lines),    cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_files_relative), cmocka_unit_test(test_default_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
