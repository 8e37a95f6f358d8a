// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod params: a loaded (or built-in) module's parameters, live: each
 * value as sysfs shows it beside what the module file declares (type,
 * description, default, permissions); and NAME=VALUE assignments, checked
 * against the declared types before anything is written, written all or
 * nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum {
	COL_NAME,
	COL_VALUE,
	COL_TYPE,
	COL_DEFAULT,
	COL_PERM,
	COL_WRITABLE,
	COL_DESCRIPTION,
	COL_NOTE,
};

static const struct out_col columns[] = {
	[COL_NAME] = { "NAME", 0.15, 0, OUT_STRING, "parameter name", NULL },
	[COL_VALUE] = { "VALUE", 0.2, SCOLS_FL_TRUNC, OUT_STRING,
			"its value now, as sysfs shows it (- when it has no sysfs file)", "-" },
	[COL_TYPE] = { "TYPE", 0.1, 0, OUT_STRING, "declared type (custom: the module's own ops)",
		       "?" },
	[COL_DEFAULT] = { "DEFAULT", 0.1, SCOLS_FL_TRUNC, OUT_STRING,
			  "its initial value in the module file", "-" },
	[COL_PERM] = { "PERM", 5, 0, OUT_STRING, "sysfs permissions", NULL },
	[COL_WRITABLE] = { "WRITABLE", 8, 0, OUT_BOOLEAN, "can be changed now, by this user",
			   NULL },
	[COL_DESCRIPTION] = { "DESCRIPTION", 0.3, SCOLS_FL_TRUNC, OUT_STRING, "MODULE_PARM_DESC",
			      NULL },
	[COL_NOTE] = { "NOTE", 0.2, SCOLS_FL_TRUNC, OUT_STRING, "why it cannot be read or set",
		       NULL },
};

static const int default_columns[] = { COL_NAME, COL_VALUE,	  COL_TYPE, COL_DEFAULT,
				       COL_PERM, COL_DESCRIPTION, COL_NOTE };

static const struct out_spec spec = {
	columns,      MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns),
	"parameters",
};

enum { OPT_FILE = 0x100, OPT_CHECK };

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	OUT_TABLE_OPTIONS,
	{ "file", required_argument, NULL, OPT_FILE },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod params [OPTIONS] MODULE [NAME=VALUE...]\n"
	      "\n"
	      "Without assignments: each parameter of the loaded (or built-in) MODULE with\n"
	      "its value now, declared type, default, permissions and description. With\n"
	      "them: check each value against its declared type, then write them all, or\n"
	      "none (a value the kernel refuses sets the others back).\n"
	      "\n"
	      "Options:\n"
	      "      --file=FILE        the module file the kernel loaded, when the module\n"
	      "                         directory does not have it\n"
	      "      --check            check the assignments, write nothing\n" MM_MODDIR_USAGE
		      OUT_TABLE_USAGE "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
}

struct params_opts {
	const char *file;
	bool check;
	struct out_opts out;
	struct out_sel sel;
};

/* What the module declares: from its file, or a builtin's modinfo. */
struct declared {
	struct ko *ko;
	const struct ko_param *v;
	size_t n;
	struct ko_param *owned; /* a builtin's, from modules.builtin.modinfo */
	struct ko_modinfo *kv;
	size_t nkv;
	char *path;
};

static void declared_free(struct declared *d)
{
	if (d->owned)
		ko_modinfo_params_free(d->owned, d->n);
	for (size_t i = 0; i < d->nkv; i++) {
		free((char *)d->kv[i].key);
		free((char *)d->kv[i].value);
	}
	free(d->kv);
	free(d->path);
	ko_close(d->ko);
}

/* A builtin's parameters, from modules.builtin.modinfo. */
static void declared_builtin(struct modtree *mt, const char *name, struct declared *d)
{
	struct modtree_info *info;
	size_t n;

	if (modtree_builtin_info(mt, name, &info, &n) < 0)
		return;
	d->kv = mm_calloc(n + 1, sizeof(*d->kv));
	for (size_t i = 0; i < n; i++)
		d->kv[i] = (struct ko_modinfo){ mm_strdup(info[i].key), mm_strdup(info[i].value) };
	d->nkv = n;
	modtree_info_free(info, n);
	d->n = ko_modinfo_params(d->kv, d->nkv, &d->owned);
	d->v = d->owned;
}

