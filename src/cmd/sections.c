// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod sections: where a loaded module's sections are, and gdb's add-symbol-file for them. */
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
	COL_NAME,
	COL_ADDRESS,
};

static const struct out_col columns[] = {
	[COL_NAME] = { "NAME", 0.3, 0, OUT_STRING, "section name", NULL },
	[COL_ADDRESS] = { "ADDRESS", 18, 0, OUT_STRING, "its address in the kernel", NULL },
};

static const int default_columns[] = { COL_NAME, COL_ADDRESS };

static const struct out_spec spec = {
	columns,    MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns),
	"sections",
};

enum { OPT_GDB = 0x5000, OPT_FILE };

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	MM_MODDIR_OPTIONS,
	{ "gdb", no_argument, NULL, OPT_GDB },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod sections [OPTIONS] MODULE\n"
	      "\n"
	      "Print the section addresses of a loaded module (/sys/module/MODULE/sections),\n"
	      "or gdb's add-symbol-file command for it.\n"
	      "\n"
	      "Options:\n"
	      "      --gdb              print gdb's add-symbol-file command\n"
	      "      --file=FILE        the module file --gdb names (default: MODULE's file in\n"
	      "                         the module directory)\n" OUT_TABLE_USAGE MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
}

struct sections_opts {
	bool gdb;
	const char *file;
};

static bool own_opt(int c, const char *arg, void *data)
{
	struct sections_opts *so = data;

	if (mm_moddir_opt(c, arg))
		return true;
	if (c == OPT_GDB)
		so->gdb = true;
	else if (c == OPT_FILE)
		so->file = arg;
	else
		return false;
	return true;
}

/*
 * The module directory's file of NAME, when it is the build the kernel
 * loaded: gdb reading another build's symbols would mislead. NULL, said.
 */
static char *loaded_file(const char *name)
{
	char *file = mm_module_file(name, true);
	struct ko *ko =
		file ? mm_open_loaded(name, file, "gdb would read the wrong symbols") : NULL;

	if (!ko) {
		if (file)
			mm_error("%s: cannot name the file the kernel loaded", name);
		free(file);
		mm_hint("name the file the kernel loaded with --file FILE");
		return NULL;
	}
	ko_close(ko);
	return file;
}

static int print_table(const struct kernel_section *s, size_t n, const struct out_sel *sel,
		       const struct out_opts *opts)
{
	struct out_table *t = out_table_new(&spec);
	int err;

	for (size_t i = 0; i < n; i++) {
		struct out_row *r = out_row_new(t, NULL);
		char addr[32];

		snprintf(addr, sizeof(addr), "0x%016llx", s[i].addr);
		out_set_str(r, COL_NAME, s[i].name);
		out_set_str(r, COL_ADDRESS, addr);
	}
	err = out_table_print(t, sel, opts);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

/* add-symbol-file FILE 0xTEXT -s SECTION 0xADDR ..., the others by address. */
static int print_gdb(const char *name, const char *file, const struct kernel_section *s, size_t n,
		     bool json)
{
	struct mm_strbuf sb = { 0 };
	const struct kernel_section *text = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].name, ".text") == 0)
			text = &s[i];
	if (!text) {
		mm_error("%s: the kernel lists no .text section for it", name);
		return MM_EXIT_FAIL;
	}
	mm_strbuf_addf(&sb, "add-symbol-file %s 0x%llx", file, text->addr);
	for (size_t i = 0; i < n; i++)
		if (&s[i] != text)
			mm_strbuf_addf(&sb, " -s %s 0x%llx", s[i].name, s[i].addr);
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", out_json_str(file));
		json_object_object_add(o, "gdb", out_json_str(sb.s));
		out_json_print(o);
		json_object_put(o);
	} else {
		out_puts(stdout, sb.s);
		putchar('\n');
	}
	mm_strbuf_free(&sb);
	return MM_EXIT_OK;
}

static bool hidden(const struct kernel_section *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].addr)
			return false;
	return true;
}

/* Why there are no addresses to show; MM_EXIT_FAIL. */
static int no_addresses(const char *name, int err)
{
	if (err == -EACCES || err == -EPERM) {
		mm_error("%s: cannot read its section addresses: %s", name, mm_errmsg());
		mm_hint("the files of /sys/module/%s/sections are readable by root only: run as "
			"root",
			name);
	} else if (err == 0) {
		mm_error("%s: the kernel hides its section addresses (they read as 0)", name);
		mm_hint("it shows them to a process with CAP_SYSLOG (root) while "
			"kernel.kptr_restrict is 0 or 1: run as root, and check sysctl "
			"kernel.kptr_restrict");
	} else {
		mm_error("%s: %s", name, mm_errmsg());
	}
	return MM_EXIT_FAIL;
}

static int show(const char *name, const struct sections_opts *so, const struct out_sel *sel,
		const struct out_opts *opts)
{
	struct kernel_section *s = NULL;
	char *file = NULL;
	size_t n = 0;
	int err, status;

	err = kernel_module_loaded(name);
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	err = kernel_module_sections(name, &s, &n);
	if (err < 0 || hidden(s, n)) {
		kernel_sections_free(s, n);
		return no_addresses(name, err);
	}
	if (!so->gdb) {
		status = print_table(s, n, sel, opts);
	} else {
		file = so->file ? mm_strdup(so->file) : loaded_file(name);
		status = file ? print_gdb(name, file, s, n, opts->json) : MM_EXIT_FAIL;
	}
	free(file);
	kernel_sections_free(s, n);
	return status;
}

static int run(int argc, char *argv[])
{
	struct sections_opts so = { 0 };
	const struct mm_table_args args = {
		.options = options,
		.shortopts = OUT_TABLE_SHORTOPTS MM_MODDIR_SHORTOPTS "h",
		.usage = usage,
		.spec = &spec,
		.opt = own_opt,
		.data = &so,
		.module = true,
	};
	struct out_opts opts = { 0 };
	struct out_sel sel;
	int status;

	status = mm_table_args(argc, argv, &args, &opts, &sel);
	if (status >= 0)
		return status;
	return show(argv[optind], &so, &sel, &opts);
}

const struct mm_cmd cmd_sections = {
	.name = "sections",
	.run = run,
	.summary = "where a loaded module's sections are; gdb's add-symbol-file",
	.needs = MM_NEEDS_MODDIR,
};
