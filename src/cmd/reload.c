// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod reload: replace a loaded module with a rebuilt file in one step,
 * keeping its parameter values; when the new file does not load, the old
 * build goes back in, from memory, with its values. A module in use is
 * refused, or (--with-holders) its holders go out and come back too.
 *
 * The old build's bytes must be at hand before anything is unloaded: a
 * file whose build id is the loaded module's (--old, the copy the last
 * reload kept in /run/mymod/reload, the module directory's, the new file
 * itself), or nothing with --no-fallback.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attempt.h"
#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

#define RELOAD_CACHE "/run/mymod/reload"

enum { OPT_OLD = 0x100, OPT_WITH_HOLDERS, OPT_NO_FALLBACK };

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	{ "old", required_argument, NULL, OPT_OLD },
	{ "with-holders", no_argument, NULL, OPT_WITH_HOLDERS },
	{ "no-fallback", no_argument, NULL, OPT_NO_FALLBACK },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod reload [OPTIONS] FILE|MODULE [PARAM=VALUE...]\n"
	      "\n"
	      "Replace the loaded module with FILE (or MODULE's file in the module\n"
	      "directory), with the parameter values the loaded one has (PARAM=VALUE\n"
	      "overrides), and print the new module's kernel log lines. When it does not\n"
	      "load, the old build is loaded back with its values.\n"
	      "\n"
	      "Options:\n"
	      "      --old=FILE         the loaded module's file, to fall back on\n"
	      "      --with-holders     unload the modules that use it, load them back after\n"
	      "      --no-fallback      go on without the old build's file at hand\n"
	      "  -J, --json             print the report as JSON\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
}

/*
 * --json: the report, filled as the reload goes (NULL: plain text). One
 * command run, one report.
 */
static struct json_object *report;

/* Set KEY of the report to the string VALUE. */
static void report_str(const char *key, const char *value)
{
	json_object_object_add(report, key, out_json_str(value));
}

struct reload_opts {
	const char *old;
	bool with_holders, no_fallback;
};

/* A module taken out, to be put back: its bytes and parameter values. */
struct taken {
	char *name;
	void *image; /* its ELF image, NULL when none is at hand */
	size_t len;
	char *from; /* where the image came from */
	char *params;
	bool out;
};

static void taken_free(struct taken *t)
{
	free(t->name);
	free(t->image);
	free(t->from);
	free(t->params);
}

/* The image of PATH when its build id is ID (any, when ID is NULL). */
static void *image_if(const char *path, const char *id, size_t *len)
{
	const struct ko_elf_info *elf;
	const void *img;
	struct ko *ko;
	void *copy = NULL;

	if (!path || ko_open(path, &ko) < 0)
		return NULL;
	if (ko_elf_info(ko, &elf) == 0 && (!id || (elf->build_id && !strcmp(elf->build_id, id))) &&
	    (img = ko_elf_image(ko, len))) {
		copy = mm_malloc(*len);
		memcpy(copy, img, *len);
	}
	ko_close(ko);
	return copy;
}

/* The module directory's file of NAME, or NULL. */
static char *tree_file(const char *name)
{
	struct modtree *mt = mm_modtree_try();
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	char *path = NULL;

	if (mt && modtree_lookup(mt, name, &mods, &n) == 0 && n && mods[0].path)
		path = mm_strdup(mods[0].path);
	modtree_mods_free(mods, n);
	return path;
}

/* T's loaded build, in memory: the first candidate file with its build id. */
static void find_image(struct taken *t, const char *old, const char *newfile)
{
	char *cache = mm_asprintf(RELOAD_CACHE "/%s.ko", t->name), *tree = tree_file(t->name);
	const char *cands[] = { old, cache, tree, newfile };
	char *id = NULL;

	if (kernel_module_build_id(t->name, &id) < 0 && old) {
		/* No build id to compare: --old is taken at its word. */
		t->image = image_if(old, NULL, &t->len);
		t->from = t->image ? mm_strdup(old) : NULL;
	}
	for (size_t i = 0; id && !t->image && i < MM_ARRAY_SIZE(cands); i++) {
		t->image = image_if(cands[i], id, &t->len);
		if (t->image)
			t->from = mm_strdup(cands[i]);
	}
	free(id);
	free(cache);
	free(tree);
}