/* Find NAME's declarations: --file, else the module directory; none is not an error. */
static int find_declared(const char *name, const struct params_opts *o, struct declared *d)
{
	struct modtree_mod *mods = NULL;
	struct modtree *mt;
	size_t n = 0;
	int err;

	if (o->file) {
		d->path = mm_strdup(o->file);
	} else if ((mt = mm_modtree_try())) {
		if (modtree_lookup(mt, name, &mods, &n) == 0 && n && mods[0].path)
			d->path = mm_strdup(mods[0].path);
		else if (modtree_builtin(mt, name))
			declared_builtin(mt, name, d);
		modtree_mods_free(mods, n);
	}
	if (!d->path) {
		if (!d->owned)
			mm_warn("no file of %s in the module directory: its types, defaults and "
				"descriptions are not known (--file FILE gives them)",
				name);
		return 0;
	}
	err = ko_open(d->path, &d->ko);
	if (err == 0)
		err = ko_params(d->ko, &d->v, &d->n);
	if (err < 0) {
		mm_error("%s: %s", d->path, mm_errmsg());
		return err;
	}
	if (!mm_same_build(d->ko, name,
			   "its types, defaults and descriptions are not known "
			   "(--file names the right file)")) {
		ko_close(d->ko);
		d->ko = NULL;
		d->v = NULL;
		d->n = 0;
	}
	return 0;
}

static const struct ko_param *declared_find(const struct declared *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!d->v[i].shadowed && strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	return NULL;
}

