// SPDX-License-Identifier: LGPL-2.1-or-later
/* Strings built a piece at a time: the builder, lists joined, bytes in hex. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/util.h"

/* Room for N more bytes and the NUL. */
static void grow(struct mm_strbuf *sb, size_t n)
{
	if (sb->len + n < sb->cap)
		return;
	if (!sb->cap)
		sb->cap = 64;
	while (sb->len + n >= sb->cap)
		sb->cap *= 2;
	sb->s = mm_realloc(sb->s, sb->cap);
}

void mm_strbuf_addn(struct mm_strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void mm_strbuf_add(struct mm_strbuf *sb, const char *s)
{
	mm_strbuf_addn(sb, s, strlen(s));
}

void mm_strbuf_addc(struct mm_strbuf *sb, char c)
{
	mm_strbuf_addn(sb, &c, 1);
}

void mm_strbuf_addf(struct mm_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void mm_strbuf_sep(struct mm_strbuf *sb, const char *sep)
{
	if (sb->len)
		mm_strbuf_add(sb, sep);
}

void mm_strbuf_addhex(struct mm_strbuf *sb, const void *p, size_t len, unsigned int flags)
{
	const char *digits = flags & MM_HEX_UPPER ? "0123456789ABCDEF" : "0123456789abcdef";
	const uint8_t *b = p;

	grow(sb, len * 3);
	for (size_t i = 0; i < len; i++) {
		if (i && (flags & MM_HEX_COLONS))
			sb->s[sb->len++] = ':';
		sb->s[sb->len++] = digits[b[i] >> 4];
		sb->s[sb->len++] = digits[b[i] & 15];
	}
	sb->s[sb->len] = '\0';
}

char *mm_strbuf_steal(struct mm_strbuf *sb)
{
	char *s = sb->s ? sb->s : mm_strdup("");

	*sb = (struct mm_strbuf){ 0 };
	return s;
}

void mm_strbuf_free(struct mm_strbuf *sb)
{
	free(sb->s);
	*sb = (struct mm_strbuf){ 0 };
}

char *mm_join(const char *const *v, size_t n, const char *sep)
{
	struct mm_strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (i)
			mm_strbuf_add(&sb, sep);
		mm_strbuf_add(&sb, v[i]);
	}
	return mm_strbuf_steal(&sb);
}

char *mm_hex(const void *p, size_t len)
{
	struct mm_strbuf sb = { 0 };

	mm_strbuf_addhex(&sb, p, len, 0);
	return mm_strbuf_steal(&sb);
}
