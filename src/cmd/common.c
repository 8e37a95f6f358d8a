// SPDX-License-Identifier: LGPL-2.1-or-later
/* What every command shares: the module-directory options and usage errors. */
#include <errno.h>
#include <stdio.h>

#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

bool mm_moddir_opt(int c, const char *arg)
{
	switch (c) {
	case 'k':
		mm_cfg.kver = arg;
		return true;
	case 'b':
		mm_cfg.basedir = arg;
		return true;
	default:
		return false;
	}
}

int mm_usage_error(void)
{
	fprintf(stderr, "Try 'mymod %s --help'.\n", mm_cfg.cmd);
	return MM_EXIT_USAGE;
}

int mm_table_select(const struct out_spec *spec, const struct out_opts *o, struct out_sel *sel)
{
	if (out_select(spec, o, sel) < 0)
		return mm_usage_error();
	if (o->list_columns)
		return out_list_columns(spec, o) < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
	return -1;
}

int mm_module_not_there(struct modtree *mt, const char *arg, const struct modtree_mod *m)
{
	mm_error("%s: %s is neither in modules.dep nor in modules.builtin of %s", arg, m->name,
		 modtree_dir(mt));
	mm_hint("install the module and run depmod, or correct the alias in modprobe.d");
	return -ENOENT;
}

int mm_table_args(int argc, char *argv[], const struct mm_table_args *a, struct out_opts *opts,
		  struct out_sel *sel)
{
	int c;

	while ((c = getopt_long(argc, argv, a->shortopts, a->options, NULL)) != -1) {
		if (out_opt(c, optarg, opts) || (a->opt && a->opt(c, optarg, a->data)))
			continue;
		if (c == 'h') {
			a->usage();
			return MM_EXIT_OK;
		}
		return mm_usage_error();
	}
	if (a->module && optind + 1 != argc) {
		mm_error("%s", optind == argc ? "no module named" : "one module at a time");
		return mm_usage_error();
	}
	if (!a->module && optind < argc) {
		mm_error("unexpected argument '%s'", argv[optind]);
		return mm_usage_error();
	}
	return mm_table_select(a->spec, opts, sel);
}
