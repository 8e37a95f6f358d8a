// SPDX-License-Identifier: LGPL-2.1-or-later
/* A module's parameters as the kernel shows them: /sys/module/NAME/parameters. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct kernel_param_value *)a)->name,
		      ((const struct kernel_param_value *)b)->name);
}

static void read_one(const char *dir, struct kernel_param_value *p)
{
	char path[PATH_MAX];
	struct stat st;
	size_t len;
	int err;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, p->name) >= sizeof(path)) {
		p->err = ENAMETOOLONG;
		return;
	}
	if (stat(path, &st) == 0)
		p->mode = st.st_mode & 0777;
	err = mm_read_file(path, &p->value, &len);
	if (err < 0) {
		p->err = -err;
		p->value = NULL;
		return;
	}
	if (len && p->value[len - 1] == '\n')
		p->value[len - 1] = '\0';
}

int kernel_param_values(const char *module, struct kernel_param_value **vp, size_t *np)
{
	char dir[PATH_MAX];
	struct kernel_param_value *v = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	*vp = NULL;
	*np = 0;
	if (!kernel_modpath(dir, sizeof(dir), module, NULL) || access(dir, F_OK) != 0)
		return mm_fail(ENOENT, "%s: not loaded (no %s)", module, dir);
	if (!kernel_modpath(dir, sizeof(dir), module, "parameters"))
		return mm_fail(ENAMETOOLONG, "the path of /sys/module/%s is too long", module);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : mm_fail(errno, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = mm_reallocarray(v, n + 1, sizeof(*v));
		v[n] = (struct kernel_param_value){ .name = mm_strdup(de->d_name) };
		read_one(dir, &v[n++]);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	*vp = v;
	*np = n;
	return 0;
}

void kernel_param_values_free(struct kernel_param_value *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

int kernel_param_write(const char *module, const char *name, const char *value)
{
	char dir[PATH_MAX], path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t w;
	int fd, err = 0;

	if (!kernel_modpath(dir, sizeof(dir), module, "parameters") ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC); /* as the shell's > opens it */
	if (fd < 0)
		return -errno;
	/* One write: the kernel parses what one write(2) gives it. */
	w = write(fd, value, len ? len : 1);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != (len ? len : 1))
		err = -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}