static bool named(const char *pname, char **params, int n)
{
	size_t len = strlen(pname);

	for (int i = 0; i < n; i++)
		if (strncmp(params[i], pname, len) == 0 && params[i][len] == '=')
			return true;
	return false;
}

static bool declares(struct ko *ko, const char *pname)
{
	const struct ko_param *p;
	size_t n;

	if (!ko || ko_params(ko, &p, &n) < 0)
		return ko == NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, pname) == 0)
			return true;
	return false;
}

/*
 * NAME's readable parameter values as a parameter string: those NEWKO
 * declares (all when NULL), but not those the command line sets (ARGS).
 */
static char *current_params(const char *name, struct ko *newko, char **args, int nargs)
{
	struct kernel_param_value *v;
	char **kv;
	size_t n, k = 0;
	char *s;

	if (kernel_param_values(name, &v, &n) < 0)
		return mm_strdup("");
	kv = mm_calloc(n + 1, sizeof(*kv));
	for (size_t i = 0; i < n; i++) {
		if (!v[i].value || strcmp(v[i].value, "(null)") == 0 ||
		    named(v[i].name, args, nargs))
			continue;
		if (!declares(newko, v[i].name)) {
			mm_warn("%s=%s is not passed on: the new file has no parameter %s",
				v[i].name, v[i].value, v[i].name);
			continue;
		}
		kv[k++] = mm_asprintf("%s=%s", v[i].name, v[i].value);
	}
	s = load_param_string(NULL, kv, (int)k);
	for (size_t i = 0; i < k; i++)
		free(kv[i]);
	free(kv);
	kernel_param_values_free(v, n);
	return s;
}

static int unload_one(const char *name)
{
	struct findings why;
	int err = kernel_unload(name, 0);

	if (err == 0)
		return 0;
	findings_explain_unload(err, name, &why);
	mm_error("%s", why.v[0].message);
	if (why.v[0].hint)
		mm_hint("%s", why.v[0].hint);
	findings_free(&why);
	return err;
}

/* Load IMAGE (in memory) back as T's module; 0 or -errno after saying why. */
static int put_back(struct taken *t)
{
	struct attempt a;
	struct ko *ko;
	int err = ko_open_mem(t->image, t->len, t->name, &ko);

	if (err < 0) {
		mm_error("%s: %s", t->from, mm_errmsg());
		return err;
	}
	attempt_load(NULL, ko, t->params, 0, &a);
	err = a.err;
	if (err == 0 || a.already)
		t->out = false;
	else
		report_failure(t->from, &a);
	attempt_done(&a);
	ko_close(ko);
	return a.already ? 0 : err;
}

/* The report's array of the holders loaded back. */
static struct json_object *holders_json(void)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(report, "holders_back", &arr)) {
		arr = json_object_new_array();
		json_object_object_add(report, "holders_back", arr);
	}
	return arr;
}

/* Put back the holders taken out, last out first in. */
static void holders_back(struct taken *h, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		if (!h[i].out)
			continue;
		if (put_back(&h[i]) == 0 && report)
			json_object_array_add(holders_json(), out_json_str(h[i].name));
		else if (!h[i].out)
			printf("%s loaded back\n", h[i].name);
		else
			mm_error("%s could not be loaded back", h[i].name);
	}
}

