// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tables of typed cells: filled by a command, sorted and printed here, as
 * a libsmartcols table or tree for people and as json-c for --json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mymod/out.h"
#include "mymod/util.h"
#include "scols.h"

struct out_cell {
	bool set;
	union {
		char *s;
		long long n;
		bool b;
		struct {
			char **v;
			size_t n;
		} sv;
	};
};

struct out_row {
	const struct out_spec *spec;
	struct out_cell *cells;
	struct out_row **kids;
	size_t nkids;
	size_t index; /* the order it was added in: sort ties keep it */
};

struct out_table {
	struct out_row top; /* the rows at the top are its kids */
};

bool out_opt(int c, const char *arg, struct out_opts *o)
{
	switch (c) {
	case 'o':
		o->output = arg;
		return true;
	case OUT_OPT_SORT:
		o->sort = arg;
		return true;
	case OUT_OPT_LIST_COLUMNS:
		o->list_columns = true;
		return true;
	case 'J':
		o->json = true;
		return true;
	case 'r':
		o->raw = true;
		return true;
	case 'n':
		o->noheadings = true;
		return true;
	default:
		return false;
	}
}

static int column_id(const struct out_spec *spec, const char *name, size_t len)
{
	for (size_t i = 0; i < spec->ncols; i++)
		if (strlen(spec->cols[i].name) == len &&
		    strncasecmp(spec->cols[i].name, name, len) == 0)
			return (int)i;
	mm_error("unknown column: %.*s", (int)len, name);
	return -1;
}

static int parse_columns(const struct out_spec *spec, const char *list, struct out_sel *sel)
{
	if (*list == '+')
		list++;
	else
		sel->n = 0;
	while (*list) {
		size_t len = strcspn(list, ",");
		int id = len ? column_id(spec, list, len) : -1;

		if (len == 0)
			mm_error("an empty column name in '%s'", list);
		if (id < 0)
			return -1;
		if (sel->n >= MM_ARRAY_SIZE(sel->ids)) {
			mm_error("too many columns");
			return -1;
		}
		sel->ids[sel->n++] = id;
		list += len + (list[len] == ',');
	}
	if (sel->n == 0) {
		mm_error("no columns given");
		return -1;
	}
	return 0;
}

int out_select(const struct out_spec *spec, const struct out_opts *o, struct out_sel *sel)
{
	sel->n = spec->ndefaults;
	memcpy(sel->ids, spec->defaults, spec->ndefaults * sizeof(*spec->defaults));
	sel->sort = -1;
	if (o->output && parse_columns(spec, o->output, sel) < 0)
		return -1;
	if (o->sort) {
		sel->sort = column_id(spec, o->sort, strlen(o->sort));
		if (sel->sort < 0)
			return -1;
	}
	return 0;
}

void out_columns_help(FILE *f, const struct out_spec *spec)
{
	fputs("\nAvailable output columns:\n", f);
	for (size_t i = 0; i < spec->ncols; i++)
		fprintf(f, "  %-12s %s\n", spec->cols[i].name, spec->cols[i].help);
}

struct out_table *out_table_new(const struct out_spec *spec)
{
	struct out_table *t = mm_calloc(1, sizeof(*t));

	t->top.spec = spec;
	return t;
}

static void row_free(struct out_row *r)
{
	for (size_t i = 0; i < r->nkids; i++) {
		row_free(r->kids[i]);
		free(r->kids[i]);
	}
	free(r->kids);
	for (size_t c = 0; r->cells && c < r->spec->ncols; c++) {
		struct out_cell *cl = &r->cells[c];

		if (r->spec->cols[c].type == OUT_STRING)
			free(cl->s);
		if (r->spec->cols[c].type == OUT_STRINGS) {
			for (size_t i = 0; i < cl->sv.n; i++)
				free(cl->sv.v[i]);
			free(cl->sv.v);
		}
	}
	free(r->cells);
}

void out_table_free(struct out_table *t)
{
	if (!t)
		return;
	row_free(&t->top);
	free(t);
}

struct out_row *out_row_new(struct out_table *t, struct out_row *parent)
{
	struct out_row *p = parent ? parent : &t->top, *r = mm_calloc(1, sizeof(*r));

	r->spec = t->top.spec;
	r->cells = mm_calloc(r->spec->ncols, sizeof(*r->cells));
	r->index = p->nkids;
	p->kids = mm_reallocarray(p->kids, p->nkids + 1, sizeof(*p->kids));
	p->kids[p->nkids++] = r;
	return r;
}

static struct out_cell *cell(struct out_row *r, int col, enum out_type type)
{
	if (col < 0 || (size_t)col >= r->spec->ncols || r->spec->cols[col].type != type)
		abort(); /* a command's mistake, not the user's */
	return &r->cells[col];
}

void out_set_str(struct out_row *r, int col, const char *s)
{
	struct out_cell *c = cell(r, col, OUT_STRING);

	free(c->s);
	c->s = s ? mm_strdup(s) : NULL;
	c->set = s != NULL;
}

