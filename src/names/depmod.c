// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as depmod: kmod 34's options, into mymod depmod's
 * (depmod_take_opt(), depmod_main()), which writes the same indexes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cmd/depmod.h"
#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "names.h"

static const struct option options[] = {
	DEPMOD_KMOD_OPTIONS,
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage:\n"
	       "\t%s -[aA] [options] [forced_version]\n"
	       "\n"
	       "If no arguments (except options) are given, \"depmod -a\" is assumed\n"
	       "\n"
	       "depmod will output a dependency list suitable for the modprobe utility.\n"
	       "\n"
	       "Options:\n"
	       "\t-a, --all            Probe all modules\n"
	       "\t-A, --quick          Only does the work if there's a new module\n"
	       "\t-e, --errsyms        Report not supplied symbols\n"
	       "\t-n, --show           Write the dependency file on stdout only\n"
	       "\t-P, --symbol-prefix  Architecture symbol prefix\n"
	       "\t-C, --config=PATH    Read configuration from PATH\n"
	       "\t-v, --verbose        Enable verbose mode\n"
	       "\t-w, --warn           Warn on duplicates\n"
	       "\t-V, --version        show version\n"
	       "\t-h, --help           show this help\n"
	       "\n"
	       "The following options are useful for people managing distributions:\n"
	       "\t-b, --basedir=DIR    Root path (default: /).\n"
	       "\t-m, --moduledir=DIR  Module directory (default: /lib/modules).\n"
	       "\t-o, --outdir=DIR     Output root path (default: same as <basedir>).\n"
	       "\t-F, --filesyms=FILE  Use the file instead of the\n"
	       "\t                     current kernel symbols.\n"
	       "\t-E, --symvers=FILE   Use Module.symvers file to check\n"
	       "\t                     symbol versions.\n",
	       names_prog);
}

/* kmod's test for a release. */
static bool is_version(const char *s)
{
	unsigned int a, b;

	return sscanf(s, "%u.%u", &a, &b) == 2;
}

/* kmod's options into O; -1 to go on, else the exit status. */
static int parse(int argc, char *argv[], struct depmod_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "aAb:m:o:C:E:F:evnP:wVh", options, NULL)) != -1) {
		if (names_help_version(c, help) >= 0)
			return MM_EXIT_OK;
		if (c == 'm') { /* kmod: always under -b and -o, however many '/' lead */
			o->c.moduledir = optarg + strspn(optarg, "/") - 1;
			if (optarg[0] != '/')
				o->c.moduledir = mm_asprintf("/%s", optarg); /* freed at exit */
			continue;
		}
		if (c == 'v') /* kmod's debug messages are its own; mymod says nothing more */
			continue;
		if (c == 'P' && strlen(optarg) != 1) {
			fprintf(stderr, "%s: FATAL: -P only takes a single char\n", names_prog);
			return MM_EXIT_FAIL;
		}
		if (c == '?' || depmod_take_opt(c, optarg, o) < 0)
			return MM_EXIT_FAIL;
	}
	return -1;
}

/* The release and files after the options; -1 to go on, else the exit status. */
static int parse_args(int argc, char *argv[], struct depmod_opts *o)
{
	if (optind < argc && !is_version(argv[optind])) {
		mm_error("Bad version passed %s", argv[optind]);
		return MM_EXIT_FAIL;
	}
	o->c.kver = optind < argc ? argv[optind++] : kernel_release_uname();
	if (!o->c.kver) {
		fprintf(stderr, "%s: FATAL: %s\n", names_prog, mm_errmsg());
		return MM_EXIT_FAIL;
	}
	for (int i = optind; i < argc && !o->all; i++) {
		if (argv[i][0] != '/') {
			fprintf(stderr, "%s: FATAL: %s: not absolute path.\n", names_prog, argv[i]);
			return MM_EXIT_FAIL;
		}
	}
	if (optind < argc && !o->all) {
		o->c.files = argv + optind;
		o->c.nfiles = (size_t)(argc - optind);
	}
	return -1;
}

/* kmod's words when the module directory is not there; false when it is. */
static bool no_directory(const struct depmod_opts *o)
{
	char *dir = mm_asprintf("%s%s/%s", o->c.basedir, o->c.moduledir, o->c.kver);
	struct stat st;
	bool none = stat(dir, &st) < 0;

	if (none) {
		mm_error("could not open directory %s: %s", dir, strerror(errno));
		fprintf(stderr, "%s: FATAL: could not search modules: %s\n", names_prog,
			strerror(errno));
	}
	free(dir);
	return none;
}

int names_depmod(int argc, char *argv[])
{
	struct depmod_opts o = { .show_weakdep = true, .config_as_kmod = true };
	int status;

	o.c.basedir = "";
	o.c.moduledir = "/lib/modules";
	status = parse(argc, argv, &o);
	if (status < 0)
		status = parse_args(argc, argv, &o);
	/* kmod 34: -A with -n does nothing. */
	if (status < 0 && o.quick && o.dry_run)
		status = MM_EXIT_OK;
	if (status < 0 && no_directory(&o))
		status = MM_EXIT_FAIL;
	if (status < 0) {
		mm_cmd_begin(&cmd_depmod);
		status = depmod_main(&o);
		mm_cmd_end();
	}
	depmod_opts_free(&o);
	return status;
}