/* NAME's holders, each with its loaded build and values at hand; -1 after saying why not. */
static int take_holders(const char *name, const struct reload_opts *o, struct taken **hp,
			size_t *np)
{
	char **names = NULL, **up = NULL;
	size_t n = 0, nup = 0;
	struct taken *h;
	int err = 0;

	*hp = NULL;
	*np = 0;
	if (kernel_module_holders(name, &names, &n) < 0 || n == 0)
		return 0;
	if (!o->with_holders) {
		char *list = mm_join((const char *const *)names, n, ", ");

		mm_error("%s is in use by %s", name, list);
		mm_hint("--with-holders unloads them and loads them back afterwards");
		free(list);
		kernel_names_free(names, n);
		return -1;
	}
	h = mm_calloc(n, sizeof(*h));
	for (size_t i = 0; i < n && !err; i++) {
		h[i].name = mm_strdup(names[i]);
		if (kernel_module_holders(names[i], &up, &nup) == 0 && nup) {
			mm_error("%s, which uses %s, is itself in use by %s: unload that first",
				 names[i], name, up[0]);
			err = -1;
		}
		kernel_names_free(up, nup);
		find_image(&h[i], NULL, NULL);
		if (!err && !h[i].image) {
			mm_error(
				"%s uses %s, and no file of its loaded build is at hand to load it "
				"back (the module directory has none with its build id)",
				names[i], name);
			err = -1;
		}
		h[i].params = current_params(names[i], NULL, NULL, 0);
	}
	kernel_names_free(names, n);
	*hp = h;
	*np = n;
	return err;
}

/* Keep the image now loaded, so that the next reload can fall back on it. */
static void keep(const char *name, struct ko *ko)
{
	size_t len;
	const void *img = ko_elf_image(ko, &len);
	char *path = mm_asprintf(RELOAD_CACHE "/%s.ko", name);

	mkdir("/run", 0755); /* an initramfs may have none */
	mkdir("/run/mymod", 0700);
	mkdir(RELOAD_CACHE, 0700);
	if (img && mm_write_atomic(path, img, len, 0600) < 0)
		mm_warn("cannot keep a copy of %s for the next reload: %s", name, mm_errmsg());
	free(path);
}

/* The new module's kernel log lines, as it printed them. */
static void say_loaded(const char *name, const char *path, const char *pstr, struct attempt *a)
{
	struct json_object *log;

	if (!report) {
		printf("%s reloaded from %s%s%s\n", name, path, *pstr ? ", parameters: " : "",
		       pstr);
		for (size_t i = 0; i < a->nlines; i++)
			printf("  %s\n", a->lines[i]);
		return;
	}
	report_str("result", "reloaded");
	report_str("parameters", pstr);
	log = json_object_new_array();
	for (size_t i = 0; i < a->nlines; i++)
		json_object_array_add(log, out_json_str(a->lines[i]));
	json_object_object_add(report, "log", log);
}

/* The new build failed: the old one goes back, if it is at hand. */
static void fall_back(struct taken *old)
{
	if (!old->image) {
		mm_error("%s is not loaded now: no file of the old build was at hand "
			 "(--no-fallback)",
			 old->name);
		return;
	}
	if (put_back(old) == 0 && report) {
		report_str("result", "old build back");
		report_str("old_file", old->from);
	} else if (!old->out) {
		printf("%s: the old build is back (from %s), with its parameter values\n",
		       old->name, old->from);
	} else
		mm_error("%s is not loaded now: the old build could not be loaded back either",
			 old->name);
}

/* Unload the holders, then the module; on a failure, put back what went out. */
static int take_out(struct taken *old, struct taken *h, size_t nh)
{
	for (size_t i = 0; i < nh; i++) {
		if (unload_one(h[i].name) < 0) {
			holders_back(h, nh);
			return -1;
		}
		h[i].out = true;
	}
	if (unload_one(old->name) < 0) {
		holders_back(h, nh);
		return -1;
	}
	old->out = true;
	return 0;
}

/* Not loaded: a plain load, said. */
static int first_load(struct ko *ko, const char *path, char **args, int nargs)
{
	char *pstr = load_param_string(NULL, args, nargs);
	struct attempt a;
	int ret = MM_EXIT_OK;

	if (report)
		report_str("result", "loaded");
	else
		printf("%s was not loaded: loading %s\n", ko_name(ko), path);
	attempt_load(NULL, ko, pstr, 0, &a);
	if (a.err && !a.already) {
		report_failure(path, &a);
		ret = MM_EXIT_FAIL;
	} else {
		keep(ko_name(ko), ko);
	}
	attempt_done(&a);
	free(pstr);
	return ret;
}