void out_set_num(struct out_row *r, int col, long long v)
{
	struct out_cell *c = cell(r, col, OUT_NUMBER);

	c->n = v;
	c->set = true;
}

void out_set_bool(struct out_row *r, int col, bool v)
{
	struct out_cell *c = cell(r, col, OUT_BOOLEAN);

	c->b = v;
	c->set = true;
}

void out_set_strv(struct out_row *r, int col, const char *const *v, size_t n)
{
	struct out_cell *c = cell(r, col, OUT_STRINGS);

	for (size_t i = 0; i < c->sv.n; i++)
		free(c->sv.v[i]);
	c->sv.v = mm_reallocarray(c->sv.v, n ? n : 1, sizeof(*c->sv.v));
	for (size_t i = 0; i < n; i++)
		c->sv.v[i] = mm_strdup(v[i]);
	c->sv.n = n;
	c->set = true;
}

/* --- sorting --- */

static int sort_col;

static int cmp_cells(const struct out_col *col, const struct out_cell *a, const struct out_cell *b)
{
	if (!a->set || !b->set)
		return (int)a->set - (int)b->set; /* no value first */
	switch (col->type) {
	case OUT_STRING:
		return strcmp(a->s, b->s);
	case OUT_NUMBER:
		return (a->n > b->n) - (a->n < b->n);
	case OUT_BOOLEAN:
		return (int)a->b - (int)b->b;
	case OUT_STRINGS:
		for (size_t i = 0; i < a->sv.n && i < b->sv.n; i++) {
			int d = strcmp(a->sv.v[i], b->sv.v[i]);

			if (d)
				return d;
		}
		return (a->sv.n > b->sv.n) - (a->sv.n < b->sv.n);
	}
	return 0;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct out_row *a = *(struct out_row *const *)pa, *b = *(struct out_row *const *)pb;
	int d = cmp_cells(&a->spec->cols[sort_col], &a->cells[sort_col], &b->cells[sort_col]);

	return d ? d : (a->index > b->index) - (a->index < b->index);
}

/* Sort every row's kids by column COL: a tree stays a tree, siblings sorted. */
static void sort_rows(struct out_row *r, int col)
{
	sort_col = col;
	if (r->nkids > 1) /* a leaf has no array: qsort() must not get NULL */
		qsort(r->kids, r->nkids, sizeof(*r->kids), cmp_rows);
	for (size_t i = 0; i < r->nkids; i++)
		sort_rows(r->kids[i], col);
}

/* --- JSON --- */

static struct json_object *json_cell(const struct out_col *col, const struct out_cell *c)
{
	struct json_object *arr;

	if (!c->set)
		return NULL;
	switch (col->type) {
	case OUT_STRING:
		return out_json_str(c->s);
	case OUT_NUMBER:
		return json_object_new_int64(c->n);
	case OUT_BOOLEAN:
		return json_object_new_boolean(c->b);
	case OUT_STRINGS:
		arr = json_object_new_array();
		for (size_t i = 0; i < c->sv.n; i++)
			json_object_array_add(arr, out_json_str(c->sv.v[i]));
		return arr;
	}
	return NULL;
}

/* JSON's key: the column's name in lower case, as lsblk prints it. */
static void json_key(const char *name, char *key, size_t len)
{
	size_t k;

	for (k = 0; name[k] && k < len - 1; k++)
		key[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] - 'A' + 'a' : name[k]);
	key[k] = '\0';
}

static struct json_object *json_rows(const struct out_row *p, const struct out_sel *sel)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < p->nkids; i++) {
		const struct out_row *r = p->kids[i];
		struct json_object *obj = json_object_new_object();
		char key[64];

		for (size_t c = 0; c < sel->n; c++) {
			const struct out_col *col = &r->spec->cols[sel->ids[c]];

			json_key(col->name, key, sizeof(key));
			json_object_object_add(obj, key, json_cell(col, &r->cells[sel->ids[c]]));
		}
		if (r->nkids)
			json_object_object_add(obj, "children", json_rows(r, sel));
		json_object_array_add(arr, obj);
	}
	return arr;
}

/* --- the human table --- */

/*
 * A cell as the table shows it. libsmartcols escapes what a terminal
 * should not get (control characters, bad UTF-8, and in raw output blanks
 * and backslashes) as \xHH itself.
 */
static char *cell_text(const struct out_col *col, const struct out_cell *c)
{
	struct mm_strbuf sb = { 0 };

	if (!c->set)
		return col->none ? mm_strdup(col->none) : NULL;
	switch (col->type) {
	case OUT_STRING:
		return mm_strdup(c->s);
	case OUT_NUMBER:
		return mm_asprintf("%lld", c->n);
	case OUT_BOOLEAN:
		return mm_strdup(c->b ? "true" : "false");
	case OUT_STRINGS:
		for (size_t i = 0; i < c->sv.n; i++) {
			mm_strbuf_sep(&sb, ",");
			mm_strbuf_add(&sb, c->sv.v[i]);
		}
		return mm_strbuf_steal(&sb);
	}
	return NULL;
}

