// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as modprobe: kmod 34's options, MODPROBE_OPTIONS and
 * messages; what each option does is the cmd layer's (modprobe-probe.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "modprobe.h"
#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "mymod/util.h"
#include "names.h"

struct mp_opts mp;

/* kmod's tools' log threshold: LOG_WARNING until the options are read. */
static int log_threshold = LOG_WARNING;

void mp_log(int prio, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	if (prio > log_threshold)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	mm_kmod_message(prio, msg);
	free(msg);
}

enum {
	OPT_FORCE_VERMAGIC = 1,
	OPT_FORCE_MODVERSION,
	OPT_FIRST_TIME,
	OPT_MODVERSIONS,
	OPT_REMOVE_HOLDERS,
	OPT_EXPORTS
};

static const char shortopts[] = "arw:RibfDcnC:d:S:sqvVh";
static const struct option options[] = {
	{ "all", no_argument, 0, 'a' },
	{ "remove", no_argument, 0, 'r' },
	{ "remove-dependencies", no_argument, 0, OPT_REMOVE_HOLDERS },
	{ "remove-holders", no_argument, 0, OPT_REMOVE_HOLDERS },
	{ "wait", required_argument, 0, 'w' },
	{ "resolve-alias", no_argument, 0, 'R' },
	{ "first-time", no_argument, 0, OPT_FIRST_TIME },
	{ "ignore-install", no_argument, 0, 'i' },
	{ "ignore-remove", no_argument, 0, 'i' },
	{ "use-blacklist", no_argument, 0, 'b' },
	{ "force", no_argument, 0, 'f' },
	{ "force-modversion", no_argument, 0, OPT_FORCE_MODVERSION },
	{ "force-vermagic", no_argument, 0, OPT_FORCE_VERMAGIC },
	{ "show-depends", no_argument, 0, 'D' },
	{ "showconfig", no_argument, 0, 'c' },
	{ "show-config", no_argument, 0, 'c' },
	{ "show-modversions", no_argument, 0, OPT_MODVERSIONS },
	{ "dump-modversions", no_argument, 0, OPT_MODVERSIONS },
	{ "show-exports", no_argument, 0, OPT_EXPORTS },
	{ "dry-run", no_argument, 0, 'n' },
	{ "show", no_argument, 0, 'n' },
	{ "config", required_argument, 0, 'C' },
	{ "dirname", required_argument, 0, 'd' },
	{ "set-version", required_argument, 0, 'S' },
	{ "syslog", no_argument, 0, 's' },
	{ "quiet", no_argument, 0, 'q' },
	{ "verbose", no_argument, 0, 'v' },
	{ "version", no_argument, 0, 'V' },
	{ "help", no_argument, 0, 'h' },
	{ NULL, 0, 0, 0 },
};

