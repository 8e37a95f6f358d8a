/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mymod depmod's options and run, shared with the depmod name
 * (src/names/depmod.c), which reads kmod's options into the same struct.
 */
#pragma once

#include <stdbool.h>

#include "mymod/depmod.h"

struct depmod_opts {
	struct depmod_config c;
	const char *outdir;
	const char **config;
	bool all, quick, dry_run, check, json;
	bool show_weakdep;   /* -n prints modules.weakdep too, as kmod 33 and later */
	bool config_as_kmod; /* a -C that cannot be read is no error, as kmod ignores it */
	char *dir;	     /* the module directory */
	char *outdir_path;   /* where the indexes go */
};

/*
 * Option C (depmod's letters: a A b m o C E F e P w v n, and --check,
 * --json) with ARG into O. 0, or -EINVAL (with mm_fail() for a bad -P).
 */
int depmod_take_opt(int c, const char *arg, struct depmod_opts *o);

/* Write, print (-n) or check the indexes as O says; the exit status. */
int depmod_main(struct depmod_opts *o);
void depmod_opts_free(struct depmod_opts *o);