static int scols_rows(struct libscols_table *tb, const struct out_row *p, struct libscols_line *pl,
		      const struct out_sel *sel)
{
	for (size_t i = 0; i < p->nkids; i++) {
		const struct out_row *r = p->kids[i];
		struct libscols_line *ln = scols_table_new_line(tb, pl);

		if (!ln)
			return mm_fail(ENOMEM, "cannot add a table line");
		for (size_t c = 0; c < sel->n; c++) {
			char *s = cell_text(&r->spec->cols[sel->ids[c]], &r->cells[sel->ids[c]]);

			if (s && scols_line_refer_data(ln, c, s) < 0) {
				free(s);
				return mm_fail(ENOMEM, "cannot fill a table line");
			}
		}
		if (scols_rows(tb, r, ln, sel) < 0)
			return -ENOMEM;
	}
	return 0;
}

static bool is_tree(const struct out_row *top)
{
	for (size_t i = 0; i < top->nkids; i++)
		if (top->kids[i]->nkids)
			return true;
	return false;
}

static struct libscols_table *scols_new(const struct out_table *t, const struct out_sel *sel,
					const struct out_opts *o)
{
	struct libscols_table *tb = scols_new_table();
	bool tree = !o->raw && is_tree(&t->top);

	if (!tb) {
		mm_fail(ENOMEM, "cannot create a table");
		return NULL;
	}
	scols_table_enable_colors(tb, mm_cfg.color && !o->raw);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	if (o->colsep)
		scols_table_set_column_separator(tb, o->colsep);
	for (size_t c = 0; c < sel->n; c++) {
		const struct out_col *col = &t->top.spec->cols[sel->ids[c]];
		/* The tree is drawn in the column that asks for it (NAME), as lsblk's. */
		int flags = tree ? col->flags : col->flags & ~SCOLS_FL_TREE;

		if (!scols_table_new_column(tb, col->name, col->whint, flags)) {
			scols_unref_table(tb);
			mm_fail(ENOMEM, "cannot create column %s", col->name);
			return NULL;
		}
	}
	return tb;
}

/* Print TB, each line after INDENT spaces. */
static int scols_print(struct libscols_table *tb, int indent)
{
	char *s = NULL;

	if (indent == 0)
		return scols_print_table(tb) < 0 ? mm_fail(EIO, "cannot print the table") : 0;
	if (scols_print_table_to_string(tb, &s) < 0 || !s)
		return mm_fail(ENOMEM, "cannot print the table");
	for (char *line = s, *nl; *line; line = nl) {
		nl = strchrnul(line, '\n');
		printf("%*s%.*s\n", indent, "", (int)(nl - line), line);
		if (*nl)
			nl++;
	}
	free(s);
	return 0;
}

struct json_object *out_table_json(struct out_table *t, const struct out_sel *sel)
{
	if (sel->sort >= 0)
		sort_rows(&t->top, sel->sort);
	return json_rows(&t->top, sel);
}

int out_table_print(struct out_table *t, const struct out_sel *sel, const struct out_opts *o)
{
	struct libscols_table *tb;
	int err;

	if (o->json) {
		struct json_object *root = json_object_new_object();

		json_object_object_add(root, t->top.spec->json_name, out_table_json(t, sel));
		out_json_print(root);
		json_object_put(root);
		return 0;
	}
	if (sel->sort >= 0)
		sort_rows(&t->top, sel->sort);
	tb = scols_new(t, sel, o);
	if (!tb)
		return -ENOMEM;
	err = scols_rows(tb, &t->top, NULL, sel);
	if (err == 0)
		err = scols_print(tb, o->indent);
	scols_unref_table(tb);
	return err;
}

static const char *const type_names[] = {
	[OUT_STRING] = "string",
	[OUT_NUMBER] = "number",
	[OUT_BOOLEAN] = "boolean",
	[OUT_STRINGS] = "strings",
};

int out_list_columns(const struct out_spec *spec, const struct out_opts *o)
{
	static const struct out_col cols[] = {
		{ "NAME", 0, 0, OUT_STRING, "the column's name, as -o and --sort take it", NULL },
		{ "TYPE", 0, 0, OUT_STRING, "its JSON type: string, number, boolean, strings",
		  NULL },
		{ "DESCRIPTION", 0, SCOLS_FL_WRAP, OUT_STRING, "what it shows", NULL },
	};
	static const int ids[] = { 0, 1, 2 };
	static const struct out_spec list = { cols, 3, ids, 3, "columns" };
	struct out_sel sel = { .ids = { 0, 1, 2 }, .n = 3, .sort = -1 };
	struct out_table *t = out_table_new(&list);
	int err;

	for (size_t i = 0; i < spec->ncols; i++) {
		struct out_row *r = out_row_new(t, NULL);

		out_set_str(r, 0, spec->cols[i].name);
		out_set_str(r, 1, type_names[spec->cols[i].type]);
		out_set_str(r, 2, spec->cols[i].help);
	}
	err = out_table_print(t, &sel, o);
	out_table_free(t);
	return err;
}
