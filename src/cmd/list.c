// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod list: what is loaded, as util-linux's tools print tables. */
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
	[COL_NAME] = { "NAME", 0.2, SCOLS_FL_NOEXTREMES, OUT_STRING, "module name", NULL },
	[COL_SIZE] = { "SIZE", 7, SCOLS_FL_RIGHT, OUT_NUMBER, "size in memory, in bytes", NULL },
	[COL_REFCNT] = { "REFCNT", 6, SCOLS_FL_RIGHT, OUT_NUMBER,
			 "reference count (- when it cannot be unloaded)", "-" },
	[COL_USEDBY] = { "USED-BY", 0.3, SCOLS_FL_TRUNC, OUT_STRINGS, "modules that use it", NULL },
	[COL_STATE] = { "STATE", 9, 0, OUT_STRING, "Live, Loading or Unloading", NULL },
	[COL_TAINT] = { "TAINT", 5, 0, OUT_STRING,
			"taint flags (O out-of-tree, E unsigned, F forced, ...)", NULL },
	[COL_ADDR] = { "ADDRESS", 18, 0, OUT_STRING, "load address (0 unless root)", NULL },
	[COL_VERSION] = { "VERSION", 0.1, 0, OUT_STRING, "MODULE_VERSION", NULL },
	[COL_SRCVERSION] = { "SRCVERSION", 0.1, 0, OUT_STRING, "checksum of its source", NULL },
	[COL_FLAGS] = { "FLAGS", 9, 0, OUT_STRINGS, "permanent (no exit function), unsafe", NULL },
};

static const int default_columns[] = { COL_NAME,   COL_SIZE,  COL_REFCNT,
				       COL_USEDBY, COL_STATE, COL_TAINT };

static const struct out_spec spec = {
	columns, MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns), "modules",
};

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod list [OPTIONS]\n"
	      "\n"
	      "List the modules loaded into the running kernel.\n"
	      "\n"
	      "Options:\n" OUT_TABLE_USAGE "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
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

static void fill(struct out_row *r, const struct kernel_module *m)
{
	const char *f[2];
	char addr[32];

	snprintf(addr, sizeof(addr), "0x%016llx", m->addr);
	out_set_str(r, COL_NAME, m->name);
	out_set_num(r, COL_SIZE, (long long)m->size);
	if (m->refcnt >= 0)
		out_set_num(r, COL_REFCNT, m->refcnt);
	out_set_strv(r, COL_USEDBY, (const char *const *)m->used_by, m->nused_by);
	out_set_str(r, COL_STATE, kernel_mod_state_name(m->state));
	out_set_str(r, COL_TAINT, m->taint);
	out_set_str(r, COL_ADDR, addr);
	out_set_str(r, COL_VERSION, m->version);
	out_set_str(r, COL_SRCVERSION, m->srcversion);
	out_set_strv(r, COL_FLAGS, f, flags(m, f));
}

static const struct mm_table_args args = {
	.options = options,
	.shortopts = OUT_TABLE_SHORTOPTS "h",
	.usage = usage,
	.spec = &spec,
};

static int run(int argc, char *argv[])
{
	struct out_opts opts = { 0 };
	struct out_sel sel;
	struct out_table *t;
	struct kernel_module *mods;
	size_t n;
	int status, err;

	status = mm_table_args(argc, argv, &args, &opts, &sel);
	if (status >= 0)
		return status;
	err = kernel_modules(&mods, &n);
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	t = out_table_new(&spec);
	for (size_t i = 0; i < n; i++)
		fill(out_row_new(t, NULL), &mods[i]);
	err = out_table_print(t, &sel, &opts);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	kernel_modules_free(mods, n);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

const struct mm_cmd cmd_list = {
	.name = "list",
	.run = run,
	.summary = "list the loaded modules",
};
