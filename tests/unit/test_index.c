// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modtree's .bin index writer: small tries byte for byte, the installed
 * Debian tree's .bin files rebuilt from their text forms byte for byte,
 * and libkmod reading back what it wrote.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "kotest.h"
#include "mymod/util.h"
#include "src/modtree/index.h"

/* IX written to memory; *LEN its size. */
static char *written(const struct dm_index *ix, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(dm_index_write(ix, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_written(const struct dm_index *ix, const char *want, size_t wantlen)
{
	size_t len;
	char *got = written(ix, &len);

	assert_int_equal(len, wantlen);
	assert_memory_equal(got, want, wantlen);
	free(got);
}

/* The expected bytes as one string literal, without its own final NUL. */
#define assert_bytes(ix, want) assert_written((ix), (want), sizeof(want) - 1)

/* Magic, version, then the root node's offset and flags. */
#define HEADER(root)                                                                               \
	"\xB0\x07\xF4\x57"                                                                         \
	"\x00\x02\x00\x01" root
#define EMPTY HEADER("\x00\x00\x00\x0C")

static void empty_index(void **state)
{
	struct dm_index *ix = dm_index_new();

	(void)state;
	assert_bytes(ix, EMPTY);
	dm_index_free(ix);
}

static void one_key(void **state)
{
	struct dm_index *ix = dm_index_new();

	(void)state;
	assert_int_equal(dm_index_add(ix, "ab", "x", 3), 0);
	assert_bytes(ix, HEADER("\x20\x00\x00\x18")
		     /* 12: under 'a', prefix "b", one value: priority 3, "x" */
		     "b\0"
		     "\0\0\0\1"
		     "\0\0\0\3"
		     "x\0"
		     /* 24: the root: children 'a'..'a', offset with prefix and values flags */
		     "aa"
		     "\xC0\x00\x00\x0C");
	dm_index_free(ix);
}

/* "abc", "abd" and "ab" share "ab": the same trie whatever the order they come in. */
static void shared_prefixes(void **state)
{
	static const char *const keys[] = { "abc", "abd", "ab" };
	static const int orders[][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	(void)state;
	for (size_t o = 0; o < MM_ARRAY_SIZE(orders); o++) {
		struct dm_index *ix = dm_index_new();

		for (int i = 0; i < 3; i++) {
			int k = orders[o][i];
			char value[2] = { (char)('1' + k), 0 };

			assert_int_equal(dm_index_add(ix, keys[k], value, 0), 0);
		}
		assert_bytes(ix, HEADER("\x20\x00\x00\x36")
			     /* 12: "abc", 22: "abd" */
			     "\0\0\0\1"
			     "\0\0\0\0"
			     "1\0"
			     "\0\0\0\1"
			     "\0\0\0\0"
			     "2\0"
			     /* 32: "ab": prefix "b", children 'c'..'d', its value */
			     "b\0"
			     "cd"
			     "\x40\x00\x00\x0C"
			     "\x40\x00\x00\x16"
			     "\0\0\0\1"
			     "\0\0\0\0"
			     "3\0"
			     /* 54: the root */
			     "aa"
			     "\xE0\x00\x00\x20");
		dm_index_free(ix);
	}
}

/* Lowest priority first; among equal priorities the newest first, as kmod orders them. */
static void priorities(void **state)
{
	struct dm_index *ix = dm_index_new();

	(void)state;
	assert_int_equal(dm_index_add(ix, "k", "c", 2), 0);
	assert_int_equal(dm_index_add(ix, "k", "a", 1), 0);
	assert_int_equal(dm_index_add(ix, "k", "b", 2), 0);
	assert_int_equal(dm_index_add(ix, "k", "d", 0), 0);
	assert_bytes(ix, HEADER("\x20\x00\x00\x28")
		     /* 12: under 'k', four values */
		     "\0\0\0\4"
		     "\0\0\0\0"
		     "d\0"
		     "\0\0\0\1"
		     "a\0"
		     "\0\0\0\2"
		     "b\0"
		     "\0\0\0\2"
		     "c\0"
		     /* 40: the root */
		     "kk"
		     "\x40\x00\x00\x0C");
	dm_index_free(ix);
}

/* A value already under a key is reported, and stored again as kmod stores it. */
static void duplicate_value(void **state)
{
	struct dm_index *ix = dm_index_new();

	(void)state;
	assert_int_equal(dm_index_add(ix, "k", "a", 1), 0);
	assert_int_equal(dm_index_add(ix, "k", "a", 1), 1);
	assert_bytes(ix, HEADER("\x20\x00\x00\x1C") "\0\0\0\2"
						    "\0\0\0\1"
						    "a\0"
						    "\0\0\0\1"
						    "a\0"
						    "kk"
						    "\x40\x00\x00\x0C");
	dm_index_free(ix);
}

/* 8-bit bytes in a key or value: an error naming it, and the index unchanged. */
static void rejected(void **state)
{
	struct dm_index *ix = dm_index_new();

	(void)state;
	assert_int_equal(dm_index_add(ix, "caf\xc3\xa9", "x", 0), -EINVAL);
	assert_non_null(strstr(mm_errmsg(), "key \"caf...\" has byte 0xc3"));
	assert_int_equal(dm_index_add(ix, "cafe", "\x80", 0), -EINVAL);
	assert_non_null(strstr(mm_errmsg(), "value"));
	assert_bytes(ix, EMPTY);
	dm_index_free(ix);
}

/* ---- The installed tree's indexes, rebuilt from their text forms ---- */

static char *tree_path(const char *name)
{
	return mm_asprintf("/lib/modules/%s/%s", test_kver(), name);
}

/* The file NAME of the installed tree, or skip the test when it is absent. */
static char *tree_file(const char *name, size_t *len)
{
	char *path = tree_path(name), *buf;
	int err = mm_read_file(path, &buf, len);

	if (err == -ENOENT) {
		print_message("%s: absent, skipped\n", path);
		free(path);
		skip();
	}
	if (err < 0)
		fail_msg("cannot read %s: %s", path, strerror(-err));
	free(path);
	return buf;
}

/* Assert IX writes exactly the installed tree's file NAME. */
static void assert_as_installed(const struct dm_index *ix, const char *name)
{
	size_t len, wantlen;
	char *want = tree_file(name, &wantlen);
	char *got = written(ix, &len);
	size_t at = 0;

	while (at < len && at < wantlen && got[at] == want[at])
		at++;
	if (at < len || at < wantlen)
		fail_msg("%s: %zu bytes written, %zu installed, first difference at byte %zu", name,
			 len, wantlen, at);
	free(got);
	free(want);
}

/* Each line of TEXT (NUL-terminated in place) to FN. */
static void each_line(char *text, void (*fn)(char *line, void *ctx), void *ctx)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fn(line, ctx);
}

/* kmod's alias_normalize: '-' becomes '_' outside [...]; false on an unmatched bracket. */
static bool alias_normalize(const char *alias, struct mm_strbuf *out)
{
	out->len = 0;
	mm_strbuf_add(out, "");
	for (const char *p = alias; *p; p++) {
		if (*p == ']')
			return false;
		if (*p == '[') {
			size_t n = strcspn(p, "]");

			if (!p[n])
				return false;
			mm_strbuf_addn(out, p, n);
			p += n;
		}
		mm_strbuf_addc(out, *p == '-' ? '_' : *p);
	}
	return true;
}

struct rebuild {
	struct dm_index *ix;
	struct mm_hash order; /* module name -> 1 + its line in modules.dep */
	unsigned int line;
	bool normalize; /* aliases (not symbols) get alias_normalize() */
	struct mm_strbuf key;
};

static void dep_line(char *line, void *ctx)
{
	struct rebuild *r = ctx;
	char *colon = strchr(line, ':');
	char *path, *name;

	assert_non_null(colon);
	path = mm_strndup(line, (size_t)(colon - line));
	name = mm_modname_from_path(path);
	assert_true(mm_hash_add(&r->order, name, (void *)(uintptr_t)(r->line + 1)));
	assert_int_equal(dm_index_add(r->ix, name, line, r->line), 0);
	r->line++;
	free(path);
	/* the hash keeps NAME */
}

/* modules.dep: the module order every other index's priorities come from. */
static void rebuild_dep(struct rebuild *r)
{
	size_t len;
	char *text = tree_file("modules.dep", &len);

	*r = (struct rebuild){ .ix = dm_index_new() };
	each_line(text, dep_line, r);
	free(text);
}

static void rebuild_free(struct rebuild *r)
{
	for (size_t i = 0; r->order.slots && i <= r->order.mask; i++)
		free((char *)r->order.slots[i].key);
	mm_hash_free(&r->order);
	dm_index_free(r->ix);
	free(r->key.s);
}

/* "alias KEY MODULE", priority the module's place in modules.dep. */
static void alias_line(char *line, void *ctx)
{
	struct rebuild *r = ctx;
	char *sp = strrchr(line, ' ');
	uintptr_t order;

	if (line[0] == '#')
		return;
	assert_non_null(sp);
	assert_memory_equal(line, "alias ", 6);
	*sp = '\0';
	order = (uintptr_t)mm_hash_get(&r->order, sp + 1);
	assert_true(order > 0);
	if (r->normalize) {
		if (!alias_normalize(line + 6, &r->key))
			return;
	} else {
		r->key.len = 0;
		mm_strbuf_add(&r->key, line + 6);
	}
	assert_true(dm_index_add(r->ix, r->key.s, sp + 1, (unsigned int)(order - 1)) >= 0);
}

static void installed_dep(void **state)
{
	struct rebuild r;

	(void)state;
	rebuild_dep(&r);
	assert_as_installed(r.ix, "modules.dep.bin");
	rebuild_free(&r);
}

static void installed_aliases(const char *text_name, const char *bin_name, bool normalize)
{
	struct rebuild r;
	size_t len;
	char *text;

	rebuild_dep(&r);
	dm_index_free(r.ix);
	r.ix = dm_index_new();
	r.normalize = normalize;
	text = tree_file(text_name, &len);
	each_line(text, alias_line, &r);
	free(text);
	assert_as_installed(r.ix, bin_name);
	rebuild_free(&r);
}

static void installed_alias(void **state)
{
	(void)state;
	installed_aliases("modules.alias", "modules.alias.bin", true);
}

static void installed_symbols(void **state)
{
	(void)state;
	installed_aliases("modules.symbols", "modules.symbols.bin", false);
}

/* modules.builtin: each path's module name, no value, priority 0. */
static void builtin_line(char *line, void *ctx)
{
	struct dm_index *ix = ctx;
	char *name;

	name = mm_modname_from_path(line);
	assert_int_equal(dm_index_add(ix, name, "", 0), 0);
	free(name);
}

static void installed_builtin(void **state)
{
	struct dm_index *ix = dm_index_new();
	size_t len;
	char *text = tree_file("modules.builtin", &len);

	(void)state;
	each_line(text, builtin_line, ix);
	free(text);
	assert_as_installed(ix, "modules.builtin.bin");
	dm_index_free(ix);
}

/* modules.builtin.modinfo: "MODULE.alias=ALIAS" records give ALIAS -> MODULE, priority 0. */
static void installed_builtin_alias(void **state)
{
	struct dm_index *ix = dm_index_new();
	struct mm_strbuf key = { 0 };
	size_t len;
	char *text = tree_file("modules.builtin.modinfo", &len);

	(void)state;
	for (char *rec = text; rec < text + len; rec += strlen(rec) + 1) {
		char *dot = strchr(rec, '.');

		if (!dot || strncmp(dot + 1, "alias=", 6) != 0 || !dot[7])
			continue;
		*dot = '\0';
		if (alias_normalize(dot + 7, &key))
			assert_true(dm_index_add(ix, key.s, rec, 0) >= 0);
		*dot = '.';
	}
	free(text);
	free(key.s);
	assert_as_installed(ix, "modules.builtin.alias.bin");
	dm_index_free(ix);
}

/* ---- libkmod reads what was written ---- */

static char kdir[] = "/tmp/mymod-index-XXXXXX";

static void write_bin(const struct dm_index *ix, const char *name)
{
	char *path = mm_asprintf("%s/%s", kdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(dm_index_write(ix, f), 0);
	assert_int_equal(fclose(f), 0);
	free(path);
}

/* A small module directory whose every .bin index comes from the writer. */
static void write_small_tree(void)
{
	struct dm_index *dep = dm_index_new(), *alias = dm_index_new(), *sym = dm_index_new(),
			*bi = dm_index_new(), *bialias = dm_index_new();

	assert_non_null(mkdtemp(kdir));
	assert_int_equal(dm_index_add(dep, "foo", "kernel/foo.ko:", 0), 0);
	assert_int_equal(dm_index_add(dep, "bar", "kernel/sub/bar.ko: kernel/foo.ko", 1), 0);
	assert_int_equal(dm_index_add(alias, "pci:v00008086d*", "foo", 0), 0);
	assert_int_equal(dm_index_add(alias, "usb:v1234p*", "bar", 1), 0);
	assert_int_equal(dm_index_add(alias, "usb:v1234p5678*", "foo", 0), 0);
	assert_int_equal(dm_index_add(sym, "symbol:foo_hello", "foo", 0), 0);
	assert_int_equal(dm_index_add(bi, "ext4", "", 0), 0);
	write_bin(dep, "modules.dep.bin");
	write_bin(alias, "modules.alias.bin");
	write_bin(sym, "modules.symbols.bin");
	write_bin(bi, "modules.builtin.bin");
	write_bin(bialias, "modules.builtin.alias.bin");
	/* libkmod makes a dependency from its file, which must exist */
	free(cmd_output(
		"mkdir -p '%s/kernel/sub' && touch '%s/kernel/foo.ko' '%s/kernel/sub/bar.ko'", kdir,
		kdir, kdir));
	dm_index_free(dep);
	dm_index_free(alias);
	dm_index_free(sym);
	dm_index_free(bi);
	dm_index_free(bialias);
}

/* The names libkmod finds for ALIAS, space-separated and sorted by libkmod's order. */
static char *lookup(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *list = NULL, *l;
	struct mm_strbuf sb = { 0 };

	assert_true(kmod_module_new_from_lookup(ctx, alias, &list) >= 0);
	mm_strbuf_add(&sb, "");
	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);

		mm_strbuf_sep(&sb, " ");
		mm_strbuf_add(&sb, kmod_module_get_name(mod));
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return sb.s;
}

static void assert_lookup(struct kmod_ctx *ctx, const char *alias, const char *want)
{
	char *got = lookup(ctx, alias);

	assert_string_equal(got, want);
	free(got);
}

static void libkmod_reads_it(void **state)
{
	static const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx;
	struct kmod_module *bar, *foo;
	struct kmod_list *deps;
	char *path;

	(void)state;
	write_small_tree();
	ctx = kmod_new(kdir, no_config);
	assert_non_null(ctx);
	assert_lookup(ctx, "pci:v00008086d00001234sv00000000", "foo");
	assert_lookup(ctx, "pci:v000010ECd00001234", "");
	assert_lookup(ctx, "symbol:foo_hello", "foo");
	assert_lookup(ctx, "ext4", "ext4");
	assert_lookup(ctx, "usb:v1234p0001", "bar");
	assert_lookup(ctx, "usb:v1234p5678d0001", "foo bar");
	assert_int_equal(kmod_module_new_from_name(ctx, "bar", &bar), 0);
	path = mm_asprintf("%s/kernel/sub/bar.ko", kdir);
	assert_string_equal(kmod_module_get_path(bar), path);
	deps = kmod_module_get_dependencies(bar);
	assert_non_null(deps);
	foo = kmod_module_get_module(deps);
	assert_string_equal(kmod_module_get_name(foo), "foo");
	kmod_module_unref(foo);
	kmod_module_unref_list(deps);
	kmod_module_unref(bar);
	kmod_unref(ctx);
	free(path);
	free(cmd_output("rm -rf '%s'", kdir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_index),
		cmocka_unit_test(one_key),
		cmocka_unit_test(shared_prefixes),
		cmocka_unit_test(priorities),
		cmocka_unit_test(duplicate_value),
		cmocka_unit_test(rejected),
		cmocka_unit_test(installed_dep),
		cmocka_unit_test(installed_alias),
		cmocka_unit_test(installed_symbols),
		cmocka_unit_test(installed_builtin),
		cmocka_unit_test(installed_builtin_alias),
		cmocka_unit_test(libkmod_reads_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
