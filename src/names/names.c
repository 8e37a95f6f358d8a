// SPDX-License-Identifier: LGPL-2.1-or-later
/* Which kmod tool argv[0] names, if any, and what those tools share. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mymod/cmd.h"
#include "names.h"

static const struct {
	const char *name;
	int (*main)(int argc, char *argv[]);
} names[] = {
	{ "modprobe", names_modprobe }, { "insmod", names_insmod },   { "rmmod", names_rmmod },
	{ "lsmod", names_lsmod },	{ "modinfo", names_modinfo }, { "depmod", names_depmod },
	{ "kmod", names_kmod },
};

const char *names_prog;

void names_version(void)
{
	puts("kmod version 34");
	puts("+ZSTD +XZ +ZLIB +OPENSSL");
}

void names_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ERROR: ", names_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int mm_names_main(int argc, char *argv[])
{
	const char *slash = strrchr(argv[0], '/');
	const char *base = slash ? slash + 1 : argv[0];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(base, names[i].name) == 0) {
			names_prog = base;
			/* modprobe's front end chooses its own messages. */
			if (names[i].main != names_modprobe)
				mm_cfg.kmod_tool = base;
			return names[i].main(argc, argv);
		}
	}
	return -1;
}