static void help(void)
{
	const char *p = program_invocation_short_name;

	printf("Usage:\n"
	       "\t%s [options] [-i] [-b] modulename\n"
	       "\t%s [options] -a [-i] [-b] modulename [modulename...]\n"
	       "\t%s [options] -r [-i] modulename\n"
	       "\t%s [options] -r -a [-i] modulename [modulename...]\n"
	       "\t%s [options] -c\n"
	       "\t%s [options] --dump-modversions filename\n",
	       p, p, p, p, p, p);
	fputs("Management Options:\n"
	      "\t-a, --all                   Consider every non-argument to\n"
	      "\t                            be a module name to be inserted\n"
	      "\t                            or removed (-r)\n"
	      "\t-r, --remove                Remove modules instead of inserting\n"
	      "\t    --remove-dependencies   Deprecated: use --remove-holders\n"
	      "\t    --remove-holders        Also remove module holders (use together with -r)\n"
	      "\t-w, --wait=<MSEC>           When removing a module, wait up to MSEC for\n"
	      "\t                            module's refcount to become 0 so it can be\n"
	      "\t                            removed (use together with -r)\n"
	      "\t    --first-time            Fail if module already inserted or removed\n"
	      "\t-i, --ignore-install        Ignore install commands\n"
	      "\t-i, --ignore-remove         Ignore remove commands\n"
	      "\t-b, --use-blacklist         Apply blacklist to resolved alias.\n"
	      "\t-f, --force                 Force module insertion or removal.\n"
	      "\t                            implies --force-modversions and\n"
	      "\t                            --force-vermagic\n"
	      "\t    --force-modversion      Ignore module's version\n"
	      "\t    --force-vermagic        Ignore module's version magic\n"
	      "\n"
	      "Query Options:\n"
	      "\t-R, --resolve-alias         Only lookup and print alias and exit\n"
	      "\t-D, --show-depends          Only print module dependencies and exit\n"
	      "\t-c, --showconfig            Print out known configuration and exit\n"
	      "\t-c, --show-config           Same as --showconfig\n"
	      "\t    --show-modversions      Dump module symbol version and exit\n"
	      "\t    --dump-modversions      Same as --show-modversions\n"
	      "\t    --show-exports          Only print module exported symbol versions and exit\n"
	      "\n"
	      "General Options:\n"
	      "\t-n, --dry-run               Do not execute operations, just print out\n"
	      "\t-n, --show                  Same as --dry-run\n"
	      "\t-C, --config=FILE           Use FILE instead of default search paths\n"
	      "\t-d, --dirname=DIR           Use DIR as filesystem root for /lib/modules\n"
	      "\t-S, --set-version=VERSION   Use VERSION instead of `uname -r`\n"
	      "\t-s, --syslog                print to syslog, not stderr\n"
	      "\t-q, --quiet                 disable messages\n"
	      "\t-v, --verbose               enables more messages\n"
	      "\t-V, --version               show version\n"
	      "\t-h, --help                  show this help\n",
	      stdout);
}

/* MODPROBE_OPTIONS gets VALUE appended, for the modprobe an install command runs. */
static void env_append(const char *value)
{
	const char *old = getenv("MODPROBE_OPTIONS");
	char *env;

	if (!old) {
		setenv("MODPROBE_OPTIONS", value, 1);
		return;
	}
	env = mm_asprintf("%s %s", old, value);
	setenv("MODPROBE_OPTIONS", env, 1);
	free(env);
}

static void push(char ***words, int *n, char *w)
{
	*words = mm_reallocarray(*words, (size_t)*n + 1, sizeof(**words));
	(*words)[(*n)++] = w;
}

/*
 * MODPROBE_OPTIONS split in place as kmod splits it: at each space (two
 * make an empty word); a word that starts with a quote ends at the
 * closing quote; a quoted part inside a word loses its quotes.
 */
static void split_env(char *str, char ***words, int *n)
{
	char *quote = NULL, *s;

	for (s = str; *s; s++) {
		if (!quote) {
			if (*s == ' ') {
				*s = '\0';
				push(words, n, str);
				str = s + 1;
			} else if (*s == '"' || *s == '\'') {
				quote = s;
			}
			continue;
		}
		if (*s != *quote)
			continue;
		if (quote == str) {
			*s = '\0';
			push(words, n, str + 1);
			str = s + 1;
		} else {
			memmove(quote, quote + 1, (size_t)(s - quote - 1));
			memmove(s - 1, s + 1, strlen(s + 1) + 1);
			s -= 2;
		}
		quote = NULL;
	}
	if (str < s)
		push(words, n, str);
}

/*
 * argv with MODPROBE_OPTIONS' words after argv[0]; the words are in *BUF.
 * Free both (the array only when it is not ARGV) when done.
 */
static char **prepend_env(int *argc, char **argv, char **buf)
{
	const char *env = getenv("MODPROBE_OPTIONS");
	char **words = NULL, **nargv;
	int n = 0;

	*buf = NULL;
	if (!env)
		return argv;
	/* The words stay in use as arguments until the end. */
	*buf = mm_strdup(env);
	split_env(*buf, &words, &n);
	nargv = mm_calloc((size_t)(*argc + n + 1), sizeof(*nargv));
	nargv[0] = argv[0];
	memcpy(nargv + 1, words, (size_t)n * sizeof(*nargv));
	memcpy(nargv + 1 + n, argv + 1, (size_t)(*argc - 1) * sizeof(*nargv));
	*argc += n;
	free(words);
	return nargv;
}

