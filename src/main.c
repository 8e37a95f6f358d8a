// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod: global options, then the table of commands.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/util.h"

#include "config.h"

/* The table of contents. Adding a command is a file in src/cmd/ and a line here. */
/* clang-format off */
static const struct mm_cmd *const commands[] = {
	&cmd_info,
	&cmd_deps,
	&cmd_load,
	&cmd_unload,
	&cmd_list,
	&cmd_check,
	&cmd_depmod,
	&cmd_sign,
	&cmd_verify,
	&cmd_keys,
	&cmd_params,
	&cmd_debug,
	&cmd_reload,
	&cmd_decode,
	&cmd_taint,
	&cmd_sections,
	&cmd_symbols,
	&cmd_log,
	&cmd_addr,
	&cmd_config,
	NULL,
};
/* clang-format on */

static void usage(FILE *f)
{
	fputs("Usage: mymod [OPTIONS] COMMAND [COMMAND OPTIONS] [ARGS]\n"
	      "\n"
	      "Inspect, resolve, load and unload Linux kernel modules.\n"
	      "\n"
	      "Options:\n"
	      "  -k, --kernel=KVER      use /lib/modules/KVER (default: the running kernel)\n"
	      "  -b, --basedir=DIR      use DIR/lib/modules/KVER\n"
	      "  -h, --help             show this help\n"
	      "  -V, --version          show the version\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; commands[i]; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("  help       show the help of a command\n"
	      "\n"
	      "Run 'mymod help COMMAND' for a command's options.\n",
	      f);
}

static const struct mm_cmd *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static int run_command(const struct mm_cmd *cmd, int argc, char *argv[])
{
	int status;

	mm_cmd_begin(cmd);
	optind = 0; /* let the command's getopt_long start afresh */
	status = cmd->run(argc, argv);
	mm_cmd_end();
	return status;
}

static int help(int argc, char *argv[])
{
	const struct mm_cmd *cmd;
	char *hargv[] = { NULL, "--help", NULL };

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return MM_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "mymod: help: unknown command '%s'\n", argv[1]);
		return MM_EXIT_USAGE;
	}
	hargv[0] = (char *)cmd->name;
	return run_command(cmd, 2, hargv);
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		MM_MODDIR_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct mm_cmd *cmd;
	int c;

	mm_config_init();
	c = argc > 0 ? mm_names_main(argc, argv) : -1;
	if (c >= 0)
		return c;
	/* '+': stop at the command name; the command parses the rest. */
	while ((c = getopt_long(argc, argv, "+" MM_MODDIR_SHORTOPTS "hV", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			return MM_EXIT_OK;
		case 'V':
			printf("mymod %s\n", MYMOD_VERSION);
			return MM_EXIT_OK;
		default:
			fputs("Try 'mymod --help'.\n", stderr);
			return MM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return MM_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0)
		return help(argc - optind, argv + optind);
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "mymod: unknown command '%s'\nTry 'mymod --help'.\n", argv[optind]);
		return MM_EXIT_USAGE;
	}
	return run_command(cmd, argc - optind, argv + optind);
}
