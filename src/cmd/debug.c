// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod debug: a module's dynamic-debug callsites (pr_debug, dev_dbg), and
 * turning them on or off, narrowed as the kernel's query language allows;
 * the report is what changed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum { COL_FILE, COL_LINE, COL_FUNCTION, COL_FLAGS, COL_FORMAT, COL_MODULE };

static const struct out_col columns[] = {
	[COL_FILE] = { "FILE", 0.2, 0, OUT_STRING, "source file, as the build recorded it", NULL },
	[COL_LINE] = { "LINE", 5, SCOLS_FL_RIGHT, OUT_NUMBER, "source line", NULL },
	[COL_FUNCTION] = { "FUNCTION", 0.15, 0, OUT_STRING, "the function the callsite is in",
			   NULL },
	[COL_FLAGS] = { "FLAGS", 6, 0, OUT_STRING,
			"p printed, f function, l line, m module, t thread id; _ none", NULL },
	[COL_FORMAT] = { "FORMAT", 0.4, SCOLS_FL_TRUNC, OUT_STRING, "the message's format", NULL },
	[COL_MODULE] = { "MODULE", 0.1, 0, OUT_STRING, "the module", NULL },
};

static const int default_columns[] = { COL_FILE, COL_LINE, COL_FUNCTION, COL_FLAGS, COL_FORMAT };

static const struct out_spec spec = {
	columns,     MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns),
	"callsites",
};

enum { OPT_FILE = 0x100, OPT_FUNC, OPT_LINE, OPT_FORMAT, OPT_MOUNT };

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	{ "file", required_argument, NULL, OPT_FILE },
	{ "func", required_argument, NULL, OPT_FUNC },
	{ "line", required_argument, NULL, OPT_LINE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "mount", no_argument, NULL, OPT_MOUNT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod debug [OPTIONS] MODULE [on|off|FLAGS]\n"
	      "\n"
	      "Without FLAGS: the dynamic-debug callsites (pr_debug, dev_dbg) of the loaded\n"
	      "MODULE, with their flags. on (+p) prints them to the kernel log, off (-p)\n"
	      "stops it; FLAGS in the kernel's syntax (+p, -p, +pflmt, =_) set others. The\n"
	      "options narrow which callsites change; the report says what changed.\n"
	      "\n"
	      "Options:\n"
	      "      --file=FILE        callsites in source file FILE (a path's tail)\n"
	      "      --func=FUNCTION    callsites in FUNCTION\n"
	      "      --line=N[-M]       callsites at line N (or lines N to M)\n"
	      "      --format=TEXT      callsites whose format contains TEXT\n"
	      "      --mount            mount debugfs when the control file needs "
	      "it\n" OUT_TABLE_USAGE "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
}

struct debug_opts {
	const char *file, *func, *line, *format;
	bool mount;
	struct out_opts out;
	struct out_sel sel;
};

/* on, off, or [+-=] then flags of "pflmt_": the kernel's flag syntax. */
static const char *flags_of(const char *arg)
{
	if (strcmp(arg, "on") == 0)
		return "+p";
	if (strcmp(arg, "off") == 0)
		return "-p";
	if (!strchr("+-=", arg[0]) || strspn(arg + 1, "pflmt_") != strlen(arg + 1) ||
	    (arg[0] != '=' && !arg[1]))
		return NULL;
	return arg;
}

/* A query word's value, quoted when it has blanks (the kernel splits on them). */
static void add_word(struct mm_strbuf *q, const char *key, const char *v)
{
	if (!v)
		return;
	if (strpbrk(v, " \t"))
		mm_strbuf_addf(q, " %s \"%s\"", key, v);
	else
		mm_strbuf_addf(q, " %s %s", key, v);
}

static char *query(const char *module, const char *flags, const struct debug_opts *o)
{
	struct mm_strbuf q = { 0 };

	mm_strbuf_addf(&q, "module %s", module);
	add_word(&q, "file", o->file);
	add_word(&q, "func", o->func);
	add_word(&q, "line", o->line);
	add_word(&q, "format", o->format);
	mm_strbuf_addf(&q, " %s", flags);
	return mm_strbuf_steal(&q);
}

/* The control file is missing: say why and what to do (--mount does it). */
static int no_control(const struct debug_opts *o)
{
	char path[4096];
	int err = kernel_dyndbg_control(path, sizeof(path));

	if (err == 0)
		return 0;
	if (err == -ENOENT && o->mount) {
		err = kernel_mount_debugfs();
		if (err == 0 && (err = kernel_dyndbg_control(path, sizeof(path))) == 0)
			return 0;
	}
	mm_error("%s", mm_errmsg());
	if (err == -ENOENT)
		mm_hint("mount -t debugfs none /sys/kernel/debug (or mymod debug --mount)");
	return err;
}

