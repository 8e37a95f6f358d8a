/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * out: every printed record. A command fills a table of typed cells (or a
 * json-c object for nested records) and out renders it: the human table
 * and tree through libsmartcols, JSON through json-c, from the same
 * records. out also owns text repair (bytes that are not UTF-8, control
 * characters) and value formats (hex, key ids), so that every command
 * prints them the same way and every --json parses.
 */
#pragma once

#include "mymod/json.h"
#include <getopt.h>
#include <libsmartcols/libsmartcols.h> /* its flags; its functions only in src/out */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a cell holds; JSON gets the type, the human table a text. */
enum out_type {
	OUT_STRING,
	OUT_NUMBER,
	OUT_BOOLEAN,
	OUT_STRINGS, /* a list: joined with ',' in a table, an array in JSON */
};

/* One column: the util-linux model. */
struct out_col {
	const char *name; /* as -o takes it, upper case; JSON's key in lower case */
	double whint;	  /* libsmartcols width hint */
	int flags;	  /* SCOLS_FL_* */
	enum out_type type;
	const char *help; /* for --help, --list-columns and the man page */
	const char *none; /* what the table shows for a cell with no value (JSON: null) */
};

/* A command's table: its columns, the default selection, JSON's array name. */
struct out_spec {
	const struct out_col *cols;
	size_t ncols;
	const int *defaults;
	size_t ndefaults;
	const char *json_name; /* e.g. "modules" */
};

/* The options every table command takes, as lsblk has them. */
struct out_opts {
	const char *output; /* -o: "NAME,SIZE" or "+ADDRESS" */
	const char *sort;   /* --sort COL */
	bool json, raw, noheadings, list_columns;
	/* Not options: how a command lays out a human table (info's sections). */
	int indent;	    /* spaces before each line */
	const char *colsep; /* between columns; NULL: libsmartcols' " " */
};

enum { OUT_OPT_SORT = 0x4000, OUT_OPT_LIST_COLUMNS };

/* clang-format off */
#define OUT_TABLE_OPTIONS \
	{ "output", required_argument, NULL, 'o' }, { "sort", required_argument, NULL, OUT_OPT_SORT }, \
	{ "list-columns", no_argument, NULL, OUT_OPT_LIST_COLUMNS }, \
	{ "json", no_argument, NULL, 'J' }, { "raw", no_argument, NULL, 'r' }, \
	{ "noheadings", no_argument, NULL, 'n' }
/* clang-format on */
#define OUT_TABLE_SHORTOPTS "o:Jrn"
#define OUT_TABLE_USAGE                                                                            \
	"  -o, --output=LIST      the columns to print (+LIST adds to the default)\n"              \
	"      --sort=COLUMN      sort the rows by COLUMN\n"                                       \
	"      --list-columns     list the columns -o and --sort take, and exit\n"                 \
	"  -J, --json             print JSON\n"                                                    \
	"  -r, --raw              print raw output (no alignment, no tree)\n"                      \
	"  -n, --noheadings       do not print the header line\n"

/* Returns true when it handled option C (one of OUT_TABLE_OPTIONS). */
bool out_opt(int c, const char *arg, struct out_opts *o);

/* The chosen columns (ids into spec->cols) and the sort column (-1: none). */
struct out_sel {
	int ids[32];
	size_t n;
	int sort;
};

/*
 * Resolve -o and --sort against SPEC into SEL. Returns 0, or -1 after
 * printing the error (a usage error).
 */
int out_select(const struct out_spec *spec, const struct out_opts *o, struct out_sel *sel);

/* --list-columns: SPEC's columns (name, type, description), honouring -J, -r, -n. */
int out_list_columns(const struct out_spec *spec, const struct out_opts *o);

/* "Available output columns:" for a --help. */
void out_columns_help(FILE *f, const struct out_spec *spec);

struct out_table;
struct out_row;

struct out_table *out_table_new(const struct out_spec *spec);
void out_table_free(struct out_table *t);

/* A new row, under PARENT (NULL: at the top); a table with parents prints as a tree. */
struct out_row *out_row_new(struct out_table *t, struct out_row *parent);

/* Set cell COL of ROW; S NULL leaves it without a value. Text is copied. */
void out_set_str(struct out_row *r, int col, const char *s);
void out_set_num(struct out_row *r, int col, long long v);
void out_set_bool(struct out_row *r, int col, bool v);
void out_set_strv(struct out_row *r, int col, const char *const *v, size_t n);

/* Print T's columns SEL as O asks (table, raw or JSON) to stdout. Returns 0 or -errno. */
int out_table_print(struct out_table *t, const struct out_sel *sel, const struct out_opts *o);

/* T's rows as a JSON array (sorted as SEL asks), for a command whose JSON holds more than one
 * table. */
struct json_object *out_table_json(struct out_table *t, const struct out_sel *sel);

/* --- text and values --- */

/* A copy of S with every byte that is not part of valid UTF-8 replaced by U+FFFD. */
char *out_utf8(const char *s);

/* A copy of S safe on a terminal: bad UTF-8 bytes and control characters (but tab) as \xHH. */
char *out_safe(const char *s);

/* fputs(out_safe(S), F). */
void out_puts(FILE *f, const char *s);

/* A JSON string of S, repaired to UTF-8; NULL (JSON null) when S is NULL. */
struct json_object *out_json_str(const char *s);

/* "DE:AD:BE:EF"; with WRAP, "\n\t\t" after every 20 bytes, as modinfo prints a signature. */
char *out_hex_colon(const uint8_t *p, size_t len, bool wrap);

struct ko_srcloc;

/*
 * A source location with its inline chain, as decode and addr print it:
 * "FILE:LINE (F0 inlined into F1 at FILE:LINE, ...)", LOCS[0] innermost.
 * N must be at least 1. Free it.
 */
char *out_srclocs(const struct ko_srcloc *locs, size_t n);

/* A signing key id as every command prints it: "5E:E1:13:...". */
char *out_keyid(const uint8_t *p, size_t len);

/* Print OBJ as pretty JSON with a trailing newline to stdout. */
void out_json_print(struct json_object *obj);
/* Print OBJ as JSON on one line, and flush: a record of a stream (JSON Lines). */
void out_json_print_line(struct json_object *obj);

/* Colour escape for a role, or "" when colour is off. */
const char *out_color(const char *role); /* "bold", "warn", "error", "reset", "dim" */
