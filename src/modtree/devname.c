// SPDX-License-Identifier: LGPL-2.1-or-later
/* modules.devname read, as kmod static-nodes reads it (modtree.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

/* One line "MODNAME DEVNAME TYPEMAJ:MIN" into D; false when it is not one. */
static bool parse_line(const char *line, struct modtree_devname *d, char *mod, char *dev)
{
	if (sscanf(line, "%4095s %4095s %c%u:%u", mod, dev, &d->type, &d->major, &d->minor) != 5)
		return false;
	d->module = mod;
	d->devname = dev;
	return d->type == 'c' || d->type == 'b';
}

int modtree_devnames(const char *dir, modtree_devname_fn fn, void *data)
{
	char *path = mm_asprintf("%s/modules.devname", dir);
	char *mod = mm_malloc(PATH_MAX), *dev = mm_malloc(PATH_MAX);
	char line[PATH_MAX];
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		err = mm_fail(errno, "cannot open %s: %s", path, strerror(errno));
	while (f && fgets(line, sizeof(line), f)) {
		struct modtree_devname d = { 0 };

		if (line[0] == '#')
			continue;
		err = fn(parse_line(line, &d, mod, dev) ? &d : NULL, line, data);
		if (err < 0)
			break;
	}
	if (f)
		fclose(f);
	free(mod);
	free(dev);
	free(path);
	return err;
}
