// SPDX-License-Identifier: LGPL-2.1-or-later
/* Signature enforcement and exported symbols of the running kernel, for mymod check. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

bool kernel_sig_enforced(void)
{
	char path[PATH_MAX];
	bool enforced;
	char *s;

	if (!mm_syspath(path, sizeof(path), "/sys/module/module/parameters/sig_enforce") ||
	    mm_read_file(path, &s, NULL) < 0)
		return false;
	enforced = s[0] == 'Y' || s[0] == '1';
	free(s);
	return enforced;
}

struct kernel_export {
	const char *name;
	const char *owner;
};

struct kernel_symbols {
	char *buf;
	struct kernel_export *v;
	size_t n;
};

static int export_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kernel_export *)a)->name,
		      ((const struct kernel_export *)b)->name);
}

/* "ffffffff8aa63b84 r __ksymtab__printk" or "... r __ksymtab_hello_greet\t[hello]" */
static void parse_kallsyms(struct kernel_symbols *ks)
{
	static const char prefix[] = "__ksymtab_";
	char *save = NULL;

	for (char *line = strtok_r(ks->buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = strstr(line, prefix), *owner;

		if (!name || name == line || (name[-1] != ' ' && name[-1] != '\t'))
			continue;
		name += sizeof(prefix) - 1;
		owner = name + strcspn(name, " \t");
		if (*owner) {
			*owner++ = '\0';
			owner += strspn(owner, " \t[");
			owner[strcspn(owner, "]")] = '\0';
		}
		if ((ks->n & (ks->n - 1)) == 0) /* grow at 1, 2, 4, 8, ... */
			ks->v = mm_reallocarray(ks->v, ks->n ? ks->n * 2 : 1, sizeof(*ks->v));
		ks->v[ks->n].name = name;
		ks->v[ks->n++].owner = *owner ? owner : "vmlinux";
	}
	qsort(ks->v, ks->n, sizeof(*ks->v), export_cmp);
}

int kernel_symbols_open(struct kernel_symbols **ksp)
{
	struct kernel_symbols *ks = mm_calloc(1, sizeof(*ks));
	char path[PATH_MAX];
	int err;

	if (!mm_syspath(path, sizeof(path), "/proc/kallsyms")) {
		free(ks);
		return mm_fail(ENAMETOOLONG, "path of /proc/kallsyms too long");
	}
	err = mm_read_file(path, &ks->buf, NULL);
	if (err < 0) {
		free(ks);
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	}
	parse_kallsyms(ks);
	if (ks->n == 0) {
		kernel_symbols_close(ks);
		return mm_fail(ENODATA, "%s lists no exported symbol (no CONFIG_KALLSYMS_ALL)",
			       path);
	}
	*ksp = ks;
	return 0;
}

void kernel_symbols_close(struct kernel_symbols *ks)
{
	if (!ks)
		return;
	free(ks->v);
	free(ks->buf);
	free(ks);
}

bool kernel_symbols_find(const struct kernel_symbols *ks, const char *name, const char **owner)
{
	struct kernel_export key = { .name = name };
	const struct kernel_export *e;

	e = bsearch(&key, ks->v, ks->n, sizeof(*ks->v), export_cmp);
	if (e && owner)
		*owner = e->owner;
	return e != NULL;
}
