/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kmod names: mymod called as modprobe, insmod, rmmod, lsmod, modinfo,
 * depmod or kmod takes kmod's options and prints what kmod prints. Each
 * translates its options into the calls a mymod command makes; none is a
 * second implementation.
 */
#pragma once

#include <stdbool.h>

#include "mymod/util.h"

/* Each is main() of one kmod tool: argv[0] is the name it was called by. */
int names_modprobe(int argc, char *argv[]);
int names_insmod(int argc, char *argv[]);
int names_rmmod(int argc, char *argv[]);
int names_lsmod(int argc, char *argv[]);
int names_modinfo(int argc, char *argv[]);
int names_depmod(int argc, char *argv[]);
int names_kmod(int argc, char *argv[]);

/* kmod's own subcommands other than help (kmod.c): list, static-nodes. */
int names_kmod_static_nodes(int argc, char *argv[]);

/*
 * The version kmod's tools print for -V: kmod 34's format, the kmod
 * interface mymod implements, and the features it reads modules with.
 */
void names_version(void);

/* -h or -V, which every kmod tool takes: HELP or the version, and MM_EXIT_OK; else -1. */
int names_help_version(int c, void (*help)(void));

/*
 * What insmod, rmmod and lsmod share: -s (messages to syslog, as kmod's
 * "TOOL: ERROR: ..." go there: mm_cfg.syslog), -v, and -f but for lsmod.
 * Their messages are mm_error()'s, in kmod's form (mm_cfg.kmod_tool).
 */
struct names_opts {
	bool force;
	bool verbose;
};

/*
 * Read those options (-f only WITH_FORCE) and -h, -V into O; -1 to go on
 * (the arguments at optind), else the exit status.
 */
int names_parse_opts(int argc, char *argv[], bool with_force, void (*help)(void),
		     struct names_opts *o);

/* The name the tool was called by (kmod's program_invocation_short_name). */
extern const char *names_prog;
