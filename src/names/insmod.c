// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as insmod: kmod 34's options, into what mymod load FILE
 * PARAMS does (ko_open(), load_param_string(), attempt_load()), with
 * insmod's messages; -v adds mymod's explanation of a refusal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/attempt.h"
#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "names.h"

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options] filename [module options]\n"
	       "Options:\n"
	       "\t-f, --force       DANGEROUS: forces a module load, may cause\n"
	       "\t                  data corruption and crash your machine\n"
	       "\t-s, --syslog      print to syslog, not stderr\n"
	       "\t-v, --verbose     enables more messages\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n",
	       names_prog);
}

/* insmod's words for the errors a load can end in. */
static const char *mod_strerror(int err)
{
	switch (err) {
	case ENOEXEC:
		return "Invalid module format";
	case ENOENT:
		return "Unknown symbol in module";
	case ESRCH:
		return "Module has wrong symbol version";
	case EINVAL:
		return "Invalid parameters";
	default:
		return strerror(err);
	}
}

/* Load FILE with PARAMS; the exit status. */
static int insmod(const char *file, char **params, int nparams, unsigned int flags, bool verbose)
{
	struct attempt a = { 0 };
	struct ko *ko;
	char *pstr;
	int err = ko_open(file, &ko);

	/* kmod only stats the file before it hands it to the kernel: the rest is the insert's. */
	if (err == -ENOENT)
		mm_error("could not load module %s: %s", file, strerror(-err));
	else if (err < 0)
		mm_error("could not insert module %s: %s", file, mod_strerror(-err));
	if (err < 0) {
		if (verbose)
			mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	pstr = load_param_string(NULL, params, nparams);
	mm_cfg.quiet = !verbose; /* insmod warns of nothing; -v: mymod's warnings too */
	attempt_load(NULL, ko, pstr, flags, &a);
	mm_cfg.quiet = false;
	if (a.err < 0) {
		mm_error("could not insert module %s: %s", file, mod_strerror(-a.err));
		if (verbose)
			report_failure(file, &a);
	}
	err = a.err;
	attempt_done(&a);
	free(pstr);
	ko_close(ko);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

int names_insmod(int argc, char *argv[])
{
	struct names_opts o = { 0 };
	int status = names_parse_opts(argc, argv, true, help, &o);

	if (status >= 0)
		return status;
	if (optind >= argc) {
		mm_error("missing filename.");
		return MM_EXIT_FAIL;
	}
	if (strcmp(argv[optind], "-") == 0) {
		mm_error("this tool does not support loading from stdin!");
		return MM_EXIT_FAIL;
	}
	mm_cfg.kver = kernel_release_uname(); /* as kmod: the explanation's module directory */
	mm_cmd_begin(&cmd_load);
	status = insmod(argv[optind], argv + optind + 1, argc - optind - 1,
			o.force ? KERNEL_LOAD_FORCE_VERMAGIC | KERNEL_LOAD_FORCE_MODVERSION : 0,
			o.verbose);
	mm_cmd_end();
	return status;
}
