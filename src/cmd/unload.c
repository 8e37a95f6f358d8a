// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod unload: remove modules from the running kernel, and explain a refusal. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modcmd.h"
#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "mymod/util.h"
#include "plan.h"

enum { OPT_WITH_DEPS = 256, OPT_IGNORE_REMOVE, OPT_REMOVE_HOLDERS };

static const struct option options[] = {
	{ "wait", no_argument, NULL, 'w' },
	{ "timeout", required_argument, NULL, 't' },
	{ "force", no_argument, NULL, 'f' },
	{ "with-deps", no_argument, NULL, OPT_WITH_DEPS },
	{ "ignore-remove", no_argument, NULL, 'i' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "remove-holders", no_argument, NULL, OPT_REMOVE_HOLDERS },
	MM_MODDIR_OPTIONS,
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod unload [OPTIONS] NAME...\n"
	      "\n"
	      "Remove modules from the running kernel. A module in use is refused,\n"
	      "with what holds it.\n"
	      "\n"
	      "Options:\n"
	      "  -w, --wait             wait until it is no longer in use, then unload it\n"
	      "  -t, --timeout=SECONDS  how long --wait waits (default 10)\n"
	      "  -f, --force            remove it even if in use or without an exit function\n"
	      "                         (as rmmod -f: it can crash the kernel, and taints it)\n"
	      "      --with-deps        then unload what NAME needed (its dependencies and\n"
	      "                         softdeps) that nothing uses any more, as modprobe -r\n"
	      "  -i, --ignore-remove    unload the module itself, not modprobe.d's remove command\n"
	      "  -n, --dry-run          say what would be done, change nothing\n"
	      "      --remove-holders   unload the modules that use it first (and theirs)\n"
	      "  -v, --verbose          say what was unloaded, and what was kept\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
}

struct unload_opts {
	unsigned int flags;
	bool wait;
	long timeout_ms;
	bool verbose;
	bool with_deps;
	bool ignore_remove;
	bool dry_run;
	bool remove_holders;
};

/*
 * Is NAME built into the kernel? /sys/module/NAME says so only for a
 * built-in module with parameters or a version; for the others, the module
 * directory's modules.builtin (-k, -b) does.
 */
static bool builtin(const char *name)
{
	enum kernel_mod_state state = kernel_module_state(name);
	struct modtree *mt;

	if (state != KERNEL_MOD_ABSENT)
		return state == KERNEL_MOD_BUILTIN;
	mt = mm_modtree_try();
	return mt && modtree_builtin(mt, name);
}

/*
 * modprobe.d's remove command for NAME, run instead of unloading it (as
 * modprobe -r does), unless -i or this run is the command's own. 1 when
 * there was one (*RET its outcome), 0 when not.
 */
static int remove_command(const char *name, const struct unload_opts *uo, int *ret)
{
	struct modtree *mt;
	char *cmd = NULL;

	if (uo->ignore_remove || modcmd_inside(name) || !(mt = mm_modtree_try()) ||
	    modtree_remove_command(mt, name, &cmd) < 0 || !cmd)
		return 0;
	*ret = modcmd_run("remove", name, cmd, NULL, uo->dry_run) != 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
	free(cmd);
	return 1;
}

static int unload_one(const char *arg, const struct unload_opts *uo);

/*
 * --remove-holders: unload the modules that hold NAME first, theirs before
 * them (as modprobe --remove-holders). DEPTH stops a loop the kernel would
 * not allow anyway. MM_EXIT_*.
 */
static int unload_holders(const char *name, const struct unload_opts *uo, int depth)
{
	char **holders = NULL;
	size_t n = 0;
	int ret = MM_EXIT_OK;

	if (depth > 16 || kernel_module_holders(name, &holders, &n) < 0)
		return MM_EXIT_OK;
	for (size_t i = 0; i < n && ret == MM_EXIT_OK; i++) {
		ret = unload_holders(holders[i], uo, depth + 1);
		if (ret == MM_EXIT_OK)
			ret = unload_one(holders[i], uo);
	}
	kernel_names_free(holders, n);
	return ret;
}

