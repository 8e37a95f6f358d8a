// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as modinfo: kmod 34's options, into mymod info's modinfo
 * format (info_main()), which prints what kmod's modinfo prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cmd/info/info.h"
#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "names.h"

static const struct option options[] = {
	{ "author", no_argument, NULL, 'a' },
	{ "description", no_argument, NULL, 'd' },
	{ "license", no_argument, NULL, 'l' },
	{ "parameters", no_argument, NULL, 'p' },
	{ "filename", no_argument, NULL, 'n' },
	{ "null", no_argument, NULL, '0' },
	{ "modname", no_argument, NULL, 'm' },
	{ "field", required_argument, NULL, 'F' },
	{ "set-version", required_argument, NULL, 'k' },
	{ "basedir", required_argument, NULL, 'b' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options] <modulename|filename> [args]\n"
	       "Options:\n"
	       "\t-a, --author                Print only 'author'\n"
	       "\t-d, --description           Print only 'description'\n"
	       "\t-l, --license               Print only 'license'\n"
	       "\t-p, --parameters            Print only 'parm'\n"
	       "\t-n, --filename              Print only 'filename'\n"
	       "\t-0, --null                  Use \\0 instead of \\n\n"
	       "\t-m, --modname               Handle argument as module name instead of alias or "
	       "filename\n"
	       "\t-F, --field=FIELD           Print only provided FIELD\n"
	       "\t-k, --set-version=VERSION   Use VERSION instead of `uname -r`\n"
	       "\t-b, --basedir=DIR           Use DIR as filesystem root for /lib/modules\n"
	       "\t-V, --version               Show version\n"
	       "\t-h, --help                  Show this help\n",
	       names_prog);
}

/* The field -a, -d, -l, -p and -n stand for. */
static const char *field_of(int c)
{
	switch (c) {
	case 'a':
		return "author";
	case 'd':
		return "description";
	case 'l':
		return "license";
	case 'p':
		return "parm";
	case 'n':
		return "filename";
	}
	return NULL;
}

/* Options into O and mm_cfg; -1 to go on, else the exit status. */
static int parse(int argc, char *argv[], struct info_opts *o, bool *modname)
{
	int c;

	while ((c = getopt_long(argc, argv, "adlpn0mF:k:b:Vh", options, NULL)) != -1) {
		if (field_of(c)) {
			o->field = field_of(c);
		} else if (c == '0') {
			o->sep = '\0';
		} else if (c == 'm') {
			*modname = true;
		} else if (c == 'F') {
			o->field = optarg;
		} else if (c == 'k' || c == 'b') {
			mm_moddir_opt(c, optarg);
		} else if (names_help_version(c, help) >= 0) {
			return MM_EXIT_OK;
		} else {
			return MM_EXIT_FAIL;
		}
	}
	if (optind >= argc) {
		mm_error("missing module or filename.");
		return MM_EXIT_FAIL;
	}
	/* As kmod: the release uname() says (not /proc's), unless -k. */
	if (!mm_cfg.kver && !(mm_cfg.kver = kernel_release_uname())) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	return -1;
}

/* kmod reads ARG as a file only when it has a module's suffix and is a regular file. */
static bool is_module_file(const char *arg)
{
	struct stat st;

	return mm_is_module_file(arg) && stat(arg, &st) == 0 && S_ISREG(st.st_mode);
}

/* -m: is ARG the name of a module of MT (in modules.dep or built in), not an alias? */
static bool is_module_name(struct modtree *mt, const char *arg)
{
	char *name = mm_modname_normalize(mm_strdup(arg));
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	bool found = false;

	if (modtree_lookup(mt, arg, &mods, &n) == 0)
		for (size_t i = 0; i < n && !found; i++)
			found = strcmp(mods[i].name, name) == 0;
	modtree_mods_free(mods, n);
	free(name);
	return found;
}

/*
 * The arguments info_main() can find into KEEP; for the others (a path
 * that is no module file, which kmod looks up as an alias; a name when
 * there is no module directory; with -m, what is no module's name) kmod's
 * error. Returns the count kept.
 */
static size_t findable(char **args, size_t n, bool modname, char **keep, int *status)
{
	struct modtree *mt = mm_modtree_try();
	size_t nkeep = 0;

	for (size_t i = 0; i < n; i++) {
		bool file = !modname && mm_is_path(args[i]);

		if (modname && !(mt && is_module_name(mt, args[i]))) {
			mm_error("Module name %s not found.", args[i]);
			*status = MM_EXIT_FAIL;
			continue;
		}
		if ((file && !is_module_file(args[i])) || (!file && !mt)) {
			mm_error("Module %s not found.", args[i]);
			*status = MM_EXIT_FAIL;
			continue;
		}
		keep[nkeep++] = args[i];
	}
	return nkeep;
}

int names_modinfo(int argc, char *argv[])
{
	struct info_opts o = { .format = FMT_MODINFO, .sep = '\n', .kmod34_keys = true };
	bool modname = false;
	int status = parse(argc, argv, &o, &modname), st2;
	size_t n = (size_t)(argc - optind);
	char **keep;

	if (status >= 0)
		return status;
	status = MM_EXIT_OK;
	keep = mm_calloc(n, sizeof(*keep));
	mm_cmd_begin(&cmd_info);
	mm_modtree_as_modinfo(); /* as modinfo, which reads no modprobe.d */
	n = findable(argv + optind, n, modname, keep, &status);
	st2 = n ? info_main(&o, keep, n) : MM_EXIT_OK;
	mm_cmd_end();
	free(keep);
	return status != MM_EXIT_OK ? status : st2;
}
