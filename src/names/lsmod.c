// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod called as lsmod (and kmod list): the loaded modules as
 * mymod list reads them (kernel_modules()), in lsmod's format: the
 * reference count and the holders from /sys/module, as libkmod reads them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "names.h"

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options]\n"
	       "Options:\n"
	       "\t-s, --syslog      print to syslog, not stderr\n"
	       "\t-v, --verbose     enables more messages\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n",
	       names_prog);
}

static void print_module(const struct kernel_module *m)
{
	char **holders = NULL;
	size_t n = 0;
	/* libkmod reads /sys/module/NAME/refcnt: -errno when it cannot. */
	long refcnt = m->refcnt >= 0 ? m->refcnt : kernel_module_refcnt(m->name);

	printf("%-19s %8lu  %ld", m->name, (unsigned long)m->size, refcnt);
	if (kernel_module_holders_listed(m->name, &holders, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++)
		printf("%c%s", i ? ',' : ' ', holders[i]);
	putchar('\n');
	kernel_names_free(holders, n);
}

int names_lsmod(int argc, char *argv[])
{
	struct kernel_module *mods;
	size_t n;
	struct names_opts o = { 0 };
	int err = names_parse_opts(argc, argv, false, help, &o);

	if (err >= 0)
		return err;
	if (optind < argc) {
		mm_error("too many arguments provided.");
		return MM_EXIT_FAIL;
	}
	err = kernel_modules(&mods, &n);
	if (err == -ENOSYS) /* no /proc/modules: libkmod's words, then lsmod's */
		mm_error("could not open /proc/modules: %s", strerror(ENOENT));
	if (err < 0) {
		mm_error("could not get list of modules: %s",
			 strerror(err == -ENOSYS ? ENOENT : -err));
		return MM_EXIT_FAIL;
	}
	puts("Module                  Size  Used by");
	for (size_t i = 0; i < n; i++)
		print_module(&mods[i]);
	kernel_modules_free(mods, n);
	return fflush(stdout) == 0 ? MM_EXIT_OK : MM_EXIT_FAIL;
}
