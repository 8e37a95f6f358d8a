// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod taint: why the kernel is tainted, flag by flag, and which modules did it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum {
	COL_BIT,
	COL_LETTER,
	COL_NAME,
	COL_SET,
	COL_MODULES,
	COL_DESCRIPTION,
};

static const struct out_col columns[] = {
	[COL_BIT] = { "BIT", 3, SCOLS_FL_RIGHT, OUT_NUMBER, "its bit in /proc/sys/kernel/tainted",
		      NULL },
	[COL_LETTER] = { "LETTER", 6, 0, OUT_STRING, "as Tainted: lines print it", NULL },
	[COL_NAME] = { "NAME", 0.2, 0, OUT_STRING, "the kernel's name (TAINT_NAME)", NULL },
	[COL_SET] = { "SET", 5, 0, OUT_BOOLEAN, "set in /proc/sys/kernel/tainted", NULL },
	[COL_MODULES] = { "MODULES", 0.2, SCOLS_FL_WRAP, OUT_STRINGS,
			  "the loaded modules that carry it", NULL },
	[COL_DESCRIPTION] = { "DESCRIPTION", 0.5, SCOLS_FL_WRAP, OUT_STRING,
			      "what it means, and why a module carries it", NULL },
};

static const int default_columns[] = { COL_LETTER, COL_NAME, COL_MODULES, COL_DESCRIPTION };

static const struct out_spec spec = {
	columns, MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns), "taint",
};

/* --modules: one line a tainted module. */
enum {
	MCOL_NAME,
	MCOL_TAINT,
	MCOL_WHY,
	MCOL_FILE,
};

static const struct out_col mod_columns[] = {
	[MCOL_NAME] = { "NAME", 0.2, 0, OUT_STRING, "module name", NULL },
	[MCOL_TAINT] = { "TAINT", 5, 0, OUT_STRING, "the letters it carries", NULL },
	[MCOL_WHY] = { "WHY", 0.6, SCOLS_FL_WRAP, OUT_STRINGS,
		       "why it carries each, from its file where known", NULL },
	[MCOL_FILE] = { "FILE", 0.3, 0, OUT_STRING, "the file that told (the build loaded)", NULL },
};

static const int mod_default_columns[] = { MCOL_NAME, MCOL_TAINT, MCOL_WHY };

static const struct out_spec mod_spec = {
	mod_columns,	     MM_ARRAY_SIZE(mod_columns),
	mod_default_columns, MM_ARRAY_SIZE(mod_default_columns),
	"modules",
};

enum { OPT_MODULES = 'm' };

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	MM_MODDIR_OPTIONS,
	{ "modules", no_argument, NULL, OPT_MODULES },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod taint [OPTIONS]\n"
	      "\n"
	      "Decode /proc/sys/kernel/tainted: each flag set, what it means, and the loaded\n"
	      "modules that carry it.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --modules          one line a tainted module: why it carries each "
	      "letter\n" OUT_TABLE_USAGE MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
	fputs("\nWith --modules:\n", stdout);
	out_columns_help(stdout, &mod_spec);
}

/* The modules whose taint letters hold LETTER. */
static size_t carriers(const struct kernel_module *mods, size_t n, char letter, const char **v)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (letter != ' ' && strchr(mods[i].taint, letter))
			v[k++] = mods[i].name;
	return k;
}

static size_t fill(struct out_table *t, unsigned long long mask, const struct kernel_module *mods,
		   size_t nmods)
{
	const char **v = mm_calloc(nmods + 1, sizeof(*v));
	const struct kernel_taint_flag *f;
	size_t nflags, rows = 0;

	f = kernel_taint_flags(&nflags);
	for (size_t i = 0; i < nflags; i++) {
		size_t k = carriers(mods, nmods, f[i].letter, v);
		bool set = mask & (1ULL << f[i].bit);
		struct out_row *r;
		char letter[2] = { f[i].letter, '\0' };

		if (!set && !k)
			continue;
		r = out_row_new(t, NULL);
		out_set_num(r, COL_BIT, f[i].bit);
		out_set_str(r, COL_LETTER, letter);
		out_set_str(r, COL_NAME, f[i].name);
		out_set_bool(r, COL_SET, set);
		out_set_strv(r, COL_MODULES, v, k);
		out_set_str(r, COL_DESCRIPTION, findings_taint_meaning(f[i].bit));
		rows++;
	}
	for (unsigned int bit = (unsigned int)nflags; bit < 64; bit++) {
		struct out_row *r;

		if (!(mask & (1ULL << bit)))
			continue;
		r = out_row_new(t, NULL);
		out_set_num(r, COL_BIT, bit);
		out_set_bool(r, COL_SET, true);
		out_set_strv(r, COL_MODULES, v, 0);
		out_set_str(r, COL_DESCRIPTION, "a flag this version of mymod does not know");
		rows++;
	}
	free(v);
	return rows;
}

