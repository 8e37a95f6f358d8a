// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's indexes (dm_indexes): on the installed Debian tree, the text
 * files byte for byte as kmod 30's depmod wrote them there; on a tree of
 * two modules that need each other, the cycle reported as kmod does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the three above first. */
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/modtree/depmod-internal.h"
#include "kotest.h"
#include "mymod/depmod.h"
#include "mymod/util.h"

/* modules.order's line of each module, by relpath. */
static long order_of(const char *order, const char *relpath)
{
	size_t len = strlen(relpath);
	long line = 1;

	for (const char *p = order; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n == len && memcmp(p, relpath, n) == 0)
			return line;
		p += n + (nl != NULL);
	}
	return -1;
}

/* The module list modules.dep of DIR names, in its order. */
static struct dm_module *list_from_dep(const char *dir, size_t *n)
{
	char *path = mm_asprintf("%s/modules.dep", dir), *order = NULL, *dep, *line, *save = NULL;
	struct dm_module *mods = NULL;
	size_t len, cap = 0;

	assert_int_equal(mm_read_file(path, &dep, &len), 0);
	free(path);
	path = mm_asprintf("%s/modules.order", dir);
	if (mm_read_file(path, &order, &len) < 0)
		order = mm_strdup("");
	free(path);
	*n = 0;
	for (line = strtok_r(dep, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct dm_module *m;

		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			mods = mm_reallocarray(mods, cap, sizeof(*mods));
		}
		m = &mods[(*n)++];
		memset(m, 0, sizeof(*m));
		m->relpath = mm_strndup(line, strcspn(line, ":"));
		m->path = mm_asprintf("%s/%s", dir, m->relpath);
		m->name = mm_modname_from_path(m->relpath);
		m->order = order_of(order, m->relpath);
	}
	free(dep);
	free(order);
	return mods;
}

static void free_list(struct dm_module *mods, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(mods[i].name);
		free(mods[i].path);
		free(mods[i].relpath);
	}
	free(mods);
}

static const struct dm_file *find_file(const struct dm_file *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	fail_msg("dm_indexes made no %s", name);
	return NULL;
}

/* The first line where OURS and kmod's file differ, for the failure message. */
static void assert_same(const char *dir, const struct dm_file *ours)
{
	char *path = mm_asprintf("%s/%s", dir, ours->name), *theirs;
	size_t len, at = 0;

	assert_int_equal(mm_read_file(path, &theirs, &len), 0);
	while (at < len && at < ours->len && theirs[at] == ours->data[at])
		at++;
	if (at != len || at != ours->len) {
		size_t bol = at;

		while (bol && theirs[bol - 1] != '\n')
			bol--;
		fail_msg("%s differs at byte %zu (ours %zu bytes, kmod's %zu): kmod's line: %.*s",
			 path, at, ours->len, len, (int)strcspn(theirs + bol, "\n"), theirs + bol);
	}
	free(theirs);
	free(path);
}

static void installed_tree(void **state)
{
	static const char *const text[] = {
		"modules.dep",	       "modules.dep.bin",     "modules.alias",
		"modules.alias.bin",   "modules.softdep",     "modules.symbols",
		"modules.symbols.bin", "modules.builtin.bin", "modules.builtin.alias.bin",
		"modules.devname",
	};
	const char *kver = test_kver();
	struct depmod_config c = { .basedir = "", .moduledir = "/lib/modules", .kver = kver };
	char *dir = mm_asprintf("/lib/modules/%s", kver);
	struct dm_module *mods;
	struct dm_file *f;
	size_t n, nf;

	(void)state;
	mods = list_from_dep(dir, &n);
	assert_true(n > 100);
	assert_int_equal(dm_indexes(&c, mods, n, false, &f, &nf), 0);
	assert_int_equal(nf, 10);
	assert_string_equal(f[0].name, "modules.dep");
	assert_string_equal(f[9].name, "modules.devname");
	for (size_t i = 0; i < MM_ARRAY_SIZE(text); i++)
		assert_same(dir, find_file(f, nf, text[i]));
	dm_files_free(f, nf);
	free_list(mods, n);
	free(dir);
}

