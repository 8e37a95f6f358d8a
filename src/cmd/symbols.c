// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod symbols: a loaded module's symbols from /proc/kallsyms, with their sizes. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum {
	COL_ADDRESS,
	COL_TYPE,
	COL_NAME,
	COL_SIZE,
	COL_SIZE_FROM,
};

static const struct out_col columns[] = {
	[COL_ADDRESS] = { "ADDRESS", 18, 0, OUT_STRING, "its address (none when hidden)", "-" },
	[COL_TYPE] = { "TYPE", 4, 0, OUT_STRING, "nm's letter: t text, d data, b bss, r rodata",
		       NULL },
	[COL_NAME] = { "NAME", 0.4, 0, OUT_STRING, "symbol name", NULL },
	[COL_SIZE] = { "SIZE", 6, SCOLS_FL_RIGHT, OUT_NUMBER, "size in bytes, where known", "-" },
	[COL_SIZE_FROM] = { "SIZE-FROM", 9, 0, OUT_STRING,
			    "elf (the file's symbol table) or next (distance to the next symbol)",
			    NULL },
};

static const int default_columns[] = { COL_ADDRESS, COL_TYPE, COL_NAME, COL_SIZE };

static const struct out_spec spec = {
	columns, MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns), "symbols",
};

enum { OPT_FILE = 0x5000 };

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	MM_MODDIR_OPTIONS,
	{ "file", required_argument, NULL, OPT_FILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod symbols [OPTIONS] MODULE\n"
	      "\n"
	      "List a loaded module's symbols (/proc/kallsyms) with their sizes.\n"
	      "\n"
	      "Options:\n"
	      "      --file=FILE        read sizes from FILE (default: MODULE's file in the\n"
	      "                         module directory)\n" OUT_TABLE_USAGE MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
}

static bool own_opt(int c, const char *arg, void *data)
{
	const char **file = data;

	if (mm_moddir_opt(c, arg))
		return true;
	if (c != OPT_FILE)
		return false;
	*file = arg;
	return true;
}

/* What the module file says of sizes: its symbols by name, those it has twice apart. */
struct elf_sizes {
	struct ko *ko;
	struct mm_hash byname, twice; /* twice: two static functions of one name */
};

/* The symbols of NAME's file (see mm_open_loaded()), by name; false when none. */
static bool elf_sizes_open(struct elf_sizes *es, const char *name, const char *file)
{
	static const char without[] = "sizes from the distance to the next symbol";
	const struct ko_symbol *s;
	size_t n;

	es->ko = mm_open_loaded(name, file, without);
	if (!es->ko)
		return false;
	if (ko_symbols(es->ko, &s, &n) < 0) {
		mm_warn("%s: %s; %s", ko_path(es->ko), mm_errmsg(), without);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!mm_hash_add(&es->byname, s[i].name, &s[i]))
			mm_hash_add(&es->twice, s[i].name, NULL);
	return true;
}

static void elf_sizes_close(struct elf_sizes *es)
{
	mm_hash_free(&es->byname);
	mm_hash_free(&es->twice);
	ko_close(es->ko);
}

/* The ELF symbol of kallsyms' NAME, when there is exactly one. */
static const struct ko_symbol *elf_symbol(const struct elf_sizes *es, const char *name)
{
	if (!es->ko || mm_hash_find(&es->twice, name))
		return NULL;
	return mm_hash_get(&es->byname, name);
}

/* The distance from S[I] to the next symbol of the same kind (text, data...), or 0. */
static unsigned long long distance(const struct kernel_sym *s, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (s[j].addr > s[i].addr)
			return tolower((unsigned char)s[j].type) ==
					       tolower((unsigned char)s[i].type)
				       ? s[j].addr - s[i].addr
				       : 0;
	return 0;
}

static void fill(struct out_row *r, const struct kernel_sym *s, size_t n, size_t i,
		 const struct elf_sizes *es, bool hidden)
{
	const struct ko_symbol *e = elf_symbol(es, s[i].name);
	unsigned long long d = hidden ? 0 : distance(s, n, i);
	char addr[32], type[2] = { s[i].type, '\0' };

	snprintf(addr, sizeof(addr), "0x%016llx", s[i].addr);
	out_set_str(r, COL_ADDRESS, hidden ? NULL : addr);
	out_set_str(r, COL_TYPE, type);
	out_set_str(r, COL_NAME, s[i].name);
	if (e && e->size) {
		out_set_num(r, COL_SIZE, (long long)e->size);
		out_set_str(r, COL_SIZE_FROM, "elf");
	} else if (d) {
		out_set_num(r, COL_SIZE, (long long)d);
		out_set_str(r, COL_SIZE_FROM, "next");
	}
}

static bool all_zero(const struct kernel_sym *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].addr)
			return false;
	return true;
}

static int print(const char *name, const char *file, const struct out_sel *sel,
		 const struct out_opts *opts)
{
	struct elf_sizes es = { 0 };
	struct kernel_sym *s = NULL;
	struct out_table *t;
	size_t n = 0;
	bool hidden;
	int err;

	if (kernel_module_loaded(name) < 0 || kernel_module_symbols(name, &s, &n) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	hidden = n && all_zero(s, n);
	if (hidden)
		mm_warn("%s: the kernel hides the addresses of /proc/kallsyms (they read as 0): it "
			"shows them to a process with CAP_SYSLOG (root) while kernel.kptr_restrict "
			"is 0 or 1",
			name);
	if (!elf_sizes_open(&es, name, file)) {
		elf_sizes_close(&es);
		es = (struct elf_sizes){ 0 };
	}
	t = out_table_new(&spec);
	for (size_t i = 0; i < n; i++)
		fill(out_row_new(t, NULL), s, n, i, &es, hidden);
	err = out_table_print(t, sel, opts);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	elf_sizes_close(&es);
	kernel_syms_free(s, n);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

static int run(int argc, char *argv[])
{
	const char *file = NULL;
	const struct mm_table_args args = {
		.options = options,
		.shortopts = OUT_TABLE_SHORTOPTS MM_MODDIR_SHORTOPTS "h",
		.usage = usage,
		.spec = &spec,
		.opt = own_opt,
		.data = &file,
		.module = true,
	};
	struct out_opts opts = { 0 };
	struct out_sel sel;
	int status;

	status = mm_table_args(argc, argv, &args, &opts, &sel);
	if (status >= 0)
		return status;
	return print(argv[optind], file, &sel, &opts);
}

const struct mm_cmd cmd_symbols = {
	.name = "symbols",
	.run = run,
	.summary = "a loaded module's symbols, addresses and sizes",
	.needs = MM_NEEDS_MODDIR,
};
