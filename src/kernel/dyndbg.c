// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dynamic debug: the callsites of pr_debug()/dev_dbg() the kernel knows,
 * from its control file (/proc/dynamic_debug/control, which 6.1 has even
 * without debugfs; else debugfs's), and queries written to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

static const char *const controls[] = {
	"/proc/dynamic_debug/control",
	"/sys/kernel/debug/dynamic_debug/control",
};

/* Is there a directory at PATH (in the sysroot)? */
static bool is_dir(const char *path)
{
	char p[PATH_MAX];
	struct stat st;

	return mm_syspath(p, sizeof(p), path) && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int kernel_dyndbg_control(char *buf, size_t len)
{
	for (size_t i = 0; i < MM_ARRAY_SIZE(controls); i++)
		if (mm_syspath(buf, len, controls[i]) && access(buf, F_OK) == 0)
			return 0;
	/* debugfs is there but empty: not mounted. Its own directory: no dynamic debug. */
	if (is_dir("/sys/kernel/debug") && !is_dir("/sys/kernel/debug/tracing") &&
	    !is_dir("/proc/dynamic_debug"))
		return mm_fail(ENOENT, "no dynamic_debug/control: debugfs is not mounted on "
				       "/sys/kernel/debug");
	return mm_fail(ENOTSUP, "no dynamic_debug/control: this kernel is built without "
				"CONFIG_DYNAMIC_DEBUG");
}

/* "FILE:LINE [MODULE]FUNCTION =FLAGS "FORMAT"" into C; false when not such a line. */
static bool parse_line(char *line, struct kernel_callsite *c)
{
	char *colon, *mod, *close, *flags, *fmt;

	if (line[0] == '#' || !(mod = strstr(line, " [")) || !(close = strchr(mod, ']')))
		return false;
	*mod = '\0';
	colon = strrchr(line, ':');
	flags = strstr(close, " =");
	if (!colon || !flags)
		return false;
	*colon = '\0';
	*close = '\0';
	*flags = '\0';
	fmt = strchr(flags + 2, ' ');
	if (fmt)
		*fmt++ = '\0';
	c->file = mm_strdup(line);
	c->line = (unsigned int)strtoul(colon + 1, NULL, 10);
	c->module = mm_strdup(mod + 2);
	c->function = mm_strdup(close + 1);
	c->flags = mm_strdup(flags + 2);
	if (fmt && *fmt == '"') {
		size_t n = strlen(fmt);

		c->format = mm_strndup(fmt + 1, n >= 2 && fmt[n - 1] == '"' ? n - 2 : n - 1);
	} else {
		c->format = mm_strdup(fmt ? fmt : "");
	}
	return true;
}

static void callsite_clear(struct kernel_callsite *c)
{
	free(c->file);
	free(c->module);
	free(c->function);
	free(c->flags);
	free(c->format);
}

int kernel_dyndbg_read(const char *module, struct kernel_callsite **vp, size_t *np)
{
	char path[PATH_MAX];
	char *text, *save = NULL;
	struct kernel_callsite *v = NULL;
	size_t n = 0;
	int err = kernel_dyndbg_control(path, sizeof(path));

	*vp = NULL;
	*np = 0;
	if (err < 0)
		return err;
	err = mm_read_file(path, &text, NULL);
	if (err < 0)
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct kernel_callsite c = { 0 };

		if (!parse_line(l, &c))
			continue;
		if (module && !mm_modname_eq(c.module, module)) {
			callsite_clear(&c);
			continue;
		}
		v = mm_reallocarray(v, n + 1, sizeof(*v));
		v[n++] = c;
	}
	free(text);
	*vp = v;
	*np = n;
	return 0;
}

void kernel_callsites_free(struct kernel_callsite *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		callsite_clear(&v[i]);
	free(v);
}

int kernel_dyndbg_write(const char *query)
{
	char path[PATH_MAX];
	size_t len = strlen(query);
	int fd, err = kernel_dyndbg_control(path, sizeof(path));
	ssize_t w;

	if (err < 0)
		return err;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, query, len);
	err = w < 0 ? -errno : (size_t)w != len ? -EIO : 0;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int kernel_mount_debugfs(void)
{
	if (mount("none", "/sys/kernel/debug", "debugfs", 0, NULL) < 0)
		return mm_fail(errno, "cannot mount debugfs on /sys/kernel/debug: %s",
			       strerror(errno));
	return 0;
}