static const struct kernel_param_value *live_find(const struct kernel_param_value *v, size_t n,
						  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* ---- the table ---- */

static void fill_declared(struct out_row *r, const struct ko_param *p)
{
	char *type = p->type || !p->ops ? NULL : mm_asprintf("custom (%s)", p->ops);

	out_set_str(r, COL_TYPE, p->type ? p->type : type);
	out_set_str(r, COL_DEFAULT, p->default_value);
	out_set_str(r, COL_DESCRIPTION, p->description);
	free(type);
}

static void fill_row(struct out_row *r, const char *name, const struct kernel_param_value *lv,
		     const struct ko_param *p)
{
	char perm[8];

	out_set_str(r, COL_NAME, name);
	if (p)
		fill_declared(r, p);
	if (lv) {
		snprintf(perm, sizeof(perm), "%04o", lv->mode);
		out_set_str(r, COL_VALUE, lv->value);
		out_set_str(r, COL_PERM, perm);
		out_set_bool(r, COL_WRITABLE, (lv->mode & 0222) && geteuid() == 0);
		if (!lv->value)
			out_set_str(r, COL_NOTE,
				    lv->err == EACCES || lv->err == EPERM
					    ? "not readable by this user"
					    : strerror(lv->err));
		else if (!(lv->mode & 0222))
			out_set_str(r, COL_NOTE, "read-only: set it at load time");
	} else if (p && p->perm == 0) {
		out_set_str(r, COL_PERM, "0000");
		out_set_bool(r, COL_WRITABLE, false);
		out_set_str(r, COL_NOTE, "permissions 0: no sysfs file; set it at load time");
	} else {
		out_set_bool(r, COL_WRITABLE, false);
		out_set_str(r, COL_NOTE, "not in sysfs: the loaded module is another build?");
	}
}

static int show(const char *name, const struct kernel_param_value *lv, size_t nlv,
		const struct declared *d, const struct params_opts *o)
{
	struct out_table *t = out_table_new(&spec);
	struct out_sel sel = o->sel;
	int err = 0;

	for (size_t i = 0; i < nlv; i++)
		fill_row(out_row_new(t, NULL), lv[i].name, &lv[i], declared_find(d, lv[i].name));
	for (size_t i = 0; i < d->n; i++)
		if (!d->v[i].shadowed && !live_find(lv, nlv, d->v[i].name))
			fill_row(out_row_new(t, NULL), d->v[i].name, NULL, &d->v[i]);
	if (sel.sort < 0)
		sel.sort = COL_NAME;
	if (!nlv && !d->n && !o->out.json)
		printf("%s has no parameters\n", name);
	else if ((err = out_table_print(t, &sel, &o->out)) < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

/* ---- assignments ---- */

struct assign {
	char *name;
	const char *value;
	char *old; /* its value before, to set it back */
	bool written;
};

/* Why NAME=VALUE cannot be written (NULL when it can), with its hint. */
static char *refuse(const char *module, const struct assign *a, const struct kernel_param_value *lv,
		    const struct ko_param *p, char **hint)
{
	*hint = NULL;
	if (!lv && !p)
		return mm_asprintf("%s has no parameter %s", module, a->name);
	if (!lv || !(lv->mode & 0222)) {
		*hint = mm_asprintf("set it at load time: mymod load %s %s=%s, or an "
				    "'options %s %s=...' line in /etc/modprobe.d",
				    module, a->name, a->value, module, a->name);
		return !lv ? mm_asprintf("%s has permissions 0: it has no sysfs file and cannot "
					 "be changed while %s is loaded",
					 a->name, module)
			   : mm_asprintf("%s is read-only (%04o)", a->name, lv->mode);
	}
	if (geteuid() != 0) {
		*hint = mm_strdup("run it as root");
		return mm_asprintf("%s: writing a parameter needs root", a->name);
	}
	if (p) {
		char *why = findings_param_value(p, a->value, lv->value);

		if (why) {
			char *all = mm_asprintf("%s=%s: %s", a->name, a->value, why);

			free(why);
			return all;
		}
	}
	return NULL;
}

/* Parse NAME=VALUE arguments into A; -1 after saying what is wrong. */
static int parse_assigns(char **args, size_t n, struct assign *a)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '=');

		if (!eq || eq == args[i]) {
			mm_error("'%s' is not NAME=VALUE", args[i]);
			return -1;
		}
		a[i].name = mm_strndup(args[i], (size_t)(eq - args[i]));
		a[i].value = eq + 1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(a[j].name, a[i].name) == 0) {
				mm_error("%s is assigned twice", a[i].name);
				return -1;
			}
	}
	return 0;
}

/* Every assignment checked before any is written; 0 when all can be. */
static int check_all(const char *module, struct assign *a, size_t n,
		     const struct kernel_param_value *lv, size_t nlv, const struct declared *d)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct kernel_param_value *l = live_find(lv, nlv, a[i].name);
		char *hint, *why = refuse(module, &a[i], l, declared_find(d, a[i].name), &hint);

		if (why) {
			mm_error("%s", why);
			if (hint)
				mm_hint("%s", hint);
			bad = -1;
		} else if (l) {
			a[i].old = mm_strdup(l->value ? l->value : "");
		}
		free(why);
		free(hint);
	}
	return bad;
}

/* The kernel log lines about MODULE or parameter NAME, after a refusal. */
static void log_lines(struct kernel_log *log, const char *module, const char *name)
{
	const char *const *lines;
	size_t n;

	if (!log)
		return;
	bool header = false;

	for (int pass = 0; pass < 2; pass++) {
		if (kernel_log_read(log, pass ? name : module, &lines, &n) < 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (pass && strstr(lines[i], module))
				continue; /* said in the first pass */
			if (!header)
				fputs("kernel log:\n", stderr);
			header = true;
			fprintf(stderr, "  %s\n", lines[i]);
		}
	}
}

/* Set the written ones of A[0..N) back; say which. */
static void roll_back(const char *module, struct assign *a, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		int err;

		if (!a[i].written)
			continue;
		err = kernel_param_write(module, a[i].name, a[i].old);
		if (err < 0)
			mm_error("%s could not be set back to '%s': %s", a[i].name, a[i].old,
				 strerror(-err));
		else
			fprintf(stderr, "%s set back to '%s'\n", a[i].name, a[i].old);
	}
}

