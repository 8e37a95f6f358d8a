// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod unload: remove modules from the running kernel, and explain a refusal. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

static const struct option options[] = {
	{ "wait", no_argument, NULL, 'w' },  { "timeout", required_argument, NULL, 't' },
	{ "force", no_argument, NULL, 'f' }, { "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },  { NULL, 0, NULL, 0 },
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
	      "  -v, --verbose          say what was unloaded\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

struct unload_opts {
	unsigned int flags;
	bool wait;
	long timeout_ms;
	bool verbose;
};

static int unload_one(const char *arg, const struct unload_opts *uo)
{
	struct kernel_explain ex;
	char *name = mm_modname_from_path(arg);
	int err = 0, ret = MM_EXIT_OK;

	if (kernel_module_state(name) == KERNEL_MOD_BUILTIN) {
		mm_error("%s is built into the kernel and cannot be unloaded", name);
		ret = MM_EXIT_FAIL;
		goto out;
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
	kernel_explain_unload(err, name, &ex);
	mm_error("%s", ex.what);
	if (ex.hint)
		mm_hint("%s", ex.hint);
	kernel_explain_free(&ex);
	ret = MM_EXIT_FAIL;
out:
	free(name);
	return ret;
}

static int run(int argc, char *argv[])
{
	struct unload_opts uo = { .timeout_ms = 10000 };
	int c, ret = MM_EXIT_OK;
	char *end;
	double secs;

	while ((c = getopt_long(argc, argv, "wt:fvh", options, NULL)) != -1) {
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
	for (int i = optind; i < argc; i++)
		if (unload_one(argv[i], &uo) != MM_EXIT_OK)
			ret = MM_EXIT_FAIL;
	return ret;
}

const struct mm_cmd cmd_unload = {
	.name = "unload",
	.run = run,
	.summary = "unload modules from the running kernel",
};
