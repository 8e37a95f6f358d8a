/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A command: one file in src/cmd/, registered in src/main.c's table.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>

/* Exit statuses, as the design says. */
enum {
	MM_EXIT_OK = 0,
	MM_EXIT_FAIL = 1,
	MM_EXIT_USAGE = 2,
};

struct mm_cmd {
	const char *name;
	int (*run)(int argc, char *argv[]); /* argv[0] is the command name */
	const char *summary;		    /* one line for `mymod --help` */
};

/*
 * Options every command that reads a module directory accepts, as kmod's
 * tools do. Put MM_MODDIR_OPTIONS in the command's option array, add
 * MM_MODDIR_SHORTOPTS to its short options, and let mm_moddir_opt() take
 * the option first.
 */
/* clang-format off */
#define MM_MODDIR_OPTIONS \
	{ "kernel", required_argument, NULL, 'k' }, { "basedir", required_argument, NULL, 'b' }
/* clang-format on */
#define MM_MODDIR_SHORTOPTS "k:b:"
#define MM_MODDIR_USAGE                                                                            \
	"  -k, --kernel=KVER      use /lib/modules/KVER (default: the running kernel)\n"           \
	"  -b, --basedir=DIR      use DIR/lib/modules/KVER\n"

/* Returns true when it handled option C (k or b). */
bool mm_moddir_opt(int c, const char *arg);

/* Prints "Try 'mymod CMD --help'." and returns MM_EXIT_USAGE. */
int mm_usage_error(void);

struct modtree;
struct modtree_mod;

/*
 * M, which ARG names, is neither a file of MT nor built in (an alias in
 * modprobe.d names a module that is not installed): say so, with a hint.
 * Returns -ENOENT.
 */
int mm_module_not_there(struct modtree *mt, const char *arg, const struct modtree_mod *m);

extern const struct mm_cmd cmd_info, cmd_load, cmd_unload, cmd_list, cmd_deps, cmd_check;