static int write_all(const char *module, struct assign *a, size_t n)
{
	struct kernel_log *log = NULL;
	char *now;

	if (kernel_log_open(&log) < 0)
		log = NULL;
	for (size_t i = 0; i < n; i++) {
		int err = kernel_param_write(module, a[i].name, a[i].value);

		if (err < 0) {
			mm_error("%s=%s: the kernel refused it: %s (%s)", a[i].name, a[i].value,
				 kernel_errno_name(-err), strerror(-err));
			log_lines(log, module, a[i].name);
			roll_back(module, a, i);
			kernel_log_close(log);
			return MM_EXIT_FAIL;
		}
		a[i].written = true;
	}
	kernel_log_close(log);
	for (size_t i = 0; i < n; i++) {
		char *attr = mm_asprintf("parameters/%s", a[i].name);

		now = NULL;
		kernel_sysfile(module, attr, &now);
		printf("%s: %s -> %s\n", a[i].name, a[i].old, now ? now : a[i].value);
		free(now);
		free(attr);
	}
	return MM_EXIT_OK;
}

static int assign(const char *module, char **args, size_t n, const struct kernel_param_value *lv,
		  size_t nlv, const struct declared *d, const struct params_opts *o)
{
	struct assign *a = mm_calloc(n, sizeof(*a));
	int status;

	if (parse_assigns(args, n, a) < 0) {
		status = mm_usage_error();
	} else if (check_all(module, a, n, lv, nlv, d) < 0) {
		status = MM_EXIT_FAIL;
	} else if (o->check) {
		for (size_t i = 0; i < n; i++)
			printf("%s: %s -> %s (not written: --check)\n", a[i].name, a[i].old,
			       a[i].value);
		status = MM_EXIT_OK;
	} else {
		status = write_all(module, a, n);
	}
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].old);
	}
	free(a);
	return status;
}

static int parse(int argc, char *argv[], struct params_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS OUT_TABLE_SHORTOPTS "h", options,
				NULL)) != -1) {
		if (mm_moddir_opt(c, optarg) || out_opt(c, optarg, &o->out))
			continue;
		if (c == OPT_FILE) {
			o->file = optarg;
		} else if (c == OPT_CHECK) {
			o->check = true;
		} else if (c == 'h') {
			usage();
			return MM_EXIT_OK;
		} else {
			return mm_usage_error();
		}
	}
	if ((c = mm_table_select(&spec, &o->out, &o->sel)) >= 0)
		return c;
	if (optind >= argc) {
		mm_error("no MODULE given");
		return mm_usage_error();
	}
	if (o->check && optind + 1 >= argc) {
		mm_error("--check checks NAME=VALUE assignments; none given");
		return mm_usage_error();
	}
	return -1;
}

static int run(int argc, char *argv[])
{
	struct params_opts o = { 0 };
	struct declared d = { 0 };
	struct kernel_param_value *lv = NULL;
	size_t nlv = 0;
	char *name;
	int status = parse(argc, argv, &o);

	if (status >= 0)
		return status;
	name = mm_modname_normalize(mm_strdup(argv[optind]));
	if (kernel_param_values(name, &lv, &nlv) < 0) {
		mm_error("%s", kernel_has_modules() ? mm_errmsg()
						    : "this kernel has no loadable-module support");
		status = MM_EXIT_FAIL;
	} else if (find_declared(name, &o, &d) < 0) {
		status = MM_EXIT_FAIL;
	} else if (optind + 1 < argc) {
		status = assign(name, argv + optind + 1, (size_t)(argc - optind - 1), lv, nlv, &d,
				&o);
	} else {
		status = show(name, lv, nlv, &d, &o);
	}
	kernel_param_values_free(lv, nlv);
	declared_free(&d);
	free(name);
	return status;
}

const struct mm_cmd cmd_params = {
	.name = "params",
	.run = run,
	.needs = MM_NEEDS_MODDIR,
	.summary = "show or set a loaded module's parameters",
};
