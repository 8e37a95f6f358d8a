// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod taint: why the kernel is tainted, flag by flag, and which modules did it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
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

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What each flag means, in Documentation/admin-guide/tainted-kernels.rst's words; by bit. */
static const char *const meanings[] = {
	"a module with a proprietary licence (not GPL-compatible) was loaded",
	"a module was loaded by force, its version checks skipped (insmod -f, modprobe --force)",
	"the kernel runs on a CPU out of its specification (e.g. SMP on CPUs not made for it)",
	"a module was unloaded by force (rmmod -f)",
	"the processor reported a machine check exception",
	"bad page: the memory manager found a page in a state it should never be in",
	"a user or program asked for the taint, or changed a setting the kernel does not support",
	"the kernel died recently: an oops or a BUG",
	"an ACPI table was overridden by the user",
	"the kernel issued a warning (WARN)",
	"a staging driver was loaded (drivers/staging: not up to the kernel's quality standards)",
	"the kernel works around a severe bug in the platform firmware",
	"an out-of-tree module was loaded: one built outside the kernel's source tree",
	"an unsigned module, or one signed with a key the kernel does not trust, was loaded",
	"a soft lockup occurred",
	"the kernel was live-patched",
	"an auxiliary taint a distribution defines (SUSE: a module not supported by SUSE)",
	"the kernel was built with the randstruct plugin",
	"a kernel test (KUnit) was run",
};

static void usage(void)
{
	fputs("Usage: mymod taint [OPTIONS]\n"
	      "\n"
	      "Decode /proc/sys/kernel/tainted: each flag set, what it means, and the loaded\n"
	      "modules that carry it.\n"
	      "\n"
	      "Options:\n" OUT_TABLE_USAGE "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
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
		out_set_str(r, COL_DESCRIPTION,
			    f[i].bit < MM_ARRAY_SIZE(meanings) ? meanings[f[i].bit] : NULL);
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

static int print(const struct out_sel *sel, const struct out_opts *opts)
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
	t = out_table_new(&spec);
	rows = fill(t, mask, mods, n);
	if (rows == 0 && !opts->json && !opts->raw)
		puts("The kernel is not tainted.");
	else
		err = out_table_print(t, sel, opts);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	kernel_modules_free(mods, n);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
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
	int status;

	status = mm_table_args(argc, argv, &args, &opts, &sel);
	if (status >= 0)
		return status;
	return print(&sel, &opts);
}

const struct mm_cmd cmd_taint = {
	.name = "taint",
	.run = run,
	.summary = "why the kernel is tainted, and which modules did it",
};
