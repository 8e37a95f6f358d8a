// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Would the kernel take this value for this parameter? The rules of
 * kernel/params.c and lib/kstrtox.c (6.1): integers by kstrto*() with base
 * 0 (0x hex, 0 octal, an optional sign, one trailing newline), booleans by
 * kstrtobool(), charp up to 1024 bytes, a string within its buffer, an
 * array element by element after its count.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/findings.h"
#include "mymod/ko.h"
#include "mymod/util.h"

enum vtype { T_INT, T_BOOL, T_INVBOOL, T_BOOL_ENABLE_ONLY, T_CHARP, T_STRING };

static const struct {
	const char *ops;
	enum vtype type;
	bool is_signed;
	unsigned int bits;
	const char *name;
} kinds[] = {
	{ "param_ops_byte", T_INT, false, 8, "byte" },
	{ "param_ops_short", T_INT, true, 16, "short" },
	{ "param_ops_ushort", T_INT, false, 16, "ushort" },
	{ "param_ops_int", T_INT, true, 32, "int" },
	{ "param_ops_uint", T_INT, false, 32, "uint" },
	{ "param_ops_hexint", T_INT, false, 32, "hexint" },
	{ "param_ops_long", T_INT, true, 64, "long" },
	{ "param_ops_ulong", T_INT, false, 64, "ulong" },
	{ "param_ops_ullong", T_INT, false, 64, "ullong" },
	{ "param_ops_bool", T_BOOL, false, 0, "bool" },
	{ "param_ops_bint", T_BOOL, false, 0, "bint" },
	{ "param_ops_invbool", T_INVBOOL, false, 0, "invbool" },
	{ "param_ops_bool_enable_only", T_BOOL_ENABLE_ONLY, false, 0, "bool" },
	{ "param_ops_charp", T_CHARP, false, 0, "charp" },
	{ "param_ops_string", T_STRING, false, 0, "string" },
};

static int kind_of(const char *ops)
{
	for (size_t i = 0; ops && i < MM_ARRAY_SIZE(kinds); i++)
		if (strcmp(ops, kinds[i].ops) == 0)
			return (int)i;
	return -1;
}

static int digit(int c)
{
	c = tolower(c);
	return isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

/* kstrtoull(S, 0): 0, -EINVAL (not a number) or -ERANGE (more than 64 bits). */
static int parse_ull(const char *s, size_t n, unsigned long long *out)
{
	unsigned int base = 10;
	unsigned long long v = 0;
	size_t i = 0, start;

	if (n && s[n - 1] == '\n')
		n--;
	if (i < n && s[i] == '+')
		i++;
	if (i + 2 < n && s[i] == '0' && tolower((unsigned char)s[i + 1]) == 'x' &&
	    isxdigit((unsigned char)s[i + 2])) {
		base = 16;
		i += 2;
	} else if (i < n && s[i] == '0') {
		base = 8;
	}
	start = i;
	for (; i < n; i++) {
		unsigned int d = (unsigned int)digit((unsigned char)s[i]);

		if (d >= base)
			return -EINVAL;
		if (v > (ULLONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (i == start)
		return -EINVAL;
	*out = v;
	return 0;
}

/* S as kstrto{u,s}BITS(S, 0) takes it: NULL, or why not. */
static char *check_int(const char *s, size_t n, bool is_signed, unsigned int bits, const char *name)
{
	unsigned long long v, max = bits >= 64 ? ULLONG_MAX : (1ULL << bits) - 1;
	bool neg = is_signed && n && s[0] == '-';
	int err = parse_ull(s + neg, n - neg, &v);

	if (is_signed)
		max >>= 1; /* the most a positive value may be; a negative one, max + 1 */
	if (err == 0 && (v > max + neg))
		err = -ERANGE;
	if (err == -EINVAL)
		return mm_asprintf("'%.*s' is not a number (%s: decimal, 0x hex or 0 octal%s)",
				   (int)n, s, name, is_signed ? ", with a sign" : "");
	if (err == -ERANGE)
		return is_signed ? mm_asprintf("'%.*s' is out of range for %s (%lld to %llu)",
					       (int)n, s, name, -(long long)max - 1, max)
				 : mm_asprintf("'%.*s' is out of range for %s (0 to %llu)", (int)n,
					       s, name, max);
	return NULL;
}

/* kstrtobool(): 1 true, 0 false, -1 not a boolean. */
static int parse_bool(const char *s)
{
	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		return 1;
	case 'n':
	case 'N':
	case '0':
		return 0;
	case 'o':
	case 'O':
		return s[1] == 'n' || s[1] == 'N' ? 1 : s[1] == 'f' || s[1] == 'F' ? 0 : -1;
	default:
		return -1;
	}
}

/* One value (or one array element: N bytes) for the kind K. */
static char *check_one(int k, const char *s, size_t n, const struct ko_param *p,
		       const char *current)
{
	char *copy;
	int b;

	switch (kinds[k].type) {
	case T_INT:
		return check_int(s, n, kinds[k].is_signed, kinds[k].bits, kinds[k].name);
	case T_BOOL:
	case T_INVBOOL:
	case T_BOOL_ENABLE_ONLY:
		copy = mm_strndup(s, n);
		b = parse_bool(copy);
		free(copy);
		if (b < 0)
			return mm_asprintf("'%.*s' is not a boolean (y, n, 1, 0, on, off)", (int)n,
					   s);
		if (kinds[k].type == T_BOOL_ENABLE_ONLY && b == 0 && current &&
		    parse_bool(current) == 1)
			return mm_strdup("it can only be turned on (bool_enable_only)");
		return NULL;
	case T_CHARP:
		return n > 1024 ? mm_asprintf("%zu bytes, more than charp's 1024", n) : NULL;
	case T_STRING:
		return p->max && n + 1 > p->max
			       ? mm_asprintf("%zu bytes, more than its buffer takes (%u)", n,
					     p->max - 1)
			       : NULL;
	}
	return NULL;
}

char *findings_param_value(const struct ko_param *p, const char *value, const char *current)
{
	size_t count = 1, len = strlen(value);
	const char *s = value;
	int k;

	if (p->ops && strcmp(p->ops, "param_array_ops") != 0)
		return (k = kind_of(p->ops)) < 0 ? NULL : check_one(k, value, len, p, current);
	if (!p->ops || (k = kind_of(p->elem_ops)) < 0)
		return NULL; /* the module's own ops: only the kernel can tell */
	for (const char *c = value; *c; c++)
		count += *c == ',';
	if (p->max && count > p->max)
		return mm_asprintf("%zu elements, more than the %u it takes (the kernel would "
				   "store the first ones and then refuse)",
				   count, p->max);
	for (size_t i = 0; i < count; i++) {
		size_t n = strcspn(s, ",");
		char *why = check_one(k, s, n, p, NULL);

		if (why) {
			char *all = mm_asprintf("element %zu: %s", i + 1, why);

			free(why);
			return all;
		}
		s += n + 1;
	}
	return NULL;
}
