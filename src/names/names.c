// SPDX-License-Identifier: LGPL-2.1-or-later
/* Which kmod tool argv[0] names, if any, and what those tools share. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mymod/cmd.h"
#include "names.h"

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
} names[] = {
	{ "modprobe", names_modprobe }, { "insmod", names_insmod },   { "rmmod", names_rmmod },
	{ "lsmod", names_lsmod },	{ "modinfo", names_modinfo }, { "depmod", names_depmod },
	{ "kmod", names_kmod },
};

const char *names_prog;

void names_version(void)
{
	puts("kmod version 34");
	puts("+ZSTD +XZ +ZLIB +OPENSSL");
}

int names_help_version(int c, void (*help)(void))
{
	if (c == 'h')
		help();
	else if (c == 'V')
		names_version();
	else
		return -1;
	return MM_EXIT_OK;
}

int names_parse_opts(int argc, char *argv[], bool with_force, void (*help)(void),
		     struct names_opts *o)
{
	static const struct option options[] = {
		{ "force", no_argument, NULL, 'f' },   { "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' }, { "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },    { NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, with_force ? "fsvVh" : "svVh",
				with_force ? options : options + 1, NULL)) != -1) {
		if (names_help_version(c, help) >= 0)
			return MM_EXIT_OK;
		if (c == 'f')
			o->force = true;
		else if (c == 'v')
			o->verbose = true;
		else if (c == 's')
			mm_cfg.syslog = true;
		else
			return MM_EXIT_FAIL;
	}
	return -1;
}

int mm_names_main(int argc, char *argv[])
{
	const char *slash = strrchr(argv[0], '/');
	const char *base = slash ? slash + 1 : argv[0];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(base, names[i].name) == 0) {
			names_prog = base;
			/* modprobe's front end chooses its own messages. */
			if (names[i].main != names_modprobe)
				mm_cfg.kmod_tool = base;
			return names[i].main(argc, argv);
		}
	}
	return -1;
}