static int unload_one(const char *arg, const struct unload_opts *uo)
{
	struct findings why;
	char *name = mm_modname_from_path(arg);
	int err = 0, ret = MM_EXIT_OK;

	if (builtin(name)) {
		mm_error("%s is built into the kernel and cannot be unloaded", name);
		ret = MM_EXIT_FAIL;
		goto out;
	}
	if (remove_command(name, uo, &ret))
		goto out;
	if (uo->dry_run) {
		if (kernel_module_state(name) != KERNEL_MOD_ABSENT) {
			printf("would unload %s\n", name);
			goto out;
		}
		err = -ENOENT;
	}
	if (uo->wait)
		err = kernel_wait_unused(name, uo->timeout_ms);
	if (err == 0) {
		if (uo->flags & KERNEL_UNLOAD_FORCE)
			mm_warn("--force: removing %s even if it is in use; this taints the kernel "
				"and can crash it",
				name);
		err = kernel_unload(name, uo->flags);
	}
	if (err == 0) {
		if (uo->verbose)
			printf("unloaded %s\n", name);
		goto out;
	}
	findings_explain_unload(err, name, &why);
	mm_error("%s", why.v[0].message);
	if (why.v[0].hint)
		mm_hint("%s", why.v[0].hint);
	findings_free(&why);
	ret = MM_EXIT_FAIL;
out:
	free(name);
	return ret;
}

/* ---- --with-deps: NAME, then what only it needed ---- */

/* The module asked for (plan_ops.unload): as a plain unload. */
static int unload_root(const char *name, const void *ctx)
{
	return unload_one(name, ctx);
}

static int unload_with_deps(const char *arg, const struct unload_opts *uo)
{
	const struct plan_ops ops = {
		.unload = unload_root,
		.ctx = uo,
		.verbose = uo->verbose,
		.dry_run = uo->dry_run,
	};
	const struct chain_root *roots;
	struct chain *c = NULL;
	size_t nroots = 0;
	int ret = MM_EXIT_FAIL;

	if (chain_open(arg, false, &c, &roots, &nroots) < 0)
		goto out;
	ret = MM_EXIT_OK;
	for (size_t i = 0; i < nroots; i++)
		if (plan_unload(c, &roots[i], &ops) != MM_EXIT_OK)
			ret = MM_EXIT_FAIL;
out:
	chain_free(c);
	return ret;
}

static int run(int argc, char *argv[])
{
	struct unload_opts uo = { .timeout_ms = 10000 };
	int c, ret = MM_EXIT_OK;
	char *end;
	double secs;

	while ((c = getopt_long(argc, argv, "wt:fvinh" MM_MODDIR_SHORTOPTS, options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case 'w':
			uo.wait = true;
			break;
		case 't':
			secs = strtod(optarg, &end);
			if (end == optarg || *end || secs < 0 || secs > 86400) {
				mm_error("--timeout: '%s' is not a number of seconds", optarg);
				return mm_usage_error();
			}
			uo.timeout_ms = (long)(secs * 1000);
			break;
		case 'f':
			uo.flags |= KERNEL_UNLOAD_FORCE;
			break;
		case 'v':
			uo.verbose = true;
			break;
		case OPT_WITH_DEPS:
			uo.with_deps = true;
			break;
		case 'i':
			uo.ignore_remove = true;
			break;
		case 'n':
			uo.dry_run = true;
			break;
		case OPT_REMOVE_HOLDERS:
			uo.remove_holders = true;
			break;
		case 'h':
			usage();
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind >= argc) {
		mm_error("no module given");
		return mm_usage_error();
	}
	for (int i = optind; i < argc; i++) {
		char *name = mm_modname_from_path(argv[i]);

		if (uo.remove_holders && unload_holders(name, &uo, 0) != MM_EXIT_OK)
			ret = MM_EXIT_FAIL;
		else if ((uo.with_deps ? unload_with_deps(argv[i], &uo)
				       : unload_one(argv[i], &uo)) != MM_EXIT_OK)
			ret = MM_EXIT_FAIL;
		free(name);
	}
	return ret;
}

const struct mm_cmd cmd_unload = {
	.name = "unload",
	.run = run,
	.summary = "unload modules from the running kernel",
	.needs = MM_NEEDS_MODDIR,
};
