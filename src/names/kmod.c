// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as kmod: kmod 34's commands (help, list, static-nodes) and
 * -V; insert and remove, which only kmod 30's experimental builds had, are
 * kept unlisted for kmod 30's testsuite (test-tools), as mymod load
 * --with-deps and mymod unload.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "names.h"

static int kmod_help(int argc, char *argv[]);
static int kmod_insert(int argc, char *argv[]);
static int kmod_remove(int argc, char *argv[]);

static const struct {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *help; /* NULL: not listed */
} commands[] = {
	{ "help", kmod_help, "show help message" },
	{ "list", names_lsmod, "list currently loaded modules" },
	{ "static-nodes", names_kmod_static_nodes,
	  "output the static-node information installed with the currently running kernel" },
	{ "insert", kmod_insert, NULL },
	{ "remove", kmod_remove, NULL },
};

static const char *const compat[] = { "lsmod", "rmmod", "insmod", "modinfo", "modprobe", "depmod" };

static int kmod_help(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("kmod - Manage kernel modules: list, load, unload, etc\n"
	       "Usage:\n"
	       "\t%s [options] command [command_options]\n\n"
	       "Options:\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n\n"
	       "Commands:\n",
	       names_prog);
	for (size_t i = 0; i < MM_ARRAY_SIZE(commands); i++)
		if (commands[i].help)
			printf("  %-12s %s\n", commands[i].name, commands[i].help);
	puts("\nkmod also handles gracefully if called from following symlinks:");
	for (size_t i = 0; i < MM_ARRAY_SIZE(compat); i++)
		printf("  %-12s compat %s command\n", compat[i], compat[i]);
	return MM_EXIT_OK;
}

/* mymod COMMAND ARGS..., argv[0] of ARGV replaced by COMMAND and OPT (if any) after it. */
static int run_as(const struct mm_cmd *cmd, const char *opt, int argc, char *argv[])
{
	char *args[argc + 2];
	int n = 0, status;

	args[n++] = (char *)cmd->name;
	if (opt)
		args[n++] = (char *)opt;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	mm_cfg.kmod_tool = NULL;	      /* mymod's own command, in its own words */
	mm_cfg.kver = kernel_release_uname(); /* as kmod: uname()'s release */
	mm_cmd_begin(cmd);
	optind = 0;
	status = cmd->run(n, args);
	mm_cmd_end();
	return status == MM_EXIT_OK ? MM_EXIT_OK : MM_EXIT_FAIL;
}

static int kmod_insert(int argc, char *argv[])
{
	return run_as(&cmd_load, "--with-deps", argc, argv);
}

static int kmod_remove(int argc, char *argv[])
{
	return run_as(&cmd_unload, NULL, argc, argv);
}

int names_kmod(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		if (c == 'h')
			return kmod_help(argc, argv);
		if (c == 'V') {
			names_version();
			return MM_EXIT_OK;
		}
		return MM_EXIT_FAIL;
	}
	if (optind >= argc) {
		fputs("missing command\n", stderr);
		kmod_help(argc, argv);
		return MM_EXIT_FAIL;
	}
	for (size_t i = 0; i < MM_ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, argv[optind]) == 0) {
			char **args = argv + optind;

			optind = 0; /* the command's getopt_long starts afresh */
			return commands[i].run(argc - (int)(args - argv), args);
		}
	}
	fprintf(stderr, "invalid command '%s'\n", argv[optind]);
	kmod_help(argc, argv);
	return MM_EXIT_FAIL;
}
