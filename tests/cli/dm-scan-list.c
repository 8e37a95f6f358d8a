// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dm_scan() for the depmod-scan test: the relative paths it gives, one a
 * line, as modules.dep lists them; with -v, each module's name, reason and
 * losers (sorted: the walk's order is the file system's) after a tab.
 * usage: dm-scan-list [-v] [-b BASEDIR] [-C CONFIG]... KVER [FILE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mymod/depmod.h"
#include "mymod/util.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *const reasons[] = { "only", "search", "override", "external" };

int main(int argc, char **argv)
{
	struct depmod_config c = { .basedir = "", .moduledir = "/lib/modules" };
	const char **conf = calloc((size_t)argc, sizeof(*conf));
	struct dm_module *mods;
	bool verbose = false;
	size_t n;
	int opt;

	while ((opt = getopt(argc, argv, "vb:C:")) != -1) {
		if (opt == 'v')
			verbose = true;
		else if (opt == 'b')
			c.basedir = optarg;
		else if (opt == 'C')
			conf[c.nconfig++] = optarg;
		else
			return 2;
	}
	if (optind >= argc)
		return 2;
	c.kver = argv[optind++];
	c.config_paths = c.nconfig ? conf : NULL;
	c.files = argv + optind;
	c.nfiles = (size_t)(argc - optind);
	if (dm_scan(&c, &mods, &n) < 0) {
		fprintf(stderr, "dm-scan-list: %s\n", mm_errmsg());
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%s", mods[i].relpath);
		if (verbose) {
			printf("\t%s %s", mods[i].name, reasons[mods[i].reason]);
			if (mods[i].nlosers > 1) /* none: no array for qsort() */
				qsort(mods[i].losers, mods[i].nlosers, sizeof(char *), cmp_str);
			for (size_t j = 0; j < mods[i].nlosers; j++)
				printf(" %s", mods[i].losers[j]);
		}
		putchar('\n');
	}
	dm_modules_free(mods, n);
	free(conf);
	return 0;
}
