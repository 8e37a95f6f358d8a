// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod list: what is loaded, as util-linux's tools print tables. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum {
	COL_NAME,
	COL_SIZE,
	COL_REFCNT,
	COL_USEDBY,
	COL_STATE,
	COL_TAINT,
	COL_ADDR,
	COL_VERSION,
	COL_SRCVERSION,
	COL_FLAGS,
};

static const struct out_col columns[] = {
	[COL_NAME] = { "NAME", 0.2, SCOLS_FL_NOEXTREMES, "module name", SCOLS_JSON_STRING },
	[COL_SIZE] = { "SIZE", 7, SCOLS_FL_RIGHT, "size in memory, in bytes", SCOLS_JSON_NUMBER },
	[COL_REFCNT] = { "REFCNT", 6, SCOLS_FL_RIGHT,
			 "reference count (- when it cannot be unloaded)", SCOLS_JSON_NUMBER },
	[COL_USEDBY] = { "USED-BY", 0.3, SCOLS_FL_TRUNC, "modules that use it", SCOLS_JSON_STRING },
	[COL_STATE] = { "STATE", 9, 0, "Live, Loading or Unloading", SCOLS_JSON_STRING },
	[COL_TAINT] = { "TAINT", 5, 0, "taint flags (O out-of-tree, E unsigned, F forced, ...)",
			SCOLS_JSON_STRING },
	[COL_ADDR] = { "ADDRESS", 18, 0, "load address (0 unless root)", SCOLS_JSON_STRING },
	[COL_VERSION] = { "VERSION", 0.1, 0, "MODULE_VERSION", SCOLS_JSON_STRING },
	[COL_SRCVERSION] = { "SRCVERSION", 0.1, 0, "checksum of its source", SCOLS_JSON_STRING },
	[COL_FLAGS] = { "FLAGS", 9, 0, "permanent (no exit function), unsafe", SCOLS_JSON_STRING },
};

static const int default_columns[] = { COL_NAME,   COL_SIZE,  COL_REFCNT,
				       COL_USEDBY, COL_STATE, COL_TAINT };

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' }, { "json", no_argument, NULL, 'J' },
	{ "raw", no_argument, NULL, 'r' },	    { "noheadings", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },	    { NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod list [OPTIONS]\n"
	      "\n"
	      "List the modules loaded into the running kernel.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output=LIST      the columns to print (+LIST adds to the default)\n"
	      "  -J, --json             print JSON\n"
	      "  -r, --raw              print raw output (no alignment)\n"
	      "  -n, --noheadings       do not print the header line\n"
	      "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, columns, MM_ARRAY_SIZE(columns));
}

static struct json_object *json_strings(const char *const *v, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(v[i]));
	return arr;
}

/* The kernel's markers in the deps field of /proc/modules, without their brackets. */
static size_t flags(const struct kernel_module *m, const char *v[2])
{
	size_t n = 0;

	if (m->permanent)
		v[n++] = "permanent";
	if (m->unsafe)
		v[n++] = "unsafe";
	return n;
}

static char *cell(const struct kernel_module *m, int col)
{
	const char *f[2];

	switch (col) {
	case COL_NAME:
		return mm_strdup(m->name);
	case COL_SIZE:
		return mm_asprintf("%lu", m->size);
	case COL_REFCNT:
		return m->refcnt < 0 ? mm_strdup("-") : mm_asprintf("%ld", m->refcnt);
	case COL_USEDBY:
		return mm_join((const char *const *)m->used_by, m->nused_by, ",");
	case COL_STATE:
		return mm_strdup(kernel_mod_state_name(m->state));
	case COL_TAINT:
		return mm_strdup(m->taint);
	case COL_ADDR:
		return mm_asprintf("0x%016llx", m->addr);
	case COL_VERSION:
		return m->version ? mm_strdup(m->version) : NULL;
	case COL_SRCVERSION:
		return m->srcversion ? mm_strdup(m->srcversion) : NULL;
	case COL_FLAGS:
		return mm_join(f, flags(m, f), ",");
	}
	return NULL;
}

