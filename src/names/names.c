// SPDX-License-Identifier: LGPL-2.1-or-later
/* Which kmod tool argv[0] names, if any. */
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

int mm_names_main(int argc, char *argv[])
{
	const char *slash = strrchr(argv[0], '/');
	const char *base = slash ? slash + 1 : argv[0];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(base, names[i].name) == 0)
			return names[i].main(argc, argv);
	return -1;
}
