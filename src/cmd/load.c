// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod load: hand a module to the kernel, and explain a refusal. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

enum {
	OPT_IGNORE_CONFIG = 256,
	OPT_FORCE_VERMAGIC,
	OPT_FORCE_MODVERSION,
};

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	{ "dry-run", no_argument, NULL, 'n' },
	{ "ignore-config", no_argument, NULL, OPT_IGNORE_CONFIG },
	{ "force-vermagic", no_argument, NULL, OPT_FORCE_VERMAGIC },
	{ "force-modversion", no_argument, NULL, OPT_FORCE_MODVERSION },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod load [OPTIONS] FILE|NAME [PARAM=VALUE...]\n"
	      "\n"
	      "Load a module into the running kernel: a file, or a module name or alias\n"
	      "looked up in the module directory (then modprobe.d's options apply).\n"
	      "\n"
	      "Options:\n"
	      "  -n, --dry-run          print what would be done, change nothing\n"
	      "      --ignore-config    do not apply modprobe.d's options\n"
	      "      --force-vermagic   ignore the module's version magic (taints the kernel)\n"
	      "      --force-modversion ignore the symbol versions (taints the kernel)\n"
	      "  -f, --force            both of the above\n"
	      "  -v, --verbose          say what was loaded, and how\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
}

struct load_opts {
	unsigned int flags;
	bool dry_run;
	bool ignore_config;
	bool verbose;
};

/* The parameter string: modprobe.d's options first, then the command line's. */
static char *param_string(const char *config, char **params, int nparams)
{
	char *s = mm_strdup(config ? config : "");

	for (int i = 0; i < nparams; i++) {
		const char *eq = strchr(params[i], '=');
		bool quote = eq && strpbrk(eq + 1, " \t") && eq[1] != '"';
		char *old = s;

		if (quote)
			s = mm_asprintf("%s%s%.*s\"%s\"", old, *old ? " " : "",
					(int)(eq - params[i] + 1), params[i], eq + 1);
		else
			s = mm_asprintf("%s%s%s", old, *old ? " " : "", params[i]);
		free(old);
	}
	return s;
}

static void print_log(const char *const *lines, size_t n)
{
	if (!n)
		return;
	fputs("kernel log:\n", stderr);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", lines[i]);
}

