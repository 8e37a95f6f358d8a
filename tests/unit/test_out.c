// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * out on its own: text repair for JSON and for terminals, key ids, and
 * tables of typed cells sorted and printed as JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mymod/out.h"
#include "mymod/util.h"

static void take(char *s, const char *want)
{
	assert_string_equal(s, want);
	free(s);
}

static void utf8_repair(void **state MM_UNUSED)
{
	take(out_utf8("plain"), "plain");
	take(out_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
	/* A lone byte, a truncated sequence, an overlong one, a surrogate. */
	take(out_utf8("a\xFFz"), "a\xEF\xBF\xBDz");
	take(out_utf8("a\xC3"), "a\xEF\xBF\xBD");
	take(out_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
	take(out_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* JSON escapes control characters itself: they stay. */
	take(out_utf8("a\x1b"), "a\x1b");
}

static void terminal_safe(void **state MM_UNUSED)
{
	take(out_safe("a\tb"), "a\tb");
	take(out_safe("\x1b[31mred"), "\\x1B[31mred");
	take(out_safe("line\nbreak\x7f"), "line\\x0Abreak\\x7F");
	take(out_safe("caf\xC3\xA9 \xFF"), "caf\xC3\xA9 \\xFF");
}

static void key_ids(void **state MM_UNUSED)
{
	static const uint8_t id[] = { 0x5e, 0xe1, 0x13, 0x00, 0x0a };
	uint8_t sig[25];

	take(out_keyid(id, sizeof(id)), "5E:E1:13:00:0A");
	take(out_keyid(id, 0), "");
	memset(sig, 0xab, sizeof(sig));
	/* modinfo's wrapping: 20 bytes a line. */
	take(out_hex_colon(sig, sizeof(sig), true),
	     "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:\n\t\t"
	     "AB:AB:AB:AB:AB");
}

enum { C_NAME, C_SIZE, C_LIST, C_FLAG };
static const struct out_col cols[] = {
	{ "NAME", 0, SCOLS_FL_TREE, OUT_STRING, "name", NULL },
	{ "SIZE", 0, 0, OUT_NUMBER, "size", "-" },
	{ "LIST", 0, 0, OUT_STRINGS, "list", NULL },
	{ "FLAG", 0, 0, OUT_BOOLEAN, "flag", NULL },
};
static const int defaults[] = { C_NAME, C_SIZE };
static const struct out_spec spec = { cols, 4, defaults, 2, "rows" };

/* What out_table_print() writes to stdout. */
static char *printed(struct out_table *t, const struct out_sel *sel, const struct out_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int saved = dup(STDOUT_FILENO);

	fflush(stdout);
	assert_non_null(f);
	assert_int_equal(dup2(fileno(tmpfile()), STDOUT_FILENO), STDOUT_FILENO);
	assert_int_equal(out_table_print(t, sel, o), 0);
	fflush(stdout);
	{
		char chunk[4096];
		ssize_t n;

		lseek(STDOUT_FILENO, 0, SEEK_SET);
		while ((n = read(STDOUT_FILENO, chunk, sizeof(chunk))) > 0)
			fwrite(chunk, 1, (size_t)n, f);
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(f);
	return buf;
}

static struct out_table *sample(void)
{
	static const char *const two[] = { "b", "a" };
	struct out_table *t = out_table_new(&spec);
	struct out_row *r;

	r = out_row_new(t, NULL);
	out_set_str(r, C_NAME, "big");
	out_set_num(r, C_SIZE, 100);
	out_set_strv(r, C_LIST, two, 2);
	out_set_bool(r, C_FLAG, true);
	r = out_row_new(t, NULL);
	out_set_str(r, C_NAME, "none");
	out_set_strv(r, C_LIST, NULL, 0);
	r = out_row_new(t, NULL);
	out_set_str(r, C_NAME, "small\xFF");
	out_set_strv(r, C_LIST, (const char *const[]){ "\x1b" }, 1);
	out_set_num(r, C_SIZE, 9);
	return t;
}

/* Row I's key K of the printed JSON, as compact JSON text. */
static const char *field(struct json_object *root, size_t i, const char *k)
{
	struct json_object *rows, *v;

	assert_true(json_object_object_get_ex(root, "rows", &rows));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(rows, i), k, &v));
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void table_sorted_json(void **state MM_UNUSED)
{
	struct out_opts o = { .json = true, .sort = "size", .output = "+LIST,FLAG" };
	struct out_table *t = sample();
	struct json_object *root;
	struct out_sel sel;
	char *s;

	assert_int_equal(out_select(&spec, &o, &sel), 0);
	s = printed(t, &sel, &o);
	root = json_tokener_parse(s);
	assert_non_null(root);
	/* By value, no value first; types kept; bad bytes repaired. */
	assert_string_equal(field(root, 0, "name"), "\"none\"");
	assert_string_equal(field(root, 0, "size"), "null");
	assert_string_equal(field(root, 0, "list"), "[]");
	assert_string_equal(field(root, 0, "flag"), "null");
	assert_string_equal(field(root, 1, "name"), "\"small\xEF\xBF\xBD\"");
	assert_string_equal(field(root, 1, "list"), "[\"\\u001b\"]");
	assert_string_equal(field(root, 2, "name"), "\"big\"");
	assert_string_equal(field(root, 2, "size"), "100");
	assert_string_equal(field(root, 2, "list"), "[\"b\",\"a\"]");
	assert_string_equal(field(root, 2, "flag"), "true");
	json_object_put(root);
	free(s);
	out_table_free(t);
}

static void table_raw(void **state MM_UNUSED)
{
	struct out_opts o = { .raw = true, .noheadings = true, .output = "NAME,LIST,SIZE" };
	struct out_table *t = sample();
	struct out_sel sel;
	char *s;

	assert_int_equal(out_select(&spec, &o, &sel), 0);
	take(printed(t, &sel, &o), "big b,a 100\nnone  -\nsmall\\xff \\x1b 9\n");
	/* The aligned table escapes too: no escape character reaches a terminal. */
	o.raw = false;
	s = printed(t, &sel, &o);
	assert_non_null(strstr(s, "small\\xff \\x1b"));
	assert_null(strchr(s, '\x1b'));
	free(s);
	out_table_free(t);
}

static void table_tree(void **state MM_UNUSED)
{
	struct out_opts o = { .noheadings = true, .sort = "NAME", .output = "NAME" };
	struct out_table *t = out_table_new(&spec);
	struct out_row *root = out_row_new(t, NULL);
	struct out_sel sel;

	out_set_str(root, C_NAME, "root");
	out_set_str(out_row_new(t, root), C_NAME, "z");
	out_set_str(out_row_new(t, root), C_NAME, "a");
	assert_int_equal(out_select(&spec, &o, &sel), 0);
	take(printed(t, &sel, &o), "root\n|-a\n`-z\n");
	out_table_free(t);
}

static void bad_columns(void **state MM_UNUSED)
{
	struct out_opts o = { .output = "NAME,BOGUS" };
	struct out_sel sel;

	assert_int_equal(out_select(&spec, &o, &sel), -1);
	o.output = "NAME,,SIZE";
	assert_int_equal(out_select(&spec, &o, &sel), -1);
	o.output = "+";
	assert_int_equal(out_select(&spec, &o, &sel), 0);
	assert_int_equal(sel.n, 2);
	o.output = NULL;
	o.sort = "NOPE";
	assert_int_equal(out_select(&spec, &o, &sel), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_repair), cmocka_unit_test(terminal_safe),
		cmocka_unit_test(key_ids),     cmocka_unit_test(table_sorted_json),
		cmocka_unit_test(table_raw),   cmocka_unit_test(table_tree),
		cmocka_unit_test(bad_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
