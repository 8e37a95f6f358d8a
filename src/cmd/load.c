// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod load: hand a module to the kernel, and explain a refusal. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "jobs.h"
#include "modcmd.h"
#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"
#include "plan.h"

enum {
	OPT_IGNORE_CONFIG = 256,
	OPT_FORCE_VERMAGIC,
	OPT_FORCE_MODVERSION,
	OPT_WITH_DEPS,
	OPT_NO_ROLLBACK,
	OPT_DEBUG,
	OPT_IGNORE_INSTALL,
	OPT_FIRST_TIME,
	OPT_USE_BLACKLIST,
	OPT_JOBS,
};

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	{ "dry-run", no_argument, NULL, 'n' },
	{ "ignore-config", no_argument, NULL, OPT_IGNORE_CONFIG },
	{ "force-vermagic", no_argument, NULL, OPT_FORCE_VERMAGIC },
	{ "force-modversion", no_argument, NULL, OPT_FORCE_MODVERSION },
	{ "force", no_argument, NULL, 'f' },
	{ "with-deps", no_argument, NULL, OPT_WITH_DEPS },
	{ "no-rollback", no_argument, NULL, OPT_NO_ROLLBACK },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "ignore-install", no_argument, NULL, 'i' },
	{ "all", no_argument, NULL, 'a' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "first-time", no_argument, NULL, OPT_FIRST_TIME },
	{ "use-blacklist", no_argument, NULL, OPT_USE_BLACKLIST },
	{ "jobs", required_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod load [OPTIONS] FILE|NAME [PARAM=VALUE...] [FILE|NAME "
	      "[PARAM=VALUE...]]...\n"
	      "       mymod load -a [OPTIONS] FILE|NAME...\n"
	      "\n"
	      "Load modules into the running kernel: a file, or a module name or alias\n"
	      "looked up in the module directory (then modprobe.d's options apply). The\n"
	      "parameters after a module are its own; a word without '=' that names a\n"
	      "module or file starts the next one (-a: every word is a module).\n"
	      "\n"
	      "Options:\n"
	      "  -n, --dry-run          print what would be done, change nothing\n"
	      "      --ignore-config    do not apply modprobe.d's options\n"
	      "  -i, --ignore-install   load the module itself, not modprobe.d's install command\n"
	      "  -a, --all              every argument is a module (no parameters), as modprobe "
	      "-a\n"
	      "  -q, --quiet            print no errors or warnings (the exit status tells)\n"
	      "      --first-time       fail when a module is loaded already\n"
	      "      --use-blacklist    apply modprobe.d's blacklist to names too, not only "
	      "aliases\n"
	      "      --force-vermagic   ignore the module's version magic (taints the kernel)\n"
	      "      --force-modversion ignore the symbol versions (taints the kernel)\n"
	      "  -f, --force            both of the above\n"
	      "      --with-deps        load what NAME needs first, as modprobe does, and\n"
	      "                         unload it all again if one of them fails\n"
	      "      --no-rollback      with --with-deps: keep what was loaded when one fails\n"
	      "      --debug            turn its dynamic-debug callsites on (dyndbg=+p)\n"
	      "  -j, --jobs=N           load up to N modules at once whose chains share no\n"
	      "                         module (default: the number of CPUs)\n"
	      "  -v, --verbose          say what was loaded, and how\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
}

struct load_opts {
	unsigned int flags;
	bool dry_run;
	bool ignore_config;
	bool verbose;
	bool with_deps;
	bool no_rollback;
	bool debug;
	bool ignore_install;
	bool all;
	bool first_time;
	bool use_blacklist;
	unsigned int jobs;
};

/* --first-time: NAME is in the kernel already. */
static int not_first(const char *name)
{
	mm_error("%s is already loaded (--first-time)", name);
	return MM_EXIT_FAIL;
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
	if (method == KERNEL_LOAD_FINIT_COMPRESSED)
		printf(", decompressed by the kernel from %s", ko_comp_name(ko_compression(ko)));
	printf("%s\n", ignoring[(lo->flags & KERNEL_LOAD_FORCE_VERMAGIC ? 1 : 0) |
				(lo->flags & KERNEL_LOAD_FORCE_MODVERSION ? 2 : 0)]);
}

/* Load the file at PATH; MT is the module directory it was found in (NULL: none opened). */
static int load_file(struct modtree *mt, const char *path, const char *config, char **params,
		     int nparams, const struct load_opts *lo)
{
	struct attempt a = { 0 };
	enum kernel_mod_state state;
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
	if ((state == KERNEL_MOD_LIVE || state == KERNEL_MOD_BUILTIN) && lo->first_time) {
		ret = not_first(name);
		goto out;
	}
	if (state == KERNEL_MOD_LIVE || state == KERNEL_MOD_BUILTIN) {
		printf("%s is %s\n", name,
		       state == KERNEL_MOD_LIVE ? "already loaded" : "built into the kernel");
		if (nparams > 0)
			mm_warn("the parameters given were not applied%s",
				state == KERNEL_MOD_LIVE ? ": unload it first to change them" : "");
		ret = MM_EXIT_OK;
		goto out;
	}
	pstr = load_param_string(config, params, nparams);
	if (lo->dry_run || lo->verbose)
		describe(lo, ko, path, pstr);
	if (lo->dry_run) {
		ret = MM_EXIT_OK;
		goto out;
	}
	attempt_load(mt, ko, pstr, lo->flags, &a);
	if (a.already)
		printf("%s is already loaded\n", name);
	if (a.err == 0 || a.already)
		ret = MM_EXIT_OK;
	else
		report_failure(path, &a);
out:
	attempt_done(&a);
	free(pstr);
	ko_close(ko);
	return ret;
}

/* An alias names NAME, which modprobe.d blacklists: as modprobe, it is not loaded. */
static void say_blacklisted(const char *arg, const char *name)
{
	mm_warn("%s: alias of %s, which modprobe.d blacklists: not loaded", arg, name);
}

/* Every module ARG names was passed over as blacklisted: as modprobe, that is no failure. */
static int all_blacklisted(const char *arg)
{
	mm_warn("%s: every module it names is blacklisted: nothing loaded", arg);
	mm_hint("load the module by its own name to override the blacklist");
	return MM_EXIT_OK;
}

/* What load_name() loads each module of a name with. */
struct named {
	char **params;
	int nparams;
	const struct load_opts *lo;
	size_t tried; /* modules not passed over as blacklisted */
};

/* Load T, one of the modules a name or alias names. */
/*
 * modprobe.d's install command for NAME, unless -i or this run is that
 * command's own (MODPROBE_MODULE): *CMD, to run instead of loading it.
 */
static bool install_command(struct modtree *mt, const char *name, const struct load_opts *lo,
			    char **cmd)
{
	*cmd = NULL;
	if (lo->ignore_install || modcmd_inside(name))
		return false;
	return modtree_install_command(mt, name, cmd) == 0 && *cmd;
}

/* Run NAME's install command with the options it would have been loaded with. */
static int run_install(const char *name, const char *cmd, const char *config, char **params,
		       int nparams, const struct load_opts *lo)
{
	char *pstr = load_param_string(config, params, nparams);
	int err;

	if (kernel_module_state(name) == KERNEL_MOD_LIVE) {
		free(pstr);
		if (lo->first_time)
			return not_first(name);
		printf("%s is already loaded\n", name);
		return MM_EXIT_OK;
	}
	err = modcmd_run("install", name, cmd, pstr, lo->dry_run);
	free(pstr);
	return err != 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

static int load_target(const struct mm_target *t, void *data)
{
	struct named *nm = data;
	struct modtree *mt = mm_modtree(t->arg);
	char *config = NULL, *cmd = NULL;
	int ret;

	if (t->kind == MM_TARGET_BUILTIN) {
		nm->tried++;
		printf("%s is built into the kernel\n", t->name);
		return 0;
	}
	/* As modprobe: the blacklist applies to aliases, not to a module's own name. */
	if ((t->by_alias || nm->lo->use_blacklist) && modtree_blacklisted(mt, t->name)) {
		say_blacklisted(t->arg, t->name);
		return 0;
	}
	/* As modprobe: the options given to the alias too. */
	if (!nm->lo->ignore_config &&
	    modtree_probe_options(mt, t->name, t->by_alias ? t->arg : NULL, &config) < 0) {
		mm_error("%s", mm_errmsg());
		return -EINVAL;
	}
	nm->tried++;
	if (install_command(mt, t->name, nm->lo, &cmd))
		ret = run_install(t->name, cmd, config, nm->params, nm->nparams, nm->lo);
	else
		ret = load_file(mt, t->path, config, nm->params, nm->nparams, nm->lo);
	free(cmd);
	free(config);
	return ret == MM_EXIT_OK ? 0 : -EIO;
}

static int load_name(const char *arg, char **params, int nparams, const struct load_opts *lo)
{
	struct named nm = { params, nparams, lo, 0 };

	if (mm_resolve(arg, 0, load_target, &nm) < 0)
		return MM_EXIT_FAIL;
	return nm.tried ? MM_EXIT_OK : all_blacklisted(arg);
}

/* ---- --with-deps: a chain, loaded as one plan ---- */

/* What each step of load --with-deps is loaded with. */
struct step_ctx {
	struct modtree *mt;
	char **params; /* for the root */
	int nparams;
	const struct load_opts *lo;
};

/* Open step S's file; a required one's failure is an error, a softdep's a warning. */
static struct ko *open_step(const struct chain_step *s)
{
	struct ko *ko;
	const char *why;

	if (s->path && ko_open(s->path, &ko) == 0)
		return ko;
	why = s->path ? mm_errmsg() : "no file for it in the module directory";
	if (s->required)
		mm_error("%s: %s", s->path ? s->path : s->name, why);
	else
		mm_warn("%s: not loaded (%s); going on without this soft dependency, as modprobe "
			"does",
			s->name, why);
	return NULL;
}

/* What became of step S's attempt A; a required one's failure is an error, a softdep's a warning.
 */
static enum plan_result step_outcome(const struct chain_step *s, const struct attempt *a,
				     bool verbose)
{
	if (a->err == 0)
		return PLAN_LOADED;
	if (a->already) {
		if (verbose)
			printf("%s is already loaded\n", s->name);
		return PLAN_SKIPPED;
	}
	if (s->required)
		report_failure(s->path, a);
	else
		mm_warn("%s: not loaded: %s; going on without this soft dependency, as modprobe "
			"does",
			s->name, a->why.v[0].message);
	return PLAN_FAILED;
}

/* Load one module of the chain (plan_ops.load); with --dry-run, say how only. */
static enum plan_result load_step(const struct chain_step *s, const void *ctx)
{
	const struct step_ctx *sc = ctx;
	const struct load_opts *lo = sc->lo;
	enum plan_result res = PLAN_SKIPPED;
	struct attempt a = { 0 };
	struct ko *ko = open_step(s);
	char *pstr, *cmd = NULL;

	if (!ko)
		return PLAN_FAILED;
	if (s->install && install_command(sc->mt, s->name, lo, &cmd)) {
		res = run_install(s->name, cmd, s->options, s->root ? sc->params : NULL,
				  s->root ? sc->nparams : 0, lo) == MM_EXIT_OK
			      ? (lo->dry_run ? PLAN_SKIPPED : PLAN_LOADED)
			      : PLAN_FAILED;
		free(cmd);
		ko_close(ko);
		return res;
	}
	pstr = load_param_string(s->options, s->root ? sc->params : NULL,
				 s->root ? sc->nparams : 0);
	if (lo->dry_run || lo->verbose)
		describe(lo, ko, s->path, pstr);
	if (!lo->dry_run) {
		attempt_load(sc->mt, ko, pstr, lo->flags, &a);
		res = step_outcome(s, &a, lo->verbose);
	}
	attempt_done(&a);
	free(pstr);
	ko_close(ko);
	return res;
}

/*
 * modprobe's way: ARG's modules (a blacklisted one only by its own name),
 * unless already in the kernel, each with its dependencies and softdeps.
 */
static int load_with_deps(const char *arg, char **params, int nparams, const struct load_opts *lo)
{
	struct step_ctx sc = { .params = params, .nparams = nparams, .lo = lo };
	struct plan_ops ops = {
		.load = load_step,
		.ctx = &sc,
		.tell = lo->dry_run || lo->verbose,
		.no_rollback = lo->no_rollback,
	};
	const struct chain_root *roots;
	struct chain *c = NULL;
	size_t nroots = 0, tried = 0;
	int err, ret = MM_EXIT_FAIL;

	if (chain_open(arg, false, &c, &roots, &nroots) < 0)
		goto out;
	for (size_t i = 0; i < nroots; i++) {
		enum kernel_mod_state state;

		if ((roots[i].via || lo->use_blacklist) && roots[i].blacklisted) {
			say_blacklisted(arg, roots[i].name);
			continue;
		}
		tried++;
		/* As modprobe: a module in the kernel already is left as it is, and its deps too.
		 */
		state = plan_in_kernel(roots[i].name, roots[i].builtin, !lo->first_time);
		if (state != KERNEL_MOD_ABSENT && lo->first_time) {
			ret = not_first(roots[i].name);
			goto out;
		}
		if (state == KERNEL_MOD_LIVE && nparams > 0)
			mm_warn("the parameters given were not applied: unload it first to change "
				"them");
		if (state != KERNEL_MOD_ABSENT)
			continue;
		err = chain_add(c, &roots[i], !lo->ignore_config);
		if (err < 0) {
			mm_error("%s: %s", roots[i].name, mm_errmsg());
			goto out;
		}
	}
	if (!tried) {
		ret = all_blacklisted(arg);
		goto out;
	}
	sc.mt = chain_modtree(c);
	ret = plan_load(c, &ops);
out:
	chain_free(c);
	return ret;
}

/* --jobs N: 1 to 1024. */
static int parse_jobs(const char *arg, unsigned int *jobs)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (end == arg || *end || n < 1 || n > 1024 || arg[0] == '-') {
		mm_error("--jobs: '%s' is not a number from 1 to 1024", arg);
		return -EINVAL;
	}
	*jobs = (unsigned int)n;
	return 0;
}

/* Parse the options into LO: -1 to go on, else the exit status. */
static int parse_options(int argc, char *argv[], struct load_opts *lo)
{
	int c;

	while ((c = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS "nfviaqj:h", options, NULL)) !=
	       -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case 'n':
			lo->dry_run = true;
			break;
		case OPT_IGNORE_CONFIG:
			lo->ignore_config = true;
			break;
		case OPT_FORCE_VERMAGIC:
			lo->flags |= KERNEL_LOAD_FORCE_VERMAGIC;
			break;
		case OPT_FORCE_MODVERSION:
			lo->flags |= KERNEL_LOAD_FORCE_MODVERSION;
			break;
		case 'f':
			lo->flags |= KERNEL_LOAD_FORCE_VERMAGIC | KERNEL_LOAD_FORCE_MODVERSION;
			break;
		case 'v':
			lo->verbose = true;
			break;
		case OPT_WITH_DEPS:
			lo->with_deps = true;
			break;
		case OPT_NO_ROLLBACK:
			lo->no_rollback = true;
			break;
		case OPT_DEBUG:
			lo->debug = true;
			break;
		case 'i':
			lo->ignore_install = true;
			break;
		case 'a':
			lo->all = true;
			break;
		case 'q':
			mm_cfg.quiet = true;
			break;
		case OPT_FIRST_TIME:
			lo->first_time = true;
			break;
		case OPT_USE_BLACKLIST:
			lo->use_blacklist = true;
			break;
		case 'j':
			if (parse_jobs(optarg, &lo->jobs) < 0)
				return mm_usage_error();
			break;
		case 'h':
			usage();
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	return -1;
}

/* The rest of the command line: a module, then PARAM or PARAM=VALUE each. -1 when good. */
static int check_args(int argc, char *argv[], const struct load_opts *lo)
{
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
	for (int i = optind; lo->all && i < argc; i++) {
		if (strchr(argv[i], '=')) {
			mm_error("-a: every argument is a module; '%s' is a parameter (give "
				 "parameters without -a, after their module)",
				 argv[i]);
			return mm_usage_error();
		}
	}
	if (lo->no_rollback && !lo->with_deps) {
		mm_error("--no-rollback goes with --with-deps");
		return mm_usage_error();
	}
	if (lo->with_deps && mm_is_path(argv[optind])) {
		mm_error("--with-deps: '%s' is a file: give a module name or alias, whose "
			 "dependencies the module directory lists",
			 argv[optind]);
		return mm_usage_error();
	}
	return -1;
}

/* One module ARG with its NPARAMS parameters ARGS. */
static int load_one(const char *arg, char **args, int nargs, const struct load_opts *lo)
{
	/* --debug: the kernel's dynamic-debug parameter, after the command line's. */
	char **params = mm_calloc((size_t)nargs + 2, sizeof(*params));
	int ret, nparams = nargs;

	memcpy(params, args, (size_t)nargs * sizeof(*params));
	if (lo->debug)
		params[nparams++] = (char *)"dyndbg=+p";
	if (lo->with_deps)
		ret = load_with_deps(arg, params, nparams, lo);
	else if (mm_is_path(arg))
		ret = load_file(NULL, arg, NULL, params, nparams, lo);
	else
		ret = load_name(arg, params, nparams, lo);
	free(params);
	return ret;
}

/* Does ARG, after a module, start the next module (a file, or a name or alias there is)? */
static bool next_module(const char *arg)
{
	struct modtree *mt;
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	bool yes;

	if (strchr(arg, '='))
		return false;
	if (mm_is_path(arg))
		return true;
	mt = mm_modtree_try();
	yes = mt && modtree_lookup(mt, arg, &mods, &n) == 0 && n > 0;
	modtree_mods_free(mods, n);
	return yes;
}

/* ---- --jobs: modules whose chains share nothing, loaded at once ---- */

/* One module of the command line: argv[at], then its NPARAMS parameters. */
struct modarg {
	int at;
	int nparams;
	size_t group; /* the first modarg of its group (union-find) */
};

struct groups {
	char **argv;
	struct modarg *m;
	size_t n;
	size_t *first; /* each group's first modarg */
	size_t ngroups;
	const struct load_opts *lo;
};

/* Add module NAME ('_' form) to the list NAMES ("\nNAME\n" each) unless it is there. */
static void add_name(struct mm_strbuf *names, const char *name)
{
	char *entry = mm_asprintf("\n%s\n", name);

	if (!names->s || !strstr(names->s, entry))
		mm_strbuf_add(names, entry);
	free(entry);
}

/* Add to NAMES each module of MODS (N of them), then free them. */
static void add_mods(struct mm_strbuf *names, struct modtree_mod *mods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add_name(names, mods[i].name);
	modtree_mods_free(mods, n);
}

/* Add to NAMES, after each module already there, what it needs and its softdeps. */
static void add_needed(struct modtree *mt, struct mm_strbuf *names)
{
	struct modtree_mod *deps, *pre, *post;
	size_t n, npre, npost;

	/* NAMES grows as it is read: each module added is looked at in turn. */
	for (size_t at = 0; mt && names->s && at < names->len;) {
		size_t len = strcspn(names->s + at + 1, "\n");
		char *name = mm_strndup(names->s + at + 1, len);

		at += len + 2;
		if (modtree_deps(mt, name, &deps, &n) == 0)
			add_mods(names, deps, n);
		if (modtree_softdeps(mt, name, &pre, &npre, &post, &npost) == 0) {
			add_mods(names, pre, npre);
			add_mods(names, post, npost);
		}
		free(name);
	}
}

/*
 * The modules ARG's load may need or bring, each as "\nNAME\n": what it
 * names, what those need (modules.dep; a file's own modinfo "depends"),
 * and their softdeps, all the way down. Whether or not --with-deps loads
 * them, a module and one it needs stay in one group, loaded in
 * command-line order.
 */
static char *closure(const char *arg)
{
	struct modtree *mt = mm_modtree_try();
	struct modtree_mod *mods = NULL;
	struct mm_strbuf names = { 0 };
	size_t n = 0;
	struct ko *ko;
	char *own, *save = NULL;

	if (mm_is_path(arg) || !mt || modtree_resolve(mt, arg, &mods, &n) < 0 || n == 0) {
		own = mm_modname_normalize(mm_modname_from_path(arg));
		add_name(&names, own);
		free(own);
	}
	add_mods(&names, mods, n);
	if (mm_is_path(arg) && ko_open(arg, &ko) == 0) {
		own = ko_modinfo_get(ko, "depends") ? mm_strdup(ko_modinfo_get(ko, "depends"))
						    : NULL;
		for (char *d = own ? strtok_r(own, ",", &save) : NULL; d;
		     d = strtok_r(NULL, ",", &save))
			add_name(&names, mm_modname_normalize(d));
		free(own);
		ko_close(ko);
	}
	add_needed(mt, &names);
	return names.s; /* never empty: ARG's own module at least */
}

/* Do the "\nNAME\n" lists A and B share a module? */
static bool share(const char *a, const char *b)
{
	char *copy = mm_strdup(a), *save = NULL, needle[128];
	bool yes = false;

	for (char *name = strtok_r(copy, "\n", &save); name && !yes;
	     name = strtok_r(NULL, "\n", &save)) {
		snprintf(needle, sizeof(needle), "\n%s\n", name);
		yes = strstr(b, needle) != NULL;
	}
	free(copy);
	return yes;
}

static size_t root_of(struct modarg *m, size_t i)
{
	while (m[i].group != i)
		i = m[i].group = m[m[i].group].group;
	return i;
}

/* Put G's modules that share a module into one group, in command-line order. */
static void make_groups(struct groups *g)
{
	char **sets = mm_calloc(g->n, sizeof(*sets));

	for (size_t i = 0; i < g->n; i++) {
		sets[i] = closure(g->argv[g->m[i].at]);
		g->m[i].group = i;
		for (size_t k = 0; k < i; k++) {
			size_t a = root_of(g->m, k), b = root_of(g->m, i);

			if (a != b && share(sets[k], sets[i]))
				g->m[b > a ? b : a].group = b > a ? a : b;
		}
	}
	g->first = mm_calloc(g->n, sizeof(*g->first));
	for (size_t i = 0; i < g->n; i++)
		if (root_of(g->m, i) == i)
			g->first[g->ngroups++] = i;
	for (size_t i = 0; i < g->n; i++)
		free(sets[i]);
	free(sets);
}

/* --verbose, --dry-run: "2 groups, up to 4 at once: a b | c" (the arguments as given). */
static void say_groups(const struct groups *g, unsigned int jobs)
{
	printf("%zu group%s, up to %u at once:", g->ngroups, g->ngroups == 1 ? "" : "s", jobs);
	for (size_t i = 0; i < g->ngroups; i++) {
		if (i > 0)
			fputs(" |", stdout);
		for (size_t k = g->first[i]; k < g->n; k++)
			if (root_of(g->m, k) == g->first[i])
				printf(" %s", g->argv[g->m[k].at]);
	}
	putchar('\n');
}

/* jobs_fn: load group I's modules, one after another. */
static int load_group(size_t i, void *data)
{
	struct groups *g = data;
	int ret = MM_EXIT_OK;

	for (size_t k = g->first[i]; k < g->n; k++) {
		if (root_of(g->m, k) != g->first[i])
			continue;
		if (load_one(g->argv[g->m[k].at], g->argv + g->m[k].at + 1, g->m[k].nparams,
			     g->lo) != MM_EXIT_OK)
			ret = MM_EXIT_FAIL;
	}
	return ret;
}

static int run(int argc, char *argv[])
{
	struct load_opts lo = { .jobs = 0 }; /* 0: jobs_default() */
	struct groups g = { .argv = argv, .lo = &lo };
	int ret = parse_options(argc, argv, &lo);

	if (ret < 0)
		ret = check_args(argc, argv, &lo);
	if (ret >= 0)
		return ret;
	g.m = mm_calloc((size_t)argc, sizeof(*g.m));
	for (int i = optind, j; i < argc; i = j) {
		for (j = i + 1; !lo.all && j < argc && !next_module(argv[j]); j++)
			;
		if (lo.all)
			j = i + 1;
		g.m[g.n++] = (struct modarg){ .at = i, .nparams = j - i - 1 };
	}
	if (lo.jobs == 0)
		lo.jobs = jobs_default();
	if (lo.jobs > 1 && g.n > 1)
		make_groups(&g);
	if (g.ngroups > 1) {
		if (lo.verbose || lo.dry_run)
			say_groups(&g, lo.jobs);
		ret = jobs_run(g.ngroups, lo.jobs, load_group, &g);
	} else {
		ret = MM_EXIT_OK;
		for (size_t k = 0; k < g.n; k++)
			if (load_one(argv[g.m[k].at], argv + g.m[k].at + 1, g.m[k].nparams, &lo) !=
			    MM_EXIT_OK)
				ret = MM_EXIT_FAIL;
	}
	free(g.first);
	free(g.m);
	return ret;
}

const struct mm_cmd cmd_load = {
	.name = "load",
	.run = run,
	.summary = "load a module into the running kernel",
	.needs = MM_NEEDS_MODDIR,
};
