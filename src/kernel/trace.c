// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Stack traces in kernel log text: the frames the kernel prints with %pS
 * and %pSb (lib/vsprintf.c, kernel/kallsyms.c's sprint_symbol()) and the
 * release on the "CPU: ... Comm: ..." line (lib/dump_stack.c). Pure
 * functions of their input, which may be anything: every read is bounded
 * by the length given.
 */
#include <stdbool.h>
#include <string.h>

#include "mymod/kernel.h"

/* A symbol as kallsyms names one: C identifiers and the suffixes the compiler adds (".cold.1"). */
static bool sym_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '$';
}

static bool mod_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Does LINE have PREFIX at *I? If so, step over it. */
static bool skip(const char *line, size_t len, size_t *i, const char *prefix)
{
	size_t n = strlen(prefix);

	if (len - *i < n || memcmp(line + *i, prefix, n) != 0)
		return false;
	*i += n;
	return true;
}

/* "0x" and 1 to 16 hex digits at *I, into *V. */
static bool hex(const char *line, size_t len, size_t *i, uint64_t *v)
{
	size_t j;

	if (!skip(line, len, i, "0x"))
		return false;
	*v = 0;
	for (j = *i; j < len && j - *i < 17 && hex_value(line[j]) >= 0; j++)
		*v = *v << 4 | (uint64_t)hex_value(line[j]);
	if (j == *i || j - *i > 16)
		return false;
	*i = j;
	return true;
}

/* " [MODULE]" or " [MODULE BUILDID]" at F->end: taken into F when it is there. */
static void module_part(const char *line, size_t len, struct kernel_frame *f)
{
	size_t i = f->end, m, b = 0, blen = 0;

	if (!skip(line, len, &i, " ["))
		return;
	for (m = i; i < len && mod_char(line[i]); i++)
		;
	if (i == m || i - m > 64)
		return;
	if (i < len && line[i] == ' ') {
		for (b = ++i; i < len && hex_value(line[i]) >= 0; i++)
			;
		blen = i - b;
		if (blen == 0 || blen > 128)
			return;
	}
	if (i >= len || line[i] != ']')
		return;
	f->module = m;
	f->module_len = i - m - (blen ? blen + 1 : 0);
	f->build_id = b;
	f->build_id_len = blen;
	f->end = i + 1;
}

/* A frame whose "+0x" is at PLUS, into *F. */
static bool frame_at(const char *line, size_t len, size_t plus, struct kernel_frame *f)
{
	size_t s = plus, i = plus + 1;

	while (s > 0 && sym_char(line[s - 1]))
		s--;
	if (s == plus || !hex(line, len, &i, &f->offset) || !skip(line, len, &i, "/") ||
	    !hex(line, len, &i, &f->size))
		return false;
	if (i < len && (sym_char(line[i]) || line[i] == '+'))
		return false;
	f->sym = s;
	f->sym_len = plus - s;
	f->end = i;
	f->module = f->module_len = f->build_id = f->build_id_len = 0;
	module_part(line, len, f);
	f->unreliable = s >= 2 && line[s - 2] == '?' && line[s - 1] == ' ';
	f->rip = memmem(line, s, "RIP: ", 5) != NULL;
	return true;
}

bool kernel_log_frame(const char *line, size_t len, struct kernel_frame *f)
{
	const char *p = line;

	while ((p = memmem(p, len - (size_t)(p - line), "+0x", 3)) != NULL) {
		if (frame_at(line, len, (size_t)(p - line), f))
			return true;
		p++;
	}
	return false;
}

/* The token that ends just before " #N" (the version's build number), after "tainted". */
bool kernel_log_release(const char *line, size_t len, size_t *start, size_t *rlen)
{
	const char *comm = memmem(line, len, " Comm: ", 7);
	const char *t;
	size_t i;

	if (!comm || !memmem(line, len, "CPU: ", 5))
		return false;
	t = memmem(comm, len - (size_t)(comm - line), "ainted", 6);
	if (!t)
		return false;
	for (i = (size_t)(t - line); i + 2 < len; i++) {
		size_t e = i, s;

		if (line[i] != ' ' || line[i + 1] != '#' || line[i + 2] < '0' || line[i + 2] > '9')
			continue;
		for (s = e; s > 0 && line[s - 1] != ' '; s--)
			;
		if (s == e || s <= (size_t)(t - line) + 6)
			return false;
		*start = s;
		*rlen = e - s;
		return true;
	}
	return false;
}
