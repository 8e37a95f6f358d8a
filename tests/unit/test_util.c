// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * util's shared helpers on their own: the string builder and joins, hex,
 * module names with '-' and '_' alike, the string-keyed hash table, and whole-file reads.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mymod/util.h"

/* S (which the caller frees) is WANT. */
static void take(char *s, const char *want)
{
	assert_string_equal(s, want);
	free(s);
}

static void strbuf_pieces(void **state MM_UNUSED)
{
	struct mm_strbuf sb = { 0 };
	char *s;

	mm_strbuf_add(&sb, "snd");
	mm_strbuf_addc(&sb, '-');
	mm_strbuf_addn(&sb, "hdaXXX", 3);
	mm_strbuf_addf(&sb, " %d%s", 42, "!");
	assert_string_equal(sb.s, "snd-hda 42!");
	assert_int_equal(sb.len, strlen("snd-hda 42!"));
	s = mm_strbuf_steal(&sb);
	assert_string_equal(s, "snd-hda 42!");
	assert_null(sb.s);
	assert_int_equal(sb.len, 0);
	free(s);
}

static void strbuf_grows(void **state MM_UNUSED)
{
	struct mm_strbuf sb = { 0 };
	char want[5001];

	for (int i = 0; i < 1000; i++)
		mm_strbuf_addf(&sb, "%04d%c", i, 'x');
	for (int i = 0; i < 1000; i++)
		snprintf(want + 5 * i, 6, "%04d%c", i, 'x');
	assert_int_equal(sb.len, 5000);
	assert_string_equal(sb.s, want);
	mm_strbuf_free(&sb);
	assert_null(sb.s);
}

static void strbuf_empty(void **state MM_UNUSED)
{
	struct mm_strbuf sb = { 0 };

	take(mm_strbuf_steal(&sb), "");
	mm_strbuf_addn(&sb, "", 0);
	assert_string_equal(sb.s, "");
	mm_strbuf_free(&sb);
}

static void strbuf_sep(void **state MM_UNUSED)
{
	const char *names[] = { "a", "b", "c" };
	struct mm_strbuf sb = { 0 };

	for (size_t i = 0; i < MM_ARRAY_SIZE(names); i++) {
		mm_strbuf_sep(&sb, ", ");
		mm_strbuf_add(&sb, names[i]);
	}
	assert_string_equal(sb.s, "a, b, c");
	mm_strbuf_free(&sb);
}

static void join(void **state MM_UNUSED)
{
	const char *v[] = { "nvme", "nvme_core", "t10_pi" };

	take(mm_join(v, 3, ", "), "nvme, nvme_core, t10_pi");
	take(mm_join(v, 1, ","), "nvme");
	take(mm_join(v, 0, ","), "");
	take(mm_join(v, 2, ""), "nvmenvme_core");
}

static void hex(void **state MM_UNUSED)
{
	const uint8_t id[] = { 0x5e, 0xe1, 0x13, 0x00, 0x0a, 0xff };
	struct mm_strbuf sb = { 0 };

	take(mm_hex(id, sizeof(id)), "5ee113000aff");
	take(mm_hex(id, 0), "");
	mm_strbuf_addhex(&sb, id, sizeof(id), MM_HEX_UPPER | MM_HEX_COLONS);
	assert_string_equal(sb.s, "5E:E1:13:00:0A:FF");
	mm_strbuf_add(&sb, " ");
	mm_strbuf_addhex(&sb, id, 2, MM_HEX_COLONS);
	mm_strbuf_addhex(&sb, id + 5, 1, MM_HEX_UPPER);
	assert_string_equal(sb.s, "5E:E1:13:00:0A:FF 5e:e1FF");
	mm_strbuf_free(&sb);
}

static void hex_long(void **state MM_UNUSED)
{
	uint8_t bytes[512];
	char *s;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)i;
	s = mm_hex(bytes, sizeof(bytes));
	assert_int_equal(strlen(s), 1024);
	assert_memory_equal(s, "000102", 6);
	assert_string_equal(s + 1018, "fdfeff");
	free(s);
}

static void modnames(void **state MM_UNUSED)
{
	char name[] = "snd-hda-intel";

	assert_ptr_equal(mm_modname_normalize(name), name);
	assert_string_equal(name, "snd_hda_intel");
	take(mm_modname_from_path("/lib/modules/x/kernel/crc-t10dif.ko.zst"), "crc_t10dif");

	assert_true(mm_modname_eq("snd-hda_intel", "snd_hda-intel"));
	assert_true(mm_modname_eq("", ""));
	assert_false(mm_modname_eq("snd_hda", "snd_hda_intel"));
	assert_false(mm_modname_eq("snd_hda_intel", "snd_hda"));
	assert_false(mm_modname_eq("snd.hda", "snd_hda"));
	assert_false(mm_modname_eq("Loop", "loop"));

	assert_true(mm_modname_eqn("nvme-core: x", "nvme_core", 9));
	assert_false(mm_modname_eqn("nvme-cor", "nvme_core", 9));
	assert_true(mm_modname_eqn("ab", "ab", 9));
	assert_false(mm_modname_eqn("abc", "abd", 3));
	assert_true(mm_modname_eqn("abc", "abd", 2));
	assert_true(mm_modname_eqn("x", "y", 0));
}