/* Every FROM in BUF made TO (the same length). */
static void patch(uint8_t *buf, size_t len, const char *from, const char *to)
{
	size_t n = strlen(from);
	uint8_t *p = buf;

	assert_int_equal(strlen(to), n);
	while ((p = memmem(p, len - (size_t)(p - buf), from, n)))
		memcpy(p, to, n);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* What FN writes to stderr while it runs. */
static char *stderr_of(int (*fn)(void *), void *arg, int *ret)
{
	char *path = write_temp("", 0, ".err"), *text;
	int saved = dup(2), fd = open(path, O_WRONLY);
	size_t len;

	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	*ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(mm_read_file(path, &text, &len), 0);
	unlink(path);
	free(path);
	return text;
}

struct run {
	struct depmod_config c;
	struct dm_module *mods;
	size_t n;
};

static int run_indexes(void *arg)
{
	struct run *r = arg;
	struct dm_file *f = NULL;
	size_t nf = 0;
	int err = dm_indexes(&r->c, r->mods, r->n, false, &f, &nf);

	dm_files_free(f, nf);
	return err;
}

/*
 * cyc_a is hello.ko needing hellp_whom instead of kstrtouint; cyc_b is
 * hello.ko with its symbols renamed hellp_*, needing hello_whom: each
 * needs the other. hello_fail, needing neither, is outside the cycle.
 */
static void symbol_cycle(void **state)
{
	char dir[] = "/tmp/mymod-depmod-XXXXXX";
	const char *names[] = { "cyc_a", "cyc_b", "hello_fail" };
	size_t len, flen;
	uint8_t *hello = slurp(fixture("hello.ko"), &len), *b = mm_malloc(len);
	uint8_t *fail = slurp(fixture("hello_fail.ko"), &flen);
	struct dm_module mods[3] = { 0 };
	struct run r = { .c = { .basedir = "", .kver = "0" }, .mods = mods, .n = 3 };
	char *err;
	int ret;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memcpy(b, hello, len);
	patch(hello, len, "kstrtouint", "hellp_whom");
	patch(b, len, "hello_", "hellp_");
	patch(b, len, "kstrtouint", "hello_whom");
	for (size_t i = 0; i < 3; i++) {
		mods[i].name = (char *)names[i];
		mods[i].relpath = mm_asprintf("%s.ko", names[i]);
		mods[i].path = mm_asprintf("%s/%s.ko", dir, names[i]);
		mods[i].order = (long)i + 1;
	}
	write_file(mods[0].path, hello, len);
	write_file(mods[1].path, b, len);
	write_file(mods[2].path, fail, flen);
	err = stderr_of(run_indexes, &r, &ret);
	assert_int_equal(ret, -ELOOP);
	assert_non_null(strstr(err, "Cycle detected: cyc_a -> cyc_b -> cyc_a\n"));
	assert_null(strstr(err, "hello_fail"));
	assert_string_equal(mm_errmsg(), "Found 2 modules in dependency cycles!");
	for (size_t i = 0; i < 3; i++) {
		unlink(mods[i].path);
		free(mods[i].path);
		free(mods[i].relpath);
	}
	rmdir(dir);
	free(err);
	free(hello);
	free(b);
	free(fail);
}

struct cycles_run {
	struct dmi *d;
	const uint32_t *users;
};

static int run_cycles(void *arg)
{
	struct cycles_run *r = arg;

	return dmi_report_cycles(r->d, r->users);
}

/*
 * kmod's testsuite's detect-loop tree, in kmod's table order: where each
 * cycle is said to start follows kmod's list of roots, whose head moves
 * when a module is taken out of it (kmod 30 starts the a-b-c cycle at c).
 */
static void cycles_in_kmods_order(void **state)
{
	static const char *const names[] = { "mod_loop_d", "mod_loop_i", "mod_loop_b", "mod_loop_a",
					     "mod_loop_h", "mod_loop_j", "mod_loop_f", "mod_loop_c",
					     "mod_loop_g", "mod_loop_k", "mod_loop_e" };
	enum { D, I, B, A, H, J, F, C, G, K, E, N };
	static const uint32_t deps[N][3] = {
		[A] = { B, F, G }, [B] = { C, F, G }, [C] = { A },    [D] = { E }, [E] = { D },
		[H] = { I },	   [I] = { J },	      [J] = { H, K }, [K] = { H },
	};
	static const size_t ndeps[N] = {
		[A] = 3, [B] = 3, [C] = 1, [D] = 1, [E] = 1, [H] = 1, [I] = 1, [J] = 2, [K] = 1
	};
	struct dm_module m[N] = { 0 };
	struct dmi_mod dm[N] = { 0 };
	uint32_t users[N];
	struct dmi d = { .mods = dm, .n = N };
	struct cycles_run r = { &d, users };
	char *err;
	int ret;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		m[i].name = (char *)names[i];
		dm[i].m = &m[i];
		dm[i].deps = (uint32_t *)deps[i];
		dm[i].ndeps = ndeps[i];
		users[i] = 1; /* every one is left over by the sort */
	}
	err = stderr_of(run_cycles, &r, &ret);
	assert_int_equal(ret, -ELOOP);
	assert_string_equal(
		err,
		"mymod: Cycle detected: mod_loop_d -> mod_loop_e -> mod_loop_d\n"
		"mymod: Cycle detected: mod_loop_i -> mod_loop_j -> mod_loop_k -> mod_loop_h -> "
		"mod_loop_i\n"
		"mymod: Cycle detected: mod_loop_i -> mod_loop_j -> mod_loop_h -> mod_loop_i\n"
		"mymod: Cycle detected: mod_loop_c -> mod_loop_a -> mod_loop_b -> mod_loop_c\n");
	assert_string_equal(mm_errmsg(), "Found 9 modules in dependency cycles!");
	free(err);
}

