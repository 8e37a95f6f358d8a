// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Text and values as every command prints them: text from a module file
 * repaired for JSON (UTF-8) and for a terminal (no control characters),
 * hex and key ids, JSON printing, colours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

/* The length of the valid UTF-8 sequence at S (RFC 3629), 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		lo = s[0] == 0xE0 ? 0xA0 : lo;
		hi = s[0] == 0xED ? 0x9F : hi;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		lo = s[0] == 0xF0 ? 0x90 : lo;
		hi = s[0] == 0xF4 ? 0x8F : hi;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* The length of the run at S that needs no repair (with CONTROL: no control characters either). */
static size_t clean_run(const unsigned char *s, bool control)
{
	const unsigned char *p = s;
	size_t n;

	while (*p && (n = utf8_len(p)) != 0) {
		if (control && n == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f))
			break;
		p += n;
	}
	return (size_t)(p - s);
}

/*
 * A copy of S with each bad byte (and, with CONTROL, each control
 * character but tab) replaced: by BAD, or as \xHH when BAD is NULL.
 * NULL when S needs no repair.
 */
static char *repair(const char *s, const char *bad, bool control)
{
	const unsigned char *p = (const unsigned char *)s;
	struct mm_strbuf sb = { 0 };
	size_t n = clean_run(p, control);

	if (!p[n])
		return NULL;
	for (;;) {
		mm_strbuf_addn(&sb, (const char *)p, n);
		p += n;
		if (!*p)
			break;
		if (bad)
			mm_strbuf_add(&sb, bad);
		else
			mm_strbuf_addf(&sb, "\\x%02X", *p);
		p++;
		n = clean_run(p, control);
	}
	return mm_strbuf_steal(&sb);
}

char *out_utf8(const char *s)
{
	char *fixed = repair(s, "\xEF\xBF\xBD", false);

	return fixed ? fixed : mm_strdup(s);
}

char *out_safe(const char *s)
{
	char *fixed = repair(s, NULL, true);

	return fixed ? fixed : mm_strdup(s);
}

void out_puts(FILE *f, const char *s)
{
	char *fixed = repair(s, NULL, true);

	fputs(fixed ? fixed : s, f);
	free(fixed);
}

struct json_object *out_json_str(const char *s)
{
	struct json_object *obj;
	char *fixed;

	if (!s)
		return NULL;
	fixed = repair(s, "\xEF\xBF\xBD", false);
	obj = json_object_new_string(fixed ? fixed : s);
	free(fixed);
	return obj;
}

char *out_hex_colon(const uint8_t *p, size_t len, bool wrap)
{
	size_t line = wrap ? 20 : len;
	struct mm_strbuf sb = { 0 };

	for (size_t i = 0; i < len; i += line) {
		mm_strbuf_sep(&sb, ":\n\t\t");
		mm_strbuf_addhex(&sb, p + i, len - i < line ? len - i : line,
				 MM_HEX_UPPER | MM_HEX_COLONS);
	}
	return mm_strbuf_steal(&sb);
}

char *out_srclocs(const struct ko_srcloc *locs, size_t n)
{
	struct mm_strbuf sb = { 0 };

	mm_strbuf_addf(&sb, "%s:%u", locs[0].file ? locs[0].file : "?", locs[0].line);
	if (n >= 2) {
		mm_strbuf_addf(&sb, " (%s", locs[0].function ? locs[0].function : "?");
		for (size_t i = 1; i < n; i++)
			mm_strbuf_addf(&sb, "%s inlined into %s at %s:%u", i > 1 ? "," : "",
				       locs[i].function ? locs[i].function : "?",
				       locs[i].file ? locs[i].file : "?", locs[i].line);
		mm_strbuf_addc(&sb, ')');
	}
	return mm_strbuf_steal(&sb);
}

char *out_keyid(const uint8_t *p, size_t len)
{
	return out_hex_colon(p, len, false);
}

void out_json_print_line(struct json_object *obj)
{
	fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE),
	      stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

void out_json_print(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED |
								    JSON_C_TO_STRING_NOSLASHESCAPE);

	fputs(s, stdout);
	fputc('\n', stdout);
}

const char *out_color(const char *role)
{
	static const struct {
		const char *role;
		const char *esc;
	} roles[] = {
		{ "bold", "\033[1m" }, { "warn", "\033[33m" }, { "error", "\033[31m" },
		{ "dim", "\033[2m" },  { "reset", "\033[0m" },
	};

	if (!mm_cfg.color)
		return "";
	for (size_t i = 0; i < MM_ARRAY_SIZE(roles); i++)
		if (strcmp(roles[i].role, role) == 0)
			return roles[i].esc;
	return "";
}