static void hash_basics(void **state MM_UNUSED)
{
	struct mm_hash h = { 0 };
	int one = 1, two = 2;
	const struct mm_hash_entry *e;

	assert_null(mm_hash_get(&h, "loop"));
	assert_null(mm_hash_find(&h, "loop"));
	assert_true(mm_hash_add(&h, "loop", &one));
	assert_false(mm_hash_add(&h, "loop", &two));
	assert_ptr_equal(mm_hash_get(&h, "loop"), &one);
	assert_null(mm_hash_get(&h, "loo"));
	assert_null(mm_hash_get(&h, "loop2"));
	assert_true(mm_hash_add(&h, "", NULL));
	e = mm_hash_find(&h, "");
	assert_non_null(e);
	assert_string_equal(e->key, "");
	assert_null(e->value);
	assert_int_equal(h.n, 2);
	mm_hash_free(&h);
	assert_null(h.slots);
	assert_null(mm_hash_get(&h, "loop"));
}

static void hash_many(void **state MM_UNUSED)
{
	enum { N = 5000 };
	static char keys[N][16];
	struct mm_hash h = { 0 };

	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "sym_%zu", i);
		assert_true(mm_hash_add(&h, keys[i], (void *)(uintptr_t)(i + 1)));
	}
	assert_int_equal(h.n, N);
	assert_true(h.mask + 1 >= 2 * N);
	for (size_t i = 0; i < N; i++) {
		char key[16];

		snprintf(key, sizeof(key), "sym_%zu", i);
		assert_int_equal((uintptr_t)mm_hash_get(&h, key), i + 1);
		assert_false(mm_hash_add(&h, key, NULL));
	}
	assert_null(mm_hash_get(&h, "sym_5000"));
	mm_hash_free(&h);
}

static void hash_reserve(void **state MM_UNUSED)
{
	struct mm_hash h = { 0 };
	struct mm_hash_entry *slots;

	mm_hash_reserve(&h, 100);
	assert_true(h.mask + 1 >= 200);
	slots = h.slots;
	for (int i = 0; i < 100; i++)
		mm_hash_add(&h, i % 2 ? "odd" : "even", NULL);
	assert_ptr_equal(h.slots, slots);
	assert_int_equal(h.n, 2);
	mm_hash_reserve(&h, 10);
	assert_ptr_equal(h.slots, slots);
	mm_hash_free(&h);
}

/* mm_read_all()'s source in the test: up to 7 bytes a call of N; -EIO at FAIL_AT. */
struct chunks {
	size_t pos, n, fail_at;
};

static ssize_t chunk_read(void *src, void *buf, size_t len)
{
	struct chunks *c = src;
	size_t k = c->n - c->pos < 7 ? c->n - c->pos : 7;

	if (c->pos >= c->fail_at)
		return -EIO;
	if (k > len)
		k = len;
	for (size_t i = 0; i < k; i++)
		((char *)buf)[i] = (char)('a' + (c->pos + i) % 26);
	c->pos += k;
	return (ssize_t)k;
}

/* A source read in small pieces, past the first buffer; an error drops what was read. */
static void read_all(void **state MM_UNUSED)
{
	struct chunks c = { .n = 10000, .fail_at = SIZE_MAX };
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(mm_read_all(chunk_read, &c, &buf, &len), 0);
	assert_int_equal(len, 10000);
	assert_int_equal(strlen(buf), 10000);
	assert_int_equal(buf[9999], 'a' + 9999 % 26);
	free(buf);
	buf = NULL;
	c = (struct chunks){ .n = 10000, .fail_at = 5000 };
	assert_int_equal(mm_read_all(chunk_read, &c, &buf, &len), -EIO);
	assert_null(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_pieces), cmocka_unit_test(strbuf_grows),
		cmocka_unit_test(strbuf_empty),	 cmocka_unit_test(strbuf_sep),
		cmocka_unit_test(join),		 cmocka_unit_test(hex),
		cmocka_unit_test(hex_long),	 cmocka_unit_test(modnames),
		cmocka_unit_test(hash_basics),	 cmocka_unit_test(hash_many),
		cmocka_unit_test(hash_reserve),	 cmocka_unit_test(read_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
