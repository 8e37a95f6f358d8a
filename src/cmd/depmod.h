/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mymod depmod's options and run, shared with the depmod name
 * (src/names/depmod.c), which reads kmod's options into the same struct.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>

#include "mymod/depmod.h"

/* kmod's depmod options (kmod 34), which mymod depmod and the depmod name both take. */
/* clang-format off */
#define DEPMOD_KMOD_OPTIONS \
	{ "all", no_argument, NULL, 'a' }, \
	{ "quick", no_argument, NULL, 'A' }, \
	{ "basedir", required_argument, NULL, 'b' }, \
	{ "moduledir", required_argument, NULL, 'm' }, \
	{ "outdir", required_argument, NULL, 'o' }, \
	{ "config", required_argument, NULL, 'C' }, \
	{ "symvers", required_argument, NULL, 'E' }, \
	{ "filesyms", required_argument, NULL, 'F' }, \
	{ "errsyms", no_argument, NULL, 'e' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "show", no_argument, NULL, 'n' }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "symbol-prefix", required_argument, NULL, 'P' }, \
	{ "warn", no_argument, NULL, 'w' }
/* clang-format on */

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