/* What the command line asks for, besides struct mp_opts. */
struct mp_cmdline {
	bool all, remove, show_config, modversions, exports;
	const char *root, *kver;
	const char **config;
	size_t nconfig;
};

static int take_general_option(int c, struct mp_cmdline *cl);

/* A query option (kmod's help lists them second), else a general one. */
static int take_query_option(int c, struct mp_cmdline *cl)
{
	switch (c) {
	case 'D':
		mp.ignore_loaded = mp.dry_run = mp.show = true;
		return 0;
	case 'R':
		mp.lookup_only = true;
		return 0;
	case 'c':
		cl->show_config = true;
		return 0;
	case OPT_MODVERSIONS:
		cl->modversions = true;
		return 0;
	case OPT_EXPORTS:
		cl->exports = true;
		return 0;
	case 'n':
		mp.dry_run = true;
		return 0;
	default:
		return take_general_option(c, cl);
	}
}

/* The option C: 0 to go on, else the exit status (-1: exit 0 after -V, -h). */
static int take_option(int c, struct mp_cmdline *cl)
{
	char *end;

	switch (c) {
	case 'a':
		mp.log_prio = LOG_WARNING;
		cl->all = true;
		break;
	case 'r':
		cl->remove = true;
		break;
	case OPT_REMOVE_HOLDERS:
		mp.remove_holders = true;
		break;
	case 'w':
		errno = 0;
		mp.wait_ms = strtoull(optarg, &end, 0);
		if (!*optarg || *end) {
			MP_ERR("unexpected wait value '%s'.\n", optarg);
			return 1;
		}
		break;
	case OPT_FIRST_TIME:
		mp.first_time = true;
		break;
	case 'i':
		mp.ignore_commands = true;
		break;
	case 'b':
		mp.use_blacklist = true;
		break;
	case 'f':
		mp.force = true;
		mp.load_flags |= KERNEL_LOAD_FORCE_VERMAGIC | KERNEL_LOAD_FORCE_MODVERSION;
		break;
	case OPT_FORCE_MODVERSION:
		mp.load_flags |= KERNEL_LOAD_FORCE_MODVERSION;
		break;
	case OPT_FORCE_VERMAGIC:
		mp.load_flags |= KERNEL_LOAD_FORCE_VERMAGIC;
		break;
	default:
		return take_query_option(c, cl);
	}
	return 0;
}

/* The general options (kmod's help lists them last). */
static int take_general_option(int c, struct mp_cmdline *cl)
{
	switch (c) {
	case 'C':
		cl->config = mm_reallocarray(cl->config, cl->nconfig + 2, sizeof(*cl->config));
		cl->config[cl->nconfig++] = optarg;
		cl->config[cl->nconfig] = NULL;
		env_append("-C");
		env_append(optarg);
		return 0;
	case 'd':
		cl->root = optarg;
		return 0;
	case 'S':
		cl->kver = optarg;
		return 0;
	case 's':
		env_append("-s");
		mm_cfg.syslog = true;
		return 0;
	case 'q':
		env_append("-q");
		mp.verbose = LOG_EMERG;
		return 0;
	case 'v':
		env_append("-v");
		mp.verbose++;
		return 0;
	case 'V':
		names_version();
		return -1;
	case 'h':
		help();
		return -1;
	case '?':
		return 1;
	default:
		MP_ERR("unexpected getopt_long() value '%c'.\n", c);
		return 1;
	}
}

/*
 * The parameters after the module, as kmod joins them: by spaces, a value
 * with a space (and no quote of its own at the start) in double quotes.
 * NULL when there are none.
 */
static char *params_string(char **args, int n)
{
	struct mm_strbuf sb = { 0 };

	for (int i = 0; i < n; i++) {
		const char *v = strchr(args[i], '=');

		mm_strbuf_sep(&sb, " ");
		if (v && v[1] != '"' && v[1] != '\'' && strchr(v + 1, ' '))
			mm_strbuf_addf(&sb, "%.*s\"%s\"", (int)(v + 1 - args[i]), args[i], v + 1);
		else
			mm_strbuf_add(&sb, args[i]);
	}
	return sb.s ? mm_strbuf_steal(&sb) : NULL;
}

