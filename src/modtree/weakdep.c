// SPDX-License-Identifier: LGPL-2.1-or-later
/* modules.weakdep: "weakdep MODULE NAME..." lines, which libkmod 30 does not read. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "modtree-internal.h"
#include "mymod/util.h"

/* The file, read once; NULL when absent. */
static int read_weakdep(struct modtree *mt)
{
	char path[PATH_MAX + 32];
	int err;

	if (mt->weakdep_read)
		return 0;
	mt->weakdep_read = true;
	snprintf(path, sizeof(path), "%s/modules.weakdep", mt->dir);
	err = mm_read_file(path, &mt->weakdep, NULL);
	if (err < 0 && err != -ENOENT)
		return mm_fail(-err, "cannot read %s: %s", path, strerror(-err));
	return 0;
}

/* The names after "weakdep NAME" on LINE (up to END), onto NAMES; none when LINE is not one. */
static void weakdep_line(const char *line, const char *name, char ***names, size_t *n)
{
	size_t namelen = strlen(name);
	const char *p = line + strspn(line, " \t");
	const char *end = p + strcspn(p, "\n");

	if (strncmp(p, "weakdep", 7) != 0 || (p[7] != ' ' && p[7] != '\t'))
		return;
	p += 7 + strspn(p + 7, " \t");
	if (strncmp(p, name, namelen) != 0 || (p[namelen] != ' ' && p[namelen] != '\t'))
		return;
	p += namelen;
	while (p < end) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t\n");
		if (len == 0)
			break;
		mt_strv_push(names, n, p, len);
		p += len;
	}
}

int modtree_weakdeps(struct modtree *mt, const char *name, char ***namesp, size_t *np)
{
	int err;

	*namesp = NULL;
	*np = 0;
	err = read_weakdep(mt);
	if (err < 0)
		return err;
	for (const char *line = mt->weakdep; line && *line;
	     line += strcspn(line, "\n"), line += !!*line)
		weakdep_line(line, name, namesp, np);
	return 0;
}
