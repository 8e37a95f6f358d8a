// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as rmmod: kmod 34's options, into what mymod unload does
 * (kernel_module_state(), kernel_module_holders_listed(), kernel_unload()), with
 * rmmod's checks and messages; -v adds mymod's explanation of a refusal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "names.h"

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options] [list of modulenames]\n"
	       "Options:\n"
	       "\t-f, --force       DANGEROUS: forces a module unload and may\n"
	       "\t                  crash your machine\n"
	       "\t-s, --syslog      print to syslog, not stderr\n"
	       "\t-v, --verbose     enables more messages\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n",
	       names_prog);
}

/*
 * "Module NAME is in use by: A B", as kmod 30 and kmod after 34 print it
 * (kmod 34 garbles it, each piece with its own "rmmod: ERROR: ", which
 * kmod's commit da2654b fixed).
 */
static void say_holders(const char *name, char **holders, size_t n)
{
	struct mm_strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++)
		mm_strbuf_addf(&sb, " %s", holders[i]);
	mm_error("Module %s is in use by:%s", name, sb.s);
	mm_strbuf_free(&sb);
}

/* rmmod's checks before an unload without -f; 0 to go on, else -errno. */
static int check_in_use(const char *name)
{
	enum kernel_mod_state state = kernel_module_state(name);
	char **holders = NULL;
	size_t n = 0;
	long refcnt;

	if (state == KERNEL_MOD_BUILTIN) {
		mm_error("Module %s is builtin.", name);
		return -ENOENT;
	}
	if (state == KERNEL_MOD_ABSENT) {
		mm_error("Module %s is not currently loaded", name);
		return -ENOENT;
	}
	if (kernel_module_holders_listed(name, &holders, &n) == 0 && n > 0) {
		say_holders(name, holders, n);
		kernel_names_free(holders, n);
		return -EBUSY;
	}
	refcnt = kernel_module_refcnt(name);
	if (refcnt > 0) {
		mm_error("Module %s is in use", name);
		return -EBUSY;
	}
	if (refcnt == -ENOENT)
		mm_error("Module unloading is not supported");
	return refcnt < 0 ? (int)refcnt : 0;
}

/* Unload the module ARG names (a file's module, or a name); the exit status. */
static int rmmod(const char *arg, unsigned int flags, bool verbose)
{
	struct stat st;
	/* kmod: an existing file is read for its module name; anything else is a name. */
	char *name = stat(arg, &st) == 0 ? mm_modname_from_path(arg)
					 : mm_modname_normalize(mm_strdup(arg));
	struct findings why;
	int err = 0;

	if (!(flags & KERNEL_UNLOAD_FORCE))
		err = check_in_use(name); /* said why */
	if (err == 0) {
		err = kernel_unload(name, flags);
		if (err < 0) /* libkmod's words, then rmmod's */
			mm_error("could not remove '%s': %s", name, strerror(-err));
		if (err < 0)
			mm_error("could not remove module %s: %s", arg, strerror(-err));
	}
	if (err < 0 && verbose) {
		findings_explain_unload(err, name, &why);
		mm_error("%s", why.v[0].message);
		findings_free(&why);
	}
	free(name);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

int names_rmmod(int argc, char *argv[])
{
	struct names_opts o = { 0 };
	int status = names_parse_opts(argc, argv, true, help, &o);

	if (status >= 0)
		return status;
	status = MM_EXIT_OK;
	if (optind >= argc) {
		mm_error("missing module name.");
		return MM_EXIT_FAIL;
	}
	for (int i = optind; i < argc; i++)
		if (rmmod(argv[i], o.force ? KERNEL_UNLOAD_FORCE : 0, o.verbose) != MM_EXIT_OK)
			status = MM_EXIT_FAIL;
	return status;
}