/* Warnings the kernel logged while it loaded NAME successfully (e.g. unknown parameters). */
static void warn_from_log(struct kernel_log *log, const char *name)
{
	const char *const *lines;
	size_t n;

	if (!log || kernel_log_read(log, name, &lines, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (strstr(lines[i], "unknown parameter"))
			mm_warn("%s", lines[i]);
}

/* What mymod check finds that explains ERR: precise where the errno alone is not. */
static void explain_with_findings(struct ko *ko, int err)
{
	struct modtree *mt;
	struct findings f;

	if (modtree_open(&mt) < 0)
		return;
	if (findings_for_load_error(mt, ko, err, &f) == 0) {
		for (size_t i = 0; i < f.n; i++) {
			mm_error("check found: %s: %s", f.v[i].code, f.v[i].message);
			if (f.v[i].hint)
				mm_hint("%s", f.v[i].hint);
		}
		findings_free(&f);
	}
	modtree_close(mt);
}

/* "would load NAME (PATH) with SYSCALL, parameters: ..., decompressed ..., ignoring ..." */
static void describe(const struct load_opts *lo, struct ko *ko, const char *path,
		     const char *params)
{
	static const char *const ignoring[] = {
		"",
		", ignoring vermagic",
		", ignoring symbol versions",
		", ignoring vermagic and symbol versions",
	};
	enum kernel_load_method method = kernel_load_method(ko, lo->flags);
	bool decompressed = method == KERNEL_LOAD_INIT || method == KERNEL_LOAD_FINIT_MEMFD;

	printf("%s %s (%s) with %s", lo->dry_run ? "would load" : "loading", ko_name(ko), path,
	       kernel_load_method_name(method));
	if (*params)
		printf(", parameters: %s", params);
	if (decompressed)
		printf(", decompressed in memory from %s", ko_comp_name(ko_compression(ko)));
	printf("%s\n", ignoring[(lo->flags & KERNEL_LOAD_FORCE_VERMAGIC ? 1 : 0) |
				(lo->flags & KERNEL_LOAD_FORCE_MODVERSION ? 2 : 0)]);
}

static int load_file(const char *path, const char *config, char **params, int nparams,
		     const struct load_opts *lo)
{
	struct kernel_explain ex = { NULL, NULL };
	struct kernel_log *log = NULL;
	const char *const *lines = NULL;
	enum kernel_mod_state state;
	size_t nlines = 0;
	struct ko *ko;
	const char *name;
	char *pstr = NULL;
	int err, ret = MM_EXIT_FAIL;

	err = ko_open(path, &ko);
	if (err < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		return MM_EXIT_FAIL;
	}
	name = ko_name(ko);
	state = kernel_module_state(name);
	if (state == KERNEL_MOD_LIVE || state == KERNEL_MOD_BUILTIN) {
		printf("%s is %s\n", name,
		       state == KERNEL_MOD_LIVE ? "already loaded" : "built into the kernel");
		if (nparams > 0)
			mm_warn("the parameters given were not applied%s",
				state == KERNEL_MOD_LIVE ? ": unload it first to change them" : "");
		ret = MM_EXIT_OK;
		goto out;
	}
	pstr = param_string(config, params, nparams);
	if (lo->dry_run || lo->verbose)
		describe(lo, ko, path, pstr);
	if (lo->dry_run) {
		ret = MM_EXIT_OK;
		goto out;
	}
	if (lo->flags)
		mm_warn("forcing %s past its version checks: this taints the kernel, and a "
			"mismatched module can crash it",
			name);
	if (kernel_log_open(&log) < 0)
		log = NULL; /* e.g. dmesg_restrict: explain without the log */
	err = kernel_load(ko, pstr, lo->flags);
	if (err == 0) {
		warn_from_log(log, name);
		ret = MM_EXIT_OK;
		goto out;
	}
	if (err == -EEXIST && kernel_module_state(name) == KERNEL_MOD_LIVE) {
		printf("%s is already loaded\n", name);
		ret = MM_EXIT_OK;
		goto out;
	}
	if (log && kernel_log_read(log, name, &lines, &nlines) < 0)
		nlines = 0;
	kernel_explain_load(err, ko, lines, nlines, &ex);
	mm_error("%s: %s", path, ex.what);
	if (ex.hint)
		mm_hint("%s", ex.hint);
	explain_with_findings(ko, err);
	print_log(lines, nlines);
	kernel_explain_free(&ex);
out:
	kernel_log_close(log);
	free(pstr);
	ko_close(ko);
	return ret;
}

static bool is_alias_of(const char *arg, const char *name)
{
	char *n = mm_modname_from_path(arg);
	bool alias = strcmp(n, name) != 0;

	free(n);
	return alias;
}

static int load_name(const char *arg, char **params, int nparams, const struct load_opts *lo)
{
	struct modtree_mod *mods = NULL;
	struct modtree *mt = NULL;
	size_t n = 0, tried = 0;
	int err, ret = MM_EXIT_OK;

	err = modtree_open(&mt);
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	err = modtree_lookup(mt, arg, &mods, &n);
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		ret = MM_EXIT_FAIL;
		goto out;
	}
	if (n == 0) {
		mm_error("%s: no module or alias of that name in %s", arg, modtree_dir(mt));
		mm_hint("give the path of the .ko file, or check the name with 'mymod info'");
		ret = MM_EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *config = NULL;

		if (mods[i].builtin) {
			printf("%s is built into the kernel\n", mods[i].name);
			tried++;
			continue;
		}
		/* As modprobe: the blacklist applies to aliases, not to a module's own name. */
		if (is_alias_of(arg, mods[i].name) && modtree_blacklisted(mt, mods[i].name)) {
			mm_warn("%s: alias of %s, which modprobe.d blacklists: not loaded", arg,
				mods[i].name);
			continue;
		}
		if (!lo->ignore_config && modtree_options(mt, mods[i].name, &config) < 0) {
			mm_error("%s", mm_errmsg());
			ret = MM_EXIT_FAIL;
			continue;
		}
		if (load_file(mods[i].path, config, params, nparams, lo) != MM_EXIT_OK)
			ret = MM_EXIT_FAIL;
		tried++;
		free(config);
	}
	if (!tried) {
		mm_error("%s: every module it names is blacklisted", arg);
		mm_hint("load the module by its own name to override the blacklist");
		ret = MM_EXIT_FAIL;
	}
out:
	modtree_mods_free(mods, n);
	modtree_close(mt);
	return ret;
}

static int run(int argc, char *argv[])
{
	struct load_opts lo = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS "nfvh", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case 'n':
			lo.dry_run = true;
			break;
		case OPT_IGNORE_CONFIG:
			lo.ignore_config = true;
			break;
		case OPT_FORCE_VERMAGIC:
			lo.flags |= KERNEL_LOAD_FORCE_VERMAGIC;
			break;
		case OPT_FORCE_MODVERSION:
			lo.flags |= KERNEL_LOAD_FORCE_MODVERSION;
			break;
		case 'f':
			lo.flags |= KERNEL_LOAD_FORCE_VERMAGIC | KERNEL_LOAD_FORCE_MODVERSION;
			break;
		case 'v':
			lo.verbose = true;
			break;
		case 'h':
			usage();
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind >= argc) {
		mm_error("no module given");
		return mm_usage_error();
	}
	for (int i = optind + 1; i < argc; i++) {
		if (argv[i][0] == '=' || argv[i][0] == '\0') {
			mm_error("'%s' is not a parameter (PARAM or PARAM=VALUE)", argv[i]);
			return mm_usage_error();
		}
	}
	if (mm_is_path(argv[optind]))
		return load_file(argv[optind], NULL, argv + optind + 1, argc - optind - 1, &lo);
	return load_name(argv[optind], argv + optind + 1, argc - optind - 1, &lo);
}

const struct mm_cmd cmd_load = {
	.name = "load",
	.run = run,
	.summary = "load a module into the running kernel",
};