/* A module that cannot be read: one warning, and it stays, with no dependencies. */
static void unreadable_module(void **state)
{
	char dir[] = "/tmp/mymod-depmod-XXXXXX";
	struct dm_module mods[2] = { 0 };
	struct depmod_config c = { .basedir = "", .kver = "0" };
	size_t len;
	uint8_t *user = slurp(fixture("hello_user.ko"), &len);
	struct dm_file *f;
	size_t nf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mods[0] = (struct dm_module){ .name = "broken", .relpath = "broken.ko", .order = 1 };
	mods[1] =
		(struct dm_module){ .name = "hello_user", .relpath = "hello_user.ko", .order = 2 };
	mods[0].path = mm_asprintf("%s/broken.ko", dir);
	mods[1].path = mm_asprintf("%s/hello_user.ko", dir);
	write_file(mods[0].path, "not an ELF file, not a module\n", 30);
	write_file(mods[1].path, user, len);
	assert_int_equal(dm_indexes(&c, mods, 2, true, &f, &nf), 0);
	assert_int_equal(nf, 11);
	assert_string_equal(find_file(f, nf, "modules.dep")->data, "broken.ko:\nhello_user.ko:\n");
	assert_string_equal(find_file(f, nf, "modules.weakdep")->data,
			    "# Weak dependencies extracted from modules themselves.\n");
	dm_files_free(f, nf);
	for (size_t i = 0; i < 2; i++) {
		unlink(mods[i].path);
		free(mods[i].path);
	}
	rmdir(dir);
	free(user);
}

/* Two modules export the same symbols: kmod's table keeps the last one in order. */
static void last_exporter_wins(void **state)
{
	char dir[] = "/tmp/mymod-depmod-XXXXXX";
	const char *names[] = { "a", "b", "hello_user" };
	const char *from[] = { "hello.ko", "hello.ko", "hello_user.ko" };
	struct dm_module mods[3] = { 0 };
	struct depmod_config c = { .basedir = "", .kver = "0" };
	struct dm_file *f;
	size_t nf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		uint8_t *data = slurp(fixture(from[i]), &len);

		mods[i].name = (char *)names[i];
		mods[i].relpath = mm_asprintf("extra/%s.ko", names[i]);
		mods[i].path = mm_asprintf("%s/%s.ko", dir, names[i]);
		mods[i].order = -1;
		write_file(mods[i].path, data, len);
		free(data);
	}
	assert_int_equal(dm_indexes(&c, mods, 3, false, &f, &nf), 0);
	assert_string_equal(find_file(f, nf, "modules.dep")->data,
			    "extra/a.ko:\nextra/b.ko:\nextra/hello_user.ko: extra/b.ko\n");
	assert_string_equal(find_file(f, nf, "modules.symbols")->data,
			    "# Aliases for symbols, used by symbol_request().\n"
			    "alias symbol:hello_count b\nalias symbol:hello_greet b\nalias "
			    "symbol:hello_whom b\n");
	dm_files_free(f, nf);
	for (size_t i = 0; i < 3; i++) {
		unlink(mods[i].path);
		free(mods[i].path);
		free(mods[i].relpath);
	}
	rmdir(dir);
}

/* -e with -E: an unknown symbol and a CRC the kernel's Module.symvers does not share, as kmod words
 * them. */
static void errsyms_symvers(void **state)
{
	char dir[] = "/tmp/mymod-depmod-XXXXXX";
	struct dm_module mods[1] = { 0 };
	struct run r = { .c = { .basedir = "", .kver = "0", .errsyms = true },
			 .mods = mods,
			 .n = 1 };
	const char *symvers = "0x12345678\t_printk\tvmlinux\tEXPORT_SYMBOL\t\n"
			      "0x0\tbad\tvmlinux\tEXPORT_SYMBOL\n";
	char *err, *want;
	size_t len;
	uint8_t *fail = slurp(fixture("hello_fail.ko"), &len);
	int ret;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mods[0] =
		(struct dm_module){ .name = "hello_fail", .relpath = "hello_fail.ko", .order = 1 };
	mods[0].path = mm_asprintf("%s/hello_fail.ko", dir);
	write_file(mods[0].path, fail, len);
	r.c.symvers = mm_asprintf("%s/Module.symvers", dir);
	write_file(r.c.symvers, symvers, strlen(symvers));
	err = stderr_of(run_indexes, &r, &ret);
	assert_int_equal(ret, 0);
	want = mm_asprintf("%s disagrees about version of symbol _printk\n", mods[0].path);
	assert_non_null(strstr(err, want));
	free(want);
	want = mm_asprintf("%s needs unknown symbol __fentry__\n", mods[0].path);
	assert_non_null(strstr(err, want));
	free(want);
	unlink(r.c.symvers);
	unlink(mods[0].path);
	free((char *)r.c.symvers);
	free(mods[0].path);
	rmdir(dir);
	free(err);
	free(fail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(installed_tree),	 cmocka_unit_test(symbol_cycle),
		cmocka_unit_test(cycles_in_kmods_order), cmocka_unit_test(unreadable_module),
		cmocka_unit_test(last_exporter_wins),	 cmocka_unit_test(errsyms_symvers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