/* Every loaded module with its taint letters (/sys/module/NAME/taint, else /proc/modules'). */
static int loaded(struct kernel_module **mods, size_t *n)
{
	int err = kernel_modules(mods, n);

	if (err == -ENOSYS) { /* no modules: none carries a taint */
		*mods = NULL;
		*n = 0;
		return 0;
	}
	if (err < 0)
		return err;
	for (size_t i = 0; i < *n; i++) {
		char *letters;

		if (kernel_module_taint((*mods)[i].name, &letters) < 0)
			continue;
		free((*mods)[i].taint);
		(*mods)[i].taint = letters;
	}
	mm_clearerr();
	return 0;
}

/* --modules: each tainted module, and why it carries each letter. */
static size_t fill_modules(struct out_table *t, const struct kernel_module *mods, size_t n)
{
	size_t rows = 0;

	for (size_t i = 0; i < n; i++) {
		const char *taint = mods[i].taint;
		size_t len = strlen(taint);
		struct ko *ko;
		struct out_row *r;
		char **why;

		if (!len)
			continue;
		ko = mm_open_loaded(mods[i].name, NULL, "its reasons in general words");
		why = mm_calloc(len, sizeof(*why));
		for (size_t k = 0; k < len; k++)
			why[k] = findings_taint_why(taint[k], ko);
		r = out_row_new(t, NULL);
		out_set_str(r, MCOL_NAME, mods[i].name);
		out_set_str(r, MCOL_TAINT, taint);
		out_set_strv(r, MCOL_WHY, (const char *const *)why, len);
		out_set_str(r, MCOL_FILE, ko ? ko_path(ko) : NULL);
		for (size_t k = 0; k < len; k++)
			free(why[k]);
		free(why);
		ko_close(ko);
		rows++;
	}
	return rows;
}

static int print(const struct out_sel *sel, const struct out_opts *opts, bool modules)
{
	struct kernel_module *mods = NULL;
	unsigned long long mask;
	struct out_table *t;
	size_t n = 0, rows;
	int err;

	err = kernel_tainted(&mask);
	if (err < 0 || (err = loaded(&mods, &n)) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	t = out_table_new(modules ? &mod_spec : &spec);
	rows = modules ? fill_modules(t, mods, n) : fill(t, mask, mods, n);
	if (rows == 0 && !opts->json && !opts->raw)
		puts(modules ? "No loaded module carries a taint." : "The kernel is not tainted.");
	else
		err = out_table_print(t, sel, opts);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	kernel_modules_free(mods, n);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

struct taint_opts {
	bool modules;
	struct mm_table_args *args;
};

static bool own_opt(int c, const char *arg, void *data)
{
	struct taint_opts *to = data;

	if (mm_moddir_opt(c, arg))
		return true;
	if (c != OPT_MODULES)
		return false;
	to->modules = true;
	to->args->spec = &mod_spec; /* -o and --sort choose among its columns */
	return true;
}

static int run(int argc, char *argv[])
{
	struct taint_opts to = { 0 };
	struct mm_table_args args = {
		.options = options,
		.shortopts = OUT_TABLE_SHORTOPTS MM_MODDIR_SHORTOPTS "mh",
		.usage = usage,
		.spec = &spec,
		.opt = own_opt,
		.data = &to,
	};
	struct out_opts opts = { 0 };
	struct out_sel sel;
	int status;

	to.args = &args;
	status = mm_table_args(argc, argv, &args, &opts, &sel);
	if (status >= 0)
		return status;
	return print(&sel, &opts, to.modules);
}

const struct mm_cmd cmd_taint = {
	.name = "taint",
	.run = run,
	.summary = "why the kernel is tainted, and which modules did it",
	.needs = MM_NEEDS_MODDIR,
};