static int print_table(const struct kernel_module *mods, size_t n, const int *ids, size_t nids,
		       const struct out_opts *opts)
{
	struct libscols_table *tb = out_table_new(columns, ids, nids, opts);
	int ret = MM_EXIT_FAIL;

	if (!tb)
		return MM_EXIT_FAIL;
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			mm_error("cannot add a line: out of memory");
			goto out;
		}
		for (size_t c = 0; c < nids; c++) {
			char *data = cell(&mods[i], ids[c]);

			if (data && scols_line_refer_data(ln, c, data) < 0) {
				free(data);
				mm_error("cannot fill a cell: out of memory");
				goto out;
			}
		}
	}
	if (scols_print_table(tb) < 0) {
		mm_error("cannot print the table");
		goto out;
	}
	ret = MM_EXIT_OK;
out:
	scols_unref_table(tb);
	return ret;
}

/* A JSON value with the column's type: numbers, arrays and null where they belong. */
static struct json_object *json_value(const struct kernel_module *m, int col)
{
	struct json_object *obj;
	const char *f[2];
	char *s;

	switch (col) {
	case COL_SIZE:
		return json_object_new_uint64(m->size);
	case COL_REFCNT:
		return m->refcnt < 0 ? NULL : json_object_new_int64(m->refcnt);
	case COL_USEDBY:
		return json_strings((const char *const *)m->used_by, m->nused_by);
	case COL_FLAGS:
		return json_strings(f, flags(m, f));
	default:
		s = cell(m, col);
		obj = s ? json_object_new_string(s) : NULL;
		free(s);
		return obj;
	}
}

/* --json: {"modules": [{"name": ..., ...}]}, keys the chosen columns in lower case. */
static int print_json(const struct kernel_module *mods, size_t n, const int *ids, size_t nids)
{
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *obj = json_object_new_object();

		for (size_t c = 0; c < nids; c++) {
			char key[32];
			size_t k;

			for (k = 0; columns[ids[c]].name[k] && k < sizeof(key) - 1; k++)
				key[k] = (char)tolower((unsigned char)columns[ids[c]].name[k]);
			key[k] = '\0';
			json_object_object_add(obj, key, json_value(&mods[i], ids[c]));
		}
		json_object_array_add(arr, obj);
	}
	json_object_object_add(root, "modules", arr);
	out_json_print(root);
	json_object_put(root);
	return MM_EXIT_OK;
}

static int run(int argc, char *argv[])
{
	struct out_opts opts = { 0 };
	int ids[MM_ARRAY_SIZE(columns) * 2];
	size_t nids = MM_ARRAY_SIZE(default_columns);
	const char *output = NULL;
	struct kernel_module *mods;
	size_t n;
	int c, ret, err;

	while ((c = getopt_long(argc, argv, "o:Jrnh", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'J':
			opts.json = true;
			break;
		case 'r':
			opts.raw = true;
			break;
		case 'n':
			opts.noheadings = true;
			break;
		case 'h':
			usage();
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind < argc) {
		mm_error("unexpected argument '%s'", argv[optind]);
		return mm_usage_error();
	}
	memcpy(ids, default_columns, sizeof(default_columns));
	if (output) {
		int r = out_parse_columns(output, columns, MM_ARRAY_SIZE(columns), ids,
					  MM_ARRAY_SIZE(ids), nids);

		if (r < 0)
			return MM_EXIT_USAGE;
		nids = (size_t)r;
	}
	err = kernel_modules(&mods, &n);
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	if (opts.json)
		ret = print_json(mods, n, ids, nids);
	else
		ret = print_table(mods, n, ids, nids, &opts);
	kernel_modules_free(mods, n);
	return ret;
}

const struct mm_cmd cmd_list = {
	.name = "list",
	.run = run,
	.summary = "list the loaded modules",
};