/* The module directory: -d and -S as kmod builds it, else the release uname() gives. */
static int choose_moddir(const struct mp_cmdline *cl)
{
	static struct utsname u;
	char buf[PATH_MAX];

	if (!cl->kver && uname(&u) < 0) {
		MP_ERR("uname() failed: %s\n", strerror(errno));
		return -1;
	}
	mm_cfg.basedir = cl->root ? cl->root : "";
	mm_cfg.kver = cl->kver ? cl->kver : u.release;
	if (!mm_moddir(buf, sizeof(buf))) {
		MP_ERR("bad directory %s/lib/modules/%s: path too long\n", mm_cfg.basedir,
		       mm_cfg.kver);
		return -1;
	}
	mm_cfg.config_paths = cl->config;
	return 0;
}

/* --show-exports, --dump-modversions FILE: a path only, as kmod takes it. */
static int symbol_lines(const char *path, bool exports)
{
	struct stat st;
	int err;

	if (stat(path, &st) < 0) {
		mp_log(mp.log_prio, "Module %s not found.\n", path);
		return -ENOENT;
	}
	err = mm_symbol_lines(path, exports);
	if (err < 0)
		mp_log(mp.log_prio, "could not get %s of %s: %s\n",
		       exports ? "symbols" : "modversions", path, strerror(-err));
	return err;
}

static int show_config(void)
{
	struct modtree *mt = mm_modtree_try();

	if (!mt) {
		MP_ERR("%s\n", mm_errmsg());
		return -1;
	}
	mm_config_print(mt); /* kmod too ignores an index it cannot dump */
	return 0;
}

/* What the options ask for, on ARGS. 0 or -errno. */
static int dispatch(const struct mp_cmdline *cl, char **args, int nargs)
{
	int err = 0;

	if (cl->show_config)
		return show_config();
	if (cl->modversions || cl->exports)
		return symbol_lines(args[0], cl->exports);
	if (cl->remove || cl->all) {
		for (int i = 0; i < nargs; i++) {
			int r = cl->remove ? mp_remove(args[i]) : mp_insert(args[i], NULL);

			if (r < 0)
				err = r;
		}
		return err;
	}
	{
		char *extra = params_string(args + 1, nargs - 1);

		err = mp_insert(args[0], extra);
		free(extra);
	}
	return err;
}

static const struct mm_cmd modprobe_cmd = {
	.name = "modprobe",
	.needs = MM_NEEDS_MODDIR,
};

int names_modprobe(int argc, char *argv[])
{
	struct mp_cmdline cl = { 0 };
	char *envbuf;
	char **args = prepend_env(&argc, argv, &envbuf);
	struct stat st;
	int c, err = 0;

	mp = (struct mp_opts){ .verbose = LOG_WARNING, .log_prio = LOG_CRIT };
	while (!err && (c = getopt_long(argc, args, shortopts, options, NULL)) != -1)
		err = take_option(c, &cl);
	if (err)
		goto out;
	if (fstat(STDERR_FILENO, &st) < 0)
		mm_cfg.syslog = true;
	if (!cl.show_config && optind >= argc) {
		MP_ERR("missing parameters. See -h.\n");
		err = 1;
		goto out;
	}
	if (choose_moddir(&cl) < 0) {
		err = 1;
		goto out;
	}
	/* From here on kmod's words only, at kmod's verbosity. */
	log_threshold = mp.verbose;
	mm_cfg.quiet = true;
	mm_cmd_begin(&modprobe_cmd);
	mm_modtree_missing_ok();
	err = dispatch(&cl, args + optind, argc - optind) < 0 ? 1 : 0;
	mm_cmd_end();
out:
	free(cl.config);
	if (args != argv)
		free(args);
	free(envbuf);
	return err < 0 ? MM_EXIT_OK : err;
}
