// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mymod/out.h"
#include "mymod/util.h"

static int column_id(const char *name, size_t len, const struct out_col *cols, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len && strncasecmp(cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

int out_parse_columns(const char *list, const struct out_col *cols, size_t ncols, int *ids,
		      size_t maxids, size_t ndefault)
{
	size_t n = 0;

	if (*list == '+') {
		n = ndefault;
		list++;
	}
	while (*list) {
		size_t len = strcspn(list, ",");
		int id = column_id(list, len, cols, ncols);

		if (id < 0) {
			mm_error("unknown column: %.*s", (int)len, list);
			return -1;
		}
		if (n >= maxids) {
			mm_error("too many columns");
			return -1;
		}
		ids[n++] = id;
		list += len;
		if (*list == ',')
			list++;
	}
	if (n == 0) {
		mm_error("no columns given");
		return -1;
	}
	return (int)n;
}

struct libscols_table *out_table_new(const struct out_col *cols, const int *ids, size_t nids,
				     const struct out_opts *opts)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb) {
		mm_error("cannot create table: out of memory");
		return NULL;
	}
	scols_table_enable_colors(tb, mm_cfg.color && !opts->json && !opts->raw);
	scols_table_enable_raw(tb, opts->raw);
	scols_table_enable_json(tb, opts->json);
	scols_table_enable_noheadings(tb, opts->noheadings);
	if (opts->json)
		scols_table_set_name(tb, opts->json_name ? opts->json_name : "records");
	for (size_t i = 0; i < nids; i++) {
		const struct out_col *col = &cols[ids[i]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, col->name, col->whint, col->flags);
		if (!cl) {
			scols_unref_table(tb);
			mm_error("cannot create column %s", col->name);
			return NULL;
		}
		if (opts->json)
			scols_column_set_json_type(cl, col->json_type);
	}
	return tb;
}

void out_columns_help(FILE *f, const struct out_col *cols, size_t ncols)
{
	fputs("\nAvailable output columns:\n", f);
	for (size_t i = 0; i < ncols; i++)
		fprintf(f, "  %-12s %s\n", cols[i].name, cols[i].help);
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