static int reload(struct ko *ko, const char *path, char **args, int nargs,
		  const struct reload_opts *o)
{
	struct taken old = { .name = mm_strdup(ko_name(ko)) }, *h = NULL;
	char *cfg = NULL, *pstr = NULL;
	struct attempt a = { 0 };
	size_t nh = 0;
	int ret = MM_EXIT_FAIL;

	if (take_holders(old.name, o, &h, &nh) < 0)
		goto out;
	find_image(&old, o->old, path);
	if (!old.image && !o->no_fallback) {
		mm_error("no file of the loaded %s's build is at hand to fall back on", old.name);
		mm_hint("give it with --old FILE, or reload with --no-fallback to go on without");
		goto out;
	}
	old.params = current_params(old.name, NULL, NULL, 0);
	cfg = current_params(old.name, ko, args, nargs);
	pstr = load_param_string(cfg, args, nargs);
	if (take_out(&old, h, nh) < 0)
		goto out;
	attempt_load(NULL, ko, pstr, 0, &a);
	if (a.err == 0) {
		say_loaded(old.name, path, pstr, &a);
		keep(old.name, ko);
		ret = MM_EXIT_OK;
	} else {
		report_failure(path, &a);
		fall_back(&old);
	}
	holders_back(h, nh);
out:
	attempt_done(&a);
	for (size_t i = 0; i < nh; i++)
		taken_free(&h[i]);
	free(h);
	taken_free(&old);
	free(cfg);
	free(pstr);
	return ret;
}

struct target_ctx {
	char **args;
	int nargs;
	const struct reload_opts *o;
	int ret;
};

static int reload_target(const struct mm_target *tg, void *data)
{
	struct target_ctx *c = data;
	enum kernel_mod_state state;
	struct ko *ko;

	if (report) {
		report_str("module", tg->name);
		report_str("file", tg->path);
	}
	if (tg->kind == MM_TARGET_BUILTIN) {
		mm_error("%s is built into the kernel and cannot be reloaded", tg->name);
		return -EINVAL;
	}
	if (ko_open(tg->path, &ko) < 0) {
		mm_error("%s: %s", tg->path, mm_errmsg());
		return -EINVAL;
	}
	state = kernel_module_state(ko_name(ko));
	if (state == KERNEL_MOD_BUILTIN) {
		mm_error("%s is built into the kernel and cannot be reloaded", ko_name(ko));
		c->ret = MM_EXIT_FAIL;
	} else if (state == KERNEL_MOD_ABSENT) {
		c->ret = first_load(ko, tg->path, c->args, c->nargs);
	} else {
		c->ret = reload(ko, tg->path, c->args, c->nargs, c->o);
	}
	ko_close(ko);
	return 0;
}

static int run(int argc, char *argv[])
{
	struct reload_opts o = { 0 };
	struct target_ctx c = { .o = &o, .ret = MM_EXIT_FAIL };
	int opt;

	while ((opt = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS "Jh", options, NULL)) != -1) {
		if (mm_moddir_opt(opt, optarg))
			continue;
		if (opt == OPT_OLD)
			o.old = optarg;
		else if (opt == OPT_WITH_HOLDERS)
			o.with_holders = true;
		else if (opt == OPT_NO_FALLBACK)
			o.no_fallback = true;
		else if (opt == 'J')
			report = json_object_new_object();
		else if (opt == 'h')
			return usage(), MM_EXIT_OK;
		else
			return mm_usage_error();
	}
	if (optind >= argc) {
		mm_error("no FILE or MODULE given");
		return mm_usage_error();
	}
	if (!kernel_has_modules()) {
		mm_error("this kernel has no loadable-module support");
		return MM_EXIT_FAIL;
	}
	c.args = argv + optind + 1;
	c.nargs = argc - optind - 1;
	if (mm_resolve(argv[optind], 0, reload_target, &c) < 0)
		c.ret = MM_EXIT_FAIL;
	if (report) {
		if (!json_object_object_get_ex(report, "result", NULL))
			report_str("result", "failed");
		out_json_print(report);
		json_object_put(report);
		report = NULL;
	}
	return c.ret;
}

const struct mm_cmd cmd_reload = {
	.name = "reload",
	.run = run,
	.needs = MM_NEEDS_MODDIR,
	.summary = "replace a loaded module with a rebuilt file, falling back on failure",
};
