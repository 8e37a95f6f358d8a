/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * out: how results are printed. Tables and trees through libsmartcols,
 * JSON through json-c; this file adds only what both lack: column
 * selection from a static column array (as util-linux's tools do), the
 * colour decision, and printing a json-c object.
 */
#pragma once

#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One output column: the util-linux model. */
struct out_col {
	const char *name; /* as -o takes it, upper case */
	double whint;	  /* libsmartcols width hint */
	int flags;	  /* SCOLS_FL_* */
	const char *help; /* for --help and the man page */
	int json_type;	  /* SCOLS_JSON_* */
};

/* How a table is printed; from the command's -o, --json, --raw, -n. */
struct out_opts {
	bool json;
	bool raw;
	bool noheadings;
	const char *json_name; /* the JSON array's name, e.g. "modules" */
};

/*
 * Parse a comma-separated column list ("NAME,SIZE") against COLS into
 * IDS (indexes into COLS). A leading '+' appends to the defaults already
 * in IDS. Returns the number of ids, or -1 after printing an error.
 */
int out_parse_columns(const char *list, const struct out_col *cols, size_t ncols, int *ids,
		      size_t maxids, size_t ndefault);

/* A table with the columns IDS of COLS, set up for OPTS and the colour rule. */
struct libscols_table *out_table_new(const struct out_col *cols, const int *ids, size_t nids,
				     const struct out_opts *opts);

/* Print the "Available output columns:" part of a --help. */
void out_columns_help(FILE *f, const struct out_col *cols, size_t ncols);

/* Print OBJ as pretty JSON with a trailing newline to stdout. */
void out_json_print(struct json_object *obj);

/* Colour escape for a role, or "" when colour is off. */
const char *out_color(const char *role); /* "bold", "warn", "error", "reset", "dim" */