/* MODULE has no callsites: not loaded, or built without any. */
static int none(const char *module)
{
	if (kernel_module_state(module) == KERNEL_MOD_ABSENT) {
		mm_error("%s: not loaded", module);
		return MM_EXIT_FAIL;
	}
	mm_error("%s has no dynamic-debug callsites: it was built without pr_debug() or "
		 "dev_dbg() calls (or with DEBUG defined, which makes them plain printk)",
		 module);
	return MM_EXIT_FAIL;
}

static int show(const struct kernel_callsite *v, size_t n, const struct debug_opts *o)
{
	struct out_table *t = out_table_new(&spec);
	int err;

	for (size_t i = 0; i < n; i++) {
		struct out_row *r = out_row_new(t, NULL);

		out_set_str(r, COL_FILE, v[i].file);
		out_set_num(r, COL_LINE, v[i].line);
		out_set_str(r, COL_FUNCTION, v[i].function);
		out_set_str(r, COL_FLAGS, v[i].flags);
		out_set_str(r, COL_FORMAT, v[i].format);
		out_set_str(r, COL_MODULE, v[i].module);
	}
	err = out_table_print(t, &o->sel, &o->out);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

/* Each callsite whose flags BEFORE and AFTER differ: "FILE:LINE FUNCTION: OLD -> NEW". */
static void changes(const struct kernel_callsite *before, size_t nb,
		    const struct kernel_callsite *after, size_t na)
{
	size_t changed = 0;

	for (size_t i = 0; i < na && i < nb; i++) {
		if (strcmp(before[i].flags, after[i].flags) == 0)
			continue;
		printf("%s:%u %s: %s -> %s\n", after[i].file, after[i].line, after[i].function,
		       before[i].flags, after[i].flags);
		changed++;
	}
	if (!changed)
		printf("no callsite changed: they were so already, or none matched\n");
}

static int set(const char *module, const char *flags, const struct kernel_callsite *before,
	       size_t nb, const struct debug_opts *o)
{
	struct kernel_callsite *after;
	size_t na;
	char *q = query(module, flags, o);
	int err = kernel_dyndbg_write(q);

	if (err < 0) {
		mm_error("the kernel refused the query '%s': %s", q, strerror(-err));
		if (err == -EPERM || err == -EACCES)
			mm_hint("changing dynamic debug needs root");
		free(q);
		return MM_EXIT_FAIL;
	}
	free(q);
	if (kernel_dyndbg_read(module, &after, &na) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	changes(before, nb, after, na);
	kernel_callsites_free(after, na);
	return MM_EXIT_OK;
}

static int parse(int argc, char *argv[], struct debug_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, OUT_TABLE_SHORTOPTS "h", options, NULL)) != -1) {
		if (out_opt(c, optarg, &o->out))
			continue;
		if (c == OPT_FILE)
			o->file = optarg;
		else if (c == OPT_FUNC)
			o->func = optarg;
		else if (c == OPT_LINE)
			o->line = optarg;
		else if (c == OPT_FORMAT)
			o->format = optarg;
		else if (c == OPT_MOUNT)
			o->mount = true;
		else if (c == 'h')
			return usage(), MM_EXIT_OK;
		else
			return mm_usage_error();
	}
	if ((c = mm_table_select(&spec, &o->out, &o->sel)) >= 0)
		return c;
	if (optind >= argc || argc - optind > 2) {
		mm_error(optind >= argc ? "no MODULE given" : "one MODULE, then on, off or FLAGS");
		return mm_usage_error();
	}
	if (optind + 1 < argc && !flags_of(argv[optind + 1])) {
		mm_error("'%s' is not on, off or flags (+p, -p, +pflmt, =_: p f l m t _)",
			 argv[optind + 1]);
		return mm_usage_error();
	}
	if (o->line && (strspn(o->line, "0123456789-") != strlen(o->line) || !*o->line)) {
		mm_error("--line takes N or N-M, not '%s'", o->line);
		return mm_usage_error();
	}
	return -1;
}

static int run(int argc, char *argv[])
{
	struct debug_opts o = { 0 };
	struct kernel_callsite *v = NULL;
	size_t n = 0;
	char *module;
	int status = parse(argc, argv, &o);

	if (status >= 0)
		return status;
	if (no_control(&o) < 0)
		return MM_EXIT_FAIL;
	module = mm_modname_normalize(mm_strdup(argv[optind]));
	if (kernel_dyndbg_read(module, &v, &n) < 0) {
		mm_error("%s", mm_errmsg());
		status = MM_EXIT_FAIL;
	} else if (!n) {
		status = none(module);
	} else if (optind + 1 < argc) {
		status = set(module, flags_of(argv[optind + 1]), v, n, &o);
	} else {
		status = show(v, n, &o);
	}
	kernel_callsites_free(v, n);
	free(module);
	return status;
}

const struct mm_cmd cmd_debug = {
	.name = "debug",
	.run = run,
	.summary = "list a module's dynamic-debug callsites, turn them on or off",
};
