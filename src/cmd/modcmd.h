/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modprobe.d's install and remove commands, run as kmod runs them: by
 * /bin/sh -c, $CMDLINE_OPTS replaced by the module's options, the
 * MODPROBE_MODULE variable set to its name. Shared by load and unload.
 */
#pragma once

#include <stdbool.h>

/*
 * Run CMD, TYPE's ("install", "remove") command for module NAME, with
 * OPTIONS for $CMDLINE_OPTS. With DRY_RUN, say what would run. Its output
 * goes to stdout when it succeeds, into the report when it fails. 0; its
 * exit status when it exited with one; -1 when it could not run or was
 * killed. After saying how it failed (exit status, signal, output).
 */
int modcmd_run(const char *type, const char *name, const char *cmd, const char *options,
	       bool dry_run);

/*
 * The same as kmod's tools run it: by system(), its output where ours goes,
 * nothing said. 0, its exit status, or -1 when it could not run or was
 * killed.
 */
int modcmd_system(const char *name, const char *cmd, const char *options);

/* CMD with every $CMDLINE_OPTS replaced by OPTIONS (NULL: ""), as kmod does. Free it. */
char *modcmd_expand(const char *cmd, const char *options);

/*
 * Is this mymod run by NAME's own install or remove command (MODPROBE_MODULE
 * names NAME)? Then running the command again would loop: the module
 * itself is loaded or unloaded instead, as --ignore-install would.
 */
bool modcmd_inside(const char *name);
